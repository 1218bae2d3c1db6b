package e2e

import (
	"context"
	"regexp"
	"strings"
	"testing"

	"github.com/chromedp/chromedp"

	"github.com/vigil-project/vigil"
	"github.com/vigil-project/vigil/internal/ledger"
	"github.com/vigil-project/vigil/internal/sqlstore"
)

// signIn signs username in as a person does: password, then the 6-digit
// code their authenticator app shows (computed from the demo account's
// key, as an app would).
func signIn(t *testing.T, ctx context.Context, a *app, username string) {
	t.Helper()
	l := a.town.Login(username)
	do(t, ctx, "sign in as "+username,
		chromedp.Navigate(a.url+"/signin"),
		chromedp.WaitVisible(chromedp.CSS("#username")),
		chromedp.SendKeys(chromedp.CSS("#username"), l.Username),
		chromedp.SendKeys(chromedp.CSS("#password"), l.Password),
		chromedp.Click(chromedp.CSS("main form button[type=submit]")),
		chromedp.WaitVisible(chromedp.CSS("#code")),
		chromedp.SendKeys(chromedp.CSS("#code"), l.Code()),
		chromedp.Click(chromedp.CSS("main form button[type=submit]")),
		// The sign-in pages have an h1 too: wait for what only a signed-in page has.
		chromedp.WaitVisible(chromedp.CSS(".vigil-account__who")),
	)
	if h := text(t, ctx, "h1"); h != "My work" {
		t.Fatalf("after signing in the page is %q, want My work", h)
	}
}

// TestProfessionalRaisesConcern walks the first journey: a designated
// safeguarding lead signs in, raises a concern (first with mistakes, which
// are explained without losing what was typed), and sees it become a case
// owned by the intake team's duty manager, with its chronology.
func TestProfessionalRaisesConcern(t *testing.T) {
	a := startApp(t)
	ctx := tab(t, newBrowser(t))

	do(t, ctx, "open the sign-in page", chromedp.Navigate(a.url+"/signin"), chromedp.WaitVisible(chromedp.CSS("#username")))
	checkAccessibility(t, ctx, "sign in")
	signIn(t, ctx, a, "school.dsl")
	checkAccessibility(t, ctx, "my work")

	do(t, ctx, "open the concern form",
		chromedp.Click(chromedp.CSS(`a[href="/concerns/new"]`)),
		chromedp.WaitVisible(chromedp.CSS("#what-happened")))
	checkAccessibility(t, ctx, "raise a concern")

	// A mistake: no description, and a date of birth that does not exist.
	do(t, ctx, "submit with mistakes",
		chromedp.SendKeys(chromedp.CSS("#child-name"), "Amelia Test-Child"),
		chromedp.SendKeys(chromedp.CSS("#dob-day"), "31"),
		chromedp.SendKeys(chromedp.CSS("#dob-month"), "2"),
		chromedp.SendKeys(chromedp.CSS("#dob-year"), "2012"),
		chromedp.Click(chromedp.CSS("#raise-concern")),
		chromedp.WaitVisible(chromedp.CSS(".govuk-error-summary")))
	summary := text(t, ctx, ".govuk-error-summary")
	for _, want := range []string{"real date", "Describe what happened"} {
		if !strings.Contains(summary, want) {
			t.Errorf("error summary %q does not say %q", summary, want)
		}
	}
	if got := value(t, ctx, "#child-name"); got != "Amelia Test-Child" {
		t.Errorf("the child's name was lost on the error page: %q", got)
	}
	checkAccessibility(t, ctx, "raise a concern with errors")

	do(t, ctx, "correct and submit",
		chromedp.Clear(chromedp.CSS("#dob-day")),
		chromedp.SendKeys(chromedp.CSS("#dob-day"), "28"),
		chromedp.SendKeys(chromedp.CSS("#what-happened"), "Seen getting into a silver car with two older men outside school at 15:20."),
		chromedp.Click(chromedp.CSS("#raise-concern")),
		chromedp.WaitVisible(chromedp.CSS("#chronology")))
	duty := a.town.Login("duty.manager").User
	if owner := text(t, ctx, "#owner"); !strings.Contains(owner, duty.Name) {
		t.Errorf("case owner shown as %q, want the duty manager %s", owner, duty.Name)
	}
	if banner := text(t, ctx, ".govuk-notification-banner"); !regexp.MustCompile(`Concern VC-\w{4}-\w{4} recorded`).MatchString(banner) {
		t.Errorf("confirmation banner = %q", banner)
	}
	if chron := text(t, ctx, "#chronology"); !strings.Contains(chron, "Concern VC-") || !strings.Contains(chron, "owned by "+duty.Name) {
		t.Errorf("chronology = %q", chron)
	}
	checkAccessibility(t, ctx, "case page")

	// The case is in the duty manager's work, and every change and read is in a log that verifies.
	cases, err := a.store.Cases(context.Background(), vigil.UserActor(duty), vigil.CaseFilter{OwnerID: duty.ID})
	if err != nil {
		t.Fatal(err)
	}
	found := false
	for _, c := range cases {
		found = found || c.Child.Name == "Amelia Test-Child" && c.Child.DateOfBirth == "2012-02-28"
	}
	if !found {
		t.Error("the new case is not in the duty manager's work")
	}

	do(t, ctx, "sign out", chromedp.Click(chromedp.CSS(".vigil-account__signout button")), chromedp.WaitVisible(chromedp.CSS(".govuk-button--start")))
	checkAccessibility(t, ctx, "start page")
	verifyLog(t, a)
}

// TestPublicReportWithoutJavaScript walks the public journey in a browser
// with scripts turned off: no account, a plain form, a reference number.
func TestPublicReportWithoutJavaScript(t *testing.T) {
	a := startApp(t)
	browser := newBrowser(t)
	ctx := tab(t, browser)
	do(t, ctx, "turn JavaScript off", disableJavaScript())

	do(t, ctx, "open the report page from the start page",
		chromedp.Navigate(a.url+"/"),
		chromedp.Click(chromedp.CSS(".govuk-button--start")),
		chromedp.WaitVisible(chromedp.CSS("#what-happened")))
	do(t, ctx, "send an empty report",
		chromedp.Click(chromedp.CSS("main form button[type=submit]")),
		chromedp.WaitVisible(chromedp.CSS(".govuk-error-summary")))
	if s := text(t, ctx, ".govuk-error-summary"); !strings.Contains(s, "Describe what happened") {
		t.Errorf("error summary = %q", s)
	}
	do(t, ctx, "send a report",
		chromedp.SendKeys(chromedp.CSS("#child-age"), "13"),
		chromedp.SendKeys(chromedp.CSS("#what-happened"), "A girl of about 13 is collected from the park most evenings by men in different taxis."),
		chromedp.Click(chromedp.CSS("main form button[type=submit]")),
		chromedp.WaitVisible(chromedp.CSS("#reference")))
	ref := text(t, ctx, "#reference")
	if !regexp.MustCompile(`^VC-\w{4}-\w{4}$`).MatchString(ref) {
		t.Fatalf("reference = %q", ref)
	}
	if !strings.Contains(location(t, ctx), "/report/received") {
		t.Errorf("after sending, the page is %s", location(t, ctx))
	}

	// Accessibility is checked with scripts on, since axe-core is a script.
	checked := tab(t, browser)
	for _, p := range []string{"/report", "/report/received?ref=" + ref} {
		do(t, checked, "open "+p, chromedp.Navigate(a.url+p), chromedp.WaitVisible(chromedp.CSS("h1")))
		checkAccessibility(t, checked, p)
	}
	verifyLog(t, a)
}

// verifyLog checks the database against its log, as `vigil verify --db` does.
func verifyLog(t *testing.T, a *app) {
	t.Helper()
	ctx := context.Background()
	if _, err := a.store.Log().Checkpoint(ctx); err != nil {
		t.Fatal(err)
	}
	r, err := ledger.VerifyDB(ctx, a.db, a.key.VerifierKey(), sqlstore.Tables, nil)
	if err != nil {
		t.Fatal(err)
	}
	if !r.OK() {
		t.Fatalf("verify: %v", r.Problems)
	}
}
