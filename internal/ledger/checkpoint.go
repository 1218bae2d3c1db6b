package ledger

import (
	"bytes"
	"context"
	"database/sql"
	"encoding/base64"
	"errors"
	"fmt"
	"strconv"
	"strings"
	"time"

	tnote "github.com/transparency-dev/formats/note"
	"golang.org/x/mod/sumdb/note"
	"golang.org/x/mod/sumdb/tlog"

	"github.com/vigil-project/vigil/internal/sqldb"
)

// Checkpoint is a signed statement of the log's size and root hash, in the
// C2SP tlog-checkpoint format: origin line, decimal size, base64 root hash,
// then the note signatures.
type Checkpoint struct {
	Origin string
	Size   int64
	Hash   tlog.Hash
	Note   []byte // the signed note, as served at /log/checkpoint
}

// FormatCheckpoint returns the body of a checkpoint (before signatures).
// tlog.FormatTree writes the go.sum database's fixed origin, so the body is
// written here following C2SP tlog-checkpoint.
func FormatCheckpoint(origin string, size int64, hash tlog.Hash) []byte {
	return fmt.Appendf(nil, "%s\n%d\n%s\n", origin, size, base64.StdEncoding.EncodeToString(hash[:]))
}

// OpenCheckpoint verifies a signed checkpoint with v and parses it. The
// first line must be v's name, as C2SP requires of a log's own signature.
func OpenCheckpoint(msg []byte, v note.Verifier) (*Checkpoint, error) {
	n, err := note.Open(msg, note.VerifierList(v))
	if err != nil {
		return nil, fmt.Errorf("checkpoint signature: %w", err)
	}
	lines := strings.SplitN(n.Text, "\n", 4)
	if len(lines) < 4 {
		return nil, errors.New("checkpoint: fewer than three lines")
	}
	if lines[0] != v.Name() {
		return nil, fmt.Errorf("checkpoint: origin %q is not the key's name %q", lines[0], v.Name())
	}
	size, err := strconv.ParseInt(lines[1], 10, 64)
	if err != nil || size < 0 || strconv.FormatInt(size, 10) != lines[1] {
		return nil, fmt.Errorf("checkpoint: bad size %q", lines[1])
	}
	raw, err := base64.StdEncoding.DecodeString(lines[2])
	if err != nil || len(raw) != tlog.HashSize {
		return nil, fmt.Errorf("checkpoint: bad root hash %q", lines[2])
	}
	return &Checkpoint{Origin: lines[0], Size: size, Hash: tlog.Hash(raw), Note: msg}, nil
}

// checkpointLoop signs a checkpoint soon after new entries are committed,
// at most once per checkpointEvery; at start-up, for entries a crash left
// between their commit and their checkpoint; and every resignEvery while
// the log is idle.
//
// Why re-sign an unchanged tree: an auditor who fetches the same
// checkpoint twice cannot tell a live log that has had nothing to record
// from a frozen copy served by someone hiding what came after it. The
// checkpoint body (origin, size, root) of an unchanged tree is the same,
// and Ed25519 signatures are deterministic, so the log's note signature
// is the same too; what changes is the second signature every checkpoint
// carries, a C2SP tlog-cosignature (cosignature/v1) by the log's own key,
// which signs the time together with the body. A new checkpoint of the
// same size therefore says "as of this time, this is still my latest
// tree", which is exactly what the cosignature format means. Clients that
// do not know the timestamp line ignore it (C2SP signed-note), so the
// checkpoint stays a plain C2SP tlog-checkpoint for them.
func (l *Log) checkpointLoop() {
	defer l.done.Done()
	l.signCheckpoint(false)
	var last time.Time
	for {
		idle := time.NewTimer(l.untilResign())
		select {
		case <-l.dirty:
			idle.Stop()
		case <-idle.C:
			l.signCheckpoint(true)
			continue
		case <-l.quit:
			idle.Stop()
			// The sequencer is stopping too; sign what it committed last.
			l.signCheckpoint(false)
			return
		}
		if wait := l.checkpointEvery - time.Since(last); wait > 0 {
			select {
			case <-time.After(wait):
			case <-l.quit:
				l.signCheckpoint(false)
				return
			}
		}
		last = time.Now()
		l.signCheckpoint(false)
	}
}

// signCheckpoint signs a checkpoint if the tree has grown past the latest
// one, or, with idle set, if the latest was signed resignEvery ago or more.
func (l *Log) signCheckpoint(idle bool) {
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	fresh := false
	if idle {
		at, err := l.lastSigned(ctx)
		if err != nil {
			l.logger.Error("checkpoint failed", "error", err.Error())
			return
		}
		// Another node (PostgreSQL) may have re-signed meanwhile.
		fresh = !at.IsZero() && time.Since(at) >= l.resignEvery
	}
	if _, err := l.checkpoint(ctx, fresh); err != nil && !errors.Is(err, errEmptyLog) {
		l.logger.Error("checkpoint failed", "error", err.Error())
	}
}

// untilResign returns how long the log may stay idle before its latest
// checkpoint is re-signed.
func (l *Log) untilResign() time.Duration {
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	at, err := l.lastSigned(ctx)
	if err != nil || at.IsZero() {
		return l.resignEvery
	}
	// At least a second, so that a re-signing that keeps failing (the
	// database refuses writes) is retried, not spun on.
	return min(max(l.resignEvery-time.Since(at), time.Second), l.resignEvery)
}

// lastSigned returns when the newest checkpoint was signed (zero if none).
func (l *Log) lastSigned(ctx context.Context) (time.Time, error) {
	var at sql.NullInt64
	if err := l.db.Reader.QueryRowContext(ctx, `SELECT MAX(signed_at) FROM log_checkpoints`).Scan(&at); err != nil {
		return time.Time{}, fmt.Errorf("ledger: latest checkpoint time: %w", err)
	}
	if !at.Valid {
		return time.Time{}, nil
	}
	return time.UnixMicro(at.Int64), nil
}

// errEmptyLog: there is nothing to sign at start-up.
var errEmptyLog = errors.New("ledger: the log is empty")

// Checkpoint signs and stores a checkpoint for the log's current size, if
// the latest stored checkpoint is older, and returns the latest checkpoint.
// Tests and `vigil` commands call it to avoid waiting for the loop.
func (l *Log) Checkpoint(ctx context.Context) (*Checkpoint, error) {
	c, err := l.checkpoint(ctx, false)
	if errors.Is(err, errEmptyLog) {
		return l.sign(ctx, 0)
	}
	return c, err
}

// checkpoint signs a checkpoint of the current size when the latest one is
// smaller, or, with fresh set, when it is the same size (re-signing). It
// never signs a tree smaller than a checkpoint already signed. It returns
// errEmptyLog for a log with no entries and no checkpoint.
func (l *Log) checkpoint(ctx context.Context, fresh bool) (*Checkpoint, error) {
	if l.key == nil {
		return nil, errors.New("ledger: log has no signing key")
	}
	size, err := Size(ctx, l.db)
	if err != nil {
		return nil, err
	}
	latest, err := l.Latest(ctx)
	if err != nil && !errors.Is(err, ErrNoCheckpoint) {
		return nil, err
	}
	switch {
	case latest == nil && size == 0:
		return nil, errEmptyLog
	case latest != nil && (latest.Size > size || latest.Size == size && !fresh):
		return latest, nil
	}
	return l.sign(ctx, size)
}

// sign signs and stores a checkpoint of the tree of the given size.
func (l *Log) sign(ctx context.Context, size int64) (*Checkpoint, error) {
	hash, err := tlog.TreeHash(size, l.HashReader(ctx))
	if err != nil {
		return nil, fmt.Errorf("ledger: tree hash at %d: %w", size, err)
	}
	msg, err := note.Sign(&note.Note{Text: string(FormatCheckpoint(l.key.Origin(), size, hash))}, l.key.signer, l.key.timestamper)
	if err != nil {
		return nil, fmt.Errorf("ledger: sign checkpoint: %w", err)
	}
	q := l.db.Rebind(`INSERT INTO log_checkpoints (size, note, signed_at) VALUES (?, ?, ?) ON CONFLICT DO NOTHING`)
	if _, err := l.db.Writer.ExecContext(ctx, q, size, msg, time.Now().UnixMicro()); err != nil {
		return nil, fmt.Errorf("ledger: store checkpoint: %w", err)
	}
	return &Checkpoint{Origin: l.key.Origin(), Size: size, Hash: hash, Note: msg}, nil
}

// CheckpointTime returns the time at which the log signed the checkpoint
// note msg, from the timestamp (a cosignature/v1 by the log's own key)
// that Vigil adds to every checkpoint, checked with the log's verifier
// key vkey. ok is false for a checkpoint without one (signed by an older
// Vigil); an error means the note or its timestamp does not verify.
func CheckpointTime(msg []byte, vkey string) (t time.Time, ok bool, err error) {
	v, err := note.NewVerifier(strings.TrimSpace(vkey))
	if err != nil {
		return time.Time{}, false, fmt.Errorf("verifier key: %w", err)
	}
	tv, err := TimestampVerifier(vkey)
	if err != nil {
		return time.Time{}, false, err
	}
	n, err := note.Open(msg, note.VerifierList(v, tv))
	if err != nil {
		return time.Time{}, false, fmt.Errorf("checkpoint signature: %w", err)
	}
	for _, sig := range n.Sigs {
		if sig.Name == tv.Name() && sig.Hash == tv.KeyHash() {
			t, err := tnote.CoSigV1Timestamp(sig)
			if err != nil {
				return time.Time{}, false, fmt.Errorf("checkpoint timestamp: %w", err)
			}
			return t, true, nil
		}
	}
	return time.Time{}, false, nil
}

// ErrNoCheckpoint means the log has not signed a checkpoint yet.
var ErrNoCheckpoint = errors.New("ledger: no checkpoint yet")

// Latest returns the latest stored checkpoint, verified with the log's key.
func (l *Log) Latest(ctx context.Context) (*Checkpoint, error) {
	var msg []byte
	err := l.db.Reader.QueryRowContext(ctx, `SELECT note FROM log_checkpoints ORDER BY size DESC, signed_at DESC LIMIT 1`).Scan(&msg)
	if errors.Is(err, sql.ErrNoRows) {
		return nil, ErrNoCheckpoint
	} else if err != nil {
		return nil, fmt.Errorf("ledger: latest checkpoint: %w", err)
	}
	if l.key == nil {
		return nil, errors.New("ledger: log has no key to verify its checkpoint")
	}
	return OpenCheckpoint(msg, l.key.Verifier())
}

// WaitCheckpoint returns the first checkpoint that covers at least size
// entries, waiting for the checkpointer when needed.
func (l *Log) WaitCheckpoint(ctx context.Context, size int64) (*Checkpoint, error) {
	for {
		c, err := l.Latest(ctx)
		if err == nil && c.Size >= size {
			return c, nil
		} else if err != nil && !errors.Is(err, ErrNoCheckpoint) {
			return nil, err
		}
		select {
		case <-ctx.Done():
			return nil, ctx.Err()
		case <-time.After(20 * time.Millisecond):
		}
	}
}

// Size returns the number of entries in the log of db.
func Size(ctx context.Context, db *sqldb.DB) (int64, error) {
	var n int64
	if err := db.Reader.QueryRowContext(ctx, sizeQuery).Scan(&n); err != nil {
		return 0, fmt.Errorf("ledger: log size: %w", err)
	}
	return n, nil
}

// sizeQuery returns the number of entries in the log.
const sizeQuery = `SELECT COALESCE(MAX(idx), -1) + 1 FROM log_entries`

// HashReader reads stored hashes (in tlog's stored-hash numbering) from the
// database's tiles.
func (l *Log) HashReader(ctx context.Context) tlog.HashReader {
	return tlog.HashReaderFunc(func(ids []int64) ([]tlog.Hash, error) {
		load, err := l.readerTiles(ctx)
		if err != nil {
			return nil, err
		}
		return tileHashReader{load: load, upper: &l.upper}.ReadHashes(ids)
	})
}

// ProveInclusion returns the proof that entry idx is in the tree of the given size.
func (l *Log) ProveInclusion(ctx context.Context, size, idx int64) (tlog.RecordProof, error) {
	return tlog.ProveRecord(size, idx, l.HashReader(ctx))
}

// ProveConsistency returns the proof that the tree of size old is a prefix of the tree of size size.
func (l *Log) ProveConsistency(ctx context.Context, size, old int64) (tlog.TreeProof, error) {
	return tlog.ProveTree(size, old, l.HashReader(ctx))
}

// EntryData returns the stored encodings of entries [start, end).
func (l *Log) EntryData(ctx context.Context, start, end int64) ([][]byte, error) {
	rows, err := l.db.Reader.QueryContext(ctx, l.db.Rebind(`SELECT idx, data FROM log_entries WHERE idx >= ? AND idx < ? ORDER BY idx`), start, end)
	if err != nil {
		return nil, fmt.Errorf("ledger: read entries: %w", err)
	}
	defer rows.Close()
	out := make([][]byte, 0, end-start)
	for rows.Next() {
		var idx int64
		var data []byte
		if err := rows.Scan(&idx, &data); err != nil {
			return nil, err
		}
		if idx != start+int64(len(out)) {
			return nil, fmt.Errorf("ledger: entry %d is missing", start+int64(len(out)))
		}
		out = append(out, data)
	}
	if err := rows.Err(); err != nil {
		return nil, err
	}
	if int64(len(out)) != end-start {
		return nil, fmt.Errorf("ledger: entry %d is missing", start+int64(len(out)))
	}
	return out, nil
}

// bundle encodes entries as a C2SP entry bundle: each entry prefixed with
// its length as a big-endian uint16.
func bundle(entries [][]byte) []byte {
	var b bytes.Buffer
	for _, e := range entries {
		b.WriteByte(byte(len(e) >> 8))
		b.WriteByte(byte(len(e)))
		b.Write(e)
	}
	return b.Bytes()
}
