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

// personTimeline answers ?from=YYYY-MM-DD&to=YYYY-MM-DD (days in UK time,
// both included; the last 30 days when both are absent).
func (h *handler) personTimeline(w http.ResponseWriter, r *http.Request, u *vigil.User) {
	q, err := checkQuery(r, "from", "to")
	if err != nil {
		h.fail(w, r, err)
		return
	}
	today := vigil.Now().In(vigil.London)
	fromS, toS := q.Get("from"), q.Get("to")
	if fromS == "" && toS == "" {
		fromS, toS = today.AddDate(0, 0, -30).Format(time.DateOnly), today.Format(time.DateOnly)
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
		h.fail(w, r, badRequest(&vigil.Error{Code: vigil.EINVALID, Message: "The period is not a pair of dates.", Fields: fields}))
		return
	}
	tl, err := h.svc.(vigil.TimelineService).PersonTimeline(r.Context(), vigil.UserActor(u), vigil.ID(r.PathValue("id")), from, to.AddDate(0, 0, 1))
	if err != nil {
		h.fail(w, r, err)
		return
	}
	tl.Entries = nonNil(tl.Entries)
	h.respond(w, r, http.StatusOK, tl)
}
