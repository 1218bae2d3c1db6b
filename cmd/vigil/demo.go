package main

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"net"
	"os"
	"path/filepath"
	"strings"
	"text/tabwriter"
	"time"

	"github.com/vigil-project/vigil"
	"github.com/vigil-project/vigil/internal/escalate"
	"github.com/vigil-project/vigil/internal/ledger"
	"github.com/vigil-project/vigil/internal/server"
	"github.com/vigil-project/vigil/internal/sqldb"
	"github.com/vigil-project/vigil/internal/sqlstore"
	"github.com/vigil-project/vigil/internal/synth"
)

// demoFile is DIR/demo.json, for scripts that drive the demo.
type demoFile struct {
	URL    string         `json:"url"`
	LogKey string         `json:"log_key"`
	DB     string         `json:"db"`
	Users  []*synth.Login `json:"users"`
}

func runDemo(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	fs := flags("demo", stderr)
	addr := fs.String("addr", "127.0.0.1:8080", "address to listen on (a free port is chosen if this one is taken)")
	dir := fs.String("dir", "", "folder for the demo's database, key and demo.json (default: a new temporary folder)")
	seed := fs.Uint64("seed", 1, "seed of the synthetic town: the same seed gives the same town")
	scaleFlag := fs.String("scale", "small", "size of the synthetic history: small (two years of a dozen children, one offender network: loads in seconds), town (16 years, tens of thousands), region (a million, for load benchmarks; takes a long time)")
	debug := fs.Bool("debug", false, "log every request")
	if err := fs.Parse(args); err != nil {
		return err
	}
	scale, err := synth.ParseScale(*scaleFlag)
	if err != nil {
		return err
	}
	logger := newLogger(stderr, *debug)
	if *dir == "" {
		d, err := os.MkdirTemp("", "vigil-demo-")
		if err != nil {
			return err
		}
		*dir = d
	} else if err := os.MkdirAll(*dir, 0o700); err != nil {
		return err
	}
	dbPath := filepath.Join(*dir, "vigil.db")
	if _, err := os.Stat(dbPath); err == nil {
		return fmt.Errorf("%s already holds a demo; choose another --dir, or run it again with\n  vigil serve --db sqlite:%s --key %s --insecure-cookies",
			*dir, dbPath, filepath.Join(*dir, "log.key"))
	}

	nonce := make([]byte, 4)
	rand.Read(nonce)
	skey, _, err := ledger.GenerateKey("demo.vigil.invalid/log-" + hex.EncodeToString(nonce))
	if err != nil {
		return err
	}
	keyFile := filepath.Join(*dir, "log.key")
	if err := ledger.WriteKeyFile(keyFile, skey); err != nil {
		return err
	}
	key, err := ledger.ParseKey(skey)
	if err != nil {
		return err
	}
	if err := os.WriteFile(keyFile+".pub", []byte(key.VerifierKey()+"\n"), 0o644); err != nil {
		return err
	}

	dsn := "sqlite:" + dbPath
	db, err := sqldb.Open(ctx, dsn)
	if err != nil {
		return err
	}
	defer db.Close()
	store, err := sqlstore.Open(ctx, db, key, logger)
	if err != nil {
		return err
	}
	defer store.Close()
	town, err := seedDemo(ctx, store, scale, *seed, stderr)
	if err != nil {
		return err
	}
	if err := synth.SeedOversight(ctx, store, town, *seed); err != nil { // demographics and an action plan: see synth/oversight.go
		return err
	}
	if err := synth.SeedSpeakUp(ctx, store, town); err != nil {
		return err
	}
	// The demo's speak-up configuration, as `vigil serve --speakup` reads it.
	if b, err := json.MarshalIndent(synth.SpeakUpConfig(town), "", "  "); err != nil {
		return err
	} else if err := os.WriteFile(filepath.Join(*dir, "speakup.json"), append(b, '\n'), 0o644); err != nil {
		return err
	}
	// Link what the town's reports mention, as an analyst would find it:
	// likely links proposed, unsure ones waiting in the review queue.
	run, err := store.RunLinking(ctx, vigil.SystemActor)
	if err != nil {
		return err
	}
	fmt.Fprintf(stderr, "Linked %d mentions in %.1fs: %d links proposed (%d likely, %d for review)\n", run.Mentions, run.Took.Seconds(),
		run.Proposed, run.Likely, run.Review)
	if _, err := store.Log().Checkpoint(ctx); err != nil {
		return err
	}

	h, err := server.New(store, server.Options{Logger: logger, SecureCookies: false})
	if err != nil {
		return err
	}
	ln, err := net.Listen("tcp", *addr)
	if err != nil && !fsWasSet(fs, "addr") {
		ln, err = net.Listen("tcp", "127.0.0.1:0")
	}
	if err != nil {
		return err
	}
	url := "http://" + ln.Addr().String()
	df := demoFile{URL: url, LogKey: key.VerifierKey(), DB: dsn, Users: town.Logins}
	b, err := json.MarshalIndent(df, "", "  ")
	if err != nil {
		return err
	}
	// demo.json holds the demo passwords and tokens: owner-only, like the key.
	if err := os.WriteFile(filepath.Join(*dir, "demo.json"), append(b, '\n'), 0o600); err != nil {
		return err
	}
	printDemo(stdout, df, *dir, town)
	go (&escalate.Sweeper{Store: store, Logger: logger}).Run(ctx)
	go publishDue(ctx, store, logger) // monthly and yearly statistics releases: see stats.go
	go (&escalate.Sweeper{Store: store.SpeakUpSweeper(), Logger: logger}).Run(ctx)
	go (&escalate.Sweeper{Store: store.SessionSweeper(), Logger: logger}).Run(ctx) // ended sessions: logged, then deleted
	err = server.Serve(ctx, ln, h, logger)
	if errors.Is(err, context.Canceled) {
		return nil
	}
	return err
}

func fsWasSet(fs *flag.FlagSet, name string) bool {
	set := false
	fs.Visit(func(f *flag.Flag) { set = set || f.Name == name })
	return set
}

func printDemo(w io.Writer, df demoFile, dir string, town *synth.Town) {
	fmt.Fprintf(w, "\nVigil demo for the synthetic town of %s is running at\n\n    %s\n\n", town.Name, df.URL)
	fmt.Fprintf(w, "Speak up (anonymous reports with a receipt; whistle-blowing): %s/speak-up\n", df.URL)
	fmt.Fprintf(w, "Public report page (no account): %s/report\n\nDemo sign-ins (synthetic people; API tokens are in %s):\n\n",
		df.URL, filepath.Join(dir, "demo.json"))
	tw := tabwriter.NewWriter(w, 2, 4, 2, ' ', 0)
	fmt.Fprintln(tw, "    USERNAME\tPASSWORD\tAUTHENTICATOR KEY\tROLE\tAGENCY")
	for _, u := range df.Users {
		fmt.Fprintf(tw, "    %s\t%s\t%s\t%s\t%s\n", u.Username, u.Password, u.TOTPSecret, u.Role, u.Agency)
	}
	tw.Flush()
	fmt.Fprintf(w, "\nEvery account signs in with its password and then a code from an authenticator app.\n"+
		"Add the account's key to an authenticator app, or print the current code with\n    vigil code KEY\n")
	fmt.Fprintf(w, "\nLog verifier key:\n    %s\n\nCheck the log as an outside auditor would:\n    vigil verify --url %s/log --key %s --state %s\n",
		df.LogKey, df.URL, df.LogKey, filepath.Join(dir, "auditor.state"))
	fmt.Fprintf(w, "Check the database against the log:\n    vigil verify --db %s --key %s\n\nPress Ctrl-C to stop.\n", df.DB, df.LogKey)
}

// seedDemo fills the demo's store with a generated world's history
// (synth.Load), the same way at every scale: small loads in a second or
// two, town and region take minutes or hours, so the load shows its
// progress and prints how long it took.
func seedDemo(ctx context.Context, store *sqlstore.Store, scale synth.Scale, seed uint64, stderr io.Writer) (*synth.Town, error) {
	start := time.Now()
	g := synth.NewGenerator(synth.WorldOptions{Seed: seed, Scale: scale, End: vigil.Now()})
	fmt.Fprintf(stderr, "Building a synthetic %s (%d years of history)...\n", scale, g.Options().Years)
	fmt.Fprintf(stderr, "Built %s in %.1fs: %d people, %d staff, %d reports to load\n", g.World().Name, time.Since(start).Seconds(),
		len(g.World().People), len(g.World().Staff), g.Len())
	opt := synth.LoadOptions{Progress: loadProgress(stderr, isTerminal(stderr))}
	town, st, err := synth.Load(ctx, store, g, opt)
	if err != nil {
		return nil, err
	}
	fmt.Fprintf(stderr, "Loaded in %.1fs (%.0f concerns a second): %s\n", st.Duration.Seconds(),
		float64(st.Concerns)/st.Duration.Seconds(), st)
	return town, nil
}

// loadProgress reports a load's stages: a bar redrawn in place on a
// terminal, otherwise a line for each stage and every tenth of it.
func loadProgress(w io.Writer, terminal bool) func(stage string, done, total int) {
	var last time.Time
	var lastStage string
	lastTenth := -1
	start := time.Now()
	return func(stage string, done, total int) {
		if !terminal {
			tenth := 0
			if total > 0 {
				tenth = 10 * done / total
			}
			if stage != lastStage || tenth != lastTenth {
				fmt.Fprintf(w, "  %s: %d/%d (%.0fs)\n", stage, done, total, time.Since(start).Seconds())
				lastStage, lastTenth = stage, tenth
			}
			return
		}
		if now := time.Now(); now.Sub(last) < 100*time.Millisecond && done != total {
			return
		} else {
			last = now
		}
		const width = 30
		n := 0
		if total > 0 {
			n = width * min(done, total) / total
		}
		fmt.Fprintf(w, "\r\033[K  %-9s [%s%s] %d/%d  %.0fs", stage, strings.Repeat("#", n), strings.Repeat(" ", width-n), done, total,
			time.Since(start).Seconds())
		if done == total {
			fmt.Fprintln(w)
		}
	}
}
