package sqlstore_test

import (
	"context"
	"strings"
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

// decide records a decision now, failing the test on error.
func (e *env) decide(t *testing.T, actor vigil.Actor, caseID vigil.ID, kind, outcome string) *vigil.Decision {
	t.Helper()
	d, err := e.store.RecordDecision(context.Background(), actor, caseID, vigil.NewDecision{Kind: kind, Outcome: outcome, Reason: "Synthetic test: " + kind})
	if err != nil {
		t.Fatalf("%s/%s: %v", kind, outcome, err)
	}
	return d
}

// TestLookedAfterWorkflow: a child becomes looked after; reviews fall due
// 20 working days after, then 3 months after the first review, then every
// 6 months; when the child stops being looked after the clock stops and
// reviews are refused.
func TestLookedAfterWorkflow(t *testing.T) {
	engines(t, func(t *testing.T, e *env) {
		ctx := context.Background()
		cal := workday.England()
		cs := e.raise(t, time.Hour)
		duty := e.user(t, "duty.manager")
		if _, err := e.store.RecordDecision(ctx, duty, cs.ID, vigil.NewDecision{Kind: vigil.DecideLookedAfterReview, Outcome: "held", Reason: "x"}); vigil.ErrorCode(err) != vigil.EINVALID ||
			!strings.Contains(vigil.ErrorMessage(err), "looked after first") {
			t.Errorf("review before the child is looked after: err = %v", err)
		}
		start := e.decide(t, duty, cs.ID, vigil.DecideLookedAfterStart, "started")
		type want struct {
			instance int
			due      func(from time.Time) time.Time
		}
		steps := []want{
			{1, func(from time.Time) time.Time { return cal.AddWorkingDays(from, 20) }},
			{2, func(from time.Time) time.Time { return cal.AddMonths(from, 3) }},
			{3, func(from time.Time) time.Time { return cal.AddMonths(from, 6) }},
			{4, func(from time.Time) time.Time { return cal.AddMonths(from, 6) }}, // every 6 months from then on
		}
		from := start.At
		for i, w := range steps {
			d := e.detail(t, cs.ID)
			if !d.LookedAfter {
				t.Fatal("the case does not say the child is looked after")
			}
			dl := openKinds(d)["looked_after_review"]
			if dl == nil || dl.Instance != w.instance || !dl.Due.Equal(w.due(from).UTC().Truncate(time.Microsecond)) {
				t.Fatalf("review %d: deadline %+v, want instance %d due %v", i+1, dl, w.instance, w.due(from))
			}
			if i < len(steps)-1 {
				from = e.decide(t, duty, cs.ID, vigil.DecideLookedAfterReview, "held").At
			}
		}
		e.decide(t, duty, cs.ID, vigil.DecideLookedAfterEnd, "ended")
		d := e.detail(t, cs.ID)
		if d.LookedAfter || openKinds(d)["looked_after_review"] != nil {
			t.Errorf("after the end: looked after %v, open review %+v", d.LookedAfter, openKinds(d)["looked_after_review"])
		}
		met, cancelled := 0, 0
		for _, dl := range d.Deadlines {
			if dl.Kind == "looked_after_review" {
				switch dl.Status {
				case vigil.DeadlineMet:
					met++
				case vigil.DeadlineCancelled:
					cancelled++
				}
			}
		}
		if met != 3 || cancelled != 1 {
			t.Errorf("review deadlines: %d met, %d cancelled; want 3 and 1", met, cancelled)
		}
		if _, err := e.store.RecordDecision(ctx, duty, cs.ID, vigil.NewDecision{Kind: vigil.DecideLookedAfterReview, Outcome: "held", Reason: "x"}); vigil.ErrorCode(err) != vigil.EINVALID {
			t.Errorf("review after the child stopped being looked after: err = %v", err)
		}
		e.verify(t)
	})
}

// TestCoreGroup: a child protection plan starts the first core group
// clock, 10 working days after the conference; holding the meeting meets
// it, and it does not recur.
func TestCoreGroup(t *testing.T) {
	engines(t, func(t *testing.T, e *env) {
		ctx := context.Background()
		cal := workday.England()
		cs := e.raise(t, time.Hour)
		duty := e.user(t, "duty.manager")
		if _, err := e.store.RecordDecision(ctx, duty, cs.ID, vigil.NewDecision{Kind: vigil.DecideCoreGroup, Outcome: "held", Reason: "x"}); vigil.ErrorCode(err) != vigil.EINVALID ||
			!strings.Contains(vigil.ErrorMessage(err), "initial conference first") {
			t.Errorf("core group before a plan: err = %v", err)
		}
		e.decide(t, duty, cs.ID, vigil.DecideReferral, "section47")
		e.decide(t, duty, cs.ID, vigil.DecideStrategy, "section47")
		e.decide(t, duty, cs.ID, vigil.DecideSection47, "conference")
		conf := e.decide(t, duty, cs.ID, vigil.DecideConference, "protection_plan")
		cg := openKinds(e.detail(t, cs.ID))["core_group"]
		if want := cal.AddWorkingDays(conf.At, 10).UTC().Truncate(time.Microsecond); cg == nil || !cg.Due.Equal(want) {
			t.Fatalf("core group deadline = %+v, want due %v", cg, want)
		}
		e.decide(t, duty, cs.ID, vigil.DecideCoreGroup, "held")
		d := e.detail(t, cs.ID)
		if openKinds(d)["core_group"] != nil {
			t.Error("a core group clock is still open after the meeting")
		}
		for _, dl := range d.Deadlines {
			if dl.ID == cg.ID && (dl.Status != vigil.DeadlineMet || dl.Late()) {
				t.Errorf("core group deadline after the meeting: %+v, want met on time", dl)
			}
		}
		if d.Stage != vigil.StageProtectionPlan {
			t.Errorf("stage after the core group = %s", d.Stage)
		}
		e.verify(t)
	})
}

// TestClosureApproval: closing needs a manager of the case's agency other
// than the person who asked; a refusal returns the case to where it was.
func TestClosureApproval(t *testing.T) {
	engines(t, func(t *testing.T, e *env) {
		ctx := context.Background()
		cs := e.raise(t, time.Hour)
		duty := e.user(t, "duty.manager")
		e.decide(t, duty, cs.ID, vigil.DecideReferral, "no_further_action")
		if _, err := e.store.RecordDecision(ctx, duty, cs.ID, vigil.NewDecision{Kind: vigil.DecideCloseApproval, Outcome: "approved", Reason: "x"}); vigil.ErrorCode(err) != vigil.EINVALID ||
			!strings.Contains(vigil.ErrorMessage(err), "closure must be requested first") {
			t.Errorf("approval before a request: err = %v", err)
		}
		e.decide(t, duty, cs.ID, vigil.DecideCloseRequest, "requested")
		for _, r := range []struct {
			name  string
			actor vigil.Actor
			code  string
		}{
			{"the requester approving their own closure", duty, vigil.EFORBIDDEN},
			{"a social worker of the team", e.user(t, "social.worker2"), vigil.EFORBIDDEN},
			{"an inspector", e.user(t, "investigator"), vigil.EFORBIDDEN},
			{"a police officer outside the case", e.user(t, "police.officer"), vigil.ENOTFOUND},
		} {
			t.Run(r.name, func(t *testing.T) {
				if _, err := e.store.RecordDecision(ctx, r.actor, cs.ID, vigil.NewDecision{Kind: vigil.DecideCloseApproval, Outcome: "approved", Reason: "Closing"}); vigil.ErrorCode(err) != r.code {
					t.Errorf("err = %v, want %s", err, r.code)
				}
			})
		}
		if d := e.detail(t, cs.ID); d.Status != vigil.CaseOpen || d.Stage != vigil.StageClosing {
			t.Fatalf("after the refused approvals: %s at %s", d.Status, d.Stage)
		}
		tm := e.user(t, "team.manager")
		e.decide(t, tm, cs.ID, vigil.DecideCloseApproval, "rejected")
		if d := e.detail(t, cs.ID); d.Status != vigil.CaseOpen || d.Stage != vigil.StageNoFurtherAction {
			t.Fatalf("after a rejected closure: %s at %s, want open at no further action", d.Status, d.Stage)
		}
		e.decide(t, duty, cs.ID, vigil.DecideCloseRequest, "requested")
		e.decide(t, tm, cs.ID, vigil.DecideCloseApproval, "approved")
		d := e.detail(t, cs.ID)
		if d.Status != vigil.CaseClosed || len(openKinds(d)) != 0 {
			t.Errorf("after approval: %s with open deadlines %v", d.Status, openKinds(d))
		}
		e.verify(t)
	})
}

// TestBankHolidayWeekend records, through the store, a concern received on
// the Friday afternoon before a bank holiday Monday: its decision, due
// within one working day, falls due at the end of the Tuesday.
func TestBankHolidayWeekend(t *testing.T) {
	// The latest bank holiday Monday whose Friday is within the year a
	// concern may be backdated.
	now := vigil.Now()
	var friday time.Time
	for y := now.Year(); y >= now.Year()-1 && friday.IsZero(); y-- {
		hs := workday.England().Holidays(y)
		for i := len(hs) - 1; i >= 0; i-- {
			d := hs[i].Date
			f := time.Date(d.Year(), d.Month(), d.Day()-3, 14, 0, 0, 0, vigil.London)
			if d.Weekday() == time.Monday && f.Before(now.Add(-time.Hour)) && f.After(now.AddDate(-1, 0, 1)) {
				friday = f
				break
			}
		}
	}
	if friday.IsZero() {
		t.Fatal("no bank holiday Monday in the past year")
	}
	tuesday := time.Date(friday.Year(), friday.Month(), friday.Day()+4, 23, 59, 59, 999999000, vigil.London)
	engines(t, func(t *testing.T, e *env) {
		age := 14
		_, cs, err := e.store.RaiseConcern(context.Background(), e.user(t, "school.dsl"), vigil.NewConcern{ReceivedAt: friday,
			Child: vigil.Child{Name: "Holiday Child", Age: &age}, WhatHappened: "Phoned in on Friday afternoon: seen with older men at a takeaway."})
		if err != nil {
			t.Fatal(err)
		}
		dl := openKinds(e.detail(t, cs.ID))["decision"]
		if dl == nil || !dl.Due.Equal(tuesday) {
			t.Fatalf("received %s: decision deadline %+v, want due at the end of %s", friday.Format("Mon 2 Jan 2006 15:04"), dl, tuesday.Format("Mon 2 Jan 2006"))
		}
		if !cs.ReceivedAt.Equal(friday) {
			t.Errorf("received at %v, want %v", cs.ReceivedAt, friday)
		}
	})
}

// TestCasePages: a list read a page at a time gives every case once, in
// the same order as the whole list, and says when more follow.
func TestCasePages(t *testing.T) {
	engines(t, func(t *testing.T, e *env) {
		ctx := context.Background()
		duty := e.user(t, "duty.manager")
		f := vigil.CaseFilter{OwnerID: duty.ID, ByDeadline: true}
		all, err := e.store.CasePage(ctx, duty, f)
		if err != nil {
			t.Fatal(err)
		}
		if len(all.Cases) < 3 || all.More {
			t.Fatalf("the whole list: %d cases, more %v", len(all.Cases), all.More)
		}
		var paged []vigil.ID
		f.Limit = 2
		for {
			p, err := e.store.CasePage(ctx, duty, f)
			if err != nil {
				t.Fatal(err)
			}
			for _, c := range p.Cases {
				paged = append(paged, c.ID)
			}
			if !p.More {
				break
			}
			if p.NextOffset != f.Offset+2 {
				t.Fatalf("next offset %d after offset %d", p.NextOffset, f.Offset)
			}
			f.Offset = p.NextOffset
		}
		var want []vigil.ID
		for _, c := range all.Cases {
			want = append(want, c.ID)
		}
		if strings.Join(idStrings(want), ",") != strings.Join(idStrings(paged), ",") {
			t.Errorf("paged %v, want %v", paged, want)
		}
	})
}

func idStrings(ids []vigil.ID) []string {
	out := make([]string, len(ids))
	for i, id := range ids {
		out[i] = string(id)
	}
	return out
}
