package e2e

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"github.com/vigil-project/vigil"
)

// TestHotspotPeriodInTheBrowser: an analyst chooses a period on the
// hotspots page, sees the place named in it with the period, and is shown
// a mistake in the form; each page passes axe-core.
func TestHotspotPeriodInTheBrowser(t *testing.T) {
	a := startApp(t)
	ctx := context.Background()
	dsl := vigil.UserActor(a.town.Login("school.dsl").User)
	age := 14
	c, _, err := a.store.RaiseConcern(ctx, dsl, vigil.NewConcern{Child: vigil.Child{Name: "Browser Hotspot", Age: &age},
		WhatHappened: "Taken to a takeaway by older men."})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := a.store.RecordMentions(ctx, dsl, c.ID, []vigil.Mention{{Kind: vigil.MentionVenue, VenueName: "Browser Grill",
		VenueKind: "takeaway", Postcode: "S60 7QQ"}}); err != nil {
		t.Fatal(err)
	}
	day := vigil.Now().In(vigil.London).Format(time.DateOnly)
	analyst := tab(t, newBrowser(t))
	signIn(t, analyst, a, "police.analyst")
	do(t, analyst, "choose a period",
		chromedp.Navigate(a.url+"/hotspots"),
		chromedp.WaitVisible(chromedp.CSS("#show-hotspots")),
		chromedp.SendKeys(chromedp.CSS("#from"), day),
		chromedp.SendKeys(chromedp.CSS("#to"), day),
		chromedp.Click(chromedp.CSS("#show-hotspots")),
		chromedp.WaitVisible(chromedp.CSS("#hotspots")))
	checkAccessibility(t, analyst, "hotspots in a period")
	if got := text(t, analyst, "#hotspots"); !strings.Contains(got, "Browser Grill") || !strings.Contains(got, day+" to "+day) {
		t.Errorf("hotspots in the period: %q", got)
	}
	do(t, analyst, "a year with days",
		chromedp.SendKeys(chromedp.CSS("#year"), "2025"),
		chromedp.Click(chromedp.CSS("#show-hotspots")),
		chromedp.WaitVisible(chromedp.CSS(".govuk-error-summary")))
	checkAccessibility(t, analyst, "hotspots with an error")
}
