package synth

import (
	"fmt"
	"strconv"
	"strings"
)

// Places: localities, streets, addresses, schools, care settings, venues.
// Every name is invented and every postcode is in area ZZ, which the Royal
// Mail never issues, written in the valid UK format (outward code "ZZ4",
// full "ZZ4 3AB"), so that normalisers meet real shapes and no address is
// anyone's.

// Locality is a neighbourhood with its own postcode district.
type Locality struct {
	Name    string // e.g. "Brindley"
	Town    string // the post town, e.g. "Kettleford"
	Outward string // the postcode district, e.g. "ZZ4"
}

// Street is a street in a locality. Its houses share a few postcode units.
type Street struct {
	Name     string
	Locality *Locality
	units    []string // inward codes such as "3AB"
	next     int      // the last house number given out
}

// Address is a real dwelling or premises.
type Address struct {
	ID       EntityID
	Building string // a building's name, e.g. "Rowan House"; usually ""
	Flat     string // e.g. "Flat 2"; usually ""
	Number   int
	Street   *Street
	Postcode string // full postcode, e.g. "ZZ4 3AB"
}

// Line returns the first line of the address, e.g. "Flat 2, 14 Mill Lane".
func (a *Address) Line() string {
	var b strings.Builder
	if a.Building != "" {
		b.WriteString(a.Building)
		b.WriteString(", ")
	}
	if a.Flat != "" {
		b.WriteString(a.Flat)
		b.WriteString(", ")
	}
	b.WriteString(strconv.Itoa(a.Number))
	b.WriteByte(' ')
	b.WriteString(a.Street.Name)
	return b.String()
}

// Outward returns the postcode district, e.g. "ZZ4".
func (a *Address) Outward() string { return a.Street.Locality.Outward }

// String returns the whole address on one line.
func (a *Address) String() string {
	l := a.Street.Locality
	return a.Line() + ", " + l.Name + ", " + l.Town + " " + a.Postcode
}

// SchoolPhase says which children a school teaches.
type SchoolPhase string

// School phases. Children of 10 are in primary school, 11 to 15 in
// secondary, 16 and 17 at college; excluded children go to a pupil
// referral unit.
const (
	PhasePrimary   SchoolPhase = "primary"
	PhaseSecondary SchoolPhase = "secondary"
	PhaseCollege   SchoolPhase = "college"
	PhasePRU       SchoolPhase = "pupil_referral_unit"
)

// School is a school or college, with its designated safeguarding lead's post.
type School struct {
	ID      EntityID
	Name    string
	Phase   SchoolPhase
	Address *Address
	DSL     *Post
}

// CareKind is the kind of a care placement.
type CareKind string

// Kinds of care setting for looked-after children.
const (
	CareChildrensHome CareKind = "childrens_home"
	CareFoster        CareKind = "foster"
)

// CareSetting is a children's home or a foster household.
type CareSetting struct {
	ID      EntityID
	Kind    CareKind
	Name    string // "Rowan House" for a home; the carers' surname for foster care
	Address *Address
	Carers  []*Person // foster carers; nil for a home
	Manager *Post     // the home's manager; nil for foster care
}

// VenueKind is the kind of a public place.
type VenueKind string

// Venue kinds: the places that recur in exploitation cases, and ordinary
// places children go.
const (
	VenueTakeaway   VenueKind = "takeaway"
	VenueHotel      VenueKind = "hotel"
	VenueShishaBar  VenueKind = "shisha_bar"
	VenuePark       VenueKind = "park"
	VenueBusStation VenueKind = "bus_station"
)

// Venue is a named public place.
type Venue struct {
	ID      EntityID
	Kind    VenueKind
	Name    string
	Address *Address
}

const unitLetters = "ABDEFGHJLNPQRSTUWXYZ" // letters used in inward codes (no C, I, K, M, O, V)

// buildPlaces makes localities, streets, schools, care settings, venues
// and taxi firms.
func (b *builder) buildPlaces() {
	r, w := b.r, b.w
	p := b.preset
	towns := max(1, p.districts/8)
	used := map[string]bool{}
	townNames := make([]string, towns)
	for i := range townNames {
		if i == 0 {
			townNames[i] = "Kettleford"
		} else {
			townNames[i] = b.uniquePlaceName(used)
		}
		used[townNames[i]] = true
	}
	if towns == 1 {
		w.Name = townNames[0]
	} else {
		w.Name = "Northmoor"
	}
	prev := -1
	for d := range p.districts {
		t := d * towns / p.districts
		name := townNames[t]
		if t == prev { // the town's first district is its centre and bears its name
			name = b.uniquePlaceName(used)
			used[name] = true
		}
		prev = t
		w.Localities = append(w.Localities, &Locality{Name: name, Town: townNames[t], Outward: "ZZ" + strconv.Itoa(d+1)})
	}
	households := b.opt.Children*6/7 + 1
	perDistrict := max(4, households/len(w.Localities)/22+1)
	for _, l := range w.Localities {
		names := map[string]bool{}
		units := map[string]bool{}
		for range perDistrict {
			var name string
			for {
				name = pick(r, placeStems) + " " + pick(r, streetTypes)
				if !names[name] {
					break
				}
			}
			names[name] = true
			st := &Street{Name: name, Locality: l}
			for range r.between(1, 3) {
				var u string
				for {
					u = strconv.Itoa(r.between(1, 9)) + string(unitLetters[r.IntN(len(unitLetters))]) + string(unitLetters[r.IntN(len(unitLetters))])
					if !units[u] {
						break
					}
				}
				units[u] = true
				st.units = append(st.units, u)
			}
			w.Streets = append(w.Streets, st)
			b.streetsOf[l] = append(b.streetsOf[l], st)
		}
	}

	// Schools: enough that each secondary school sees a few hundred of
	// the children over the period.
	n := b.opt.Children
	b.addSchools(PhaseSecondary, max(1, n/750))
	b.addSchools(PhasePrimary, max(1, n/250))
	b.addSchools(PhaseCollege, max(1, n/4500))
	b.addSchools(PhasePRU, towns)

	// Venues, district by district, so that each locality has its own
	// takeaways and parks and each town its bus station and hotels.
	for i, l := range w.Localities {
		for range r.between(2, 4) {
			b.addVenue(VenueTakeaway, l, takeawayNames)
		}
		if i%2 == 0 || r.chance(0.5) {
			b.addVenue(VenueHotel, l, hotelNames)
		}
		if r.chance(0.4) {
			b.addVenue(VenueShishaBar, l, shishaNames)
		}
		b.addVenue(VenuePark, l, nil)
		if l.Name == l.Town {
			b.addVenue(VenueBusStation, l, nil)
		}
	}
}

// uniquePlaceName invents a place name not yet used.
func (b *builder) uniquePlaceName(used map[string]bool) string {
	for {
		s := pick(b.r, placeStems)
		name := s + pick(b.r, placeSuffixes)
		if strings.HasSuffix(s, "e") && name[len(s)] == 'e' {
			continue
		}
		if !used[name] {
			return name
		}
	}
}

// randomStreet returns a street, in locality l if l is not nil.
func (b *builder) randomStreet(l *Locality) *Street {
	if l == nil {
		return pick(b.r, b.w.Streets)
	}
	return pick(b.r, b.streetsOf[l])
}

// newAddress adds a new address on a street (a random one if st is nil).
func (b *builder) newAddress(st *Street) *Address {
	r := b.r
	if st == nil {
		st = b.randomStreet(nil)
	}
	st.next += r.between(1, 4)
	a := &Address{ID: entityID('A', len(b.w.Addresses)+1), Number: st.next, Street: st}
	a.Postcode = st.Locality.Outward + " " + st.units[min(len(st.units)-1, (st.next/40)%len(st.units))]
	if r.chance(0.12) {
		a.Flat = "Flat " + strconv.Itoa(r.between(1, 12))
	}
	b.w.Addresses = append(b.w.Addresses, a)
	return a
}

func (b *builder) addSchools(phase SchoolPhase, n int) {
	r, w := b.r, b.w
	saints := []string{"Anne's", "Bernard's", "Cuthbert's", "Hilda's", "Aidan's", "Bede's", "Wilfrid's", "Mary's", "Joseph's", "Patrick's"}
	for i := range n {
		l := w.Localities[(i*7+r.IntN(3))%len(w.Localities)]
		var name string
		switch phase {
		case PhasePrimary:
			name = pick(r, placeStems) + pick(r, []string{" Primary School", " Junior School", " Primary Academy", " Community Primary"})
		case PhaseSecondary:
			switch r.IntN(4) {
			case 0:
				name = l.Name + " Academy"
			case 1:
				name = "St " + pick(r, saints) + " Catholic High School"
			default:
				name = pick(r, placeStems) + " " + pick(r, schoolSuffixes[:4])
			}
		case PhaseCollege:
			name = l.Town + " College"
			if i >= 1 {
				name = pick(r, placeStems) + " Sixth Form College"
			}
		case PhasePRU:
			name = l.Town + " Pupil Referral Unit"
		}
		name = b.uniqueName(name)
		s := &School{ID: entityID('S', len(w.Schools)+1), Name: name, Phase: phase, Address: b.newAddress(b.randomStreet(l))}
		w.Schools = append(w.Schools, s)
		b.schools[phase] = append(b.schools[phase], s)
	}
}

// uniqueName makes name unique in the world by adding a locality-like
// qualifier, as real duplicates are told apart.
func (b *builder) uniqueName(name string) string {
	if !b.names[name] {
		b.names[name] = true
		return name
	}
	for i := 2; ; i++ {
		n := fmt.Sprintf("%s (%s)", name, pick(b.r, b.w.Localities).Name)
		if i > 5 {
			n = fmt.Sprintf("%s %d", name, i)
		}
		if !b.names[n] {
			b.names[n] = true
			return n
		}
	}
}

func (b *builder) addVenue(kind VenueKind, l *Locality, names []string) *Venue {
	r := b.r
	var name string
	switch kind {
	case VenuePark:
		name = pick(r, []string{l.Name + " Park", l.Name + " Recreation Ground", pick(r, placeStems) + " Park", pick(r, placeStems) + " Fields"})
	case VenueBusStation:
		name = pick(r, []string{l.Town + " Interchange", l.Town + " Bus Station"})
	default:
		name = pick(r, names)
	}
	// Names repeat across a region (there are many Golden Frys); within a
	// locality they are unique, as a licensing register would insist.
	key := l.Outward + "|" + name
	for i := 2; b.names[key]; i++ {
		if names != nil && i < 20 {
			name = pick(r, names)
		} else {
			name = fmt.Sprintf("%s %d", name, i)
		}
		key = l.Outward + "|" + name
	}
	b.names[key] = true
	v := &Venue{ID: entityID('N', len(b.w.Venues)+1), Kind: kind, Name: name, Address: b.newAddress(b.randomStreet(l))}
	v.Address.Flat = ""
	b.w.Venues = append(b.w.Venues, v)
	b.venuesOf[kind] = append(b.venuesOf[kind], v)
	return v
}
