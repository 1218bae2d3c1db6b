package web_test

import (
	"context"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/vigil-project/vigil"
)

// TestNetworkTimePath: the network page shows, beside the shortest path
// between two children, the time-ordered chain of reports joining them: a
// phone named with the first, then with a car, then the car with the second.
func TestNetworkTimePath(t *testing.T) {
	s := newSite(t)
	ctx := context.Background()
	raise := func(daysAgo int, child string, ms ...vigil.Mention) *vigil.Concern {
		t.Helper()
		age := 14
		c, _, err := s.store.RaiseConcern(ctx, s.actor("school.dsl"), vigil.NewConcern{Child: vigil.Child{Name: child, Age: &age},
			WhatHappened: "Seen with older men.", ReceivedAt: vigil.Now().Add(-time.Duration(daysAgo) * 24 * time.Hour), Mentions: ms})
		if err != nil {
			t.Fatal(err)
		}
		return c
	}
	phone := vigil.Mention{Kind: vigil.MentionPhone, Phone: "07700 900777"}
	car := vigil.Mention{Kind: vigil.MentionVehicle, Plate: "YC16 PQR", Colour: "red"}
	a := raise(30, "Ayla Path", phone)
	bridge := raise(20, "Bea Path", phone, car)
	b := raise(10, "Cara Path", car)

	c := s.signIn(t, "police.analyst")
	status, page := s.get(t, c, "/entities/"+string(a.Mentions[0].ID)+"/network?hops=3&to="+string(b.Mentions[0].ID))
	if status != http.StatusOK {
		t.Fatalf("network page: %d", status)
	}
	if !strings.Contains(page, `<table class="govuk-table" id="time-path">`) {
		t.Fatal("the page shows no time-ordered path")
	}
	table := page[strings.Index(page, `id="time-path"`):]
	table = table[:strings.Index(table, "</table>")]
	var order []int
	for _, c := range []*vigil.Concern{a, bridge, b} {
		i := strings.Index(table, `data-concern="`+string(c.ID)+`"`)
		if i < 0 {
			t.Errorf("the time-ordered path does not go through report %s", c.Ref)
		}
		order = append(order, i)
	}
	if !(order[0] < order[1] && order[1] < order[2]) {
		t.Errorf("the reports are not in time order in the table: %v", order)
	}
}
