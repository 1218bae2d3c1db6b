package synth

import (
	"math"
	"time"

	"github.com/vigil-project/vigil"
)

// builder holds the state of one world under construction. It draws from a
// single rng in a fixed order; maps are used for lookups only, never
// iterated, so the order of draws, and therefore the world, is fixed by
// the options.
type builder struct {
	opt    WorldOptions
	preset preset
	r      *rng
	w      *World

	start time.Time // midnight of the first day, Europe/London
	days  int       // days in the period, counting a part day at the end

	names       map[string]bool // names, plates, handles and usernames already given out
	streetsOf   map[*Locality][]*Street
	schools     map[SchoolPhase][]*School
	venuesOf    map[VenueKind][]*Venue
	teams       map[string]*Team
	firstPost   map[string]*Post
	pupils      map[*School][]*Person
	neighbour   map[*Street][]*Household
	missingDays map[*Person][]int // days of each child's missing episodes

	mobiles, landlines *phonePool
	nhsNext            int

	children []*Person
	homes    []*CareSetting // children's homes
	fosters  []*CareSetting
	online   []*Person // online groomers, some of whom contact several children

	plan []event
}

func newBuilder(opt WorldOptions) *builder {
	w := &World{End: opt.End, Start: opt.End.AddDate(-opt.Years, 0, 0)}
	b := &builder{
		opt: opt, preset: presetOf(opt.Scale), w: w,
		r:           newRNG(opt.Seed, 0x5eed0fa701d),
		names:       map[string]bool{},
		streetsOf:   map[*Locality][]*Street{},
		schools:     map[SchoolPhase][]*School{},
		venuesOf:    map[VenueKind][]*Venue{},
		teams:       map[string]*Team{},
		firstPost:   map[string]*Post{},
		pupils:      map[*School][]*Person{},
		neighbour:   map[*Street][]*Household{},
		missingDays: map[*Person][]int{},
	}
	b.start = dateOnly(w.Start)
	b.days = int(math.Ceil(w.End.Sub(b.start).Hours() / 24))
	b.mobiles = newPhonePool(b.r, "07700 900")
	b.landlines = newPhonePool(b.r, "01632 960")
	return b
}

func (b *builder) build() {
	b.buildPlaces()
	b.buildStaff()
	b.buildCare()
	b.addPlacePosts()
	b.buildTaxiFirms()
	b.buildChildren()
	b.buildNetworks()
	b.planStories()
	b.givePhonesToCarers()
}

// dayTime returns the time minute minutes into day d of the period.
func (b *builder) dayTime(d, minute int) time.Time {
	y, m, dd := b.start.Date()
	return time.Date(y, m, dd+d, 0, minute, 0, 0, vigil.London)
}

// dayOf returns the day of the period that t falls on (negative before it).
func (b *builder) dayOf(t time.Time) int {
	// Count civil days, so that a clock change never moves a birthday.
	y, m, d := t.In(vigil.London).Date()
	sy, sm, sd := b.start.Date()
	return int(time.Date(y, m, d, 12, 0, 0, 0, time.UTC).Sub(time.Date(sy, sm, sd, 12, 0, 0, 0, time.UTC)).Hours() / 24)
}

// buildCare makes the children's homes and foster households.
func (b *builder) buildCare() {
	r, w := b.r, b.w
	n := b.opt.Children
	for range max(1, n/1000) {
		st := b.randomStreet(nil)
		a := b.newAddress(st)
		a.Flat = ""
		a.Building = b.uniqueName(pick(r, placeStems) + pick(r, []string{" House", " Lodge", " View", " Court"}))
		c := &CareSetting{ID: entityID('C', len(w.CareSettings)+1), Kind: CareChildrensHome, Name: a.Building, Address: a}
		w.CareSettings = append(w.CareSettings, c)
		b.homes = append(b.homes, c)
	}
	for range max(2, n/200) {
		h := &Household{Address: b.newAddress(nil)}
		c1 := b.newAdult(h, GenderFemale, w.Start, 35, 60, KindAdult)
		c := &CareSetting{ID: entityID('C', len(w.CareSettings)+1), Kind: CareFoster, Address: h.Address, Carers: []*Person{c1}}
		if r.chance(0.6) {
			c2 := b.newAdultEth(h, GenderMale, w.Start, 35, 65, KindAdult, ethIndex(c1.Ethnicity))
			c2.FamilyName = c1.FamilyName
			c.Carers = append(c.Carers, c2)
		}
		c.Name = c1.FamilyName + " foster household"
		w.CareSettings = append(w.CareSettings, c)
		b.fosters = append(b.fosters, c)
	}
}

// buildChildren makes the children who come to agencies' attention over
// the period, with their families, schools and placements.
func (b *builder) buildChildren() {
	r := b.r
	for len(b.children) < b.opt.Children {
		first := r.IntN(b.days)
		dob := birthDate(b.dayTime(first, 0).AddDate(0, 0, -r.between(10*365+3, 18*365-20)))
		h := b.newFamily(dob)
		b.newChild(h, dob, first)
		if len(b.children) < b.opt.Children && r.chance(0.15) {
			dob2 := birthDate(dob.AddDate(pick(r, []int{-4, -3, -2, -1, 1, 2, 3}), r.IntN(12)-6, 0))
			first2 := first + r.between(-30, 30)
			if r.chance(0.4) {
				first2 = r.IntN(b.days)
			}
			lo := max(0, b.dayOf(dob2.AddDate(10, 0, 0)))
			hi := min(b.days-1, b.dayOf(dob2.AddDate(18, 0, 0))-1)
			if lo <= hi {
				b.newChild(h, dob2, max(lo, min(hi, first2)))
			}
		}
	}
}

// newFamily makes a household with a mother and often a father.
func (b *builder) newFamily(childDOB time.Time) *Household {
	r := b.r
	h := &Household{Address: b.newAddress(nil)}
	b.neighbour[h.Address.Street] = append(b.neighbour[h.Address.Street], h)
	mum := b.newAdult(h, GenderFemale, childDOB, 17, 40, KindAdult)
	if r.chance(0.55) {
		eth := ethIndex(mum.Ethnicity)
		if r.chance(0.15) {
			eth = -1
		}
		dad := b.newAdultEth(h, GenderMale, childDOB, 18, 45, KindAdult, eth)
		if r.chance(0.6) {
			mum.FamilyName = dad.FamilyName
			if mum.pool.polishForms {
				mum.FamilyName = feminine(dad.FamilyName)
			}
		}
	}
	return h
}

// newChild adds a child to household h, first known to agencies on day first.
func (b *builder) newChild(h *Household, dob time.Time, first int) *Person {
	r := b.r
	g := GenderFemale
	if r.chance(0.4) {
		g = GenderMale
	}
	mum := h.Adults[0]
	c := b.newPerson(KindChild, g, dob, ethIndex(mum.Ethnicity))
	c.FamilyName = mum.FamilyName
	if len(h.Adults) > 1 && r.chance(0.8) {
		c.FamilyName = h.Adults[1].FamilyName
	}
	if c.pool.polishForms && g == GenderFemale {
		c.FamilyName = feminine(c.FamilyName)
	} else if c.pool.polishForms && g == GenderMale && len(h.Adults) > 1 {
		c.FamilyName = h.Adults[1].FamilyName
	}
	c.Household = h
	h.Children = append(h.Children, c)
	c.NHSNumber = b.nhsNumber()
	c.first = first
	c.last = min(b.days, b.dayOf(dob.AddDate(18, 0, 0)))
	c.Primary = pick(r, b.schools[PhasePrimary])
	c.Secondary = pick(r, b.schools[PhaseSecondary])
	c.College = pick(r, b.schools[PhaseCollege])
	b.pupils[c.Secondary] = append(b.pupils[c.Secondary], c)
	c.Placements = []Placement{{From: b.dayTime(first, 0), Kind: PlacedHome, Address: h.Address}}
	switch {
	case r.chance(0.07): // already looked after when first known
		c.Placements[0] = b.carePlacement(b.dayTime(first-r.IntN(700), 0), r.chance(0.35))
	case r.chance(0.04):
		b.enterCare(c, first+r.IntN(max(1, c.last-first)), r.chance(0.35))
	}
	b.children = append(b.children, c)
	return c
}

// carePlacement places a child in a children's home or with foster carers.
func (b *builder) carePlacement(from time.Time, home bool) Placement {
	if home {
		s := pick(b.r, b.homes)
		return Placement{From: from, Kind: PlacedChildrensHome, Address: s.Address, Setting: s}
	}
	s := pick(b.r, b.fosters)
	return Placement{From: from, Kind: PlacedFoster, Address: s.Address, Setting: s}
}

// enterCare adds a care placement from day d, keeping placements in order.
func (b *builder) enterCare(c *Person, d int, home bool) {
	pl := b.carePlacement(b.dayTime(d, 0), home)
	i := len(c.Placements)
	for i > 0 && c.Placements[i-1].From.After(pl.From) {
		i--
	}
	c.Placements = append(c.Placements[:i], append([]Placement{pl}, c.Placements[i:]...)...)
}

// givePhonesToCarers deals the mobile numbers left over to mothers, so
// that public reports can carry a reporter's number.
func (b *builder) givePhonesToCarers() {
	for _, c := range b.children {
		if len(b.mobiles.free) == 0 {
			return
		}
		if mum := c.Household.Adults[0]; mum.Phone == nil && b.r.chance(0.5) {
			b.mobile(mum)
		}
	}
}
