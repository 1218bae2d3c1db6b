// Command vigil runs Vigil, a multi-agency safeguarding system, and audits it.
//
//	vigil demo      start on an embedded SQLite file seeded with a synthetic town
//	vigil serve     run the service (web, API, log)
//	vigil verify    audit the database against its log, a log over HTTP, or an evidence bundle
//	vigil export    write a case's evidence bundle for an investigator
//	vigil keys      generate the log's signing key
//	vigil migrate   apply database migrations
//	vigil code      print the current sign-in code for an authenticator key
//	vigil stats     publish and verify statistics releases; export the national core data set
package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"os"
	"os/signal"
	"syscall"
	_ "time/tzdata" // statutory clocks run on Europe/London wherever Vigil runs
)

type command struct {
	name, summary string
	run           func(ctx context.Context, args []string, stdout, stderr io.Writer) error
}

var commands = []command{
	{"demo", "start Vigil on a fresh SQLite file with a synthetic town and demo sign-ins", runDemo},
	{"serve", "run Vigil: browser pages, JSON API and the public log", runServe},
	{"verify", "check a database against its log, audit a log over HTTP, or check an evidence bundle offline", runVerify},
	{"export", "write a case's evidence bundle (records, log entries, proofs, checkpoint) for offline checking", runExport},
	{"keys", "generate the log's signing key (vigil keys generate)", runKeys},
	{"migrate", "apply database migrations", runMigrate},
	{"code", "print the current sign-in code for an authenticator key (for the demo)", runCode},
	{"link", "entity resolution over CSV files of person mentions", runLink},
	{"stats", "publish statistics releases, verify a published release, export the national core data set", runStats},
}

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	os.Exit(run(ctx, os.Args[1:], os.Stdout, os.Stderr))
}

// exitError carries a specific exit status, such as verify's "problems found".
type exitError struct {
	code int
	msg  string
}

func (e *exitError) Error() string { return e.msg }

func run(ctx context.Context, args []string, stdout, stderr io.Writer) int {
	if len(args) == 0 || args[0] == "help" || args[0] == "-h" || args[0] == "--help" {
		usage(stderr)
		if len(args) == 0 {
			return 2
		}
		return 0
	}
	for _, c := range commands {
		if c.name == args[0] {
			err := c.run(ctx, args[1:], stdout, stderr)
			var ee *exitError
			switch {
			case err == nil:
				return 0
			case errors.Is(err, flag.ErrHelp):
				return 0
			case errors.As(err, &ee):
				if ee.msg != "" {
					fmt.Fprintln(stderr, "vigil "+c.name+": "+ee.msg)
				}
				return ee.code
			default:
				fmt.Fprintln(stderr, "vigil "+c.name+": "+err.Error())
				return 1
			}
		}
	}
	fmt.Fprintf(stderr, "vigil: unknown command %q\n\n", args[0])
	usage(stderr)
	return 2
}

func usage(w io.Writer) {
	fmt.Fprintln(w, "Usage: vigil <command> [flags]\n\nCommands:")
	for _, c := range commands {
		fmt.Fprintf(w, "  %-8s %s\n", c.name, c.summary)
	}
	fmt.Fprintln(w, "\nRun vigil <command> -h for a command's flags.")
}

// flags returns a flag set whose errors and help go to stderr.
func flags(name string, stderr io.Writer) *flag.FlagSet {
	fs := flag.NewFlagSet("vigil "+name, flag.ContinueOnError)
	fs.SetOutput(stderr)
	return fs
}

// newLogger logs to stderr as text; logs carry ids and codes, never case data.
func newLogger(w io.Writer, debug bool) *slog.Logger {
	level := slog.LevelInfo
	if debug {
		level = slog.LevelDebug
	}
	return slog.New(slog.NewTextHandler(w, &slog.HandlerOptions{Level: level}))
}

// isTerminal reports whether f is a terminal, for progress bars.
func isTerminal(w io.Writer) bool {
	f, ok := w.(*os.File)
	if !ok {
		return false
	}
	fi, err := f.Stat()
	return err == nil && fi.Mode()&os.ModeCharDevice != 0
}
