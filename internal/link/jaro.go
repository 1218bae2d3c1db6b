package link

import (
	"math/bits"
	"unicode/utf8"
)

// Jaro (1989) and Winkler (1990) string similarity. The work is done on byte
// strings with 64-bit match masks, so a comparison of two names allocates
// nothing and costs tens of nanoseconds: linking compares tens of millions
// of pairs. Strings with bytes beyond ASCII are compared rune by rune.

// JaroWinkler returns the Jaro-Winkler similarity of a and b in [0, 1], with
// Winkler's prefix scale 0.1 over at most four characters, applied when the
// Jaro similarity exceeds 0.7 as in Winkler's original definition.
func JaroWinkler(a, b string) float64 {
	return jw(a, b, isASCII(a) && isASCII(b))
}

// jw is JaroWinkler for callers that already know whether both strings
// are ASCII (normalised records do).
func jw(a, b string, ascii bool) float64 {
	var j float64
	if ascii {
		j = jaroASCII(a, b)
	} else {
		j = Jaro(a, b)
	}
	if j <= 0.7 {
		return j
	}
	l := 0
	for l < 4 && l < len(a) && l < len(b) && a[l] == b[l] {
		l++
	}
	return j + float64(l)*0.1*(1-j)
}

// Jaro returns the Jaro similarity of a and b; two empty strings score 1.
func Jaro(a, b string) float64 {
	if a == b {
		return 1
	}
	if len(a) == 0 || len(b) == 0 {
		return 0
	}
	if !isASCII(a) || !isASCII(b) {
		return jaroRunes(a, b)
	}
	return jaroASCII(a, b)
}

func jaroASCII(a, b string) float64 {
	if a == b {
		return 1
	}
	if len(a) == 0 || len(b) == 0 {
		return 0
	}
	if len(a) > len(b) {
		a, b = b, a
	}
	if len(b) > 64 {
		return jaroSlow([]byte(a), []byte(b))
	}
	la, lb := len(a), len(b)
	window := max(lb/2-1, 0)
	var ma, mb uint64
	m := 0
	for i := 0; i < la; i++ {
		lo, hi := max(0, i-window), min(lb, i+window+1)
		c := a[i]
		for j := lo; j < hi; j++ {
			if mb&(1<<j) == 0 && b[j] == c {
				mb |= 1 << j
				ma |= 1 << i
				m++
				break
			}
		}
	}
	if m == 0 {
		return 0
	}
	t, j := 0, 0
	for i := 0; i < la; i++ {
		if ma&(1<<i) == 0 {
			continue
		}
		for mb&(1<<j) == 0 {
			j++
		}
		if a[i] != b[j] {
			t++
		}
		j++
	}
	fm := float64(m)
	return (fm/float64(la) + fm/float64(lb) + (fm-float64(t/2))/fm) / 3
}

func isASCII(s string) bool {
	for i := 0; i < len(s); i++ {
		if s[i] >= utf8.RuneSelf {
			return false
		}
	}
	return true
}

// jaroRunes compares strings with letters beyond ASCII, on the stack when
// they are short.
func jaroRunes(a, b string) float64 {
	var ba, bb [64]rune
	ra, rb := ba[:0], bb[:0]
	for _, r := range a {
		ra = append(ra, r)
	}
	for _, r := range b {
		rb = append(rb, r)
	}
	return jaroSlow(ra, rb)
}

// jaroSlow is the textbook algorithm for long strings.
func jaroSlow[T byte | rune](a, b []T) float64 {
	if len(a) > len(b) {
		a, b = b, a
	}
	la, lb := len(a), len(b)
	if la == 0 {
		return 0
	}
	window := max(lb/2-1, 0)
	ma, mb := make([]bool, la), make([]bool, lb)
	m := 0
	for i := range a {
		for j := max(0, i-window); j < min(lb, i+window+1); j++ {
			if !mb[j] && a[i] == b[j] {
				ma[i], mb[j] = true, true
				m++
				break
			}
		}
	}
	if m == 0 {
		return 0
	}
	t, j := 0, 0
	for i := range a {
		if !ma[i] {
			continue
		}
		for !mb[j] {
			j++
		}
		if a[i] != b[j] {
			t++
		}
		j++
	}
	fm := float64(m)
	return (fm/float64(la) + fm/float64(lb) + (fm-float64(t/2))/fm) / 3
}

// withinOneEdit reports whether a and b differ by at most one insertion,
// deletion, substitution or swap of adjacent characters (Damerau 1964): the
// typing slips that dominate identifiers, dates and postcodes.
func withinOneEdit(a, b string) bool {
	la, lb := len(a), len(b)
	if la > lb {
		a, b, la, lb = b, a, lb, la
	}
	if lb-la > 1 {
		return false
	}
	i := 0
	for i < la && a[i] == b[i] {
		i++
	}
	if i == la {
		return true // equal, or b has one extra character at the end
	}
	if la == lb {
		if a[i+1:] == b[i+1:] {
			return true // substitution
		}
		return i+1 < la && a[i] == b[i+1] && a[i+1] == b[i] && a[i+2:] == b[i+2:] // transposition
	}
	return a[i:] == b[i+1:] // insertion into a
}

// Letter masks give a cheap upper bound on Jaro-Winkler, so that most
// token pairs of two unrelated addresses or names are dismissed without
// running the comparison. Bits 0–51 record the first and second occurrence
// of each letter, bits 52–61 each digit; bit 63 marks a string the bound
// cannot describe (other bytes, a third occurrence, a repeated digit).
const maskUnbounded = 1 << 63

func letterMask(s string) uint64 {
	var m uint64
	for i := 0; i < len(s); i++ {
		c := s[i]
		switch {
		case c >= 'a' && c <= 'z':
			b := uint64(1) << (2 * (c - 'a'))
			if m&b == 0 {
				m |= b
			} else if m&(b<<1) == 0 {
				m |= b << 1
			} else {
				m |= maskUnbounded
			}
		case c >= '0' && c <= '9':
			b := uint64(1) << (52 + c - '0')
			if m&b != 0 {
				m |= maskUnbounded
			}
			m |= b
		default:
			m |= maskUnbounded
		}
	}
	return m
}

// jwBound returns an upper bound of JaroWinkler(a, b) from the lengths and
// letter masks: the matching characters cannot outnumber the characters
// the two strings have in common.
func jwBound(la, lb int, ma, mb uint64) float64 {
	if (ma|mb)&maskUnbounded != 0 || la == 0 || lb == 0 {
		return 1
	}
	c := float64(bits.OnesCount64(ma & mb))
	if c == 0 {
		return 0
	}
	j := (c/float64(la) + c/float64(lb) + 1) / 3
	if j > 1 {
		j = 1
	}
	if j <= 0.7 {
		return j
	}
	return j + 0.4*(1-j)
}
