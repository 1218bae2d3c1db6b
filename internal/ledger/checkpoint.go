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
// at most once per checkpointEvery. Ed25519 signatures are deterministic,
// so re-signing an unchanged tree would give byte-identical checkpoints;
// freshness for auditors comes from witness cosignatures instead.
func (l *Log) checkpointLoop() {
	defer l.done.Done()
	var last time.Time
	for {
		select {
		case <-l.dirty:
		case <-l.quit:
			// The sequencer is stopping too; sign what it committed last.
			ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
			if _, err := l.Checkpoint(ctx); err != nil {
				l.logger.Error("final checkpoint failed", "error", err.Error())
			}
			cancel()
			return
		}
		if wait := l.checkpointEvery - time.Since(last); wait > 0 {
			select {
			case <-time.After(wait):
			case <-l.quit:
				continue // the quit branch above signs the final checkpoint
			}
		}
		last = time.Now()
		ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
		if _, err := l.Checkpoint(ctx); err != nil {
			l.logger.Error("checkpoint failed", "error", err.Error())
		}
		cancel()
	}
}

// Checkpoint signs and stores a checkpoint for the log's current size, if
// the latest stored checkpoint is older, and returns the latest checkpoint.
// Tests and `vigil` commands call it to avoid waiting for the loop.
func (l *Log) Checkpoint(ctx context.Context) (*Checkpoint, error) {
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
	if latest != nil && latest.Size >= size {
		return latest, nil
	}
	hash, err := tlog.TreeHash(size, l.HashReader(ctx))
	if err != nil {
		return nil, fmt.Errorf("ledger: tree hash at %d: %w", size, err)
	}
	msg, err := note.Sign(&note.Note{Text: string(FormatCheckpoint(l.key.Origin(), size, hash))}, l.key.signer)
	if err != nil {
		return nil, fmt.Errorf("ledger: sign checkpoint: %w", err)
	}
	q := l.db.Rebind(`INSERT INTO log_checkpoints (size, note, signed_at) VALUES (?, ?, ?) ON CONFLICT (size) DO NOTHING`)
	if _, err := l.db.Writer.ExecContext(ctx, q, size, msg, time.Now().UnixMicro()); err != nil {
		return nil, fmt.Errorf("ledger: store checkpoint: %w", err)
	}
	return &Checkpoint{Origin: l.key.Origin(), Size: size, Hash: hash, Note: msg}, nil
}

// ErrNoCheckpoint means the log has not signed a checkpoint yet.
var ErrNoCheckpoint = errors.New("ledger: no checkpoint yet")

// Latest returns the latest stored checkpoint, verified with the log's key.
func (l *Log) Latest(ctx context.Context) (*Checkpoint, error) {
	var msg []byte
	err := l.db.Reader.QueryRowContext(ctx, `SELECT note FROM log_checkpoints ORDER BY size DESC LIMIT 1`).Scan(&msg)
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
