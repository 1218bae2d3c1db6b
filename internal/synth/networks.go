package synth

import (
	"fmt"
	"time"
)

// Offender networks. A network is a group of men (and sometimes a woman
// who recruits) who share cars, phones and places and pass children
// between them; associates lend a flat, a car or a job at a takeaway. Some
// members drive for a licensed taxi firm. Each child a network exploits
// knows a few of its members (first an older "boyfriend"), a few of its
// cars and places, over months or years. Networks draw their members from
// the same town-wide population mix as everyone else; what makes them a
// network is behaviour, which is all that linking may rely on.

// Network is an offender network (ground truth).
type Network struct {
	ID         EntityID
	Name       string // a code name, e.g. "Operation Larch"
	From, To   time.Time
	Offenders  []*Person
	Associates []*Person
	Children   []*Person
	Vehicles   []*Vehicle
	Phones     []*Phone
	Venues     []*Venue
	Addresses  []*Address // houses and flats children are taken to
	Handles    []*Handle
	TaxiFirm   *TaxiFirm // the firm some members drive for, or nil

	idx      int
	from, to int // days of the period
}

// exploitation is one child's exploitation by a network.
type exploitation struct {
	net       *Network
	from      int // grooming starts
	groomEnd  int // exploitation proper starts
	to        int // the day after it ends
	boyfriend *Person
	suspects  []*Person // the members the child knows, boyfriend first
	vehicles  []*Vehicle
	venues    []*Venue
	houses    []*Address
	phones    []*Phone
	handle    *Handle // the boyfriend's account, if he used one
}

func (b *builder) buildNetworks() {
	for i := range b.opt.Networks {
		b.buildNetwork(i)
	}
}

func (b *builder) buildNetwork(i int) {
	r, w := b.r, b.w
	small := b.opt.Scale == ScaleSmall
	n := &Network{ID: entityID('G', i+1), idx: i}
	n.Name = "Operation " + networkCodeNames[i%len(networkCodeNames)]
	if i >= len(networkCodeNames) {
		n.Name += " " + string(rune('A'+i/len(networkCodeNames)-1))
	}
	if small {
		n.from, n.to = r.IntN(30), b.days
	} else {
		n.from = r.IntN(max(1, b.days-400))
		n.to = min(b.days, n.from+r.between(2*365, 9*365))
	}
	n.From, n.To = b.dayTime(n.from, 0), b.dayTime(n.to, 0)
	home := pick(r, w.Localities)
	town := home
	for _, l := range w.Localities {
		if l.Name == home.Town {
			town = l
		}
	}

	// Members: brothers and cousins share a surname and sometimes a house.
	nOff := r.between(3, 9)
	if small {
		nOff = r.between(2, 3)
	}
	famEth := r.weighted(ethnicWeights)
	famHouse := &Household{Address: b.newAddress(b.randomStreet(home))}
	famName := ""
	for k := range nOff {
		minAge, maxAge := 20, 50
		if k == 0 {
			minAge, maxAge = 18, 24 // the "boyfriend"
		}
		g := GenderMale
		if k > 1 && r.chance(0.05) {
			g = GenderFemale
		}
		var o *Person
		if k < 2 || r.chance(0.4) {
			hh := (*Household)(nil)
			if r.chance(0.5) {
				hh = famHouse
			}
			o = b.newAdultEth(hh, g, n.From, minAge, maxAge, KindOffender, famEth)
			if famName == "" {
				famName = o.FamilyName
			} else if o.pool == ethnicMix[famEth].pools[0] {
				o.FamilyName = famName
			}
		} else {
			o = b.newAdult(nil, g, n.From, minAge, maxAge, KindOffender)
		}
		if r.chance(0.5) {
			o.Nickname = pick(r, streetNames)
		}
		o.Network = n
		n.Offenders = append(n.Offenders, o)
	}
	for range r.between(1, 4) {
		g := GenderMale
		if r.chance(0.4) {
			g = GenderFemale
		}
		a := b.newAdult(nil, g, n.From, 20, 60, KindAssociate)
		a.Network = n
		n.Associates = append(n.Associates, a)
	}

	// Cars: their own, one registered to an associate, and taxis.
	for k := range r.between(1, 3) {
		keeper := n.Offenders[k%len(n.Offenders)]
		if r.chance(0.3) {
			keeper = pick(r, n.Associates)
		}
		n.Vehicles = append(n.Vehicles, b.newVehicle(keeper, n.From, false))
	}
	if len(w.TaxiFirms) > 0 && (small || r.chance(0.6)) {
		var firms []*TaxiFirm
		for _, f := range w.TaxiFirms {
			if f.Address.Street.Locality.Town == home.Town {
				firms = append(firms, f)
			}
		}
		if len(firms) == 0 {
			firms = w.TaxiFirms
		}
		f := pick(r, firms)
		n.TaxiFirm = f
		for k := range r.between(1, 2) {
			o := n.Offenders[(k+1)%len(n.Offenders)]
			v := b.newVehicle(o, n.From, true)
			v.Firm, v.Licence = f, licenceNo(len(w.Vehicles))
			f.Vehicles = append(f.Vehicles, v)
			n.Vehicles = append(n.Vehicles, v)
		}
	}

	// Phones: a few numbers shared between members.
	for range r.between(2, 5) {
		if ph := b.mobile(nil); ph != nil {
			n.Phones = append(n.Phones, ph)
		}
	}
	for k, o := range n.Offenders {
		if len(n.Phones) > 0 {
			ph := n.Phones[k%len(n.Phones)]
			o.Phone = ph
			if ph.User == nil {
				ph.User = o
			}
		}
	}
	n.Handles = append(n.Handles, b.newHandle(n.Offenders[0], n.From))

	// Places: a takeaway where a member works, hotels, a house or two,
	// and the places children are picked up.
	n.Venues = append(n.Venues, b.venueNear(VenueTakeaway, home))
	for range r.between(1, 2) {
		n.Venues = appendNew(n.Venues, b.venueNear(VenueHotel, town))
	}
	if r.chance(0.4) && len(b.venuesOf[VenueShishaBar]) > 0 {
		n.Venues = appendNew(n.Venues, b.venueNear(VenueShishaBar, home))
	}
	n.Venues = appendNew(n.Venues, b.venueNear(pick(r, []VenueKind{VenuePark, VenueBusStation}), home))
	n.Addresses = append(n.Addresses, famHouse.Address)
	if r.chance(0.7) {
		n.Addresses = append(n.Addresses, n.Associates[0].Household.Address)
	}
	w.Networks = append(w.Networks, n)
	b.recruit(n)
}

func appendNew[T comparable](xs []T, x T) []T {
	for _, y := range xs {
		if y == x {
			return xs
		}
	}
	return append(xs, x)
}

// licenceNo returns a private hire vehicle licence number.
func licenceNo(n int) string { return fmt.Sprintf("PH%04d", 100+n%9900) }

// venueNear returns a venue of kind k, in locality l if there is one.
func (b *builder) venueNear(k VenueKind, l *Locality) *Venue {
	var near []*Venue
	for _, v := range b.venuesOf[k] {
		if v.Address.Street.Locality == l {
			near = append(near, v)
		}
	}
	if len(near) == 0 {
		near = b.venuesOf[k]
	}
	if len(near) == 0 {
		return pick(b.r, b.venuesOf[VenueTakeaway])
	}
	return pick(b.r, near)
}

// recruit chooses the children a network exploits: children of 11 to 16
// while it is active, with children in care more likely to be chosen, as
// the inquiries found.
func (b *builder) recruit(n *Network) {
	r := b.r
	want := r.between(4, 20)
	switch b.opt.Scale {
	case ScaleSmall:
		want = 3
	case ScaleRegion:
		want = r.between(4, 16)
	}
	minLen := 120
	for tries := 0; len(n.Children) < want && tries < 400*want; tries++ {
		if tries == 200*want {
			minLen = 30 // a small world may have few children of the right age
		}
		c := pick(r, b.children)
		if c.cse != nil {
			continue
		}
		lo := max(n.from, b.dayOf(c.DOB.AddDate(11, 6, 0)), 0)
		hi := min(n.to, b.dayOf(c.DOB.AddDate(17, 0, 0)), c.last)
		if hi-lo < minLen {
			continue
		}
		inCare := c.InCareAt(b.dayTime(lo, 0))
		if !inCare && !r.chance(0.4) {
			continue
		}
		from := lo + r.IntN(max(1, hi-lo-minLen))
		e := &exploitation{net: n, from: from}
		e.groomEnd = min(hi-1, from+r.between(60, 240))
		e.to = min(hi, e.groomEnd+r.between(180, 1100))
		if b.opt.Scale == ScaleSmall {
			e.groomEnd = min(hi-1, from+r.between(30, 90))
			e.to = min(hi, e.groomEnd+r.between(90, 300))
		}
		// The boyfriend first, then others he passes the child to.
		e.boyfriend = n.Offenders[0]
		if len(n.Offenders) > 3 && r.chance(0.3) {
			e.boyfriend = n.Offenders[r.IntN(2)+1]
		}
		e.suspects = []*Person{e.boyfriend}
		for _, k := range r.Perm(len(n.Offenders))[:r.between(1, min(4, len(n.Offenders)))] {
			e.suspects = appendNew(e.suspects, n.Offenders[k])
		}
		for _, k := range r.Perm(len(n.Vehicles))[:r.between(1, min(3, len(n.Vehicles)))] {
			e.vehicles = append(e.vehicles, n.Vehicles[k])
		}
		for _, k := range r.Perm(len(n.Venues))[:r.between(1, min(3, len(n.Venues)))] {
			e.venues = append(e.venues, n.Venues[k])
		}
		e.houses = append(e.houses, n.Addresses[r.IntN(len(n.Addresses))])
		if len(n.Phones) > 0 {
			e.phones = append(e.phones, n.Phones[r.IntN(len(n.Phones))])
			if e.boyfriend.Phone != nil {
				e.phones = appendNew(e.phones, e.boyfriend.Phone)
			}
		}
		if r.chance(0.5) {
			e.handle = n.Handles[0]
		}
		c.cse = e
		c.Network = n
		c.first = min(c.first, max(from-r.IntN(200), b.dayOf(c.DOB.AddDate(10, 0, 0)), 0))
		if c.Phone == nil && r.chance(0.6) {
			b.mobile(c) // a phone he gave her, often
		}
		if !inCare && r.chance(0.25) {
			b.enterCare(c, min(hi-1, e.groomEnd+r.IntN(200)), r.chance(0.6))
		}
		n.Children = append(n.Children, c)
	}
}
