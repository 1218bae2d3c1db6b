package main

import (
	"context"
	"encoding/json"
	"log/slog"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/vigil-project/vigil/internal/ledger"
	"github.com/vigil-project/vigil/internal/speakup"
	"github.com/vigil-project/vigil/internal/sqldb"
	"github.com/vigil-project/vigil/internal/sqlstore"
	"github.com/vigil-project/vigil/internal/synth"
)

// TestServeSpeakUpFile starts `vigil serve --speakup` with a file that is
// wrong in two ways: it refuses to start and names both; then applies a
// good file through the same path and finds its routes in force.
func TestServeSpeakUpFile(t *testing.T) {
	dir := t.TempDir()
	keyFile := filepath.Join(dir, "log.key")
	if code, _, stderr := runVigil(t, "keys", "generate", "--origin", "cli.vigil.invalid/log", "--out", keyFile); code != 0 {
		t.Fatal(stderr)
	}
	key, err := ledger.LoadKey(keyFile)
	if err != nil {
		t.Fatal(err)
	}
	dsn := "sqlite:" + filepath.Join(dir, "vigil.db")
	ctx := context.Background()
	db, err := sqldb.Open(ctx, dsn)
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	store, err := sqlstore.Open(ctx, db, key, nil)
	if err != nil {
		t.Fatal(err)
	}
	defer store.Close()
	if _, err := synth.Seed(ctx, store, synth.Options{Seed: 3, Concerns: 2}); err != nil {
		t.Fatal(err)
	}
	bad := filepath.Join(dir, "bad.json")
	os.WriteFile(bad, []byte(`{"routes": [{"channel": "staff", "to": "Nowhere Council"},
		{"channel": "staff", "about": "Police", "to": "police"}]}`), 0o644)
	code, _, stderr := runVigil(t, "serve", "--db", dsn, "--key", keyFile, "--addr", "127.0.0.1:0", "--speakup", bad)
	if code == 0 || !strings.Contains(stderr, "cannot be sent to police itself") {
		t.Fatalf("serve with a bad speak-up file: exit %d: %s", code, stderr)
	}

	agencies, err := store.Agencies(ctx)
	if err != nil || len(agencies) < 2 {
		t.Fatalf("agencies: %v, %v", agencies, err)
	}
	good := filepath.Join(dir, "good.json")
	b, _ := json.Marshal(speakup.Config{Routes: []speakup.ConfigRoute{{Channel: speakup.ChannelStaff, To: agencies[0].Name}}})
	os.WriteFile(good, b, 0o644)
	if err := configureSpeakUp(ctx, store, good, slog.New(slog.DiscardHandler)); err != nil {
		t.Fatal(err)
	}
	routes, err := store.Routes(ctx)
	if err != nil || len(routes) != 1 || routes[0].AgencyID != agencies[0].ID {
		t.Errorf("routes = %+v, %v", routes, err)
	}
}
