package synth

import (
	"slices"
	"strconv"
	"strings"
	"time"
)

// Mentions: each entity a report names, as its writer recorded it. The
// noise model (noise.go) decides how far each field strays from the truth;
// these functions decide which fields a writer fills at all, given what it
// knows, and how the text then names the entity.

// addReporter adds the member of the public or young person who reported.
func (rc *renderer) addReporter() {
	p := rc.reporter
	if p == nil || rc.wr < wPublic {
		return
	}
	for i, t := range rc.ts {
		if t.Entity == p.ID {
			rc.ms[i].Role = RoleReporter
			return
		}
	}
	know := kKnown
	if rc.parent {
		know = kRecord
	}
	rc.person(p, RoleReporter, know, rc.parent)
}

// add appends a mention and its truth, returning its index.
func (rc *renderer) add(m Mention, t MentionTruth) int {
	i := len(rc.ms)
	m.ID = rc.rep.ID + "-" + strconv.Itoa(i+1)
	rc.ms = append(rc.ms, m)
	rc.ts = append(rc.ts, t)
	return i
}

// inNet returns the network id for an entity mentioned in a network's story.
func (rc *renderer) inNet() EntityID {
	if rc.net == nil {
		return ""
	}
	return rc.net.ID
}

// childMention adds the subject child, as the writer knows them.
func (rc *renderer) childMention() int {
	know := kRecord
	switch rc.wr {
	case wPolice:
		if rc.r.chance(0.3) {
			know = kKnown
		}
	case wPublic:
		know = kGlimpse
		if rc.parent {
			know = kRecord
		}
	case wYoung:
		know = kKnown
		if !rc.self {
			know = kGlimpse
		}
	}
	if !rc.named {
		i := rc.add(Mention{Kind: MentionPerson, Role: RoleChild, Gender: rc.child.Gender}, MentionTruth{
			Entity: rc.child.ID, Network: networkID(rc.child.Network), Noise: NoiseNoName | NoiseAgeOnly,
		})
		a, n := ageGuess(rc.r, rc.age, 2)
		rc.ms[i].Age = a
		rc.ts[i].Noise |= n
		return i
	}
	rc.slots[sChild] = rc.person(rc.child, RoleChild, know, rc.parent || rc.self)
	return len(rc.ms) - 1
}

// suspect adds a mention of an offender or other adult of concern.
func (rc *renderer) suspect(p *Person) string {
	know := kGlimpse
	switch rc.wr {
	case wPolice:
		know = kKnown
		if rc.r.chance(0.5) || rc.info.kind == KindIntelligence {
			know = kRecord
		}
	case wSocial, wSchool, wHealth:
		if rc.r.chance(0.4) || rc.ev.kind == evDomestic {
			know = kKnown
		}
	}
	return rc.person(p, RoleSuspect, know, false)
}

// person adds a mention of p as the writer records it and returns how the
// text names them. intimate means the writer knows p well (a parent about
// their child, a child about themselves): no misspelling.
func (rc *renderer) person(p *Person, role MentionRole, know knowledge, intimate bool) string {
	r, h := rc.r, rc.h
	// The agency's record of p is drawn from its own stream, so that every
	// report the agency writes carries the same spelling and the same
	// mistake, unless this report records p afresh.
	rr := r
	if rc.wr < wPublic && !r.chance(h.fresh) {
		rc.rec.reseed(mix(rc.g.opt.Seed, recordKey+uint64(rc.wr)), uint64(p.idx))
		rr = rc.rec
	}
	// Flags for the given and family names are kept apart, so that a
	// mention is flagged only for the noise in what it records.
	var n, gn, fn Noise
	given, family := p.GivenName, p.FamilyName
	if !intimate {
		if p.MiddleName != "" && rr.chance(h.middle) {
			given = p.MiddleName
			gn |= NoiseMiddleAsGiven
		}
		if vs := variantsOf(given); vs != nil && rr.chance(h.variant) {
			given = pick(rr, vs)
			gn |= NoiseVariant
		}
		if vs := variantsOf(family); vs != nil && rr.chance(h.variant) {
			family = pick(rr, vs)
			fn |= NoiseVariant
		}
		if rr.chance(h.typo) {
			if rr.chance(0.5) {
				given = typo(rr, given)
				gn |= NoiseTypo
			} else {
				family = typo(rr, family)
				fn |= NoiseTypo
			}
		}
	}
	if !isASCII(given) && rr.chance(h.fold) {
		given = foldString(given)
		gn |= NoiseFolded
	}
	if !isASCII(family) && rr.chance(h.fold) {
		family = foldString(family)
		fn |= NoiseFolded
	}
	// A variant folded back to the true spelling is no noise at all.
	if given == p.GivenName {
		gn &^= NoiseVariant | NoiseTypo | NoiseFolded
	}
	if family == p.FamilyName {
		fn &^= NoiseVariant | NoiseTypo | NoiseFolded
	}
	swap := !intimate && rr.chance(h.swap)
	dob, dn := dobNoise(rr, p.DOB, h)
	if intimate {
		dob, dn = p.DOB.Format(time.DateOnly), 0
	}
	nick := p.Nickname
	street := nick != "" && !slices.Contains(nicknamesOf(p.GivenName), nick) && nick != p.MiddleName
	useNick := nick != "" && !street && rr.chance(h.nickname)

	m := Mention{Kind: MentionPerson, Role: role}
	var age int
	var home *Address
	if p == rc.child {
		age, home = rc.age, rc.pl.Address
	} else {
		age, home = p.AgeAt(rc.at), p.AddressAt(rc.at)
	}
	spread := 2
	if p.Kind != KindChild {
		spread = 6
	}
	professional := rc.wr < wPublic
	switch know {
	case kRecord:
		m.GivenName, m.FamilyName = given, family
		m.DOB, n = dob, n|dn
		if r.chance(0.98) {
			m.Gender = p.Gender
		}
		if professional && r.chance(0.8) {
			m.Ethnicity = p.Ethnicity
			if r.chance(0.1) {
				m.Ethnicity = EthNotStated
			}
		}
		if street && r.chance(0.5) {
			m.Nickname = nick
		}
		if p.NHSNumber != "" && r.chance(h.identifier) {
			var in Noise
			m.Identifier, in = identifierNoise(r, p.NHSNumber, h)
			n |= in
		}
		if p.Phone != nil && r.chance(0.4) {
			var pn Noise
			m.Phone, pn = phoneNoise(r, p.Phone, h, know)
			n |= pn
		}
		if (rc.wr == wSchool && p.Kind == KindChild && r.chance(0.1)) || (role == RoleReporter && r.chance(0.5)) {
			m.Email = p.Email()
		}
	case kKnown:
		m.GivenName = given
		if r.chance(0.75) {
			m.FamilyName = family
		} else {
			n |= NoiseGivenOnly
		}
		switch {
		case r.chance(0.5):
			m.DOB, n = dob, n|dn
		case intimate:
			m.Age, n = age, n|NoiseAgeOnly
		default:
			var an Noise
			m.Age, an = ageGuess(r, age, spread/2)
			n |= NoiseAgeOnly | an
		}
		if r.chance(0.9) {
			m.Gender = p.Gender
		}
		if professional && r.chance(0.3) {
			m.Ethnicity = p.Ethnicity
		}
		if street && r.chance(0.7) {
			m.Nickname = nick
		}
		if p.Phone != nil && (r.chance(0.25) || role == RoleReporter && r.chance(0.8)) {
			var pn Noise
			m.Phone, pn = phoneNoise(r, p.Phone, h, know)
			n |= pn
		}
		if role == RoleReporter && m.Phone == "" && r.chance(0.6) {
			m.Email = p.Email()
		}
	case kGlimpse:
		switch {
		case nick != "" && r.chance(0.7):
			if street {
				m.Nickname = nick
			} else {
				m.GivenName = nick
			}
			n |= NoiseNickname
		case r.chance(0.7) || p.Kind == KindChild: // everyone knows a child's first name
			m.GivenName = given
		}
		if m.GivenName != "" && r.chance(0.2) {
			m.FamilyName = family
		} else if m.GivenName != "" {
			n |= NoiseGivenOnly
		}
		if m.GivenName == "" && m.Nickname == "" {
			n |= NoiseNoName
		}
		if r.chance(0.7) {
			var an Noise
			m.Age, an = ageGuess(r, age, spread)
			n |= NoiseAgeOnly | an
		}
		if r.chance(0.85) {
			m.Gender = p.Gender
		}
	}
	if useNick && m.GivenName != "" && know != kGlimpse {
		m.GivenName = nick
		n |= NoiseNickname
		gn = 0
	}
	if m.GivenName == given && given != "" {
		n |= gn
	}
	if m.FamilyName != "" {
		n |= fn
	}
	if swap && m.GivenName != "" && m.FamilyName != "" {
		m.GivenName, m.FamilyName = m.FamilyName, m.GivenName
		n |= NoiseSwapped
	}
	// Addresses: a child's or carer's home as the writer has it.
	if know != kGlimpse && (p.Kind == KindChild || role == RoleCarer || role == RoleReporter || know == kRecord) {
		a := home
		if a != nil && r.chance(h.oldAddress) && len(p.Placements) > 1 {
			if prev := p.PlacementAt(rc.at.AddDate(-1, 0, 0)).Address; prev != nil && prev != a {
				a = prev
				n |= NoiseOldAddress
			}
		}
		if a != nil && (know == kRecord || r.chance(0.4)) {
			var an Noise
			m.Address, m.Locality, m.Postcode, an = addressNoise(r, a, h, know)
			n |= an
		}
	}
	rc.layoutName(&m)
	rc.add(m, MentionTruth{Entity: p.ID, Network: networkID(p.Network), Noise: n})
	return rc.namePhrase(&m, p)
}

// layoutName sets FullName in the writer's layout and, for writers that
// keep one name field, clears the separate fields.
func (rc *renderer) layoutName(m *Mention) {
	h, r := rc.h, rc.r
	g, f := m.GivenName, m.FamilyName
	switch {
	case g == "" && f == "":
		if m.Nickname != "" {
			m.FullName = m.Nickname
		}
		return
	case f == "":
		m.FullName = g
	case h.surnameFirst && h.upper:
		m.FullName = strings.ToUpper(f) + ", " + g
	case h.surnameFirst:
		m.FullName = f + ", " + g
	case h.upper:
		m.FullName = g + " " + strings.ToUpper(f)
	default:
		m.FullName = g + " " + f
	}
	if h.lower && r.chance(0.3) {
		m.FullName = strings.ToLower(m.FullName)
	}
	if !r.chance(h.split) {
		m.GivenName, m.FamilyName = "", ""
	}
}

// namePhrase is how the text names a person.
func (rc *renderer) namePhrase(m *Mention, p *Person) string {
	name := m.FullName
	if m.GivenName != "" && m.FamilyName != "" {
		name = m.GivenName + " " + m.FamilyName
		if rc.h.upper {
			name = m.GivenName + " " + strings.ToUpper(m.FamilyName)
		}
	}
	if name == m.Nickname && name != "" {
		name = "'" + name + "'"
	} else if m.Nickname != "" {
		name += " ('" + m.Nickname + "')"
	}
	if name != "" {
		return name
	}
	if p.Kind == KindChild {
		if p.Gender == GenderFemale {
			return "a girl"
		}
		return "a boy"
	}
	if m.Age > 0 {
		return "a man aged about " + strconv.Itoa(m.Age)
	}
	return "an older man"
}

// knowVehicle is how well the writer knows a vehicle.
func (rc *renderer) knowVehicle() knowledge {
	switch rc.wr {
	case wPolice:
		if rc.r.chance(0.6) {
			return kRecord
		}
		return kKnown
	case wSocial, wSchool, wHealth:
		if rc.r.chance(0.4) {
			return kKnown
		}
	}
	return kGlimpse
}

// vehicle adds a mention of v and returns how the text describes it.
func (rc *renderer) vehicle(v *Vehicle) string {
	r, h := rc.r, rc.h
	know := rc.knowVehicle()
	var n Noise
	m := Mention{Kind: MentionVehicle}
	pPlate, pMake, pModel := 0.6, 0.5, 0.15
	switch know {
	case kRecord:
		pPlate, pMake, pModel = 1, 1, 0.9
	case kKnown:
		pPlate, pMake, pModel = 0.85, 0.85, 0.4
	}
	if r.chance(pPlate) {
		var pn Noise
		m.Plate, pn = plateNoise(r, v.Plate, h, know)
		n |= pn
	}
	if r.chance(pMake) {
		var mn Noise
		m.Make, mn = makeNoise(r, v.Make, h)
		n |= mn
		if mn&NoiseWrongMake == 0 && r.chance(pModel) {
			m.Model = v.Model
		}
	}
	if r.chance(0.9) || m.Plate == "" && m.Make == "" {
		var cn Noise
		m.Colour, cn = colourNoise(r, v.Colour, h)
		n |= cn
	}
	if v.Firm != nil && (know == kRecord || r.chance(0.7)) {
		m.TaxiFirm = firmNoise(r, v.Firm.Name)
	}
	rc.add(m, MentionTruth{Entity: v.ID, Network: rc.inNet(), Noise: n})

	var b strings.Builder
	desc := strings.TrimSpace(strings.ToLower(m.Colour) + " " + m.Make + " " + m.Model)
	switch {
	case desc == "":
		desc = "car"
	case m.Make == "":
		desc += " car"
	}
	if m.TaxiFirm != "" && m.Make == "" {
		desc = strings.TrimSuffix(desc, " car") + " " + m.TaxiFirm + " taxi"
	}
	b.WriteString(article(desc))
	b.WriteByte(' ')
	b.WriteString(desc)
	switch {
	case m.Plate == "":
	case n&NoisePartialPlate != 0:
		b.WriteString(", partial registration ")
		b.WriteString(m.Plate)
	default:
		b.WriteString(" (")
		b.WriteString(m.Plate)
		b.WriteByte(')')
	}
	return b.String()
}

// firmNoise returns a taxi firm's name as people say it.
func firmNoise(r *rng, name string) string {
	switch r.IntN(5) {
	case 0:
		if i := strings.LastIndexByte(name, ' '); i > 0 {
			return name[:i] // "Star" for "Star Cars"
		}
	case 1:
		return strings.ToLower(name)
	}
	return name
}

func article(s string) string {
	if s != "" && strings.ContainsRune("aeiouAEIOU", rune(s[0])) {
		return "an"
	}
	return "a"
}

// venue adds a mention of a venue and returns how the text names it.
func (rc *renderer) venue(v *Venue) string {
	r, h := rc.r, rc.h
	var n Noise
	m := Mention{Kind: MentionVenue}
	if r.chance(0.9) {
		m.VenueKind = v.Kind
	}
	pName := 0.6
	switch rc.wr {
	case wPolice, wSocial:
		pName = 0.95
	case wSchool, wHealth:
		pName = 0.8
	}
	kindWord := strings.ReplaceAll(string(v.Kind), "_", " ")
	var phrase string
	if r.chance(pName) {
		m.VenueName = v.Name
		if r.chance(h.typo) {
			m.VenueName = typo(r, v.Name)
			n |= NoiseTypo
		}
		if h.lower && r.chance(0.3) {
			m.VenueName = strings.ToLower(m.VenueName)
		}
		phrase = m.VenueName
		if v.Kind == VenueTakeaway && r.chance(0.5) {
			phrase = "the " + phrase + " takeaway"
		}
	} else {
		n |= NoiseVenueName
		phrase = "the " + kindWord + " on " + v.Address.Street.Name
		m.Address = v.Address.Street.Name
	}
	if m.Address == "" && r.chance(0.5) {
		know := kGlimpse
		if rc.wr <= wSocial {
			know = kKnown
		}
		var an Noise
		m.Address, m.Locality, m.Postcode, an = addressNoise(r, v.Address, h, know)
		n |= an
	}
	rc.add(m, MentionTruth{Entity: v.ID, Network: rc.inNet(), Noise: n})
	return phrase
}

// placeMention adds a mention of an address and returns how the text
// names it: name if given, else the address as written.
func (rc *renderer) placeMention(a *Address, know knowledge, name string) string {
	line, loc, pc, n := addressNoise(rc.r, a, rc.h, know)
	m := Mention{Kind: MentionAddress, Address: line, Locality: loc, Postcode: pc}
	if name == a.Street.Name {
		m.Address, m.Postcode = a.Street.Name, ""
		n |= NoisePartialAddress
	}
	net := EntityID("")
	if rc.net != nil && slices.Contains(rc.net.Addresses, a) {
		net = rc.net.ID
	}
	rc.add(m, MentionTruth{Entity: a.ID, Network: net, Noise: n})
	switch {
	case name != "":
		return name
	case n&NoisePartialAddress != 0 && !strings.HasPrefix(line, "a ") && !strings.HasPrefix(line, "off "):
		if line[0] < '0' || line[0] > '9' {
			return "an address on " + line
		}
	case strings.HasPrefix(line, "off "):
		return "an address " + line
	}
	return line
}

// phoneMention adds a mention of a phone number.
func (rc *renderer) phoneMention(ph *Phone) string {
	know := kGlimpse
	if rc.wr == wPolice {
		know = kRecord
	} else if rc.wr <= wHealth {
		know = kKnown
	}
	s, n := phoneNoise(rc.r, ph, rc.h, know)
	rc.add(Mention{Kind: MentionPhone, Phone: s}, MentionTruth{Entity: ph.ID, Network: rc.inNet(), Noise: n})
	return s
}

// handleMention adds a mention of an online handle.
func (rc *renderer) handleMention(hd *Handle) string {
	s, n := handleNoise(rc.r, hd.Name, rc.h)
	m := Mention{Kind: MentionHandle, Handle: s}
	if rc.r.chance(0.9) {
		m.Platform = hd.Platform
	}
	net := EntityID("")
	if hd.Owner != nil {
		net = networkID(hd.Owner.Network)
	}
	rc.add(m, MentionTruth{Entity: hd.ID, Network: net, Noise: n})
	return s
}
