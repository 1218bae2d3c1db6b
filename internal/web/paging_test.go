package web_test

import (
	"context"
	"html"
	"net/http"
	"net/url"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"testing"

	"github.com/vigil-project/vigil"
)

var (
	entryRow = regexp.MustCompile(`<tr class="govuk-table__row" id="entry-(\d+)"`)
	linkCard = regexp.MustCompile(`<div class="govuk-summary-card" id="link-([a-z0-9]+)"`)
	nextLink = regexp.MustCompile(`href="([^"]+)" rel="next"`)
	prevLink = regexp.MustCompile(`href="([^"]+)" rel="prev"`)
)

// follow returns the address of the first match of re in b, or "".
func follow(re *regexp.Regexp, b string) string {
	if m := re.FindStringSubmatch(b); m != nil {
		return html.UnescapeString(m[1])
	}
	return ""
}

// ids returns the first group of every match of re in b.
func ids(re *regexp.Regexp, b string) []string {
	var out []string
	for _, m := range re.FindAllStringSubmatch(b, -1) {
		out = append(out, m[1])
	}
	return out
}

// TestTimelinePages: a case read 120 times has a timeline of three pages;
// following "Later" from the first page and "Earlier" from the last, the
// investigator meets every entry once, each page at most 50 entries, and
// the summary counts them all; a page asked for wrongly is refused.
func TestTimelinePages(t *testing.T) {
	s := newSite(t)
	ctx := context.Background()
	age := 12
	_, cs, err := s.store.RaiseConcern(ctx, s.actor("school.dsl"), vigil.NewConcern{Child: vigil.Child{Name: "Paged Timeline", Age: &age},
		WhatHappened: "Seen with older men."})
	if err != nil {
		t.Fatal(err)
	}
	for range 120 {
		if _, err := s.store.FindCase(ctx, s.actor("team.manager"), cs.ID, "case page"); err != nil {
			t.Fatal(err)
		}
	}
	inv := s.signIn(t, "investigator")
	walk := func(start string, next *regexp.Regexp) (pages [][]string, last string) {
		t.Helper()
		for p := start; p != "" && len(pages) < 10; {
			code, b := s.get(t, inv, p)
			if code != http.StatusOK {
				t.Fatalf("%s: status %d", p, code)
			}
			rows := ids(entryRow, b)
			if len(rows) == 0 || len(rows) > vigil.DefaultTimelinePage {
				t.Errorf("%s shows %d entries", p, len(rows))
			}
			pages, last = append(pages, rows), b
			p = follow(next, b)
		}
		return pages, last
	}
	timeline := "/cases/" + string(cs.ID) + "/timeline"
	forwards, lastPage := walk(timeline, nextLink)
	if len(forwards) != 3 {
		t.Fatalf("%d pages forwards, want 3", len(forwards))
	}
	var all []string
	for _, p := range forwards {
		all = append(all, p...)
	}
	if len(slices.Compact(slices.Clone(all))) != len(all) {
		t.Errorf("%d entries on the pages, some twice", len(all))
	}
	if want := ">The log holds " + strconv.Itoa(len(all)) + " entries"; !strings.Contains(lastPage, want) {
		t.Errorf("the last page's summary does not count %d entries", len(all))
	}
	// The last page links to the earlier ones; walking back meets the
	// same entries (and the reads the walk made, on the last page).
	_, first := s.get(t, inv, timeline)
	m := regexp.MustCompile(`href="([^"]+)" id="timeline-pages-last"`).FindStringSubmatch(first)
	if m == nil {
		t.Fatal("the first page does not link to the last")
	}
	backwards, _ := walk(html.UnescapeString(m[1]), prevLink)
	slices.Reverse(backwards)
	var back []string
	for _, p := range backwards {
		back = append(back, p...)
	}
	if len(back) < len(all) || !slices.Equal(back[:len(all)], all) {
		t.Errorf("walking back met %d entries, forwards %d: they differ", len(back), len(all))
	}
	for _, q := range []string{"?start=x", "?before=-1", "?start=3&before=9"} {
		if code, _ := s.get(t, inv, timeline+q); code == http.StatusOK {
			t.Errorf("%s: status %d", q, code)
		}
	}
	// The period view pages as well, keeping its dates.
	code, b := s.get(t, inv, "/timeline")
	if code != http.StatusOK || len(ids(entryRow, b)) != vigil.DefaultTimelinePage {
		t.Fatalf("period view: %d, %d entries", code, len(ids(entryRow, b)))
	}
	next := follow(nextLink, b)
	if u, err := url.Parse(next); err != nil || u.Query().Get("start") == "" {
		t.Errorf("the period's next page is %q", next)
	}
}

// TestLinkPages names one car in 24 reports about 24 children, which
// raises more than 20 pattern alerts: the analyst's review queue shows 20
// a page with the count of all, and the car's network shows its links ten
// a page; following "Next" meets every link once; a decision made on the
// second page returns to it.
func TestLinkPages(t *testing.T) {
	s := newSite(t)
	ctx := context.Background()
	dsl, analyst := s.actor("school.dsl"), s.actor("police.analyst")
	var car vigil.ID
	for i := range 24 {
		c, _, err := s.store.RaiseConcern(ctx, dsl, vigil.NewConcern{Child: vigil.Child{Name: "Child " + string(rune('A'+i)) + " Pager", DateOfBirth: "2011-09-14"},
			WhatHappened: "Seen getting into a car outside school."})
		if err != nil {
			t.Fatal(err)
		}
		ms, err := s.store.RecordMentions(ctx, dsl, c.ID, []vigil.Mention{{Kind: vigil.MentionVehicle, Plate: "YA12 CDE", Colour: "silver", Make: "Toyota"}})
		if err != nil {
			t.Fatal(err)
		}
		car = ms[0].ID
		if _, err := s.store.Entity(ctx, analyst, car); err != nil { // brings linking up to date
			t.Fatal(err)
		}
	}
	queue, err := s.store.ReviewQueue(ctx, analyst, 0, vigil.MaxReviewPage)
	if err != nil {
		t.Fatal(err)
	}
	if queue.Total <= vigil.DefaultReviewPage {
		t.Fatalf("%d links for review, want more than a page", queue.Total)
	}
	c := s.signIn(t, "police.analyst")
	walk := func(start string) (pages [][]string) {
		t.Helper()
		for p := start; p != "" && len(pages) < 20; {
			code, b := s.get(t, c, p)
			if code != http.StatusOK {
				t.Fatalf("%s: status %d", p, code)
			}
			pages = append(pages, ids(linkCard, b))
			p = follow(nextLink, b)
		}
		return pages
	}
	pages := walk("/links/review")
	var seen []string
	for i, p := range pages {
		if len(p) > vigil.DefaultReviewPage || i < len(pages)-1 && len(p) != vigil.DefaultReviewPage {
			t.Errorf("queue page %d shows %d links", i+1, len(p))
		}
		seen = append(seen, p...)
	}
	if len(seen) != queue.Total || len(slices.Compact(slices.Clone(seen))) != len(seen) {
		t.Errorf("the queue's pages show %d links, the queue holds %d", len(seen), queue.Total)
	}
	if _, b := s.get(t, c, "/links/review?page=2"); !strings.Contains(b, strconv.Itoa(queue.Total)+" items waiting") {
		t.Error("the second page does not count the whole queue")
	}
	for _, q := range []string{"?page=0", "?page=x"} {
		if code, _ := s.get(t, c, "/links/review"+q); code == http.StatusOK {
			t.Errorf("%s: status %d", q, code)
		}
	}

	network := "/entities/" + string(car) + "/network"
	nw, err := s.store.EntityNetwork(ctx, analyst, car, vigil.NetworkQuery{Hops: 2, LinksLimit: vigil.MaxNetworkLinks})
	if err != nil {
		t.Fatal(err)
	}
	pages = walk(network)
	seen = nil
	for i, p := range pages {
		if len(p) > vigil.DefaultNetworkLinks || i < len(pages)-1 && len(p) != vigil.DefaultNetworkLinks {
			t.Errorf("network page %d shows %d links", i+1, len(p))
		}
		seen = append(seen, p...)
	}
	var want []string
	for _, l := range nw.Links {
		want = append(want, string(l.ID))
	}
	if len(pages) < 3 || !slices.Equal(seen, want) {
		t.Errorf("the network's %d pages show %d links, it has %d", len(pages), len(seen), len(want))
	}
	// A decision on the second page returns to it.
	second := pages[1][0]
	resp := s.post(t, c, "/links/"+second+"/decision", url.Values{"decision": {"reject"}, "back": {network + "?page=2"}}, nil)
	resp.Body.Close()
	if loc := resp.Header.Get("Location"); resp.StatusCode != http.StatusSeeOther || !strings.HasPrefix(loc, network+"?page=2&notice=link-rejected") {
		t.Errorf("deciding on the second page: %d, back to %q", resp.StatusCode, loc)
	}
	if _, b := s.get(t, c, network+"?page=2"); !strings.Contains(b, `id="links-pages"`) || !strings.Contains(b, `name="back" value="`+network+`?page=2"`) {
		t.Error("the second page's forms do not return to it")
	}
}
