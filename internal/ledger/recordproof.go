package ledger

import (
	"bytes"
	"context"
	"database/sql"
	"errors"
	"fmt"

	"golang.org/x/mod/sumdb/note"
	"golang.org/x/mod/sumdb/tlog"
)

// RecordProof shows, to someone who trusts only the log's public key,
// that the log holds an entry committing to a record's state: the entry,
// the salt and state it commits to, a checkpoint signed by the log, and the
// entry's inclusion proof in that checkpoint's tree (RFC 6962). A statistics
// release carries one, so that anyone can check the figures they read are
// the ones the log recorded when they were published.
type RecordProof struct {
	Index      int64
	Entry      []byte // the entry's encoding, the tree's leaf data
	Salt       []byte
	State      []byte
	Checkpoint []byte // a signed note
	Proof      tlog.RecordProof
}

// ErrNotCovered means no signed checkpoint covers the entry yet.
var ErrNotCovered = errors.New("ledger: no checkpoint covers the entry yet")

// ProveRecord returns the proof of the first entry of the object (its
// creation), against the first stored checkpoint that covers it: that
// checkpoint never changes, so the proof is the same whenever it is asked
// for; auditors check later checkpoints' consistency with it as with any.
// It returns ErrNotCovered when no checkpoint covers the entry yet.
func (l *Log) ProveRecord(ctx context.Context, objectType, objectID string) (*RecordProof, error) {
	p := &RecordProof{}
	q := l.db.Rebind(`SELECT e.idx, e.data, s.salt, s.state FROM log_entries e JOIN log_states s ON s.idx = e.idx
		WHERE e.object_id = ? AND e.object_type = ? ORDER BY e.idx LIMIT 1`)
	err := l.db.Reader.QueryRowContext(ctx, q, objectID, objectType).Scan(&p.Index, &p.Entry, &p.Salt, &p.State)
	if errors.Is(err, sql.ErrNoRows) {
		return nil, fmt.Errorf("ledger: no entry for %s/%s, or its state was erased", objectType, objectID)
	} else if err != nil {
		return nil, fmt.Errorf("ledger: prove record: %w", err)
	}
	err = l.db.Reader.QueryRowContext(ctx, l.db.Rebind(`SELECT note FROM log_checkpoints WHERE size > ? ORDER BY size, signed_at LIMIT 1`), p.Index).Scan(&p.Checkpoint)
	if errors.Is(err, sql.ErrNoRows) {
		return nil, ErrNotCovered
	} else if err != nil {
		return nil, fmt.Errorf("ledger: prove record: %w", err)
	}
	if l.key == nil {
		return nil, errors.New("ledger: log has no key to read its checkpoints")
	}
	cp, err := OpenCheckpoint(p.Checkpoint, l.key.Verifier())
	if err != nil {
		return nil, err
	}
	if p.Proof, err = l.ProveInclusion(ctx, cp.Size, p.Index); err != nil {
		return nil, fmt.Errorf("ledger: prove record: %w", err)
	}
	return p, nil
}

// Verify checks p with the log's verifier: the checkpoint's signature,
// the entry's inclusion in the checkpoint's tree, and the entry's
// commitment to the salt and state. It returns the entry and checkpoint.
func (p *RecordProof) Verify(v note.Verifier) (*Entry, *Checkpoint, error) {
	cp, err := OpenCheckpoint(p.Checkpoint, v)
	if err != nil {
		return nil, nil, err
	}
	if p.Index < 0 || p.Index >= cp.Size {
		return nil, nil, fmt.Errorf("entry %d is not in the tree of %d entries", p.Index, cp.Size)
	}
	if err := tlog.CheckRecord(p.Proof, cp.Size, cp.Hash, p.Index, tlog.RecordHash(p.Entry)); err != nil {
		return nil, nil, fmt.Errorf("entry %d is not in the checkpoint's tree: %w", p.Index, err)
	}
	e, err := ParseEntry(p.Entry)
	if err != nil {
		return nil, nil, err
	}
	if !bytes.Equal(Commit(p.Salt, p.State), e.Commitment) {
		return nil, nil, errors.New("the entry does not commit to this state")
	}
	return e, cp, nil
}
