package api

import (
	"fmt"
	"log/slog"
	"net/http"
	"net/url"
	"strconv"

	"github.com/vigil-project/vigil"
)

// Linking for analysts (issue 7): the review queue, decisions on links,
// entities, the network around an entity and hotspots. The store checks
// the grants (link.review, network.view) and logs each read first.

// linkRoutes lists the linking routes; a store without the link service
// gets none.
func (h *handler) linkRoutes() {
	if _, ok := h.svc.(vigil.LinkService); !ok {
		return
	}
	h.mux.HandleFunc("GET /api/v1/links/review", h.authed(h.linkReview))
	h.mux.HandleFunc("POST /api/v1/links/{id}/decision", h.authed(h.decideLink))
	h.mux.HandleFunc("GET /api/v1/entities/{id}", h.authed(h.showEntity))
	h.mux.HandleFunc("GET /api/v1/entities/{id}/network", h.authed(h.entityNetwork))
	h.mux.HandleFunc("GET /api/v1/hotspots", h.authed(h.hotspots))
}

// hotspotList is the body of a 200 answer to GET /api/v1/hotspots.
type hotspotList struct {
	Hotspots []vigil.Hotspot `json:"hotspots"`
}

// decisionOnLink is the body of POST /api/v1/links/{id}/decision.
type decisionOnLink struct {
	Confirm *bool  `json:"confirm"`
	Note    string `json:"note"`
}

// linkReview answers with a page of the review queue: ?offset= (from 0)
// and ?limit= (1 to vigil.MaxReviewPage, 50 by default).
func (h *handler) linkReview(w http.ResponseWriter, r *http.Request, u *vigil.User) {
	q, err := checkQuery(r, "offset", "limit")
	if err != nil {
		h.fail(w, r, err)
		return
	}
	offset, limit, err := offsetLimit(q, "offset", "limit", 50, vigil.MaxReviewPage)
	if err != nil {
		h.fail(w, r, err)
		return
	}
	p, err := h.svc.(vigil.LinkService).ReviewQueue(r.Context(), vigil.UserActor(u), offset, limit)
	if err != nil {
		h.fail(w, r, err)
		return
	}
	p.Links = nonNil(p.Links)
	h.respond(w, r, http.StatusOK, p)
}

// offsetLimit reads a page of a list from the query: offsetName (from 0;
// 0 when absent) and limitName (1 to max; def when absent).
func offsetLimit(q url.Values, offsetName, limitName string, def, most int) (offset, limit int, err error) {
	limit = def
	var fields []vigil.FieldError
	if q.Has(offsetName) {
		if offset, err = strconv.Atoi(q.Get(offsetName)); err != nil || offset < 0 {
			fields = append(fields, vigil.FieldError{Field: offsetName, Message: offsetName + " must be a whole number, 0 or more."})
		}
	}
	if q.Has(limitName) {
		if limit, err = strconv.Atoi(q.Get(limitName)); err != nil || limit < 1 || limit > most {
			fields = append(fields, vigil.FieldError{Field: limitName, Message: fmt.Sprintf("%s must be a whole number from 1 to %d.", limitName, most)})
		}
	}
	if fields != nil {
		return 0, 0, badRequest(&vigil.Error{Code: vigil.EINVALID, Message: fields[0].Message, Fields: fields})
	}
	return offset, limit, nil
}

func (h *handler) decideLink(w http.ResponseWriter, r *http.Request, u *vigil.User) {
	id, err := pathID(r, "The link")
	if err != nil {
		h.fail(w, r, err)
		return
	}
	req, err := readJSON[decisionOnLink](w, r)
	if err != nil {
		h.fail(w, r, err)
		return
	}
	if req.Confirm == nil {
		var v vigil.Validation
		v.Add("confirm", "Say whether the records are the same: true to confirm the link, false to reject it.")
		h.fail(w, r, v.Err())
		return
	}
	l, err := h.svc.(vigil.LinkService).DecideLink(r.Context(), vigil.UserActor(u), id, vigil.LinkDecision{Confirm: *req.Confirm, Note: req.Note})
	if err != nil {
		h.fail(w, r, err)
		return
	}
	h.logChange(r, u, "link decided", slog.String("link_id", string(id)), slog.String("status", string(l.Status)))
	h.respond(w, r, http.StatusOK, l)
}

func (h *handler) showEntity(w http.ResponseWriter, r *http.Request, u *vigil.User) {
	if _, err := checkQuery(r); err != nil {
		h.fail(w, r, err)
		return
	}
	id, err := pathID(r, "The entity")
	if err != nil {
		h.fail(w, r, err)
		return
	}
	e, err := h.svc.(vigil.LinkService).Entity(r.Context(), vigil.UserActor(u), id)
	if err != nil {
		h.fail(w, r, err)
		return
	}
	e.Links, e.Neighbours = nonNil(e.Links), nonNil(e.Neighbours)
	h.respond(w, r, http.StatusOK, e)
}

func (h *handler) entityNetwork(w http.ResponseWriter, r *http.Request, u *vigil.User) {
	q, err := checkQuery(r, "hops", "to", "links_offset", "links_limit")
	if err != nil {
		h.fail(w, r, err)
		return
	}
	id, err := pathID(r, "The entity")
	if err != nil {
		h.fail(w, r, err)
		return
	}
	hops := 2
	if s := q.Get("hops"); s != "" {
		if hops, err = strconv.Atoi(s); err != nil || hops < 1 || hops > 3 {
			h.fail(w, r, badRequest(vigil.Errorf(vigil.EINVALID, "hops must be 1, 2 or 3.")))
			return
		}
	}
	to := vigil.ID(q.Get("to"))
	if to != "" && !to.Valid() {
		h.fail(w, r, badRequest(vigil.Errorf(vigil.EINVALID, "to must be an entity's id.")))
		return
	}
	offset, limit, err := offsetLimit(q, "links_offset", "links_limit", vigil.MaxNetworkLinks, vigil.MaxNetworkLinks)
	if err != nil {
		h.fail(w, r, err)
		return
	}
	nw, err := h.svc.(vigil.LinkService).EntityNetwork(r.Context(), vigil.UserActor(u), id,
		vigil.NetworkQuery{Hops: hops, To: to, LinksOffset: offset, LinksLimit: limit})
	if err != nil {
		h.fail(w, r, err)
		return
	}
	nw.Nodes, nw.Edges, nw.Links = nonNil(nw.Nodes), nonNil(nw.Edges), nonNil(nw.Links)
	h.respond(w, r, http.StatusOK, nw)
}

// hotspots answers ?year=YYYY, or ?from=YYYY-MM-DD&to=YYYY-MM-DD (days in
// UK time, both included, either end optional), or neither for counts per
// calendar year; limit is how many rows (1 to vigil.MaxHotspots, 50 by default).
func (h *handler) hotspots(w http.ResponseWriter, r *http.Request, u *vigil.User) {
	qs, err := checkQuery(r, "year", "from", "to", "limit")
	if err != nil {
		h.fail(w, r, err)
		return
	}
	q, err := vigil.ParseHotspotPeriod(qs.Get("year"), qs.Get("from"), qs.Get("to"))
	if err != nil {
		h.fail(w, r, badRequest(err))
		return
	}
	q.Limit = 50
	if qs.Has("limit") {
		n, err := strconv.Atoi(qs.Get("limit"))
		if err != nil || n < 1 || n > vigil.MaxHotspots {
			h.fail(w, r, badRequest(fieldError("limit", "limit must be a whole number from 1 to %d.", vigil.MaxHotspots)))
			return
		}
		q.Limit = n
	}
	hs, err := h.svc.(vigil.LinkService).Hotspots(r.Context(), vigil.UserActor(u), q)
	if err != nil {
		h.fail(w, r, err)
		return
	}
	h.respond(w, r, http.StatusOK, hotspotList{Hotspots: nonNil(hs)})
}
