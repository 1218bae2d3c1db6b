package e2e

import (
	"context"
	"net/url"
	"strconv"
	"strings"
	"testing"

	"github.com/chromedp/chromedp"
	"github.com/vigil-project/vigil"
	"github.com/vigil-project/vigil/internal/link"
)

// TestOfficerNamesKnownCar: a police officer raises a concern that names,
// in a row of its own, a car the town's reports already name (its plate
// typed in lower case without a space), and an analyst then finds the new
// report joined to that car's earlier reports, with the evidence.
func TestOfficerNamesKnownCar(t *testing.T) {
	a, _, _ := startLinkedTown(t)
	bg := context.Background()

	// The whole plate the town's reports name most often.
	rows, err := a.db.Reader.Query(`SELECT plate FROM mentions WHERE kind = 'vehicle' AND plate IS NOT NULL`)
	if err != nil {
		t.Fatal(err)
	}
	count := map[string]int{}
	for rows.Next() {
		var plate string
		if err := rows.Scan(&plate); err != nil {
			t.Fatal(err)
		}
		if p := link.NormalisePlate(plate); p.Key != "" && !p.Partial {
			count[p.Text]++
		}
	}
	rows.Close()
	plate := ""
	for p, n := range count {
		if plate == "" || n > count[plate] || n == count[plate] && p < plate {
			plate = p
		}
	}
	if plate == "" {
		t.Fatal("the town's reports name no whole plate")
	}
	typed := strings.ToLower(strings.ReplaceAll(plate, " ", ""))

	ctx := tab(t, newBrowser(t))
	signIn(t, ctx, a, "police.officer")
	do(t, ctx, "open the concern form",
		chromedp.Navigate(a.url+"/concerns/new"),
		chromedp.WaitVisible(chromedp.CSS("#vehicle-0-plate")))
	do(t, ctx, "ask for a second vehicle row",
		chromedp.SendKeys(chromedp.CSS("#child-name"), "Jade Newreport"),
		chromedp.SendKeys(chromedp.CSS("#child-age"), "15"),
		chromedp.SendKeys(chromedp.CSS("#what-happened"), "Stopped at 23:40 in a car with two adult men; she would not say where she had been."),
		chromedp.SendKeys(chromedp.CSS("#vehicle-0-plate"), typed),
		chromedp.Click(chromedp.CSS("#add-vehicle")),
		chromedp.WaitVisible(chromedp.CSS("#vehicle-1-plate")))
	if got := value(t, ctx, "#vehicle-0-plate"); got != typed {
		t.Errorf("the plate typed was lost when a row was added: %q", got)
	}
	if got := value(t, ctx, "#child-name"); got != "Jade Newreport" {
		t.Errorf("the child's name was lost when a row was added: %q", got)
	}
	checkAccessibility(t, ctx, "raise a concern with mention rows")
	do(t, ctx, "name a suspect without a role, then raise",
		chromedp.SendKeys(chromedp.CSS("#person-0-name"), "Older man called Kash"),
		chromedp.SendKeys(chromedp.CSS("#vehicle-0-colour"), "grey"),
		chromedp.Click(chromedp.CSS("#raise-concern")),
		chromedp.WaitVisible(chromedp.CSS(".govuk-error-summary")))
	if s := text(t, ctx, ".govuk-error-summary"); !strings.Contains(s, "Say who the person is") {
		t.Errorf("error summary %q does not ask for the person's role", s)
	}
	if got := value(t, ctx, "#vehicle-0-plate"); got != typed {
		t.Errorf("the plate typed was lost on the error page: %q", got)
	}
	do(t, ctx, "give the role and raise",
		chromedp.SetValue(chromedp.CSS("#person-0-role"), "suspect"),
		chromedp.Click(chromedp.CSS("#raise-concern")),
		chromedp.WaitVisible(chromedp.CSS("#chronology")))
	u, err := url.Parse(location(t, ctx))
	if err != nil || !strings.HasPrefix(u.Path, "/cases/") {
		t.Fatalf("after raising, the page is %v", u)
	}
	caseID := vigil.ID(strings.TrimPrefix(u.Path, "/cases/"))
	if s := text(t, ctx, "table.vigil-mentions"); !strings.Contains(s, typed) || !strings.Contains(s, "suspect: Older man called Kash") {
		t.Errorf("the case page lists %q, want the car and the suspect", s)
	}
	signOut(t, ctx)

	var car vigil.ID
	if err := a.db.Reader.QueryRow(a.db.Rebind(`SELECT id FROM mentions WHERE case_id = ? AND kind = 'vehicle'`), caseID).Scan(&car); err != nil {
		t.Fatal(err)
	}
	analyst := vigil.UserActor(a.town.Login("police.analyst").User)
	ent, err := a.store.Entity(bg, analyst, car)
	if err != nil {
		t.Fatal(err)
	}
	if len(ent.Concerns) < 2 {
		t.Fatalf("the new report's car is not joined to the town's: %d reports", len(ent.Concerns))
	}

	signIn(t, ctx, a, "police.analyst")
	do(t, ctx, "open the car named by the new report",
		chromedp.Navigate(a.url+"/entities/"+string(car)),
		chromedp.WaitVisible(chromedp.CSS("#entity-timeline")))
	if n := eval[int](t, ctx, `document.querySelectorAll('#entity-timeline tbody tr').length`); n != len(ent.Concerns) || n < 2 {
		t.Errorf("the timeline shows %d reports, want %d (at least 2)", n, len(ent.Concerns))
	}
	// The analyst sees the new report's case on the timeline, unlinked:
	// analysts do not open cases they are not involved in.
	if n := eval[int](t, ctx, `[...document.querySelectorAll('#entity-timeline tbody tr td:nth-child(2)')].filter(td => td.textContent.trim() === `+
		strconv.Quote(string(caseID))+`).length`); n != 1 {
		t.Errorf("the timeline shows the new report's case %d times, want once", n)
	}
	if exists(t, ctx, `#entity-timeline a[href="/cases/`+string(caseID)+`"]`) {
		t.Error("the timeline links the analyst to a case they cannot open")
	}
	// The link that joined the new record carries its evidence: the plate.
	sel := `#links .govuk-summary-card:has(a[href="/entities/` + string(car) + `"])`
	if !exists(t, ctx, sel) {
		t.Fatal("no link joins the new report's car")
	}
	if ev := text(t, ctx, sel+" table tbody"); !strings.Contains(ev, "plate") {
		t.Errorf("the link's evidence is %q, want the plate", ev)
	}
	checkAccessibility(t, ctx, "entity named by a new report")
}
