package link

import (
	"path"
	"strings"
)

// UK number plates (registration marks), as the DVLA has issued them:
//
//	current   AB12 CDE    since September 2001: two letters, two age digits, three letters
//	prefix    A123 BCD    August 1983 to August 2001: an age letter, 1-3 digits, three letters
//	suffix    ABC 123D    1963 to July 1983: three letters, 1-3 digits, an age letter
//	dateless  ABC 123     before 1963 (and cherished marks): 1-3 letters and 1-4 digits, either way round
//
// Witnesses and officers misread the characters that look alike (O and 0,
// I and 1, S and 5, B and 8, Z and 2) and often see only part of a plate.
// A plate is therefore compared by a key in which look-alikes are folded
// to one character, and a partial plate is kept as a pattern ('?' for one
// unknown character, '*' for any run) to be matched against whole ones.

// PlateFormat names the DVLA format a plate was read as.
type PlateFormat string

// Plate formats.
const (
	PlateCurrent  PlateFormat = "current"
	PlatePrefix   PlateFormat = "prefix"
	PlateSuffix   PlateFormat = "suffix"
	PlateDateless PlateFormat = "dateless"
	PlateUnknown  PlateFormat = "" // partial, or no format fits
)

// Plate is a normalised number plate.
type Plate struct {
	// Text is the plate in capitals without spaces, each look-alike
	// character corrected to what its position in the format must hold
	// ("AB1Z CDE" reads "AB12CDE"); a partial plate keeps its wildcards.
	Text string
	// Key folds every look-alike letter to its digit (O→0, I→1, S→5, B→8,
	// Z→2), so that two readings of one plate have one key whatever was
	// misread; a partial plate's key is a pattern.
	Key     string
	Format  PlateFormat
	Partial bool // some characters unknown: Key is a pattern for MatchPlate
}

// lookalike maps each letter that is misread as a digit to that digit.
var lookalike = map[byte]byte{'O': '0', 'I': '1', 'S': '5', 'B': '8', 'Z': '2'}

// lookalikeLetter is the reverse of lookalike.
var lookalikeLetter = map[byte]byte{'0': 'O', '1': 'I', '5': 'S', '8': 'B', '2': 'Z'}

// plateShape is one format as a sequence of slots: 'L' a letter, 'D' a
// digit, with a run of digits given as its shortest and longest length.
type plateShape struct {
	format PlateFormat
	parts  []plateRun
}

type plateRun struct {
	class    byte // 'L' or 'D'
	min, max int
}

var plateShapes = []plateShape{
	{PlateCurrent, []plateRun{{'L', 2, 2}, {'D', 2, 2}, {'L', 3, 3}}},
	{PlatePrefix, []plateRun{{'L', 1, 1}, {'D', 1, 3}, {'L', 3, 3}}},
	{PlateSuffix, []plateRun{{'L', 3, 3}, {'D', 1, 3}, {'L', 1, 1}}},
	{PlateDateless, []plateRun{{'L', 1, 3}, {'D', 1, 4}}},
	{PlateDateless, []plateRun{{'D', 1, 4}, {'L', 1, 3}}},
}

// NormalisePlate reads a plate as recorded: any case, spaces or hyphens,
// look-alike characters, and '?', '_' or '*' for what was not seen. A
// plate with no wildcard that fits no format is taken as its first part
// ("AB12" of "AB12 CDE"), as witnesses most often give. It returns the
// zero Plate when nothing of a plate is left.
func NormalisePlate(s string) Plate {
	b := make([]byte, 0, len(s))
	wild := false
	for i := 0; i < len(s); i++ {
		c := s[i]
		switch {
		case c >= 'a' && c <= 'z':
			c -= 'a' - 'A'
		case c >= 'A' && c <= 'Z', c >= '0' && c <= '9':
		case c == '?' || c == '_':
			c, wild = '?', true
		case c == '*':
			wild = true
			if len(b) > 0 && b[len(b)-1] == '*' {
				continue
			}
		default:
			continue
		}
		b = append(b, c)
	}
	if len(b) == 0 || strings.Trim(string(b), "?*") == "" {
		return Plate{}
	}
	if !wild {
		// The format needing the fewest corrections wins: "A123BCD" is a
		// prefix plate, not a current one with its 1 misread for an I.
		best, bestFixes, format := "", len(b)+1, PlateUnknown
		for _, sh := range plateShapes {
			if text, ok := fitPlate(b, sh.parts); ok {
				if fixes := differ(text, b); fixes < bestFixes {
					best, bestFixes, format = text, fixes, sh.format
				}
			}
		}
		if format == PlateDateless && len(b) == 4 && b[0] > '9' && b[1] > '9' {
			// Two letters and two digits is the first half of a current
			// plate far more often than a whole dateless mark: taken as
			// partial, it still matches the dateless mark it may be.
			format = PlateUnknown
		}
		if format != PlateUnknown {
			return Plate{Text: best, Key: foldPlate(best), Format: format}
		}
		if len(b) < 5 {
			b = append(b, '*') // the first part only
			wild = true
		}
		// Otherwise an unusual mark, or a misreading: compared as it is.
	}
	return Plate{Text: string(b), Key: foldPlate(string(b)), Partial: wild}
}

// fitPlate checks whether b fits the runs of a format, a look-alike
// character fitting either class, and returns it corrected to the format.
func fitPlate(b []byte, runs []plateRun) (string, bool) {
	var try func(i, r int, out []byte) (string, bool)
	try = func(i, r int, out []byte) (string, bool) {
		if r == len(runs) {
			return string(out), i == len(b)
		}
		run := runs[r]
		for n := run.min; n <= run.max && i+n <= len(b); n++ {
			o := append([]byte(nil), out...)
			ok := true
			for _, c := range b[i : i+n] {
				c, ok = fitSlot(c, run.class)
				if !ok {
					break
				}
				o = append(o, c)
			}
			if !ok {
				break // a longer run contains the same misfit
			}
			if s, ok := try(i+n, r+1, o); ok {
				return s, true
			}
		}
		return "", false
	}
	return try(0, 0, nil)
}

// differ counts the positions where s and b differ.
func differ(s string, b []byte) int {
	n := 0
	for i := range b {
		if s[i] != b[i] {
			n++
		}
	}
	return n
}

// fitSlot returns c as the class of slot it stands in, correcting a
// look-alike, or false when it cannot stand there.
func fitSlot(c byte, class byte) (byte, bool) {
	isDigit := c >= '0' && c <= '9'
	switch {
	case class == 'D' && isDigit, class == 'L' && !isDigit:
		return c, true
	case class == 'D':
		d, ok := lookalike[c]
		return d, ok
	default:
		l, ok := lookalikeLetter[c]
		return l, ok
	}
}

// foldPlate folds look-alike letters to digits.
func foldPlate(s string) string {
	b := []byte(s)
	for i, c := range b {
		if d, ok := lookalike[c]; ok {
			b[i] = d
		}
	}
	return string(b)
}

// MatchPlate reports whether two plates may be the same: equal keys, or
// one partial plate's pattern matching the other's key. Two different
// partial plates are never taken to match: neither says enough.
func MatchPlate(a, b Plate) bool {
	switch {
	case a.Key == "" || b.Key == "":
		return false
	case a.Key == b.Key:
		return true
	case !a.Partial && !b.Partial:
		return false
	case a.Partial && b.Partial:
		return false
	case a.Partial:
		a, b = b, a
	}
	ok, err := path.Match(b.Key, a.Key) // keys hold only A-Z, 0-9, '?' and '*'
	return err == nil && ok
}
