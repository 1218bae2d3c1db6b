package pgtest

import (
	"context"
	"database/sql"
	"fmt"
	"net/url"
	"strings"
	"testing"
)

func TestMain(m *testing.M) { Main(m) }

func open(t *testing.T, dsn string) *sql.DB {
	t.Helper()
	db, err := sql.Open("pgx", dsn)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	return db
}

func TestDatabasesAreIsolated(t *testing.T) {
	ctx := context.Background()
	dsn1, dsn2 := DSN(t), DSN(t)
	t.Logf("server startup took %v", startupTime)
	if dsn1 == dsn2 {
		t.Fatalf("two DSN calls gave the same database: %s", dsn1)
	}
	db1, db2 := open(t, dsn1), open(t, dsn2)

	var version string
	if err := db1.QueryRowContext(ctx, "SELECT version()").Scan(&version); err != nil {
		t.Fatal(err)
	}
	if !strings.HasPrefix(version, "PostgreSQL ") {
		t.Errorf("version() = %q", version)
	}
	t.Log(version)

	if _, err := db1.ExecContext(ctx, "CREATE TABLE widgets (id int PRIMARY KEY)"); err != nil {
		t.Fatal(err)
	}
	if _, err := db1.ExecContext(ctx, "INSERT INTO widgets VALUES (1)"); err != nil {
		t.Fatal(err)
	}
	var n int
	if err := db1.QueryRowContext(ctx, "SELECT count(*) FROM widgets").Scan(&n); err != nil || n != 1 {
		t.Fatalf("count in db1 = %d, %v; want 1", n, err)
	}
	var seen *string
	if err := db2.QueryRowContext(ctx, "SELECT to_regclass('public.widgets')::text").Scan(&seen); err != nil {
		t.Fatal(err)
	}
	if seen != nil {
		t.Errorf("the second database sees table %s made in the first", *seen)
	}
}

// A test's database is dropped when it ends, even with connections open.
func TestDatabaseDroppedAfterTest(t *testing.T) {
	var name string
	var leaked *sql.DB
	t.Run("sub", func(t *testing.T) {
		dsn := DSN(t)
		u, err := url.Parse(dsn)
		if err != nil {
			t.Fatal(err)
		}
		name = strings.TrimPrefix(u.Path, "/")
		leaked, err = sql.Open("pgx", dsn)
		if err != nil {
			t.Fatal(err)
		}
		if err := leaked.Ping(); err != nil { // keeps a connection open
			t.Fatal(err)
		}
	})
	if leaked != nil {
		defer leaked.Close()
	}
	if t.Failed() || t.Skipped() || name == "" {
		return
	}
	var exists bool
	err := srv.admin.QueryRow("SELECT EXISTS (SELECT FROM pg_database WHERE datname = $1)", name).Scan(&exists)
	if err != nil {
		t.Fatal(err)
	}
	if exists {
		t.Errorf("database %s still exists after its test ended", name)
	}
}

// Parallel tests may each ask for a database at the same time.
func TestParallel(t *testing.T) {
	for i := range 6 {
		t.Run(fmt.Sprint(i), func(t *testing.T) {
			t.Parallel()
			db := open(t, DSN(t))
			if _, err := db.Exec("CREATE TABLE t (n int)"); err != nil {
				t.Fatal(err)
			}
		})
	}
}

func TestDBName(t *testing.T) {
	long := strings.Repeat("Ab/c ", 40)
	got := dbName(long)
	if len(got) > 63 {
		t.Errorf("dbName is %d bytes, want at most 63: %s", len(got), got)
	}
	if strings.Trim(got, "abcdefghijklmnopqrstuvwxyz0123456789_") != "" {
		t.Errorf("dbName has unexpected characters: %s", got)
	}
	if dbName("x") == dbName("x") {
		t.Error("dbName repeats")
	}
}
