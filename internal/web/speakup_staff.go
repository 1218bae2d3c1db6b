package web

import (
	"net/http"
	"strconv"
	"strings"
	"time"

	"github.com/vigil-project/vigil"
	"github.com/vigil-project/vigil/internal/speakup"
)

// This file is the recipients' side of the speak-up pages: setting up and
// unlocking a key, the inbox, a report with its conversation, custodians'
// decisions on identities, and oversight's register.

// keyring returns the signed-in recipient's unlocked key, or nil.
func (h *speakupPages) keyring(r *http.Request, u *vigil.User) *speakup.Keyring {
	c, err := r.Cookie(sessionCookie)
	if err != nil {
		return nil
	}
	k, ok := h.keys.get(c.Value)
	if !ok || k.UserID != u.ID {
		return nil
	}
	return k
}

// agencyNames returns every agency's name by id.
func (h *speakupPages) agencyNames(r *http.Request) (map[vigil.ID]string, error) {
	agencies, err := h.svc.Agencies(r.Context())
	if err != nil {
		return nil, err
	}
	out := map[vigil.ID]string{}
	for _, a := range agencies {
		out[a.ID] = a.Name
	}
	return out, nil
}

// inboxView is what the inbox shows.
type inboxView struct {
	KeyState, Approval, Fingerprint        string
	Enrolled, Unlocked, Custodian, Oversee bool
	Reports                                []*speakup.Report
	Pending                                int
	// Approvals counts the keys waiting for the reader's approval.
	Approvals int
	Agencies  map[vigil.ID]string
	Now       time.Time
}

func (h *speakupPages) inbox(w http.ResponseWriter, r *http.Request, u *vigil.User) {
	actor := vigil.UserActor(u)
	v := &inboxView{Oversee: speakup.CanOversee(u), Now: vigil.Now(), Unlocked: h.keyring(r, u) != nil}
	rc, err := h.svc.RecipientOf(r.Context(), actor)
	switch vigil.ErrorCode(err) {
	case "":
		v.Enrolled, v.Custodian, v.KeyState, v.Approval = rc.Active, rc.Custodian, rc.KeyState, rc.Approval
		v.Fingerprint = speakup.Fingerprint(rc.PublicKey)
	case vigil.ENOTFOUND:
	default:
		h.s.fail(w, r, err)
		return
	}
	if v.Enrolled {
		if v.Reports, err = h.svc.Inbox(r.Context(), actor); err != nil {
			h.s.fail(w, r, err)
			return
		}
		if v.Custodian {
			ds, err := h.svc.Disclosures(r.Context(), actor)
			if err != nil {
				h.s.fail(w, r, err)
				return
			}
			v.Pending = len(ds)
		}
		as, err := h.svc.KeyApprovals(r.Context(), actor)
		if err != nil {
			h.s.fail(w, r, err)
			return
		}
		v.Approvals = len(as)
	}
	if v.Agencies, err = h.agencyNames(r); err != nil {
		h.s.fail(w, r, err)
		return
	}
	h.s.render(w, r, http.StatusOK, "speakup_inbox", &Page{Title: "Speak-up reports", Notice: speakupNotice(r), Data: v})
}

// keyView is the key page: set up a key, unlock one to go on to Next, or
// (State set) recover or replace a key after a password reset.
type keyView struct {
	Enrol bool
	State string
	Next  string
}

func (h *speakupPages) keyForm(w http.ResponseWriter, r *http.Request, u *vigil.User) {
	if rc, err := h.svc.RecipientOf(r.Context(), vigil.UserActor(u)); err == nil {
		if rc.KeyState != "" {
			h.keyStatePage(w, r, rc.KeyState, http.StatusOK, nil)
			return
		}
		http.Redirect(w, r, "/speak-up/inbox", http.StatusSeeOther)
		return
	}
	h.s.render(w, r, http.StatusOK, "speakup_key", &Page{Title: "Set up your speak-up key", Form: Form{}, Data: &keyView{Enrol: true}})
}

// keyStatePage explains a key locked under an earlier password, with the
// ways out of it.
func (h *speakupPages) keyStatePage(w http.ResponseWriter, r *http.Request, state string, status int, errs []vigil.FieldError) {
	h.s.render(w, r, status, "speakup_key", &Page{Title: "Your speak-up key", Form: Form{}, Errors: errs, Data: &keyView{State: state}})
}

// keyStateFailed shows the key page again with err, or fails.
func (h *speakupPages) keyStateFailed(w http.ResponseWriter, r *http.Request, u *vigil.User, err error) {
	if c := vigil.ErrorCode(err); c == vigil.EUNAUTHORIZED || c == vigil.ECONFLICT {
		state := speakup.KeyLost
		if rc, rerr := h.svc.RecipientOf(r.Context(), vigil.UserActor(u)); rerr == nil && rc.KeyState != "" {
			state = rc.KeyState
		}
		errs := vigil.ErrorFields(err)
		if len(errs) == 0 {
			errs = []vigil.FieldError{{Field: "password", Message: vigil.ErrorMessage(err)}}
		}
		h.keyStatePage(w, r, state, vigil.ErrorStatus(vigil.ErrorCode(err)), errs)
		return
	}
	h.s.fail(w, r, err)
}

func (h *speakupPages) recoverKey(w http.ResponseWriter, r *http.Request, u *vigil.User) {
	if err := r.ParseForm(); err != nil {
		h.s.fail(w, r, formError(err))
		return
	}
	k, err := h.svc.RecoverKey(r.Context(), vigil.UserActor(u), r.PostForm.Get("old-password"), r.PostForm.Get("password"))
	if err != nil {
		h.keyStateFailed(w, r, u, err)
		return
	}
	h.keep(r, k)
	http.Redirect(w, r, "/speak-up/inbox?notice=recovered", http.StatusSeeOther)
}

func (h *speakupPages) renewKey(w http.ResponseWriter, r *http.Request, u *vigil.User) {
	if err := r.ParseForm(); err != nil {
		h.s.fail(w, r, formError(err))
		return
	}
	k, err := h.svc.RenewKey(r.Context(), vigil.UserActor(u), r.PostForm.Get("new-key-password"))
	if err != nil {
		if f := vigil.ErrorFields(err); len(f) == 1 && f[0].Field == "password" {
			err = &vigil.Error{Code: vigil.ErrorCode(err), Message: f[0].Message, Fields: []vigil.FieldError{{Field: "new-key-password", Message: f[0].Message}}}
		}
		h.keyStateFailed(w, r, u, err)
		return
	}
	h.keep(r, k)
	http.Redirect(w, r, "/speak-up/inbox?notice=renewed", http.StatusSeeOther)
}

func (h *speakupPages) enrol(w http.ResponseWriter, r *http.Request, u *vigil.User) {
	if err := r.ParseForm(); err != nil {
		h.s.fail(w, r, formError(err))
		return
	}
	actor := vigil.UserActor(u)
	password := r.PostForm.Get("password")
	rc, err := h.svc.Enrol(r.Context(), actor, password)
	if err == nil {
		var k *speakup.Keyring
		if k, err = h.svc.Unlock(r.Context(), actor, password); err == nil {
			h.keep(r, k)
			notice := "enrolled"
			if rc.Approval != "" {
				notice = "pending"
			}
			http.Redirect(w, r, "/speak-up/inbox?notice="+notice, http.StatusSeeOther)
			return
		}
	}
	if c := vigil.ErrorCode(err); c == vigil.EUNAUTHORIZED || c == vigil.EINVALID {
		h.s.render(w, r, vigil.ErrorStatus(c), "speakup_key", &Page{Title: "Set up your speak-up key", Form: Form{},
			Errors: []vigil.FieldError{{Field: "password", Message: vigil.ErrorMessage(err)}}, Data: &keyView{Enrol: true}})
		return
	}
	h.s.fail(w, r, err)
}

// keep holds an unlocked key in memory for the signed-in session.
func (h *speakupPages) keep(r *http.Request, k *speakup.Keyring) {
	if c, err := r.Cookie(sessionCookie); err == nil {
		h.keys.put(c.Value, k)
	}
}

// speakupNext returns next if it is a speak-up page, else the inbox.
func speakupNext(next string) string {
	if p := localPath(next); strings.HasPrefix(p, "/speak-up/") && !strings.ContainsAny(p, "?#") {
		return p
	}
	return "/speak-up/inbox"
}

func (h *speakupPages) unlock(w http.ResponseWriter, r *http.Request, u *vigil.User) {
	if err := r.ParseForm(); err != nil {
		h.s.fail(w, r, formError(err))
		return
	}
	next := speakupNext(r.PostForm.Get("next"))
	k, err := h.svc.Unlock(r.Context(), vigil.UserActor(u), r.PostForm.Get("password"))
	if c := vigil.ErrorCode(err); c == vigil.ECONFLICT {
		h.keyStateFailed(w, r, u, err)
		return
	} else if c == vigil.EUNAUTHORIZED {
		h.s.render(w, r, http.StatusUnauthorized, "speakup_key", &Page{Title: "Unlock your speak-up key", Form: Form{},
			Errors: []vigil.FieldError{{Field: "password", Message: vigil.ErrorMessage(err)}}, Data: &keyView{Next: next}})
		return
	} else if err != nil {
		h.s.fail(w, r, err)
		return
	}
	h.keep(r, k)
	http.Redirect(w, r, next+"?notice=unlocked", http.StatusSeeOther)
}

func (h *speakupPages) lock(w http.ResponseWriter, r *http.Request, u *vigil.User) {
	if c, err := r.Cookie(sessionCookie); err == nil {
		h.keys.drop(c.Value)
	}
	http.Redirect(w, r, "/speak-up/inbox?notice=locked", http.StatusSeeOther)
}

// needKey shows the unlock page when the recipient's key is locked, and
// reports whether it did.
func (h *speakupPages) needKey(w http.ResponseWriter, r *http.Request, k *speakup.Keyring, next string) bool {
	if k != nil {
		return false
	}
	h.s.render(w, r, http.StatusOK, "speakup_key", &Page{Title: "Unlock your speak-up key", Form: Form{}, Data: &keyView{Next: next}})
	return true
}

// detailView is what a report's page shows.
type detailView struct {
	D           *speakup.Detail
	Agencies    map[vigil.ID]string
	CanOpenCase bool
	Now         time.Time
}

// caseInputs maps a concern's fields to the case form's inputs.
var caseInputs = map[string]string{"child.name": "case-name", "child.age": "case-age", "what_happened": "case-what",
	"child.address": "case-where", "child.date_of_birth": "case-age"}

func (h *speakupPages) show(w http.ResponseWriter, r *http.Request, u *vigil.User) {
	h.showReport(w, r, u, http.StatusOK, nil, nil)
}

func (h *speakupPages) showReport(w http.ResponseWriter, r *http.Request, u *vigil.User, status int, form Form, errs []vigil.FieldError) {
	id := vigil.ID(r.PathValue("id"))
	k := h.keyring(r, u)
	// Open checks access (and logs a refusal) before it asks for a key, so
	// that someone who may not read the report is refused, not asked to unlock.
	d, err := h.svc.Open(r.Context(), vigil.UserActor(u), k, id)
	if k == nil && vigil.ErrorCode(err) == vigil.EFORBIDDEN {
		h.needKey(w, r, k, "/speak-up/reports/"+string(id))
		return
	} else if err != nil {
		h.s.fail(w, r, err)
		return
	}
	names, err := h.agencyNames(r)
	if err != nil {
		h.s.fail(w, r, err)
		return
	}
	if form == nil {
		// The case form starts from what the report says; the recipient
		// decides what the case should hold.
		form = Form{"case-name": d.Content.Child.Name, "case-what": d.Content.What, "case-where": d.Content.Child.Address}
		if _, err := strconv.Atoi(strings.TrimSpace(d.Content.Child.Age)); err == nil {
			form["case-age"] = strings.TrimSpace(d.Content.Child.Age)
		}
	}
	v := &detailView{D: d, Agencies: names, Now: vigil.Now(),
		CanOpenCase: d.Channel.AboutChild() && d.CaseID == "" && d.Status != speakup.StatusClosed}
	notice := ""
	if status == http.StatusOK {
		notice = speakupNotice(r)
	}
	h.s.render(w, r, status, "speakup_detail", &Page{Title: "Speak-up report", Notice: notice, Form: form, Errors: errs, Data: v})
}

// after finishes a form on a report's page: back to the page with a
// notice, the page again with the problem beside its input, or an error page.
func (h *speakupPages) after(w http.ResponseWriter, r *http.Request, u *vigil.User, err error, notice, input string, form Form) {
	id := r.PathValue("id")
	switch {
	case err == nil:
		http.Redirect(w, r, "/speak-up/reports/"+id+"?notice="+notice, http.StatusSeeOther)
	case formProblem(err):
		errs := inputErrorsOf(err, caseInputs, input)
		if input != "case-name" {
			errs = []vigil.FieldError{{Field: input, Message: vigil.ErrorMessage(err)}}
		}
		if form == nil {
			form = Form{}
		}
		h.showReport(w, r, u, vigil.ErrorStatus(vigil.ErrorCode(err)), form, errs)
	default:
		h.s.fail(w, r, err)
	}
}

func (h *speakupPages) reseal(w http.ResponseWriter, r *http.Request, u *vigil.User) {
	// The store checks access before the key, so that anyone else gets
	// the same answer as for a report that does not exist.
	k := h.keyring(r, u)
	err := h.svc.Reseal(r.Context(), vigil.UserActor(u), k, vigil.ID(r.PathValue("id")))
	if k == nil && vigil.ErrorCode(err) == vigil.EFORBIDDEN && h.needKey(w, r, k, "/speak-up/reports/"+r.PathValue("id")) {
		return
	}
	h.after(w, r, u, err, "resealed", "", nil)
}

func (h *speakupPages) acknowledge(w http.ResponseWriter, r *http.Request, u *vigil.User) {
	err := h.svc.Acknowledge(r.Context(), vigil.UserActor(u), vigil.ID(r.PathValue("id")))
	h.after(w, r, u, err, "acknowledged", "message", nil)
}

func (h *speakupPages) ask(w http.ResponseWriter, r *http.Request, u *vigil.User) {
	form, ok := h.s.postedForm(w, r, "message")
	if !ok {
		return
	}
	err := h.svc.Ask(r.Context(), vigil.UserActor(u), vigil.ID(r.PathValue("id")), form["message"])
	h.after(w, r, u, err, "asked", "message", form)
}

func (h *speakupPages) setStatus(w http.ResponseWriter, r *http.Request, u *vigil.User) {
	form, ok := h.s.postedForm(w, r, "status")
	if !ok {
		return
	}
	err := h.svc.SetStatus(r.Context(), vigil.UserActor(u), vigil.ID(r.PathValue("id")), speakup.Status(form["status"]))
	h.after(w, r, u, err, "status", "status", form)
}

func (h *speakupPages) requestIdentity(w http.ResponseWriter, r *http.Request, u *vigil.User) {
	form, ok := h.s.postedForm(w, r, "reason")
	if !ok {
		return
	}
	err := h.svc.RequestIdentity(r.Context(), vigil.UserActor(u), vigil.ID(r.PathValue("id")), form["reason"])
	h.after(w, r, u, err, "requested", "reason", form)
}

func (h *speakupPages) openCase(w http.ResponseWriter, r *http.Request, u *vigil.User) {
	form, ok := h.s.postedForm(w, r, "case-name", "case-age", "case-where", "case-what")
	if !ok {
		return
	}
	n := vigil.NewConcern{Child: vigil.Child{Name: form["case-name"], Address: form["case-where"]}, WhatHappened: form["case-what"]}
	var err error
	if a := strings.TrimSpace(form["case-age"]); a != "" {
		age, aerr := strconv.Atoi(a)
		if aerr != nil {
			err = &vigil.Error{Code: vigil.EINVALID, Message: "Enter the child's age as a number, for example 14",
				Fields: []vigil.FieldError{{Field: "child.age", Message: "Enter the child's age as a number, for example 14"}}}
		}
		n.Child.Age = &age
	}
	if err == nil {
		if _, err = h.svc.OpenCase(r.Context(), vigil.UserActor(u), vigil.ID(r.PathValue("id")), n); err == nil {
			http.Redirect(w, r, "/speak-up/reports/"+r.PathValue("id")+"?notice=case", http.StatusSeeOther)
			return
		}
	}
	h.after(w, r, u, err, "case", "case-name", form)
}

func (h *speakupPages) file(w http.ResponseWriter, r *http.Request, u *vigil.User) {
	k := h.keyring(r, u)
	file := r.PathValue("file")
	original := strings.HasSuffix(file, ".original")
	id := strings.TrimSuffix(strings.TrimSuffix(file, ".original"), ".copy")
	a, data, err := h.svc.File(r.Context(), vigil.UserActor(u), k, vigil.ID(r.PathValue("id")), vigil.ID(id), original)
	if k == nil && vigil.ErrorCode(err) == vigil.EFORBIDDEN {
		h.needKey(w, r, k, "/speak-up/reports/"+r.PathValue("id"))
		return
	} else if err != nil {
		h.s.fail(w, r, err)
		return
	}
	w.Header().Set("Content-Type", a.MediaType)
	w.Header().Set("Content-Disposition", `attachment; filename="`+a.Name+`"`)
	w.Header().Set("Content-Length", strconv.Itoa(len(data)))
	w.Write(data)
}

// custodyView is what a custodian's page shows.
type custodyView struct {
	Requests []*speakup.Disclosure
	Unlocked bool
}

func (h *speakupPages) custody(w http.ResponseWriter, r *http.Request, u *vigil.User) {
	ds, err := h.svc.Disclosures(r.Context(), vigil.UserActor(u))
	if err != nil {
		h.s.fail(w, r, err)
		return
	}
	h.s.render(w, r, http.StatusOK, "speakup_custody", &Page{Title: "Requests to see who made a report", Notice: speakupNotice(r),
		Data: &custodyView{Requests: ds, Unlocked: h.keyring(r, u) != nil}})
}

func (h *speakupPages) decide(w http.ResponseWriter, r *http.Request, u *vigil.User) {
	form, ok := h.s.postedForm(w, r, "decision")
	if !ok {
		return
	}
	approve := form["decision"] == "approve"
	k := h.keyring(r, u)
	if approve && h.needKey(w, r, k, "/speak-up/custody") {
		return
	}
	if err := h.svc.DecideIdentity(r.Context(), vigil.UserActor(u), k, vigil.ID(r.PathValue("id")), approve); err != nil {
		h.s.fail(w, r, err)
		return
	}
	notice := "refused"
	if approve {
		notice = "approved"
	}
	http.Redirect(w, r, "/speak-up/custody?notice="+notice, http.StatusSeeOther)
}

// registerView is oversight's register.
type registerView struct {
	Items []*speakup.OversightItem
	Now   time.Time
}

func (h *speakupPages) register(w http.ResponseWriter, r *http.Request, u *vigil.User) {
	items, err := h.svc.Oversight(r.Context(), vigil.UserActor(u))
	if err != nil {
		h.s.fail(w, r, err)
		return
	}
	h.s.render(w, r, http.StatusOK, "speakup_register", &Page{Title: "Speak-up register", Data: &registerView{Items: items, Now: vigil.Now()}})
}

func (h *speakupPages) registerEntry(w http.ResponseWriter, r *http.Request, u *vigil.User) {
	it, err := h.svc.OversightHistory(r.Context(), vigil.UserActor(u), vigil.ID(r.PathValue("id")))
	if err != nil {
		h.s.fail(w, r, err)
		return
	}
	h.s.render(w, r, http.StatusOK, "speakup_history", &Page{Title: "Speak-up report history", Data: &registerView{Items: []*speakup.OversightItem{it}, Now: vigil.Now()}})
}

// approvalsView is the page of keys waiting for the reader's approval.
type approvalsView struct {
	Items []*speakup.KeyApproval
}

func (h *speakupPages) approvals(w http.ResponseWriter, r *http.Request, u *vigil.User) {
	items, err := h.svc.KeyApprovals(r.Context(), vigil.UserActor(u))
	if err != nil {
		h.s.fail(w, r, err)
		return
	}
	h.s.render(w, r, http.StatusOK, "speakup_approvals", &Page{Title: "Speak-up keys waiting for approval", Notice: speakupNotice(r), Data: &approvalsView{Items: items}})
}

func (h *speakupPages) decideKey(w http.ResponseWriter, r *http.Request, u *vigil.User) {
	form, ok := h.s.postedForm(w, r, "decision")
	if !ok {
		return
	}
	approve := form["decision"] == "approve"
	if !approve && form["decision"] != "refuse" {
		h.s.fail(w, r, vigil.Errorf(vigil.EINVALID, "Choose whether to approve or refuse the key."))
		return
	}
	if err := h.svc.DecideKey(r.Context(), vigil.UserActor(u), vigil.ID(r.PathValue("id")), approve); err != nil {
		h.s.fail(w, r, err)
		return
	}
	notice := "key-refused"
	if approve {
		notice = "key-approved"
	}
	http.Redirect(w, r, "/speak-up/approvals?notice="+notice, http.StatusSeeOther)
}

// escalationsView is the speak-up escalations page.
type escalationsView struct {
	Items []*speakup.Escalation
}

func (h *speakupPages) escalations(w http.ResponseWriter, r *http.Request, u *vigil.User) {
	h.showEscalations(w, r, u, http.StatusOK, Form{}, nil)
}

func (h *speakupPages) showEscalations(w http.ResponseWriter, r *http.Request, u *vigil.User, status int, form Form, errs []vigil.FieldError) {
	items, err := h.svc.SpeakUpEscalations(r.Context(), vigil.UserActor(u))
	if err != nil {
		h.s.fail(w, r, err)
		return
	}
	notice := ""
	if status == http.StatusOK {
		notice = speakupNotice(r)
	}
	h.s.render(w, r, status, "speakup_escalations", &Page{Title: "Speak-up escalations", Notice: notice, Form: form, Errors: errs, Data: &escalationsView{Items: items}})
}

func (h *speakupPages) resolveEscalation(w http.ResponseWriter, r *http.Request, u *vigil.User) {
	form, ok := h.s.postedForm(w, r, "decision")
	if !ok {
		return
	}
	id := r.PathValue("id")
	err := h.svc.ResolveSpeakUpEscalation(r.Context(), vigil.UserActor(u), vigil.ID(id), form["decision"])
	switch {
	case err == nil:
		http.Redirect(w, r, "/speak-up/escalations?notice=answered", http.StatusSeeOther)
	case vigil.ErrorCode(err) == vigil.EINVALID:
		input := "decision-" + id
		h.showEscalations(w, r, u, http.StatusUnprocessableEntity, Form{input: form["decision"]},
			[]vigil.FieldError{{Field: input, Message: vigil.ErrorMessage(err)}})
	default:
		h.s.fail(w, r, err)
	}
}
