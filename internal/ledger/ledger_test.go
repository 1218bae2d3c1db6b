package ledger_test

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"net/http/httptest"
	"path/filepath"
	"strings"
	"sync"
	"testing"

	"github.com/vigil-project/vigil/internal/ledger"
	"github.com/vigil-project/vigil/internal/pgtest"
	"github.com/vigil-project/vigil/internal/sqldb"
)

func TestMain(m *testing.M) { pgtest.Main(m) }

// engines runs f once on a fresh SQLite file and once on a fresh PostgreSQL database.
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

const widgets = `CREATE TABLE widgets (id TEXT PRIMARY KEY, version BIGINT NOT NULL, name TEXT NOT NULL, note TEXT)`

func newKey(t testing.TB) *ledger.Key {
	t.Helper()
	skey, _, err := ledger.GenerateKey("test.vigil.invalid/log")
	if err != nil {
		t.Fatal(err)
	}
	k, err := ledger.ParseKey(skey)
	if err != nil {
		t.Fatal(err)
	}
	return k
}

func openLog(t testing.TB, db *sqldb.DB, key *ledger.Key) *ledger.Log {
	t.Helper()
	ctx := context.Background()
	if _, err := db.Writer.ExecContext(ctx, widgets); err != nil && !strings.Contains(err.Error(), "already exists") {
		t.Fatal(err)
	}
	l, err := ledger.Open(ctx, ledger.Config{DB: db, Key: key, Tables: []string{"widgets"}})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { l.Close() })
	return l
}

func putWidget(tx *ledger.Tx, id, name string) error {
	err := tx.Save("widget.renamed", "tester", "widgets", `UPDATE widgets SET name = ?, version = version + 1 WHERE id = ?`, name, id)
	if errors.Is(err, ledger.ErrNoRow) {
		return tx.Save("widget.created", "tester", "widgets", `INSERT INTO widgets (id, version, name) VALUES (?, 1, ?)`, id, name)
	}
	return err
}

// seed writes n widgets concurrently (so batches form), renames some and
// logs reads of others, then signs a checkpoint.
func seed(t testing.TB, l *ledger.Log, n int) {
	t.Helper()
	ctx := context.Background()
	var wg sync.WaitGroup
	errs := make(chan error, n)
	for i := range n {
		wg.Add(1)
		go func() {
			defer wg.Done()
			id := fmt.Sprintf("w%04d", i)
			errs <- l.Write(ctx, func(tx *ledger.Tx) error { return putWidget(tx, id, "widget "+id) })
		}()
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		if err != nil {
			t.Fatal(err)
		}
	}
	for i := 0; i < n; i += 3 {
		id := fmt.Sprintf("w%04d", i)
		if err := l.Write(ctx, func(tx *ledger.Tx) error { return putWidget(tx, id, "renamed "+id) }); err != nil {
			t.Fatal(err)
		}
		if err := l.Append(ctx, "record.viewed", "tester", "widgets", id, map[string]string{"purpose": "test"}); err != nil {
			t.Fatal(err)
		}
	}
	if _, err := l.Checkpoint(ctx); err != nil {
		t.Fatal(err)
	}
}

func verify(t *testing.T, db *sqldb.DB, vkey string) *ledger.Report {
	t.Helper()
	r, err := ledger.VerifyDB(context.Background(), db, vkey, []string{"widgets"}, nil)
	if err != nil {
		t.Fatal(err)
	}
	return r
}

func TestWriteVerify(t *testing.T) {
	engines(t, func(t *testing.T, db *sqldb.DB) {
		key := newKey(t)
		l := openLog(t, db, key)
		seed(t, l, 300)
		r := verify(t, db, key.VerifierKey())
		if !r.OK() {
			t.Fatalf("verify of untouched log: %v", r.Problems)
		}
		if r.Entries != 300+2*100 || r.Rows != 300 {
			t.Errorf("verify saw %d entries and %d rows, want 500 and 300", r.Entries, r.Rows)
		}
		if r.Latest == nil || r.Latest.Size != 500 {
			t.Errorf("latest checkpoint = %+v, want size 500", r.Latest)
		}
		t.Log(r.Summary())
	})
}

// TestTamper edits the database behind the application's back, each way an
// insider could, and checks that verification fails and names the record.
func TestTamper(t *testing.T) {
	tests := []struct {
		name   string
		sql    string
		kind   string
		record string
	}{
		{"row edited", `UPDATE widgets SET name = 'forged' WHERE id = 'w0001'`, "row-edited", "widgets/w0001"},
		{"null column set", `UPDATE widgets SET note = 'added' WHERE id = 'w0002'`, "row-edited", "widgets/w0002"},
		{"row deleted", `DELETE FROM widgets WHERE id = 'w0004'`, "row-deleted", "widgets/w0004"},
		{"row inserted", `INSERT INTO widgets (id, version, name) VALUES ('planted', 1, 'x')`, "row-inserted", "widgets/planted"},
		{"state edited", `UPDATE log_states SET state = CAST('{"id":"w0005"}' AS BLOB) WHERE idx = 5`, "state-edited", "log entry 5"},
		{"entry removed", `DELETE FROM log_entries WHERE idx = 7`, "entry-missing", "log entry 7"},
		{"last entry removed", `DELETE FROM log_entries WHERE idx = (SELECT MAX(idx) FROM log_entries)`, "checkpoint-mismatch", "checkpoint 500"},
		{"entries reordered", `UPDATE log_entries SET idx = -1 WHERE idx = 10; UPDATE log_entries SET idx = 10 WHERE idx = 11; UPDATE log_entries SET idx = 11 WHERE idx = -1`, "entry-edited", "log entry 10"},
		{"checkpoint forged", `UPDATE log_checkpoints SET note = CAST('x' AS BLOB)`, "checkpoint-forged", "checkpoint 500"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			engines(t, func(t *testing.T, db *sqldb.DB) {
				key := newKey(t)
				l := openLog(t, db, key)
				seed(t, l, 300)
				l.Close()
				q := tt.sql
				if db.Engine == sqldb.Postgres {
					q = strings.ReplaceAll(q, "AS BLOB", "AS BYTEA")
				}
				if _, err := db.Writer.ExecContext(context.Background(), q); err != nil {
					t.Fatal(err)
				}
				r := verify(t, db, key.VerifierKey())
				if r.OK() {
					t.Fatal("verify passed after tampering")
				}
				for _, p := range r.Problems {
					if p.Kind == tt.kind && p.Record == tt.record {
						return
					}
				}
				t.Errorf("problems %v do not include %s of %s", r.Problems, tt.kind, tt.record)
			})
		})
	}
}

func TestWrongKeyRefused(t *testing.T) {
	db, err := sqldb.Open(context.Background(), "sqlite:"+filepath.Join(t.TempDir(), "v.db"))
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	l := openLog(t, db, newKey(t))
	l.Close()
	_, err = ledger.Open(context.Background(), ledger.Config{DB: db, Key: newKey(t), Tables: []string{"widgets"}})
	if err == nil || !strings.Contains(err.Error(), "signed by key") {
		t.Fatalf("opening with another key: err = %v, want refusal", err)
	}
}

func TestAuditOverHTTP(t *testing.T) {
	db, err := sqldb.Open(context.Background(), "sqlite:"+filepath.Join(t.TempDir(), "v.db"))
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	key := newKey(t)
	l := openLog(t, db, key)
	seed(t, l, 700) // more than two full tiles
	srv := httptest.NewServer(http.StripPrefix("/log", l.Handler()))
	defer srv.Close()
	ctx := context.Background()

	first, err := ledger.Audit(ctx, srv.Client(), srv.URL+"/log", key.VerifierKey(), nil)
	if err != nil {
		t.Fatal(err)
	}
	if first.Checked != 700+2*234 {
		t.Errorf("first audit checked %d entries, want %d", first.Checked, 700+2*234)
	}
	seed(t, l, 10)
	second, err := ledger.Audit(ctx, srv.Client(), srv.URL+"/log", key.VerifierKey(), first.Checkpoint.Note)
	if err != nil {
		t.Fatal(err)
	}
	if second.Checked != second.Checkpoint.Size-first.Checkpoint.Size {
		t.Errorf("second audit checked %d entries, want only the %d new ones", second.Checked, second.Checkpoint.Size-first.Checkpoint.Size)
	}

	// An insider stops the server, rewrites an early entry, rebuilds the
	// stored tree and re-signs with the server's own key: the auditor who
	// remembers the earlier checkpoint still catches it.
	l.Close()
	if _, err := db.Writer.ExecContext(ctx, `UPDATE log_entries SET data = CAST(REPLACE(CAST(data AS TEXT), 'widget.created', 'widget.removed') AS BLOB) WHERE idx = 3`); err != nil {
		t.Fatal(err)
	}
	if _, err := db.Writer.ExecContext(ctx, `DELETE FROM log_checkpoints`); err != nil {
		t.Fatal(err)
	}
	rebuildTree(t, db)
	l2 := openLog(t, db, key)
	if _, err := l2.Checkpoint(ctx); err != nil {
		t.Fatal(err)
	}
	srv2 := httptest.NewServer(http.StripPrefix("/log", l2.Handler()))
	defer srv2.Close()
	_, err = ledger.Audit(ctx, srv2.Client(), srv2.URL+"/log", key.VerifierKey(), second.Checkpoint.Note)
	if err == nil || !strings.Contains(err.Error(), "rewritten") {
		t.Fatalf("audit after a re-signed rewrite: err = %v, want history rewritten", err)
	}
	// Without memory of the earlier checkpoint, the forged log looks fine:
	// that is why auditors keep state.
	if _, err := ledger.Audit(ctx, srv2.Client(), srv2.URL+"/log", key.VerifierKey(), nil); err != nil {
		t.Fatalf("fresh audit of a consistently re-signed log: %v", err)
	}
}

// rebuildTree recomputes the stored tiles from log_entries, as an insider covering their tracks would.
func rebuildTree(t *testing.T, db *sqldb.DB) {
	t.Helper()
	if err := ledger.RebuildTiles(context.Background(), db); err != nil {
		t.Fatal(err)
	}
}
