package ledger

import (
	"context"
	"embed"
	"errors"
	"fmt"
	"log/slog"
	"sync"
	"sync/atomic"
	"time"

	"golang.org/x/mod/sumdb/note"

	"github.com/vigil-project/vigil"
	"github.com/vigil-project/vigil/internal/sqldb"
)

//go:embed migrations
var migrations embed.FS

// Config configures a Log.
type Config struct {
	DB *sqldb.DB
	// Key is the log's signing key (see LoadKey). A Log without a key can be
	// read and verified but not written.
	Key *Key
	// Tables lists the domain tables whose rows the log tracks. Each has a
	// TEXT primary key named id and an integer column named version.
	Tables []string
	Logger *slog.Logger
	// MaxBatch bounds the number of writes committed together (default 1024).
	MaxBatch int
	// CheckpointEvery is the shortest time between two checkpoints (default
	// 250ms); a checkpoint covers new entries within this time plus the
	// signing time, well inside the 1 s the design asks for.
	CheckpointEvery time.Duration
	// ResignEvery is how long an idle log waits before signing its latest
	// tree again with a new timestamp (default 10 minutes; see
	// checkpointLoop).
	ResignEvery time.Duration
}

// Log is a verifiable log stored beside the domain tables of one database.
// Its methods are safe for concurrent use.
type Log struct {
	db     *sqldb.DB
	key    *Key
	tables map[string]bool
	logger *slog.Logger

	maxBatch        int
	checkpointEvery time.Duration
	resignEvery     time.Duration

	reqs   chan *request
	dirty  chan struct{}
	quit   chan struct{}
	done   sync.WaitGroup
	closed atomic.Bool

	// edge holds the right-most stored tile of each level as of a log of
	// edgeSize entries: the tiles the next batch appends to and reads. It
	// is dropped whenever a batch fails, and ignored when the log's size is
	// not edgeSize (another node or process appended).
	edge     map[tileKey][]byte
	edgeSize int64

	stmts stmtCache // on the writer, for the sequencer
	reads readStmts // on the reader pool
	upper tileCache // stored tiles of level 1 and above, for readers
	stats Stats
}

// Stats counts the sequencer's work, for benchmarks and /healthz.
type Stats struct {
	Batches atomic.Int64 // committed transactions
	Entries atomic.Int64 // entries appended
	Writes  atomic.Int64 // write requests committed
}

// ErrClosed is returned by writes to a closed log.
var ErrClosed = errors.New("ledger: log is closed")

// Open applies the log's migrations, checks that the database belongs to
// the configured key, and starts the sequencer and the checkpointer when
// the log has a key.
func Open(ctx context.Context, cfg Config) (*Log, error) {
	if err := cfg.DB.Migrate(ctx, "ledger", migrations, "migrations/"+string(cfg.DB.Engine)); err != nil {
		return nil, err
	}
	l := &Log{
		db:              cfg.DB,
		key:             cfg.Key,
		tables:          map[string]bool{},
		logger:          cfg.Logger,
		maxBatch:        cfg.MaxBatch,
		checkpointEvery: cfg.CheckpointEvery,
		resignEvery:     cfg.ResignEvery,
		reqs:            make(chan *request, 4096),
		dirty:           make(chan struct{}, 1),
		quit:            make(chan struct{}),
		stmts:           stmtCache{db: cfg.DB},
		reads:           readStmts{db: cfg.DB},
	}
	if l.logger == nil {
		l.logger = slog.New(slog.DiscardHandler)
	}
	if l.maxBatch <= 0 {
		l.maxBatch = 1024
	}
	if l.checkpointEvery <= 0 {
		l.checkpointEvery = 250 * time.Millisecond
	}
	if l.resignEvery <= 0 {
		l.resignEvery = 10 * time.Minute
	}
	for _, t := range cfg.Tables {
		l.tables[t] = true
	}
	if l.key == nil {
		l.closed.Store(true)
		return l, nil
	}
	if err := l.claim(ctx); err != nil {
		return nil, err
	}
	l.done.Add(2)
	go l.sequence()
	go l.checkpointLoop()
	return l, nil
}

// claim records the log's origin and verifier key in a new database, and
// refuses a database that belongs to another key: a log signed by two keys
// could not be verified by anyone holding one of them.
func (l *Log) claim(ctx context.Context) error {
	meta, err := ReadMeta(ctx, l.db)
	if err != nil {
		return err
	}
	if meta.VerifierKey == "" {
		q := l.db.Rebind(`INSERT INTO log_meta (name, value) VALUES (?, ?), (?, ?) ON CONFLICT (name) DO NOTHING`)
		if _, err := l.db.Writer.ExecContext(ctx, q, "origin", l.key.Origin(), "verifier_key", l.key.VerifierKey()); err != nil {
			return fmt.Errorf("ledger: record key: %w", err)
		}
		meta, err = ReadMeta(ctx, l.db)
		if err != nil {
			return err
		}
	}
	if meta.VerifierKey != l.key.VerifierKey() {
		return fmt.Errorf("ledger: this database's log is signed by key %q, not by the key given (%q); use the log's own key", meta.VerifierKey, l.key.VerifierKey())
	}
	return nil
}

// Meta is what the database records about its log.
type Meta struct {
	Origin      string
	VerifierKey string
}

// ReadMeta returns the log's recorded origin and verifier key (empty in a
// database that has never been written).
func ReadMeta(ctx context.Context, db *sqldb.DB) (Meta, error) {
	var m Meta
	rows, err := db.Reader.QueryContext(ctx, `SELECT name, value FROM log_meta`)
	if err != nil {
		return m, fmt.Errorf("ledger: read meta: %w", err)
	}
	defer rows.Close()
	for rows.Next() {
		var k, v string
		if err := rows.Scan(&k, &v); err != nil {
			return m, err
		}
		switch k {
		case "origin":
			m.Origin = v
		case "verifier_key":
			m.VerifierKey = v
		}
	}
	return m, rows.Err()
}

// Close stops accepting writes, commits what is queued, signs a final
// checkpoint and stops the background work.
func (l *Log) Close() error {
	if l.closed.Swap(true) {
		return nil
	}
	close(l.quit)
	l.done.Wait()
	l.stmts.close()
	l.reads.close()
	return nil
}

// Stats returns the sequencer's counters.
func (l *Log) Stats() *Stats { return &l.stats }

// Verifier returns the note verifier of the log's key.
func (l *Log) Verifier() (note.Verifier, error) {
	if l.key == nil {
		return nil, errors.New("ledger: log has no key")
	}
	return l.key.Verifier(), nil
}

// Key returns the log's key (nil for a read-only log).
func (l *Log) Key() *Key { return l.key }

// unavailable wraps a storage failure as the domain's EUNAVAILABLE, so that
// users learn that nothing was recorded, while the log keeps the detail.
func (l *Log) unavailable(err error) error {
	l.logger.Error("log write failed", slog.String("error", err.Error()))
	return &vigil.Error{Code: vigil.EUNAVAILABLE, Message: "The record could not be saved, so nothing was recorded. Please try again in a moment; if it keeps happening, tell your administrator."}
}

// PendingMigrations names the log's migrations not yet applied to db.
func PendingMigrations(ctx context.Context, db *sqldb.DB) ([]string, error) {
	return db.Pending(ctx, "ledger", migrations, "migrations/"+string(db.Engine))
}
