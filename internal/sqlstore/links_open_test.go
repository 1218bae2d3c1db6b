package sqlstore_test

import (
	"context"
	"testing"

	"github.com/vigil-project/vigil"
)

// TestEntitySaysWhichCasesOpen: an entity's reports say whether the
// viewer may open each one's case, as the case itself decides. A police
// analyst sees the network across every report but opens only the cases
// of their own; pages link only those.
func TestEntitySaysWhichCasesOpen(t *testing.T) {
	engines(t, func(t *testing.T, e *env) {
		ctx := context.Background()
		car := vigil.Mention{Kind: vigil.MentionVehicle, Plate: "YA12 CDE", Colour: "silver", Make: "Toyota"}
		age := 14
		var car0 vigil.ID
		for _, by := range []string{"school.dsl", "police.analyst"} {
			c, _, err := e.store.RaiseConcern(ctx, e.user(t, by), vigil.NewConcern{Child: vigil.Child{Name: "Kayleigh Example", Age: &age},
				WhatHappened: "Seen getting into a silver car outside school."})
			if err != nil {
				t.Fatal(err)
			}
			ms, err := e.store.RecordMentions(ctx, e.user(t, by), c.ID, []vigil.Mention{car})
			if err != nil {
				t.Fatal(err)
			}
			if car0 == "" {
				car0 = ms[0].ID
			}
		}
		for _, tc := range []struct {
			username string
			wantOpen int // reports whose case opens, of 2
		}{
			{"police.analyst", 1},
			{"investigator", 2},
		} {
			viewer := e.user(t, tc.username)
			ent, err := e.store.Entity(ctx, viewer, car0)
			if err != nil {
				t.Fatal(err)
			}
			if len(ent.Concerns) != 2 {
				t.Fatalf("%s: the car is named in %d reports, want 2", tc.username, len(ent.Concerns))
			}
			open := 0
			for _, c := range ent.Concerns {
				_, err := e.store.FindCase(ctx, viewer, c.CaseID, "test")
				if opens := err == nil; opens != c.CanOpen {
					t.Errorf("%s: case %s says it opens: %v; opening it: %v", tc.username, c.CaseID, c.CanOpen, err)
				}
				if c.CanOpen {
					open++
				}
			}
			if open != tc.wantOpen {
				t.Errorf("%s: %d cases open, want %d", tc.username, open, tc.wantOpen)
			}
		}
	})
}
