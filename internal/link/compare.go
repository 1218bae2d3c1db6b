package link

// The comparison vector of a pair of records: one agreement level per
// field. Level 0 of every field is "missing" (one side has no value), whose
// weight is always 0: absence of evidence is not evidence. The last level is
// "different". Levels are packed four bits each into a uint64, so the
// vectors of millions of pairs can be counted by pattern for EM.

// Field indices in a comparison vector.
const (
	FieldGiven = iota
	FieldFamily
	FieldNameOrder
	FieldDOB
	FieldPlace // address, postcode and locality judged together
	FieldPhone
	FieldEmail
	FieldIdentifier
	NumFields
)

// Name comparison levels (given and family names share the scale; only
// given names have the nickname level).
const (
	NameMissing = iota
	NameExact
	NameNickname // variants of one name: Bill and William, Mohammed and Muhammad
	NameClose    // Jaro-Winkler ≥ 0.92: a slip of the pen
	NameWeak     // Jaro-Winkler ≥ 0.80, the same Double Metaphone key, or an initial that fits
	NameDifferent
)

// NameHousehold is the family-name level in the place of NameNickname: the
// names agree but the records share an address, so it is not counted (see
// householdLevel).
const NameHousehold = NameNickname

// Name order levels: a clerk may swap given and family names.
const (
	OrderMissing = iota // a name is missing, so the order cannot be judged
	OrderSame
	OrderSwapped
)

// Place levels. Address, postcode and locality are one piece of evidence,
// not three: people at one address share all three, and adding their
// weights as if independent would make two siblings look like one child.
const (
	PlaceMissing = iota
	PlaceSameAddress
	PlaceAddressSlips // same address with a slip, or another postcode
	PlacePostcode     // same full postcode, address missing or different
	PlaceNear         // same street, outward code or town
	PlaceDifferent
)

// comparePlaces combines the address, postcode and locality levels into the
// best evidence of living at the same place.
func comparePlaces(ascii bool, a, b *Record) int {
	ad := compareAddresses(a, b)
	pc := ComparePostcodes(a.Postcode, b.Postcode)
	lo := compareText(ascii, a.Locality, b.Locality, a.localityM, b.localityM)
	sameAddr := ad == AddressExact || ad == AddressClose
	switch {
	case ad == AddressMissing && pc == PostcodeMissing && lo == TextMissing:
		return PlaceMissing
	case sameAddr && (pc == PostcodeExact || pc == PostcodeTypo || pc == PostcodeMissing):
		return PlaceSameAddress
	case sameAddr || (ad == AddressSimilar && (pc == PostcodeExact || pc == PostcodeTypo)):
		return PlaceAddressSlips
	case pc == PostcodeExact:
		return PlacePostcode
	case ad == AddressSimilar || ad == AddressWeak || pc == PostcodeOutward || pc == PostcodeTypo || lo == TextExact || lo == TextClose:
		return PlaceNear
	}
	return PlaceDifferent
}

// Locality, e-mail and identifier levels.
const (
	TextMissing = iota
	TextExact
	TextClose // Jaro-Winkler ≥ 0.92, or one edit for identifiers, or the same mailbox name
	TextWeak  // Jaro-Winkler ≥ 0.80 (localities only)
	TextDifferent
)

// FieldInfo names a field of the comparison vector and its levels.
type FieldInfo struct {
	Name   string
	Levels []string
}

// Fields describes the comparison vector, in field order.
var Fields = [NumFields]FieldInfo{
	FieldGiven:      {"given_name", []string{"missing", "exact", "nickname or variant", "close (Jaro-Winkler ≥ 0.92)", "weak (Jaro-Winkler ≥ 0.80, sounds alike or initial)", "different"}},
	FieldFamily:     {"family_name", []string{"missing", "exact", "agrees, as at one address it would for any family member (not counted)", "close (Jaro-Winkler ≥ 0.92)", "weak (Jaro-Winkler ≥ 0.80 or sounds alike)", "different"}},
	FieldNameOrder:  {"name_order", []string{"missing", "same order", "given and family names swapped"}},
	FieldDOB:        {"dob", []string{"missing", "exact", "partial date agrees", "day and month swapped", "one part or digit differs", "year within one", "different"}},
	FieldPlace:      {"place", []string{"missing", "same address", "same address with slips", "same postcode", "same street, district or town", "different"}},
	FieldPhone:      {"phone", []string{"missing", "exact", "one digit differs", "different"}},
	FieldEmail:      {"email", []string{"missing", "exact", "same mailbox name or close", "", "different"}},
	FieldIdentifier: {"identifier", []string{"missing", "exact", "one character differs", "", "different"}},
}

// Gamma is a comparison vector: four bits per field.
type Gamma uint64

// Level returns the level of field f.
func (g Gamma) Level(f int) int { return int(g>>(4*f)) & 0xf }

func (g *Gamma) set(f, level int) { *g |= Gamma(level) << (4 * f) }

// Compare returns the comparison vector of two records. It allocates
// nothing and is safe for concurrent use.
func Compare(a, b *Record) Gamma {
	var g Gamma
	ascii := a.ascii && b.ascii
	cmpNames(ascii, a, b, &g)
	g.set(FieldDOB, CompareDates(a.DOB, b.DOB))
	place := comparePlaces(ascii, a, b)
	g.set(FieldPlace, place)
	householdLevel(&g, place)
	g.set(FieldPhone, ComparePhones(a.Phone, b.Phone))
	g.set(FieldEmail, compareEmails(ascii, a.Email, b.Email))
	g.set(FieldIdentifier, compareIdentifiers(a.Identifier, b.Identifier))
	return g
}

// householdLevel stops a shared family name from counting when the two
// records share an address or a full postcode. Fellegi-Sunter treats fields
// as independent, but at one address they are not: siblings and parents
// share the surname, so there the surname says nothing about whether two
// records are one person. Without this two siblings at one address, with
// different first names and dates of birth, would score as one child.
func householdLevel(g *Gamma, place int) {
	if place != PlaceSameAddress && place != PlaceAddressSlips && place != PlacePostcode {
		return
	}
	switch g.Level(FieldFamily) {
	case NameExact, NameClose, NameWeak:
		*g &^= 0xf << (4 * FieldFamily)
		g.set(FieldFamily, NameHousehold)
	}
}

// cmpNames compares given and family names, in swapped order when that fits
// much better (Mikhayla Hannagan against Hannagan Mikhayla).
func cmpNames(ascii bool, a, b *Record, g *Gamma) {
	ag, af, bg, bf := a.Given, a.Family, b.Given, b.Family
	order := OrderMissing
	if ag != "" && af != "" && bg != "" && bf != "" {
		order = OrderSame
		if (ag != bg || af != bf) &&
			jwBound(len(ag), len(bf), a.givenM, b.familyM) >= 0.8 && jwBound(len(af), len(bg), a.familyM, b.givenM) >= 0.8 {
			crossed := jw(ag, bf, ascii) + jw(af, bg, ascii)
			if crossed > jw(ag, bg, ascii)+jw(af, bf, ascii)+0.2 {
				g.set(FieldGiven, compareGiven(ascii, ag, bf, a.First, b.Family, a.givenM, b.familyM, a.nicknames, nil, a.GivenKeys, b.FamilyKeys))
				g.set(FieldFamily, compareFamily(ascii, af, bg, a.familyM, b.givenM, a.FamilyKeys, b.GivenKeys))
				g.set(FieldNameOrder, OrderSwapped)
				return
			}
		}
	}
	g.set(FieldGiven, compareGiven(ascii, ag, bg, a.First, b.First, a.givenM, b.givenM, a.nicknames, b.nicknames, a.GivenKeys, b.GivenKeys))
	g.set(FieldFamily, compareFamily(ascii, af, bf, a.familyM, b.familyM, a.FamilyKeys, b.FamilyKeys))
	g.set(FieldNameOrder, order)
}

func compareGiven(ascii bool, a, b, af, bf string, am, bm uint64, an, bn []uint16, ak, bk [2]string) int {
	switch {
	case a == "" || b == "":
		return NameMissing
	case a == b:
		return NameExact
	case af == bf && (len(a) == len(af) || len(b) == len(bf)):
		return NameNickname // one has a middle name the other lacks
	case shareGroup(an, bn):
		return NameNickname
	}
	sim := 0.0
	if jwBound(len(a), len(b), am, bm) >= 0.8 {
		sim = jw(a, b, ascii)
	}
	switch {
	case sim >= 0.92:
		return NameClose
	case sim >= 0.80 || sharesKey(ak, bk) || initialFits(af, bf):
		return NameWeak
	}
	return NameDifferent
}

func compareFamily(ascii bool, a, b string, am, bm uint64, ak, bk [2]string) int {
	switch {
	case a == "" || b == "":
		return NameMissing
	case a == b:
		return NameExact
	}
	sim := 0.0
	if jwBound(len(a), len(b), am, bm) >= 0.8 {
		sim = jw(a, b, ascii)
	}
	switch {
	case sim >= 0.92:
		return NameClose
	case sim >= 0.80 || sharesKey(ak, bk):
		return NameWeak
	}
	return NameDifferent
}

// sharesKey reports whether two names share a Double Metaphone key.
func sharesKey(a, b [2]string) bool {
	if a[0] == "" || b[0] == "" {
		return false
	}
	return a[0] == b[0] || a[0] == b[1] || a[1] == b[0] || a[1] == b[1]
}

// initialFits reports whether one name is an initial of the other (J, John).
func initialFits(a, b string) bool {
	return (len(a) == 1 || len(b) == 1) && a[0] == b[0]
}

// compareText grades two folded strings by Jaro-Winkler.
func compareText(ascii bool, a, b string, am, bm uint64) int {
	switch {
	case a == "" || b == "":
		return TextMissing
	case a == b:
		return TextExact
	}
	sim := 0.0
	if jwBound(len(a), len(b), am, bm) >= 0.8 {
		sim = jw(a, b, ascii)
	}
	switch {
	case sim >= 0.92:
		return TextClose
	case sim >= 0.80:
		return TextWeak
	}
	return TextDifferent
}

func compareEmails(ascii bool, a, b string) int {
	switch {
	case a == "" || b == "":
		return TextMissing
	case a == b:
		return TextExact
	}
	la, lb := a, b
	if i := indexByte(a, '@'); i >= 0 {
		la = a[:i]
	}
	if i := indexByte(b, '@'); i >= 0 {
		lb = b[:i]
	}
	if la == lb || jw(a, b, ascii) >= 0.92 {
		return TextClose
	}
	return TextDifferent
}

func compareIdentifiers(a, b string) int {
	switch {
	case a == "" || b == "":
		return TextMissing
	case a == b:
		return TextExact
	case withinOneEdit(a, b):
		return TextClose
	}
	return TextDifferent
}

func indexByte(s string, c byte) int {
	for i := 0; i < len(s); i++ {
		if s[i] == c {
			return i
		}
	}
	return -1
}
