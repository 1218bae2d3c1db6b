package link

// Double Metaphone, written from the algorithm Lawrence Philips published in
// "The Double Metaphone Search Algorithm", C/C++ Users Journal, June 2000.
// Each branch below follows one rule of the published algorithm, in its
// order, so that the codes agree with the published ones (Smith → SM0/XMT,
// Schmidt → XMT/SMT). Keys are at most four characters, as published.

const dmMaxLen = 4

// DoubleMetaphone returns the primary and alternate phonetic keys of a word
// or name. The alternate key equals the primary one when the algorithm found
// no second pronunciation. Input should be folded to ASCII first (see
// FoldName); other bytes are skipped.
func DoubleMetaphone(word string) (primary, alternate string) {
	var d dmState
	d.init(word)
	if d.length == 0 {
		return "", ""
	}
	d.run()
	p, s := d.primary[:min(d.np, dmMaxLen)], d.secondary[:min(d.ns, dmMaxLen)]
	return string(p), string(s)
}

type dmState struct {
	buf       [64]byte // the upper-cased word followed by five spaces
	s         []byte
	length    int // length of the word without padding
	last      int
	primary   [dmMaxLen + 8]byte
	secondary [dmMaxLen + 8]byte
	np, ns    int
	slavo     int8 // 0 unknown, 1 yes, -1 no
}

func (d *dmState) init(word string) {
	n := 0
	for i := 0; i < len(word) && n < len(d.buf)-5; i++ {
		c := word[i]
		if 'a' <= c && c <= 'z' {
			c -= 'a' - 'A'
		}
		d.buf[n] = c
		n++
	}
	// Trim trailing spaces so "last" is the last letter.
	for n > 0 && d.buf[n-1] == ' ' {
		n--
	}
	d.length = n
	d.last = n - 1
	for i := 0; i < 5; i++ {
		d.buf[n+i] = ' '
	}
	d.s = d.buf[:n+5]
}

func (d *dmState) at(i int) byte {
	if i < 0 || i >= len(d.s) {
		return 0
	}
	return d.s[i]
}

// stringAt reports whether the n bytes at start equal one of opts.
func (d *dmState) stringAt(start, n int, opts ...string) bool {
	if start < 0 || start+n > len(d.s) {
		return false
	}
	sub := d.s[start : start+n]
	for _, o := range opts {
		if string(sub) == o {
			return true
		}
	}
	return false
}

func (d *dmState) isVowel(i int) bool {
	if i < 0 || i >= d.length {
		return false
	}
	switch d.s[i] {
	case 'A', 'E', 'I', 'O', 'U', 'Y':
		return true
	}
	return false
}

// slavoGermanic is Philips's test for words of Slavic or Germanic origin.
func (d *dmState) slavoGermanic() bool {
	if d.slavo == 0 {
		d.slavo = -1
		w := d.s[:d.length]
		for i := range w {
			if w[i] == 'W' || w[i] == 'K' || (w[i] == 'C' && i+1 < len(w) && w[i+1] == 'Z') {
				d.slavo = 1
				break
			}
		}
	}
	return d.slavo == 1
}

func (d *dmState) add(main string) { d.add2(main, main) }

// add2 appends to both keys; an alternate of " " means "nothing for the
// alternate key" as in the published MetaphAdd.
func (d *dmState) add2(main, alt string) {
	for i := 0; i < len(main) && d.np < len(d.primary); i++ {
		d.primary[d.np] = main[i]
		d.np++
	}
	if alt == " " {
		return
	}
	for i := 0; i < len(alt) && d.ns < len(d.secondary); i++ {
		d.secondary[d.ns] = alt[i]
		d.ns++
	}
}

func (d *dmState) run() {
	cur := 0
	// Silent first letters.
	if d.stringAt(0, 2, "GN", "KN", "PN", "WR", "PS") {
		cur++
	}
	// Initial X is pronounced Z, as in Xavier.
	if d.at(0) == 'X' {
		d.add("S")
		cur++
	}
	for (d.np < dmMaxLen || d.ns < dmMaxLen) && cur < d.length {
		switch d.s[cur] {
		case 'A', 'E', 'I', 'O', 'U', 'Y':
			if cur == 0 {
				d.add("A")
			}
			cur++
		case 'B':
			d.add("P")
			if d.at(cur+1) == 'B' {
				cur += 2
			} else {
				cur++
			}
		case 'C':
			cur = d.c(cur)
		case 'D':
			switch {
			case d.stringAt(cur, 2, "DG") && d.stringAt(cur+2, 1, "I", "E", "Y"):
				d.add("J") // edge
				cur += 3
			case d.stringAt(cur, 2, "DG"):
				d.add("TK") // edgar
				cur += 2
			case d.stringAt(cur, 2, "DT", "DD"):
				d.add("T")
				cur += 2
			default:
				d.add("T")
				cur++
			}
		case 'F':
			cur = d.double(cur, 'F', "F")
		case 'G':
			cur = d.g(cur)
		case 'H':
			// Keep H only when first or between vowels.
			if (cur == 0 || d.isVowel(cur-1)) && d.isVowel(cur+1) {
				d.add("H")
				cur += 2
			} else {
				cur++
			}
		case 'J':
			cur = d.j(cur)
		case 'K':
			cur = d.double(cur, 'K', "K")
		case 'L':
			if d.at(cur+1) == 'L' {
				// Spanish, as in cabrillo, gallegos.
				if (cur == d.length-3 && d.stringAt(cur-1, 4, "ILLO", "ILLA", "ALLE")) ||
					((d.stringAt(d.last-1, 2, "AS", "OS") || d.stringAt(d.last, 1, "A", "O")) &&
						d.stringAt(cur-1, 4, "ALLE")) {
					d.add2("L", " ")
					cur += 2
					break
				}
				cur += 2
			} else {
				cur++
			}
			d.add("L")
		case 'M':
			if (d.stringAt(cur-1, 3, "UMB") && (cur+1 == d.last || d.stringAt(cur+2, 2, "ER"))) ||
				d.at(cur+1) == 'M' {
				cur += 2 // dumb, thumb
			} else {
				cur++
			}
			d.add("M")
		case 'N':
			cur = d.double(cur, 'N', "N")
		case 'P':
			if d.at(cur+1) == 'H' {
				d.add("F")
				cur += 2
				break
			}
			if d.stringAt(cur+1, 1, "P", "B") { // campbell, raspberry
				cur += 2
			} else {
				cur++
			}
			d.add("P")
		case 'Q':
			cur = d.double(cur, 'Q', "K")
		case 'R':
			// French, as in rogier, but not hochmeier.
			if cur == d.last && !d.slavoGermanic() && d.stringAt(cur-2, 2, "IE") && !d.stringAt(cur-4, 2, "ME", "MA") {
				d.add2("", "R")
			} else {
				d.add("R")
			}
			if d.at(cur+1) == 'R' {
				cur += 2
			} else {
				cur++
			}
		case 'S':
			cur = d.sRule(cur)
		case 'T':
			cur = d.t(cur)
		case 'V':
			cur = d.double(cur, 'V', "F")
		case 'W':
			cur = d.w(cur)
		case 'X':
			// French, as in breaux.
			if !(cur == d.last && (d.stringAt(cur-3, 3, "IAU", "EAU") || d.stringAt(cur-2, 2, "AU", "OU"))) {
				d.add("KS")
			}
			if d.stringAt(cur+1, 1, "C", "X") {
				cur += 2
			} else {
				cur++
			}
		case 'Z':
			if d.at(cur+1) == 'H' { // Chinese pinyin, as in zhao
				d.add("J")
				cur += 2
				break
			}
			if d.stringAt(cur+1, 2, "ZO", "ZI", "ZA") || (d.slavoGermanic() && cur > 0 && d.at(cur-1) != 'T') {
				d.add2("S", "TS")
			} else {
				d.add("S")
			}
			if d.at(cur+1) == 'Z' {
				cur += 2
			} else {
				cur++
			}
		default:
			cur++
		}
	}
}

// double codes a letter that may be doubled (FF, KK, NN, QQ, VV).
func (d *dmState) double(cur int, c byte, code string) int {
	d.add(code)
	if d.at(cur+1) == c {
		return cur + 2
	}
	return cur + 1
}

func (d *dmState) c(cur int) int {
	// Various Germanic.
	if cur > 1 && !d.isVowel(cur-2) && d.stringAt(cur-1, 3, "ACH") &&
		d.at(cur+2) != 'I' && (d.at(cur+2) != 'E' || d.stringAt(cur-2, 6, "BACHER", "MACHER")) {
		d.add("K")
		return cur + 2
	}
	if cur == 0 && d.stringAt(cur, 6, "CAESAR") {
		d.add("S")
		return cur + 2
	}
	if d.stringAt(cur, 4, "CHIA") { // Italian chianti
		d.add("K")
		return cur + 2
	}
	if d.stringAt(cur, 2, "CH") {
		// Michael.
		if cur > 0 && d.stringAt(cur, 4, "CHAE") {
			d.add2("K", "X")
			return cur + 2
		}
		// Greek roots, as in chemistry, chorus.
		if cur == 0 && (d.stringAt(cur+1, 5, "HARAC", "HARIS") || d.stringAt(cur+1, 3, "HOR", "HYM", "HIA", "HEM")) &&
			!d.stringAt(0, 5, "CHORE") {
			d.add("K")
			return cur + 2
		}
		// Germanic, Greek or otherwise CH for a KH sound.
		if d.stringAt(0, 4, "VAN ", "VON ") || d.stringAt(0, 3, "SCH") ||
			d.stringAt(cur-2, 6, "ORCHES", "ARCHIT", "ORCHID") || // architect, not arch
			d.stringAt(cur+2, 1, "T", "S") ||
			((d.stringAt(cur-1, 1, "A", "O", "U", "E") || cur == 0) &&
				d.stringAt(cur+2, 1, "L", "R", "N", "M", "B", "H", "F", "V", "W", " ")) { // wachtler, wechsler, not tichner
			d.add("K")
		} else if cur > 0 {
			if d.stringAt(0, 2, "MC") { // McHugh
				d.add("K")
			} else {
				d.add2("X", "K")
			}
		} else {
			d.add("X")
		}
		return cur + 2
	}
	// Czerny.
	if d.stringAt(cur, 2, "CZ") && !d.stringAt(cur-2, 4, "WICZ") {
		d.add2("S", "X")
		return cur + 2
	}
	// Focaccia.
	if d.stringAt(cur+1, 3, "CIA") {
		d.add("X")
		return cur + 3
	}
	// Double C, but not as in McClellan.
	if d.stringAt(cur, 2, "CC") && !(cur == 1 && d.at(0) == 'M') {
		// Bellocchio but not bacchus.
		if d.stringAt(cur+2, 1, "I", "E", "H") && !d.stringAt(cur+2, 2, "HU") {
			if (cur == 1 && d.at(cur-1) == 'A') || d.stringAt(cur-1, 5, "UCCEE", "UCCES") {
				d.add("KS") // accident, accede, succeed
			} else {
				d.add("X") // bacci, bertucci
			}
			return cur + 3
		}
		d.add("K") // Pierce's rule
		return cur + 2
	}
	if d.stringAt(cur, 2, "CK", "CG", "CQ") {
		d.add("K")
		return cur + 2
	}
	if d.stringAt(cur, 2, "CI", "CE", "CY") {
		if d.stringAt(cur, 3, "CIO", "CIE", "CIA") { // Italian or English
			d.add2("S", "X")
		} else {
			d.add("S")
		}
		return cur + 2
	}
	d.add("K")
	// Names written apart: mac caffrey, mac gregor.
	switch {
	case d.stringAt(cur+1, 2, " C", " Q", " G"):
		return cur + 3
	case d.stringAt(cur+1, 1, "C", "K", "Q") && !d.stringAt(cur+1, 2, "CE", "CI"):
		return cur + 2
	}
	return cur + 1
}

func (d *dmState) g(cur int) int {
	if d.at(cur+1) == 'H' {
		if cur > 0 && !d.isVowel(cur-1) {
			d.add("K")
			return cur + 2
		}
		if cur == 0 { // ghislane, ghiradelli
			if d.at(cur+2) == 'I' {
				d.add("J")
			} else {
				d.add("K")
			}
			return cur + 2
		}
		// Parker's rule, with refinements: hugh, bough, broughton.
		if (cur > 1 && d.stringAt(cur-2, 1, "B", "H", "D")) ||
			(cur > 2 && d.stringAt(cur-3, 1, "B", "H", "D")) ||
			(cur > 3 && d.stringAt(cur-4, 1, "B", "H")) {
			return cur + 2
		}
		// Laugh, McLaughlin, cough, gough, rough, tough.
		if cur > 2 && d.at(cur-1) == 'U' && d.stringAt(cur-3, 1, "C", "G", "L", "R", "T") {
			d.add("F")
		} else if cur > 0 && d.at(cur-1) != 'I' {
			d.add("K")
		}
		return cur + 2
	}
	if d.at(cur+1) == 'N' {
		if cur == 1 && d.isVowel(0) && !d.slavoGermanic() {
			d.add2("KN", "N")
		} else if !d.stringAt(cur+2, 2, "EY") && d.at(cur+1) != 'Y' && !d.slavoGermanic() { // not cagney
			d.add2("N", "KN")
		} else {
			d.add("KN")
		}
		return cur + 2
	}
	// Tagliaro.
	if d.stringAt(cur+1, 2, "LI") && !d.slavoGermanic() {
		d.add2("KL", "L")
		return cur + 2
	}
	// -ges-, -gep-, -gel-, -gie- at the beginning.
	if cur == 0 && (d.at(cur+1) == 'Y' || d.stringAt(cur+1, 2, "ES", "EP", "EB", "EL", "EY", "IB", "IL", "IN", "IE", "EI", "ER")) {
		d.add2("K", "J")
		return cur + 2
	}
	// -ger-, -gy-.
	if (d.stringAt(cur+1, 2, "ER") || d.at(cur+1) == 'Y') &&
		!d.stringAt(0, 6, "DANGER", "RANGER", "MANGER") &&
		!d.stringAt(cur-1, 1, "E", "I") && !d.stringAt(cur-1, 3, "RGY", "OGY") {
		d.add2("K", "J")
		return cur + 2
	}
	// Italian, as in biaggi.
	if d.stringAt(cur+1, 1, "E", "I", "Y") || d.stringAt(cur-1, 4, "AGGI", "OGGI") {
		switch {
		case d.stringAt(0, 4, "VAN ", "VON ") || d.stringAt(0, 3, "SCH") || d.stringAt(cur+1, 2, "ET"):
			d.add("K") // obviously Germanic
		case d.stringAt(cur+1, 4, "IER "):
			d.add("J") // always soft with a French ending
		default:
			d.add2("J", "K")
		}
		return cur + 2
	}
	return d.double(cur, 'G', "K")
}

func (d *dmState) j(cur int) int {
	// Obviously Spanish: jose, san jacinto.
	if d.stringAt(cur, 4, "JOSE") || d.stringAt(0, 4, "SAN ") {
		if (cur == 0 && d.at(cur+4) == ' ') || d.stringAt(0, 4, "SAN ") {
			d.add("H")
		} else {
			d.add2("J", "H")
		}
		return cur + 1
	}
	switch {
	case cur == 0 && !d.stringAt(cur, 4, "JOSE"):
		d.add2("J", "A") // Yankelovich, Jankelowicz
	case d.isVowel(cur-1) && !d.slavoGermanic() && (d.at(cur+1) == 'A' || d.at(cur+1) == 'O'):
		d.add2("J", "H") // Spanish, as in bajador
	case cur == d.last:
		d.add2("J", " ")
	case !d.stringAt(cur+1, 1, "L", "T", "K", "S", "N", "M", "B", "Z") && !d.stringAt(cur-1, 1, "S", "K", "L"):
		d.add("J")
	}
	if d.at(cur+1) == 'J' {
		return cur + 2
	}
	return cur + 1
}

func (d *dmState) sRule(cur int) int {
	// Island, isle, carlisle, carlysle.
	if d.stringAt(cur-1, 3, "ISL", "YSL") {
		return cur + 1
	}
	if cur == 0 && d.stringAt(cur, 5, "SUGAR") {
		d.add2("X", "S")
		return cur + 1
	}
	if d.stringAt(cur, 2, "SH") {
		if d.stringAt(cur+1, 4, "HEIM", "HOEK", "HOLM", "HOLZ") { // Germanic
			d.add("S")
		} else {
			d.add("X")
		}
		return cur + 2
	}
	// Italian and Armenian.
	if d.stringAt(cur, 3, "SIO", "SIA") || d.stringAt(cur, 4, "SIAN") {
		if !d.slavoGermanic() {
			d.add2("S", "X")
		} else {
			d.add("S")
		}
		return cur + 3
	}
	// German and anglicisations: smith matches schmidt, snider matches
	// schneider; -sz- in Slavic languages.
	if (cur == 0 && d.stringAt(cur+1, 1, "M", "N", "L", "W")) || d.stringAt(cur+1, 1, "Z") {
		d.add2("S", "X")
		if d.stringAt(cur+1, 1, "Z") {
			return cur + 2
		}
		return cur + 1
	}
	if d.stringAt(cur, 2, "SC") {
		// Schlesinger's rule.
		if d.at(cur+2) == 'H' {
			// Dutch origin, as in school, schooner.
			if d.stringAt(cur+3, 2, "OO", "ER", "EN", "UY", "ED", "EM") {
				if d.stringAt(cur+3, 2, "ER", "EN") { // schermerhorn, schenker
					d.add2("X", "SK")
				} else {
					d.add("SK")
				}
				return cur + 3
			}
			if cur == 0 && !d.isVowel(3) && d.at(3) != 'W' {
				d.add2("X", "S")
			} else {
				d.add("X")
			}
			return cur + 3
		}
		if d.stringAt(cur+2, 1, "I", "E", "Y") {
			d.add("S")
			return cur + 3
		}
		d.add("SK")
		return cur + 3
	}
	// French, as in resnais, artois.
	if cur == d.last && d.stringAt(cur-2, 2, "AI", "OI") {
		d.add2("", "S")
	} else {
		d.add("S")
	}
	if d.stringAt(cur+1, 1, "S", "Z") {
		return cur + 2
	}
	return cur + 1
}

func (d *dmState) t(cur int) int {
	if d.stringAt(cur, 4, "TION") {
		d.add("X")
		return cur + 3
	}
	if d.stringAt(cur, 3, "TIA", "TCH") {
		d.add("X")
		return cur + 3
	}
	if d.stringAt(cur, 2, "TH") || d.stringAt(cur, 3, "TTH") {
		// Thomas, thames, or Germanic.
		if d.stringAt(cur+2, 2, "OM", "AM") || d.stringAt(0, 4, "VAN ", "VON ") || d.stringAt(0, 3, "SCH") {
			d.add("T")
		} else {
			d.add2("0", "T")
		}
		return cur + 2
	}
	d.add("T")
	if d.stringAt(cur+1, 1, "T", "D") {
		return cur + 2
	}
	return cur + 1
}

func (d *dmState) w(cur int) int {
	if d.stringAt(cur, 2, "WR") { // also in the middle of a word
		d.add("R")
		return cur + 2
	}
	if cur == 0 && (d.isVowel(cur+1) || d.stringAt(cur, 2, "WH")) {
		if d.isVowel(cur + 1) {
			d.add2("A", "F") // Wasserman matches Vasserman
		} else {
			d.add("A") // Uomo matches Womo
		}
	}
	// Arnow matches Arnoff.
	if (cur == d.last && d.isVowel(cur-1)) || d.stringAt(cur-1, 5, "EWSKI", "EWSKY", "OWSKI", "OWSKY") || d.stringAt(0, 3, "SCH") {
		d.add2("", "F")
		return cur + 1
	}
	// Polish, as in filipowicz.
	if d.stringAt(cur, 4, "WICZ", "WITZ") {
		d.add2("TS", "FX")
		return cur + 4
	}
	return cur + 1
}
