package synth

import (
	"context"
	"fmt"
	"time"

	"github.com/vigil-project/vigil"
)

// Oversight is what SeedOversight needs of a store.
type Oversight interface {
	vigil.DemographicsService
	vigil.ActionPlanService
	Sweep(ctx context.Context, now time.Time) (vigil.SweepResult, error)
}

// SeedOversight gives the demo what oversight needs: the ethnicity and
// nationality of the town's children and some suspects, drawn from the
// town's mix for statistics only, and an action plan answering the Jay
// report whose actions stand at every stage, one of them overdue and
// escalating. At most maxCases cases get demographics.
func SeedOversight(ctx context.Context, svc Oversight, town *Town, seed uint64) error {
	r := newRNG(seed, 0x0e75167)
	recorder := town.Login("duty.manager")
	if recorder == nil {
		return fmt.Errorf("synth: no duty manager to record demographics")
	}
	const maxCases = 400
	draw := func() (string, string) {
		e := ethnicMix[r.weighted(ethnicWeights)]
		nat := "GB"
		if len(e.nat) > 0 && r.chance(0.3) {
			nat = pick(r, e.nat)
		}
		if r.chance(0.05) {
			return string(EthNotStated), vigil.NationalityNotStated
		}
		return string(e.eth), nat
	}
	for i, c := range town.Cases {
		if i >= maxCases {
			break
		}
		eth, nat := draw()
		if _, err := svc.RecordDemographics(ctx, vigil.UserActor(recorder.User), c.ID,
			vigil.NewDemographics{Subject: vigil.SubjectChild, Ethnicity: eth, Nationality: nat}); err != nil {
			return fmt.Errorf("synth: demographics of %s: %w", c.Ref, err)
		}
		if r.chance(0.3) {
			eth, nat := draw()
			if _, err := svc.RecordDemographics(ctx, vigil.UserActor(recorder.User), c.ID,
				vigil.NewDemographics{Subject: vigil.SubjectSuspect, Ethnicity: eth, Nationality: nat}); err != nil {
				return fmt.Errorf("synth: suspect of %s: %w", c.Ref, err)
			}
		}
	}
	return seedPlan(ctx, svc, town)
}

// jayRecommendations paraphrase recommendations of the Independent Inquiry
// into Child Sexual Exploitation in Rotherham 1997-2013 (Jay, 2014).
var jayRecommendations = []struct{ number, text string }{
	{"1", "Draw up and carry out a comprehensive plan for child sexual exploitation that covers every agency, with clear accountability for delivering it."},
	{"2", "Make sure that children looked after and placed outside the area are supported, and that the risks to them are assessed and reviewed."},
	{"3", "Make sure every child who goes missing is offered a return interview, and that what is learnt is used to find patterns of exploitation."},
	{"4", "Engage directly with the area's minority ethnic communities to raise awareness of child sexual exploitation, without stereotyping any community."},
	{"5", "Keep post-abuse support services for victims and survivors, and fund them for the long term."},
	{"6", "Make sure that scrutiny of child protection is robust, and that elected members understand child sexual exploitation."},
}

// seedPlan enters the plan and moves its actions to every stage.
func seedPlan(ctx context.Context, svc Oversight, town *Town) error {
	login := func(name string) vigil.Actor { return vigil.UserActor(town.Login(name).User) }
	plan, err := svc.CreatePlan(ctx, login("commissioner"), vigil.NewActionPlan{
		Title:  "Response to the Independent Inquiry into Child Sexual Exploitation",
		Report: "Independent Inquiry into Child Sexual Exploitation in Rotherham 1997-2013 (Alexis Jay, 2014)", ReportDate: "2014-08-26", Public: true})
	if err != nil {
		return fmt.Errorf("synth: plan: %w", err)
	}
	recs := map[string]*vigil.Recommendation{}
	for _, jr := range jayRecommendations {
		rec, err := svc.AddRecommendation(ctx, login("scrutiny"), plan.ID, vigil.NewRecommendation{Number: jr.number, Text: jr.text})
		if err != nil {
			return fmt.Errorf("synth: recommendation: %w", err)
		}
		recs[jr.number] = rec
	}
	now := vigil.Now()
	day := 24 * time.Hour
	type step struct {
		rec, title, owner, evidence string
		due                         time.Duration
		progress                    string // in_progress, done or signed_off
	}
	steps := []step{
		{"1", "Publish a multi-agency CSE strategy with measures of success", "director", "The strategy, signed by each agency's lead, with its measures", -40 * day, ""},
		{"2", "Review every out-of-area placement's risk assessment", "service.manager", "The review's report to the scrutiny panel", 60 * day, "in_progress"},
		{"3", "Offer a return home interview to every child within 72 hours", "police.officer", "Monthly figures of interviews offered and held", -10 * day, "done"},
		{"3", "Share what return interviews learn with the police analyst every week", "team.manager", "Minutes of the weekly exploitation meeting", 30 * day, ""},
		{"5", "Commission post-abuse support for three years", "director", "The signed contract", -100 * day, "signed_off"},
		{"6", "Train every councillor on child sexual exploitation", "service.manager", "Attendance records of the training", -5 * day, ""},
	}
	for _, st := range steps {
		a, err := svc.AddAction(ctx, login("commissioner"), recs[st.rec].ID, vigil.NewPlanAction{Title: st.title,
			OwnerID: town.Login(st.owner).User.ID, Due: now.Add(st.due), EvidenceNeeded: st.evidence})
		if err != nil {
			return fmt.Errorf("synth: action: %w", err)
		}
		owner := login(st.owner)
		switch st.progress {
		case "in_progress":
			err = svc.ReportProgress(ctx, owner, a.ID, vigil.ActionProgress{Status: vigil.ActionInProgress, Note: "Half of the placements reviewed"})
		case "done", "signed_off":
			err = svc.ReportProgress(ctx, owner, a.ID, vigil.ActionProgress{Status: vigil.ActionDone, Evidence: st.evidence + ": sent to the panel"})
			if err == nil && st.progress == "signed_off" {
				err = svc.SignOff(ctx, login("scrutiny"), a.ID, true, "Contract seen; services in place.")
			}
		}
		if err != nil {
			return fmt.Errorf("synth: action %q: %w", st.title, err)
		}
	}
	// Sweep as the sweeper would have: the overdue actions escalate and climb.
	for _, days := range []int{-30, -20, -10, 0} {
		if _, err := svc.Sweep(ctx, now.AddDate(0, 0, days)); err != nil {
			return fmt.Errorf("synth: sweep: %w", err)
		}
	}
	return nil
}
