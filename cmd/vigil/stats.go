package main

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"os"
	"strings"
	"time"

	"github.com/vigil-project/vigil"
	"github.com/vigil-project/vigil/internal/ledger"
	"github.com/vigil-project/vigil/internal/sqldb"
	"github.com/vigil-project/vigil/internal/sqlstore"
)

// vigil stats: publish statistics releases, check a published release
// against the log as an outsider, and export the national core data set.

func runStats(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	usage := func() error {
		fmt.Fprintln(stderr, `Usage:
  vigil stats publish --db DB --key KEYFILE --period PERIOD [--note TEXT]   publish a release (as Vigil)
  vigil stats due     --db DB --key KEYFILE                                 publish the monthly and yearly releases that are due
  vigil stats verify  --url URL --key VERIFIERKEY                           check a published release against the log
  vigil stats ncds    --db DB --key KEYFILE --as USERNAME --period PERIOD [--out FILE]
                                                                            export the national core data set (CSV)
PERIOD is fy2025 (April 2025 to March 2026), 2026-Q1 (a quarter), 2026-03 (a month), 12m (the last 12 months)
or 2025-04-01_2025-06-30. A release is only ever of a month, quarter or financial year that has ended.`)
		return &exitError{code: 2}
	}
	if len(args) == 0 {
		return usage()
	}
	switch args[0] {
	case "publish", "due", "ncds":
		return statsStore(ctx, args[0], args[1:], stdout, stderr)
	case "verify":
		return statsVerify(ctx, args[1:], stdout, stderr)
	case "-h", "--help", "help":
		usage()
		return nil
	}
	return usage()
}

func statsStore(ctx context.Context, sub string, args []string, stdout, stderr io.Writer) error {
	fs := flags("stats "+sub, stderr)
	dsn := fs.String("db", "", "database: sqlite:PATH or postgres://... (required)")
	keyFile := fs.String("key", "", "the log's signing key file (required)")
	periodKey := fs.String("period", "", "the period (see vigil stats)")
	note := fs.String("note", "", "publish: why a period published before is published again")
	as := fs.String("as", "", "ncds: the username of the person exporting, who must be allowed to (the export is logged as theirs)")
	out := fs.String("out", "", "ncds: the file to write (default: standard output)")
	fields := fs.Bool("fields", false, "ncds: print the data set's fields and their meaning, and exit")
	if err := fs.Parse(args); err != nil {
		return err
	}
	if *fields {
		for _, f := range vigil.CoreDataFields {
			fmt.Fprintf(stdout, "%-42s %s\n", f.Name, f.Description)
		}
		return nil
	}
	if *dsn == "" || *keyFile == "" {
		fs.Usage()
		return &exitError{2, "--db and --key are required"}
	}
	key, err := ledger.LoadKey(*keyFile)
	if err != nil {
		return err
	}
	db, err := sqldb.Open(ctx, *dsn)
	if err != nil {
		return err
	}
	defer db.Close()
	store, err := sqlstore.Open(ctx, db, key, newLogger(stderr, false))
	if err != nil {
		return err
	}
	defer store.Close()
	if sub == "due" {
		rs, err := store.PublishDue(ctx, vigil.Now())
		for _, r := range rs {
			fmt.Fprintf(stdout, "published release %d: %s\n", r.Number, r.Title)
		}
		return err
	}
	p, err := vigil.ParsePeriod(*periodKey, vigil.Now())
	if err != nil || *periodKey == "" {
		return &exitError{2, "--period: " + vigil.ErrorMessage(cmpErr(err, vigil.Errorf(vigil.EINVALID, "give the period")))}
	}
	switch sub {
	case "publish":
		r, err := store.PublishRelease(ctx, vigil.SystemActor, p, *note)
		if err != nil {
			return errors.New(vigil.ErrorMessage(err))
		}
		fmt.Fprintf(stdout, "published release %d (%s): %s\n", r.Number, r.ID, r.Title)
		return nil
	}
	users, err := store.Users(ctx)
	if err != nil {
		return err
	}
	var who *vigil.User
	for _, u := range users {
		if u.Username == *as {
			who = u
		}
	}
	if who == nil {
		return &exitError{2, "--as: give the username of an account that may export the core data set"}
	}
	w := stdout
	if *out != "" {
		f, err := os.OpenFile(*out, os.O_CREATE|os.O_WRONLY|os.O_TRUNC, 0o600)
		if err != nil {
			return err
		}
		defer f.Close()
		w = f
	}
	if err := store.ExportCoreData(ctx, vigil.UserActor(who), p, w); err != nil {
		if vigil.ErrorCode(err) != vigil.EINTERNAL {
			return errors.New(vigil.ErrorMessage(err))
		}
		return err
	}
	return nil
}

func cmpErr(err, otherwise error) error {
	if err != nil {
		return err
	}
	return otherwise
}

// statsVerify checks a published release as an outsider: it trusts
// nothing but the verifier key it is given.
func statsVerify(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	fs := flags("stats verify", stderr)
	url := fs.String("url", "", "the release's proof: https://HOST/transparency/ID/release.json")
	file := fs.String("file", "", "or a downloaded release.json")
	keyArg := fs.String("key", "", "the log's verifier key, or a file holding it, obtained from someone other than the site (required)")
	if err := fs.Parse(args); err != nil {
		return err
	}
	key, err := readKeyArg(*keyArg)
	if err != nil {
		return err
	}
	if key == "" || (*url == "") == (*file == "") {
		fs.Usage()
		return &exitError{2, "give --key, and either --url or --file"}
	}
	var b []byte
	if *file != "" {
		if b, err = os.ReadFile(*file); err != nil {
			return err
		}
	} else {
		req, err := http.NewRequestWithContext(ctx, "GET", *url, nil)
		if err != nil {
			return err
		}
		resp, err := (&http.Client{Timeout: 60 * time.Second}).Do(req)
		if err != nil {
			return err
		}
		defer resp.Body.Close()
		if resp.StatusCode != http.StatusOK {
			return fmt.Errorf("%s: %s", *url, resp.Status)
		}
		if b, err = io.ReadAll(io.LimitReader(resp.Body, 64<<20)); err != nil {
			return err
		}
	}
	var proof vigil.ReleaseProof
	if err := json.Unmarshal(b, &proof); err != nil {
		return fmt.Errorf("not a release proof: %w", err)
	}
	if proof.VerifierKey != "" && strings.TrimSpace(proof.VerifierKey) != key {
		fmt.Fprintln(stderr, "warning: the site names a different log key than the one you gave; the check uses yours")
	}
	cp, err := sqlstore.VerifyReleaseProof(&proof, key)
	if err != nil {
		return &exitError{1, "the release does NOT verify: " + err.Error()}
	}
	fmt.Fprintf(stdout, "OK: release %d (%s), published %s, is entry %d of the log %s, included in its signed checkpoint of %d entries.\n",
		proof.Release.Number, proof.Release.PeriodKey, proof.Release.PublishedAt.In(vigil.London).Format("2 January 2006 15:04"), proof.Index, cp.Origin, cp.Size)
	fmt.Fprintln(stdout, "Now check that the log has only grown since: vigil verify --url https://HOST/log --key KEY --state FILE")
	return nil
}

// publishDue publishes the monthly and yearly releases when they fall
// due, checking every hour (vigil serve and vigil demo run it).
func publishDue(ctx context.Context, store *sqlstore.Store, logger *slog.Logger) {
	t := time.NewTicker(time.Hour)
	defer t.Stop()
	for {
		rs, err := store.PublishDue(ctx, vigil.Now())
		if err != nil && ctx.Err() == nil {
			logger.Error("publishing due statistics failed", "error", err.Error())
		}
		for _, r := range rs {
			logger.Info("statistics published", "release", r.Number, "period", r.PeriodKey)
		}
		select {
		case <-ctx.Done():
			return
		case <-t.C:
		}
	}
}
