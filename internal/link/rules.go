package link

import (
	"time"
)

// BlockingRule derives one blocking key from a record.
type BlockingRule struct {
	Name string
	// Key returns the record's key for this rule, or 0 when the fields it
	// needs are missing.
	Key func(r *Record) uint64
	// Keys, for a rule with several keys per record (Key nil), passes
	// each key to add.
	Keys func(r *Record, add func(uint64))
	// Pair, when set, must also hold for a pair sharing the key to be a
	// candidate; it lets a broad key serve only the records that need it.
	Pair func(a, b *Record) bool
	// Probe, when set, marks the records that need the rule: only pairs
	// with at least one of them are generated, so a broad key costs the
	// few records that need it times their block, not the block squared.
	// Pair must then hold only for such pairs.
	Probe func(r *Record) bool
	// Fields is the set of comparison fields (bit FieldGiven and so on)
	// that the key depends on, directly or by correlation: EM leaves them
	// out when learning from this rule's pairs, since its blocks make them
	// agree whatever the match status.
	Fields uint32
}

const (
	names = 1<<FieldGiven | 1<<FieldFamily | 1<<FieldNameOrder
	// places includes the family name: people at one address are often
	// one family, so within a block of neighbours a shared surname is no
	// sign of a match.
	places = 1<<FieldPlace | 1<<FieldFamily | 1<<FieldNameOrder
	given  = 1<<FieldGiven | 1<<FieldNameOrder
	family = 1<<FieldFamily | 1<<FieldNameOrder
	birth  = 1 << FieldDOB
)

// DefaultRules is the union of keys used by Dedupe, Link and Index. Each
// rule is narrow enough to keep blocks small in a national data set (a
// million people share a date of birth in blocks of about thirty, a full
// postcode in blocks of about fifty), and the set is broad enough that a
// pair must be wrong in several fields at once to escape all of them.
var DefaultRules = []BlockingRule{
	{Name: "identifier", Fields: 1 << FieldIdentifier, Key: func(r *Record) uint64 {
		return newKey(1).str(r.Identifier).sum(r.Identifier != "")
	}},
	{Name: "phone", Fields: 1 << FieldPhone, Key: func(r *Record) uint64 {
		return newKey(2).str(r.Phone).sum(r.Phone != "")
	}},
	{Name: "identifier within one edit", Fields: 1 << FieldIdentifier,
		Keys: func(r *Record, add func(uint64)) { deletions(16, r.Identifier, add) }},
	{Name: "phone within one edit", Fields: 1 << FieldPhone,
		Keys: func(r *Record, add func(uint64)) { deletions(17, r.Phone, add) }},
	{Name: "email", Fields: 1 << FieldEmail, Key: func(r *Record) uint64 {
		return newKey(3).str(r.Email).sum(r.Email != "")
	}},
	{Name: "email mailbox name", Fields: 1 << FieldEmail, Key: func(r *Record) uint64 {
		box := r.Email[:max(indexByte(r.Email, '@'), 0)]
		return newKey(19).str(box).sum(len(box) >= 3)
	}},
	{Name: "dob+given initial", Fields: birth | given, Key: func(r *Record) uint64 {
		return newKey(4).date(r.DOB).initial(r.Given).sum(r.DOB.Full() && r.Given != "")
	}},
	{Name: "dob+family initial", Fields: birth | family, Key: func(r *Record) uint64 {
		return newKey(5).date(r.DOB).initial(r.Family).sum(r.DOB.Full() && r.Family != "")
	}},
	{Name: "dob+initials in either order", Fields: birth | names, Key: func(r *Record) uint64 {
		if r.Given == "" || r.Family == "" {
			return 0
		}
		a, b := r.Given[0], r.Family[0]
		return newKey(6).date(r.DOB).byte(min(a, b)).byte(max(a, b)).sum(r.DOB.Full())
	}},
	{Name: "dob, for records without a full name", Fields: birth,
		Key:  func(r *Record) uint64 { return newKey(7).date(r.DOB).sum(r.DOB.Full()) },
		Pair: func(a, b *Record) bool { return a.Given == "" || a.Family == "" || b.Given == "" || b.Family == "" },
	},
	{Name: "family sound+birth year+given initial", Fields: names | birth, Key: func(r *Record) uint64 {
		return newKey(8).str(r.FamilyKeys[0]).num(int(r.DOB.Y)).initial(r.Given).sum(r.FamilyKeys[0] != "" && r.DOB.Y != 0 && r.Given != "")
	}},
	{Name: "given sound+birth month", Fields: given | birth, Key: func(r *Record) uint64 {
		return newKey(9).str(r.GivenKeys[0]).num(int(r.DOB.Y)).byte(byte(r.DOB.M)).sum(r.GivenKeys[0] != "" && r.DOB.M != 0)
	}},
	{Name: "given sound+family sound in either order+birth decade", Fields: names | birth, Keys: soundDecadeKeys},
	{Name: "given sound+family sound in either order+day and month of birth", Fields: names | birth, Key: func(r *Record) uint64 {
		a, b := orderedSounds(r)
		return newKey(20).str(a).str(b).byte(byte(r.DOB.M)).byte(byte(r.DOB.D)).sum(a != "" && r.DOB.M != 0 && r.DOB.D != 0)
	}},
	{Name: "one name's sound+birth year, for records without a full name", Fields: names | birth, Keys: oneNameYearKeys,
		Probe: lacksFullName, Pair: func(a, b *Record) bool { return lacksFullName(a) || lacksFullName(b) }},
	{Name: "dob with day and month in either order+given initial", Fields: birth | given, Key: func(r *Record) uint64 {
		d, m := min(r.DOB.D, r.DOB.M), max(r.DOB.D, r.DOB.M)
		return newKey(21).num(int(r.DOB.Y)).byte(byte(d)).byte(byte(m)).initial(r.Given).sum(r.DOB.Full() && r.DOB.D <= 12 && r.Given != "")
	}},
	{Name: "dob+postcode", Fields: birth | places, Key: func(r *Record) uint64 {
		return newKey(11).date(r.DOB).str(r.Postcode.Full).sum(r.DOB.Full() && r.Postcode.Full != "")
	}},
	{Name: "dob+locality", Fields: birth | places, Key: func(r *Record) uint64 {
		return newKey(12).date(r.DOB).str(r.Locality).sum(r.DOB.Full() && r.Locality != "")
	}},
	{Name: "given initial+postcode", Fields: given | places, Key: func(r *Record) uint64 {
		return newKey(13).initial(r.Given).str(r.Postcode.Full).sum(r.Given != "" && r.Postcode.Full != "")
	}},
	{Name: "family sound+postcode", Fields: family | places, Key: func(r *Record) uint64 {
		return newKey(14).str(r.FamilyKeys[0]).str(r.Postcode.Full).sum(r.FamilyKeys[0] != "" && r.Postcode.Full != "")
	}},
	{Name: "given sound+family sound in either order+locality", Fields: names | places, Key: func(r *Record) uint64 {
		a, b := orderedSounds(r)
		return newKey(22).str(a).str(b).str(r.Locality).sum(a != "" && r.Locality != "")
	}},
	{Name: "street+postcode", Fields: places, Key: func(r *Record) uint64 {
		st := streetName(r.Address)
		return newKey(15).str(st).str(r.Postcode.Full).sum(st != "" && r.Postcode.Full != "")
	}},
	{Name: "house number+start of an address word", Fields: places, Keys: houseKeys},
	// A year of birth typed wrong (the next year, the wrong decade) leaves
	// every rule above with the year in it; a name and the day and month
	// still meet. Either name, so that a record with one name only, or
	// with the names swapped, meets its twin too.
	{Name: "either name's sound+day and month of birth, for records without a full name", Fields: names | birth, Keys: nameDayMonthKeys,
		Probe: lacksFullName, Pair: func(a, b *Record) bool { return lacksFullName(a) || lacksFullName(b) }},
	{Name: "email within one edit", Fields: 1 << FieldEmail,
		Keys: func(r *Record, add func(uint64)) { deletions(25, r.Email, add) }},
}

// orderedSounds returns the sounds of both names in a fixed order, so that
// swapped names give the same key; "" when either is missing.
func orderedSounds(r *Record) (string, string) {
	a, b := r.GivenKeys[0], r.FamilyKeys[0]
	if a == "" || b == "" {
		return "", ""
	}
	return min(a, b), max(a, b)
}

// soundDecadeKeys passes the sounds of both names, in either order, with the
// decade of birth, and the neighbouring decade when the year is within one
// of it (2009 and 2010 are a slip apart, not a decade). A record without a
// year of birth passes one key for each decade, so it still meets every
// record with the same names.
func soundDecadeKeys(r *Record, add func(uint64)) {
	a, b := orderedSounds(r)
	if a == "" {
		return
	}
	k := newKey(10).str(a).str(b)
	if y := int(r.DOB.Y); y != 0 {
		add(k.num(y / 10).sum(true))
		if (y+1)/10 != y/10 {
			add(k.num((y + 1) / 10).sum(true))
		}
		if (y-1)/10 != y/10 {
			add(k.num((y - 1) / 10).sum(true))
		}
		return
	}
	for d := 188; d <= time.Now().Year()/10; d++ {
		add(k.num(d).sum(true))
	}
}

// lacksFullName reports whether a record misses its given or family name.
func lacksFullName(r *Record) bool { return r.Given == "" || r.Family == "" }

// oneNameYearKeys passes the sound of each name with the year of birth:
// two records one of which lacks a name still meet when the name they
// share sounds alike and they give the same year, whatever their day and
// month and whichever field the name was written in. (Years one apart too
// would find more, at three times the comparisons.)
func oneNameYearKeys(r *Record, add func(uint64)) {
	if r.DOB.Y == 0 {
		return
	}
	for _, s := range []string{r.GivenKeys[0], r.FamilyKeys[0]} {
		if s != "" {
			add(newKey(23).str(s).num(int(r.DOB.Y)).sum(true))
		}
	}
}

// nameDayMonthKeys passes a key for each name's sound with the day and
// month of birth.
func nameDayMonthKeys(r *Record, add func(uint64)) {
	if r.DOB.M == 0 || r.DOB.D == 0 {
		return
	}
	for _, s := range []string{r.GivenKeys[0], r.FamilyKeys[0]} {
		if s != "" {
			add(newKey(24).str(s).byte(byte(r.DOB.M)).byte(byte(r.DOB.D)).sum(true))
		}
	}
}

// houseKeys passes, for an address with a house number, one key per
// distinctive word: the number with the word's first four letters. A
// misspelt street ("lumholtcz") or a lost postcode still meets its twin.
func houseKeys(r *Record, add func(uint64)) {
	num := ""
	for _, w := range r.Address {
		if w[0] >= '0' && w[0] <= '9' {
			num = w
			break
		}
	}
	if num == "" {
		return
	}
	for _, w := range r.Address {
		if len(w) >= 4 && !genericAddressWord[w] && !streetTypes[w] && !isDigitsOrMixed(w) {
			add(newKey(18).str(num).str(w[:4]).sum(true))
		}
	}
}

// deletions passes the keys of s with one character deleted, and of s
// itself: two strings within one edit (substitution, insertion, deletion,
// or swap of neighbours) share at least one such key (Bocek, Hunt and
// Stiller's FastSS, 2007). Values shorter than six characters are too
// common for this to be a useful key.
func deletions(rule byte, s string, add func(uint64)) {
	if len(s) < 6 || len(s) > 30 {
		return
	}
	add(newKey(rule).str(s).sum(true))
	for i := range len(s) {
		add(newKey(rule).raw(s[:i]).str(s[i+1:]).sum(true))
	}
}

// streetName picks the word of an address most likely to name the street:
// the first word of letters that is not a generic word like "flat".
func streetName(t []string) string {
	for _, w := range t {
		if len(w) >= 3 && !genericAddressWord[w] && !isDigitsOrMixed(w) {
			return w
		}
	}
	return ""
}

// streetTypes are the words that say what kind of street it is, shared by
// thousands of streets.
var streetTypes = func() map[string]bool {
	m := map[string]bool{"street": true, "road": true, "lane": true, "avenue": true, "drive": true, "close": true, "place": true,
		"crescent": true, "court": true, "square": true, "gardens": true, "garden": true, "grove": true, "park": true,
		"terrace": true, "way": true, "walk": true, "row": true, "mews": true, "hill": true, "green": true, "view": true,
		"rise": true, "circuit": true, "parade": true, "north": true, "south": true, "east": true, "west": true,
		"upper": true, "lower": true, "estate": true, "village": true, "highway": true, "boulevard": true, "mount": true}
	return m
}()

var genericAddressWord = map[string]bool{
	"flat": true, "unit": true, "house": true, "the": true, "floor": true, "room": true, "block": true,
	"building": true, "apartment": true, "suite": true, "lot": true, "level": true, "number": true,
}

func isDigitsOrMixed(w string) bool {
	for i := 0; i < len(w); i++ {
		if w[i] >= '0' && w[i] <= '9' {
			return true
		}
	}
	return false
}

// key is an FNV-1a hash under construction.
type key uint64

func newKey(rule byte) key { return key(14695981039346656037).byte(rule) }

func (k key) byte(c byte) key { return (k ^ key(c)) * 1099511628211 }

// str adds s and a terminator, so that ("ab", "c") and ("a", "bc") differ.
func (k key) str(s string) key { return k.raw(s).byte(0) }

// raw adds s without a terminator.
func (k key) raw(s string) key {
	for i := 0; i < len(s); i++ {
		k = k.byte(s[i])
	}
	return k
}

func (k key) initial(s string) key {
	if s == "" {
		return k.byte(0)
	}
	return k.byte(s[0]).byte(0)
}

func (k key) num(n int) key { return k.byte(byte(n)).byte(byte(n >> 8)).byte(byte(n >> 16)) }

func (k key) date(d Date) key { return k.num(int(d.Y)).byte(byte(d.M)).byte(byte(d.D)) }

// sum returns the key, or 0 when ok is false; a real key is never 0.
func (k key) sum(ok bool) uint64 {
	if !ok {
		return 0
	}
	if k == 0 {
		return 1
	}
	return uint64(k)
}
