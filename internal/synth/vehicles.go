package synth

import (
	"fmt"
	"time"
)

// Vehicles and taxi firms. Plates follow the three formats a town's cars
// carried over the last decades (DVLA): current "AB12 CDE" (since September
// 2001), prefix "A123 BCD" (1983 to 2001) and suffix "ABC 123A" (1963 to
// 1983), each with the letter rules of its scheme, so that a plate
// normaliser meets real shapes. The letters are random, so a plate may
// happen to exist; it is never tied to anyone real.

// Vehicle is a real car.
type Vehicle struct {
	ID         EntityID
	Plate      string // as registered, e.g. "YX63 KHD"
	Make       string
	Model      string
	Colour     string
	Registered time.Time
	Keeper     *Person
	Firm       *TaxiFirm // the private hire firm it is licensed to, or nil
	Licence    string    // the private hire licence number, e.g. "PH0412"; "" for private cars
}

// TaxiFirm is a licensed private hire firm.
type TaxiFirm struct {
	ID       EntityID
	Name     string
	Address  *Address
	Phone    *Phone
	Vehicles []*Vehicle
}

const (
	plateLetters = "ABCDEFGHJKLMNOPRSTUVWXY" // current and prefix serial letters: no I, Q or Z
	prefixYears  = "ABCDEFGHJKLMNPR"         // prefix year letters for August 1983 to July 1998
	suffixYears  = "ABCDEFGHJKLMNPRSTVWXY"   // suffix year letters for 1963 to 1983
	memoryFirst  = "YYYYYMMNNPPSLWBDKOR"     // first letters of memory tags, weighted to the north
	memorySecond = "ABCDEFGHJKLMNOPRSTUVWXY"
)

// plateFor returns a plate of the format in use at reg.
func plateFor(r *rng, reg time.Time) string {
	y, m := reg.Year(), reg.Month()
	l := func(set string) byte { return set[r.IntN(len(set))] }
	switch {
	case y > 2001 || y == 2001 && m >= time.September:
		age := y % 100
		switch {
		case m >= time.September:
			age += 50
		case m < time.March:
			age += 49 // (y-1)%100 + 50: the September plate of the year before
		}
		return fmt.Sprintf("%c%c%02d %c%c%c", l(memoryFirst), l(memorySecond), age, l(plateLetters), l(plateLetters), l(plateLetters))
	case y > 1983 || y == 1983 && m >= time.August:
		var year byte
		switch months := (y-1983)*12 + int(m) - int(time.August); {
		case months < 15*12:
			year = prefixYears[months/12]
		default: // from August 1998 the letter changed every six months
			year = "STVWXY"[min(5, (months-15*12+1)/6)]
		}
		return fmt.Sprintf("%c%d %c%c%c", year, r.between(1, 999), l(plateLetters), l(plateLetters), l(plateLetters))
	default:
		year := suffixYears[max(0, min(len(suffixYears)-1, y-1963))]
		return fmt.Sprintf("%c%c%c %d%c", l(plateLetters), l(plateLetters), l(plateLetters), r.between(1, 999), year)
	}
}

// newVehicle adds a car registered some years before at; taxi chooses a
// private hire model.
func (b *builder) newVehicle(keeper *Person, at time.Time, taxi bool) *Vehicle {
	r := b.r
	ageMonths := r.between(0, 14*12)
	if r.chance(0.01) {
		ageMonths = r.between(28*12, 40*12) // an old banger on a suffix plate
	}
	reg := at.AddDate(0, -ageMonths, -r.IntN(28))
	mk := pick(r, vehicleMakes[:])
	models := mk.models
	if taxi {
		for mk.taxi == nil {
			mk = pick(r, vehicleMakes[:])
		}
		models = mk.taxi
	}
	v := &Vehicle{
		ID: entityID('V', len(b.w.Vehicles)+1), Make: mk.make, Model: pick(r, models),
		Colour: pick(r, colours), Registered: reg, Keeper: keeper,
	}
	for {
		v.Plate = plateFor(r, reg)
		if !b.names["plate|"+v.Plate] {
			break
		}
	}
	b.names["plate|"+v.Plate] = true
	b.w.Vehicles = append(b.w.Vehicles, v)
	return v
}

// buildTaxiFirms licenses private hire firms in each town, each with its
// drivers and their cars. Ordinary firms matter: they carry children in
// care to school under council contracts, so a taxi in a report is not by
// itself a sign of anything.
func (b *builder) buildTaxiFirms() {
	r, w := b.r, b.w
	towns := []*Locality{}
	for _, l := range w.Localities {
		if l.Name == l.Town {
			towns = append(towns, l)
		}
	}
	for _, l := range towns {
		nFirms := r.between(4, 6)
		if b.opt.Scale == ScaleSmall {
			nFirms = 2
		}
		usedNames := map[string]bool{}
		for range nFirms {
			name := pick(r, taxiNames)
			for usedNames[name] {
				name = pick(r, taxiNames)
			}
			usedNames[name] = true
			if len(towns) > 1 {
				name = l.Town + " " + name
			}
			f := &TaxiFirm{ID: entityID('F', len(w.TaxiFirms)+1), Name: name, Address: b.newAddress(b.randomStreet(l)), Phone: b.landline()}
			w.TaxiFirms = append(w.TaxiFirms, f)
			n := r.between(6, 30)
			if b.opt.Scale == ScaleSmall {
				n = r.between(3, 5)
			}
			for range n {
				d := b.newAdult(nil, pick(r, []Gender{GenderMale, GenderMale, GenderMale, GenderFemale}), b.w.Start, 25, 60, KindAdult)
				d.Household = nil
				v := b.newVehicle(d, w.Start.AddDate(0, r.IntN(b.opt.Years*12), 0), true)
				v.Firm = f
				v.Licence = licenceNo(len(w.Vehicles))
				f.Vehicles = append(f.Vehicles, v)
			}
		}
	}
}
