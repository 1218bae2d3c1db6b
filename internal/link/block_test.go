package link

import (
	"fmt"
	"testing"
)

func TestCandidates(t *testing.T) {
	ms := []Mention{
		{ID: "a", GivenName: "Kayla", FamilyName: "Harrington", DOB: "2009-03-14", Identifier: "9434765919"},
		{ID: "b", GivenName: "Kayla", FamilyName: "Harington", DOB: "2009-03-14", Identifier: "9434765991"}, // typos everywhere
		{ID: "c", GivenName: "Harrington", FamilyName: "Kayla", DOB: "", Identifier: ""},                    // swapped, no date
		{ID: "d", GivenName: "Tom", FamilyName: "Brown", DOB: "1990-01-01", Postcode: "S60 1AA"},            // nobody like them
		{ID: "e", GivenName: "Zed", FamilyName: "Quinn", DOB: "1990-01-01", Address: "4 Mill Lane", Postcode: "S60 1AA"},
	}
	recs := NormaliseAll(ms)
	seen := map[[2]int]uint32{}
	gen, skipped := Candidates(recs, Options{}, func(i, j int, rules uint32) {
		if i >= j {
			t.Errorf("pair (%d, %d) not ordered", i, j)
		}
		if _, dup := seen[[2]int{i, j}]; dup {
			t.Errorf("pair (%d, %d) twice", i, j)
		}
		seen[[2]int{i, j}] = rules
	})
	for _, want := range [][2]int{{0, 1}, {0, 2}, {1, 2}} {
		if seen[want] == 0 {
			t.Errorf("pair %s-%s not a candidate; candidates %v", ms[want[0]].ID, ms[want[1]].ID, seen)
		}
	}
	if seen[[2]int{0, 3}] != 0 {
		t.Error("unrelated records compared")
	}
	if skipped != 0 || gen < int64(len(seen)) {
		t.Errorf("generated %d, skipped %d, kept %d", gen, skipped, len(seen))
	}
	// The identifier typo is found by the one-edit rule.
	if rules := seen[[2]int{0, 1}]; rules&(1<<ruleIndex(t, "identifier within one edit")) == 0 {
		t.Errorf("identifiers one edit apart not blocked together: rules %b", rules)
	}
}

func ruleIndex(t *testing.T, name string) int {
	for i, r := range DefaultRules {
		if r.Name == name {
			return i
		}
	}
	t.Fatalf("no rule %q", name)
	return -1
}

func TestCandidatesMaxBlock(t *testing.T) {
	var ms []Mention
	for i := range 50 {
		ms = append(ms, Mention{ID: fmt.Sprint(i), Phone: "07700 900123"}) // a switchboard number
	}
	n := 0
	_, skipped := Candidates(NormaliseAll(ms), Options{MaxBlock: 20}, func(i, j int, rules uint32) { n++ })
	if n != 0 || skipped == 0 {
		t.Errorf("a block of 50 over a limit of 20 gave %d pairs, %d blocks skipped", n, skipped)
	}
}

func TestDeletionKeys(t *testing.T) {
	keys := func(s string) map[uint64]bool {
		m := map[uint64]bool{}
		deletions(1, s, func(k uint64) { m[k] = true })
		return m
	}
	share := func(a, b string) bool {
		kb := keys(b)
		for k := range keys(a) {
			if kb[k] {
				return true
			}
		}
		return false
	}
	for _, p := range [][2]string{{"1234567", "1234568"}, {"1234567", "1243567"}, {"1234567", "123567"}, {"1234567", "12345678"}} {
		if !share(p[0], p[1]) {
			t.Errorf("%s and %s share no key", p[0], p[1])
		}
	}
	if share("1234567", "7654321") {
		t.Error("distant values share a key")
	}
}

func TestScoreUnprepared(t *testing.T) {
	ms, _ := synthMentions(3, 1500)
	res, err := Dedupe(t.Context(), NormaliseAll(ms), Options{})
	if err != nil {
		t.Fatal(err)
	}
	a := Normalise(Mention{GivenName: "Kayla", FamilyName: "Harrington", Address: "12 Wharncliffe Road"})
	b := Normalise(Mention{GivenName: "Kayla", FamilyName: "Harrington", Address: "12 Wharncliffe Rd"})
	if _, p := res.Model.Score(&a, &b); p <= 0 || p > 1 {
		t.Errorf("probability %v", p)
	}
}

// TestCandidatesProbe: a rule with a Probe generates only the pairs with a
// record that needs it, each once, and counts only those as generated.
func TestCandidatesProbe(t *testing.T) {
	// Everyone shares the key; records 0, 3 and 5 need the rule.
	rule := BlockingRule{Name: "everyone", Key: func(*Record) uint64 { return 7 },
		Probe: func(r *Record) bool { return r.Family == "" },
		Pair:  func(a, b *Record) bool { return a.Family == "" || b.Family == "" }}
	var ms []Mention
	for i := range 8 {
		m := Mention{ID: fmt.Sprint(i), GivenName: "amy", FamilyName: "lee"}
		if i == 0 || i == 3 || i == 5 {
			m.FamilyName = ""
		}
		ms = append(ms, m)
	}
	seen := map[[2]int]bool{}
	gen, _ := Candidates(NormaliseAll(ms), Options{Rules: []BlockingRule{rule}}, func(i, j int, _ uint32) {
		if seen[[2]int{i, j}] {
			t.Errorf("pair (%d, %d) twice", i, j)
		}
		seen[[2]int{i, j}] = true
		if ms[i].FamilyName != "" && ms[j].FamilyName != "" {
			t.Errorf("pair (%d, %d) has no record that needs the rule", i, j)
		}
	})
	// 3 probes: 3 pairs among them and 3×5 with the others.
	if len(seen) != 18 || gen != 18 {
		t.Errorf("%d pairs, %d generated; want 18 of each", len(seen), gen)
	}
	// A block with no record that needs the rule is not compared at all.
	for i := range ms {
		ms[i].FamilyName = "lee"
	}
	n := 0
	gen, skipped := Candidates(NormaliseAll(ms), Options{Rules: []BlockingRule{rule}, MaxBlock: 4}, func(int, int, uint32) { n++ })
	if n != 0 || gen != 0 || skipped != 0 {
		t.Errorf("no probes: %d pairs, %d generated, %d blocks skipped; want none", n, gen, skipped)
	}
}

// TestPairBudget: past MaxPairs the largest blocks are left out, until the
// rest fit, and counted as skipped; the smaller blocks are all kept.
func TestPairBudget(t *testing.T) {
	ms, _ := synthMentions(1, 20000)
	recs := NormaliseAll(ms)
	all, skippedAll := Candidates(recs, Options{MaxPairs: -1}, func(int, int, uint32) {})
	if all < 100_000 {
		t.Fatalf("only %d pairs without a bound: the test needs more", all)
	}
	budget := all / 3
	opt := Options{MaxPairs: budget}
	opt.defaults()
	b := newBlocks(recs, opt.Rules, false, opt.MaxBlock, opt.pairBudget(len(recs)), 1)
	if b.pairs > budget || b.pairs < budget/2 {
		t.Errorf("%d pairs generated under a bound of %d (of %d)", b.pairs, budget, all)
	}
	if b.skipped <= skippedAll {
		t.Errorf("%d blocks skipped under the bound, %d without", b.skipped, skippedAll)
	}
	// Every block kept is no larger than any left out for the bound.
	largestKept := 0
	for _, ru := range b.runs {
		largestKept = max(largestKept, int(ru.end-ru.start))
	}
	smallestDropped := 0
	for r := range opt.Rules {
		if b.largestSkipped[r] > 0 && (smallestDropped == 0 || b.largestSkipped[r] < smallestDropped) {
			smallestDropped = b.largestSkipped[r]
		}
	}
	if largestKept > smallestDropped {
		t.Errorf("a block of %d records was kept while one of %d was left out", largestKept, smallestDropped)
	}
	// The default bound (100 pairs a record, at least a million) leaves
	// this data whole.
	if def, _ := Candidates(recs, Options{}, func(int, int, uint32) {}); def != all {
		t.Errorf("default bound: %d pairs, want all %d", def, all)
	}
}
