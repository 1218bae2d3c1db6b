package sqldb_test

import (
	"context"
	"database/sql"
	"path/filepath"
	"strings"
	"testing"
	"testing/fstest"

	"github.com/google/go-cmp/cmp"

	"github.com/vigil-project/vigil/internal/pgtest"
	"github.com/vigil-project/vigil/internal/sqldb"
)

func TestMain(m *testing.M) { pgtest.Main(m) }

// engines runs f on a fresh SQLite file and a fresh PostgreSQL database.
func engines(t *testing.T, f func(t *testing.T, db *sqldb.DB)) {
	t.Run("sqlite", func(t *testing.T) {
		db, err := sqldb.Open(context.Background(), "sqlite:"+filepath.Join(t.TempDir(), "v.db"))
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { db.Close() })
		f(t, db)
	})
	t.Run("postgres", func(t *testing.T) {
		db, err := sqldb.Open(context.Background(), pgtest.DSN(t))
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { db.Close() })
		f(t, db)
	})
}

// pragma reads one PRAGMA on a connection of pool.
func pragma(t *testing.T, pool *sql.DB, name string) string {
	t.Helper()
	var v string
	if err := pool.QueryRowContext(context.Background(), "PRAGMA "+name).Scan(&v); err != nil {
		t.Fatalf("PRAGMA %s: %v", name, err)
	}
	return v
}

// TestSQLitePragmas checks, on real connections, the settings the log's
// durability rests on: a commit is in the WAL and fsynced (synchronous=FULL,
// which SQLite reports as 2) before it returns, foreign keys are enforced,
// and readers cannot write.
func TestSQLitePragmas(t *testing.T) {
	ctx := context.Background()
	path := filepath.Join(t.TempDir(), "v.db")
	db, err := sqldb.Open(ctx, "sqlite:"+path)
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	if db.Engine != sqldb.SQLite || db.Path != path {
		t.Errorf("engine %q path %q", db.Engine, db.Path)
	}
	want := map[string]string{"journal_mode": "wal", "synchronous": "2", "foreign_keys": "1", "busy_timeout": "10000", "secure_delete": "1"}
	got := map[string]string{}
	for k := range want {
		got[k] = pragma(t, db.Writer, k)
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("writer pragmas (-want +got):\n%s", diff)
	}
	// Every reader connection, not just the first: hold several at once.
	var conns []*sql.Conn
	for range 3 {
		c, err := db.Reader.Conn(ctx)
		if err != nil {
			t.Fatal(err)
		}
		conns = append(conns, c)
	}
	for i, c := range conns {
		for k, w := range map[string]string{"journal_mode": "wal", "foreign_keys": "1", "query_only": "1"} {
			var v string
			if err := c.QueryRowContext(ctx, "PRAGMA "+k).Scan(&v); err != nil {
				t.Fatal(err)
			}
			if v != w {
				t.Errorf("reader %d: PRAGMA %s = %s, want %s", i, k, v, w)
			}
		}
		c.Close()
	}
	// The settings act: the writer enforces a foreign key, a reader
	// refuses to write.
	if _, err := db.Writer.ExecContext(ctx, `CREATE TABLE p (id INTEGER PRIMARY KEY); CREATE TABLE c (p INTEGER REFERENCES p (id))`); err != nil {
		t.Fatal(err)
	}
	if _, err := db.Writer.ExecContext(ctx, `INSERT INTO c VALUES (42)`); err == nil || !strings.Contains(err.Error(), "FOREIGN KEY") {
		t.Errorf("a row referring to nothing was inserted: %v", err)
	}
	if _, err := db.Reader.ExecContext(ctx, `INSERT INTO p VALUES (1)`); err == nil {
		t.Error("a reader connection wrote to the database")
	}
	// The writer pool is one connection, so that writers queue in Go
	// rather than failing with SQLITE_BUSY.
	if n := db.Writer.Stats().MaxOpenConnections; n != 1 {
		t.Errorf("writer pool allows %d connections, want 1", n)
	}
}

func TestOpenRefusesUnknownDSN(t *testing.T) {
	for _, dsn := range []string{"", "mysql://u@h/db", "sqlite:", "postgres://u:secret@localhost:1/none"} {
		_, err := sqldb.Open(context.Background(), dsn)
		if err == nil {
			t.Errorf("Open(%q) succeeded", dsn)
			continue
		}
		if strings.Contains(err.Error(), "secret") {
			t.Errorf("Open(%q) shows the password: %v", dsn, err)
		}
	}
}

// migrations is a migration set whose file names sort differently as text
// and as numbers ("10_" before "2_" as text), so applying them in text
// order would fail: 2 adds a column that 10 fills.
func migrations() fstest.MapFS {
	return fstest.MapFS{
		"m/1_widgets.sql":     {Data: []byte(`CREATE TABLE widgets (id INTEGER PRIMARY KEY, name TEXT NOT NULL)`)},
		"m/2_colour.sql":      {Data: []byte(`ALTER TABLE widgets ADD COLUMN colour TEXT`)},
		"m/10_first_row.sql":  {Data: []byte(`INSERT INTO widgets (id, name, colour) VALUES (1, 'first', 'blue')`)},
		"m/README.txt":        {Data: []byte(`not a migration`)},
		"m/sub/99_nested.sql": {Data: []byte(`this is not applied: migrations are not read from subfolders`)},
	}
}

func applied(t *testing.T, db *sqldb.DB, set string) []int64 {
	t.Helper()
	rows, err := db.Reader.QueryContext(context.Background(), db.Rebind(`SELECT version FROM schema_migrations WHERE set_name = ? ORDER BY applied_at, version`), set)
	if err != nil {
		t.Fatal(err)
	}
	defer rows.Close()
	var out []int64
	for rows.Next() {
		var v int64
		if err := rows.Scan(&v); err != nil {
			t.Fatal(err)
		}
		out = append(out, v)
	}
	return out
}

func TestMigrateInOrderOnce(t *testing.T) {
	engines(t, func(t *testing.T, db *sqldb.DB) {
		ctx := context.Background()
		fsys := migrations()
		if err := db.Migrate(ctx, "test", fsys, "m"); err != nil {
			t.Fatal(err)
		}
		if diff := cmp.Diff([]int64{1, 2, 10}, applied(t, db, "test")); diff != "" {
			t.Errorf("applied migrations (-want +got):\n%s", diff)
		}
		// Again: nothing is applied twice (10 would insert a second row,
		// or fail on the primary key).
		if err := db.Migrate(ctx, "test", fsys, "m"); err != nil {
			t.Fatalf("second run: %v", err)
		}
		var n int
		if err := db.Reader.QueryRowContext(ctx, `SELECT COUNT(*) FROM widgets`).Scan(&n); err != nil {
			t.Fatal(err)
		}
		if n != 1 {
			t.Errorf("widgets has %d rows after two runs, want 1", n)
		}
		if got := applied(t, db, "test"); len(got) != 3 {
			t.Errorf("schema_migrations records %v", got)
		}
		// Sets are separate histories: the same numbers in another set
		// are applied there.
		other := fstest.MapFS{"o/1_gadgets.sql": {Data: []byte(`CREATE TABLE gadgets (id INTEGER PRIMARY KEY)`)}}
		if err := db.Migrate(ctx, "other", other, "o"); err != nil {
			t.Fatal(err)
		}
		if diff := cmp.Diff([]int64{1}, applied(t, db, "other")); diff != "" {
			t.Errorf("other set (-want +got):\n%s", diff)
		}
	})
}

// TestMigrateFailureRollsBack: a migration that fails half-way leaves
// nothing of itself behind (not even the statements before the failing
// one), is not recorded, and stops the later ones; once fixed, it applies.
func TestMigrateFailureRollsBack(t *testing.T) {
	engines(t, func(t *testing.T, db *sqldb.DB) {
		ctx := context.Background()
		fsys := migrations()
		fsys["m/11_half.sql"] = &fstest.MapFile{Data: []byte(`CREATE TABLE half (id INTEGER PRIMARY KEY);
INSERT INTO widgets (id, name) VALUES (2, 'second');
INSERT INTO no_such_table VALUES (1);`)}
		fsys["m/12_later.sql"] = &fstest.MapFile{Data: []byte(`CREATE TABLE later (id INTEGER PRIMARY KEY)`)}
		err := db.Migrate(ctx, "test", fsys, "m")
		if err == nil || !strings.Contains(err.Error(), "11_half.sql") {
			t.Fatalf("a failing migration: err = %v, want one naming 11_half.sql", err)
		}
		if diff := cmp.Diff([]int64{1, 2, 10}, applied(t, db, "test")); diff != "" {
			t.Errorf("applied migrations (-want +got):\n%s", diff)
		}
		for _, table := range []string{"half", "later"} {
			if tableExists(t, db, table) {
				t.Errorf("table %s exists after the failed migration", table)
			}
		}
		var n int
		if err := db.Reader.QueryRowContext(ctx, `SELECT COUNT(*) FROM widgets`).Scan(&n); err != nil || n != 1 {
			t.Errorf("widgets has %d rows (%v): the failed migration's insert was kept", n, err)
		}

		fsys["m/11_half.sql"] = &fstest.MapFile{Data: []byte(`CREATE TABLE half (id INTEGER PRIMARY KEY);
INSERT INTO widgets (id, name) VALUES (2, 'second');`)}
		if err := db.Migrate(ctx, "test", fsys, "m"); err != nil {
			t.Fatalf("after the fix: %v", err)
		}
		if diff := cmp.Diff([]int64{1, 2, 10, 11, 12}, applied(t, db, "test")); diff != "" {
			t.Errorf("applied migrations after the fix (-want +got):\n%s", diff)
		}
		if !tableExists(t, db, "half") || !tableExists(t, db, "later") {
			t.Error("the fixed migrations did not apply")
		}
	})
}

func TestMigrateRefusesBadNames(t *testing.T) {
	engines(t, func(t *testing.T, db *sqldb.DB) {
		fsys := fstest.MapFS{"m/first.sql": {Data: []byte(`CREATE TABLE x (id INTEGER)`)}}
		err := db.Migrate(context.Background(), "test", fsys, "m")
		if err == nil || !strings.Contains(err.Error(), "NNNN_description.sql") {
			t.Errorf("a migration without a number: %v", err)
		}
		if tableExists(t, db, "x") {
			t.Error("the badly named migration was applied")
		}
	})
}

func tableExists(t *testing.T, db *sqldb.DB, name string) bool {
	t.Helper()
	q := `SELECT COUNT(*) FROM sqlite_master WHERE type = 'table' AND name = ?`
	if db.Engine == sqldb.Postgres {
		q = `SELECT COUNT(*) FROM information_schema.tables WHERE table_schema = current_schema() AND table_name = ?`
	}
	var n int
	if err := db.Reader.QueryRowContext(context.Background(), db.Rebind(q), name).Scan(&n); err != nil {
		t.Fatal(err)
	}
	return n > 0
}

func TestRebindAndPlaceholders(t *testing.T) {
	tests := []struct {
		name   string
		engine sqldb.Engine
		in     string
		want   string
	}{
		{"sqlite keeps ?", sqldb.SQLite, `SELECT a FROM t WHERE b = ? AND c = ?`, `SELECT a FROM t WHERE b = ? AND c = ?`},
		{"postgres numbers", sqldb.Postgres, `SELECT a FROM t WHERE b = ? AND c = ?`, `SELECT a FROM t WHERE b = $1 AND c = $2`},
		{"postgres without placeholders", sqldb.Postgres, `SELECT 1`, `SELECT 1`},
		{"postgres many", sqldb.Postgres, "INSERT INTO t VALUES " + sqldb.Placeholders(2, 3), `INSERT INTO t VALUES ($1,$2,$3),($4,$5,$6)`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := sqldb.Rebind(tt.engine, tt.in); got != tt.want {
				t.Errorf("Rebind(%s, %q) = %q, want %q", tt.engine, tt.in, got, tt.want)
			}
		})
	}
}

// TestPendingMigrations names what Migrate would apply, without applying
// it: everything on a database that has never been migrated, then nothing,
// then only a migration added later.
func TestPendingMigrations(t *testing.T) {
	engines(t, func(t *testing.T, db *sqldb.DB) {
		ctx := context.Background()
		fsys := migrations()
		got, err := db.Pending(ctx, "test", fsys, "m")
		if err != nil {
			t.Fatal(err)
		}
		if diff := cmp.Diff([]string{"test/1_widgets.sql", "test/2_colour.sql", "test/10_first_row.sql"}, got); diff != "" {
			t.Errorf("pending before any migration (-want +got):\n%s", diff)
		}
		if err := db.Migrate(ctx, "test", fsys, "m"); err != nil {
			t.Fatal(err)
		}
		if got, err := db.Pending(ctx, "test", fsys, "m"); err != nil || len(got) != 0 {
			t.Errorf("pending after migrating = %v, %v; want none", got, err)
		}
		fsys["m/11_later.sql"] = &fstest.MapFile{Data: []byte(`CREATE TABLE later (id INTEGER PRIMARY KEY)`)}
		got, err = db.Pending(ctx, "test", fsys, "m")
		if err != nil {
			t.Fatal(err)
		}
		if diff := cmp.Diff([]string{"test/11_later.sql"}, got); diff != "" {
			t.Errorf("pending after a new file (-want +got):\n%s", diff)
		}
		if got := applied(t, db, "test"); len(got) != 3 {
			t.Errorf("Pending applied something: %v", got)
		}
	})
}
