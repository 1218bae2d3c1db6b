package sqlstore_test

import (
	"context"
	"testing"
	"time"

	"github.com/vigil-project/vigil"
	"github.com/vigil-project/vigil/internal/workday"
)

// TestMissingEpisodesOutOfOrder: the third episode within 30 days starts a
// strategy discussion even when it is recorded before an earlier one.
func TestMissingEpisodesOutOfOrder(t *testing.T) {
	engines(t, func(t *testing.T, e *env) {
		ctx := context.Background()
		cs := e.raise(t, time.Hour)
		duty := e.user(t, "duty.manager")
		now := vigil.Now()
		for i, ago := range []int{2, 20, 9} { // the middle episode is recorded last
			if _, err := e.store.RecordMissing(ctx, duty, cs.ID, now.AddDate(0, 0, -ago), "Missing overnight"); err != nil {
				t.Fatal(err)
			}
			started := openKinds(e.detail(t, cs.ID))["strategy_discussion"] != nil
			if want := i == 2; started != want {
				t.Errorf("after %d episodes a strategy discussion is started: %v, want %v", i+1, started, want)
			}
		}
	})
}

// TestLocalRules runs a council's rules file against the store: one rule
// changes a national clock, another adds a clock that events Vigil
// already produces start and meet.
func TestLocalRules(t *testing.T) {
	engines(t, func(t *testing.T, e *env) {
		ctx := context.Background()
		rules, err := vigil.ParseRules([]byte(`{"clocks": [
			{"kind": "decision", "label": "Decision on the referral (local: 2 working days)", "start_on": "referral.received", "from_received": true,
			 "schedule": [{"working_days": 2}], "met_by": ["referral.decided"], "stop_on": ["case.closed"], "source": "Local decision of the council"},
			{"kind": "child_seen", "label": "Child seen by a social worker", "start_on": "assessment.started",
			 "schedule": [{"working_days": 5}], "met_by": ["strategy.held", "assessment.completed"], "stop_on": ["case.closed"],
			 "source": "Local decision of the council"}]}`))
		if err != nil {
			t.Fatal(err)
		}
		e.store.UseRules(rules)
		cal := workday.England()
		cs := e.raise(t, time.Hour)
		d := e.detail(t, cs.ID)
		dl := openKinds(d)["decision"]
		if want := cal.AddWorkingDays(d.ReceivedAt, 2).UTC().Truncate(time.Microsecond); dl == nil || !dl.Due.Equal(want) || dl.Label != "Decision on the referral (local: 2 working days)" {
			t.Fatalf("decision deadline = %+v, want the local clock due %v", dl, want)
		}
		duty := e.user(t, "duty.manager")
		dec, err := e.store.RecordDecision(ctx, duty, cs.ID, vigil.NewDecision{Kind: vigil.DecideReferral, Outcome: "section47", Reason: "Risk of exploitation"})
		if err != nil {
			t.Fatal(err)
		}
		seen := openKinds(e.detail(t, cs.ID))["child_seen"]
		if want := cal.AddWorkingDays(dec.At, 5).UTC().Truncate(time.Microsecond); seen == nil || !seen.Due.Equal(want) {
			t.Fatalf("local child_seen deadline = %+v, want due %v", seen, want)
		}
		if _, err := e.store.RecordDecision(ctx, duty, cs.ID, vigil.NewDecision{Kind: vigil.DecideStrategy, Outcome: "section47", Reason: "Strategy discussion held"}); err != nil {
			t.Fatal(err)
		}
		for _, dl := range e.detail(t, cs.ID).Deadlines {
			if dl.Kind == "child_seen" && dl.Status != vigil.DeadlineMet {
				t.Errorf("child_seen after the strategy discussion: %s, want met", dl.Status)
			}
		}
		e.verify(t)
	})
}
