package server_test

import (
	"context"
	"net/http/httptest"
	"path/filepath"
	"strings"
	"testing"

	"github.com/vigil-project/vigil/internal/ledger"
	"github.com/vigil-project/vigil/internal/server"
	"github.com/vigil-project/vigil/internal/sqldb"
	"github.com/vigil-project/vigil/internal/sqlstore"
)

// TestSecurityHeadersEverywhere: every surface of a node, the log and
// /healthz included, answers with a Content-Security-Policy that forbids
// framing, and without sniffing; the log and /healthz, which are data,
// allow nothing at all to load.
func TestSecurityHeadersEverywhere(t *testing.T) {
	ctx := context.Background()
	db, err := sqldb.Open(ctx, "sqlite:"+filepath.Join(t.TempDir(), "v.db"))
	if err != nil {
		t.Fatal(err)
	}
	skey, _, err := ledger.GenerateKey("headers.vigil.invalid/log")
	if err != nil {
		t.Fatal(err)
	}
	key, err := ledger.ParseKey(skey)
	if err != nil {
		t.Fatal(err)
	}
	store, err := sqlstore.Open(ctx, db, key, nil)
	if err != nil {
		t.Fatal(err)
	}
	h, err := server.New(store, server.Options{})
	if err != nil {
		t.Fatal(err)
	}
	srv := httptest.NewServer(h)
	t.Cleanup(func() { srv.Close(); store.Close(); db.Close() })
	if _, err := store.Log().Checkpoint(ctx); err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct {
		path string
		data bool // the log and /healthz: default-src 'none' and X-Frame-Options
	}{
		{"/healthz", true},
		{"/log/checkpoint", true},
		{"/log/key", true},
		{"/log/tile/0/000.p/1", true},
		{"/log/no-such-thing", true},
		{"/", false},
		{"/signin", false},
		{"/api/v1/openapi.json", false},
	} {
		t.Run(tc.path, func(t *testing.T) {
			resp, err := srv.Client().Get(srv.URL + tc.path)
			if err != nil {
				t.Fatal(err)
			}
			resp.Body.Close()
			csp := resp.Header.Get("Content-Security-Policy")
			if !strings.Contains(csp, "default-src 'none'") || !strings.Contains(csp, "frame-ancestors 'none'") {
				t.Errorf("status %d, Content-Security-Policy = %q", resp.StatusCode, csp)
			}
			if got := resp.Header.Get("X-Content-Type-Options"); got != "nosniff" {
				t.Errorf("X-Content-Type-Options = %q", got)
			}
			if tc.data {
				if got := resp.Header.Get("X-Frame-Options"); got != "DENY" {
					t.Errorf("X-Frame-Options = %q", got)
				}
				if strings.Contains(csp, "script-src") || strings.Contains(csp, "style-src") {
					t.Errorf("a data answer's policy allows scripts or styles: %q", csp)
				}
			}
		})
	}
}
