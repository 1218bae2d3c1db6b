package api

import (
	"log/slog"
	"net/http"

	"github.com/vigil-project/vigil"
)

// conflictRoutes lists the conflict-of-interest routes (issue 5, part 5);
// a store without the conflict service gets none. A person declares their
// own conflict by posting to their own id; an administrator or manager of
// their agency records one for them. The store decides who may do what.
func (h *handler) conflictRoutes() {
	if _, ok := h.svc.(vigil.ConflictService); !ok {
		return
	}
	h.mux.HandleFunc("GET /api/v1/people/{id}/conflicts", h.authed(h.listConflicts))
	h.mux.HandleFunc("POST /api/v1/people/{id}/conflicts", h.authed(h.declareConflict))
}

// conflictRequest is the body of POST /api/v1/people/{id}/conflicts.
type conflictRequest struct {
	Kind   vigil.ConflictKind `json:"kind"`
	Value  string             `json:"value"`
	Reason string             `json:"reason"`
}

// conflictList is the body of a 200 answer to GET /api/v1/people/{id}/conflicts.
type conflictList struct {
	Conflicts []*vigil.Conflict `json:"conflicts"`
}

func (h *handler) listConflicts(w http.ResponseWriter, r *http.Request, u *vigil.User) {
	id, err := pathID(r, "The person")
	if err != nil {
		h.fail(w, r, err)
		return
	}
	if _, err := checkQuery(r); err != nil {
		h.fail(w, r, err)
		return
	}
	cs, err := h.svc.(vigil.ConflictService).Conflicts(r.Context(), vigil.UserActor(u), id)
	if err != nil {
		h.fail(w, r, err)
		return
	}
	h.respond(w, r, http.StatusOK, conflictList{Conflicts: nonNil(cs)})
}

func (h *handler) declareConflict(w http.ResponseWriter, r *http.Request, u *vigil.User) {
	id, err := pathID(r, "The person")
	if err != nil {
		h.fail(w, r, err)
		return
	}
	req, err := readJSON[conflictRequest](w, r)
	if err != nil {
		h.fail(w, r, err)
		return
	}
	out, err := h.svc.(vigil.ConflictService).DeclareConflict(r.Context(), vigil.UserActor(u),
		vigil.NewConflict{UserID: id, Kind: req.Kind, Value: req.Value, Reason: req.Reason})
	if err != nil {
		h.fail(w, r, err)
		return
	}
	if out.Request != nil {
		// The person's agency is under intervention: the record waits for a commissioner.
		h.logChange(r, u, "conflict of interest asked for", slog.String("request_id", string(out.Request.ID)), slog.String("person_id", string(id)))
		h.respond(w, r, http.StatusAccepted, conflictPending{Request: out.Request})
		return
	}
	h.logChange(r, u, "conflict of interest recorded", slog.String("conflict_id", string(out.Conflict.ID)), slog.String("person_id", string(id)))
	h.respond(w, r, http.StatusCreated, out.Conflict)
}

// conflictPending is the body of a 202 answer to POST
// /api/v1/people/{id}/conflicts: the request a commissioner must approve
// before the conflict is in force.
type conflictPending struct {
	Request *vigil.AdminRecord `json:"request"`
}
