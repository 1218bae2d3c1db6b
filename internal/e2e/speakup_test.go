package e2e

import (
	"bytes"
	"context"
	"errors"
	"strings"
	"testing"

	"github.com/chromedp/chromedp"

	"github.com/vigil-project/vigil"
	"github.com/vigil-project/vigil/internal/speakup"
	"github.com/vigil-project/vigil/internal/synth"
)

// speakUpApp is a running Vigil with the speak-up channel set up: reports
// about children go to the council and the independent body, whistle-
// blowing to the independent body; scrutiny, the commissioner (a
// custodian) and the duty manager are recipients.
func speakUpApp(t *testing.T) *app {
	t.Helper()
	a := startApp(t)
	if err := synth.SeedSpeakUp(context.Background(), a.store, a.town); err != nil {
		t.Fatal(err)
	}
	return a
}

// noScriptBrowser is a browser tab with JavaScript turned off, as in Tor
// Browser at its safest setting.
func noScriptBrowser(t *testing.T) (context.Context, context.Context) {
	t.Helper()
	browser := newBrowser(t)
	ctx := tab(t, browser)
	do(t, ctx, "turn JavaScript off", disableJavaScript())
	return browser, ctx
}

// unlockInbox opens the speak-up inbox and unlocks the recipient's key.
func unlockInbox(t *testing.T, ctx context.Context, a *app, username string) {
	t.Helper()
	do(t, ctx, "unlock "+username+"'s key",
		chromedp.Navigate(a.url+"/speak-up/inbox"),
		chromedp.WaitVisible(chromedp.CSS("#key-state")),
		chromedp.SendKeys(chromedp.CSS("#password"), a.town.Login(username).Password),
		chromedp.Click(chromedp.CSS(`form[action="/speak-up/unlock"] button`)),
		chromedp.WaitVisible(chromedp.CSS(".govuk-notification-banner")))
}

// checkReceipt types a receipt on the check page and waits for the report.
func checkReceipt(t *testing.T, ctx context.Context, a *app, receipt string) {
	t.Helper()
	do(t, ctx, "check the report with the receipt",
		chromedp.Navigate(a.url+"/speak-up/check"),
		chromedp.WaitVisible(chromedp.CSS("#receipt")),
		chromedp.SendKeys(chromedp.CSS("#receipt"), receipt),
		chromedp.Click(chromedp.CSS(`form[action="/speak-up/check"] button`)),
		chromedp.WaitVisible(chromedp.CSS("#status-title")))
	if !strings.HasSuffix(location(t, ctx), "/speak-up/conversation") {
		t.Errorf("after checking the receipt the page is %s", location(t, ctx))
	}
}

// TestYoungPersonSpeaksUp walks, with JavaScript off, a young person's
// report, the receipt, a status check, a recipient's question and the
// young person's reply, then turns the report into a case with its
// statutory clock while the conversation goes on.
func TestYoungPersonSpeaksUp(t *testing.T) {
	a := speakUpApp(t)
	reporterBrowser, young := noScriptBrowser(t)

	do(t, young, "open the speak-up page and choose 'about me'",
		chromedp.Navigate(a.url+"/speak-up"),
		chromedp.WaitVisible(chromedp.CSS("#channels")),
		chromedp.Click(chromedp.CSS(`a[href="/speak-up/new/me"]`)),
		chromedp.WaitVisible(chromedp.CSS("#what")))
	do(t, young, "send an empty report",
		chromedp.Click(chromedp.CSS("main form button[type=submit]")),
		chromedp.WaitVisible(chromedp.CSS(".govuk-error-summary")))
	if s := text(t, young, ".govuk-error-summary"); !strings.Contains(s, "Enter what happened") {
		t.Errorf("error summary = %q", s)
	}
	do(t, young, "send the report",
		chromedp.SendKeys(chromedp.CSS("#child-age"), "14"),
		chromedp.SendKeys(chromedp.CSS("#child-name"), "Jess"),
		chromedp.SendKeys(chromedp.CSS("#what"), "A man from the takeaway keeps giving me lifts and wants me to go to a party at a hotel."),
		chromedp.Click(chromedp.CSS("main form button[type=submit]")),
		chromedp.WaitVisible(chromedp.CSS("#receipt")))
	receipt := strings.Join(strings.Fields(text(t, young, "#receipt")), " ")
	if n := len(strings.Fields(receipt)); n != speakup.ReceiptWords {
		t.Fatalf("receipt %q has %d words", receipt, n)
	}
	if loc := location(t, young); !strings.HasSuffix(loc, "/speak-up/receipt") {
		t.Errorf("the receipt page is at %s", loc)
	}
	do(t, young, "say the receipt is written down",
		chromedp.Click(chromedp.CSS("#receipt-kept")),
		chromedp.WaitVisible(chromedp.CSS("#status-title")))
	if s := text(t, young, "#status-title"); s != "We have your report" {
		t.Errorf("status = %q", s)
	}
	do(t, young, "finish", chromedp.Click(chromedp.CSS("#finish")), chromedp.WaitVisible(chromedp.CSS("#channels")))

	// The recipient at the independent body reads it and asks a question.
	_, staff := noScriptBrowser(t)
	signIn(t, staff, a, "scrutiny")
	unlockInbox(t, staff, a, "scrutiny")
	do(t, staff, "open the report from the inbox",
		chromedp.Click(chromedp.CSS(`#reports a[href^="/speak-up/reports/"]`)),
		chromedp.WaitVisible(chromedp.CSS("#what")))
	if s := text(t, staff, "#what"); !strings.Contains(s, "party at a hotel") {
		t.Errorf("the recipient reads %q", s)
	}
	do(t, staff, "ask a question",
		chromedp.SendKeys(chromedp.CSS("#message"), "Thank you for telling us. Do you know the name of the hotel?"),
		chromedp.Click(chromedp.CSS("#ask")),
		chromedp.WaitVisible(chromedp.CSS(".govuk-notification-banner")))
	reportURL := location(t, staff)

	// The young person checks with the receipt, sees the question and answers.
	checkReceipt(t, young, a, strings.ToUpper(receipt))
	if s := text(t, young, "#status-title"); s != "Someone is looking at your report" {
		t.Errorf("status after the question = %q", s)
	}
	if s := text(t, young, "#messages"); !strings.Contains(s, "name of the hotel") {
		t.Errorf("the question is not shown: %q", s)
	}
	do(t, young, "send a reply without text: refused, explained",
		chromedp.Click(chromedp.CSS("#send")),
		chromedp.WaitVisible(chromedp.CSS(".govuk-error-summary")))
	do(t, young, "reply",
		chromedp.SendKeys(chromedp.CSS("#message"), "It is the Ringway Lodge. The party is on Saturday."),
		chromedp.Click(chromedp.CSS("#send")),
		chromedp.WaitVisible(chromedp.CSS(".govuk-notification-banner")))
	if s := text(t, young, "#messages"); !strings.Contains(s, "Ringway Lodge") {
		t.Errorf("the reply is not shown: %q", s)
	}

	// Accessibility, checked with scripts on in another tab of the same browser.
	checked := tab(t, reporterBrowser)
	for _, p := range []string{"/speak-up", "/speak-up/new/me", "/speak-up/new/child", "/speak-up/new/staff", "/speak-up/check", "/speak-up/conversation"} {
		do(t, checked, "open "+p, chromedp.Navigate(a.url+p), chromedp.WaitVisible(chromedp.CSS("h1")))
		checkAccessibility(t, checked, p)
	}

	// The council's duty manager, also a recipient, turns it into a case.
	_, duty := noScriptBrowser(t)
	signIn(t, duty, a, "duty.manager")
	unlockInbox(t, duty, a, "duty.manager")
	do(t, duty, "open the report and then a case",
		chromedp.Navigate(reportURL),
		chromedp.WaitVisible(chromedp.CSS("#case-what")))
	if v := value(t, duty, "#case-name"); v != "Jess" {
		t.Errorf("the case form starts with the name %q", v)
	}
	do(t, duty, "open a case",
		chromedp.Click(chromedp.CSS("#open-case")),
		chromedp.WaitVisible(chromedp.CSS("#case-link")))
	dutyBrowser := duty
	do(t, dutyBrowser, "go to the case", chromedp.Click(chromedp.CSS("#case-link")), chromedp.WaitVisible(chromedp.CSS("#deadlines")))
	if s := text(t, dutyBrowser, "#owner"); !strings.Contains(s, a.town.Login("duty.manager").User.Name) {
		t.Errorf("case owner = %q", s)
	}
	if s := text(t, dutyBrowser, "#deadlines"); !strings.Contains(s, "Decision on the referral") {
		t.Errorf("the case's clock is not running: %q", s)
	}
	// The conversation carries on after the case was opened.
	do(t, staff, "ask another question",
		chromedp.Navigate(reportURL),
		chromedp.WaitVisible(chromedp.CSS("#message")),
		chromedp.SendKeys(chromedp.CSS("#message"), "Someone will be in touch to keep you safe. Is Saturday this week?"),
		chromedp.Click(chromedp.CSS("#ask")),
		chromedp.WaitVisible(chromedp.CSS(".govuk-notification-banner")))
	checkReceipt(t, young, a, receipt)
	if s := text(t, young, "#status-title"); s != "Your report is being acted on" {
		t.Errorf("status after the case = %q", s)
	}
	do(t, young, "reply again",
		chromedp.SendKeys(chromedp.CSS("#message"), "Yes, this Saturday."),
		chromedp.Click(chromedp.CSS("#send")),
		chromedp.WaitVisible(chromedp.CSS(".govuk-notification-banner")))
	do(t, staff, "see the reply", chromedp.Reload(), chromedp.WaitVisible(chromedp.CSS("#messages")))
	if s := text(t, staff, "#messages"); !strings.Contains(s, "Yes, this Saturday.") || !strings.Contains(s, "Ringway Lodge") {
		t.Errorf("the recipient sees %q", s)
	}

	staffChecked := tab(t, newBrowser(t))
	signIn(t, staffChecked, a, "scrutiny")
	unlockInbox(t, staffChecked, a, "scrutiny")
	checkAccessibility(t, staffChecked, "speak-up inbox")
	do(t, staffChecked, "open the report", chromedp.Navigate(reportURL), chromedp.WaitVisible(chromedp.CSS("#what")))
	checkAccessibility(t, staffChecked, "speak-up report")
	do(t, staffChecked, "open the register", chromedp.Navigate(a.url+"/speak-up/register"), chromedp.WaitVisible(chromedp.CSS("#register")))
	checkAccessibility(t, staffChecked, "speak-up register")
	verifyLog(t, a)
}

// TestWhistleblowerUnreadableByOrganisation sends, with JavaScript off, a
// member of staff's report about their own council, and shows that the
// council's administrator can neither read it in the pages nor find it in
// the database, and that no key the council holds decrypts it.
func TestWhistleblowerUnreadableByOrganisation(t *testing.T) {
	a := speakUpApp(t)
	council := a.town.Agencies[vigil.AgencyChildrensServices]
	_, reporter := noScriptBrowser(t)
	const marker = "Operation Larkspur"
	do(t, reporter, "send a whistle-blowing report about the council",
		chromedp.Navigate(a.url+"/speak-up/new/staff"),
		chromedp.WaitVisible(chromedp.CSS("#about")),
		chromedp.SetValue(chromedp.CSS("#about"), string(council.ID)),
		chromedp.SendKeys(chromedp.CSS("#what"), "My manager told me to delete the "+marker+" referrals before the inspection."),
		chromedp.SendKeys(chromedp.CSS("#role"), "Senior practitioner"),
		chromedp.Click(chromedp.CSS("main form button[type=submit]")),
		chromedp.WaitVisible(chromedp.CSS("#receipt")))

	var id string
	if err := a.db.Reader.QueryRowContext(context.Background(), `SELECT id FROM speakup_reports`).Scan(&id); err != nil {
		t.Fatal(err)
	}
	_, admin := noScriptBrowser(t)
	signIn(t, admin, a, "admin")
	do(t, admin, "open the inbox", chromedp.Navigate(a.url+"/speak-up/inbox"), chromedp.WaitVisible(chromedp.CSS("h1")))
	if s := text(t, admin, "main"); strings.Contains(s, marker) || !strings.Contains(s, "You do not receive speak-up reports") {
		t.Errorf("the administrator's inbox shows %q", s)
	}
	do(t, admin, "open the report by its address", chromedp.Navigate(a.url+"/speak-up/reports/"+id), chromedp.WaitVisible(chromedp.CSS("h1")))
	if s := text(t, admin, "main"); strings.Contains(s, marker) || !strings.Contains(s, "not found") {
		t.Errorf("the administrator sees %q", s)
	}
	do(t, admin, "try to set up a key", chromedp.Navigate(a.url+"/speak-up/key"), chromedp.WaitVisible(chromedp.CSS("#password")),
		chromedp.SendKeys(chromedp.CSS("#password"), a.town.Login("admin").Password),
		chromedp.Click(chromedp.CSS("main form button[type=submit]")))
	waitText(t, admin, "h1", "You cannot do this")

	// The database: nothing readable, in any speak-up table or the log.
	for _, table := range []string{"speakup_reports", "speakup_receipts", "speakup_blobs", "speakup_access", "speakup_messages", "speakup_deadlines", "log_entries", "log_states"} {
		rows, err := a.db.Reader.QueryContext(context.Background(), `SELECT * FROM `+table)
		if err != nil {
			t.Fatal(err)
		}
		cols, _ := rows.Columns()
		vals, ptrs := make([]any, len(cols)), make([]any, len(cols))
		for i := range vals {
			ptrs[i] = &vals[i]
		}
		for rows.Next() {
			rows.Scan(ptrs...)
			for i, v := range vals {
				if b, ok := v.([]byte); ok && bytes.Contains(b, []byte("Larkspur")) || v == any(marker) {
					t.Errorf("%s.%s holds the report in the clear", table, cols[i])
				}
				if s, ok := v.(string); ok && strings.Contains(s, "Larkspur") {
					t.Errorf("%s.%s holds the report in the clear", table, cols[i])
				}
			}
		}
		rows.Close()
	}
	// The council's own recipient key (the duty manager's, for reports
	// about children) cannot decrypt the raw row; the independent body's can.
	var content []byte
	if err := a.db.Reader.QueryRowContext(context.Background(), `SELECT data FROM speakup_blobs WHERE id = ?`, id+"/content").Scan(&content); err != nil {
		t.Fatal(err)
	}
	dk, err := a.store.Unlock(context.Background(), vigil.UserActor(a.town.Login("duty.manager").User), a.town.Login("duty.manager").Password)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := dk.Open(content); !errors.Is(err, speakup.ErrCannotOpen) {
		t.Errorf("the council's key decrypted the report: %v", err)
	}
	ck, err := a.store.Unlock(context.Background(), vigil.UserActor(a.town.Login("commissioner").User), a.town.Login("commissioner").Password)
	if err != nil {
		t.Fatal(err)
	}
	if plain, err := ck.Open(content); err != nil || !bytes.Contains(plain, []byte(marker)) {
		t.Errorf("the independent body cannot read it: %v", err)
	}
	verifyLog(t, a)
}
