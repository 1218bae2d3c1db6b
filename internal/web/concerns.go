package web

import (
	"net/http"
	"net/url"
	"regexp"
	"strconv"
	"strings"
	"time"

	"github.com/vigil-project/vigil"
)

// concernFields lists the form inputs of a concern, so the form can be
// shown again with everything that was entered.
var concernFields = []string{
	"child-name", "dob-day", "dob-month", "dob-year", "child-age", "child-address",
	"what-happened", "others-involved", "received-day", "received-month", "received-year", "received-time",
	"reporter-name", "reporter-contact", "reporter-relationship", "source",
}

// fieldInput maps the domain's field names to the form's input ids, so
// that the error summary links to the right input.
var fieldInput = map[string]string{
	"child.name": "child-name", "child.date_of_birth": "dob-day", "child.age": "child-age",
	"child.address": "child-address", "what_happened": "what-happened", "others_involved": "others-involved",
	"received_at": "received-day", "reporter.name": "reporter-name", "reporter.contact": "reporter-contact",
	"reporter.relationship": "reporter-relationship", "source": "source",
}

// inputErrors renames field errors to input ids.
func inputErrors(fe []vigil.FieldError) []vigil.FieldError {
	out := make([]vigil.FieldError, 0, len(fe))
	seen := map[string]bool{}
	for _, e := range fe {
		if id, ok := fieldInput[e.Field]; ok {
			e.Field = id
		}
		if !seen[e.Field] {
			seen[e.Field] = true
			out = append(out, e)
		}
	}
	return out
}

// parseConcern reads a concern form. Problems the domain cannot see (a date
// typed as words, an age that is not a number) are returned as field errors
// under the domain's field names.
func parseConcern(pf url.Values) (vigil.NewConcern, Form, []vigil.FieldError) {
	form := Form{}
	for _, k := range concernFields {
		form[k] = pf.Get(k)
	}
	var errs []vigil.FieldError
	n := vigil.NewConcern{
		Child:        vigil.Child{Name: form["child-name"], Address: form["child-address"]},
		WhatHappened: form["what-happened"], OthersInvolved: form["others-involved"],
		Reporter: vigil.Reporter{Name: form["reporter-name"], Contact: form["reporter-contact"], Relationship: form["reporter-relationship"]},
	}
	dob, ok := dateInput(form["dob-day"], form["dob-month"], form["dob-year"])
	if !ok {
		errs = append(errs, vigil.FieldError{Field: "child.date_of_birth", Message: "Date of birth must be a real date, for example 27 3 2012"})
	} else if !dob.IsZero() {
		n.Child.DateOfBirth = dob.Format("2006-01-02")
	}
	if a := strings.TrimSpace(form["child-age"]); a != "" {
		age, err := strconv.Atoi(a)
		if err != nil {
			errs = append(errs, vigil.FieldError{Field: "child.age", Message: "Enter the child's age as a number, for example 14"})
		} else {
			n.Child.Age = &age
		}
	}
	received, ok := dateInput(form["received-day"], form["received-month"], form["received-year"])
	switch {
	case !ok:
		errs = append(errs, vigil.FieldError{Field: "received_at", Message: "The date the concern was received must be a real date, for example 21 11 2026"})
	case !received.IsZero():
		at, ok := clockInput(received, form["received-time"])
		if !ok {
			errs = append(errs, vigil.FieldError{Field: "received_at", Message: "Enter the time the concern was received as hours and minutes, for example 14:30"})
		}
		n.ReceivedAt = at
	case strings.TrimSpace(form["received-time"]) != "":
		errs = append(errs, vigil.FieldError{Field: "received_at", Message: "Enter the date the concern was received as well as the time"})
	}
	return n, form, errs
}

// dateInput reads a GOV.UK date input. It returns the zero time and true
// when all three parts are empty, and false when the date is not real.
func dateInput(day, month, year string) (time.Time, bool) {
	day, month, year = strings.TrimSpace(day), strings.TrimSpace(month), strings.TrimSpace(year)
	if day == "" && month == "" && year == "" {
		return time.Time{}, true
	}
	d, err1 := strconv.Atoi(day)
	m, err2 := strconv.Atoi(month)
	y, err3 := strconv.Atoi(year)
	if err1 != nil || err2 != nil || err3 != nil || y < 1900 || y > 2200 {
		return time.Time{}, false
	}
	t := time.Date(y, time.Month(m), d, 0, 0, 0, 0, vigil.London)
	if t.Day() != d || int(t.Month()) != m {
		return time.Time{}, false // 30 February and the like
	}
	return t, true
}

var clockPattern = regexp.MustCompile(`^([01]?\d|2[0-3])[:.]([0-5]\d)$`)

// clockInput sets the time of day on date; an empty time means noon is
// not assumed: the start of the day is, so clocks never start late.
func clockInput(date time.Time, hm string) (time.Time, bool) {
	hm = strings.TrimSpace(hm)
	if hm == "" {
		return date, true
	}
	m := clockPattern.FindStringSubmatch(hm)
	if m == nil {
		return date, false
	}
	h, _ := strconv.Atoi(m[1])
	min, _ := strconv.Atoi(m[2])
	return time.Date(date.Year(), date.Month(), date.Day(), h, min, 0, 0, vigil.London), true
}

// mergeErrors adds the domain's validation of n to form-level errors, so a
// person sees every problem at once.
func mergeErrors(formErrs []vigil.FieldError, n vigil.NewConcern) []vigil.FieldError {
	all := append([]vigil.FieldError(nil), formErrs...)
	if err := n.Validate(vigil.Now()); err != nil {
		for _, e := range vigil.ErrorFields(err) {
			dup := false
			for _, f := range formErrs {
				dup = dup || f.Field == e.Field
			}
			if !dup {
				all = append(all, e)
			}
		}
	}
	return inputErrors(all)
}

func (s *Server) concernForm(w http.ResponseWriter, r *http.Request, u *vigil.User) {
	if !vigil.CanRaiseConcern(u) {
		s.fail(w, r, vigil.Errorf(vigil.EFORBIDDEN, "Your role does not raise concerns. If a child is at risk, tell the intake team directly."))
		return
	}
	s.render(w, r, http.StatusOK, "concern", &Page{Title: "Raise a concern about a child", Nav: "raise", Form: Form{}, Data: emptyMentionForm()})
}

func (s *Server) raiseConcern(w http.ResponseWriter, r *http.Request, u *vigil.User) {
	if err := r.ParseForm(); err != nil {
		s.fail(w, r, formError(err))
		return
	}
	n, form, formErrs := parseConcern(r.PostForm)
	add := r.PostForm.Get("add")
	pm := parseMentions(r.PostForm, form, add)
	n.Mentions = pm.Mentions
	n.Source = vigil.SourceProfessional
	n.Normalize()
	page := func(errs []vigil.FieldError) *Page {
		return &Page{Title: "Raise a concern about a child", Nav: "raise", Form: form, Errors: dedupeErrors(pm.mentionErrors(errs)), Data: pm.Form}
	}
	if add != "" {
		// "Add another" row: the form again, with everything entered and
		// nothing recorded yet.
		s.render(w, r, http.StatusOK, "concern", page(nil))
		return
	}
	formErrs = append(formErrs, pm.Errors...)
	if len(formErrs) > 0 {
		s.render(w, r, http.StatusUnprocessableEntity, "concern", page(mergeErrors(formErrs, n)))
		return
	}
	c, cs, err := s.svc.RaiseConcern(r.Context(), vigil.UserActor(u), n)
	if vigil.ErrorCode(err) == vigil.EINVALID {
		s.render(w, r, http.StatusUnprocessableEntity, "concern", page(inputErrors(vigil.ErrorFields(err))))
		return
	} else if vigil.ErrorCode(err) == vigil.EUNAVAILABLE {
		s.notSaved(w, r, err, "concern", page(nil))
		return
	} else if err != nil {
		s.fail(w, r, err)
		return
	}
	http.Redirect(w, r, "/cases/"+string(cs.ID)+"?raised="+url.QueryEscape(c.Ref), http.StatusSeeOther)
}

func (s *Server) reportForm(w http.ResponseWriter, r *http.Request) {
	s.render(w, r, http.StatusOK, "report", &Page{Title: "Report a concern about a child", Form: Form{"source": "public"}})
}

func (s *Server) report(w http.ResponseWriter, r *http.Request) {
	if err := r.ParseForm(); err != nil {
		s.fail(w, r, formError(err))
		return
	}
	n, form, formErrs := parseConcern(r.PostForm)
	switch form["source"] {
	case "young_person":
		n.Source = vigil.SourceYoungPerson
	case "public":
		n.Source = vigil.SourcePublic
	default:
		formErrs = append(formErrs, vigil.FieldError{Field: "source", Message: "Say whether you are worried about a child or about yourself"})
	}
	n.ReceivedAt = time.Time{} // the public cannot backdate a report
	n.Normalize()
	if len(formErrs) > 0 {
		s.render(w, r, http.StatusUnprocessableEntity, "report", &Page{Title: "Report a concern about a child", Form: form, Errors: mergeErrors(formErrs, n)})
		return
	}
	c, _, err := s.svc.RaiseConcern(r.Context(), vigil.PublicActor, n)
	if vigil.ErrorCode(err) == vigil.EINVALID {
		s.render(w, r, http.StatusUnprocessableEntity, "report", &Page{Title: "Report a concern about a child", Form: form, Errors: inputErrors(vigil.ErrorFields(err))})
		return
	} else if vigil.ErrorCode(err) == vigil.EUNAVAILABLE {
		s.notSaved(w, r, err, "report", &Page{Title: "Report a concern about a child", Form: form})
		return
	} else if err != nil {
		s.fail(w, r, err)
		return
	}
	http.Redirect(w, r, "/report/received?ref="+url.QueryEscape(c.Ref), http.StatusSeeOther)
}

var refPattern = regexp.MustCompile(`^VC-[0-9A-Z]{4}-[0-9A-Z]{4}$`)

func (s *Server) reportReceived(w http.ResponseWriter, r *http.Request) {
	ref := r.URL.Query().Get("ref")
	if !refPattern.MatchString(ref) {
		http.Redirect(w, r, "/report", http.StatusSeeOther)
		return
	}
	s.render(w, r, http.StatusOK, "received", &Page{Title: "Your report has been received", Data: ref})
}

// notSaved answers a form whose write the database refused (EUNAVAILABLE)
// with 503 and the form again, holding everything that was typed: someone
// who has just written down what happened to a child must be able to try
// again without writing it a second time.
func (s *Server) notSaved(w http.ResponseWriter, r *http.Request, err error, name string, p *Page) {
	s.logger.Error("request failed", "pattern", r.Pattern, "code", vigil.ErrorCode(err), "error", err.Error())
	p.Errors = []vigil.FieldError{{Message: vigil.ErrorMessage(err)}}
	s.render(w, r, http.StatusServiceUnavailable, name, p)
}
