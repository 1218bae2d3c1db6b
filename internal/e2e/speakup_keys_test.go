package e2e

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"github.com/vigil-project/vigil"
	"github.com/vigil-project/vigil/internal/speakup"
)

// resetPassword has the council's administrator reset a person's password
// in the administration pages and returns the one-time password, which
// becomes the person's demo password.
func resetPassword(t *testing.T, admin context.Context, a *app, username string) string {
	t.Helper()
	l := a.town.Login(username)
	do(t, admin, "reset "+username+"'s password",
		chromedp.Navigate(a.url+"/admin/people/"+string(l.User.ID)),
		chromedp.WaitVisible(chromedp.CSS("#password-reason")),
		chromedp.SendKeys(chromedp.CSS("#password-reason"), "Forgot it after leave"),
		chromedp.Click(chromedp.CSS(`form[action$="/password"] button`)),
		chromedp.WaitVisible(chromedp.CSS("#one-time-password")))
	temp := strings.TrimSpace(text(t, admin, "#one-time-password"))
	l.Password = temp
	return temp
}

// changePassword changes the signed-in person's password on their account page.
func changePassword(t *testing.T, ctx context.Context, a *app, username, next string) {
	t.Helper()
	l := a.town.Login(username)
	do(t, ctx, "change "+username+"'s password",
		chromedp.Navigate(a.url+"/account"),
		chromedp.WaitVisible(chromedp.CSS("#current-password")),
		chromedp.SendKeys(chromedp.CSS("#current-password"), l.Password),
		chromedp.SendKeys(chromedp.CSS("#new-password"), next),
		chromedp.SendKeys(chromedp.CSS("#confirm-password"), next),
		chromedp.Click(chromedp.CSS(`form[action="/account/password"] button`)),
		chromedp.WaitVisible(chromedp.CSS("#notice")))
	l.Password = next
}

// visit opens a page, waits for its heading and checks it with axe-core.
func visit(t *testing.T, ctx context.Context, a *app, path, name string) {
	t.Helper()
	do(t, ctx, "open "+name, chromedp.Navigate(a.url+path), chromedp.WaitVisible(chromedp.CSS("h1")))
	checkAccessibility(t, ctx, name)
}

// TestSpeakUpKeysAfterPasswordReset walks, in the browser, what follows
// when the council's administrator resets a recipient's password: the
// inbox and key page say what happened; the recipient changes the
// password and recovers the key with the old one. After a second reset
// they set up a new key instead, which waits for approval by a recipient
// of the independent body (the approvals page), who then seals the
// earlier report again for it, from the report's page, and the recipient
// reads it. Every page visited is checked with axe-core.
func TestSpeakUpKeysAfterPasswordReset(t *testing.T) {
	a := speakUpApp(t)
	ctx := context.Background()
	const marker = "Ringway taxi office"
	_, key, err := a.store.Submit(ctx, speakup.NewReport{Content: speakup.Content{Channel: speakup.ChannelChild,
		What: "Girls from the home are given lifts by drivers from the " + marker + "."}})
	if err != nil {
		t.Fatal(err)
	}
	report := "/speak-up/reports/" + string(key.ReportID)
	if err := a.store.Ask(ctx, vigil.UserActor(a.town.Login("scrutiny").User), key.ReportID, "Which home do you mean?"); err != nil {
		t.Fatal(err)
	}
	first := a.town.Login("duty.manager").Password

	admin := tab(t, newBrowser(t))
	signIn(t, admin, a, "admin")
	resetPassword(t, admin, a, "duty.manager")
	checkAccessibility(t, admin, "one-time password")

	// With the administrator's password: the key stays locked.
	duty := tab(t, newBrowser(t))
	signIn(t, duty, a, "duty.manager")
	visit(t, duty, a, "/speak-up/inbox", "speak-up inbox with a key locked after a reset")
	if s := text(t, duty, "#key-state"); !strings.Contains(s, "locked with an earlier password") {
		t.Errorf("the inbox says %q", s)
	}
	visit(t, duty, a, "/speak-up/key", "speak-up key after a reset")
	if s := text(t, duty, "#key-state-explained"); !strings.Contains(s, "administrator reset your password") {
		t.Errorf("the key page says %q", s)
	}
	visit(t, duty, a, report, "a report opened with a locked key")
	if s := text(t, duty, "main"); strings.Contains(s, marker) {
		t.Error("the report opened while the key was locked after a reset")
	}

	// A password of their own: recover the key with the old one.
	changePassword(t, duty, a, "duty.manager", "my own password after the reset")
	visit(t, duty, a, "/speak-up/key", "speak-up key locked with an earlier password")
	do(t, duty, "recover with a wrong old password",
		chromedp.SendKeys(chromedp.CSS("#old-password"), "not what it was"),
		chromedp.SendKeys(chromedp.CSS("#password"), a.town.Login("duty.manager").Password),
		chromedp.Click(chromedp.CSS(`form[action="/speak-up/key/recover"] button`)),
		chromedp.WaitVisible(chromedp.CSS(".govuk-error-summary")))
	checkAccessibility(t, duty, "speak-up key recovery with an error")
	do(t, duty, "recover with the old password",
		chromedp.SendKeys(chromedp.CSS("#old-password"), first),
		chromedp.SendKeys(chromedp.CSS("#password"), a.town.Login("duty.manager").Password),
		chromedp.Click(chromedp.CSS(`form[action="/speak-up/key/recover"] button`)),
		chromedp.WaitVisible(chromedp.CSS("#notice")))
	checkAccessibility(t, duty, "speak-up inbox after recovering the key")
	visit(t, duty, a, report, "a report after recovering the key")
	if s := text(t, duty, "#what"); !strings.Contains(s, marker) {
		t.Errorf("after recovering the key the report reads %q", s)
	}

	// A second reset; this time the old password is forgotten: a new key.
	resetPassword(t, admin, a, "duty.manager")
	signIn(t, duty, a, "duty.manager")
	changePassword(t, duty, a, "duty.manager", "another password of my own")
	visit(t, duty, a, "/speak-up/key", "speak-up key before setting up a new one")
	do(t, duty, "set up a new key",
		chromedp.SendKeys(chromedp.CSS("#new-key-password"), a.town.Login("duty.manager").Password),
		chromedp.Click(chromedp.CSS(`form[action="/speak-up/key/renew"] button`)),
		chromedp.WaitVisible(chromedp.CSS("#key-approval")))
	checkAccessibility(t, duty, "speak-up inbox with a key waiting for approval")
	fingerprint := text(t, duty, "#fingerprint")
	visit(t, duty, a, report, "a report while the new key waits")
	if s := text(t, duty, "main"); strings.Contains(s, marker) {
		t.Error("a key nobody approved opened the report")
	}

	// The scrutiny panel member approves it, having checked the fingerprint.
	scrutiny := tab(t, newBrowser(t))
	signIn(t, scrutiny, a, "scrutiny")
	unlockInbox(t, scrutiny, a, "scrutiny")
	checkAccessibility(t, scrutiny, "speak-up inbox with a key to approve")
	do(t, scrutiny, "open the approvals", chromedp.Click(chromedp.CSS("#approvals-link")), chromedp.WaitVisible(chromedp.CSS(".govuk-summary-card")))
	checkAccessibility(t, scrutiny, "speak-up keys waiting for approval")
	if s := text(t, scrutiny, "main"); !strings.Contains(s, fingerprint) || !strings.Contains(s, "New key after a password reset") {
		t.Errorf("the approvals page shows %q, want the fingerprint %s", s, fingerprint)
	}
	do(t, scrutiny, "approve", chromedp.Click(chromedp.CSS(`button[id^="approve-"]`)), chromedp.WaitVisible(chromedp.CSS("#no-approvals")))
	checkAccessibility(t, scrutiny, "speak-up approvals after approving")

	// The report was sealed for the old key: scrutiny seals it again.
	visit(t, scrutiny, a, report, "a report that needs sealing again")
	if s := text(t, scrutiny, "#stale"); !strings.Contains(s, a.town.Login("duty.manager").User.Name) {
		t.Errorf("the report does not say who cannot read it: %q", s)
	}
	do(t, scrutiny, "seal it again",
		chromedp.Click(chromedp.CSS(`form[action$="/reseal"] button`)),
		chromedp.WaitVisible(chromedp.CSS("#notice")))
	checkAccessibility(t, scrutiny, "a report sealed again")
	if s := text(t, scrutiny, "#history"); !strings.Contains(s, "Sealed it again for new keys") {
		t.Errorf("the history does not show the reseal: %q", s)
	}
	// Setting up the new key left it unlocked for this sign-in.
	visit(t, duty, a, report, "a report sealed again for the new key")
	if s := text(t, duty, "#what"); !strings.Contains(s, marker) {
		t.Errorf("after sealing again the recipient reads %q", s)
	}
	if s := text(t, duty, "#messages"); !strings.Contains(s, "Which home do you mean?") {
		t.Errorf("after sealing again the conversation reads %q", s)
	}
	verifyLog(t, a)
}

// TestSpeakUpEscalationsAndRegister walks the speak-up escalations page
// (a report nobody acknowledged, answered with a decision after a refusal
// of an empty one) and the register with each report's history from the
// log, including a report erased at the end of its retention, which stays
// as a tombstone. Every page is checked with axe-core.
func TestSpeakUpEscalationsAndRegister(t *testing.T) {
	a := speakUpApp(t)
	ctx := context.Background()
	_, key, err := a.store.Submit(ctx, speakup.NewReport{Content: speakup.Content{Channel: speakup.ChannelStaff,
		AboutID: a.town.Agencies[vigil.AgencyChildrensServices].ID, What: "My manager told us to close referrals without visits."}})
	if err != nil {
		t.Fatal(err)
	}
	_, old, err := a.store.Submit(ctx, speakup.NewReport{Content: speakup.Content{Channel: speakup.ChannelChild, What: "A boy sleeps in a car park."}})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := a.store.SweepSpeakUp(ctx, vigil.Now().Add(8*24*time.Hour)); err != nil {
		t.Fatal(err)
	}

	c := tab(t, newBrowser(t))
	signIn(t, c, a, "commissioner")
	unlockInbox(t, c, a, "commissioner")
	do(t, c, "open the escalations", chromedp.Click(chromedp.CSS(`a[href="/speak-up/escalations"]`)), chromedp.WaitVisible(chromedp.CSS(".govuk-summary-card")))
	checkAccessibility(t, c, "speak-up escalations")
	if s := text(t, c, "main"); !strings.Contains(s, "Whistle-blowing by staff: Acknowledge the report") {
		t.Errorf("the escalations page shows %q", s)
	}
	card := `#escalation-` + speakUpEscalationOf(t, a, key.ReportID)
	do(t, c, "answer with nothing",
		chromedp.Click(chromedp.CSS(card+" button")),
		chromedp.WaitVisible(chromedp.CSS(".govuk-error-summary")))
	checkAccessibility(t, c, "speak-up escalations with an error")
	do(t, c, "answer with a decision",
		chromedp.SendKeys(chromedp.CSS(card+" textarea"), "Acknowledged it myself today; asked the panel to follow it up."),
		chromedp.Click(chromedp.CSS(card+" button")),
		chromedp.WaitVisible(chromedp.CSS("#notice")))
	checkAccessibility(t, c, "speak-up escalations after an answer")
	if exists(t, c, card) {
		t.Error("the answered escalation is still listed")
	}

	// The commissioner opens the whistle-blowing report; the other is
	// closed unread and erased at the end of its retention.
	visit(t, c, a, "/speak-up/reports/"+string(key.ReportID), "a whistle-blowing report")
	if s := text(t, c, "#history"); !strings.Contains(s, "Opened the report") || !strings.Contains(s, a.town.Login("commissioner").User.Name) {
		t.Errorf("the report's history reads %q", s)
	}
	if err := a.store.SetStatus(ctx, vigil.UserActor(a.town.Login("duty.manager").User), old.ReportID, speakup.StatusClosed); err != nil {
		t.Fatal(err)
	}
	if res, err := a.store.SweepSpeakUp(ctx, vigil.Now().AddDate(0, 7, 0)); err != nil || res.Expired != 1 {
		t.Fatalf("sweep: %+v, %v", res, err)
	}
	visit(t, c, a, "/speak-up/register", "speak-up register with an erased report")
	if s := text(t, c, "#register"); !strings.Contains(s, "Erased") || !strings.Contains(s, "Never") {
		t.Errorf("the register reads %q", s)
	}
	do(t, c, "open the erased report's history",
		chromedp.Click(chromedp.CSS(`a[href="/speak-up/register/`+string(old.ReportID)+`"]`)),
		chromedp.WaitVisible(chromedp.CSS("#history")))
	checkAccessibility(t, c, "speak-up history of an erased report")
	if s := text(t, c, "#state"); !strings.Contains(s, "Erased") || !strings.Contains(s, "Retention") {
		t.Errorf("the tombstone reads %q", s)
	}
	if s := text(t, c, "#opened"); s != "Never" {
		t.Errorf("the erased report was opened %q", s)
	}
	if s := text(t, c, "main"); strings.Contains(s, "car park") {
		t.Error("the tombstone shows what the report said")
	}
	visit(t, c, a, "/speak-up/register/"+string(key.ReportID), "speak-up history of a report")
	if s := text(t, c, "#opened"); !strings.HasPrefix(s, "1 time") {
		t.Errorf("the report's openings read %q", s)
	}
	visit(t, c, a, "/speak-up/approvals", "speak-up approvals with none waiting")
	verifyLog(t, a)
}

// speakUpEscalationOf returns the id of a report's open speak-up escalation.
func speakUpEscalationOf(t *testing.T, a *app, reportID vigil.ID) string {
	t.Helper()
	var id string
	if err := a.db.Reader.QueryRowContext(context.Background(), `SELECT id FROM speakup_escalations WHERE report_id = ? AND status = 'open'`, string(reportID)).Scan(&id); err != nil {
		t.Fatal(err)
	}
	return id
}
