package ledger

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"sync"
	"time"

	"github.com/vigil-project/vigil/internal/sqldb"
)

// Tx is a domain operation's view of a batch transaction: it changes domain
// rows and records, for each change, the log entry that commits to it. The
// sequencer appends the entries and commits them with the rows.
type Tx struct {
	ctx     context.Context
	tx      *sql.Tx
	log     *Log
	now     time.Time
	entries []pending
}

type pending struct {
	entry Entry
	salt  []byte
	state []byte
}

// Now is the time of the transaction; rows and entries written in it share it.
func (t *Tx) Now() time.Time { return t.now }

// Context returns the transaction's context.
func (t *Tx) Context() context.Context { return t.ctx }

// Engine returns the database engine, for the few queries that differ.
func (t *Tx) Engine() sqldb.Engine { return t.log.db.Engine }

// Exec runs a statement written with ? placeholders. Statements are
// prepared once per connection and reused: parsing SQL costs more than
// running a small insert.
func (t *Tx) Exec(q string, args ...any) (sql.Result, error) {
	s, err := t.log.stmts.get(t.ctx, t.tx, q)
	if err != nil {
		return nil, err
	}
	return s.ExecContext(t.ctx, args...)
}

// QueryRow runs a query written with ? placeholders that returns one row.
func (t *Tx) QueryRow(q string, args ...any) *sql.Row {
	s, err := t.log.stmts.get(t.ctx, t.tx, q)
	if err != nil {
		// sql.Row cannot be built with an error; fall back to an unprepared query that reports it.
		return t.tx.QueryRowContext(t.ctx, t.log.db.Rebind(q), args...)
	}
	return s.QueryRowContext(t.ctx, args...)
}

// Query runs a query written with ? placeholders.
func (t *Tx) Query(q string, args ...any) (*sql.Rows, error) {
	s, err := t.log.stmts.get(t.ctx, t.tx, q)
	if err != nil {
		return nil, err
	}
	return s.QueryContext(t.ctx, args...)
}

// ErrNoRow is returned by Save when its statement changed no row (an
// UPDATE whose WHERE matched nothing).
var ErrNoRow = errors.New("ledger: no row changed")

// Save runs query, an INSERT or UPDATE of one row of table written with ?
// placeholders, and records the row's new state in an entry of the given
// kind. The state is what the database returns for the row (the query runs
// with RETURNING *), encoded by Canonical, so the commitment is exactly
// what `vigil verify` will read back; the entry's version is the row's
// version column.
func (t *Tx) Save(kind, actor, table, query string, args ...any) error {
	return t.record(OpPut, kind, actor, table, query+" RETURNING *", args)
}

// Delete removes the row of table with the given id and records its last
// state in a deletion entry, so that the removal itself is in the log.
func (t *Tx) Delete(kind, actor, table, id string) error {
	return t.record(OpDel, kind, actor, table, "DELETE FROM "+table+" WHERE id = ? RETURNING *", []any{id})
}

func (t *Tx) record(op Op, kind, actor, table, query string, args []any) error {
	if !t.log.tables[table] {
		return fmt.Errorf("ledger: table %s is not tracked", table)
	}
	rows, err := t.Query(query, args...)
	if err != nil {
		return fmt.Errorf("ledger: %s %s: %w", kind, table, err)
	}
	defer rows.Close()
	if !rows.Next() {
		if err := rows.Err(); err != nil {
			return fmt.Errorf("ledger: %s %s: %w", kind, table, err)
		}
		return ErrNoRow
	}
	sc, err := newRowScanner(rows)
	if err != nil {
		return fmt.Errorf("ledger: %s %s: %w", kind, table, err)
	}
	row, err := sc.scan(rows)
	if err != nil {
		return fmt.Errorf("ledger: %s %s: %w", kind, table, err)
	}
	if rows.Next() {
		return fmt.Errorf("ledger: %s %s: the statement changed more than one row", kind, table)
	}
	if err := rows.Close(); err != nil {
		return fmt.Errorf("ledger: %s %s: %w", kind, table, err)
	}
	t.add(op, kind, actor, table, row.id, row.version, row.state)
	return nil
}

// Event records that something happened to an object without changing it:
// a read of a case, a sign-in. details (a small JSON-encodable value, such
// as the purpose of a read) are committed to, and kept in the erasable table.
func (t *Tx) Event(kind, actor, objectType, objectID string, details any) error {
	state, err := json.Marshal(details)
	if err != nil {
		return fmt.Errorf("ledger: event details: %w", err)
	}
	t.add(OpEvent, kind, actor, objectType, objectID, 0, state)
	return nil
}

func (t *Tx) add(op Op, kind, actor, typ, id string, version int64, state []byte) {
	salt := newSalt()
	t.entries = append(t.entries, pending{
		entry: Entry{
			V: FormatVersion, Op: op, Kind: kind, Time: t.now.Format(TimeFormat),
			Actor: actor, Type: typ, Object: id, Version: version,
			Commitment: Commit(salt, state),
		},
		salt:  salt,
		state: state,
	})
}

// stmtCache holds statements prepared on the writer pool, by query text.
type stmtCache struct {
	db      *sqldb.DB
	mu      sync.Mutex
	m       map[string]*sql.Stmt
	pending map[string]bool
}

// get returns q prepared, bound to tx. database/sql keeps a statement
// prepared on each connection it has run on, so with SQLite's single writer
// connection every cached query is parsed once. A query seen for the first
// time is prepared for tx alone and queued: preparing it on the pool now
// would wait for the connection tx holds.
func (c *stmtCache) get(ctx context.Context, tx *sql.Tx, q string) (*sql.Stmt, error) {
	c.mu.Lock()
	s, ok := c.m[q]
	if !ok {
		if c.pending == nil {
			c.pending = map[string]bool{}
		}
		c.pending[q] = true
	}
	c.mu.Unlock()
	if ok {
		return tx.StmtContext(ctx, s), nil
	}
	return tx.PrepareContext(ctx, c.db.Rebind(q))
}

// prepare prepares the queued queries on the pool; the sequencer calls it
// between transactions.
func (c *stmtCache) prepare(ctx context.Context) {
	c.mu.Lock()
	defer c.mu.Unlock()
	for q := range c.pending {
		s, err := c.db.Writer.PrepareContext(ctx, c.db.Rebind(q))
		if err != nil {
			continue // the query will be prepared per transaction, and its error reported there
		}
		if c.m == nil {
			c.m = map[string]*sql.Stmt{}
		}
		c.m[q] = s
	}
	c.pending = nil
}

func (c *stmtCache) close() {
	c.mu.Lock()
	defer c.mu.Unlock()
	for _, s := range c.m {
		s.Close()
	}
	c.m = nil
}
