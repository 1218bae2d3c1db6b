package sqlstore_test

import (
	"context"
	"testing"
	"time"

	"github.com/vigil-project/vigil"
)

// TestTimeOrderedPath: a phone named with one child, the same phone named
// with a car, and the car named with a second child. The network joins
// the children either way; a time-ordered path joins them only when the
// reports came in that order.
func TestTimeOrderedPath(t *testing.T) {
	engines(t, func(t *testing.T, e *env) {
		ctx := context.Background()
		dsl := e.user(t, "school.dsl")
		analyst := e.user(t, "police.analyst")
		raise := func(daysAgo int, child string, m vigil.Mention) *vigil.Concern {
			t.Helper()
			age := 14
			c, _, err := e.store.RaiseConcern(ctx, dsl, vigil.NewConcern{Child: vigil.Child{Name: child, Age: &age},
				WhatHappened: "Seen with older men.", ReceivedAt: vigil.Now().Add(-time.Duration(daysAgo) * 24 * time.Hour), Mentions: []vigil.Mention{m}})
			if err != nil {
				t.Fatal(err)
			}
			return c
		}
		for _, tc := range []struct {
			name         string
			phone, plate string
			carToChild   int // days ago the car was named with the second child
			ordered      bool
		}{
			{"in time order", "07700 900551", "YB15 XYA", 2, true},
			{"out of time order", "07700 900552", "YB15 XYB", 40, false},
		} {
			t.Run(tc.name, func(t *testing.T) {
				phone := vigil.Mention{Kind: vigil.MentionPhone, Phone: tc.phone}
				car := vigil.Mention{Kind: vigil.MentionVehicle, Plate: tc.plate, Colour: "black"}
				a := raise(20, "Ayla "+tc.name, phone)
				age := 15
				bridge := vigil.NewConcern{Child: vigil.Child{Name: "Bea " + tc.name, Age: &age}, WhatHappened: "Phone found in a car.",
					ReceivedAt: vigil.Now().Add(-10 * 24 * time.Hour), Mentions: []vigil.Mention{phone, car}}
				if _, _, err := e.store.RaiseConcern(ctx, dsl, bridge); err != nil {
					t.Fatal(err)
				}
				b := raise(tc.carToChild, "Cara "+tc.name, car)
				nw, err := e.store.EntityNetwork(ctx, analyst, a.Mentions[0].ID, vigil.NetworkQuery{Hops: 3, To: b.Mentions[0].ID})
				if err != nil {
					t.Fatal(err)
				}
				if len(nw.Path) < 4 {
					t.Fatalf("no shortest path between the children: %v (%d nodes)", nw.Path, len(nw.Nodes))
				}
				if !tc.ordered {
					if len(nw.TimePath) != 0 {
						t.Errorf("a time-ordered path through reports out of order: %+v", nw.TimePath)
					}
					return
				}
				if len(nw.TimePath) < 3 {
					t.Fatalf("time-ordered path %+v, want at least 3 hops", nw.TimePath)
				}
				if nw.TimePath[0].From != nw.Center || nw.TimePath[0].Concern != a.ID || nw.TimePath[len(nw.TimePath)-1].Concern != b.ID {
					t.Errorf("time-ordered path %+v does not run from the first child's report to the second's", nw.TimePath)
				}
				for i := 1; i < len(nw.TimePath); i++ {
					if nw.TimePath[i].At.Before(nw.TimePath[i-1].At) || nw.TimePath[i].From != nw.TimePath[i-1].To {
						t.Errorf("hop %d of %+v goes back in time or jumps", i, nw.TimePath)
					}
				}
			})
		}
	})
}
