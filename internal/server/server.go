// Package server puts Vigil's HTTP surfaces on one handler: the browser
// pages, the JSON API under /api/, the verifiable log under /log/ (C2SP
// tlog-tiles) and /healthz. Each surface keeps its own mux and middleware.
package server

import (
	"context"
	"errors"
	"log/slog"
	"net"
	"net/http"
	"time"

	"github.com/vigil-project/vigil/internal/api"
	"github.com/vigil-project/vigil/internal/sqlstore"
	"github.com/vigil-project/vigil/internal/web"
)

// Options configures the handler.
type Options struct {
	Logger        *slog.Logger
	SecureCookies bool
	// OIDC configures signing in with an OpenID Connect provider; nil for none.
	OIDC *web.OIDCConfig
}

// New returns the handler for every route of a Vigil node.
func New(store *sqlstore.Store, opt Options) (http.Handler, error) {
	logger := opt.Logger
	if logger == nil {
		logger = slog.New(slog.DiscardHandler)
	}
	// Cookies that carry no secret of their own (a browser known to an
	// account, OpenID Connect state) are signed with a key derived from
	// the log's key, so that every node and every restart accepts them.
	var cookieKey []byte
	if k := store.Log().Key(); k != nil {
		var err error
		if cookieKey, err = k.DeriveSecret("web cookies"); err != nil {
			return nil, err
		}
	}
	pages, err := web.New(store, web.Options{Logger: logger, SecureCookies: opt.SecureCookies, CookieKey: cookieKey, OIDC: opt.OIDC})
	if err != nil {
		return nil, err
	}
	mux := http.NewServeMux()
	mux.Handle("/", pages.Handler())
	mux.Handle("/api/", api.New(store, logger))
	mux.Handle("/log/", http.StripPrefix("/log", logHeaders(store.Log().Handler())))
	mux.HandleFunc("GET /healthz", func(w http.ResponseWriter, r *http.Request) {
		setPlainHeaders(w.Header())
		w.Header().Set("Cache-Control", "no-store")
		if err := store.DB().Writer.PingContext(r.Context()); err != nil {
			http.Error(w, "database unavailable", http.StatusServiceUnavailable)
			return
		}
		w.Header().Set("Content-Type", "text/plain; charset=utf-8")
		w.Write([]byte("ok\n"))
	})
	return accessLog(logger, mux), nil
}

// logHeaders lets any auditor's browser-based client read the public log,
// with the security headers every answer carries.
func logHeaders(next http.Handler) http.Handler {
	return plainHeaders(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Access-Control-Allow-Origin", "*")
		next.ServeHTTP(w, r)
	}))
}

// plainContentSecurityPolicy is for answers that are data, never pages:
// nothing in them may load, run or be framed.
const plainContentSecurityPolicy = "default-src 'none'; frame-ancestors 'none'; base-uri 'none'; form-action 'none'"

// plainHeaders sets the security headers of the surfaces outside the
// browser pages and the API, which set their own: the log and /healthz.
// Should one of their answers be opened in a browser, it is not sniffed as
// HTML, runs nothing, and cannot be framed.
func plainHeaders(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		setPlainHeaders(w.Header())
		next.ServeHTTP(w, r)
	})
}

func setPlainHeaders(h http.Header) {
	h.Set("Content-Security-Policy", plainContentSecurityPolicy)
	h.Set("X-Content-Type-Options", "nosniff")
	h.Set("X-Frame-Options", "DENY")
	h.Set("Referrer-Policy", "no-referrer")
	h.Set("Cross-Origin-Resource-Policy", "cross-origin") // the log is public: any auditor may fetch it
}

type statusWriter struct {
	http.ResponseWriter
	status int
}

func (w *statusWriter) WriteHeader(code int) {
	if w.status == 0 {
		w.status = code
	}
	w.ResponseWriter.WriteHeader(code)
}

// Unwrap lets http.ResponseController reach the underlying writer (for
// example to close the connection after an oversized body).
func (w *statusWriter) Unwrap() http.ResponseWriter { return w.ResponseWriter }

// accessLog logs each request by route pattern, never by full URL: paths
// and queries can carry references, and logs must not hold case data.
func accessLog(logger *slog.Logger, next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		start := time.Now()
		sw := &statusWriter{ResponseWriter: w}
		next.ServeHTTP(sw, r)
		if sw.status == 0 {
			sw.status = http.StatusOK
		}
		logger.Debug("request", slog.String("method", r.Method), slog.String("pattern", r.Pattern),
			slog.Int("status", sw.status), slog.Duration("duration", time.Since(start)))
	})
}

// Serve serves h on ln until ctx ends, then shuts down gracefully.
func Serve(ctx context.Context, ln net.Listener, h http.Handler, logger *slog.Logger) error {
	srv := &http.Server{
		Handler:           h,
		ReadHeaderTimeout: 10 * time.Second,
		ReadTimeout:       60 * time.Second,
		WriteTimeout:      120 * time.Second,
		IdleTimeout:       120 * time.Second,
		MaxHeaderBytes:    64 << 10,
		ErrorLog:          slog.NewLogLogger(logger.Handler(), slog.LevelWarn),
	}
	errc := make(chan error, 1)
	go func() { errc <- srv.Serve(ln) }()
	select {
	case err := <-errc:
		return err
	case <-ctx.Done():
	}
	shutdown, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	if err := srv.Shutdown(shutdown); err != nil {
		return err
	}
	if err := <-errc; !errors.Is(err, http.ErrServerClosed) {
		return err
	}
	return nil
}
