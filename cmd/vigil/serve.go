package main

import (
	"context"
	"fmt"
	"io"
	"log/slog"
	"net"
	"os"
	"strings"

	"github.com/vigil-project/vigil"
	"github.com/vigil-project/vigil/internal/escalate"
	"github.com/vigil-project/vigil/internal/ledger"
	"github.com/vigil-project/vigil/internal/server"
	"github.com/vigil-project/vigil/internal/speakup"
	"github.com/vigil-project/vigil/internal/sqldb"
	"github.com/vigil-project/vigil/internal/sqlstore"
)

func runServe(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	fs := flags("serve", stderr)
	dsn := fs.String("db", "", "database: sqlite:PATH or postgres://... (required)")
	keyFile := fs.String("key", "", "the log's signing key file, made by `vigil keys generate` (required)")
	addr := fs.String("addr", "127.0.0.1:8080", "address to listen on")
	insecure := fs.Bool("insecure-cookies", false, "send the session cookie over plain HTTP (only for trials on localhost; put Vigil behind TLS)")
	debug := fs.Bool("debug", false, "log every request")
	rulesFile := fs.String("rules", "", "a JSON file of local clock rules and escalation ladder, over the national defaults")
	grantsFile := fs.String("grants", "", "a JSON file of agencies' own grants (role x action x scope), over the national defaults; each load is logged")
	speakupFile := fs.String("speakup", "", "a JSON file of the speak-up channel's routes, custodians and clocks (see internal/speakup/config.go); applied at start, every change logged")
	oidcFlags := addOIDCFlags(fs)
	if err := fs.Parse(args); err != nil {
		return err
	}
	if *dsn == "" || *keyFile == "" {
		fs.Usage()
		return &exitError{2, "--db and --key are required"}
	}
	logger := newLogger(stderr, *debug)
	key, err := ledger.LoadKey(*keyFile)
	if err != nil {
		return err
	}
	db, err := sqldb.Open(ctx, *dsn)
	if err != nil {
		return err
	}
	defer db.Close()
	store, err := sqlstore.Open(ctx, db, key, logger)
	if err != nil {
		return err
	}
	defer store.Close()
	if *rulesFile != "" {
		b, err := os.ReadFile(*rulesFile)
		if err != nil {
			return err
		}
		rules, err := vigil.ParseRules(b)
		if err != nil {
			return fmt.Errorf("%s: %s", *rulesFile, vigil.ErrorMessage(err))
		}
		store.UseRules(rules)
	}
	if *grantsFile != "" {
		b, err := os.ReadFile(*grantsFile)
		if err != nil {
			return err
		}
		grants, err := vigil.ParseGrants(b)
		if err == nil {
			err = store.UseGrants(ctx, grants)
		}
		if err != nil {
			return fmt.Errorf("%s: %s", *grantsFile, vigil.ErrorMessage(err))
		}
	}
	if *speakupFile != "" {
		if err := configureSpeakUp(ctx, store, *speakupFile, logger); err != nil {
			return err
		}
	}
	oidc, err := oidcFlags.config()
	if err != nil {
		return err
	}
	h, err := server.New(store, server.Options{Logger: logger, SecureCookies: !*insecure, OIDC: oidc})
	if err != nil {
		return err
	}
	ln, err := net.Listen("tcp", *addr)
	if err != nil {
		return err
	}
	logger.Info("vigil serving", "url", "http://"+ln.Addr().String(), "log_origin", key.Origin(), "engine", string(db.Engine))
	fmt.Fprintf(stdout, "Vigil is running at http://%s\nLog verifier key: %s\n", ln.Addr(), key.VerifierKey())
	go (&escalate.Sweeper{Store: store, Logger: logger}).Run(ctx)
	// Train linking on what is stored and catch up with links not yet
	// proposed, so that the first new report is matched at once
	// (sqlstore.LinkNew waits for this run rather than starting another).
	go func() {
		if _, err := store.RunLinking(ctx, vigil.SystemActor); err != nil && ctx.Err() == nil {
			logger.Error("linking at start", "error", err.Error())
		}
	}()
	go publishDue(ctx, store, logger) // monthly and yearly statistics releases: see stats.go
	go (&escalate.Sweeper{Store: store.SpeakUpSweeper(), Logger: logger}).Run(ctx)
	go (&escalate.Sweeper{Store: store.SessionSweeper(), Logger: logger}).Run(ctx) // ended sessions: logged, then deleted
	return server.Serve(ctx, ln, h, logger)
}

// configureSpeakUp applies a speak-up configuration file as the system
// actor: the file is the whole configuration, and each change it makes is
// a log entry. What it leaves uncovered (an organisation whose staff
// would reach nobody) is logged as a warning, not refused: a deployment
// may be set up in steps.
func configureSpeakUp(ctx context.Context, store *sqlstore.Store, file string, logger *slog.Logger) error {
	b, err := os.ReadFile(file)
	if err != nil {
		return err
	}
	c, err := speakup.ParseConfig(b)
	if err == nil {
		var gaps []string
		gaps, err = store.Configure(ctx, vigil.SystemActor, c)
		for _, g := range gaps {
			logger.Warn("speak-up configuration leaves a gap", "gap", g)
		}
	}
	if err != nil {
		return fmt.Errorf("%s: %s", file, problems(err))
	}
	return nil
}

// problems is err's message, or each of its field errors on a line.
func problems(err error) string {
	fields := vigil.ErrorFields(err)
	if len(fields) < 2 {
		return vigil.ErrorMessage(err)
	}
	var b strings.Builder
	fmt.Fprintf(&b, "%d problems:", len(fields))
	for _, f := range fields {
		b.WriteString("\n  " + f.Message)
	}
	return b.String()
}
