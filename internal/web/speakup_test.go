package web_test

import (
	"bytes"
	"context"
	"html"
	"log/slog"
	"mime/multipart"
	"net/http"
	"net/http/httptest"
	"net/url"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"github.com/vigil-project/vigil"
	"github.com/vigil-project/vigil/internal/ledger"
	"github.com/vigil-project/vigil/internal/server"
	"github.com/vigil-project/vigil/internal/speakup"
	"github.com/vigil-project/vigil/internal/sqldb"
	"github.com/vigil-project/vigil/internal/sqlstore"
	"github.com/vigil-project/vigil/internal/synth"
)

// speakUpSite is the whole server (pages, API, log, access log) with the
// speak-up channel set up, its log going to a buffer.
type speakUpSite struct {
	*site
	logs *bytes.Buffer
}

func newSpeakUpSite(t *testing.T) *speakUpSite {
	t.Helper()
	ctx := context.Background()
	db, err := sqldb.Open(ctx, "sqlite:"+filepath.Join(t.TempDir(), "v.db"))
	if err != nil {
		t.Fatal(err)
	}
	skey, _, _ := ledger.GenerateKey("web.vigil.invalid/log")
	key, _ := ledger.ParseKey(skey)
	logs := &bytes.Buffer{}
	logger := slog.New(slog.NewTextHandler(logs, &slog.HandlerOptions{Level: slog.LevelDebug}))
	store, err := sqlstore.Open(ctx, db, key, logger)
	if err != nil {
		t.Fatal(err)
	}
	store.UseReceiptParams(speakup.Params{Time: 1, Memory: 8 * 1024, Threads: 1})
	town, err := synth.Seed(ctx, store, synth.Options{Seed: 2, Concerns: 2})
	if err != nil {
		t.Fatal(err)
	}
	if err := synth.SeedSpeakUp(ctx, store, town); err != nil {
		t.Fatal(err)
	}
	h, err := server.New(store, server.Options{Logger: logger})
	if err != nil {
		t.Fatal(err)
	}
	srv := httptest.NewServer(h)
	t.Cleanup(func() { srv.Close(); store.Close(); db.Close() })
	return &speakUpSite{site: &site{srv: srv, town: town, store: store}, logs: logs}
}

func (s *speakUpSite) get(t *testing.T, c *http.Client, path string) (*http.Response, string) {
	t.Helper()
	req, _ := http.NewRequest("GET", s.srv.URL+path, nil)
	req.Header.Set("User-Agent", "Reporter-Browser/9.9 (marker)")
	resp, err := c.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	return resp, body(t, resp)
}

// multipartPost sends a form with files, as a browser does.
func (s *speakUpSite) multipartPost(t *testing.T, c *http.Client, path string, fields map[string]string, files ...[]byte) *http.Response {
	t.Helper()
	var buf bytes.Buffer
	mw := multipart.NewWriter(&buf)
	for k, v := range fields {
		mw.WriteField(k, v)
	}
	for i, f := range files {
		w, _ := mw.CreateFormFile("attachment", "IMG_000"+string(rune('1'+i))+".jpg")
		w.Write(f)
	}
	if len(files) == 0 {
		mw.CreateFormFile("attachment", "") // an empty file input, as browsers send it
	}
	mw.Close()
	req, _ := http.NewRequest("POST", s.srv.URL+path, &buf)
	req.Header.Set("Content-Type", mw.FormDataContentType())
	req.Header.Set("User-Agent", "Reporter-Browser/9.9 (marker)")
	resp, err := c.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	return resp
}

func (s *speakUpSite) signIn(t *testing.T, username string) *http.Client {
	t.Helper()
	c := s.client(t)
	l := s.town.Login(username)
	resp := s.post(t, c, "/signin", url.Values{"username": {l.Username}, "password": {l.Password}}, nil)
	resp.Body.Close()
	if resp.StatusCode != http.StatusSeeOther {
		t.Fatalf("sign in %s: %d", username, resp.StatusCode)
	}
	s.secondFactor(t, c, l, resp) // the code from the authenticator: see auth_test.go
	return c
}

var receiptWords = regexp.MustCompile(`<li><strong>([a-z]+)</strong></li>`)

// TestSpeakUpPagesLeaveNoTrace walks a young person's report over HTTP and
// checks what is left behind: no receipt in any URL, no-store and a strict
// policy on every page, a session cookie confined to /speak-up, nothing of
// the reporter (address, browser, words) in the server's log, and script
// in a report shown as text.
func TestSpeakUpPagesLeaveNoTrace(t *testing.T) {
	s := newSpeakUpSite(t)
	c := s.client(t)
	var urls []string
	check := func(resp *http.Response, page string) {
		t.Helper()
		urls = append(urls, resp.Request.URL.String(), resp.Header.Get("Location"))
		if resp.Header.Get("Cache-Control") != "no-store" || !strings.Contains(resp.Header.Get("Content-Security-Policy"), "default-src 'none'") ||
			resp.Header.Get("Referrer-Policy") != "no-referrer" {
			t.Errorf("%s: headers %v", page, resp.Header)
		}
	}
	// The channel is found from the home page, without an account.
	if _, home := s.get(t, c, "/"); !strings.Contains(home, `href="/speak-up"`) || !strings.Contains(home, `href="/speak-up/check"`) {
		t.Error("the home page does not lead to the speak-up channel")
	}
	resp, b := s.get(t, c, "/speak-up")
	check(resp, "start")
	if resp.StatusCode != 200 || !strings.Contains(b, `href="/speak-up/new/me"`) {
		t.Fatalf("start page: %d", resp.StatusCode)
	}
	for _, ext := range []string{"http://", "https://"} {
		for _, m := range regexp.MustCompile(`(src|href)="(`+ext+`[^"]*)"`).FindAllStringSubmatch(b, -1) {
			if m[1] == "src" || !strings.Contains(m[2], "bbc.co.uk/weather") {
				t.Errorf("the start page refers to a third party: %s", m[0])
			}
		}
	}
	const script = `<script>alert("pwned")</script>`
	resp = s.multipartPost(t, c, "/speak-up/new/me", map[string]string{"what": "He said not to tell anyone. " + script, "child-age": "15"})
	check(resp, "submit")
	resp.Body.Close()
	if resp.StatusCode != http.StatusSeeOther || resp.Header.Get("Location") != "/speak-up/receipt" {
		t.Fatalf("submit: %d %q", resp.StatusCode, resp.Header.Get("Location"))
	}
	var cookie *http.Cookie
	for _, ck := range resp.Cookies() {
		if ck.Name == "vigil_speakup" {
			cookie = ck
		}
	}
	if cookie == nil || !cookie.HttpOnly || cookie.SameSite != http.SameSiteStrictMode || cookie.Path != "/speak-up" || cookie.MaxAge != 0 || !cookie.Expires.IsZero() {
		t.Errorf("reporter cookie = %+v", cookie)
	}
	resp, b = s.get(t, c, "/speak-up/receipt")
	check(resp, "receipt")
	var words []string
	for _, m := range receiptWords.FindAllStringSubmatch(b, -1) {
		words = append(words, m[1])
	}
	if len(words) != speakup.ReceiptWords {
		t.Fatalf("receipt page shows %d words", len(words))
	}
	receipt := strings.Join(words, " ")
	resp = s.post(t, c, "/speak-up/receipt", url.Values{}, nil)
	check(resp, "receipt kept")
	resp.Body.Close()
	resp, b = s.get(t, c, "/speak-up/receipt")
	resp.Body.Close()
	if resp.StatusCode != http.StatusSeeOther || strings.Contains(b, words[3]) {
		t.Errorf("the receipt is shown again after it was written down: %d", resp.StatusCode)
	}
	resp = s.post(t, c, "/speak-up/finish", url.Values{}, nil)
	resp.Body.Close()
	if resp, _ := s.get(t, c, "/speak-up/conversation"); resp.StatusCode != http.StatusSeeOther {
		t.Errorf("after finishing, the conversation is still open: %d", resp.StatusCode)
	}

	// Back later, in a new browser, with the receipt.
	c2 := s.client(t)
	resp = s.post(t, c2, "/speak-up/check", url.Values{"receipt": {"wrong " + receipt}}, nil)
	if b := body(t, resp); resp.StatusCode != http.StatusUnprocessableEntity || !strings.Contains(b, "nine words") {
		t.Errorf("a malformed receipt: %d", resp.StatusCode)
	}
	resp = s.post(t, c2, "/speak-up/check", url.Values{"receipt": {strings.ToUpper(receipt)}}, nil)
	check(resp, "check")
	resp.Body.Close()
	if resp.StatusCode != http.StatusSeeOther || resp.Header.Get("Location") != "/speak-up/conversation" {
		t.Fatalf("check: %d %q", resp.StatusCode, resp.Header.Get("Location"))
	}
	resp, b = s.get(t, c2, "/speak-up/conversation")
	check(resp, "conversation")
	if !strings.Contains(b, "We have your report") {
		t.Errorf("the conversation page does not say the report arrived")
	}

	// The recipient reads it: the script is text, not code.
	staff := s.signIn(t, "scrutiny")
	resp = s.post(t, staff, "/speak-up/unlock", url.Values{"password": {s.town.Login("scrutiny").Password}, "next": {"/speak-up/inbox"}}, nil)
	resp.Body.Close()
	resp, b = s.get(t, staff, "/speak-up/inbox")
	id := regexp.MustCompile(`href="/speak-up/reports/([a-z2-7]{26})"`).FindStringSubmatch(b)
	if id == nil {
		t.Fatalf("inbox lists no report: %s", b)
	}
	resp, b = s.get(t, staff, "/speak-up/reports/"+id[1])
	if resp.StatusCode != 200 || strings.Contains(b, script) || !strings.Contains(b, html.EscapeString(script)) {
		t.Errorf("report page: %d; the script is not escaped", resp.StatusCode)
	}
	resp = s.post(t, staff, "/speak-up/reports/"+id[1]+"/messages", url.Values{"message": {"Are you safe tonight? " + script}}, nil)
	resp.Body.Close()
	_, b = s.get(t, c2, "/speak-up/conversation")
	if strings.Contains(b, script) || !strings.Contains(b, "Are you safe tonight?") || !strings.Contains(b, "Someone is looking at your report") {
		t.Errorf("the reporter's page after the question: %s", b)
	}

	// Every address the reporter's browser saw is one of the fixed ones.
	fixed := regexp.MustCompile(`^(` + regexp.QuoteMeta(s.srv.URL) + `)?/speak-up(/new/me|/receipt|/check|/conversation|/finish)?(\?notice=[a-z]+)?$`)
	for _, u := range urls {
		if u != "" && !fixed.MatchString(u) {
			t.Errorf("the reporter was sent to %s, not a fixed address", u)
		}
	}
	logs := s.logs.String()
	if !strings.Contains(logs, "pattern=\"GET /speak-up/conversation\"") {
		t.Fatalf("the access log did not run: %s", logs)
	}
	secret := strings.Join(words[2:], " ")
	for _, leak := range []string{"127.0.0.1", "Reporter-Browser", "marker", "pwned", "not to tell", secret, strings.ToUpper(secret)} {
		if strings.Contains(logs, leak) {
			t.Errorf("the server's log holds %q", leak)
		}
	}
}

// TestSpeakUpAdministratorRefused shows the reported organisation's
// administrator refused by the pages at every turn.
func TestSpeakUpAdministratorRefused(t *testing.T) {
	s := newSpeakUpSite(t)
	council := s.town.Agencies[vigil.AgencyChildrensServices]
	_, key, err := s.store.Submit(context.Background(), speakup.NewReport{Content: speakup.Content{Channel: speakup.ChannelStaff,
		AboutID: council.ID, What: "Findings were changed."}})
	if err != nil {
		t.Fatal(err)
	}
	admin := s.signIn(t, "admin")
	for _, path := range []string{"/speak-up/reports/" + string(key.ReportID), "/speak-up/reports/" + string(key.ReportID) + "/files/aaaaaaaaaaaaaaaaaaaaaaaaaa.original"} {
		resp, b := s.get(t, admin, path)
		if resp.StatusCode != http.StatusNotFound || strings.Contains(b, "Findings") || strings.Contains(b, "Unlock") {
			t.Errorf("admin GET %s: %d", path, resp.StatusCode)
		}
	}
	resp := s.post(t, admin, "/speak-up/unlock", url.Values{"password": {s.town.Login("admin").Password}}, nil)
	if resp.StatusCode != http.StatusForbidden {
		t.Errorf("admin unlock: %d", resp.StatusCode)
	}
	resp.Body.Close()
	resp = s.post(t, admin, "/speak-up/key", url.Values{"password": {s.town.Login("admin").Password}}, nil)
	if resp.StatusCode != http.StatusForbidden {
		t.Errorf("admin enrol: %d", resp.StatusCode)
	}
	resp.Body.Close()
	resp = s.post(t, admin, "/speak-up/reports/"+string(key.ReportID)+"/messages", url.Values{"message": {"Who are you?"}}, nil)
	if resp.StatusCode != http.StatusNotFound {
		t.Errorf("admin message: %d", resp.StatusCode)
	}
	resp.Body.Close()
	if resp, _ := s.get(t, admin, "/speak-up/register"); resp.StatusCode != http.StatusForbidden {
		t.Errorf("admin register: %d", resp.StatusCode)
	}
}

// TestSpeakUpUploads sends photos and other files through the pages.
func TestSpeakUpUploads(t *testing.T) {
	s := newSpeakUpSite(t)
	c := s.client(t)
	resp := s.multipartPost(t, c, "/speak-up/new/child", map[string]string{"what": "Photo of the car."}, []byte("%PDF-1.7 not a photo"))
	b := body(t, resp)
	if resp.StatusCode != http.StatusUnprocessableEntity || !strings.Contains(b, "only attach photos") || !strings.Contains(b, "Photo of the car.") {
		t.Errorf("a PDF: %d", resp.StatusCode)
	}
	big := bytes.Repeat([]byte("x"), 300<<10)
	resp = s.multipartPost(t, c, "/speak-up/new/child", map[string]string{"what": "big"}, big)
	resp.Body.Close()
	if resp.StatusCode != http.StatusRequestEntityTooLarge {
		t.Errorf("an oversized upload: %d", resp.StatusCode)
	}
}
