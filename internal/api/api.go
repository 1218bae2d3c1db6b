// Package api is Vigil's JSON API under /api/v1, for other agencies'
// systems and for scripts: raise a concern, read and list cases, and do the
// casework of Working Together to Safeguard Children 2023 (decisions,
// transfers, missing episodes, CSE screenings, referrals between agencies,
// escalations).
//
// Callers authenticate with a bearer token (RFC 6750) issued per person, and
// the token is resolved on every request, so that a suspended person or a
// revoked token is refused at once (DESIGN.md §5). The speak-up channel's
// reporter routes are the exception: they are anonymous (see speakup.go).
// Request bodies are JSON only (RFC 8259), read strictly: unknown,
// duplicate or differently cased field names are refused rather than
// ignored, because a safeguarding record must hold what the sender meant,
// not what a lenient parser guessed.
// Errors are RFC 9457 problem details. The routes are described by an
// OpenAPI 3.1 document served at /api/v1/openapi.json.
//
// The API sits on its own mux, apart from the browser pages: it has no
// cookies, so it needs no CSRF protection, and browser middleware (sessions,
// CSP for HTML) does not apply to it.
package api

import (
	"context"
	_ "embed"
	"encoding/json"
	"log/slog"
	"maps"
	"net/http"
	"net/url"
	"slices"
	"strings"

	"github.com/vigil-project/vigil"
)

// Services is what the API needs of the store.
type Services interface {
	vigil.AuthService
	vigil.CaseService
	vigil.CaseworkService
}

//go:embed openapi.json
var openAPIDocument []byte

// catchAll is the pattern that answers every address under /api/ that no
// route takes; allowedMethods recognises it by name.
const catchAll = "/api/"

type handler struct {
	svc    Services
	logger *slog.Logger
	mux    *http.ServeMux
}

// New returns the API's handler. Its routes carry full paths, so the caller
// mounts it at "/api/" on the root mux. A nil logger discards logs.
func New(svc Services, logger *slog.Logger) http.Handler {
	if logger == nil {
		logger = slog.New(slog.DiscardHandler)
	}
	h := &handler{svc: svc, logger: logger, mux: http.NewServeMux()}
	h.routes()
	return h
}

// routes lists every route of the API. Keep openapi.json in step with it:
// TestOpenAPI checks that each route is described.
func (h *handler) routes() {
	h.mux.HandleFunc("POST /api/v1/concerns", h.authed(h.raiseConcern))
	h.mux.HandleFunc("GET /api/v1/cases/{id}", h.authed(h.showCase))
	h.mux.HandleFunc("GET /api/v1/cases", h.authed(h.listCases))
	h.mux.HandleFunc("POST /api/v1/cases/{id}/decisions", h.authed(h.recordDecision))
	h.mux.HandleFunc("POST /api/v1/cases/{id}/transfers", h.authed(h.offerTransfer))
	h.mux.HandleFunc("GET /api/v1/transfers", h.authed(h.listTransfers))
	h.mux.HandleFunc("POST /api/v1/transfers/{id}/accept", h.authed(h.acceptTransfer))
	h.mux.HandleFunc("POST /api/v1/transfers/{id}/refuse", h.authed(h.refuseTransfer))
	h.mux.HandleFunc("POST /api/v1/transfers/{id}/withdraw", h.authed(h.withdrawTransfer))
	h.mux.HandleFunc("POST /api/v1/cases/{id}/missing", h.authed(h.recordMissing))
	h.mux.HandleFunc("POST /api/v1/missing/{id}/return", h.authed(h.recordReturn))
	h.mux.HandleFunc("POST /api/v1/cases/{id}/screenings", h.authed(h.recordScreening))
	h.mux.HandleFunc("POST /api/v1/cases/{id}/referrals", h.authed(h.sendReferral))
	h.mux.HandleFunc("POST /api/v1/referrals/{id}/acknowledge", h.authed(h.acknowledgeReferral))
	h.mux.HandleFunc("POST /api/v1/cases/{id}/shares", h.authed(h.recordShare))
	h.mux.HandleFunc("POST /api/v1/cases/{id}/mentions", h.authed(h.recordCaseMentions))
	h.mux.HandleFunc("GET /api/v1/escalations", h.authed(h.listEscalations))
	h.mux.HandleFunc("POST /api/v1/escalations/{id}/resolve", h.authed(h.resolveEscalation))
	h.mux.HandleFunc("GET /api/v1/openapi.json", h.openAPI)
	h.oversightRoutes() // dashboards, releases, action plans, demographics: see oversight.go
	h.timelineRoutes()  // who knew what: a case's log entries with proofs: see timeline.go
	h.conflictRoutes()  // conflicts of interest, declared or recorded: see conflicts.go
	h.linkRoutes()      // linking: review queue, decisions, entities, networks: see links.go
	h.speakupRoutes()   // anonymous reports and recipients' inboxes: see speakup.go
	h.mux.HandleFunc(catchAll, h.notFound)
}

// ServeHTTP sets the headers every API response carries, then routes.
func (h *handler) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	hd := w.Header()
	// Case records must not linger in shared or browser caches.
	hd.Set("Cache-Control", "no-store")
	// Stop a browser from sniffing JSON as HTML, and from running or framing
	// anything should a response ever be opened directly.
	hd.Set("X-Content-Type-Options", "nosniff")
	hd.Set("Content-Security-Policy", "default-src 'none'; frame-ancestors 'none'")
	h.mux.ServeHTTP(w, r)
}

type userKey struct{}

// userID returns the id of the authenticated user of a request, for logs.
func userID(ctx context.Context) vigil.ID {
	if u, ok := ctx.Value(userKey{}).(*vigil.User); ok {
		return u.ID
	}
	return ""
}

// authed resolves the bearer token on every request, never from a cache or
// a session, so that suspending a person or revoking a token takes effect
// at their next request.
func (h *handler) authed(next func(http.ResponseWriter, *http.Request, *vigil.User)) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		token, err := bearerToken(r)
		if err == nil {
			var u *vigil.User
			if u, err = h.svc.UserByAPIToken(r.Context(), token); err == nil {
				next(w, r.WithContext(context.WithValue(r.Context(), userKey{}, u)), u)
				return
			}
		}
		// RFC 6750 §3: a request without credentials gets a bare challenge;
		// one with bad credentials is told the token is invalid.
		switch {
		case err == errNoToken:
			w.Header().Set("WWW-Authenticate", `Bearer realm="vigil"`)
		case vigil.ErrorCode(err) == vigil.EUNAUTHORIZED:
			w.Header().Set("WWW-Authenticate", `Bearer realm="vigil", error="invalid_token"`)
		}
		h.fail(w, r, err)
	}
}

// maxTokenLen bounds what is hashed and looked up; real tokens are far shorter.
const maxTokenLen = 256

var (
	errNoToken  = vigil.Errorf(vigil.EUNAUTHORIZED, "Send your API token in the header Authorization: Bearer <token>.")
	errBadToken = vigil.Errorf(vigil.EUNAUTHORIZED, "The Authorization header must be \"Bearer\" followed by one API token.")
)

// bearerToken returns the token of an RFC 6750 Authorization header, or
// errNoToken or errBadToken.
func bearerToken(r *http.Request) (string, error) {
	values := r.Header.Values("Authorization")
	if len(values) == 0 {
		return "", errNoToken
	}
	scheme, token, _ := strings.Cut(values[0], " ")
	token = strings.TrimLeft(token, " ")
	if len(values) > 1 || !strings.EqualFold(scheme, "Bearer") || !validToken(token) {
		return "", errBadToken
	}
	return token, nil
}

// validToken reports whether s has the b64token syntax of RFC 6750 §2.1.
func validToken(s string) bool {
	if s == "" || len(s) > maxTokenLen {
		return false
	}
	s = strings.TrimRight(s, "=")
	if s == "" {
		return false
	}
	for _, c := range []byte(s) {
		if !(c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' ||
			c == '-' || c == '.' || c == '_' || c == '~' || c == '+' || c == '/') {
			return false
		}
	}
	return true
}

// openAPI serves the API's description. It needs no token: it is the
// same for everyone and tells a client how to get one.
func (h *handler) openAPI(w http.ResponseWriter, r *http.Request) {
	w.Header().Set("Content-Type", "application/json")
	w.Write(openAPIDocument)
}

// notFound answers every address no route takes, as problem+json rather
// than the mux's plain text. It answers 405 when the address exists but
// takes other methods, found by asking the mux, so that the answer cannot
// drift from the routes.
func (h *handler) notFound(w http.ResponseWriter, r *http.Request) {
	if allow := h.allowedMethods(r); len(allow) > 0 {
		w.Header().Set("Allow", strings.Join(allow, ", "))
		h.fail(w, r, vigil.Errorf(vigil.EMETHOD, "This address takes only %s requests.", strings.Join(allow, " or ")))
		return
	}
	h.fail(w, r, vigil.Errorf(vigil.ENOTFOUND, "There is nothing at this address. The API's routes are described at /api/v1/openapi.json."))
}

func (h *handler) allowedMethods(r *http.Request) []string {
	var allow []string
	for _, m := range []string{http.MethodGet, http.MethodHead, http.MethodPost, http.MethodPut, http.MethodPatch, http.MethodDelete} {
		if m == r.Method {
			continue
		}
		other := r.Clone(r.Context())
		other.Method = m
		if _, pattern := h.mux.Handler(other); pattern != "" && pattern != catchAll {
			allow = append(allow, m)
		}
	}
	return allow
}

// respond writes v as JSON with status. It encodes before writing the
// status, so that an encoding fault can still be answered with a 500.
func (h *handler) respond(w http.ResponseWriter, r *http.Request, status int, v any) {
	b, err := json.Marshal(v)
	if err != nil {
		h.fail(w, r, err)
		return
	}
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(status)
	w.Write(append(b, '\n'))
}

// checkQuery refuses query parameters a route does not take, and repeated
// ones, rather than ignoring them: a client that misspells a filter must not
// be shown a list it believes is filtered.
func checkQuery(r *http.Request, allowed ...string) (url.Values, error) {
	q, err := url.ParseQuery(r.URL.RawQuery)
	if err != nil {
		return nil, badRequest(vigil.Errorf(vigil.EINVALID, "The query string is malformed; encode it as name=value pairs joined by &."))
	}
	var v vigil.Validation
	for _, name := range slices.Sorted(maps.Keys(q)) {
		values := q[name]
		switch {
		case !slices.Contains(allowed, name):
			if len(allowed) == 0 {
				v.Add(clip(name), "This address takes no query parameters.")
			} else {
				v.Add(clip(name), "Unknown query parameter %q: this address takes %s.", clip(name), strings.Join(allowed, ", "))
			}
		case len(values) > 1:
			v.Add(name, "Give the query parameter %s once.", name)
		}
	}
	if err := v.Err(); err != nil {
		return nil, badRequest(err)
	}
	return q, nil
}

// clip shortens client input echoed in an error, so that a huge name
// cannot make a huge answer.
func clip(s string) string {
	const max = 64
	if len(s) <= max {
		return s
	}
	return strings.ToValidUTF8(s[:max], "") + "…"
}
