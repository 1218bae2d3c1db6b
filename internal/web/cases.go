package web

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"time"

	"github.com/vigil-project/vigil"
)

func errorsAs(err error, target any) bool { return errors.As(err, target) }

// defaultRules are the national clocks and ladder, for stores that do not
// say which rules they run.
var defaultRules = vigil.DefaultRules()

// rules returns the clock rules and escalation ladder in force.
func (s *Server) rules() *vigil.Rules {
	if rs, ok := s.svc.(ruleSource); ok {
		if r := rs.Rules(); r != nil {
			return r
		}
	}
	return defaultRules
}

// clockLabel is what people read for a deadline kind.
func (s *Server) clockLabel(kind string) string {
	if c := s.rules().Clock(kind); c != nil {
		return c.Label
	}
	return kind
}

// tag is a GOV.UK tag: its words and its colour modifier.
type tag struct{ Text, Colour string }

func deadlineTag(d *vigil.Deadline, now time.Time) tag {
	switch {
	case d.Overdue(now):
		return tag{"Overdue", "red"}
	case d.Status == vigil.DeadlineOpen:
		return tag{"Open", "blue"}
	case d.Status == vigil.DeadlineMet && d.Late():
		return tag{"Met late", "orange"}
	case d.Status == vigil.DeadlineMet:
		return tag{"Met", "green"}
	}
	return tag{"Cancelled", "grey"}
}

// caseData is the case page.
type caseData struct {
	*vigil.CaseDetail
	Now      time.Time
	Raised   string // the reference of a concern just raised
	Active   string // the form that was sent with mistakes, so its section is open
	Names    map[vigil.ID]string
	Agencies map[vigil.ID]string

	Deadlines   []deadlineRow
	Escalations []escalationRow
	Decisions   []decisionRow
	Screening   *screeningView
	Missing     []missingRow
	Transfers   []transferRow
	Referrals   []referralRow

	// What the viewer may do, where it is cheap to know; the store decides.
	CanDecide, CanTransfer, CanMissing, CanScreen, CanRefer bool
	CanMention                                              bool       // add what a report names (web/mentions.go)
	MentionForm                                             mentionsOn // its rows, as sent when it is shown again
	TransferToMe                                            *vigil.Transfer
	Withdrawable                                            *transferRow // the offer waiting for an answer, when the viewer may withdraw it
	People                                                  []option     // who may be offered the case
	OtherAgencies                                           []option
}

type deadlineRow struct {
	*vigil.Deadline
	Tag  tag
	Note string // why it was late or cancelled
}

type escalationRow struct {
	*vigil.Escalation
	Holder, ResolvedBy, Deadline string
	ExplainedByName              string
	CanAnswer                    bool
	Explains                     bool   // the viewer's answer would only be an explanation (vigil.OwnerExplains)
	Prefix                       string // of the answer form's input ids
}

type decisionRow struct {
	*vigil.Decision
	By string
}

type screeningView struct {
	*vigil.Screening
	By         string
	Indicators []scoredIndicator
}

type scoredIndicator struct {
	Label string
	Score vigil.Score
}

type missingRow struct {
	*vigil.MissingEpisode
	By     string
	Prefix string // of the return form's input ids
}

type transferRow struct {
	*vigil.Transfer
	From, To string
	Tag      tag
}

type referralRow struct {
	*vigil.AgencyReferral
	From, To, SentBy, AckBy string
	CanAck                  bool
}

func (s *Server) showCase(w http.ResponseWriter, r *http.Request, u *vigil.User) {
	s.caseView(w, r, u, vigil.ID(r.PathValue("id")), http.StatusOK, &Page{Notice: noticeOf(r)}, "")
}

// involved reports whether u is involved in the case through their own
// work, as vigil.CanViewCase means it: they raised one of its concerns, or
// it was referred to their agency (administrators excepted: they run the
// system but do no casework). The store decides the same way.
func involved(d *vigil.CaseDetail, u *vigil.User) bool {
	for _, c := range d.Concerns {
		if c.RaisedBy == u.ID {
			return true
		}
	}
	for _, r := range d.Referrals {
		if r.ToAgency == u.AgencyID && u.Role != vigil.RoleAdministrator {
			return true
		}
	}
	return false
}

// caseView renders the case page; p carries a form sent with mistakes
// (and which one, active) or a notice.
func (s *Server) caseView(w http.ResponseWriter, r *http.Request, u *vigil.User, id vigil.ID, status int, p *Page, active string) {
	ctx := r.Context()
	d, err := s.svc.FindCase(ctx, vigil.UserActor(u), id, "case page")
	if err != nil {
		s.fail(w, r, err)
		return
	}
	agencies, err := s.svc.Agencies(ctx)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	now := vigil.Now()
	raised := involved(d, u)
	open := d.Status == vigil.CaseOpen
	cd := caseData{CaseDetail: d, Now: now, Active: active, Agencies: map[vigil.ID]string{},
		CanDecide:  len(s.stepsFor(u, d, raised)) > 0,
		CanMissing: open && vigil.CanRecordMissing(u, &d.Case, raised),
		CanScreen:  vigil.CanScreen(u, &d.Case, raised),
		CanRefer:   open && vigil.CanRefer(u, &d.Case, raised),
	}
	for _, a := range agencies {
		cd.Agencies[a.ID] = a.Name
		if a.ID != u.AgencyID {
			cd.OtherAgencies = append(cd.OtherAgencies, option{string(a.ID), a.Name})
		}
	}
	// The confirmation names a concern of this case only, so that a crafted
	// link cannot put words on the page.
	for _, c := range d.Concerns {
		if c.Ref == r.URL.Query().Get("raised") {
			cd.Raised = c.Ref
		}
	}
	names := s.names(ctx, d)
	cd.Names = names
	for _, dl := range d.Deadlines {
		row := deadlineRow{Deadline: dl, Tag: deadlineTag(dl, now), Note: dl.LateReason}
		if dl.Status == vigil.DeadlineCancelled {
			row.Note = dl.CancelReason
		}
		cd.Deadlines = append(cd.Deadlines, row)
	}
	deadlineLabels := map[vigil.ID]string{}
	for _, dl := range d.Deadlines {
		deadlineLabels[dl.ID] = dl.Label
	}
	ladder := s.rules().Ladder
	for _, e := range d.Escalations {
		row := escalationRow{Escalation: e, Holder: holderName(e, names), ResolvedBy: names[e.ResolvedBy],
			Deadline: deadlineLabels[e.DeadlineID], CanAnswer: vigil.CanResolveEscalation(u, e, d.AgencyID, ladder),
			Explains: vigil.OwnerExplains(u, e, d.OwnerID), ExplainedByName: names[e.ExplainedBy], Prefix: "esc-" + string(e.ID)}
		cd.Escalations = append(cd.Escalations, row)
	}
	for _, dec := range d.Decisions {
		cd.Decisions = append(cd.Decisions, decisionRow{Decision: dec, By: names[dec.DecidedBy]})
	}
	if sc := d.Screening; sc != nil {
		v := &screeningView{Screening: sc, By: names[sc.By]}
		for _, ind := range vigil.Indicators {
			if score, ok := sc.Scores[ind.Key]; ok {
				v.Indicators = append(v.Indicators, scoredIndicator{ind.Label, score})
			}
		}
		cd.Screening = v
	}
	for _, m := range d.MissingEpisodes {
		cd.Missing = append(cd.Missing, missingRow{MissingEpisode: m, By: names[m.RecordedBy], Prefix: "return-" + string(m.ID)})
	}
	pending := false
	for _, t := range d.Transfers {
		row := transferRow{Transfer: t, From: names[t.FromID], To: names[t.ToID], Tag: transferTag(t.Status)}
		cd.Transfers = append(cd.Transfers, row)
		if t.Status == vigil.TransferOffered {
			pending = true
			if t.ToID == u.ID {
				cd.TransferToMe = t
			}
		}
	}
	for _, ref := range d.Referrals {
		cd.Referrals = append(cd.Referrals, referralRow{AgencyReferral: ref, From: cd.Agencies[ref.FromAgency], To: cd.Agencies[ref.ToAgency],
			SentBy: names[ref.SentBy], AckBy: names[ref.AcknowledgedBy],
			CanAck: ref.AcknowledgedAt == nil && ref.ToAgency == u.AgencyID && vigil.CanHoldCases(u)})
	}
	// While an offer waits for its answer no other can be made; the form
	// stays only to give back what was typed when an attempt clashed with one.
	cd.CanTransfer = open && (!pending || active == "transfer") && vigil.CanTransfer(u, &d.Case)
	if open && vigil.CanTransfer(u, &d.Case) {
		for i := range cd.Transfers {
			if cd.Transfers[i].Status == vigil.TransferOffered {
				cd.Withdrawable = &cd.Transfers[i]
			}
		}
	}
	if cd.CanTransfer {
		people, err := s.svc.Users(ctx)
		if err != nil {
			s.fail(w, r, err)
			return
		}
		for _, p := range people {
			if vigil.CanHoldCases(p) && p.ID != d.OwnerID {
				cd.People = append(cd.People, option{string(p.ID), fmt.Sprintf("%s, %s (%s)", p.Name, roleLabels[p.Role], cd.Agencies[p.AgencyID])})
			}
		}
	}
	cd.CanMention = vigil.CanDecide(u, &d.Case, raised) || vigil.CanScreen(u, &d.Case, raised)
	for _, c := range d.Concerns {
		cd.CanMention = cd.CanMention || c.RaisedBy == u.ID
		cd.MentionForm.Concerns = append(cd.MentionForm.Concerns, option{string(c.ID), c.Ref + ", received " + c.ReceivedAt.In(vigil.London).Format("2 January 2006")})
	}
	// The mention rows come back as they were sent (an added row, a
	// mistake); otherwise one empty row of each kind.
	cd.MentionForm.mentionForm = emptyMentionForm()
	if mf, ok := p.Data.(mentionForm); ok {
		cd.MentionForm.mentionForm = mf
	}
	if p.Form == nil && len(d.Concerns) > 0 {
		p.Form = Form{concernField: string(d.Concerns[len(d.Concerns)-1].ID)}
	}
	p.Title, p.Nav, p.Data = "Case "+d.Ref, "work", cd
	if p.Form == nil {
		p.Form = Form{}
	}
	s.render(w, r, status, "case", p)
}

func transferTag(st vigil.TransferStatus) tag {
	switch st {
	case vigil.TransferOffered:
		return tag{"Offered", "blue"}
	case vigil.TransferAccepted:
		return tag{"Accepted", "green"}
	case vigil.TransferWithdrawn:
		return tag{"Withdrawn", "grey"}
	}
	return tag{"Refused", "red"}
}

// holderName says who holds an escalation: a person, or independent
// oversight at the top of the ladder.
func holderName(e *vigil.Escalation, names map[vigil.ID]string) string {
	if e.HolderID == "" {
		return "Independent oversight (scrutiny panel and commissioners)"
	}
	if n, ok := names[e.HolderID]; ok {
		return n
	}
	return "Unknown"
}

// names returns the names of everyone the case page mentions.
func (s *Server) names(ctx context.Context, d *vigil.CaseDetail) map[vigil.ID]string {
	names := map[vigil.ID]string{vigil.ActorPublic: "Member of the public", vigil.ActorSystem: "Vigil"}
	add := func(id vigil.ID) {
		if _, ok := names[id]; ok || id == "" {
			return
		}
		if p, err := s.svc.FindUser(ctx, id); err == nil {
			names[id] = p.Name
		} else {
			names[id] = "Unknown"
		}
	}
	for _, e := range d.Events {
		add(e.ActorID)
	}
	for _, e := range d.Escalations {
		add(e.HolderID)
		add(e.ResolvedBy)
		add(e.ExplainedBy)
	}
	for _, dec := range d.Decisions {
		add(dec.DecidedBy)
	}
	if d.Screening != nil {
		add(d.Screening.By)
	}
	for _, m := range d.MissingEpisodes {
		add(m.RecordedBy)
	}
	for _, t := range d.Transfers {
		add(t.FromID)
		add(t.ToID)
	}
	for _, ref := range d.Referrals {
		add(ref.SentBy)
		add(ref.AcknowledgedBy)
	}
	for _, sh := range d.Shares {
		add(sh.By)
	}
	return names
}

// caseState is what vigil.Decide needs to know of a case, from its detail.
func caseState(d *vigil.CaseDetail) vigil.CaseState {
	st := vigil.CaseState{Stage: d.Stage, LookedAfter: d.LookedAfter, StageBefore: d.StageBefore, OpenClocks: map[string]bool{}}
	for _, dl := range d.Deadlines {
		if dl.Status == vigil.DeadlineOpen {
			st.OpenClocks[dl.Kind] = true
		}
	}
	st.AssessmentDue = st.OpenClocks["assessment"]
	return st
}

// stepsFor lists the decisions u may record on the case now: the steps the
// workflow allows in its state, less those u's role cannot take.
func (s *Server) stepsFor(u *vigil.User, d *vigil.CaseDetail, raised bool) []*vigil.Step {
	var closeAsker vigil.ID
	for _, dec := range d.Decisions {
		if dec.Kind == vigil.DecideCloseRequest {
			closeAsker = dec.DecidedBy // decisions come oldest first: the last request wins
		}
	}
	decide := vigil.CanDecide(u, &d.Case, raised)
	var out []*vigil.Step
	for _, st := range vigil.StepsFrom(caseState(d)) {
		if st.Kind == vigil.DecideCloseApproval {
			if vigil.CanApproveClosure(u, &d.Case, closeAsker) {
				out = append(out, st)
			}
		} else if decide {
			out = append(out, st)
		}
	}
	return out
}
