package synth

import (
	"slices"
	"strconv"
	"time"

	"github.com/vigil-project/vigil"
)

// Rendering turns one planned event into a Report. Each report draws from
// its own stream (keyed by its place in the plan), and each agency's
// record of an entity from a stream keyed by (writer, entity), so reports
// render independently of one another and in any number of passes.

const (
	renderKey = 0x7265706f7274 // "report"
	recordKey = 0x7265636f7264 // "record"
)

// renderer holds the state of rendering one report; one renderer serves a
// whole pass, reset for each report.
type renderer struct {
	g   *Generator
	w   *World
	r   *rng // the report's stream
	rec *rng // an agency's record of one entity
	aux *rng // the length of a missing episode, shared by text and episode

	i     int
	ev    event
	info  *evInfo
	at    time.Time
	wr    writer
	h     *habits
	rep   *Report
	ms    []Mention      // the report's mentions, while rendering
	ts    []MentionTruth // and their truth
	text  []byte
	tmpl  tmpl
	slots [numSlots]string
	done  [numSlots]bool

	// The cast of the report, chosen before its template.
	child    *Person
	pl       Placement // where the child lived at the time
	inCare   bool
	age      int     // the child's true age
	school   *School // the child's school at the time, or nil
	named    bool    // the child is named (an onlooker may not know who she is)
	net      *Network
	carer    *Person      // the parent or foster carer in the story
	home     *CareSetting // the children's home the child lives in, if any
	reporter *Person      // a member of the public who reported, or a friend
	parent   bool         // the reporter is the child's parent or carer
	self     bool         // a young person reporting about themselves
	sus1     *Person
	sus2     *Person
	assoc    *Person // a network's associate
	peer     *Person
	veh      *Vehicle
	ven      *Venue
	house    *Address
	phone    *Phone
	handle   *Handle
}

func newRenderer(g *Generator) *renderer {
	return &renderer{g: g, w: g.world, r: newRNG(0, 0), rec: newRNG(0, 0), aux: newRNG(0, 0)}
}

// render renders the i-th planned report.
func (rc *renderer) render(i int) *Report {
	g := rc.g
	*rc = renderer{g: g, w: rc.w, r: rc.r, rec: rc.rec, aux: rc.aux, text: rc.text[:0], ms: rc.ms[:0], ts: rc.ts[:0], i: i, ev: g.plan[i]}
	rc.r.reseed(mix(g.opt.Seed, renderKey), uint64(i))
	ev := rc.ev
	rc.info = &events[ev.kind]
	rc.wr = ev.wr
	rc.h = &writerHabits[ev.wr]
	rc.at = time.Unix(ev.at, 0).In(vigil.London)
	rep := &Report{
		ID: reportID(i), At: rc.at, Agency: writerAgency[ev.wr], Source: writerSource[ev.wr],
		Kind: rc.info.kind, Category: rc.info.recorded, Subject: -1,
	}
	rep.Truth.Event = rc.info.name
	rep.Truth.Category = rc.info.cat
	rc.rep = rep
	rc.cast()
	rc.chooseTemplate()

	if rc.child != nil {
		rep.Truth.Child = rc.child.ID
		rep.Subject = rc.childMention()
	}
	if rc.net != nil {
		rep.Truth.Network = rc.net.ID
	}
	if opener := rc.choose(openers[rc.wr]); opener != nil && rc.r.chance(0.35) {
		rc.say(opener)
	}
	rc.say(rc.tmpl)
	if closer := rc.choose(closers[rc.wr]); closer != nil && rc.r.chance(0.6) {
		rc.say(closer)
	}
	rc.addReporter()
	// Mentions are gathered in scratch space and copied out at their
	// exact size: a mention is large, and most reports have two or three.
	if len(rc.ms) > 0 {
		rep.Mentions, rep.Truth.Mentions = slices.Clone(rc.ms), slices.Clone(rc.ts)
	}
	if rc.wr < wPublic {
		sentenceCase(rc.text)
	}
	rep.Text = string(rc.text)
	if ev.kind == evMissing || ev.kind == evCSEMissing {
		rc.missing()
	}
	rep.RaisedBy = rc.raiser()
	rep.Handling = rc.handling()
	rc.retraction()
	return rep
}

func reportID(i int) string {
	var b [16]byte
	s := strconv.AppendInt(b[:0], int64(i+1), 10)
	out := make([]byte, 0, 8)
	out = append(out, 'R')
	for range 7 - len(s) {
		out = append(out, '0')
	}
	return string(append(out, s...))
}

// cast chooses who and what the report is about.
func (rc *renderer) cast() {
	r, w, ev := rc.r, rc.w, rc.ev
	var other *Person
	if ev.other >= 0 {
		other = w.People[ev.other]
	}
	if ev.net >= 0 {
		rc.net = w.Networks[ev.net]
	}
	if ev.child >= 0 {
		c := w.People[ev.child]
		rc.child = c
		pl := c.PlacementAt(rc.at)
		rc.pl, rc.inCare, rc.age = pl, pl.Setting != nil, c.AgeAt(rc.at)
		rc.school = c.SchoolAt(rc.at)
		// Neglect, injuries and violence at home concern the birth family
		// even for a child in care (during contact, or before the
		// placement); everything else concerns whoever looks after the
		// child now.
		family := ev.kind == evNeglect || ev.kind == evDomestic || ev.kind == evPhysical
		if pl.Setting != nil && pl.Setting.Kind == CareChildrensHome {
			rc.home = pl.Setting
		}
		switch {
		case pl.Setting != nil && !family && rc.home == nil:
			rc.carer = pl.Setting.Carers[0]
		case pl.Setting == nil || family:
			hh := c.Household
			rc.carer = hh.Adults[0]
			if len(hh.Adults) > 1 && r.chance(0.25) {
				rc.carer = hh.Adults[1]
			}
		}
	}
	switch ev.kind {
	case evDomestic:
		rc.sus1 = other
	case evBullying:
		rc.peer = other
	case evOnline:
		if other != nil && len(other.Handles) > 0 {
			rc.handle = other.Handles[0]
		}
	case evLoneCSE:
		rc.sus1 = other
		if other != nil {
			rc.veh, rc.phone = other.car, other.Phone
		}
	case evSubstance, evMissing:
		rc.ven = rc.g.venueNear(r, rc.child)
		if ev.kind == evMissing && r.chance(0.4) {
			rc.house = pick(r, w.Addresses[:max(1, len(w.Addresses)/2)])
		}
	case evIntel, evSighting:
		n := rc.net
		rc.sus1 = pick(r, n.Offenders)
		rc.sus2 = rc.other(n.Offenders, rc.sus1)
		rc.veh = pick(r, n.Vehicles)
		rc.ven = pick(r, n.Venues)
		rc.house = pick(r, n.Addresses)
		if len(n.Phones) > 0 {
			rc.phone = pick(r, n.Phones)
		}
	}
	if rc.net != nil && len(rc.net.Associates) > 0 {
		rc.assoc = pick(r, rc.net.Associates)
	}
	if rc.child != nil && rc.child.cse != nil && rc.net != nil {
		e := rc.child.cse
		rc.sus1 = e.boyfriend
		if rc.at.After(rc.g.world.dayTime(e.groomEnd)) && r.chance(0.5) {
			rc.sus1 = pick(r, e.suspects)
		}
		rc.sus2 = rc.other(e.suspects, rc.sus1)
		if rc.sus2 == nil {
			rc.sus2 = rc.other(e.net.Offenders, rc.sus1)
		}
		rc.veh = pick(r, e.vehicles)
		rc.ven = pick(r, e.venues)
		rc.house = pick(r, e.houses)
		if len(e.phones) > 0 {
			rc.phone = pick(r, e.phones)
		}
		rc.handle = e.handle
		if rc.handle == nil && len(e.net.Handles) > 0 {
			rc.handle = e.net.Handles[0]
		}
		switch ev.kind {
		case evCSETaxi:
			if v := rc.ofNet(func(v *Vehicle) bool { return v.Firm != nil }); v != nil {
				rc.veh = v
			}
		case evCSEHotel:
			rc.ven = rc.venueOf(VenueHotel)
		case evCSETakeaway:
			rc.ven = rc.venueOf(VenueTakeaway)
		}
	}
	rc.chooseReporter()
}

// other returns a member of xs other than not, or nil.
func (rc *renderer) other(xs []*Person, not *Person) *Person {
	if len(xs) < 2 {
		return nil
	}
	for {
		if p := pick(rc.r, xs); p != not {
			return p
		}
	}
}

func (rc *renderer) ofNet(ok func(*Vehicle) bool) *Vehicle {
	var vs []*Vehicle
	for _, v := range rc.net.Vehicles {
		if ok(v) {
			vs = append(vs, v)
		}
	}
	if len(vs) == 0 {
		return nil
	}
	return pick(rc.r, vs)
}

func (rc *renderer) venueOf(k VenueKind) *Venue {
	for _, v := range rc.net.Venues {
		if v.Kind == k {
			return v
		}
	}
	return rc.ven
}

// venueNear returns a park, bus station or takeaway in the child's
// locality: where children are found when nothing sinister is going on.
func (g *Generator) venueNear(r *rng, c *Person) *Venue {
	vs := g.ordinary[c.Household.Address.Street.Locality]
	if len(vs) == 0 {
		return pick(r, g.world.Venues)
	}
	return pick(r, vs)
}

// chooseReporter decides who a member of the public or a young person is.
func (rc *renderer) chooseReporter() {
	r, c := rc.r, rc.child
	switch rc.wr {
	case wPublic:
		switch rc.ev.kind {
		case evOnline, evBullying, evLoneCSE, evGroomCarer, evGroomOnline, evCSECarer:
			if rc.carer != nil {
				rc.reporter, rc.parent = rc.carer, true
			}
		case evNeglect, evDomestic, evPhysical, evCSETakeaway, evCSETaxi:
			if c != nil && r.chance(0.5) {
				hs := rc.g.neighbours[c.Household.Address.Street]
				if h := pick(r, hs); h != c.Household && len(hs) > 1 {
					rc.reporter = h.Adults[0]
				}
			}
		}
	case wYoung:
		rc.self = true
		if rc.ev.kind == evNeglect && c != nil {
			if peers := rc.g.pupils[c.Secondary]; len(peers) > 1 {
				if p := pick(r, peers); p != c {
					rc.reporter, rc.self = p, false
				}
			}
		}
	}
}

// chooseTemplate picks a template whose slots the cast can fill.
func (rc *renderer) chooseTemplate() {
	all := bodies[rc.ev.kind][rc.wr]
	if len(all) == 0 {
		for _, w := range []writer{wPolice, wSocial, wSchool, wHealth, wPublic} {
			if all = bodies[rc.ev.kind][w]; len(all) > 0 {
				break
			}
		}
	}
	rc.tmpl = rc.choose(all)
	if rc.tmpl == nil {
		rc.tmpl = all[rc.r.IntN(len(all))]
	}
	rc.named = rc.child != nil && (rc.wr != wPublic || rc.tmpl.uses(sChild))
}

// choose returns a random template of ts whose slots can all be filled, or nil.
func (rc *renderer) choose(ts []tmpl) tmpl {
	var ok [16]int
	n := 0
	for i, t := range ts {
		if rc.fits(t) && n < len(ok) {
			ok[n] = i
			n++
		}
	}
	if n == 0 {
		return nil
	}
	return ts[ok[rc.r.IntN(n)]]
}

func (rc *renderer) fits(t tmpl) bool {
	for _, g := range t {
		if g.hole && !rc.can(g.slot) {
			return false
		}
	}
	return true
}

// can reports whether the cast can fill slot s.
func (rc *renderer) can(s slot) bool {
	switch s {
	case sChild, sThey, sTheyCap, sTheir, sThem, sKid:
		return rc.child != nil
	case sAge:
		return rc.child != nil || rc.ev.kind == evSighting
	case sCarer, sCarerRel:
		return rc.carer != nil || rc.home != nil
	case sSuspect, sSuspectAge:
		return rc.sus1 != nil
	case sSuspect2:
		return rc.sus2 != nil
	case sVehicle:
		return rc.veh != nil
	case sFirm:
		return rc.veh != nil && rc.veh.Firm != nil
	case sVenue:
		return rc.ven != nil
	case sPlace:
		return rc.house != nil || rc.child != nil
	case sStreet:
		return rc.house != nil
	case sPhone:
		return rc.phone != nil
	case sHandle, sPlatform:
		return rc.handle != nil
	case sSchool:
		return rc.school != nil
	case sFrom, sFound, sDuration, sReporter:
		return rc.child != nil
	case sPeer:
		return rc.peer != nil
	case sAssociate:
		return rc.assoc != nil
	case sDate:
		return rc.child != nil && rc.child.cse != nil
	}
	return true
}

// say appends a template to the text, filling its slots.
func (rc *renderer) say(t tmpl) {
	if len(rc.text) > 0 {
		rc.text = append(rc.text, ' ')
	}
	for _, g := range t {
		if g.hole {
			rc.text = append(rc.text, rc.fill(g.slot)...)
		} else {
			rc.text = append(rc.text, g.lit...)
		}
	}
}

// fill returns the text of slot s, adding the mentions it names the first
// time it is used.
func (rc *renderer) fill(s slot) string {
	if rc.done[s] {
		return rc.slots[s]
	}
	v := rc.compute(s)
	rc.slots[s], rc.done[s] = v, true
	return v
}
