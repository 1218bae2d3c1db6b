package e2e

import (
	"context"
	"encoding/json"
	"io"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"github.com/vigil-project/vigil"
	"github.com/vigil-project/vigil/internal/ledger"
	"github.com/vigil-project/vigil/internal/sqlstore"
	"github.com/vigil-project/vigil/internal/synth"
)

// oversightApp is a running Vigil whose town's cases have moved along the
// workflow, so that every dashboard has figures.
func oversightApp(t *testing.T) *app {
	t.Helper()
	a := startApp(t)
	if err := synth.Progress(context.Background(), a.store, a.town, 7); err != nil {
		t.Fatal(err)
	}
	return a
}

// logged counts the log entries of kind about object id.
func logged(t *testing.T, a *app, kind string, id vigil.ID) int {
	t.Helper()
	rows, err := a.db.Reader.Query(a.db.Rebind(`SELECT data FROM log_entries WHERE object_id = ?`), string(id))
	if err != nil {
		t.Fatal(err)
	}
	defer rows.Close()
	n := 0
	for rows.Next() {
		var data []byte
		rows.Scan(&data)
		if e, err := ledger.ParseEntry(data); err == nil && e.Kind == kind {
			n++
		}
	}
	return n
}

// waitLocation waits until the page's address contains want: after a
// form is sent, the old page may still be showing.
func waitLocation(t *testing.T, ctx context.Context, want string) {
	t.Helper()
	deadline := time.Now().Add(20 * time.Second)
	for time.Now().Before(deadline) {
		c, cancel := context.WithTimeout(ctx, 5*time.Second)
		loc, err := chromedp.Run(c, chromedp.Location())
		cancel()
		if err == nil && strings.Contains(loc, want) {
			return
		}
		time.Sleep(100 * time.Millisecond)
	}
	t.Fatalf("the page did not move to an address with %q", want)
}

// TestScrutinyFollowsFigure is the first "done when" of issue 8: a
// scrutiny panel member reads a dashboard (chart, its text alternatives,
// tables), changes the period, and follows a figure to the cases behind it,
// which are de-identified; an investigator following the same figure sees
// the children named, and opening one is logged.
func TestScrutinyFollowsFigure(t *testing.T) {
	a := oversightApp(t)
	ctx := tab(t, newBrowser(t))
	signIn(t, ctx, a, "scrutiny")
	do(t, ctx, "open oversight",
		chromedp.Click(chromedp.CSS(`nav a[href="/oversight"]`)),
		chromedp.WaitVisible(chromedp.CSS("#dashboards")))
	checkAccessibility(t, ctx, "oversight")
	do(t, ctx, "open the timeliness dashboard",
		chromedp.Click(chromedp.CSS(`#dashboards a[href^="/oversight/timeliness"]`)),
		chromedp.WaitVisible(chromedp.CSS("#table-clocks")))
	checkAccessibility(t, ctx, "timeliness dashboard")
	// The chart has a title and a description, and its table follows.
	if title := eval[string](t, ctx, `document.querySelector('svg.vigil-chart title').textContent`); !strings.Contains(title, "on time") {
		t.Errorf("chart title %q", title)
	}
	if desc := eval[string](t, ctx, `document.querySelector('svg.vigil-chart desc').textContent`); !strings.Contains(desc, "financial year") {
		t.Errorf("chart description %q", desc)
	}
	if rows := tableRows(t, ctx, "#trend-table"); len(rows) == 0 {
		t.Error("the chart's table is empty")
	}
	// Choose a financial year, then come back to the last 12 months.
	fy := vigil.FinancialYearOf(vigil.Now())
	do(t, ctx, "choose this financial year",
		chromedp.SetValue(chromedp.CSS("#period"), fy.Key),
		chromedp.Click(chromedp.CSS("#show-period")))
	waitLocation(t, ctx, "period="+fy.Key)
	do(t, ctx, "wait for the figures", chromedp.WaitVisible(chromedp.CSS("#table-clocks")))
	if got := text(t, ctx, "#period-shown"); !strings.Contains(got, fy.Label) {
		t.Errorf("after choosing %s the page shows %q", fy.Key, got)
	}
	do(t, ctx, "choose the last 12 months",
		chromedp.SetValue(chromedp.CSS("#period"), "12m"),
		chromedp.Click(chromedp.CSS("#show-period")))
	waitLocation(t, ctx, "period=12m")
	do(t, ctx, "wait for the figures", chromedp.WaitVisible(chromedp.CSS("#table-clocks")))
	// Follow the total of the decisions on referrals.
	rows := tableRows(t, ctx, "#table-clocks")
	if len(rows) == 0 {
		t.Fatal("no rows in the timeliness table")
	}
	link := `#table-clocks a[href*="row=decision"][href*="col=total"]`
	figure := text(t, ctx, link)
	do(t, ctx, "follow the figure", chromedp.Click(chromedp.CSS(link)), chromedp.WaitVisible(chromedp.CSS("#figure-cases")))
	checkAccessibility(t, ctx, "cases behind a figure, de-identified")
	listed := tableRows(t, ctx, "#figure-cases")
	if n := len(listed); n == 0 || figure == "" {
		t.Fatalf("the figure %q lists %d cases", figure, n)
	}
	if !exists(t, ctx, "#deidentified-note") || exists(t, ctx, `#figure-cases a[href^="/cases/"]`) {
		t.Error("a scrutiny member's list is not de-identified")
	}
	page := text(t, ctx, "main")
	for _, c := range a.town.Cases {
		if strings.Contains(page, c.Child.Name) {
			t.Errorf("a scrutiny member sees the name of the child of %s", c.Ref)
		}
	}
	figureURL := location(t, ctx)

	// An investigator may open identified records; opening one is logged.
	inv := tab(t, newBrowser(t))
	signIn(t, inv, a, "investigator")
	do(t, inv, "open the same figure", chromedp.Navigate(figureURL), chromedp.WaitVisible(chromedp.CSS("#figure-cases")))
	checkAccessibility(t, inv, "cases behind a figure, identified")
	if !exists(t, inv, `#figure-cases a[href^="/cases/"]`) || !exists(t, inv, "#identified-note") {
		t.Fatal("the investigator's list is not identified")
	}
	href := eval[string](t, inv, `document.querySelector('#figure-cases a[href^="/cases/"]').getAttribute('href')`)
	id := vigil.ID(strings.TrimPrefix(href, "/cases/"))
	before := logged(t, a, "record.viewed", id)
	do(t, inv, "open the case", chromedp.Click(chromedp.CSS(`#figure-cases a[href="`+href+`"]`)), chromedp.WaitVisible(chromedp.CSS("#chronology")))
	if after := logged(t, a, "record.viewed", id); after != before+1 {
		t.Errorf("opening the case from a figure logged %d reads, want 1", after-before)
	}
	if logged(t, a, "record.listed", id) == 0 {
		t.Error("seeing the named case in the figure's list was not logged")
	}
	verifyLog(t, a)
}

// TestPublishedReleaseVerifies is the second "done when": the director
// publishes last month's statistics; a member of the public, with
// JavaScript off, finds the release on /transparency; and the release's
// proof checks against a checkpoint signed by the log's key, a checkpoint
// with which the log served at /log is consistent.
func TestPublishedReleaseVerifies(t *testing.T) {
	a := oversightApp(t)
	ctx := tab(t, newBrowser(t))
	signIn(t, ctx, a, "director")
	do(t, ctx, "open the publish page",
		chromedp.Navigate(a.url+"/oversight/publish"),
		chromedp.WaitVisible(chromedp.CSS("#period")))
	checkAccessibility(t, ctx, "publish statistics")
	m := vigil.Now().In(vigil.London).AddDate(0, -1, 0)
	do(t, ctx, "publish last month",
		chromedp.SetValue(chromedp.CSS("#period"), vigil.Month(m.Year(), m.Month()).Key),
		chromedp.Click(chromedp.CSS("main form button[type=submit]")))
	waitNotice(t, ctx, "Statistics published. They are now in the log and on this public page, and cannot be changed.")
	checkAccessibility(t, ctx, "release page")
	releaseURL := strings.Split(location(t, ctx), "?")[0]

	_, public := noScriptBrowser(t)
	do(t, public, "find the release",
		chromedp.Navigate(a.url+"/"),
		chromedp.Click(chromedp.CSS(`nav a[href="/transparency"]`)),
		chromedp.WaitVisible(chromedp.CSS("#releases")),
		chromedp.Click(chromedp.CSS(`#releases a[href^="/transparency/"]`)),
		chromedp.WaitVisible(chromedp.CSS("#checkpoint")))
	if got := strings.Split(location(t, public), "?")[0]; got != releaseURL {
		t.Fatalf("the public found %s, not %s", got, releaseURL)
	}
	shownCheckpoint := text(t, public, "#checkpoint")
	shownKey := text(t, public, "#verifier-key")

	// Download the proof as anyone would, and check it with the key the
	// test trusts (not the one the page shows, though they must agree).
	resp, err := http.Get(releaseURL + "/release.json")
	if err != nil {
		t.Fatal(err)
	}
	b, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	var proof vigil.ReleaseProof
	if err := json.Unmarshal(b, &proof); err != nil {
		t.Fatal(err)
	}
	vkey := a.key.VerifierKey()
	if shownKey != vkey {
		t.Errorf("the page shows key %q, the log's is %q", shownKey, vkey)
	}
	cp, err := sqlstore.VerifyReleaseProof(&proof, vkey)
	if err != nil {
		t.Fatalf("the release does not verify against the log's checkpoint: %v", err)
	}
	if strings.TrimSpace(shownCheckpoint) != strings.TrimSpace(proof.Checkpoint) {
		t.Errorf("the page's checkpoint is not the proof's")
	}
	// The figures on the page are the committed figures.
	var f vigil.ReleaseFigures
	json.Unmarshal([]byte(proof.Figures), &f)
	first := f.Tables[0]
	if got := text(t, public, "#table-"+first.Dashboard+"-"+first.Key+"-caption"); got != first.Title {
		t.Errorf("first table shown as %q, committed as %q", got, first.Title)
	}
	// The log as served now is consistent with the release's checkpoint:
	// nobody has rewritten history since it was published.
	a.store.Log().Checkpoint(context.Background())
	ctxA, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	rep, err := ledger.Audit(ctxA, http.DefaultClient, a.url+"/log", vkey, []byte(proof.Checkpoint))
	if err != nil {
		t.Fatalf("audit of the log from the release's checkpoint (size %d): %v", cp.Size, err)
	}
	t.Logf("release %d is entry %d; %s", proof.Release.Number, proof.Index, rep.Summary())
	// The same pages pass the accessibility check with scripts on.
	pub := tab(t, newBrowser(t))
	do(t, pub, "open published statistics", chromedp.Navigate(a.url+"/transparency"), chromedp.WaitVisible(chromedp.CSS("#releases")))
	checkAccessibility(t, pub, "published statistics")
	do(t, pub, "open the release", chromedp.Navigate(releaseURL), chromedp.WaitVisible(chromedp.CSS("#checkpoint")))
	checkAccessibility(t, pub, "public release page")
}

// TestOverdueActionEscalates is the third "done when": a commissioner
// enters an action plan whose action is already past its deadline; the
// sweep escalates it and climbs it to independent oversight, where the
// scrutiny panel answers it; its owner cannot mark it done without
// evidence; the panel signs it off; the public sees each state.
func TestOverdueActionEscalates(t *testing.T) {
	a := startApp(t)
	ctx := tab(t, newBrowser(t))
	signIn(t, ctx, a, "commissioner")
	do(t, ctx, "open action plans",
		chromedp.Navigate(a.url+"/action-plans"),
		chromedp.WaitVisible(chromedp.CSS("#new-plan")),
		chromedp.Click(chromedp.CSS("#new-plan")),
		chromedp.WaitVisible(chromedp.CSS("#title")))
	checkAccessibility(t, ctx, "enter an action plan")
	do(t, ctx, "enter the plan",
		chromedp.SendKeys(chromedp.CSS("#title"), "Response to the inspection of children's services"),
		chromedp.SendKeys(chromedp.CSS("#report"), "Inspection of Kettleford Borough Council (Casey, 2015)"),
		chromedp.SendKeys(chromedp.CSS("#report-date-day"), "4"),
		chromedp.SendKeys(chromedp.CSS("#report-date-month"), "2"),
		chromedp.SendKeys(chromedp.CSS("#report-date-year"), "2015"),
		chromedp.Click(chromedp.CSS(`input[name="public"][value="yes"]`)),
		chromedp.Click(chromedp.CSS("main form button[type=submit]")))
	waitNotice(t, ctx, "Action plan entered.")
	planURL := strings.Split(location(t, ctx), "?")[0]
	do(t, ctx, "add a recommendation",
		chromedp.SendKeys(chromedp.CSS("#rec-number"), "3"),
		chromedp.SendKeys(chromedp.CSS("#rec-text"), "Put a named senior officer in charge of the response to child sexual exploitation."),
		chromedp.Click(chromedp.CSS("#new-recommendation button")))
	waitNotice(t, ctx, "Recommendation added.")
	prefix := eval[string](t, ctx, `document.querySelector('section.recommendation').id`)
	owner := a.town.Login("service.manager").User
	due := vigil.Now().AddDate(0, 0, -2)
	do(t, ctx, "agree an action already past its deadline",
		chromedp.Click(chromedp.CSS("#"+prefix+" details summary")),
		chromedp.SendKeys(chromedp.CSS("#"+prefix+"-title"), "Appoint the senior officer and publish their name"),
		chromedp.SetValue(chromedp.CSS("#"+prefix+"-owner"), string(owner.ID)),
		chromedp.SendKeys(chromedp.CSS("#"+prefix+"-due-day"), due.In(vigil.London).Format("2")),
		chromedp.SendKeys(chromedp.CSS("#"+prefix+"-due-month"), due.In(vigil.London).Format("1")),
		chromedp.SendKeys(chromedp.CSS("#"+prefix+"-due-year"), due.In(vigil.London).Format("2006")),
		chromedp.SendKeys(chromedp.CSS("#"+prefix+"-evidence"), "The appointment letter and the council's web page naming the officer"),
		chromedp.Click(chromedp.CSS("#"+prefix+" form button")))
	waitNotice(t, ctx, "Action agreed.")
	checkAccessibility(t, ctx, "action plan")

	// The sweeper runs: the action escalates to its owner, and then, not
	// answered, up the ladder to independent oversight.
	now := vigil.Now()
	for _, days := range []int{0, 10, 20, 40} {
		if _, err := a.store.Sweep(context.Background(), now.AddDate(0, 0, days)); err != nil {
			t.Fatal(err)
		}
		if days == 0 {
			do(t, ctx, "reload the plan", chromedp.Navigate(planURL), chromedp.WaitVisible(chromedp.CSS(".action-status")))
			if s := text(t, ctx, ".action-status"); !strings.Contains(s, "Overdue") || !strings.Contains(s, "Escalated to: Action owner") {
				t.Errorf("after the first sweep the action shows %q", s)
			}
		}
	}
	do(t, ctx, "reload the plan", chromedp.Navigate(planURL), chromedp.WaitVisible(chromedp.CSS(".action-status")))
	if s := text(t, ctx, ".action-status"); !strings.Contains(s, "Escalated to: Independent oversight") {
		t.Errorf("after the climb the action shows %q", s)
	}

	// The scrutiny panel, in its own browser, answers the escalation.
	panel := tab(t, newBrowser(t))
	signIn(t, panel, a, "scrutiny")
	do(t, panel, "open action plans", chromedp.Navigate(a.url+"/action-plans"), chromedp.WaitVisible(chromedp.CSS("#action-escalations")))
	checkAccessibility(t, panel, "action plans with escalations")
	do(t, panel, "open the escalated action",
		chromedp.Click(chromedp.CSS(`#action-escalations a[href^="/actions/"]`)),
		chromedp.WaitVisible(chromedp.CSS("#escalation")))
	actionURL := strings.Split(location(t, panel), "?")[0]
	checkAccessibility(t, panel, "escalated action")
	do(t, panel, "answer the escalation",
		chromedp.SendKeys(chromedp.CSS("#esc-decision"), "The director must appoint the officer at the next cabinet meeting; the panel will review then."),
		chromedp.Click(chromedp.CSS("#answer-escalation")))
	waitNotice(t, panel, "Escalation answered. Your decision has been recorded.")

	// The owner cannot mark it done without evidence; what they typed stays.
	sm := tab(t, newBrowser(t))
	signIn(t, sm, a, "service.manager")
	do(t, sm, "open the action", chromedp.Navigate(actionURL), chromedp.WaitVisible(chromedp.CSS("#report-progress")))
	do(t, sm, "mark it done without evidence",
		chromedp.Click(chromedp.CSS(`input[name="status"][value="done"]`)),
		chromedp.SendKeys(chromedp.CSS("#note"), "Officer appointed on Monday"),
		chromedp.Click(chromedp.CSS("#report-progress")),
		chromedp.WaitVisible(chromedp.CSS(".govuk-error-summary")))
	if s := text(t, sm, ".govuk-error-summary"); !strings.Contains(s, "evidence") {
		t.Errorf("error summary = %q", s)
	}
	if v := value(t, sm, "#note"); v != "Officer appointed on Monday" {
		t.Errorf("the note typed was lost: %q", v)
	}
	checkAccessibility(t, sm, "action with an error")
	do(t, sm, "mark it done with evidence",
		chromedp.Click(chromedp.CSS(`input[name="status"][value="done"]`)),
		chromedp.SendKeys(chromedp.CSS("#evidence"), "Appointment letter of 3 March; council web page /cse-lead"),
		chromedp.Click(chromedp.CSS("#report-progress")))
	waitNotice(t, sm, "Action marked done. The scrutiny panel will review the evidence.")

	_, public := noScriptBrowser(t)
	do(t, public, "read the plan's progress", chromedp.Navigate(planURL), chromedp.WaitVisible(chromedp.CSS(".rec-state")))
	if s := text(t, public, ".rec-state"); s != "Done, awaiting scrutiny sign-off" {
		t.Errorf("the public sees %q", s)
	}
	if strings.Contains(text(t, public, "main"), owner.Name) {
		t.Error("the public page names the owner")
	}

	do(t, panel, "open the action to sign it off",
		chromedp.Navigate(actionURL), chromedp.WaitVisible(chromedp.CSS("#sign-off")),
		chromedp.Click(chromedp.CSS(`input[name="signoff"][value="accept"]`)),
		chromedp.SendKeys(chromedp.CSS("#decision"), "Letter and web page seen."),
		chromedp.Click(chromedp.CSS("#sign-off")))
	waitNotice(t, panel, "Action signed off.")
	do(t, public, "read the plan's progress again", chromedp.Navigate(planURL), chromedp.WaitVisible(chromedp.CSS(".rec-state")))
	if s := text(t, public, ".rec-state"); s != "Complete: signed off by scrutiny" {
		t.Errorf("after sign-off the public sees %q", s)
	}
	pub := tab(t, newBrowser(t))
	do(t, pub, "open the public plan", chromedp.Navigate(planURL), chromedp.WaitVisible(chromedp.CSS(".rec-state")))
	checkAccessibility(t, pub, "public action plan")
	verifyLog(t, a)
}
