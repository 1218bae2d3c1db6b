package link

// UK postcodes (BS 7666): an outward code of two to four characters (area
// letters, district digits, sometimes a letter: S60, SW1A, M1) and an inward
// code of a digit and two letters (1AA). The outward code alone places a
// person within a district of a few thousand homes, so it is evidence too.

// Postcode is a normalised postcode.
type Postcode struct {
	Full    string // upper case without spaces ("S601AA"), or as written when not a UK postcode
	Outward string // the outward code ("S60") of a UK postcode, including one given alone
}

// NormalisePostcode reads a postcode. UK postcodes are recognised, with the
// digit/letter slips of the inward code mended (S60 IAA → S60 1AA); other
// countries' postcodes are kept as upper-case letters and digits.
func NormalisePostcode(s string) Postcode {
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
	if len(b) == 0 {
		return Postcode{}
	}
	if isOutward(b) {
		return Postcode{Full: string(b), Outward: string(b)}
	}
	if n := len(b); n >= 5 && n <= 7 {
		in := [3]byte{toDigit(b[n-3]), toLetter(b[n-2]), toLetter(b[n-1])}
		if isDigit(in[0]) && isLetter(in[1]) && isLetter(in[2]) && isOutward(b[:n-3]) {
			copy(b[n-3:], in[:])
			return Postcode{Full: string(b), Outward: string(b[:n-3])}
		}
	}
	return Postcode{Full: string(b)}
}

// isOutward matches A9, A99, AA9, AA99, A9A and AA9A.
func isOutward(b []byte) bool {
	n := len(b)
	if n < 2 || n > 4 || !isLetter(b[0]) {
		return false
	}
	i := 1
	if isLetter(b[1]) {
		i = 2
	}
	if i >= n || !isDigit(b[i]) {
		return false
	}
	switch rest := b[i+1:]; len(rest) {
	case 0:
		return true
	case 1:
		return isDigit(rest[0]) || isLetter(rest[0])
	}
	return false
}

func isDigit(c byte) bool  { return c >= '0' && c <= '9' }
func isLetter(c byte) bool { return c >= 'A' && c <= 'Z' }

// toDigit and toLetter mend the look-alike slips O/0, I/1, S/5, Z/2, B/8
// where the position fixes which one was meant.
func toDigit(c byte) byte {
	switch c {
	case 'O':
		return '0'
	case 'I', 'L':
		return '1'
	case 'S':
		return '5'
	case 'Z':
		return '2'
	case 'B':
		return '8'
	}
	return c
}

func toLetter(c byte) byte {
	switch c {
	case '0':
		return 'O'
	case '1':
		return 'I'
	case '5':
		return 'S'
	case '2':
		return 'Z'
	case '8':
		return 'B'
	}
	return c
}

// Postcode comparison levels.
const (
	PostcodeMissing = iota
	PostcodeExact
	PostcodeOutward // same UK outward code (district), or one side gives only that
	PostcodeTypo    // one character wrong, missing or swapped
	PostcodeDifferent
)

// ComparePostcodes returns the agreement level of two postcodes.
func ComparePostcodes(a, b Postcode) int {
	switch {
	case a.Full == "" || b.Full == "":
		return PostcodeMissing
	case a.Full == b.Full:
		return PostcodeExact
	case a.Outward != "" && a.Outward == b.Outward:
		return PostcodeOutward
	case withinOneEdit(a.Full, b.Full):
		return PostcodeTypo
	}
	return PostcodeDifferent
}
