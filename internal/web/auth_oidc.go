package web

import (
	"context"
	"crypto/hmac"
	"crypto/rand"
	"crypto/sha256"
	"crypto/subtle"
	"encoding/base64"
	"encoding/json"
	"fmt"
	"net/http"
	"slices"
	"strings"
	"time"

	// go-oidc verifies ID tokens (signature against the provider's JWKS,
	// issuer, audience, expiry) as OpenID Connect Core 1.0 §3.1.3.7 asks;
	// it is the library DESIGN.md chose, kept by CoreOS/Red Hat people.
	"github.com/coreos/go-oidc/v3/oidc"
	// x/oauth2 makes the authorisation code exchange with PKCE (RFC 7636);
	// go-oidc is built on it, so it adds nothing to the module graph.
	"golang.org/x/oauth2"

	"github.com/vigil-project/vigil"
)

// OIDCConfig configures signing in through a council's own identity
// provider with OpenID Connect (authorisation code flow with PKCE). It is
// optional: without it people sign in with a Vigil password.
//
// The provider proves who the person is; their Vigil account must already
// exist (an administrator creates it) and is found by the username in a
// claim of the ID token. The person still gives a Vigil second-factor code
// unless TrustMFA is set and the provider asserts a second factor ("mfa"
// in the amr claim, RFC 8176).
type OIDCConfig struct {
	Issuer       string // the provider's issuer URL (discovery at Issuer/.well-known/openid-configuration)
	ClientID     string
	ClientSecret string
	RedirectURL  string // this site's /signin/oidc/callback, as registered with the provider
	Name         string // what the sign-in button calls it, e.g. "Kettleford Council account"
	// UsernameClaim names the claim that holds the Vigil username
	// (default "preferred_username").
	UsernameClaim string
	// UsernameDomain, when set, makes the claim an address in that domain
	// ("sam.smith@kettleford.gov.uk"), whose local part is the username; a
	// claim in any other domain is refused.
	UsernameDomain string
	TrustMFA       bool
	// HTTPClient reaches the provider; nil for http.DefaultClient.
	HTTPClient *http.Client
}

type oidcClient struct {
	name     string
	cfg      OIDCConfig
	oauth    oauth2.Config
	verifier *oidc.IDTokenVerifier
}

// newOIDCClient discovers the provider's endpoints and keys.
func newOIDCClient(cfg OIDCConfig) (*oidcClient, error) {
	if cfg.Issuer == "" || cfg.ClientID == "" || cfg.RedirectURL == "" {
		return nil, fmt.Errorf("web: OpenID Connect needs an issuer, a client id and a redirect URL")
	}
	if cfg.UsernameClaim == "" {
		cfg.UsernameClaim = "preferred_username"
	}
	if cfg.Name == "" {
		cfg.Name = "your organisation's account"
	}
	ctx, cancel := context.WithTimeout(cfg.context(context.Background()), 30*time.Second)
	defer cancel()
	p, err := oidc.NewProvider(ctx, cfg.Issuer)
	if err != nil {
		return nil, fmt.Errorf("web: OpenID Connect provider %s: %w", cfg.Issuer, err)
	}
	return &oidcClient{
		name: cfg.Name,
		cfg:  cfg,
		oauth: oauth2.Config{ClientID: cfg.ClientID, ClientSecret: cfg.ClientSecret, Endpoint: p.Endpoint(),
			RedirectURL: cfg.RedirectURL, Scopes: []string{oidc.ScopeOpenID, "profile", "email"}},
		verifier: p.Verifier(&oidc.Config{ClientID: cfg.ClientID}),
	}, nil
}

func (c OIDCConfig) context(ctx context.Context) context.Context {
	if c.HTTPClient == nil {
		return ctx
	}
	return context.WithValue(oidc.ClientContext(ctx, c.HTTPClient), oauth2.HTTPClient, c.HTTPClient)
}

const (
	oidcCookie   = "vigil_oidc"
	oidcLifetime = 10 * time.Minute
)

// oidcState is what the browser carries between leaving for the provider
// and coming back, signed so that only Vigil can have made it.
type oidcState struct {
	State    string `json:"s"`
	Nonce    string `json:"n"`
	Verifier string `json:"v"`
	Next     string `json:"x,omitempty"`
	Expires  int64  `json:"e"`
}

func (s *Server) sealOIDCState(st oidcState) string {
	b, _ := json.Marshal(st)
	body := base64.RawURLEncoding.EncodeToString(b)
	return body + "." + base64.RawURLEncoding.EncodeToString(s.oidcMAC(body))
}

func (s *Server) oidcMAC(body string) []byte {
	m := hmac.New(sha256.New, s.auth.key)
	m.Write([]byte("oidc\x00" + body))
	return m.Sum(nil)
}

// parseOIDCState checks and reads a state cookie; ok is false for any
// cookie Vigil did not make, or one that has expired.
func (s *Server) parseOIDCState(v string, now time.Time) (oidcState, bool) {
	body, mac, found := strings.Cut(v, ".")
	if !found || len(v) > 4096 {
		return oidcState{}, false
	}
	got, err := base64.RawURLEncoding.DecodeString(mac)
	if err != nil || !hmac.Equal(got, s.oidcMAC(body)) {
		return oidcState{}, false
	}
	b, err := base64.RawURLEncoding.DecodeString(body)
	if err != nil {
		return oidcState{}, false
	}
	var st oidcState
	if err := json.Unmarshal(b, &st); err != nil || st.State == "" || st.Nonce == "" || st.Verifier == "" || now.Unix() > st.Expires {
		return oidcState{}, false
	}
	return st, true
}

func randomString() string {
	b := make([]byte, 32)
	rand.Read(b)
	return base64.RawURLEncoding.EncodeToString(b)
}

// oidcStart sends the browser to the identity provider.
func (s *Server) oidcStart(w http.ResponseWriter, r *http.Request) {
	if s.auth.oidc == nil {
		s.fail(w, r, vigil.Errorf(vigil.ENOTFOUND, "Signing in with an organisation account is not set up here. Sign in with your Vigil username and password."))
		return
	}
	next := r.URL.Query().Get("next")
	if len(next) > 2048 {
		next = ""
	}
	st := oidcState{State: randomString(), Nonce: randomString(), Verifier: oauth2.GenerateVerifier(), Next: next,
		Expires: time.Now().Add(oidcLifetime).Unix()}
	http.SetCookie(w, &http.Cookie{Name: oidcCookie, Value: s.sealOIDCState(st), Path: "/signin/oidc", HttpOnly: true,
		Secure: s.secureCookies, SameSite: http.SameSiteLaxMode, MaxAge: int(oidcLifetime.Seconds())})
	u := s.auth.oidc.oauth.AuthCodeURL(st.State, oidc.Nonce(st.Nonce), oauth2.S256ChallengeOption(st.Verifier))
	http.Redirect(w, r, u, http.StatusSeeOther)
}

// oidcCallback takes the browser back from the identity provider.
func (s *Server) oidcCallback(w http.ResponseWriter, r *http.Request) {
	c := s.auth.oidc
	if c == nil {
		s.fail(w, r, vigil.Errorf(vigil.ENOTFOUND, "Signing in with an organisation account is not set up here."))
		return
	}
	http.SetCookie(w, &http.Cookie{Name: oidcCookie, Value: "", Path: "/signin/oidc", HttpOnly: true,
		Secure: s.secureCookies, SameSite: http.SameSiteLaxMode, MaxAge: -1})
	refuse := func(why string, attrs ...any) {
		s.logger.Warn("OpenID Connect sign-in refused", append([]any{"reason", why, "address", clientAddr(r)}, attrs...)...)
		s.render(w, r, http.StatusUnauthorized, "signin", &Page{Title: "Sign in", Data: s.signInPageData(),
			Errors: []vigil.FieldError{{Field: "username", Message: "Signing in with " + c.name + " did not work. Try again, or sign in with your Vigil username and password."}}})
	}
	q := r.URL.Query()
	ck, err := r.Cookie(oidcCookie)
	if err != nil {
		refuse("no state cookie")
		return
	}
	st, ok := s.parseOIDCState(ck.Value, time.Now())
	if !ok || subtle.ConstantTimeCompare([]byte(q.Get("state")), []byte(st.State)) != 1 {
		refuse("state does not match")
		return
	}
	if e := q.Get("error"); e != "" || q.Get("code") == "" {
		refuse("provider error", "error", clip(e))
		return
	}
	ctx, cancel := context.WithTimeout(c.cfg.context(r.Context()), 30*time.Second)
	defer cancel()
	tok, err := c.oauth.Exchange(ctx, q.Get("code"), oauth2.VerifierOption(st.Verifier))
	if err != nil {
		refuse("code exchange failed", "error", err.Error())
		return
	}
	raw, _ := tok.Extra("id_token").(string)
	idt, err := c.verifier.Verify(ctx, raw)
	if err != nil {
		refuse("ID token not valid", "error", err.Error())
		return
	}
	if subtle.ConstantTimeCompare([]byte(idt.Nonce), []byte(st.Nonce)) != 1 {
		refuse("nonce does not match")
		return
	}
	var claims map[string]any
	if err := idt.Claims(&claims); err != nil {
		refuse("claims unreadable")
		return
	}
	username, ok := c.username(claims)
	if !ok {
		refuse("no username claim", "claim", c.cfg.UsernameClaim)
		return
	}
	mfa := c.cfg.TrustMFA && slices.Contains(stringsOf(claims["amr"]), "mfa")
	token, u, stage, err := s.auth.svc.SignInVerified(r.Context(), username, "oidc", mfa)
	if vigil.ErrorCode(err) == vigil.EUNAUTHORIZED {
		refuse("no active account", "account", s.auth.accountRef(accountKey(username)))
		return
	} else if err != nil {
		s.fail(w, r, err)
		return
	}
	s.firstFactorDone(w, r, token, u, stage, st.Next)
}

// username reads the Vigil username from an ID token's claims.
func (c *oidcClient) username(claims map[string]any) (string, bool) {
	v, _ := claims[c.cfg.UsernameClaim].(string)
	if v == "" {
		return "", false
	}
	if d := c.cfg.UsernameDomain; d != "" {
		local, domain, found := strings.Cut(v, "@")
		if !found || !strings.EqualFold(domain, d) || local == "" {
			return "", false
		}
		v = local
	}
	return v, true
}

// stringsOf reads a JSON array of strings.
func stringsOf(v any) []string {
	xs, _ := v.([]any)
	var out []string
	for _, x := range xs {
		if s, ok := x.(string); ok {
			out = append(out, s)
		}
	}
	return out
}

// clip shortens outside text for the log.
func clip(s string) string {
	if len(s) > 64 {
		return strings.ToValidUTF8(s[:64], "") + "…"
	}
	return s
}
