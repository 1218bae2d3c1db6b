package synth

import "time"

// Planning: each child's story becomes a list of events, each a small
// record that Reports later renders into a report. Ordinary children have
// one or more strands of ordinary concern (neglect, domestic abuse, online
// contact, bullying, mental health, going missing, absence, injuries, drink
// and drugs). Children exploited by a network follow an escalating pattern:
// grooming (absence, an older "boyfriend", gifts, a new phone, contact
// online), then exploitation (repeated missing episodes in clusters, cars
// and taxis, takeaways and hotels, clinic visits, disclosures that are
// sometimes withdrawn), while police intelligence and members of the public
// report the network's cars and places without naming any child.

// evKind is a kind of story event; each renders into one report.
type evKind uint8

const (
	evNeglect evKind = iota
	evDomestic
	evOnline
	evBullying
	evMentalHealth
	evMissing
	evReturnInterview
	evAbsence
	evPhysical
	evSubstance
	evLoneCSE
	evGroomSchool
	evGroomCarer
	evGroomOnline
	evCSEMissing
	evCSECar
	evCSETakeaway
	evCSETaxi
	evCSEHotel
	evCSEHealth
	evCSEDisclosure
	evCSECarer
	evIntel
	evSighting
	numEvKinds
)

// evInfo describes an event kind: its name in ground truth, the true
// category, what the writer records it as, and who writes it.
type evInfo struct {
	name     string
	cat      Category
	recorded Category
	kind     ReportKind
	writers  []writer
	weights  []float64
}

var events = [numEvKinds]evInfo{
	evNeglect:         {"neglect", CatNeglect, CatNeglect, KindConcern, []writer{wSchool, wHealth, wPublic, wPolice, wYoung}, []float64{40, 20, 25, 12, 3}},
	evDomestic:        {"domestic_abuse", CatDomesticAbuse, CatDomesticAbuse, KindConcern, []writer{wPolice, wSchool, wPublic, wYoung}, []float64{70, 20, 7, 3}},
	evOnline:          {"online_contact", CatOnline, CatOnline, KindConcern, []writer{wSchool, wPublic, wPolice, wYoung}, []float64{35, 30, 15, 20}},
	evBullying:        {"bullying", CatBullying, CatBullying, KindConcern, []writer{wSchool, wYoung, wPublic}, []float64{60, 25, 15}},
	evMentalHealth:    {"mental_health", CatMentalHealth, CatMentalHealth, KindConcern, []writer{wHealth, wSchool, wYoung}, []float64{60, 30, 10}},
	evMissing:         {"missing", CatMissing, CatMissing, KindMissing, []writer{wPolice}, []float64{1}},
	evReturnInterview: {"return_interview", CatMissing, CatMissing, KindReturnInterview, []writer{wSocial}, []float64{1}},
	evAbsence:         {"absence", CatAbsence, CatAbsence, KindConcern, []writer{wSchool}, []float64{1}},
	evPhysical:        {"physical_abuse", CatPhysicalAbuse, CatPhysicalAbuse, KindConcern, []writer{wSchool, wHealth, wPolice, wPublic}, []float64{45, 35, 12, 8}},
	evSubstance:       {"substance_use", CatSubstance, CatSubstance, KindConcern, []writer{wPolice, wHealth, wSchool}, []float64{50, 40, 10}},
	evLoneCSE:         {"lone_boyfriend", CatCSE, CatWelfare, KindConcern, []writer{wSchool, wPublic, wPolice, wHealth}, []float64{30, 25, 30, 15}},
	evGroomSchool:     {"cse.school", CatCSE, CatAbsence, KindConcern, []writer{wSchool}, []float64{1}},
	evGroomCarer:      {"cse.gifts", CatCSE, CatWelfare, KindConcern, []writer{wPublic, wSocial, wPolice}, []float64{50, 30, 20}},
	evGroomOnline:     {"cse.online", CatCSE, CatOnline, KindConcern, []writer{wSchool, wPublic, wYoung, wPolice}, []float64{30, 30, 20, 20}},
	evCSEMissing:      {"cse.missing", CatCSE, CatMissing, KindMissing, []writer{wPolice}, []float64{1}},
	evCSECar:          {"cse.car", CatCSE, CatWelfare, KindConcern, []writer{wPolice}, []float64{1}},
	evCSETakeaway:     {"cse.takeaway", CatCSE, CatWelfare, KindConcern, []writer{wPolice, wPublic}, []float64{60, 40}},
	evCSETaxi:         {"cse.taxi", CatCSE, CatWelfare, KindConcern, []writer{wSocial, wPolice, wPublic}, []float64{50, 30, 20}},
	evCSEHotel:        {"cse.hotel", CatCSE, CatCSE, KindConcern, []writer{wPublic, wPolice}, []float64{50, 50}},
	evCSEHealth:       {"cse.health", CatCSE, CatSexualHealth, KindConcern, []writer{wHealth}, []float64{1}},
	evCSEDisclosure:   {"cse.disclosure", CatCSE, CatCSE, KindConcern, []writer{wYoung, wSocial, wPolice}, []float64{35, 35, 30}},
	evCSECarer:        {"cse.carer", CatCSE, CatWelfare, KindConcern, []writer{wPolice, wPublic}, []float64{50, 50}},
	evIntel:           {"network.intelligence", CatCSE, CatCSE, KindIntelligence, []writer{wPolice}, []float64{1}},
	evSighting:        {"network.sighting", CatCSE, CatWelfare, KindConcern, []writer{wPublic}, []float64{1}},
}

// event is one planned report: 24 bytes, so that a region's million
// reports plan in a few tens of megabytes.
type event struct {
	at    int64 // Unix seconds
	child int32 // index in World.People, or -1
	other int32 // another person in the story (a partner, a peer, a lone offender), or -1
	net   int16 // index in World.Networks, or -1
	kind  evKind
	wr    writer
}

// strand is one ordinary strand of concern.
type strand struct {
	kind           evKind
	p              float64
	nMin, nMax     int
	lenMin, lenMax int // days over which its events spread
}

var strands = []strand{
	{evNeglect, 0.28, 1, 5, 30, 700},
	{evDomestic, 0.22, 1, 7, 60, 1500},
	{evOnline, 0.12, 1, 3, 7, 120},
	{evBullying, 0.12, 1, 3, 14, 200},
	{evMentalHealth, 0.14, 1, 4, 30, 500},
	{evMissing, 0.07, 1, 6, 30, 400},
	{evAbsence, 0.15, 1, 4, 60, 400},
	{evPhysical, 0.07, 1, 2, 1, 200},
	{evSubstance, 0.06, 1, 3, 30, 300},
	{evLoneCSE, 0.03, 2, 6, 60, 400},
}

var strandWeights = func() []float64 {
	ws := make([]float64, len(strands))
	for i, s := range strands {
		ws[i] = s.p
	}
	return ws
}()

// planStories plans every child's events and every network's intelligence.
func (b *builder) planStories() {
	for _, c := range b.children {
		b.planChild(c)
	}
	for _, n := range b.w.Networks {
		b.planNetwork(n)
	}
}

func (b *builder) planChild(c *Person) {
	r := b.r
	if c.last <= c.first {
		return
	}
	var chosen []strand
	for _, s := range strands {
		p := s.p
		if s.kind == evMissing && b.everInCare(c) {
			p = 0.45 // children in care go missing far more often
		}
		if r.chance(p) {
			chosen = append(chosen, s)
		}
	}
	if len(chosen) == 0 && c.cse == nil {
		chosen = append(chosen, strands[r.weighted(strandWeights)])
	}
	for i, s := range chosen {
		start := c.first
		if i > 0 {
			start = c.first + r.IntN(c.last-c.first)
		}
		n := r.between(s.nMin, s.nMax)
		if s.kind == evMissing && b.everInCare(c) {
			n = r.between(3, 20)
			s.lenMin, s.lenMax = 90, 900
		}
		length := r.between(s.lenMin, s.lenMax)
		other := b.otherParty(c, s.kind, start)
		for k := range n {
			d := start
			if k > 0 {
				d = start + r.IntN(length)
			}
			b.addChildEvent(c, s.kind, d, other)
		}
	}
	if c.cse != nil {
		b.planExploitation(c)
	}
}

// everInCare reports whether a child is looked after at any time.
func (b *builder) everInCare(c *Person) bool {
	for _, pl := range c.Placements {
		if pl.Setting != nil {
			return true
		}
	}
	return false
}

// otherParty returns the person at the other end of a strand: a mother's
// violent partner, a bully, an online groomer, an older "boyfriend".
func (b *builder) otherParty(c *Person, k evKind, day int) int32 {
	r, h := b.r, c.Household
	at := b.dayTime(day, 0)
	switch k {
	case evDomestic:
		if h.Partner == nil {
			var hh *Household
			if r.chance(0.5) {
				hh = h
			}
			h.Partner = b.newAdult(hh, GenderMale, at, 20, 45, KindAdult)
			if hh == nil {
				h.Partner.Household.Children = nil
			}
			if r.chance(0.3) {
				h.Partner.car = b.newVehicle(h.Partner, at, false)
			}
		}
		return int32(h.Partner.idx)
	case evBullying:
		peers := b.pupils[c.Secondary]
		for range 5 {
			if p := pick(r, peers); p != c {
				return int32(p.idx)
			}
		}
		return -1
	case evOnline:
		if len(b.online) > 0 && r.chance(0.3) {
			return int32(pick(r, b.online).idx) // one groomer, several children
		}
		g := GenderMale
		if r.chance(0.1) {
			g = GenderFemale
		}
		o := b.newAdult(nil, g, at, 20, 55, KindLoneOffender)
		b.newHandle(o, at)
		b.online = append(b.online, o)
		return int32(o.idx)
	case evLoneCSE:
		o := b.newAdult(nil, GenderMale, at, 18, 30, KindLoneOffender)
		if r.chance(0.7) {
			o.car = b.newVehicle(o, at, false)
		}
		b.mobile(o)
		if r.chance(0.4) {
			b.newHandle(o, at)
		}
		return int32(o.idx)
	}
	return -1
}

// planExploitation plans the escalating pattern of a child's exploitation.
func (b *builder) planExploitation(c *Person) {
	r, e := b.r, c.cse
	small := b.opt.Scale == ScaleSmall
	groom := []evKind{evGroomSchool, evGroomCarer, evGroomOnline, evCSEMissing}
	groomW := []float64{35, 30, 20, 15}
	nGroom := r.between(2, 6)
	if small {
		nGroom = r.between(1, 3)
	}
	for range nGroom {
		b.addChildEvent(c, groom[r.weighted(groomW)], e.from+r.IntN(max(1, e.groomEnd-e.from)), -1)
	}
	span := max(1, e.to-e.groomEnd)
	// Missing episodes come in clusters: three in thirty days is the
	// trigger for a strategy discussion that a loader can test.
	clusters := r.between(1, 6)
	if small {
		clusters = r.between(1, 2)
	}
	for range clusters {
		d := e.groomEnd + r.IntN(span)
		for range r.between(1, 4) {
			b.addChildEvent(c, evCSEMissing, min(e.to-1, d+r.IntN(30)), -1)
		}
	}
	mid := []evKind{evCSECar, evCSETakeaway, evCSETaxi, evCSEHotel, evCSEHealth, evCSEDisclosure, evCSECarer, evGroomSchool}
	midW := []float64{15, 15, 12, 12, 16, 12, 10, 8}
	nMid := r.between(2, 10)
	if small {
		nMid = r.between(2, 4)
	}
	for range nMid {
		b.addChildEvent(c, mid[r.weighted(midW)], e.groomEnd+r.IntN(span), -1)
	}
	if r.chance(0.5) {
		b.addChildEvent(c, evCSEDisclosure, e.groomEnd+r.IntN(span), -1)
	}
}

// planNetwork plans the intelligence and public sightings about a network
// that name no child.
func (b *builder) planNetwork(n *Network) {
	r := b.r
	years := float64(n.to-n.from) / 365
	count := r.poisson(years * 5)
	if b.opt.Scale == ScaleSmall {
		count = r.between(2, 4)
	}
	for range count {
		d := n.from + r.IntN(max(1, n.to-n.from))
		k := evIntel
		if r.chance(0.3) {
			k = evSighting
		}
		wr := events[k].writers[0]
		b.addEvent(event{child: -1, other: -1, net: int16(n.idx), kind: k, wr: wr}, d, n.from, n.to)
	}
}

// addChildEvent plans an event about child c on day d, with missing
// episodes followed by a return home interview when one was done.
func (b *builder) addChildEvent(c *Person, k evKind, d int, other int32) {
	r := b.r
	if d < c.first || d >= c.last {
		return
	}
	info := &events[k]
	wr := info.writers[r.weighted(info.weights)]
	if wr == wSchool && c.SchoolAt(b.dayTime(d, 0)) == nil {
		wr = wPolice
	}
	if k == evMissing || k == evCSEMissing {
		// A child cannot go missing twice at once: keep episodes two
		// days apart.
		for _, x := range b.missingDays[c] {
			if d-x < 2 && x-d < 2 {
				return
			}
		}
		b.missingDays[c] = append(b.missingDays[c], d)
	}
	ev := event{child: int32(c.idx), other: other, net: -1, kind: k, wr: wr}
	if c.cse != nil && k >= evGroomSchool {
		ev.net = int16(c.cse.net.idx)
	}
	if !b.addEvent(ev, d, c.first, c.last) {
		return
	}
	if k == evMissing || k == evCSEMissing {
		// Return interviews were done for fewer than half of episodes
		// early in the period and most of them later.
		frac := float64(d) / float64(b.days)
		if r.chance(0.35 + 0.5*frac) {
			rhi := ev
			rhi.kind, rhi.wr = evReturnInterview, wSocial
			if dd := d + r.between(1, 10); dd < c.last {
				b.addEvent(rhi, dd, c.first, c.last)
			}
		}
	}
}

// addEvent gives an event its time of day, moves school reports to a
// school day, and keeps it if it falls on a day in [first, last) and
// inside the period.
func (b *builder) addEvent(ev event, d, first, last int) bool {
	r := b.r
	var minute int
	switch {
	case ev.kind == evMissing || ev.kind == evCSEMissing:
		minute = r.between(17*60, 27*60) // reported in the evening or the small hours
	case ev.wr == wSchool:
		switch (int(b.start.Weekday()) + d) % 7 {
		case int(time.Saturday):
			d += 2
			if d >= last {
				d -= 3 // the Friday before
			}
		case int(time.Sunday):
			d++
			if d >= last {
				d -= 3
			}
		}
		minute = r.between(8*60+30, 16*60+30)
	case ev.wr == wSocial:
		minute = r.between(9*60, 17*60+30)
	case ev.wr == wHealth:
		minute = r.IntN(24 * 60)
	case ev.wr == wPolice:
		minute = (r.between(10*60, 34*60)) % (24 * 60)
	case ev.wr == wYoung:
		minute = r.between(15*60, 24*60-1)
	default:
		minute = r.between(7*60, 23*60)
	}
	if d < max(0, first) || d+minute/(24*60) >= min(b.days, last) {
		return false
	}
	t := b.dayTime(d, minute)
	if !t.Before(b.w.End) || t.Before(b.w.Start) {
		return false
	}
	ev.at = t.Unix()
	b.plan = append(b.plan, ev)
	return true
}
