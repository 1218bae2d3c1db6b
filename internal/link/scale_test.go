package link

import (
	"context"
	"errors"
	"fmt"
	"os"
	"slices"
	"strconv"
	"sync"
	"testing"
	"time"
)

// scaleN is the number of synthetic mentions of the scale benchmarks:
// a million, or VIGIL_SCALE_N for a quicker look.
func scaleN() int {
	if n, err := strconv.Atoi(os.Getenv("VIGIL_SCALE_N")); err == nil && n > 1 {
		return n
	}
	return 1_000_000
}

// BenchmarkDedupe1M deduplicates a million synthetic mentions and prints
// the time, the pairs compared and the accuracy against the generator's
// truth. It never fails on time.
func BenchmarkDedupe1M(b *testing.B) {
	n := scaleN()
	ms, who := synthMentions(1, n)
	b.ResetTimer()
	for range b.N {
		start, cpu0 := time.Now(), cpuTime()
		recs := NormaliseAll(ms)
		normalised := time.Since(start)
		res, err := Dedupe(context.Background(), recs, Options{})
		if err != nil {
			b.Fatal(err)
		}
		el, cpu := time.Since(start), cpuTime()-cpu0
		b.StopTimer()
		// Blocking recall from a second, untimed pass over the candidates.
		Candidates(recs, Options{}, func(i, j int, _ uint32) {
			res.Compared = append(res.Compared, Pair{L: int32(i), R: int32(j)})
		})
		m := evaluate(who, res)
		res.Compared = nil
		// CPU time over two cores is what the run would take on an idle
		// two-core machine; wall time also counts others' work on a shared one.
		fmt.Printf("dedupe %d synthetic mentions: %.1fs wall, %.1fs CPU (%.1fs on 2 idle cores) (normalise %.1fs, %v); %d pairs compared; %.0f records/s\n",
			n, el.Seconds(), cpu.Seconds(), cpu.Seconds()/2, normalised.Seconds(), roundDurations(res.Stats.Durations), res.Stats.PairsCompared, float64(n)/el.Seconds())
		fmt.Printf("  P=%.4f R=%.4f F1=%.4f blocking recall %.4f (%d of %d true pairs kept), %d blocks over the size limit\n",
			m.precision, m.recall, m.f1, m.blockingRecall, m.kept, m.truePairs, res.Stats.BlocksSkipped)
		printRules(res)
		b.ReportMetric(el.Seconds(), "s/dedupe")
		b.ReportMetric(m.f1, "F1")
		b.ReportMetric(float64(res.Stats.PairsCompared), "pairs")
		b.StartTimer()
	}
}

func roundDurations(d map[string]time.Duration) map[string]time.Duration {
	out := map[string]time.Duration{}
	for k, v := range d {
		out[k] = v.Round(10 * time.Millisecond)
	}
	return out
}

// matchSetup is built once per process: the benchmark framework calls a
// benchmark several times while it finds b.N.
type matchFixture struct {
	ix     *Index
	g      *synthGen
	people []synthPerson
	built  time.Duration
}

var matchSetup = sync.OnceValue(func() matchFixture {
	n := scaleN()
	// Learn the model on mentions with duplicates, as a deployment would
	// on its existing records.
	train, _ := synthMentions(2, min(n, 200_000))
	res, err := Dedupe(context.Background(), NormaliseAll(train), Options{})
	if err != nil {
		panic(err)
	}
	// The known people: one mention of each of n people.
	g := newSynthGen(3)
	people := make([]synthPerson, n)
	known := make([]Mention, n)
	for i := range people {
		people[i] = g.newPerson(nil)
		known[i] = g.mention(people[i], fmt.Sprintf("p%d", i))
	}
	start := time.Now()
	ix := NewIndex(res.Model, NormaliseAll(known), Options{})
	return matchFixture{ix, g, people, time.Since(start)}
})

// BenchmarkMatch1M indexes a million known people once, then matches new
// mentions one at a time and prints the latency percentiles.
func BenchmarkMatch1M(b *testing.B) {
	fx := matchSetup()
	ix, g, people, built := fx.ix, fx.g, fx.people, fx.built
	const queries = 2000
	var lat []time.Duration
	found := 0
	for b.Loop() {
		lat, found = lat[:0], 0
		for range queries {
			who := g.rng.IntN(len(people))
			m := g.mention(people[who], "q")
			t := time.Now()
			ms := ix.Match(m, DefaultThreshold)
			lat = append(lat, time.Since(t))
			if len(ms) > 0 && ms[0].Record == who {
				found++
			}
		}
	}
	slices.Sort(lat)
	p := func(q float64) time.Duration { return lat[int(q*float64(len(lat)-1))] }
	// Printed for each b.N the framework tries; each line is a full run.
	fmt.Printf("match one mention against %d known people (index built once, in %.1fs): p50 %v, p95 %v, p99 %v, max %v; right person first in %.1f%% of %d queries\n",
		len(people), built.Seconds(), p(0.5), p(0.95), p(0.99), lat[len(lat)-1], 100*float64(found)/float64(len(lat)), len(lat))
	b.ReportMetric(float64(p(0.95).Microseconds())/1000, "ms-p95")
}

func printRules(res *Result) {
	for _, r := range res.Stats.ByRule {
		fmt.Printf("    %-45s %10d pairs\n", r.Rule, r.Pairs)
	}
}

// TestDedupeStopsWhenCancelled: a run cancelled while it compares pairs
// stops within a few blocks and says so, rather than comparing every pair
// first (at region scale, minutes and gigabytes of candidates). One worker,
// so that blocks are taken in order and the first report comes early.
func TestDedupeStopsWhenCancelled(t *testing.T) {
	ms, _ := synthMentions(1, 20000)
	recs := NormaliseAll(ms)
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	var last, total int64
	_, err := Dedupe(ctx, recs, Options{Workers: 1, Progress: func(stage string, done, of int64) {
		if stage != "comparing pairs" {
			return
		}
		last, total = done, of
		cancel()
	}})
	if !errors.Is(err, context.Canceled) {
		t.Fatalf("err = %v, want context.Canceled", err)
	}
	if total == 0 || last >= total {
		t.Errorf("compared %d of %d generated pairs after cancelling: the comparison did not stop", last, total)
	}
}
