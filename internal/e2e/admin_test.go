package e2e

import (
	"context"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"
	"github.com/pquerna/otp"
	"github.com/pquerna/otp/totp"

	"github.com/vigil-project/vigil"
)

// TestSuspendedWorkerThrownOut is issue 5's "done when": a social worker is
// signed in in one browser, working on one of the open cases they own; an
// administrator, in another, suspends them through the administration
// pages; the worker's next click, in the same session, lands on the
// sign-in page, and every case they owned now belongs to their manager.
func TestSuspendedWorkerThrownOut(t *testing.T) {
	a := startApp(t)
	ctx := context.Background()
	inv := vigil.UserActor(a.town.Login("investigator").User)
	sw := a.town.Login("social.worker").User
	// They own open cases before: the hand-over below must have something
	// to hand over. A case is transferred to them and accepted, as at work.
	_, extra, err := a.store.RaiseConcern(ctx, vigil.UserActor(a.town.Login("school.dsl").User), vigil.NewConcern{
		Child: vigil.Child{Name: "Suspension Child", DateOfBirth: "2012-05-01"}, WhatHappened: "Seen with older men in a car."})
	if err != nil {
		t.Fatal(err)
	}
	tr, err := a.store.OfferTransfer(ctx, vigil.UserActor(a.town.Login("duty.manager").User), extra.ID, sw.ID, "Allocated for assessment")
	if err != nil {
		t.Fatal(err)
	}
	if err := a.store.AnswerTransfer(ctx, vigil.UserActor(sw), tr.ID, true, ""); err != nil {
		t.Fatal(err)
	}
	owned, err := a.store.Cases(ctx, inv, vigil.CaseFilter{OwnerID: sw.ID, Status: vigil.CaseOpen})
	if err != nil {
		t.Fatal(err)
	}
	if len(owned) == 0 {
		t.Fatal("the worker owns no open case before the suspension")
	}

	worker := tab(t, newBrowser(t))
	signIn(t, worker, a, "social.worker")
	// Mid-session: the worker has one of their cases open.
	do(t, worker, "open an owned case",
		chromedp.Navigate(a.url+"/cases/"+string(extra.ID)),
		chromedp.WaitVisible(chromedp.CSS(".vigil-account__who")))
	if h := text(t, worker, "h1"); !strings.Contains(h, "Suspension Child") {
		t.Fatalf("the worker's case page shows %q", h)
	}

	admin := tab(t, newBrowser(t)) // another browser: its own cookies
	signIn(t, admin, a, "admin")
	do(t, admin, "open administration",
		chromedp.Click(chromedp.CSS(`a[href="/admin"]`)),
		chromedp.WaitVisible(chromedp.CSS("#people")))
	checkAccessibility(t, admin, "administration: agency")
	do(t, admin, "open the social worker",
		chromedp.Click(chromedp.CSS(`#people a[href="/admin/people/`+string(sw.ID)+`"]`)),
		chromedp.WaitVisible(chromedp.CSS("#status-reason")))
	checkAccessibility(t, admin, "administration: person")
	do(t, admin, "suspend without a reason",
		chromedp.Click(chromedp.CSS(`input[name="status"][value="suspended"]`)),
		chromedp.Click(chromedp.CSS(`form[action$="/status"] button`)),
		chromedp.WaitVisible(chromedp.CSS(".govuk-error-summary")))
	if s := text(t, admin, ".govuk-error-summary"); !strings.Contains(s, "Enter the reason") {
		t.Errorf("error summary = %q", s)
	}
	checkAccessibility(t, admin, "administration: person with an error")
	do(t, admin, "suspend",
		chromedp.Click(chromedp.CSS(`input[name="status"][value="suspended"]`)),
		chromedp.SendKeys(chromedp.CSS("#status-reason"), "Pending investigation of a complaint"),
		chromedp.Click(chromedp.CSS(`form[action$="/status"] button`)))
	waitNotice(t, admin, "Status changed and recorded with your reason.")
	if s := text(t, admin, "#status-now"); s != "Suspended" {
		t.Errorf("status shown as %q", s)
	}

	// The worker's next click, in the tab still showing their case.
	do(t, worker, "click My work",
		chromedp.Click(chromedp.CSS(`a[href="/work"]`)),
		chromedp.WaitVisible(chromedp.CSS("#username")))
	if h := text(t, worker, "h1"); h != "Sign in" || !strings.Contains(location(t, worker), "/signin?next=%2Fwork") {
		t.Errorf("after suspension the worker's click showed %q at %s", h, location(t, worker))
	}
	if exists(t, worker, ".vigil-account__who") {
		t.Error("the page still says the worker is signed in")
	}
	// The worker's session is gone for good, not only for that click.
	do(t, worker, "open the case again",
		chromedp.Navigate(a.url+"/cases/"+string(extra.ID)),
		chromedp.WaitVisible(chromedp.CSS("#username")))
	if h := text(t, worker, "h1"); h != "Sign in" {
		t.Errorf("the suspended worker's session opened %q", h)
	}
	cases, err := a.store.Cases(ctx, inv, vigil.CaseFilter{OwnerID: sw.ID, Status: vigil.CaseOpen})
	if err != nil {
		t.Fatal(err)
	}
	if len(cases) != 0 {
		t.Errorf("the suspended worker still owns %d open cases", len(cases))
	}
	for _, c := range owned {
		d, err := a.store.FindCase(ctx, inv, c.ID, "test")
		if err != nil {
			t.Fatal(err)
		}
		if d.OwnerID != sw.ManagerID {
			t.Errorf("case %s is owned by %s, not the worker's manager %s", c.Ref, d.OwnerID, sw.ManagerID)
		}
	}
	verifyLog(t, a)
}

// TestAdministrationAndIntervention walks the rest of the new pages in
// the browser, checking each with axe-core: adding a person and their
// first sign-in (setting up an authenticator), the code page, the account
// page, and an intervention: a commissioner takes over the council's
// administration, the council's administrator asks for a suspension, and
// the commissioner approves it with a reason.
func TestAdministrationAndIntervention(t *testing.T) {
	a := startApp(t)
	council := a.town.Agencies[vigil.AgencyChildrensServices]
	admin := tab(t, newBrowser(t))
	signIn(t, admin, a, "admin")

	do(t, admin, "open the new person form",
		chromedp.Navigate(a.url+"/admin/agencies/"+string(council.ID)),
		chromedp.Click(chromedp.CSS(`a[href$="/people/new"]`)),
		chromedp.WaitVisible(chromedp.CSS("#username")))
	checkAccessibility(t, admin, "add a person")
	do(t, admin, "add a person with mistakes",
		chromedp.SendKeys(chromedp.CSS("#name"), "Jo Bloggs"),
		chromedp.SendKeys(chromedp.CSS("#username"), "Jo Bloggs"),
		chromedp.Click(chromedp.CSS("main form button[type=submit]")),
		chromedp.WaitVisible(chromedp.CSS(".govuk-error-summary")))
	checkAccessibility(t, admin, "add a person with errors")
	do(t, admin, "add a person",
		chromedp.Clear(chromedp.CSS("#username")),
		chromedp.SendKeys(chromedp.CSS("#username"), "jo.bloggs"),
		chromedp.SetValue(chromedp.CSS("#role"), string(vigil.RoleSocialWorker)),
		chromedp.SetValue(chromedp.CSS("#team"), string(a.town.Teams["assessment"].ID)),
		chromedp.SetValue(chromedp.CSS("#manager"), string(a.town.Login("team.manager").User.ID)),
		chromedp.SendKeys(chromedp.CSS("#reason"), "Appointed to the assessment team"),
		chromedp.Click(chromedp.CSS("main form button[type=submit]")),
		chromedp.WaitVisible(chromedp.CSS("#one-time-password")))
	password := text(t, admin, "#one-time-password")
	checkAccessibility(t, admin, "one-time password")

	// Jo's first sign-in sets up an authenticator.
	jo := tab(t, newBrowser(t))
	do(t, jo, "sign in as the new person",
		chromedp.Navigate(a.url+"/signin"),
		chromedp.WaitVisible(chromedp.CSS("#username")),
		chromedp.SendKeys(chromedp.CSS("#username"), "jo.bloggs"),
		chromedp.SendKeys(chromedp.CSS("#password"), password),
		chromedp.Click(chromedp.CSS("main form button[type=submit]")),
		chromedp.WaitVisible(chromedp.CSS("#totp-secret")))
	checkAccessibility(t, jo, "set up an authenticator")
	if !exists(t, jo, `img[src^="data:image/png;base64,"]`) {
		t.Error("the set-up page has no QR code")
	}
	secret := strings.ReplaceAll(text(t, jo, "#totp-secret"), " ", "")
	code, err := totp.GenerateCodeCustom(secret, time.Now(), totp.ValidateOpts{Period: 30, Digits: otp.DigitsSix, Algorithm: otp.AlgorithmSHA1})
	if err != nil {
		t.Fatalf("key %q: %v", secret, err)
	}
	do(t, jo, "finish setting up",
		chromedp.SendKeys(chromedp.CSS("#code"), code),
		chromedp.Click(chromedp.CSS("main form button[type=submit]")),
		chromedp.WaitVisible(chromedp.CSS(".vigil-account__who")))
	do(t, jo, "open the account page",
		chromedp.Click(chromedp.CSS(`a[href="/account"]`)),
		chromedp.WaitVisible(chromedp.CSS("#account-details")))
	checkAccessibility(t, jo, "your account")

	// The code page, with a wrong code, for the commissioner.
	commissioner := tab(t, newBrowser(t))
	l := a.town.Login("commissioner")
	do(t, commissioner, "give the commissioner's password",
		chromedp.Navigate(a.url+"/signin"),
		chromedp.WaitVisible(chromedp.CSS("#username")),
		chromedp.SendKeys(chromedp.CSS("#username"), l.Username),
		chromedp.SendKeys(chromedp.CSS("#password"), l.Password),
		chromedp.Click(chromedp.CSS("main form button[type=submit]")),
		chromedp.WaitVisible(chromedp.CSS("#code")))
	checkAccessibility(t, commissioner, "enter your code")
	do(t, commissioner, "give a wrong code",
		chromedp.SendKeys(chromedp.CSS("#code"), "000000"),
		chromedp.Click(chromedp.CSS("main form button[type=submit]")),
		chromedp.WaitVisible(chromedp.CSS(".govuk-error-summary")))
	checkAccessibility(t, commissioner, "enter your code with an error")
	do(t, commissioner, "give the code",
		chromedp.SendKeys(chromedp.CSS("#code"), l.Code()),
		chromedp.Click(chromedp.CSS("main form button[type=submit]")),
		chromedp.WaitVisible(chromedp.CSS(".vigil-account__who")))

	// The commissioner takes over the council's administration.
	do(t, commissioner, "open administration",
		chromedp.Click(chromedp.CSS(`a[href="/admin"]`)),
		chromedp.WaitVisible(chromedp.CSS("#agencies")))
	checkAccessibility(t, commissioner, "administration: commissioners")
	do(t, commissioner, "start an intervention",
		chromedp.SetValue(chromedp.CSS("#agency"), string(council.ID)),
		chromedp.SendKeys(chromedp.CSS("#reason"), "Direction of the Secretary of State under the Local Government Act 1999"),
		chromedp.Click(chromedp.CSS(`form[action="/admin/interventions"] button`)))
	waitNotice(t, commissioner, "Intervention started. The agency's administrators now act only with a commissioner's approval.")
	checkAccessibility(t, commissioner, "administration: agency under intervention")

	// The council's administrator now only asks.
	sw := a.town.Login("social.worker2").User
	do(t, admin, "ask to suspend",
		chromedp.Navigate(a.url+"/admin/people/"+string(sw.ID)),
		chromedp.WaitVisible(chromedp.CSS("#status-reason")),
		chromedp.Click(chromedp.CSS(`input[name="status"][value="suspended"]`)),
		chromedp.SendKeys(chromedp.CSS("#status-reason"), "Complaint by a family; investigation opened"),
		chromedp.Click(chromedp.CSS(`form[action$="/status"] button`)))
	waitNotice(t, admin, "Request sent to the commissioners. Nothing changes until one of them approves it.")
	checkAccessibility(t, admin, "administration: person under intervention")
	if s := text(t, admin, "#status-now"); s != "Active" {
		t.Errorf("before approval the status is %q", s)
	}

	do(t, commissioner, "see the request", chromedp.Reload(), chromedp.WaitVisible(chromedp.CSS(`.govuk-summary-card form`)))
	checkAccessibility(t, commissioner, "administration: a request to decide")
	reason := regexp.MustCompile(`^reason-[a-z2-7]{26}$`)
	id := eval[string](t, commissioner, `document.querySelector('.govuk-summary-card textarea').id`)
	if !reason.MatchString(id) {
		t.Fatalf("decision reason input %q", id)
	}
	do(t, commissioner, "approve",
		chromedp.SendKeys(chromedp.CSS("#"+id), "Allegation is serious; suspension is proportionate"),
		chromedp.Click(chromedp.CSS(`.govuk-summary-card button[value="approve"]`)))
	waitNotice(t, commissioner, "Request approved. The change has been made.")
	if u, _ := a.store.FindUser(context.Background(), sw.ID); u.Status != vigil.UserSuspended {
		t.Errorf("after approval the person is %s", u.Status)
	}
	if rows := tableRows(t, commissioner, "#history"); len(rows) == 0 || !strings.Contains(rows[0][3], "Approved by Farah Begum") {
		t.Errorf("history = %q", rows)
	}
	do(t, commissioner, "end the intervention",
		chromedp.SendKeys(chromedp.CSS("#end-reason"), "Improvement plan met; powers returned"),
		chromedp.Click(chromedp.CSS(`form[action$="/end"] button`)))
	waitNotice(t, commissioner, "Intervention ended. Requests still waiting have lapsed, and the agency's administrators act on their own again.")
	verifyLog(t, a)
}
