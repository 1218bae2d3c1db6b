package sqlstore_test

import (
	"context"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"github.com/vigil-project/vigil"
)

// TestEscalationPages: the escalation list is paged like the case lists,
// never cut short silently. Pages read in turn give the whole list in
// order, each saying whether more follow; an escalation is found by id
// wherever it falls; one left out for a conflict of interest does not
// shift the next page.
func TestEscalationPages(t *testing.T) {
	engines(t, func(t *testing.T, e *env) {
		ctx := context.Background()
		for range 5 {
			e.raise(t, 4*24*time.Hour)
		}
		if res, err := e.store.Sweep(ctx, vigil.Now()); err != nil || res.Missed < 5 {
			t.Fatalf("sweep: %v, %+v", err, res)
		}
		duty := e.user(t, "duty.manager")
		all, err := e.store.Escalations(ctx, duty)
		if err != nil {
			t.Fatal(err)
		}
		if len(all) < 5 {
			t.Fatalf("%d escalations, want at least 5", len(all))
		}
		ids := func(items []*vigil.EscalationItem) []vigil.ID {
			var out []vigil.ID
			for _, it := range items {
				out = append(out, it.ID)
			}
			return out
		}
		var paged []vigil.ID
		offset, pages := 0, 0
		for {
			p, err := e.store.EscalationPage(ctx, duty, vigil.EscalationFilter{Limit: 2, Offset: offset})
			if err != nil {
				t.Fatal(err)
			}
			pages++
			paged = append(paged, ids(p.Items)...)
			if wantMore := offset+2 < len(all); p.More != wantMore || (p.More && p.NextOffset != offset+2) {
				t.Errorf("page at %d: more %v next %d, want more %v", offset, p.More, p.NextOffset, wantMore)
			}
			if !p.More || pages > len(all) {
				break
			}
			offset = p.NextOffset
		}
		if diff := cmp.Diff(ids(all), paged); diff != "" {
			t.Errorf("pages joined (-whole list +pages):\n%s", diff)
		}
		last := all[len(all)-1]
		p, err := e.store.EscalationPage(ctx, duty, vigil.EscalationFilter{ID: last.ID})
		if err != nil || len(p.Items) != 1 || p.Items[0].ID != last.ID || p.More {
			t.Errorf("found by id: %v, %+v", err, p)
		}
		if p, err := e.store.EscalationPage(ctx, e.user(t, "police.officer"), vigil.EscalationFilter{ID: last.ID}); err != nil || len(p.Items) != 0 {
			t.Errorf("someone who may not answer it, by id: %v, %+v", err, p)
		}

		// A conflict leaves the first escalation's case out of its page,
		// and the next page starts where it did.
		if _, err := e.store.DeclareConflict(ctx, duty, vigil.NewConflict{UserID: duty.ID, Kind: vigil.ConflictCase,
			Value: string(all[0].CaseID), Reason: "A relative"}); err != nil {
			t.Fatal(err)
		}
		first, err := e.store.EscalationPage(ctx, duty, vigil.EscalationFilter{Limit: 2})
		if err != nil {
			t.Fatal(err)
		}
		if !first.More || first.NextOffset != 2 {
			t.Errorf("first page with a conflict: more %v next %d, want the next page at 2", first.More, first.NextOffset)
		}
		for _, it := range first.Items {
			if it.CaseID == all[0].CaseID {
				t.Error("an escalation on a conflicted case is listed")
			}
		}
		if _, err := e.store.Escalations(ctx, vigil.Actor{}); vigil.ErrorCode(err) != vigil.EUNAUTHORIZED {
			t.Errorf("signed out: %v", err)
		}
	})
}
