package synth

import (
	"fmt"
	"strings"
	"time"

	"github.com/vigil-project/vigil"
)

// People: children, their families and carers, offenders and their
// associates. Demographics are recorded to the national standard (the 19
// ethnic groups of the 2021 Census of England and Wales, and ISO 3166
// nationality) for oversight statistics only (MISSION R12). Every role is
// drawn from the same town-wide mix, so that the synthetic data asserts
// nothing about who offends; names follow each person's naming tradition,
// which is what makes transliteration a real problem for linking.

// Gender as agencies record it.
type Gender string

// Genders.
const (
	GenderFemale Gender = "F"
	GenderMale   Gender = "M"
)

// Ethnicity is an ethnic group of the 2021 Census of England and Wales.
type Ethnicity string

// The 19 ethnic groups of the 2021 Census (England and Wales), and "not
// stated" for a record that has none.
const (
	EthWhiteBritish        Ethnicity = "white_british" // English, Welsh, Scottish, Northern Irish or British
	EthWhiteIrish          Ethnicity = "white_irish"
	EthGypsyTraveller      Ethnicity = "white_gypsy_irish_traveller"
	EthRoma                Ethnicity = "white_roma"
	EthWhiteOther          Ethnicity = "white_other"
	EthMixedWhiteCaribbean Ethnicity = "mixed_white_black_caribbean"
	EthMixedWhiteAfrican   Ethnicity = "mixed_white_black_african"
	EthMixedWhiteAsian     Ethnicity = "mixed_white_asian"
	EthMixedOther          Ethnicity = "mixed_other"
	EthIndian              Ethnicity = "asian_indian"
	EthPakistani           Ethnicity = "asian_pakistani"
	EthBangladeshi         Ethnicity = "asian_bangladeshi"
	EthChinese             Ethnicity = "asian_chinese"
	EthAsianOther          Ethnicity = "asian_other"
	EthBlackAfrican        Ethnicity = "black_african"
	EthBlackCaribbean      Ethnicity = "black_caribbean"
	EthBlackOther          Ethnicity = "black_other"
	EthArab                Ethnicity = "other_arab"
	EthOther               Ethnicity = "other_any"
	EthNotStated           Ethnicity = "not_stated"
)

// ethnicMix is the population of an invented northern English town, loosely
// following Census shares for such towns. Each group names with one or two
// traditions and has the nationalities its people may hold besides British.
var ethnicMix = []struct {
	eth    Ethnicity
	weight float64
	pools  []*namePool
	nat    []string
}{
	{EthWhiteBritish, 80.0, []*namePool{poolEnglish}, nil},
	{EthWhiteIrish, 0.8, []*namePool{poolIrish}, []string{"IE"}},
	{EthGypsyTraveller, 0.3, []*namePool{poolIrish, poolEnglish}, []string{"IE"}},
	{EthRoma, 0.6, []*namePool{poolRomanian}, []string{"RO", "SK", "CZ"}},
	{EthWhiteOther, 3.0, []*namePool{poolPolish, poolRomanian}, []string{"PL", "RO", "LT"}},
	{EthMixedWhiteCaribbean, 1.2, []*namePool{poolEnglish, poolCaribbean}, nil},
	{EthMixedWhiteAfrican, 0.4, []*namePool{poolEnglish, poolAfrican}, nil},
	{EthMixedWhiteAsian, 0.8, []*namePool{poolEnglish, poolSouthAsianMuslim}, nil},
	{EthMixedOther, 0.4, []*namePool{poolEnglish, poolArab}, nil},
	{EthIndian, 1.0, []*namePool{poolSouthAsianOther}, []string{"IN"}},
	{EthPakistani, 6.0, []*namePool{poolSouthAsianMuslim}, []string{"PK"}},
	{EthBangladeshi, 0.5, []*namePool{poolSouthAsianMuslim}, []string{"BD"}},
	{EthChinese, 0.4, []*namePool{poolChinese}, []string{"CN", "HK"}},
	{EthAsianOther, 0.4, []*namePool{poolSouthAsianOther, poolSouthAsianMuslim}, []string{"AF", "LK"}},
	{EthBlackAfrican, 1.5, []*namePool{poolAfrican}, []string{"NG", "SO", "GH"}},
	{EthBlackCaribbean, 0.5, []*namePool{poolCaribbean}, []string{"JM"}},
	{EthBlackOther, 0.2, []*namePool{poolCaribbean, poolAfrican}, nil},
	{EthArab, 0.5, []*namePool{poolArab}, []string{"IQ", "SY"}},
	{EthOther, 0.3, []*namePool{poolArab, poolEnglish}, []string{"IR"}},
}

var ethnicWeights = func() []float64 {
	ws := make([]float64, len(ethnicMix))
	for i, e := range ethnicMix {
		ws[i] = e.weight
	}
	return ws
}()

// PersonKind says what part a person plays in the world (ground truth).
type PersonKind string

// Person kinds.
const (
	KindChild        PersonKind = "child"
	KindAdult        PersonKind = "adult"         // parents, carers, partners, neighbours, drivers
	KindOffender     PersonKind = "offender"      // a member of an offender network
	KindAssociate    PersonKind = "associate"     // helps a network (a flat, a car, a job) without being at its centre
	KindLoneOffender PersonKind = "lone_offender" // harms children outside any network: online groomers, lone "boyfriends"
)

// Person is a real person of the world.
type Person struct {
	ID          EntityID
	Kind        PersonKind
	GivenName   string
	MiddleName  string
	FamilyName  string
	Nickname    string // what friends or young people call them; "" if none
	Gender      Gender
	DOB         time.Time // midnight UTC: only the date counts
	Ethnicity   Ethnicity
	Nationality string // ISO 3166-1 alpha-2
	NHSNumber   string // children only; from the test range 999 000 0000 to 999 999 9999, never issued
	Phone       *Phone
	Handles     []*Handle
	Household   *Household
	Placements  []Placement // children: where they lived, from the first time they were known
	Primary     *School     // children: the schools they attend at 10, 11 to 15, and 16 to 17
	Secondary   *School
	College     *School
	Network     *Network // offenders, associates and children exploited by a network

	idx   int
	pool  *namePool
	first int           // children: day they first came to an agency's attention
	last  int           // children: the day after their last possible report
	cse   *exploitation // children exploited by a network
	car   *Vehicle      // a lone offender's or a partner's own car
}

// Household is a family home: its adults and the children in the world.
type Household struct {
	Address  *Address
	Adults   []*Person
	Children []*Person
	Partner  *Person // a mother's violent partner, when there is one
}

// PlacementKind says where a child lives.
type PlacementKind string

// Placement kinds.
const (
	PlacedHome          PlacementKind = "home"
	PlacedChildrensHome PlacementKind = "childrens_home"
	PlacedFoster        PlacementKind = "foster"
)

// Placement is where a child lived from a date until the next placement.
type Placement struct {
	From    time.Time
	Kind    PlacementKind
	Address *Address
	Setting *CareSetting // nil at home
}

// FullName returns given, middle and family names.
func (p *Person) FullName() string {
	if p.MiddleName == "" {
		return p.GivenName + " " + p.FamilyName
	}
	return p.GivenName + " " + p.MiddleName + " " + p.FamilyName
}

// AgeAt returns the person's age in whole years at t.
func (p *Person) AgeAt(t time.Time) int {
	y := t.Year() - p.DOB.Year()
	if t.Month() < p.DOB.Month() || t.Month() == p.DOB.Month() && t.Day() < p.DOB.Day() {
		y--
	}
	return y
}

// PlacementAt returns where a child lived at t (the first placement if t
// is before it).
func (p *Person) PlacementAt(t time.Time) Placement {
	if len(p.Placements) == 0 {
		if p.Household != nil {
			return Placement{Kind: PlacedHome, Address: p.Household.Address}
		}
		return Placement{}
	}
	cur := p.Placements[0]
	for _, pl := range p.Placements[1:] {
		if pl.From.After(t) {
			break
		}
		cur = pl
	}
	return cur
}

// AddressAt returns the person's address at t.
func (p *Person) AddressAt(t time.Time) *Address {
	if pl := p.PlacementAt(t); pl.Address != nil {
		return pl.Address
	}
	if p.Household != nil {
		return p.Household.Address
	}
	return nil
}

// InCareAt reports whether a child was looked after at t.
func (p *Person) InCareAt(t time.Time) bool { return p.PlacementAt(t).Setting != nil }

// SchoolAt returns the school a child attended at t, or nil.
func (p *Person) SchoolAt(t time.Time) *School {
	switch a := p.AgeAt(t); {
	case a < 11:
		return p.Primary
	case a < 16:
		return p.Secondary
	case a < 18:
		return p.College
	}
	return nil
}

// Email returns the address the person would give, on a domain reserved
// for examples (RFC 2606), so it can never reach anyone.
func (p *Person) Email() string {
	dom := [...]string{"example.com", "example.org", "example.net"}[p.idx%3]
	return fmt.Sprintf("%s.%s%02d@%s", asciiLower(p.GivenName), asciiLower(p.FamilyName), p.DOB.Year()%100, dom)
}

func asciiLower(s string) string {
	var b strings.Builder
	for _, c := range strings.ToLower(s) {
		if c >= 'a' && c <= 'z' {
			b.WriteRune(c)
		} else if f, ok := foldDiacritic[c]; ok {
			b.WriteRune(f)
		}
	}
	return b.String()
}

// foldDiacritic maps the accented letters in the name lists to plain ones,
// as many systems do when they cannot store them.
var foldDiacritic = map[rune]rune{
	'ó': 'o', 'ś': 's', 'ń': 'n', 'ł': 'l', 'ą': 'a', 'ę': 'e', 'ź': 'z', 'ż': 'z', 'ć': 'c',
	'é': 'e', 'ë': 'e', 'á': 'a', 'č': 'c', 'š': 's', 'ö': 'o', 'ț': 't', 'ș': 's',
}

// newPerson adds a person with a name and demographics from the town mix
// (or the given mix entry when eth >= 0).
func (b *builder) newPerson(kind PersonKind, g Gender, dob time.Time, eth int) *Person {
	r := b.r
	if eth < 0 {
		eth = r.weighted(ethnicWeights)
	}
	e := ethnicMix[eth]
	p := &Person{ID: entityID('P', len(b.w.People)+1), Kind: kind, Gender: g, DOB: dob, Ethnicity: e.eth, idx: len(b.w.People)}
	p.pool = e.pools[0]
	familyPool := p.pool
	if len(e.pools) > 1 {
		p.pool = e.pools[r.IntN(len(e.pools))]
		familyPool = e.pools[r.IntN(len(e.pools))]
	}
	p.Nationality = "GB"
	foreign := 0.1
	if kind != KindChild {
		foreign = 0.35
	}
	if len(e.nat) > 0 && r.chance(foreign) {
		p.Nationality = pick(r, e.nat)
	}
	b.nameGiven(p)
	p.FamilyName = b.surname(familyPool, g)
	b.w.People = append(b.w.People, p)
	return p
}

// nameGiven chooses given, middle and nick names from p's tradition.
func (b *builder) nameGiven(p *Person) {
	r, pool := b.r, p.pool
	young := p.DOB.Year() >= 1988
	list := func() []string {
		switch {
		case p.Gender == GenderFemale && !young && r.chance(0.7):
			return pool.women
		case p.Gender == GenderFemale:
			return pool.girls
		case !young && r.chance(0.7):
			return pool.men
		}
		return pool.boys
	}
	p.GivenName = pick(r, list())
	if r.chance(0.3) {
		if m := pick(r, list()); m != p.GivenName {
			p.MiddleName = m
		}
	}
	if pool.muslimMiddle && p.Gender == GenderMale && p.GivenName != "Mohammed" && r.chance(0.3) {
		p.GivenName, p.MiddleName = "Mohammed", p.GivenName
	}
	if nicks := nicknamesOf(p.GivenName); nicks != nil && r.chance(0.5) {
		p.Nickname = pick(r, nicks)
	} else if p.MiddleName != "" && p.GivenName == "Mohammed" {
		p.Nickname = p.MiddleName // known by the middle name
	}
}

func (b *builder) surname(pool *namePool, g Gender) string {
	s := pick(b.r, pool.surnames)
	for g == GenderMale && (s == "Begum" || s == "Kaur") {
		s = pick(b.r, pool.surnames)
	}
	if pool.polishForms && g == GenderFemale {
		s = feminine(s)
	}
	return s
}

// feminine gives the women's form of a Polish -ski, -cki or -dzki surname.
func feminine(s string) string {
	for _, suf := range []string{"ski", "cki", "dzki"} {
		if strings.HasSuffix(s, suf) {
			return s[:len(s)-1] + "a"
		}
	}
	return s
}

// newAdult adds an adult aged minAge to maxAge at ref to household h (or
// with an address of their own when h is nil).
func (b *builder) newAdult(h *Household, g Gender, ref time.Time, minAge, maxAge int, kind PersonKind) *Person {
	return b.newAdultEth(h, g, ref, minAge, maxAge, kind, -1)
}

func (b *builder) newAdultEth(h *Household, g Gender, ref time.Time, minAge, maxAge int, kind PersonKind, eth int) *Person {
	r := b.r
	dob := birthDate(ref.AddDate(-r.between(minAge, maxAge), -r.IntN(12), -r.IntN(28)))
	p := b.newPerson(kind, g, dob, eth)
	if h == nil {
		h = &Household{Address: b.newAddress(nil)}
	}
	p.Household = h
	h.Adults = append(h.Adults, p)
	return p
}

// ethIndex returns the mix entry of an ethnicity, so that relatives share it.
func ethIndex(e Ethnicity) int {
	for i, x := range ethnicMix {
		if x.eth == e {
			return i
		}
	}
	return 0
}

// birthDate returns the date of t in London as midnight UTC. Dates of
// birth are civil dates; keeping them in UTC makes the many age
// calculations of rendering cheap.
func birthDate(t time.Time) time.Time {
	y, m, d := t.In(vigil.London).Date()
	return time.Date(y, m, d, 0, 0, 0, 0, time.UTC)
}

func dateOnly(t time.Time) time.Time {
	y, m, d := t.Date()
	return time.Date(y, m, d, 0, 0, 0, 0, t.Location())
}

// nhsNumber returns the n-th valid NHS number of the test range: 999
// followed by six digits and the modulus 11 check digit.
func (b *builder) nhsNumber() string {
	for {
		base := 999000000 + b.nhsNext
		b.nhsNext++
		var d [9]int
		x := base
		for i := 8; i >= 0; i-- {
			d[i] = x % 10
			x /= 10
		}
		sum := 0
		for i := range 9 {
			sum += d[i] * (10 - i)
		}
		check := 11 - sum%11
		if check == 11 {
			check = 0
		}
		if check == 10 {
			continue // numbers whose check digit would be 10 are never issued
		}
		return fmt.Sprintf("%03d %03d %03d%d", base/1000000, base/1000%1000, base%1000, check)
	}
}

// lookup tables built once from the lists in namelists.go
var (
	variantIndex  = indexGroups(nameVariants, false)
	nicknameIndex = indexGroups(nicknames, true)
)

func indexGroups(groups [][]string, firstOnly bool) map[string][]string {
	m := map[string][]string{}
	for _, g := range groups {
		if firstOnly {
			m[g[0]] = g[1:]
			continue
		}
		if _, ok := m[g[0]]; !ok {
			m[g[0]] = g[1:]
		}
	}
	return m
}

// nicknamesOf returns the informal forms of a given name, or nil.
func nicknamesOf(given string) []string { return nicknameIndex[given] }

// variantsOf returns other spellings of a name, or nil.
func variantsOf(name string) []string { return variantIndex[name] }
