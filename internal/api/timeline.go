package api

import (
	"net/http"
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

func (h *handler) caseTimeline(w http.ResponseWriter, r *http.Request, u *vigil.User) {
	if _, err := checkQuery(r); err != nil {
		h.fail(w, r, err)
		return
	}
	tl, err := h.svc.(vigil.TimelineService).CaseTimeline(r.Context(), vigil.UserActor(u), vigil.ID(r.PathValue("id")))
	if err != nil {
		h.fail(w, r, err)
		return
	}
	tl.Entries = nonNil(tl.Entries)
	h.respond(w, r, http.StatusOK, tl)
}

// datePeriod reads ?from=YYYY-MM-DD&to=YYYY-MM-DD (days in UK time, both
// included; def days back from today when both are absent) as [from, to).
func datePeriod(r *http.Request, def int) (from, to time.Time, err error) {
	q, err := checkQuery(r, "from", "to")
	if err != nil {
		return from, to, err
	}
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

// personTimeline answers ?from=YYYY-MM-DD&to=YYYY-MM-DD (days in UK time,
// both included; the last 30 days when both are absent).
func (h *handler) personTimeline(w http.ResponseWriter, r *http.Request, u *vigil.User) {
	from, to, err := datePeriod(r, 30)
	if err != nil {
		h.fail(w, r, err)
		return
	}
	tl, err := h.svc.(vigil.TimelineService).PersonTimeline(r.Context(), vigil.UserActor(u), vigil.ID(r.PathValue("id")), from, to)
	if err != nil {
		h.fail(w, r, err)
		return
	}
	tl.Entries = nonNil(tl.Entries)
	h.respond(w, r, http.StatusOK, tl)
}

// childTimeline answers with every entry about every case of the child of a case.
func (h *handler) childTimeline(w http.ResponseWriter, r *http.Request, u *vigil.User) {
	if _, err := checkQuery(r); err != nil {
		h.fail(w, r, err)
		return
	}
	tl, err := h.svc.(vigil.TimelineService).ChildTimeline(r.Context(), vigil.UserActor(u), vigil.ID(r.PathValue("id")))
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
	from, to, err := datePeriod(r, 0)
	if err != nil {
		h.fail(w, r, err)
		return
	}
	tl, err := h.svc.(vigil.TimelineService).PeriodTimeline(r.Context(), vigil.UserActor(u), from, to)
	if err != nil {
		h.fail(w, r, err)
		return
	}
	tl.Entries = nonNil(tl.Entries)
	h.respond(w, r, http.StatusOK, tl)
}
