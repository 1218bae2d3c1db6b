package synth

import (
	"context"
	"fmt"
	mrand "math/rand/v2"
	"time"

	"github.com/vigil-project/vigil"
)

// Progress takes a seeded town's cases (see Seed) along the statutory
// workflow, as a busy front door would have over the past months: some
// decided on time, some late with a reason, some never decided;
// assessments, section 47 enquiries, conferences and plans; missing
// episodes; screenings. It then sweeps at several past times, so that
// overdue work and live escalations stand at several rungs of the ladder.
// The demo loads a generated world instead (Load); the oversight tests of
// sqlstore, web and e2e use this small, quick one.
func Progress(ctx context.Context, svc Casework, town *Town, seed uint64) error {
	r := mrand.New(mrand.NewPCG(seed, seed^0x5851f42d4c957f2d))
	duty := vigil.UserActor(town.Login("duty.manager").User)
	sw := town.Login("social.worker").User
	now := vigil.Now()
	for i, c := range town.Cases {
		path := i % 10
		at := c.ReceivedAt.Add(time.Duration(2+r.IntN(20)) * time.Hour)
		step := func(kind, outcome, reason string) error {
			if at.After(now) {
				return errStop
			}
			_, err := svc.RecordDecision(ctx, duty, c.ID, vigil.NewDecision{Kind: kind, Outcome: outcome, Reason: reason, At: at,
				LateReason: "Referrals backlog in the front door that week"})
			if err != nil {
				return fmt.Errorf("synth: case %s %s/%s: %w", c.Ref, kind, outcome, err)
			}
			at = at.Add(time.Duration(1+r.IntN(6)) * 24 * time.Hour)
			return nil
		}
		var err error
		switch path {
		case 0, 1: // never decided: the oldest escalate furthest
		case 2: // no further action, closed with a manager's approval
			if err = step(vigil.DecideReferral, "no_further_action", "Information shared with the school; no role for social care"); err == nil {
				err = step(vigil.DecideCloseRequest, "requested", "No further action agreed with the referrer")
			}
			if err == nil {
				_, err = svc.RecordDecision(ctx, vigil.UserActor(town.Login("team.manager").User), c.ID,
					vigil.NewDecision{Kind: vigil.DecideCloseApproval, Outcome: "approved", Reason: "Agree: threshold not met", At: at})
			}
		case 3, 4, 5: // assessment, some completed
			err = step(vigil.DecideReferral, "assessment", "Needs a child and family assessment")
			if err == nil && path == 3 {
				at = at.Add(30 * 24 * time.Hour)
				err = step(vigil.DecideAssessment, "child_in_need", "Child in need plan: school attendance and family support")
			}
			if err == nil && path == 5 {
				err = allocate(ctx, svc, town, c, sw, "Allocated for assessment")
			}
		case 6, 7, 8: // section 47 route towards a conference and a plan
			err = step(vigil.DecideReferral, "section47", "Risk of child sexual exploitation: older males, cars, missing episodes")
			if err == nil {
				err = step(vigil.DecideStrategy, "section47", "Police and health agree to a joint section 47 enquiry")
			}
			if err == nil && path != 8 {
				err = step(vigil.DecideSection47, "conference", "Significant harm likely: initial conference needed")
			}
			if err == nil && path == 6 {
				err = step(vigil.DecideConference, "protection_plan", "Child protection plan under the category of sexual abuse")
			}
			if err == nil {
				_, err = svc.RecordScreening(ctx, duty, c.ID, vigil.NewScreening{
					Scores: map[string]vigil.Score{"missing": vigil.ScoreHigh, "cars": vigil.ScoreHigh, "gifts": vigil.ScoreMedium},
					Notes:  "Repeated missing episodes; seen getting into cars with older men; new phone and clothes"})
			}
		case 9: // repeated missing episodes start a strategy discussion
			err = step(vigil.DecideReferral, "assessment", "Missing from home repeatedly; assessment needed")
			for k := 3; err == nil && k >= 1; k-- {
				from := now.Add(-time.Duration(k*7) * 24 * time.Hour)
				if from.Before(c.ReceivedAt) {
					break
				}
				var ep *vigil.MissingEpisode
				ep, err = svc.RecordMissing(ctx, duty, c.ID, from, "Reported missing overnight by her carer; found near the bus station")
				if err == nil {
					err = svc.RecordReturn(ctx, duty, ep.ID, from.Add(18*time.Hour))
				}
			}
		}
		if err != nil && err != errStop {
			return err
		}
	}
	// Sweep as the sweeper would have over the last fortnight.
	for _, days := range []int{14, 10, 7, 4, 2, 0} {
		if _, err := svc.Sweep(ctx, now.AddDate(0, 0, -days)); err != nil {
			return fmt.Errorf("synth: sweep: %w", err)
		}
	}
	return nil
}

var errStop = fmt.Errorf("synth: step would be in the future")

// allocate transfers a case from the duty manager to a social worker.
func allocate(ctx context.Context, svc Casework, town *Town, c *vigil.Case, to *vigil.User, reason string) error {
	t, err := svc.OfferTransfer(ctx, vigil.UserActor(town.Login("duty.manager").User), c.ID, to.ID, reason)
	if err != nil {
		return fmt.Errorf("synth: transfer %s: %w", c.Ref, err)
	}
	return svc.AnswerTransfer(ctx, vigil.UserActor(to), t.ID, true, "")
}
