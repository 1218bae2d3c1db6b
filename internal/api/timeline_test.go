package api

import (
	"net/http"
	"strconv"
	"testing"
	"time"

	"github.com/vigil-project/vigil"
	"github.com/vigil-project/vigil/internal/evidence"
)

// TestCaseTimeline reads a case through the API as its raiser, then asks
// for its timeline: the investigator gets every entry with a C2SP proof
// against the checkpoint, the raiser's read among them; people without the
// grant get 404, as for a case that does not exist.
func TestCaseTimeline(t *testing.T) {
	e := newEnv(t)
	resp, body := e.do(t, request{method: "POST", path: "/api/v1/concerns", login: "school.dsl", body: concernBody(time.Now().Add(-time.Hour))})
	var created concernResponse
	decode(t, resp, body, http.StatusCreated, &created)
	id := created.Case.ID
	resp, _ = e.do(t, request{method: "GET", path: "/api/v1/cases/" + string(id), login: "school.dsl"})
	if resp.StatusCode != http.StatusOK {
		t.Fatalf("the raiser reads the case: status %d", resp.StatusCode)
	}

	resp, body = e.do(t, request{method: "GET", path: "/api/v1/cases/" + string(id) + "/timeline", login: "investigator"})
	var tl vigil.Timeline
	decode(t, resp, body, http.StatusOK, &tl)
	if tl.CaseID != id || tl.CaseRef != created.Case.Ref || tl.Checkpoint == "" {
		t.Errorf("timeline of %s (%s) with checkpoint %q", tl.CaseID, tl.CaseRef, tl.Checkpoint)
	}
	dsl := e.user(t, "school.dsl").ID
	var raiserRead, own bool
	for _, en := range tl.Entries {
		raiserRead = raiserRead || en.Read && en.ActorID == dsl && en.Purpose == "api"
		own = en.Read && en.Purpose == "timeline" && en.ActorID == e.user(t, "investigator").ID
		p, err := evidence.ParseProof([]byte(en.Proof))
		if err != nil || int64(p.Index) != en.Index || string(p.Checkpoint) != tl.Checkpoint {
			t.Errorf("entry %d: proof %v (err %v)", en.Index, p, err)
		}
	}
	if !raiserRead {
		t.Error("the raiser's read through the API is not in the timeline")
	}
	if !own {
		t.Error("the timeline's own opening is not its last entry")
	}

	for _, who := range []string{"school.dsl", "social.worker", "admin"} {
		resp, body := e.do(t, request{method: "GET", path: "/api/v1/cases/" + string(id) + "/timeline", login: who})
		if resp.StatusCode != http.StatusNotFound {
			t.Errorf("%s: status %d, want 404", who, resp.StatusCode)
		} else if p := decodeProblem(t, resp, body); p.Code != "not_found" {
			t.Errorf("%s: code %q", who, p.Code)
		}
	}
	resp, _ = e.do(t, request{method: "GET", path: "/api/v1/cases/" + string(id) + "/timeline?x=1", login: "investigator"})
	if resp.StatusCode != http.StatusBadRequest {
		t.Errorf("unknown query parameter: status %d, want 400", resp.StatusCode)
	}

	// A page at a time: two entries, then the two after them.
	resp, body = e.do(t, request{method: "GET", path: "/api/v1/cases/" + string(id) + "/timeline?limit=2", login: "investigator"})
	var first vigil.Timeline
	decode(t, resp, body, http.StatusOK, &first)
	if len(first.Entries) != 2 || first.Paging.Skipped != 0 || first.Paging.Total <= 2 || first.Paging.Later <= first.Entries[1].Index {
		t.Fatalf("first page of 2: %d entries, paging %+v", len(first.Entries), first.Paging)
	}
	resp, body = e.do(t, request{method: "GET", path: "/api/v1/cases/" + string(id) + "/timeline?limit=2&start=" + strconv.FormatInt(first.Paging.Later, 10), login: "investigator"})
	var second vigil.Timeline
	decode(t, resp, body, http.StatusOK, &second)
	if len(second.Entries) == 0 || second.Entries[0].Index != first.Paging.Later || second.Paging.Skipped != 2 || second.Paging.Earlier != second.Entries[0].Index {
		t.Errorf("second page: %s", body)
	}
	for _, q := range []string{"?limit=0", "?limit=1001", "?start=-1", "?before=x", "?start=1&before=2"} {
		resp, _ = e.do(t, request{method: "GET", path: "/api/v1/cases/" + string(id) + "/timeline" + q, login: "investigator"})
		if resp.StatusCode != http.StatusBadRequest {
			t.Errorf("%s: status %d, want 400", q, resp.StatusCode)
		}
	}
	resp, _ = e.do(t, request{method: "GET", path: "/api/v1/timeline?limit=3&before=5", login: "investigator"})
	if resp.StatusCode != http.StatusOK {
		t.Errorf("a page of the period: status %d", resp.StatusCode)
	}
}

// TestPersonTimeline asks for a team manager's activity after they read a
// case through the API: the investigator gets their read with its proof;
// bad periods get 400 or 422; those without the grant get 404.
func TestPersonTimeline(t *testing.T) {
	e := newEnv(t)
	resp, body := e.do(t, request{method: "POST", path: "/api/v1/concerns", login: "school.dsl", body: concernBody(time.Now().Add(-time.Hour))})
	var created concernResponse
	decode(t, resp, body, http.StatusCreated, &created)
	if resp, _ := e.do(t, request{method: "GET", path: "/api/v1/cases/" + string(created.Case.ID), login: "team.manager"}); resp.StatusCode != http.StatusOK {
		t.Fatalf("the team manager reads the case: status %d", resp.StatusCode)
	}
	tm := e.user(t, "team.manager")
	path := "/api/v1/people/" + string(tm.ID) + "/timeline"
	resp, body = e.do(t, request{method: "GET", path: path, login: "investigator"})
	var pt vigil.PersonTimeline
	decode(t, resp, body, http.StatusOK, &pt)
	found := false
	for _, en := range pt.Entries {
		if en.ActorID != tm.ID && en.ObjectID != tm.ID {
			t.Errorf("entry %d is neither by nor about the team manager", en.Index)
		}
		found = found || en.Read && en.ObjectID == created.Case.ID && en.Purpose == "api"
		if _, err := evidence.ParseProof([]byte(en.Proof)); err != nil {
			t.Errorf("entry %d: %v", en.Index, err)
		}
	}
	if pt.Person.ID != tm.ID || !found {
		t.Errorf("timeline of %s lacks the read of case %s", pt.Person.ID, created.Case.ID)
	}
	for _, tc := range []struct {
		query string
		want  int
	}{
		{"?from=2026-13-01&to=2026-01-01", http.StatusBadRequest},
		{"?from=2026-02-01&to=2026-01-01", http.StatusUnprocessableEntity},
		{"?from=2020-01-01&to=2026-01-01", http.StatusUnprocessableEntity},
		{"?since=2026-01-01", http.StatusBadRequest},
	} {
		if resp, _ := e.do(t, request{method: "GET", path: path + tc.query, login: "investigator"}); resp.StatusCode != tc.want {
			t.Errorf("%s: status %d, want %d", tc.query, resp.StatusCode, tc.want)
		}
	}
	for _, who := range []string{"social.worker", "team.manager", "admin"} {
		if resp, _ := e.do(t, request{method: "GET", path: path, login: who}); resp.StatusCode != http.StatusNotFound {
			t.Errorf("%s: status %d, want 404", who, resp.StatusCode)
		}
	}
}
