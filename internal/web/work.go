package web

import (
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"time"

	"github.com/vigil-project/vigil"
)

// workData is the "My work" page.
type workData struct {
	Now         time.Time
	Owned       []workRow
	OwnedPage   listPage
	Team        []workRow // team managers: their team's other open cases
	TeamPage    listPage
	Owners      map[vigil.ID]string
	Escalations []*vigil.EscalationItem
	// EscalationsPage pages the escalations as the case lists are paged.
	EscalationsPage listPage
	Transfers       []*vigil.TransferItem
}

// workRow is a case in a work list with its next statutory deadline.
type workRow struct {
	*vigil.Case
	DeadlineLabel string
	Overdue       bool
}

func (s *Server) workRows(cases []*vigil.Case, now time.Time, except vigil.ID) []workRow {
	var out []workRow
	for _, c := range cases {
		if c.OwnerID == except {
			continue
		}
		row := workRow{Case: c}
		if c.NextDue != nil {
			row.DeadlineLabel = s.clockLabel(c.NextDueKind)
			row.Overdue = now.After(*c.NextDue)
		}
		out = append(out, row)
	}
	return out
}

// listPage says where a page of a work list is in the whole list, so
// that a long list is paged and never cut short without saying so.
type listPage struct {
	First, Last int    // 1-based positions of the rows shown
	Prev, Next  string // links to the pages before and after, or ""
}

// pageOf reads a list's offset from the query parameter param.
func pageOf(r *http.Request, param string) int {
	n, err := strconv.Atoi(r.URL.Query().Get(param))
	if err != nil || n < 0 {
		return 0
	}
	return n
}

// pageLinks describes page p of a list read from offset, whose offset
// travels in the query parameter param.
func (s *Server) pageLinks(p *vigil.CasePage, offset int, param string) listPage {
	return s.listPageOf(len(p.Cases), offset, p.More, p.NextOffset, param)
}

// listPageOf describes a page of shown rows of a list read from offset,
// with more after it from next, whose offset travels in param.
func (s *Server) listPageOf(shown, offset int, more bool, next int, param string) listPage {
	lp := listPage{First: offset + 1, Last: offset + shown}
	if offset > 0 {
		lp.Prev = "/work?" + url.Values{param: {strconv.Itoa(max(offset-s.workPage, 0))}}.Encode()
	}
	if more {
		lp.Next = "/work?" + url.Values{param: {strconv.Itoa(next)}}.Encode()
	}
	return lp
}

func (s *Server) myWork(w http.ResponseWriter, r *http.Request, u *vigil.User) {
	ctx, actor, now := r.Context(), vigil.UserActor(u), vigil.Now()
	// The store sorts by the next open deadline, earliest first, so
	// overdue work is at the top.
	ownedFrom := pageOf(r, "owned_from")
	owned, err := s.svc.CasePage(ctx, actor, vigil.CaseFilter{OwnerID: u.ID, Status: vigil.CaseOpen, ByDeadline: true,
		Limit: s.workPage, Offset: ownedFrom})
	if err != nil {
		s.fail(w, r, err)
		return
	}
	d := workData{Now: now, Owned: s.workRows(owned.Cases, now, ""), OwnedPage: s.pageLinks(owned, ownedFrom, "owned_from")}
	escFrom := pageOf(r, "escalations_from")
	esc, err := s.svc.EscalationPage(ctx, actor, vigil.EscalationFilter{Limit: s.workPage, Offset: escFrom})
	if err != nil {
		s.fail(w, r, err)
		return
	}
	d.Escalations, d.EscalationsPage = esc.Items, s.listPageOf(len(esc.Items), escFrom, esc.More, esc.NextOffset, "escalations_from")
	if d.Transfers, err = s.svc.TransfersOffered(ctx, actor); err != nil {
		s.fail(w, r, err)
		return
	}
	if u.TeamID != "" && u.Role == vigil.RoleTeamManager {
		teamFrom := pageOf(r, "team_from")
		team, err := s.svc.CasePage(ctx, actor, vigil.CaseFilter{TeamID: u.TeamID, Status: vigil.CaseOpen, ByDeadline: true,
			Limit: s.workPage, Offset: teamFrom})
		if err != nil {
			s.fail(w, r, err)
			return
		}
		d.Team, d.TeamPage = s.workRows(team.Cases, now, u.ID), s.pageLinks(team, teamFrom, "team_from")
		d.Owners = map[vigil.ID]string{}
		for _, row := range d.Team {
			if _, ok := d.Owners[row.OwnerID]; !ok {
				d.Owners[row.OwnerID] = "Unknown"
				if p, err := s.svc.FindUser(ctx, row.OwnerID); err == nil {
					d.Owners[row.OwnerID] = p.Name
				}
			}
		}
	}
	s.render(w, r, http.StatusOK, "work", &Page{Title: "My work", Nav: "work", Notice: noticeOf(r), Data: d})
}

// transferData is the page answering an offer of a case.
type transferData struct {
	*vigil.TransferItem
}

// offeredTransfer finds a transfer offered to u and not yet answered.
func (s *Server) offeredTransfer(r *http.Request, u *vigil.User, id vigil.ID) (*vigil.TransferItem, error) {
	items, err := s.svc.TransfersOffered(r.Context(), vigil.UserActor(u))
	if err != nil {
		return nil, err
	}
	for _, t := range items {
		if t.ID == id {
			return t, nil
		}
	}
	return nil, vigil.Errorf(vigil.ENOTFOUND, "This transfer was not found: it may have been answered already, or it was not offered to you.")
}

func (s *Server) transferForm(w http.ResponseWriter, r *http.Request, u *vigil.User) {
	t, err := s.offeredTransfer(r, u, vigil.ID(r.PathValue("id")))
	if err != nil {
		s.fail(w, r, err)
		return
	}
	s.render(w, r, http.StatusOK, "transfer", &Page{Title: "Case offered to you", Nav: "work", Form: Form{}, Data: transferData{t}})
}

var transferAnswerInputs = map[string]string{"reason": "answer-reason", "accept": "answer"}

func (s *Server) answerTransfer(w http.ResponseWriter, r *http.Request, u *vigil.User) {
	form, ok := s.postedForm(w, r, "answer", "answer-reason")
	if !ok {
		return
	}
	t, err := s.offeredTransfer(r, u, vigil.ID(r.PathValue("id")))
	if err != nil {
		s.fail(w, r, err)
		return
	}
	var errs []vigil.FieldError
	accept := form["answer"] == "accept"
	if !accept && form["answer"] != "refuse" {
		errs = append(errs, vigil.FieldError{Field: "answer", Message: "Choose whether you accept the case"})
	} else if err := s.svc.AnswerTransfer(r.Context(), vigil.UserActor(u), t.ID, accept, form["answer-reason"]); err != nil {
		if !formProblem(err) {
			s.fail(w, r, err)
			return
		}
		errs = inputErrorsOf(err, transferAnswerInputs, "answer")
	} else if accept {
		http.Redirect(w, r, "/cases/"+string(t.CaseID)+"?notice=transfer-accepted", http.StatusSeeOther)
		return
	} else {
		http.Redirect(w, r, "/work?notice=transfer-refused", http.StatusSeeOther)
		return
	}
	s.render(w, r, http.StatusUnprocessableEntity, "transfer", &Page{Title: "Case offered to you", Nav: "work", Form: form, Errors: errs, Data: transferData{t}})
}

// escalationData is the page answering an escalation.
type escalationData struct {
	*vigil.EscalationItem
	Holder   string
	Prefix   string // of the form's input ids, as on the case page
	CaseLink bool   // whether the viewer can open the case
	Explains bool   // the viewer owns the case: their answer is an explanation (vigil.OwnerExplains)
}

// answerableEscalation finds an open escalation u may answer.
func (s *Server) answerableEscalation(r *http.Request, u *vigil.User, id vigil.ID) (*vigil.EscalationItem, error) {
	if id.Valid() {
		// Found by id, wherever it falls in the pages of the list.
		p, err := s.svc.EscalationPage(r.Context(), vigil.UserActor(u), vigil.EscalationFilter{ID: id})
		if err != nil {
			return nil, err
		}
		if len(p.Items) == 1 {
			return p.Items[0], nil
		}
	}
	return nil, vigil.Errorf(vigil.ENOTFOUND, "This escalation was not found: it may have been answered already, or you cannot answer it.")
}

func (s *Server) escalationPage(w http.ResponseWriter, r *http.Request, u *vigil.User, e *vigil.EscalationItem, status int, p *Page) {
	holder := "Independent oversight (scrutiny panel and commissioners)"
	if e.HolderID != "" {
		holder = "Unknown"
		if h, err := s.svc.FindUser(r.Context(), e.HolderID); err == nil {
			holder = h.Name
		}
	}
	// The case is linked for those the access decision lets open it, not
	// for scrutiny panel members, who see escalations but not case records.
	d := escalationData{EscalationItem: e, Holder: holder, Prefix: "esc-" + string(e.ID), CaseLink: e.Identified,
		Explains: vigil.OwnerExplains(u, &e.Escalation, e.CaseOwnerID)}
	p.Title, p.Nav, p.Data = "Answer an escalation", "work", d
	if p.Form == nil {
		p.Form = Form{}
	}
	s.render(w, r, status, "escalation", p)
}

func (s *Server) escalationForm(w http.ResponseWriter, r *http.Request, u *vigil.User) {
	e, err := s.answerableEscalation(r, u, vigil.ID(r.PathValue("id")))
	if err != nil {
		s.fail(w, r, err)
		return
	}
	s.escalationPage(w, r, u, e, http.StatusOK, &Page{})
}

func (s *Server) resolveEscalation(w http.ResponseWriter, r *http.Request, u *vigil.User) {
	id := vigil.ID(r.PathValue("id"))
	prefix := "esc-" + string(id)
	form, ok := s.postedForm(w, r, "return", prefix+"-decision", prefix+"-extend-day", prefix+"-extend-month", prefix+"-extend-year", prefix+"-extend-time")
	if !ok {
		return
	}
	e, err := s.answerableEscalation(r, u, id)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	inputs := map[string]string{"decision": prefix + "-decision", "extend_to": prefix + "-extend-day"}
	extend, errs := whenInput(form, prefix+"-extend", "The new due date", true)
	if len(errs) > 0 {
		// The date is wrong: say at once if the decision is missing too.
		errs = addMissing(errs, vigil.CheckText("decision", "the decision that answers the escalation",
			strings.TrimSpace(form[prefix+"-decision"]), vigil.MaxReasonLen, true), inputs, prefix+"-decision")
	}
	status := http.StatusUnprocessableEntity
	if len(errs) == 0 {
		var extendTo *time.Time
		if !extend.IsZero() {
			extendTo = &extend
		}
		err := s.svc.ResolveEscalation(r.Context(), vigil.UserActor(u), e.ID, form[prefix+"-decision"], extendTo)
		if err == nil {
			notice := "escalation-resolved"
			if vigil.OwnerExplains(u, &e.Escalation, e.CaseOwnerID) {
				notice = "escalation-explained"
			}
			if form["return"] == "case" || u.Role != vigil.RoleScrutinyMember {
				http.Redirect(w, r, "/cases/"+string(e.CaseID)+"?notice="+notice, http.StatusSeeOther)
			} else {
				http.Redirect(w, r, "/work?notice="+notice, http.StatusSeeOther)
			}
			return
		}
		if !formProblem(err) {
			s.fail(w, r, err)
			return
		}
		errs, status = inputErrorsOf(err, inputs, prefix+"-decision"), vigil.ErrorStatus(vigil.ErrorCode(err))
	}
	p := &Page{Form: form, Errors: errs}
	if form["return"] == "case" {
		s.caseView(w, r, u, e.CaseID, status, p, prefix)
		return
	}
	s.escalationPage(w, r, u, e, status, p)
}
