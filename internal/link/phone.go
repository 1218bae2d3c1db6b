package link

import (
	"github.com/nyaruka/phonenumbers"
)

// Phones are normalised to E.164 with github.com/nyaruka/phonenumbers, the Go
// port of Google's libphonenumber. It is the one dependency of this package:
// national numbering plans (trunk prefixes, number lengths, which digits are
// an area code) change every year and are not something to write by hand,
// and the port carries Google's metadata under the Apache licence.

// DefaultRegion is the region assumed for numbers written without a country
// code: Vigil serves English councils and police forces.
const DefaultRegion = "GB"

// NormalisePhone returns the number in E.164 form (+447700900123). A number
// the library cannot read keeps its digits only, so two identical odd
// numbers still agree; fewer than six digits is not a phone number.
func NormalisePhone(s string) string {
	digits := 0
	for i := 0; i < len(s); i++ {
		if s[i] >= '0' && s[i] <= '9' {
			digits++
		}
	}
	if digits < 6 {
		return ""
	}
	if e := ukFast(s); e != "" {
		return e
	}
	if n, err := phonenumbers.Parse(s, DefaultRegion); err == nil && phonenumbers.IsPossibleNumber(n) {
		return phonenumbers.Format(n, phonenumbers.E164)
	}
	b := make([]byte, 0, digits)
	for i := 0; i < len(s); i++ {
		if s[i] >= '0' && s[i] <= '9' {
			b = append(b, s[i])
		}
	}
	return string(b)
}

// ukFast writes the two commonest forms, a UK national number (07700
// 900123) and one already with +44, straight to E.164 without the parser,
// whose regular expressions cost several microseconds a number: a national
// index normalises millions. It returns "" for anything else; a test checks
// that it agrees with the library.
func ukFast(s string) string {
	var d [16]byte
	n, plus := 0, false
	for i := 0; i < len(s); i++ {
		switch c := s[i]; {
		case c >= '0' && c <= '9':
			if n == len(d) {
				return ""
			}
			d[n] = c
			n++
		case c == '+' && n == 0 && !plus:
			plus = true
		case c == ' ' || c == '-':
		default:
			return "" // brackets, extensions, letters: leave to the library
		}
	}
	var nsn []byte
	switch {
	case !plus && n == 11 && d[0] == '0' && d[1] != '0':
		nsn = d[1:n]
	case plus && n == 12 && d[0] == '4' && d[1] == '4' && d[2] != '0':
		nsn = d[2:n]
	default:
		return ""
	}
	if c := nsn[0]; c != '1' && c != '2' && c != '3' && c != '7' {
		return "" // geographic, non-geographic 03 and mobile numbers only
	}
	return "+44" + string(nsn)
}

// Phone comparison levels.
const (
	PhoneMissing = iota
	PhoneExact
	PhoneTypo // one digit wrong, missing or swapped
	PhoneDifferent
)

// ComparePhones returns the agreement level of two normalised phones.
func ComparePhones(a, b string) int {
	switch {
	case a == "" || b == "":
		return PhoneMissing
	case a == b:
		return PhoneExact
	case withinOneEdit(a, b):
		return PhoneTypo
	}
	return PhoneDifferent
}
