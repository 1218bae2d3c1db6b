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
	"text/tabwriter"
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
	maxBlock := 5000
	fs.IntVar(&maxBlock, "max-block", maxBlock, "leave out blocks of more records than this (a key shared by that many is rarely evidence); a warning says how many were")
	maxPairs := fs.Int64("max-pairs", 0, "when the blocks would generate more pairs than this, leave out the largest until the rest fit; 0 means 100 per record (at least a million), -1 no bound")
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
	case maxBlock < 2:
		return &exitError{2, "--max-block must be at least 2"}
	case *maxPairs < -1:
		return &exitError{2, "--max-pairs must be a number of pairs, 0 for the default or -1 for no bound"}
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
	opt := link.Options{Threshold: *threshold, Seed: *seed, MaxBlock: maxBlock, MaxPairs: *maxPairs}
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
	printBlocking(stderr, res.Stats, maxBlock)
	return nil
}

// printBlocking says how many pairs each blocking rule kept for comparison
// (each pair counted under the first rule that found it), and warns of
// blocks left out as too large: pairs that only such a block would have
// found are never compared, so a true match there is missed.
func printBlocking(w io.Writer, st link.Stats, maxBlock int) {
	tw := tabwriter.NewWriter(w, 2, 4, 2, ' ', 0)
	fmt.Fprintln(tw, "blocking rule\tpairs kept\tblocks skipped")
	for _, r := range st.ByRule {
		skipped := "-"
		if r.BlocksSkipped > 0 {
			skipped = fmt.Sprintf("%d (largest %d records)", r.BlocksSkipped, r.LargestSkipped)
		}
		fmt.Fprintf(tw, "%s\t%d\t%s\n", r.Rule, r.Pairs, skipped)
	}
	tw.Flush()
	if st.BlocksSkipped > 0 {
		fmt.Fprintf(w, "warning: %d blocks were skipped, larger than %d records or the largest past the bound of %d pairs; "+
			"pairs only they would find were not compared "+
			"(a value shared by that many records, such as a default date of birth or a switchboard number, is rarely evidence)\n",
			st.BlocksSkipped, maxBlock, st.PairBudget)
	}
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
