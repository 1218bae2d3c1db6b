package web

import (
	"bytes"
	"crypto/hmac"
	"crypto/rand"
	"crypto/sha256"
	"encoding/base64"
	"encoding/hex"
	"fmt"
	"html/template"
	"image/png"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"time"

	"github.com/pquerna/otp"

	"github.com/vigil-project/vigil"
)

// Signing in (issue 5, part 7) takes two steps for every account: a
// password (or the council's identity provider, see auth_oidc.go), then a
// six-digit code from an authenticator app (RFC 6238). A person without an
// authenticator sets one up at their first sign-in. Between the steps the
// browser holds a pending sign-in in its own cookie, scoped to /signin,
// which can do nothing but finish signing in; the session cookie is set
// only when both steps are done, with a new token.

// secureServices is what signing in, the account pages and administration
// need of the store beyond Services.
type secureServices interface {
	vigil.SignInService
	vigil.AccountService
	vigil.AdminService
	vigil.InterventionService
}

// authState is what sign-in security keeps across requests.
type authState struct {
	svc      secureServices
	throttle *throttle
	key      []byte      // signs the known-browser and OpenID Connect state cookies
	oidc     *oidcClient // nil unless OpenID Connect is configured
}

func newAuthState(svc Services, opt Options) (*authState, error) {
	sec, ok := svc.(secureServices)
	if !ok {
		return nil, fmt.Errorf("web: the services do not implement sign-in security and administration")
	}
	a := &authState{svc: sec, throttle: newThrottle(nil), key: opt.CookieKey}
	if len(a.key) == 0 {
		// Without a key from the store, known-browser cookies last until
		// the process restarts; then the soft limit treats browsers as new.
		a.key = make([]byte, 32)
		rand.Read(a.key)
	}
	if opt.OIDC != nil {
		c, err := newOIDCClient(*opt.OIDC)
		if err != nil {
			return nil, err
		}
		a.oidc = c
	}
	return a, nil
}

const (
	pendingCookie = "vigil_signin" // the token of a sign-in waiting for its second factor
	knownCookie   = "vigil_known"  // this browser has signed in to the account before
	knownLifetime = 90 * 24 * time.Hour
)

func urlQueryEscape(s string) string { return url.QueryEscape(s) }

// localPath returns next if it is a path on this site, else "/work", so
// that the sign-in page cannot be used to send people elsewhere.
func localPath(next string) string {
	if !strings.HasPrefix(next, "/") || strings.HasPrefix(next, "//") || strings.HasPrefix(next, "/\\") || strings.ContainsAny(next, "\r\n") {
		return "/work"
	}
	return next
}

// withNext adds a next parameter to a path of the sign-in journey.
func withNext(path, next string) string {
	if next == "" {
		return path
	}
	return path + "?next=" + url.QueryEscape(next)
}

func (s *Server) home(w http.ResponseWriter, r *http.Request) {
	if userFrom(r) != nil {
		http.Redirect(w, r, "/work", http.StatusSeeOther)
		return
	}
	s.render(w, r, http.StatusOK, "home", &Page{Title: "Vigil: keeping children safe"})
}

// signInPage is the sign-in page's data.
type signInPage struct {
	OIDC     bool   // offer the organisation's identity provider
	OIDCName string // its name for people
}

func (s *Server) signInPageData() signInPage {
	if s.auth.oidc == nil {
		return signInPage{}
	}
	return signInPage{OIDC: true, OIDCName: s.auth.oidc.name}
}

func (s *Server) signInForm(w http.ResponseWriter, r *http.Request) {
	if userFrom(r) != nil {
		http.Redirect(w, r, localPath(r.URL.Query().Get("next")), http.StatusSeeOther)
		return
	}
	s.render(w, r, http.StatusOK, "signin", &Page{Title: "Sign in", Form: Form{"next": r.URL.Query().Get("next")}, Data: s.signInPageData()})
}

// signInInput is a posted sign-in form.
type signInInput struct {
	Username, Password, Next string
}

// parseSignIn reads a posted sign-in form. Each field is taken once: a
// repeated field is a mistake or an attack, not something to choose from.
func parseSignIn(v url.Values) (signInInput, []vigil.FieldError) {
	in := signInInput{Username: v.Get("username"), Password: v.Get("password"), Next: v.Get("next")}
	var val vigil.Validation
	switch {
	case len(v["username"]) > 1 || len(v["password"]) > 1 || len(v["next"]) > 1:
		val.Add("username", "The form was sent with a field twice. Go back and sign in again.")
	default:
		if strings.TrimSpace(in.Username) == "" {
			val.Add("username", "Enter your username")
		} else if len(in.Username) > 256 {
			val.Add("username", "Enter your username: it is at most 64 characters")
		}
		if in.Password == "" {
			val.Add("password", "Enter your password")
		} else if len(in.Password) > 1024 {
			val.Add("password", "The password is too long to be yours")
		}
	}
	if len(in.Next) > 2048 {
		in.Next = ""
	}
	return in, vigil.ErrorFields(val.Err())
}

// accountKey is how the throttle and the known-browser cookie name an
// account: the username as the store compares it.
func accountKey(username string) string { return strings.ToLower(strings.TrimSpace(username)) }

// accountRef names an account in the log without its text: people type
// passwords into the username box, and the log must never hold one.
func (a *authState) accountRef(account string) string {
	m := hmac.New(sha256.New, a.key)
	m.Write([]byte("account\x00" + account))
	return hex.EncodeToString(m.Sum(nil)[:6])
}

func (s *Server) signIn(w http.ResponseWriter, r *http.Request) {
	if err := r.ParseForm(); err != nil {
		s.fail(w, r, formError(err))
		return
	}
	in, errs := parseSignIn(r.PostForm)
	form := Form{"username": in.Username, "next": in.Next}
	page := &Page{Title: "Sign in", Form: form, Data: s.signInPageData()}
	if len(errs) > 0 {
		page.Errors = errs
		s.render(w, r, http.StatusUnprocessableEntity, "signin", page)
		return
	}
	account, addr := accountKey(in.Username), clientAddr(r)
	if s.throttled(w, r, account, addr, "signin", page) {
		return
	}
	token, u, stage, err := s.auth.svc.SignInPassword(r.Context(), in.Username, in.Password)
	if vigil.ErrorCode(err) == vigil.EUNAUTHORIZED {
		s.auth.throttle.fail(account, addr)
		s.logger.Info("sign-in refused", "step", "password", "account", s.auth.accountRef(account), "address", addr)
		page.Errors = []vigil.FieldError{{Field: "username", Message: vigil.ErrorMessage(err)}}
		s.render(w, r, http.StatusUnauthorized, "signin", page)
		return
	} else if err != nil {
		s.fail(w, r, err)
		return
	}
	s.firstFactorDone(w, r, token, u, stage, in.Next)
}

// throttled refuses, with 429 and the page given, a sign-in the throttle
// holds back, and logs it. The addresses of refused and throttled staff
// sign-ins are logged (in the operational log only; the verifiable log
// holds no addresses): they are what an investigation of an attack on
// accounts needs. Successful sign-ins are logged without an address, and
// no page of the public or of speak-up logs one.
func (s *Server) throttled(w http.ResponseWriter, r *http.Request, account, addr, template string, page *Page) bool {
	wait, limit := s.auth.throttle.check(account, addr, s.knownBrowser(r, account))
	if wait <= 0 {
		return false
	}
	s.logger.Warn("sign-in throttled", "limit", limit, "account", s.auth.accountRef(account), "address", addr)
	minutes := int(wait.Minutes()) + 1
	msg := fmt.Sprintf("There have been too many failed attempts to sign in to this account from here. Wait %d minutes, then try again. "+
		"If you did not make them, tell your administrator.", minutes)
	if limit == limitAccount {
		msg = fmt.Sprintf("There have been many failed attempts to sign in to this account, so it can only be used from a browser "+
			"that has signed in to it before. Use that browser, or wait %d minutes, and tell your administrator.", minutes)
	}
	w.Header().Set("Retry-After", strconv.Itoa(int(wait.Seconds())+1))
	field := "username"
	if template != "signin" {
		field = "code"
	}
	page.Errors = []vigil.FieldError{{Field: field, Message: msg}}
	s.render(w, r, http.StatusTooManyRequests, template, page)
	return true
}

// firstFactorDone moves a sign-in whose password (or identity provider)
// was accepted on to its second factor, or signs the person in.
func (s *Server) firstFactorDone(w http.ResponseWriter, r *http.Request, token string, u *vigil.User, stage vigil.SessionStage, next string) {
	if stage == vigil.StageSignedIn {
		s.signedIn(w, r, token, u, next)
		return
	}
	http.SetCookie(w, &http.Cookie{Name: pendingCookie, Value: token, Path: "/signin", HttpOnly: true,
		Secure: s.secureCookies, SameSite: http.SameSiteLaxMode, MaxAge: int(vigil.SignInCodeLimit.Seconds())})
	path := "/signin/code"
	if stage == vigil.StageEnrol {
		path = "/signin/enrol"
	}
	http.Redirect(w, r, withNext(path, next), http.StatusSeeOther)
}

// signedIn starts the browser's session.
func (s *Server) signedIn(w http.ResponseWriter, r *http.Request, token string, u *vigil.User, next string) {
	http.SetCookie(w, &http.Cookie{Name: pendingCookie, Value: "", Path: "/signin", HttpOnly: true,
		Secure: s.secureCookies, SameSite: http.SameSiteLaxMode, MaxAge: -1})
	s.setSession(w, token)
	account := accountKey(u.Username)
	http.SetCookie(w, &http.Cookie{Name: knownCookie, Value: s.knownValue(account), Path: "/signin", HttpOnly: true,
		Secure: s.secureCookies, SameSite: http.SameSiteLaxMode, MaxAge: int(knownLifetime.Seconds())})
	s.auth.throttle.succeed(account, clientAddr(r))
	// A sign-in is in the verifiable log (session.started) with its
	// person; its address is not kept anywhere. Addresses are logged only
	// for refused and throttled sign-ins, where investigating an attack
	// needs them (see throttled).
	s.logger.Info("signed in", "user_id", string(u.ID))
	http.Redirect(w, r, localPath(next), http.StatusSeeOther)
}

// knownValue is the known-browser cookie for an account: the account and
// an HMAC of it, so that only Vigil can make one.
func (s *Server) knownValue(account string) string {
	m := hmac.New(sha256.New, s.auth.key)
	m.Write([]byte("known\x00" + account))
	return base64.RawURLEncoding.EncodeToString([]byte(account)) + "." + base64.RawURLEncoding.EncodeToString(m.Sum(nil))
}

// parseKnown returns the account a known-browser cookie names and its MAC.
func parseKnown(v string) (account string, mac []byte, ok bool) {
	a, m, found := strings.Cut(v, ".")
	if !found || len(v) > 512 {
		return "", nil, false
	}
	ab, err1 := base64.RawURLEncoding.DecodeString(a)
	mb, err2 := base64.RawURLEncoding.DecodeString(m)
	if err1 != nil || err2 != nil || len(mb) != sha256.Size {
		return "", nil, false
	}
	return string(ab), mb, true
}

// knownBrowser reports whether the browser has signed in to account before.
func (s *Server) knownBrowser(r *http.Request, account string) bool {
	c, err := r.Cookie(knownCookie)
	return err == nil && s.isKnown(c.Value, account)
}

// isKnown reports whether v is a known-browser cookie Vigil made for account.
func (s *Server) isKnown(v, account string) bool {
	got, mac, ok := parseKnown(v)
	if !ok || got != account {
		return false
	}
	m := hmac.New(sha256.New, s.auth.key)
	m.Write([]byte("known\x00" + account))
	return hmac.Equal(mac, m.Sum(nil))
}

// pending returns the pending sign-in of the request, or sends the
// browser back to the password page.
func (s *Server) pending(w http.ResponseWriter, r *http.Request, next string) (string, *vigil.User, vigil.SessionStage, bool) {
	c, err := r.Cookie(pendingCookie)
	if err == nil && c.Value != "" {
		u, stage, err := s.auth.svc.PendingSignIn(r.Context(), c.Value)
		if err == nil {
			return c.Value, u, stage, true
		} else if vigil.ErrorCode(err) != vigil.EUNAUTHORIZED {
			s.fail(w, r, err)
			return "", nil, "", false
		}
	}
	if r.Method == http.MethodGet {
		http.Redirect(w, r, withNext("/signin", next), http.StatusSeeOther)
		return "", nil, "", false
	}
	s.render(w, r, http.StatusUnauthorized, "signin", &Page{Title: "Sign in", Form: Form{"next": next}, Data: s.signInPageData(),
		Errors: []vigil.FieldError{{Field: "username", Message: "Your sign-in ended before it was finished. Sign in again."}}})
	return "", nil, "", false
}

// enrolPage is the set-up page's data.
type enrolPage struct {
	Secret string // the secret, in groups of four for typing
	URI    string
	QR     template.URL
}

func (s *Server) codeForm(w http.ResponseWriter, r *http.Request) {
	next := r.URL.Query().Get("next")
	_, _, stage, ok := s.pending(w, r, next)
	if !ok {
		return
	}
	if stage == vigil.StageEnrol {
		http.Redirect(w, r, withNext("/signin/enrol", next), http.StatusSeeOther)
		return
	}
	s.render(w, r, http.StatusOK, "signin_code", &Page{Title: "Enter your code", Form: Form{"next": next}})
}

func (s *Server) enrolForm(w http.ResponseWriter, r *http.Request) {
	next := r.URL.Query().Get("next")
	token, _, stage, ok := s.pending(w, r, next)
	if !ok {
		return
	}
	if stage != vigil.StageEnrol {
		http.Redirect(w, r, withNext("/signin/code", next), http.StatusSeeOther)
		return
	}
	s.renderEnrol(w, r, http.StatusOK, token, &Page{Form: Form{"next": next}})
}

func (s *Server) renderEnrol(w http.ResponseWriter, r *http.Request, status int, token string, p *Page) {
	key, err := s.auth.svc.TOTPEnrolment(r.Context(), token)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	p.Title = "Set up your authenticator app"
	p.Data = enrolPage{Secret: groupSecret(key.Secret), URI: key.URI, QR: qrImage(key.URI)}
	s.render(w, r, status, "signin_enrol", p)
}

// groupSecret writes a base32 secret in groups of four, for typing.
func groupSecret(s string) string {
	var b strings.Builder
	for i, c := range s {
		if i > 0 && i%4 == 0 {
			b.WriteByte(' ')
		}
		b.WriteRune(c)
	}
	return b.String()
}

// qrImage draws the key URI as a QR code, a PNG in a data: URL (which the
// Content-Security-Policy allows for images), made on the server so that
// the page needs no script. It returns "" if the code cannot be drawn; the
// page then shows the key as text only.
func qrImage(uri string) template.URL {
	key, err := otp.NewKeyFromURL(uri)
	if err != nil {
		return ""
	}
	img, err := key.Image(200, 200)
	if err != nil {
		return ""
	}
	var buf bytes.Buffer
	if err := png.Encode(&buf, img); err != nil {
		return ""
	}
	return template.URL("data:image/png;base64," + base64.StdEncoding.EncodeToString(buf.Bytes()))
}

// parseCode reads a posted second-factor form.
func parseCode(v url.Values) (code, next string, errs []vigil.FieldError) {
	code, next = v.Get("code"), v.Get("next")
	if len(next) > 2048 {
		next = ""
	}
	digits := strings.Map(func(r rune) rune {
		if r == ' ' || r == '-' {
			return -1
		}
		return r
	}, code)
	ok := len(digits) == 6 && len(v["code"]) == 1
	for _, c := range digits {
		ok = ok && c >= '0' && c <= '9'
	}
	if !ok {
		errs = []vigil.FieldError{{Field: "code", Message: "Enter the 6-digit code your authenticator app shows, for example 123456"}}
	}
	return code, next, errs
}

// completeSignIn checks the code of a pending sign-in: from the code page,
// or from the set-up page, whose code proves the app was set up right.
func (s *Server) completeSignIn(w http.ResponseWriter, r *http.Request) {
	if err := r.ParseForm(); err != nil {
		s.fail(w, r, formError(err))
		return
	}
	code, next, errs := parseCode(r.PostForm)
	token, u, stage, ok := s.pending(w, r, next)
	if !ok {
		return
	}
	again := func(status int, errs []vigil.FieldError) {
		p := &Page{Title: "Enter your code", Form: Form{"next": next}, Errors: errs}
		if stage == vigil.StageEnrol {
			s.renderEnrol(w, r, status, token, p)
			return
		}
		s.render(w, r, status, "signin_code", p)
	}
	if len(errs) > 0 {
		again(http.StatusUnprocessableEntity, errs)
		return
	}
	account, addr := accountKey(u.Username), clientAddr(r)
	if wait, _ := s.auth.throttle.check(account, addr, s.knownBrowser(r, account)); wait > 0 {
		tmpl := "signin_code"
		if stage == vigil.StageEnrol {
			tmpl = "signin_enrol"
			key, err := s.auth.svc.TOTPEnrolment(r.Context(), token)
			if err != nil {
				s.fail(w, r, err)
				return
			}
			s.throttled(w, r, account, addr, tmpl, &Page{Title: "Set up your authenticator app", Form: Form{"next": next},
				Data: enrolPage{Secret: groupSecret(key.Secret), URI: key.URI, QR: qrImage(key.URI)}})
			return
		}
		s.throttled(w, r, account, addr, tmpl, &Page{Title: "Enter your code", Form: Form{"next": next}})
		return
	}
	full, signed, err := s.auth.svc.CompleteSignIn(r.Context(), token, code)
	switch vigil.ErrorCode(err) {
	case "":
		s.signedIn(w, r, full, signed, next)
	case vigil.EUNAUTHORIZED:
		s.auth.throttle.fail(account, addr)
		s.logger.Info("sign-in refused", "step", "code", "user_id", string(u.ID), "address", addr)
		again(http.StatusUnauthorized, []vigil.FieldError{{Field: "code", Message: vigil.ErrorMessage(err)}})
	case vigil.ETOOMANYREQUEST:
		s.auth.throttle.fail(account, addr)
		s.logger.Warn("sign-in ended after too many wrong codes", "user_id", string(u.ID), "address", addr)
		s.render(w, r, http.StatusTooManyRequests, "signin", &Page{Title: "Sign in", Form: Form{"next": next}, Data: s.signInPageData(),
			Errors: []vigil.FieldError{{Field: "username", Message: vigil.ErrorMessage(err)}}})
	default:
		s.fail(w, r, err)
	}
}

func (s *Server) signOut(w http.ResponseWriter, r *http.Request) {
	if c, err := r.Cookie(sessionCookie); err == nil {
		if err := s.svc.SignOut(r.Context(), c.Value); err != nil {
			s.fail(w, r, err)
			return
		}
	}
	s.clearSession(w)
	http.Redirect(w, r, "/", http.StatusSeeOther)
}

// formError turns a form parsing failure into a domain error: an oversized
// body is ETOOLARGE, anything else EINVALID.
func formError(err error) error {
	var mbe *http.MaxBytesError
	if errorsAs(err, &mbe) {
		return vigil.Errorf(vigil.ETOOLARGE, "What you sent is too long. Shorten it and try again; add long accounts to the case afterwards.")
	}
	return vigil.Errorf(vigil.EINVALID, "The form could not be read. Go back and try again.")
}
