package synth

import (
	"strconv"
	"strings"
	"time"
	"unicode"
	"unicode/utf8"

	"github.com/vigil-project/vigil"
)

// The noise model. Each writer (an agency, a member of the public, a young
// person) has habits: how it lays out names, how often it mishears or
// mistypes them, uses a nickname, knows only a year of birth, misreads a
// plate. Two mechanisms make the noise realistic rather than uniform:
//
//   - An agency keeps records. Its recorded version of a person (their
//     spelling, their date of birth, with any mistake in it) is drawn from a
//     stream keyed by (writer, person), so it is the same on every report
//     that agency writes, until a report re-records the person from scratch
//     (habits.fresh). Within an agency records agree; across agencies they
//     disagree, which is exactly what linking must overcome.
//   - What the writer knows limits what it can write (knowledge): an agency
//     with a record knows a date of birth; a neighbour knows a first name
//     and guesses an age; a young person knows a man by his street name.
//
// Every deviation from the truth is flagged in MentionTruth.Noise, so
// evaluations can ask how a linker does on each kind of noise.

// writer is who wrote a report.
type writer uint8

const (
	wPolice writer = iota
	wSocial
	wSchool
	wHealth
	wPublic
	wYoung
	numWriters
)

var writerAgency = [numWriters]vigil.AgencyKind{
	vigil.AgencyPolice, vigil.AgencyChildrensServices, vigil.AgencyEducation, vigil.AgencyHealth, "", "",
}

var writerSource = [numWriters]vigil.ConcernSource{
	vigil.SourceProfessional, vigil.SourceProfessional, vigil.SourceProfessional, vigil.SourceProfessional,
	vigil.SourcePublic, vigil.SourceYoungPerson,
}

// knowledge is how much a writer knows about an entity.
type knowledge uint8

const (
	kGlimpse knowledge = iota // a nickname or first name, a guessed age, a colour and part of a plate
	kKnown                    // a name, perhaps a date of birth or an address
	kRecord                   // the agency's own record: full details
)

// habits are a writer's ways with names, dates, addresses, plates and phones.
type habits struct {
	fresh float64 // a report re-records an entity instead of copying the agency's record

	variant, typo, swap, middle, nickname float64
	fold                                  float64 // drops diacritics its system cannot store
	split                                 float64 // records given and family names in separate fields
	upper, surnameFirst, lower            bool

	dobYearOnly, dobSwap, dobWrong float64

	oldAddress, partialAddress, outward, noPostcode, postcodeTypo float64

	lookalike, partialPlate, plateTypo, wrongColour, wrongMake float64

	phoneTypo, phonePartial float64

	identifier, identifierTypo float64

	dateLayout string // how dates appear in free text
}

var writerHabits = [numWriters]habits{
	wPolice: {
		fresh: 0.35, variant: 0.12, typo: 0.05, swap: 0.06, middle: 0.15, nickname: 0.05, fold: 0.6, split: 0.95, upper: true,
		dobYearOnly: 0.02, dobSwap: 0.03, dobWrong: 0.04,
		oldAddress: 0.08, partialAddress: 0.1, outward: 0.05, noPostcode: 0.15, postcodeTypo: 0.03,
		lookalike: 0.06, partialPlate: 0.05, plateTypo: 0.03, wrongColour: 0.05, wrongMake: 0.03,
		phoneTypo: 0.03, phonePartial: 0.02, identifier: 0.05, identifierTypo: 0.05,
		dateLayout: "02/01/2006",
	},
	wSocial: {
		fresh: 0.15, variant: 0.08, typo: 0.04, swap: 0.03, middle: 0.1, nickname: 0.03, fold: 0.2, split: 1,
		dobYearOnly: 0.01, dobSwap: 0.02, dobWrong: 0.02,
		oldAddress: 0.12, partialAddress: 0.05, outward: 0.02, noPostcode: 0.05, postcodeTypo: 0.02,
		lookalike: 0.12, partialPlate: 0.2, plateTypo: 0.05, wrongColour: 0.1, wrongMake: 0.1,
		phoneTypo: 0.04, phonePartial: 0.05, identifier: 0.7, identifierTypo: 0.02,
		dateLayout: "2 January 2006",
	},
	wSchool: {
		fresh: 0.2, variant: 0.1, typo: 0.05, swap: 0.02, middle: 0.25, nickname: 0.25, fold: 0.3, split: 1, surnameFirst: true,
		dobSwap: 0.02, dobWrong: 0.02,
		oldAddress: 0.15, partialAddress: 0.08, outward: 0.02, noPostcode: 0.1, postcodeTypo: 0.02,
		lookalike: 0.2, partialPlate: 0.35, plateTypo: 0.05, wrongColour: 0.15, wrongMake: 0.15,
		phoneTypo: 0.05, phonePartial: 0.1,
		dateLayout: "02/01/2006",
	},
	wHealth: {
		fresh: 0.25, variant: 0.1, typo: 0.04, swap: 0.08, middle: 0.05, fold: 0.7, split: 1, upper: true, surnameFirst: true,
		dobSwap: 0.06, dobWrong: 0.03,
		oldAddress: 0.1, partialAddress: 0.05, outward: 0.02, noPostcode: 0.05, postcodeTypo: 0.03,
		lookalike: 0.2, partialPlate: 0.35, plateTypo: 0.05, wrongColour: 0.2, wrongMake: 0.2,
		phoneTypo: 0.04, phonePartial: 0.05, identifier: 0.85, identifierTypo: 0.03,
		dateLayout: "02.01.2006",
	},
	wPublic: {
		fresh: 1, variant: 0.3, typo: 0.15, swap: 0.02, nickname: 0.4, fold: 0.5, split: 0.3, lower: true,
		dobYearOnly: 0.3, dobWrong: 0.1,
		oldAddress: 0.1, partialAddress: 0.5, outward: 0.3, noPostcode: 0.6, postcodeTypo: 0.1,
		lookalike: 0.3, partialPlate: 0.55, plateTypo: 0.12, wrongColour: 0.25, wrongMake: 0.25,
		phoneTypo: 0.1, phonePartial: 0.2,
		dateLayout: "2/1/06",
	},
	wYoung: {
		fresh: 1, variant: 0.35, typo: 0.2, nickname: 0.6, fold: 0.5, split: 0.2, lower: true,
		dobYearOnly: 0.3, dobWrong: 0.1,
		oldAddress: 0.05, partialAddress: 0.7, outward: 0.4, noPostcode: 0.7, postcodeTypo: 0.1,
		lookalike: 0.3, partialPlate: 0.6, plateTypo: 0.15, wrongColour: 0.3, wrongMake: 0.3,
		phoneTypo: 0.05, phonePartial: 0.1,
		dateLayout: "2/1",
	},
}

// typo makes one slip of the keyboard or the ear. The first letter is kept:
// people rarely get it wrong, and blocking on it is a fair test.
func typo(r *rng, s string) string {
	rs := []rune(s)
	if len(rs) < 3 {
		return s
	}
	out := s
	for range 4 {
		i := 1 + r.IntN(len(rs)-1)
		if !unicode.IsLetter(rs[i]) || !unicode.IsLetter(rs[i-1]) {
			continue // slips happen inside words
		}
		t := append([]rune(nil), rs...)
		switch r.IntN(5) {
		case 0: // a letter dropped
			t = append(t[:i], t[i+1:]...)
		case 1: // a letter doubled
			t = append(t[:i+1], t[i:]...)
		case 2: // two letters transposed
			if i+1 < len(t) {
				t[i], t[i+1] = t[i+1], t[i]
			} else {
				t[i], t[i-1] = t[i-1], t[i]
			}
		case 3: // a vowel misheard
			if strings.ContainsRune("aeiouy", t[i]) {
				t[i] = rune("aeiouy"[r.IntN(6)])
			} else {
				t = append(t[:i], t[i+1:]...)
			}
		case 4: // spelt as it sounds
			o := string(t)
			w := utf8.RuneLen(t[0])
			for _, p := range phonetic {
				if j := strings.Index(o[w:], p[0]); j >= 0 {
					o = o[:j+w] + p[1] + o[j+w+len(p[0]):]
					break
				}
			}
			t = []rune(o)
		}
		if out = string(t); out != s {
			return out
		}
	}
	return string(append(rs[:len(rs)-1:len(rs)-1], rs[len(rs)-1], rs[len(rs)-1]))
}

var phonetic = [][2]string{
	{"ph", "f"}, {"ck", "k"}, {"ie", "y"}, {"ee", "ea"}, {"ou", "ow"}, {"th", "t"}, {"z", "s"},
	{"c", "k"}, {"y", "i"}, {"ll", "l"}, {"ss", "s"}, {"w", "v"}, {"oo", "u"}, {"gh", "g"},
}

// foldString removes diacritics as a system limited to ASCII would.
func foldString(s string) string {
	if isASCII(s) {
		return s
	}
	var b strings.Builder
	for _, c := range s {
		if f, ok := foldDiacritic[c]; ok {
			b.WriteRune(f)
		} else if f, ok := foldDiacritic[toLowerRune(c)]; ok {
			b.WriteString(strings.ToUpper(string(f)))
		} else {
			b.WriteRune(c)
		}
	}
	return b.String()
}

func toLowerRune(c rune) rune { return []rune(strings.ToLower(string(c)))[0] }

func isASCII(s string) bool {
	for i := 0; i < len(s); i++ {
		if s[i] >= utf8.RuneSelf {
			return false
		}
	}
	return true
}

// dobNoise returns a date of birth as a writer records it.
func dobNoise(r *rng, dob time.Time, h *habits) (string, Noise) {
	y, m, d := dob.Date()
	switch {
	case r.chance(h.dobYearOnly):
		if r.chance(0.3) {
			return isoDate(y, m, d)[:7], NoiseDOBMonthYear
		}
		return strconv.Itoa(y), NoiseDOBYearOnly
	case d <= 12 && d != int(m) && r.chance(h.dobSwap):
		return isoDate(y, time.Month(d), int(m)), NoiseDOBSwapped
	case r.chance(h.dobWrong):
		switch r.IntN(3) {
		case 0:
			y += pick(r, []int{-1, 1})
		case 1:
			d = max(1, min(28, d+pick(r, []int{-2, -1, 1, 2})))
		default:
			m = time.Month(max(1, min(12, int(m)+pick(r, []int{-1, 1}))))
		}
		if got := isoDate(y, m, d); got != dob.Format(time.DateOnly) {
			return got, NoiseDOBWrong
		}
	}
	return dob.Format(time.DateOnly), 0
}

func isoDate(y int, m time.Month, d int) string {
	var b [10]byte
	bs := strconv.AppendInt(b[:0], int64(y), 10)
	bs = append(bs, '-', byte('0'+m/10), byte('0'+m%10), '-', byte('0'+d/10), byte('0'+d%10))
	return string(bs)
}

// ageGuess returns an estimate of age a, off by up to spread years.
func ageGuess(r *rng, a, spread int) (int, Noise) {
	g := a + r.between(-spread, spread)
	if g == a {
		return a, 0
	}
	return max(g, 1), NoiseAgeWrong
}

// lookalikes pairs characters that people and cameras confuse on plates.
var lookalikes = map[byte]byte{'O': '0', '0': 'O', 'I': '1', '1': 'I', 'S': '5', '5': 'S', 'B': '8', '8': 'B', 'Z': '2', '2': 'Z'}

// plateNoise returns a plate as a writer recorded it.
func plateNoise(r *rng, plate string, h *habits, know knowledge) (string, Noise) {
	var n Noise
	b := []byte(plate)
	pLook, pPart, pTypo := h.lookalike, h.partialPlate, h.plateTypo
	switch know {
	case kRecord:
		pLook, pPart, pTypo = pLook/3, 0, pTypo/3
	case kGlimpse:
		pPart = min(1, pPart*1.5)
	}
	if r.chance(pLook) {
		var at []int
		for i, c := range b {
			if _, ok := lookalikes[c]; ok {
				at = append(at, i)
			}
		}
		if len(at) > 0 {
			i := pick(r, at)
			b[i] = lookalikes[b[i]]
			n |= NoiseLookalike
		}
	}
	if r.chance(pTypo) {
		var at []int
		for i, c := range b {
			if c != ' ' {
				at = append(at, i)
			}
		}
		i := pick(r, at)
		old := b[i]
		if old >= '0' && old <= '9' {
			b[i] = byte('0' + r.IntN(10))
		} else {
			b[i] = plateLetters[r.IntN(len(plateLetters))]
		}
		if b[i] != old {
			n |= NoisePlateTypo
		}
	}
	s := string(b)
	if r.chance(pPart) {
		whole := s
		sp := strings.IndexByte(s, ' ')
		switch r.IntN(4) {
		case 0: // the first half only
			s = s[:sp]
		case 1: // the first half, the rest unknown
			s = s[:sp] + " " + strings.Repeat("?", len(s)-sp-1)
		case 2: // the last part only
			s = strings.Repeat("?", sp) + s[sp:]
		default: // a character or two missed
			bs := []byte(s)
			for range r.between(1, 2) {
				if i := r.IntN(len(bs)); bs[i] != ' ' {
					bs[i] = '?'
				}
			}
			s = string(bs)
		}
		if s != whole {
			n |= NoisePartialPlate
		}
	}
	// Layout is not noise: a normaliser must accept it.
	switch {
	case r.chance(0.25):
		s = strings.ReplaceAll(s, " ", "")
	case h.lower && r.chance(0.3):
		s = strings.ToLower(s)
	}
	return s, n
}

// phoneNoise returns a number as a writer recorded it. Mistakes touch only
// the last three digits, so every number written stays inside the ranges
// Ofcom reserves for drama.
func phoneNoise(r *rng, ph *Phone, h *habits, know knowledge) (string, Noise) {
	var n Noise
	digits := []byte(strings.ReplaceAll(ph.Number, " ", "")) // 11 digits, national
	if know != kRecord && r.chance(h.phoneTypo) {
		i := len(digits) - 1 - r.IntN(3)
		if i > len(digits)-3 && r.chance(0.5) {
			digits[i], digits[i-1] = digits[i-1], digits[i]
		} else {
			digits[i] = byte('0' + (int(digits[i]-'0')+r.between(1, 9))%10)
		}
		if string(digits) != strings.ReplaceAll(ph.Number, " ", "") {
			n |= NoisePhoneTypo
		}
	}
	d := string(digits)
	if know != kRecord && r.chance(h.phonePartial) {
		return d[:len(d)-r.between(1, 3)], n | NoisePhonePartial
	}
	switch r.IntN(6) {
	case 0:
		return d, n
	case 1:
		return "+44" + d[1:], n
	case 2:
		return "+44 " + d[1:5] + " " + d[5:], n
	case 3:
		if !ph.Mobile {
			return "(" + d[:5] + ") " + d[5:], n
		}
		return d[:5] + " " + d[5:8] + " " + d[8:], n
	}
	return d[:5] + " " + d[5:], n
}

// addressNoise returns an address as a writer recorded it.
func addressNoise(r *rng, a *Address, h *habits, know knowledge) (line, locality, postcode string, n Noise) {
	line = a.Line()
	pPart, pOut, pNone := h.partialAddress, h.outward, h.noPostcode
	if know == kGlimpse {
		pPart, pOut, pNone = 0.8, 0.3, 0.85
	}
	if r.chance(pPart) {
		n |= NoisePartialAddress
		switch r.IntN(3) {
		case 0:
			line = a.Street.Name
		case 1:
			// The flat or building left out; a house has neither, so
			// only its street is given.
			if line = strconv.Itoa(a.Number) + " " + a.Street.Name; line == a.Line() {
				line = a.Street.Name
			}
		default:
			line = "off " + a.Street.Name
			if a.Flat != "" {
				line = "a flat on " + a.Street.Name
			}
		}
	}
	if r.chance(0.2) {
		line = abbreviateStreet(line)
	}
	if r.chance(h.typo / 2) {
		line = strings.Replace(line, a.Street.Name, typo(r, a.Street.Name), 1)
		n |= NoiseAddressTypo
	}
	if r.chance(0.75) {
		locality = a.Street.Locality.Name
	}
	switch {
	case r.chance(pNone):
	case r.chance(pOut):
		postcode = a.Outward()
		n |= NoisePostcodeOutward
	default:
		postcode = a.Postcode
		if r.chance(h.postcodeTypo) {
			pc := []byte(postcode)
			i := len(pc) - 2
			pc[i], pc[i+1] = pc[i+1], pc[i]
			if string(pc) != postcode {
				postcode = string(pc)
				n |= NoisePostcodeTypo
			}
		}
		switch {
		case r.chance(0.1):
			postcode = strings.ReplaceAll(postcode, " ", "")
		case h.lower && r.chance(0.3):
			postcode = strings.ToLower(postcode)
		}
	}
	return line, locality, postcode, n
}

var streetAbbrev = [][2]string{{" Road", " Rd"}, {" Street", " St"}, {" Avenue", " Ave"}, {" Lane", " Ln"}, {" Close", " Cl"}, {" Crescent", " Cres"}, {" Drive", " Dr"}, {" Terrace", " Terr"}}

func abbreviateStreet(s string) string {
	for _, p := range streetAbbrev {
		if strings.HasSuffix(s, p[0]) {
			return s[:len(s)-len(p[0])] + p[1]
		}
	}
	return s
}

// colourNoise returns a colour as a witness gives it.
func colourNoise(r *rng, c string, h *habits) (string, Noise) {
	if alts := colourConfusions[c]; alts != nil && r.chance(h.wrongColour) {
		return pick(r, alts), NoiseWrongColour
	}
	if h.lower {
		return strings.ToLower(c), 0
	}
	return c, 0
}

// makeNoise returns a make as written: informal spellings, or another make
// entirely when a witness is wrong.
func makeNoise(r *rng, mk string, h *habits) (string, Noise) {
	if r.chance(h.wrongMake) {
		if r.chance(0.5) {
			if alts := makeWritten[mk]; alts != nil {
				return pick(r, alts), NoiseMakeVariant
			}
		}
		other := pick(r, vehicleMakes[:]).make
		if other != mk {
			return other, NoiseWrongMake
		}
	}
	return mk, 0
}

// handleNoise returns an online handle as someone typed it from a screen
// or from memory.
func handleNoise(r *rng, handle string, h *habits) (string, Noise) {
	if r.chance(h.typo * 2) {
		switch r.IntN(3) {
		case 0:
			if s := strings.ReplaceAll(strings.ReplaceAll(handle, "_", ""), ".", ""); s != handle {
				return s, NoiseHandleVariant
			}
		case 1:
			if i := strings.LastIndexAny(handle, "0123456789"); i > 0 {
				return handle[:i] + handle[i+1:], NoiseHandleVariant
			}
		}
		return typo(r, handle), NoiseTypo
	}
	if r.chance(0.2) {
		return strings.ToUpper(handle[:1]) + handle[1:], 0
	}
	return handle, 0
}

// identifierNoise returns an NHS number as recorded: spaced or not, with
// an occasional transposition that its check digit would catch.
func identifierNoise(r *rng, id string, h *habits) (string, Noise) {
	d := []byte(strings.ReplaceAll(id, " ", ""))
	var n Noise
	if r.chance(h.identifierTypo) {
		i := 3 + r.IntN(6)
		if d[i] != d[i+1] {
			d[i], d[i+1] = d[i+1], d[i]
			n = NoiseIdentifierTypo
		}
	}
	s := string(d)
	if r.chance(0.5) {
		s = s[:3] + " " + s[3:6] + " " + s[6:]
	}
	return s, n
}
