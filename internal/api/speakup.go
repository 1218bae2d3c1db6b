package api

import (
	"net/http"
	"strings"
	"time"

	"github.com/vigil-project/vigil"
	"github.com/vigil-project/vigil/internal/speakup"
)

// This file is the speak-up channel's API (issue 6; internal/speakup):
// the same capability as the pages under /speak-up, for a reporter's own
// client or a partner's app (a school's, a charity's helpline tool).
//
// The reporter's routes take no token: a report is anonymous, and a
// request that carries an Authorization header is refused rather than
// quietly ignored, so that a whistle-blower's client that sends its
// owner's token learns that it would have tied the report to an account.
// The receipt is only ever in a JSON body, never in a URL, so it cannot
// reach an access log, a proxy's log or a browser's history. Neither
// these handlers nor the API's logging read the client's address or user
// agent (fail and the access log of internal/server record method, route
// pattern, status and code only), and every answer is Cache-Control:
// no-store (ServeHTTP). Guessing receipts meets the store's limits (per
// report, and a global bucket; see internal/speakup/limit.go): the answer
// is 429.
//
// Attachments are left to the browser: the API's bodies are JSON of at
// most 1 MiB, and photos of up to 5 MB each would need a multipart route
// of their own. A reporter's view says how many files each message has.
//
// Recipients list their reports with a token, but only what the store
// keeps in the clear: a report's content and messages are encrypted to
// the recipient's key, which only their sign-in password unlocks, and the
// API never takes a password; so reports are read in the browser.
//
// Who may list: an active recipient enrolled for speak-up. That rule is
// the store's (speakup.CanReceive and the report's recipients), not a
// grant of vigil.Can, on purpose: grants can be changed per agency by a
// deployment, and the organisation a report is about must not be able to
// grant itself a way in. Administrators are never recipients.

// speakupRoutes lists the speak-up routes; a store without the speak-up
// service gets none.
func (h *handler) speakupRoutes() {
	if _, ok := h.svc.(speakup.Service); !ok {
		return
	}
	h.mux.HandleFunc("GET /api/v1/speak-up/organisations", h.anonymous(h.speakupOrganisations))
	h.mux.HandleFunc("POST /api/v1/speak-up/reports", h.anonymous(h.speakupReport))
	h.mux.HandleFunc("POST /api/v1/speak-up/status", h.anonymous(h.speakupStatus))
	h.mux.HandleFunc("POST /api/v1/speak-up/replies", h.anonymous(h.speakupReply))
	h.mux.HandleFunc("GET /api/v1/speak-up/inbox", h.authed(h.speakupInbox))
}

func (h *handler) su() speakup.Service { return h.svc.(speakup.Service) }

var errTokenOnAnonymous = badRequest(vigil.Errorf(vigil.EINVALID,
	"Speak-up reports are anonymous: send this request without an Authorization header, so that nothing ties it to an account."))

// anonymous wraps a route for people without an account: it refuses a
// token (see above) and query parameters, and never looks up a user.
func (h *handler) anonymous(next http.HandlerFunc) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		if len(r.Header.Values("Authorization")) > 0 {
			h.fail(w, r, errTokenOnAnonymous)
			return
		}
		if _, err := checkQuery(r); err != nil {
			h.fail(w, r, err)
			return
		}
		// Ask browsers and proxies to send no referrer onwards, as the pages do.
		w.Header().Set("Referrer-Policy", "no-referrer")
		next(w, r)
	}
}

// speakupReportRequest is the body of POST /api/v1/speak-up/reports: the
// fields of the browser's report form, by channel.
type speakupReportRequest struct {
	Channel  string                 `json:"channel"` // child, young_person or staff
	About    string                 `json:"about"`   // an organisation's id; required for staff
	Child    speakupChildRequest    `json:"child"`
	What     string                 `json:"what"`
	Others   string                 `json:"others"`
	Identity speakupIdentityRequest `json:"identity"`
}

type speakupChildRequest struct {
	Name  string `json:"name"`
	Age   string `json:"age"`
	Where string `json:"where"`
}

type speakupIdentityRequest struct {
	Name    string `json:"name"`
	Contact string `json:"contact"`
	Role    string `json:"role"`
}

// speakupReceiptRequest is the body of POST /api/v1/speak-up/status.
type speakupReceiptRequest struct {
	Receipt string `json:"receipt"`
}

// speakupReplyRequest is the body of POST /api/v1/speak-up/replies.
type speakupReplyRequest struct {
	Receipt string `json:"receipt"`
	Message string `json:"message"`
}

// speakupReceipt is the answer to a report: the receipt, shown this once.
type speakupReceipt struct {
	Receipt string        `json:"receipt"`
	Status  speakupStatus `json:"status"`
}

// speakupStatus is a report's status in the reporter's words.
type speakupStatus struct {
	Code  speakup.Status `json:"code"`
	Title string         `json:"title"`
	Text  string         `json:"text"`
}

func statusOf(s speakup.Status) speakupStatus {
	title, text := s.ReporterWords()
	return speakupStatus{Code: s, Title: title, Text: text}
}

// speakupView is what the reporter reads through their receipt: nothing
// about anyone else, not even who wrote a question.
type speakupView struct {
	Channel        speakup.Channel   `json:"channel"`
	ReceivedAt     time.Time         `json:"received_at"`
	Status         speakupStatus     `json:"status"`
	Open           bool              `json:"open"`
	IdentityShared int               `json:"identity_shared"`
	Messages       []speakupExchange `json:"messages"`
}

// speakupExchange is one message of the conversation as the reporter sees it.
type speakupExchange struct {
	From        speakup.Author `json:"from"`
	At          time.Time      `json:"at"`
	Text        string         `json:"text"`
	Attachments int            `json:"attachments"`
}

func viewOf(v *speakup.ReporterView) speakupView {
	out := speakupView{Channel: v.Channel, ReceivedAt: v.ReceivedAt, Status: statusOf(v.Status), Open: v.Open,
		IdentityShared: v.IdentityShared, Messages: []speakupExchange{}}
	for _, m := range v.Messages {
		out.Messages = append(out.Messages, speakupExchange{From: m.Author, At: m.At, Text: m.Text, Attachments: len(m.Attachments)})
	}
	return out
}

// speakupOrganisation is an organisation a report can be about.
type speakupOrganisation struct {
	ID   vigil.ID         `json:"id"`
	Name string           `json:"name"`
	Kind vigil.AgencyKind `json:"kind"`
}

type speakupOrganisationList struct {
	Organisations []speakupOrganisation `json:"organisations"`
}

// speakupInboxItem is a report as a recipient's inbox lists it: what the
// store keeps in the clear, never its content.
type speakupInboxItem struct {
	speakup.Report
	Overdue bool `json:"overdue"`
}

type speakupInboxList struct {
	Custodian bool               `json:"custodian"`
	Reports   []speakupInboxItem `json:"reports"`
}

// speakupFields maps the domain's field names (the form's input ids) to
// the JSON names of the request, so that each field error names what the
// client sent.
var speakupFields = map[string]string{
	"child-name":  "child.name",
	"child-age":   "child.age",
	"child-where": "child.where",
	"name":        "identity.name",
	"contact":     "identity.contact",
	"role":        "identity.role",
}

// jsonNames renames the field errors of a domain's EINVALID error to the
// request's JSON names; other errors are returned as they are.
func jsonNames(err error) error {
	e, ok := err.(*vigil.Error)
	if !ok || e.Code != vigil.EINVALID || len(e.Fields) == 0 {
		return err
	}
	var v vigil.Validation
	for _, f := range e.Fields {
		if name, ok := speakupFields[f.Field]; ok {
			f.Field = name
		}
		if f.Field == "channel" {
			// The form's message ("Choose what your report is about") names no values.
			f.Message = "Give the channel: child (a concern about a child), young_person (a young person about themselves) or staff (wrongdoing in an organisation)"
		}
		v.Add(f.Field, "%s", f.Message)
	}
	return v.Err()
}

// decodeSpeakUp decodes one speak-up request body. Every error is a
// *vigil.Error with code EINVALID.
func decodeSpeakUp[T any](data []byte) (T, error) {
	var req T
	if err := decodeJSON(data, &req); err != nil {
		var zero T
		return zero, err
	}
	return req, nil
}

// newReport turns a request into the domain's input and checks it, with
// each field error named by its JSON name.
func (req speakupReportRequest) newReport() (speakup.NewReport, error) {
	n := speakup.NewReport{
		Content: speakup.Content{Channel: speakup.Channel(req.Channel), AboutID: vigil.ID(strings.TrimSpace(req.About)),
			Child: speakup.Child{Name: req.Child.Name, Age: req.Child.Age, Address: req.Child.Where},
			What:  req.What, Others: req.Others},
		Identity: speakup.Identity{Name: req.Identity.Name, Contact: req.Identity.Contact, Role: req.Identity.Role},
	}
	n.Normalize()
	return n, jsonNames(n.Validate())
}

// speakupBody reads and decodes a speak-up request body, marking faults of form
// as 400.
func speakupBody[T any](w http.ResponseWriter, r *http.Request) (T, error) {
	var zero T
	data, err := readBody(w, r)
	if err != nil {
		return zero, badRequest(err)
	}
	req, err := decodeSpeakUp[T](data)
	if err != nil {
		return zero, badRequest(err)
	}
	return req, nil
}

// unlock checks a receipt. A receipt that matches no report is 403 with
// the field named, not 401: a receipt is not an HTTP credential, and 401
// would promise a WWW-Authenticate challenge there is none of.
func (h *handler) unlock(r *http.Request, receipt string) (*speakup.ReporterKey, error) {
	if strings.TrimSpace(receipt) == "" {
		msg := "Give the receipt you were given when you made your report."
		return nil, &vigil.Error{Code: vigil.EINVALID, Message: msg, Fields: []vigil.FieldError{{Field: "receipt", Message: msg}}}
	}
	key, err := h.su().Check(r.Context(), receipt)
	if vigil.ErrorCode(err) == vigil.EUNAUTHORIZED {
		msg := vigil.ErrorMessage(err)
		return nil, &vigil.Error{Code: vigil.EFORBIDDEN, Message: msg, Fields: []vigil.FieldError{{Field: "receipt", Message: msg}}}
	}
	return key, err
}

func (h *handler) speakupOrganisations(w http.ResponseWriter, r *http.Request) {
	agencies, err := h.su().Agencies(r.Context())
	if err != nil {
		h.fail(w, r, err)
		return
	}
	out := speakupOrganisationList{Organisations: []speakupOrganisation{}}
	for _, a := range agencies {
		out.Organisations = append(out.Organisations, speakupOrganisation{ID: a.ID, Name: a.Name, Kind: a.Kind})
	}
	h.respond(w, r, http.StatusOK, out)
}

// speakupReport records a report and answers with its receipt, once. It
// gives no Location and no report id: nothing but the receipt leads back
// to the report, and the receipt never goes in a URL.
func (h *handler) speakupReport(w http.ResponseWriter, r *http.Request) {
	req, err := speakupBody[speakupReportRequest](w, r)
	if err != nil {
		h.fail(w, r, err)
		return
	}
	n, err := req.newReport()
	if err != nil {
		h.fail(w, r, err)
		return
	}
	receipt, _, err := h.su().Submit(r.Context(), n)
	if err != nil {
		h.fail(w, r, jsonNames(err))
		return
	}
	h.respond(w, r, http.StatusCreated, speakupReceipt{Receipt: receipt, Status: statusOf(speakup.StatusReceived)})
}

func (h *handler) speakupStatus(w http.ResponseWriter, r *http.Request) {
	req, err := speakupBody[speakupReceiptRequest](w, r)
	if err != nil {
		h.fail(w, r, err)
		return
	}
	key, err := h.unlock(r, req.Receipt)
	if err != nil {
		h.fail(w, r, err)
		return
	}
	v, err := h.su().View(r.Context(), key)
	if err != nil {
		h.fail(w, r, err)
		return
	}
	h.respond(w, r, http.StatusOK, viewOf(v))
}

// speakupReply adds the reporter's message and answers with the
// conversation as it now stands.
func (h *handler) speakupReply(w http.ResponseWriter, r *http.Request) {
	req, err := speakupBody[speakupReplyRequest](w, r)
	if err != nil {
		h.fail(w, r, err)
		return
	}
	// The message is checked before the receipt, so that a reply refused
	// for its text costs no guess.
	if err := speakup.CheckMessage(req.Message); err != nil {
		h.fail(w, r, err)
		return
	}
	key, err := h.unlock(r, req.Receipt)
	if err != nil {
		h.fail(w, r, err)
		return
	}
	if err := h.su().Reply(r.Context(), key, req.Message, nil); err != nil {
		h.fail(w, r, err)
		return
	}
	v, err := h.su().View(r.Context(), key)
	if err != nil {
		h.fail(w, r, err)
		return
	}
	h.respond(w, r, http.StatusCreated, viewOf(v))
}

// speakupInbox lists the reports routed to the recipient, as the browser's
// inbox does (the store logs the listing), without their content.
func (h *handler) speakupInbox(w http.ResponseWriter, r *http.Request, u *vigil.User) {
	if _, err := checkQuery(r); err != nil {
		h.fail(w, r, err)
		return
	}
	switch {
	case u.Role == vigil.RoleAdministrator:
		h.fail(w, r, vigil.Errorf(vigil.EFORBIDDEN, "Administrators do not receive speak-up reports, so there is nothing to list."))
		return
	case !speakup.CanReceive(u):
		h.fail(w, r, vigil.Errorf(vigil.EFORBIDDEN, "Your role does not receive speak-up reports, so there is nothing to list."))
		return
	}
	actor := vigil.UserActor(u)
	rc, err := h.su().RecipientOf(r.Context(), actor)
	if vigil.ErrorCode(err) == vigil.ENOTFOUND || err == nil && !rc.Active {
		h.fail(w, r, vigil.Errorf(vigil.EFORBIDDEN, "You are not set up to receive speak-up reports. Set up your speak-up key in the browser, at /speak-up/key."))
		return
	} else if err != nil {
		h.fail(w, r, err)
		return
	}
	reports, err := h.su().Inbox(r.Context(), actor)
	if err != nil {
		h.fail(w, r, err)
		return
	}
	now := vigil.Now()
	out := speakupInboxList{Custodian: rc.Custodian, Reports: []speakupInboxItem{}}
	for _, rp := range reports {
		rp.RoutedTo, rp.Deadlines = nonNil(rp.RoutedTo), nonNil(rp.Deadlines)
		out.Reports = append(out.Reports, speakupInboxItem{Report: *rp, Overdue: rp.Overdue(now)})
	}
	h.respond(w, r, http.StatusOK, out)
}
