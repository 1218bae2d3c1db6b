package synth

import (
	"strconv"
	"time"
)

// Slots: what each place in a template says, computed the first time a
// template uses it, so that only what the text names becomes a mention.

// fallback is what a template says when the cast has nobody or nothing
// for a slot: the writer did not know.
var fallback = [numSlots]string{
	sChild: "a child", sThey: "they", sTheyCap: "They", sTheir: "their", sThem: "them", sKid: "child",
	sCarer: "a parent", sCarerRel: "parent", sSuspect: "an older man", sSuspect2: "another man",
	sSuspectAge: "in his twenties", sVehicle: "a car", sVenue: "the town centre", sPlace: "an address nearby",
	sStreet: "a nearby street", sPhone: "an unknown number", sHandle: "an unknown account", sPlatform: "social media",
	sSchool: "school", sFrom: "home", sFound: "in the town centre", sDuration: "some hours", sDate: "last year",
	sPeer: "other pupils", sReporter: "a relative", sFirm: "private hire", sAge: "14", sAssociate: "another adult",
}

func (rc *renderer) compute(s slot) string {
	if !rc.can(s) {
		return fallback[s]
	}
	r, c := rc.r, rc.child
	female := c != nil && c.Gender == GenderFemale
	pron := func(f, m string) string {
		if female {
			return f
		}
		return m
	}
	switch s {
	case sChild:
		if rc.slots[sChild] != "" {
			return rc.slots[sChild]
		}
		return pron("a girl", "a boy")
	case sThey:
		return pron("she", "he")
	case sTheyCap:
		return pron("She", "He")
	case sTheir:
		return pron("her", "his")
	case sThem:
		return pron("her", "him")
	case sKid:
		return pron("daughter", "son")
	case sAge:
		if c == nil {
			return strconv.Itoa(r.between(13, 15))
		}
		a := rc.age
		if m := rc.ms; len(m) > 0 && rc.rep.Subject == 0 && m[0].Age > 0 {
			a = m[0].Age // the age the writer gave in the form
		} else if !rc.named || rc.wr >= wPublic && !rc.self && !rc.parent {
			a, _ = ageGuess(r, a, 1)
		}
		return strconv.Itoa(a)
	case sCarer:
		if rc.carer == nil {
			return rc.placeMention(rc.home.Address, kRecord, rc.home.Name)
		}
		know := kKnown
		if rc.wr >= wPublic && !rc.parent {
			know = kGlimpse
		}
		return rc.person(rc.carer, RoleCarer, know, false)
	case sCarerRel:
		switch {
		case rc.carer == nil:
			return "staff at"
		case rc.carer.Household != rc.child.Household:
			return "foster carer"
		case rc.carer.Gender == GenderFemale:
			return "mother"
		}
		return "father"
	case sSuspect:
		return rc.suspect(rc.sus1)
	case sSuspect2:
		return rc.suspect(rc.sus2)
	case sSuspectAge:
		a, _ := ageGuess(r, rc.sus1.AgeAt(rc.at), 4)
		switch {
		case a < 20:
			return "in his late teens"
		case a < 30:
			return "in his twenties"
		case a < 40:
			return "in his thirties"
		}
		return "in his forties or older"
	case sVehicle:
		return rc.vehicle(rc.veh)
	case sFirm:
		rc.fill(sVehicle)
		if f := rc.ms[rc.vehIdx()].TaxiFirm; f != "" {
			return f
		}
		return "private hire"
	case sVenue:
		return rc.venue(rc.ven)
	case sPlace:
		if rc.house != nil {
			return rc.placeMention(rc.house, rc.knowPlace(), "")
		}
		return rc.placeMention(rc.pl.Address, rc.knowPlace(), "")
	case sStreet:
		return rc.placeMention(rc.house, kGlimpse, rc.house.Street.Name)
	case sPhone:
		return rc.phoneMention(rc.phone)
	case sHandle:
		return rc.handleMention(rc.handle)
	case sPlatform:
		return rc.handle.Platform
	case sSchool:
		return rc.school.Name
	case sFrom:
		if rc.home != nil {
			return rc.placeMention(rc.home.Address, kRecord, rc.home.Name)
		}
		if rc.inCare {
			return pron("her", "his") + " foster placement"
		}
		return "home"
	case sFound:
		return rc.found()
	case sDuration:
		return durationPhrase(rc.missingFor())
	case sWhen:
		return whenPhrase(r, rc.at)
	case sDate:
		return rc.g.world.dayTime(c.cse.from).Format(rc.h.dateLayout)
	case sAssociate:
		know := kKnown
		if r.chance(0.5) {
			know = kRecord
		}
		return rc.person(rc.assoc, RoleAssociate, know, false)
	case sPeer:
		know := kRecord
		if rc.wr != wSchool {
			know = kKnown
		}
		return rc.person(rc.peer, RoleSuspect, know, false)
	case sReporter:
		if rc.home != nil {
			return "staff at " + rc.fill(sFrom)
		}
		if rc.carer != nil && rc.carer.Household != c.Household {
			return "foster carer " + rc.fill(sCarer)
		}
		if rc.carer != nil {
			return pron("her ", "his ") + rc.fill(sCarerRel) + " " + rc.fill(sCarer)
		}
		return "a relative"
	case sLog:
		if rc.ev.kind == evAbsence {
			return strconv.Itoa(r.between(55, 88))
		}
		return strconv.Itoa(r.between(100, 9999)) + "/" + strconv.Itoa(rc.at.Year()%100)
	}
	return ""
}

func (rc *renderer) vehIdx() int {
	for i := len(rc.ms) - 1; i >= 0; i-- {
		if rc.ms[i].Kind == MentionVehicle {
			return i
		}
	}
	return 0
}

// knowPlace is how well the writer knows an address.
func (rc *renderer) knowPlace() knowledge {
	switch rc.wr {
	case wPolice, wSocial:
		return kRecord
	case wSchool, wHealth:
		return kKnown
	}
	return kGlimpse
}

// found describes where a missing child was found.
func (rc *renderer) found() string {
	r := rc.r
	switch {
	case rc.net != nil && rc.veh != nil && r.chance(0.35):
		return "in " + rc.fill(sVehicle) + " parked near " + rc.fill(sVenue)
	case rc.house != nil && r.chance(0.5):
		return "at " + rc.fill(sPlace)
	case rc.ven != nil && r.chance(0.7):
		return "at " + rc.fill(sVenue)
	}
	return pick(r, []string{"in the town centre", "at a friend's house", "walking along the ring road", "at the bus station"})
}

// missingFor returns how long a missing child was away; the same for the
// text and the episode because it is drawn from its own key.
func (rc *renderer) missingFor() time.Duration {
	r := rc.aux
	r.reseed(mix(rc.g.opt.Seed, 0x6d697373), uint64(rc.i))
	hours := 2 + r.ExpFloat64()*14
	if rc.net != nil {
		hours *= 1.8
	}
	return time.Duration(hours * float64(time.Hour)).Truncate(15 * time.Minute)
}

func durationPhrase(d time.Duration) string {
	h := int(d.Hours())
	switch {
	case h < 1:
		return "less than an hour"
	case h == 1:
		return "an hour"
	case h < 30:
		return strconv.Itoa(h) + " hours"
	}
	return strconv.Itoa((h+12)/24) + " days"
}

func whenPhrase(r *rng, t time.Time) string {
	switch h := t.Hour(); {
	case r.chance(0.6):
		return "at " + t.Format("15:04")
	case h < 6:
		return "in the early hours"
	case h < 12:
		return "in the morning"
	case h < 18:
		return "in the afternoon"
	}
	return "in the evening"
}

// sentenceCase capitalises the first letter of each sentence, which a
// template may begin with a slot ("mother Sarah Smith says ...").
func sentenceCase(b []byte) {
	start := true
	for i, c := range b {
		switch {
		case start && c >= 'a' && c <= 'z':
			b[i] = c - 'a' + 'A'
			start = false
		case c == '.':
			start = i+1 < len(b) && b[i+1] == ' '
		case c != ' ':
			start = false
		}
	}
}
