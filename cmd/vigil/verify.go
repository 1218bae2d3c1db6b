package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net/http"
	"os"
	"path/filepath"
	"runtime/debug"
	"strings"
	"time"

	"golang.org/x/mod/sumdb/note"

	"github.com/vigil-project/vigil/internal/ledger"
	"github.com/vigil-project/vigil/internal/sqldb"
	"github.com/vigil-project/vigil/internal/sqlstore"
)

func runVerify(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	fs := flags("verify", stderr)
	dsn := fs.String("db", "", "check this database against its log: sqlite:PATH or postgres://...")
	url := fs.String("url", "", "audit the log served at this URL (for example http://HOST/log) as an outside client")
	keyArg := fs.String("key", "", "the log's verifier key, or a file holding it (required with --url; with --db, the key recorded in the database is used when absent)")
	state := fs.String("state", "", "with --url: file remembering the last checkpoint seen, to prove the log only grew since")
	bundle := fs.String("bundle", "", "check this evidence bundle (from vigil export) offline; with --key, against that key rather than the bundle's own")
	if err := fs.Parse(args); err != nil {
		return err
	}
	key, err := readKeyArg(*keyArg)
	if err != nil {
		return err
	}
	switch {
	case *bundle != "" && *dsn == "" && *url == "":
		return verifyBundle(*bundle, key, stdout)
	case *dsn != "" && *url == "":
		return verifyDB(ctx, *dsn, key, stdout, stderr)
	case *url != "" && *dsn == "":
		if key == "" {
			return &exitError{2, "--key is required with --url: an auditor trusts only the key it was given"}
		}
		return verifyURL(ctx, *url, key, *state, stdout)
	}
	fs.Usage()
	return &exitError{2, "give one of --db, --url or --bundle"}
}

// readKeyArg accepts a verifier key or the name of a file holding one.
func readKeyArg(arg string) (string, error) {
	if arg == "" {
		return "", nil
	}
	if _, err := note.NewVerifier(arg); err == nil {
		return arg, nil
	}
	b, err := os.ReadFile(arg)
	if err != nil {
		return "", fmt.Errorf("--key %q is neither a verifier key nor a readable file", arg)
	}
	key := strings.TrimSpace(string(b))
	if _, err := note.NewVerifier(key); err != nil {
		return "", fmt.Errorf("--key file %s does not hold a verifier key (it should hold one line such as origin+hash+key, as printed by vigil keys generate)", arg)
	}
	return key, nil
}

func verifyDB(ctx context.Context, dsn, key string, stdout, stderr io.Writer) error {
	db, err := sqldb.Open(ctx, dsn)
	if err != nil {
		return err
	}
	defer db.Close()
	// Fail at once, not after reading millions of rows, when the database
	// predates this vigil: verify never writes, so it does not migrate.
	pending, err := sqlstore.PendingMigrations(ctx, db)
	if err != nil {
		return err
	}
	if len(pending) > 0 {
		return fmt.Errorf("the database's schema is older than this vigil (%d migrations not applied, first %s): run `vigil migrate --db %s` first, or verify with the vigil that wrote it",
			len(pending), pending[0], sqldb.Redact(dsn))
	}
	// Verification keeps every object's latest state in memory (tens of
	// millions for a region); a lower GC target than Go's default keeps
	// the peak near that live set, for some 10 % more time. GOGC, when
	// set, still decides.
	if os.Getenv("GOGC") == "" {
		debug.SetGCPercent(50)
	}
	var progress func(done, total int64)
	if isTerminal(stderr) {
		progress = func(done, total int64) {
			fmt.Fprintf(stderr, "\r%s", bar(done, total, 30))
		}
	}
	start := time.Now()
	r, err := ledger.VerifyDB(ctx, db, key, sqlstore.Tables, progress)
	if progress != nil {
		fmt.Fprint(stderr, "\r\033[K")
	}
	if err != nil {
		return err
	}
	for _, p := range r.Problems {
		fmt.Fprintln(stdout, p.String())
	}
	// Speak-up ciphertexts live outside the tracked rows, which commit to
	// their hashes: check that each still matches.
	sealed, err := sqlstore.CheckSpeakUp(ctx, db)
	if err != nil {
		return err
	}
	for _, p := range sealed {
		fmt.Fprintln(stdout, p)
	}
	if r.KeySource == "database" && r.OK() {
		fmt.Fprintln(stderr, "note: no --key given, so the key recorded in the database was trusted; an auditor should pass the published key")
	}
	summary := r.Summary()
	if r.OK() && len(sealed) > 0 {
		summary = fmt.Sprintf("FAILED: %d speak-up ciphertexts, receipts or keys differ from the hashes in the log (the log itself: %s)", len(sealed), summary)
	}
	fmt.Fprintf(stdout, "%s (%.1fs)\n", summary, time.Since(start).Seconds())
	if !r.OK() || len(sealed) > 0 {
		return &exitError{code: 1}
	}
	return nil
}

// bar draws a text progress bar.
func bar(done, total int64, width int) string {
	if total <= 0 {
		total = 1
	}
	n := int(float64(width) * float64(min(done, total)) / float64(total))
	return fmt.Sprintf("[%s%s] %d/%d entries", strings.Repeat("#", n), strings.Repeat(" ", width-n), done, total)
}

func verifyURL(ctx context.Context, url, key, statePath string, stdout io.Writer) error {
	var prev []byte
	if statePath != "" {
		b, err := os.ReadFile(statePath)
		if err == nil {
			prev = b
		} else if !errors.Is(err, os.ErrNotExist) {
			return err
		}
	}
	client := &http.Client{Timeout: 60 * time.Second}
	r, err := ledger.Audit(ctx, client, url, key, prev)
	if err != nil {
		fmt.Fprintln(stdout, "FAILED:", err)
		return &exitError{code: 1}
	}
	if statePath != "" {
		// Write then rename, so a crash never leaves a half-written state.
		tmp, err := os.CreateTemp(filepath.Dir(statePath), ".vigil-state-")
		if err != nil {
			return err
		}
		if _, err := tmp.Write(r.Checkpoint.Note); err != nil {
			tmp.Close()
			return err
		}
		if err := tmp.Close(); err != nil {
			return err
		}
		if err := os.Rename(tmp.Name(), statePath); err != nil {
			return err
		}
	}
	fmt.Fprintln(stdout, r.Summary())
	return nil
}
