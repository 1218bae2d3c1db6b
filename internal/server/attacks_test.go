package server_test

import (
	"context"
	"encoding/json"
	"net/http"
	"net/url"
	"strings"
	"testing"

	"github.com/vigil-project/vigil"
)

// TestAttacksRefusedAndLogged is issue 5's "bad input and attack": each
// attack is made against the assembled node, through its pages and its
// API, and each is refused with the right status and leaves a trace: a
// line in the server's log, and, where a case is concerned, a refusal in
// the verifiable log.
func TestAttacksRefusedAndLogged(t *testing.T) {
	f := newFixture(t)
	cs := f.shared.cs

	t.Run("guessed case ids", func(t *testing.T) {
		// A well-formed id nobody has, and a real case outside the
		// officer's reach, get the same answer: no way to tell them apart.
		before := f.refusals(cs.ID)
		for _, id := range []string{string(vigil.NewID()), string(cs.ID)} {
			if got := outcomeOf(f.do(http.MethodGet, "police.officer", "/cases/"+id, nil, "")); got != http.StatusNotFound {
				t.Errorf("page of case %s: %s, want 404", id, got)
			}
			if got := outcomeOf(f.do(http.MethodGet, "police.officer", "/api/v1/cases/"+id, nil, "")); got != http.StatusNotFound {
				t.Errorf("API case %s: %s, want 404", id, got)
			}
		}
		police := string(f.user("police.officer").ID)
		if n := f.logged("request refused", map[string]any{"status": 404.0, "user_id": police, "pattern": "GET /cases/{id}"}); n != 2 {
			t.Errorf("%d refused pages logged, want 2", n)
		}
		if n := f.logged("api request refused", map[string]any{"status": 404.0, "user_id": police, "route": "GET /api/v1/cases/{id}"}); n != 2 {
			t.Errorf("%d refused API requests logged, want 2", n)
		}
		if got := f.refusals(cs.ID) - before; got != 2 {
			t.Errorf("%d refusals of the real case in the verifiable log, want 2", got)
		}
	})

	t.Run("revoked token replayed", func(t *testing.T) {
		worker := f.town.Login("social.worker")
		if got := outcomeOf(f.do(http.MethodGet, "social.worker", "/api/v1/cases?owner=me", nil, "")); got != allowed {
			t.Fatalf("before revocation: %s", got)
		}
		// The administrator revokes every token of the social worker's, through the page.
		resp := f.do(http.MethodPost, "admin", "/admin/people/"+string(worker.User.ID)+"/tokens", url.Values{"tokens-reason": {"Phone stolen"}}, "")
		if resp.StatusCode != http.StatusSeeOther {
			t.Fatalf("revoking the social worker's tokens: %d", resp.StatusCode)
		}
		resp = f.do(http.MethodGet, "social.worker", "/api/v1/cases?owner=me", nil, "")
		if resp.StatusCode != http.StatusUnauthorized || !strings.Contains(resp.Header.Get("WWW-Authenticate"), `error="invalid_token"`) {
			t.Errorf("replayed token: %d %q, want 401 invalid_token", resp.StatusCode, resp.Header.Get("WWW-Authenticate"))
		}
		if n := f.logged("revoked API token refused", map[string]any{"user_id": string(worker.User.ID)}); n != 1 {
			t.Errorf("%d replays logged by the store, want 1", n)
		}
		if n := f.logged("api request refused", map[string]any{"status": 401.0, "route": "GET /api/v1/cases"}); n < 1 {
			t.Error("the refused request is not logged")
		}
		if strings.Contains(f.logs.String(), worker.APIToken) {
			t.Error("the log holds the token")
		}
	})

	t.Run("cross-site form post", func(t *testing.T) {
		fresh := f.newCase(0)
		for _, h := range []map[string]string{
			{"Sec-Fetch-Site": "cross-site", "Origin": "https://evil.example"},
			{"Origin": "https://evil.example"}, // an older browser, without Sec-Fetch-Site
		} {
			req, _ := http.NewRequest(http.MethodPost, f.srv.URL+"/cases/"+string(fresh.ID)+"/decisions",
				strings.NewReader(url.Values{"decision": {"referral:section47"}, "reason": {"Risk"}}.Encode()))
			req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
			for k, v := range h {
				req.Header.Set(k, v)
			}
			resp, err := f.web["duty.manager"].Do(req)
			if err != nil {
				t.Fatal(err)
			}
			resp.Body.Close()
			if resp.StatusCode != http.StatusForbidden {
				t.Errorf("decision posted from another site (%v): %d, want 403", h, resp.StatusCode)
			}
		}
		d, err := f.store.FindCase(context.Background(), f.actor("investigator"), fresh.ID, "route test")
		if err != nil {
			t.Fatal(err)
		}
		if len(d.Decisions) != 0 {
			t.Errorf("a cross-site post recorded %d decisions", len(d.Decisions))
		}
		if n := f.logged("cross-origin request refused", map[string]any{"method": "POST"}); n != 2 {
			t.Errorf("%d cross-site posts logged, want 2", n)
		}
	})

	t.Run("suspended user's open session", func(t *testing.T) {
		sw := f.user("social.worker2")
		if got := outcomeOf(f.do(http.MethodGet, "social.worker2", "/work", nil, "")); got != allowed {
			t.Fatalf("before suspension: %s", got)
		}
		resp := f.do(http.MethodPost, "admin", "/admin/people/"+string(sw.ID)+"/status",
			url.Values{"status": {"suspended"}, "status-reason": {"Pending investigation"}}, "")
		if resp.StatusCode != http.StatusSeeOther {
			t.Fatalf("suspending: %d", resp.StatusCode)
		}
		before := f.logged("session refused", nil)
		if got := outcomeOf(f.do(http.MethodGet, "social.worker2", "/work", nil, "")); got != toSignIn {
			t.Errorf("the suspended worker's next page: %s, want sent to sign in", got)
		}
		f.web["social.worker2"] = f.spare["social.worker2"] // the first browser's cookie was cleared: try the other
		if got := outcomeOf(f.do(http.MethodPost, "social.worker2", "/concerns", url.Values{"child-name": {"X"}, "child-age": {"9"}, "what-happened": {"x"}}, "")); got != http.StatusUnauthorized {
			t.Errorf("the suspended worker's form: %s, want 401", got)
		}
		if got := outcomeOf(f.do(http.MethodGet, "social.worker2", "/api/v1/cases?owner=me", nil, "")); got != http.StatusUnauthorized {
			t.Errorf("the suspended worker's API token: %s, want 401", got)
		}
		if n := f.logged("session refused", nil) - before; n != 2 {
			t.Errorf("%d refused sessions logged, want 2", n)
		}
		if n := f.logged("request refused", map[string]any{"status": 401.0, "pattern": "POST /concerns"}); n != 1 {
			t.Errorf("%d refused forms logged, want 1", n)
		}
		// Suspension revokes the worker's tokens, so the store logs a revoked token.
		if n := f.logged("revoked API token refused", map[string]any{"user_id": string(sw.ID)}); n != 1 {
			t.Errorf("%d refused API tokens of the suspended worker logged, want 1", n)
		}
		if f.ledgerKinds(sw.ID)["session.ended"] == 0 {
			t.Error("the end of the worker's sessions is not in the verifiable log")
		}
	})

	t.Run("conflicted user's direct address", func(t *testing.T) {
		director := f.user("director")
		if _, err := f.store.DeclareConflict(context.Background(), f.actor("admin"), vigil.NewConflict{UserID: director.ID,
			Kind: vigil.ConflictCase, Value: string(cs.ID), Reason: "The director's niece"}); err != nil {
			t.Fatal(err)
		}
		before := f.refusals(cs.ID)
		if got := outcomeOf(f.do(http.MethodGet, "director", "/cases/"+string(cs.ID), nil, "")); got != http.StatusForbidden {
			t.Errorf("the conflicted director's page: %s, want 403", got)
		}
		if got := outcomeOf(f.do(http.MethodGet, "director", "/api/v1/cases/"+string(cs.ID), nil, "")); got != http.StatusForbidden {
			t.Errorf("the conflicted director's API request: %s, want 403", got)
		}
		if got := outcomeOf(f.do(http.MethodPost, "director", "/cases/"+string(cs.ID)+"/decisions",
			url.Values{"decision": {"referral:section47"}, "reason": {"Risk"}}, "")); got != http.StatusForbidden {
			t.Errorf("the conflicted director's decision: %s, want 403", got)
		}
		if got := f.refusals(cs.ID) - before; got != 3 {
			t.Errorf("%d conflict refusals in the verifiable log, want 3", got)
		}
		if n := f.logged("request refused", map[string]any{"status": 403.0, "user_id": string(director.ID)}); n != 2 {
			t.Errorf("%d refused pages of the director logged, want 2", n)
		}
	})
}

// logged counts the server's log lines with message msg whose attributes
// include want.
func (f *fixture) logged(msg string, want map[string]any) int {
	n := 0
	for _, line := range strings.Split(f.logs.String(), "\n") {
		var rec map[string]any
		if json.Unmarshal([]byte(line), &rec) != nil || rec["msg"] != msg {
			continue
		}
		match := true
		for k, v := range want {
			match = match && rec[k] == v
		}
		if match {
			n++
		}
	}
	return n
}

// refusals counts the refusals to open case id in the verifiable log.
// (Their reasons are committed to, not written in the entries.)
func (f *fixture) refusals(id vigil.ID) int { return f.ledgerKinds(id)["case.access_refused"] }

// ledgerKinds counts the verifiable log's entries about object id by kind.
func (f *fixture) ledgerKinds(id vigil.ID) map[string]int {
	out := map[string]int{}
	for _, e := range f.ledgerEntries(id) {
		if k, ok := e["kind"].(string); ok {
			out[k]++
		}
	}
	return out
}

func (f *fixture) ledgerEntries(id vigil.ID) []map[string]any {
	f.t.Helper()
	db := f.store.DB()
	rows, err := db.Reader.Query(db.Rebind(`SELECT data FROM log_entries WHERE object_id = ?`), id)
	if err != nil {
		f.t.Fatal(err)
	}
	defer rows.Close()
	var out []map[string]any
	for rows.Next() {
		var data []byte
		if err := rows.Scan(&data); err != nil {
			f.t.Fatal(err)
		}
		var e map[string]any
		if err := json.Unmarshal(data, &e); err != nil {
			f.t.Fatalf("log entry %s: %v", data, err)
		}
		out = append(out, e)
	}
	if err := rows.Err(); err != nil {
		f.t.Fatal(err)
	}
	return out
}
