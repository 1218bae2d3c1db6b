package vigil

import (
	"fmt"
	"slices"
	"time"
	"unicode/utf8"
)

// Importing history. A council that moves to Vigil brings years of records
// from its old system, and the demo brings years of synthetic ones. Live
// input refuses a concern received more than a year ago (NewConcern.Validate)
// because a person entering one by hand should record old information as a
// case note; an import is the one path for the past, with rules of its own:
// history is allowed, nonsense is not (a date in the future, a concern
// with no account of what happened, text that is not text, a workflow out
// of order, a deadline met late without a reason).
//
// Each imported concern opens its own case, as a live concern does. What
// was done about it is replayed through the same workflow (Decide) and the
// same clock rules as live casework, in memory (Rules.Replay), so an
// imported case is in a state live casework could have reached: a case
// whose history ends in closure is imported closed, with every deadline
// met or cancelled; one whose history does not is imported open, with its
// clocks running from when the concern was received, and the sweeper
// escalates what is overdue.

// ImportEarliest is the earliest date an imported record may carry.
var ImportEarliest = time.Date(1970, time.January, 1, 0, 0, 0, 0, time.UTC)

// ImportedConcern is one concern of the past with what was done about it.
type ImportedConcern struct {
	SourceRef      string        // the record's reference in the system it comes from
	Source         ConcernSource // who raised it
	RaisedBy       ID            // the professional who raised it; empty for the public and young people
	ReceivedAt     time.Time
	Child          Child // what the concern says of the child; the name may be unknown
	WhatHappened   string
	OthersInvolved string
	Reporter       Reporter
	Mentions       []Mention
	// OwnerID is who holds the case: for history ending in closure, who
	// held it then (they may have left since); for an open case, an active
	// member of staff who may hold cases. Empty means the duty manager of
	// the intake team, as for a live concern.
	OwnerID    ID
	Decisions  []ImportedDecision // in the order they were taken
	Missing    []ImportedMissing
	Screenings []ImportedScreening // CSE screenings, each dated while the case was open
	Notes      []ImportedNote      // lines for the chronology, such as a retraction
}

// ImportedScreening is a CSE screening of the past: its scores, who
// scored them and when. Its level is worked out from the scores and the
// child's age then, as a live screening's is.
type ImportedScreening struct {
	Scores map[string]Score
	Notes  string
	At     time.Time
	By     ID
}

// ImportedDecision is a decision of the past: a workflow step (Steps) with
// who took it, when, and why.
type ImportedDecision struct {
	Kind    string
	Outcome string
	Reason  string
	// LateReason is required when the decision met a deadline after it
	// was due, as it is live: no deadline passes without a reason.
	LateReason string
	At         time.Time
	By         ID
}

// ImportedMissing is a missing episode of the past.
type ImportedMissing struct {
	From     time.Time
	Returned time.Time // zero if the child has not been recorded as back
	Details  string
}

// ImportedNote is a line of the chronology of the past.
type ImportedNote struct {
	At   time.Time
	Text string
}

// Validate checks an imported concern at time now, except what depends on
// the workflow (Rules.Replay checks that) and on other records (the store
// checks that the people it names exist).
func (n *ImportedConcern) Validate(now time.Time) error {
	n.normalize()
	var v Validation
	switch n.Source {
	case SourceProfessional:
		if !n.RaisedBy.Valid() {
			v.Add("raised_by", "A professional's concern needs the id of the person who raised it")
		}
	case SourcePublic, SourceYoungPerson:
		if n.RaisedBy != "" {
			v.Add("raised_by", "Only a professional's concern names who raised it")
		}
	default:
		v.Add("source", "Say who raised the concern: professional, public or young_person")
	}
	checkTime(&v, "received_at", "The time the concern was received", n.ReceivedAt, now)
	checkText(&v, "source_ref", "the source reference", n.SourceRef, 100, false)
	checkText(&v, "child.name", "the child's name", n.Child.Name, MaxNameLen, false)
	checkText(&v, "child.address", "the child's address", n.Child.Address, MaxAddressLen, false)
	checkText(&v, "what_happened", "what happened", n.WhatHappened, MaxWhatHappenedLen, true)
	checkText(&v, "others_involved", "who else is involved", n.OthersInvolved, MaxOthersLen, false)
	checkText(&v, "reporter.name", "the reporter's name", n.Reporter.Name, MaxNameLen, false)
	checkText(&v, "reporter.contact", "the reporter's contact", n.Reporter.Contact, MaxContactLen, false)
	checkText(&v, "reporter.relationship", "the reporter's relationship", n.Reporter.Relationship, MaxNameLen, false)
	if d := n.Child.DateOfBirth; d != "" {
		dob, err := time.ParseInLocation("2006-01-02", d, London)
		switch {
		case err != nil:
			v.Add("child.date_of_birth", "The date of birth must be a real date, YYYY-MM-DD")
		case dob.After(n.ReceivedAt):
			v.Add("child.date_of_birth", "The date of birth is after the concern was received")
		case !dob.AddDate(18, 0, 0).After(n.ReceivedAt):
			v.Add("child.date_of_birth", "The date of birth shows the person was 18 or over when the concern was received")
		}
	}
	if n.Child.Age != nil && (*n.Child.Age < 0 || *n.Child.Age > 17) {
		v.Add("child.age", "The child's age must be a whole number from 0 to 17")
	}
	if n.OwnerID != "" && !n.OwnerID.Valid() {
		v.Add("owner_id", "The owner is not a valid id")
	}
	for i, d := range n.Decisions {
		f := fmt.Sprintf("decisions[%d]", i)
		if d.Kind == "" || d.Outcome == "" {
			v.Add(f+".kind", "Every decision needs a kind and an outcome")
		}
		checkText(&v, f+".reason", "the reason for the decision", d.Reason, MaxReasonLen, true)
		checkText(&v, f+".late_reason", "why it was late", d.LateReason, MaxReasonLen, false)
		checkTime(&v, f+".at", "The time of the decision", d.At, now)
		if !d.By.Valid() {
			v.Add(f+".by", "Every decision needs the id of the person who took it")
		}
	}
	for i, m := range n.Missing {
		f := fmt.Sprintf("missing[%d]", i)
		checkTime(&v, f+".from", "The time the child went missing", m.From, now)
		if !m.Returned.IsZero() {
			checkTime(&v, f+".returned", "The time the child returned", m.Returned, now)
			if m.Returned.Before(m.From) {
				v.Add(f+".returned", "The child cannot return before going missing")
			}
		}
		checkText(&v, f+".details", "the details of the episode", m.Details, MaxReasonLen, true)
	}
	for i, sc := range n.Screenings {
		f := fmt.Sprintf("screenings[%d]", i)
		ns := NewScreening{Scores: sc.Scores, Notes: sc.Notes}
		if err := ns.Validate(); err != nil {
			v.Add(f+".scores", "%s", ErrorMessage(err))
		}
		checkText(&v, f+".notes", "the notes of the screening", sc.Notes, MaxReasonLen, false)
		checkTime(&v, f+".at", "The time of the screening", sc.At, now)
		if sc.At.Before(n.ReceivedAt) {
			v.Add(f+".at", "A screening cannot come before the concern was received")
		}
		if !sc.By.Valid() {
			v.Add(f+".by", "Every screening needs the id of the person who scored it")
		}
	}
	for i, x := range n.Notes {
		f := fmt.Sprintf("notes[%d]", i)
		checkTime(&v, f+".at", "The time of the note", x.At, now)
		checkText(&v, f+".text", "the note", x.Text, MaxReasonLen, true)
		if x.At.Before(n.ReceivedAt) {
			v.Add(f+".at", "A note cannot come before the concern was received")
		}
	}
	if len(n.Mentions) > MaxMentions {
		v.Add("mentions", "A concern can record at most %d mentions", MaxMentions)
	} else {
		for i := range n.Mentions {
			n.Mentions[i].Validate(&v, fmt.Sprintf("mentions[%d]", i))
		}
	}
	return v.Err()
}

func (n *ImportedConcern) normalize() {
	nc := NewConcern{Child: n.Child, WhatHappened: n.WhatHappened, OthersInvolved: n.OthersInvolved, Reporter: n.Reporter}
	nc.Normalize()
	n.Child, n.WhatHappened, n.OthersInvolved, n.Reporter = nc.Child, nc.WhatHappened, nc.OthersInvolved, nc.Reporter
	for i := range n.Mentions {
		n.Mentions[i].Normalize()
	}
}

// checkTime refuses a missing time, one in the future and one before
// ImportEarliest.
func checkTime(v *Validation, field, label string, t, now time.Time) {
	switch {
	case t.IsZero():
		v.Add(field, "%s is missing", label)
	case t.After(now.Add(5 * time.Minute)):
		v.Add(field, "%s is in the future", label)
	case t.Before(ImportEarliest):
		v.Add(field, "%s is before %d", label, ImportEarliest.Year())
	}
}

// CaseHistory is what an imported concern's case became: its state, and
// every decision, deadline and missing episode, as live casework would have
// recorded them.
type CaseHistory struct {
	Stage       Stage
	StageBefore Stage
	LookedAfter bool
	Closed      bool
	Decisions   []*Decision       // in order, each with its label and stages
	Deadlines   []*Deadline       // every clock instance, in the order started
	Missing     []*MissingEpisode // in the order given
	Screenings  []*Screening      // in the order given, each with its level
}

// Replay runs an imported concern's history through the workflow and the
// clock rules, as the live engine would have run it had each step been
// recorded when it was taken: the referral's clock starts when the concern
// was received; each decision must be allowed at its stage (Decide) and
// meets, stops and starts clocks; a missing child's return starts a return
// interview clock, and repeated episodes a strategy discussion. It returns
// EINVALID naming the first step that could not have happened.
func (r *Rules) Replay(cal Calendar, n *ImportedConcern) (*CaseHistory, error) {
	x := &replay{rules: r, cal: cal, received: n.ReceivedAt, h: &CaseHistory{Stage: StageReferral}}
	// The steps in time order: a child goes missing, returns, decisions
	// are taken; at the same moment in that order.
	type step struct {
		at   time.Time
		kind int // 0 missing, 1 returned, 2 decision, 3 note
		i    int
	}
	var steps []step
	for i, m := range n.Missing {
		ep := &MissingEpisode{ID: NewID(), MissingFrom: m.From, Details: m.Details}
		steps = append(steps, step{m.From, 0, i})
		if !m.Returned.IsZero() {
			t := m.Returned
			ep.ReturnedAt = &t
			steps = append(steps, step{m.Returned, 1, i})
		}
		x.h.Missing = append(x.h.Missing, ep)
	}
	for i, d := range n.Decisions {
		steps = append(steps, step{d.At, 2, i})
	}
	for i, nt := range n.Notes {
		steps = append(steps, step{nt.At, 3, i})
	}
	slices.SortStableFunc(steps, func(a, b step) int {
		if c := a.at.Compare(b.at); c != 0 {
			return c
		}
		return a.kind - b.kind
	})
	if err := x.fire([]string{EvReferralReceived}, n.ReceivedAt, "", ""); err != nil {
		return nil, err
	}
	var lastDecision time.Time
	var closeAsker ID
	for _, st := range steps {
		if x.h.Closed && st.kind != 3 {
			return nil, replayErr("decisions", "Nothing but notes can follow the closure of the case, %s", when(st.at))
		}
		switch st.kind {
		case 0:
			// Repeated missing episodes start a strategy discussion, as
			// RecordMissing does live.
			from := n.Missing[st.i].From
			count := 0
			for _, m := range n.Missing {
				if !m.From.After(from) && m.From.After(from.AddDate(0, 0, -r.Missing.Days)) {
					count++
				}
			}
			if count >= r.Missing.Count {
				if err := x.fire([]string{EvStrategyNeeded}, from, "", ""); err != nil {
					return nil, err
				}
			}
		case 1:
			if err := x.fire([]string{EvMissingReturned}, st.at, x.h.Missing[st.i].ID, ""); err != nil {
				return nil, err
			}
		case 2:
			d := n.Decisions[st.i]
			field := fmt.Sprintf("decisions[%d]", st.i)
			if d.At.Before(n.ReceivedAt) || d.At.Before(lastDecision) {
				return nil, replayErr(field, "Decision %d is dated before the concern arrived or before the decision that came before it", st.i+1)
			}
			lastDecision = d.At
			state := x.state()
			s, to, err := Decide(state, d.Kind, d.Outcome)
			if err != nil {
				return nil, replayErr(field, "Decision %d (%s/%s): %s", st.i+1, d.Kind, d.Outcome, ErrorMessage(err))
			}
			switch d.Kind {
			case DecideCloseRequest:
				closeAsker = d.By
			case DecideCloseApproval:
				if d.By == closeAsker {
					return nil, replayErr(field, "Decision %d approves a closure asked for by the same person; closure needs a second person", st.i+1)
				}
			}
			x.h.Decisions = append(x.h.Decisions, &Decision{ID: NewID(), Kind: d.Kind, Outcome: d.Outcome, Label: s.Label,
				Reason: d.Reason, LateReason: d.LateReason, At: d.At, DecidedBy: d.By, FromStage: x.h.Stage, ToStage: to})
			switch d.Kind {
			case DecideLookedAfterStart:
				x.h.LookedAfter = true
			case DecideLookedAfterEnd:
				x.h.LookedAfter = false
			case DecideCloseRequest:
				x.h.StageBefore = x.h.Stage
			}
			if err := x.fire(s.Events, d.At, "", d.LateReason); err != nil {
				return nil, replayErr(field, "Decision %d (%s/%s): %s", st.i+1, d.Kind, d.Outcome, ErrorMessage(err))
			}
			x.h.Stage = to
			x.h.Closed = to == StageClosed
		}
	}
	// Screenings change no clock; each must fall while the case was open.
	for i, sc := range n.Screenings {
		if x.h.Closed && sc.At.After(lastDecision) {
			return nil, replayErr(fmt.Sprintf("screenings[%d]", i), "Screening %d is dated after the case was closed, %s", i+1, when(lastDecision))
		}
		x.h.Screenings = append(x.h.Screenings, &Screening{ID: NewID(), Scores: sc.Scores, Notes: sc.Notes, By: sc.By, At: sc.At,
			Level: ScreeningLevel(n.Child.AgeAt(sc.At), sc.Scores)})
	}
	return x.h, nil
}

func replayErr(field, format string, args ...any) *Error {
	msg := fmt.Sprintf(format, args...)
	return &Error{Code: EINVALID, Message: msg, Fields: []FieldError{{Field: field, Message: msg}}}
}

// when formats a time as the chronology does, in Europe/London.
func when(t time.Time) string { return t.In(London).Format("2 January 2006 15:04") }

// replay is the clock engine of internal/sqlstore (clocks.go) run in
// memory over a history.
type replay struct {
	rules    *Rules
	cal      Calendar
	received time.Time
	h        *CaseHistory
	open     []*Deadline // open deadlines, in the order started
}

func (x *replay) state() CaseState {
	s := CaseState{Stage: x.h.Stage, LookedAfter: x.h.LookedAfter, StageBefore: x.h.StageBefore, OpenClocks: map[string]bool{}}
	for _, d := range x.open {
		s.OpenClocks[d.Kind] = true
	}
	s.AssessmentDue = s.OpenClocks["assessment"]
	return s
}

// fire applies events at time at as the live engine does: each event meets
// the earliest open deadline it meets (the one for refID, when given),
// stops those it stops, then starts those it starts that are not running.
func (x *replay) fire(events []string, at time.Time, refID ID, lateReason string) error {
	for _, ev := range events {
		open := slices.Clone(x.open)
		slices.SortStableFunc(open, func(a, b *Deadline) int { return a.Due.Compare(b.Due) })
		met := map[string]bool{}
		for _, d := range open {
			rule := x.rules.Clock(d.Kind)
			if rule == nil {
				continue
			}
			switch {
			case rule.Meets(ev) && !met[d.Kind] && (refID == "" || d.RefID == refID):
				met[d.Kind] = true
				if at.Before(d.StartedAt) {
					return Errorf(EINVALID, "it would meet the deadline for %s before its clock started (%s)", rule.Label, when(d.StartedAt))
				}
				if at.After(d.Due) {
					if lateReason == "" {
						return Errorf(EINVALID, "it meets the deadline for %s, due by %s, late: give the reason it was late", rule.Label, when(d.Due))
					}
					d.LateReason = lateReason
				}
				t := at
				d.Status, d.MetAt = DeadlineMet, &t
				x.close(d)
				if rule.Recurs(d.Instance) {
					x.start(rule, d.Instance+1, at, d.RefID)
				}
			case rule.Stops(ev):
				d.Status, d.CancelReason = DeadlineCancelled, "No longer needed: "+ev
				x.close(d)
			}
		}
		for _, rule := range x.rules.Starts(ev) {
			running := false
			for _, d := range open {
				running = running || (d.Kind == rule.Kind && d.RefID == refID && !met[d.Kind])
			}
			if running {
				continue
			}
			start := at
			if rule.FromReceived {
				start = x.received
			}
			x.start(rule, 1, start, refID)
		}
	}
	return nil
}

func (x *replay) start(rule *ClockRule, instance int, start time.Time, refID ID) {
	d := &Deadline{ID: NewID(), Kind: rule.Kind, Label: rule.Label, Instance: instance, StartedAt: start,
		Due: rule.Period(instance).After(x.cal, start), Status: DeadlineOpen, RefID: refID}
	x.h.Deadlines = append(x.h.Deadlines, d)
	x.open = append(x.open, d)
}

func (x *replay) close(d *Deadline) {
	x.open = slices.DeleteFunc(x.open, func(o *Deadline) bool { return o == d })
}

// ImportedUser is a member of staff from the system Vigil replaces.
type ImportedUser struct {
	// ID is chosen by the caller (NewID), so that the users of one import
	// can name each other as managers.
	ID        ID
	Username  string
	Name      string
	Role      Role
	AgencyID  ID
	TeamID    ID
	ManagerID ID
	Status    UserStatus // active, or left for those who have gone
	// Password is usually empty: imported staff get an account with no
	// usable password, and an administrator sets one when they need it
	// (hashing thousands of passwords with Argon2id would take minutes,
	// and a password nobody was told is no use). Demo accounts set one.
	Password string
}

// Validate checks an imported user's fields.
func (n *ImportedUser) Validate() error {
	var v Validation
	if !n.ID.Valid() {
		v.Add("id", "Every imported user needs an id made by NewID")
	}
	if !validUsername(n.Username) {
		v.Add("username", "Enter a username of 3 to 64 characters: lower-case letters, digits, dots, hyphens or underscores")
	}
	if n.Name == "" || utf8.RuneCountInString(n.Name) > MaxNameLen || !utf8.ValidString(n.Name) {
		v.Add("name", "Enter the person's name (at most %d characters)", MaxNameLen)
	}
	if !n.Role.Valid() {
		v.Add("role", "Choose a role from the list")
	}
	if !n.AgencyID.Valid() {
		v.Add("agency_id", "Choose the person's agency")
	}
	if n.TeamID != "" && !n.TeamID.Valid() || n.ManagerID != "" && !n.ManagerID.Valid() {
		v.Add("team_id", "The team and manager must be valid ids")
	}
	switch n.Status {
	case UserActive, UserSuspended, UserLeft:
	default:
		v.Add("status", "The status must be active, suspended or left")
	}
	if n.Password != "" && (len(n.Password) < 12 || len(n.Password) > 256) {
		v.Add("password", "Choose a password of at least 12 characters")
	}
	return v.Err()
}
