package web

import (
	"fmt"
	"net/http"
	"strconv"

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
}

func init() {
	// The case page offers the timeline to those who may see it.
	funcs["seesTimeline"] = func(u *vigil.User, c vigil.Case) bool { return vigil.CanSeeTimeline(u, &c) }
}

type timelineData struct {
	*vigil.Timeline
	Reads     int
	CanExport bool
}

func (s *Server) caseTimeline(w http.ResponseWriter, r *http.Request, u *vigil.User) {
	svc := s.svc.(vigil.TimelineService)
	tl, err := svc.CaseTimeline(r.Context(), vigil.UserActor(u), vigil.ID(r.PathValue("id")))
	if err != nil {
		s.fail(w, r, err)
		return
	}
	d := timelineData{Timeline: tl, CanExport: vigil.CanExportCase(u, tl.Case)}
	for _, e := range tl.Entries {
		if e.Read {
			d.Reads++
		}
	}
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
