package server_test

import (
	"bytes"
	"context"
	"database/sql"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"net/url"
	"path/filepath"
	"strings"
	"testing"

	"github.com/vigil-project/vigil/internal/ledger"
	"github.com/vigil-project/vigil/internal/pgtest"
	"github.com/vigil-project/vigil/internal/server"
	"github.com/vigil-project/vigil/internal/sqldb"
	"github.com/vigil-project/vigil/internal/sqlstore"
	"github.com/vigil-project/vigil/internal/synth"
)

func TestMain(m *testing.M) { pgtest.Main(m) }

// A database that cannot be written must make the request fail loudly:
// 503 with a plain message, no reference number, no redirect to a case,
// and nothing in the log. Each fault below makes a real write fail inside
// the real database, through the real handlers, for a professional's form,
// the public report page and the API.
//
// "commit refused" makes COMMIT itself fail: a deferred constraint on
// log_entries is only checked at COMMIT, after every row of the batch and
// the tree's tiles were written, which is the worst moment for a failure
// (disk full or an I/O error on fsync look the same to the sequencer).
// "locked by another process" is a SQLite file whose write lock another
// process holds (a stuck maintenance script, a backup tool).
type fault struct {
	name   string
	engine sqldb.Engine
	// start makes the database refuse writes and returns what undoes it.
	start func(t *testing.T, db *sqldb.DB) (stop func())
}

var faults = []fault{
	{"commit refused", sqldb.SQLite, func(t *testing.T, db *sqldb.DB) func() {
		execAll(t, db.Writer,
			`CREATE TABLE fault_target (id INTEGER PRIMARY KEY)`,
			`CREATE TABLE fault_rows (ref INTEGER REFERENCES fault_target (id) DEFERRABLE INITIALLY DEFERRED)`,
			`CREATE TRIGGER fault_commit AFTER INSERT ON log_entries BEGIN INSERT INTO fault_rows VALUES (-1); END`)
		return func() {
			execAll(t, db.Writer, `DROP TRIGGER fault_commit`, `DROP TABLE fault_rows`, `DROP TABLE fault_target`)
		}
	}},
	{"commit refused", sqldb.Postgres, func(t *testing.T, db *sqldb.DB) func() {
		execAll(t, db.Writer,
			`CREATE FUNCTION fault_commit() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN RAISE EXCEPTION 'could not write: simulated disk failure at commit'; END $$`,
			`CREATE CONSTRAINT TRIGGER fault_commit AFTER INSERT ON log_entries DEFERRABLE INITIALLY DEFERRED FOR EACH ROW EXECUTE FUNCTION fault_commit()`)
		return func() {
			execAll(t, db.Writer, `DROP TRIGGER fault_commit ON log_entries`, `DROP FUNCTION fault_commit()`)
		}
	}},
	{"locked by another process", sqldb.SQLite, func(t *testing.T, db *sqldb.DB) func() {
		// The application waits busy_timeout for the lock; shorten the
		// wait on its one writer connection so the test does not take 10 s
		// a request.
		execAll(t, db.Writer, `PRAGMA busy_timeout = 200`)
		other, err := sql.Open("sqlite", "file:"+db.Path)
		if err != nil {
			t.Fatal(err)
		}
		conn, err := other.Conn(context.Background())
		if err != nil {
			t.Fatal(err)
		}
		if _, err := conn.ExecContext(context.Background(), `BEGIN IMMEDIATE`); err != nil {
			t.Fatal(err)
		}
		return func() {
			conn.ExecContext(context.Background(), `ROLLBACK`)
			conn.Close()
			other.Close()
			execAll(t, db.Writer, `PRAGMA busy_timeout = 10000`)
		}
	}},
}

func execAll(t *testing.T, db *sql.DB, stmts ...string) {
	t.Helper()
	for _, s := range stmts {
		if _, err := db.ExecContext(context.Background(), s); err != nil {
			t.Fatalf("%s: %v", s, err)
		}
	}
}

func TestUnwritableDatabaseFailsLoudly(t *testing.T) {
	for _, ft := range faults {
		t.Run(string(ft.engine)+"/"+ft.name, func(t *testing.T) {
			dsn := "sqlite:" + filepath.Join(t.TempDir(), "v.db")
			if ft.engine == sqldb.Postgres {
				dsn = pgtest.DSN(t)
			}
			f, db, logs := newSmallServer(t, dsn)
			web := f.signIn("school.dsl")
			if web == nil {
				t.FailNow()
			}
			token := f.town.Login("school.dsl").APIToken
			public := browser()
			requests := []struct {
				name string
				send func() *http.Response
			}{
				{"web form", func() *http.Response {
					return post(t, web, f.srv.URL+"/concerns", concernForm("Unsaved Child"), "")
				}},
				{"public report", func() *http.Response {
					form := concernForm("Unsaved Public Child")
					form.Set("source", "public")
					return post(t, public, f.srv.URL+"/report", form, "")
				}},
				{"api", func() *http.Response {
					return post(t, http.DefaultClient, f.srv.URL+"/api/v1/concerns", nil,
						`{"child":{"name":"Unsaved Api Child","age":13},"what_happened":"Seen with older men at the bus station."}`, token)
				}},
			}

			// Let the checkpointer sign what came before (the sign-in), so
			// that the snapshot is of a settled log.
			size, err := ledger.Size(f.ctx, db)
			if err != nil {
				t.Fatal(err)
			}
			if _, err := f.store.Log().WaitCheckpoint(f.ctx, size); err != nil {
				t.Fatal(err)
			}
			before := snapshot(t, db)
			stop := ft.start(t, db)
			for _, rq := range requests {
				resp := rq.send()
				body := readBody(t, resp)
				if resp.StatusCode != http.StatusServiceUnavailable {
					t.Errorf("%s: status %d, want 503; body:\n%s", rq.name, resp.StatusCode, body)
				}
				if loc := resp.Header.Get("Location"); loc != "" {
					t.Errorf("%s: redirected to %q as if it had been saved", rq.name, loc)
				}
				if !strings.Contains(body, "nothing was recorded") {
					t.Errorf("%s: the answer does not say that nothing was recorded:\n%s", rq.name, body)
				}
				if strings.Contains(body, "VC-") {
					t.Errorf("%s: the answer gives a reference number for a concern that was not saved", rq.name)
				}
				// Nothing typed is lost: the form comes back holding it.
				if rq.name != "api" && !strings.Contains(body, "Seen getting into a car with older men outside school.") {
					t.Errorf("%s: the answer does not give back what was typed, so it would have to be written again:\n%s", rq.name, body)
				}
				if rq.name == "api" && !strings.HasPrefix(resp.Header.Get("Content-Type"), "application/problem+json") {
					t.Errorf("api: Content-Type %q, want application/problem+json", resp.Header.Get("Content-Type"))
				}
			}
			stop()
			if after := snapshot(t, db); after != before {
				t.Errorf("the failed writes changed the database:\nbefore %+v\nafter  %+v", before, after)
			}
			if !strings.Contains(logs.String(), "log write failed") {
				t.Errorf("the failure was not logged for the administrator:\n%s", logs.String())
			}

			// Once the database can be written again, the same requests
			// succeed, and the log and rows still verify: the failure left
			// nothing half-done, not even in the sequencer's cached tiles.
			for _, rq := range requests {
				resp := rq.send()
				body := readBody(t, resp)
				if resp.StatusCode != http.StatusSeeOther && resp.StatusCode != http.StatusCreated {
					t.Errorf("%s after recovery: status %d:\n%s", rq.name, resp.StatusCode, body)
				}
			}
			if after := snapshot(t, db); after.size <= before.size || after.concerns != before.concerns+3 {
				t.Errorf("after recovery the log has %d entries (was %d) and %d concerns (was %d)", after.size, before.size, after.concerns, before.concerns)
			}
			if _, err := f.store.Log().Checkpoint(f.ctx); err != nil {
				t.Fatal(err)
			}
			r, err := ledger.VerifyDB(f.ctx, db, f.store.Log().Key().VerifierKey(), sqlstore.Tables, nil)
			if err != nil {
				t.Fatal(err)
			}
			if !r.OK() {
				t.Errorf("after recovery the database does not verify: %s\n%v", r.Summary(), r.Problems)
			}
		})
	}
}

// newSmallServer serves a small seeded town on dsn, logging to a buffer.
func newSmallServer(t *testing.T, dsn string) (*fixture, *sqldb.DB, *syncBuffer) {
	t.Helper()
	ctx := context.Background()
	db, err := sqldb.Open(ctx, dsn)
	if err != nil {
		t.Fatal(err)
	}
	skey, _, err := ledger.GenerateKey("unwritable.vigil.invalid/log")
	if err != nil {
		t.Fatal(err)
	}
	key, err := ledger.ParseKey(skey)
	if err != nil {
		t.Fatal(err)
	}
	logs := &syncBuffer{}
	logger := slog.New(slog.NewJSONHandler(logs, nil))
	store, err := sqlstore.Open(ctx, db, key, logger)
	if err != nil {
		t.Fatal(err)
	}
	town, err := synth.Seed(ctx, store, synth.Options{Seed: 11, Concerns: 2})
	if err != nil {
		t.Fatal(err)
	}
	h, err := server.New(store, server.Options{Logger: logger})
	if err != nil {
		t.Fatal(err)
	}
	srv := httptest.NewServer(h)
	t.Cleanup(func() { srv.Close(); store.Close(); db.Close() })
	return &fixture{t: t, ctx: ctx, srv: srv, store: store, town: town, logs: logs}, db, logs
}

func concernForm(name string) url.Values {
	return url.Values{"child-name": {name}, "child-age": {"13"},
		"what-happened": {"Seen getting into a car with older men outside school."}}
}

// post sends a form (as a same-site browser does) or a JSON body with a
// bearer token.
func post(t *testing.T, c *http.Client, addr string, form url.Values, json string, token ...string) *http.Response {
	t.Helper()
	var req *http.Request
	var err error
	if form != nil {
		req, err = http.NewRequest(http.MethodPost, addr, strings.NewReader(form.Encode()))
		if err == nil {
			req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
			req.Header.Set("Sec-Fetch-Site", "same-origin")
		}
	} else {
		req, err = http.NewRequest(http.MethodPost, addr, strings.NewReader(json))
		if err == nil {
			req.Header.Set("Content-Type", "application/json")
			req.Header.Set("Authorization", "Bearer "+token[0])
		}
	}
	if err != nil {
		t.Fatal(err)
	}
	resp, err := c.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	return resp
}

func readBody(t *testing.T, resp *http.Response) string {
	t.Helper()
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}

// dbState is what a failed write must leave untouched: the log's size, its
// stored tree, its checkpoints, and the domain rows a concern creates.
type dbState struct {
	size                      int64
	tiles, checkpoints        string
	concerns, cases, mentions int
}

func snapshot(t *testing.T, db *sqldb.DB) dbState {
	t.Helper()
	ctx := context.Background()
	var s dbState
	var err error
	if s.size, err = ledger.Size(ctx, db); err != nil {
		t.Fatal(err)
	}
	s.tiles = concatRows(t, db, `SELECT level, idx, data FROM log_tiles ORDER BY level, idx`)
	s.checkpoints = concatRows(t, db, `SELECT size, note FROM log_checkpoints ORDER BY size, note`)
	for table, n := range map[string]*int{"concerns": &s.concerns, "cases": &s.cases, "mentions": &s.mentions} {
		if err := db.Reader.QueryRowContext(ctx, `SELECT COUNT(*) FROM `+table).Scan(n); err != nil {
			t.Fatal(err)
		}
	}
	return s
}

// concatRows returns every row of q as one string, to compare whole tables.
func concatRows(t *testing.T, db *sqldb.DB, q string) string {
	t.Helper()
	rows, err := db.Reader.QueryContext(context.Background(), q)
	if err != nil {
		t.Fatal(err)
	}
	defer rows.Close()
	cols, _ := rows.Columns()
	var b bytes.Buffer
	vals := make([]any, len(cols))
	ptrs := make([]any, len(cols))
	for i := range vals {
		ptrs[i] = &vals[i]
	}
	for rows.Next() {
		if err := rows.Scan(ptrs...); err != nil {
			t.Fatal(err)
		}
		for _, v := range vals {
			if bs, ok := v.([]byte); ok {
				b.Write(bs)
			} else {
				fmt.Fprint(&b, v)
			}
			b.WriteByte('|')
		}
		b.WriteByte('\n')
	}
	if err := rows.Err(); err != nil {
		t.Fatal(err)
	}
	return b.String()
}
