package web_test

import (
	"context"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/vigil-project/vigil"
)

// signIn returns a client signed in as username.
func (s *site) signIn(t *testing.T, username string) *http.Client {
	t.Helper()
	c := s.client(t)
	l := s.town.Login(username)
	resp := s.post(t, c, "/signin", url.Values{"username": {l.Username}, "password": {l.Password}}, nil)
	resp.Body.Close()
	if resp.StatusCode != http.StatusSeeOther {
		t.Fatalf("sign in as %s: status %d", username, resp.StatusCode)
	}
	s.secondFactor(t, c, l, resp) // see auth_test.go
	return c
}

func (s *site) get(t *testing.T, c *http.Client, path string) (int, string) {
	t.Helper()
	resp, err := c.Get(s.srv.URL + path)
	if err != nil {
		t.Fatal(err)
	}
	return resp.StatusCode, body(t, resp)
}

func (s *site) actor(username string) vigil.Actor {
	return vigil.UserActor(s.town.Login(username).User)
}

// casework is a case with one of everything a form can act on: a missing
// episode, a transfer offered to the social worker, and a missed deadline
// escalated to its owner.
type casework struct {
	cs         *vigil.Case
	episode    *vigil.MissingEpisode
	transfer   *vigil.Transfer
	escalation vigil.ID
}

func (s *site) casework(t *testing.T) casework {
	t.Helper()
	ctx := context.Background()
	age := 14
	_, cs, err := s.store.RaiseConcern(ctx, s.actor("school.dsl"), vigil.NewConcern{
		ReceivedAt: vigil.Now().Add(-5 * 24 * time.Hour), Child: vigil.Child{Name: "Form Test", Age: &age},
		WhatHappened: "Phoned in: collected from school by older men in a car.",
	})
	if err != nil {
		t.Fatal(err)
	}
	w := casework{cs: cs}
	if _, err := s.store.Sweep(ctx, vigil.Now()); err != nil {
		t.Fatal(err)
	}
	if w.episode, err = s.store.RecordMissing(ctx, s.actor("duty.manager"), cs.ID, vigil.Now().Add(-3*time.Hour), "Missing overnight"); err != nil {
		t.Fatal(err)
	}
	if w.transfer, err = s.store.OfferTransfer(ctx, s.actor("duty.manager"), cs.ID, s.town.Login("social.worker").User.ID, "Allocated"); err != nil {
		t.Fatal(err)
	}
	d, err := s.store.FindCase(ctx, s.actor("investigator"), cs.ID, "test")
	if err != nil {
		t.Fatal(err)
	}
	if len(d.Escalations) != 1 {
		t.Fatalf("case has %d escalations, want 1", len(d.Escalations))
	}
	w.escalation = d.Escalations[0].ID
	return w
}

// post is one casework form sent with mistakes: what must come back.
type formCase struct {
	name string
	user string
	path string
	form url.Values
	want []string // in the page shown again: the problem, and what was entered
}

func (w casework) forms(s *site) []formCase {
	id := string(w.cs.ID)
	sw := string(s.town.Login("social.worker").User.ID)
	police := string(s.town.Agencies[vigil.AgencyPolice].ID)
	ret := "return-" + string(w.episode.ID)
	esc := "esc-" + string(w.escalation)
	return []formCase{
		{"decision without a reason", "duty.manager", "/cases/" + id + "/decisions",
			url.Values{"decision": {"referral:section47"}, "late-reason": {"Misfiled <by> intake"}},
			[]string{`href="#reason"`, "Enter the reason for the decision", `value="referral:section47" checked`, "Misfiled &lt;by&gt; intake"}},
		{"late decision without a late reason", "duty.manager", "/cases/" + id + "/decisions",
			url.Values{"decision": {"referral:assessment"}, "reason": {"Needs an assessment"}},
			[]string{`href="#late-reason"`, "say why it is late", `value="referral:assessment" checked`, "Needs an assessment"}},
		{"decision out of order", "duty.manager", "/cases/" + id + "/decisions",
			url.Values{"decision": {"conference:protection_plan"}, "reason": {"Plan agreed"}},
			[]string{`href="#decision"`, "section 47 enquiry first", "Plan agreed"}},
		{"decision on a date that does not exist", "duty.manager", "/cases/" + id + "/decisions",
			url.Values{"decision": {"referral:section47"}, "decided-at-day": {"30"}, "decided-at-month": {"2"}, "decided-at-year": {"2026"}},
			[]string{`href="#decided-at-day"`, "must be a real date", `href="#reason"`, `value="30"`}},
		{"screening without evidence", "duty.manager", "/cases/" + id + "/screening",
			url.Values{"score-taxis": {"high"}, "score-gifts": {"medium"}},
			[]string{`href="#notes"`, "Enter the evidence", `value="high" checked`, `value="medium" checked`}},
		{"missing episode on a date that does not exist", "duty.manager", "/cases/" + id + "/missing",
			url.Values{"missing-from-day": {"31"}, "missing-from-month": {"2"}, "missing-from-year": {"2026"}, "missing-details": {"Seen near <the> station"}},
			[]string{`href="#missing-from-day"`, "must be a real date", `value="31"`, "Seen near &lt;the&gt; station", `id="missing-form" open`}},
		{"return before the child went missing", "duty.manager", "/missing/" + string(w.episode.ID) + "/return",
			url.Values{"case": {id}, ret + "-day": {"1"}, ret + "-month": {"1"}, ret + "-year": {"2020"}, ret + "-time": {"10:00"}},
			[]string{`href="#` + ret + `-day"`, "after the child went missing", `value="2020"`, `id="` + ret + `-form" open`}},
		{"transfer while one is waiting", "duty.manager", "/cases/" + id + "/transfer",
			url.Values{"transfer-to": {sw}, "transfer-reason": {"Second offer"}},
			[]string{"already waiting for an answer", "Second offer"}},
		{"referral without an agency", "duty.manager", "/cases/" + id + "/referrals",
			url.Values{"referral-reason": {"Please check the plate"}},
			[]string{`href="#referral-agency"`, "Choose an agency", "Please check the plate", `id="referral-form" open`}},
		{"sharing decision without a choice", "duty.manager", "/cases/" + id + "/shares",
			url.Values{"share-agency": {police}, "share-reason": {"Police lead the enquiry"}},
			[]string{`href="#share"`, "Choose whether the information is shared", "Police lead the enquiry", `value="` + police + `" selected`}},
		{"escalation answered without a decision", "service.manager", "/escalations/" + string(w.escalation) + "/resolve",
			url.Values{"return": {"case"}, esc + "-extend-day": {"1"}, esc + "-extend-month": {"1"}, esc + "-extend-year": {"2099"}},
			[]string{`href="#` + esc + `-decision"`, "decision that answers the escalation", `value="2099"`, `id="` + esc + `-form" open`}},
		{"escalation answered from its own page without a decision", "duty.manager", "/escalations/" + string(w.escalation) + "/resolve",
			url.Values{"return": {"work"}},
			[]string{`href="#` + esc + `-decision"`, "Answer an escalation"}},
		{"transfer refused without a reason", "social.worker", "/transfers/" + string(w.transfer.ID) + "/answer",
			url.Values{"answer": {"refuse"}},
			[]string{`href="#answer-reason"`, "why you are refusing", `value="refuse" checked`}},
	}
}

// TestCaseworkFormsKeepInput sends each casework form with a mistake: the
// page comes back with an error summary linking to the input at fault,
// the message beside it, and everything entered still there. Nothing is
// recorded.
func TestCaseworkFormsKeepInput(t *testing.T) {
	s := newSite(t)
	w := s.casework(t)
	clients := map[string]*http.Client{}
	before := s.events(t, w.cs.ID)
	for _, tc := range w.forms(s) {
		t.Run(tc.name, func(t *testing.T) {
			if clients[tc.user] == nil {
				clients[tc.user] = s.signIn(t, tc.user)
			}
			resp := s.post(t, clients[tc.user], tc.path, tc.form, nil)
			b := body(t, resp)
			if resp.StatusCode != http.StatusUnprocessableEntity && resp.StatusCode != http.StatusConflict {
				t.Fatalf("status %d, want 422 or 409", resp.StatusCode)
			}
			if !strings.Contains(b, `class="govuk-error-summary"`) || !strings.Contains(b, "<title>Error: ") {
				t.Error("no error summary, or the title does not start with Error:")
			}
			for _, want := range tc.want {
				if !strings.Contains(b, want) {
					t.Errorf("page lacks %q", want)
				}
			}
		})
	}
	if after := s.events(t, w.cs.ID); after != before {
		t.Errorf("forms with mistakes changed the case: %d chronology events before, %d after", before, after)
	}
}

// events counts a case's chronology, which every change adds to.
func (s *site) events(t *testing.T, id vigil.ID) int {
	t.Helper()
	d, err := s.store.FindCase(context.Background(), s.actor("investigator"), id, "test")
	if err != nil {
		t.Fatal(err)
	}
	return len(d.Events)
}

// validForms are casework forms filled in correctly, with where each
// redirects on success.
func (w casework) validForms(s *site) []formCase {
	id := string(w.cs.ID)
	// The escalation comes first. The owner's answer is only their
	// explanation (vigil.OwnerExplains); recording the late decision meets
	// the deadline, and that answers the deadline's escalations by itself.
	return []formCase{
		{"escalation", "duty.manager", "/escalations/" + string(w.escalation) + "/resolve",
			url.Values{"return": {"case"}, "esc-" + string(w.escalation) + "-decision": {"Decision made late; triage reviewed"}},
			[]string{"/cases/" + id + "?notice=escalation-explained"}},
		{"decision", "duty.manager", "/cases/" + id + "/decisions",
			url.Values{"decision": {"referral:section47"}, "reason": {"Risk of exploitation"}, "late-reason": {"Phoned in; not entered until today"}},
			[]string{"/cases/" + id + "?notice=decision-recorded"}},
		{"screening", "duty.manager", "/cases/" + id + "/screening",
			url.Values{"score-taxis": {"high"}, "notes": {"Taxi every evening"}}, []string{"/cases/" + id + "?notice=screening-recorded"}},
		{"missing", "duty.manager", "/cases/" + id + "/missing",
			url.Values{"missing-from-day": {vigil.Now().In(vigil.London).Format("2")}, "missing-from-month": {vigil.Now().In(vigil.London).Format("1")},
				"missing-from-year": {vigil.Now().In(vigil.London).Format("2006")}, "missing-details": {"Not home by curfew"}},
			[]string{"/cases/" + id + "?notice=missing-recorded"}},
		{"referral", "duty.manager", "/cases/" + id + "/referrals",
			url.Values{"referral-agency": {string(s.town.Agencies[vigil.AgencyPolice].ID)}, "referral-reason": {"Check the car"}},
			[]string{"/cases/" + id + "?notice=referral-sent"}},
		{"share", "duty.manager", "/cases/" + id + "/shares",
			url.Values{"share-agency": {string(s.town.Agencies[vigil.AgencyHealth].ID)}, "share": {"no"}, "share-reason": {"Not needed yet"}},
			[]string{"/cases/" + id + "?notice=share-recorded"}},
		{"transfer accepted", "social.worker", "/transfers/" + string(w.transfer.ID) + "/answer",
			url.Values{"answer": {"accept"}}, []string{"/cases/" + id + "?notice=transfer-accepted"}},
	}
}

// TestCaseworkFormsRecord sends each form filled in correctly: it is
// recorded and the browser is sent back to the case with a notice.
func TestCaseworkFormsRecord(t *testing.T) {
	s := newSite(t)
	w := s.casework(t)
	clients := map[string]*http.Client{}
	for _, tc := range w.validForms(s) {
		if clients[tc.user] == nil {
			clients[tc.user] = s.signIn(t, tc.user)
		}
		resp := s.post(t, clients[tc.user], tc.path, tc.form, nil)
		b := body(t, resp)
		if resp.StatusCode != http.StatusSeeOther || resp.Header.Get("Location") != tc.want[0] {
			t.Fatalf("%s: status %d location %q, want 303 to %s\n%s", tc.name, resp.StatusCode, resp.Header.Get("Location"), tc.want[0], b)
		}
	}
	status, b := s.get(t, clients["social.worker"], "/cases/"+string(w.cs.ID)+"?notice=transfer-accepted")
	if status != http.StatusOK || !strings.Contains(b, "Transfer accepted. You now own this case.") {
		t.Errorf("case page after the transfer: %d", status)
	}
	d, err := s.store.FindCase(context.Background(), s.actor("investigator"), w.cs.ID, "test")
	if err != nil {
		t.Fatal(err)
	}
	// The police, to whom the case was referred, see it and acknowledge the referral.
	police := s.signIn(t, "police.officer")
	ack := "/referrals/" + string(d.Referrals[0].ID) + "/acknowledge"
	if status, b := s.get(t, police, "/cases/"+string(w.cs.ID)); status != http.StatusOK || !strings.Contains(b, `action="`+ack+`"`) {
		t.Fatalf("the police's case page: status %d, acknowledgement offered %v", status, strings.Contains(b, ack))
	}
	resp := s.post(t, police, ack, url.Values{"case": {string(w.cs.ID)}}, nil)
	resp.Body.Close()
	if want := "/cases/" + string(w.cs.ID) + "?notice=referral-acknowledged"; resp.StatusCode != http.StatusSeeOther || resp.Header.Get("Location") != want {
		t.Errorf("acknowledgement: status %d location %q", resp.StatusCode, resp.Header.Get("Location"))
	}
	resp = s.post(t, police, ack, url.Values{"case": {string(w.cs.ID)}}, nil)
	if b := body(t, resp); resp.StatusCode != http.StatusConflict || !strings.Contains(b, `href="#referrals-heading"`) {
		t.Errorf("second acknowledgement: status %d", resp.StatusCode)
	}
	if d, err = s.store.FindCase(context.Background(), s.actor("investigator"), w.cs.ID, "test"); err != nil {
		t.Fatal(err)
	}
	if d.Referrals[0].AcknowledgedAt == nil {
		t.Error("the referral is not acknowledged")
	}
	if d.Stage != vigil.StageStrategy || d.Screening == nil || len(d.MissingEpisodes) != 2 || len(d.Referrals) != 1 || len(d.Shares) != 2 ||
		d.Escalations[0].Status != vigil.EscalationResolved || d.OwnerID != s.town.Login("social.worker").User.ID {
		t.Errorf("after the forms: stage %s, screening %v, %d episodes, %d referrals, %d shares, escalation %s, owner %s",
			d.Stage, d.Screening != nil, len(d.MissingEpisodes), len(d.Referrals), len(d.Shares), d.Escalations[0].Status, d.OwnerID)
	}
}

// TestCaseworkCrossSiteRefused sends every casework form from another
// site: each is refused and nothing is recorded.
func TestCaseworkCrossSiteRefused(t *testing.T) {
	s := newSite(t)
	w := s.casework(t)
	before := s.events(t, w.cs.ID)
	clients := map[string]*http.Client{}
	for _, tc := range w.validForms(s) {
		if clients[tc.user] == nil {
			clients[tc.user] = s.signIn(t, tc.user)
		}
		resp := s.post(t, clients[tc.user], tc.path, tc.form, map[string]string{"Sec-Fetch-Site": "cross-site", "Origin": "https://evil.example"})
		resp.Body.Close()
		if resp.StatusCode != http.StatusForbidden {
			t.Errorf("%s from another site: status %d, want 403", tc.name, resp.StatusCode)
		}
	}
	if after := s.events(t, w.cs.ID); after != before {
		t.Errorf("cross-site forms changed the case: %d events before, %d after", before, after)
	}
}

// TestCaseworkWithoutAccess sends every casework form, and opens every
// casework page, as a police officer who cannot see the case: each answer
// is 404, the same as for a case that does not exist, and nothing is
// recorded. Signed out, forms are refused with 401.
func TestCaseworkWithoutAccess(t *testing.T) {
	s := newSite(t)
	w := s.casework(t)
	before := s.events(t, w.cs.ID)
	police := s.signIn(t, "police.officer")
	for _, tc := range append(w.validForms(s), w.forms(s)...) {
		resp := s.post(t, police, tc.path, tc.form, nil)
		resp.Body.Close()
		if resp.StatusCode != http.StatusNotFound {
			t.Errorf("%s by someone without access: status %d, want 404", tc.name, resp.StatusCode)
		}
	}
	for _, p := range []string{"/cases/" + string(w.cs.ID), "/cases/" + string(w.cs.ID) + "/decisions", "/cases/" + string(w.cs.ID) + "/screening",
		"/escalations/" + string(w.escalation), "/transfers/" + string(w.transfer.ID)} {
		if status, _ := s.get(t, police, p); status != http.StatusNotFound {
			t.Errorf("GET %s by someone without access: status %d, want 404", p, status)
		}
	}
	// Someone who can see the case but not take social care decisions is not offered them.
	school := s.signIn(t, "school.dsl")
	if status, b := s.get(t, school, "/cases/"+string(w.cs.ID)); status != http.StatusOK || strings.Contains(b, "/decisions") {
		t.Errorf("the referrer's case page: status %d, offers decisions %v", status, strings.Contains(b, "/decisions"))
	}
	if status, _ := s.get(t, school, "/cases/"+string(w.cs.ID)+"/decisions"); status != http.StatusForbidden {
		t.Errorf("the referrer's decision form: status %d, want 403", status)
	}
	for _, tc := range w.validForms(s) {
		resp := s.post(t, s.client(t), tc.path, tc.form, nil)
		resp.Body.Close()
		if resp.StatusCode != http.StatusUnauthorized {
			t.Errorf("%s signed out: status %d, want 401", tc.name, resp.StatusCode)
		}
	}
	if after := s.events(t, w.cs.ID); after != before {
		t.Errorf("refused forms changed the case: %d events before, %d after", before, after)
	}
}

// TestWorkAndNotices checks My work lists overdue work first and marked,
// with escalations and offered transfers, and that a page shows only the
// fixed notices, never words taken from its address.
func TestWorkAndNotices(t *testing.T) {
	s := newSite(t)
	w := s.casework(t)
	duty := s.signIn(t, "duty.manager")
	status, b := s.get(t, duty, "/work")
	if status != http.StatusOK {
		t.Fatalf("my work: %d", status)
	}
	for _, want := range []string{"Escalations for you", `href="/escalations/` + string(w.escalation) + `"`} {
		if !strings.Contains(b, want) {
			t.Errorf("duty manager's work lacks %q", want)
		}
	}
	if row := rowOf(b, `href="/cases/`+string(w.cs.ID)+`"`); !strings.Contains(row, ">Overdue<") || !strings.Contains(row, "Decision on the referral") {
		t.Errorf("the overdue case's row in My work is %q", row)
	}
	sw := s.signIn(t, "social.worker")
	_, b = s.get(t, sw, "/work")
	if !strings.Contains(b, "Transfers offered to you") || !strings.Contains(b, `href="/transfers/`+string(w.transfer.ID)+`"`) {
		t.Error("the social worker's work does not show the transfer offered")
	}
	if err := s.store.AnswerTransfer(context.Background(), s.actor("social.worker"), w.transfer.ID, true, ""); err != nil {
		t.Fatal(err)
	}
	_, b = s.get(t, s.signIn(t, "team.manager"), "/work")
	if row := rowOf(b, `href="/cases/`+string(w.cs.ID)+`"`); !strings.Contains(b, "Team work") || !strings.Contains(row, s.town.Login("social.worker").User.Name) {
		t.Errorf("the team manager's team work shows the case as %q", row)
	}
	_, b = s.get(t, duty, "/cases/"+string(w.cs.ID)+"?notice=decision-recorded")
	if !strings.Contains(b, `id="notice">Decision recorded.`) {
		t.Error("a known notice is not shown")
	}
	_, b = s.get(t, duty, "/cases/"+string(w.cs.ID)+"?notice="+url.QueryEscape("Your case was closed, call 0900 123"))
	if strings.Contains(b, "0900 123") || strings.Contains(b, `id="notice"`) {
		t.Error("a notice from the address was shown")
	}
}

// rowOf returns the table row of page that contains marker, or "".
func rowOf(page, marker string) string {
	i := strings.Index(page, marker)
	if i < 0 {
		return ""
	}
	start := strings.LastIndex(page[:i], "<tr")
	end := strings.Index(page[i:], "</tr>")
	if start < 0 || end < 0 {
		return ""
	}
	return page[start : i+end]
}
