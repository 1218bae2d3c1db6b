package vigil

import (
	"bytes"
	"encoding/json"
	"fmt"
	"strings"
	"time"
)

// Calendar is the working-day calendar the clocks count in
// (internal/workday implements it for England and Wales).
type Calendar interface {
	// AddWorkingDays returns the end of the nth working day after t's date.
	AddWorkingDays(t time.Time, n int) time.Time
	// AddMonths returns the end of the same day of the month, months later.
	AddMonths(t time.Time, months int) time.Time
}

// Period is a length of time in the unit a statutory clock uses: working
// days, calendar months or hours. Exactly one field is set.
type Period struct {
	WorkingDays int `json:"working_days,omitempty"`
	Months      int `json:"months,omitempty"`
	Hours       int `json:"hours,omitempty"`
}

// After returns the deadline that p sets from start.
func (p Period) After(cal Calendar, start time.Time) time.Time {
	switch {
	case p.WorkingDays > 0:
		return cal.AddWorkingDays(start, p.WorkingDays)
	case p.Months > 0:
		return cal.AddMonths(start, p.Months)
	default:
		return start.Add(time.Duration(p.Hours) * time.Hour)
	}
}

func (p Period) String() string {
	switch {
	case p.WorkingDays == 1:
		return "1 working day"
	case p.WorkingDays > 0:
		return fmt.Sprintf("%d working days", p.WorkingDays)
	case p.Months == 1:
		return "1 month"
	case p.Months > 0:
		return fmt.Sprintf("%d months", p.Months)
	}
	return fmt.Sprintf("%d hours", p.Hours)
}

func (p Period) valid() bool {
	n := 0
	for _, v := range []int{p.WorkingDays, p.Months, p.Hours} {
		if v < 0 {
			return false
		} else if v > 0 {
			n++
		}
	}
	return n == 1
}

// ClockRule is one statutory (or local) clock: which event starts it, how
// long it runs, and which event stops it. Rules are data, so that a council
// can add local ones in a rules file without code.
type ClockRule struct {
	Kind  string `json:"kind"`  // the deadline kind, e.g. "assessment"
	Label string `json:"label"` // what people see, e.g. "Assessment complete"
	// StartOn is the event that starts the clock (see the Event* constants).
	StartOn string `json:"start_on"`
	// FromReceived counts from when the concern was first received rather
	// than from the starting event: an assessment is due 45 working days
	// from the referral, not from the decision to assess.
	FromReceived bool `json:"from_received,omitempty"`
	// Schedule is the period of each instance. A met instance starts the
	// next, counted from when it was met, with the next period; the last
	// period repeats (review conferences: 3 months, then every 6 months).
	// A schedule of one period does not repeat unless Repeat is set.
	Schedule []Period `json:"schedule"`
	Repeat   bool     `json:"repeat,omitempty"`
	// MetBy lists the events that meet the clock.
	MetBy []string `json:"met_by"`
	// StopOn lists events that cancel the clock, with no breach (the plan
	// ended, the child left care, the case closed).
	StopOn []string `json:"stop_on,omitempty"`
	// Source says where the rule comes from: statute and guidance, or a
	// local decision of the council.
	Source string `json:"source"`
}

// Events that start, meet and stop clocks. Decisions produce them (see
// workflow.go); missing episodes and care changes do too.
const (
	EvReferralReceived     = "referral.received"
	EvReferralDecided      = "referral.decided"
	EvAssessmentStarted    = "assessment.started"
	EvAssessmentCompleted  = "assessment.completed"
	EvStrategyNeeded       = "strategy.needed"
	EvStrategyHeld         = "strategy.held"
	EvSection47Started     = "section47.started"
	EvConferenceHeld       = "conference.held" // initial child protection conference
	EvConferenceNotNeeded  = "conference.not_needed"
	EvPlanStarted          = "plan.started"
	EvCoreGroupHeld        = "core_group.held"
	EvReviewHeld           = "review_conference.held"
	EvPlanEnded            = "plan.ended"
	EvLookedAfterStarted   = "looked_after.started"
	EvLookedAfterReviewed  = "looked_after.reviewed"
	EvLookedAfterEnded     = "looked_after.ended"
	EvMissingReturned      = "missing.returned"
	EvReturnInterviewHeld  = "return_interview.held"
	EvReferralSent         = "agency_referral.sent"
	EvReferralAcknowledged = "agency_referral.acknowledged"
	EvCaseClosed           = "case.closed"
)

// Events lists every event that starts, meets or stops clocks: the
// workflow's steps, missing episodes and referrals produce them, and a
// local rule can only use these (an event nothing produces would leave a
// clock that never starts or is never met).
var Events = []string{EvReferralReceived, EvReferralDecided, EvAssessmentStarted, EvAssessmentCompleted, EvStrategyNeeded,
	EvStrategyHeld, EvSection47Started, EvConferenceHeld, EvConferenceNotNeeded, EvPlanStarted, EvCoreGroupHeld, EvReviewHeld,
	EvPlanEnded, EvLookedAfterStarted, EvLookedAfterReviewed, EvLookedAfterEnded, EvMissingReturned, EvReturnInterviewHeld,
	EvReferralSent, EvReferralAcknowledged, EvCaseClosed}

// DefaultClockRules are the clocks of Working Together to Safeguard
// Children 2023 (chapter 2 for assessments, chapter 4 for strategy
// discussions, section 47 enquiries and conferences), the statutory
// guidance on children who run away or go missing (return home interviews
// within 72 hours), the Care Planning Regulations 2010 (looked-after child
// reviews at 20 working days, 3 months, then every 6 months), and two local
// defaults a council may change: a strategy discussion within 1 working day
// when one is needed, and agencies acknowledging a referral within 1 working day.
var DefaultClockRules = []ClockRule{
	{Kind: "decision", Label: "Decision on the referral", StartOn: EvReferralReceived, FromReceived: true,
		Schedule: []Period{{WorkingDays: 1}}, MetBy: []string{EvReferralDecided}, StopOn: []string{EvCaseClosed},
		Source: "Working Together 2023, chapter 2: decision within one working day of a referral"},
	{Kind: "assessment", Label: "Assessment complete", StartOn: EvAssessmentStarted, FromReceived: true,
		Schedule: []Period{{WorkingDays: 45}}, MetBy: []string{EvAssessmentCompleted}, StopOn: []string{EvCaseClosed},
		Source: "Working Together 2023, chapter 2: assessment within 45 working days of the referral"},
	{Kind: "strategy_discussion", Label: "Strategy discussion held", StartOn: EvStrategyNeeded,
		Schedule: []Period{{WorkingDays: 1}}, MetBy: []string{EvStrategyHeld}, StopOn: []string{EvCaseClosed},
		Source: "Local default: strategy discussion within one working day of the need being identified"},
	{Kind: "initial_conference", Label: "Initial child protection conference", StartOn: EvSection47Started,
		Schedule: []Period{{WorkingDays: 15}}, MetBy: []string{EvConferenceHeld}, StopOn: []string{EvConferenceNotNeeded, EvCaseClosed},
		Source: "Working Together 2023, chapter 4: conference within 15 working days of the strategy discussion"},
	{Kind: "core_group", Label: "First core group meeting", StartOn: EvPlanStarted,
		Schedule: []Period{{WorkingDays: 10}}, MetBy: []string{EvCoreGroupHeld}, StopOn: []string{EvPlanEnded, EvCaseClosed},
		Source: "Working Together 2023, chapter 4: core group within 10 working days of the conference"},
	{Kind: "review_conference", Label: "Review child protection conference", StartOn: EvPlanStarted,
		Schedule: []Period{{Months: 3}, {Months: 6}}, Repeat: true, MetBy: []string{EvReviewHeld}, StopOn: []string{EvPlanEnded, EvCaseClosed},
		Source: "Working Together 2023, chapter 4: first review within 3 months, then at most every 6 months"},
	{Kind: "looked_after_review", Label: "Looked-after child review", StartOn: EvLookedAfterStarted,
		Schedule: []Period{{WorkingDays: 20}, {Months: 3}, {Months: 6}}, Repeat: true, MetBy: []string{EvLookedAfterReviewed},
		StopOn: []string{EvLookedAfterEnded, EvCaseClosed},
		Source: "Care Planning Regulations 2010, reg. 33: within 20 working days, then 3 months, then every 6 months"},
	{Kind: "return_interview", Label: "Return home interview", StartOn: EvMissingReturned,
		Schedule: []Period{{Hours: 72}}, MetBy: []string{EvReturnInterviewHeld}, StopOn: []string{EvCaseClosed},
		Source: "Statutory guidance on children who run away or go missing (2014): within 72 hours of return"},
	{Kind: "referral_acknowledgement", Label: "Referral acknowledged by the receiving agency", StartOn: EvReferralSent,
		Schedule: []Period{{WorkingDays: 1}}, MetBy: []string{EvReferralAcknowledged}, StopOn: []string{EvCaseClosed},
		Source: "Local default: receiving agency acknowledges within one working day"},
}

// MissingPattern is the rule that repeated missing episodes start a
// strategy discussion: Count episodes starting within Days days.
type MissingPattern struct {
	Count int `json:"count"`
	Days  int `json:"days"`
}

// DefaultMissingPattern is three missing episodes within 30 days.
var DefaultMissingPattern = MissingPattern{Count: 3, Days: 30}

// Met reports whether the episodes (when each began; added among them)
// hold Count episodes within Days days in some window that contains
// added, and how many the fullest such window holds. Episodes are often
// recorded out of order (a school reports last month's absence today), so
// every window containing added counts, not only the Days before it. A
// window is (end - Days, end] for an episode time end at or after added
// and less than Days after it; the fullest window ends at an episode.
func (p MissingPattern) Met(episodes []time.Time, added time.Time) (int, bool) {
	best := 0
	for _, end := range episodes {
		if end.Before(added) || !end.Before(added.AddDate(0, 0, p.Days)) {
			continue
		}
		start, n := end.AddDate(0, 0, -p.Days), 0
		for _, t := range episodes {
			if t.After(start) && !t.After(end) {
				n++
			}
		}
		best = max(best, n)
	}
	return best, best >= p.Count
}

// Rules are a deployment's clocks and escalation ladder.
type Rules struct {
	Clocks  []ClockRule    `json:"clocks"`
	Missing MissingPattern `json:"missing_pattern"`
	Ladder  []LadderStep   `json:"escalation_ladder"`
	// TransferAnswer is how long an offer of a case may wait for its
	// answer before it is escalated to a manager: a case offered to
	// someone who never answers would otherwise wait with nobody chasing.
	TransferAnswer Period `json:"transfer_answer"`
}

// DefaultTransferAnswer is a local default: two working days to answer
// an offer of a case.
var DefaultTransferAnswer = Period{WorkingDays: 2}

// DefaultRules returns the national defaults.
func DefaultRules() *Rules {
	return &Rules{Clocks: append([]ClockRule(nil), DefaultClockRules...), Missing: DefaultMissingPattern,
		Ladder: append([]LadderStep(nil), DefaultLadder...), TransferAnswer: DefaultTransferAnswer}
}

// ParseRules reads a local rules file (JSON) over the defaults: a clock
// with a default's kind replaces it, a new kind is added; a ladder or
// missing pattern, when given, replaces the default.
func ParseRules(b []byte) (*Rules, error) {
	var local Rules
	dec := json.NewDecoder(bytes.NewReader(b))
	dec.DisallowUnknownFields()
	if err := dec.Decode(&local); err != nil {
		return nil, Errorf(EINVALID, "The rules file is not valid: %v", err)
	}
	r := DefaultRules()
	for _, c := range local.Clocks {
		replaced := false
		for i := range r.Clocks {
			if r.Clocks[i].Kind == c.Kind {
				r.Clocks[i], replaced = c, true
			}
		}
		if !replaced {
			r.Clocks = append(r.Clocks, c)
		}
	}
	if local.Missing.Count > 0 {
		r.Missing = local.Missing
	}
	if len(local.Ladder) > 0 {
		r.Ladder = local.Ladder
	}
	if local.TransferAnswer != (Period{}) {
		r.TransferAnswer = local.TransferAnswer
	}
	return r, r.Validate()
}

// Validate checks that every rule can run.
func (r *Rules) Validate() error {
	var v Validation
	seen := map[string]bool{}
	for i, c := range r.Clocks {
		field := fmt.Sprintf("clocks[%d]", i)
		switch {
		case c.Kind == "" || c.Label == "":
			v.Add(field, "Every clock needs a kind and a label")
		case seen[c.Kind]:
			v.Add(field, "Clock %q is defined twice", c.Kind)
		case c.StartOn == "" || len(c.MetBy) == 0:
			v.Add(field, "Clock %q needs an event that starts it and one that meets it", c.Kind)
		case len(c.Schedule) == 0:
			v.Add(field, "Clock %q needs a schedule of at least one period", c.Kind)
		}
		for _, p := range c.Schedule {
			if !p.valid() {
				v.Add(field, "Clock %q: each period sets exactly one of working_days, months or hours, positive", c.Kind)
			}
		}
		checkEvents(&v, field, c.Kind, "start_on", []string{c.StartOn})
		checkEvents(&v, field, c.Kind, "met_by", c.MetBy)
		checkEvents(&v, field, c.Kind, "stop_on", c.StopOn)
		seen[c.Kind] = true
	}
	if !r.TransferAnswer.valid() {
		v.Add("transfer_answer", "The time to answer an offer of a case sets exactly one of working_days, months or hours, positive")
	}
	if r.Missing.Count < 1 || r.Missing.Days < 1 {
		v.Add("missing_pattern", "The missing pattern needs a count and a number of days, both positive")
	}
	if len(r.Ladder) == 0 {
		v.Add("escalation_ladder", "The escalation ladder needs at least one step")
	}
	for i, s := range r.Ladder {
		field := fmt.Sprintf("escalation_ladder[%d]", i)
		if s.Name == "" || (s.Respond.WorkingDays == 0 && s.Respond.Hours == 0 && i < len(r.Ladder)-1) {
			v.Add(field, "Each step of the ladder but the last needs a name and a response time")
		}
		if s.Role != LadderOwner && s.Role != LadderOversight && !Role(s.Role).Valid() {
			v.Add(field, "Ladder step %q: %q is not a role Vigil knows; use %q, %q or one of: %s", s.Name, s.Role, LadderOwner, LadderOversight, roleNames())
		}
		if i == len(r.Ladder)-1 && s.Role != LadderOversight {
			v.Add(field, "The escalation ladder must end at independent oversight (role %q), outside the organisation that missed the deadline", LadderOversight)
		}
	}
	return v.Err()
}

// checkEvents adds to v each of a clock's events that Vigil does not know.
func checkEvents(v *Validation, field, kind, what string, events []string) {
	for _, ev := range events {
		if ev != "" && !contains(Events, ev) {
			v.Add(field, "Clock %q: %s event %q is not an event Vigil knows; use one of: %s", kind, what, ev, strings.Join(Events, ", "))
		}
	}
}

func roleNames() string {
	names := make([]string, len(Roles))
	for i, r := range Roles {
		names[i] = string(r)
	}
	return strings.Join(names, ", ")
}

// Clock returns the rule of a deadline kind, or nil.
func (r *Rules) Clock(kind string) *ClockRule {
	for i := range r.Clocks {
		if r.Clocks[i].Kind == kind {
			return &r.Clocks[i]
		}
	}
	return nil
}

// Period returns the period of the nth instance (1-based) of a clock.
func (c *ClockRule) Period(instance int) Period {
	if instance <= len(c.Schedule) {
		return c.Schedule[instance-1]
	}
	return c.Schedule[len(c.Schedule)-1]
}

// Recurs reports whether meeting the nth instance starts another.
func (c *ClockRule) Recurs(instance int) bool {
	return c.Repeat || instance < len(c.Schedule)
}

// Starts returns the clocks that event starts.
func (r *Rules) Starts(event string) []*ClockRule {
	var out []*ClockRule
	for i := range r.Clocks {
		if r.Clocks[i].StartOn == event {
			out = append(out, &r.Clocks[i])
		}
	}
	return out
}

// Meets reports whether event meets clock c.
func (c *ClockRule) Meets(event string) bool { return contains(c.MetBy, event) }

// Stops reports whether event cancels clock c.
func (c *ClockRule) Stops(event string) bool { return contains(c.StopOn, event) }

func contains(xs []string, x string) bool {
	for _, y := range xs {
		if x == y {
			return true
		}
	}
	return false
}

// DeadlineStatus is the state of one deadline.
type DeadlineStatus string

// Deadline statuses. An open deadline past its due time is overdue; one met
// after its due time is met late and carries the reason.
const (
	DeadlineOpen      DeadlineStatus = "open"
	DeadlineMet       DeadlineStatus = "met"
	DeadlineCancelled DeadlineStatus = "cancelled"
	// DeadlineOverdue is never stored: it is how AsOf reports an open
	// deadline past its due time to readers such as the API.
	DeadlineOverdue DeadlineStatus = "overdue"
)

// Deadline is one running or finished statutory clock of a case.
type Deadline struct {
	ID           ID             `json:"id"`
	CaseID       ID             `json:"-"`
	Kind         string         `json:"kind"`
	Label        string         `json:"label"`
	Instance     int            `json:"instance"`
	StartedAt    time.Time      `json:"started_at"`
	Due          time.Time      `json:"due"`
	Status       DeadlineStatus `json:"status"`
	MetAt        *time.Time     `json:"met_at"`
	LateReason   string         `json:"late_reason,omitempty"`
	CancelReason string         `json:"cancel_reason,omitempty"`
	RefID        ID             `json:"ref_id,omitempty"` // the missing episode or referral it belongs to
}

// Overdue reports whether d is open past its due time at now.
func (d *Deadline) Overdue(now time.Time) bool {
	return d.Status == DeadlineOpen && now.After(d.Due)
}

// AsOf returns a copy of d as a reader sees it at now: an open deadline
// past its due time has the status overdue. The stored status stays open,
// which is what the clocks and the sweeper work from.
func (d *Deadline) AsOf(now time.Time) *Deadline {
	c := *d
	if d.Overdue(now) {
		c.Status = DeadlineOverdue
	}
	return &c
}

// Late reports whether d was met after it was due.
func (d *Deadline) Late() bool { return d.MetAt != nil && d.MetAt.After(d.Due) }

// DisplayStatus is the status a person reads: overdue, met late, and so on.
func (d *Deadline) DisplayStatus(now time.Time) string {
	switch {
	case d.Overdue(now):
		return "overdue"
	case d.Status == DeadlineMet && d.Late():
		return "met late"
	}
	return string(d.Status)
}
