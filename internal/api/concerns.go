package api

import (
	"log/slog"
	"net/http"
	"time"

	"github.com/vigil-project/vigil"
)

// concernRequest is the body of POST /api/v1/concerns. Its JSON names are
// the field names vigil.NewConcern.Validate reports, so that a client can
// match each field error in a 422 answer to what it sent. It is a type of
// its own, not vigil.Child and vigil.NewConcern, so that a field added to
// the domain does not join the API's contract unannounced.
type concernRequest struct {
	Child          childRequest `json:"child"`
	WhatHappened   string       `json:"what_happened"`
	OthersInvolved string       `json:"others_involved"`
	ReceivedAt     string       `json:"received_at"` // RFC 3339; empty means now
	// Mentions are who and what the concern names besides its child
	// (mentions.go); the child is recorded as a mention of its own.
	Mentions []mentionRequest `json:"mentions"`
}

type childRequest struct {
	Name        string `json:"name"`
	DateOfBirth string `json:"date_of_birth"` // YYYY-MM-DD
	Age         *int   `json:"age"`
	Address     string `json:"address"`
}

// concernResponse is the body of a 201 answer to POST /api/v1/concerns.
type concernResponse struct {
	Concern *vigil.Concern `json:"concern"`
	Case    *vigil.Case    `json:"case"`
}

// decodeConcern decodes the body of POST /api/v1/concerns. Every error is
// a *vigil.Error with code EINVALID: the body is not the JSON the route takes.
func decodeConcern(data []byte) (concernRequest, error) {
	var req concernRequest
	if err := decodeJSON(data, &req); err != nil {
		return concernRequest{}, err
	}
	return req, nil
}

// newConcern turns a request into the domain's input. A received_at that
// is not RFC 3339 is a field error like the domain's own, so it is reported
// with all of them (checked at now) in one EINVALID *vigil.Error: a sender
// fixes everything at once rather than one problem per attempt.
func (req concernRequest) newConcern(now time.Time) (vigil.NewConcern, error) {
	n := vigil.NewConcern{
		Source: vigil.SourceProfessional, // every API caller is a signed-in professional
		Child: vigil.Child{Name: req.Child.Name, DateOfBirth: req.Child.DateOfBirth,
			Age: req.Child.Age, Address: req.Child.Address},
		WhatHappened:   req.WhatHappened,
		OthersInvolved: req.OthersInvolved,
		Mentions:       mentionsOf(req.Mentions),
	}
	if req.ReceivedAt == "" {
		return n, nil
	}
	t, err := time.Parse(time.RFC3339, req.ReceivedAt)
	if err == nil {
		n.ReceivedAt = t.UTC()
		return n, nil
	}
	var v vigil.Validation
	v.Add("received_at", "Give the time the concern was received as an RFC 3339 date and time with its offset, for example 2025-03-27T14:05:00Z")
	rest := n
	rest.Normalize()
	for _, f := range vigil.ErrorFields(rest.Validate(now)) {
		v.Add(f.Field, "%s", f.Message)
	}
	return n, v.Err()
}

// raiseConcern records a concern from the signed-in professional; the
// store opens a case for it, owned by the intake team's duty manager.
func (h *handler) raiseConcern(w http.ResponseWriter, r *http.Request, u *vigil.User) {
	if _, err := checkQuery(r); err != nil {
		h.fail(w, r, err)
		return
	}
	data, err := readBody(w, r)
	if err != nil {
		h.fail(w, r, badRequest(err))
		return
	}
	req, err := decodeConcern(data)
	if err != nil {
		h.fail(w, r, badRequest(err))
		return
	}
	n, err := req.newConcern(vigil.Now())
	if err != nil {
		h.fail(w, r, err)
		return
	}
	c, cs, err := h.svc.RaiseConcern(r.Context(), vigil.UserActor(u), n)
	if err != nil {
		h.fail(w, r, err)
		return
	}
	h.logger.LogAttrs(r.Context(), slog.LevelInfo, "concern raised",
		slog.String("user_id", string(u.ID)), slog.String("concern_id", string(c.ID)), slog.String("case_id", string(cs.ID)))
	w.Header().Set("Location", "/api/v1/cases/"+string(cs.ID))
	h.respond(w, r, http.StatusCreated, concernResponse{Concern: c, Case: cs})
}
