package sqldb

import (
	"context"
	"database/sql"
	"fmt"
	"io/fs"
	"path"
	"sort"
	"strconv"
	"strings"
	"time"
)

// Migrate applies, in order, every migration in dir of fsys (files named
// NNNN_description.sql) that set has not yet applied, each in its own
// transaction together with its row in schema_migrations. Migrations are
// forward-only: there are no down migrations, because the log they feed
// cannot be rewound either. set separates the migration histories of
// packages that own their own tables (the ledger, the store).
func (db *DB) Migrate(ctx context.Context, set string, fsys fs.FS, dir string) error {
	if _, err := db.Writer.ExecContext(ctx, `CREATE TABLE IF NOT EXISTS schema_migrations (
		set_name TEXT NOT NULL, version BIGINT NOT NULL, name TEXT NOT NULL, applied_at BIGINT NOT NULL,
		PRIMARY KEY (set_name, version))`); err != nil {
		return fmt.Errorf("migrate %s: %w", set, err)
	}
	todo, err := migrationFiles(set, fsys, dir)
	if err != nil {
		return err
	}
	for _, m := range todo {
		if err := db.applyMigration(ctx, set, fsys, path.Join(dir, m.name), m.version, m.name); err != nil {
			return err
		}
	}
	return nil
}

type migration struct {
	version int64
	name    string
}

// migrationFiles lists the migrations in dir of fsys in version order.
func migrationFiles(set string, fsys fs.FS, dir string) ([]migration, error) {
	entries, err := fs.ReadDir(fsys, dir)
	if err != nil {
		return nil, fmt.Errorf("migrate %s: %w", set, err)
	}
	var todo []migration
	for _, e := range entries {
		name := e.Name()
		if e.IsDir() || !strings.HasSuffix(name, ".sql") {
			continue
		}
		num, _, ok := strings.Cut(name, "_")
		v, err := strconv.ParseInt(num, 10, 64)
		if !ok || err != nil {
			return nil, fmt.Errorf("migrate %s: file %s is not named NNNN_description.sql", set, name)
		}
		todo = append(todo, migration{v, name})
	}
	sort.Slice(todo, func(i, j int) bool { return todo[i].version < todo[j].version })
	return todo, nil
}

// Pending names, in order, the migrations in dir of fsys that set has not
// yet applied, without applying any: a reader such as `vigil verify`,
// which never writes, uses it to refuse a database older than its code
// rather than fail halfway on a missing table.
func (db *DB) Pending(ctx context.Context, set string, fsys fs.FS, dir string) ([]string, error) {
	all, err := migrationFiles(set, fsys, dir)
	if err != nil {
		return nil, err
	}
	exists := `SELECT COUNT(*) FROM sqlite_master WHERE type = 'table' AND name = 'schema_migrations'`
	if db.Engine == Postgres {
		exists = `SELECT COUNT(*) FROM information_schema.tables WHERE table_schema = current_schema() AND table_name = 'schema_migrations'`
	}
	var n int
	if err := db.Reader.QueryRowContext(ctx, exists).Scan(&n); err != nil {
		return nil, fmt.Errorf("migrations of %s: %w", set, err)
	}
	applied := map[int64]bool{}
	if n > 0 {
		rows, err := db.Reader.QueryContext(ctx, db.Rebind(`SELECT version FROM schema_migrations WHERE set_name = ?`), set)
		if err != nil {
			return nil, fmt.Errorf("migrations of %s: %w", set, err)
		}
		defer rows.Close()
		for rows.Next() {
			var v int64
			if err := rows.Scan(&v); err != nil {
				return nil, fmt.Errorf("migrations of %s: %w", set, err)
			}
			applied[v] = true
		}
		if err := rows.Err(); err != nil {
			return nil, fmt.Errorf("migrations of %s: %w", set, err)
		}
	}
	var pending []string
	for _, m := range all {
		if !applied[m.version] {
			pending = append(pending, set+"/"+m.name)
		}
	}
	return pending, nil
}

func (db *DB) applyMigration(ctx context.Context, set string, fsys fs.FS, file string, version int64, name string) error {
	body, err := fs.ReadFile(fsys, file)
	if err != nil {
		return fmt.Errorf("migrate %s: %w", set, err)
	}
	tx, err := db.Writer.BeginTx(ctx, nil)
	if err != nil {
		return fmt.Errorf("migrate %s: %w", set, err)
	}
	defer tx.Rollback()
	if db.Engine == Postgres {
		// Several nodes may start at once; one applies, the others wait and skip.
		if _, err := tx.ExecContext(ctx, `SELECT pg_advisory_xact_lock(7036001)`); err != nil {
			return fmt.Errorf("migrate %s: lock: %w", set, err)
		}
	}
	var n int
	err = tx.QueryRowContext(ctx, db.Rebind(`SELECT COUNT(*) FROM schema_migrations WHERE set_name = ? AND version = ?`), set, version).Scan(&n)
	if err != nil {
		return fmt.Errorf("migrate %s: %w", set, err)
	}
	if n > 0 {
		return nil
	}
	if _, err := tx.ExecContext(ctx, string(body)); err != nil {
		return fmt.Errorf("migrate %s %s: %w", set, name, err)
	}
	if _, err := tx.ExecContext(ctx, db.Rebind(`INSERT INTO schema_migrations (set_name, version, name, applied_at) VALUES (?, ?, ?, ?)`),
		set, version, name, time.Now().UnixMicro()); err != nil {
		return fmt.Errorf("migrate %s: %w", set, err)
	}
	if err := tx.Commit(); err != nil {
		return fmt.Errorf("migrate %s %s: commit: %w", set, name, err)
	}
	return nil
}

// Tx is satisfied by *sql.Tx and *sql.DB, for helpers that run inside or outside a transaction.
type Tx interface {
	ExecContext(ctx context.Context, query string, args ...any) (sql.Result, error)
	QueryContext(ctx context.Context, query string, args ...any) (*sql.Rows, error)
	QueryRowContext(ctx context.Context, query string, args ...any) *sql.Row
}
