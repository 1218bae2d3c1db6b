package sqlstore_test

import (
	"context"
	"strings"
	"testing"

	"github.com/vigil-project/vigil"
)

// TestWeakerKeys: a taxi described without its plate, and a takeaway
// named another way in the same district, are proposed to an analyst
// for review with what agreed, never joined; a description that fits
// nothing, or a name in another district, is not; and the taxi firm is a
// place in the network, one however many reports name it.
func TestWeakerKeys(t *testing.T) {
	engines(t, func(t *testing.T, e *env) {
		ctx := context.Background()
		dsl := e.user(t, "school.dsl")
		analyst := e.user(t, "police.analyst")
		raise := func(child string, ms ...vigil.Mention) []*vigil.Mention {
			t.Helper()
			age := 14
			c, _, err := e.store.RaiseConcern(ctx, dsl, vigil.NewConcern{Child: vigil.Child{Name: child, Age: &age},
				WhatHappened: "Collected from school.", Mentions: ms})
			if err != nil {
				t.Fatal(err)
			}
			return c.Mentions[1:] // after the child
		}
		links := func(id vigil.ID, method vigil.LinkMethod) []*vigil.Link {
			t.Helper()
			ent, err := e.store.Entity(ctx, analyst, id)
			if err != nil {
				t.Fatal(err)
			}
			var out []*vigil.Link
			for _, l := range ent.Links {
				if l.Method == method {
					out = append(out, l)
				}
			}
			return out
		}
		taxi := func(plate, make, colour, firm string) vigil.Mention {
			return vigil.Mention{Kind: vigil.MentionVehicle, Plate: plate, Make: make, Colour: colour, TaxiFirm: firm}
		}
		venue := func(name, postcode string) vigil.Mention {
			return vigil.Mention{Kind: vigil.MentionVenue, VenueName: name, VenueKind: "takeaway", Postcode: postcode}
		}

		// Seen at night: no plate.
		described := raise("Ava Weak", taxi("", "toyota", "Silver", "STAR CARS"), venue("Star Kebab House", "S60 2BB"))
		plated := raise("Bea Weak", taxi("YD17 ABC", "Toyota Prius", "silver", "Star Cars"), venue("Star Kebabs", "S60 1AA"))
		others := raise("Cara Weak", taxi("", "Toyota", "silver", ""), taxi("", "Ford", "silver", "Star Cars"),
			venue("Star Kebab House", "S61 3CC"), venue("Kebab King", "S60 4DD"))

		// A new report's venue is compared at once with those of its district.
		sim := links(plated[1].ID, vigil.LinkSimilarName)
		if len(sim) != 1 || sim[0].Status != vigil.LinkReview || !(sim[0].Left == described[1].ID || sim[0].Right == described[1].ID) {
			t.Fatalf("similar venue links of Star Kebabs: %+v, want one for review with Star Kebab House in S60", sim)
		}
		if ev := sim[0].Evidence; len(ev) == 0 || ev[0].Field != "venue name" || !strings.Contains(ev[0].Level, "similar") {
			t.Errorf("evidence %+v", ev)
		}
		for _, m := range others[2:] {
			if l := links(m.ID, vigil.LinkSimilarName); len(l) != 0 {
				t.Errorf("%s %s is proposed as the same as %d venues", m.VenueName, m.Postcode, len(l))
			}
		}

		// The plated taxi came after the described one, and was compared
		// at once; a full run finds the same, and proposes nothing twice.
		if l := links(described[0].ID, vigil.LinkDescription); len(l) != 1 {
			t.Fatalf("the described taxi has %d description links, want 1", len(l))
		}
		if _, err := e.store.RunLinking(ctx, analyst); err != nil {
			t.Fatal(err)
		}
		desc := links(described[0].ID, vigil.LinkDescription)
		if len(desc) != 1 || desc[0].Status != vigil.LinkReview || desc[0].Probability >= vigil.LikelyProbability ||
			!(desc[0].Left == plated[0].ID || desc[0].Right == plated[0].ID) {
			t.Fatalf("description links of the described taxi: %+v, want one for review with YD17 ABC", desc)
		}
		var fields []string
		for _, ev := range desc[0].Evidence {
			fields = append(fields, ev.Field)
		}
		if got := strings.Join(fields, ","); !strings.HasPrefix(got, "make,colour,taxi firm,plate") {
			t.Errorf("evidence fields %s", got)
		}
		for _, m := range others[:2] {
			if l := links(m.ID, vigil.LinkDescription); len(l) != 0 {
				t.Errorf("a taxi described as %s %s %q is proposed as %d others", m.Colour, m.Make, m.TaxiFirm, len(l))
			}
		}
		// Both in one report, the described one first.
		later := raise("Dee Weak", taxi("", "Toyota", "grey", "Ace Taxis"), taxi("YE18 DEF", "Toyota", "grey", "Ace Taxis"))
		if l := links(later[0].ID, vigil.LinkDescription); len(l) != 1 {
			t.Errorf("a plated taxi after a described one: %d links, want 1", len(l))
		}

		// The firm is one place, named by every report of its taxis.
		ent, err := e.store.Entity(ctx, analyst, plated[0].ID)
		if err != nil {
			t.Fatal(err)
		}
		var firm *vigil.EntityRef
		for i, n := range ent.Neighbours {
			if n.Kind == vigil.MentionVenue && strings.Contains(n.Label, "Star Cars") {
				firm = &ent.Neighbours[i]
			}
		}
		if firm == nil {
			t.Fatalf("the taxi's neighbours %+v have no taxi firm", ent.Neighbours)
		}
		fe, err := e.store.Entity(ctx, analyst, firm.ID)
		if err != nil {
			t.Fatal(err)
		}
		if len(fe.Concerns) != 3 {
			t.Errorf("Star Cars is named by %d reports, want 3 (two taxis and a Ford of the firm)", len(fe.Concerns))
		}
	})
}
