package web

import (
	"net/http"
	"slices"
	"strings"
	"time"

	"github.com/vigil-project/vigil"
)

// Action plan pages (MISSION R10). The plan page is public for a public
// plan and shows each recommendation's state, so that a plan cannot sit on
// the shelf unseen; staff who may edit plans get its forms on the same
// page. Each action has its own page for progress, evidence, sign-off and
// escalations.

func (s *Server) planRoutes(mux *http.ServeMux) {
	mux.HandleFunc("GET /action-plans", s.plans)
	mux.HandleFunc("GET /action-plans/new", s.staff(s.planForm))
	mux.HandleFunc("POST /action-plans", s.staff(s.createPlan))
	mux.HandleFunc("GET /action-plans/{id}", s.planPage)
	mux.HandleFunc("POST /action-plans/{id}/recommendations", s.staff(s.addRecommendation))
	mux.HandleFunc("POST /recommendations/{id}/actions", s.staff(s.addAction))
	mux.HandleFunc("GET /actions/{id}", s.staff(s.actionPage))
	mux.HandleFunc("POST /actions/{id}/progress", s.staff(s.reportProgress))
	mux.HandleFunc("POST /actions/{id}/signoff", s.staff(s.signOff))
	mux.HandleFunc("POST /action-escalations/{id}/resolve", s.staff(s.resolveActionEscalation))
}

// plansData is the list of plans.
type plansData struct {
	Plans       []planSummary
	CanEdit     bool
	Escalations []*vigil.ActionEscalationItem
}

type planSummary struct {
	*vigil.ActionPlan
	States []stateCount
}

type stateCount struct {
	State vigil.RecommendationState
	Label string
	N     int
}

// summarise counts a plan's recommendations by state, in a fixed order.
func summarise(p *vigil.ActionPlan, now time.Time) []stateCount {
	order := []vigil.RecommendationState{vigil.RecOverdue, vigil.RecNoActions, vigil.RecNotStarted, vigil.RecInProgress, vigil.RecAwaiting, vigil.RecComplete}
	n := map[vigil.RecommendationState]int{}
	for _, r := range p.Recommendations {
		n[r.State(now)]++
	}
	var out []stateCount
	for _, st := range order {
		if n[st] > 0 {
			out = append(out, stateCount{st, vigil.RecommendationStateLabels[st], n[st]})
		}
	}
	return out
}

func (s *Server) plans(w http.ResponseWriter, r *http.Request) {
	u := userFrom(r)
	actor := vigil.PublicActor
	if u != nil {
		actor = vigil.UserActor(u)
	}
	plans, err := s.ov().Plans(r.Context(), actor)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	d := plansData{CanEdit: vigil.CanEditPlans(u)}
	now := vigil.Now()
	for _, p := range plans {
		d.Plans = append(d.Plans, planSummary{p, summarise(p, now)})
	}
	if u != nil {
		if d.Escalations, err = s.ov().ActionEscalations(r.Context(), actor); err != nil {
			s.fail(w, r, err)
			return
		}
	}
	s.render(w, r, http.StatusOK, "oversight_plans", &Page{Title: "Action plans", Nav: "plans", Notice: noticeOf(r), Data: d})
}

func (s *Server) planForm(w http.ResponseWriter, r *http.Request, u *vigil.User) {
	if !vigil.CanEditPlans(u) {
		s.fail(w, r, vigil.Errorf(vigil.EFORBIDDEN, "Only the director, service managers, commissioners and the scrutiny panel enter action plans."))
		return
	}
	s.render(w, r, http.StatusOK, "oversight_plan_new", &Page{Title: "Enter an action plan", Nav: "plans", Form: Form{"public": "yes"}})
}

func (s *Server) createPlan(w http.ResponseWriter, r *http.Request, u *vigil.User) {
	form, ok := s.postedForm(w, r, "title", "report", "report-date-day", "report-date-month", "report-date-year", "public")
	if !ok {
		return
	}
	date, okDate := dateInput(form["report-date-day"], form["report-date-month"], form["report-date-year"])
	n := vigil.NewActionPlan{Title: form["title"], Report: form["report"], Public: form["public"] == "yes"}
	if okDate && !date.IsZero() {
		n.ReportDate = date.Format("2006-01-02")
	}
	p, err := s.ov().CreatePlan(r.Context(), vigil.UserActor(u), n)
	if err != nil {
		if !formProblem(err) {
			s.fail(w, r, err)
			return
		}
		errs := inputErrorsOf(err, map[string]string{"title": "title", "report": "report", "report_date": "report-date-day"}, "title")
		s.render(w, r, http.StatusUnprocessableEntity, "oversight_plan_new", &Page{Title: "Enter an action plan", Nav: "plans", Form: form, Errors: errs})
		return
	}
	http.Redirect(w, r, "/action-plans/"+string(p.ID)+"?notice=plan-created", http.StatusSeeOther)
}

// planData is a plan's page.
type planData struct {
	*vigil.ActionPlan
	Now     time.Time
	Recs    []recView
	CanEdit bool
	People  []option // who may own an action
	Owners  map[vigil.ID]string
	Active  string // the recommendation whose form was sent with mistakes
}

type recView struct {
	*vigil.Recommendation
	State  vigil.RecommendationState
	Label  string
	Colour string
	Prefix string // of the action form's input ids
}

var stateColours = map[vigil.RecommendationState]string{
	vigil.RecNoActions: "grey", vigil.RecNotStarted: "yellow", vigil.RecInProgress: "blue", vigil.RecOverdue: "red",
	vigil.RecAwaiting: "purple", vigil.RecComplete: "green",
}

func (s *Server) planPage(w http.ResponseWriter, r *http.Request) {
	s.planView(w, r, http.StatusOK, &Page{Notice: noticeOf(r)}, "")
}

// planView renders a plan's page; p carries a form sent with mistakes.
func (s *Server) planView(w http.ResponseWriter, r *http.Request, status int, p *Page, active string) {
	ctx := r.Context()
	u := userFrom(r)
	actor := vigil.PublicActor
	if u != nil {
		actor = vigil.UserActor(u)
	}
	plan, err := s.ov().FindPlan(ctx, actor, vigil.ID(r.PathValue("id")))
	if err != nil {
		s.fail(w, r, err)
		return
	}
	now := vigil.Now()
	d := planData{ActionPlan: plan, Now: now, CanEdit: vigil.CanEditPlans(u), Owners: map[vigil.ID]string{}, Active: active}
	for _, rec := range plan.Recommendations {
		st := rec.State(now)
		d.Recs = append(d.Recs, recView{rec, st, vigil.RecommendationStateLabels[st], stateColours[st], "rec-" + string(rec.ID)})
	}
	// Owners are named to staff; the public sees their role.
	users, err := s.svc.Users(ctx)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	for _, x := range users {
		name := roleLabels[x.Role]
		if u != nil {
			name = x.Name + " (" + roleLabels[x.Role] + ")"
		}
		d.Owners[x.ID] = name
		if d.CanEdit && vigil.CanOwnActions(x) {
			d.People = append(d.People, option{string(x.ID), x.Name + ", " + roleLabels[x.Role]})
		}
	}
	if p.Form == nil {
		p.Form = Form{}
	}
	p.Title, p.Nav, p.Data = plan.Title, "plans", d
	s.render(w, r, status, "oversight_plan", p)
}

func (s *Server) addRecommendation(w http.ResponseWriter, r *http.Request, u *vigil.User) {
	form, ok := s.postedForm(w, r, "rec-number", "rec-text")
	if !ok {
		return
	}
	id := vigil.ID(r.PathValue("id"))
	_, err := s.ov().AddRecommendation(r.Context(), vigil.UserActor(u), id, vigil.NewRecommendation{Number: form["rec-number"], Text: form["rec-text"]})
	if err == nil {
		http.Redirect(w, r, "/action-plans/"+string(id)+"?notice=recommendation-added", http.StatusSeeOther)
		return
	}
	if !formProblem(err) {
		s.fail(w, r, err)
		return
	}
	s.planView(w, r, http.StatusUnprocessableEntity, &Page{Form: form,
		Errors: inputErrorsOf(err, map[string]string{"number": "rec-number", "text": "rec-text"}, "rec-text")}, "new-recommendation")
}

func (s *Server) addAction(w http.ResponseWriter, r *http.Request, u *vigil.User) {
	recID := vigil.ID(r.PathValue("id"))
	prefix := "rec-" + string(recID)
	form, ok := s.postedForm(w, r, append([]string{"plan", prefix + "-title", prefix + "-owner", prefix + "-evidence"}, dateFields(prefix+"-due")...)...)
	if !ok {
		return
	}
	inputs := map[string]string{"title": prefix + "-title", "owner_id": prefix + "-owner", "due": prefix + "-due-day", "evidence_needed": prefix + "-evidence"}
	due, errs := whenInput(form, prefix+"-due", "The deadline", true)
	n := vigil.NewPlanAction{Title: form[prefix+"-title"], OwnerID: vigil.ID(form[prefix+"-owner"]), Due: due, EvidenceNeeded: form[prefix+"-evidence"]}
	var err error
	if len(errs) == 0 {
		if _, err = s.ov().AddAction(r.Context(), vigil.UserActor(u), recID, n); err == nil {
			http.Redirect(w, r, "/action-plans/"+form["plan"]+"?notice=action-added#"+prefix, http.StatusSeeOther)
			return
		}
		if !formProblem(err) {
			s.fail(w, r, err)
			return
		}
		errs = inputErrorsOf(err, inputs, prefix+"-title")
	} else {
		errs = addMissing(errs, n.Validate(vigil.Now()), inputs, prefix+"-title")
	}
	// The deadline's own error is about the date; the domain's may repeat it.
	r.SetPathValue("id", form["plan"])
	s.planView(w, r, http.StatusUnprocessableEntity, &Page{Form: form, Errors: errs}, prefix)
}

// actionData is an action's page.
type actionData struct {
	*vigil.ActionDetail
	Now          time.Time
	Overdue      bool
	Names        map[vigil.ID]string
	CanReport    bool
	CanSignOff   bool
	CanAnswer    bool
	CanExtend    bool
	StatusLabel  string
	EscalationID vigil.ID
}

func (s *Server) actionPage(w http.ResponseWriter, r *http.Request, u *vigil.User) {
	s.actionView(w, r, u, http.StatusOK, &Page{Notice: noticeOf(r)})
}

func (s *Server) actionView(w http.ResponseWriter, r *http.Request, u *vigil.User, status int, p *Page) {
	ctx := r.Context()
	a, err := s.ov().FindAction(ctx, vigil.UserActor(u), vigil.ID(r.PathValue("id")))
	if err != nil {
		s.fail(w, r, err)
		return
	}
	now := vigil.Now()
	d := actionData{ActionDetail: a, Now: now, Overdue: a.Overdue(now), Names: map[vigil.ID]string{vigil.ActorSystem: "Vigil"},
		CanReport:  vigil.CanReportProgress(u, &a.PlanAction) && (a.Status == vigil.ActionNotStarted || a.Status == vigil.ActionInProgress),
		CanSignOff: vigil.CanSignOff(u, &a.PlanAction) && a.Status == vigil.ActionDone, StatusLabel: vigil.ActionStatusLabels[a.Status]}
	if e := a.Escalation; e != nil && vigil.CanResolveActionEscalation(u, e) {
		d.CanAnswer, d.EscalationID, d.CanExtend = true, e.ID, u.ID != a.OwnerID
	}
	users, err := s.svc.Users(ctx)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	for _, x := range users {
		d.Names[x.ID] = x.Name
	}
	if p.Form == nil {
		p.Form = Form{}
	}
	p.Title, p.Nav, p.Data = a.Title, "plans", d
	s.render(w, r, status, "oversight_action", p)
}

func (s *Server) reportProgress(w http.ResponseWriter, r *http.Request, u *vigil.User) {
	form, ok := s.postedForm(w, r, "status", "note", "evidence")
	if !ok {
		return
	}
	id := vigil.ID(r.PathValue("id"))
	n := vigil.ActionProgress{Status: vigil.ActionStatus(form["status"]), Note: form["note"], Evidence: form["evidence"]}
	err := s.ov().ReportProgress(r.Context(), vigil.UserActor(u), id, n)
	if err == nil {
		notice := "progress-recorded"
		if n.Status == vigil.ActionDone {
			notice = "action-done"
		}
		http.Redirect(w, r, "/actions/"+string(id)+"?notice="+notice, http.StatusSeeOther)
		return
	}
	if !formProblem(err) {
		s.fail(w, r, err)
		return
	}
	s.actionView(w, r, u, vigil.ErrorStatus(vigil.ErrorCode(err)), &Page{Form: form,
		Errors: inputErrorsOf(err, map[string]string{"status": "status", "note": "note", "evidence": "evidence"}, "status")})
}

func (s *Server) signOff(w http.ResponseWriter, r *http.Request, u *vigil.User) {
	form, ok := s.postedForm(w, r, "signoff", "decision")
	if !ok {
		return
	}
	id := vigil.ID(r.PathValue("id"))
	var errs []vigil.FieldError
	accept := form["signoff"] == "accept"
	if !accept && form["signoff"] != "return" {
		errs = append(errs, vigil.FieldError{Field: "signoff", Message: "Choose whether to sign the action off or return it"})
		errs = addMissing(errs, vigil.CheckText("decision", "the panel's decision and its reasons", strings.TrimSpace(form["decision"]), vigil.MaxReasonLen, true),
			map[string]string{"decision": "decision"}, "decision")
	} else if err := s.ov().SignOff(r.Context(), vigil.UserActor(u), id, accept, form["decision"]); err != nil {
		if !formProblem(err) {
			s.fail(w, r, err)
			return
		}
		errs = inputErrorsOf(err, map[string]string{"decision": "decision"}, "decision")
	} else {
		notice := "action-returned"
		if accept {
			notice = "action-signed-off"
		}
		http.Redirect(w, r, "/actions/"+string(id)+"?notice="+notice, http.StatusSeeOther)
		return
	}
	s.actionView(w, r, u, http.StatusUnprocessableEntity, &Page{Form: form, Errors: errs})
}

func (s *Server) resolveActionEscalation(w http.ResponseWriter, r *http.Request, u *vigil.User) {
	form, ok := s.postedForm(w, r, append([]string{"action", "esc-decision"}, dateFields("esc-extend")...)...)
	if !ok {
		return
	}
	id := vigil.ID(r.PathValue("id"))
	inputs := map[string]string{"decision": "esc-decision", "extend_to": "esc-extend-day"}
	extend, errs := whenInput(form, "esc-extend", "The new deadline", true)
	if len(errs) == 0 {
		var extendTo *time.Time
		if !extend.IsZero() {
			extendTo = &extend
		}
		err := s.ov().ResolveActionEscalation(r.Context(), vigil.UserActor(u), id, form["esc-decision"], extendTo)
		if err == nil {
			http.Redirect(w, r, "/actions/"+form["action"]+"?notice=action-escalation-resolved", http.StatusSeeOther)
			return
		}
		if !formProblem(err) {
			s.fail(w, r, err)
			return
		}
		errs = inputErrorsOf(err, inputs, "esc-decision")
	} else {
		errs = addMissing(errs, vigil.CheckText("decision", "the decision that answers the escalation", strings.TrimSpace(form["esc-decision"]),
			vigil.MaxReasonLen, true), inputs, "esc-decision")
	}
	if !vigil.ID(form["action"]).Valid() {
		s.fail(w, r, vigil.Errorf(vigil.ENOTFOUND, "The action was not found."))
		return
	}
	r.SetPathValue("id", form["action"])
	s.actionView(w, r, u, http.StatusUnprocessableEntity, &Page{Form: form, Errors: errs})
}

// demographicsData is the page recording a case's demographics.
type demographicsData struct {
	Case       *vigil.CaseDetail
	Records    []*vigil.DemographicRecord
	Ethnic     []option
	Countries  []option
	Names      map[vigil.ID]string
	Labels     map[string]string // codes to words, for the records shown
	CanRecord  bool
	ChildGiven bool
}

func demographicOptions() (eth, nat []option, labels map[string]string) {
	labels = map[string]string{}
	for _, g := range vigil.EthnicGroups {
		text := g.Label
		if g.Broad != g.Label {
			text = g.Broad + ": " + g.Label
		}
		eth = append(eth, option{g.Code, text})
		labels[g.Code] = text
	}
	nat = append(nat, option{vigil.NationalityNotStated, "Not stated"}, option{vigil.NationalityStateless, "Stateless"})
	labels[vigil.NationalityNotStated], labels[vigil.NationalityStateless] = "Not stated", "Stateless"
	for _, c := range vigil.Countries {
		nat = append(nat, option{c.Code, c.Name})
		labels[c.Code] = c.Name
	}
	return eth, nat, labels
}

func (s *Server) demographicsForm(w http.ResponseWriter, r *http.Request, u *vigil.User) {
	s.demographicsView(w, r, u, http.StatusOK, &Page{Notice: noticeOf(r)})
}

func (s *Server) demographicsView(w http.ResponseWriter, r *http.Request, u *vigil.User, status int, p *Page) {
	ctx := r.Context()
	id := vigil.ID(r.PathValue("id"))
	c, err := s.svc.FindCase(ctx, vigil.UserActor(u), id, "record demographics")
	if err != nil {
		s.fail(w, r, err)
		return
	}
	recs, err := s.ov().CaseDemographics(ctx, vigil.UserActor(u), id)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	d := demographicsData{Case: c, Records: recs, Names: map[vigil.ID]string{}, CanRecord: vigil.CanRecordDemographics(u, &c.Case, involved(c, u))}
	d.Ethnic, d.Countries, d.Labels = demographicOptions()
	for _, x := range recs {
		d.ChildGiven = d.ChildGiven || x.Subject == vigil.SubjectChild
		if _, ok := d.Names[x.RecordedBy]; !ok {
			d.Names[x.RecordedBy] = "Unknown"
			if who, err := s.svc.FindUser(ctx, x.RecordedBy); err == nil {
				d.Names[x.RecordedBy] = who.Name
			}
		}
	}
	if p.Form == nil {
		p.Form = Form{}
		for _, x := range recs {
			if x.Subject == vigil.SubjectChild {
				p.Form["ethnicity"], p.Form["nationality"] = x.Ethnicity, x.Nationality
			}
		}
		p.Form["subject"] = "child"
	}
	p.Title, p.Nav, p.Data = "Ethnicity and nationality", "work", d
	s.render(w, r, status, "oversight_demographics", p)
}

func (s *Server) recordDemographics(w http.ResponseWriter, r *http.Request, u *vigil.User) {
	form, ok := s.postedForm(w, r, "subject", "ethnicity", "nationality")
	if !ok {
		return
	}
	id := vigil.ID(r.PathValue("id"))
	n := vigil.NewDemographics{Subject: vigil.DemographicSubject(form["subject"]), Ethnicity: form["ethnicity"], Nationality: form["nationality"]}
	_, err := s.ov().RecordDemographics(r.Context(), vigil.UserActor(u), id, n)
	if err == nil {
		http.Redirect(w, r, "/cases/"+string(id)+"/demographics?notice=demographics-recorded", http.StatusSeeOther)
		return
	}
	if !formProblem(err) {
		s.fail(w, r, err)
		return
	}
	inputs := map[string]string{"subject": "subject", "ethnicity": "ethnicity", "nationality": "nationality"}
	s.demographicsView(w, r, u, http.StatusUnprocessableEntity, &Page{Form: form, Errors: inputErrorsOf(err, inputs, "ethnicity")})
}

// isOneOf is for templates.
func isOneOf(s string, xs ...string) bool { return slices.Contains(xs, s) }

func init() {
	funcs["oneOf"] = isOneOf
	funcs["actionStatus"] = func(st vigil.ActionStatus) string { return vigil.ActionStatusLabels[st] }
	funcs["stateColour"] = func(st vigil.RecommendationState) string { return stateColours[st] }
}
