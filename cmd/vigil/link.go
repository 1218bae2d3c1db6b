package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"
	"time"

	domain "github.com/vigil-project/vigil"
	"github.com/vigil-project/vigil/internal/link"
)

// inputs collects repeated --in flags.
type inputs []string

func (in *inputs) String() string { return strings.Join(*in, ",") }

func (in *inputs) Set(v string) error {
	*in = append(*in, v)
	return nil
}

func runLink(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	fs := flags("link", stderr)
	var ins inputs
	fs.Var(&ins, "in", "CSV of person mentions with a header (columns: "+strings.Join(link.Columns, ", ")+"; only id is required). Once: find duplicates within it. Twice: link the two files")
	out := fs.String("out", "", "write the pairs here as CSV: id_l,id_r,match_probability (- for standard output)")
	threshold := fs.Float64("threshold", link.DefaultThreshold, "report pairs whose match probability is at least this (0 < P <= 1); the default is the point where a pair is as likely the same person as not")
	seed := fs.Uint64("seed", 1, "seed of the random pairs sampled to learn the model, for repeatable runs")
	fs.Usage = func() {
		fmt.Fprintln(stderr, "Usage: vigil link --in people.csv [--in other.csv] --out pairs.csv [--threshold P]")
		fmt.Fprintln(stderr, "\nFinds records that mention the same person, with no training labels (Fellegi-Sunter weights learnt by EM).\n\nFlags:")
		fs.PrintDefaults()
	}
	if err := fs.Parse(args); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			return err
		}
		return &exitError{2, ""} // the flag package has said what was wrong
	}
	switch {
	case fs.NArg() > 0:
		return &exitError{2, fmt.Sprintf("unexpected argument %q: give input files with --in", fs.Arg(0))}
	case len(ins) == 0 || len(ins) > 2:
		return &exitError{2, "give --in once (find duplicates) or twice (link two files)"}
	case *out == "":
		return &exitError{2, "give --out, the file to write the pairs to (- for standard output)"}
	case !(*threshold > 0 && *threshold <= 1):
		return &exitError{2, "--threshold must be a probability above 0 and at most 1"}
	}

	start := time.Now()
	var mentions [][]link.Mention
	for _, path := range ins {
		ms, err := link.ReadCSV(path)
		if err != nil {
			return inputError(err)
		}
		mentions = append(mentions, ms)
	}
	opt := link.Options{Threshold: *threshold, Seed: *seed}
	if isTerminal(stderr) {
		opt.Progress = progressBar(stderr)
	}
	var res *link.Result
	var err error
	left, right := mentions[0], mentions[0]
	if len(mentions) == 1 {
		res, err = link.Dedupe(ctx, link.NormaliseAll(left), opt)
	} else {
		right = mentions[1]
		res, err = link.Link(ctx, link.NormaliseAll(left), link.NormaliseAll(right), opt)
	}
	if opt.Progress != nil {
		fmt.Fprint(stderr, "\r\033[K")
	}
	if err != nil {
		return err
	}
	if err := writePairs(*out, stdout, left, right, res.Pairs); err != nil {
		return err
	}
	records := len(left)
	if len(mentions) == 2 {
		records += len(right)
	}
	el := time.Since(start)
	fmt.Fprintf(stderr, "%d records, %d pairs compared, %d pairs with match probability >= %g written to %s (%.1fs, %.0f records/s)\n",
		records, res.Stats.PairsCompared, len(res.Pairs), *threshold, *out, el.Seconds(), float64(records)/el.Seconds())
	return nil
}

// inputError shows the user the message of an input problem.
func inputError(err error) error {
	var ve *domain.Error
	if errors.As(err, &ve) {
		return &exitError{1, ve.Message}
	}
	return err
}

// writePairs writes to a temporary file renamed into place, so a failed or
// interrupted run never leaves half a result that looks whole.
func writePairs(path string, stdout io.Writer, left, right []link.Mention, pairs []link.Pair) error {
	if path == "-" {
		return link.WritePairs(stdout, left, right, pairs)
	}
	f, err := os.CreateTemp(filepath.Dir(path), ".vigil-link-*.csv")
	if err != nil {
		return &exitError{1, fmt.Sprintf("cannot write %s: %v", path, err)}
	}
	defer os.Remove(f.Name())
	if err := link.WritePairs(f, left, right, pairs); err != nil {
		f.Close()
		return &exitError{1, fmt.Sprintf("cannot write %s: %v", path, err)}
	}
	if err := f.Close(); err != nil {
		return &exitError{1, fmt.Sprintf("cannot write %s: %v", path, err)}
	}
	if err := os.Rename(f.Name(), path); err != nil {
		return &exitError{1, fmt.Sprintf("cannot write %s: %v", path, err)}
	}
	return nil
}

// progressBar redraws one line on a terminal: the stage and, for stages
// that count, a bar.
func progressBar(w io.Writer) func(stage string, done, total int64) {
	var last time.Time
	return func(stage string, done, total int64) {
		if now := time.Now(); now.Sub(last) < 100*time.Millisecond && done != total {
			return
		} else {
			last = now
		}
		if total <= 1 {
			fmt.Fprintf(w, "\r\033[K%s...", stage)
			return
		}
		const width = 30
		n := int(width * min(done, total) / total)
		fmt.Fprintf(w, "\r\033[K%-20s [%s%s] %d/%d", stage, strings.Repeat("#", n), strings.Repeat(" ", width-n), done, total)
	}
}
