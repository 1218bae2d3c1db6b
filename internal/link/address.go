package link

import (
	"math"
	"strings"
)

// Addresses are compared as bags of tokens weighted by rarity: sharing
// "Wharncliffe" says far more than sharing "Road". The similarity is Cohen,
// Ravikumar and Fienberg's soft TF-IDF ("A comparison of string distance
// metrics for name-matching tasks", IIWeb 2003): TF-IDF cosine in which a
// token also matches a near-identical one (Jaro-Winkler ≥ 0.9), so one
// misspelt word costs only part of its weight.

// addressWords expands the abbreviations of British (and Commonwealth)
// street addresses, so "12 Church Rd" and "12 Church Road" agree exactly.
var addressWords = map[string]string{
	"rd": "road", "st": "street", "str": "street", "ave": "avenue", "av": "avenue", "ln": "lane",
	"dr": "drive", "drv": "drive", "cres": "crescent", "cr": "crescent", "pl": "place", "ct": "court",
	"crt": "court", "cl": "close", "sq": "square", "gdns": "gardens", "gdn": "garden", "gr": "grove",
	"gro": "grove", "pk": "park", "tce": "terrace", "terr": "terrace", "ter": "terrace", "hse": "house",
	"flt": "flat", "apt": "flat", "apartment": "flat", "bldg": "building", "blvd": "boulevard",
	"cir": "circuit", "cct": "circuit", "hwy": "highway", "mt": "mount", "n": "north", "s": "south",
	"e": "east", "w": "west", "upr": "upper", "lwr": "lower", "est": "estate", "wy": "way",
}

// NormaliseAddress folds an address into tokens with abbreviations expanded.
func NormaliseAddress(s string) []string {
	t := tokens(Fold(s))
	for i, w := range t {
		if x, ok := addressWords[w]; ok {
			t[i] = x
		}
	}
	return t
}

// tokenWeights returns the unit-length TF-IDF vector of an address's tokens,
// idf = ln((N+1)/(df+1)) + 1 over the addresses of the records being linked.
func tokenWeights(t []string, df map[string]int32, n int) []float32 {
	w := make([]float32, len(t))
	var sum float64
	for i, x := range t {
		idf := math.Log(float64(n+1)/float64(df[x]+1)) + 1
		w[i] = float32(idf)
		sum += idf * idf
	}
	if sum > 0 {
		norm := float32(1 / math.Sqrt(sum))
		for i := range w {
			w[i] *= norm
		}
	}
	return w
}

// softTFIDF is the symmetric soft TF-IDF similarity of two weighted token
// lists, in [0, 1]: the mean of the similarity in each direction, where each
// token is paired with its most similar token on the other side.
func softTFIDF(a, b *Record) float64 {
	at, bt := a.Address, b.Address
	ascii := a.ascii && b.ascii
	var rowBuf, colBuf [16]float64
	var rowJ, colI [16]int
	row, col, rj, ci := rowBuf[:0], colBuf[:0], rowJ[:0], colI[:0]
	for range at {
		row, rj = append(row, 0), append(rj, -1)
	}
	for range bt {
		col, ci = append(col, 0), append(ci, -1)
	}
	for i, x := range at {
		for j, y := range bt {
			var sim float64
			if a.addrM[i] == b.addrM[j] && x == y {
				sim = 1
			} else if jwBound(len(x), len(y), a.addrM[i], b.addrM[j]) >= 0.9 {
				if sim = jw(x, y, ascii); sim < 0.9 {
					sim = 0
				}
			}
			if sim > row[i] {
				row[i], rj[i] = sim, j
			}
			if sim > col[j] {
				col[j], ci[j] = sim, i
			}
		}
	}
	aw, bw := weightsOf(a), weightsOf(b)
	var s float64
	for i, j := range rj {
		if j < 0 {
			if j = concatenated(at[i], bt); j >= 0 {
				row[i] = 1
			} else if j = pieceOf(at, i, bt); j >= 0 {
				row[i] = 1
			}
		}
		if j >= 0 {
			s += float64(aw[i]) * float64(bw[j]) * row[i]
		}
	}
	for j, i := range ci {
		if i < 0 {
			if i = concatenated(bt[j], at); i >= 0 {
				col[j] = 1
			} else if i = pieceOf(bt, j, at); i >= 0 {
				col[j] = 1
			}
		}
		if i >= 0 {
			s += float64(bw[j]) * float64(aw[i]) * col[j]
		}
	}
	return s / 2
}

// weightsOf returns a record's address weights, or equal weights for a
// record no Corpus has prepared.
func weightsOf(r *Record) []float32 {
	if len(r.addrW) == len(r.Address) {
		return r.addrW
	}
	w := make([]float32, len(r.Address))
	for i := range w {
		w[i] = float32(1 / math.Sqrt(float64(len(w))))
	}
	return w
}

// pieceOf returns the index of a token of u that is t[j] run together with
// a neighbour in t (the other side of "pridham street" / "pridhamstreet"),
// or -1.
func pieceOf(t []string, j int, u []string) int {
	for i, x := range u {
		if len(x) <= len(t[j]) {
			continue
		}
		if j+1 < len(t) && len(x) == len(t[j])+len(t[j+1]) && strings.HasPrefix(x, t[j]) && strings.HasSuffix(x, t[j+1]) {
			return i
		}
		if j > 0 && len(x) == len(t[j-1])+len(t[j]) && strings.HasPrefix(x, t[j-1]) && strings.HasSuffix(x, t[j]) {
			return i
		}
	}
	return -1
}

// concatenated returns the index of the first of two neighbouring tokens of
// t that run together make x (a space lost: "pridhamstreet"), or -1.
func concatenated(x string, t []string) int {
	if len(x) < 5 {
		return -1
	}
	for j := 0; j+1 < len(t); j++ {
		if len(x) == len(t[j])+len(t[j+1]) && strings.HasPrefix(x, t[j]) && strings.HasSuffix(x, t[j+1]) {
			return j
		}
	}
	return -1
}

// Address comparison levels.
const (
	AddressMissing = iota
	AddressExact
	AddressClose   // soft TF-IDF ≥ 0.85: the same address with a slip
	AddressSimilar // ≥ 0.6: most of the rare words agree
	AddressWeak    // ≥ 0.35: some rare words agree (same street, other house)
	AddressDifferent
)

// compareAddresses returns the agreement level of two addresses.
func compareAddresses(a, b *Record) int {
	switch {
	case len(a.Address) == 0 || len(b.Address) == 0:
		return AddressMissing
	case equalTokens(a.Address, b.Address):
		return AddressExact
	}
	s := softTFIDF(a, b)
	switch {
	case s >= 0.85:
		return AddressClose
	case s >= 0.6:
		return AddressSimilar
	case s >= 0.35:
		return AddressWeak
	}
	return AddressDifferent
}

func equalTokens(a, b []string) bool {
	if len(a) != len(b) {
		return false
	}
	for i := range a {
		if a[i] != b[i] {
			return false
		}
	}
	return true
}
