package e2e

import (
	"context"
	"encoding/json"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"github.com/vigil-project/vigil"
)

// eval runs a JavaScript expression on the current page and returns its value.
func eval[T any](t *testing.T, ctx context.Context, expr string) T {
	t.Helper()
	c, cancel := context.WithTimeout(ctx, 20*time.Second)
	defer cancel()
	v, err := chromedp.Run(c, chromedp.Evaluate[T](expr))
	if err != nil {
		t.Fatalf("evaluate %s: %v", expr, err)
	}
	return v
}

// tableRows returns the text of each cell of each body row of a table.
func tableRows(t *testing.T, ctx context.Context, table string) [][]string {
	t.Helper()
	return eval[[][]string](t, ctx, `Array.from(document.querySelectorAll('`+table+` tbody tr')).map(r => Array.from(r.cells).map(c => c.innerText.trim()))`)
}

// exists reports whether the current page has an element matching sel.
func exists(t *testing.T, ctx context.Context, sel string) bool {
	t.Helper()
	return eval[bool](t, ctx, `document.querySelector('`+sel+`') !== null`)
}

// waitNotice waits until the page's success notice says want.
func waitNotice(t *testing.T, ctx context.Context, want string) {
	t.Helper()
	waitText(t, ctx, "#notice", want)
}

// waitText waits until the first element matching sel says want. It asks
// again until then, since the page may be navigating when asked; a form
// sent to its own address leaves the old page showing for a while.
func waitText(t *testing.T, ctx context.Context, sel, want string) {
	t.Helper()
	js, _ := json.Marshal(want)
	q, _ := json.Marshal(sel)
	expr := `(document.querySelector(` + string(q) + `) || {innerText: ''}).innerText.trim() === ` + string(js)
	deadline := time.Now().Add(20 * time.Second)
	for time.Now().Before(deadline) {
		c, cancel := context.WithTimeout(ctx, 5*time.Second)
		ok, err := chromedp.Run(c, chromedp.Evaluate[bool](expr))
		cancel()
		if err == nil && ok {
			return
		}
		time.Sleep(100 * time.Millisecond)
	}
	t.Fatalf("%s did not come to say %q; it says %q", sel, want, text(t, ctx, sel))
}

func signOut(t *testing.T, ctx context.Context) {
	t.Helper()
	do(t, ctx, "sign out", chromedp.Click(chromedp.CSS(".vigil-account__signout button")), chromedp.WaitVisible(chromedp.CSS(".govuk-button--start")))
}

// recordDecision records one decision from the case page through the decision form.
func recordDecision(t *testing.T, ctx context.Context, value, reason string) {
	t.Helper()
	do(t, ctx, "record "+value,
		chromedp.Click(chromedp.CSS("#record-decision")),
		chromedp.WaitVisible(chromedp.CSS(`input[name="decision"]`)),
		chromedp.Click(chromedp.CSS(`input[value="`+value+`"]`)),
		chromedp.SendKeys(chromedp.CSS("#reason"), reason),
		chromedp.Click(chromedp.CSS("main form button[type=submit]")),
		chromedp.WaitVisible(chromedp.CSS("#notice")))
	if n := text(t, ctx, "#notice"); n != "Decision recorded." {
		t.Fatalf("after recording %s the notice is %q", value, n)
	}
}

// TestReferralToConference walks a referral from a school's concern to an
// initial child protection conference in the browser: the duty manager
// opens the new case from My work and records each step; steps out of
// order are not offered, and a decision without a reason is explained on
// the form without losing the choice made.
func TestReferralToConference(t *testing.T) {
	a := startApp(t)
	ctx := tab(t, newBrowser(t))

	signIn(t, ctx, a, "school.dsl")
	do(t, ctx, "raise a concern",
		chromedp.Navigate(a.url+"/concerns/new"),
		chromedp.WaitVisible(chromedp.CSS("#what-happened")),
		chromedp.SendKeys(chromedp.CSS("#child-name"), "Keira Conference-Test"),
		chromedp.SendKeys(chromedp.CSS("#child-age"), "14"),
		chromedp.SendKeys(chromedp.CSS("#what-happened"), "Collected from school by different older men in cars; says one is her boyfriend, aged 24."),
		chromedp.Click(chromedp.CSS("#raise-concern")),
		chromedp.WaitVisible(chromedp.CSS("#chronology")))
	u, err := url.Parse(location(t, ctx))
	if err != nil || !strings.HasPrefix(u.Path, "/cases/") {
		t.Fatalf("after raising a concern the page is %s", location(t, ctx))
	}
	casePath := u.Path
	if exists(t, ctx, "#record-decision") {
		t.Error("the school's safeguarding lead is offered social care decisions")
	}
	signOut(t, ctx)

	signIn(t, ctx, a, "duty.manager")
	checkAccessibility(t, ctx, "my work")
	do(t, ctx, "open the case from My work",
		chromedp.Click(chromedp.CSS(`#owned a[href="`+casePath+`"]`)),
		chromedp.WaitVisible(chromedp.CSS("#deadlines")))
	if st := text(t, ctx, "#stage"); st != vigil.StageLabels[vigil.StageReferral] {
		t.Errorf("stage of a new case = %q", st)
	}
	checkAccessibility(t, ctx, "case page")

	do(t, ctx, "open the decision form",
		chromedp.Click(chromedp.CSS("#record-decision")),
		chromedp.WaitVisible(chromedp.CSS(`input[name="decision"]`)))
	checkAccessibility(t, ctx, "record a decision")
	if exists(t, ctx, `input[value="conference:protection_plan"]`) || exists(t, ctx, `input[value="strategy_discussion:section47"]`) {
		t.Error("the decision form offers steps that cannot be taken before the referral is decided")
	}
	if !exists(t, ctx, `input[value="referral:section47"]`) {
		t.Fatal("the decision form does not offer a section 47 decision on the referral")
	}

	// A decision without a reason is refused, and the choice is kept.
	do(t, ctx, "record a decision without a reason",
		chromedp.Click(chromedp.CSS(`input[value="referral:section47"]`)),
		chromedp.SendKeys(chromedp.CSS("#late-reason"), "Not late, typed by mistake"),
		chromedp.Click(chromedp.CSS("main form button[type=submit]")),
		chromedp.WaitVisible(chromedp.CSS(".govuk-error-summary")))
	if s := text(t, ctx, ".govuk-error-summary"); !strings.Contains(s, "Enter the reason for the decision") {
		t.Errorf("error summary = %q", s)
	}
	if !eval[bool](t, ctx, `document.querySelector('input[value="referral:section47"]').checked`) {
		t.Error("the chosen decision was lost on the error page")
	}
	if got := value(t, ctx, "#late-reason"); got != "Not late, typed by mistake" {
		t.Errorf("the late reason was lost on the error page: %q", got)
	}
	checkAccessibility(t, ctx, "record a decision with errors")
	do(t, ctx, "correct the decision",
		chromedp.Clear(chromedp.CSS("#late-reason")),
		chromedp.SendKeys(chromedp.CSS("#reason"), "Reasonable cause to suspect significant harm: sexual exploitation."),
		chromedp.Click(chromedp.CSS("main form button[type=submit]")),
		chromedp.WaitVisible(chromedp.CSS("#notice")))

	recordDecision(t, ctx, "strategy_discussion:section47", "Strategy discussion with police and school: section 47 enquiry agreed.")
	recordDecision(t, ctx, "section47:conference", "Enquiry substantiates the concerns: conference needed.")
	recordDecision(t, ctx, "conference:protection_plan", "Conference agreed a child protection plan under the category of sexual abuse.")

	if st := text(t, ctx, "#stage"); st != "Child protection plan" {
		t.Errorf("stage after the conference = %q", st)
	}
	open := map[string]bool{}
	for _, row := range tableRows(t, ctx, "#deadlines") {
		if len(row) >= 3 && row[2] == "Open" {
			open[row[0]] = true
		}
	}
	for _, want := range []string{"First core group meeting", "Review child protection conference"} {
		if !open[want] {
			t.Errorf("deadline %q is not open on the case page; open: %v", want, open)
		}
	}
	if open["Initial child protection conference"] || open["Decision on the referral"] {
		t.Errorf("deadlines met by the decisions are still open: %v", open)
	}
	if n := len(tableRows(t, ctx, "#decisions")); n != 4 {
		t.Errorf("the case page lists %d decisions, want 4", n)
	}
	checkAccessibility(t, ctx, "case page with a protection plan")
	verifyLog(t, a)
}

// escalationOf returns the one escalation of a case, read through the store.
func escalationOf(t *testing.T, a *app, caseID vigil.ID) *vigil.Escalation {
	t.Helper()
	d, err := a.store.FindCase(context.Background(), vigil.UserActor(a.town.Login("investigator").User), caseID, "test")
	if err != nil {
		t.Fatal(err)
	}
	if len(d.Escalations) != 1 {
		t.Fatalf("case has %d escalations, want 1", len(d.Escalations))
	}
	return d.Escalations[0]
}

// TestMissedDeadlineEscalates misses the decision on a referral that came
// in by phone days ago. The sweeper escalates it, and, while nobody
// answers, climbs it from the case owner to the team manager to the
// service manager; the case page shows each level and its holder, and the
// service manager answers it from "Escalations for you".
func TestMissedDeadlineEscalates(t *testing.T) {
	a := startApp(t)
	bg := context.Background()
	age := 15
	_, cs, err := a.store.RaiseConcern(bg, vigil.UserActor(a.town.Login("school.dsl").User), vigil.NewConcern{
		ReceivedAt: vigil.Now().Add(-5 * 24 * time.Hour), Child: vigil.Child{Name: "Tia Escalation-Test", Age: &age},
		WhatHappened: "Phoned in on Monday: seen at a hotel on the ring road with two adult men.",
	})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := a.store.Sweep(bg, vigil.Now()); err != nil {
		t.Fatal(err)
	}
	casePath := "/cases/" + string(cs.ID)
	ctx := tab(t, newBrowser(t))

	signIn(t, ctx, a, "duty.manager")
	row := eval[string](t, ctx, `document.querySelector('#owned a[href="`+casePath+`"]').closest('tr').innerText`)
	if !strings.Contains(row, "Overdue") || !strings.Contains(row, "Decision on the referral") {
		t.Errorf("My work shows the case as %q, want it overdue with its deadline named", row)
	}
	if !exists(t, ctx, `#escalations a[href="/escalations/`+string(escalationOf(t, a, cs.ID).ID)+`"]`) {
		t.Error("the owner does not see the escalation under Escalations for you")
	}
	checkAccessibility(t, ctx, "my work with overdue work and escalations")

	levels := []struct{ name, holder string }{
		{"Case owner", a.town.Login("duty.manager").User.Name},
		{"Team manager", a.town.Login("team.manager").User.Name},
		{"Service manager", a.town.Login("service.manager").User.Name},
	}
	for i, lvl := range levels {
		if i > 0 {
			esc := escalationOf(t, a, cs.ID)
			if esc.RespondBy == nil {
				t.Fatalf("escalation at %s has no time to respond by", esc.LevelName)
			}
			if _, err := a.store.Sweep(bg, esc.RespondBy.Add(time.Minute)); err != nil {
				t.Fatal(err)
			}
		}
		do(t, ctx, "open the case at "+lvl.name, chromedp.Navigate(a.url+casePath), chromedp.WaitVisible(chromedp.CSS("#escalations")))
		rows := tableRows(t, ctx, "#escalations")
		if len(rows) != 1 || rows[0][1] != lvl.name || rows[0][2] != lvl.holder || rows[0][4] != "Open" {
			t.Fatalf("escalations on the case page = %q, want one open at %s held by %s", rows, lvl.name, lvl.holder)
		}
		if i == 0 {
			// The owner answers their own escalation without a new date:
			// the answer is recorded as an explanation and the escalation
			// stays open, so it still climbs.
			esc := escalationOf(t, a, cs.ID)
			prefix := "#esc-" + string(esc.ID)
			const why = "Phone message was not passed on; deciding today."
			do(t, ctx, "the owner explains the missed deadline",
				chromedp.Click(chromedp.CSS(prefix+"-form summary")),
				chromedp.SendKeys(chromedp.CSS(prefix+"-decision"), why),
				chromedp.Click(chromedp.CSS(prefix+"-form button[type=submit]")),
				chromedp.WaitVisible(chromedp.CSS("#notice")))
			if n := text(t, ctx, "#notice"); !strings.Contains(n, "explanation has been recorded") {
				t.Errorf("notice after the owner's answer = %q", n)
			}
			rows := tableRows(t, ctx, "#escalations")
			if len(rows) != 1 || rows[0][4] != "Open" || !strings.Contains(rows[0][5], why) {
				t.Errorf("after the owner's explanation the escalations are %q, want it open with the explanation", rows)
			}
		}
	}
	checkAccessibility(t, ctx, "case page with an escalation")
	signOut(t, ctx)

	signIn(t, ctx, a, "service.manager")
	esc := escalationOf(t, a, cs.ID)
	do(t, ctx, "open the escalation from My work",
		chromedp.Click(chromedp.CSS(`#escalations a[href="/escalations/`+string(esc.ID)+`"]`)),
		chromedp.WaitVisible(chromedp.CSS("#level")))
	if l := text(t, ctx, "#level"); l != "Service manager" {
		t.Errorf("escalation page level = %q", l)
	}
	checkAccessibility(t, ctx, "answer an escalation")
	do(t, ctx, "answer without a decision",
		chromedp.Click(chromedp.CSS("main form button[type=submit]")),
		chromedp.WaitVisible(chromedp.CSS(".govuk-error-summary")))
	if s := text(t, ctx, ".govuk-error-summary"); !strings.Contains(s, "decision that answers the escalation") {
		t.Errorf("error summary = %q", s)
	}
	checkAccessibility(t, ctx, "answer an escalation with errors")
	const decision = "Allocated to the duty social worker today; team manager to review referral triage at the front door."
	prefix := "#esc-" + string(esc.ID)
	do(t, ctx, "answer with a decision",
		chromedp.SendKeys(chromedp.CSS(prefix+"-decision"), decision),
		chromedp.Click(chromedp.CSS("main form button[type=submit]")),
		chromedp.WaitVisible(chromedp.CSS("#notice")))
	rows := tableRows(t, ctx, "#escalations")
	if len(rows) != 1 || rows[0][4] != "Resolved" || !strings.Contains(rows[0][5], decision) || !strings.Contains(rows[0][5], levels[2].holder) {
		t.Errorf("after the answer the escalations are %q", rows)
	}
	do(t, ctx, "back to My work", chromedp.Navigate(a.url+"/work"), chromedp.WaitVisible(chromedp.CSS("h1")))
	if exists(t, ctx, `a[href="/escalations/`+string(esc.ID)+`"]`) {
		t.Error("the answered escalation is still under Escalations for you")
	}
	verifyLog(t, a)
}

// raiseByPhone records, through the store, a concern a school phoned in
// `ago` before now, and returns its case.
func raiseByPhone(t *testing.T, a *app, name string, ago time.Duration) *vigil.Case {
	t.Helper()
	age := 13
	_, cs, err := a.store.RaiseConcern(context.Background(), vigil.UserActor(a.town.Login("school.dsl").User), vigil.NewConcern{
		ReceivedAt: vigil.Now().Add(-ago), Child: vigil.Child{Name: name, Age: &age},
		WhatHappened: "Phoned in: seen getting into a taxi with an adult man after school.",
	})
	if err != nil {
		t.Fatal(err)
	}
	return cs
}

// typeWhen fills a GOV.UK date input called prefix, and its time input, with t in UK time.
func typeWhen(prefix string, t time.Time) chromedp.Action[chromedp.Void] {
	t = t.In(vigil.London)
	return chromedp.Steps(
		chromedp.SendKeys(chromedp.CSS("#"+prefix+"-day"), t.Format("2")),
		chromedp.SendKeys(chromedp.CSS("#"+prefix+"-month"), t.Format("1")),
		chromedp.SendKeys(chromedp.CSS("#"+prefix+"-year"), t.Format("2006")),
		chromedp.SendKeys(chromedp.CSS("#"+prefix+"-time"), t.Format("15:04")),
	)
}

// TestScreeningAndTransfer records a CSE screening, then transfers the
// case: the owner offers it to a social worker, who sees the offer in My
// work and accepts it, becoming the owner.
func TestScreeningAndTransfer(t *testing.T) {
	a := startApp(t)
	cs := raiseByPhone(t, a, "Leah Screening-Test", time.Hour)
	casePath := "/cases/" + string(cs.ID)
	ctx := tab(t, newBrowser(t))
	signIn(t, ctx, a, "duty.manager")

	do(t, ctx, "open the screening form",
		chromedp.Navigate(a.url+casePath),
		chromedp.WaitVisible(chromedp.CSS("#deadlines")),
		chromedp.Click(chromedp.CSS(`a[href="`+casePath+`/screening"]`)),
		chromedp.WaitVisible(chromedp.CSS("#notes")))
	checkAccessibility(t, ctx, "CSE screening")
	// Scores without evidence are refused; the scores are kept.
	do(t, ctx, "score without evidence",
		chromedp.Click(chromedp.CSS(`input[name="score-taxis"][value="high"]`)),
		chromedp.Click(chromedp.CSS(`input[name="score-older_boyfriend"][value="medium"]`)),
		chromedp.Click(chromedp.CSS("main form button[type=submit]")),
		chromedp.WaitVisible(chromedp.CSS(".govuk-error-summary")))
	if !eval[bool](t, ctx, `document.querySelector('input[name="score-taxis"][value="high"]').checked`) {
		t.Error("a score was lost on the error page")
	}
	checkAccessibility(t, ctx, "CSE screening with errors")
	do(t, ctx, "record the screening",
		chromedp.SendKeys(chromedp.CSS("#notes"), "Taxi driver collects her from school; she talks of an older friend."),
		chromedp.Click(chromedp.CSS("main form button[type=submit]")),
		chromedp.WaitVisible(chromedp.CSS("#notice")))
	// A child of 13 with one high indicator is at high risk.
	if l := text(t, ctx, "#screening-level"); !strings.Contains(l, "High") {
		t.Errorf("risk level on the case page = %q, want High", l)
	}

	sw := a.town.Login("social.worker").User
	do(t, ctx, "offer the case without a reason",
		chromedp.Click(chromedp.CSS("#transfer-form summary")),
		chromedp.SetValue(chromedp.CSS("#transfer-to"), string(sw.ID)),
		chromedp.Click(chromedp.CSS(`#transfer-form button[type=submit]`)),
		chromedp.WaitVisible(chromedp.CSS(".govuk-error-summary")))
	if got := value(t, ctx, "#transfer-to"); got != string(sw.ID) {
		t.Errorf("the chosen person was lost on the error page: %q", got)
	}
	if !eval[bool](t, ctx, `document.querySelector('#transfer-form').open`) {
		t.Error("the transfer form is closed on the error page")
	}
	checkAccessibility(t, ctx, "case page with a form error")
	do(t, ctx, "offer the case",
		chromedp.SendKeys(chromedp.CSS("#transfer-reason"), "Allocated for assessment"),
		chromedp.Click(chromedp.CSS(`#transfer-form button[type=submit]`)),
		chromedp.WaitVisible(chromedp.CSS("#notice")))
	signOut(t, ctx)

	signIn(t, ctx, a, "social.worker")
	do(t, ctx, "open the offer from My work",
		chromedp.Click(chromedp.CSS(`#transfers a[href^="/transfers/"]`)),
		chromedp.WaitVisible(chromedp.CSS(`input[name="answer"]`)))
	checkAccessibility(t, ctx, "answer a transfer")
	do(t, ctx, "accept the case",
		chromedp.Click(chromedp.CSS(`input[name="answer"][value="accept"]`)),
		chromedp.Click(chromedp.CSS("main form button[type=submit]")),
		chromedp.WaitVisible(chromedp.CSS("#notice")))
	if owner := text(t, ctx, "#owner"); !strings.Contains(owner, sw.Name) {
		t.Errorf("owner after acceptance = %q, want %s", owner, sw.Name)
	}
	verifyLog(t, a)
}

// TestMissingEpisodeWithoutJavaScript records a missing episode and the
// child's return with scripts turned off: the forms open and send without
// JavaScript, and the return starts the 72-hour return home interview clock.
func TestMissingEpisodeWithoutJavaScript(t *testing.T) {
	a := startApp(t)
	cs := raiseByPhone(t, a, "Mia Missing-Test", time.Hour)
	casePath := "/cases/" + string(cs.ID)
	browser := newBrowser(t)
	ctx := tab(t, browser)
	do(t, ctx, "turn JavaScript off", disableJavaScript())
	signIn(t, ctx, a, "duty.manager")

	now := vigil.Now()
	do(t, ctx, "record a missing episode without details",
		chromedp.Navigate(a.url+casePath),
		chromedp.WaitVisible(chromedp.CSS("#deadlines")),
		chromedp.Click(chromedp.CSS("#missing-form summary")),
		typeWhen("missing-from", now.Add(-26*time.Hour)),
		chromedp.Click(chromedp.CSS("#missing-form button[type=submit]")),
		chromedp.WaitVisible(chromedp.CSS(".govuk-error-summary")))
	if s := text(t, ctx, ".govuk-error-summary"); !strings.Contains(s, "Describe the episode") {
		t.Errorf("error summary = %q", s)
	}
	if got := value(t, ctx, "#missing-from-time"); got != now.Add(-26*time.Hour).In(vigil.London).Format("15:04") {
		t.Errorf("the time was lost on the error page: %q", got)
	}
	do(t, ctx, "record the missing episode",
		chromedp.SendKeys(chromedp.CSS("#missing-details"), "Carer reported her missing at 21:00; last seen at the bus station."),
		chromedp.Click(chromedp.CSS("#missing-form button[type=submit]")),
		chromedp.WaitVisible(chromedp.CSS("#notice")))
	if n := text(t, ctx, "#notice"); n != "Missing episode recorded." {
		t.Errorf("notice = %q", n)
	}
	if rows := tableRows(t, ctx, "#missing"); len(rows) != 1 || rows[0][1] != "Still missing" {
		t.Fatalf("missing episodes = %q", rows)
	}

	do(t, ctx, "open the return form", chromedp.Click(chromedp.CSS(`details[id^="return-"] summary`)))
	prefix := eval[string](t, ctx, `document.querySelector('details[id^="return-"]').id.replace(/-form$/, '')`)
	do(t, ctx, "send the return",
		typeWhen(prefix, now.Add(-2*time.Hour)),
		chromedp.Click(chromedp.CSS("#"+prefix+"-form button[type=submit]")))
	// The page before had a notice too: wait for the new one.
	waitNotice(t, ctx, "Return recorded. A return home interview is due within 72 hours.")
	open := false
	for _, row := range tableRows(t, ctx, "#deadlines") {
		open = open || row[0] == "Return home interview" && row[2] == "Open"
	}
	if !open {
		t.Errorf("no open return home interview deadline: %q", tableRows(t, ctx, "#deadlines"))
	}

	// Accessibility is checked with scripts on, since axe-core is a script.
	checked := tab(t, browser)
	do(t, checked, "open the case", chromedp.Navigate(a.url+casePath), chromedp.WaitVisible(chromedp.CSS("#missing")))
	checkAccessibility(t, checked, "case page with a missing episode")
	verifyLog(t, a)
}

// TestWithdrawTransfer withdraws an offer of a case from the case page:
// refused without a reason, then recorded, the case staying with its owner.
func TestWithdrawTransfer(t *testing.T) {
	a := startApp(t)
	cs := raiseByPhone(t, a, "Mia Withdrawal-Test", time.Hour)
	sw := a.town.Login("social.worker").User
	if _, err := a.store.OfferTransfer(context.Background(), vigil.UserActor(a.town.Login("duty.manager").User), cs.ID, sw.ID, "Allocated for assessment"); err != nil {
		t.Fatal(err)
	}
	casePath := "/cases/" + string(cs.ID)
	ctx := tab(t, newBrowser(t))
	signIn(t, ctx, a, "duty.manager")
	do(t, ctx, "withdraw without a reason",
		chromedp.Navigate(a.url+casePath),
		chromedp.WaitVisible(chromedp.CSS("#transfers")),
		chromedp.Click(chromedp.CSS("#withdraw-form summary")),
		chromedp.Click(chromedp.CSS("#withdraw-form button[type=submit]")),
		chromedp.WaitVisible(chromedp.CSS(".govuk-error-summary")))
	if s := text(t, ctx, ".govuk-error-summary"); !strings.Contains(s, "why the offer is withdrawn") {
		t.Errorf("error summary = %q", s)
	}
	checkAccessibility(t, ctx, "withdraw a transfer with errors")
	do(t, ctx, "withdraw the offer",
		chromedp.SendKeys(chromedp.CSS("#withdraw-reason"), "Sarah is on leave; allocating within the front door"),
		chromedp.Click(chromedp.CSS("#withdraw-form button[type=submit]")),
		chromedp.WaitVisible(chromedp.CSS("#notice")))
	rows := tableRows(t, ctx, "#transfers")
	if len(rows) != 1 || !strings.Contains(rows[0][4], "Withdrawn") || !strings.Contains(rows[0][4], "on leave") {
		t.Errorf("transfers after the withdrawal = %q", rows)
	}
	if owner := text(t, ctx, "#owner"); !strings.Contains(owner, a.town.Login("duty.manager").User.Name) {
		t.Errorf("owner after the withdrawal = %q", owner)
	}
	if exists(t, ctx, "#withdraw-form") {
		t.Error("the withdrawal form is still offered")
	}
	checkAccessibility(t, ctx, "case page after a withdrawal")
	verifyLog(t, a)
}
