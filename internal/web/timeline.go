package web

import (
	"fmt"
	"net/http"
	"strconv"
	"time"

	"github.com/vigil-project/vigil"
)

// "Who knew what, and when" (issue 5): an investigator's timeline of a
// case, every log entry about it with its inclusion proof, and the
// download of its evidence bundle. The store checks the grants
// (timeline.view, case.export) and logs each opening and export as a read.

// timelineRoutes lists the timeline routes; a store without the timeline
// service gets none.
func (s *Server) timelineRoutes(mux *http.ServeMux) {
	if _, ok := s.svc.(vigil.TimelineService); !ok {
		return
	}
	mux.HandleFunc("GET /cases/{id}/timeline", s.staff(s.caseTimeline))
	mux.HandleFunc("GET /cases/{id}/evidence.zip", s.staff(s.caseEvidence))
	mux.HandleFunc("GET /people/{id}/timeline", s.staff(s.personTimeline))
	mux.HandleFunc("GET /cases/{id}/child-timeline", s.staff(s.childTimeline))
	mux.HandleFunc("GET /timeline", s.staff(s.periodTimeline))
}

func init() {
	// The case page offers the timeline to those who may see it.
	funcs["seesTimeline"] = func(u *vigil.User, c vigil.Case) bool { return vigil.CanSeeTimeline(u, &c) }
}

type timelineData struct {
	*vigil.Timeline
	CanExport bool
	Pager     pager
}

// caseTimeline shows a page of the case's entries (?start= or ?before=,
// log indexes; the earliest by default).
func (s *Server) caseTimeline(w http.ResponseWriter, r *http.Request, u *vigil.User) {
	page, err := timelinePage(r)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	svc := s.svc.(vigil.TimelineService)
	tl, err := svc.CaseTimeline(r.Context(), vigil.UserActor(u), vigil.ID(r.PathValue("id")), page)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	d := timelineData{Timeline: tl, CanExport: vigil.CanExportCase(u, tl.Case), Pager: timelinePager(r, "timeline-pages", len(tl.Entries), tl.Paging)}
	s.render(w, r, http.StatusOK, "timeline", &Page{Title: "Who knew what: case " + tl.CaseRef, Data: d})
}

// caseEvidence sends the case's evidence bundle as a download.
func (s *Server) caseEvidence(w http.ResponseWriter, r *http.Request, u *vigil.User) {
	svc := s.svc.(vigil.TimelineService)
	id := vigil.ID(r.PathValue("id"))
	zip, err := svc.ExportCase(r.Context(), vigil.UserActor(u), id)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	h := w.Header()
	h.Set("Content-Type", "application/zip")
	// The id is a checked vigil.ID (base32 letters and digits), safe in a header.
	h.Set("Content-Disposition", fmt.Sprintf(`attachment; filename="vigil-evidence-%s.zip"`, id))
	h.Set("Content-Length", strconv.Itoa(len(zip)))
	w.Write(zip)
}

// personTimelineData is the person timeline page: the timeline, or the
// period form with its mistakes.
type personTimelineData struct {
	*vigil.PersonTimeline
	PersonID vigil.ID
	From, To string // the period as entered, YYYY-MM-DD, the end inclusive
	Pager    pager
}

// personTimeline shows what a member of staff did and read in a period
// (?from=YYYY-MM-DD&to=YYYY-MM-DD, both days included; the last 30 days
// by default), a page at a time (?start= or ?before=, log indexes).
func (s *Server) personTimeline(w http.ResponseWriter, r *http.Request, u *vigil.User) {
	if !vigil.Can(u, vigil.ActTimelineView, vigil.Target{}) {
		// As for a page that is not there: nothing to learn by probing.
		s.fail(w, r, vigil.Errorf(vigil.ENOTFOUND, "There is no page at this address. Check it, or go to the start page."))
		return
	}
	page, err := timelinePage(r)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	svc := s.svc.(vigil.TimelineService)
	today := vigil.Now().In(vigil.London)
	d := personTimelineData{PersonID: vigil.ID(r.PathValue("id")),
		From: r.FormValue("from"), To: r.FormValue("to")}
	if d.From == "" && d.To == "" {
		d.From, d.To = today.AddDate(0, 0, -30).Format(time.DateOnly), today.Format(time.DateOnly)
	}
	from, ferr := time.ParseInLocation(time.DateOnly, d.From, vigil.London)
	to, terr := time.ParseInLocation(time.DateOnly, d.To, vigil.London)
	var errs []vigil.FieldError
	if ferr != nil {
		errs = append(errs, vigil.FieldError{Field: "from", Message: "Enter the first day as a date, for example 2026-03-01"})
	}
	if terr != nil {
		errs = append(errs, vigil.FieldError{Field: "to", Message: "Enter the last day as a date, for example 2026-03-31"})
	}
	if errs == nil {
		d.PersonTimeline, err = svc.PersonTimeline(r.Context(), vigil.UserActor(u), d.PersonID, from, to.AddDate(0, 0, 1), page)
		if vigil.ErrorCode(err) == vigil.EINVALID {
			errs = []vigil.FieldError{{Field: "from", Message: vigil.ErrorMessage(err)}}
		} else if err != nil {
			s.fail(w, r, err)
			return
		}
	}
	status := http.StatusOK
	if errs != nil {
		status = http.StatusUnprocessableEntity
	} else {
		d.Pager = timelinePager(r, "timeline-pages", len(d.Entries), d.Paging)
	}
	s.render(w, r, status, "person_timeline", &Page{Title: "Who knew what: a person's activity", Errors: errs,
		Form: Form{"from": d.From, "to": d.To}, Data: d})
}

// childTimeline shows every entry about every case of the child of a
// case, a page at a time (?start= or ?before=, log indexes).
func (s *Server) childTimeline(w http.ResponseWriter, r *http.Request, u *vigil.User) {
	page, err := timelinePage(r)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	tl, err := s.svc.(vigil.TimelineService).ChildTimeline(r.Context(), vigil.UserActor(u), vigil.ID(r.PathValue("id")), page)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	s.render(w, r, http.StatusOK, "child_timeline", &Page{Title: "Who knew what: a child's cases", Data: childTimelineData{ChildTimeline: tl,
		CaseID: vigil.ID(r.PathValue("id")), Pager: timelinePager(r, "timeline-pages", len(tl.Entries), tl.Paging)}})
}

type childTimelineData struct {
	*vigil.ChildTimeline
	CaseID vigil.ID // the case asked for
	Pager  pager
}

// periodTimelineData is the period page: the timeline, or the form with its mistakes.
type periodTimelineData struct {
	*vigil.PeriodTimeline
	From, To string // as entered, YYYY-MM-DD, the end inclusive
	Pager    pager
}

// periodTimeline shows everything logged in a period (?from=&to=, days in
// UK time, both included; today by default), a page at a time (?start=
// or ?before=, log indexes), for those who may see the whole log's
// contents (investigators, commissioners).
func (s *Server) periodTimeline(w http.ResponseWriter, r *http.Request, u *vigil.User) {
	if !vigil.Can(u, vigil.ActTimelineView, vigil.Target{Everything: true}) {
		s.fail(w, r, vigil.Errorf(vigil.ENOTFOUND, "There is no page at this address. Check it, or go to the start page."))
		return
	}
	page, err := timelinePage(r)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	today := vigil.Now().In(vigil.London).Format(time.DateOnly)
	d := periodTimelineData{From: r.FormValue("from"), To: r.FormValue("to")}
	if d.From == "" && d.To == "" {
		d.From, d.To = today, today
	}
	from, ferr := time.ParseInLocation(time.DateOnly, d.From, vigil.London)
	to, terr := time.ParseInLocation(time.DateOnly, d.To, vigil.London)
	var errs []vigil.FieldError
	if ferr != nil {
		errs = append(errs, vigil.FieldError{Field: "from", Message: "Enter the first day as a date, for example 2026-03-01"})
	}
	if terr != nil {
		errs = append(errs, vigil.FieldError{Field: "to", Message: "Enter the last day as a date, for example 2026-03-31"})
	}
	if errs == nil {
		d.PeriodTimeline, err = s.svc.(vigil.TimelineService).PeriodTimeline(r.Context(), vigil.UserActor(u), from, to.AddDate(0, 0, 1), page)
		if vigil.ErrorCode(err) == vigil.EINVALID {
			errs = []vigil.FieldError{{Field: "from", Message: vigil.ErrorMessage(err)}}
		} else if err != nil {
			s.fail(w, r, err)
			return
		}
	}
	status := http.StatusOK
	if errs != nil {
		status = http.StatusUnprocessableEntity
	} else {
		d.Pager = timelinePager(r, "timeline-pages", len(d.Entries), d.Paging)
	}
	s.render(w, r, status, "period_timeline", &Page{Title: "Who knew what: everything in a period", Errors: errs,
		Form: Form{"from": d.From, "to": d.To}, Data: d})
}
