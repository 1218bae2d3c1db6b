package synth

import (
	"time"

	"github.com/vigil-project/vigil"
)

// What happened to a report after it was made: who raised it, whether it
// was acted on, whether it was withdrawn, and when a missing child came
// back. A loader replays these; the application sees only the casework.

// missing records the episode of a missing person report.
func (rc *renderer) missing() {
	rep := rc.rep
	d := rc.missingFor()
	// Reported an hour or more after the child was last seen, and before
	// the child came back.
	gap := time.Duration(1+rc.r.IntN(8)) * time.Hour
	if gap >= d {
		gap = d / 2
	}
	from := rc.at.Add(-gap)
	ep := &MissingEpisode{From: from, FromCare: rc.inCare}
	if back := from.Add(d); back.Before(rc.w.End) {
		ep.Returned = back
	}
	rep.Missing = ep
}

// raiser returns the member of staff who raised a professional report.
func (rc *renderer) raiser() *Staff {
	g, r, c := rc.g, rc.r, rc.child
	var teams []string
	switch rc.wr {
	case wPolice:
		teams = []string{"response", "response", "public_protection"}
		if rc.info.cat == CatCSE && !g.teams["cse_unit"].From.After(rc.at) {
			teams = []string{"cse_unit", "public_protection", "response"}
		}
	case wSocial:
		teams = []string{"front_door", "assessment"}
		switch {
		case rc.ev.kind == evCSETaxi && rc.home != nil && rc.home.Manager != nil:
			if s := rc.home.Manager.HolderAt(rc.at); s != nil {
				return s
			}
		case rc.ev.kind == evReturnInterview && !g.teams["exploitation"].From.After(rc.at):
			teams = []string{"exploitation"}
		case rc.inCare:
			teams = []string{"children_in_care"}
		}
	case wSchool:
		if c != nil {
			if s := rc.school; s != nil && s.DSL != nil {
				if st := s.DSL.HolderAt(rc.at); st != nil {
					return st
				}
			}
		}
		teams = []string{"education_welfare"}
	case wHealth:
		teams = []string{"emergency", "school_nursing", "general_practice", "health_safeguarding"}
		if rc.ev.kind == evCSEHealth {
			teams = []string{"sexual_health", "emergency"}
		}
	default:
		return nil
	}
	for range 8 {
		t := g.teams[pick(r, teams)]
		if len(t.Posts) == 0 || t.From.After(rc.at) {
			continue
		}
		if s := pick(r, t.Posts).HolderAt(rc.at); s != nil {
			return s
		}
	}
	return nil
}

// handling decides what the receiving agency did. Early in the period
// concerns about exploitation were often brushed off or never decided,
// as the inquiries found; later fewer were.
func (rc *renderer) handling() Handling {
	r := rc.r
	frac := float64(rc.at.Sub(rc.w.Start)) / float64(rc.w.End.Sub(rc.w.Start))
	never, late, nfa := 0.03, 0.12, 0.25
	switch {
	case rc.info.kind == KindIntelligence:
		never, late, nfa = 0.25-0.15*frac, 0.1, 0.4
	case rc.info.cat == CatCSE && frac < 0.6:
		never, late, nfa = 0.18, 0.2, 0.4
	case rc.info.cat == CatCSE:
		never, late, nfa = 0.05, 0.12, 0.2
	}
	if rc.wr >= wPublic && frac < 0.6 {
		never += 0.05
	}
	switch x := r.Float64(); {
	case x < never:
		return HandlingNeverActed
	case x < never+late:
		return HandlingLate
	case x < never+late+nfa:
		return HandlingNoFurtherAction
	}
	return HandlingActed
}

// retraction withdraws some reports: most often a young person's
// disclosure of exploitation, taken back under pressure.
func (rc *renderer) retraction() {
	r := rc.r
	p := 0.0
	switch {
	case rc.ev.kind == evCSEDisclosure:
		p = 0.4
	case rc.wr == wYoung:
		p = 0.05
	case rc.wr == wPublic:
		p = 0.02
	}
	if !r.chance(p) {
		return
	}
	at := rc.at.Add(time.Duration(r.between(2, 40)*24+r.IntN(10)) * time.Hour)
	if !at.Before(rc.w.End) {
		return
	}
	ts := retractions
	if rc.wr == wPublic || rc.child == nil {
		ts = publicRetractions
	}
	t := rc.choose(ts)
	if t == nil {
		t = publicRetractions[0]
	}
	saved := rc.text
	rc.text = nil
	rc.say(t)
	rc.rep.Retracted = &Retraction{At: at, Text: string(rc.text)}
	rc.text = saved
}

// dayTime returns midnight of day d of the world's period.
func (w *World) dayTime(d int) time.Time {
	y, m, dd := w.Start.Date()
	return time.Date(y, m, dd+d, 0, 0, 0, 0, vigil.London)
}
