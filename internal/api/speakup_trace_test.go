package api_test

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"path/filepath"
	"strings"
	"sync"
	"testing"

	"github.com/vigil-project/vigil"
	"github.com/vigil-project/vigil/internal/ledger"
	"github.com/vigil-project/vigil/internal/pgtest"
	"github.com/vigil-project/vigil/internal/server"
	"github.com/vigil-project/vigil/internal/speakup"
	"github.com/vigil-project/vigil/internal/sqldb"
	"github.com/vigil-project/vigil/internal/sqlstore"
	"github.com/vigil-project/vigil/internal/synth"
)

// This test runs the whole node (internal/server: pages, API, log, and the
// access log around them), as a deployment does, so that it sees every log
// line the speak-up API's requests cause, not only the API's own.

type lockedBuffer struct {
	mu  sync.Mutex
	buf bytes.Buffer
}

func (b *lockedBuffer) Write(p []byte) (int, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.Write(p)
}

func (b *lockedBuffer) String() string {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.String()
}

// TestSpeakUpAPILeavesNoTrace makes a report, checks it, answers and
// guesses a receipt through the API, from a client that sends its user
// agent and forwarded addresses, then reads every row of every table of
// the database, as its administrator could, and the node's whole log at
// debug level: none of them holds the caller's address, its user agent,
// the receipt's secret words or the report's words.
func TestSpeakUpAPILeavesNoTrace(t *testing.T) {
	for _, engine := range []string{"sqlite", "postgres"} {
		t.Run(engine, func(t *testing.T) {
			dsn := "sqlite:" + filepath.Join(t.TempDir(), "vigil.db")
			if engine == "postgres" {
				dsn = pgtest.DSN(t)
			}
			ctx := context.Background()
			db, err := sqldb.Open(ctx, dsn)
			if err != nil {
				t.Fatal(err)
			}
			skey, _, _ := ledger.GenerateKey("trace.vigil.invalid/log")
			key, _ := ledger.ParseKey(skey)
			logs := &lockedBuffer{}
			logger := slog.New(slog.NewTextHandler(logs, &slog.HandlerOptions{Level: slog.LevelDebug}))
			store, err := sqlstore.Open(ctx, db, key, logger)
			if err != nil {
				t.Fatal(err)
			}
			store.UseReceiptParams(speakup.Params{Time: 1, Memory: 8 * 1024, Threads: 1})
			town, err := synth.Seed(ctx, store, synth.Options{Seed: 4, Concerns: 1})
			if err != nil {
				t.Fatal(err)
			}
			if err := synth.SeedSpeakUp(ctx, store, town); err != nil {
				t.Fatal(err)
			}
			h, err := server.New(store, server.Options{Logger: logger})
			if err != nil {
				t.Fatal(err)
			}
			srv := httptest.NewServer(h)
			t.Cleanup(func() { srv.Close(); store.Close(); db.Close() })

			post := func(path, body string) (int, []byte) {
				t.Helper()
				req, _ := http.NewRequest("POST", srv.URL+path, strings.NewReader(body))
				req.Header.Set("Content-Type", "application/json")
				req.Header.Set("User-Agent", "Reporter-App/7.7 (ua-marker)")
				req.Header.Set("X-Forwarded-For", "203.0.113.77")
				req.Header.Set("X-Real-IP", "198.51.100.99")
				req.Header.Set("Forwarded", "for=192.0.2.43")
				resp, err := srv.Client().Do(req)
				if err != nil {
					t.Fatal(err)
				}
				defer resp.Body.Close()
				b, _ := io.ReadAll(resp.Body)
				if cc := resp.Header.Get("Cache-Control"); cc != "no-store" {
					t.Errorf("POST %s: Cache-Control %q", path, cc)
				}
				return resp.StatusCode, b
			}
			status, b := post("/api/v1/speak-up/reports", `{"channel": "staff", "about": "`+string(town.Agencies[vigil.AgencyChildrensServices].ID)+`", "what": "marker-report-words about changed findings"}`)
			if status != http.StatusCreated {
				t.Fatalf("report: %d %s", status, b)
			}
			var rc struct{ Receipt string }
			json.Unmarshal(b, &rc)
			words := strings.Fields(rc.Receipt)
			if len(words) != speakup.ReceiptWords {
				t.Fatalf("receipt %q", rc.Receipt)
			}
			if status, b := post("/api/v1/speak-up/status", fmt.Sprintf(`{"receipt": %q}`, rc.Receipt)); status != http.StatusOK {
				t.Fatalf("status: %d %s", status, b)
			}
			if status, b := post("/api/v1/speak-up/replies", fmt.Sprintf(`{"receipt": %q, "message": "marker-reply-words"}`, rc.Receipt)); status != http.StatusCreated {
				t.Fatalf("reply: %d %s", status, b)
			}
			if status, _ := post("/api/v1/speak-up/status", `{"receipt": "tidy crumb unmasked stood daylong refocus polio cattle sprung"}`); status != http.StatusForbidden {
				t.Errorf("a wrong receipt: %d", status)
			}

			all := dumpDatabase(t, db)
			if !strings.Contains(all, "speakup_reports") || !strings.Contains(all, "speakup.receipt_refused") {
				t.Fatalf("the dump misses the speak-up rows or the log (%d bytes)", len(all))
			}
			log := logs.String()
			if !strings.Contains(log, `pattern="POST /api/v1/speak-up/replies"`) || !strings.Contains(log, `route="POST /api/v1/speak-up/status"`) {
				t.Fatalf("the node's log did not record the requests: %s", log)
			}
			secret := strings.Join(words[speakup.LookupWords:], " ")
			for _, leak := range []string{"127.0.0.1", "203.0.113.77", "198.51.100.99", "192.0.2.43", "ua-marker", "Reporter-App",
				"marker-report-words", "marker-reply-words", secret} {
				if strings.Contains(strings.ToLower(all), strings.ToLower(leak)) {
					t.Errorf("the database holds %q", leak)
				}
				if strings.Contains(log, leak) {
					t.Errorf("the log holds %q", leak)
				}
			}
		})
	}
}

// dumpDatabase returns every value of every row of every table, as text;
// byte values are kept as they are, so that any text stored in the clear
// shows.
func dumpDatabase(t *testing.T, db *sqldb.DB) string {
	t.Helper()
	ctx := context.Background()
	list := `SELECT name FROM sqlite_master WHERE type = 'table'`
	if db.Engine != sqldb.SQLite {
		list = `SELECT table_name FROM information_schema.tables WHERE table_schema = current_schema() AND table_type = 'BASE TABLE'`
	}
	rows, err := db.Reader.QueryContext(ctx, list)
	if err != nil {
		t.Fatal(err)
	}
	var tables []string
	for rows.Next() {
		var name string
		if err := rows.Scan(&name); err != nil {
			t.Fatal(err)
		}
		tables = append(tables, name)
	}
	rows.Close()
	var out strings.Builder
	for _, table := range tables {
		out.WriteString(table + "\n")
		rows, err := db.Reader.QueryContext(ctx, `SELECT * FROM "`+table+`"`)
		if err != nil {
			t.Fatal(err)
		}
		cols, _ := rows.Columns()
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
				switch x := v.(type) {
				case []byte:
					out.Write(x)
				default:
					fmt.Fprint(&out, x)
				}
				out.WriteByte('\t')
			}
			out.WriteByte('\n')
		}
		rows.Close()
	}
	return out.String()
}
