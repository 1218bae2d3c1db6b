// Package web serves Vigil's browser pages: server-rendered html/template
// pages styled with the GOV.UK Design System (govuk-frontend, vendored and
// embedded, without the crown or the GDS Transport font), plain forms with
// POST-redirect-GET, so that every journey works without JavaScript.
//
// Every page is sent with a strict Content-Security-Policy and no-store
// caching; cross-site form posts are refused by http.CrossOriginProtection.
package web

import (
	"context"
	"io/fs"
	"log/slog"
	"net/http"
	"strings"
	"time"

	"github.com/vigil-project/vigil"
)

// Services is what the pages need of the domain.
type Services interface {
	vigil.AuthService
	vigil.CaseService
	vigil.CaseworkService
	vigil.DirectoryService
}

// ruleSource is implemented by stores whose clock rules and escalation
// ladder may differ from the national defaults (a council's local rules).
type ruleSource interface {
	Rules() *vigil.Rules
}

// Server serves the browser pages.
type Server struct {
	svc       Services
	logger    *slog.Logger
	templates templates
	// SecureCookies marks the session cookie Secure. It is on behind TLS;
	// the demo on http://localhost turns it off.
	secureCookies bool
	auth          *authState // sign-in security: see auth.go
	workPage      int        // cases per page of a work list
}

// Options configures a Server.
type Options struct {
	Logger        *slog.Logger
	SecureCookies bool
	// CookieKey signs the cookies that are not secrets themselves (a
	// browser known to an account, the OpenID Connect state); nil for a
	// random key per process.
	CookieKey []byte
	// OIDC configures signing in with an OpenID Connect provider; nil for none.
	OIDC *OIDCConfig
	// WorkPageSize is how many cases a page of My work lists; 0 for
	// vigil.MaxCaseList. Tests set a small one.
	WorkPageSize int
}

// New returns the browser pages' server.
func New(svc Services, opt Options) (*Server, error) {
	t, err := loadTemplates()
	if err != nil {
		return nil, err
	}
	logger := opt.Logger
	if logger == nil {
		logger = slog.New(slog.DiscardHandler)
	}
	auth, err := newAuthState(svc, opt)
	if err != nil {
		return nil, err
	}
	workPage := opt.WorkPageSize
	if workPage <= 0 || workPage > vigil.MaxCaseList {
		workPage = vigil.MaxCaseList
	}
	return &Server{svc: svc, logger: logger, templates: t, secureCookies: opt.SecureCookies, auth: auth, workPage: workPage}, nil
}

// Handler returns the browser routes with their middleware.
func (s *Server) Handler() http.Handler {
	mux := http.NewServeMux()
	s.routes(mux)
	csrf := http.NewCrossOriginProtection()
	csrf.SetDenyHandler(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		s.logger.Warn("cross-origin request refused", "pattern", r.Pattern, "method", r.Method)
		s.fail(w, r, vigil.Errorf(vigil.EFORBIDDEN, "This form was sent from another site, so it was refused. Go back to Vigil and try again."))
	}))
	return s.headers(csrf.Handler(s.limitBody(s.session(mux))))
}

// routes lists every browser route.
func (s *Server) routes(mux *http.ServeMux) {
	static, _ := fs.Sub(staticFS, "static")
	mux.Handle("GET /static/"+staticHash+"/", http.StripPrefix("/static/"+staticHash+"/", immutable(http.FileServerFS(static))))
	mux.HandleFunc("GET /favicon.ico", func(w http.ResponseWriter, r *http.Request) { w.WriteHeader(http.StatusNoContent) })

	mux.HandleFunc("GET /{$}", s.home)
	mux.HandleFunc("GET /signin", s.signInForm)
	mux.HandleFunc("POST /signin", s.signIn)
	mux.HandleFunc("POST /signout", s.signOut)
	s.adminRoutes(mux) // second factor, own account, administration, intervention: see admin.go

	// Public pages: no account, no JavaScript needed.
	mux.HandleFunc("GET /report", s.reportForm)
	mux.HandleFunc("POST /report", s.report)
	mux.HandleFunc("GET /report/received", s.reportReceived)

	// Staff pages.
	mux.HandleFunc("GET /work", s.staff(s.myWork))
	mux.HandleFunc("GET /concerns/new", s.staff(s.concernForm))
	mux.HandleFunc("POST /concerns", s.staff(s.raiseConcern))
	mux.HandleFunc("GET /cases/{id}", s.staff(s.showCase))

	// Casework: every form posts, then redirects back with a notice code.
	mux.HandleFunc("GET /cases/{id}/decisions", s.staff(s.decisionForm))
	mux.HandleFunc("POST /cases/{id}/decisions", s.staff(s.recordDecision))
	mux.HandleFunc("GET /cases/{id}/screening", s.staff(s.screeningForm))
	mux.HandleFunc("POST /cases/{id}/screening", s.staff(s.recordScreening))
	mux.HandleFunc("POST /cases/{id}/transfer", s.staff(s.offerTransfer))
	mux.HandleFunc("POST /cases/{id}/missing", s.staff(s.recordMissing))
	mux.HandleFunc("POST /cases/{id}/referrals", s.staff(s.sendReferral))
	mux.HandleFunc("POST /cases/{id}/shares", s.staff(s.recordShare))
	mux.HandleFunc("POST /cases/{id}/mentions", s.staff(s.recordCaseMentions))
	mux.HandleFunc("POST /missing/{id}/return", s.staff(s.recordReturn))
	mux.HandleFunc("POST /referrals/{id}/acknowledge", s.staff(s.acknowledgeReferral))
	mux.HandleFunc("GET /transfers/{id}", s.staff(s.transferForm))
	mux.HandleFunc("POST /transfers/{id}/answer", s.staff(s.answerTransfer))
	mux.HandleFunc("POST /transfers/{id}/withdraw", s.staff(s.withdrawTransfer))
	mux.HandleFunc("GET /escalations/{id}", s.staff(s.escalationForm))
	mux.HandleFunc("POST /escalations/{id}/resolve", s.staff(s.resolveEscalation))
	s.speakupRoutes(mux)
	s.oversightRoutes(mux) // dashboards, published statistics, action plans: see oversight.go
	s.timelineRoutes(mux)  // who knew what: case timelines with proofs, evidence bundles: see timeline.go
	s.conflictRoutes(mux)  // conflicts of interest, declared or recorded: see conflicts.go
	s.linkRoutes(mux)      // linking: review queue, entities, networks, hotspots: see links.go

	mux.HandleFunc("/", func(w http.ResponseWriter, r *http.Request) {
		s.fail(w, r, vigil.Errorf(vigil.ENOTFOUND, "There is no page at this address. Check it, or go to the start page."))
	})
}

// contentSecurityPolicy allows only Vigil's own scripts, styles and images:
// no inline script, no third-party resource, no framing.
const contentSecurityPolicy = "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data:; font-src 'self'; " +
	"connect-src 'self'; form-action 'self'; frame-ancestors 'none'; base-uri 'none'"

// headers sets security headers on every response.
func (s *Server) headers(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		h := w.Header()
		h.Set("Content-Security-Policy", contentSecurityPolicy)
		h.Set("X-Content-Type-Options", "nosniff")
		h.Set("X-Frame-Options", "DENY")
		h.Set("Referrer-Policy", "no-referrer")
		h.Set("Cross-Origin-Opener-Policy", "same-origin")
		h.Set("Permissions-Policy", "camera=(), microphone=(), geolocation=(), interest-cohort=()")
		if !strings.HasPrefix(r.URL.Path, "/static/") {
			// Pages hold case data: never keep them in any cache.
			h.Set("Cache-Control", "no-store")
		}
		next.ServeHTTP(w, r)
	})
}

func immutable(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Cache-Control", "public, max-age=31536000, immutable")
		next.ServeHTTP(w, r)
	})
}

// MaxFormBytes bounds a form submission: the longest concern with every
// field full is well under it.
const MaxFormBytes = 256 << 10

// limitBody refuses oversized bodies with 413 before any handler reads them.
func (s *Server) limitBody(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.ContentLength > MaxFormBytes {
			s.fail(w, r, vigil.Errorf(vigil.ETOOLARGE, "What you sent is too long. Shorten it and try again; add long accounts to the case afterwards."))
			return
		}
		r.Body = http.MaxBytesReader(w, r.Body, MaxFormBytes)
		next.ServeHTTP(w, r)
	})
}

type userKey struct{}

// userFrom returns the signed-in user of a request, or nil.
func userFrom(r *http.Request) *vigil.User {
	u, _ := r.Context().Value(userKey{}).(*vigil.User)
	return u
}

const sessionCookie = "vigil_session"

// session resolves the session cookie on every request, so a suspended
// person is refused at their next request even mid-session.
func (s *Server) session(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		c, err := r.Cookie(sessionCookie)
		if err != nil || c.Value == "" || strings.HasPrefix(r.URL.Path, "/static/") {
			next.ServeHTTP(w, r)
			return
		}
		u, err := s.svc.UserBySession(r.Context(), c.Value)
		if err != nil {
			if vigil.ErrorCode(err) != vigil.EUNAUTHORIZED {
				s.fail(w, r, err)
				return
			}
			// A cookie of a session that has ended (signed out, expired,
			// or ended by a suspension) is refused; the request goes on
			// as a signed-out one. Logged, never with the cookie itself,
			// so that a suspended person's attempts are seen.
			s.logger.Warn("session refused", "method", r.Method)
			s.clearSession(w)
			next.ServeHTTP(w, r)
			return
		}
		next.ServeHTTP(w, r.WithContext(context.WithValue(r.Context(), userKey{}, u)))
	})
}

func (s *Server) setSession(w http.ResponseWriter, token string) {
	http.SetCookie(w, &http.Cookie{Name: sessionCookie, Value: token, Path: "/", HttpOnly: true,
		Secure: s.secureCookies, SameSite: http.SameSiteLaxMode, MaxAge: int((12 * time.Hour).Seconds())})
}

func (s *Server) clearSession(w http.ResponseWriter) {
	http.SetCookie(w, &http.Cookie{Name: sessionCookie, Value: "", Path: "/", HttpOnly: true,
		Secure: s.secureCookies, SameSite: http.SameSiteLaxMode, MaxAge: -1})
}

// staff wraps a handler for signed-in staff; others are sent to sign in.
func (s *Server) staff(h func(http.ResponseWriter, *http.Request, *vigil.User)) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		u := userFrom(r)
		if u == nil {
			if r.Method == http.MethodGet {
				http.Redirect(w, r, "/signin?next="+urlQueryEscape(r.URL.RequestURI()), http.StatusSeeOther)
				return
			}
			s.fail(w, r, vigil.Errorf(vigil.EUNAUTHORIZED, "Your sign-in has ended, so nothing was saved. Sign in and try again."))
			return
		}
		h(w, r, u)
	}
}
