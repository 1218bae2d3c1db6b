package web_test

import (
	"context"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/vigil-project/vigil"
	"github.com/vigil-project/vigil/internal/web"
)

// TestMyWorkPages: a work list longer than a page says which cases it
// shows and links to the rest, rather than stopping silently.
func TestMyWorkPages(t *testing.T) {
	s := newSiteWith(t, web.Options{WorkPageSize: 2})
	owned, err := s.store.Cases(context.Background(), s.actor("duty.manager"), vigil.CaseFilter{OwnerID: s.town.Login("duty.manager").User.ID,
		Status: vigil.CaseOpen, ByDeadline: true})
	if err != nil {
		t.Fatal(err)
	}
	if len(owned) != 3 {
		t.Fatalf("the duty manager owns %d open cases, want 3", len(owned))
	}
	c := s.signIn(t, "duty.manager")
	pages := []struct {
		path, shows string
		refs        []string
		prev, next  bool
	}{
		{"/work", "Showing cases you own 1 to 2; there are more.", []string{owned[0].Ref, owned[1].Ref}, false, true},
		{"/work?owned_from=2", "Showing cases you own 3 to 3.", []string{owned[2].Ref}, true, false},
	}
	for _, p := range pages {
		status, b := s.get(t, c, p.path)
		if status != http.StatusOK {
			t.Fatalf("%s: status %d", p.path, status)
		}
		if !strings.Contains(b, p.shows) {
			t.Errorf("%s does not say %q", p.path, p.shows)
		}
		for _, cs := range owned {
			if want := contains(p.refs, cs.Ref); strings.Contains(b, cs.Ref) != want {
				t.Errorf("%s lists %s: %v, want %v", p.path, cs.Ref, !want, want)
			}
		}
		if got := strings.Contains(b, `href="/work?owned_from=0" rel="prev"`); got != p.prev {
			t.Errorf("%s links to the previous page: %v, want %v", p.path, got, p.prev)
		}
		if got := strings.Contains(b, `href="/work?owned_from=2" rel="next"`); got != p.next {
			t.Errorf("%s links to the next page: %v, want %v", p.path, got, p.next)
		}
	}
}

func contains(xs []string, x string) bool {
	for _, y := range xs {
		if y == x {
			return true
		}
	}
	return false
}

// TestEscalationPagesOnMyWork: the escalations on My work are paged like
// the case lists, and one past the first page can still be answered.
func TestEscalationPagesOnMyWork(t *testing.T) {
	s := newSiteWith(t, web.Options{WorkPageSize: 2})
	ctx := context.Background()
	for i := range 3 {
		age := 12
		if _, _, err := s.store.RaiseConcern(ctx, s.actor("school.dsl"), vigil.NewConcern{ReceivedAt: vigil.Now().Add(-time.Duration(4*24+i) * time.Hour),
			Child: vigil.Child{Name: "Paged Escalation", Age: &age}, WhatHappened: "Collected from school by older men."}); err != nil {
			t.Fatal(err)
		}
	}
	if _, err := s.store.Sweep(ctx, vigil.Now()); err != nil {
		t.Fatal(err)
	}
	all, err := s.store.Escalations(ctx, s.actor("duty.manager"))
	if err != nil || len(all) < 3 {
		t.Fatalf("escalations: %v, %d", err, len(all))
	}
	c := s.signIn(t, "duty.manager")
	_, b := s.get(t, c, "/work")
	if !strings.Contains(b, "Showing escalations 1 to 2; there are more.") || !strings.Contains(b, `href="/work?escalations_from=2" rel="next"`) {
		t.Error("My work does not say that more escalations follow")
	}
	if strings.Contains(b, "/escalations/"+string(all[len(all)-1].ID)) {
		t.Error("the first page lists the last escalation")
	}
	_, b = s.get(t, c, "/work?escalations_from=2")
	if !strings.Contains(b, "/escalations/"+string(all[2].ID)) || !strings.Contains(b, `href="/work?escalations_from=0" rel="prev"`) {
		t.Error("the second page does not list the third escalation with a link back")
	}
	if code, _ := s.get(t, c, "/escalations/"+string(all[len(all)-1].ID)); code != http.StatusOK {
		t.Errorf("answering an escalation past the first page: %d", code)
	}
}
