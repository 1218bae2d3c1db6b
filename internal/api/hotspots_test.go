package api

import (
	"context"
	"encoding/json"
	"net/http"
	"strconv"
	"testing"
	"time"

	"github.com/vigil-project/vigil"
)

// TestHotspotsAPIPeriod: the hotspot list takes a year or a first and
// last day; rows carry the period asked for; a conflicted analyst's list
// leaves out the report closed to them; bad periods answer 400 naming the
// parameter at fault.
func TestHotspotsAPIPeriod(t *testing.T) {
	e := newEnv(t)
	ctx := context.Background()
	dsl := vigil.UserActor(e.user(t, "school.dsl"))
	var caseIDs []vigil.ID
	for _, child := range []string{"Rowan Example", "Skye Sample"} {
		age := 13
		c, _, err := e.store.RaiseConcern(ctx, dsl, vigil.NewConcern{Child: vigil.Child{Name: child, Age: &age}, WhatHappened: "Seen at a takeaway."})
		if err != nil {
			t.Fatal(err)
		}
		if _, err := e.store.RecordMentions(ctx, dsl, c.ID, []vigil.Mention{{Kind: vigil.MentionVenue, VenueName: "Star Kebabs",
			VenueKind: "takeaway", Postcode: "S60 1AA"}}); err != nil {
			t.Fatal(err)
		}
		caseIDs = append(caseIDs, c.CaseID)
	}
	today := vigil.Now().In(vigil.London)
	year, day := strconv.Itoa(today.Year()), today.Format(time.DateOnly)
	children := func(login, query, period string) int {
		t.Helper()
		var hs hotspotList
		resp, body := e.do(t, request{method: "GET", path: "/api/v1/hotspots" + query, login: login})
		decode(t, resp, body, http.StatusOK, &hs)
		n := 0
		for _, h := range hs.Hotspots {
			if h.Kind == vigil.MentionVenue {
				if h.Period != period {
					t.Errorf("%s: period %q, want %q", query, h.Period, period)
				}
				n += h.Children
			}
		}
		return n
	}
	for _, c := range []struct{ query, period string }{
		{"", year},
		{"?year=" + year, year},
		{"?from=" + day + "&to=" + day, day + " to " + day},
		{"?from=" + day, "from " + day},
		{"?to=" + day + "&limit=5", "up to " + day},
	} {
		if n := children("police.analyst", c.query, c.period); n != 2 {
			t.Errorf("%q: %d children, want 2", c.query, n)
		}
	}
	if n := children("police.analyst", "?to=2000-01-01", "up to 2000-01-01"); n != 0 {
		t.Errorf("a period before the reports: %d children", n)
	}
	analyst := e.user(t, "police.analyst")
	if _, err := e.store.DeclareConflict(ctx, vigil.UserActor(analyst), vigil.NewConflict{UserID: analyst.ID, Kind: vigil.ConflictCase,
		Value: string(caseIDs[1]), Reason: "My niece"}); err != nil {
		t.Fatal(err)
	}
	if n := children("police.analyst", "?year="+year, year); n != 1 {
		t.Errorf("conflicted analyst: %d children, want 1", n)
	}
	if n := children("investigator", "?year="+year, year); n != 2 {
		t.Errorf("investigator: %d children, want 2", n)
	}
	for _, c := range []struct{ query, field string }{
		{"?year=20x5", "year"},
		{"?year=" + year + "&from=" + day, "year"},
		{"?from=yesterday", "from"},
		{"?from=2025-06-30&to=2025-03-01", "to"},
		{"?limit=0", "limit"},
		{"?limit=501", "limit"},
		{"?period=12m", "period"},
	} {
		resp, body := e.do(t, request{method: "GET", path: "/api/v1/hotspots" + c.query, login: "police.analyst"})
		var p problem
		if err := json.Unmarshal(body, &p); resp.StatusCode != http.StatusBadRequest || err != nil || len(p.Errors) == 0 || p.Errors[0].Field != c.field {
			t.Errorf("%q: %d %s, want 400 on %s", c.query, resp.StatusCode, body, c.field)
		}
	}
}
