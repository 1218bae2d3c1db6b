package link

import (
	"cmp"
	"slices"
	"sort"
)

// Index answers "who is this?" for one new mention against many known
// records, as a new report arrives: the blocking keys of every known record
// are sorted once, so a query looks up its own keys by binary search and
// scores only the records that share one.
type Index struct {
	model    *Model
	recs     []Record
	blocks   *blocks
	maxBlock int
}

// Match is a known record that may be the same person as the query.
type Match struct {
	Record      int // index into the records the Index was built from
	Weight      float64
	Probability float64
}

// NewIndex indexes recs for matching with a trained model (from Dedupe or
// Link). Name frequencies and address-word rarity are taken from recs
// themselves. Records are prepared in place; the index keeps them and must
// not be changed afterwards. It is safe for concurrent queries.
func NewIndex(trained *Model, recs []Record, opt Options) *Index {
	opt.defaults()
	m := *trained
	m.corpus = NewCorpus(recs)
	parallel(len(recs), opt.Workers, func(lo, hi int) {
		for i := lo; i < hi; i++ {
			m.corpus.Prepare(&recs[i])
		}
	})
	m.refresh()
	return &Index{model: &m, recs: recs, blocks: newBlocks(recs, opt.Rules, false, 0, 0, opt.Workers), maxBlock: opt.MaxBlock}
}

// Model returns the model the index scores with, for explanations.
func (ix *Index) Model() *Model { return ix.model }

// Record returns the i'th indexed record.
func (ix *Index) Record(i int) *Record { return &ix.recs[i] }

// Match returns the indexed records whose match probability with the
// mention is at least min, most probable first.
func (ix *Index) Match(mention Mention, min float64) []Match {
	q := Normalise(mention)
	ix.model.corpus.Prepare(&q)
	var cands []int32
	for r, rule := range ix.blocks.rules {
		look := func(k uint64) {
			es := ix.blocks.sorted[r]
			lo := sort.Search(len(es), func(i int) bool { return es[i].key >= k })
			hi := lo
			for hi < len(es) && es[hi].key == k {
				hi++
			}
			if ix.maxBlock > 0 && hi-lo > ix.maxBlock {
				return // as in batch linking: a key this common is not evidence
			}
			for _, e := range es[lo:hi] {
				if rule.Pair == nil || rule.Pair(&q, &ix.recs[e.rec]) {
					cands = append(cands, e.rec)
				}
			}
		}
		if rule.Key != nil {
			if k := rule.Key(&q); k != 0 {
				look(k)
			}
		} else {
			rule.Keys(&q, look)
		}
	}
	slices.Sort(cands)
	cands = slices.Compact(cands)
	var out []Match
	for _, c := range cands {
		w, p := ix.model.Score(&q, &ix.recs[c])
		if p >= min {
			out = append(out, Match{Record: int(c), Weight: w, Probability: p})
		}
	}
	slices.SortFunc(out, func(a, b Match) int {
		if c := cmp.Compare(b.Probability, a.Probability); c != 0 {
			return c
		}
		return cmp.Compare(a.Record, b.Record)
	})
	return out
}
