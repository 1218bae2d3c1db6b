package sqlstore_test

import (
	"context"
	"testing"

	"github.com/vigil-project/vigil"
	"github.com/vigil-project/vigil/internal/speakup"
)

// TestSpeakUpHistoryOutlivesReport follows a report that its recipients
// opened, then closed and left to be erased: its history from the log
// (who opened it and when) is on the report for its recipients, and on
// the register for oversight before and after erasure, where a tombstone
// says that it existed, when, where it went, and when and by which rule it
// was erased. Nothing of what it said is kept.
func TestSpeakUpHistoryOutlivesReport(t *testing.T) {
	engines(t, func(t *testing.T, e *env) {
		ctx := context.Background()
		e.speakUp(t)
		const marker = "Heron Wharf"
		_, key, err := e.store.Submit(ctx, speakup.NewReport{Content: speakup.Content{Channel: speakup.ChannelChild, What: "Boys are sent to sell at " + marker + "."}})
		if err != nil {
			t.Fatal(err)
		}
		id := key.ReportID
		// A report nobody opens shows so on the register.
		items, err := e.store.Oversight(ctx, e.user(t, "investigator"))
		if err != nil || len(items) != 1 || items[0].Opened != 0 || items[0].LastOpened != nil {
			t.Fatalf("register of an unopened report = %+v, %v", items, err)
		}
		sa, sk := e.unlock(t, "scrutiny")
		if _, err := e.store.Open(ctx, sa, sk, id); err != nil {
			t.Fatal(err)
		}
		ca, ck := e.unlock(t, "commissioner")
		d, err := e.store.Open(ctx, ca, ck, id)
		if err != nil {
			t.Fatal(err)
		}
		var opened []string
		for _, a := range d.History {
			if a.Kind == "speakup.viewed" {
				opened = append(opened, a.Actor)
			}
		}
		if want := []string{e.town.Login("scrutiny").User.Name, e.town.Login("commissioner").User.Name}; len(opened) != 2 || opened[0] != want[0] || opened[1] != want[1] {
			t.Errorf("the report's history names openings by %v, want %v", opened, want)
		}
		// A refused look is in the history too.
		if _, err := e.store.Open(ctx, e.user(t, "admin"), nil, id); vigil.ErrorCode(err) != vigil.ENOTFOUND {
			t.Fatal(err)
		}
		if err := e.store.SetStatus(ctx, ca, id, speakup.StatusClosed); err != nil {
			t.Fatal(err)
		}
		if res, err := e.store.SweepSpeakUp(ctx, vigil.Now().AddDate(0, 7, 0)); err != nil || res.Expired != 1 {
			t.Fatalf("sweep: %+v, %v", res, err)
		}

		items, err = e.store.Oversight(ctx, e.user(t, "investigator"))
		if err != nil || len(items) != 1 {
			t.Fatalf("register after erasure = %+v, %v", items, err)
		}
		it := items[0]
		council, independent := e.town.Agencies[vigil.AgencyChildrensServices], e.town.Agencies[vigil.AgencyIndependent]
		if it.Erased == nil || it.ID != id || it.Channel != speakup.ChannelChild || it.ClosedAt == nil || len(it.RoutedTo) != 2 ||
			it.Opened != 2 || it.LastOpened == nil || it.LastOpened.ActorID != ca.ID {
			t.Fatalf("tombstone on the register = %+v (erased %+v)", it, it.Erased)
		}
		for _, a := range []vigil.ID{council.ID, independent.ID} {
			if !contains(it.RoutedTo, a) {
				t.Errorf("the tombstone does not say the report went to %s", a)
			}
		}
		if _, err := e.store.OversightHistory(ctx, e.user(t, "admin"), id); vigil.ErrorCode(err) != vigil.EFORBIDDEN {
			t.Errorf("an administrator read the history: %v", err)
		}
		if _, err := e.store.OversightHistory(ctx, e.user(t, "duty.manager"), id); vigil.ErrorCode(err) != vigil.EFORBIDDEN {
			t.Errorf("a recipient read oversight's history: %v", err)
		}
		h, err := e.store.OversightHistory(ctx, e.user(t, "investigator"), id)
		if err != nil {
			t.Fatal(err)
		}
		kinds := map[string]int{}
		for _, a := range h.History {
			kinds[a.Kind]++
		}
		for kind, want := range map[string]int{"speakup.report_received": 1, "speakup.viewed": 2, "speakup.access_refused": 1,
			"speakup.status_changed": 1, "speakup.retention_ended": 1, "speakup.tombstone_kept": 1, "speakup.history_viewed": 1} {
			if kinds[kind] != want {
				t.Errorf("history has %d %s, want %d (%v)", kinds[kind], kind, want, kinds)
			}
		}
		if h.Erased == nil || h.Erased.Rule == "" {
			t.Errorf("the erasure's rule is not kept: %+v", h.Erased)
		}
		if _, err := e.store.OversightHistory(ctx, e.user(t, "investigator"), vigil.NewID()); vigil.ErrorCode(err) != vigil.ENOTFOUND {
			t.Errorf("the history of no report: %v", err)
		}
		if found := e.findPlain(t, marker); len(found) > 0 {
			t.Errorf("the report's words are kept in the clear: %v", found)
		}
		e.verify(t)
	})
}

func contains(ids []vigil.ID, id vigil.ID) bool {
	for _, x := range ids {
		if x == id {
			return true
		}
	}
	return false
}
