package ledger

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"runtime"
	"time"

	"github.com/vigil-project/vigil"
	"github.com/vigil-project/vigil/internal/sqldb"
)

type request struct {
	fn   func(*Tx) error
	done chan error
}

// Write runs fn in a transaction together with other writers' functions
// (group commit), appends the entries fn recorded, and returns once the
// transaction is durable. Nothing fn did is visible to anyone until then,
// and if the commit fails, nothing fn did happened.
//
// fn may run more than once (when another function in its batch fails, the
// batch is retried without it), so it must not have effects outside the
// transaction other than setting its own results. An error from fn that is
// a *vigil.Error rolls back fn's work only; any other error from fn, or a
// failed commit, fails the batch and is reported as EUNAVAILABLE.
func (l *Log) Write(ctx context.Context, fn func(*Tx) error) error {
	if l.closed.Load() {
		return ErrClosed
	}
	r := &request{fn: fn, done: make(chan error, 1)}
	select {
	case l.reqs <- r:
	case <-ctx.Done():
		return ctx.Err()
	case <-l.quit:
		return ErrClosed
	}
	// Once queued, wait for the outcome even if ctx ends: the caller must
	// learn whether the write became durable.
	return <-r.done
}

// Append records one event entry (a read, a sign-in) with group commit.
func (l *Log) Append(ctx context.Context, kind, actor, objectType, objectID string, details any) error {
	return l.Write(ctx, func(tx *Tx) error {
		return tx.Event(kind, actor, objectType, objectID, details)
	})
}

// sequence is the one writer of the log: it takes every queued request,
// commits them in one transaction, and answers them all.
func (l *Log) sequence() {
	defer l.done.Done()
	batch := make([]*request, 0, l.maxBatch)
	answered := 0 // requests answered by the last commit
	for {
		var first *request
		select {
		case first = <-l.reqs:
		case <-l.quit:
			// Commit what is already queued, then stop.
			for {
				select {
				case r := <-l.reqs:
					l.commit([]*request{r})
				default:
					return
				}
			}
		}
		batch = append(batch[:0], first)
		l.fill(&batch, answered > 1)
		answered = len(batch)
		l.commit(batch)
	}
}

// Lingering. A commit costs a write and an fsync of the WAL whatever the
// size of the batch (about 0.3 ms here, half the time of a batch of 32).
// Without lingering, concurrent writers split into two groups that take
// turns: while one group's batch commits, the other queues, and the
// writers just answered come back a few microseconds too late for the next
// batch. So when the last commit answered more than one request, the
// sequencer waits a little for them: it gathers requests until none has
// come for lingerGap, or for lingerMax in all. A lone writer (the last
// commit answered one request) never waits.
//
// The wait polls instead of sleeping: a Go timer under a millisecond can
// fire a millisecond late on an idle processor. runtime.Gosched lets the
// returning writers run meanwhile.
const (
	lingerGap = 30 * time.Microsecond
	lingerMax = 300 * time.Microsecond
)

// fill adds queued requests to batch, up to maxBatch; when linger is set
// it waits for more as described above.
func (l *Log) fill(batch *[]*request, linger bool) {
	var start, last time.Time
	if linger {
		start = time.Now()
		last = start
	}
	for len(*batch) < l.maxBatch {
		select {
		case r := <-l.reqs:
			*batch = append(*batch, r)
			if linger {
				last = time.Now()
			}
		default:
			if !linger {
				return
			}
			if now := time.Now(); now.Sub(last) > lingerGap || now.Sub(start) > lingerMax {
				return
			}
			runtime.Gosched()
		}
	}
}

// commit commits batch, retrying without any request whose function fails
// with a domain error, and answers every request.
func (l *Log) commit(batch []*request) {
	defer l.stmts.prepare(context.Background())
	for len(batch) > 0 {
		failed, err := l.try(batch)
		if failed >= 0 {
			batch[failed].done <- err
			batch = append(batch[:failed:failed], batch[failed+1:]...)
			continue
		}
		if err != nil {
			l.edge = nil
			err = l.unavailable(err)
		}
		for _, r := range batch {
			r.done <- err
		}
		return
	}
}

// try runs batch in one transaction. It returns the index of a request whose
// function failed with a domain error (and that error), or -1 and the error
// that failed the whole batch (nil on success).
func (l *Log) try(batch []*request) (failed int, err error) {
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	if l.db.Engine == sqldb.SQLite {
		// modernc's driver watches a context that can end with a goroutine
		// and a progress handler per statement, on the sequencer's path
		// that every write waits for: without them, 64 writers append
		// ~41,500 entries/s rather than ~30,800 (BenchmarkAppend).
		// SQLite's busy_timeout (sqldb) already bounds the only wait, for
		// the file lock, so nothing here needs ending.
		ctx = context.Background()
	}
	sqlTx, err := l.db.Writer.BeginTx(ctx, nil)
	if err != nil {
		return -1, fmt.Errorf("begin: %w", err)
	}
	defer sqlTx.Rollback()
	if l.db.Engine == sqldb.Postgres {
		// Every node has a sequencer; the lock makes them take turns.
		if _, err := sqlTx.ExecContext(ctx, `SELECT pg_advisory_xact_lock(7036002)`); err != nil {
			return -1, fmt.Errorf("lock: %w", err)
		}
	}
	// The size is read in the transaction, not remembered: on PostgreSQL
	// another node may have appended since, and on SQLite another process
	// (a `vigil` command) may have.
	var size int64
	sizeStmt, err := l.stmts.get(ctx, sqlTx, sizeQuery)
	if err != nil {
		return -1, fmt.Errorf("log size: %w", err)
	}
	if err := sizeStmt.QueryRowContext(ctx).Scan(&size); err != nil {
		return -1, fmt.Errorf("log size: %w", err)
	}
	tx := &Tx{ctx: ctx, tx: sqlTx, log: l, now: vigil.Now().UTC().Truncate(time.Millisecond)}
	for i, r := range batch {
		if err := r.fn(tx); err != nil {
			var de *vigil.Error
			if errors.As(err, &de) {
				return i, err
			}
			l.logger.Error("log write function failed", "error", err.Error())
			return i, l.unavailable(err)
		}
	}
	if len(tx.entries) > 0 {
		if err := l.appendEntries(ctx, sqlTx, size, tx.entries); err != nil {
			return -1, err
		}
	}
	if err := sqlTx.Commit(); err != nil {
		return -1, fmt.Errorf("commit: %w", err)
	}
	l.stats.Batches.Add(1)
	l.stats.Writes.Add(int64(len(batch)))
	l.stats.Entries.Add(int64(len(tx.entries)))
	if len(tx.entries) > 0 {
		select {
		case l.dirty <- struct{}{}:
		default:
		}
	}
	return -1, nil
}

// appendEntries inserts entries at indexes size, size+1, ... with their
// states, and adds their hashes to the stored tree's tiles.
func (l *Log) appendEntries(ctx context.Context, tx *sql.Tx, size int64, entries []pending) error {
	if l.edgeSize != size {
		l.edge = nil // another node wrote, or the last batch failed
	}
	tileStmt, err := l.stmts.get(ctx, tx, tileQuery)
	if err != nil {
		return fmt.Errorf("read tiles: %w", err)
	}
	tree := newTreeAppender(l.edge, dbTiles(ctx, tileStmt))
	entryRows := make([]any, 0, 4*len(entries))
	stateRows := make([]any, 0, 3*len(entries))
	for i := range entries {
		p := &entries[i]
		idx := size + int64(i)
		data, err := p.entry.Marshal()
		if err != nil {
			return err
		}
		if err := tree.add(idx, data); err != nil {
			return err
		}
		entryRows = append(entryRows, idx, p.entry.Type, p.entry.Object, data)
		stateRows = append(stateRows, idx, p.salt, p.state)
	}
	if err := l.insertRows(ctx, tx, "log_entries (idx, object_type, object_id, data)", 4, entryRows, ""); err != nil {
		return err
	}
	if err := l.insertRows(ctx, tx, "log_states (idx, salt, state)", 3, stateRows, ""); err != nil {
		return err
	}
	if err := l.upsertTiles(ctx, tx, tree.dirty, tree.tiles); err != nil {
		return err
	}
	l.edge = tree.edge()
	l.edgeSize = size + int64(len(entries))
	return nil
}

// insertRows inserts flat args as rows of cols columns, many rows per
// statement: one statement per row costs far more than the rows themselves.
// Statements hold 256, 128, ... or 1 rows, so that few shapes are prepared.
// suffix follows the VALUES list (an ON CONFLICT clause).
func (l *Log) insertRows(ctx context.Context, tx *sql.Tx, into string, cols int, args []any, suffix string) error {
	for len(args) > 0 {
		n := 256
		for n > len(args)/cols {
			n /= 2
		}
		s, err := l.stmts.get(ctx, tx, "INSERT INTO "+into+" VALUES "+sqldb.Placeholders(n, cols)+suffix)
		if err != nil {
			return fmt.Errorf("insert into %s: %w", into, err)
		}
		if _, err := s.ExecContext(ctx, args[:n*cols]...); err != nil {
			return fmt.Errorf("insert into %s: %w", into, err)
		}
		args = args[n*cols:]
	}
	return nil
}
