package server_test

import (
	"context"
	"encoding/json"
	"io"
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

	t.Run("conflicted investigator's direct addresses to timelines", func(t *testing.T) {
		// Two cases of one child (same name and date of birth); the
		// investigator declares a conflict with the first.
		var cases [2]*vigil.Case
		for i := range cases {
			_, c, err := f.store.RaiseConcern(f.ctx, f.actor("school.dsl"), vigil.NewConcern{
				Child: vigil.Child{Name: "Attack Timelinechild", DateOfBirth: "2011-09-14"}, WhatHappened: "Seen in cars with older men."})
			f.must(err)
			cases[i] = c
		}
		closed, sibling := cases[0], cases[1]
		inv := f.user("investigator")
		_, err := f.store.DeclareConflict(f.ctx, f.actor("investigator"), vigil.NewConflict{UserID: inv.ID, Kind: vigil.ConflictCase,
			Value: string(closed.ID), Reason: "My niece"})
		f.must(err)
		before := f.refusals(closed.ID)
		pagesBefore := f.logged("request refused", map[string]any{"status": 403.0, "user_id": string(inv.ID)})
		apiBefore := f.logged("api request refused", map[string]any{"status": 403.0, "user_id": string(inv.ID)})
		for _, path := range []string{"/cases/%s/timeline", "/cases/%s/child-timeline", "/api/v1/cases/%s/timeline", "/api/v1/cases/%s/child-timeline"} {
			p := strings.Replace(path, "%s", string(closed.ID), 1)
			if got := outcomeOf(f.do(http.MethodGet, "investigator", p, nil, "")); got != http.StatusForbidden {
				t.Errorf("%s: %s, want 403", p, got)
			}
		}
		if got := f.refusals(closed.ID) - before; got != 4 {
			t.Errorf("%d refusals of the closed case in the verifiable log, want 4", got)
		}
		if n := f.logged("request refused", map[string]any{"status": 403.0, "user_id": string(inv.ID)}) - pagesBefore; n != 2 {
			t.Errorf("%d refused timeline pages logged, want 2", n)
		}
		if n := f.logged("api request refused", map[string]any{"status": 403.0, "user_id": string(inv.ID)}) - apiBefore; n != 2 {
			t.Errorf("%d refused timeline API requests logged, want 2", n)
		}
		// The sibling case's child timeline leaves the closed case out, and
		// says so, and the refusal is logged each time.
		before = f.refusals(closed.ID)
		code, page := f.read(http.MethodGet, "investigator", "/cases/"+string(sibling.ID)+"/child-timeline")
		if code != http.StatusOK || strings.Contains(page, closed.Ref) || !strings.Contains(page, `id="withheld"`) {
			t.Errorf("child timeline of the sibling case: %d, shows the closed case %v", code, strings.Contains(page, closed.Ref))
		}
		code, body := f.read(http.MethodGet, "investigator", "/api/v1/cases/"+string(sibling.ID)+"/child-timeline")
		var tl vigil.ChildTimeline
		if err := json.Unmarshal([]byte(body), &tl); code != http.StatusOK || err != nil || tl.Withheld != 1 || len(tl.Cases) != 1 {
			t.Errorf("API child timeline of the sibling case: %d, withheld %d, %d cases", code, tl.Withheld, len(tl.Cases))
		}
		// The period timeline keeps the closed case's entries in place, by
		// kind only (the whole day asked for on one page).
		today := vigil.Now().In(vigil.London).Format("2006-01-02")
		code, body = f.read(http.MethodGet, "investigator", "/api/v1/timeline?from="+today+"&to="+today+"&limit=1000")
		var pt vigil.PeriodTimeline
		if err := json.Unmarshal([]byte(body), &pt); code != http.StatusOK || err != nil {
			t.Fatalf("period timeline: %d %v", code, err)
		}
		about := 0
		for _, e := range pt.Entries {
			if e.CaseID == closed.ID {
				about++
				if !e.Withheld || e.Purpose != "" {
					t.Errorf("period timeline shows entry %d about the closed case: %+v", e.Index, e)
				}
			}
		}
		if about == 0 {
			t.Error("the period timeline has no entry about the closed case: the test shows nothing")
		}
		if got := f.refusals(closed.ID) - before; got != 3 {
			t.Errorf("%d refusals logged by the child and period timelines, want 3", got)
		}
	})

	t.Run("conflict pages and API", func(t *testing.T) {
		director := f.user("director")
		// A guessed person id and a person outside one's reach get the same answer.
		for _, id := range []vigil.ID{vigil.NewID(), director.ID} {
			if got := outcomeOf(f.do(http.MethodGet, "police.officer", "/admin/people/"+string(id)+"/conflicts", nil, "")); got != http.StatusNotFound {
				t.Errorf("page of the conflicts of %s: %s, want 404", id, got)
			}
			if got := outcomeOf(f.do(http.MethodGet, "police.officer", "/api/v1/people/"+string(id)+"/conflicts", nil, "")); got != http.StatusNotFound {
				t.Errorf("API conflicts of %s: %s, want 404", id, got)
			}
		}
		police := string(f.user("police.officer").ID)
		if n := f.logged("request refused", map[string]any{"status": 404.0, "user_id": police, "pattern": "GET /admin/people/{id}/conflicts"}); n != 2 {
			t.Errorf("%d refused conflict pages logged, want 2", n)
		}
		if n := f.logged("api request refused", map[string]any{"status": 404.0, "user_id": police, "route": "GET /api/v1/people/{id}/conflicts"}); n != 2 {
			t.Errorf("%d refused conflict API reads logged, want 2", n)
		}
		// Recording a conflict for someone of another agency, to take a case from them.
		before, err := f.store.Conflicts(f.ctx, f.actor("investigator"), director.ID)
		f.must(err)
		if got := outcomeOf(f.do(http.MethodPost, "police.officer", "/admin/people/"+string(director.ID)+"/conflicts",
			url.Values{"conflict-kind": {"person"}, "conflict-value": {"Attack Nobodyname"}, "conflict-reason": {"x"}}, "")); got != http.StatusForbidden {
			t.Errorf("a police officer recording the director's conflict: %s, want 403", got)
		}
		if got := outcomeOf(f.do(http.MethodPost, "police.officer", "/api/v1/people/"+string(director.ID)+"/conflicts", nil,
			`{"kind": "person", "value": "Attack Nobodyname", "reason": "x"}`)); got != http.StatusForbidden {
			t.Errorf("the same through the API: %s, want 403", got)
		}
		if n := f.logged("api request refused", map[string]any{"status": 403.0, "user_id": police, "route": "POST /api/v1/people/{id}/conflicts"}); n != 1 {
			t.Errorf("%d refused conflict records logged, want 1", n)
		}
		// A cross-site post of a declaration, and a body that is not the conflict's JSON.
		req, _ := http.NewRequest(http.MethodPost, f.srv.URL+"/account/conflicts",
			strings.NewReader(url.Values{"conflict-kind": {"person"}, "conflict-value": {"Attack Crosssite Name"}, "conflict-reason": {"x"}}.Encode()))
		req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
		req.Header.Set("Sec-Fetch-Site", "cross-site")
		req.Header.Set("Origin", "https://evil.example")
		resp, err := f.web["director"].Do(req)
		f.must(err)
		resp.Body.Close()
		if resp.StatusCode != http.StatusForbidden {
			t.Errorf("a cross-site declaration: %d, want 403", resp.StatusCode)
		}
		for _, b := range []string{`{"kind": "person", "value": "Attack Nobodyname", "reason": "x", "user_id": "someone"}`, `[]`, `{"kind": "case"`} {
			if got := outcomeOf(f.do(http.MethodPost, "director", "/api/v1/people/"+string(director.ID)+"/conflicts", nil, b)); got != http.StatusBadRequest {
				t.Errorf("body %s: %s, want 400", b, got)
			}
		}
		after, err := f.store.Conflicts(f.ctx, f.actor("investigator"), director.ID)
		f.must(err)
		if len(after) != len(before) {
			t.Errorf("refused attempts recorded %d conflicts", len(after)-len(before))
		}
	})

	t.Run("conflicted analyst's hotspots", func(t *testing.T) {
		age := 13
		concern, cs, err := f.store.RaiseConcern(f.ctx, f.actor("school.dsl"), vigil.NewConcern{Child: vigil.Child{Name: "Attack Hotspotchild", Age: &age},
			WhatHappened: "Taken to a hotel by older men."})
		f.must(err)
		_, err = f.store.RecordMentions(f.ctx, f.actor("school.dsl"), concern.ID, []vigil.Mention{{Kind: vigil.MentionVenue,
			VenueName: "Attack Hotspot Hotel", VenueKind: "hotel", Postcode: "S65 9ZZ"}})
		f.must(err)
		if _, body := f.read(http.MethodGet, "police.analyst", "/api/v1/hotspots?limit=500"); !strings.Contains(body, "Attack Hotspot Hotel") {
			t.Fatal("before the conflict the hotel is not a hotspot: the test shows nothing")
		}
		analyst := f.user("police.analyst")
		_, err = f.store.DeclareConflict(f.ctx, f.actor("police.analyst"), vigil.NewConflict{UserID: analyst.ID, Kind: vigil.ConflictCase,
			Value: string(cs.ID), Reason: "My niece"})
		f.must(err)
		before := f.refusals(cs.ID)
		for _, path := range []string{"/hotspots", "/api/v1/hotspots?limit=500"} {
			code, body := f.read(http.MethodGet, "police.analyst", path)
			if code != http.StatusOK || strings.Contains(body, "Attack Hotspot Hotel") {
				t.Errorf("%s: %d, names the hotel of a closed case %v", path, code, strings.Contains(body, "Attack Hotspot Hotel"))
			}
		}
		if got := f.refusals(cs.ID) - before; got != 2 {
			t.Errorf("%d refusals of the closed case logged by hotspots, want 2", got)
		}
	})

	t.Run("a role narrowed by the agency's grants", func(t *testing.T) {
		t.Cleanup(func() { vigil.Permissions = vigil.NewPolicy(nil) })
		cs := f.newCase(0)
		if got := outcomeOf(f.do(http.MethodGet, "service.manager", "/cases/"+string(cs.ID), nil, "")); got != allowed {
			t.Fatalf("before the grants: %s", got)
		}
		g, err := vigil.ParseGrants([]byte(`{"agencies": {"` + string(f.agency(vigil.AgencyChildrensServices)) + `": {"service_manager": {"concern.raise": "all"}}}}`))
		f.must(err)
		f.must(f.store.UseGrants(f.ctx, g))
		before := f.refusals(cs.ID)
		if got := outcomeOf(f.do(http.MethodGet, "service.manager", "/cases/"+string(cs.ID), nil, "")); got != http.StatusNotFound {
			t.Errorf("the narrowed manager's direct address: %s, want 404", got)
		}
		if got := outcomeOf(f.do(http.MethodGet, "service.manager", "/api/v1/cases/"+string(cs.ID), nil, "")); got != http.StatusNotFound {
			t.Errorf("the narrowed manager's API request: %s, want 404", got)
		}
		if got := f.refusals(cs.ID) - before; got != 2 {
			t.Errorf("%d refusals logged under the narrowed grants, want 2", got)
		}
		if f.ledgerKinds(f.agency(vigil.AgencyChildrensServices))["grants.loaded"] == 0 {
			t.Error("the grants in force are not in the verifiable log")
		}
	})
}

// read answers p's request with its status and body: pages through p's
// browser, the API with p's token.
func (f *fixture) read(method, p, path string) (int, string) {
	f.t.Helper()
	req, err := http.NewRequest(method, f.srv.URL+path, nil)
	f.must(err)
	if strings.HasPrefix(path, "/api/") {
		req.Header.Set("Authorization", "Bearer "+f.town.Login(p).APIToken)
	}
	resp, err := f.web[p].Do(req)
	f.must(err)
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	f.must(err)
	return resp.StatusCode, string(b)
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
