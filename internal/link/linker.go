package link

import (
	"cmp"
	"context"
	"math/bits"
	"runtime"
	"slices"
	"sync"
	"time"
)

// DefaultThreshold is the match probability at or above which a pair is
// reported. 0.5 is the Bayes decision point: at it a pair is as likely to
// be the same person as not, under the model's own prior learnt from the
// data. It is chosen without labels; callers wanting a review band (Vigil's
// analysts) ask for a lower threshold and read the probabilities.
const DefaultThreshold = 0.5

// Options tune a linking run. The zero value is ready to use.
type Options struct {
	Threshold float64        // report pairs at or above this probability; 0 means DefaultThreshold
	Rules     []BlockingRule // nil means DefaultRules
	MaxBlock  int            // blocks larger than this are left out; 0 means 5,000
	// MaxPairs bounds the pairs the blocks may generate: past it the
	// largest blocks are left out. 0 means 100 per record (at least a
	// million); a negative value means no bound.
	MaxPairs int64
	USample  int    // random pairs drawn to estimate u; 0 means 500,000
	MaxIter  int    // EM iterations at most; 0 means 500
	Seed     uint64 // seed of the random sample, for repeatable runs
	Workers  int    // goroutines; 0 means GOMAXPROCS
	// KeepCompared keeps every compared pair with its probability in
	// Result.Compared, for evaluation.
	KeepCompared bool
	// Progress, when set, is called from time to time (never concurrently)
	// with the stage and how far it is.
	Progress func(stage string, done, total int64)
}

// pairBudget is MaxPairs for n records, 0 meaning no bound.
func (o *Options) pairBudget(n int) int64 {
	switch {
	case o.MaxPairs < 0:
		return 0
	case o.MaxPairs > 0:
		return o.MaxPairs
	}
	return max(1_000_000, 100*int64(n))
}

func (o *Options) defaults() {
	if o.Threshold == 0 {
		o.Threshold = DefaultThreshold
	}
	if o.Rules == nil {
		o.Rules = DefaultRules
	}
	if o.MaxBlock == 0 {
		o.MaxBlock = 5000
	}
	if o.USample == 0 {
		o.USample = 500_000
	}
	if o.MaxIter == 0 {
		o.MaxIter = 500
	}
	if o.Workers <= 0 {
		o.Workers = runtime.GOMAXPROCS(0)
	}
}

// Pair is a scored pair of records. In Dedupe, L < R index the one input; in
// Link, L indexes the left input and R the right one.
type Pair struct {
	L, R        int32
	Weight      float64 // match weight in bits, prior excluded
	Probability float64
}

// Stats counts the work of a run.
type Stats struct {
	Records        int
	PairsGenerated int64 // pairs in all blocks, a pair counted once per rule that finds it
	PairsCompared  int64 // distinct candidate pairs compared and scored
	BlocksSkipped  int   // blocks over MaxBlock, or the largest past PairBudget, left out
	PairBudget     int64 // the bound on PairsGenerated (MaxPairs, or its default), 0 for none
	Patterns       int   // distinct comparison vectors seen by EM
	ByRule         []RuleStats

	Durations map[string]time.Duration
}

// RuleStats counts what a blocking rule did: the candidate pairs it kept
// for comparison (those it found first), and the blocks it left out as
// larger than Options.MaxBlock, with the size of the largest.
type RuleStats struct {
	Rule           string
	Pairs          int64
	BlocksSkipped  int
	LargestSkipped int // records in the largest block left out
}

// Result is the outcome of Dedupe or Link.
type Result struct {
	Pairs    []Pair // at or above the threshold, by L then R
	Compared []Pair // every compared pair, in no order, when Options.KeepCompared
	Model    *Model
	Stats    Stats
}

// Dedupe finds the pairs of records in recs that are the same person.
func Dedupe(ctx context.Context, recs []Record, opt Options) (*Result, error) {
	for i := range recs {
		recs[i].Source = 0
	}
	return run(ctx, recs, 0, false, opt)
}

// Link finds the pairs, one record from each input, that are the same person.
func Link(ctx context.Context, left, right []Record, opt Options) (*Result, error) {
	all := make([]Record, 0, len(left)+len(right))
	all = append(all, left...)
	all = append(all, right...)
	for i := range all {
		all[i].Source = 0
		if i >= len(left) {
			all[i].Source = 1
		}
	}
	res, err := run(ctx, all, len(left), true, opt)
	if err != nil {
		return nil, err
	}
	for _, ps := range [][]Pair{res.Pairs, res.Compared} {
		for k := range ps {
			ps[k].R -= int32(len(left))
		}
	}
	return res, nil
}

// NormaliseAll normalises mentions on all cores.
func NormaliseAll(ms []Mention) []Record {
	recs := make([]Record, len(ms))
	parallel(len(ms), 0, func(lo, hi int) {
		for i := lo; i < hi; i++ {
			recs[i] = Normalise(ms[i])
		}
	})
	return recs
}

type candidate struct {
	i, j int32
	g    Gamma
}

// ruleMasks returns, for each rule, the bits of a comparison vector kept in
// that rule's EM session: its own fields become "missing".
func ruleMasks(rules []BlockingRule) []Gamma {
	ms := make([]Gamma, len(rules))
	for r, rule := range rules {
		var keep Gamma
		for f := range NumFields {
			if rule.Fields&(1<<f) == 0 {
				keep |= 0xf << (4 * f)
			}
		}
		ms[r] = keep
	}
	return ms
}

// counts collects the patterns of the comparison vectors, overall and per
// blocking rule, in one worker.
type counts struct {
	union  map[Gamma]float64
	byRule []map[Gamma]float64
}

func newCounts(nr int) *counts {
	c := &counts{union: map[Gamma]float64{}, byRule: make([]map[Gamma]float64, nr)}
	for r := range c.byRule {
		c.byRule[r] = map[Gamma]float64{}
	}
	return c
}

func (c *counts) add(g Gamma, rules uint32, masks []Gamma) {
	c.union[g]++
	for r := range masks {
		if rules&(1<<r) != 0 {
			c.byRule[r][g&masks[r]]++
		}
	}
}

// patterns merges per-worker counts into sorted lists (sorted so that sums
// come out the same whatever the scheduling).
func patterns(maps []map[Gamma]float64) []patternCount {
	merged := map[Gamma]float64{}
	for _, mp := range maps {
		for g, n := range mp {
			merged[g] += n
		}
	}
	pc := make([]patternCount, 0, len(merged))
	for g, n := range merged {
		pc = append(pc, patternCount{g, n})
	}
	slices.SortFunc(pc, func(x, y patternCount) int { return cmp.Compare(x.g, y.g) })
	return pc
}

func run(ctx context.Context, recs []Record, nLeft int, cross bool, opt Options) (*Result, error) {
	opt.defaults()
	res := &Result{Stats: Stats{Records: len(recs), Durations: map[string]time.Duration{}}}
	var pmu sync.Mutex
	progress := func(stage string, done, total int64) {
		if opt.Progress != nil {
			pmu.Lock()
			opt.Progress(stage, done, total)
			pmu.Unlock()
		}
	}
	stage := func(name string, start time.Time) { res.Stats.Durations[name] = time.Since(start) }

	t := time.Now()
	corpus := NewCorpus(recs)
	parallel(len(recs), opt.Workers, func(lo, hi int) {
		for i := lo; i < hi; i++ {
			corpus.Prepare(&recs[i])
		}
	})
	m := newModel(corpus)
	stage("frequencies", t)

	t = time.Now()
	progress("sampling pairs for u", 0, 1)
	m.uFromSample(recs, nLeft, cross, opt.USample, opt.Seed, opt.Workers)
	stage("u sample", t)
	if err := ctx.Err(); err != nil {
		return nil, err
	}

	t = time.Now()
	budget := opt.pairBudget(len(recs))
	b := newBlocks(recs, opt.Rules, cross, opt.MaxBlock, budget, opt.Workers)
	res.Stats.PairsGenerated, res.Stats.BlocksSkipped, res.Stats.PairBudget = b.pairs, b.skipped, budget
	stage("blocking", t)

	t = time.Now()
	cands := make([][]candidate, opt.Workers)
	wc := make([]*counts, opt.Workers)
	for w := range wc {
		wc[w] = newCounts(len(opt.Rules))
	}
	masks := ruleMasks(opt.Rules)
	byRule := make([][]int64, opt.Workers)
	for w := range byRule {
		byRule[w] = make([]int64, len(opt.Rules))
	}
	b.each(ctx, opt.Workers, func(w int, i, j int32, rules uint32) {
		g := Compare(&recs[i], &recs[j])
		cands[w] = append(cands[w], candidate{i, j, g})
		wc[w].add(g, rules, masks)
		byRule[w][bits.TrailingZeros32(rules)]++
	}, func(done int64) { progress("comparing pairs", done, b.pairs) })
	for r, rule := range opt.Rules {
		rs := RuleStats{Rule: rule.Name, BlocksSkipped: b.skippedBy[r], LargestSkipped: b.largestSkipped[r]}
		for w := range byRule {
			rs.Pairs += byRule[w][r]
		}
		res.Stats.ByRule = append(res.Stats.ByRule, rs)
	}
	stage("comparing", t)
	if err := ctx.Err(); err != nil {
		return nil, err
	}

	t = time.Now()
	var unionMaps []map[Gamma]float64
	perRule := make([][]patternCount, len(opt.Rules))
	for _, c := range wc {
		unionMaps = append(unionMaps, c.union)
	}
	for r := range opt.Rules {
		var ms []map[Gamma]float64
		for _, c := range wc {
			ms = append(ms, c.byRule[r])
		}
		perRule[r] = patterns(ms)
	}
	union := patterns(unionMaps)
	res.Stats.Patterns = len(union)
	progress("estimating m by EM", 0, 1)
	population := float64(len(recs)) * float64(len(recs)-1) / 2
	if cross {
		population = float64(nLeft) * float64(len(recs)-nLeft)
	}
	m.learn(perRule, union, population, opt.Rules, opt.MaxIter)
	// Once lambda and m are known, the matches in the random sample can be
	// taken out of u, and m and lambda learnt again with the better u.
	m.removeMatchesFromU()
	m.learn(perRule, union, population, opt.Rules, opt.MaxIter)
	res.Model = m
	stage("EM", t)

	t = time.Now()
	out := make([][]Pair, len(cands))
	all := make([][]Pair, len(cands))
	var wg sync.WaitGroup
	for w, cs := range cands {
		res.Stats.PairsCompared += int64(len(cs))
		wg.Add(1)
		go func() {
			defer wg.Done()
			for _, c := range cs {
				wt, p := m.scoreGamma(c.g, &recs[c.i], &recs[c.j])
				pr := Pair{L: c.i, R: c.j, Weight: wt, Probability: p}
				if opt.KeepCompared {
					all[w] = append(all[w], pr)
				}
				if p >= opt.Threshold {
					out[w] = append(out[w], pr)
				}
			}
		}()
	}
	wg.Wait()
	res.Pairs = sortPairs(slices.Concat(out...))
	if opt.KeepCompared {
		res.Compared = slices.Concat(all...) // unsorted: only counted
	}
	stage("scoring", t)
	return res, nil
}

func sortPairs(ps []Pair) []Pair {
	slices.SortFunc(ps, func(x, y Pair) int {
		if c := cmp.Compare(x.L, y.L); c != 0 {
			return c
		}
		return cmp.Compare(x.R, y.R)
	})
	return ps
}
