package api

import (
	"bytes"
	"context"
	"encoding/json"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"github.com/vigil-project/vigil"
	"github.com/vigil-project/vigil/internal/ledger"
	"github.com/vigil-project/vigil/internal/sqldb"
	"github.com/vigil-project/vigil/internal/sqlstore"
	"github.com/vigil-project/vigil/internal/synth"
)

// env is the API served over HTTP on a real store: a temporary SQLite file
// seeded with a synthetic town.
type env struct {
	srv   *httptest.Server
	store *sqlstore.Store
	town  *synth.Town
	logs  *syncBuffer
}

// syncBuffer collects logs written by the server's goroutines.
type syncBuffer struct {
	mu  sync.Mutex
	buf bytes.Buffer
}

func (b *syncBuffer) Write(p []byte) (int, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.Write(p)
}

func (b *syncBuffer) String() string {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.String()
}

func newEnv(tb testing.TB) *env {
	tb.Helper()
	ctx := context.Background()
	db, err := sqldb.Open(ctx, "sqlite:"+filepath.Join(tb.TempDir(), "vigil.db"))
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
	store, err := sqlstore.Open(ctx, db, key, nil)
	if err != nil {
		tb.Fatal(err)
	}
	town, err := synth.Seed(ctx, store, synth.Options{Seed: 1, Concerns: 8})
	if err != nil {
		tb.Fatal(err)
	}
	logs := &syncBuffer{}
	logger := slog.New(slog.NewJSONHandler(logs, &slog.HandlerOptions{Level: slog.LevelDebug}))
	mux := http.NewServeMux()
	mux.Handle("/api/", New(store, logger)) // mounted as the lead's server mounts it
	srv := httptest.NewServer(mux)
	tb.Cleanup(func() { srv.Close(); store.Close(); db.Close() })
	return &env{srv: srv, store: store, town: town, logs: logs}
}

// token returns the API token of a demo login.
func (e *env) token(tb testing.TB, username string) string {
	tb.Helper()
	l := e.town.Login(username)
	if l == nil {
		tb.Fatalf("no demo login %s", username)
	}
	return l.APIToken
}

func (e *env) user(tb testing.TB, username string) *vigil.User {
	tb.Helper()
	l := e.town.Login(username)
	if l == nil {
		tb.Fatalf("no demo login %s", username)
	}
	return l.User
}

// request is one call to the API.
type request struct {
	method, path string
	login        string            // demo username whose token is sent; "" sends none
	header       map[string]string // extra headers; they override the defaults
	body         string
	chunked      bool // send the body without a Content-Length
}

// do sends req and checks the headers every API response must carry.
func (e *env) do(tb testing.TB, req request) (*http.Response, []byte) {
	tb.Helper()
	var body io.Reader
	if req.body != "" {
		body = strings.NewReader(req.body)
		if req.chunked {
			body = io.MultiReader(body) // hides the length from the client
		}
	}
	hr, err := http.NewRequest(req.method, e.srv.URL+req.path, body)
	if err != nil {
		tb.Fatal(err)
	}
	if req.body != "" {
		hr.Header.Set("Content-Type", "application/json")
	}
	if req.login != "" {
		hr.Header.Set("Authorization", "Bearer "+e.token(tb, req.login))
	}
	for k, v := range req.header {
		hr.Header.Set(k, v)
	}
	resp, err := e.srv.Client().Do(hr)
	if err != nil {
		tb.Fatal(err)
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	if err != nil {
		tb.Fatal(err)
	}
	for k, want := range map[string]string{"Cache-Control": "no-store", "X-Content-Type-Options": "nosniff"} {
		if got := resp.Header.Get(k); got != want {
			tb.Errorf("%s %s: %s = %q, want %q", req.method, req.path, k, got, want)
		}
	}
	return resp, b
}

// decode parses a JSON answer of the given status into v.
func decode(tb testing.TB, resp *http.Response, body []byte, status int, v any) {
	tb.Helper()
	if resp.StatusCode != status {
		tb.Fatalf("status %d, want %d; body %s", resp.StatusCode, status, body)
	}
	if ct := resp.Header.Get("Content-Type"); ct != "application/json" {
		tb.Fatalf("Content-Type %q, want application/json", ct)
	}
	if err := json.Unmarshal(body, v); err != nil {
		tb.Fatalf("answer is not JSON: %v\n%s", err, body)
	}
}

// decodeProblem parses and checks an RFC 9457 answer.
func decodeProblem(tb testing.TB, resp *http.Response, body []byte) problem {
	tb.Helper()
	if ct := resp.Header.Get("Content-Type"); ct != "application/problem+json" {
		tb.Fatalf("Content-Type %q, want application/problem+json; body %s", ct, body)
	}
	var p problem
	dec := json.NewDecoder(bytes.NewReader(body))
	dec.DisallowUnknownFields()
	if err := dec.Decode(&p); err != nil {
		tb.Fatalf("problem is not JSON: %v\n%s", err, body)
	}
	if p.Status != resp.StatusCode || p.Type != problemTypeBase+p.Code || p.Title == "" || p.Detail == "" || p.Errors == nil {
		tb.Errorf("malformed problem for status %d: %+v", resp.StatusCode, p)
	}
	return p
}

func fieldNames(fs []vigil.FieldError) []string {
	var out []string
	for _, f := range fs {
		out = append(out, f.Field)
	}
	return out
}

// concernBody is a valid concern, as a client would send it.
func concernBody(receivedAt time.Time) string {
	return `{
		"child": {"name": "Robin Testcase", "date_of_birth": "2012-03-27", "address": "1 Api Street, Kettleford"},
		"what_happened": "Seen getting into a taxi at the school gates with an older man.",
		"others_involved": "A man called Dev, grey car.",
		"received_at": "` + receivedAt.Format(time.RFC3339) + `"
	}`
}

// TestConcernJourney raises a concern through the API and follows it: the
// case is owned by the duty manager, readable by the raiser, in the duty
// manager's list, and hidden from an unrelated police analyst.
func TestConcernJourney(t *testing.T) {
	e := newEnv(t)
	received := time.Now().Add(-2 * time.Hour).Truncate(time.Second).UTC()

	resp, body := e.do(t, request{method: "POST", path: "/api/v1/concerns", login: "school.dsl", body: concernBody(received)})
	var created struct {
		Concern vigil.Concern `json:"concern"`
		Case    vigil.Case    `json:"case"`
	}
	decode(t, resp, body, http.StatusCreated, &created)
	cs := created.Case
	if loc := resp.Header.Get("Location"); loc != "/api/v1/cases/"+string(cs.ID) {
		t.Errorf("Location = %q, want /api/v1/cases/%s", loc, cs.ID)
	}
	duty := e.user(t, "duty.manager")
	if cs.OwnerID != duty.ID || cs.Status != vigil.CaseOpen || !cs.ID.Valid() {
		t.Errorf("case %s owner %s status %s, want open and owned by the duty manager %s", cs.ID, cs.OwnerID, cs.Status, duty.ID)
	}
	c := created.Concern
	if c.CaseID != cs.ID || c.RaisedBy != e.user(t, "school.dsl").ID || c.Source != vigil.SourceProfessional || !c.ReceivedAt.Equal(received) {
		t.Errorf("concern = %+v; want case %s, raised by school.dsl at %v", c, cs.ID, received)
	}

	t.Run("the raiser reads the case", func(t *testing.T) {
		resp, body := e.do(t, request{method: "GET", path: "/api/v1/cases/" + string(cs.ID), login: "school.dsl"})
		var d vigil.CaseDetail
		decode(t, resp, body, http.StatusOK, &d)
		if d.ID != cs.ID || d.Owner == nil || d.Owner.ID != duty.ID || d.Team == nil || !d.Team.Intake {
			t.Errorf("case detail %+v", d.Case)
		}
		if len(d.Concerns) != 1 || d.Concerns[0].WhatHappened != c.WhatHappened || d.Concerns[0].OthersInvolved != "A man called Dev, grey car." {
			t.Errorf("concerns = %+v", d.Concerns)
		}
		// The events share their transaction's time, so their order is not
		// asserted; and the store may add events of its own (as it added
		// deadline.started with the statutory clocks), so only the ones a
		// new case must have are.
		var kinds []string
		for _, ev := range d.Events {
			kinds = append(kinds, ev.Kind)
		}
		for _, want := range []string{vigil.EventConcernReceived, vigil.EventCaseAssigned, "deadline.started"} {
			if !slices.Contains(kinds, want) {
				t.Errorf("chronology %v has no %s event", kinds, want)
			}
		}
		if len(d.Deadlines) != 1 || d.Deadlines[0].Kind != "decision" || d.Deadlines[0].Status != vigil.DeadlineOpen {
			t.Errorf("deadlines = %+v, want the open decision on the referral", d.Deadlines)
		}
	})

	// The list tests are a table: each query, and whether the new case is in its answer.
	for _, tc := range []struct {
		name, login, query string
		wantCase           bool
	}{
		{name: "owner=me as the duty manager", login: "duty.manager", query: "?owner=me", wantCase: true},
		{name: "owner=me&status=open", login: "duty.manager", query: "?owner=me&status=open", wantCase: true},
		{name: "owner=me&status=closed", login: "duty.manager", query: "?owner=me&status=closed"},
		{name: "owner by id", login: "duty.manager", query: "?owner=" + string(duty.ID), wantCase: true},
		{name: "no filter", login: "duty.manager", wantCase: true},
		{name: "owner=me as someone else", login: "social.worker", query: "?owner=me"},
		{name: "police analyst sees nothing of it", login: "police.analyst"},
	} {
		t.Run("list "+tc.name, func(t *testing.T) {
			resp, body := e.do(t, request{method: "GET", path: "/api/v1/cases" + tc.query, login: tc.login})
			var list struct {
				Cases []*vigil.Case `json:"cases"`
			}
			decode(t, resp, body, http.StatusOK, &list)
			if list.Cases == nil {
				t.Fatalf("cases is null, want an array: %s", body)
			}
			found := false
			for _, x := range list.Cases {
				found = found || x.ID == cs.ID
			}
			if found != tc.wantCase {
				t.Errorf("new case in list = %v, want %v (%d cases)", found, tc.wantCase, len(list.Cases))
			}
		})
	}

	t.Run("logs hold ids, never tokens or case content", func(t *testing.T) {
		logs := e.logs.String()
		for _, secret := range []string{e.token(t, "school.dsl"), e.token(t, "duty.manager"), "Robin", "taxi", "Api Street", "Dev"} {
			if strings.Contains(logs, secret) {
				t.Errorf("logs contain %q:\n%s", secret, logs)
			}
		}
		if !strings.Contains(logs, `"case_id":"`+string(cs.ID)+`"`) {
			t.Errorf("logs do not record the new case's id:\n%s", logs)
		}
	})
}

// TestErrors checks every refusal: its status, problem code, field errors
// and headers.
func TestErrors(t *testing.T) {
	e := newEnv(t)
	ctx := context.Background()
	age := 13
	_, schoolCase, err := e.store.RaiseConcern(ctx, vigil.UserActor(e.user(t, "school.dsl")), vigil.NewConcern{
		Child: vigil.Child{Name: "Sam Hidden", Age: &age}, WhatHappened: "Disclosed being sent messages by an adult."})
	if err != nil {
		t.Fatal(err)
	}
	big := `{"what_happened": "` + strings.Repeat("a", 2<<20) + `"}`
	valid := concernBody(time.Now().Add(-time.Hour))
	for _, tc := range []struct {
		name       string
		req        request
		wantStatus int
		wantCode   string
		wantFields []string
		wantHeader map[string]string
		wantDetail string // a part of the detail
	}{
		{
			name:       "no token",
			req:        request{method: "GET", path: "/api/v1/cases"},
			wantStatus: 401, wantCode: vigil.EUNAUTHORIZED,
			wantHeader: map[string]string{"WWW-Authenticate": `Bearer realm="vigil"`},
		},
		{
			name:       "unknown token",
			req:        request{method: "GET", path: "/api/v1/cases", header: map[string]string{"Authorization": "Bearer vgl_notarealtoken"}},
			wantStatus: 401, wantCode: vigil.EUNAUTHORIZED,
			wantHeader: map[string]string{"WWW-Authenticate": `Bearer realm="vigil", error="invalid_token"`},
		},
		{
			name:       "basic credentials",
			req:        request{method: "GET", path: "/api/v1/cases", header: map[string]string{"Authorization": "Basic dXNlcjpwYXNz"}},
			wantStatus: 401, wantCode: vigil.EUNAUTHORIZED,
			wantHeader: map[string]string{"WWW-Authenticate": `Bearer realm="vigil", error="invalid_token"`},
		},
		{
			name:       "token with a space in it",
			req:        request{method: "GET", path: "/api/v1/cases", header: map[string]string{"Authorization": "Bearer abc def"}},
			wantStatus: 401, wantCode: vigil.EUNAUTHORIZED,
		},
		{
			name:       "no token on a POST, before the body is read",
			req:        request{method: "POST", path: "/api/v1/concerns", body: valid},
			wantStatus: 401, wantCode: vigil.EUNAUTHORIZED,
		},
		{
			name:       "case the user may not see",
			req:        request{method: "GET", path: "/api/v1/cases/" + string(schoolCase.ID), login: "police.analyst"},
			wantStatus: 404, wantCode: vigil.ENOTFOUND,
		},
		{
			name:       "case that does not exist",
			req:        request{method: "GET", path: "/api/v1/cases/" + string(vigil.NewID()), login: "duty.manager"},
			wantStatus: 404, wantCode: vigil.ENOTFOUND,
		},
		{
			name:       "malformed case id",
			req:        request{method: "GET", path: "/api/v1/cases/not-an-id", login: "duty.manager"},
			wantStatus: 404, wantCode: vigil.ENOTFOUND,
		},
		{
			name:       "unknown address",
			req:        request{method: "GET", path: "/api/v1/nothing-here", login: "duty.manager"},
			wantStatus: 404, wantCode: vigil.ENOTFOUND,
		},
		{
			name:       "unknown version",
			req:        request{method: "GET", path: "/api/v2/cases"},
			wantStatus: 404, wantCode: vigil.ENOTFOUND,
		},
		{
			name:       "wrong method",
			req:        request{method: "DELETE", path: "/api/v1/cases/" + string(schoolCase.ID), login: "duty.manager"},
			wantStatus: 405, wantCode: vigil.EMETHOD,
			wantHeader: map[string]string{"Allow": "GET, HEAD"},
		},
		{
			name:       "GET on the concerns address",
			req:        request{method: "GET", path: "/api/v1/concerns", login: "duty.manager"},
			wantStatus: 405, wantCode: vigil.EMETHOD,
			wantHeader: map[string]string{"Allow": "POST"},
		},
		{
			name:       "missing what happened and child's name",
			req:        request{method: "POST", path: "/api/v1/concerns", login: "school.dsl", body: `{"child": {"age": 12}}`},
			wantStatus: 422, wantCode: vigil.EINVALID,
			wantFields: []string{"child.name", "what_happened"},
		},
		{
			name:       "empty object",
			req:        request{method: "POST", path: "/api/v1/concerns", login: "school.dsl", body: `{}`},
			wantStatus: 422, wantCode: vigil.EINVALID,
			wantFields: []string{"child.name", "what_happened", "child.date_of_birth"},
		},
		{
			name: "received_at not RFC 3339, reported with the other problems",
			req: request{method: "POST", path: "/api/v1/concerns", login: "school.dsl",
				body: `{"child": {"name": "A Child", "age": 20}, "what_happened": "x", "received_at": "yesterday"}`},
			wantStatus: 422, wantCode: vigil.EINVALID,
			wantFields: []string{"received_at", "child.age"},
		},
		{
			name: "received_at in the future",
			req: request{method: "POST", path: "/api/v1/concerns", login: "school.dsl",
				body: `{"child": {"name": "A Child", "age": 12}, "what_happened": "x", "received_at": "` + time.Now().Add(48*time.Hour).Format(time.RFC3339) + `"}`},
			wantStatus: 422, wantCode: vigil.EINVALID,
			wantFields: []string{"received_at"},
		},
		{
			name:       "read-only role raising a concern",
			req:        request{method: "POST", path: "/api/v1/concerns", login: "investigator", body: valid},
			wantStatus: 403, wantCode: vigil.EFORBIDDEN,
		},
		{
			name: "unknown field",
			req: request{method: "POST", path: "/api/v1/concerns", login: "school.dsl",
				body: `{"child": {"name": "A Child", "age": 12, "nmae": "x"}, "what_happened": "x"}`},
			wantStatus: 400, wantCode: vigil.EINVALID,
			wantFields: []string{"child.nmae"}, wantDetail: "Unknown field child.nmae",
		},
		{
			name: "field name in the wrong case",
			req: request{method: "POST", path: "/api/v1/concerns", login: "school.dsl",
				body: `{"child": {"name": "A Child", "age": 12}, "What_Happened": "x"}`},
			wantStatus: 400, wantCode: vigil.EINVALID,
			wantFields: []string{"What_Happened"}, wantDetail: "did you mean what_happened?",
		},
		{
			name: "repeated field",
			req: request{method: "POST", path: "/api/v1/concerns", login: "school.dsl",
				body: `{"child": {"name": "A Child", "age": 12}, "what_happened": "x", "what_happened": "y"}`},
			wantStatus: 400, wantCode: vigil.EINVALID,
			wantFields: []string{"what_happened"},
		},
		{
			name: "age given as text",
			req: request{method: "POST", path: "/api/v1/concerns", login: "school.dsl",
				body: `{"child": {"name": "A Child", "age": "twelve"}, "what_happened": "x"}`},
			wantStatus: 400, wantCode: vigil.EINVALID,
			wantFields: []string{"child.age"}, wantDetail: "child.age must be a whole number",
		},
		{
			name: "child given as text",
			req: request{method: "POST", path: "/api/v1/concerns", login: "school.dsl",
				body: `{"child": "A Child", "what_happened": "x"}`},
			wantStatus: 400, wantCode: vigil.EINVALID,
			wantFields: []string{"child"},
		},
		{
			name:       "trailing data",
			req:        request{method: "POST", path: "/api/v1/concerns", login: "school.dsl", body: `{"what_happened": "x"} {"what_happened": "y"}`},
			wantStatus: 400, wantCode: vigil.EINVALID,
			wantDetail: "more data after the JSON object, from line 1, column 24",
		},
		{
			name:       "malformed JSON",
			req:        request{method: "POST", path: "/api/v1/concerns", login: "school.dsl", body: "{\n  \"what_happened\": 'x'\n}"},
			wantStatus: 400, wantCode: vigil.EINVALID,
			wantDetail: "line 2, column 20",
		},
		{
			name:       "truncated JSON",
			req:        request{method: "POST", path: "/api/v1/concerns", login: "school.dsl", body: `{"what_happened": "x"`},
			wantStatus: 400, wantCode: vigil.EINVALID,
			wantDetail: "ends before",
		},
		{
			name:       "array instead of object",
			req:        request{method: "POST", path: "/api/v1/concerns", login: "school.dsl", body: `[{"what_happened": "x"}]`},
			wantStatus: 400, wantCode: vigil.EINVALID,
			wantDetail: "must be a JSON object",
		},
		{
			name:       "empty body",
			req:        request{method: "POST", path: "/api/v1/concerns", login: "school.dsl", header: map[string]string{"Content-Type": "application/json"}},
			wantStatus: 400, wantCode: vigil.EINVALID,
		},
		{
			name:       "2 MiB body",
			req:        request{method: "POST", path: "/api/v1/concerns", login: "school.dsl", body: big},
			wantStatus: 413, wantCode: vigil.ETOOLARGE,
		},
		{
			name:       "2 MiB body without a length",
			req:        request{method: "POST", path: "/api/v1/concerns", login: "school.dsl", body: big, chunked: true},
			wantStatus: 413, wantCode: vigil.ETOOLARGE,
		},
		{
			name: "text/plain",
			req: request{method: "POST", path: "/api/v1/concerns", login: "school.dsl", body: valid,
				header: map[string]string{"Content-Type": "text/plain"}},
			wantStatus: 415, wantCode: vigil.EMEDIATYPE,
		},
		{
			name: "JSON in another charset",
			req: request{method: "POST", path: "/api/v1/concerns", login: "school.dsl", body: valid,
				header: map[string]string{"Content-Type": "application/json; charset=latin1"}},
			wantStatus: 415, wantCode: vigil.EMEDIATYPE,
		},
		{
			name: "compressed body",
			req: request{method: "POST", path: "/api/v1/concerns", login: "school.dsl", body: valid,
				header: map[string]string{"Content-Encoding": "gzip"}},
			wantStatus: 415, wantCode: vigil.EMEDIATYPE,
		},
		{
			name:       "owner neither me nor an id",
			req:        request{method: "GET", path: "/api/v1/cases?owner=duty.manager", login: "duty.manager"},
			wantStatus: 400, wantCode: vigil.EINVALID,
			wantFields: []string{"owner"}, wantDetail: `owner must be "me" or a person's id`,
		},
		{
			name:       "empty owner",
			req:        request{method: "GET", path: "/api/v1/cases?owner=", login: "duty.manager"},
			wantStatus: 400, wantCode: vigil.EINVALID,
			wantFields: []string{"owner"},
		},
		{
			name:       "unknown status",
			req:        request{method: "GET", path: "/api/v1/cases?owner=me&status=pending", login: "duty.manager"},
			wantStatus: 400, wantCode: vigil.EINVALID,
			wantFields: []string{"status"},
		},
		{
			name:       "unknown query parameters",
			req:        request{method: "GET", path: "/api/v1/cases?ownr=me&limt=5", login: "duty.manager"},
			wantStatus: 400, wantCode: vigil.EINVALID,
			wantFields: []string{"limt", "ownr"},
		},
		{
			name:       "repeated query parameter",
			req:        request{method: "GET", path: "/api/v1/cases?owner=me&owner=" + string(vigil.NewID()), login: "duty.manager"},
			wantStatus: 400, wantCode: vigil.EINVALID,
			wantFields: []string{"owner"},
		},
		{
			name:       "query on a route that takes none",
			req:        request{method: "GET", path: "/api/v1/cases/" + string(schoolCase.ID) + "?fields=all", login: "school.dsl"},
			wantStatus: 400, wantCode: vigil.EINVALID,
			wantFields: []string{"fields"},
		},
	} {
		t.Run(tc.name, func(t *testing.T) {
			resp, body := e.do(t, tc.req)
			if resp.StatusCode != tc.wantStatus {
				t.Fatalf("status %d, want %d; body %s", resp.StatusCode, tc.wantStatus, body)
			}
			p := decodeProblem(t, resp, body)
			if p.Code != tc.wantCode {
				t.Errorf("code %q, want %q", p.Code, tc.wantCode)
			}
			if diff := cmp.Diff(tc.wantFields, fieldNames(p.Errors)); diff != "" {
				t.Errorf("field errors (-want +got):\n%s\nproblem: %+v", diff, p)
			}
			if !strings.Contains(p.Detail, tc.wantDetail) {
				t.Errorf("detail %q does not say %q", p.Detail, tc.wantDetail)
			}
			for k, want := range tc.wantHeader {
				if got := resp.Header.Get(k); got != want {
					t.Errorf("%s = %q, want %q", k, got, want)
				}
			}
		})
	}
	if logs := e.logs.String(); strings.Contains(logs, "Sam Hidden") || strings.Contains(logs, "vgl_notarealtoken") {
		t.Errorf("logs contain case content or a token:\n%s", logs)
	}
}

// TestRefusedAtOnce checks that a token is resolved on every request: a
// person suspended, or a token revoked, is refused at the very next one.
func TestRefusedAtOnce(t *testing.T) {
	e := newEnv(t)
	ctx := context.Background()
	// The directory has no operations to suspend people or revoke tokens
	// yet, so the test changes the rows as those operations will.
	w := e.store.DB().Writer
	for _, tc := range []struct {
		name, login, stmt string
	}{
		{name: "suspended person", login: "social.worker", stmt: `UPDATE users SET status = 'suspended' WHERE id = ?`},
		{name: "person who has left", login: "team.manager", stmt: `UPDATE users SET status = 'left' WHERE id = ?`},
		{name: "revoked token", login: "duty.manager", stmt: `UPDATE api_tokens SET revoked_at = 1 WHERE user_id = ?`},
	} {
		t.Run(tc.name, func(t *testing.T) {
			req := request{method: "GET", path: "/api/v1/cases?owner=me", login: tc.login}
			if resp, body := e.do(t, req); resp.StatusCode != http.StatusOK {
				t.Fatalf("before: status %d, want 200; body %s", resp.StatusCode, body)
			}
			if _, err := w.ExecContext(ctx, tc.stmt, e.user(t, tc.login).ID); err != nil {
				t.Fatal(err)
			}
			resp, body := e.do(t, req)
			if resp.StatusCode != http.StatusUnauthorized {
				t.Fatalf("after: status %d, want 401; body %s", resp.StatusCode, body)
			}
			decodeProblem(t, resp, body)
		})
	}
}
