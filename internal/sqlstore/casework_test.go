package sqlstore_test

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/vigil-project/vigil"
	"github.com/vigil-project/vigil/internal/ledger"
	"github.com/vigil-project/vigil/internal/sqlstore"
	"github.com/vigil-project/vigil/internal/workday"
)

// raise records a concern received `ago` before now, as school.dsl.
func (e *env) raise(t *testing.T, ago time.Duration) *vigil.Case {
	t.Helper()
	age := 14
	_, cs, err := e.store.RaiseConcern(context.Background(), e.user(t, "school.dsl"), vigil.NewConcern{
		ReceivedAt: vigil.Now().Add(-ago), Child: vigil.Child{Name: "Casework Child", Age: &age},
		WhatHappened: "Collected from school by older men in a car several times this week.",
	})
	if err != nil {
		t.Fatal(err)
	}
	return cs
}

func (e *env) detail(t *testing.T, id vigil.ID) *vigil.CaseDetail {
	t.Helper()
	d, err := e.store.FindCase(context.Background(), e.user(t, "investigator"), id, "test")
	if err != nil {
		t.Fatal(err)
	}
	return d
}

func openKinds(d *vigil.CaseDetail) map[string]*vigil.Deadline {
	out := map[string]*vigil.Deadline{}
	for _, dl := range d.Deadlines {
		if dl.Status == vigil.DeadlineOpen {
			out[dl.Kind] = dl
		}
	}
	return out
}

func (e *env) verify(t *testing.T) {
	t.Helper()
	ctx := context.Background()
	e.store.Log().Checkpoint(ctx)
	r, err := ledger.VerifyDB(ctx, e.db, e.key.VerifierKey(), sqlstore.Tables, nil)
	if err != nil {
		t.Fatal(err)
	}
	if !r.OK() {
		t.Fatalf("verify: %v", r.Problems)
	}
}

// TestReferralToConference walks a referral through the section 47 route
// to an initial child protection conference, checking each clock, and
// that decisions out of order are refused with the step that comes first.
func TestReferralToConference(t *testing.T) {
	engines(t, func(t *testing.T, e *env) {
		ctx := context.Background()
		cs := e.raise(t, 2*time.Hour)
		duty := e.user(t, "duty.manager")
		cal := workday.England()

		d := e.detail(t, cs.ID)
		if dl := openKinds(d)["decision"]; dl == nil || !dl.Due.Equal(cal.AddWorkingDays(d.ReceivedAt, 1).UTC().Truncate(time.Microsecond)) {
			t.Fatalf("decision deadline = %+v, want 1 working day from %v", dl, d.ReceivedAt)
		}

		_, err := e.store.RecordDecision(ctx, duty, cs.ID, vigil.NewDecision{Kind: vigil.DecideConference, Outcome: "protection_plan", Reason: "x"})
		if vigil.ErrorCode(err) != vigil.EINVALID || !strings.Contains(vigil.ErrorMessage(err), "section 47 enquiry first") {
			t.Errorf("conference before section 47: err = %v", err)
		}
		_, err = e.store.RecordDecision(ctx, duty, cs.ID, vigil.NewDecision{Kind: vigil.DecideReferral, Outcome: "section47"})
		if vigil.ErrorCode(err) != vigil.EINVALID || vigil.ErrorFields(err)[0].Field != "reason" {
			t.Errorf("decision without a reason: err = %v", err)
		}
		if _, err := e.store.RecordDecision(ctx, e.user(t, "police.officer"), cs.ID, vigil.NewDecision{Kind: vigil.DecideReferral, Outcome: "section47", Reason: "x"}); vigil.ErrorCode(err) == "" {
			t.Error("a police officer outside the case recorded a social care decision")
		}

		steps := []struct{ kind, outcome string }{
			{vigil.DecideReferral, "section47"},
			{vigil.DecideStrategy, "section47"},
			{vigil.DecideSection47, "conference"},
			{vigil.DecideConference, "protection_plan"},
		}
		var strategyAt time.Time
		for _, st := range steps {
			dec, err := e.store.RecordDecision(ctx, duty, cs.ID, vigil.NewDecision{Kind: st.kind, Outcome: st.outcome, Reason: "Risk of sexual exploitation: " + st.kind})
			if err != nil {
				t.Fatalf("%s/%s: %v", st.kind, st.outcome, err)
			}
			if st.kind == vigil.DecideStrategy {
				strategyAt = dec.At
				conf := openKinds(e.detail(t, cs.ID))["initial_conference"]
				if conf == nil || !conf.Due.Equal(cal.AddWorkingDays(strategyAt, 15).UTC().Truncate(time.Microsecond)) {
					t.Errorf("initial conference deadline = %+v, want 15 working days after %v", conf, strategyAt)
				}
			}
		}
		d = e.detail(t, cs.ID)
		if d.Stage != vigil.StageProtectionPlan || len(d.Decisions) != 4 {
			t.Fatalf("stage %s with %d decisions", d.Stage, len(d.Decisions))
		}
		open := openKinds(d)
		for _, k := range []string{"assessment", "core_group", "review_conference"} {
			if open[k] == nil {
				t.Errorf("no open %s deadline; open: %v", k, open)
			}
		}
		for _, k := range []string{"decision", "strategy_discussion", "initial_conference"} {
			if open[k] != nil {
				t.Errorf("%s deadline still open after it was met", k)
			}
		}
		if rc := open["review_conference"]; rc != nil && !rc.Due.Equal(cal.AddMonths(rc.StartedAt, 3).UTC().Truncate(time.Microsecond)) {
			t.Errorf("review conference due %v, want 3 months after %v", rc.Due, rc.StartedAt)
		}
		// The first review is due in 3 months; holding it starts the next, 6 months on.
		if _, err := e.store.RecordDecision(ctx, duty, cs.ID, vigil.NewDecision{Kind: vigil.DecideReview, Outcome: "continue_plan", Reason: "Plan working"}); err != nil {
			t.Fatal(err)
		}
		if rc := openKinds(e.detail(t, cs.ID))["review_conference"]; rc == nil || rc.Instance != 2 || !rc.Due.Equal(cal.AddMonths(rc.StartedAt, 6).UTC().Truncate(time.Microsecond)) {
			t.Errorf("second review = %+v, want instance 2 due 6 months after the first", rc)
		}
		e.verify(t)
	})
}

func TestLateDecisionNeedsReason(t *testing.T) {
	engines(t, func(t *testing.T, e *env) {
		ctx := context.Background()
		cs := e.raise(t, 6*24*time.Hour)
		duty := e.user(t, "duty.manager")
		_, err := e.store.RecordDecision(ctx, duty, cs.ID, vigil.NewDecision{Kind: vigil.DecideReferral, Outcome: "assessment", Reason: "Needs assessment"})
		if vigil.ErrorCode(err) != vigil.EINVALID || vigil.ErrorFields(err)[0].Field != "late_reason" {
			t.Fatalf("late decision without a reason: err = %v", err)
		}
		if d := e.detail(t, cs.ID); d.Stage != vigil.StageReferral || len(d.Decisions) != 0 {
			t.Fatalf("a refused decision left stage %s and %d decisions behind", d.Stage, len(d.Decisions))
		}
		if _, err := e.store.RecordDecision(ctx, duty, cs.ID, vigil.NewDecision{Kind: vigil.DecideReferral, Outcome: "assessment",
			Reason: "Needs assessment", LateReason: "The referral was misfiled"}); err != nil {
			t.Fatal(err)
		}
		for _, dl := range e.detail(t, cs.ID).Deadlines {
			if dl.Kind == "decision" && (dl.Status != vigil.DeadlineMet || !dl.Late() || dl.LateReason != "The referral was misfiled") {
				t.Errorf("decision deadline = %+v, want met late with its reason", dl)
			}
		}
	})
}

// TestEscalationLadder misses a deadline and lets nobody answer: the
// escalation climbs from the owner through the managers to independent
// oversight, once per missed response time however often the sweeper runs.
func TestEscalationLadder(t *testing.T) {
	engines(t, func(t *testing.T, e *env) {
		ctx := context.Background()
		cs := e.raise(t, 4*24*time.Hour)
		now := vigil.Now()
		res, err := e.store.Sweep(ctx, now)
		if err != nil {
			t.Fatal(err)
		}
		if again, _ := e.store.Sweep(ctx, now); again.Missed != 0 || again.Climbed != 0 {
			t.Errorf("a second sweep did more work: %+v", again)
		}
		if res.Missed < 1 {
			t.Fatalf("sweep escalated %d deadlines, want at least 1", res.Missed)
		}
		levels := []string{}
		var esc *vigil.Escalation
		at := now
		for i := 0; i < 6; i++ {
			d := e.detail(t, cs.ID)
			if len(d.Escalations) != 1 {
				t.Fatalf("case has %d escalations, want 1", len(d.Escalations))
			}
			esc = d.Escalations[0]
			levels = append(levels, esc.LevelName)
			if esc.RespondBy == nil {
				break
			}
			at = esc.RespondBy.Add(time.Minute)
			if _, err := e.store.Sweep(ctx, at); err != nil {
				t.Fatal(err)
			}
		}
		want := []string{"Case owner", "Team manager", "Service manager", "Director of children's services", "Independent oversight"}
		if strings.Join(levels, ",") != strings.Join(want, ",") {
			t.Errorf("escalation climbed %v, want %v", levels, want)
		}
		// Nobody outside the ladder can answer; independent oversight can, with a decision.
		if err := e.store.ResolveEscalation(ctx, e.user(t, "police.officer"), esc.ID, "Not my job", nil); vigil.ErrorCode(err) != vigil.EFORBIDDEN {
			t.Errorf("police officer answering: err = %v", err)
		}
		if err := e.store.ResolveEscalation(ctx, e.user(t, "scrutiny"), esc.ID, "", nil); vigil.ErrorCode(err) != vigil.EINVALID {
			t.Errorf("answering without a decision: err = %v", err)
		}
		items, err := e.store.Escalations(ctx, e.user(t, "scrutiny"))
		if err != nil || len(items) == 0 {
			t.Fatalf("scrutiny's escalations: %v, %d", err, len(items))
		}
		if err := e.store.ResolveEscalation(ctx, e.user(t, "scrutiny"), esc.ID, "Director to report to the panel on referral delays", nil); err != nil {
			t.Fatal(err)
		}
		if d := e.detail(t, cs.ID); d.Escalations[0].Status != vigil.EscalationResolved {
			t.Errorf("escalation status %s after the decision", d.Escalations[0].Status)
		}
		e.verify(t)
	})
}

func TestTransfer(t *testing.T) {
	engines(t, func(t *testing.T, e *env) {
		ctx := context.Background()
		cs := e.raise(t, time.Hour)
		duty, sw := e.user(t, "duty.manager"), e.user(t, "social.worker")
		if _, err := e.store.OfferTransfer(ctx, duty, cs.ID, e.user(t, "investigator").ID, "x"); vigil.ErrorCode(err) != vigil.EINVALID {
			t.Errorf("transfer to an investigator: err = %v", err)
		}
		tr, err := e.store.OfferTransfer(ctx, duty, cs.ID, sw.ID, "Allocated for assessment")
		if err != nil {
			t.Fatal(err)
		}
		if _, err := e.store.OfferTransfer(ctx, duty, cs.ID, sw.ID, "again"); vigil.ErrorCode(err) != vigil.ECONFLICT {
			t.Errorf("second pending offer: err = %v", err)
		}
		if err := e.store.AnswerTransfer(ctx, duty, tr.ID, true, ""); vigil.ErrorCode(err) != vigil.ENOTFOUND {
			t.Errorf("someone else accepting: err = %v", err)
		}
		if err := e.store.AnswerTransfer(ctx, sw, tr.ID, false, ""); vigil.ErrorCode(err) != vigil.EINVALID {
			t.Errorf("refusing without a reason: err = %v", err)
		}
		if err := e.store.AnswerTransfer(ctx, sw, tr.ID, false, "My caseload is full"); err != nil {
			t.Fatal(err)
		}
		d := e.detail(t, cs.ID)
		if d.OwnerID != duty.ID || len(d.Escalations) != 1 || d.Escalations[0].Kind != vigil.EscalationTransferRefused {
			t.Fatalf("after refusal: owner %s, escalations %+v", d.OwnerID, d.Escalations)
		}
		tr, err = e.store.OfferTransfer(ctx, duty, cs.ID, sw.ID, "Allocated after review")
		if err != nil {
			t.Fatal(err)
		}
		if err := e.store.AnswerTransfer(ctx, sw, tr.ID, true, ""); err != nil {
			t.Fatal(err)
		}
		if d := e.detail(t, cs.ID); d.OwnerID != sw.ID || d.TeamID != e.town.Teams["assessment"].ID {
			t.Errorf("after acceptance: owner %s team %s", d.OwnerID, d.TeamID)
		}
		e.verify(t)
	})
}

func TestSuspensionHandsCasesOver(t *testing.T) {
	engines(t, func(t *testing.T, e *env) {
		ctx := context.Background()
		l := e.town.Login("duty.manager")
		token, _, err := e.store.SignIn(ctx, l.Username, l.Password)
		if err != nil {
			t.Fatal(err)
		}
		token = e.completeSignIn(t, token, l)
		cs := e.raise(t, time.Hour)
		if err := e.store.SetUserStatus(ctx, e.user(t, "social.worker"), l.User.ID, vigil.UserSuspended, "x"); vigil.ErrorCode(err) != vigil.EFORBIDDEN {
			t.Errorf("a social worker suspending someone: err = %v", err)
		}
		if err := e.store.SetUserStatus(ctx, e.user(t, "admin"), l.User.ID, vigil.UserSuspended, "Pending investigation"); err != nil {
			t.Fatal(err)
		}
		if _, err := e.store.UserBySession(ctx, token); vigil.ErrorCode(err) != vigil.EUNAUTHORIZED {
			t.Errorf("suspended person's session still works: %v", err)
		}
		manager := e.town.Login("service.manager").User
		if d := e.detail(t, cs.ID); d.OwnerID != manager.ID {
			t.Errorf("case owner after suspension = %s, want the manager %s", d.OwnerID, manager.ID)
		}
		var open int
		e.db.Reader.QueryRow(e.db.Rebind(`SELECT COUNT(*) FROM cases WHERE owner_id = ? AND status = 'open'`), l.User.ID).Scan(&open)
		if open != 0 {
			t.Errorf("the suspended person still owns %d open cases", open)
		}
		e.verify(t)
	})
}

func TestMissingEpisodes(t *testing.T) {
	engines(t, func(t *testing.T, e *env) {
		ctx := context.Background()
		cs := e.raise(t, time.Hour)
		police := e.user(t, "police.officer")
		duty := e.user(t, "duty.manager")
		// The police officer cannot see the case until referred; the owner records the episodes.
		if _, err := e.store.RecordMissing(ctx, police, cs.ID, vigil.Now().Add(-time.Hour), "Reported missing by carer"); vigil.ErrorCode(err) != vigil.ENOTFOUND {
			t.Errorf("police outside the case: err = %v", err)
		}
		now := vigil.Now()
		var last *vigil.MissingEpisode
		for i, ago := range []int{20, 9, 2} {
			ep, err := e.store.RecordMissing(ctx, duty, cs.ID, now.AddDate(0, 0, -ago), "Missing overnight, seen near the bus station")
			if err != nil {
				t.Fatal(err)
			}
			if i < 2 && openKinds(e.detail(t, cs.ID))["strategy_discussion"] != nil {
				t.Errorf("strategy discussion started after %d episodes", i+1)
			}
			last = ep
		}
		if openKinds(e.detail(t, cs.ID))["strategy_discussion"] == nil {
			t.Error("three missing episodes in 30 days did not start a strategy discussion")
		}
		if err := e.store.RecordReturn(ctx, duty, last.ID, now.AddDate(0, 0, -3)); vigil.ErrorCode(err) != vigil.EINVALID {
			t.Errorf("return before going missing: err = %v", err)
		}
		returned := now.Add(-time.Hour)
		if err := e.store.RecordReturn(ctx, duty, last.ID, returned); err != nil {
			t.Fatal(err)
		}
		rhi := openKinds(e.detail(t, cs.ID))["return_interview"]
		if rhi == nil || !rhi.Due.Equal(returned.Add(72*time.Hour).UTC().Truncate(time.Microsecond)) {
			t.Fatalf("return interview deadline = %+v, want 72 hours after the return", rhi)
		}
		if _, err := e.store.RecordDecision(ctx, duty, cs.ID, vigil.NewDecision{Kind: vigil.DecideReturnInterview, Outcome: "held", Reason: "Spoke with the child at school"}); err != nil {
			t.Fatal(err)
		}
		// The strategy discussion the pattern started can be held outside the section 47 route.
		if _, err := e.store.RecordDecision(ctx, duty, cs.ID, vigil.NewDecision{Kind: vigil.DecideStrategy, Outcome: "no_section47", Reason: "Safety plan agreed"}); err != nil {
			t.Fatal(err)
		}
		open := openKinds(e.detail(t, cs.ID))
		if open["return_interview"] != nil || open["strategy_discussion"] != nil {
			t.Errorf("deadlines still open: %v", open)
		}
		e.verify(t)
	})
}

func TestReferralAcknowledgement(t *testing.T) {
	engines(t, func(t *testing.T, e *env) {
		ctx := context.Background()
		cs := e.raise(t, time.Hour)
		duty, police := e.user(t, "duty.manager"), e.user(t, "police.officer")
		r, err := e.store.SendReferral(ctx, duty, cs.ID, e.town.Agencies[vigil.AgencyPolice].ID, "Vehicle seen; please check the plate")
		if err != nil {
			t.Fatal(err)
		}
		d := e.detail(t, cs.ID)
		if openKinds(d)["referral_acknowledgement"] == nil || len(d.Shares) != 1 || !d.Shares[0].Share {
			t.Fatalf("after referral: deadlines %v, shares %+v", openKinds(d), d.Shares)
		}
		if err := e.store.AcknowledgeReferral(ctx, e.user(t, "school.dsl"), r.ID); vigil.ErrorCode(err) != vigil.ENOTFOUND {
			t.Errorf("another agency acknowledging: err = %v", err)
		}
		if err := e.store.AcknowledgeReferral(ctx, police, r.ID); err != nil {
			t.Fatal(err)
		}
		if openKinds(e.detail(t, cs.ID))["referral_acknowledgement"] != nil {
			t.Error("acknowledgement deadline still open")
		}
		if err := e.store.RecordShareDecision(ctx, duty, cs.ID, e.town.Agencies[vigil.AgencyEducation].ID, false, "Not needed for the school's role"); err != nil {
			t.Fatal(err)
		}
		e.verify(t)
	})
}

func TestScreening(t *testing.T) {
	engines(t, func(t *testing.T, e *env) {
		ctx := context.Background()
		cs := e.raise(t, time.Hour)
		sc, err := e.store.RecordScreening(ctx, e.user(t, "duty.manager"), cs.ID, vigil.NewScreening{
			Scores: map[string]vigil.Score{"missing": vigil.ScoreHigh, "cars": vigil.ScoreMedium, "gifts": vigil.ScoreMedium},
			Notes:  "Three episodes; gifts of phones; cars at the school gate"})
		if err != nil {
			t.Fatal(err)
		}
		if sc.Level != vigil.RiskHigh {
			t.Errorf("level %s, want high", sc.Level)
		}
		if d := e.detail(t, cs.ID); d.Screening == nil || d.Screening.Level != vigil.RiskHigh || d.Screening.Scores["missing"] != vigil.ScoreHigh {
			t.Errorf("case screening = %+v", d.Screening)
		}
		if _, err := e.store.RecordScreening(ctx, e.user(t, "duty.manager"), cs.ID, vigil.NewScreening{Scores: map[string]vigil.Score{"astrology": "high"}}); vigil.ErrorCode(err) != vigil.EINVALID {
			t.Errorf("unknown indicator: err = %v", err)
		}
	})
}

// TestLoopholes covers ways round the rules that review found.
func TestLoopholes(t *testing.T) {
	engines(t, func(t *testing.T, e *env) {
		ctx := context.Background()
		duty := e.user(t, "duty.manager")

		// Backdating a late decision to before the concern arrived is refused,
		// and backdating it to on time still needs a reason.
		cs := e.raise(t, 8*24*time.Hour)
		if _, err := e.store.RecordDecision(ctx, duty, cs.ID, vigil.NewDecision{Kind: vigil.DecideReferral, Outcome: "assessment",
			Reason: "x", At: cs.ReceivedAt.Add(-time.Hour)}); vigil.ErrorCode(err) != vigil.EINVALID || vigil.ErrorFields(err)[0].Field != "at" {
			t.Errorf("decision dated before the concern: err = %v", err)
		}
		if _, err := e.store.RecordDecision(ctx, duty, cs.ID, vigil.NewDecision{Kind: vigil.DecideReferral, Outcome: "assessment",
			Reason: "x", At: cs.ReceivedAt.Add(time.Hour)}); vigil.ErrorCode(err) != vigil.EINVALID || vigil.ErrorFields(err)[0].Field != "late_reason" {
			t.Errorf("backdated decision recorded after the deadline, without a reason: err = %v", err)
		}

		// A social worker in the team cannot hand a case to themselves.
		cs2 := e.raise(t, time.Hour)
		sw2 := e.user(t, "social.worker2")
		if _, err := e.store.OfferTransfer(ctx, sw2, cs2.ID, sw2.ID, "mine now"); vigil.ErrorCode(err) != vigil.EFORBIDDEN {
			t.Errorf("social worker transferring a case they do not own: err = %v", err)
		}

		// A referral lets the receiving agency see the case; a transfer to
		// another agency's officer keeps the case with its lead agency.
		police := e.user(t, "police.officer")
		if _, err := e.store.FindCase(ctx, police, cs2.ID, "test"); vigil.ErrorCode(err) != vigil.ENOTFOUND {
			t.Fatalf("police before referral: err = %v", err)
		}
		if _, err := e.store.SendReferral(ctx, duty, cs2.ID, police.User.AgencyID, "Joint visit needed"); err != nil {
			t.Fatal(err)
		}
		if _, err := e.store.FindCase(ctx, police, cs2.ID, "test"); err != nil {
			t.Errorf("police after referral: %v", err)
		}
		tr, err := e.store.OfferTransfer(ctx, duty, cs2.ID, police.ID, "Police lead while the investigation runs")
		if err != nil {
			t.Fatal(err)
		}
		if err := e.store.AnswerTransfer(ctx, police, tr.ID, true, ""); err != nil {
			t.Fatal(err)
		}
		if _, err := e.store.FindCase(ctx, e.user(t, "director"), cs2.ID, "test"); err != nil {
			t.Errorf("the director lost sight of a case transferred to the police: %v", err)
		}

		// An escalation of a deadline that is cancelled is resolved, not climbed to oversight.
		cs3 := e.raise(t, time.Hour)
		for _, st := range [][2]string{{vigil.DecideReferral, "section47"}, {vigil.DecideStrategy, "section47"}} {
			if _, err := e.store.RecordDecision(ctx, duty, cs3.ID, vigil.NewDecision{Kind: st[0], Outcome: st[1], Reason: "risk"}); err != nil {
				t.Fatal(err)
			}
		}
		conf := openKinds(e.detail(t, cs3.ID))["initial_conference"]
		late := conf.Due.Add(time.Hour)
		if _, err := e.store.Sweep(ctx, late); err != nil {
			t.Fatal(err)
		}
		if _, err := e.store.RecordDecision(ctx, duty, cs3.ID, vigil.NewDecision{Kind: vigil.DecideSection47, Outcome: "no_conference", Reason: "Enquiry found no significant harm"}); err != nil {
			t.Fatal(err)
		}
		for _, esc := range e.detail(t, cs3.ID).Escalations {
			if esc.DeadlineID == conf.ID && esc.Status != vigil.EscalationResolved {
				t.Errorf("escalation of a cancelled deadline is %s", esc.Status)
			}
		}

		// The owner cannot extend their own missed deadline.
		cs4 := e.raise(t, 5*24*time.Hour)
		if _, err := e.store.Sweep(ctx, vigil.Now()); err != nil {
			t.Fatal(err)
		}
		esc := e.detail(t, cs4.ID).Escalations[0]
		later := vigil.Now().AddDate(0, 0, 30)
		if err := e.store.ResolveEscalation(ctx, duty, esc.ID, "Will do it next month", &later); vigil.ErrorCode(err) != vigil.EINVALID {
			t.Errorf("owner extending their own deadline: err = %v", err)
		}
		if err := e.store.ResolveEscalation(ctx, e.user(t, "service.manager"), esc.ID, "Extended: family on holiday", &later); err != nil {
			t.Errorf("manager extending: %v", err)
		}
		e.verify(t)
	})
}
