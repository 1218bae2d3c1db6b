package sqlstore_test

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/vigil-project/vigil"
)

// TestHotspotsGoThroughAccess: hotspots count and name only what the
// viewer may open. An analyst conflicted with two reports sees neither the
// child of one counted at a takeaway nor the hotel named only in the
// other, and each refusal is logged; an investigator without a conflict
// sees both. A period chosen (from and to, or open at one end) counts only
// the reports received in it.
func TestHotspotsGoThroughAccess(t *testing.T) {
	engines(t, func(t *testing.T, e *env) {
		ctx := context.Background()
		dsl := e.user(t, "school.dsl")
		now := vigil.Now()
		raise := func(child string, daysAgo int, venue vigil.Mention) vigil.ID {
			t.Helper()
			age := 14
			c, _, err := e.store.RaiseConcern(ctx, dsl, vigil.NewConcern{ReceivedAt: now.AddDate(0, 0, -daysAgo),
				Child: vigil.Child{Name: child, Age: &age}, WhatHappened: "Seen at a takeaway with older men late at night."})
			if err != nil {
				t.Fatal(err)
			}
			// The concern's child is a mention of its own.
			if _, err := e.store.RecordMentions(ctx, dsl, c.ID, []vigil.Mention{venue}); err != nil {
				t.Fatal(err)
			}
			return c.CaseID
		}
		takeaway := vigil.Mention{Kind: vigil.MentionVenue, VenueName: "Star Kebabs", VenueKind: "takeaway", Postcode: "S60 1AA"}
		hotel := vigil.Mention{Kind: vigil.MentionVenue, VenueName: "Paradise Hotel", VenueKind: "hotel", Postcode: "S65 2BB"}
		raise("Amber Oldreport", 200, takeaway)
		middle := raise("Bethany Middle", 100, takeaway)
		raise("Chloe Recent", 10, takeaway)
		hotelCase := raise("Demi Hotelonly", 10, hotel)

		day := func(daysAgo int) string { return now.AddDate(0, 0, -daysAgo).In(vigil.London).Format(time.DateOnly) }
		period := func(from, to string) vigil.HotspotQuery {
			t.Helper()
			q, err := vigil.ParseHotspotPeriod("", from, to)
			if err != nil {
				t.Fatal(err)
			}
			return q
		}
		// counts returns children per place, summed over the rows, and checks each row's period.
		counts := func(who string, q vigil.HotspotQuery) map[string]int {
			t.Helper()
			hs, err := e.store.Hotspots(ctx, e.user(t, who), q)
			if err != nil {
				t.Fatal(err)
			}
			out := map[string]int{}
			for _, h := range hs {
				if !q.PerYear() && h.Period != q.Label() {
					t.Errorf("%s: row period %q, want %q", who, h.Period, q.Label())
				}
				out[strings.Join(strings.Fields(h.Label)[:2], " ")] += h.Children
			}
			return out
		}
		const star, paradise = "Star Kebabs", "Paradise Hotel"
		cases := []struct {
			name       string
			q          vigil.HotspotQuery
			star, para int
		}{
			{"per year", vigil.HotspotQuery{}, 3, 1},
			{"last 150 days", period(day(150), day(0)), 2, 1},
			{"from 150 days ago, open end", period(day(150), ""), 2, 1},
			{"up to 50 days ago", period("", day(50)), 2, 0},
			{"a period with nothing", period(day(60), day(50)), 0, 0},
		}
		for _, c := range cases {
			t.Run(c.name, func(t *testing.T) {
				got := counts("police.analyst", c.q)
				if got[star] != c.star || got[paradise] != c.para {
					t.Errorf("analyst, no conflict: %v, want %s %d, %s %d", got, star, c.star, paradise, c.para)
				}
			})
		}

		analyst := e.user(t, "police.analyst")
		for _, id := range []vigil.ID{middle, hotelCase} {
			if _, err := e.store.DeclareConflict(ctx, analyst, vigil.NewConflict{UserID: analyst.ID, Kind: vigil.ConflictCase,
				Value: string(id), Reason: "My niece"}); err != nil {
				t.Fatal(err)
			}
		}
		beforeMiddle, beforeHotel := refusals(t, e, middle), refusals(t, e, hotelCase)
		got := counts("police.analyst", period(day(150), day(0)))
		if got[star] != 1 {
			t.Errorf("conflicted analyst: %s counts %d children, want 1 (the conflicted report left out)", star, got[star])
		}
		if _, shown := got[paradise]; shown {
			t.Errorf("conflicted analyst: %s, named only in a conflicted report, is shown", paradise)
		}
		if refusals(t, e, middle) != beforeMiddle+1 || refusals(t, e, hotelCase) != beforeHotel+1 {
			t.Errorf("refusals logged: %d and %d, want 1 each", refusals(t, e, middle)-beforeMiddle, refusals(t, e, hotelCase)-beforeHotel)
		}
		if got := counts("police.analyst", vigil.HotspotQuery{}); got[star] != 2 || got[paradise] != 0 {
			t.Errorf("conflicted analyst per year: %v, want %s 2 and no %s", got, star, paradise)
		}
		if got := counts("investigator", period(day(150), day(0))); got[star] != 2 || got[paradise] != 1 {
			t.Errorf("investigator: %v, want %s 2, %s 1", got, star, paradise)
		}
		e.verify(t)
	})
}
