package api

import (
	"errors"
	"log/slog"
	"net/http"
	"slices"
	"time"

	"github.com/vigil-project/vigil"
)

// This file holds the casework routes (issue 4): decisions, transfers,
// missing episodes, CSE screenings, referrals between agencies, sharing
// decisions and escalations. Each handler reads its body strictly, turns it
// into the store's input and calls vigil.CaseworkService, which checks the
// user's access and the workflow itself. Field errors carry the JSON names
// of the request bodies below, which are the names the store reports.
//
// Like concernRequest, each request body is a type of its own rather than a
// domain type, so that a field added to the domain does not join the API's
// contract unannounced.

// decisionRequest is the body of POST /api/v1/cases/{id}/decisions.
type decisionRequest struct {
	Kind       string `json:"kind"`
	Outcome    string `json:"outcome"`
	Reason     string `json:"reason"`
	At         string `json:"at"` // RFC 3339; empty means now
	LateReason string `json:"late_reason"`
}

// transferRequest is the body of POST /api/v1/cases/{id}/transfers.
type transferRequest struct {
	To     string `json:"to"`
	Reason string `json:"reason"`
}

// acceptRequest is the body, if any, of POST /api/v1/transfers/{id}/accept
// and POST /api/v1/referrals/{id}/acknowledge: an empty object.
type acceptRequest struct{}

// refuseRequest is the body of POST /api/v1/transfers/{id}/refuse.
type refuseRequest struct {
	Reason string `json:"reason"`
}

// withdrawRequest is the body of POST /api/v1/transfers/{id}/withdraw.
type withdrawRequest struct {
	Reason string `json:"reason"`
}

// missingRequest is the body of POST /api/v1/cases/{id}/missing.
type missingRequest struct {
	MissingFrom string `json:"missing_from"` // RFC 3339
	Details     string `json:"details"`
}

// returnRequest is the body of POST /api/v1/missing/{id}/return.
type returnRequest struct {
	ReturnedAt string `json:"returned_at"` // RFC 3339
}

// screeningRequest is the body of POST /api/v1/cases/{id}/screenings.
type screeningRequest struct {
	Scores map[string]vigil.Score `json:"scores"`
	Notes  string                 `json:"notes"`
}

// referralRequest is the body of POST /api/v1/cases/{id}/referrals.
type referralRequest struct {
	AgencyID string `json:"agency_id"`
	Reason   string `json:"reason"`
}

// shareRequest is the body of POST /api/v1/cases/{id}/shares. Share is a
// pointer so that a body without it is refused rather than read as a
// decision not to share.
type shareRequest struct {
	AgencyID string `json:"agency_id"`
	Share    *bool  `json:"share"`
	Reason   string `json:"reason"`
}

// resolveRequest is the body of POST /api/v1/escalations/{id}/resolve.
type resolveRequest struct {
	Decision string `json:"decision"`
	ExtendTo string `json:"extend_to"` // RFC 3339; empty keeps the deadline's due time
}

// transferList is the body of a 200 answer to GET /api/v1/transfers.
type transferList struct {
	Transfers []*vigil.TransferItem `json:"transfers"`
}

// escalationList is the body of a 200 answer to GET /api/v1/escalations.
type escalationList struct {
	Escalations []*vigil.EscalationItem `json:"escalations"`
	// NextOffset is the offset of the next page, present when more
	// escalations follow: a long list is paged, never cut short silently.
	NextOffset *int `json:"next_offset,omitempty"`
}

// decodeAs decodes the body of a casework route into its request type.
// Every error is a *vigil.Error with code EINVALID: the body is not the
// JSON the route takes.
func decodeAs[T any](data []byte) (T, error) {
	var req T
	if err := decodeJSON(data, &req); err != nil {
		var zero T
		return zero, err
	}
	return req, nil
}

// parseTime reads an RFC 3339 date and time sent as field; "" is the zero
// time. A malformed one is added to v, to be reported with the rest.
func parseTime(v *vigil.Validation, field, s string) time.Time {
	if s == "" {
		return time.Time{}
	}
	t, err := time.Parse(time.RFC3339, s)
	if err != nil {
		v.Add(field, "%s must be an RFC 3339 date and time with its offset, for example 2025-03-27T14:05:00Z", field)
		return time.Time{}
	}
	return t.UTC()
}

// newDecision turns a request into the domain's input. A malformed at is
// reported with the domain's own field errors (checked at now) in one
// EINVALID *vigil.Error, as newConcern does.
func (req decisionRequest) newDecision(now time.Time) (vigil.NewDecision, error) {
	var v vigil.Validation
	n := vigil.NewDecision{Kind: req.Kind, Outcome: req.Outcome, Reason: req.Reason,
		At: parseTime(&v, "at", req.At), LateReason: req.LateReason}
	if v.Err() == nil {
		return n, nil
	}
	rest := n
	for _, f := range vigil.ErrorFields(rest.Validate(now)) {
		v.Add(f.Field, "%s", f.Message)
	}
	return n, v.Err()
}

// returnedAt reads the time of a return, which the route requires.
func (req returnRequest) returnedAt() (time.Time, error) {
	var v vigil.Validation
	if req.ReturnedAt == "" {
		v.Add("returned_at", "Enter when the child returned, as an RFC 3339 date and time with its offset, for example 2025-03-27T14:05:00Z")
	}
	at := parseTime(&v, "returned_at", req.ReturnedAt)
	return at, v.Err()
}

// extendTo reads the new due time of a resolution, if any.
func (req resolveRequest) extendTo() (*time.Time, error) {
	var v vigil.Validation
	t := parseTime(&v, "extend_to", req.ExtendTo)
	if err := v.Err(); err != nil || t.IsZero() {
		return nil, err
	}
	return &t, nil
}

// readJSON checks that a POST has no query, then reads its body and
// decodes it strictly into the request type T. Its errors are ready for
// fail: 413 and 415 from readBody, 400 for a body not in the route's form.
func readJSON[T any](w http.ResponseWriter, r *http.Request) (T, error) {
	var zero T
	if _, err := checkQuery(r); err != nil {
		return zero, err
	}
	data, err := readBody(w, r)
	if err != nil {
		return zero, badRequest(err)
	}
	req, err := decodeAs[T](data)
	if err != nil {
		return zero, badRequest(err)
	}
	return req, nil
}

// readNoInput reads the body of a POST that takes no input: none at all,
// or the empty object {} that some clients always send. Anything else is
// refused as readJSON refuses it, so that a client that believes it sent,
// say, a note with an acknowledgement learns that it was not recorded.
func readNoInput(w http.ResponseWriter, r *http.Request) error {
	if _, err := checkQuery(r); err != nil {
		return err
	}
	if r.ContentLength == 0 {
		return nil
	}
	data, err := readBody(w, r)
	if err != nil {
		return badRequest(err)
	}
	if len(data) == 0 {
		return nil
	}
	if _, err := decodeAs[acceptRequest](data); err != nil {
		return badRequest(err)
	}
	return nil
}

// pathID returns the route's {id}. An id not of the shape vigil.NewID
// makes is refused with ENOTFOUND, as the store refuses one that does not
// exist, before the body is read.
func pathID(r *http.Request, what string) (vigil.ID, error) {
	id := vigil.ID(r.PathValue("id"))
	if !id.Valid() {
		return "", vigil.Errorf(vigil.ENOTFOUND, "%s was not found, or you do not have access to it", what)
	}
	return id, nil
}

// renameField returns err with its field errors named from renamed to, for
// store methods whose field names are not the API's JSON names.
func renameField(err error, from, to string) error {
	var e *vigil.Error
	if !errors.As(err, &e) || !slices.ContainsFunc(e.Fields, func(f vigil.FieldError) bool { return f.Field == from }) {
		return err
	}
	out := *e
	out.Fields = slices.Clone(e.Fields)
	for i := range out.Fields {
		if out.Fields[i].Field == from {
			out.Fields[i].Field = to
		}
	}
	return &out
}

// logChange logs a change that succeeded, by ids only.
func (h *handler) logChange(r *http.Request, u *vigil.User, msg string, attrs ...slog.Attr) {
	h.logger.LogAttrs(r.Context(), slog.LevelInfo, msg, append([]slog.Attr{slog.String("user_id", string(u.ID))}, attrs...)...)
}

// recordDecision records a step of the statutory workflow. The store
// refuses one out of order with a message naming the step that must come
// first, and one that meets a deadline late without late_reason.
func (h *handler) recordDecision(w http.ResponseWriter, r *http.Request, u *vigil.User) {
	caseID, err := pathID(r, "The case")
	if err != nil {
		h.fail(w, r, err)
		return
	}
	req, err := readJSON[decisionRequest](w, r)
	if err != nil {
		h.fail(w, r, err)
		return
	}
	n, err := req.newDecision(vigil.Now())
	if err != nil {
		h.fail(w, r, err)
		return
	}
	d, err := h.svc.RecordDecision(r.Context(), vigil.UserActor(u), caseID, n)
	if err != nil {
		h.fail(w, r, err)
		return
	}
	h.logChange(r, u, "decision recorded", slog.String("case_id", string(caseID)), slog.String("decision_id", string(d.ID)))
	h.respond(w, r, http.StatusCreated, d)
}

// offerTransfer offers a case to a new owner; the case keeps its owner
// until the offer is accepted.
func (h *handler) offerTransfer(w http.ResponseWriter, r *http.Request, u *vigil.User) {
	caseID, err := pathID(r, "The case")
	if err != nil {
		h.fail(w, r, err)
		return
	}
	req, err := readJSON[transferRequest](w, r)
	if err != nil {
		h.fail(w, r, err)
		return
	}
	t, err := h.svc.OfferTransfer(r.Context(), vigil.UserActor(u), caseID, vigil.ID(req.To), req.Reason)
	if err != nil {
		h.fail(w, r, err)
		return
	}
	h.logChange(r, u, "transfer offered", slog.String("case_id", string(caseID)), slog.String("transfer_id", string(t.ID)))
	h.respond(w, r, http.StatusCreated, t)
}

// listTransfers answers the transfers offered to the user and not yet
// answered. to=me is required, so that the address says what it lists.
func (h *handler) listTransfers(w http.ResponseWriter, r *http.Request, u *vigil.User) {
	q, err := checkQuery(r, "to")
	if err != nil {
		h.fail(w, r, err)
		return
	}
	if q.Get("to") != "me" {
		h.fail(w, r, badRequest(fieldError("to", "Give to=me: this address lists the transfers offered to you.")))
		return
	}
	items, err := h.svc.TransfersOffered(r.Context(), vigil.UserActor(u))
	if err != nil {
		h.fail(w, r, err)
		return
	}
	if items == nil {
		items = []*vigil.TransferItem{}
	}
	h.respond(w, r, http.StatusOK, transferList{Transfers: items})
}

// acceptTransfer makes the user the owner of the case offered to them.
func (h *handler) acceptTransfer(w http.ResponseWriter, r *http.Request, u *vigil.User) {
	id, err := pathID(r, "The transfer")
	if err != nil {
		h.fail(w, r, err)
		return
	}
	if err := readNoInput(w, r); err != nil {
		h.fail(w, r, err)
		return
	}
	if err := h.svc.AnswerTransfer(r.Context(), vigil.UserActor(u), id, true, ""); err != nil {
		h.fail(w, r, err)
		return
	}
	h.logChange(r, u, "transfer accepted", slog.String("transfer_id", string(id)))
	w.WriteHeader(http.StatusNoContent)
}

// refuseTransfer refuses a case offered to the user, with a reason; the
// store escalates the refusal.
func (h *handler) refuseTransfer(w http.ResponseWriter, r *http.Request, u *vigil.User) {
	id, err := pathID(r, "The transfer")
	if err != nil {
		h.fail(w, r, err)
		return
	}
	req, err := readJSON[refuseRequest](w, r)
	if err != nil {
		h.fail(w, r, err)
		return
	}
	if err := h.svc.AnswerTransfer(r.Context(), vigil.UserActor(u), id, false, req.Reason); err != nil {
		h.fail(w, r, err)
		return
	}
	h.logChange(r, u, "transfer refused", slog.String("transfer_id", string(id)))
	w.WriteHeader(http.StatusNoContent)
}

// withdrawTransfer withdraws an offer of a case not yet answered; the
// case keeps its owner.
func (h *handler) withdrawTransfer(w http.ResponseWriter, r *http.Request, u *vigil.User) {
	id, err := pathID(r, "The transfer")
	if err != nil {
		h.fail(w, r, err)
		return
	}
	req, err := readJSON[withdrawRequest](w, r)
	if err != nil {
		h.fail(w, r, err)
		return
	}
	if err := h.svc.WithdrawTransfer(r.Context(), vigil.UserActor(u), id, req.Reason); err != nil {
		h.fail(w, r, err)
		return
	}
	h.logChange(r, u, "transfer withdrawn", slog.String("transfer_id", string(id)))
	w.WriteHeader(http.StatusNoContent)
}

// recordMissing records that the child of a case went missing.
func (h *handler) recordMissing(w http.ResponseWriter, r *http.Request, u *vigil.User) {
	caseID, err := pathID(r, "The case")
	if err != nil {
		h.fail(w, r, err)
		return
	}
	req, err := readJSON[missingRequest](w, r)
	if err != nil {
		h.fail(w, r, err)
		return
	}
	var v vigil.Validation
	from := parseTime(&v, "missing_from", req.MissingFrom)
	if err := v.Err(); err != nil {
		h.fail(w, r, err)
		return
	}
	ep, err := h.svc.RecordMissing(r.Context(), vigil.UserActor(u), caseID, from, req.Details)
	if err != nil {
		h.fail(w, r, err)
		return
	}
	h.logChange(r, u, "missing episode recorded", slog.String("case_id", string(caseID)), slog.String("missing_episode_id", string(ep.ID)))
	h.respond(w, r, http.StatusCreated, ep)
}

// recordReturn records a missing child's return; the store starts the
// return home interview clock.
func (h *handler) recordReturn(w http.ResponseWriter, r *http.Request, u *vigil.User) {
	id, err := pathID(r, "The missing episode")
	if err != nil {
		h.fail(w, r, err)
		return
	}
	req, err := readJSON[returnRequest](w, r)
	if err != nil {
		h.fail(w, r, err)
		return
	}
	at, err := req.returnedAt()
	if err != nil {
		h.fail(w, r, err)
		return
	}
	if err := h.svc.RecordReturn(r.Context(), vigil.UserActor(u), id, at); err != nil {
		h.fail(w, r, err)
		return
	}
	h.logChange(r, u, "missing return recorded", slog.String("missing_episode_id", string(id)))
	w.WriteHeader(http.StatusNoContent)
}

// recordScreening records a CSE screening; the store works out the level.
func (h *handler) recordScreening(w http.ResponseWriter, r *http.Request, u *vigil.User) {
	caseID, err := pathID(r, "The case")
	if err != nil {
		h.fail(w, r, err)
		return
	}
	req, err := readJSON[screeningRequest](w, r)
	if err != nil {
		h.fail(w, r, err)
		return
	}
	sc, err := h.svc.RecordScreening(r.Context(), vigil.UserActor(u), caseID, vigil.NewScreening{Scores: req.Scores, Notes: req.Notes})
	if err != nil {
		h.fail(w, r, err)
		return
	}
	h.logChange(r, u, "screening recorded", slog.String("case_id", string(caseID)), slog.String("screening_id", string(sc.ID)))
	h.respond(w, r, http.StatusCreated, sc)
}

// sendReferral refers a case to another agency. The store calls the
// agency field "agency"; the API's is agency_id.
func (h *handler) sendReferral(w http.ResponseWriter, r *http.Request, u *vigil.User) {
	caseID, err := pathID(r, "The case")
	if err != nil {
		h.fail(w, r, err)
		return
	}
	req, err := readJSON[referralRequest](w, r)
	if err != nil {
		h.fail(w, r, err)
		return
	}
	ref, err := h.svc.SendReferral(r.Context(), vigil.UserActor(u), caseID, vigil.ID(req.AgencyID), req.Reason)
	if err != nil {
		h.fail(w, r, renameField(err, "agency", "agency_id"))
		return
	}
	h.logChange(r, u, "referral sent", slog.String("case_id", string(caseID)), slog.String("referral_id", string(ref.ID)))
	h.respond(w, r, http.StatusCreated, ref)
}

// acknowledgeReferral is the receiving agency's acknowledgement.
func (h *handler) acknowledgeReferral(w http.ResponseWriter, r *http.Request, u *vigil.User) {
	id, err := pathID(r, "The referral")
	if err != nil {
		h.fail(w, r, err)
		return
	}
	if err := readNoInput(w, r); err != nil {
		h.fail(w, r, err)
		return
	}
	if err := h.svc.AcknowledgeReferral(r.Context(), vigil.UserActor(u), id); err != nil {
		h.fail(w, r, err)
		return
	}
	h.logChange(r, u, "referral acknowledged", slog.String("referral_id", string(id)))
	w.WriteHeader(http.StatusNoContent)
}

// recordShare records a decision to share or withhold a case's
// information with an agency, and why.
func (h *handler) recordShare(w http.ResponseWriter, r *http.Request, u *vigil.User) {
	caseID, err := pathID(r, "The case")
	if err != nil {
		h.fail(w, r, err)
		return
	}
	req, err := readJSON[shareRequest](w, r)
	if err != nil {
		h.fail(w, r, err)
		return
	}
	if req.Share == nil {
		h.fail(w, r, fieldError("share", "Say whether the information is shared: share must be true or false."))
		return
	}
	err = h.svc.RecordShareDecision(r.Context(), vigil.UserActor(u), caseID, vigil.ID(req.AgencyID), *req.Share, req.Reason)
	if err != nil {
		h.fail(w, r, renameField(err, "agency", "agency_id"))
		return
	}
	h.logChange(r, u, "share decision recorded", slog.String("case_id", string(caseID)))
	w.WriteHeader(http.StatusNoContent)
}

// listEscalations answers the open escalations the user holds or may
// answer, oldest first, a page at a time (?limit=&offset=).
func (h *handler) listEscalations(w http.ResponseWriter, r *http.Request, u *vigil.User) {
	q, err := checkQuery(r, "limit", "offset")
	if err != nil {
		h.fail(w, r, err)
		return
	}
	var f vigil.EscalationFilter
	var v vigil.Validation
	f.Limit, f.Offset = listPage(&v, q, vigil.MaxEscalationList)
	if err := v.Err(); err != nil {
		h.fail(w, r, badRequest(err))
		return
	}
	page, err := h.svc.EscalationPage(r.Context(), vigil.UserActor(u), f)
	if err != nil {
		h.fail(w, r, err)
		return
	}
	list := escalationList{Escalations: nonNil(page.Items)}
	if page.More {
		list.NextOffset = &page.NextOffset
	}
	h.respond(w, r, http.StatusOK, list)
}

// resolveEscalation ends an escalation with a recorded decision, and
// optionally gives its deadline a new due time.
func (h *handler) resolveEscalation(w http.ResponseWriter, r *http.Request, u *vigil.User) {
	id, err := pathID(r, "The escalation")
	if err != nil {
		h.fail(w, r, err)
		return
	}
	req, err := readJSON[resolveRequest](w, r)
	if err != nil {
		h.fail(w, r, err)
		return
	}
	extend, err := req.extendTo()
	if err != nil {
		h.fail(w, r, err)
		return
	}
	if err := h.svc.ResolveEscalation(r.Context(), vigil.UserActor(u), id, req.Decision, extend); err != nil {
		h.fail(w, r, err)
		return
	}
	h.logChange(r, u, "escalation resolved", slog.String("escalation_id", string(id)))
	w.WriteHeader(http.StatusNoContent)
}
