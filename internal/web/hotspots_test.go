package web_test

import (
	"context"
	"net/http"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/vigil-project/vigil"
)

// TestHotspotsPage: the page counts per year by default, for a year or a
// period chosen in its form, and shows the form again with its mistakes.
func TestHotspotsPage(t *testing.T) {
	s := newSite(t)
	ctx := context.Background()
	age := 13
	c, _, err := s.store.RaiseConcern(ctx, s.actor("school.dsl"), vigil.NewConcern{Child: vigil.Child{Name: "Hotspot Pagechild", Age: &age},
		WhatHappened: "Seen at a takeaway."})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := s.store.RecordMentions(ctx, s.actor("school.dsl"), c.ID, []vigil.Mention{{Kind: vigil.MentionVenue,
		VenueName: "Moonlight Pizzeria", VenueKind: "takeaway", Postcode: "S60 9ZZ"}}); err != nil {
		t.Fatal(err)
	}
	analyst := s.signIn(t, "police.analyst")
	today := vigil.Now().In(vigil.London)
	year, day := strconv.Itoa(today.Year()), today.Format(time.DateOnly)
	for _, tc := range []struct {
		name, query string
		status      int
		want        []string
	}{
		{"per year", "", http.StatusOK, []string{"Moonlight Pizzeria", ">" + year + "<", `id="show-hotspots"`}},
		{"a year", "?year=" + year, http.StatusOK, []string{"Moonlight Pizzeria", "Period " + year}},
		{"a period", "?from=" + day + "&to=" + day, http.StatusOK, []string{"Moonlight Pizzeria", day + " to " + day}},
		{"a period before any report", "?from=2000-01-01&to=2000-12-31", http.StatusOK, []string{`id="no-hotspots"`}},
		{"a bad day", "?from=2025-02-30", http.StatusUnprocessableEntity, []string{"#from", `value="2025-02-30"`, "Moonlight Pizzeria"}},
		{"year and days", "?year=2025&to=2025-03-01", http.StatusUnprocessableEntity, []string{"#year"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			code, b := s.get(t, analyst, "/hotspots"+tc.query)
			if code != tc.status {
				t.Fatalf("status %d, want %d", code, tc.status)
			}
			for _, w := range tc.want {
				if !strings.Contains(b, w) {
					t.Errorf("the page lacks %q", w)
				}
			}
		})
	}
}
