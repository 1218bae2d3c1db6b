package api

import (
	"bytes"
	"net/http"
	"strconv"

	"github.com/vigil-project/vigil"
)

// This file holds the oversight routes (issue 8): dashboards and the cases
// behind a figure, statistics releases with their proofs, action plans,
// demographic recording, and the national core data set. Each handler
// calls the store's oversight services, which check access themselves.

// oversightServices is what these routes need beyond Services.
type oversightServices interface {
	vigil.OversightService
	vigil.ActionPlanService
	vigil.DemographicsService
}

func (h *handler) ov() oversightServices { return h.svc.(oversightServices) }

// oversightRoutes lists the oversight routes; a store without oversight
// services gets none.
func (h *handler) oversightRoutes() {
	if _, ok := h.svc.(oversightServices); !ok {
		return
	}
	h.mux.HandleFunc("GET /api/v1/oversight/dashboards/{topic}", h.authed(h.dashboard))
	h.mux.HandleFunc("GET /api/v1/oversight/figures", h.authed(h.figureCases))
	h.mux.HandleFunc("GET /api/v1/oversight/core-data-set", h.authed(h.coreDataSet))
	h.mux.HandleFunc("GET /api/v1/releases", h.authed(h.listReleases))
	h.mux.HandleFunc("POST /api/v1/releases", h.authed(h.publishRelease))
	h.mux.HandleFunc("GET /api/v1/releases/{id}", h.authed(h.showRelease))
	h.mux.HandleFunc("GET /api/v1/action-plans", h.authed(h.listPlans))
	h.mux.HandleFunc("GET /api/v1/action-plans/{id}", h.authed(h.showPlan))
	h.mux.HandleFunc("POST /api/v1/cases/{id}/demographics", h.authed(h.recordDemographics))
}

// period reads ?period=KEY (see vigil.ParsePeriod): fy2025, 2026-03, 12m
// (the default) or FIRST_LAST dates.
func period(key string) (vigil.ReportPeriod, error) {
	p, err := vigil.ParsePeriod(key, vigil.Now())
	if err != nil {
		return p, badRequest(&vigil.Error{Code: vigil.EINVALID, Message: vigil.ErrorMessage(err),
			Fields: []vigil.FieldError{{Field: "period", Message: vigil.ErrorMessage(err)}}})
	}
	return p, nil
}

func (h *handler) dashboard(w http.ResponseWriter, r *http.Request, u *vigil.User) {
	q, err := checkQuery(r, "period")
	if err != nil {
		h.fail(w, r, err)
		return
	}
	p, err := period(q.Get("period"))
	if err != nil {
		h.fail(w, r, err)
		return
	}
	d, err := h.ov().Dashboard(r.Context(), vigil.UserActor(u), r.PathValue("topic"), p)
	if err != nil {
		h.fail(w, r, err)
		return
	}
	h.respond(w, r, http.StatusOK, d)
}

func (h *handler) figureCases(w http.ResponseWriter, r *http.Request, u *vigil.User) {
	q, err := checkQuery(r, "topic", "table", "row", "column", "period", "page")
	if err != nil {
		h.fail(w, r, err)
		return
	}
	p, err := period(q.Get("period"))
	if err != nil {
		h.fail(w, r, err)
		return
	}
	page := 1
	if q.Has("page") {
		if page, err = strconv.Atoi(q.Get("page")); err != nil || page < 1 {
			h.fail(w, r, badRequest(vigil.Errorf(vigil.EINVALID, "page must be a whole number from 1")))
			return
		}
	}
	fc, err := h.ov().FigureCases(r.Context(), vigil.UserActor(u), vigil.Drill{Topic: q.Get("topic"), Table: q.Get("table"),
		Row: q.Get("row"), Column: q.Get("column"), Period: p, Page: page})
	if err != nil {
		h.fail(w, r, err)
		return
	}
	if fc.Cases == nil {
		fc.Cases = []*vigil.FigureCase{}
	}
	h.respond(w, r, http.StatusOK, fc)
}

func (h *handler) coreDataSet(w http.ResponseWriter, r *http.Request, u *vigil.User) {
	q, err := checkQuery(r, "period")
	if err != nil {
		h.fail(w, r, err)
		return
	}
	p, err := period(q.Get("period"))
	if err != nil {
		h.fail(w, r, err)
		return
	}
	var buf bytes.Buffer
	if err := h.ov().ExportCoreData(r.Context(), vigil.UserActor(u), p, &buf); err != nil {
		h.fail(w, r, err)
		return
	}
	w.Header().Set("Content-Type", "text/csv; charset=utf-8")
	w.Write(buf.Bytes())
}

// releaseList is the body of a 200 answer to GET /api/v1/releases.
type releaseList struct {
	Releases []*vigil.Release `json:"releases"`
}

// releaseRequest is the body of POST /api/v1/releases.
type releaseRequest struct {
	Period string `json:"period"`
	Note   string `json:"note"`
}

func (h *handler) listReleases(w http.ResponseWriter, r *http.Request, u *vigil.User) {
	if _, err := checkQuery(r); err != nil {
		h.fail(w, r, err)
		return
	}
	rs, err := h.ov().Releases(r.Context())
	if err != nil {
		h.fail(w, r, err)
		return
	}
	if rs == nil {
		rs = []*vigil.Release{}
	}
	h.respond(w, r, http.StatusOK, releaseList{Releases: rs})
}

func (h *handler) publishRelease(w http.ResponseWriter, r *http.Request, u *vigil.User) {
	req, err := readJSON[releaseRequest](w, r)
	if err != nil {
		h.fail(w, r, err)
		return
	}
	if req.Period == "" {
		h.fail(w, r, &vigil.Error{Code: vigil.EINVALID, Message: "Say which period to publish",
			Fields: []vigil.FieldError{{Field: "period", Message: "Say which period to publish: fy2025, 2026-03, 12m or FIRST_LAST dates"}}})
		return
	}
	p, err := vigil.ParsePeriod(req.Period, vigil.Now())
	if err != nil {
		h.fail(w, r, &vigil.Error{Code: vigil.EINVALID, Message: vigil.ErrorMessage(err), Fields: []vigil.FieldError{{Field: "period", Message: vigil.ErrorMessage(err)}}})
		return
	}
	rel, err := h.ov().PublishRelease(r.Context(), vigil.UserActor(u), p, req.Note)
	if err != nil {
		h.fail(w, r, err)
		return
	}
	w.Header().Set("Location", "/api/v1/releases/"+string(rel.ID))
	h.respond(w, r, http.StatusCreated, rel)
}

func (h *handler) showRelease(w http.ResponseWriter, r *http.Request, u *vigil.User) {
	if _, err := checkQuery(r); err != nil {
		h.fail(w, r, err)
		return
	}
	p, err := h.ov().ProveRelease(r.Context(), vigil.ID(r.PathValue("id")))
	if err != nil {
		h.fail(w, r, err)
		return
	}
	h.respond(w, r, http.StatusOK, p)
}

// planList is the body of a 200 answer to GET /api/v1/action-plans.
type planList struct {
	Plans []*vigil.ActionPlan `json:"plans"`
}

func (h *handler) listPlans(w http.ResponseWriter, r *http.Request, u *vigil.User) {
	if _, err := checkQuery(r); err != nil {
		h.fail(w, r, err)
		return
	}
	ps, err := h.ov().Plans(r.Context(), vigil.UserActor(u))
	if err != nil {
		h.fail(w, r, err)
		return
	}
	if ps == nil {
		ps = []*vigil.ActionPlan{}
	}
	h.respond(w, r, http.StatusOK, planList{Plans: ps})
}

func (h *handler) showPlan(w http.ResponseWriter, r *http.Request, u *vigil.User) {
	if _, err := checkQuery(r); err != nil {
		h.fail(w, r, err)
		return
	}
	p, err := h.ov().FindPlan(r.Context(), vigil.UserActor(u), vigil.ID(r.PathValue("id")))
	if err != nil {
		h.fail(w, r, err)
		return
	}
	h.respond(w, r, http.StatusOK, p)
}

// demographicsRequest is the body of POST /api/v1/cases/{id}/demographics.
type demographicsRequest struct {
	ID          string `json:"id"` // a suspect's record to correct; empty for a new one
	Subject     string `json:"subject"`
	Ethnicity   string `json:"ethnicity"`
	Nationality string `json:"nationality"`
}

func (h *handler) recordDemographics(w http.ResponseWriter, r *http.Request, u *vigil.User) {
	req, err := readJSON[demographicsRequest](w, r)
	if err != nil {
		h.fail(w, r, err)
		return
	}
	rec, err := h.ov().RecordDemographics(r.Context(), vigil.UserActor(u), vigil.ID(r.PathValue("id")), vigil.NewDemographics{
		ID: vigil.ID(req.ID), Subject: vigil.DemographicSubject(req.Subject), Ethnicity: req.Ethnicity, Nationality: req.Nationality})
	if err != nil {
		h.fail(w, r, err)
		return
	}
	h.respond(w, r, http.StatusCreated, rec)
}
