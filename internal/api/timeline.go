package api

import (
	"net/http"
	"net/url"
	"strconv"
	"time"

	"github.com/vigil-project/vigil"
)

// timelineRoutes lists the "who knew what" routes (issue 5); a store
// without the timeline service gets none. The store checks the
// timeline.view grant and logs the opening as a read.
func (h *handler) timelineRoutes() {
	if _, ok := h.svc.(vigil.TimelineService); !ok {
		return
	}
	h.mux.HandleFunc("GET /api/v1/cases/{id}/timeline", h.authed(h.caseTimeline))
	h.mux.HandleFunc("GET /api/v1/people/{id}/timeline", h.authed(h.personTimeline))
	h.mux.HandleFunc("GET /api/v1/cases/{id}/child-timeline", h.authed(h.childTimeline))
	h.mux.HandleFunc("GET /api/v1/timeline", h.authed(h.periodTimeline))
}

// pageParams are the query parameters that choose a page of a timeline.
var pageParams = []string{"start", "before", "limit"}

// timelinePage reads ?start= (the first log index to return), ?before=
// (the page before that log index) and ?limit= (entries per page).
func timelinePage(q url.Values) (vigil.TimelinePage, error) {
	var p vigil.TimelinePage
	var fields []vigil.FieldError
	for _, f := range []struct {
		name string
		to   *int64
	}{{"start", &p.Start}, {"before", &p.Before}} {
		if q.Has(f.name) {
			n, err := strconv.ParseInt(q.Get(f.name), 10, 64)
			if err != nil || n < 0 {
				fields = append(fields, vigil.FieldError{Field: f.name, Message: f.name + " must be a log index: a whole number, 0 or more."})
			}
			*f.to = n
		}
	}
	if q.Has("limit") {
		n, err := strconv.Atoi(q.Get("limit"))
		if err != nil || n < 1 || n > vigil.MaxTimelinePage {
			fields = append(fields, vigil.FieldError{Field: "limit", Message: "limit must be a whole number from 1 to " + strconv.Itoa(vigil.MaxTimelinePage) + "."})
		}
		p.Limit = n
	}
	if fields == nil && q.Has("start") && q.Has("before") {
		fields = append(fields, vigil.FieldError{Field: "before", Message: "Give start or before, not both."})
	}
	if fields != nil {
		return p, badRequest(&vigil.Error{Code: vigil.EINVALID, Message: "The page asked for is not one.", Fields: fields})
	}
	return p, nil
}

func (h *handler) caseTimeline(w http.ResponseWriter, r *http.Request, u *vigil.User) {
	page, err := requestPage(r)
	if err != nil {
		h.fail(w, r, err)
		return
	}
	tl, err := h.svc.(vigil.TimelineService).CaseTimeline(r.Context(), vigil.UserActor(u), vigil.ID(r.PathValue("id")), page)
	if err != nil {
		h.fail(w, r, err)
		return
	}
	tl.Entries = nonNil(tl.Entries)
	h.respond(w, r, http.StatusOK, tl)
}

// datePeriod reads ?from=YYYY-MM-DD&to=YYYY-MM-DD (days in UK time, both
// included; def days back from today when both are absent) as [from, to).
func datePeriod(q url.Values, def int) (from, to time.Time, err error) {
	today := vigil.Now().In(vigil.London)
	fromS, toS := q.Get("from"), q.Get("to")
	if fromS == "" && toS == "" {
		fromS, toS = today.AddDate(0, 0, -def).Format(time.DateOnly), today.Format(time.DateOnly)
	}
	from, ferr := time.ParseInLocation(time.DateOnly, fromS, vigil.London)
	to, terr := time.ParseInLocation(time.DateOnly, toS, vigil.London)
	var fields []vigil.FieldError
	if ferr != nil {
		fields = append(fields, vigil.FieldError{Field: "from", Message: "Give the first day as YYYY-MM-DD."})
	}
	if terr != nil {
		fields = append(fields, vigil.FieldError{Field: "to", Message: "Give the last day as YYYY-MM-DD."})
	}
	if fields != nil {
		return from, to, badRequest(&vigil.Error{Code: vigil.EINVALID, Message: "The period is not a pair of dates.", Fields: fields})
	}
	return from, to.AddDate(0, 0, 1), nil
}

// requestPage reads a page of a timeline (timelinePage) from a request
// that takes no other parameters.
func requestPage(r *http.Request) (vigil.TimelinePage, error) {
	q, err := checkQuery(r, pageParams...)
	if err != nil {
		return vigil.TimelinePage{}, err
	}
	return timelinePage(q)
}

// periodPage reads a period (datePeriod) and a page of it (timelinePage).
func periodPage(r *http.Request, def int) (from, to time.Time, page vigil.TimelinePage, err error) {
	q, err := checkQuery(r, append([]string{"from", "to"}, pageParams...)...)
	if err != nil {
		return from, to, page, err
	}
	if from, to, err = datePeriod(q, def); err != nil {
		return from, to, page, err
	}
	page, err = timelinePage(q)
	return from, to, page, err
}

// personTimeline answers ?from=YYYY-MM-DD&to=YYYY-MM-DD (days in UK time,
// both included; the last 30 days when both are absent).
func (h *handler) personTimeline(w http.ResponseWriter, r *http.Request, u *vigil.User) {
	from, to, page, err := periodPage(r, 30)
	if err != nil {
		h.fail(w, r, err)
		return
	}
	tl, err := h.svc.(vigil.TimelineService).PersonTimeline(r.Context(), vigil.UserActor(u), vigil.ID(r.PathValue("id")), from, to, page)
	if err != nil {
		h.fail(w, r, err)
		return
	}
	tl.Entries = nonNil(tl.Entries)
	h.respond(w, r, http.StatusOK, tl)
}

// childTimeline answers with every entry about every case of the child of a case.
func (h *handler) childTimeline(w http.ResponseWriter, r *http.Request, u *vigil.User) {
	page, err := requestPage(r)
	if err != nil {
		h.fail(w, r, err)
		return
	}
	tl, err := h.svc.(vigil.TimelineService).ChildTimeline(r.Context(), vigil.UserActor(u), vigil.ID(r.PathValue("id")), page)
	if err != nil {
		h.fail(w, r, err)
		return
	}
	tl.Entries, tl.Cases = nonNil(tl.Entries), nonNil(tl.Cases)
	h.respond(w, r, http.StatusOK, tl)
}

// periodTimeline answers with everything logged in a period (today when
// from and to are absent), for investigators and commissioners.
func (h *handler) periodTimeline(w http.ResponseWriter, r *http.Request, u *vigil.User) {
	from, to, page, err := periodPage(r, 0)
	if err != nil {
		h.fail(w, r, err)
		return
	}
	tl, err := h.svc.(vigil.TimelineService).PeriodTimeline(r.Context(), vigil.UserActor(u), from, to, page)
	if err != nil {
		h.fail(w, r, err)
		return
	}
	tl.Entries = nonNil(tl.Entries)
	h.respond(w, r, http.StatusOK, tl)
}
