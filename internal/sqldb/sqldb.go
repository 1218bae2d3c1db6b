// Package sqldb opens the two database engines Vigil runs on, SQLite
// (modernc.org/sqlite, embedded, no cgo) and PostgreSQL (jackc/pgx through
// database/sql), with the settings the verifiable log relies on for
// durability, and applies forward-only embedded migrations.
//
// SQLite runs in WAL mode with synchronous=FULL, so a commit is on disk
// before it returns, behind one writer connection (SQLite has one writer at a
// time anyway; a single connection avoids SQLITE_BUSY) and a pool of readers.
package sqldb

import (
	"context"
	"database/sql"
	"fmt"
	"net/url"
	"os"
	"path/filepath"
	"runtime"
	"strconv"
	"strings"

	_ "github.com/jackc/pgx/v5/stdlib" // registers the "pgx" driver
	_ "modernc.org/sqlite"             // registers the "sqlite" driver
)

// Engine names a database engine.
type Engine string

// The supported engines.
const (
	SQLite   Engine = "sqlite"
	Postgres Engine = "postgres"
)

// DB is an open database: a writer pool for transactions that change state
// and a reader pool for everything else. On PostgreSQL both are the same pool.
type DB struct {
	Engine Engine
	Writer *sql.DB
	Reader *sql.DB
	// Path is the SQLite file, for messages and backups; empty on PostgreSQL.
	Path string
}

// Open opens the database named by dsn: "sqlite:PATH" (the file is created
// when absent) or "postgres://..." / "postgresql://...".
func Open(ctx context.Context, dsn string) (*DB, error) {
	switch {
	case strings.HasPrefix(dsn, "sqlite:"):
		return openSQLite(ctx, strings.TrimPrefix(dsn, "sqlite:"))
	case strings.HasPrefix(dsn, "postgres://"), strings.HasPrefix(dsn, "postgresql://"):
		return openPostgres(ctx, dsn)
	}
	return nil, fmt.Errorf("database %q: use sqlite:PATH or postgres://USER@HOST/DB", redact(dsn))
}

func openSQLite(ctx context.Context, path string) (*DB, error) {
	if path == "" {
		return nil, fmt.Errorf("sqlite: no file path given (use sqlite:PATH)")
	}
	if dir := filepath.Dir(path); dir != "" {
		if err := os.MkdirAll(dir, 0o700); err != nil {
			return nil, fmt.Errorf("sqlite: %w", err)
		}
	}
	// secure_delete overwrites deleted content, so erased states and expired
	// speak-up reports do not linger in free pages of the file.
	base := "file:" + url.PathEscape(path) + "?_pragma=busy_timeout(10000)&_pragma=foreign_keys(1)&_pragma=secure_delete(1)"
	// journal_mode is persistent in the file; the writer sets it first so
	// the readers open an existing WAL database.
	// The writer keeps temporary b-trees in memory and a 128 MiB page cache:
	// temp-file journal writes were a fifth of bulk-import CPU.
	writer, err := sql.Open("sqlite", base+"&_pragma=journal_mode(WAL)&_pragma=synchronous(FULL)&_pragma=temp_store(memory)&_pragma=cache_size(-131072)&_txlock=immediate")
	if err != nil {
		return nil, fmt.Errorf("sqlite: %w", err)
	}
	writer.SetMaxOpenConns(1)
	writer.SetMaxIdleConns(1)
	writer.SetConnMaxLifetime(0)
	if err := writer.PingContext(ctx); err != nil {
		writer.Close()
		return nil, fmt.Errorf("sqlite %s: %w", path, err)
	}
	reader, err := sql.Open("sqlite", base+"&_pragma=query_only(1)")
	if err != nil {
		writer.Close()
		return nil, fmt.Errorf("sqlite: %w", err)
	}
	n := max(4, runtime.GOMAXPROCS(0)*2)
	reader.SetMaxOpenConns(n)
	reader.SetMaxIdleConns(n)
	return &DB{Engine: SQLite, Writer: writer, Reader: reader, Path: path}, nil
}

func openPostgres(ctx context.Context, dsn string) (*DB, error) {
	db, err := sql.Open("pgx", dsn)
	if err != nil {
		return nil, fmt.Errorf("postgres %s: %w", redact(dsn), err)
	}
	db.SetMaxOpenConns(max(8, runtime.GOMAXPROCS(0)*4))
	db.SetMaxIdleConns(max(8, runtime.GOMAXPROCS(0)*4))
	if err := db.PingContext(ctx); err != nil {
		db.Close()
		return nil, fmt.Errorf("postgres %s: %w", redact(dsn), err)
	}
	return &DB{Engine: Postgres, Writer: db, Reader: db}, nil
}

// redact removes a password from a DSN so it can be shown or logged.
func redact(dsn string) string {
	u, err := url.Parse(dsn)
	if err != nil || u.User == nil {
		return dsn
	}
	if _, ok := u.User.Password(); ok {
		u.User = url.UserPassword(u.User.Username(), "xxxxx")
	}
	return u.String()
}

// Redact removes a password from a DSN so it can be shown or logged.
func Redact(dsn string) string { return redact(dsn) }

// Close closes both pools.
func (db *DB) Close() error {
	err := db.Writer.Close()
	if db.Reader != db.Writer {
		if err2 := db.Reader.Close(); err == nil {
			err = err2
		}
	}
	return err
}

// Rebind turns a query written with ? placeholders into the engine's form
// ($1, $2, ... on PostgreSQL). Queries never contain a literal '?'.
func (db *DB) Rebind(q string) string { return Rebind(db.Engine, q) }

// Rebind turns a query written with ? placeholders into engine e's form.
func Rebind(e Engine, q string) string {
	if e != Postgres || !strings.Contains(q, "?") {
		return q
	}
	var b strings.Builder
	b.Grow(len(q) + 16)
	n := 0
	for i := 0; i < len(q); i++ {
		if q[i] == '?' {
			n++
			b.WriteByte('$')
			b.WriteString(strconv.Itoa(n))
			continue
		}
		b.WriteByte(q[i])
	}
	return b.String()
}

// Placeholders returns "(?,?,...),(?,...)" for rows rows of cols columns, for
// multi-row inserts.
func Placeholders(rows, cols int) string {
	one := "(" + strings.Repeat("?,", cols-1) + "?)"
	var b strings.Builder
	b.Grow(rows * (len(one) + 1))
	for i := range rows {
		if i > 0 {
			b.WriteByte(',')
		}
		b.WriteString(one)
	}
	return b.String()
}
