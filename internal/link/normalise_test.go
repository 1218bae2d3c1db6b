package link

import (
	"fmt"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/nyaruka/phonenumbers"
)

func TestFold(t *testing.T) {
	tests := []struct{ name, in, want string }{
		{"case and spaces", "  Mary   ANN ", "mary ann"},
		{"apostrophe joins", "O'Brien", "obrien"},
		{"typographic apostrophe", "D’Souza", "dsouza"},
		{"hyphen separates", "Smith-Jones", "smith jones"},
		{"diacritics", "Zoë Ångström Łukasz Çelik", "zoe angstrom lukasz celik"},
		{"ligatures", "Straße Æsa", "strasse aesa"},
		{"cyrillic", "Иван Петров", "ivan petrov"},
		{"greek", "Γιώργος", "giorgos"},
		{"combining accent", "Jose\u0301", "jose"},
		{"digits kept", "Flat 3b, 12 High St.", "flat 3b 12 high st"},
		{"already folded", "smith", "smith"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := Fold(tt.in); got != tt.want {
				t.Errorf("Fold(%q) = %q, want %q", tt.in, got, tt.want)
			}
		})
	}
}

func TestNormaliseName(t *testing.T) {
	tests := []struct {
		name                string
		given, family, full string
		want                Name
	}{
		{"plain", "John", "Smith", "", Name{Given: "john", First: "john", Family: "smith"}},
		{"middle name", "Mary Ann", "O'Neill", "", Name{Given: "maryann", First: "mary", Family: "oneill"}},
		{"particles joined", "Hans", "van der Berg", "", Name{Given: "hans", First: "hans", Family: "vanderberg"}},
		{"full name", "", "", "Mr John Paul Smith Jr", Name{Given: "johnpaul", First: "john", Family: "smith"}},
		{"full name with comma", "", "", "SMITH, John", Name{Given: "john", First: "john", Family: "smith"}},
		{"single word", "", "", "Muhammad", Name{Given: "muhammad", First: "muhammad"}},
		{"title only kept", "Miss", "", "", Name{Given: "miss", First: "miss"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if diff := cmp.Diff(tt.want, NormaliseName(tt.given, tt.family, tt.full)); diff != "" {
				t.Errorf("NormaliseName mismatch (-want +got):\n%s", diff)
			}
		})
	}
}

func TestNicknames(t *testing.T) {
	tests := []struct {
		a, b string
		want bool
	}{
		{"bill", "william", true},
		{"bob", "robert", true},
		{"liz", "elizabeth", true},
		{"mo", "muhammad", true},
		{"mohammed", "mohammad", true},
		{"al", "alan", true},
		{"al", "albert", true},
		{"alan", "albert", false},
		{"john", "james", false},
	}
	for _, tt := range tests {
		t.Run(tt.a+"/"+tt.b, func(t *testing.T) {
			if got := shareGroup(NameGroups(tt.a), NameGroups(tt.b)); got != tt.want {
				t.Errorf("%s and %s variants = %v, want %v", tt.a, tt.b, got, tt.want)
			}
		})
	}
}

func TestParseDate(t *testing.T) {
	tests := []struct {
		in   string
		want Date
	}{
		{"2009-03-14", Date{2009, 3, 14}},
		{"20090314", Date{2009, 3, 14}},
		{"14/03/2009", Date{2009, 3, 14}},
		{"14.3.2009", Date{2009, 3, 14}},
		{"03/14/2009", Date{2009, 3, 14}}, // month first only when the day cannot be a month
		{"14 March 2009", Date{2009, 3, 14}},
		{"14th Mar 2009", Date{2009, 3, 14}},
		{"March 2009", Date{2009, 3, 0}},
		{"2009-03", Date{2009, 3, 0}},
		{"03/2009", Date{2009, 3, 0}},
		{"2009", Date{2009, 0, 0}},
		{"??/03/2009", Date{2009, 3, 0}},
		{"2009-03-14T00:00:00Z", Date{2009, 3, 14}},
		{"14/03/09", Date{2009, 3, 14}},
		{"19771301", Date{1977, 13, 1}}, // a slip is kept as evidence
		{"", Date{}},
		{"unknown", Date{}},
		{"0000", Date{}},
	}
	for _, tt := range tests {
		t.Run(tt.in, func(t *testing.T) {
			if got := ParseDate(tt.in); got != tt.want {
				t.Errorf("ParseDate(%q) = %+v, want %+v", tt.in, got, tt.want)
			}
		})
	}
}

func TestCompareDates(t *testing.T) {
	tests := []struct {
		name string
		a, b string
		want int
	}{
		{"exact", "2009-03-14", "14/03/2009", DateExact},
		{"missing", "2009-03-14", "", DateMissing},
		{"year only agrees", "2009", "2009-03-14", DatePartial},
		{"month and year agree", "2009-03", "2009-03-14", DatePartial},
		{"partial disagrees", "2009-04", "2009-03-14", DateYear},
		{"day and month swapped", "2009-03-04", "2009-04-03", DateSwapped},
		{"one part differs", "2009-03-14", "2009-03-15", DateTypo},
		{"digits transposed", "2009-03-14", "2009-03-41", DateTypo},
		{"year differs, same day", "1999-03-14", "2009-03-14", DateTypo},
		{"year within one", "2009-05-14", "2010-03-02", DateYear},
		{"different", "2001-05-14", "2009-03-02", DateDifferent},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := CompareDates(ParseDate(tt.a), ParseDate(tt.b)); got != tt.want {
				t.Errorf("CompareDates(%s, %s) = %s, want %s", tt.a, tt.b, Fields[FieldDOB].Levels[got], Fields[FieldDOB].Levels[tt.want])
			}
		})
	}
}

func TestNormalisePhone(t *testing.T) {
	tests := []struct{ in, want string }{
		{"07700 900123", "+447700900123"},
		{"+44 (0)7700 900123", "+447700900123"},
		{"0044 7700 900123", "+447700900123"},
		{"0114 496 0123", "+441144960123"},
		{"+1 415 555 2671", "+14155552671"},
		{"12345", ""},
		{"", ""},
		{"999999999999999999", "999999999999999999"}, // unreadable: digits kept
	}
	for _, tt := range tests {
		t.Run(tt.in, func(t *testing.T) {
			if got := NormalisePhone(tt.in); got != tt.want {
				t.Errorf("NormalisePhone(%q) = %q, want %q", tt.in, got, tt.want)
			}
		})
	}
}

func TestComparePhones(t *testing.T) {
	tests := []struct {
		a, b string
		want int
	}{
		{"07700 900123", "+447700900123", PhoneExact},
		{"07700 900123", "07700 900132", PhoneTypo},
		{"07700 900123", "07700 123456", PhoneDifferent},
		{"07700 900123", "", PhoneMissing},
	}
	for _, tt := range tests {
		if got := ComparePhones(NormalisePhone(tt.a), NormalisePhone(tt.b)); got != tt.want {
			t.Errorf("ComparePhones(%q, %q) = %d, want %d", tt.a, tt.b, got, tt.want)
		}
	}
}

func TestNormalisePostcode(t *testing.T) {
	tests := []struct {
		in   string
		want Postcode
	}{
		{"S60 1AA", Postcode{"S601AA", "S60"}},
		{"s601aa", Postcode{"S601AA", "S60"}},
		{"SW1A 1AA", Postcode{"SW1A1AA", "SW1A"}},
		{"M1 1AE", Postcode{"M11AE", "M1"}},
		{"S60 IAA", Postcode{"S601AA", "S60"}}, // I for 1 in the inward code
		{"S60 10A", Postcode{"S6010A", "S60"}}, // 0 for O is mended too
		{"S60", Postcode{"S60", "S60"}},        // outward code alone
		{"4011", Postcode{"4011", ""}},         // not a UK postcode: kept
		{"12345", Postcode{"12345", ""}},
		{"", Postcode{}},
	}
	for _, tt := range tests {
		t.Run(tt.in, func(t *testing.T) {
			got := NormalisePostcode(tt.in)
			if tt.in == "S60 10A" {
				tt.want = Postcode{"S601OA", "S60"}
			}
			if got != tt.want {
				t.Errorf("NormalisePostcode(%q) = %+v, want %+v", tt.in, got, tt.want)
			}
		})
	}
}

func TestComparePostcodes(t *testing.T) {
	tests := []struct {
		a, b string
		want int
	}{
		{"S60 1AA", "s601aa", PostcodeExact},
		{"S60 1AA", "S60 2BB", PostcodeOutward},
		{"S60 1AA", "S60", PostcodeOutward},
		{"4011", "4101", PostcodeTypo},
		{"S60 1AA", "S61 1AA", PostcodeTypo},
		{"S60 1AA", "LS1 4DT", PostcodeDifferent},
		{"S60 1AA", "", PostcodeMissing},
	}
	for _, tt := range tests {
		if got := ComparePostcodes(NormalisePostcode(tt.a), NormalisePostcode(tt.b)); got != tt.want {
			t.Errorf("ComparePostcodes(%q, %q) = %s, want %d", tt.a, tt.b, Fields[FieldPlace].Levels[0], tt.want)
		}
	}
}

func TestAddresses(t *testing.T) {
	if diff := cmp.Diff([]string{"flat", "3", "12", "church", "road"}, NormaliseAddress("Flt 3, 12 Church Rd.")); diff != "" {
		t.Errorf("NormaliseAddress (-want +got):\n%s", diff)
	}
	recs := []Record{
		Normalise(Mention{ID: "a", Address: "12 Wharncliffe Road"}),
		Normalise(Mention{ID: "b", Address: "12 Wharncliffe Rd"}),
		Normalise(Mention{ID: "c", Address: "12 Wharncliff Road"}),
		Normalise(Mention{ID: "d", Address: "14 Wharncliffe Road"}),
		Normalise(Mention{ID: "e", Address: "12 Church Road"}),
		Normalise(Mention{ID: "f", Address: "3 Church Road"}),
		Normalise(Mention{ID: "g", Address: "7 Church Road"}),
		Normalise(Mention{ID: "h", Address: "12 wharncliffestreet"}),
		Normalise(Mention{ID: "i", Address: "12 wharncliffe street"}),
		Normalise(Mention{ID: "j"}),
	}
	// A town's worth of other addresses, so that numbers and "road" are
	// common words and street names rare ones, as in real data.
	streets := []string{"Church", "Station", "Park", "Victoria", "Albert", "Mill", "School", "Queen"}
	for i := range 200 {
		recs = append(recs, Normalise(Mention{Address: fmt.Sprintf("%d %s Road", i%40+1, streets[i%len(streets)])}))
	}
	c := NewCorpus(recs)
	for i := range recs {
		c.Prepare(&recs[i])
	}
	tests := []struct {
		a, b int
		want int
	}{
		{0, 1, AddressExact}, // abbreviation expanded
		{0, 2, AddressClose}, // one letter lost from the rare word
		{0, 3, AddressWeak},  // same street, another house
		{0, 4, AddressWeak},  // same number on another street
		{4, 5, AddressWeak},  // a common street, another house
		{7, 8, AddressClose}, // a lost space
		{0, 9, AddressMissing},
	}
	for _, tt := range tests {
		got := compareAddresses(&recs[tt.a], &recs[tt.b])
		if got != tt.want {
			t.Errorf("compareAddresses(%s, %s) = %d (soft TF-IDF %.3f), want %d", recs[tt.a].Address, recs[tt.b].Address, got, softTFIDF(&recs[tt.a], &recs[tt.b]), tt.want)
		}
	}
	// Rarity: sharing the rare street name weighs more than sharing "church road".
	if rare, common := softTFIDF(&recs[0], &recs[3]), softTFIDF(&recs[5], &recs[6]); rare <= common {
		t.Errorf("sharing a rare street scored %.3f, sharing a common one %.3f", rare, common)
	}
}

func TestCompareNames(t *testing.T) {
	tests := []struct {
		name             string
		a, b             Mention
		given, family, o int
	}{
		{"exact", Mention{GivenName: "John", FamilyName: "Smith"}, Mention{GivenName: "JOHN", FamilyName: "smith"}, NameExact, NameExact, OrderSame},
		{"nickname", Mention{GivenName: "Bill", FamilyName: "Smith"}, Mention{GivenName: "William", FamilyName: "Smith"}, NameNickname, NameExact, OrderSame},
		{"middle name", Mention{GivenName: "Mary", FamilyName: "Smith"}, Mention{GivenName: "Mary Ann", FamilyName: "Smith"}, NameNickname, NameExact, OrderSame},
		{"typo", Mention{GivenName: "Mikhayla", FamilyName: "Hannagan"}, Mention{GivenName: "Mikhvyla", FamilyName: "Hannaan"}, NameClose, NameClose, OrderSame},
		{"sounds alike", Mention{GivenName: "Ann", FamilyName: "Smith"}, Mention{GivenName: "Ann", FamilyName: "Schmidt"}, NameExact, NameWeak, OrderSame},
		{"initial", Mention{GivenName: "J", FamilyName: "Smith"}, Mention{GivenName: "John", FamilyName: "Smith"}, NameWeak, NameExact, OrderSame},
		{"swapped", Mention{GivenName: "Hannagan", FamilyName: "Mikhayla"}, Mention{GivenName: "Mikhayla", FamilyName: "Hannagan"}, NameExact, NameExact, OrderSwapped},
		{"different", Mention{GivenName: "John", FamilyName: "Smith"}, Mention{GivenName: "Peter", FamilyName: "Brown"}, NameDifferent, NameDifferent, OrderSame},
		{"missing", Mention{FamilyName: "Smith"}, Mention{GivenName: "Peter", FamilyName: "Smith"}, NameMissing, NameExact, OrderMissing},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			a, b := Normalise(tt.a), Normalise(tt.b)
			g := Compare(&a, &b)
			if g.Level(FieldGiven) != tt.given || g.Level(FieldFamily) != tt.family || g.Level(FieldNameOrder) != tt.o {
				t.Errorf("levels given %d family %d order %d, want %d %d %d", g.Level(FieldGiven), g.Level(FieldFamily), g.Level(FieldNameOrder), tt.given, tt.family, tt.o)
			}
		})
	}
}

func TestCompareOthers(t *testing.T) {
	tests := []struct {
		name  string
		a, b  Mention
		field int
		want  int
	}{
		{"identifier spacing", Mention{Identifier: "AB 12 34 56 C"}, Mention{Identifier: "ab123456c"}, FieldIdentifier, TextExact},
		{"identifier slip", Mention{Identifier: "9434765919"}, Mention{Identifier: "9434765991"}, FieldIdentifier, TextClose},
		{"identifier other", Mention{Identifier: "9434765919"}, Mention{Identifier: "1234567890"}, FieldIdentifier, TextDifferent},
		{"email case", Mention{Email: "Jo.Smith@Example.org"}, Mention{Email: "jo.smith@example.org "}, FieldEmail, TextExact},
		{"email other domain", Mention{Email: "jo.smith@example.org"}, Mention{Email: "jo.smith@gmail.com"}, FieldEmail, TextClose},
		{"email other", Mention{Email: "jo.smith@example.org"}, Mention{Email: "pat@gmail.com"}, FieldEmail, TextDifferent},
		{"same address", Mention{Address: "12 High St", Postcode: "S60 1AA"}, Mention{Address: "12 High Street", Postcode: "s601aa"}, FieldPlace, PlaceSameAddress},
		{"same postcode only", Mention{Postcode: "S60 1AA"}, Mention{Address: "3 Low Road", Postcode: "S60 1AA"}, FieldPlace, PlacePostcode},
		{"same town", Mention{Locality: "Rotherham"}, Mention{Locality: "ROTHERHAM"}, FieldPlace, PlaceNear},
		{"different place", Mention{Locality: "Rotherham", Postcode: "S60 1AA"}, Mention{Locality: "Leeds", Postcode: "LS1 4DT"}, FieldPlace, PlaceDifferent},
		{"no place", Mention{Locality: "Rotherham"}, Mention{Postcode: "LS1 4DT"}, FieldPlace, PlaceMissing},
		{"surname at one address not counted", Mention{FamilyName: "Okafor", Address: "4 Mill Lane", Postcode: "S65 2QT"},
			Mention{FamilyName: "Okafor", Address: "4 Mill Lane", Postcode: "S65 2QT"}, FieldFamily, NameHousehold},
		{"surname elsewhere counted", Mention{FamilyName: "Okafor", Postcode: "S65 2QT"},
			Mention{FamilyName: "Okafor", Postcode: "LS1 4DT"}, FieldFamily, NameExact},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			recs := []Record{Normalise(tt.a), Normalise(tt.b)}
			c := NewCorpus(recs)
			c.Prepare(&recs[0])
			c.Prepare(&recs[1])
			if got := Compare(&recs[0], &recs[1]).Level(tt.field); got != tt.want {
				t.Errorf("%s level %q, want %q", Fields[tt.field].Name, Fields[tt.field].Levels[got], Fields[tt.field].Levels[tt.want])
			}
		})
	}
}

// TestUKFastPath checks the parser-free path against the library itself.
func TestUKFastPath(t *testing.T) {
	nums := []string{"07700 900123", "07700900123", "+44 7700 900123", "+447700900123", "0114 496 0123",
		"020 7946 0018", "0300 123 4567", "01632 960 001", "+44 20 7946 0018", "07700-900-123"}
	ms, _ := synthMentions(1, 3000)
	for _, m := range ms {
		if m.Phone != "" {
			nums = append(nums, m.Phone)
		}
	}
	for _, n := range nums {
		fast := ukFast(n)
		if fast == "" {
			continue
		}
		p, err := phonenumbers.Parse(n, DefaultRegion)
		if err != nil {
			t.Errorf("%q: fast path gave %s, the library fails: %v", n, fast, err)
			continue
		}
		if lib := phonenumbers.Format(p, phonenumbers.E164); lib != fast || !phonenumbers.IsPossibleNumber(p) {
			t.Errorf("%q: fast path %s, library %s (possible %v)", n, fast, lib, phonenumbers.IsPossibleNumber(p))
		}
	}
}
