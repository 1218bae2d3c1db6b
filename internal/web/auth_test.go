package web_test

import (
	"context"
	"crypto/rand"
	"crypto/rsa"
	"crypto/sha256"
	"encoding/base64"
	"encoding/json"
	"fmt"
	"net/http"
	"net/http/httptest"
	"net/url"
	"regexp"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/coreos/go-oidc/v3/oidc"
	"github.com/coreos/go-oidc/v3/oidc/oidctest"
	"github.com/pquerna/otp"
	"github.com/pquerna/otp/totp"

	"github.com/vigil-project/vigil"
	"github.com/vigil-project/vigil/internal/synth"
	"github.com/vigil-project/vigil/internal/web"
)

// secondFactor finishes a sign-in whose password step answered resp: it
// follows the redirect to the code page and sends a code from l's
// authenticator. It returns the answer to the code, a redirect to where the
// person was going.
func (s *site) secondFactor(t *testing.T, c *http.Client, l *synth.Login, resp *http.Response) *http.Response {
	t.Helper()
	loc, err := url.Parse(resp.Header.Get("Location"))
	if err != nil || loc.Path != "/signin/code" {
		t.Fatalf("after the password of %s: redirect to %q, want the code page", l.Username, resp.Header.Get("Location"))
	}
	resp = s.post(t, c, "/signin/code", url.Values{"code": {l.Code()}, "next": {loc.Query().Get("next")}}, nil)
	resp.Body.Close()
	if resp.StatusCode != http.StatusSeeOther {
		t.Fatalf("code of %s: status %d", l.Username, resp.StatusCode)
	}
	return resp
}

func codeAt(t *testing.T, secret string, at time.Time) string {
	t.Helper()
	c, err := totp.GenerateCodeCustom(secret, at, totp.ValidateOpts{Period: 30, Digits: otp.DigitsSix, Algorithm: otp.AlgorithmSHA1})
	if err != nil {
		t.Fatal(err)
	}
	return c
}

func TestSignInNeedsSecondFactor(t *testing.T) {
	s := newSite(t)
	c := s.client(t)
	l := s.town.Login("social.worker")
	resp := s.post(t, c, "/signin", url.Values{"username": {l.Username}, "password": {l.Password}, "next": {"/work"}}, nil)
	resp.Body.Close()
	if resp.StatusCode != http.StatusSeeOther || resp.Header.Get("Location") != "/signin/code?next=%2Fwork" {
		t.Fatalf("password: %d %q", resp.StatusCode, resp.Header.Get("Location"))
	}
	// The password alone opens nothing.
	if status, _ := s.get(t, c, "/work"); status != http.StatusSeeOther {
		t.Errorf("/work after the password only: status %d, want a redirect to sign in", status)
	}
	if status, b := s.get(t, c, "/signin/code?next=%2Fwork"); status != http.StatusOK || !strings.Contains(b, `autocomplete="one-time-code"`) {
		t.Errorf("code page: %d", status)
	}
	resp = s.post(t, c, "/signin/code", url.Values{"code": {"12345"}, "next": {"/work"}}, nil)
	if b := body(t, resp); resp.StatusCode != http.StatusUnprocessableEntity || !strings.Contains(b, "Enter the 6-digit code") {
		t.Errorf("short code: %d", resp.StatusCode)
	}
	resp = s.post(t, c, "/signin/code", url.Values{"code": {"000000"}, "next": {"/work"}}, nil)
	if b := body(t, resp); resp.StatusCode != http.StatusUnauthorized || !strings.Contains(b, "The code is not right") {
		t.Errorf("wrong code: %d", resp.StatusCode)
	}
	code := l.Code()
	resp = s.post(t, c, "/signin/code", url.Values{"code": {code[:3] + " " + code[3:]}, "next": {"/work"}}, nil)
	resp.Body.Close()
	if resp.StatusCode != http.StatusSeeOther || resp.Header.Get("Location") != "/work" {
		t.Fatalf("right code: %d %q", resp.StatusCode, resp.Header.Get("Location"))
	}
	if status, b := s.get(t, c, "/work"); status != http.StatusOK || !strings.Contains(b, l.User.Name) {
		t.Errorf("/work after both steps: %d", status)
	}

	// TOTP replay: the same code, on a new sign-in within its 30
	// seconds, is refused.
	other := s.client(t)
	resp = s.post(t, other, "/signin", url.Values{"username": {l.Username}, "password": {l.Password}}, nil)
	resp.Body.Close()
	resp = s.post(t, other, "/signin/code", url.Values{"code": {code}}, nil)
	if b := body(t, resp); resp.StatusCode != http.StatusUnauthorized || !strings.Contains(b, "already been used") {
		t.Errorf("replayed code: %d", resp.StatusCode)
	}
	// Without a pending sign-in the code page sends people back to the start.
	if status, _ := s.get(t, s.client(t), "/signin/code"); status != http.StatusSeeOther {
		t.Errorf("code page without a pending sign-in: %d", status)
	}
}

func TestSetUpAuthenticatorAtFirstSignIn(t *testing.T) {
	s := newSite(t)
	ctx := context.Background()
	out, err := s.store.Administer(ctx, s.actor("admin"), vigil.AdminChange{Action: vigil.AdminCreateUser,
		AgencyID: s.town.Agencies[vigil.AgencyChildrensServices].ID, Reason: "New starter",
		NewUser: vigil.NewUser{Username: "new.starter", Name: "New Starter", Role: vigil.RoleSocialWorker}})
	if err != nil {
		t.Fatal(err)
	}
	c := s.client(t)
	resp := s.post(t, c, "/signin", url.Values{"username": {"new.starter"}, "password": {out.Password}}, nil)
	resp.Body.Close()
	if resp.Header.Get("Location") != "/signin/enrol" {
		t.Fatalf("first sign-in: redirect to %q, want the set-up page", resp.Header.Get("Location"))
	}
	if status, _ := s.get(t, c, "/signin/code"); status != http.StatusSeeOther {
		t.Errorf("the code page before set-up: %d, want a redirect to set-up", status)
	}
	status, b := s.get(t, c, "/signin/enrol")
	if status != http.StatusOK || !strings.Contains(b, `src="data:image/png;base64,`) || !strings.Contains(b, "otpauth://totp/Vigil:new.starter?") {
		t.Fatalf("set-up page: %d", status)
	}
	m := regexp.MustCompile(`id="totp-secret">([A-Z2-7 ]+)<`).FindStringSubmatch(b)
	if m == nil {
		t.Fatal("set-up page shows no key")
	}
	secret := strings.ReplaceAll(m[1], " ", "")
	if _, again := s.get(t, c, "/signin/enrol"); !strings.Contains(again, m[1]) {
		t.Error("the key changed when the page was shown again")
	}
	resp = s.post(t, c, "/signin/enrol", url.Values{"code": {"123456"}}, nil)
	if b := body(t, resp); resp.StatusCode != http.StatusUnauthorized || !strings.Contains(b, m[1]) {
		t.Errorf("wrong code on the set-up page: %d, or the page lost its key", resp.StatusCode)
	}
	resp = s.post(t, c, "/signin/enrol", url.Values{"code": {codeAt(t, secret, time.Now())}}, nil)
	resp.Body.Close()
	if resp.StatusCode != http.StatusSeeOther || resp.Header.Get("Location") != "/work" {
		t.Fatalf("set-up code: %d %q", resp.StatusCode, resp.Header.Get("Location"))
	}
	if status, _ := s.get(t, c, "/work"); status != http.StatusOK {
		t.Errorf("after set-up: %d", status)
	}
}

func TestSignInThrottled(t *testing.T) {
	s := newSite(t)
	c := s.client(t)
	l := s.town.Login("team.manager")
	for i := range 5 {
		resp := s.post(t, c, "/signin", url.Values{"username": {l.Username}, "password": {fmt.Sprintf("wrong guess %d", i)}}, nil)
		resp.Body.Close()
		if resp.StatusCode != http.StatusUnauthorized {
			t.Fatalf("guess %d: status %d", i+1, resp.StatusCode)
		}
	}
	resp := s.post(t, c, "/signin", url.Values{"username": {l.Username}, "password": {l.Password}}, nil)
	b := body(t, resp)
	if resp.StatusCode != http.StatusTooManyRequests || !strings.Contains(b, "too many failed attempts") || resp.Header.Get("Retry-After") == "" {
		t.Errorf("after 5 wrong passwords: %d, Retry-After %q", resp.StatusCode, resp.Header.Get("Retry-After"))
	}
	// Another account from the same address is not held back.
	other := s.town.Login("social.worker")
	resp = s.post(t, s.client(t), "/signin", url.Values{"username": {other.Username}, "password": {other.Password}}, nil)
	resp.Body.Close()
	if resp.StatusCode != http.StatusSeeOther {
		t.Errorf("another account: %d", resp.StatusCode)
	}
}

// TestThrottleCannotLockOutAVictim attacks one account from many
// addresses: once the account's soft limit is reached, new browsers are
// refused but the person's own browser, which signed in before, is not.
func TestThrottleCannotLockOutAVictim(t *testing.T) {
	s := newSite(t)
	h := s.handler(t)
	l := s.town.Login("duty.manager")
	send := func(addr string, form url.Values, cookies ...*http.Cookie) *httptest.ResponseRecorder {
		req := httptest.NewRequest("POST", "/signin", strings.NewReader(form.Encode()))
		req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
		req.RemoteAddr = addr + ":4000"
		for _, c := range cookies {
			req.AddCookie(c)
		}
		rec := httptest.NewRecorder()
		h.ServeHTTP(rec, req)
		return rec
	}
	// The person signs in from their office: their browser becomes known.
	rec := send("10.1.1.1", url.Values{"username": {l.Username}, "password": {l.Password}})
	pending := cookieOf(rec.Result(), "vigil_signin")
	req := httptest.NewRequest("POST", "/signin/code", strings.NewReader(url.Values{"code": {l.Code()}}.Encode()))
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	req.RemoteAddr = "10.1.1.1:4000"
	req.AddCookie(pending)
	rec = httptest.NewRecorder()
	h.ServeHTTP(rec, req)
	known := cookieOf(rec.Result(), "vigil_known")
	if rec.Code != http.StatusSeeOther || known == nil {
		t.Fatalf("sign-in from the office: %d, known cookie %v", rec.Code, known)
	}
	// An attacker guesses from 10 addresses, 2 guesses each: 20 failures.
	for i := range 10 {
		for j := range 2 {
			if rec := send(fmt.Sprintf("192.0.2.%d", i+1), url.Values{"username": {l.Username}, "password": {fmt.Sprintf("guess %d %d", i, j)}}); rec.Code != http.StatusUnauthorized {
				t.Fatalf("guess from 192.0.2.%d: %d", i+1, rec.Code)
			}
		}
	}
	if rec := send("192.0.2.99", url.Values{"username": {l.Username}, "password": {"one more"}}); rec.Code != http.StatusTooManyRequests ||
		!strings.Contains(rec.Body.String(), "browser that has signed in to it before") {
		t.Errorf("a new address after the soft limit: %d", rec.Code)
	}
	if rec := send("10.1.1.1", url.Values{"username": {l.Username}, "password": {l.Password}}, known); rec.Code != http.StatusSeeOther {
		t.Errorf("the person's own browser after the soft limit: %d, want to be let through", rec.Code)
	}
	forged := &http.Cookie{Name: "vigil_known", Value: strings.Replace(known.Value, ".", ".A", 1)}
	if rec := send("198.51.100.7", url.Values{"username": {l.Username}, "password": {"guess"}}, forged); rec.Code != http.StatusTooManyRequests {
		t.Errorf("a forged known-browser cookie: %d", rec.Code)
	}
}

func cookieOf(r *http.Response, name string) *http.Cookie {
	for _, c := range r.Cookies() {
		if c.Name == name && c.Value != "" {
			return c
		}
	}
	return nil
}

func (s *site) handler(t *testing.T) http.Handler {
	t.Helper()
	p, err := web.New(s.store, web.Options{})
	if err != nil {
		t.Fatal(err)
	}
	return p.Handler()
}

func TestAccountPage(t *testing.T) {
	s := newSite(t)
	ctx := context.Background()
	l := s.town.Login("police.officer")
	c, elsewhere := s.signIn(t, "police.officer"), s.signIn(t, "police.officer")
	status, b := s.get(t, c, "/account")
	if status != http.StatusOK || !strings.Contains(b, "Your API tokens") || !strings.Contains(b, "Revoke") {
		t.Fatalf("account page: %d", status)
	}
	tokens, _ := s.store.APITokens(ctx, s.actor("police.officer"), l.User.ID)
	resp := s.post(t, c, "/account/tokens/"+string(tokens[0].ID)+"/revoke", nil, nil)
	resp.Body.Close()
	if resp.StatusCode != http.StatusSeeOther || resp.Header.Get("Location") != "/account?notice=token-revoked" {
		t.Errorf("revoke: %d %q", resp.StatusCode, resp.Header.Get("Location"))
	}
	if _, err := s.store.UserByAPIToken(ctx, l.APIToken); vigil.ErrorCode(err) != vigil.EUNAUTHORIZED {
		t.Errorf("revoked token: %v", err)
	}
	resp = s.post(t, c, "/account/password", url.Values{"current-password": {l.Password}, "new-password": {"a new long password"}, "confirm-password": {"a different one"}}, nil)
	if b := body(t, resp); resp.StatusCode != http.StatusUnprocessableEntity || !strings.Contains(b, "not the same") {
		t.Errorf("mismatched new passwords: %d", resp.StatusCode)
	}
	resp = s.post(t, c, "/account/password", url.Values{"current-password": {"wrong"}, "new-password": {"a new long password"}, "confirm-password": {"a new long password"}}, nil)
	if b := body(t, resp); resp.StatusCode != http.StatusUnauthorized || !strings.Contains(b, "current password is not right") {
		t.Errorf("wrong current password: %d", resp.StatusCode)
	}
	resp = s.post(t, c, "/account/password", url.Values{"current-password": {l.Password}, "new-password": {"a new long password"}, "confirm-password": {"a new long password"}}, nil)
	resp.Body.Close()
	if resp.StatusCode != http.StatusSeeOther {
		t.Fatalf("change password: %d", resp.StatusCode)
	}
	if status, _ := s.get(t, c, "/account"); status != http.StatusOK {
		t.Errorf("the browser that changed the password was signed out: %d", status)
	}
	if status, _ := s.get(t, elsewhere, "/account"); status != http.StatusSeeOther {
		t.Errorf("another browser kept its session after the password changed: %d", status)
	}
}

// adminRequest finds the id of the one pending request on an agency page.
var pendingRequest = regexp.MustCompile(`action="/admin/requests/([a-z2-7]{26})"`)

func TestAdministrationPages(t *testing.T) {
	s := newSite(t)
	council := string(s.town.Agencies[vigil.AgencyChildrensServices].ID)
	police := string(s.town.Agencies[vigil.AgencyPolice].ID)
	sw := s.town.Login("social.worker")
	worker, admin, commissioner := s.signIn(t, "social.worker"), s.signIn(t, "admin"), s.signIn(t, "commissioner")
	person := "/admin/people/" + string(sw.User.ID)

	for _, tc := range []struct {
		name   string
		c      *http.Client
		path   string
		status int
	}{
		{"a social worker's administration", worker, "/admin", http.StatusForbidden},
		{"a social worker's look at a person", worker, person, http.StatusNotFound},
		{"the administrator's start", admin, "/admin", http.StatusSeeOther},
		{"the council's page", admin, "/admin/agencies/" + council, http.StatusOK},
		{"another agency's page", admin, "/admin/agencies/" + police, http.StatusNotFound},
		{"a person", admin, person, http.StatusOK},
		{"the new person form", admin, "/admin/agencies/" + council + "/people/new", http.StatusOK},
		{"the commissioners' start", commissioner, "/admin", http.StatusOK},
		{"the council seen by a commissioner", commissioner, "/admin/agencies/" + council, http.StatusOK},
		{"the new person form without an intervention", commissioner, "/admin/agencies/" + council + "/people/new", http.StatusForbidden},
	} {
		if status, _ := s.get(t, tc.c, tc.path); status != tc.status {
			t.Errorf("%s (%s): status %d, want %d", tc.name, tc.path, status, tc.status)
		}
	}

	// Adding a person shows a one-time password once.
	resp := s.post(t, admin, "/admin/agencies/"+council+"/people", url.Values{"name": {"Jo Bloggs"}, "username": {"Jo Bloggs"},
		"role": {"social_worker"}, "reason": {""}}, nil)
	if b := body(t, resp); resp.StatusCode != http.StatusUnprocessableEntity || !strings.Contains(b, "Enter a username of 3 to 64") ||
		!strings.Contains(b, "Enter the reason") || !strings.Contains(b, `value="Jo Bloggs"`) {
		t.Errorf("new person with mistakes: %d", resp.StatusCode)
	}
	resp = s.post(t, admin, "/admin/agencies/"+council+"/people", url.Values{"name": {"Jo Bloggs"}, "username": {"jo.bloggs"},
		"role": {"social_worker"}, "team": {string(s.town.Teams["assessment"].ID)}, "reason": {"Appointed to the assessment team"}}, nil)
	b := body(t, resp)
	m := regexp.MustCompile(`id="one-time-password">([a-z0-9-]+)<`).FindStringSubmatch(b)
	if resp.StatusCode != http.StatusOK || m == nil {
		t.Fatalf("new person: %d, password shown %v", resp.StatusCode, m != nil)
	}
	if _, _, _, err := s.store.SignInPassword(context.Background(), "jo.bloggs", m[1]); err != nil {
		t.Errorf("the one-time password: %v", err)
	}

	// The administrator suspends the social worker, who is signed out.
	resp = s.post(t, admin, person+"/status", url.Values{"status": {"suspended"}, "status-reason": {""}}, nil)
	if b := body(t, resp); resp.StatusCode != http.StatusUnprocessableEntity || !strings.Contains(b, "Enter the reason") {
		t.Errorf("suspension without a reason: %d", resp.StatusCode)
	}
	resp = s.post(t, admin, person+"/status", url.Values{"status": {"suspended"}, "status-reason": {"Pending investigation"}}, nil)
	resp.Body.Close()
	if resp.StatusCode != http.StatusSeeOther || resp.Header.Get("Location") != person+"?notice=status-changed" {
		t.Fatalf("suspension: %d %q", resp.StatusCode, resp.Header.Get("Location"))
	}
	if status, _ := s.get(t, worker, "/work"); status != http.StatusSeeOther {
		t.Errorf("the suspended person's next request: %d, want a redirect to sign in", status)
	}
	resp = s.post(t, worker, "/concerns", url.Values{}, nil)
	resp.Body.Close()
	if resp.StatusCode != http.StatusUnauthorized {
		t.Errorf("the suspended person's next form: %d, want 401", resp.StatusCode)
	}

	// Intervention: the commissioner takes over; the administrator's next
	// change is a request; the commissioner approves it with a reason.
	resp = s.post(t, commissioner, "/admin/interventions", url.Values{"agency": {council}, "reason": {""}}, nil)
	if resp.StatusCode != http.StatusUnprocessableEntity {
		t.Errorf("intervention without a reason: %d", resp.StatusCode)
	}
	resp.Body.Close()
	resp = s.post(t, commissioner, "/admin/interventions", url.Values{"agency": {council}, "reason": {"Direction of the Secretary of State, 4 February 2015"}}, nil)
	resp.Body.Close()
	if resp.StatusCode != http.StatusSeeOther || resp.Header.Get("Location") != "/admin/agencies/"+council+"?notice=intervention-started" {
		t.Fatalf("start intervention: %d %q", resp.StatusCode, resp.Header.Get("Location"))
	}
	if _, b := s.get(t, admin, person); !strings.Contains(b, "Ask to change status") {
		t.Error("under intervention the administrator's forms do not say they ask")
	}
	resp = s.post(t, admin, person+"/status", url.Values{"status": {"active"}, "status-reason": {"Investigation closed"}}, nil)
	resp.Body.Close()
	if resp.Header.Get("Location") != person+"?notice=request-made" {
		t.Fatalf("reinstatement under intervention: %d %q", resp.StatusCode, resp.Header.Get("Location"))
	}
	if u, _ := s.store.FindUser(context.Background(), sw.User.ID); u.Status != vigil.UserSuspended {
		t.Errorf("a request changed the status before approval: %s", u.Status)
	}
	_, b = s.get(t, admin, "/admin/agencies/"+council)
	if pendingRequest.MatchString(b) || !strings.Contains(b, "Waiting for a commissioner") {
		t.Error("the administrator is offered the decision on their own request")
	}
	_, b = s.get(t, commissioner, "/admin/agencies/"+council)
	rm := pendingRequest.FindStringSubmatch(b)
	if rm == nil {
		t.Fatal("the commissioner's page shows no request to decide")
	}
	resp = s.post(t, commissioner, "/admin/requests/"+rm[1], url.Values{"decision": {"approve"}, "agency": {council}}, nil)
	if b := body(t, resp); resp.StatusCode != http.StatusUnprocessableEntity || !strings.Contains(b, "Enter the reason for your decision") {
		t.Errorf("decision without a reason: %d", resp.StatusCode)
	}
	resp = s.post(t, commissioner, "/admin/requests/"+rm[1], url.Values{"decision": {"approve"}, "agency": {council},
		"reason-" + rm[1]: {"The investigation found no case to answer"}}, nil)
	resp.Body.Close()
	if resp.StatusCode != http.StatusSeeOther || resp.Header.Get("Location") != "/admin/agencies/"+council+"?notice=request-approved" {
		t.Fatalf("approval: %d %q", resp.StatusCode, resp.Header.Get("Location"))
	}
	if u, _ := s.store.FindUser(context.Background(), sw.User.ID); u.Status != vigil.UserActive {
		t.Errorf("after approval the person is %s", u.Status)
	}
	_, b = s.get(t, commissioner, "/admin/agencies/"+council)
	if !strings.Contains(b, "Approved</strong> by Farah Begum: The investigation found no case to answer") {
		t.Error("the history does not show the approval with its reason")
	}
	id := regexp.MustCompile(`action="/admin/interventions/([a-z2-7]{26})/end"`).FindStringSubmatch(b)
	if id == nil {
		t.Fatal("no form to end the intervention")
	}
	resp = s.post(t, commissioner, "/admin/interventions/"+id[1]+"/end", url.Values{"end-reason": {"Powers returned to the council"}}, nil)
	resp.Body.Close()
	if resp.Header.Get("Location") != "/admin/agencies/"+council+"?notice=intervention-ended" {
		t.Errorf("end intervention: %d %q", resp.StatusCode, resp.Header.Get("Location"))
	}
}

// TestAdminFormsCrossSiteRefused sends every new form from another site:
// each is refused with 403.
func TestAdminFormsCrossSiteRefused(t *testing.T) {
	s := newSite(t)
	admin := s.signIn(t, "admin")
	person := "/admin/people/" + string(s.town.Login("social.worker").User.ID)
	council := string(s.town.Agencies[vigil.AgencyChildrensServices].ID)
	for _, path := range []string{"/signin", "/signin/code", "/signin/enrol", "/account/password", "/account/tokens/aaaaaaaaaaaaaaaaaaaaaaaaaa/revoke",
		"/admin/interventions", "/admin/interventions/aaaaaaaaaaaaaaaaaaaaaaaaaa/end", "/admin/agencies/" + council + "/people",
		person + "/status", person + "/tokens", person + "/password", person + "/authenticator", "/admin/requests/aaaaaaaaaaaaaaaaaaaaaaaaaa"} {
		resp := s.post(t, admin, path, url.Values{"status": {"suspended"}, "status-reason": {"x"}},
			map[string]string{"Sec-Fetch-Site": "cross-site", "Origin": "https://evil.example"})
		resp.Body.Close()
		if resp.StatusCode != http.StatusForbidden {
			t.Errorf("%s from another site: status %d, want 403", path, resp.StatusCode)
		}
	}
	if u, _ := s.store.FindUser(context.Background(), s.town.Login("social.worker").User.ID); u.Status != vigil.UserActive {
		t.Errorf("a cross-site form suspended the social worker")
	}
}

// testProvider is a small OpenID Connect provider: oidctest serves
// discovery and keys; /auth signs the person in at once (as if they had
// given their council password) and /token exchanges the code for an ID
// token signed with a generated RSA key, which go-oidc verifies for real.
type testProvider struct {
	srv    *httptest.Server
	key    *rsa.PrivateKey
	mu     sync.Mutex
	claims map[string]any           // extra claims of the next ID token
	codes  map[string]oidcAuthorise // code -> what was asked at /auth
	nonce  string                   // if set, put in the ID token instead of the one asked for
}

type oidcAuthorise struct{ nonce, challenge, redirect string }

func newTestProvider(t *testing.T) *testProvider {
	t.Helper()
	key, err := rsa.GenerateKey(rand.Reader, 2048)
	if err != nil {
		t.Fatal(err)
	}
	p := &testProvider{key: key, codes: map[string]oidcAuthorise{}}
	ots := &oidctest.Server{PublicKeys: []oidctest.PublicKey{{PublicKey: key.Public(), KeyID: "k1", Algorithm: oidc.RS256}}}
	mux := http.NewServeMux()
	mux.Handle("/.well-known/openid-configuration", ots)
	mux.Handle("/keys", ots)
	mux.HandleFunc("/auth", func(w http.ResponseWriter, r *http.Request) {
		q := r.URL.Query()
		if q.Get("client_id") != "vigil" || q.Get("code_challenge_method") != "S256" || q.Get("response_type") != "code" {
			http.Error(w, "bad authorisation request", http.StatusBadRequest)
			return
		}
		code := rand.Text()
		p.mu.Lock()
		p.codes[code] = oidcAuthorise{nonce: q.Get("nonce"), challenge: q.Get("code_challenge"), redirect: q.Get("redirect_uri")}
		p.mu.Unlock()
		http.Redirect(w, r, q.Get("redirect_uri")+"?code="+code+"&state="+url.QueryEscape(q.Get("state")), http.StatusFound)
	})
	mux.HandleFunc("POST /token", func(w http.ResponseWriter, r *http.Request) {
		r.ParseForm()
		p.mu.Lock()
		a, ok := p.codes[r.PostForm.Get("code")]
		delete(p.codes, r.PostForm.Get("code"))
		claims := map[string]any{}
		for k, v := range p.claims {
			claims[k] = v
		}
		nonce := a.nonce
		if p.nonce != "" {
			nonce = p.nonce
		}
		p.mu.Unlock()
		user, pass, _ := r.BasicAuth()
		sum := sha256.Sum256([]byte(r.PostForm.Get("code_verifier")))
		if !ok || user != "vigil" || pass != "client-secret" || base64.RawURLEncoding.EncodeToString(sum[:]) != a.challenge ||
			r.PostForm.Get("redirect_uri") != a.redirect {
			http.Error(w, `{"error":"invalid_grant"}`, http.StatusBadRequest)
			return
		}
		claims["iss"], claims["aud"], claims["sub"], claims["nonce"] = p.srv.URL, "vigil", "subject-1", nonce
		claims["iat"], claims["exp"] = time.Now().Unix(), time.Now().Add(5*time.Minute).Unix()
		raw, _ := json.Marshal(claims)
		w.Header().Set("Content-Type", "application/json")
		json.NewEncoder(w).Encode(map[string]any{"access_token": "at", "token_type": "Bearer", "expires_in": 300,
			"id_token": oidctest.SignIDToken(p.key, "k1", oidc.RS256, string(raw))})
	})
	p.srv = httptest.NewServer(mux)
	ots.SetIssuer(p.srv.URL)
	t.Cleanup(p.srv.Close)
	return p
}

func (p *testProvider) set(claims map[string]any, nonce string) {
	p.mu.Lock()
	defer p.mu.Unlock()
	p.claims, p.nonce = claims, nonce
}

func TestOpenIDConnectSignIn(t *testing.T) {
	s := newSite(t)
	p := newTestProvider(t)
	var h http.Handler
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { h.ServeHTTP(w, r) }))
	t.Cleanup(srv.Close)
	pages, err := web.New(s.store, web.Options{OIDC: &web.OIDCConfig{Issuer: p.srv.URL, ClientID: "vigil", ClientSecret: "client-secret",
		RedirectURL: srv.URL + "/signin/oidc/callback", Name: "Kettleford Council account", UsernameDomain: "kettleford.gov.uk",
		UsernameClaim: "email", TrustMFA: true}})
	if err != nil {
		t.Fatal(err)
	}
	h = pages.Handler()
	site := &site{srv: srv, town: s.town, store: s.store}

	// signIn goes to the provider and back, and returns the last answer.
	signIn := func(t *testing.T, c *http.Client, tamper func(*url.URL)) *http.Response {
		t.Helper()
		resp, err := c.Get(srv.URL + "/signin/oidc?next=%2Fwork")
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		resp, err = c.Get(resp.Header.Get("Location")) // the provider
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		back, err := url.Parse(resp.Header.Get("Location"))
		if err != nil || !strings.HasPrefix(back.String(), srv.URL+"/signin/oidc/callback?") {
			t.Fatalf("provider sent the browser to %q", resp.Header.Get("Location"))
		}
		if tamper != nil {
			tamper(back)
		}
		resp, err = c.Get(back.String())
		if err != nil {
			t.Fatal(err)
		}
		return resp
	}

	if _, b := site.get(t, site.client(t), "/signin"); !strings.Contains(b, "Sign in with Kettleford Council account") {
		t.Error("the sign-in page does not offer the council account")
	}
	l := s.town.Login("social.worker")
	t.Run("a code is still needed without a trusted second factor", func(t *testing.T) {
		p.set(map[string]any{"email": "Social.Worker@kettleford.gov.uk", "amr": []string{"pwd"}}, "")
		c := site.client(t)
		resp := signIn(t, c, nil)
		resp.Body.Close()
		if resp.StatusCode != http.StatusSeeOther || resp.Header.Get("Location") != "/signin/code?next=%2Fwork" {
			t.Fatalf("callback: %d %q", resp.StatusCode, resp.Header.Get("Location"))
		}
		site.secondFactor(t, c, l, resp)
		if status, _ := site.get(t, c, "/work"); status != http.StatusOK {
			t.Errorf("/work: %d", status)
		}
	})
	t.Run("the provider's second factor is trusted when configured", func(t *testing.T) {
		p.set(map[string]any{"email": "social.worker@kettleford.gov.uk", "amr": []string{"pwd", "mfa"}}, "")
		resp := signIn(t, site.client(t), nil)
		resp.Body.Close()
		if resp.StatusCode != http.StatusSeeOther || resp.Header.Get("Location") != "/work" {
			t.Errorf("callback: %d %q", resp.StatusCode, resp.Header.Get("Location"))
		}
	})
	for _, tc := range []struct {
		name   string
		claims map[string]any
		nonce  string
		tamper func(*url.URL)
	}{
		{"another domain", map[string]any{"email": "social.worker@evil.example"}, "", nil},
		{"no such account", map[string]any{"email": "nobody@kettleford.gov.uk"}, "", nil},
		{"a replayed ID token's nonce", map[string]any{"email": "social.worker@kettleford.gov.uk"}, "another-nonce", nil},
		{"a state from elsewhere", map[string]any{"email": "social.worker@kettleford.gov.uk"}, "", func(u *url.URL) {
			q := u.Query()
			q.Set("state", "forged")
			u.RawQuery = q.Encode()
		}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			p.set(tc.claims, tc.nonce)
			c := site.client(t)
			resp := signIn(t, c, tc.tamper)
			if b := body(t, resp); resp.StatusCode != http.StatusUnauthorized || !strings.Contains(b, "did not work") {
				t.Errorf("callback: %d", resp.StatusCode)
			}
			if status, _ := site.get(t, c, "/work"); status != http.StatusSeeOther {
				t.Errorf("signed in anyway: %d", status)
			}
		})
	}
}
