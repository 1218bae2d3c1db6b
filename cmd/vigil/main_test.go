package main

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/vigil-project/vigil"
	"github.com/vigil-project/vigil/internal/ledger"
	"github.com/vigil-project/vigil/internal/server"
	"github.com/vigil-project/vigil/internal/speakup"
	"github.com/vigil-project/vigil/internal/sqldb"
	"github.com/vigil-project/vigil/internal/sqlstore"
	"github.com/vigil-project/vigil/internal/synth"
)

// vigil runs the command in-process and returns its exit code and output.
func runVigil(t *testing.T, args ...string) (code int, stdout, stderr string) {
	t.Helper()
	var out, errb bytes.Buffer
	code = run(context.Background(), args, &out, &errb)
	return code, out.String(), errb.String()
}

func TestKeysGenerate(t *testing.T) {
	out := filepath.Join(t.TempDir(), "log.key")
	code, stdout, stderr := runVigil(t, "keys", "generate", "--origin", "test.vigil.invalid/log", "--out", out)
	if code != 0 {
		t.Fatalf("keys generate: exit %d: %s", code, stderr)
	}
	fi, err := os.Stat(out)
	if err != nil {
		t.Fatal(err)
	}
	if fi.Mode().Perm() != 0o600 {
		t.Errorf("key file mode %v, want 0600", fi.Mode().Perm())
	}
	key, err := ledger.LoadKey(out)
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(stdout, key.VerifierKey()) {
		t.Errorf("output does not show the verifier key: %s", stdout)
	}
	secret, _ := os.ReadFile(out)
	if strings.Contains(stdout+stderr, strings.TrimSpace(string(secret))) {
		t.Error("the private key was printed")
	}
	if code, _, stderr := runVigil(t, "keys", "generate", "--origin", "test.vigil.invalid/log", "--out", out); code == 0 || !strings.Contains(stderr, "never overwritten") {
		t.Errorf("overwriting a key: exit %d, %s", code, stderr)
	}
}

// seeded makes a SQLite database with a small town and returns its DSN and key.
func seeded(t *testing.T) (dsn string, key *ledger.Key) {
	t.Helper()
	skey, _, _ := ledger.GenerateKey("cli.vigil.invalid/log")
	return seededWith(t, skey, 5), mustKey(t, skey)
}

func mustKey(t *testing.T, skey string) *ledger.Key {
	t.Helper()
	key, err := ledger.ParseKey(skey)
	if err != nil {
		t.Fatal(err)
	}
	return key
}

// seededWith makes a SQLite database whose log is signed with skey, holding
// a small town with the given number of concerns, and returns its DSN.
func seededWith(t *testing.T, skey string, concerns int) (dsn string) {
	t.Helper()
	ctx := context.Background()
	dsn = "sqlite:" + filepath.Join(t.TempDir(), "vigil.db")
	db, err := sqldb.Open(ctx, dsn)
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	s, err := sqlstore.Open(ctx, db, mustKey(t, skey), nil)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := synth.Seed(ctx, s, synth.Options{Seed: 3, Concerns: concerns}); err != nil {
		t.Fatal(err)
	}
	s.Close()
	return dsn
}

// TestVerifyDBNamesTamperedRecords edits the SQLite file behind Vigil's
// back, as a database administrator could, and checks that `vigil verify
// --db` fails and names each record.
func TestVerifyDBNamesTamperedRecords(t *testing.T) {
	tests := []struct {
		name  string
		sql   string
		table string
		kind  string
	}{
		{"row edited", `UPDATE concerns SET what_happened = 'Nothing to worry about.' WHERE id = (SELECT MIN(id) FROM concerns)`, "concerns", "row-edited"},
		{"row deleted", `DELETE FROM case_events WHERE id = (SELECT MIN(id) FROM case_events)`, "case_events", "row-deleted"},
		{"owner changed", `UPDATE cases SET owner_id = (SELECT id FROM users WHERE username = 'referrer') WHERE id = (SELECT MIN(id) FROM cases)`, "cases", "row-edited"},
		{"row inserted", `INSERT INTO api_tokens (id, version, user_id, token_hash, label, created_at) SELECT 'planted', 1, id, X'00', 'x', 0 FROM users LIMIT 1`, "api_tokens", "row-inserted"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			dsn, key := seeded(t)
			if code, stdout, stderr := runVigil(t, "verify", "--db", dsn, "--key", key.VerifierKey()); code != 0 || !strings.HasPrefix(stdout, "ok:") {
				t.Fatalf("untouched database: exit %d: %s%s", code, stdout, stderr)
			}
			db, err := sqldb.Open(context.Background(), dsn)
			if err != nil {
				t.Fatal(err)
			}
			var id string
			if tt.kind != "row-inserted" {
				db.Reader.QueryRow("SELECT MIN(id) FROM " + tt.table).Scan(&id)
			} else {
				id = "planted"
			}
			if _, err := db.Writer.Exec(tt.sql); err != nil {
				t.Fatal(err)
			}
			db.Close()
			code, stdout, _ := runVigil(t, "verify", "--db", dsn, "--key", key.VerifierKey())
			if code != 1 {
				t.Errorf("exit %d after tampering, want 1", code)
			}
			want := tt.kind + ": " + tt.table + "/" + id
			if !strings.Contains(stdout, want) || !strings.Contains(stdout, "FAILED") {
				t.Errorf("output does not name %q:\n%s", want, stdout)
			}
		})
	}
}

// serveLog serves the database at dsn, signed with key, and returns its
// store and address.
func serveLog(t *testing.T, dsn string, key *ledger.Key) (*sqlstore.Store, string) {
	t.Helper()
	ctx := context.Background()
	db, err := sqldb.Open(ctx, dsn)
	if err != nil {
		t.Fatal(err)
	}
	s, err := sqlstore.Open(ctx, db, key, nil)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := s.Log().Checkpoint(ctx); err != nil {
		t.Fatal(err)
	}
	h, err := server.New(s, server.Options{})
	if err != nil {
		t.Fatal(err)
	}
	srv := httptest.NewServer(h)
	t.Cleanup(func() { srv.Close(); s.Close(); db.Close() })
	return s, srv.URL
}

// TestVerifyURL audits a log over HTTP twice with a state file, as an
// outside auditor would between two visits: once the log has grown, the
// second audit proves the new tree extends the remembered one; a log whose
// history was rewritten and re-signed with the same key (an insider with
// the server's key) is refused against the state file, which keeps the
// good checkpoint.
func TestVerifyURL(t *testing.T) {
	ctx := context.Background()
	skey, _, _ := ledger.GenerateKey("cli.vigil.invalid/log")
	key := mustKey(t, skey)
	s, addr := serveLog(t, seededWith(t, skey, 5), key)
	state := filepath.Join(t.TempDir(), "auditor.state")
	audit := func(addr string) (int, string) {
		t.Helper()
		code, stdout, stderr := runVigil(t, "verify", "--url", addr+"/log", "--key", key.VerifierKey(), "--state", state)
		return code, stdout + stderr
	}
	remembered := func() *ledger.Checkpoint {
		t.Helper()
		b, err := os.ReadFile(state)
		if err != nil {
			t.Fatal(err)
		}
		c, err := ledger.OpenCheckpoint(b, key.Verifier())
		if err != nil {
			t.Fatalf("state file: %v", err)
		}
		return c
	}

	code, out := audit(addr)
	if code != 0 || !strings.Contains(out, "entries fetched") || strings.Contains(out, "consistent with") {
		t.Fatalf("first audit: exit %d: %s", code, out)
	}
	first := remembered()

	// The log grows between the two visits: members of the public report
	// three concerns.
	for i := range 3 {
		age := 11 + i
		_, _, err := s.RaiseConcern(ctx, vigil.PublicActor, vigil.NewConcern{Source: vigil.SourcePublic,
			Child: vigil.Child{Name: fmt.Sprintf("Growth Child %d", i), Age: &age}, WhatHappened: "Seen with older men at the bus station late at night."})
		if err != nil {
			t.Fatal(err)
		}
	}
	grown, err := s.Log().Checkpoint(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if grown.Size <= first.Size {
		t.Fatalf("the log did not grow: %d -> %d", first.Size, grown.Size)
	}
	code, out = audit(addr)
	want := fmt.Sprintf("checkpoint size %d", grown.Size)
	wantPrev := fmt.Sprintf("consistent with the previous checkpoint of size %d", first.Size)
	wantFetched := fmt.Sprintf("%d entries fetched", grown.Size-first.Size)
	if code != 0 || !strings.Contains(out, want) || !strings.Contains(out, wantPrev) || !strings.Contains(out, wantFetched) {
		t.Fatalf("audit after growth: exit %d, want %q, %q and %q:\n%s", code, want, wantPrev, wantFetched, out)
	}
	if c := remembered(); c.Size != grown.Size || c.Hash != grown.Hash {
		t.Fatalf("the state file holds size %d, want the grown checkpoint %d", c.Size, grown.Size)
	}

	// Rewritten histories, each signed with the log's own key: another
	// database built from scratch, bigger than the remembered tree (its
	// first entries differ), and one smaller than it.
	// A third is padded with single events to exactly the remembered size.
	for _, tt := range []struct {
		name     string
		concerns int
		size     int64 // pad the forged log to this size (0: leave it)
		want     string
	}{
		{"rewritten and longer", 12, 0, "history was rewritten"},
		{"rewritten and shorter", 1, 0, "history was removed"},
		{"rewritten, same size", 2, grown.Size, "a different tree of the same size"},
	} {
		t.Run(tt.name, func(t *testing.T) {
			before, _ := os.ReadFile(state)
			fs, forged := serveLog(t, seededWith(t, skey, tt.concerns), key)
			for n, err := ledger.Size(ctx, fs.DB()); n < tt.size; n, err = ledger.Size(ctx, fs.DB()) {
				if err != nil {
					t.Fatal(err)
				}
				if err := fs.Log().Append(ctx, "record.viewed", "forger", "cases", "x", map[string]string{"purpose": "padding"}); err != nil {
					t.Fatal(err)
				}
			}
			if c, err := fs.Log().Checkpoint(ctx); err != nil || tt.size > 0 && c.Size != tt.size {
				t.Fatalf("forged checkpoint: %v, %v", c, err)
			}
			// The forged log is well signed: alone, an auditor with no
			// memory accepts it.
			if code, stdout, stderr := runVigil(t, "verify", "--url", forged+"/log", "--key", key.VerifierKey()); code != 0 {
				t.Fatalf("the forged log does not even verify alone: %s%s", stdout, stderr)
			}
			code, out := audit(forged)
			if code != 1 || !strings.Contains(out, "FAILED") || !strings.Contains(out, tt.want) {
				t.Errorf("audit of a rewritten log against the state file: exit %d, want FAILED with %q:\n%s", code, tt.want, out)
			}
			if after, _ := os.ReadFile(state); !bytes.Equal(after, before) {
				t.Error("the refused checkpoint replaced the remembered one in the state file")
			}
		})
	}

	// An auditor given the wrong key refuses the log.
	skey2, _, _ := ledger.GenerateKey("cli.vigil.invalid/log")
	other := mustKey(t, skey2)
	if code, stdout, _ := runVigil(t, "verify", "--url", addr+"/log", "--key", other.VerifierKey()); code != 1 || !strings.Contains(stdout, "FAILED") {
		t.Errorf("audit with another key: exit %d: %s", code, stdout)
	}
}

// runningDemo is a `vigil demo` running in-process.
type runningDemo struct {
	dir      string
	df       demoFile
	out, err *bytes.Buffer
	cancel   context.CancelFunc
	done     chan int
}

// startDemo runs `vigil demo` on a temporary folder and a free port, as a
// new user would, and waits for its demo.json.
func startDemo(t *testing.T, args ...string) *runningDemo {
	t.Helper()
	d := &runningDemo{dir: t.TempDir(), out: &bytes.Buffer{}, err: &bytes.Buffer{}, done: make(chan int, 1)}
	ctx, cancel := context.WithCancel(context.Background())
	d.cancel = cancel
	args = append([]string{"demo", "--dir", d.dir, "--addr", "127.0.0.1:0"}, args...)
	go func() { d.done <- run(ctx, args, d.out, d.err) }()
	t.Cleanup(func() { d.stop() })
	deadline := time.Now().Add(120 * time.Second)
	for {
		b, err := os.ReadFile(filepath.Join(d.dir, "demo.json"))
		if err == nil && json.Unmarshal(b, &d.df) == nil {
			return d
		}
		select {
		case code := <-d.done:
			d.done <- code
			t.Fatalf("demo exited with %d before writing demo.json: %s", code, d.err.String())
		default:
		}
		if time.Now().After(deadline) {
			t.Fatalf("demo.json not written within two minutes: %s", d.err.String())
		}
		time.Sleep(100 * time.Millisecond)
	}
}

// stop stops the demo and returns its exit code.
func (d *runningDemo) stop() int {
	d.cancel()
	code := <-d.done
	d.done <- code
	return code
}

// TestDemo runs `vigil demo` as a new user would and checks that it serves,
// writes demo.json, and that its log verifies.
func TestDemo(t *testing.T) {
	d := startDemo(t)
	df, dir := d.df, d.dir
	resp, err := http.Get(df.URL + "/healthz")
	if err != nil || resp.StatusCode != 200 {
		t.Fatalf("healthz: %v %v", err, resp)
	}
	resp.Body.Close()
	if len(df.Users) < 13 || df.LogKey == "" {
		t.Errorf("demo.json has %d users and log key %q", len(df.Users), df.LogKey)
	}
	roles := map[string]bool{}
	for _, u := range df.Users {
		roles[string(u.Role)] = true
		if u.Password == "" || !strings.HasPrefix(u.APIToken, "vgl_") {
			t.Errorf("user %s lacks a password or token", u.Username)
		}
	}
	// Scripts drive the demo with these tokens: each must be accepted
	// (the answer may still be a refusal for the role, never a 401).
	for _, u := range df.Users {
		req, _ := http.NewRequest(http.MethodGet, df.URL+"/api/v1/cases?owner=me", nil)
		req.Header.Set("Authorization", "Bearer "+u.APIToken)
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		if resp.StatusCode == http.StatusUnauthorized {
			t.Errorf("the API token of %s in demo.json is refused", u.Username)
		}
	}
	if !roles["social_worker"] || !roles["investigator"] || !roles["administrator"] {
		t.Errorf("demo roles %v", roles)
	}
	if fi, _ := os.Stat(filepath.Join(dir, "demo.json")); fi.Mode().Perm() != 0o600 {
		t.Errorf("demo.json mode %v, want 0600", fi.Mode().Perm())
	}
	if code, stdout, stderr := runVigil(t, "verify", "--url", df.URL+"/log", "--key", df.LogKey); code != 0 {
		t.Errorf("verify the demo's log: exit %d: %s%s", code, stdout, stderr)
	}
	if code := d.stop(); code != 0 {
		t.Errorf("demo exit %d: %s", code, d.err.String())
	}
	if !strings.Contains(d.out.String(), df.URL) || !strings.Contains(d.out.String(), df.LogKey) {
		t.Errorf("demo output lacks the URL or key:\n%s", d.out.String())
	}
}

func TestUsage(t *testing.T) {
	if code, _, stderr := runVigil(t, "nonsense"); code != 2 || !strings.Contains(stderr, "unknown command") {
		t.Errorf("unknown command: exit %d: %s", code, stderr)
	}
	if code, _, stderr := runVigil(t, "verify"); code != 2 || !strings.Contains(stderr, "give one of --db, --url or --bundle") {
		t.Errorf("verify without flags: exit %d: %s", code, stderr)
	}
}

// TestVerifyDBChecksSealedSpeakUp replaces a speak-up ciphertext, which
// lives outside the tracked rows: `vigil verify --db` must still fail and
// name the report whose hash in the log no longer matches.
func TestVerifyDBChecksSealedSpeakUp(t *testing.T) {
	ctx := context.Background()
	dsn := "sqlite:" + filepath.Join(t.TempDir(), "vigil.db")
	db, err := sqldb.Open(ctx, dsn)
	if err != nil {
		t.Fatal(err)
	}
	skey, _, _ := ledger.GenerateKey("cli.vigil.invalid/log")
	key, _ := ledger.ParseKey(skey)
	s, err := sqlstore.Open(ctx, db, key, nil)
	if err != nil {
		t.Fatal(err)
	}
	town, err := synth.Seed(ctx, s, synth.Options{Seed: 3, Concerns: 2})
	if err != nil {
		t.Fatal(err)
	}
	if err := synth.SeedSpeakUp(ctx, s, town); err != nil {
		t.Fatal(err)
	}
	_, rk, err := s.Submit(ctx, speakup.NewReport{Content: speakup.Content{Channel: speakup.ChannelChild, What: "A man waits outside the school in a grey car."}})
	if err != nil {
		t.Fatal(err)
	}
	s.Close()
	if code, stdout, stderr := runVigil(t, "verify", "--db", dsn, "--key", key.VerifierKey()); code != 0 {
		t.Fatalf("untouched database: exit %d: %s%s", code, stdout, stderr)
	}
	if _, err := db.Writer.Exec(`UPDATE speakup_blobs SET data = X'00' WHERE id = ?`, string(rk.ReportID)+"/content"); err != nil {
		t.Fatal(err)
	}
	db.Close()
	code, stdout, _ := runVigil(t, "verify", "--db", dsn, "--key", key.VerifierKey())
	want := "speakup_reports/" + string(rk.ReportID) + " content: the ciphertext differs"
	if code != 1 || !strings.Contains(stdout, want) || !strings.Contains(stdout, "FAILED") {
		t.Errorf("exit %d, output does not name %q:\n%s", code, want, stdout)
	}
}

// TestVerifyDBRefusesOlderSchema: a database that an older vigil wrote
// (here: one whose last store migration is not recorded) is refused at
// once with the command that brings it up to date, rather than failing
// after minutes on a missing table; verify itself writes nothing.
func TestVerifyDBRefusesOlderSchema(t *testing.T) {
	dsn, key := seeded(t)
	db, err := sqldb.Open(context.Background(), dsn)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := db.Writer.Exec(`DELETE FROM schema_migrations WHERE set_name = 'store' AND version = (SELECT MAX(version) FROM schema_migrations WHERE set_name = 'store')`); err != nil {
		t.Fatal(err)
	}
	db.Close()
	code, stdout, stderr := runVigil(t, "verify", "--db", dsn, "--key", key.VerifierKey())
	if code == 0 || !strings.Contains(stderr, "vigil migrate --db") || !strings.Contains(stderr, "1 migrations not applied") {
		t.Errorf("exit %d on an older schema; stdout %q, stderr %q", code, stdout, stderr)
	}
}
