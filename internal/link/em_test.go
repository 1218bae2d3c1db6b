package link

import (
	"context"
	"math"
	"math/rand/v2"
	"testing"
)

// TestEMRecoversParameters draws comparison vectors from a known model,
// matches and non-matches mixed, and checks that EM with u given finds m and
// lambda again.
func TestEMRecoversParameters(t *testing.T) {
	var m, u table
	// Three fields with three levels each (exact, close, different).
	for _, f := range []int{FieldGiven, FieldFamily, FieldDOB} {
		m[f][1], m[f][3], m[f][NumFieldsLevels(f)-1] = 0.8, 0.15, 0.05
		u[f][1], u[f][3], u[f][NumFieldsLevels(f)-1] = 0.01, 0.04, 0.95
	}
	const lambda = 0.2
	rng := rand.New(rand.NewPCG(1, 2))
	counts := map[Gamma]float64{}
	draw := func(p [16]float64, f int) int {
		x := rng.Float64()
		for _, l := range []int{1, 3} {
			if x < p[l] {
				return l
			}
			x -= p[l]
		}
		return NumFieldsLevels(f) - 1
	}
	for range 200_000 {
		var g Gamma
		pm := &m
		if rng.Float64() >= lambda {
			pm = &u
		}
		for _, f := range []int{FieldGiven, FieldFamily, FieldDOB} {
			g.set(f, draw(pm[f], f))
		}
		counts[g]++
	}
	var pats []patternCount
	for g, n := range counts {
		pats = append(pats, patternCount{g, n})
	}
	// u of the levels not drawn must still be defined for the likelihood.
	uu := u
	for f := range NumFields {
		for l := range Fields[f].Levels {
			if defined(f, l) && uu[f][l] == 0 {
				uu[f][l] = 1
			}
		}
	}
	got, gotLambda, iters := em(pats, &uu, startM(), 0.5, false, 0, 1000)
	if math.Abs(gotLambda-lambda) > 0.01 {
		t.Errorf("lambda %.4f, want %.2f", gotLambda, lambda)
	}
	for _, f := range []int{FieldGiven, FieldFamily, FieldDOB} {
		for _, l := range []int{1, 3, NumFieldsLevels(f) - 1} {
			if math.Abs(got[f][l]-m[f][l]) > 0.02 {
				t.Errorf("%s level %d: m %.3f, want %.3f", Fields[f].Name, l, got[f][l], m[f][l])
			}
		}
	}
	t.Logf("EM converged in %d iterations: lambda %.4f", iters, gotLambda)
}

// NumFieldsLevels returns how many levels field f has.
func NumFieldsLevels(f int) int { return len(Fields[f].Levels) }

// TestDedupeSynthetic learns a model without labels on a small synthetic
// population and checks that it is sensible and accurate.
func TestDedupeSynthetic(t *testing.T) {
	ms, who := synthMentions(7, 3000)
	recs := NormaliseAll(ms)
	res, err := Dedupe(context.Background(), recs, Options{KeepCompared: true, Seed: 3})
	if err != nil {
		t.Fatal(err)
	}
	m := evaluate(who, res)
	t.Logf("synthetic 3000: P=%.4f R=%.4f F1=%.4f, %d pairs compared, lambda %.2g", m.precision, m.recall, m.f1, m.compared, res.Model.Lambda)
	if m.f1 < 0.85 {
		t.Errorf("F1 %.3f on synthetic data, want at least 0.85", m.f1)
	}
	for f, fm := range res.Model.Fields {
		if f == FieldNameOrder {
			continue // its levels are an order, not agreement
		}
		exact, diff := fm.Levels[1], fm.Levels[len(fm.Levels)-1]
		if exact.Weight() <= 0 || diff.Weight() >= 0 {
			t.Errorf("%s: exact weighs %.2f and different %.2f; want positive and negative", Fields[f].Name, exact.Weight(), diff.Weight())
		}
	}
	// Same seed, same result.
	again, _ := Dedupe(context.Background(), NormaliseAll(ms), Options{Seed: 3})
	if len(again.Pairs) != len(res.Pairs) || again.Model.Lambda != res.Model.Lambda {
		t.Errorf("a second run found %d pairs (lambda %g), the first %d (lambda %g)", len(again.Pairs), again.Model.Lambda, len(res.Pairs), res.Model.Lambda)
	}
}

// TestExplain checks that an explanation adds up to the score and names
// the fields that agreed.
func TestExplain(t *testing.T) {
	ms, _ := synthMentions(7, 2000)
	recs := NormaliseAll(ms)
	res, err := Dedupe(context.Background(), recs, Options{})
	if err != nil {
		t.Fatal(err)
	}
	if len(res.Pairs) == 0 {
		t.Fatal("no pairs found")
	}
	p := res.Pairs[0]
	e := res.Model.Explain(&recs[p.L], &recs[p.R])
	if math.Abs(e.Weight-p.Weight) > 1e-9 || math.Abs(e.Probability-p.Probability) > 1e-9 {
		t.Errorf("explanation weight %.4f probability %.4f, scored %.4f %.4f", e.Weight, e.Probability, p.Weight, p.Probability)
	}
	var sum float64
	for _, f := range e.Fields {
		sum += f.Weight + f.TFAdjust
	}
	if math.Abs(sum-e.Weight) > 1e-9 {
		t.Errorf("field weights add to %.4f, total %.4f", sum, e.Weight)
	}
	if len(e.Fields) != NumFields {
		t.Errorf("%d fields explained, want %d", len(e.Fields), NumFields)
	}
	t.Logf("%s", e)
}

func TestIndex(t *testing.T) {
	ms, who := synthMentions(11, 4000)
	res, err := Dedupe(context.Background(), NormaliseAll(ms), Options{})
	if err != nil {
		t.Fatal(err)
	}
	ix := NewIndex(res.Model, NormaliseAll(ms), Options{})
	// Each mention finds itself first, and its other mentions.
	found, total := 0, 0
	for i := 0; i < len(ms); i += 37 {
		got := ix.Match(ms[i], 0.5)
		if len(got) == 0 || who[got[0].Record] != who[i] {
			t.Errorf("mention %d: best match %v", i, got)
			continue
		}
		for _, g := range got {
			if who[g.Record] == who[i] {
				found++
			}
		}
		for j := range ms {
			if who[j] == who[i] {
				total++
			}
		}
	}
	if float64(found) < 0.9*float64(total) {
		t.Errorf("the index found %d of %d mentions of the same people", found, total)
	}
}

func TestLinkTwoInputs(t *testing.T) {
	ms, who := synthMentions(5, 2000)
	var left, right []Mention
	var wl, wr []string
	for i, m := range ms {
		if i%2 == 0 {
			left, wl = append(left, m), append(wl, who[i])
		} else {
			right, wr = append(right, m), append(wr, who[i])
		}
	}
	res, err := Link(context.Background(), NormaliseAll(left), NormaliseAll(right), Options{})
	if err != nil {
		t.Fatal(err)
	}
	tp := 0
	for _, p := range res.Pairs {
		if p.L < 0 || int(p.L) >= len(left) || p.R < 0 || int(p.R) >= len(right) {
			t.Fatalf("pair %v out of range", p)
		}
		if wl[p.L] == wr[p.R] {
			tp++
		}
	}
	truth := 0
	for i := range left {
		for j := range right {
			if wl[i] == wr[j] {
				truth++
			}
		}
	}
	prec, rec := float64(tp)/float64(len(res.Pairs)), float64(tp)/float64(truth)
	t.Logf("link: precision %.3f recall %.3f of %d true cross pairs", prec, rec, truth)
	if prec < 0.85 || rec < 0.85 {
		t.Errorf("link precision %.3f recall %.3f, want both at least 0.85", prec, rec)
	}
}
