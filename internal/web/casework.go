package web

import (
	"net/http"
	"strings"
	"time"

	"github.com/vigil-project/vigil"
)

// This file holds the forms of casework: decisions, screening, transfers,
// missing episodes, referrals to other agencies and sharing decisions.
// Each posts, and on success redirects back to the case page with a
// notice code; on a mistake it shows the page again with every problem
// listed and everything entered kept.

// postedForm parses a posted form and keeps the named fields.
func (s *Server) postedForm(w http.ResponseWriter, r *http.Request, fields ...string) (Form, bool) {
	if err := r.ParseForm(); err != nil {
		s.fail(w, r, formError(err))
		return nil, false
	}
	form := Form{}
	for _, k := range fields {
		form[k] = r.PostForm.Get(k)
	}
	return form, true
}

// formProblem reports whether err is something the person can put right
// on the form (a mistake, or a clash with the case's state), rather than
// a refusal or a fault, which get a page of their own.
func formProblem(err error) bool {
	switch vigil.ErrorCode(err) {
	case vigil.EINVALID, vigil.ECONFLICT:
		return true
	}
	return false
}

// inputErrorsOf turns the field errors of err into errors on a form's
// inputs: inputs maps the domain's field names to input ids, and first is
// the input that problems without a field of their own point to.
func inputErrorsOf(err error, inputs map[string]string, first string) []vigil.FieldError {
	fields := vigil.ErrorFields(err)
	if len(fields) == 0 {
		fields = []vigil.FieldError{{Message: vigil.ErrorMessage(err)}}
	}
	var out []vigil.FieldError
	seen := map[string]bool{}
	for _, f := range fields {
		id, ok := inputs[f.Field]
		if !ok {
			id = first
			if strings.HasPrefix(f.Field, "scores.") {
				id = "score-" + strings.TrimPrefix(f.Field, "scores.")
			}
		}
		if !seen[id] {
			seen[id] = true
			out = append(out, vigil.FieldError{Field: id, Message: f.Message})
		}
	}
	return out
}

// addMissing appends errs' problems for inputs that have none yet, so that
// a form with a mistake the domain cannot see (a date that does not exist)
// still shows every other problem at once.
func addMissing(errs []vigil.FieldError, err error, inputs map[string]string, first string) []vigil.FieldError {
	if err == nil {
		return errs
	}
	for _, e := range inputErrorsOf(err, inputs, first) {
		dup := false
		for _, f := range errs {
			dup = dup || f.Field == e.Field
		}
		if !dup {
			errs = append(errs, e)
		}
	}
	return errs
}

// whenInput reads a GOV.UK date input (prefix-day, -month, -year) with a
// time input (prefix-time). It returns the zero time when both are empty.
// A date without a time is the start of the day, or its end when
// endOfDay is set (a new deadline is the end of the day it names).
func whenInput(f Form, prefix, what string, endOfDay bool) (time.Time, []vigil.FieldError) {
	date, ok := dateInput(f[prefix+"-day"], f[prefix+"-month"], f[prefix+"-year"])
	hm := strings.TrimSpace(f[prefix+"-time"])
	switch {
	case !ok:
		return time.Time{}, []vigil.FieldError{{Field: prefix + "-day", Message: what + " must be a real date, for example 21 11 2026"}}
	case date.IsZero() && hm != "":
		return time.Time{}, []vigil.FieldError{{Field: prefix + "-day", Message: what + " needs a day, month and year as well as a time"}}
	case date.IsZero():
		return time.Time{}, nil
	case hm == "" && endOfDay:
		return time.Date(date.Year(), date.Month(), date.Day(), 23, 59, 0, 0, vigil.London), nil
	}
	at, ok := clockInput(date, hm)
	if !ok {
		return time.Time{}, []vigil.FieldError{{Field: prefix + "-time", Message: what + ": enter the time as hours and minutes, for example 14:30"}}
	}
	return at, nil
}

// dateFields lists the inputs of a date and time called prefix.
func dateFields(prefix string) []string {
	return []string{prefix + "-day", prefix + "-month", prefix + "-year", prefix + "-time"}
}

func caseURL(id vigil.ID, notice string) string {
	return "/cases/" + string(id) + "?notice=" + notice
}

// caseFormFailed shows the case page again after a form on it was sent
// with mistakes; refusals and faults get their own page.
func (s *Server) caseFormFailed(w http.ResponseWriter, r *http.Request, u *vigil.User, caseID vigil.ID, form Form, errs []vigil.FieldError, err error, active string) {
	status := http.StatusUnprocessableEntity
	if err != nil {
		if !formProblem(err) {
			s.fail(w, r, err)
			return
		}
		status = vigil.ErrorStatus(vigil.ErrorCode(err))
	}
	s.caseView(w, r, u, caseID, status, &Page{Form: form, Errors: errs}, active)
}

// Decisions.

var decisionFields = append([]string{"decision", "reason", "late-reason"}, dateFields("decided-at")...)

var decisionInputs = map[string]string{"kind": "decision", "outcome": "decision", "reason": "reason", "late_reason": "late-reason", "at": "decided-at-day"}

// decisionKinds says what each kind of decision is about, as a hint beside each choice.
var decisionKinds = map[string]string{
	vigil.DecideReferral:          "Decision on the referral",
	vigil.DecideAssessment:        "Outcome of the assessment",
	vigil.DecideStrategy:          "Outcome of the strategy discussion",
	vigil.DecideSection47:         "Outcome of the section 47 enquiry",
	vigil.DecideConference:        "Outcome of the initial child protection conference",
	vigil.DecideCoreGroup:         "Child protection plan: core group",
	vigil.DecideReview:            "Outcome of the review child protection conference",
	vigil.DecideCloseRequest:      "Closing the case",
	vigil.DecideCloseApproval:     "A manager's decision on closing the case",
	vigil.DecideLookedAfterStart:  "Looked-after child",
	vigil.DecideLookedAfterReview: "Looked-after child",
	vigil.DecideLookedAfterEnd:    "Looked-after child",
	vigil.DecideReturnInterview:   "After a missing episode",
}

// decisionData is the page recording a decision.
type decisionData struct {
	*vigil.CaseDetail
	Steps    []choice
	LateHint string
}

func (s *Server) decisionPage(w http.ResponseWriter, r *http.Request, u *vigil.User, status int, p *Page) {
	d, err := s.svc.FindCase(r.Context(), vigil.UserActor(u), vigil.ID(r.PathValue("id")), "record a decision")
	if err != nil {
		s.fail(w, r, err)
		return
	}
	steps := s.stepsFor(u, d, involved(d, u))
	if len(steps) == 0 && !vigil.CanDecide(u, &d.Case, involved(d, u)) {
		s.fail(w, r, vigil.Errorf(vigil.EFORBIDDEN, "Your role cannot record decisions on this case."))
		return
	}
	dd := decisionData{CaseDetail: d}
	for _, st := range steps {
		dd.Steps = append(dd.Steps, choice{Value: st.Kind + ":" + st.Outcome, Label: st.Label, Hint: decisionKinds[st.Kind]})
	}
	dd.LateHint = "Only if a deadline has passed: a decision that meets a deadline late needs the reason."
	now := vigil.Now()
	var overdue []string
	for _, dl := range d.Deadlines {
		if dl.Overdue(now) {
			overdue = append(overdue, dl.Label)
		}
	}
	if len(overdue) > 0 {
		dd.LateHint += " Overdue now: " + strings.Join(overdue, "; ") + "."
	}
	p.Title, p.Nav, p.Data = "Record a decision", "work", dd
	if p.Form == nil {
		p.Form = Form{}
	}
	s.render(w, r, status, "decision", p)
}

func (s *Server) decisionForm(w http.ResponseWriter, r *http.Request, u *vigil.User) {
	s.decisionPage(w, r, u, http.StatusOK, &Page{})
}

func (s *Server) recordDecision(w http.ResponseWriter, r *http.Request, u *vigil.User) {
	form, ok := s.postedForm(w, r, decisionFields...)
	if !ok {
		return
	}
	id := vigil.ID(r.PathValue("id"))
	kind, outcome, _ := strings.Cut(form["decision"], ":")
	n := vigil.NewDecision{Kind: kind, Outcome: outcome, Reason: form["reason"], LateReason: form["late-reason"]}
	at, errs := whenInput(form, "decided-at", "The date of the decision", false)
	n.At = at
	status := http.StatusUnprocessableEntity
	if len(errs) > 0 {
		errs = addMissing(errs, n.Validate(vigil.Now()), decisionInputs, "decision")
	} else if _, err := s.svc.RecordDecision(r.Context(), vigil.UserActor(u), id, n); err == nil {
		http.Redirect(w, r, caseURL(id, "decision-recorded"), http.StatusSeeOther)
		return
	} else if !formProblem(err) {
		s.fail(w, r, err)
		return
	} else {
		errs, status = inputErrorsOf(err, decisionInputs, "decision"), vigil.ErrorStatus(vigil.ErrorCode(err))
	}
	s.decisionPage(w, r, u, status, &Page{Form: form, Errors: errs})
}

// Screening.

var scoreChoices = []choice{{Value: "none", Label: "Not present"}, {Value: "low", Label: "Low"}, {Value: "medium", Label: "Medium"}, {Value: "high", Label: "High"}}

// screeningData is the CSE screening page.
type screeningData struct {
	*vigil.CaseDetail
	Indicators []indicatorInput
	Choices    []choice
}

type indicatorInput struct {
	ID, Label string
}

func (s *Server) screeningPage(w http.ResponseWriter, r *http.Request, u *vigil.User, status int, p *Page) {
	d, err := s.svc.FindCase(r.Context(), vigil.UserActor(u), vigil.ID(r.PathValue("id")), "CSE screening")
	if err != nil {
		s.fail(w, r, err)
		return
	}
	if !vigil.CanScreen(u, &d.Case, involved(d, u)) {
		s.fail(w, r, vigil.Errorf(vigil.EFORBIDDEN, "Your role cannot record a screening on this case."))
		return
	}
	sd := screeningData{CaseDetail: d, Choices: scoreChoices}
	for _, ind := range vigil.Indicators {
		sd.Indicators = append(sd.Indicators, indicatorInput{ID: "score-" + ind.Key, Label: ind.Label})
	}
	if p.Form == nil {
		// A new screening starts from the last one's scores; its evidence is written afresh.
		p.Form = Form{}
		for _, ind := range vigil.Indicators {
			p.Form["score-"+ind.Key] = "none"
			if d.Screening != nil {
				if sc, ok := d.Screening.Scores[ind.Key]; ok {
					p.Form["score-"+ind.Key] = string(sc)
				}
			}
		}
	}
	p.Title, p.Nav, p.Data = "CSE screening", "work", sd
	s.render(w, r, status, "screening", p)
}

func (s *Server) screeningForm(w http.ResponseWriter, r *http.Request, u *vigil.User) {
	s.screeningPage(w, r, u, http.StatusOK, &Page{})
}

func (s *Server) recordScreening(w http.ResponseWriter, r *http.Request, u *vigil.User) {
	fields := []string{"notes"}
	for _, ind := range vigil.Indicators {
		fields = append(fields, "score-"+ind.Key)
	}
	form, ok := s.postedForm(w, r, fields...)
	if !ok {
		return
	}
	id := vigil.ID(r.PathValue("id"))
	n := vigil.NewScreening{Scores: map[string]vigil.Score{}, Notes: form["notes"]}
	var errs []vigil.FieldError
	for _, ind := range vigil.Indicators {
		switch v := form["score-"+ind.Key]; v {
		case "", "none":
		case "low", "medium", "high":
			n.Scores[ind.Key] = vigil.Score(v)
		default:
			errs = append(errs, vigil.FieldError{Field: "score-" + ind.Key, Message: ind.Label + ": choose not present, low, medium or high"})
		}
	}
	inputs := map[string]string{"notes": "notes"}
	status := http.StatusUnprocessableEntity
	if len(errs) > 0 {
		errs = addMissing(errs, n.Validate(), inputs, "notes")
	} else if _, err := s.svc.RecordScreening(r.Context(), vigil.UserActor(u), id, n); err == nil {
		http.Redirect(w, r, caseURL(id, "screening-recorded"), http.StatusSeeOther)
		return
	} else if !formProblem(err) {
		s.fail(w, r, err)
		return
	} else {
		errs, status = inputErrorsOf(err, inputs, "notes"), vigil.ErrorStatus(vigil.ErrorCode(err))
	}
	s.screeningPage(w, r, u, status, &Page{Form: form, Errors: errs})
}

// Forms on the case page.

func (s *Server) offerTransfer(w http.ResponseWriter, r *http.Request, u *vigil.User) {
	form, ok := s.postedForm(w, r, "transfer-to", "transfer-reason")
	if !ok {
		return
	}
	id := vigil.ID(r.PathValue("id"))
	_, err := s.svc.OfferTransfer(r.Context(), vigil.UserActor(u), id, vigil.ID(form["transfer-to"]), form["transfer-reason"])
	if err == nil {
		http.Redirect(w, r, caseURL(id, "transfer-offered"), http.StatusSeeOther)
		return
	}
	errs := inputErrorsOf(err, map[string]string{"to": "transfer-to", "reason": "transfer-reason"}, "transfer-to")
	s.caseFormFailed(w, r, u, id, form, errs, err, "transfer")
}

// withdrawTransfer withdraws an offer of a case still waiting for its
// answer. The form names the case, to show it again.
func (s *Server) withdrawTransfer(w http.ResponseWriter, r *http.Request, u *vigil.User) {
	form, ok := s.postedForm(w, r, "case", "withdraw-reason")
	if !ok {
		return
	}
	id, caseID := vigil.ID(r.PathValue("id")), vigil.ID(form["case"])
	err := s.svc.WithdrawTransfer(r.Context(), vigil.UserActor(u), id, form["withdraw-reason"])
	if err == nil {
		http.Redirect(w, r, caseURL(caseID, "transfer-withdrawn"), http.StatusSeeOther)
		return
	}
	errs := inputErrorsOf(err, map[string]string{"reason": "withdraw-reason"}, "transfers-heading")
	s.caseFormFailed(w, r, u, caseID, form, errs, err, "withdraw")
}

func (s *Server) recordMissing(w http.ResponseWriter, r *http.Request, u *vigil.User) {
	form, ok := s.postedForm(w, r, append(dateFields("missing-from"), "missing-details")...)
	if !ok {
		return
	}
	id := vigil.ID(r.PathValue("id"))
	from, errs := whenInput(form, "missing-from", "The date the child went missing", false)
	if from.IsZero() && len(errs) == 0 {
		errs = append(errs, vigil.FieldError{Field: "missing-from-day", Message: "Enter the date the child went missing"})
	}
	if strings.TrimSpace(form["missing-details"]) == "" {
		errs = append(errs, vigil.FieldError{Field: "missing-details", Message: "Describe the episode: who reported it, where the child was last seen"})
	}
	if len(errs) > 0 {
		s.caseFormFailed(w, r, u, id, form, errs, nil, "missing")
		return
	}
	_, err := s.svc.RecordMissing(r.Context(), vigil.UserActor(u), id, from, form["missing-details"])
	if err == nil {
		http.Redirect(w, r, caseURL(id, "missing-recorded"), http.StatusSeeOther)
		return
	}
	errs = inputErrorsOf(err, map[string]string{"missing_from": "missing-from-day", "details": "missing-details"}, "missing-from-day")
	s.caseFormFailed(w, r, u, id, form, errs, err, "missing")
}

func (s *Server) recordReturn(w http.ResponseWriter, r *http.Request, u *vigil.User) {
	id := vigil.ID(r.PathValue("id"))
	prefix := "return-" + string(id)
	form, ok := s.postedForm(w, r, append(dateFields(prefix), "case")...)
	if !ok {
		return
	}
	caseID := vigil.ID(form["case"])
	at, errs := whenInput(form, prefix, "The date the child returned", false)
	if at.IsZero() && len(errs) == 0 {
		errs = append(errs, vigil.FieldError{Field: prefix + "-day", Message: "Enter the date and time the child returned"})
	}
	var err error
	if len(errs) == 0 {
		if err = s.svc.RecordReturn(r.Context(), vigil.UserActor(u), id, at); err == nil {
			if !caseID.Valid() {
				http.Redirect(w, r, "/work?notice=return-recorded", http.StatusSeeOther)
				return
			}
			http.Redirect(w, r, caseURL(caseID, "return-recorded"), http.StatusSeeOther)
			return
		}
		errs = inputErrorsOf(err, map[string]string{"returned_at": prefix + "-day"}, prefix+"-day")
	}
	s.caseFormFailed(w, r, u, caseID, form, errs, err, prefix)
}

func (s *Server) sendReferral(w http.ResponseWriter, r *http.Request, u *vigil.User) {
	form, ok := s.postedForm(w, r, "referral-agency", "referral-reason")
	if !ok {
		return
	}
	id := vigil.ID(r.PathValue("id"))
	_, err := s.svc.SendReferral(r.Context(), vigil.UserActor(u), id, vigil.ID(form["referral-agency"]), form["referral-reason"])
	if err == nil {
		http.Redirect(w, r, caseURL(id, "referral-sent"), http.StatusSeeOther)
		return
	}
	errs := inputErrorsOf(err, map[string]string{"agency": "referral-agency", "reason": "referral-reason"}, "referral-agency")
	s.caseFormFailed(w, r, u, id, form, errs, err, "referral")
}

func (s *Server) acknowledgeReferral(w http.ResponseWriter, r *http.Request, u *vigil.User) {
	form, ok := s.postedForm(w, r, "case")
	if !ok {
		return
	}
	id, caseID := vigil.ID(r.PathValue("id")), vigil.ID(form["case"])
	err := s.svc.AcknowledgeReferral(r.Context(), vigil.UserActor(u), id)
	switch {
	case err == nil && caseID.Valid():
		http.Redirect(w, r, caseURL(caseID, "referral-acknowledged"), http.StatusSeeOther)
	case err == nil:
		http.Redirect(w, r, "/work?notice=referral-acknowledged", http.StatusSeeOther)
	default:
		// Once acknowledged the button is gone: point to the list of referrals.
		s.caseFormFailed(w, r, u, caseID, form, inputErrorsOf(err, nil, "referrals-heading"), err, "")
	}
}

func (s *Server) recordShare(w http.ResponseWriter, r *http.Request, u *vigil.User) {
	form, ok := s.postedForm(w, r, "share-agency", "share", "share-reason")
	if !ok {
		return
	}
	id := vigil.ID(r.PathValue("id"))
	inputs := map[string]string{"agency": "share-agency", "reason": "share-reason", "share": "share"}
	var errs []vigil.FieldError
	if form["share-agency"] == "" {
		errs = append(errs, vigil.FieldError{Field: "share-agency", Message: "Choose an agency from the list"})
	}
	if form["share"] != "yes" && form["share"] != "no" {
		errs = append(errs, vigil.FieldError{Field: "share", Message: "Choose whether the information is shared"})
	}
	if err := vigil.CheckText("reason", "why the information is or is not shared", strings.TrimSpace(form["share-reason"]), vigil.MaxReasonLen, true); err != nil {
		errs = append(errs, inputErrorsOf(err, inputs, "share-reason")...)
	}
	if len(errs) > 0 {
		s.caseFormFailed(w, r, u, id, form, errs, nil, "share")
		return
	}
	err := s.svc.RecordShareDecision(r.Context(), vigil.UserActor(u), id, vigil.ID(form["share-agency"]), form["share"] == "yes", form["share-reason"])
	if err == nil {
		http.Redirect(w, r, caseURL(id, "share-recorded"), http.StatusSeeOther)
		return
	}
	s.caseFormFailed(w, r, u, id, form, inputErrorsOf(err, inputs, "share-agency"), err, "share")
}
