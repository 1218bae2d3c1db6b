package sqlstore

import (
	"cmp"
	"context"
	"hash/fnv"
	"slices"

	"github.com/vigil-project/vigil"
	"github.com/vigil-project/vigil/internal/ledger"
)

// runSaver records a full run's proposals as they are made, a batch at a
// time, rather than holding them all: a region's run proposes millions of
// links, each with its evidence, which would not fit in memory together.
// It remembers every pair stored (before or during the run) as a 128-bit
// hash, some 30 bytes each, so that no pair is proposed twice and a
// rejected link is never proposed again.
type runSaver struct {
	s       *Store
	actor   vigil.Actor
	run     *vigil.LinkRun
	have    map[[16]byte]struct{}
	pending []*vigil.Link
}

// saverBatch is how many proposals wait before they are written.
var saverBatch = 10000

func (s *Store) newRunSaver(ctx context.Context, actor vigil.Actor, run *vigil.LinkRun) (*runSaver, error) {
	sv := &runSaver{s: s, actor: actor, run: run, have: map[[16]byte]struct{}{}}
	rows, err := s.query(ctx, `SELECT left_id, right_id, method FROM links`)
	if err != nil {
		return nil, internal("read links", err)
	}
	defer rows.Close()
	for rows.Next() {
		var k pairKey
		if err := rows.Scan(&k.left, &k.right, &k.method); err != nil {
			return nil, internal("read links", err)
		}
		sv.have[k.hash()] = struct{}{}
	}
	if err := rows.Err(); err != nil {
		return nil, internal("read links", err)
	}
	return sv, nil
}

// add queues proposals not already stored or queued, and writes the queue
// once it is a batch long.
func (sv *runSaver) add(ctx context.Context, props ...*vigil.Link) error {
	for _, l := range props {
		h := pairKey{l.Left, l.Right, l.Method}.hash()
		if _, ok := sv.have[h]; ok || l.Left == l.Right {
			continue
		}
		sv.have[h] = struct{}{}
		sv.pending = append(sv.pending, l)
	}
	if len(sv.pending) >= saverBatch {
		return sv.flush(ctx)
	}
	return nil
}

// flush writes what is queued.
func (sv *runSaver) flush(ctx context.Context) error {
	err := sv.s.writeLinks(ctx, sv.actor, sv.pending, sv.run)
	sv.pending = sv.pending[:0]
	return err
}

func (k pairKey) hash() [16]byte {
	h := fnv.New128a()
	h.Write([]byte(k.left))
	h.Write([]byte{0})
	h.Write([]byte(k.right))
	h.Write([]byte{0})
	h.Write([]byte(k.method))
	var out [16]byte
	h.Sum(out[:0])
	return out
}

// writeLinks records fresh proposals (none stored yet) in chunks, each
// with its log entry, and counts them into run.
func (s *Store) writeLinks(ctx context.Context, actor vigil.Actor, fresh []*vigil.Link, run *vigil.LinkRun) error {
	if len(fresh) == 0 {
		return nil
	}
	slices.SortFunc(fresh, func(a, b *vigil.Link) int { return cmp.Compare(a.ID, b.ID) })
	for len(fresh) > 0 {
		n := min(len(fresh), 500)
		chunk := fresh[:n]
		err := s.write(ctx, func(tx *ledger.Tx) error {
			for _, l := range chunk {
				if err := insertLink(tx, actor.ID, l); err != nil {
					return err
				}
			}
			return nil
		})
		if err != nil {
			return err
		}
		for _, l := range chunk {
			run.Proposed++
			switch {
			case l.Method == vigil.LinkPattern:
				run.Alerts++
			case l.Status == vigil.LinkLikely:
				run.Likely++
			default:
				run.Review++
			}
		}
		fresh = fresh[n:]
	}
	s.linking.gen++
	return nil
}
