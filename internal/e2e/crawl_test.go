package e2e

import (
	"context"
	"fmt"
	"net/url"
	"path"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"github.com/vigil-project/vigil"
	"github.com/vigil-project/vigil/internal/speakup"
	"github.com/vigil-project/vigil/internal/synth"
)

// The crawl: every demo role, and a visitor with no account, follows every
// link Vigil shows them, breadth first from the home page, and every page
// they reach must open (200: a page must not link anyone to something they
// may not open), show without a template error, and pass axe-core's WCAG
// 2.2 A and AA rules.

// crawlRoles are the demo logins crawled, one of each role; "" is a
// visitor with no account.
var crawlRoles = []struct{ role, username string }{
	{"visitor", ""},
	{"administrator", "admin"},
	{"director", "director"},
	{"service manager", "service.manager"},
	{"team manager", "team.manager"},
	{"social worker", "social.worker"},
	{"police officer", "police.officer"},
	{"police analyst", "police.analyst"},
	{"safeguarding lead", "school.dsl"},
	{"health practitioner", "health.nurse"},
	{"referrer", "referrer"},
	{"scrutiny member", "scrutiny"},
	{"investigator", "investigator"},
	{"commissioner", "commissioner"},
}

const (
	crawlMaxPages      = 60 // pages visited per role
	crawlPerPattern    = 2  // pages visited per route pattern, e.g. /cases/{id}
	crawlPageTimeLimit = 20 * time.Second
	// crawlMaxElements is the most elements a page may have. The largest
	// ordinary page (a statistics release) has about 1,200; a list of
	// thousands of rows needs pages of its own (GOV.UK pagination), and
	// axe-core takes minutes on it, holding the tab, so it is not run.
	crawlMaxElements = 3000
)

// knownTooLarge are the route patterns whose pages can outgrow
// crawlMaxElements on a loaded town, reported and not yet fixed: each
// needs paging through its store method, API and page. They are logged,
// not failed; remove a pattern when its page is paged. (None is known:
// the timelines, the review queue and the network are paged.)
var knownTooLarge = map[string]string{}

// startCrawlTown is startLinkedTown with what the demo adds: demographics
// and an action plan, the speak-up channel with a report on each channel,
// and the statistics releases that are due, so that every kind of page
// has something on it.
func startCrawlTown(t *testing.T) *app {
	t.Helper()
	a, _, _ := startLinkedTown(t)
	ctx := context.Background()
	if err := synth.SeedOversight(ctx, a.store, a.town, 3); err != nil {
		t.Fatal(err)
	}
	if err := synth.SeedSpeakUp(ctx, a.store, a.town); err != nil {
		t.Fatal(err)
	}
	for _, n := range []speakup.NewReport{
		{Content: speakup.Content{Channel: speakup.ChannelChild, Child: speakup.Child{Name: "Kayleigh", Age: "13"},
			What: "A man in a grey car waits outside the school gates most afternoons and she gets in."}},
		{Content: speakup.Content{Channel: speakup.ChannelStaff, AboutID: a.town.Agencies[vigil.AgencyChildrensServices].ID,
			What: "Managers told us to close referrals about the takeaway without visiting."}},
	} {
		if _, _, err := a.store.Submit(ctx, n); err != nil {
			t.Fatalf("speak-up report: %v", err)
		}
	}
	if _, err := a.store.PublishDue(ctx, vigil.Now()); err != nil {
		t.Fatal(err)
	}
	return a
}

// TestCrawlEveryRole crawls the site as each role; see the top of this file.
// Roles are crawled two at a time, each in a browser context of its own.
func TestCrawlEveryRole(t *testing.T) {
	browser := newBrowser(t)
	start := time.Now()
	a := startCrawlTown(t)
	t.Logf("town ready in %s", time.Since(start).Round(time.Millisecond))
	var (
		mu       sync.Mutex
		problems []string
		total    int
	)
	t.Run("roles", func(t *testing.T) {
		slots := make(chan struct{}, 2)
		for _, r := range crawlRoles {
			t.Run(strings.ReplaceAll(r.role, " ", "_"), func(t *testing.T) {
				t.Parallel()
				slots <- struct{}{}
				defer func() { <-slots }()
				began := time.Now()
				ctx := isolatedTab(t, browser)
				if r.username != "" {
					signIn(t, ctx, a, r.username)
					for _, rc := range synth.SpeakUpRecipients {
						if rc.Username == r.username {
							unlockInbox(t, ctx, a, r.username) // so that the reports are there to follow
						}
					}
				}
				c := &crawler{t: t, ctx: ctx, base: a.url, role: r.role, anonymous: r.username == ""}
				defer func() { // also when the crawl stops on a page that does not answer
					if len(c.problems) > 0 {
						t.Errorf("%d problems: listed at the end", len(c.problems))
					}
					for _, k := range c.known {
						t.Log("known, too large: " + k)
					}
					t.Logf("%d pages (%d patterns) in %s", c.visited, len(c.patterns), time.Since(began).Round(time.Millisecond))
					mu.Lock()
					defer mu.Unlock()
					problems = append(problems, c.problems...)
					total += c.visited
				}()
				c.run()
			})
		}
	})
	t.Logf("crawled %d pages as %d roles in %s", total, len(crawlRoles), time.Since(start).Round(time.Millisecond))
	if len(problems) > 0 {
		slices.Sort(problems)
		t.Errorf("%d problems (role, address, problem):\n%s", len(problems), strings.Join(problems, "\n"))
	}
}

// isolatedTab opens a tab with cookies of its own, so that each role's
// session is separate.
func isolatedTab(t *testing.T, browser context.Context) context.Context {
	t.Helper()
	tctx, cancel := chromedp.NewContext(browser, chromedp.WithNewBrowserContext())
	t.Cleanup(cancel)
	if _, err := chromedp.Run(tctx, chromedp.Title()); err != nil {
		t.Fatalf("open a tab: %v", err)
	}
	return tctx
}

// crawler visits the pages one role is linked to.
type crawler struct {
	t         *testing.T
	ctx       context.Context
	base      string
	role      string
	anonymous bool

	seen     map[string]bool   // addresses queued or visited
	from     map[string]string // the page each address was first found on
	queue    []string          // addresses found and not visited, in the order found
	patterns map[string]int    // pages visited per route pattern
	visited  int
	problems []string
	known    []string // problems reported and not yet fixed: see knownTooLarge
}

func (c *crawler) run() {
	c.seen, c.from, c.patterns = map[string]bool{}, map[string]string{}, map[string]int{}
	c.enqueue("", "/")
	for c.visited < crawlMaxPages {
		next, ok := c.next()
		if !ok {
			return
		}
		c.visit(next)
	}
}

// next takes the first queued address of a route pattern not yet visited,
// or failing that the first whose pattern has been visited fewer than
// crawlPerPattern times.
func (c *crawler) next() (string, bool) {
	for _, limit := range []int{1, crawlPerPattern} {
		for i, u := range c.queue {
			if c.patterns[routePattern(u)] < limit {
				c.queue = slices.Delete(c.queue, i, i+1)
				return u, true
			}
		}
	}
	return "", false
}

func (c *crawler) problem(u, format string, args ...any) {
	msg := fmt.Sprintf("%s\t%s\t%s", c.role, u, fmt.Sprintf(format, args...))
	if from := c.from[u]; from != "" {
		msg += " (linked from " + from + ")"
	}
	c.problems = append(c.problems, msg)
}

// enqueue queues the address (path and query) of a link found on page
// from when the crawl should follow it.
func (c *crawler) enqueue(from, href string) {
	u, err := url.Parse(href)
	if err != nil {
		c.problem(from, "a link's address does not parse: %q: %v", href, err)
		return
	}
	base, _ := url.Parse(c.base)
	if u.IsAbs() && u.Host != base.Host || u.Scheme != "" && u.Scheme != base.Scheme {
		return // another site
	}
	u.Fragment = ""
	key := u.Path
	if u.RawQuery != "" {
		key += "?" + u.RawQuery
	}
	if !crawlable(u.Path) || c.seen[key] {
		return
	}
	c.seen[key], c.from[key] = true, from
	c.queue = append(c.queue, key)
}

// crawlable reports whether a link to p is a page to crawl: not the log's
// tiles (machine reading, checked by other tests), not a download, not
// signing out or starting a sign-in elsewhere.
func crawlable(p string) bool {
	switch {
	case p == "/log" || strings.HasPrefix(p, "/log/"), strings.HasPrefix(p, "/static/"), strings.HasPrefix(p, "/api/"),
		p == "/signout", strings.HasPrefix(p, "/signin/oidc"), strings.Contains(p, "/files/"):
		return false
	}
	switch path.Ext(p) {
	case ".csv", ".zip", ".json", ".original", ".copy", ".txt":
		return false
	}
	return !strings.HasSuffix(p, "/csv")
}

// routePattern collapses the ids in an address, and the values in its
// query, so that /cases/X and /cases/Y are one pattern.
func routePattern(key string) string {
	u, _ := url.Parse(key)
	segs := strings.Split(u.Path, "/")
	for i, s := range segs {
		if vigil.ID(s).Valid() || s != "" && strings.Trim(s, "0123456789") == "" {
			segs[i] = "{id}"
		}
	}
	p := strings.Join(segs, "/")
	if keys := slices.Sorted(func(yield func(string) bool) {
		for k := range u.Query() {
			if !yield(k) {
				return
			}
		}
	}); len(keys) > 0 {
		p += "?" + strings.Join(keys, "&")
	}
	return p
}

// visit opens one address, checks the page and queues its links.
func (c *crawler) visit(key string) {
	c.visited++
	c.patterns[routePattern(key)]++
	ctx, cancel := context.WithTimeout(c.ctx, crawlPageTimeLimit)
	resp, err := chromedp.Run(ctx, chromedp.NavigateResponse(c.base+key))
	cancel()
	if err != nil {
		c.problem(key, "could not open: %v", err)
		return
	}
	final, _ := url.Parse(resp.URL)
	if resp.Status != 200 {
		c.problem(key, "status %d %s", resp.Status, strings.TrimSpace(c.text("main h1")))
		return
	}
	if final.Path == "/signin" && !strings.HasPrefix(key, "/signin") {
		c.problem(key, "linked to a page that needs signing in (sent to %s)", final.RequestURI())
		return
	}
	if got := final.RequestURI(); got != key {
		c.seen[got] = true // reached by a redirect, e.g. / to /work
		c.patterns[routePattern(got)]++
	}
	body := c.text("body")
	if strings.Contains(body, "The page could not be shown") {
		c.problem(key, "template error: The page could not be shown")
		return
	}
	if c.anonymous == strings.Contains(body, "Sign out") {
		c.problem(key, "page shows the wrong account state (signed in: %v)", !c.anonymous)
	}
	if elements := eval[int](c.t, c.ctx, `document.getElementsByTagName('*').length`); elements > crawlMaxElements {
		if why, ok := knownTooLarge[routePattern(key)]; ok {
			c.known = append(c.known, fmt.Sprintf("%s\t%s\t%d elements: %s", c.role, key, elements, why))
		} else {
			c.problem(key, "page too large to use or check: %d elements (at most %d)", elements, crawlMaxElements)
		}
	} else if vs, err := runAxe(c.ctx); err != nil {
		c.problem(key, "%v", err)
	} else {
		for _, v := range vs {
			nodes := v.Nodes
			if len(nodes) > 3 {
				nodes = append(nodes[:3:3], fmt.Sprintf("and %d more", len(v.Nodes)-3))
			}
			c.problem(key, "accessibility %s (%s): %s at %s", v.ID, v.Impact, v.Help, strings.Join(nodes, ", "))
		}
	}
	hrefs := eval[[]string](c.t, c.ctx, `[...document.querySelectorAll('a[href]')].filter(a => !a.hasAttribute('download')).map(a => a.href)`)
	for _, h := range hrefs {
		c.enqueue(key, h)
	}
}

// text returns the text of the first element matching sel, or "".
func (c *crawler) text(sel string) string {
	return eval[string](c.t, c.ctx, `(document.querySelector(`+fmt.Sprintf("%q", sel)+`) || {innerText: ''}).innerText`)
}
