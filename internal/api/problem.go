package api

import (
	"encoding/json"
	"errors"
	"log/slog"
	"net/http"

	"github.com/vigil-project/vigil"
)

// problemTypeBase prefixes every problem's type URI. The .invalid TLD
// (RFC 2606) promises the URI is an identifier that never resolves.
const problemTypeBase = "https://vigil.invalid/problems/"

// problem is an RFC 9457 problem details object. Code and Errors are
// extension members: Code is the last segment of Type, so that clients can
// switch on it without parsing a URI, and Errors lists every field at fault
// with the JSON name the client sent, so that all of them can be fixed at once.
type problem struct {
	Type   string             `json:"type"`
	Title  string             `json:"title"`
	Status int                `json:"status"`
	Detail string             `json:"detail"`
	Code   string             `json:"code"`
	Errors []vigil.FieldError `json:"errors"`
}

// titles are the short, fixed summaries of each problem type; RFC 9457
// asks that a title not change from occurrence to occurrence.
var titles = map[string]string{
	vigil.ECONFLICT:       "Conflict with the current state",
	vigil.EFORBIDDEN:      "Not allowed",
	vigil.EINTERNAL:       "Internal error",
	vigil.EINVALID:        "Invalid request",
	vigil.ENOTFOUND:       "Not found",
	vigil.EUNAUTHORIZED:   "Authentication required",
	vigil.ETOOLARGE:       "Request body too large",
	vigil.EUNAVAILABLE:    "Service unavailable",
	vigil.ETOOMANYREQUEST: "Too many requests",
	vigil.EMEDIATYPE:      "Unsupported media type",
	vigil.EMETHOD:         "Method not allowed",
}

// requestError marks an error in the request's form rather than its
// content: a body that is not the JSON the route takes, or a query it does
// not. Its status is 400, where a plain EINVALID (well-formed input that
// fails the domain's rules) answers 422.
type requestError struct{ err error }

func (e *requestError) Error() string { return e.err.Error() }
func (e *requestError) Unwrap() error { return e.err }

// badRequest marks err as a fault in the request's form; see requestError.
func badRequest(err error) error { return &requestError{err} }

// status returns the HTTP status for err.
func status(err error) int {
	var re *requestError
	switch code := vigil.ErrorCode(err); {
	case code == vigil.EINVALID && errors.As(err, &re):
		return http.StatusBadRequest
	default:
		return vigil.ErrorStatus(code)
	}
}

// fail answers with err as problem+json. Internal faults are logged with
// their detail and shown to the client only as the domain's plain message.
// Logs carry ids, routes and codes only: never tokens, bodies, queries or
// paths, any of which may hold personal data.
func (h *handler) fail(w http.ResponseWriter, r *http.Request, err error) {
	code, st := vigil.ErrorCode(err), status(err)
	title, ok := titles[code]
	if !ok {
		title = http.StatusText(st)
	}
	attrs := []slog.Attr{
		slog.String("method", r.Method),
		slog.String("route", r.Pattern),
		slog.Int("status", st),
		slog.String("code", code),
	}
	if id := userID(r.Context()); id != "" {
		attrs = append(attrs, slog.String("user_id", string(id)))
	}
	switch {
	case st >= 500:
		attrs = append(attrs, slog.String("error", err.Error()))
		h.logger.LogAttrs(r.Context(), slog.LevelError, "api request failed", attrs...)
	case st == http.StatusUnauthorized:
		// Repeated refusals may be someone trying tokens.
		h.logger.LogAttrs(r.Context(), slog.LevelWarn, "api request refused", attrs...)
	default:
		h.logger.LogAttrs(r.Context(), slog.LevelInfo, "api request refused", attrs...)
	}
	fields := vigil.ErrorFields(err)
	if fields == nil {
		fields = []vigil.FieldError{}
	}
	b, merr := json.Marshal(problem{Type: problemTypeBase + code, Title: title, Status: st,
		Detail: vigil.ErrorMessage(err), Code: code, Errors: fields})
	if merr != nil {
		// Unreachable with these field types; answer without a body rather than panic.
		w.WriteHeader(st)
		return
	}
	w.Header().Set("Content-Type", "application/problem+json")
	w.WriteHeader(st)
	w.Write(append(b, '\n'))
}
