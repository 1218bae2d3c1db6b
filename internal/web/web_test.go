package web_test

import (
	"context"
	"io"
	"net/http"
	"net/http/cookiejar"
	"net/http/httptest"
	"net/url"
	"path/filepath"
	"strings"
	"testing"

	"github.com/vigil-project/vigil/internal/ledger"
	"github.com/vigil-project/vigil/internal/sqldb"
	"github.com/vigil-project/vigil/internal/sqlstore"
	"github.com/vigil-project/vigil/internal/synth"
	"github.com/vigil-project/vigil/internal/web"
)

type site struct {
	srv   *httptest.Server
	town  *synth.Town
	store *sqlstore.Store
}

func newSite(t *testing.T) *site {
	t.Helper()
	return newSiteWith(t, web.Options{})
}

// newSiteWith is newSite with the server's options.
func newSiteWith(t *testing.T, opt web.Options) *site {
	t.Helper()
	ctx := context.Background()
	db, err := sqldb.Open(ctx, "sqlite:"+filepath.Join(t.TempDir(), "v.db"))
	if err != nil {
		t.Fatal(err)
	}
	skey, _, _ := ledger.GenerateKey("web.vigil.invalid/log")
	key, _ := ledger.ParseKey(skey)
	store, err := sqlstore.Open(ctx, db, key, nil)
	if err != nil {
		t.Fatal(err)
	}
	town, err := synth.Seed(ctx, store, synth.Options{Seed: 2, Concerns: 3})
	if err != nil {
		t.Fatal(err)
	}
	s, err := web.New(store, opt)
	if err != nil {
		t.Fatal(err)
	}
	srv := httptest.NewServer(s.Handler())
	t.Cleanup(func() { srv.Close(); store.Close(); db.Close() })
	return &site{srv: srv, town: town, store: store}
}

// client returns a browser-like client: cookies kept, redirects not followed.
func (s *site) client(t *testing.T) *http.Client {
	jar, _ := cookiejar.New(nil)
	return &http.Client{Jar: jar, CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
}

func (s *site) post(t *testing.T, c *http.Client, path string, form url.Values, header map[string]string) *http.Response {
	t.Helper()
	req, _ := http.NewRequest("POST", s.srv.URL+path, strings.NewReader(form.Encode()))
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	for k, v := range header {
		req.Header.Set(k, v)
	}
	resp, err := c.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	return resp
}

func body(t *testing.T, r *http.Response) string {
	t.Helper()
	b, _ := io.ReadAll(r.Body)
	r.Body.Close()
	return string(b)
}

func TestSecurityHeaders(t *testing.T) {
	s := newSite(t)
	for _, path := range []string{"/", "/report", "/signin", "/no-such-page"} {
		resp, err := http.Get(s.srv.URL + path)
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		csp := resp.Header.Get("Content-Security-Policy")
		if !strings.Contains(csp, "script-src 'self'") || !strings.Contains(csp, "frame-ancestors 'none'") || strings.Contains(csp, "unsafe-inline") {
			t.Errorf("%s: CSP = %q", path, csp)
		}
		if resp.Header.Get("Cache-Control") != "no-store" || resp.Header.Get("X-Content-Type-Options") != "nosniff" {
			t.Errorf("%s: headers %v", path, resp.Header)
		}
	}
}

func TestCrossSiteFormRefused(t *testing.T) {
	s := newSite(t)
	form := url.Values{"source": {"public"}, "what-happened": {"A report from another site"}}
	resp := s.post(t, s.client(t), "/report", form, map[string]string{"Sec-Fetch-Site": "cross-site", "Origin": "https://evil.example"})
	if resp.StatusCode != http.StatusForbidden {
		t.Errorf("cross-site post: status %d, want 403", resp.StatusCode)
	}
	resp.Body.Close()
	resp = s.post(t, s.client(t), "/report", form, map[string]string{"Sec-Fetch-Site": "same-origin"})
	if resp.StatusCode != http.StatusSeeOther || !strings.HasPrefix(resp.Header.Get("Location"), "/report/received?ref=VC-") {
		t.Errorf("same-origin post: status %d location %q", resp.StatusCode, resp.Header.Get("Location"))
	}
	resp.Body.Close()
}

func TestOversizedFormRefused(t *testing.T) {
	s := newSite(t)
	form := url.Values{"source": {"public"}, "what-happened": {strings.Repeat("x", web.MaxFormBytes+1)}}
	resp := s.post(t, s.client(t), "/report", form, nil)
	if resp.StatusCode != http.StatusRequestEntityTooLarge {
		t.Errorf("status %d, want 413", resp.StatusCode)
	}
	resp.Body.Close()
}

func TestReportKeepsInputOnError(t *testing.T) {
	s := newSite(t)
	resp := s.post(t, s.client(t), "/report", url.Values{"source": {"public"}, "child-name": {"Lily <b>Test</b>"}, "child-age": {"fourteen"}}, nil)
	b := body(t, resp)
	if resp.StatusCode != http.StatusUnprocessableEntity {
		t.Fatalf("status %d, want 422", resp.StatusCode)
	}
	for _, want := range []string{"Lily &lt;b&gt;Test&lt;/b&gt;", "fourteen", "Enter the child&#39;s age as a number", "Describe what happened", `href="#what-happened"`} {
		if !strings.Contains(b, want) {
			t.Errorf("error page lacks %q", want)
		}
	}
}

func TestSignInAndStaffPages(t *testing.T) {
	s := newSite(t)
	c := s.client(t)
	resp, err := c.Get(s.srv.URL + "/work")
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusSeeOther || resp.Header.Get("Location") != "/signin?next=%2Fwork" {
		t.Fatalf("signed-out /work: %d %q", resp.StatusCode, resp.Header.Get("Location"))
	}
	resp = s.post(t, c, "/signin", url.Values{"username": {"social.worker"}, "password": {"wrong password"}}, nil)
	if b := body(t, resp); resp.StatusCode != http.StatusUnauthorized || !strings.Contains(b, "username or password is not right") {
		t.Errorf("wrong password: %d", resp.StatusCode)
	}
	// A sign-in link cannot send people to another site afterwards.
	l := s.town.Login("social.worker")
	resp = s.post(t, c, "/signin", url.Values{"username": {l.Username}, "password": {l.Password}, "next": {"//evil.example/"}}, nil)
	resp.Body.Close()
	if resp = s.secondFactor(t, c, l, resp); resp.StatusCode != http.StatusSeeOther || resp.Header.Get("Location") != "/work" {
		t.Errorf("sign in with an outside next: %d %q", resp.StatusCode, resp.Header.Get("Location"))
	}
	resp, _ = c.Get(s.srv.URL + "/work")
	if b := body(t, resp); resp.StatusCode != 200 || !strings.Contains(b, "Sarah Wilson") {
		t.Errorf("my work: %d", resp.StatusCode)
	}
	resp, _ = c.Get(s.srv.URL + "/cases/aaaaaaaaaaaaaaaaaaaaaaaaaa")
	if resp.StatusCode != http.StatusNotFound {
		t.Errorf("unknown case: %d, want 404", resp.StatusCode)
	}
	resp.Body.Close()
}
