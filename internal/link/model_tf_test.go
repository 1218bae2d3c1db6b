package link

import (
	"context"
	"math"
	"reflect"
	"testing"
)

// TestTermFrequencyAdjustment: two records agreeing on a rare family name
// are more likely the same person than two agreeing on the commonest one,
// everything else equal; the difference is the term-frequency adjustment
// (log2 of u over the name's frequency), which a record no corpus has
// prepared does not get.
func TestTermFrequencyAdjustment(t *testing.T) {
	ms, _ := synthMentions(7, 3000)
	recs := NormaliseAll(ms)
	res, err := Dedupe(context.Background(), recs, Options{Seed: 1, Workers: 1})
	if err != nil {
		t.Fatal(err)
	}
	m := res.Model
	count := map[string]int{}
	for i := range recs {
		count[recs[i].Family]++
	}
	common, rare := "", ""
	for f, n := range count {
		if f != "" && (common == "" || n > count[common] || n == count[common] && f < common) {
			common = f
		}
		if f != "" && n == 1 && (rare == "" || f < rare) {
			rare = f
		}
	}
	if count[common] < 20 || rare == "" {
		t.Fatalf("the corpus has no common (%s: %d) or rare family name", common, count[common])
	}
	pair := func(family string, prepare bool) (Explanation, float64) {
		a := Normalise(Mention{ID: "a", GivenName: "Oliver", FamilyName: family, DOB: "1990-05-17", Postcode: "S60 1AA"})
		b := Normalise(Mention{ID: "b", GivenName: "Oliver", FamilyName: family, DOB: "1990-05-17"})
		if prepare {
			m.corpus.Prepare(&a)
			m.corpus.Prepare(&b)
		}
		w, _ := m.Score(&a, &b)
		return m.Explain(&a, &b), w
	}
	ec, wc := pair(common, true)
	er, wr := pair(rare, true)
	t.Logf("%s (%d records): %+.2f bits, TF %+.2f; %s (1 record): %+.2f bits, TF %+.2f", common, count[common], wc,
		ec.Fields[FieldFamily].TFAdjust, rare, wr, er.Fields[FieldFamily].TFAdjust)
	if ec.Fields[FieldFamily].Level != Fields[FieldFamily].Levels[NameExact] || er.Fields[FieldFamily].Level != ec.Fields[FieldFamily].Level {
		t.Fatalf("family names do not agree exactly: %s / %s", ec.Fields[FieldFamily].Level, er.Fields[FieldFamily].Level)
	}
	if !(er.Fields[FieldFamily].TFAdjust > 0 && ec.Fields[FieldFamily].TFAdjust < 0) {
		t.Errorf("adjustments: rare %+.2f, common %+.2f; want the rare name up and the common one down",
			er.Fields[FieldFamily].TFAdjust, ec.Fields[FieldFamily].TFAdjust)
	}
	if !(wr > wc+1) || !(er.Probability > ec.Probability) {
		t.Errorf("agreeing on %s weighs %+.2f (p %.4f), on %s %+.2f (p %.4f): the rare name should weigh more", rare, wr, er.Probability,
			common, wc, ec.Probability)
	}
	if math.Abs(ec.Weight-wc) > 1e-9 || math.Abs(er.Weight-wr) > 1e-9 {
		t.Errorf("Explain and Score disagree: %v/%v, %v/%v", ec.Weight, wc, er.Weight, wr)
	}
	// Without the corpus's frequencies there is nothing to adjust by.
	_, uc := pair(common, false)
	_, ur := pair(rare, false)
	if uc != ur {
		t.Errorf("unprepared records weigh %v and %v, want the same", uc, ur)
	}
}

// TestDemographicsNeverScore: gender is read from the input but never
// compared, blocked on or weighed: changing every record's gender, or
// removing it, changes no record, no pair, no probability and no count.
func TestDemographicsNeverScore(t *testing.T) {
	ms, _ := synthMentions(11, 1500)
	run := func(gender func(i int) string) (*Result, []Record) {
		t.Helper()
		in := make([]Mention, len(ms))
		for i, m := range ms {
			m.Gender = gender(i)
			in[i] = m
		}
		recs := NormaliseAll(in)
		res, err := Dedupe(context.Background(), recs, Options{Seed: 3, Workers: 1, KeepCompared: true})
		if err != nil {
			t.Fatal(err)
		}
		return res, recs
	}
	base, baseRecs := run(func(int) string { return "" })
	if len(base.Pairs) == 0 {
		t.Fatal("no pairs found")
	}
	for _, tc := range []struct {
		name   string
		gender func(i int) string
	}{
		{"all female", func(int) string { return "F" }},
		{"alternating", func(i int) string { return []string{"M", "F", "X", "not known"}[i%4] }},
		{"male and female by turns", func(i int) string { return map[bool]string{true: "male", false: "female"}[i%2 == 0] }},
	} {
		t.Run(tc.name, func(t *testing.T) {
			res, recs := run(tc.gender)
			if !reflect.DeepEqual(recs, baseRecs) {
				t.Error("normalised records differ")
			}
			if !reflect.DeepEqual(res.Pairs, base.Pairs) {
				t.Errorf("pairs differ: %d, want %d", len(res.Pairs), len(base.Pairs))
			}
			if res.Stats.PairsCompared != base.Stats.PairsCompared || res.Model.Lambda != base.Model.Lambda {
				t.Errorf("compared %d (λ %v), want %d (λ %v)", res.Stats.PairsCompared, res.Model.Lambda, base.Stats.PairsCompared, base.Model.Lambda)
			}
		})
	}
}
