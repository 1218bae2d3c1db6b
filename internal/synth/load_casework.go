package synth

import (
	"context"
	"fmt"
	"time"

	"github.com/vigil-project/vigil"
)

// The casework a loaded town carries beyond the front door's decisions, so
// that a town looks like a council's caseload rather than a list of
// referrals:
//
//   - section 47 enquiries that lead to initial child protection
//     conferences, and plans with their core groups and review conferences
//     (protect);
//   - children in care with a looked-after episode and its reviews, the
//     case staying open while they are in care (lookedAfter);
//   - repeated missing reports about a child landing on that child's open
//     case, where three within 30 days start a strategy discussion
//     (attach);
//   - CSE screenings, referrals to the police (some never acknowledged)
//     and transfers to a social worker (some never answered) on open
//     recent cases (extras).
//
// The front door knows the children it works with: a missing report about
// a child with an open case is recorded on that case, and the council
// knows which children it looks after. The loader takes both from the
// world (Report.Truth.Child, Person.Placements), as a council's own
// records would give them. Nothing here records a link between reports:
// every report stays a concern of its own with its mentions as written,
// and linking must still find who is who.

// protect plans an initial child protection conference after a section 47
// enquiry, and, for most, a plan: the first core group, then review
// conferences until the plan ends. Every meeting is held in time.
func (l *loader) protect(out *[]step, at *time.Time) {
	r := l.r
	add := func(kind, outcome, reason string) {
		*out = append(*out, step{at: *at, kind: kind, outcome: outcome, reason: reason})
	}
	strategy := *at
	*at = at.Add(time.Duration(r.between(3, 8)) * 24 * time.Hour)
	add(vigil.DecideSection47, "conference", "Enquiry substantiated: an initial child protection conference is convened")
	// Within 15 working days of the strategy discussion.
	conf := l.cal.AddWorkingDays(strategy, r.between(9, 14)).Add(-time.Duration(r.between(4, 9)) * time.Hour)
	*at = latest(conf, at.Add(time.Hour))
	if r.chance(0.25) {
		add(vigil.DecideConference, "no_plan", "Conference: threshold for a plan not met; child in need plan instead")
		return
	}
	add(vigil.DecideConference, "protection_plan", "Conference: child protection plan; police, school and health in the core group")
	conf = *at
	// The first core group within 10 working days of the conference.
	*at = latest(l.cal.AddWorkingDays(conf, r.between(3, 9)).Add(-time.Duration(r.between(4, 9))*time.Hour), conf.Add(time.Hour))
	add(vigil.DecideCoreGroup, "held", "First core group: the plan agreed with the family, school and police")
	// Review conferences: the first within 3 months, then every 6.
	last := conf
	for n := 0; ; n++ {
		months := 6
		if n == 0 {
			months = 3
		}
		*at = latest(l.cal.AddMonths(last, months).Add(-time.Duration(r.between(2, 20))*24*time.Hour), at.Add(time.Hour))
		last = *at
		if n == 2 || r.chance(0.5) {
			add(vigil.DecideReview, "end_plan", "Review conference: risk reduced; the plan ends and child in need support continues")
			return
		}
		add(vigil.DecideReview, "continue_plan", "Review conference: the plan continues")
	}
}

// lookedAfter adds, for a child in care when the report came and whose
// looked-after episode is on no case yet, the episode to this case: its
// start just after the referral decision, reviews in time (20 working
// days, 3 months, then every 6 months) and its end when the child leaves
// care. It returns when the episode ended (zero if there was none), and
// whether the child is still in care at the end of the period, when the
// case must stay open.
func (l *loader) lookedAfter(rep *Report, out *[]step) (end time.Time, inCare bool) {
	child := l.people[rep.Truth.Child]
	if child == nil || !child.InCareAt(rep.At) || l.lac[child.ID] || len(*out) == 0 {
		return time.Time{}, false
	}
	r := l.r
	start := (*out)[0].at.Add(time.Duration(r.between(1, 4)) * time.Hour)
	leaves := careEnd(child, rep.At)
	if adult := child.DOB.AddDate(18, 0, 0); leaves.IsZero() || leaves.After(adult) {
		leaves = adult // care ends at 18 (leaving-care support is another service)
	}
	if !leaves.IsZero() && !leaves.After(start) {
		return time.Time{}, false // left care before the case got going
	}
	l.lac[child.ID] = true
	add := func(at time.Time, kind, outcome, reason string) {
		*out = append(*out, step{at: at, kind: kind, outcome: outcome, reason: reason})
	}
	add(start, vigil.DecideLookedAfterStart, "started", "The child is looked after: placement recorded on this case")
	at := l.cal.AddWorkingDays(start, r.between(10, 19)).Add(-time.Duration(r.between(4, 9)) * time.Hour)
	for n := 0; leaves.IsZero() || at.Before(leaves); n++ {
		if at.After(l.w.End) {
			return time.Time{}, true
		}
		add(at, vigil.DecideLookedAfterReview, "held", "Looked-after review with the independent reviewing officer")
		months := 6
		if n == 0 {
			months = 3
		}
		at = l.cal.AddMonths(at, months).Add(-time.Duration(r.between(2, 20)) * 24 * time.Hour)
	}
	add(leaves, vigil.DecideLookedAfterEnd, "ended", "The child left care")
	return leaves, false
}

// careEnd returns when a child in care at t next lived at home, or zero.
func careEnd(p *Person, t time.Time) time.Time {
	for _, pl := range p.Placements {
		if pl.From.After(t) && pl.Setting == nil {
			return pl.From
		}
	}
	return time.Time{}
}

// attach records a recent missing report's episode on the child's open
// recent case, if the child has one that stays open until the episode and
// its return interview are over, and reports whether it did. The case also
// takes the return interview planned for this report. Three episodes within
// 30 days start a strategy discussion (RecordMissing), so such a case is
// kept open with a screening, whatever closure was planned.
func (l *loader) attach(rep *Report, steps []step) bool {
	child := rep.Truth.Child
	h := l.home[child]
	if child == "" || h == nil {
		return false
	}
	end := latest(rep.Missing.From, rep.Missing.Returned)
	for _, s := range steps {
		if s.returnInterview {
			end = latest(end, s.at)
		}
	}
	for _, s := range h.steps {
		if s.kind == vigil.DecideCloseRequest && !s.at.After(end) {
			return false
		}
	}
	h.missing = append(h.missing, rep.Missing)
	for _, s := range steps {
		if s.returnInterview {
			h.steps = append(h.steps, s)
		}
	}
	n := 0
	for _, m := range h.missing {
		if !m.From.After(rep.Missing.From) && m.From.After(rep.Missing.From.AddDate(0, 0, -30)) {
			n++
		}
	}
	if n >= 3 {
		kept := h.steps[:0]
		for _, s := range h.steps {
			if s.kind != vigil.DecideCloseRequest && s.kind != vigil.DecideCloseApproval {
				kept = append(kept, s)
			}
		}
		h.steps = kept
		h.extra.screen = l.screening(rep, len(h.missing))
	}
	sortSteps(h.steps)
	return true
}

// recordedElsewhere is the casework of a missing report recorded on the
// child's open case: no further action on its own case, which closes.
func (l *loader) recordedElsewhere(rep *Report) []step {
	r := l.r
	at := rep.At.Add(time.Duration(r.between(30, 300)) * time.Minute)
	out := []step{{at: at, kind: vigil.DecideReferral, outcome: "no_further_action", reason: "Recorded on the child's open case"}}
	at = at.Add(time.Duration(r.between(1, 6)) * time.Hour)
	out = append(out, step{at: at, kind: vigil.DecideCloseRequest, outcome: "requested", reason: "Duplicate of the open case; closure requested"})
	at = at.Add(time.Duration(r.between(1, 20)) * time.Hour)
	out = append(out, step{at: at, kind: vigil.DecideCloseApproval, outcome: "approved", reason: "Agreed", approve: true})
	return out
}

// extraWork is what is done on an open recent case besides decisions.
type extraWork struct {
	screen           map[string]vigil.Score // a CSE screening, if any
	refer, ack       bool                   // a referral to the police, acknowledged or not
	transfer, accept bool                   // offered to a social worker, accepted or not
}

// liveCase plans a recent report's live casework, and makes it the
// child's open case for later missing reports.
func (l *loader) liveCase(rep *Report, steps []step) *liveCase {
	r := l.r
	lc := &liveCase{steps: steps}
	if rep.Missing != nil {
		lc.missing = []*MissingEpisode{rep.Missing}
	}
	if screenable(rep) && r.chance(0.6) {
		lc.extra.screen = l.screening(rep, len(lc.missing))
	}
	if (screenable(rep) || rep.Category == CatPhysicalAbuse) && r.chance(0.5) {
		lc.extra.refer, lc.extra.ack = true, r.chance(0.6)
	}
	if len(steps) > 0 && r.chance(0.3) {
		lc.extra.transfer, lc.extra.accept = true, r.chance(0.6)
	}
	if child := rep.Truth.Child; child != "" {
		l.home[child] = lc
	}
	return lc
}

// screenable reports whether a report's category is one a CSE screening
// is for.
func screenable(rep *Report) bool {
	return rep.Category == CatCSE || rep.Category == CatMissing || rep.Category == CatSexualHealth
}

// screeningIndicators are the indicators a screening of each category of
// report scores, besides going missing.
var screeningIndicators = map[Category][]string{
	CatCSE:          {"older_boyfriend", "gifts", "cars", "taxis", "hotels", "takeaways", "substances"},
	CatMissing:      {"cars", "substances", "truancy", "older_boyfriend"},
	CatSexualHealth: {"sexual_health", "older_boyfriend", "gifts"},
}

// screening scores a CSE screening for a report, with episodes missing
// episodes on the case.
func (l *loader) screening(rep *Report, episodes int) map[string]vigil.Score {
	r := l.r
	scores := map[string]vigil.Score{}
	switch {
	case episodes >= 3:
		scores["missing"] = vigil.ScoreHigh
	case episodes > 0:
		scores["missing"] = vigil.ScoreMedium
	}
	levels := []vigil.Score{vigil.ScoreLow, vigil.ScoreMedium, vigil.ScoreHigh}
	inds := screeningIndicators[rep.Category]
	for range r.between(1, 4) {
		if len(inds) > 0 {
			scores[pick(r, inds)] = pick(r, levels)
		}
	}
	if len(scores) == 0 {
		scores["online"] = vigil.ScoreLow
	}
	return scores
}

// extras does an open recent case's extra work, as of now.
func (l *loader) extras(ctx context.Context, lc *liveCase) error {
	duty := vigil.UserActor(l.dutyUser)
	x := lc.extra
	if x.screen != nil {
		if _, err := l.st.RecordScreening(ctx, duty, lc.caseID, vigil.NewScreening{Scores: x.screen,
			Notes: "Screened from the referral, the missing reports and what the school reports"}); err != nil {
			return fmt.Errorf("screening: %w", err)
		}
	}
	if x.refer {
		ref, err := l.st.SendReferral(ctx, duty, lc.caseID, l.town.Agencies[vigil.AgencyPolice].ID,
			"Please check the adults and vehicles named in the concern against police records")
		if err != nil {
			return fmt.Errorf("referral: %w", err)
		}
		if x.ack {
			if err := l.st.AcknowledgeReferral(ctx, vigil.UserActor(l.town.Login("police.officer").User), ref.ID); err != nil {
				return fmt.Errorf("acknowledge referral: %w", err)
			}
		}
	}
	if x.transfer {
		sw := l.town.Login("social.worker").User
		tr, err := l.st.OfferTransfer(ctx, duty, lc.caseID, sw.ID, "Allocated to the assessment team for ongoing work")
		if err != nil {
			return fmt.Errorf("transfer: %w", err)
		}
		if x.accept {
			if err := l.st.AnswerTransfer(ctx, vigil.UserActor(sw), tr.ID, true, "Accepted: I will visit this week"); err != nil {
				return fmt.Errorf("accept transfer: %w", err)
			}
		}
	}
	return nil
}
