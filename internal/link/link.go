// Package link finds records that mention the same person: entity
// resolution for Vigil's requirement R7, so the same child or suspect written
// differently by police, school and social care is seen as one.
//
// The method is the probabilistic record linkage of Fellegi and Sunter ("A
// theory for record linkage", JASA 64, 1969). Each field of a pair of records
// is compared at a few agreement levels (exact, close, different, missing...)
// and each level carries a weight log2(m/u), where m is the chance of that
// level among pairs that are the same person and u among pairs that are not.
// The sum of weights and the prior odds give the probability that the pair
// is a match, and every score can be explained field by field.
//
// Nothing is learnt from labels. The u probabilities are counted on randomly
// sampled pairs of records, which are almost all non-matches. The m
// probabilities are estimated by expectation maximisation over the blocked
// pairs, as Winkler showed ("Using the EM algorithm for weight computation
// in the Fellegi-Sunter model of record linkage", 1988): one EM session per
// blocking rule, leaving out the fields that rule forces to agree (the
// approach of the Splink project, Ministry of Justice), and the sessions
// averaged. Lambda, the prior probability that two records match, is then
// estimated by EM with m and u fixed, over all pairs of records, since u
// describes random pairs. Exact agreement on a name is adjusted for that
// name's frequency (Winkler's term-frequency adjustment, "String comparator
// metrics and enhanced decision rules", 1990), so two Smiths count for less
// than two Wojciechowskis. Fields are assumed independent given match
// status, so fields that move together are compared as one: address,
// postcode and locality form a single "place" comparison, and a shared
// family name is not counted for records at the same address, or siblings
// at one address would look like one child.
//
// Only pairs that share a blocking key are compared: the union of several
// keys (a phonetic surname with the birth year, a given-name initial with the
// postcode, an identifier, a phone...), so a typo in one field cannot hide a
// pair that other fields would find.
//
// Sources of the algorithms: Jaro-Winkler similarity (Jaro 1989, Winkler
// 1990); Double Metaphone (Lawrence Philips, C/C++ Users Journal, June 2000);
// soft TF-IDF for addresses (Cohen, Ravikumar and Fienberg 2003); Damerau's
// single-edit test (1964); E.164 phone numbers through Google's
// libphonenumber (github.com/nyaruka/phonenumbers); UK postcodes as in
// BS 7666.
//
// Demographics (gender, ethnicity) are accepted but never used for scoring
// or blocking (DESIGN.md section 7, MISSION.md R12).
package link

import "strings"

// Mention is a person as written in one record, before normalisation. Every
// field but ID may be empty.
type Mention struct {
	ID         string
	GivenName  string
	FamilyName string
	FullName   string // used when GivenName and FamilyName are both empty
	DOB        string
	Gender     string // kept for the record; never an input to matching
	Address    string
	Locality   string
	Postcode   string
	Phone      string
	Email      string
	Identifier string // a reference such as an NHS, national insurance or police number
}

// Record is a normalised mention, ready for blocking and comparison.
type Record struct {
	ID     string
	Source int // which input the record came from, when linking two inputs

	Name
	GivenKeys  [2]string // Double Metaphone keys of the first given name
	FamilyKeys [2]string // Double Metaphone keys of the family name
	nicknames  []uint16

	DOB        Date
	Address    []string // tokens, abbreviations expanded
	addrW      []float32
	Locality   string // folded, without spaces
	Postcode   Postcode
	Phone      string // E.164
	Email      string
	Identifier string // upper-case letters and digits

	// letter masks (see letterMask) for quick rejection
	givenM, familyM, localityM uint64
	addrM                      []uint64
	ascii                      bool // every compared string is ASCII
	// frequencies from the Corpus: given name as a given name, family name
	// as a family name, and each as the other (for swapped names)
	freq [4]float64
}

// Normalise turns a mention into a record. Address weights are attached
// later, by the Corpus that knows how rare each word is.
func Normalise(m Mention) Record {
	r := Record{ID: m.ID}
	r.Name = NormaliseName(m.GivenName, m.FamilyName, m.FullName)
	if r.First != "" {
		r.GivenKeys[0], r.GivenKeys[1] = DoubleMetaphone(r.First)
		r.nicknames = NameGroups(r.First)
	}
	if r.Family != "" {
		r.FamilyKeys[0], r.FamilyKeys[1] = DoubleMetaphone(r.Family)
	}
	r.DOB = ParseDate(m.DOB)
	r.Address = NormaliseAddress(m.Address)
	r.Locality = strings.ReplaceAll(Fold(m.Locality), " ", "")
	r.Postcode = NormalisePostcode(m.Postcode)
	r.Phone = NormalisePhone(m.Phone)
	r.Email = NormaliseEmail(m.Email)
	r.Identifier = NormaliseIdentifier(m.Identifier)
	r.givenM, r.familyM, r.localityM = letterMask(r.Given), letterMask(r.Family), letterMask(r.Locality)
	r.ascii = isASCII(r.Given) && isASCII(r.Family) && isASCII(r.Locality) && isASCII(r.Email)
	if len(r.Address) > 0 {
		r.addrM = make([]uint64, len(r.Address))
		for i, t := range r.Address {
			r.addrM[i] = letterMask(t)
			r.ascii = r.ascii && isASCII(t)
		}
	}
	return r
}

// NormaliseEmail lower-cases and trims an address; one without an @ is not
// an e-mail address.
func NormaliseEmail(s string) string {
	s = strings.ToLower(strings.TrimSpace(s))
	if !strings.Contains(s, "@") {
		return ""
	}
	return s
}

// NormaliseIdentifier keeps the letters and digits of a reference number in
// upper case: "AB 12 34 56 C" and "ab123456c" are the same number.
func NormaliseIdentifier(s string) string {
	b := make([]byte, 0, len(s))
	for i := 0; i < len(s); i++ {
		c := s[i]
		switch {
		case c >= 'a' && c <= 'z':
			b = append(b, c-'a'+'A')
		case c >= 'A' && c <= 'Z', c >= '0' && c <= '9':
			b = append(b, c)
		}
	}
	return string(b)
}
