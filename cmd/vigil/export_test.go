package main

import (
	"bytes"
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/vigil-project/vigil"
	"github.com/vigil-project/vigil/internal/evidence"
	"github.com/vigil-project/vigil/internal/ledger"
	"github.com/vigil-project/vigil/internal/sqldb"
	"github.com/vigil-project/vigil/internal/sqlstore"
	"github.com/vigil-project/vigil/internal/synth"
)

// exportFixture seeds a SQLite town whose signing key is in a file, has
// three people read one case, and returns the DSN, key file, verifier key
// and case id.
func exportFixture(t *testing.T) (dsn, keyFile, vkey string, caseID vigil.ID) {
	t.Helper()
	ctx := context.Background()
	dir := t.TempDir()
	dsn = "sqlite:" + filepath.Join(dir, "vigil.db")
	skey, vkey, err := ledger.GenerateKey("cli.vigil.invalid/log")
	if err != nil {
		t.Fatal(err)
	}
	keyFile = filepath.Join(dir, "log.key")
	if err := os.WriteFile(keyFile, []byte(skey+"\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	key, _ := ledger.ParseKey(skey)
	db, err := sqldb.Open(ctx, dsn)
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	s, err := sqlstore.Open(ctx, db, key, nil)
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	town, err := synth.Seed(ctx, s, synth.Options{Seed: 3, Concerns: 3})
	if err != nil {
		t.Fatal(err)
	}
	duty := town.Login("duty.manager").User
	cases, err := s.Cases(ctx, vigil.UserActor(duty), vigil.CaseFilter{OwnerID: duty.ID, Limit: 1})
	if err != nil || len(cases) == 0 {
		t.Fatalf("no case to export: %v", err)
	}
	caseID = cases[0].ID
	for _, who := range []string{"duty.manager", "team.manager", "investigator"} {
		if _, err := s.FindCase(ctx, vigil.UserActor(town.Login(who).User), caseID, "case page"); err != nil {
			t.Fatalf("%s reads the case: %v", who, err)
		}
	}
	return dsn, keyFile, vkey, caseID
}

// TestExportVerifyBundle exports a case with `vigil export`, checks it
// with `vigil verify --bundle` with and without the key, and then changes
// every byte of the file in turn (zip headers, central directory and
// contents alike): each change must make verify fail.
func TestExportVerifyBundle(t *testing.T) {
	dsn, keyFile, vkey, caseID := exportFixture(t)
	out := filepath.Join(t.TempDir(), "bundle.zip")
	code, stdout, stderr := runVigil(t, "export", "--db", dsn, "--key", keyFile, "--case", string(caseID), "--as", "investigator", "--out", out)
	if code != 0 {
		t.Fatalf("export: exit %d: %s%s", code, stdout, stderr)
	}
	if !strings.Contains(stdout, "wrote "+out) {
		t.Errorf("export output: %s", stdout)
	}
	// A second export never overwrites the first.
	if code, _, _ := runVigil(t, "export", "--db", dsn, "--key", keyFile, "--case", string(caseID), "--as", "investigator", "--out", out); code == 0 {
		t.Error("export overwrote an existing bundle")
	}
	// Only those granted export may export.
	if code, _, stderr := runVigil(t, "export", "--db", dsn, "--key", keyFile, "--case", string(caseID), "--as", "social.worker", "--out", out+".2"); code == 0 || !strings.Contains(stderr, "not found") {
		t.Errorf("a social worker exported: exit %d, %s", code, stderr)
	}

	code, stdout, stderr = runVigil(t, "verify", "--bundle", out, "--key", vkey)
	if code != 0 || !strings.Contains(stdout, "bundle for case "+string(caseID)+" verified") || !strings.Contains(stdout, "against the key you supplied") {
		t.Fatalf("verify --bundle --key: exit %d: %s%s", code, stdout, stderr)
	}
	if strings.Count(strings.TrimSpace(stdout), "\n") != 0 {
		t.Errorf("verify printed more than one line: %s", stdout)
	}
	code, stdout, _ = runVigil(t, "verify", "--bundle", out)
	if code != 0 || !strings.Contains(stdout, "NOT independently supplied") {
		t.Errorf("verify --bundle without --key: exit %d: %s", code, stdout)
	}
	_, otherV, _ := ledger.GenerateKey("cli.vigil.invalid/log")
	if code, _, stderr := runVigil(t, "verify", "--bundle", out, "--key", otherV); code == 0 || !strings.Contains(stderr, "not the key you supplied") {
		t.Errorf("verify against another key: exit %d: %s", code, stderr)
	}

	data, err := os.ReadFile(out)
	if err != nil {
		t.Fatal(err)
	}
	// The bundle holds every read of the case, the export's own included.
	b, err := evidence.Parse(data)
	if err != nil {
		t.Fatal(err)
	}
	reads := 0
	for _, it := range b.Items {
		e, err := ledger.ParseEntry(it.Entry)
		if err != nil {
			t.Fatal(err)
		}
		if e.Kind == "record.viewed" && e.Object == string(caseID) {
			reads++
		}
	}
	if reads != 4 { // three people, then the export
		t.Errorf("bundle holds %d reads of the case, want 4", reads)
	}

	mod := filepath.Join(t.TempDir(), "changed.zip")
	for i := range data {
		changed := bytes.Clone(data)
		changed[i] ^= 0x01
		if err := os.WriteFile(mod, changed, 0o600); err != nil {
			t.Fatal(err)
		}
		if code, stdout, _ := runVigil(t, "verify", "--bundle", mod); code == 0 {
			t.Fatalf("byte %d of %d changed, and verify passed: %s", i, len(data), stdout)
		}
	}
	t.Logf("each of %d bytes changed in turn; each change failed verification", len(data))
}
