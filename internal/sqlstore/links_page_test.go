package sqlstore_test

import (
	"context"
	"encoding/json"
	"slices"
	"testing"

	"github.com/vigil-project/vigil"
	"github.com/vigil-project/vigil/internal/ledger"
)

// readsSince returns the objects of the reads logged from log index since
// on, with the purpose given, and the log's size now.
func (e *env) readsSince(t *testing.T, since int64, purpose string) ([]vigil.ID, int64) {
	t.Helper()
	rows, err := e.db.Reader.Query(e.db.Rebind(`SELECT e.idx, e.data, s.state FROM log_entries e LEFT JOIN log_states s ON s.idx = e.idx WHERE e.idx >= ? ORDER BY e.idx`), since)
	if err != nil {
		t.Fatal(err)
	}
	defer rows.Close()
	var out []vigil.ID
	next := since
	for rows.Next() {
		var data, state []byte
		if err := rows.Scan(&next, &data, &state); err != nil {
			t.Fatal(err)
		}
		next++
		en, err := ledger.ParseEntry(data)
		if err != nil {
			t.Fatal(err)
		}
		d := map[string]string{}
		_ = json.Unmarshal(state, &d)
		if en.Kind == "record.viewed" && d["purpose"] == purpose {
			out = append(out, vigil.ID(en.Object))
		}
	}
	slices.Sort(out)
	return out, next
}

// TestLinkPaging names one car in eight reports about eight children, so
// that from the third on each raises a pattern alert for review, then
// walks the review queue and the car's network a few links at a time:
// every link is on exactly one page; each page of the queue logs reads of
// the cases of its links only; each page of the network logs the same
// reads, of every entity and case in the network, whichever page.
func TestLinkPaging(t *testing.T) {
	engines(t, func(t *testing.T, e *env) {
		ctx := context.Background()
		dsl, analyst := e.user(t, "school.dsl"), e.user(t, "police.analyst")
		var car vigil.ID
		for i, name := range []string{"Amy", "Beth", "Cara", "Dana", "Ella", "Faye", "Gina", "Hope"} {
			c, _, err := e.store.RaiseConcern(ctx, dsl, vigil.NewConcern{Child: vigil.Child{Name: name + " Pager", DateOfBirth: "2011-09-1" + string(rune('0'+i))},
				WhatHappened: "Seen getting into a car outside school."})
			if err != nil {
				t.Fatal(err)
			}
			ms, err := e.store.RecordMentions(ctx, dsl, c.ID, []vigil.Mention{{Kind: vigil.MentionVehicle, Plate: "YA12 CDE", Colour: "silver", Make: "Toyota"}})
			if err != nil {
				t.Fatal(err)
			}
			car = ms[0].ID
			// Looking at the car brings linking up to date, so that the
			// next report's alert knows the children named so far.
			if _, err := e.store.Entity(ctx, analyst, car); err != nil {
				t.Fatal(err)
			}
		}
		_, logged := e.readsSince(t, 0, "")

		t.Run("review queue", func(t *testing.T) {
			all, err := e.store.ReviewQueue(ctx, analyst, 0, 100)
			if err != nil {
				t.Fatal(err)
			}
			if all.Total < 5 || len(all.Links) != all.Total || all.Withheld != 0 {
				t.Fatalf("the queue holds %d links, %d shown, %d withheld; want at least 5 alerts", all.Total, len(all.Links), all.Withheld)
			}
			_, logged = e.readsSince(t, logged, "")
			var seen []vigil.ID
			for offset := 0; offset < all.Total; offset += 2 {
				p, err := e.store.ReviewQueue(ctx, analyst, offset, 2)
				if err != nil {
					t.Fatal(err)
				}
				if p.Total != all.Total || p.Offset != offset || len(p.Links) != min(2, all.Total-offset) {
					t.Errorf("page at %d: total %d, offset %d, %d links", offset, p.Total, p.Offset, len(p.Links))
				}
				var cases []vigil.ID
				for _, l := range p.Links {
					seen = append(seen, l.ID)
					cases = append(cases, l.LeftMention.CaseID, l.RightMention.CaseID)
				}
				slices.Sort(cases)
				var reads []vigil.ID
				reads, logged = e.readsSince(t, logged, "link review")
				if want := slices.Compact(cases); !slices.Equal(reads, want) {
					t.Errorf("page at %d logged reads of %v, want the cases of its links %v", offset, reads, want)
				}
			}
			var want []vigil.ID
			for _, l := range all.Links {
				want = append(want, l.ID)
			}
			if !slices.Equal(seen, want) {
				t.Errorf("the pages hold %v, the whole queue %v", seen, want)
			}
			for _, bad := range [][2]int{{-1, 2}, {0, -1}, {0, vigil.MaxReviewPage + 1}} {
				if _, err := e.store.ReviewQueue(ctx, analyst, bad[0], bad[1]); vigil.ErrorCode(err) != vigil.EINVALID {
					t.Errorf("queue at %d, %d to a page: err = %v", bad[0], bad[1], err)
				}
			}
		})

		t.Run("network links", func(t *testing.T) {
			all, err := e.store.EntityNetwork(ctx, analyst, car, vigil.NetworkQuery{Hops: 1, LinksLimit: vigil.MaxNetworkLinks})
			if err != nil {
				t.Fatal(err)
			}
			if all.LinksTotal < 6 || len(all.Links) != all.LinksTotal {
				t.Fatalf("the network has %d links, %d returned", all.LinksTotal, len(all.Links))
			}
			var first []vigil.ID
			first, logged = e.readsSince(t, logged, "network of "+string(all.Center))
			if len(first) < 9 { // the car and eight children, and their eight cases
				t.Errorf("the network logged %d reads", len(first))
			}
			var seen []vigil.ID
			for offset := 0; offset < all.LinksTotal+3; offset += 3 {
				nw, err := e.store.EntityNetwork(ctx, analyst, car, vigil.NetworkQuery{Hops: 1, LinksOffset: offset, LinksLimit: 3})
				if err != nil {
					t.Fatal(err)
				}
				if nw.LinksTotal != all.LinksTotal || nw.LinksOffset != offset || len(nw.Links) != max(0, min(3, all.LinksTotal-offset)) || len(nw.Nodes) != len(all.Nodes) {
					t.Errorf("links at %d: total %d, offset %d, %d links, %d nodes", offset, nw.LinksTotal, nw.LinksOffset, len(nw.Links), len(nw.Nodes))
				}
				for _, l := range nw.Links {
					seen = append(seen, l.ID)
					if l.LeftMention == nil || l.RightMention == nil {
						t.Errorf("link %s comes without its mentions", l.ID)
					}
				}
				var reads []vigil.ID
				reads, logged = e.readsSince(t, logged, "network of "+string(all.Center))
				if !slices.Equal(reads, first) {
					t.Errorf("links at %d: the page logged reads of %v, the whole network %v", offset, reads, first)
				}
			}
			var want []vigil.ID
			for _, l := range all.Links {
				want = append(want, l.ID)
			}
			if !slices.Equal(seen, want) {
				t.Errorf("the pages hold %v, the whole list %v", seen, want)
			}
			if _, err := e.store.EntityNetwork(ctx, analyst, car, vigil.NetworkQuery{Hops: 1, LinksLimit: vigil.MaxNetworkLinks + 1}); vigil.ErrorCode(err) != vigil.EINVALID {
				t.Errorf("too many links to a page: err = %v", err)
			}
		})
	})
}
