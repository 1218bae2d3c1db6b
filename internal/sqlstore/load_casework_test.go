package sqlstore_test

import (
	"context"
	"path/filepath"
	"testing"

	"github.com/vigil-project/vigil"
	"github.com/vigil-project/vigil/internal/synth"
)

// TestLoadedTownCasework loads a world of a few hundred children (a small
// town's worth of casework, three years) and checks that the demo opens on
// a realistic caseload, made by the real casework engine: work overdue now
// and escalated up more than one rung, section 47 enquiries that led to
// conferences and child protection plans with core groups and reviews,
// children in care with looked-after reviews, a child whose repeated
// missing episodes landed on one case, CSE screenings, referrals to the
// police (some unacknowledged) and transfers (some unanswered). And that it
// all verifies against the log.
func TestLoadedTownCasework(t *testing.T) {
	if testing.Short() {
		t.Skip("loads a few hundred children's casework")
	}
	ctx := context.Background()
	e := openEmptyStore(t, "sqlite:"+filepath.Join(t.TempDir(), "vigil.db"))
	now := vigil.Now()
	g := synth.NewGenerator(synth.WorldOptions{Seed: 4, Scale: synth.ScaleSmall, Years: 3, Children: 400, Networks: 2, End: now})
	_, st, err := synth.Load(ctx, e.store, g, synth.LoadOptions{})
	if err != nil {
		t.Fatal(err)
	}
	t.Log(st)
	count := func(q string, args ...any) int { t.Helper(); return importRows(t, e, q, args...) }
	nowMicros := now.UnixMicro()
	checks := []struct {
		name string
		n    int
		min  int
	}{
		{"overdue open deadlines", count(`SELECT COUNT(*) FROM deadlines WHERE status = 'open' AND due_at < ?`, nowMicros), 5},
		{"rungs of the ladder with an open escalation", count(`SELECT COUNT(DISTINCT level) FROM escalations WHERE status = 'open'`), 2},
		{"initial conferences", count(`SELECT COUNT(*) FROM decisions WHERE kind = 'conference'`), 1},
		{"child protection plans", count(`SELECT COUNT(*) FROM decisions WHERE kind = 'conference' AND outcome = 'protection_plan'`), 1},
		{"core groups", count(`SELECT COUNT(*) FROM decisions WHERE kind = 'core_group'`), 1},
		{"review conferences", count(`SELECT COUNT(*) FROM decisions WHERE kind = 'review_conference'`), 1},
		{"looked-after episodes", count(`SELECT COUNT(*) FROM decisions WHERE kind = 'looked_after_start'`), 1},
		{"looked-after reviews", count(`SELECT COUNT(*) FROM decisions WHERE kind = 'looked_after_review'`), 1},
		{"children looked after now", count(`SELECT COUNT(*) FROM cases WHERE status = 'open' AND looked_after <> 0`), 1},
		{"cases with several missing episodes", count(`SELECT COUNT(*) FROM (SELECT case_id FROM missing_episodes GROUP BY case_id HAVING COUNT(*) >= 2) x`), 1},
		{"CSE screenings", count(`SELECT COUNT(*) FROM screenings`), 1},
		// History's screenings are dated when they were done, spread over
		// the years, not on the day the town was loaded.
		{"CSE screenings more than a year old", count(`SELECT COUNT(*) FROM screenings WHERE at < ?`, now.AddDate(-1, 0, 0).UnixMicro()), 5},
		{"years with a CSE screening", count(`SELECT COUNT(DISTINCT at / 31557600000000) FROM screenings`), 3},
		{"referrals to another agency", count(`SELECT COUNT(*) FROM agency_referrals`), 1},
		{"referrals not yet acknowledged", count(`SELECT COUNT(*) FROM agency_referrals WHERE acknowledged_at IS NULL`), 1},
		{"transfers accepted", count(`SELECT COUNT(*) FROM transfers WHERE status = 'accepted'`), 1},
		{"transfers waiting for an answer", count(`SELECT COUNT(*) FROM transfers WHERE status = 'offered'`), 1},
	}
	for _, c := range checks {
		t.Logf("%-45s %d", c.name, c.n)
		if c.n < c.min {
			t.Errorf("%s: %d, want at least %d", c.name, c.n, c.min)
		}
	}
	// Every open case still has an active owner, and no deadline was met
	// late without a reason.
	if n := count(`SELECT COUNT(*) FROM cases c JOIN users u ON u.id = c.owner_id WHERE c.status = 'open' AND u.status <> 'active'`); n != 0 {
		t.Errorf("%d open cases without an active owner", n)
	}
	if n := count(`SELECT COUNT(*) FROM deadlines WHERE status = 'met' AND met_at > due_at AND late_reason IS NULL`); n != 0 {
		t.Errorf("%d deadlines met late without a reason", n)
	}
	t.Logf("missing-pattern strategy discussions: %d", count(`SELECT COUNT(*) FROM case_events WHERE kind = 'missing.pattern'`))
	importVerify(t, e)
}
