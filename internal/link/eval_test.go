package link

import (
	"context"
	"fmt"
	"testing"
	"time"
)

// linkFile runs what `vigil link --in path` runs: read, normalise, dedupe.
func linkFile(tb testing.TB, path string) (*Result, []Mention, time.Duration) {
	tb.Helper()
	start := time.Now()
	ms, err := ReadCSV(path)
	if err != nil {
		tb.Fatal(err)
	}
	res, err := Dedupe(context.Background(), NormaliseAll(ms), Options{KeepCompared: true})
	if err != nil {
		tb.Fatal(err)
	}
	return res, ms, time.Since(start)
}

// TestFebrl1 guards against regressions: pairwise F1 on Febrl data set 1,
// learnt without labels, must stay at least 0.95 (it is 1.0 today).
func TestFebrl1(t *testing.T) {
	ds := loadFebrl(t, dataDir(t), "dataset1.csv")
	res, _, _ := linkFile(t, ds.path)
	m := evaluate(ds.entity, res)
	t.Logf("dataset1: P=%.4f R=%.4f F1=%.4f, blocking recall %.4f, %d pairs compared", m.precision, m.recall, m.f1, m.blockingRecall, m.compared)
	if m.f1 < 0.95 {
		t.Errorf("F1 %.4f on Febrl dataset1, want at least 0.95", m.f1)
	}
	if m.blockingRecall < 0.999 {
		t.Errorf("blocking kept %.4f of true pairs, want at least 0.999", m.blockingRecall)
	}
}

// BenchmarkLinkEvaluation links each evaluation data set as `vigil link`
// would, without labels, and prints pairwise precision, recall and F1,
// blocking recall, pairs compared and records per second. On fake_1000 it
// also scores the clerically labelled pairs. It never fails on time.
func BenchmarkLinkEvaluation(b *testing.B) {
	sets := loadAll(b)
	b.ResetTimer()
	for range b.N {
		for _, ds := range sets {
			res, ms, el := linkFile(b, ds.path)
			b.StopTimer()
			m := evaluate(ds.entity, res)
			fmt.Printf("%-10s P=%.4f R=%.4f F1=%.4f  blocking recall %.4f (%d/%d true pairs kept)  %d pairs compared  %.0f records/s  (lambda %.2g, %d EM iterations)\n",
				ds.name, m.precision, m.recall, m.f1, m.blockingRecall, m.kept, m.truePairs, m.compared,
				float64(len(ms))/el.Seconds(), res.Model.Lambda, res.Model.Iterations)
			if len(ds.labels) > 0 {
				lp, lr := labelScores(ms, res, ds.labels, ds.nolinks)
				fmt.Printf("%-10s on its %d clerical labels: precision %.4f, recall %.4f\n", "", len(ds.labels)+len(ds.nolinks), lp, lr)
			}
			b.ReportMetric(m.f1, "F1-"+ds.name)
			b.StartTimer()
		}
	}
}

// labelScores measures the predicted pairs against clerical labels only.
func labelScores(ms []Mention, res *Result, yes, no [][2]string) (precision, recall float64) {
	pred := map[[2]string]bool{}
	for _, p := range res.Pairs {
		a, b := ms[p.L].ID, ms[p.R].ID
		pred[[2]string{a, b}], pred[[2]string{b, a}] = true, true
	}
	tp, fp := 0, 0
	for _, p := range yes {
		if pred[p] {
			tp++
		}
	}
	for _, p := range no {
		if pred[p] {
			fp++
		}
	}
	return float64(tp) / float64(max(tp+fp, 1)), float64(tp) / float64(max(len(yes), 1))
}
