package link

import (
	"fmt"
	"math"
	"strings"
)

// Model is a Fellegi-Sunter model: for each field and agreement level the
// probability m of that level among matching pairs and u among non-matching
// pairs, and lambda, the prior probability that two records drawn at random
// are the same person. Dedupe and Link learn it without labels; it is
// read-only afterwards, so one model may score pairs from many goroutines.
type Model struct {
	Lambda float64
	Fields [NumFields]FieldModel
	// Iterations is how many EM steps training took, over all sessions.
	Iterations int
	// Sessions reports the EM session run on each blocking rule's pairs.
	Sessions []SessionInfo

	corpus *Corpus
	weight [NumFields][16]float64 // log2(m/u), 0 for missing
	uFloor [NumFields]float64     // the smallest u a sample of this size can show
}

// SessionInfo describes one EM session: the rule whose pairs it learnt
// from, how many there were and the share of them it judged matches.
type SessionInfo struct {
	Rule       string
	Pairs      int64
	Lambda     float64
	Iterations int
}

// FieldModel holds the levels of one field.
type FieldModel struct {
	Name   string
	Levels []LevelModel
}

// LevelModel holds the m and u probabilities of one agreement level.
type LevelModel struct {
	Name string
	M, U float64
}

// Weight returns log2(m/u) for a level: positive when the level is more
// common among matches. The missing level weighs 0.
func (l LevelModel) Weight() float64 {
	if l.M == 0 || l.U == 0 {
		return 0
	}
	return math.Log2(l.M / l.U)
}

func newModel(c *Corpus) *Model {
	m := &Model{corpus: c}
	for f := range NumFields {
		m.Fields[f].Name = Fields[f].Name
		m.Fields[f].Levels = make([]LevelModel, len(Fields[f].Levels))
		for l, name := range Fields[f].Levels {
			m.Fields[f].Levels[l].Name = name
		}
	}
	return m
}

// refresh recomputes the weight table after m or u changed.
func (m *Model) refresh() {
	for f := range m.Fields {
		for l, lv := range m.Fields[f].Levels {
			if l == 0 {
				m.weight[f][l] = 0
				continue
			}
			m.weight[f][l] = lv.Weight()
		}
	}
}

// PriorWeight is log2 of the prior odds of a match among compared pairs.
func (m *Model) PriorWeight() float64 { return math.Log2(m.Lambda / (1 - m.Lambda)) }

// tfAdjust returns the term-frequency adjustment for exact name agreement:
// log2(u_exact / frequency of the name), so a shared rare name weighs more
// and a shared common one less (Winkler's adjustment; the exact level's
// weight plus this is log2(m_exact / frequency)).
func (m *Model) tfAdjust(g Gamma, a *Record) (given, family float64) {
	swapped := g.Level(FieldNameOrder) == OrderSwapped
	if a.freq[0] == 0 {
		return 0, 0 // not prepared by a Corpus
	}
	if g.Level(FieldGiven) == NameExact {
		f := a.freq[0]
		if swapped { // a's given name is the other's family name
			f = max(f, a.freq[2])
		}
		given = math.Log2(m.Fields[FieldGiven].Levels[NameExact].U / f)
	}
	if g.Level(FieldFamily) == NameExact {
		f := a.freq[1]
		if swapped {
			f = max(f, a.freq[3])
		}
		family = math.Log2(m.Fields[FieldFamily].Levels[NameExact].U / f)
	}
	return given, family
}

// Score returns the match weight (log2 Bayes factor, with term-frequency
// adjustments) and the match probability of a pair.
func (m *Model) Score(a, b *Record) (weight, probability float64) {
	return m.scoreGamma(Compare(a, b), a, b)
}

func (m *Model) scoreGamma(g Gamma, a, b *Record) (weight, probability float64) {
	for f := range NumFields {
		weight += m.weight[f][g.Level(f)]
	}
	tg, tf := m.tfAdjust(g, a)
	weight += tg + tf
	return weight, probability2(m.PriorWeight() + weight)
}

// probability2 turns log2 odds into a probability.
func probability2(w float64) float64 { return 1 / (1 + math.Exp2(-w)) }

// Evidence is what one field contributed to a pair's score.
type Evidence struct {
	Field       string
	Level       string
	Left, Right string  // the normalised values compared
	Weight      float64 // log2(m/u) of the level
	TFAdjust    float64 // term-frequency adjustment, for exact names
}

// Explanation says why a pair scored as it did: prior, then each field.
type Explanation struct {
	PriorWeight float64
	Fields      []Evidence
	Weight      float64 // sum of the field weights and adjustments
	Probability float64
}

// Explain scores a pair and says, field by field, what agreed at which level
// and how much each agreement or disagreement weighed.
func (m *Model) Explain(a, b *Record) Explanation {
	g := Compare(a, b)
	tg, tf := m.tfAdjust(g, a)
	e := Explanation{PriorWeight: m.PriorWeight()}
	for f := range NumFields {
		l := g.Level(f)
		ev := Evidence{Field: Fields[f].Name, Level: Fields[f].Levels[l], Weight: m.weight[f][l]}
		ev.Left, ev.Right = fieldValue(a, f), fieldValue(b, f)
		switch f {
		case FieldGiven:
			ev.TFAdjust = tg
		case FieldFamily:
			ev.TFAdjust = tf
		}
		e.Weight += ev.Weight + ev.TFAdjust
		e.Fields = append(e.Fields, ev)
	}
	e.Probability = probability2(e.PriorWeight + e.Weight)
	return e
}

func fieldValue(r *Record, f int) string {
	switch f {
	case FieldGiven:
		return r.Given
	case FieldFamily:
		return r.Family
	case FieldNameOrder:
		return strings.TrimSpace(r.Given + " " + r.Family)
	case FieldDOB:
		return r.DOB.String()
	case FieldPlace:
		var parts []string
		for _, p := range []string{strings.Join(r.Address, " "), r.Locality, r.Postcode.Full} {
			if p != "" {
				parts = append(parts, p)
			}
		}
		return strings.Join(parts, ", ")
	case FieldPhone:
		return r.Phone
	case FieldEmail:
		return r.Email
	case FieldIdentifier:
		return r.Identifier
	}
	return ""
}

// String prints the explanation as a table, for analysts and tests.
func (e Explanation) String() string {
	var b strings.Builder
	fmt.Fprintf(&b, "prior %+.2f\n", e.PriorWeight)
	for _, f := range e.Fields {
		if f.Weight == 0 && f.TFAdjust == 0 {
			continue
		}
		fmt.Fprintf(&b, "%-11s %-45s %+6.2f", f.Field, f.Level, f.Weight)
		if f.TFAdjust != 0 {
			fmt.Fprintf(&b, " (frequency %+.2f)", f.TFAdjust)
		}
		fmt.Fprintf(&b, "  %q / %q\n", f.Left, f.Right)
	}
	fmt.Fprintf(&b, "total %+.2f, probability %.4f\n", e.PriorWeight+e.Weight, e.Probability)
	return b.String()
}
