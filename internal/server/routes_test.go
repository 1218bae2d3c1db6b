package server_test

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/http/cookiejar"
	"net/http/httptest"
	"net/url"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/vigil-project/vigil"
	"github.com/vigil-project/vigil/internal/ledger"
	"github.com/vigil-project/vigil/internal/server"
	"github.com/vigil-project/vigil/internal/speakup"
	"github.com/vigil-project/vigil/internal/sqldb"
	"github.com/vigil-project/vigil/internal/sqlstore"
	"github.com/vigil-project/vigil/internal/synth"
)

// The route × role test (issue 5, part 1): every route of a Vigil node,
// found by reading the source, is requested by every demo role and by
// someone signed out, through the real handler on a real store, and each
// answer is checked against the table in routes_table_test.go. A route
// with no row, or a row whose route is gone, fails the test: whoever adds
// a route must say who may use it.

// principals are everyone who asks: someone signed out, then one demo
// account of every role (internal/synth/town.go).
var principals = []string{anonymous,
	"admin", "director", "service.manager", "duty.manager", "team.manager", "social.worker", "social.worker2",
	"police.officer", "police.analyst", "school.dsl", "health.nurse", "referrer", "scrutiny", "investigator", "commissioner"}

const anonymous = "anonymous"

// outcome is what a request got: allowed (a 2xx answer, or a redirect
// anywhere but the sign-in page), sent to sign in, or refused with a
// status.
type outcome int

const (
	allowed  outcome = 200
	toSignIn outcome = 1 // a redirect to /signin
)

func (o outcome) String() string {
	switch o {
	case allowed:
		return "allowed"
	case toSignIn:
		return "sent to sign in"
	}
	return fmt.Sprintf("%d %s", int(o), http.StatusText(int(o)))
}

func outcomeOf(resp *http.Response) outcome {
	loc := resp.Header.Get("Location")
	switch {
	case resp.StatusCode >= 300 && resp.StatusCode < 400 && strings.HasPrefix(loc, "/signin"):
		return toSignIn
	case resp.StatusCode >= 200 && resp.StatusCode < 400:
		return allowed
	}
	return outcome(resp.StatusCode)
}

// answers is the expected outcome for each principal.
type answers map[string]outcome

// every gives every principal the same outcome.
func every(o outcome) answers {
	a := answers{}
	for _, p := range principals {
		a[p] = o
	}
	return a
}

// staffOnly is the usual answer of a page for staff: signed-out people
// are sent to sign in (GET) or refused with 401 (POST), and every demo
// role gets o unless the row says otherwise.
func staffOnly(method string, o outcome) answers {
	a := every(o)
	if method == http.MethodGet {
		a[anonymous] = toSignIn
	} else {
		a[anonymous] = http.StatusUnauthorized
	}
	return a
}

// apiOnly is the usual answer of an API route: no token, 401; every role o.
func apiOnly(o outcome) answers {
	a := every(o)
	a[anonymous] = http.StatusUnauthorized
	return a
}

// but returns a copy of a with o for the named principals.
func (a answers) but(o outcome, who ...string) answers {
	b := answers{}
	for k, v := range a {
		b[k] = v
	}
	for _, w := range who {
		if !slices.Contains(principals, w) {
			panic("routes table: no principal " + w)
		}
		b[w] = o
	}
	return b
}

// row is one line of the table: a route, how to fill in its address and
// body for a principal, and what each principal must get.
type row struct {
	route string // as discovered: "GET /cases/{id}"
	note  string // what the row's object is, when it matters
	// path returns the address to request for principal p; nil means the
	// route's pattern is the address. Rows whose request changes
	// something make a fresh object for each principal here, so that one
	// principal's success cannot change another's answer.
	path func(f *fixture, p string) string
	// form or json is the body of a POST (a browser form or an API request).
	form  func(f *fixture, p string) url.Values
	json  func(f *fixture, p string) string
	spare bool // send from the principal's second browser
	want  answers
}

// fixture is the node under test with its town and the objects rows use.
type fixture struct {
	t      *testing.T
	ctx    context.Context
	srv    *httptest.Server
	store  *sqlstore.Store
	town   *synth.Town
	logs   *syncBuffer
	web    map[string]*http.Client // each principal's browser, signed in
	spare  map[string]*http.Client // a second signed-in browser, for signing out
	static string                  // the content hash in static addresses
	shared *caseObjects            // a case that GET rows read
	plan   *vigil.ActionPlan       // the seeded action plan
	rel    *vigil.Release          // a published release
	report vigil.ID                // a speak-up report with a photo
	file   vigil.ID                // the photo
	ent    vigil.ID                // an entity: a car named in two reports
	vars   map[string]string       // what a row's address gives its body
	seq    int
}

// syncBuffer collects the server's logs from its goroutines.
type syncBuffer struct {
	mu  sync.Mutex
	buf bytes.Buffer
}

func (b *syncBuffer) Write(p []byte) (int, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.Write(p)
}

func (b *syncBuffer) String() string {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.String()
}

func newFixture(t *testing.T) *fixture {
	t.Helper()
	ctx := context.Background()
	db, err := sqldb.Open(ctx, "sqlite:"+filepath.Join(t.TempDir(), "v.db"))
	if err != nil {
		t.Fatal(err)
	}
	skey, _, err := ledger.GenerateKey("routes.vigil.invalid/log")
	if err != nil {
		t.Fatal(err)
	}
	key, err := ledger.ParseKey(skey)
	if err != nil {
		t.Fatal(err)
	}
	logs := &syncBuffer{}
	logger := slog.New(slog.NewJSONHandler(logs, &slog.HandlerOptions{Level: slog.LevelDebug}))
	store, err := sqlstore.Open(ctx, db, key, logger)
	if err != nil {
		t.Fatal(err)
	}
	store.UseReceiptParams(speakup.Params{Time: 1, Memory: 8 * 1024, Threads: 1})
	town, err := synth.Seed(ctx, store, synth.Options{Seed: 5, Concerns: 2})
	if err != nil {
		t.Fatal(err)
	}
	if err := synth.SeedSpeakUp(ctx, store, town); err != nil {
		t.Fatal(err)
	}
	if err := synth.SeedOversight(ctx, store, town, 5); err != nil {
		t.Fatal(err)
	}
	h, err := server.New(store, server.Options{Logger: logger})
	if err != nil {
		t.Fatal(err)
	}
	srv := httptest.NewServer(h)
	t.Cleanup(func() { srv.Close(); store.Close(); db.Close() })
	f := &fixture{t: t, ctx: ctx, srv: srv, store: store, town: town, logs: logs,
		web: map[string]*http.Client{}, spare: map[string]*http.Client{}, vars: map[string]string{}}
	plans, err := store.Plans(ctx, f.actor("scrutiny"))
	if err != nil || len(plans) == 0 {
		t.Fatalf("seeded plans: %v, %d", err, len(plans))
	}
	f.plan = plans[0]
	// Sign everyone in twice, through the pages, password then code.
	var wg sync.WaitGroup
	var mu sync.Mutex
	for _, p := range principals {
		if p == anonymous {
			f.web[p], f.spare[p] = browser(), browser()
			continue
		}
		wg.Add(1)
		go func() {
			defer wg.Done()
			a, b := f.signIn(p), f.signIn(p)
			if a == nil || b == nil {
				return
			}
			mu.Lock()
			f.web[p], f.spare[p] = a, b
			mu.Unlock()
		}()
	}
	wg.Wait()
	for _, p := range principals {
		if f.web[p] == nil || f.spare[p] == nil {
			t.FailNow()
		}
	}
	// Recipients of speak-up reports unlock their key, as they would
	// before reading the inbox.
	for _, rc := range synth.SpeakUpRecipients {
		resp := f.do(http.MethodPost, rc.Username, "/speak-up/unlock", url.Values{"password": {town.Login(rc.Username).Password}}, "")
		if resp.StatusCode != http.StatusSeeOther {
			t.Fatalf("%s unlocking speak-up: %d", rc.Username, resp.StatusCode)
		}
	}
	resp, err := http.Get(srv.URL + "/signin")
	if err != nil {
		t.Fatal(err)
	}
	b, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	m := regexp.MustCompile(`/static/([0-9a-f]+)/`).FindSubmatch(b)
	if m == nil {
		t.Fatal("no static address in the sign-in page")
	}
	f.static = string(m[1])
	f.shared = f.caseWithEverything()
	return f
}

func browser() *http.Client {
	jar, _ := cookiejar.New(nil)
	return &http.Client{Jar: jar, CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
}

// signIn signs username in through the pages: password, then a code from
// the authenticator.
func (f *fixture) signIn(username string) *http.Client {
	c := browser()
	l := f.town.Login(username)
	resp := f.send(c, http.MethodPost, "/signin", url.Values{"username": {l.Username}, "password": {l.Password}}, "", "")
	loc, _ := url.Parse(resp.Header.Get("Location"))
	if resp.StatusCode != http.StatusSeeOther || loc == nil || loc.Path != "/signin/code" {
		f.t.Errorf("sign in as %s: %d to %q", username, resp.StatusCode, resp.Header.Get("Location"))
		return nil
	}
	resp = f.send(c, http.MethodPost, "/signin/code", url.Values{"code": {l.Code()}}, "", "")
	if resp.StatusCode != http.StatusSeeOther || resp.Header.Get("Location") != "/work" {
		f.t.Errorf("code of %s: %d to %q", username, resp.StatusCode, resp.Header.Get("Location"))
		return nil
	}
	return c
}

// send makes a request with client c: a form (as a browser on the same
// site sends it), a JSON body with a bearer token, or neither.
func (f *fixture) send(c *http.Client, method, path string, form url.Values, json, token string) *http.Response {
	var body io.Reader
	if form != nil {
		body = strings.NewReader(form.Encode())
	} else if json != "" {
		body = strings.NewReader(json)
	}
	req, err := http.NewRequest(method, f.srv.URL+path, body)
	if err != nil {
		f.t.Fatal(err)
	}
	if form != nil {
		req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	} else if json != "" {
		req.Header.Set("Content-Type", "application/json")
	}
	if method != http.MethodGet {
		req.Header.Set("Sec-Fetch-Site", "same-origin")
	}
	if token != "" {
		req.Header.Set("Authorization", "Bearer "+token)
	}
	resp, err := c.Do(req)
	if err != nil {
		f.t.Fatal(err)
	}
	io.Copy(io.Discard, resp.Body)
	resp.Body.Close()
	return resp
}

// do sends a request as principal p: through their browser for pages,
// with their API token under /api/.
func (f *fixture) do(method, p, path string, form url.Values, json string) *http.Response {
	return f.doWith(f.web[p], method, p, path, form, json)
}

func (f *fixture) doWith(c *http.Client, method, p, path string, form url.Values, json string) *http.Response {
	token := ""
	if strings.HasPrefix(path, "/api/") && p != anonymous {
		token = f.town.Login(p).APIToken
	}
	return f.send(c, method, path, form, json, token)
}

func (f *fixture) actor(username string) vigil.Actor {
	return vigil.UserActor(f.town.Login(username).User)
}

func (f *fixture) user(username string) *vigil.User { return f.town.Login(username).User }

func (f *fixture) agency(k vigil.AgencyKind) vigil.ID { return f.town.Agencies[k].ID }

func (f *fixture) must(err error) {
	f.t.Helper()
	if err != nil {
		f.t.Fatal(err)
	}
}

// TestRoutesByRole is the route × role test.
func TestRoutesByRole(t *testing.T) {
	routes := discoverRoutes(t)
	rows := routeTable()
	var tabled []string
	for _, r := range rows {
		tabled = append(tabled, r.route)
	}
	for _, r := range routes {
		if !slices.Contains(tabled, r) {
			t.Errorf("route %q has no row in the route × role table (routes_table_test.go): say who may use it", r)
		}
	}
	for _, r := range tabled {
		if !slices.Contains(routes, r) {
			t.Errorf("the route × role table has a row for %q, which no handler serves any more", r)
		}
	}
	f := newFixture(t)
	start := time.Now()
	n := 0
	dump := os.Getenv("VIGIL_ROUTES_DUMP") != ""
	for _, r := range rows {
		method, _, ok := strings.Cut(r.route, " ")
		if !ok {
			method = http.MethodGet
		}
		got := answers{}
		for _, p := range principals {
			path := strings.TrimPrefix(r.route, method+" ")
			if r.path != nil {
				path = r.path(f, p)
			}
			var form url.Values
			var json string
			if r.form != nil {
				form = r.form(f, p)
			}
			if r.json != nil {
				json = r.json(f, p)
			}
			if method == http.MethodPost && form == nil && json == "" && !strings.HasPrefix(path, "/api/") {
				form = url.Values{}
			}
			c := f.web[p]
			if r.spare {
				c = f.spare[p]
			}
			resp := f.doWith(c, method, p, path, form, json)
			got[p] = outcomeOf(resp)
			n++
			if !dump && got[p] != r.want[p] {
				t.Errorf("%s (%s) as %s: %s, want %s", r.route, path, p, got[p], r.want[p])
			}
		}
		if dump {
			var parts []string
			for _, p := range principals {
				parts = append(parts, fmt.Sprintf("%s=%d", p, int(got[p])))
			}
			fmt.Printf("%-45s %s\n", r.route+" "+r.note, strings.Join(parts, " "))
		}
	}
	t.Logf("%d requests in %v", n, time.Since(start).Round(time.Millisecond))
}
