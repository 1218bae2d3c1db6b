package web_test

import (
	"context"
	"net/http"
	"net/url"
	"strings"
	"testing"

	"github.com/vigil-project/vigil"
)

// TestConflictPages: through plain forms, an administrator records a
// conflict for the director that nobody declared, and a social worker
// declares their own; a form with mistakes keeps its input; the director
// is then refused the case; the investigator's case timeline shows the
// conflict as not declared, with the director's earlier read marked.
func TestConflictPages(t *testing.T) {
	s := newSite(t)
	ctx := context.Background()
	age := 13
	_, cs, err := s.store.RaiseConcern(ctx, s.actor("school.dsl"), vigil.NewConcern{Child: vigil.Child{Name: "Page Conflict", Age: &age},
		WhatHappened: "Seen with older men.", OthersInvolved: "Gary Nephewson, who drives a taxi"})
	if err != nil {
		t.Fatal(err)
	}
	director := s.signIn(t, "director")
	if code, _ := s.get(t, director, "/cases/"+string(cs.ID)); code != http.StatusOK {
		t.Fatalf("director before the conflict: %d", code)
	}
	admin := s.signIn(t, "admin")
	dirID := s.town.Login("director").User.ID
	page := "/admin/people/" + string(dirID) + "/conflicts"
	if code, b := s.get(t, admin, page); code != http.StatusOK || !strings.Contains(b, `id="record-conflict"`) {
		t.Fatalf("administrator's conflict page: %d", code)
	}
	// A mistake: no reason. The page comes back with the input kept.
	resp := s.post(t, admin, page, url.Values{"conflict-kind": {"person"}, "conflict-value": {"Gary Nephewson"}}, nil)
	if b := body(t, resp); resp.StatusCode != http.StatusUnprocessableEntity || !strings.Contains(b, `value="Gary Nephewson"`) || !strings.Contains(b, "#conflict-reason") {
		t.Errorf("conflict without a reason: status %d", resp.StatusCode)
	}
	resp = s.post(t, admin, page, url.Values{"conflict-kind": {"person"}, "conflict-value": {"Gary Nephewson"}, "conflict-reason": {"Her nephew"}}, nil)
	resp.Body.Close()
	if resp.StatusCode != http.StatusSeeOther || resp.Header.Get("Location") != page+"?notice=conflict-recorded" {
		t.Fatalf("recording the conflict: %d %s", resp.StatusCode, resp.Header.Get("Location"))
	}
	if code, b := s.get(t, admin, page); code != http.StatusOK || !strings.Contains(b, "Gary Nephewson") || !strings.Contains(b, "recorded by Alex Morgan") {
		t.Errorf("the recorded conflict is not listed: %d", code)
	}
	// Someone without the grant over the director's agency cannot.
	police := s.signIn(t, "police.officer")
	if code, _ := s.get(t, police, page); code != http.StatusNotFound {
		t.Errorf("a police officer seeing the director's conflicts: %d", code)
	}
	resp = s.post(t, police, page, url.Values{"conflict-kind": {"case"}, "conflict-value": {string(cs.ID)}, "conflict-reason": {"x"}}, nil)
	resp.Body.Close()
	if resp.StatusCode != http.StatusForbidden {
		t.Errorf("a police officer recording the director's conflict: %d", resp.StatusCode)
	}
	// The director is refused the case at their next request.
	if code, _ := s.get(t, director, "/cases/"+string(cs.ID)); code != http.StatusForbidden {
		t.Errorf("director after the conflict: %d", code)
	}
	// A social worker declares their own conflict on their account page.
	sw := s.signIn(t, "social.worker")
	resp = s.post(t, sw, "/account/conflicts", url.Values{"conflict-kind": {"case"}, "conflict-value": {string(cs.ID)}, "conflict-reason": {"I know the family"}}, nil)
	resp.Body.Close()
	if resp.StatusCode != http.StatusSeeOther {
		t.Fatalf("declaring one's own conflict: %d", resp.StatusCode)
	}
	if code, b := s.get(t, sw, "/account/conflicts"); code != http.StatusOK || !strings.Contains(b, "declared by you") {
		t.Errorf("own conflicts page: %d", code)
	}
	// The investigator sees both on the case timeline.
	inv := s.signIn(t, "investigator")
	code, b := s.get(t, inv, "/cases/"+string(cs.ID)+"/timeline")
	if code != http.StatusOK {
		t.Fatalf("timeline: %d", code)
	}
	if !strings.Contains(b, `id="timeline-conflicts"`) || !strings.Contains(b, "not declared") || !strings.Contains(b, `data-found-late="true"`) ||
		!strings.Contains(b, `data-actor="`+string(dirID)+`" data-read="true" data-conflicted="true"`) {
		t.Errorf("the timeline does not show the conflict found later")
	}
}

// TestConflictPagesUnderIntervention: with the council under
// intervention, the administrator's record of the director's conflict
// only asks; the director still opens the case; a commissioner approves it
// on the agency's administration page, and the director is refused.
func TestConflictPagesUnderIntervention(t *testing.T) {
	s := newSite(t)
	ctx := context.Background()
	age := 13
	_, cs, err := s.store.RaiseConcern(ctx, s.actor("school.dsl"), vigil.NewConcern{Child: vigil.Child{Name: "Intervention Conflict", Age: &age},
		WhatHappened: "Seen with older men."})
	if err != nil {
		t.Fatal(err)
	}
	council := s.town.Agencies[vigil.AgencyChildrensServices].ID
	if _, err := s.store.StartIntervention(ctx, s.actor("commissioner"), council, "Direction"); err != nil {
		t.Fatal(err)
	}
	admin, director := s.signIn(t, "admin"), s.signIn(t, "director")
	page := "/admin/people/" + string(s.town.Login("director").User.ID) + "/conflicts"
	resp := s.post(t, admin, page, url.Values{"conflict-kind": {"case"}, "conflict-value": {string(cs.ID)}, "conflict-reason": {"Her niece"}}, nil)
	resp.Body.Close()
	if resp.StatusCode != http.StatusSeeOther || resp.Header.Get("Location") != page+"?notice=conflict-requested" {
		t.Fatalf("recording under intervention: %d %s", resp.StatusCode, resp.Header.Get("Location"))
	}
	if code, b := s.get(t, admin, page+"?notice=conflict-requested"); code != http.StatusOK || !strings.Contains(b, "waits for a commissioner") || !strings.Contains(b, `id="no-conflicts"`) {
		t.Errorf("after asking: %d", code)
	}
	if code, _ := s.get(t, director, "/cases/"+string(cs.ID)); code != http.StatusOK {
		t.Errorf("director before approval: %d", code)
	}
	hist, err := s.store.AdminHistory(ctx, s.actor("commissioner"), council, 10)
	if err != nil || len(hist) == 0 || hist[0].Action != vigil.AdminRecordConflict {
		t.Fatalf("history: %v %+v", err, hist)
	}
	req := hist[0].ID
	comm := s.signIn(t, "commissioner")
	if code, b := s.get(t, comm, "/admin/agencies/"+string(council)); code != http.StatusOK || !strings.Contains(b, "Record a conflict of interest") || !strings.Contains(b, string(cs.ID)) {
		t.Errorf("the commissioner's page does not show the request: %d", code)
	}
	resp = s.post(t, comm, "/admin/requests/"+string(req), url.Values{"decision": {"approve"}, "agency": {string(council)}, "reason-" + string(req): {"Confirmed"}}, nil)
	resp.Body.Close()
	if resp.StatusCode != http.StatusSeeOther {
		t.Fatalf("approving: %d", resp.StatusCode)
	}
	if code, _ := s.get(t, director, "/cases/"+string(cs.ID)); code != http.StatusForbidden {
		t.Errorf("director after approval: %d", code)
	}
}
