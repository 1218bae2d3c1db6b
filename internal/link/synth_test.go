package link

import (
	"fmt"
	"math"
	"math/rand/v2"
	"strings"
)

// A deterministic generator of person mentions with ground truth, for the
// scale benchmarks: people with Zipf-distributed names (a few very common,
// a long tail of rare ones), households sharing an address and a surname,
// and mentions written with the slips of real records: typos, nicknames,
// swapped day and month, missing fields, abbreviations, other formats.

var synthGiven = strings.Fields(`oliver george harry jack jacob noah charlie muhammad thomas oscar william
james leo alfie henry joshua freddie archie ethan isaac alexander joseph edward samuel max daniel arthur
lucas mohammed logan theo harrison benjamin mason sebastian finley adam dylan zachary riley teddy theodore
david elijah jake toby louie reuben arlo hugo luca jaxon matthew harvey reggie michael harley jude albert
tommy luke stanley jenson frankie jayden gabriel elliot mohammad ronnie liam caleb nathan ryan jamie aaron
ali ahmed omar yusuf ibrahim hassan bilal kian connor callum kyle lewis olivia amelia isla ava mia
ivy lily isabella rosie sophia grace willow freya florence emily ella poppy evie elsie charlotte evelyn
sienna sofia daisy phoebe sophie alice harper matilda ruby emilia maya millie isabelle eva luna jessica
esme aria imogen layla chloe mila scarlett ellie thea holly lucy erin emma hannah amber aisha fatima
zara maryam amira leah megan lauren bethany chelsea danielle natalie rebecca samantha stacey kelly
elizabeth catherine margaret susan patricia jennifer robert richard christopher anthony stephen
andrew mark paul peter kevin gary martin simon ian graham keith barry dean wayne darren lee craig`)

var synthFamily = strings.Fields(`smith jones williams taylor brown davies evans wilson thomas johnson
roberts robinson thompson wright walker white edwards hughes green hall lewis harris clarke patel
jackson wood turner martin cooper hill ward morris moore clark lee king baker harrison morgan allen
james scott phillips watson davis parker price bennett young griffiths mitchell kelly cook carter
richardson bailey collins bell shaw murphy miller cox richards khan marshall anderson simpson ellis
adams singh begum wilkinson foster chapman powell webb rogers gray mason ali hunt hussain campbell
matthews owen palmer holmes mills barnes knight lloyd butler russell barker fisher stevens jenkins
murray dixon harvey graham pearson ahmed fletcher walsh kaur gibson howard andrews stewart elliott
reynolds saunders payne fox ford pearce day brooks west lawrence cole atkinson bradley spencer gill
dawson ball burton obrien watts rose booth perry ryan grant wells armstrong francis rees hayes hart
hudson newman barrett webster hunter gregory carr lowe page marsh riley dunn woods parsons berry stone
reid holland hawkins harding porter robertson newton oliver reed kennedy williamson bird gardner shah
dean lane cooke bates henderson parry burgess bishop walton burns nicholson shepherd ross cross long
freeman warren nicholls hamilton byrne sutton mcdonald yates hodgson robson curtis hopkins osullivan`)

var synthSyllables = strings.Fields(`ab al an ar ash bar bel ber bram brook by cal car cart chester
coll dal dar den der don dun el en er fair far field ford gar gate ham har hart hay hol holm hurst
ing ings kel ker kin land lea ley lin ling lock low man mar mer mond more ner ney nor ock or ow
ray rick ridge rock ross sall sby shaw side stead stock ston thorn ton ven wal well wick win worth`)

var synthStreetTypes = []string{"road", "street", "lane", "avenue", "close", "drive", "way", "crescent", "grove", "place", "court", "gardens"}

var synthDomains = []string{"gmail.com", "hotmail.co.uk", "yahoo.co.uk", "outlook.com", "btinternet.com", "icloud.com"}

// zipf picks index i of n with probability proportional to 1/(i+1)^s.
type zipf struct{ cdf []float64 }

func newZipf(n int, s float64) zipf {
	z := zipf{cdf: make([]float64, n)}
	sum := 0.0
	for i := range n {
		sum += 1 / math.Pow(float64(i+1), s)
		z.cdf[i] = sum
	}
	for i := range z.cdf {
		z.cdf[i] /= sum
	}
	return z
}

func (z zipf) pick(rng *rand.Rand) int {
	x := rng.Float64()
	lo, hi := 0, len(z.cdf)-1
	for lo < hi {
		mid := (lo + hi) / 2
		if z.cdf[mid] < x {
			lo = mid + 1
		} else {
			hi = mid
		}
	}
	return lo
}

type synthPerson struct {
	given, family          string
	y, m, d                int
	house                  int
	street, town, postcode string
	phone, email, nhs      string
}

type synthGen struct {
	rng                     *rand.Rand
	givenZ, familyZ         zipf
	streets, towns, outward []string
	streetZ, townZ          zipf
	person                  int
}

func newSynthGen(seed uint64) *synthGen {
	g := &synthGen{rng: rand.New(rand.NewPCG(seed, 0x5eed))}
	g.givenZ = newZipf(len(synthGiven), 0.5)
	g.familyZ = newZipf(len(synthFamily), 0.5)
	for range 20000 {
		g.streets = append(g.streets, g.word(2, 3))
	}
	for range 1500 {
		g.towns = append(g.towns, g.word(2, 3))
	}
	for a := 'A'; a <= 'Z'; a++ {
		for b := 'A'; b <= 'Z'; b++ {
			for d := 1; d <= 9; d++ {
				g.outward = append(g.outward, fmt.Sprintf("%c%c%d", a, b, d))
			}
		}
	}
	g.streetZ, g.townZ = newZipf(len(g.streets), 0.6), newZipf(len(g.towns), 0.8)
	return g
}

func (g *synthGen) word(lo, hi int) string {
	n := lo + g.rng.IntN(hi-lo+1)
	var b strings.Builder
	for range n {
		b.WriteString(synthSyllables[g.rng.IntN(len(synthSyllables))])
	}
	return b.String()
}

func (g *synthGen) digits(n int) string {
	b := make([]byte, n)
	for i := range b {
		b[i] = byte('0' + g.rng.IntN(10))
	}
	return string(b)
}

// newPerson makes a person; with a household given, they live there and
// often share its surname.
func (g *synthGen) newPerson(home *synthPerson) synthPerson {
	r := g.rng
	p := synthPerson{given: synthGiven[g.givenZ.pick(r)]}
	if r.IntN(4) == 0 {
		p.given = g.word(2, 2) // a rarer given name
	}
	if r.IntN(3) == 0 {
		p.family = g.word(2, 3) // a rare surname
	} else {
		p.family = synthFamily[g.familyZ.pick(r)]
	}
	p.y, p.m, p.d = 1940+r.IntN(81), 1+r.IntN(12), 1+r.IntN(28)
	if home != nil {
		p.house, p.street, p.town, p.postcode = home.house, home.street, home.town, home.postcode
		if r.IntN(4) != 0 {
			p.family = home.family
		}
	} else {
		p.house = 1 + r.IntN(250)
		p.street = g.streets[g.streetZ.pick(r)] + " " + synthStreetTypes[r.IntN(len(synthStreetTypes))]
		p.town = g.towns[g.townZ.pick(r)]
		p.postcode = g.outward[r.IntN(len(g.outward))] + " " + fmt.Sprintf("%d%c%c", r.IntN(10), 'A'+r.IntN(26), 'A'+r.IntN(26))
	}
	if r.IntN(10) < 6 {
		p.phone = "07" + g.digits(9)
	}
	if r.IntN(10) < 4 {
		p.nhs = g.digits(10)
	}
	if r.IntN(10) < 3 {
		p.email = fmt.Sprintf("%s.%s%d@%s", p.given, p.family, r.IntN(100), synthDomains[r.IntN(len(synthDomains))])
	}
	g.person++
	return p
}

// typo makes one slip: a letter dropped, doubled, changed or swapped.
func (g *synthGen) typo(s string) string {
	if len(s) < 3 {
		return s
	}
	r := g.rng
	i := 1 + r.IntN(len(s)-1)
	switch r.IntN(4) {
	case 0:
		return s[:i] + s[i+1:]
	case 1:
		return s[:i] + s[i:i+1] + s[i:]
	case 2:
		return s[:i] + string(rune('a'+r.IntN(26))) + s[i+1:]
	}
	if i+1 < len(s) {
		return s[:i] + s[i+1:i+2] + s[i:i+1] + s[i+2:]
	}
	return s
}

var synthNick = map[string]string{"william": "bill", "robert": "bob", "elizabeth": "liz", "mohammed": "mo",
	"muhammad": "mohammed", "james": "jim", "thomas": "tom", "alexander": "alex", "samuel": "sam", "daniel": "dan",
	"joseph": "joe", "edward": "ted", "margaret": "maggie", "catherine": "kate", "richard": "dick",
	"christopher": "chris", "anthony": "tony", "michael": "mike", "jessica": "jess", "rebecca": "becky"}

// mention writes a person as one record of one agency would.
func (g *synthGen) mention(p synthPerson, id string) Mention {
	r := g.rng
	m := Mention{ID: id, GivenName: p.given, FamilyName: p.family}
	if r.IntN(100) < 12 {
		m.GivenName = g.typo(m.GivenName)
	} else if n, ok := synthNick[p.given]; ok && r.IntN(3) == 0 {
		m.GivenName = n
	}
	if r.IntN(100) < 10 {
		m.FamilyName = g.typo(m.FamilyName)
	}
	if r.IntN(100) < 2 {
		m.GivenName, m.FamilyName = m.FamilyName, m.GivenName
	}
	if r.IntN(100) < 5 {
		m.GivenName = ""
	}
	if r.IntN(2) == 0 {
		m.GivenName, m.FamilyName = strings.ToUpper(m.GivenName), strings.ToUpper(m.FamilyName)
	}
	y, mo, d := p.y, p.m, p.d
	switch x := r.IntN(100); {
	case x < 3:
		mo, d = d, mo
	case x < 7:
		d = 1 + r.IntN(28)
	case x < 9:
		y += 1 - 2*r.IntN(2)
	}
	switch x := r.IntN(100); {
	case x < 15: // unknown
	case x < 20:
		m.DOB = fmt.Sprint(y)
	case x < 60:
		m.DOB = fmt.Sprintf("%02d/%02d/%04d", d, mo, y)
	default:
		m.DOB = fmt.Sprintf("%04d-%02d-%02d", y, mo, d)
	}
	if r.IntN(100) < 70 {
		street := p.street
		if r.IntN(5) == 0 {
			street = strings.NewReplacer(" road", " rd", " street", " st", " avenue", " ave").Replace(street)
		}
		if r.IntN(100) < 8 {
			street = g.typo(street)
		}
		m.Address = fmt.Sprintf("%d %s", p.house, street)
		m.Locality = p.town
	}
	if r.IntN(100) < 70 {
		m.Postcode = p.postcode
		if r.IntN(100) < 5 {
			m.Postcode = g.typo(m.Postcode)
		} else if r.IntN(4) == 0 {
			m.Postcode = strings.ToLower(strings.ReplaceAll(m.Postcode, " ", ""))
		}
	}
	if p.phone != "" && r.IntN(100) < 50 {
		m.Phone = p.phone
		if r.IntN(3) == 0 {
			m.Phone = "+44 " + p.phone[1:5] + " " + p.phone[5:]
		}
		if r.IntN(100) < 3 {
			m.Phone = g.typo(m.Phone)
		}
	}
	if p.nhs != "" && r.IntN(100) < 60 {
		m.Identifier = p.nhs[:3] + " " + p.nhs[3:6] + " " + p.nhs[6:]
		if r.IntN(100) < 2 {
			m.Identifier = g.typo(m.Identifier)
		}
	}
	if p.email != "" && r.IntN(100) < 50 {
		m.Email = p.email
	}
	return m
}

// synthMentions makes n mentions of about n/1.6 people: 60 % mentioned once,
// others two to five times, as agencies record the same child again. It
// returns the mentions and the person each is of.
func synthMentions(seed uint64, n int) ([]Mention, []string) {
	g := newSynthGen(seed)
	ms := make([]Mention, 0, n)
	who := make([]string, 0, n)
	var home *synthPerson
	for len(ms) < n {
		if home == nil || g.rng.IntN(3) != 0 {
			home = nil
		}
		p := g.newPerson(home)
		if g.rng.IntN(4) == 0 {
			home = &p // the next person may live here too
		}
		k := 1
		switch x := g.rng.IntN(100); {
		case x < 60:
		case x < 85:
			k = 2
		case x < 95:
			k = 3
		default:
			k = 4 + g.rng.IntN(2)
		}
		for range k {
			if len(ms) == n {
				break
			}
			ms = append(ms, g.mention(p, fmt.Sprintf("m%d", len(ms))))
			who = append(who, fmt.Sprint(g.person))
		}
	}
	return ms, who
}
