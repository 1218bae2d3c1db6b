package api

import (
	"context"
	"net/http"
	"testing"
	"time"

	"github.com/vigil-project/vigil"
)

// TestConflictsAPI: a manager records, through the API, a conflict of a
// social worker's that was never declared; the social worker declares one
// of their own; the list shows both, to them and to the investigator and
// to nobody else; the case timeline then carries the conflict, and its
// JSON names the social worker's entries made before it.
func TestConflictsAPI(t *testing.T) {
	e := newEnv(t)
	resp, body := e.do(t, request{method: "POST", path: "/api/v1/concerns", login: "school.dsl", body: concernBody(time.Now().Add(-time.Hour))})
	var created concernResponse
	decode(t, resp, body, http.StatusCreated, &created)
	caseID := created.Case.ID
	sw := e.user(t, "social.worker2")
	if resp, _ := e.do(t, request{method: "GET", path: "/api/v1/cases/" + string(caseID), login: "social.worker2"}); resp.StatusCode != http.StatusOK {
		t.Fatalf("social.worker2 reads the case: %d", resp.StatusCode)
	}
	path := "/api/v1/people/" + string(sw.ID) + "/conflicts"
	var c vigil.Conflict
	resp, body = e.do(t, request{method: "POST", path: path, login: "duty.manager",
		body: `{"kind": "case", "value": "` + string(caseID) + `", "reason": "Found by the inquiry: a relative"}`})
	decode(t, resp, body, http.StatusCreated, &c)
	if c.UserID != sw.ID || c.SelfDeclared || c.RecordedBy != e.user(t, "duty.manager").ID {
		t.Errorf("recorded conflict: %+v", c)
	}
	resp, body = e.do(t, request{method: "POST", path: path, login: "social.worker2",
		body: `{"kind": "address", "value": "3 Quarry Row, Nowhere", "reason": "My home"}`})
	decode(t, resp, body, http.StatusCreated, &c)
	if !c.SelfDeclared {
		t.Error("a conflict declared by the person is not self-declared")
	}
	for _, tc := range []struct {
		login  string
		status int
	}{{"social.worker2", 200}, {"investigator", 200}, {"police.officer", 404}} {
		resp, body := e.do(t, request{method: "GET", path: path, login: tc.login})
		if resp.StatusCode != tc.status {
			t.Errorf("%s lists the conflicts: %d, want %d", tc.login, resp.StatusCode, tc.status)
			continue
		}
		if tc.status == 200 {
			var list conflictList
			decode(t, resp, body, 200, &list)
			if len(list.Conflicts) != 2 {
				t.Errorf("%s sees %d conflicts, want 2", tc.login, len(list.Conflicts))
			}
		}
	}
	for _, tc := range []struct{ name, login, body string }{
		{"someone of another agency", "police.officer", `{"kind": "person", "value": "Ann Other Person", "reason": "x"}`},
		{"a bad kind", "social.worker2", `{"kind": "car", "value": "AB12 CDE", "reason": "x"}`},
		{"an unknown field", "social.worker2", `{"kind": "person", "value": "Ann Other", "reason": "x", "extra": 1}`},
	} {
		resp, _ := e.do(t, request{method: "POST", path: path, login: tc.login, body: tc.body})
		if want := map[string]int{"someone of another agency": 403, "a bad kind": 422, "an unknown field": 400}[tc.name]; resp.StatusCode != want {
			t.Errorf("%s: status %d, want %d", tc.name, resp.StatusCode, want)
		}
	}
	if resp, _ := e.do(t, request{method: "GET", path: "/api/v1/cases/" + string(caseID), login: "social.worker2"}); resp.StatusCode != http.StatusForbidden {
		t.Errorf("social.worker2 reads the case after the conflict: %d", resp.StatusCode)
	}
	var tl vigil.Timeline
	resp, body = e.do(t, request{method: "GET", path: "/api/v1/cases/" + string(caseID) + "/timeline", login: "investigator"})
	decode(t, resp, body, http.StatusOK, &tl)
	if len(tl.Conflicts) != 1 || tl.Conflicts[0].UserID != sw.ID || tl.Conflicts[0].EarlierEntries < 1 {
		t.Errorf("timeline conflicts: %+v", tl.Conflicts)
	}
}

// TestConflictsAPIUnderIntervention: while the social worker's agency is
// under intervention, a manager's record of their conflict answers 202
// with the request waiting for a commissioner, and is not in force; their
// own declaration still answers 201.
func TestConflictsAPIUnderIntervention(t *testing.T) {
	e := newEnv(t)
	ctx := context.Background()
	council := e.town.Agencies[vigil.AgencyChildrensServices].ID
	if _, err := e.store.StartIntervention(ctx, vigil.UserActor(e.user(t, "commissioner")), council, "Direction"); err != nil {
		t.Fatal(err)
	}
	sw := e.user(t, "social.worker2")
	path := "/api/v1/people/" + string(sw.ID) + "/conflicts"
	var pending conflictPending
	resp, body := e.do(t, request{method: "POST", path: path, login: "duty.manager",
		body: `{"kind": "person", "value": "Gary Nephewson", "reason": "Found by the inquiry: a relative"}`})
	decode(t, resp, body, http.StatusAccepted, &pending)
	if r := pending.Request; r == nil || r.Status != vigil.AdminPending || r.Action != vigil.AdminRecordConflict || r.UserID != sw.ID {
		t.Errorf("pending request: %s", body)
	}
	var list conflictList
	resp, body = e.do(t, request{method: "GET", path: path, login: "social.worker2"})
	decode(t, resp, body, http.StatusOK, &list)
	if len(list.Conflicts) != 0 {
		t.Errorf("a request is in force before approval: %s", body)
	}
	var c vigil.Conflict
	resp, body = e.do(t, request{method: "POST", path: path, login: "social.worker2",
		body: `{"kind": "address", "value": "3 Quarry Row, Nowhere", "reason": "My home"}`})
	decode(t, resp, body, http.StatusCreated, &c)
	if !c.SelfDeclared {
		t.Errorf("own declaration: %s", body)
	}
}
