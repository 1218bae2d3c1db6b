package e2e

import (
	"context"
	"strings"
	"testing"

	"github.com/chromedp/chromedp"

	"github.com/vigil-project/vigil"
)

// TestConflictFoundLaterInTheBrowser: the director opens a case; an
// administrator later records, through the person's conflict page, a
// conflict with a person named in it that the director never declared;
// the director's next visit to the case is refused; the investigator's
// case timeline, child timeline and period view show the conflict and
// mark the director's earlier read. Each page passes axe-core.
func TestConflictFoundLaterInTheBrowser(t *testing.T) {
	a := startApp(t)
	ctx := context.Background()
	_, cs, err := a.store.RaiseConcern(ctx, vigil.UserActor(a.town.Login("school.dsl").User), vigil.NewConcern{
		Child: vigil.Child{Name: "Browser Conflict", DateOfBirth: "2011-02-03"}, WhatHappened: "Seen with older men in a car.",
		OthersInvolved: "Wayne Nephewsby, who drives a white van"})
	if err != nil {
		t.Fatal(err)
	}
	caseURL := a.url + "/cases/" + string(cs.ID)
	director := tab(t, newBrowser(t))
	signIn(t, director, a, "director")
	do(t, director, "director opens the case", chromedp.Navigate(caseURL), chromedp.WaitVisible(chromedp.CSS("#owner")))

	dirID := a.town.Login("director").User.ID
	admin := tab(t, newBrowser(t))
	signIn(t, admin, a, "admin")
	do(t, admin, "open the director's conflicts",
		chromedp.Navigate(a.url+"/admin/people/"+string(dirID)),
		chromedp.Click(chromedp.CSS("#conflicts-link")),
		chromedp.WaitVisible(chromedp.CSS("#record-conflict")))
	checkAccessibility(t, admin, "conflicts of a person")
	do(t, admin, "record without a reason",
		chromedp.Click(chromedp.CSS(`input[name="conflict-kind"][value="person"]`)),
		chromedp.SendKeys(chromedp.CSS("#conflict-value"), "Wayne Nephewsby"),
		chromedp.Click(chromedp.CSS("#record-conflict")),
		chromedp.WaitVisible(chromedp.CSS(".govuk-error-summary")))
	checkAccessibility(t, admin, "conflicts with an error")
	do(t, admin, "record the conflict",
		chromedp.SendKeys(chromedp.CSS("#conflict-reason"), "Her nephew, found by the inquiry"),
		chromedp.Click(chromedp.CSS("#record-conflict")))
	waitNotice(t, admin, "Conflict of interest recorded. The cases it touches are closed to the person from their next request, and investigators can see it.")

	do(t, director, "director reopens the case", chromedp.Navigate(caseURL), chromedp.WaitVisible(chromedp.CSS("h1")))
	if h := text(t, director, "main"); !strings.Contains(h, "conflict of interest") {
		t.Errorf("the conflicted director's visit showed %q", h)
	}

	inv := tab(t, newBrowser(t))
	signIn(t, inv, a, "investigator")
	do(t, inv, "open the case timeline", chromedp.Navigate(caseURL+"/timeline"), chromedp.WaitVisible(chromedp.CSS("#timeline-conflicts")))
	checkAccessibility(t, inv, "case timeline with a conflict")
	if !exists(t, inv, `#timeline-conflicts tr[data-person="`+string(dirID)+`"][data-found-late="true"]`) {
		t.Error("the conflict is not shown as found after the director's reads")
	}
	if !exists(t, inv, `#timeline tr[data-actor="`+string(dirID)+`"][data-read="true"][data-conflicted="true"]`) {
		t.Error("the director's earlier read is not marked")
	}
	do(t, inv, "open the child timeline", chromedp.Click(chromedp.CSS("#child-timeline-link")), chromedp.WaitVisible(chromedp.CSS("#child-cases")))
	checkAccessibility(t, inv, "child timeline")
	if !exists(t, inv, `#timeline tr[data-actor="`+string(dirID)+`"][data-conflicted="true"]`) {
		t.Error("the child timeline does not mark the director's read")
	}
	do(t, inv, "open the period view", chromedp.Navigate(a.url+"/timeline"), chromedp.WaitVisible(chromedp.CSS("#period-summary")))
	checkAccessibility(t, inv, "period timeline")
	// The day comes a page at a time, oldest first: the case is recent.
	if exists(t, inv, "#timeline-pages-last") {
		do(t, inv, "go to the period's last page", chromedp.Click(chromedp.CSS("#timeline-pages-last")), chromedp.WaitVisible(chromedp.CSS("#period-summary")))
		checkAccessibility(t, inv, "period timeline, last page")
	}
	if !exists(t, inv, `#timeline tr[data-case="`+string(cs.ID)+`"]`) {
		t.Error("the period view has no entry about the case")
	}
}
