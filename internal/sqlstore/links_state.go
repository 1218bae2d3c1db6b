package sqlstore

import (
	"context"
	"sync"
	"time"

	"github.com/vigil-project/vigil"
	"github.com/vigil-project/vigil/internal/link"
)

// linkState is what linking keeps in memory between calls: the person
// model trained by the last full run, with an index of the person
// mentions it saw (so a new report is matched without retraining), the
// first mention of every exact key, and the entity snapshot pages read.
type linkState struct {
	mu       sync.Mutex
	trained  bool
	index    *link.Index
	indexIDs []vigil.ID          // record i of index is mention indexIDs[i]
	keys     map[string]vigil.ID // exact key -> first mention with it
	plates   map[string]vigil.ID // whole plate key -> first mention with it
	fuzzy    fuzzyState          // vehicles by description, venues by district (links_fuzzy.go)
	gen      uint64              // bumped by every change to links
	snap     *entitySnap
}

// storedMention is a mention with when its concern was received.
type storedMention struct {
	*vigil.Mention
	received time.Time
}

// loadMentions reads mentions with their concerns' times, oldest first.
func (s *Store) loadMentions(ctx context.Context, where string, args ...any) ([]storedMention, error) {
	rows, err := s.query(ctx, `SELECT `+mentionColumns+`, c.received_at FROM mentions m JOIN concerns c ON c.id = m.concern_id `+
		where+` ORDER BY c.received_at, m.concern_id, m.seq`, args...)
	if err != nil {
		return nil, internal("read mentions", err)
	}
	defer rows.Close()
	var out []storedMention
	for rows.Next() {
		var received int64
		m, err := scanMention(scanFunc(func(dest ...any) error { return rows.Scan(append(dest, &received)...) }))
		if err != nil {
			return nil, internal("read mentions", err)
		}
		out = append(out, storedMention{m, fromMicros(received)})
	}
	return out, rows.Err()
}

// scanFunc adapts a function to the scanner interface.
type scanFunc func(dest ...any) error

func (f scanFunc) Scan(dest ...any) error { return f(dest...) }

// mentionsByID reads the mentions with the given ids.
func (s *Store) mentionsByID(ctx context.Context, ids []vigil.ID) (map[vigil.ID]storedMention, error) {
	out := map[vigil.ID]storedMention{}
	for len(ids) > 0 {
		n := min(len(ids), 500)
		args := make([]any, n)
		q := make([]byte, 0, n*2)
		for i, id := range ids[:n] {
			args[i] = id
			if i > 0 {
				q = append(q, ',')
			}
			q = append(q, '?')
		}
		ms, err := s.loadMentions(ctx, `WHERE m.id IN (`+string(q)+`)`, args...)
		if err != nil {
			return nil, err
		}
		for _, m := range ms {
			out[m.ID] = m
		}
		ids = ids[n:]
	}
	return out, nil
}
