package api

import (
	"net/http"

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
