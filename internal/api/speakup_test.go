package api

import (
	"context"
	"encoding/json"
	"fmt"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"reflect"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/vigil-project/vigil"
	"github.com/vigil-project/vigil/internal/ledger"
	"github.com/vigil-project/vigil/internal/pgtest"
	"github.com/vigil-project/vigil/internal/speakup"
	"github.com/vigil-project/vigil/internal/sqldb"
	"github.com/vigil-project/vigil/internal/sqlstore"
	"github.com/vigil-project/vigil/internal/synth"
)

// speakUpEngines runs f on an API whose store, on SQLite and on
// PostgreSQL, has the speak-up channel of the synthetic town set up.
func speakUpEngines(t *testing.T, f func(t *testing.T, e *env)) {
	for _, engine := range []string{"sqlite", "postgres"} {
		t.Run(engine, func(t *testing.T) {
			dsn := "sqlite:" + filepath.Join(t.TempDir(), "vigil.db")
			if engine == "postgres" {
				dsn = pgtest.DSN(t)
			}
			f(t, newSpeakUpEnv(t, dsn))
		})
	}
}

// newSpeakUpEnv is newEnv on the given database, with the speak-up channel
// seeded and receipts hashed cheaply (the costs are stored with each
// verifier; the checks and limits are the same).
func newSpeakUpEnv(tb testing.TB, dsn string) *env {
	tb.Helper()
	ctx := context.Background()
	db, err := sqldb.Open(ctx, dsn)
	if err != nil {
		tb.Fatal(err)
	}
	skey, _, err := ledger.GenerateKey("test.vigil.invalid/log")
	if err != nil {
		tb.Fatal(err)
	}
	key, err := ledger.ParseKey(skey)
	if err != nil {
		tb.Fatal(err)
	}
	logs := &syncBuffer{}
	logger := slog.New(slog.NewJSONHandler(logs, &slog.HandlerOptions{Level: slog.LevelDebug}))
	store, err := sqlstore.Open(ctx, db, key, logger)
	if err != nil {
		tb.Fatal(err)
	}
	store.UseReceiptParams(speakup.Params{Time: 1, Memory: 8 * 1024, Threads: 1})
	town, err := synth.Seed(ctx, store, synth.Options{Seed: 3, Concerns: 2})
	if err != nil {
		tb.Fatal(err)
	}
	if err := synth.SeedSpeakUp(ctx, store, town); err != nil {
		tb.Fatal(err)
	}
	mux := http.NewServeMux()
	mux.Handle("/api/", New(store, logger))
	srv := httptest.NewServer(mux)
	tb.Cleanup(func() { srv.Close(); store.Close(); db.Close() })
	return &env{srv: srv, store: store, town: town, logs: logs}
}

// anon sends an anonymous speak-up request, with a user agent and a
// forwarded address that must leave no trace.
func (e *env) anon(tb testing.TB, method, path, body string) (*http.Response, []byte) {
	tb.Helper()
	return e.do(tb, request{method: method, path: path, body: body,
		header: map[string]string{"User-Agent": "Reporter-App/7.7 (ua-marker)", "X-Forwarded-For": "203.0.113.77"}})
}

func (e *env) report(tb testing.TB, body string) string {
	tb.Helper()
	resp, b := e.anon(tb, "POST", "/api/v1/speak-up/reports", body)
	var rc speakupReceipt
	decode(tb, resp, b, http.StatusCreated, &rc)
	if n := len(strings.Fields(rc.Receipt)); n != speakup.ReceiptWords {
		tb.Fatalf("receipt %q has %d words", rc.Receipt, n)
	}
	if loc := resp.Header.Get("Location"); loc != "" {
		tb.Errorf("a report answers with Location %q", loc)
	}
	return rc.Receipt
}

func (e *env) status(tb testing.TB, receipt string) speakupView {
	tb.Helper()
	b, _ := json.Marshal(speakupReceiptRequest{Receipt: receipt})
	resp, body := e.anon(tb, "POST", "/api/v1/speak-up/status", string(b))
	var v speakupView
	decode(tb, resp, body, http.StatusOK, &v)
	return v
}

func (e *env) inbox(tb testing.TB, login string) speakupInboxList {
	tb.Helper()
	resp, b := e.do(tb, request{method: "GET", path: "/api/v1/speak-up/inbox", login: login})
	var l speakupInboxList
	decode(tb, resp, b, http.StatusOK, &l)
	return l
}

// logEntries returns the log's entries about an object, in order.
func (e *env) logEntries(tb testing.TB, objectID string) []ledger.Entry {
	tb.Helper()
	db := e.store.DB()
	rows, err := db.Reader.QueryContext(context.Background(), db.Rebind(`SELECT data FROM log_entries WHERE object_id = ? ORDER BY idx`), objectID)
	if err != nil {
		tb.Fatal(err)
	}
	defer rows.Close()
	var out []ledger.Entry
	for rows.Next() {
		var data []byte
		if err := rows.Scan(&data); err != nil {
			tb.Fatal(err)
		}
		entry, err := ledger.ParseEntry(data)
		if err != nil {
			tb.Fatal(err)
		}
		out = append(out, *entry)
	}
	return out
}

func kinds(entries []ledger.Entry) []string {
	var out []string
	for _, en := range entries {
		out = append(out, en.Kind)
	}
	return out
}

// TestSpeakUpJourney walks a young person's report through the API: made,
// listed for a recipient without its content, its status checked with the
// receipt, a question from the recipient seen, and an answer read back by
// the recipient with their key.
func TestSpeakUpJourney(t *testing.T) {
	speakUpEngines(t, func(t *testing.T, e *env) {
		ctx := context.Background()
		resp, b := e.anon(t, "GET", "/api/v1/speak-up/organisations", "")
		var orgs speakupOrganisationList
		decode(t, resp, b, http.StatusOK, &orgs)
		council := e.town.Agencies[vigil.AgencyChildrensServices]
		if !slices.ContainsFunc(orgs.Organisations, func(o speakupOrganisation) bool { return o.ID == council.ID && o.Name == council.Name }) {
			t.Errorf("organisations do not list the council: %s", b)
		}

		const script = `<script>alert("pwned")</script>`
		receipt := e.report(t, `{"channel": "young_person", "child": {"age": " nearly fifteen "}, "what": "He said not to tell anyone. `+strings.ReplaceAll(script, `"`, `\"`)+`"}`)

		// Typed back in capitals with commas, as a child might.
		v := e.status(t, strings.ToUpper(strings.ReplaceAll(receipt, " ", ", ")))
		want := speakupView{Channel: speakup.ChannelYoungPerson, ReceivedAt: v.ReceivedAt, Status: statusOf(speakup.StatusReceived), Open: true, Messages: []speakupExchange{}}
		if diff := cmp.Diff(want, v); diff != "" || v.ReceivedAt.IsZero() {
			t.Errorf("status (-want +got):\n%s", diff)
		}

		// The scrutiny member (independent) and the council's duty manager
		// both receive reports about children; the listing has no content.
		resp, b = e.do(t, request{method: "GET", path: "/api/v1/speak-up/inbox", login: "scrutiny"})
		var in speakupInboxList
		decode(t, resp, b, http.StatusOK, &in)
		if len(in.Reports) != 1 || in.Custodian {
			t.Fatalf("scrutiny's inbox: %s", b)
		}
		rp := in.Reports[0]
		if rp.Channel != speakup.ChannelYoungPerson || rp.Status != speakup.StatusReceived || rp.Messages != 0 || len(rp.Deadlines) != 2 || rp.Overdue {
			t.Errorf("inbox report: %+v", rp)
		}
		for _, leak := range []string{"not to tell", "pwned", "fifteen"} {
			if strings.Contains(string(b), leak) {
				t.Errorf("the inbox shows %q of the report's content", leak)
			}
		}
		if got := e.inbox(t, "commissioner"); !got.Custodian || len(got.Reports) != 1 {
			t.Errorf("commissioner's inbox: %+v", got)
		}
		if got := kinds(e.logEntries(t, string(e.user(t, "scrutiny").ID))); !slices.Contains(got, "speakup.inbox_listed") {
			t.Errorf("the listing is not in the log: %v", got)
		}

		// A question from the recipient, through the store as the pages send it.
		scrutiny := vigil.UserActor(e.user(t, "scrutiny"))
		if err := e.store.Ask(ctx, scrutiny, rp.ID, "Are you safe tonight? "+script); err != nil {
			t.Fatal(err)
		}
		v = e.status(t, receipt)
		if v.Status.Code != speakup.StatusLooking || len(v.Messages) != 1 || v.Messages[0].From != speakup.AuthorRecipient ||
			v.Messages[0].Text != "Are you safe tonight? "+script {
			t.Errorf("status after a question: %+v", v)
		}
		_, raw := e.anon(t, "POST", "/api/v1/speak-up/status", `{"receipt": "`+receipt+`"}`)
		for _, leak := range []string{e.user(t, "scrutiny").Name, string(scrutiny.ID), string(rp.ID), "author"} {
			if strings.Contains(string(raw), leak) {
				t.Errorf("the reporter's view names %q", leak)
			}
		}

		// The answer.
		resp, b = e.anon(t, "POST", "/api/v1/speak-up/replies", `{"receipt": "`+receipt+`", "message": "  I am at my nan's tonight.  "}`)
		decode(t, resp, b, http.StatusCreated, &v)
		if len(v.Messages) != 2 || v.Messages[1].From != speakup.AuthorReporter || v.Messages[1].Text != "I am at my nan's tonight." {
			t.Errorf("after the reply: %+v", v)
		}
		key, err := e.store.Unlock(ctx, scrutiny, e.town.Login("scrutiny").Password)
		if err != nil {
			t.Fatal(err)
		}
		d, err := e.store.Open(ctx, scrutiny, key, rp.ID)
		if err != nil {
			t.Fatal(err)
		}
		if d.Content.Child.Age != "nearly fifteen" || !strings.Contains(d.Content.What, "not to tell") || len(d.Messages) != 2 || d.Messages[1].Text != "I am at my nan's tonight." {
			t.Errorf("the recipient reads %+v, %d messages", d.Content, len(d.Messages))
		}
		if in := e.inbox(t, "scrutiny"); in.Reports[0].LastMessage != speakup.AuthorReporter || in.Reports[0].Messages != 2 {
			t.Errorf("inbox after the reply: %+v", in.Reports[0])
		}
		got := kinds(e.logEntries(t, string(rp.ID)))
		if count := func(k string) int {
			return len(slices.DeleteFunc(slices.Clone(got), func(x string) bool { return x != k }))
		}; count("speakup.reporter_viewed") != 4 {
			t.Errorf("reporter views logged: %v", got)
		}

		// Closed: the reporter may read but not write.
		if err := e.store.SetStatus(ctx, scrutiny, rp.ID, speakup.StatusClosed); err != nil {
			t.Fatal(err)
		}
		resp, b = e.anon(t, "POST", "/api/v1/speak-up/replies", `{"receipt": "`+receipt+`", "message": "One more thing."}`)
		wantProblem(t, resp, b, http.StatusConflict, vigil.ECONFLICT, nil, "closed")
		if v := e.status(t, receipt); v.Open || v.Status.Code != speakup.StatusClosed {
			t.Errorf("closed report's status: %+v", v.Status)
		}
	})
}

// TestSpeakUpReceiptGuessing shows wrong and guessed receipts refused, and
// guessing throttled by the store's limits: per report, then globally.
func TestSpeakUpReceiptGuessing(t *testing.T) {
	speakUpEngines(t, func(t *testing.T, e *env) {
		receipt := e.report(t, `{"channel": "child", "what": "A girl from my street is picked up by men in cars at night."}`)
		words := strings.Fields(receipt)
		check := func(r string) (*http.Response, []byte) {
			b, _ := json.Marshal(speakupReceiptRequest{Receipt: r})
			return e.anon(t, "POST", "/api/v1/speak-up/status", string(b))
		}
		resp, b := check("")
		wantProblem(t, resp, b, http.StatusUnprocessableEntity, vigil.EINVALID, []string{"receipt"}, "receipt")
		resp, b = check("one two three")
		wantProblem(t, resp, b, http.StatusUnprocessableEntity, vigil.EINVALID, []string{"receipt"}, "9 words")
		resp, b = check(strings.Join(words[:8], " ") + " " + words[8] + "x")
		wantProblem(t, resp, b, http.StatusUnprocessableEntity, vigil.EINVALID, []string{"receipt"}, "")

		// A well-formed receipt naming no report.
		other := []string{"tidy", "crumb", "unmasked", "stood", "daylong", "refocus", "polio", "cattle", "sprung"}
		if other[0] == words[0] && other[1] == words[1] {
			other[0] = "abacus"
		}
		resp, b = check(strings.Join(other, " "))
		wantProblem(t, resp, b, http.StatusForbidden, vigil.EFORBIDDEN, []string{"receipt"}, "does not match")
		if resp.Header.Get("WWW-Authenticate") != "" {
			t.Errorf("a receipt refusal sends a challenge")
		}

		// Someone who knows the lookup words guesses the secret past the
		// store's count: each guess is refused and logged, and the right
		// receipt still opens the report (see speakup/limit.go).
		e.store.UseGuessDelay(10 * time.Millisecond)
		var id vigil.ID
		for _, r := range e.inbox(t, "scrutiny").Reports {
			id = r.ID
		}
		list := wordList(t)
		wrong := slices.Clone(words)
		for i := range speakup.MaxFailures + 2 {
			wrong[8] = list[100+i]
			if wrong[8] == words[8] {
				wrong[8] = list[200]
			}
			resp, b = check(strings.Join(wrong, " "))
			wantProblem(t, resp, b, http.StatusForbidden, vigil.EFORBIDDEN, []string{"receipt"}, "does not match")
		}
		resp, b = check(receipt)
		if resp.StatusCode != http.StatusOK {
			t.Fatalf("the right receipt after %d wrong ones: %d %s", speakup.MaxFailures+2, resp.StatusCode, b)
		}
		resp, b = e.anon(t, "POST", "/api/v1/speak-up/replies", `{"receipt": "`+receipt+`", "message": "Hello?"}`)
		if resp.StatusCode >= 300 {
			t.Fatalf("a reply with the right receipt after wrong ones: %d %s", resp.StatusCode, b)
		}
		refused := 0
		for _, en := range e.logEntries(t, string(id)) {
			if en.Kind == "speakup.receipt_refused" {
				refused++
				if en.Actor != string(vigil.ActorPublic) {
					t.Errorf("a refusal is logged as %q", en.Actor)
				}
			}
		}
		if refused != speakup.MaxFailures+2 {
			t.Errorf("%d refusals logged against the report, want %d", refused, speakup.MaxFailures+2)
		}

		// Guessing across the service, far past what a count of failures
		// would allow, does not keep another report's holder out.
		second := e.report(t, `{"channel": "child", "what": "Another worry about a child at the bus station."}`)
		for i := range 100 {
			guess := slices.Clone(other)
			guess[8] = list[300+i]
			resp, b = check(strings.Join(guess, " "))
			wantProblem(t, resp, b, http.StatusForbidden, vigil.EFORBIDDEN, []string{"receipt"}, "does not match")
		}
		if resp, b = check(second); resp.StatusCode != http.StatusOK {
			t.Errorf("another report's right receipt after 100 guesses: %d %s", resp.StatusCode, b)
		}
	})
}

// TestSpeakUpRequestsRefused shows requests in the wrong form refused with
// problems that say what to fix.
func TestSpeakUpRequestsRefused(t *testing.T) {
	e := newSpeakUpEnv(t, "sqlite:"+filepath.Join(t.TempDir(), "vigil.db"))
	receipt := e.report(t, `{"channel": "staff", "about": "`+string(e.town.Agencies[vigil.AgencyChildrensServices].ID)+`", "what": "Findings were changed."}`)
	long := strings.Repeat("x", 201)
	for _, tc := range []struct {
		name, path, body string
		header           map[string]string
		status           int
		code             string
		fields           []string
		detail           string
	}{
		{"unknown field", "/api/v1/speak-up/reports", `{"channel": "child", "what": "x", "ip": "1.2.3.4"}`, nil, 400, vigil.EINVALID, []string{"ip"}, "Unknown field ip"},
		{"nested unknown field", "/api/v1/speak-up/reports", `{"channel": "child", "what": "x", "child": {"dob": "2012-01-01"}}`, nil, 400, vigil.EINVALID, []string{"child.dob"}, "Unknown field child.dob"},
		{"mis-cased field", "/api/v1/speak-up/status", `{"Receipt": "` + receipt + `"}`, nil, 400, vigil.EINVALID, []string{"Receipt"}, "did you mean receipt"},
		{"repeated field", "/api/v1/speak-up/replies", `{"receipt": "a", "message": "x", "message": "y"}`, nil, 400, vigil.EINVALID, []string{"message"}, "more than once"},
		{"wrong type", "/api/v1/speak-up/reports", `{"channel": "child", "what": "x", "child": {"age": 15}}`, nil, 400, vigil.EINVALID, []string{"child.age"}, "must be a string"},
		{"not JSON", "/api/v1/speak-up/status", `receipt=` + strings.ReplaceAll(receipt, " ", "+"), nil, 400, vigil.EINVALID, nil, "not valid JSON"},
		{"form media type", "/api/v1/speak-up/status", `{"receipt": "x"}`, map[string]string{"Content-Type": "application/x-www-form-urlencoded"}, 415, vigil.EMEDIATYPE, nil, "JSON"},
		{"receipt in the query", "/api/v1/speak-up/status?receipt=x", `{"receipt": "x"}`, nil, 400, vigil.EINVALID, []string{"receipt"}, "no query parameters"},
		{"token on an anonymous route", "/api/v1/speak-up/reports", `{"channel": "child", "what": "x"}`, map[string]string{"Authorization": "Bearer " + e.token(t, "social.worker")}, 400, vigil.EINVALID, nil, "anonymous"},
		{"no channel", "/api/v1/speak-up/reports", `{"what": "x"}`, nil, 422, vigil.EINVALID, []string{"channel"}, "young_person"},
		{"unknown channel", "/api/v1/speak-up/reports", `{"channel": "me", "what": "x"}`, nil, 422, vigil.EINVALID, []string{"channel"}, "young_person"},
		{"staff without organisation", "/api/v1/speak-up/reports", `{"channel": "staff", "what": "x"}`, nil, 422, vigil.EINVALID, []string{"about"}, "organisation"},
		{"unknown organisation", "/api/v1/speak-up/reports", `{"channel": "staff", "about": "` + string(vigil.NewID()) + `", "what": "x"}`, nil, 422, vigil.EINVALID, []string{"about"}, "organisation"},
		{"fields by JSON name", "/api/v1/speak-up/reports", `{"channel": "child", "what": " ", "child": {"name": "` + long + `", "age": "` + long + `", "where": "` + strings.Repeat("y", 501) + `"}, "identity": {"name": "` + long + `", "contact": "` + long + `", "role": "` + long + `"}}`, nil, 422, vigil.EINVALID,
			[]string{"what", "child.name", "child.age", "child.where", "identity.name", "identity.contact", "identity.role"}, "7 problems"},
		{"empty reply", "/api/v1/speak-up/replies", `{"receipt": "` + receipt + `", "message": "   "}`, nil, 422, vigil.EINVALID, []string{"message"}, ""},
		{"wrong receipt reply", "/api/v1/speak-up/replies", `{"receipt": "tidy crumb unmasked stood daylong refocus polio cattle sprung", "message": "Hello"}`, nil, 403, vigil.EFORBIDDEN, []string{"receipt"}, "does not match"},
		{"oversize", "/api/v1/speak-up/reports", `{"channel": "child", "what": "` + strings.Repeat("a", maxBodyBytes) + `"}`, nil, 413, vigil.ETOOLARGE, nil, "1 MiB"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			resp, b := e.do(t, request{method: "POST", path: tc.path, body: tc.body, header: tc.header})
			wantProblem(t, resp, b, tc.status, tc.code, tc.fields, tc.detail)
		})
	}
	t.Run("oversize without length", func(t *testing.T) {
		resp, b := e.do(t, request{method: "POST", path: "/api/v1/speak-up/replies", chunked: true,
			body: `{"receipt": "` + receipt + `", "message": "` + strings.Repeat("a", maxBodyBytes) + `"}`})
		wantProblem(t, resp, b, http.StatusRequestEntityTooLarge, vigil.ETOOLARGE, nil, "1 MiB")
	})
	t.Run("GET with receipt", func(t *testing.T) {
		resp, b := e.do(t, request{method: "GET", path: "/api/v1/speak-up/status"})
		wantProblem(t, resp, b, http.StatusMethodNotAllowed, vigil.EMETHOD, nil, "POST")
	})
	// Nothing refused above reached the conversation.
	resp, b := e.anon(t, "POST", "/api/v1/speak-up/status", `{"receipt": "`+receipt+`"}`)
	var v speakupView
	decode(t, resp, b, http.StatusOK, &v)
	if len(v.Messages) != 0 {
		t.Errorf("a refused reply was recorded: %+v", v.Messages)
	}
}

// TestSpeakUpAdministratorRefused shows that a whistle-blowing report about
// the council is listed for the independent body alone: the council's
// administrator, and its own recipients, get nothing.
func TestSpeakUpAdministratorRefused(t *testing.T) {
	speakUpEngines(t, func(t *testing.T, e *env) {
		council := e.town.Agencies[vigil.AgencyChildrensServices]
		if e.user(t, "admin").AgencyID != council.ID || e.user(t, "duty.manager").AgencyID != council.ID {
			t.Fatal("the demo administrator and duty manager are not the council's")
		}
		e.report(t, `{"channel": "staff", "about": "`+string(council.ID)+`", "what": "My manager told me to change the findings.", "identity": {"name": "Sam Whistle", "role": "analyst"}}`)
		in := e.inbox(t, "scrutiny")
		if len(in.Reports) != 1 || !in.Reports[0].HasIdentity {
			t.Fatalf("the independent body's inbox: %+v", in)
		}
		id := string(in.Reports[0].ID)

		resp, b := e.do(t, request{method: "GET", path: "/api/v1/speak-up/inbox", login: "admin"})
		wantProblem(t, resp, b, http.StatusForbidden, vigil.EFORBIDDEN, nil, "Administrators")
		if strings.Contains(string(b), id) {
			t.Errorf("the administrator's answer names the report")
		}
		if got := e.inbox(t, "duty.manager"); len(got.Reports) != 0 {
			t.Errorf("the council's own recipient lists the report about the council: %+v", got)
		}
		resp, b = e.do(t, request{method: "GET", path: "/api/v1/speak-up/inbox", login: "team.manager"})
		wantProblem(t, resp, b, http.StatusForbidden, vigil.EFORBIDDEN, nil, "not set up")
		want := "not set up"
		if !speakup.CanReceive(e.user(t, "police.officer")) {
			want = "Your role does not receive"
		}
		resp, b = e.do(t, request{method: "GET", path: "/api/v1/speak-up/inbox", login: "police.officer"})
		wantProblem(t, resp, b, http.StatusForbidden, vigil.EFORBIDDEN, nil, want)
		resp, b = e.do(t, request{method: "GET", path: "/api/v1/speak-up/inbox"})
		wantProblem(t, resp, b, http.StatusUnauthorized, vigil.EUNAUTHORIZED, nil, "")

		// The administrator cannot use their token on the reporter's routes either.
		resp, b = e.do(t, request{method: "POST", path: "/api/v1/speak-up/status", login: "admin", body: `{"receipt": "x"}`})
		wantProblem(t, resp, b, http.StatusBadRequest, vigil.EINVALID, nil, "anonymous")

		// Nothing in the log says any of the council's people saw it.
		for _, en := range e.logEntries(t, id) {
			for _, who := range []string{"admin", "duty.manager"} {
				if en.Actor == string(e.user(t, who).ID) {
					t.Errorf("the log records %s acting on the report: %s", who, en.Kind)
				}
			}
		}
	})
}

// TestSpeakUpRoutesRegistered checks the speak-up routes are described in
// the document, with schemas that match their Go types.
func TestSpeakUpOpenAPI(t *testing.T) {
	var doc openAPIDoc
	if err := json.Unmarshal(openAPIDocument, &doc); err != nil {
		t.Fatal(err)
	}
	for _, r := range []struct{ method, path string }{
		{"GET", "/api/v1/speak-up/organisations"}, {"POST", "/api/v1/speak-up/reports"}, {"POST", "/api/v1/speak-up/status"},
		{"POST", "/api/v1/speak-up/replies"}, {"GET", "/api/v1/speak-up/inbox"},
	} {
		op, ok := doc.Paths[r.path][strings.ToLower(r.method)]
		if !ok {
			t.Errorf("the document does not describe %s %s", r.method, r.path)
			continue
		}
		var o struct {
			Security *[]any `json:"security"`
		}
		json.Unmarshal(op, &o)
		if anonymous := r.path != "/api/v1/speak-up/inbox"; anonymous != (o.Security != nil && len(*o.Security) == 0) {
			t.Errorf("%s %s: security %v, want anonymous %v", r.method, r.path, o.Security, anonymous)
		}
	}
	for name, tc := range speakupSchemas {
		s := doc.Components.Schemas[name]
		if s == nil {
			t.Errorf("no schema %s", name)
			continue
		}
		props, required := flatten(t, doc.Components.Schemas, s)
		names, always := goJSONNames(reflect.TypeOf(tc.goType))
		if diff := cmp.Diff(names, props); diff != "" {
			t.Errorf("%s properties (-Go +document):\n%s", name, diff)
		}
		if tc.request {
			if string(s.AdditionalProperties) != "false" {
				t.Errorf("%s does not set additionalProperties: false", name)
			}
		} else if diff := cmp.Diff(always, required); diff != "" {
			t.Errorf("%s required (-Go +document):\n%s", name, diff)
		}
	}
	// The enums are the domain's.
	enum := func(name, prop string) []string {
		s := doc.Components.Schemas[name]
		if s == nil || s.Properties[prop] == nil {
			return nil
		}
		return s.Properties[prop].Enum
	}
	var channels []string
	for _, c := range speakup.Channels {
		channels = append(channels, string(c))
	}
	statuses := []string{string(speakup.StatusReceived), string(speakup.StatusLooking), string(speakup.StatusActed), string(speakup.StatusClosed)}
	for _, s := range statuses {
		if !speakup.Status(s).Valid() {
			t.Fatalf("status %s", s)
		}
	}
	for _, tc := range []struct {
		name string
		want []string
		got  []string
	}{
		{"SpeakUpReport.channel", channels, enum("SpeakUpReport", "channel")},
		{"SpeakUpView.channel", channels, enum("SpeakUpView", "channel")},
		{"SpeakUpInboxReport.channel", channels, enum("SpeakUpInboxReport", "channel")},
		{"SpeakUpStatus.code", statuses, enum("SpeakUpStatus", "code")},
		{"SpeakUpInboxReport.status", statuses, enum("SpeakUpInboxReport", "status")},
		{"SpeakUpDeadline.kind", []string{speakup.DeadlineAcknowledge, speakup.DeadlineFeedback}, enum("SpeakUpDeadline", "kind")},
		{"SpeakUpDeadline.status", []string{speakup.DeadlineOpen, speakup.DeadlineMet, speakup.DeadlineMissed}, enum("SpeakUpDeadline", "status")},
	} {
		if diff := cmp.Diff(tc.want, tc.got); diff != "" {
			t.Errorf("%s (-domain +document):\n%s", tc.name, diff)
		}
	}
}

// wordList reads the receipts' word list.
func wordList(tb testing.TB) []string {
	tb.Helper()
	b, err := os.ReadFile(filepath.Join("..", "speakup", "eff_large_wordlist.txt"))
	if err != nil {
		tb.Fatal(err)
	}
	return strings.Fields(string(b))
}

// speakupSchemas are the speak-up schemas of the document and the Go types
// they describe; request schemas refuse other properties.
var speakupSchemas = map[string]struct {
	goType  any
	request bool
}{
	"SpeakUpReport": {speakupReportRequest{}, true}, "SpeakUpChild": {speakupChildRequest{}, true},
	"SpeakUpIdentity": {speakupIdentityRequest{}, true}, "SpeakUpReceiptCheck": {speakupReceiptRequest{}, true},
	"SpeakUpReply": {speakupReplyRequest{}, true}, "SpeakUpReceipt": {speakupReceipt{}, false},
	"SpeakUpStatus": {speakupStatus{}, false}, "SpeakUpView": {speakupView{}, false}, "SpeakUpMessage": {speakupExchange{}, false},
	"SpeakUpOrganisation": {speakupOrganisation{}, false}, "SpeakUpOrganisationList": {speakupOrganisationList{}, false},
	"SpeakUpInbox": {speakupInboxList{}, false}, "SpeakUpInboxReport": {speakupInboxItem{}, false},
	"SpeakUpDeadline": {speakup.Deadline{}, false},
}

// speakupJSONFields are the JSON names a report's field errors may carry.
var speakupJSONFields = []string{"channel", "about", "what", "others", "child.name", "child.age", "child.where",
	"identity.name", "identity.contact", "identity.role"}

// FuzzDecodeSpeakUp feeds the speak-up bodies arbitrary bytes, with the
// promises of FuzzDecodeConcern (no panic; refusals are EINVALID vigil
// errors; what is accepted survives re-encoding), and checks that every
// field error of a report names a field of the request by its JSON name,
// so that a client can always find what to fix.
func FuzzDecodeSpeakUp(f *testing.F) {
	for _, seed := range []string{
		`{"channel": "young_person", "child": {"age": "15"}, "what": "He said not to tell anyone."}`,
		`{"channel": "staff", "about": "k3v5xq7mzr2a4b6c7d2e3f4g5h", "what": "x", "identity": {"name": "A", "contact": "b", "role": "c"}}`,
		`{"channel": "child", "child": {"name": "A", "age": "about 14", "where": "Kettleford"}, "what": "x", "others": "y"}`,
		`{"channel": "me", "what": ""}`, `{"channel": "staff", "about": "nope"}`, `{"Channel": "child"}`,
		`{"receipt": "tidy crumb unmasked stood daylong refocus polio cattle sprung"}`, `{"receipt": 9}`,
		`{"receipt": "a", "message": "hello"}`, `{"receipt": "a", "message": "\u0000"}`, `{"message": "x", "message": "y"}`,
		`{"child": {"age": 15}}`, `{"identity": []}`, `{} {}`, "", "null", "\xff{}",
	} {
		f.Add([]byte(seed))
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		if req, ok := roundTrip(t, data, decodeSpeakUp[speakupReportRequest]); ok {
			if _, err := req.newReport(); err != nil {
				checkFieldErrors(t, err)
				for _, fe := range vigil.ErrorFields(err) {
					if !slices.Contains(speakupJSONFields, fe.Field) {
						t.Fatalf("a field error names %q, which the request has no field for", fe.Field)
					}
				}
			}
		}
		if req, ok := roundTrip(t, data, decodeSpeakUp[speakupReplyRequest]); ok {
			if err := speakup.CheckMessage(req.Message); err != nil {
				checkFieldErrors(t, err)
				if fs := vigil.ErrorFields(err); len(fs) != 1 || fs[0].Field != "message" {
					t.Fatalf("a message refused with %+v", fs)
				}
			}
		}
		roundTrip(t, data, decodeSpeakUp[speakupReceiptRequest])
	})
}

// TestSpeakUpLogs checks the API's own log for the reporter's routes: a
// refusal is logged by route and code, with nothing of the caller or the
// request.
func TestSpeakUpLogs(t *testing.T) {
	e := newSpeakUpEnv(t, "sqlite:"+filepath.Join(t.TempDir(), "vigil.db"))
	receipt := e.report(t, `{"channel": "child", "what": "marker-what-text"}`)
	e.anon(t, "POST", "/api/v1/speak-up/status", `{"receipt": "tidy crumb unmasked stood daylong refocus polio cattle sprung"}`)
	e.anon(t, "POST", "/api/v1/speak-up/replies", fmt.Sprintf(`{"receipt": %q, "message": "marker-reply-text"}`, receipt))
	logs := e.logs.String()
	if !strings.Contains(logs, `"route":"POST /api/v1/speak-up/status"`) {
		t.Fatalf("the refusal was not logged: %s", logs)
	}
	secret := strings.Join(strings.Fields(receipt)[speakup.LookupWords:], " ")
	for _, leak := range []string{"127.0.0.1", "203.0.113.77", "ua-marker", "Reporter-App", "marker-what-text", "marker-reply-text", secret, "unmasked stood"} {
		if strings.Contains(logs, leak) {
			t.Errorf("the log holds %q", leak)
		}
	}
}

// BenchmarkSpeakUpStatus measures a reporter's status check through the
// API on SQLite with the production receipt costs (argon2id, 19 MiB, 2
// passes): the price of each check, right or wrong, which the global
// limit bounds.
func BenchmarkSpeakUpStatus(b *testing.B) {
	e := newSpeakUpEnv(b, "sqlite:"+filepath.Join(b.TempDir(), "vigil.db"))
	e.store.UseReceiptParams(speakup.DefaultParams)
	receipt := e.report(b, `{"channel": "child", "what": "A girl from my street is picked up by men in cars at night."}`)
	body := `{"receipt": "` + receipt + `"}`
	b.ResetTimer()
	for b.Loop() {
		resp, data := e.anon(b, "POST", "/api/v1/speak-up/status", body)
		if resp.StatusCode != http.StatusOK {
			b.Fatalf("status %d %s", resp.StatusCode, data)
		}
	}
	b.ReportMetric(float64(b.Elapsed().Milliseconds())/float64(b.N), "ms/check")
}
