// Package e2e tests Vigil as its users meet it: a real server on a real
// SQLite file, driven through Debian's Chromium by chromedp, with axe-core
// checking every page against WCAG 2.2 AA.
package e2e

import (
	"context"
	"net/http/httptest"
	"os"
	"os/exec"
	"path/filepath"
	"testing"

	"github.com/vigil-project/vigil/internal/ledger"
	"github.com/vigil-project/vigil/internal/server"
	"github.com/vigil-project/vigil/internal/sqldb"
	"github.com/vigil-project/vigil/internal/sqlstore"
	"github.com/vigil-project/vigil/internal/synth"
)

// app is a running Vigil with a seeded town.
type app struct {
	url   string
	store *sqlstore.Store
	db    *sqldb.DB
	key   *ledger.Key
	town  *synth.Town
}

func startApp(t *testing.T) *app {
	t.Helper()
	ctx := context.Background()
	db, err := sqldb.Open(ctx, "sqlite:"+filepath.Join(t.TempDir(), "vigil.db"))
	if err != nil {
		t.Fatal(err)
	}
	skey, _, err := ledger.GenerateKey("e2e.vigil.invalid/log")
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
	town, err := synth.Seed(ctx, store, synth.Options{Seed: 7, Concerns: 6})
	if err != nil {
		t.Fatal(err)
	}
	h, err := server.New(store, server.Options{})
	if err != nil {
		t.Fatal(err)
	}
	srv := httptest.NewServer(h)
	t.Cleanup(func() {
		srv.Close()
		store.Close()
		db.Close()
	})
	return &app{url: srv.URL, store: store, db: db, key: key, town: town}
}

// chromiumPath finds Debian's Chromium; tests skip without it unless
// VIGIL_REQUIRE_BROWSER=1 (set by make test), so CI can never skip silently.
func chromiumPath(t *testing.T) string {
	t.Helper()
	for _, p := range []string{os.Getenv("VIGIL_CHROMIUM"), "/usr/bin/chromium", "/usr/bin/chromium-browser"} {
		if p == "" {
			continue
		}
		if _, err := exec.LookPath(p); err == nil {
			return p
		}
	}
	if os.Getenv("VIGIL_REQUIRE_BROWSER") == "1" {
		t.Fatal("Chromium is not installed; run ./scripts/install-deps.sh (make test does)")
	}
	t.Skip("Chromium is not installed; run make test, which installs it")
	return ""
}
