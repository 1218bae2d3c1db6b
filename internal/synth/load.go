package synth

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/vigil-project/vigil"
	"github.com/vigil-project/vigil/internal/workday"
)

// Loading a world into Vigil, as a council would migrate its old system:
// the staff first, then every report in time order. What the application
// receives is only what a record system would hold: the report's text,
// dates, who raised it, its mentions as written, and what was done about
// it; never the ground truth (Report.Truth, World's entities), and never a
// grouping of reports by true child, which is what linking must find.
//
// Each report becomes a concern with a case of its own. What happened
// afterwards (Report.Handling, Missing, Retracted) becomes casework:
//
//   - History (received before the recent window) whose casework finished
//     is imported closed, decisions and deadlines included, through
//     Import and its replay of the workflow and clocks.
//   - Reports nobody ever acted on are imported open, their decision
//     clock running from when they were received: the sweeper escalates
//     them, up to independent oversight for the oldest. That is the point
//     of Vigil: ignored reports stay visible.
//   - Recent reports (the last LoadOptions.Recent) are imported open and
//     then worked through the live casework path (RecordDecision with a
//     past date and a reason for lateness, RecordMissing, RecordReturn),
//     as Progress does for the small town, so that the demo opens with
//     current work, overdue work and escalations made by the real engine.
//     Steps that would fall after now are left undone.
//
// Finally the deadlines are swept at several past times, as the sweeper
// would have over the last fortnight.

// Casework is the casework a load does live through a store, as staff
// would: decisions, missing episodes, screenings, referrals, transfers and
// the escalation sweep.
type Casework interface {
	Services
	vigil.CaseworkService
	Sweep(ctx context.Context, now time.Time) (vigil.SweepResult, error)
}

// Loader is what Load needs of a store.
type Loader interface {
	Casework
	// ImportUsers records staff, managers first; see sqlstore.
	ImportUsers(ctx context.Context, actor vigil.Actor, users []vigil.ImportedUser) error
	// Import records concerns of the past with their casework.
	Import(ctx context.Context, actor vigil.Actor, batch []vigil.ImportedConcern) ([]*vigil.Case, error)
}

// LoadOptions tunes Load. The zero value is ready to use.
type LoadOptions struct {
	// Recent is the window of live casework before now (default 300
	// days). Live casework refuses dates more than a year old, so it is
	// at most 330 days.
	Recent time.Duration
	// Batch is how many concerns go to each Import (default 2000); Import
	// commits them in chunks that the sequencer groups.
	Batch int
	// Workers work recent cases concurrently (default 16), so that their
	// writes share transactions.
	Workers int
	// Progress, when set, is called from time to time with the stage and
	// how far it is (never concurrently).
	Progress func(stage string, done, total int)
}

// LoadStats counts what Load did.
type LoadStats struct {
	Users     int
	Concerns  int // concerns imported, one per report
	Closed    int // imported closed with their history
	Undecided int // imported open with no decision ever recorded, before the recent window
	Live      int // recent concerns worked through live casework
	Decisions int // decisions recorded through live casework
	Mentions  int
	Sweep     vigil.SweepResult
	Duration  time.Duration
	// The time of each stage: staff, concerns imported, live casework, sweeps.
	StaffTime, ImportTime, CaseworkTime, SweepTime time.Duration
}

func (s LoadStats) String() string {
	return fmt.Sprintf("%d staff, %d concerns (%d closed history, %d never decided, %d recent worked live with %d decisions), %d mentions; "+
		"sweep escalated %d missed deadlines and climbed %d escalations; %.1fs (staff %.1fs, import %.1fs, casework %.1fs, sweep %.1fs)",
		s.Users, s.Concerns, s.Closed, s.Undecided, s.Live, s.Decisions, s.Mentions, s.Sweep.Missed, s.Sweep.Climbed, s.Duration.Seconds(),
		s.StaffTime.Seconds(), s.ImportTime.Seconds(), s.CaseworkTime.Seconds(), s.SweepTime.Seconds())
}

const loadKey = 0x6c6f6164 // "load"

// Load puts g's world into an empty store as of now (vigil.Now): staff
// (one user per Staff, the demo logins among them, see demoPost), then
// every report in time order, then live casework and sweeps. The world
// must end no later than now; the demo builds it with End set to now. It
// streams the reports, so memory stays bounded at region scale.
func Load(ctx context.Context, st Loader, g *Generator, opt LoadOptions) (*Town, LoadStats, error) {
	start := time.Now()
	if opt.Recent <= 0 {
		opt.Recent = 300 * 24 * time.Hour
	}
	opt.Recent = min(opt.Recent, 330*24*time.Hour)
	if opt.Batch <= 0 {
		opt.Batch = 2000
	}
	if opt.Workers <= 0 {
		opt.Workers = 16
	}
	progress := opt.Progress
	if progress == nil {
		progress = func(string, int, int) {}
	}
	now := vigil.Now()
	w := g.World()
	if w.End.After(now) {
		return nil, LoadStats{}, fmt.Errorf("synth: the world ends %s, after now: build it with End set to now", w.End.Format(time.DateOnly))
	}
	l := newLoader(st, g, opt, now)
	progress("Staff", 0, len(w.Staff))
	town, err := l.staff(ctx)
	if err != nil {
		return nil, l.stats, err
	}
	progress("Staff", len(w.Staff), len(w.Staff))
	t := time.Now()
	l.stats.StaffTime = t.Sub(start)
	if err := l.reports(ctx, progress); err != nil {
		return nil, l.stats, err
	}
	l.stats.ImportTime, t = time.Since(t), time.Now()
	if err := l.casework(ctx, progress); err != nil {
		return nil, l.stats, err
	}
	l.stats.CaseworkTime, t = time.Since(t), time.Now()
	progress("Sweep", 0, 1)
	for _, days := range []int{14, 10, 7, 4, 2, 0} {
		res, err := st.Sweep(ctx, now.AddDate(0, 0, -days))
		if err != nil {
			return nil, l.stats, fmt.Errorf("synth: sweep: %w", err)
		}
		l.stats.Sweep.Missed += res.Missed
		l.stats.Sweep.Climbed += res.Climbed
	}
	progress("Sweep", 1, 1)
	l.stats.SweepTime = time.Since(t)
	l.stats.Duration = time.Since(start)
	return town, l.stats, nil
}

func newLoader(st Loader, g *Generator, opt LoadOptions, now time.Time) *loader {
	l := &loader{st: st, g: g, w: g.World(), opt: opt, now: now, recentFrom: now.Add(-opt.Recent), cal: workday.England(),
		r: newRNG(0, 0), users: map[*Staff]vigil.ID{}, teams: map[*Team]*vigil.Team{}, postsOf: map[vigil.AgencyKind][]*Post{},
		people: map[EntityID]*Person{}, lac: map[EntityID]bool{}, home: map[EntityID]*liveCase{}}
	l.prepare()
	return l
}

type loader struct {
	st         Loader
	g          *Generator
	w          *World
	opt        LoadOptions
	now        time.Time
	recentFrom time.Time
	cal        vigil.Calendar
	r          *rng

	users   map[*Staff]vigil.ID
	teams   map[*Team]*vigil.Team
	postsOf map[vigil.AgencyKind][]*Post
	// The posts whose holders decide at the front door and approve
	// closures, and the people who work recent cases live.
	duty, approvers []*Post
	dutyUser        *vigil.User
	approverUser    *vigil.User

	live  []*liveCase
	stats LoadStats

	// What the council knows of a child it works with (see
	// load_casework.go): who is in care, whose looked-after episode is
	// on a case already, and each child's open recent case.
	people map[EntityID]*Person
	lac    map[EntityID]bool
	home   map[EntityID]*liveCase
	town   *Town
}

// demoPost says which post each demo login (demoStaff) holds in a world:
// the current holder of the first post of that role and agency, in the
// demo's team when the world has it, becomes the demo login, with the
// demo username and a password. A login with no such post is added as a
// member of staff of its own.
func (l *loader) demoPost(d staff, taken map[*Staff]bool) *Staff {
	var best *Staff
	for _, p := range l.w.Posts {
		if p.Role != d.role || p.Team.Agency.Kind != d.agency || len(p.Holders) == 0 {
			continue
		}
		h := p.Holders[len(p.Holders)-1]
		if !h.To.IsZero() || taken[h] {
			continue
		}
		if p.Team.Key == d.team {
			return h
		}
		if best == nil {
			best = h
		}
	}
	return best
}

// staff creates agencies, teams and a user for every Staff.
func (l *loader) staff(ctx context.Context) (*Town, error) {
	w, st, sys := l.w, l.st, vigil.SystemActor
	town := &Town{Name: w.Name, Agencies: map[vigil.AgencyKind]*vigil.Agency{}, Teams: map[string]*vigil.Team{}}
	for _, a := range w.Agencies {
		va, err := st.CreateAgency(ctx, sys, a.Name, a.Kind)
		if err != nil {
			return nil, fmt.Errorf("synth: agency: %w", err)
		}
		town.Agencies[a.Kind] = va
	}
	for _, t := range w.Teams {
		vt, err := st.CreateTeam(ctx, sys, town.Agencies[t.Agency.Kind].ID, t.Name, t.Intake)
		if err != nil {
			return nil, fmt.Errorf("synth: team: %w", err)
		}
		town.Teams[t.Key], l.teams[t] = vt, vt
	}
	// The demo logins.
	taken := map[*Staff]bool{}
	login := map[*Staff]*Login{}
	var extra []vigil.ImportedUser
	var logins []*Login
	for _, d := range demoStaff {
		lg := &Login{Username: d.username, Password: Password(), Role: d.role, Agency: town.Agencies[d.agency].Name}
		logins = append(logins, lg)
		if s := l.demoPost(d, taken); s != nil {
			taken[s], login[s] = true, lg
			lg.User = &vigil.User{ID: l.users[s], Username: d.username, Name: s.Name, Role: d.role, AgencyID: town.Agencies[d.agency].ID,
				TeamID: l.teams[s.Post.Team].ID, ManagerID: l.manager(s), Status: vigil.UserActive}
			continue
		}
		u := vigil.ImportedUser{ID: vigil.NewID(), Username: d.username, Name: d.name, Role: d.role, AgencyID: town.Agencies[d.agency].ID,
			Status: vigil.UserActive, Password: lg.Password}
		if t := town.Teams[d.team]; t != nil && t.AgencyID == u.AgencyID {
			u.TeamID = t.ID
		}
		extra = append(extra, u)
		lg.User = &vigil.User{ID: u.ID, Username: u.Username, Name: u.Name, Role: u.Role, AgencyID: u.AgencyID, TeamID: u.TeamID, Status: vigil.UserActive}
	}
	usernames := map[string]bool{}
	for _, d := range demoStaff {
		usernames[d.username] = true
	}
	users := make([]vigil.ImportedUser, 0, len(w.Staff)+len(extra))
	for _, s := range w.Staff {
		u := vigil.ImportedUser{ID: l.users[s], Username: s.Username, Name: s.Name, Role: s.Post.Role,
			AgencyID: town.Agencies[s.Agency().Kind].ID, TeamID: l.teams[s.Post.Team].ID, ManagerID: l.manager(s), Status: vigil.UserActive}
		if !s.To.IsZero() {
			u.Status = vigil.UserLeft
		}
		if lg := login[s]; lg != nil {
			u.Username, u.Password = lg.Username, lg.Password
		} else if usernames[u.Username] {
			u.Username += ".staff" // never clash with a demo login
		}
		users = append(users, u)
	}
	users = append(users, extra...)
	if err := st.ImportUsers(ctx, sys, users); err != nil {
		return nil, fmt.Errorf("synth: staff: %w", err)
	}
	l.stats.Users = len(users)
	for _, lg := range logins {
		tok, err := st.CreateAPIToken(ctx, sys, lg.User.ID, "demo")
		if err != nil {
			return nil, fmt.Errorf("synth: token: %w", err)
		}
		lg.APIToken = tok
		// Demo accounts sign in with a second factor, as in Seed.
		if e, ok := st.(totpEnroller); ok {
			key, err := e.EnrolTOTP(ctx, sys, lg.User.ID)
			if err != nil {
				return nil, fmt.Errorf("synth: second factor of %s: %w", lg.Username, err)
			}
			lg.TOTPSecret = key.Secret
		}
	}
	town.Logins = logins
	l.town = town
	l.dutyUser, l.approverUser = town.Login("duty.manager").User, town.Login("team.manager").User
	if err := st.SetDutyManager(ctx, sys, town.Teams["front_door"].ID, l.dutyUser.ID); err != nil {
		return nil, fmt.Errorf("synth: duty manager: %w", err)
	}
	return town, nil
}

// prepare gives every Staff a user id and indexes the posts that
// reports and decisions are assigned to.
func (l *loader) prepare() {
	for _, s := range l.w.Staff {
		l.users[s] = vigil.NewID()
	}
	for _, p := range l.w.People {
		l.people[p.ID] = p
	}
	for _, p := range l.w.Posts {
		l.postsOf[p.Team.Agency.Kind] = append(l.postsOf[p.Team.Agency.Kind], p)
		switch {
		case p.Team.Key == "front_door" && p.Role == vigil.RoleTeamManager:
			l.duty = append(l.duty, p)
		case p.Team.Key == "leadership" && p.Role == vigil.RoleServiceManager, p.Team.Key == "assessment" && p.Role == vigil.RoleTeamManager:
			l.approvers = append(l.approvers, p)
		}
	}
}

// manager returns the user who managed s: whoever held the manager's post
// on s's last day in post, or failing that the holder of that post whose
// time in it was nearest.
func (l *loader) manager(s *Staff) vigil.ID {
	p := s.Post.Manager
	if p == nil {
		return ""
	}
	at := l.w.End.Add(-time.Minute)
	if !s.To.IsZero() {
		at = s.To.Add(-time.Minute)
	}
	if m := holderNear(p, at); m != nil && m != s {
		return l.users[m]
	}
	return ""
}

// holderNear returns who held p at t, or the holder whose tenure was
// nearest to t; nil for a post never held.
func holderNear(p *Post, t time.Time) *Staff {
	var best *Staff
	var gap time.Duration
	for _, s := range p.Holders {
		var d time.Duration
		switch {
		case t.Before(s.From):
			d = s.From.Sub(t)
		case !s.To.IsZero() && !t.Before(s.To):
			d = t.Sub(s.To) + time.Second
		}
		if best == nil || d < gap {
			best, gap = s, d
		}
	}
	return best
}

// holderOf returns the user who held one of posts at t, or who was
// nearest to it.
func (l *loader) holderOf(posts []*Post, t time.Time, not vigil.ID) vigil.ID {
	var near vigil.ID
	for _, p := range posts {
		if s := p.HolderAt(t); s != nil && l.users[s] != not {
			return l.users[s]
		}
		if s := holderNear(p, t); s != nil && near == "" && l.users[s] != not {
			near = l.users[s]
		}
	}
	return near
}

// step is one planned decision.
type step struct {
	at                           time.Time
	kind, outcome, reason, late  string
	approve                      bool // taken by a second manager (closure approval)
	returnInterview, missingFrom bool
	episode                      int // for a missing or return step: which of the case's episodes
}

// liveCase is a recent case to work through live casework.
type liveCase struct {
	caseID  vigil.ID
	missing []*MissingEpisode // its own, and later ones of the same child (load_casework.go)
	steps   []step
	extra   extraWork
}

var lateReasons = []string{
	"Referrals backlog in the front door that week",
	"Duty manager on leave and no cover arranged",
	"Waiting for information from the police before deciding",
	"The referral sat unread in a shared inbox",
	"Staff shortage in the assessment team",
}

// plan decides the casework that followed a report, from its handling:
// when each decision was taken and what it was. Times are real times,
// some after now; the caller keeps what has happened.
func (l *loader) plan(rep *Report) []step {
	r := l.r
	if rep.Handling == HandlingNeverActed {
		return nil
	}
	due := l.cal.AddWorkingDays(rep.At, 1)
	late := rep.Handling == HandlingLate
	at := rep.At.Add(time.Duration(r.between(60, 20*60)) * time.Minute)
	if at.After(due) {
		at = due.Add(-time.Hour)
	}
	var out []step
	add := func(kind, outcome, reason string) {
		out = append(out, step{at: at, kind: kind, outcome: outcome, reason: reason})
	}
	var lateReason string
	if late {
		at = due.Add(time.Duration(r.between(4, 10*24)) * time.Hour)
		lateReason = pick(r, lateReasons)
	}
	serious := rep.Category == CatCSE || rep.Category == CatPhysicalAbuse || rep.Category == CatSexualHealth
	switch {
	case rep.Handling == HandlingNoFurtherAction:
		add(vigil.DecideReferral, "no_further_action", pick(r, []string{"Information shared with the school; no role for social care",
			"Family already supported by early help; no further action", "Threshold for social care not met", "Single incident, now resolved; advice given"}))
	case serious && r.chance(0.45), (rep.Category == CatNeglect || rep.Category == CatDomesticAbuse) && r.chance(0.12):
		add(vigil.DecideReferral, "section47", "Risk of significant harm: strategy discussion with police and health")
		at = at.Add(time.Duration(r.between(1, 6)) * time.Hour)
		add(vigil.DecideStrategy, "section47", "Police and health agree to a joint section 47 enquiry")
		if r.chance(0.4) {
			at = at.Add(time.Duration(r.between(5, 14)) * 24 * time.Hour)
			add(vigil.DecideSection47, "no_conference", "Enquiry complete: risk reduced by the safety plan; no conference needed")
			at = at.Add(time.Duration(r.between(5, 20)) * 24 * time.Hour)
			add(vigil.DecideAssessment, "child_in_need", "Child in need plan with the family and the school")
		} else {
			l.protect(&out, &at)
		}
	case r.chance(0.2):
		add(vigil.DecideReferral, "early_help", "Early help offered to the family")
	default:
		add(vigil.DecideReferral, "assessment", "Needs a child and family assessment")
		at = at.Add(time.Duration(r.between(14, 50)) * 24 * time.Hour)
		// Assessments in time finish within 45 working days of the referral.
		if due := l.cal.AddWorkingDays(rep.At, 45).Add(-time.Hour); at.After(due) {
			at = latest(due, out[0].at.Add(time.Hour))
		}
		if r.chance(0.5) {
			add(vigil.DecideAssessment, "no_further_action", "Assessment complete: needs met by universal services")
		} else {
			add(vigil.DecideAssessment, "child_in_need", "Child in need plan: school attendance and family support")
		}
	}
	out[0].late = lateReason
	// A child in care has a looked-after episode on the case; the case
	// closes only after the child leaves care.
	careEnd, inCare := l.lookedAfter(rep, &out)
	at = latest(at, careEnd)
	// A child back from a missing episode has a return home interview.
	if m := rep.Missing; m != nil && !m.Returned.IsZero() {
		ri := m.Returned.Add(time.Duration(r.between(2, 60)) * time.Hour)
		s := step{kind: vigil.DecideReturnInterview, outcome: "held", reason: "Return home interview held by the exploitation and missing team", returnInterview: true}
		if late {
			ri = m.Returned.Add(time.Duration(r.between(80, 200)) * time.Hour)
			s.late = pick(r, lateReasons)
		}
		s.at = ri
		out = append(out, s)
		at = latest(at, ri)
	}
	if inCare {
		return sortSteps(out) // still looked after: the case stays open
	}
	// The case closes once its work is done.
	switch out[len(out)-1-boolN(out[len(out)-1].returnInterview)].outcome {
	case "child_in_need", "early_help", "end_plan", "no_plan", "ended":
		at = at.Add(time.Duration(r.between(60, 200)) * 24 * time.Hour)
	default:
		at = at.Add(time.Duration(r.between(1, 10)) * 24 * time.Hour)
	}
	add(vigil.DecideCloseRequest, "requested", "Work complete; closure requested")
	at = at.Add(time.Duration(r.between(2, 120)) * time.Hour)
	add(vigil.DecideCloseApproval, "approved", "Agreed: the case can close")
	out[len(out)-1].approve = true
	return sortSteps(out)
}

// sortSteps puts steps in time order (a return interview may fall anywhere).
func sortSteps(out []step) []step {
	slices.SortStableFunc(out, func(a, b step) int { return a.at.Compare(b.at) })
	return out
}

func latest(a, b time.Time) time.Time {
	if a.After(b) {
		return a
	}
	return b
}

func boolN(b bool) int {
	if b {
		return 1
	}
	return 0
}

// pending is one batch of concerns on its way to Import.
type pending struct {
	concerns []vigil.ImportedConcern
	live     []*liveCase // parallel to concerns: nil unless worked live
}

// reports streams every report into the store.
func (l *loader) reports(ctx context.Context, progress func(string, int, int)) error {
	ctx, cancel := context.WithCancel(ctx)
	total := l.g.Len()
	ch := make(chan *pending, 2)
	defer func() {
		// Stop the generator and wait for it, on success or failure.
		cancel()
		for range ch {
		}
	}()
	var genErr error
	go func() {
		defer close(ch)
		b := &pending{}
		i := 0
		for rep := range l.g.Reports {
			ic, lc, err := l.convert(i, rep)
			if err != nil {
				genErr = err
				return
			}
			i++
			b.concerns, b.live = append(b.concerns, ic), append(b.live, lc)
			if len(b.concerns) == l.opt.Batch {
				select {
				case ch <- b:
				case <-ctx.Done():
					return
				}
				b = &pending{}
			}
		}
		if len(b.concerns) > 0 {
			select {
			case ch <- b:
			case <-ctx.Done():
			}
		}
	}()
	done := 0
	progress("Concerns", 0, total)
	for b := range ch {
		cases, err := l.st.Import(ctx, vigil.SystemActor, b.concerns)
		if err != nil {
			return fmt.Errorf("synth: import: %w", err)
		}
		for i, lc := range b.live {
			if lc != nil {
				lc.caseID = cases[i].ID
				l.live = append(l.live, lc)
			}
			l.stats.Mentions += len(b.concerns[i].Mentions)
		}
		done += len(b.concerns)
		l.stats.Concerns = done
		progress("Concerns", done, total)
	}
	return genErr
}

// convert turns the i-th report into what a record system holds of it, and
// the live casework to follow, if any.
func (l *loader) convert(i int, rep *Report) (vigil.ImportedConcern, *liveCase, error) {
	l.r.reseed(mix(l.g.opt.Seed, loadKey), uint64(i))
	ic := vigil.ImportedConcern{SourceRef: rep.ID, Source: rep.Source, ReceivedAt: rep.At, WhatHappened: rep.Text}
	if rep.Source == vigil.SourceProfessional {
		s := rep.RaisedBy
		if s == nil {
			// Nobody held a post in the teams the writer would have
			// been in that day: someone else in the agency wrote it.
			for _, p := range l.postsOf[rep.Agency] {
				if s = p.HolderAt(rep.At); s != nil {
					break
				}
			}
		}
		if s == nil {
			return ic, nil, fmt.Errorf("synth: report %s: nobody in %s to have raised it", rep.ID, rep.Agency)
		}
		ic.RaisedBy = l.users[s]
	}
	for k := range rep.Mentions {
		m := &rep.Mentions[k]
		ic.Mentions = append(ic.Mentions, mentionOf(m))
		if m.Kind == MentionPerson && m.Role == RoleReporter && rep.Source != vigil.SourceProfessional && ic.Reporter.Name == "" {
			ic.Reporter = vigil.Reporter{Name: personName(m), Contact: m.Phone}
		}
	}
	if rep.Subject >= 0 {
		ic.Child = l.child(rep, &rep.Mentions[rep.Subject])
	}
	if rt := rep.Retracted; rt != nil && !rt.At.After(l.now) {
		ic.Notes = append(ic.Notes, vigil.ImportedNote{At: rt.At, Text: "Withdrawn: " + rt.Text})
	}
	steps := l.plan(rep)
	recent := !rep.At.Before(l.recentFrom)
	attached := recent && rep.Missing != nil && l.attach(rep, steps)
	if attached {
		// The episode went onto the child's open case; this report's own
		// case is closed at once, as history.
		steps = l.recordedElsewhere(rep)
		recent = false
	}
	// Complete: closed by now (a child still in care has no closure).
	complete := len(steps) > 0 && steps[len(steps)-1].kind == vigil.DecideCloseApproval && !steps[len(steps)-1].at.After(l.now)
	switch {
	case len(steps) == 0:
		// Never decided: open, with its decision overdue.
		if !recent {
			l.stats.Undecided++
		}
		if m := rep.Missing; m != nil && !recent {
			ic.Missing = append(ic.Missing, missingOf(m, l.now))
		}
		if m := rep.Missing; m != nil && recent {
			l.stats.Live++
			return ic, l.liveCase(rep, nil), nil
		}
		return ic, nil, nil
	case recent:
		l.stats.Live++
		return ic, l.liveCase(rep, steps), nil
	}
	// History: decided by whoever was the duty manager that day, the
	// closure approved by a second manager.
	dec := l.holderOf(l.duty, steps[0].at, "")
	ic.OwnerID = dec
	if m := rep.Missing; m != nil && !attached {
		ic.Missing = append(ic.Missing, missingOf(m, l.now))
	}
	for _, s := range steps {
		if s.at.After(l.now) {
			break
		}
		by := dec
		if s.approve {
			by = l.holderOf(l.approvers, s.at, dec)
		}
		ic.Decisions = append(ic.Decisions, vigil.ImportedDecision{Kind: s.kind, Outcome: s.outcome, Reason: s.reason, LateReason: s.late, At: s.at, By: by})
	}
	// Exploitation cases were screened, as live ones are, while open: so
	// the screening dashboard has sixteen years, not only the recent ones.
	if screenable(rep) && len(ic.Decisions) > 0 && l.r.chance(0.6) {
		first, end := ic.Decisions[0].At, l.now
		if complete {
			end = ic.Decisions[len(ic.Decisions)-1].At
		}
		if span := end.Sub(first); span > 0 {
			at := first.Add(time.Duration(l.r.Int64N(int64(min(span, 5*24*time.Hour)))))
			ic.Screenings = append(ic.Screenings, vigil.ImportedScreening{Scores: l.screening(rep, len(ic.Missing)),
				Notes: "Screened from the referral and what the agencies knew then", At: at, By: dec})
		}
	}
	if complete {
		l.stats.Closed++
	} else {
		// Still in progress at the start of the recent window: its owner
		// is today's duty manager, who must be active.
		ic.OwnerID = ""
	}
	return ic, nil, nil
}

func missingOf(m *MissingEpisode, now time.Time) vigil.ImportedMissing {
	im := vigil.ImportedMissing{From: m.From, Details: "Reported missing; see the concern for the circumstances"}
	if !m.Returned.IsZero() && !m.Returned.After(now) {
		im.Returned = m.Returned
	}
	return im
}

// child is what a concern records of its child: the subject mention,
// cleaned to the concern's stricter fields. The mention keeps what was
// written.
func (l *loader) child(rep *Report, m *Mention) vigil.Child {
	c := vigil.Child{Name: personName(m)}
	if dob, err := time.ParseInLocation(time.DateOnly, m.DOB, vigil.London); err == nil && !dob.After(rep.At) && dob.AddDate(18, 0, 0).After(rep.At) {
		c.DateOfBirth = m.DOB
	} else if m.Age > 0 && m.Age < 18 {
		a := m.Age
		c.Age = &a
	}
	var addr []string
	for _, s := range []string{m.Address, m.Locality, m.Postcode} {
		if s != "" {
			addr = append(addr, s)
		}
	}
	c.Address = strings.Join(addr, ", ")
	return c
}

func personName(m *Mention) string {
	if m.FullName != "" {
		return m.FullName
	}
	return strings.TrimSpace(m.GivenName + " " + m.FamilyName)
}

// mentionOf copies a report's mention to the application's form.
func mentionOf(m *Mention) vigil.Mention {
	v := vigil.Mention{Kind: vigil.MentionKind(m.Kind), Role: vigil.MentionRole(m.Role), GivenName: m.GivenName, FamilyName: m.FamilyName,
		FullName: m.FullName, Nickname: m.Nickname, DateOfBirth: m.DOB, Gender: string(m.Gender), Ethnicity: string(m.Ethnicity),
		Email: m.Email, Identifier: m.Identifier, Address: m.Address, Locality: m.Locality, Postcode: m.Postcode, Phone: m.Phone,
		Plate: m.Plate, Make: m.Make, Model: m.Model, Colour: m.Colour, TaxiFirm: m.TaxiFirm, Platform: m.Platform, Handle: m.Handle,
		VenueName: m.VenueName, VenueKind: string(m.VenueKind), SourceRef: m.ID}
	if m.Age > 0 {
		a := m.Age
		v.Age = &a
	}
	return v
}

// casework works the recent cases through live casework, several at once.
func (l *loader) casework(ctx context.Context, progress func(string, int, int)) error {
	total := len(l.live)
	var done atomic.Int64
	var decisions atomic.Int64
	var mu sync.Mutex
	var first error
	work := make(chan *liveCase)
	var wg sync.WaitGroup
	ctx, cancel := context.WithCancel(ctx)
	defer cancel()
	for range l.opt.Workers {
		wg.Go(func() {
			for lc := range work {
				n, err := l.work(ctx, lc)
				decisions.Add(int64(n))
				if err != nil {
					mu.Lock()
					if first == nil {
						first = err
						cancel()
					}
					mu.Unlock()
				}
				done.Add(1)
			}
		})
	}
	progress("Casework", 0, total)
feed:
	for i, lc := range l.live {
		select {
		case work <- lc:
		case <-ctx.Done():
			break feed
		}
		if i%100 == 0 {
			progress("Casework", int(done.Load()), total)
		}
	}
	close(work)
	wg.Wait()
	progress("Casework", total, total)
	l.stats.Decisions = int(decisions.Load())
	l.live = nil
	return first
}

// meetsClock lists the decisions that meet a clock. Recorded live after
// the clock's due time, they need a reason even when taken in time.
var meetsClock = map[string]bool{vigil.DecideReferral: true, vigil.DecideAssessment: true, vigil.DecideStrategy: true,
	vigil.DecideReturnInterview: true, vigil.DecideConference: true, vigil.DecideCoreGroup: true, vigil.DecideReview: true,
	vigil.DecideLookedAfterReview: true}

// work records one recent case's missing episode and decisions, in time
// order, up to now.
func (l *loader) work(ctx context.Context, lc *liveCase) (int, error) {
	duty, approver := vigil.UserActor(l.dutyUser), vigil.UserActor(l.approverUser)
	steps := slices.Clone(lc.steps)
	for i, m := range lc.missing {
		steps = append(steps, step{at: m.From, missingFrom: true, episode: i})
		if !m.Returned.IsZero() {
			steps = append(steps, step{at: m.Returned, kind: "return", episode: i})
		}
	}
	sortSteps(steps)
	episodes := make([]vigil.ID, len(lc.missing))
	n := 0
	closed := false
	for _, s := range steps {
		if s.at.After(l.now) || ctx.Err() != nil {
			break
		}
		var err error
		switch {
		case s.missingFrom:
			var ep *vigil.MissingEpisode
			ep, err = l.st.RecordMissing(ctx, duty, lc.caseID, s.at, "Reported missing; see the concern for the circumstances")
			if err == nil {
				episodes[s.episode] = ep.ID
			}
		case s.kind == "return":
			if id := episodes[s.episode]; id != "" {
				err = l.st.RecordReturn(ctx, duty, id, s.at)
			}
		default:
			actor := duty
			if s.approve {
				actor = approver
			}
			late := s.late
			if late == "" && meetsClock[s.kind] {
				// On time, but recorded now: live casework asks why.
				late = "Taken on time; entered in Vigil afterwards from the case file"
			}
			_, err = l.st.RecordDecision(ctx, actor, lc.caseID, vigil.NewDecision{Kind: s.kind, Outcome: s.outcome, Reason: s.reason,
				At: s.at, LateReason: late})
			n++
			closed = closed || s.kind == vigil.DecideCloseApproval && s.outcome == "approved"
		}
		if err != nil {
			if errors.Is(err, context.Canceled) {
				return n, err
			}
			return n, fmt.Errorf("synth: case %s: %s %s: %w", lc.caseID, s.kind, strconv.Quote(s.outcome), err)
		}
	}
	if !closed && ctx.Err() == nil {
		if err := l.extras(ctx, lc); err != nil {
			return n, fmt.Errorf("synth: case %s: %w", lc.caseID, err)
		}
	}
	return n, nil
}
