package web

import (
	"crypto/rand"
	"crypto/sha256"
	"encoding/base64"
	"encoding/hex"
	"io"
	"mime/multipart"
	"net/http"
	"strings"
	"sync"
	"time"

	"github.com/vigil-project/vigil"
	"github.com/vigil-project/vigil/internal/speakup"
)

// This file and speakup_staff.go are the pages of the speak-up channel
// (internal/speakup): reports without an account, a receipt, and a
// conversation through it; and the recipients' inbox.
//
// Leaving no trace: these pages are served, like every page, with
// Cache-Control: no-store, a strict Content-Security-Policy (no
// third-party resource of any kind), Referrer-Policy: no-referrer, and
// the access log records only method, route pattern and status (see
// internal/server): no address, no user agent, no URL. Every URL is
// fixed: a receipt is only ever POSTed, never put in a URL. Nothing needs
// JavaScript, so the pages work in Tor Browser at its safest setting.
// Uploads are parsed in memory (they are under the body limit), so no
// temporary file is written.
//
// A reporter's session: after a report is sent, or a receipt checked,
// the reporter's key is kept in this process's memory under a random
// token, given to the browser as a session cookie limited to /speak-up
// (HttpOnly, SameSite=Strict), for 20 minutes of inactivity or until they
// press "Finish". That lets the pages follow POST-redirect-GET without the
// receipt ever being in a URL or a cookie. The receipt itself is kept
// only until the reporter says they have written it down. Nodes do not
// share these sessions: behind a load balancer, speak-up needs sticky
// sessions (or a reporter checks their receipt again).
//
// A recipient's key: unlocked with their password on the inbox, it is
// kept in this process's memory, tied to their sign-in session, for 20
// minutes of inactivity or until they lock it or sign out; it is never
// written to the database, a cookie or a log.

const (
	speakupCookie = "vigil_speakup"
	speakupIdle   = 20 * time.Minute
)

// vault keeps secrets in memory under the hash of a token, each for an
// idle time; it never writes them anywhere.
type vault[T any] struct {
	mu   sync.Mutex
	m    map[string]*vaultEntry[T]
	idle time.Duration
}

type vaultEntry[T any] struct {
	v    T
	seen time.Time
}

func newVault[T any](idle time.Duration) *vault[T] {
	return &vault[T]{m: map[string]*vaultEntry[T]{}, idle: idle}
}

func vaultKey(token string) string {
	h := sha256.Sum256([]byte(token))
	return hex.EncodeToString(h[:])
}

// put stores v under token.
func (v *vault[T]) put(token string, x T) {
	v.mu.Lock()
	defer v.mu.Unlock()
	now := time.Now()
	for k, e := range v.m { // forget the idle; the map stays small
		if now.Sub(e.seen) > v.idle {
			delete(v.m, k)
		}
	}
	v.m[vaultKey(token)] = &vaultEntry[T]{v: x, seen: now}
}

// get returns what token holds, and keeps it alive.
func (v *vault[T]) get(token string) (T, bool) {
	v.mu.Lock()
	defer v.mu.Unlock()
	var zero T
	if token == "" {
		return zero, false
	}
	k := vaultKey(token)
	e, ok := v.m[k]
	if !ok {
		return zero, false
	}
	if time.Since(e.seen) > v.idle {
		delete(v.m, k)
		return zero, false
	}
	e.seen = time.Now()
	return e.v, true
}

func (v *vault[T]) drop(token string) {
	v.mu.Lock()
	defer v.mu.Unlock()
	delete(v.m, vaultKey(token))
}

// reporterSession is what a reporter's cookie stands for.
type reporterSession struct {
	key     *speakup.ReporterKey
	receipt string // until the reporter has written it down
	channel speakup.Channel
}

// speakupPages holds the speak-up handlers and their in-memory state.
type speakupPages struct {
	s         *Server
	svc       speakup.Service
	reporters *vault[*reporterSession]
	keys      *vault[*speakup.Keyring]
}

// speakupRoutes lists the speak-up routes. A store without the speak-up
// service gets none.
func (s *Server) speakupRoutes(mux *http.ServeMux) {
	svc, ok := s.svc.(speakup.Service)
	if !ok {
		return
	}
	h := &speakupPages{s: s, svc: svc, reporters: newVault[*reporterSession](speakupIdle), keys: newVault[*speakup.Keyring](speakupIdle)}

	// Reporters: no account, fixed URLs, receipts only ever POSTed.
	mux.HandleFunc("GET /speak-up", h.start)
	mux.HandleFunc("GET /speak-up/new/{channel}", h.form)
	mux.HandleFunc("POST /speak-up/new/{channel}", h.submit)
	mux.HandleFunc("GET /speak-up/receipt", h.receipt)
	mux.HandleFunc("POST /speak-up/receipt", h.receiptKept)
	mux.HandleFunc("GET /speak-up/check", h.checkForm)
	mux.HandleFunc("POST /speak-up/check", h.check)
	mux.HandleFunc("GET /speak-up/conversation", h.conversation)
	mux.HandleFunc("POST /speak-up/conversation", h.reply)
	mux.HandleFunc("POST /speak-up/finish", h.finish)

	// Recipients, custodians and oversight.
	mux.HandleFunc("GET /speak-up/inbox", s.staff(h.inbox))
	mux.HandleFunc("GET /speak-up/key", s.staff(h.keyForm))
	mux.HandleFunc("POST /speak-up/key", s.staff(h.enrol))
	mux.HandleFunc("POST /speak-up/unlock", s.staff(h.unlock))
	mux.HandleFunc("POST /speak-up/key/recover", s.staff(h.recoverKey))
	mux.HandleFunc("POST /speak-up/key/renew", s.staff(h.renewKey))
	mux.HandleFunc("POST /speak-up/lock", s.staff(h.lock))
	mux.HandleFunc("GET /speak-up/reports/{id}", s.staff(h.show))
	mux.HandleFunc("POST /speak-up/reports/{id}/acknowledge", s.staff(h.acknowledge))
	mux.HandleFunc("POST /speak-up/reports/{id}/messages", s.staff(h.ask))
	mux.HandleFunc("POST /speak-up/reports/{id}/status", s.staff(h.setStatus))
	mux.HandleFunc("POST /speak-up/reports/{id}/identity", s.staff(h.requestIdentity))
	mux.HandleFunc("POST /speak-up/reports/{id}/case", s.staff(h.openCase))
	mux.HandleFunc("POST /speak-up/reports/{id}/reseal", s.staff(h.reseal))
	mux.HandleFunc("GET /speak-up/reports/{id}/files/{file}", s.staff(h.file))
	mux.HandleFunc("GET /speak-up/custody", s.staff(h.custody))
	mux.HandleFunc("POST /speak-up/custody/{id}", s.staff(h.decide))
	mux.HandleFunc("GET /speak-up/register", s.staff(h.register))
	mux.HandleFunc("GET /speak-up/register/{id}", s.staff(h.registerEntry))
	mux.HandleFunc("GET /speak-up/approvals", s.staff(h.approvals))
	mux.HandleFunc("POST /speak-up/approvals/{id}", s.staff(h.decideKey))
	mux.HandleFunc("GET /speak-up/escalations", s.staff(h.escalations))
	mux.HandleFunc("POST /speak-up/escalations/{id}", s.staff(h.resolveEscalation))
}

func init() {
	// Template helpers of the speak-up pages, added to the shared set.
	funcs["speakupDeadline"] = speakup.DeadlineLabel
	funcs["speakupTag"] = func(s speakup.Status) string {
		switch s {
		case speakup.StatusReceived:
			return "govuk-tag--orange"
		case speakup.StatusLooking:
			return "govuk-tag--blue"
		case speakup.StatusActed:
			return "govuk-tag--green"
		}
		return "govuk-tag--grey"
	}
	funcs["kilobytes"] = func(n int64) int64 { return (n + 1023) / 1024 }
	funcs["fingerprint"] = speakup.Fingerprint
}

// speakupNotices are the success messages of the speak-up pages, by code.
var speakupNotices = map[string]string{
	"sent":         "Your message has been sent.",
	"finished":     "You have left your report. Nothing about it is kept on this device by us. Come back with your receipt at any time.",
	"enrolled":     "Your speak-up key is set up. Reports sent to your organisation from now on will be encrypted for you.",
	"pending":      "Your speak-up key is set up. It receives nothing until someone outside your organisation approves it.",
	"key-approved": "Key approved. It receives reports made from now on.",
	"key-refused":  "Key refused. It will receive nothing.",
	"unlocked":     "Your key is unlocked for this sign-in. It locks itself after 20 minutes without use.",
	"locked":       "Your key is locked.",
	"acknowledged": "Report acknowledged. The person who made it will see that someone is looking at it.",
	"asked":        "Message sent. The person who made the report will see it when they come back with their receipt.",
	"status":       "Status recorded. The person who made the report will see it.",
	"requested":    "Request sent to the custodians.",
	"case":         "Case opened. It has an owner and its statutory clocks are running; the conversation with the reporter stays open.",
	"approved":     "Approved. Only the person who asked can now see the reporter's name.",
	"refused":      "Refused. The reporter's name stays hidden.",
	"recovered":    "Your speak-up key is unlocked and now opens with your current password.",
	"renewed":      "Your new speak-up key is set up. Once someone outside your organisation approves it, it receives new reports, and reports sent before now can be read again when another person who receives each one seals it again for you.",
	"resealed":     "The report is sealed again: everyone it was sent to can read it.",
	"answered":     "Decision recorded. The escalation is closed.",
}

func speakupNotice(r *http.Request) string { return speakupNotices[r.URL.Query().Get("notice")] }

// channelOf reads a channel from its URL form.
func channelOf(s string) (speakup.Channel, bool) {
	switch s {
	case "child":
		return speakup.ChannelChild, true
	case "me":
		return speakup.ChannelYoungPerson, true
	case "staff":
		return speakup.ChannelStaff, true
	}
	return "", false
}

func channelPath(ch speakup.Channel) string {
	switch ch {
	case speakup.ChannelYoungPerson:
		return "me"
	case speakup.ChannelStaff:
		return "staff"
	}
	return "child"
}

// reportPage is what the report form shows.
type reportPage struct {
	Channel  speakup.Channel
	Path     string
	Agencies []option
	MaxKB    int
}

// uploadLimitKB is the most a form with photos may carry, in kilobytes:
// the pages' body limit (MaxFormBytes) less room for the text.
const uploadLimitKB = (MaxFormBytes - 32<<10) >> 10

func (h *speakupPages) start(w http.ResponseWriter, r *http.Request) {
	h.s.render(w, r, http.StatusOK, "speakup_start", &Page{Title: "Speak up safely", Nav: "speakup", Notice: speakupNotice(r)})
}

func (h *speakupPages) reportPage(r *http.Request, ch speakup.Channel) (*reportPage, error) {
	p := &reportPage{Channel: ch, Path: channelPath(ch), MaxKB: uploadLimitKB}
	agencies, err := h.svc.Agencies(r.Context())
	if err != nil {
		return nil, err
	}
	for _, a := range agencies {
		p.Agencies = append(p.Agencies, option{Value: string(a.ID), Label: a.Name})
	}
	return p, nil
}

func reportTitle(ch speakup.Channel) string {
	switch ch {
	case speakup.ChannelYoungPerson:
		return "Tell us what is happening to you"
	case speakup.ChannelStaff:
		return "Report wrongdoing in an organisation"
	}
	return "Tell us you are worried about a child"
}

func (h *speakupPages) form(w http.ResponseWriter, r *http.Request) {
	ch, ok := channelOf(r.PathValue("channel"))
	if !ok {
		h.s.fail(w, r, vigil.Errorf(vigil.ENOTFOUND, "There is no page at this address. Go to the speak-up page and choose what you want to tell us."))
		return
	}
	p, err := h.reportPage(r, ch)
	if err != nil {
		h.s.fail(w, r, err)
		return
	}
	h.s.render(w, r, http.StatusOK, "speakup_report", &Page{Title: reportTitle(ch), Form: Form{}, Data: p})
}

// reportFields are the report form's inputs, kept when it is shown again.
var reportFields = []string{"about", "child-name", "child-age", "child-where", "what", "others", "name", "contact", "role"}

// parseUpload reads a form that may carry photos: in memory only, so
// nothing is written to a temporary file.
func parseUpload(r *http.Request) ([]speakup.Upload, error) {
	ct := r.Header.Get("Content-Type")
	if !strings.HasPrefix(ct, "multipart/form-data") {
		if err := r.ParseForm(); err != nil {
			return nil, formError(err)
		}
		return nil, nil
	}
	if err := r.ParseMultipartForm(MaxFormBytes + 1<<20); err != nil {
		return nil, formError(err)
	}
	defer r.MultipartForm.RemoveAll()
	var out []speakup.Upload
	for _, fh := range r.MultipartForm.File["attachment"] {
		if fh.Size == 0 && fh.Filename == "" {
			continue // the browser's empty file input
		}
		if len(out) == speakup.MaxAttachments {
			msg := "You can attach up to 3 files."
			return nil, &vigil.Error{Code: vigil.EINVALID, Message: msg, Fields: []vigil.FieldError{{Field: "attachment", Message: msg}}}
		}
		data, err := readPart(fh)
		if err != nil {
			return nil, err
		}
		out = append(out, speakup.Upload{Data: data})
	}
	return out, nil
}

func readPart(fh *multipart.FileHeader) ([]byte, error) {
	f, err := fh.Open()
	if err != nil {
		return nil, formError(err)
	}
	defer f.Close()
	b, err := io.ReadAll(io.LimitReader(f, speakup.MaxAttachmentSize+1))
	if err != nil {
		return nil, formError(err)
	}
	return b, nil
}

func (h *speakupPages) submit(w http.ResponseWriter, r *http.Request) {
	ch, ok := channelOf(r.PathValue("channel"))
	if !ok {
		h.s.fail(w, r, vigil.Errorf(vigil.ENOTFOUND, "There is no page at this address."))
		return
	}
	files, err := parseUpload(r)
	form := Form{}
	if r.PostForm != nil {
		for _, k := range reportFields {
			form[k] = r.PostForm.Get(k)
		}
	}
	p, perr := h.reportPage(r, ch)
	if perr != nil {
		h.s.fail(w, r, perr)
		return
	}
	show := func(status int, err error) {
		h.s.logRefusal(r, status, err)
		h.s.render(w, r, status, "speakup_report", &Page{Title: reportTitle(ch), Form: form, Errors: speakupErrors(err), Data: p})
	}
	if err != nil {
		if vigil.ErrorCode(err) == vigil.EINVALID {
			show(http.StatusUnprocessableEntity, err)
			return
		}
		h.s.fail(w, r, err)
		return
	}
	n := speakup.NewReport{
		Content: speakup.Content{Channel: ch, AboutID: vigil.ID(form["about"]),
			Child: speakup.Child{Name: form["child-name"], Age: form["child-age"], Address: form["child-where"]},
			What:  form["what"], Others: form["others"]},
		Identity:    speakup.Identity{Name: form["name"], Contact: form["contact"], Role: form["role"]},
		Attachments: files,
	}
	receipt, key, err := h.svc.Submit(r.Context(), n)
	switch vigil.ErrorCode(err) {
	case "":
	case vigil.EINVALID, vigil.ETOOLARGE:
		show(vigil.ErrorStatus(vigil.ErrorCode(err)), err)
		return
	default:
		h.s.fail(w, r, err)
		return
	}
	h.startReporter(w, &reporterSession{key: key, receipt: receipt, channel: ch})
	http.Redirect(w, r, "/speak-up/receipt", http.StatusSeeOther)
}

// speakupErrors lists an error's field problems for a form; a problem
// without a field points at the main text box.
func speakupErrors(err error) []vigil.FieldError {
	if err == nil {
		return nil
	}
	fields := vigil.ErrorFields(err)
	if len(fields) == 0 {
		return []vigil.FieldError{{Field: "what", Message: vigil.ErrorMessage(err)}}
	}
	return fields
}

func (h *speakupPages) startReporter(w http.ResponseWriter, rs *reporterSession) {
	b := make([]byte, 32)
	rand.Read(b)
	token := base64.RawURLEncoding.EncodeToString(b)
	h.reporters.put(token, rs)
	http.SetCookie(w, &http.Cookie{Name: speakupCookie, Value: token, Path: "/speak-up", HttpOnly: true,
		Secure: h.s.secureCookies, SameSite: http.SameSiteStrictMode})
}

// reporter returns the reporter's session, or nil.
func (h *speakupPages) reporter(r *http.Request) (*reporterSession, string) {
	c, err := r.Cookie(speakupCookie)
	if err != nil {
		return nil, ""
	}
	rs, ok := h.reporters.get(c.Value)
	if !ok {
		return nil, ""
	}
	return rs, c.Value
}

// receiptView is what the receipt page shows.
type receiptView struct {
	Words   []string
	Channel speakup.Channel
}

func (h *speakupPages) receipt(w http.ResponseWriter, r *http.Request) {
	rs, _ := h.reporter(r)
	if rs == nil {
		http.Redirect(w, r, "/speak-up/check", http.StatusSeeOther)
		return
	}
	if rs.receipt == "" {
		http.Redirect(w, r, "/speak-up/conversation", http.StatusSeeOther)
		return
	}
	h.s.render(w, r, http.StatusOK, "speakup_receipt", &Page{Title: "Your report has been sent",
		Data: &receiptView{Words: strings.Fields(rs.receipt), Channel: rs.channel}})
}

func (h *speakupPages) receiptKept(w http.ResponseWriter, r *http.Request) {
	if rs, token := h.reporter(r); rs != nil {
		// Shown until written down, then forgotten.
		h.reporters.put(token, &reporterSession{key: rs.key, channel: rs.channel})
	}
	http.Redirect(w, r, "/speak-up/conversation", http.StatusSeeOther)
}

func (h *speakupPages) checkForm(w http.ResponseWriter, r *http.Request) {
	h.s.render(w, r, http.StatusOK, "speakup_check", &Page{Title: "Check your report", Form: Form{}})
}

func (h *speakupPages) check(w http.ResponseWriter, r *http.Request) {
	if err := r.ParseForm(); err != nil {
		h.s.fail(w, r, formError(err))
		return
	}
	typed := r.PostForm.Get("receipt")
	key, err := h.svc.Check(r.Context(), typed)
	if err != nil {
		status := vigil.ErrorStatus(vigil.ErrorCode(err))
		if status >= 500 {
			h.s.fail(w, r, err)
			return
		}
		h.s.logRefusal(r, status, err)
		h.s.render(w, r, status, "speakup_check", &Page{Title: "Check your report", Form: Form{"receipt": typed},
			Errors: []vigil.FieldError{{Field: "receipt", Message: vigil.ErrorMessage(err)}}})
		return
	}
	h.startReporter(w, &reporterSession{key: key})
	http.Redirect(w, r, "/speak-up/conversation", http.StatusSeeOther)
}

// conversationView is what the reporter's page shows.
type conversationView struct {
	View          *speakup.ReporterView
	Title, Words  string
	MaxKB         int
	ReceiptUnseen bool
}

func (h *speakupPages) showConversation(w http.ResponseWriter, r *http.Request, rs *reporterSession, status int, form Form, errs []vigil.FieldError, notice string) {
	v, err := h.svc.View(r.Context(), rs.key)
	if err != nil {
		h.s.fail(w, r, err)
		return
	}
	title, words := v.Status.ReporterWords()
	h.s.render(w, r, status, "speakup_conversation", &Page{Title: "Your report", Notice: notice, Form: form, Errors: errs,
		Data: &conversationView{View: v, Title: title, Words: words, MaxKB: uploadLimitKB}})
}

func (h *speakupPages) conversation(w http.ResponseWriter, r *http.Request) {
	rs, _ := h.reporter(r)
	if rs == nil {
		http.Redirect(w, r, "/speak-up/check", http.StatusSeeOther)
		return
	}
	h.showConversation(w, r, rs, http.StatusOK, Form{}, nil, speakupNotice(r))
}

func (h *speakupPages) reply(w http.ResponseWriter, r *http.Request) {
	rs, _ := h.reporter(r)
	if rs == nil {
		h.s.fail(w, r, vigil.Errorf(vigil.EUNAUTHORIZED, "Your visit to your report has ended, so nothing was sent. Check your report again with your receipt."))
		return
	}
	files, err := parseUpload(r)
	text := ""
	if r.PostForm != nil {
		text = strings.TrimSpace(r.PostForm.Get("message"))
	}
	if err == nil {
		err = h.svc.Reply(r.Context(), rs.key, text, files)
	}
	switch vigil.ErrorCode(err) {
	case "":
		http.Redirect(w, r, "/speak-up/conversation?notice=sent", http.StatusSeeOther)
	case vigil.EINVALID, vigil.ETOOLARGE, vigil.ECONFLICT:
		errs := vigil.ErrorFields(err)
		if len(errs) == 0 {
			errs = []vigil.FieldError{{Field: "message", Message: vigil.ErrorMessage(err)}}
		}
		h.s.logRefusal(r, vigil.ErrorStatus(vigil.ErrorCode(err)), err)
		h.showConversation(w, r, rs, vigil.ErrorStatus(vigil.ErrorCode(err)), Form{"message": text}, errs, "")
	default:
		h.s.fail(w, r, err)
	}
}

func (h *speakupPages) finish(w http.ResponseWriter, r *http.Request) {
	if _, token := h.reporter(r); token != "" {
		h.reporters.drop(token)
	}
	http.SetCookie(w, &http.Cookie{Name: speakupCookie, Value: "", Path: "/speak-up", HttpOnly: true,
		Secure: h.s.secureCookies, SameSite: http.SameSiteStrictMode, MaxAge: -1})
	// Ask the browser to forget any copy of these pages, for a reporter on
	// a shared or watched device (they are sent no-store already).
	w.Header().Set("Clear-Site-Data", `"cache"`)
	http.Redirect(w, r, "/speak-up?notice=finished", http.StatusSeeOther)
}
