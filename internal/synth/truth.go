package synth

import (
	"bufio"
	"encoding/json"
	"io"
	"strings"
	"time"
)

// Ground truth. These types say what a report and its mentions really
// were. They are for evaluation and tests only: the application must never
// see them (Report.Truth is excluded from JSON, and nothing here is an
// input to anything a user sees).

// ReportTruth is the ground truth behind one report.
type ReportTruth struct {
	Event    string         // the story event that produced it, e.g. "cse.hotel"
	Category Category       // what it was really about (a "missing" report may be exploitation)
	Child    EntityID       // the child it was about, or ""
	Network  EntityID       // the offender network behind it, or ""
	Mentions []MentionTruth // one per Report.Mentions, in the same order
}

// MentionTruth is the real entity behind one mention.
type MentionTruth struct {
	Entity  EntityID
	Network EntityID // a person's network; for a car, phone, handle or place, the network whose story it was named in; or ""
	Noise   Noise    // how the mention departs from the truth
}

// Noise is a set of the ways a mention departs from the truth.
type Noise uint32

// Noise flags.
const (
	NoiseVariant         Noise = 1 << iota // another spelling or transliteration of a name
	NoiseTypo                              // a misspelling
	NoiseNickname                          // a nickname or street name in place of the given name
	NoiseSwapped                           // given and family names exchanged
	NoiseMiddleAsGiven                     // the middle name recorded as the given name
	NoiseFolded                            // diacritics dropped
	NoiseGivenOnly                         // no family name
	NoiseNoName                            // no name at all
	NoiseDOBYearOnly                       // year of birth only
	NoiseDOBSwapped                        // day and month exchanged
	NoiseDOBWrong                          // a wrong day, month or year
	NoiseAgeOnly                           // an age instead of a date of birth
	NoiseAgeWrong                          // an age estimate that is wrong
	NoiseOldAddress                        // a previous address
	NoisePartialAddress                    // part of the address
	NoisePostcodeOutward                   // the outward code only
	NoisePostcodeTypo                      // a mistyped postcode
	NoisePhoneTypo                         // a mistyped number
	NoisePhonePartial                      // part of a number
	NoiseLookalike                         // a plate character read as its look-alike (O/0, I/1, S/5, B/8, Z/2)
	NoisePartialPlate                      // part of a plate
	NoisePlateTypo                         // a wrong plate character
	NoiseWrongColour                       // another colour
	NoiseWrongMake                         // another make
	NoiseMakeVariant                       // an informal or misspelt make
	NoiseIdentifierTypo                    // a transposition in an NHS number
	NoiseHandleVariant                     // a handle typed without its punctuation or digits
	NoiseVenueName                         // a venue described, not named
	NoiseAddressTypo                       // a misspelt street
	NoiseDOBMonthYear                      // month and year of birth only
)

var noiseNames = []string{
	"variant", "typo", "nickname", "swapped", "middle_as_given", "folded", "given_only", "no_name",
	"dob_year_only", "dob_swapped", "dob_wrong", "age_only", "age_wrong", "old_address", "partial_address",
	"postcode_outward", "postcode_typo", "phone_typo", "phone_partial", "lookalike", "partial_plate",
	"plate_typo", "wrong_colour", "wrong_make", "make_variant", "identifier_typo", "handle_variant", "venue_name", "address_typo", "dob_month_year",
}

// String returns the flags joined by "|", e.g. "variant|dob_swapped", or "".
func (n Noise) String() string {
	var parts []string
	for i, name := range noiseNames {
		if n&(1<<i) != 0 {
			parts = append(parts, name)
		}
	}
	return strings.Join(parts, "|")
}

// Entity ids of possibly nil pointers, for the truth records.
func personID(p *Person) EntityID {
	if p == nil {
		return ""
	}
	return p.ID
}

func addressID(a *Address) EntityID {
	if a == nil {
		return ""
	}
	return a.ID
}

func networkID(n *Network) EntityID {
	if n == nil {
		return ""
	}
	return n.ID
}

func phoneID(p *Phone) EntityID {
	if p == nil {
		return ""
	}
	return p.ID
}

func firmID(f *TaxiFirm) EntityID {
	if f == nil {
		return ""
	}
	return f.ID
}

func schoolID(s *School) EntityID {
	if s == nil {
		return ""
	}
	return s.ID
}

func settingID(c *CareSetting) EntityID {
	if c == nil {
		return ""
	}
	return c.ID
}

func ids[T any](xs []*T, id func(*T) EntityID) []EntityID {
	out := make([]EntityID, len(xs))
	for i, x := range xs {
		out[i] = id(x)
	}
	return out
}

func day(t time.Time) string {
	if t.IsZero() {
		return ""
	}
	return t.Format(time.DateOnly)
}

// WriteTruth writes every entity and network of the world as JSON Lines,
// one object per line with a "type" field: network, person, placement,
// address, vehicle, phone, handle, venue, school, care_setting, taxi_firm.
// The output is the same bytes for the same options.
func (w *World) WriteTruth(out io.Writer) error {
	bw := bufio.NewWriterSize(out, 1<<16)
	enc := json.NewEncoder(bw)
	enc.SetEscapeHTML(false)
	put := func(v any) error { return enc.Encode(v) }
	for _, n := range w.Networks {
		err := put(struct {
			Type       string     `json:"type"`
			ID         EntityID   `json:"id"`
			Name       string     `json:"name"`
			From       string     `json:"from"`
			To         string     `json:"to"`
			Offenders  []EntityID `json:"offenders"`
			Associates []EntityID `json:"associates"`
			Children   []EntityID `json:"children"`
			Vehicles   []EntityID `json:"vehicles"`
			Phones     []EntityID `json:"phones"`
			Venues     []EntityID `json:"venues"`
			Addresses  []EntityID `json:"addresses"`
			Handles    []EntityID `json:"handles"`
			TaxiFirm   EntityID   `json:"taxi_firm,omitempty"`
		}{"network", n.ID, n.Name, day(n.From), day(n.To), ids(n.Offenders, personID), ids(n.Associates, personID),
			ids(n.Children, personID), ids(n.Vehicles, func(v *Vehicle) EntityID { return v.ID }), ids(n.Phones, phoneID),
			ids(n.Venues, func(v *Venue) EntityID { return v.ID }), ids(n.Addresses, addressID),
			ids(n.Handles, func(h *Handle) EntityID { return h.ID }), firmID(n.TaxiFirm)})
		if err != nil {
			return err
		}
	}
	for _, p := range w.People {
		var home *Address
		if p.Household != nil {
			home = p.Household.Address
		}
		err := put(struct {
			Type        string     `json:"type"`
			ID          EntityID   `json:"id"`
			Kind        PersonKind `json:"kind"`
			GivenName   string     `json:"given_name"`
			MiddleName  string     `json:"middle_name,omitempty"`
			FamilyName  string     `json:"family_name"`
			Nickname    string     `json:"nickname,omitempty"`
			Gender      Gender     `json:"gender"`
			DOB         string     `json:"dob"`
			Ethnicity   Ethnicity  `json:"ethnicity"`
			Nationality string     `json:"nationality"`
			NHSNumber   string     `json:"nhs_number,omitempty"`
			Phone       EntityID   `json:"phone,omitempty"`
			Handles     []EntityID `json:"handles,omitempty"`
			Home        EntityID   `json:"home,omitempty"`
			Primary     EntityID   `json:"primary_school,omitempty"`
			Secondary   EntityID   `json:"secondary_school,omitempty"`
			College     EntityID   `json:"college,omitempty"`
			Network     EntityID   `json:"network,omitempty"`
		}{"person", p.ID, p.Kind, p.GivenName, p.MiddleName, p.FamilyName, p.Nickname, p.Gender, day(p.DOB),
			p.Ethnicity, p.Nationality, p.NHSNumber, phoneID(p.Phone), ids(p.Handles, func(h *Handle) EntityID { return h.ID }),
			addressID(home), schoolID(p.Primary), schoolID(p.Secondary), schoolID(p.College), networkID(p.Network)})
		if err != nil {
			return err
		}
		for _, pl := range p.Placements {
			err := put(struct {
				Type    string        `json:"type"`
				Person  EntityID      `json:"person"`
				From    string        `json:"from"`
				Kind    PlacementKind `json:"kind"`
				Address EntityID      `json:"address"`
				Setting EntityID      `json:"setting,omitempty"`
			}{"placement", p.ID, day(pl.From), pl.Kind, addressID(pl.Address), settingID(pl.Setting)})
			if err != nil {
				return err
			}
		}
	}
	for _, a := range w.Addresses {
		l := a.Street.Locality
		err := put(struct {
			Type     string   `json:"type"`
			ID       EntityID `json:"id"`
			Line     string   `json:"line"`
			Locality string   `json:"locality"`
			Town     string   `json:"town"`
			Postcode string   `json:"postcode"`
		}{"address", a.ID, a.Line(), l.Name, l.Town, a.Postcode})
		if err != nil {
			return err
		}
	}
	for _, v := range w.Vehicles {
		err := put(struct {
			Type       string   `json:"type"`
			ID         EntityID `json:"id"`
			Plate      string   `json:"plate"`
			Make       string   `json:"make"`
			Model      string   `json:"model"`
			Colour     string   `json:"colour"`
			Registered string   `json:"registered"`
			Keeper     EntityID `json:"keeper,omitempty"`
			TaxiFirm   EntityID `json:"taxi_firm,omitempty"`
			Licence    string   `json:"licence,omitempty"`
		}{"vehicle", v.ID, v.Plate, v.Make, v.Model, v.Colour, day(v.Registered), personID(v.Keeper), firmID(v.Firm), v.Licence})
		if err != nil {
			return err
		}
	}
	for _, p := range w.Phones {
		if err := put(struct {
			Type   string   `json:"type"`
			ID     EntityID `json:"id"`
			Number string   `json:"number"`
			Mobile bool     `json:"mobile"`
		}{"phone", p.ID, p.Number, p.Mobile}); err != nil {
			return err
		}
	}
	for _, h := range w.Handles {
		if err := put(struct {
			Type     string   `json:"type"`
			ID       EntityID `json:"id"`
			Platform string   `json:"platform"`
			Handle   string   `json:"handle"`
			Owner    EntityID `json:"owner"`
		}{"handle", h.ID, h.Platform, h.Name, personID(h.Owner)}); err != nil {
			return err
		}
	}
	for _, v := range w.Venues {
		if err := put(struct {
			Type    string    `json:"type"`
			ID      EntityID  `json:"id"`
			Kind    VenueKind `json:"kind"`
			Name    string    `json:"name"`
			Address EntityID  `json:"address"`
		}{"venue", v.ID, v.Kind, v.Name, addressID(v.Address)}); err != nil {
			return err
		}
	}
	for _, s := range w.Schools {
		if err := put(struct {
			Type    string      `json:"type"`
			ID      EntityID    `json:"id"`
			Name    string      `json:"name"`
			Phase   SchoolPhase `json:"phase"`
			Address EntityID    `json:"address"`
		}{"school", s.ID, s.Name, s.Phase, addressID(s.Address)}); err != nil {
			return err
		}
	}
	for _, c := range w.CareSettings {
		if err := put(struct {
			Type    string     `json:"type"`
			ID      EntityID   `json:"id"`
			Kind    CareKind   `json:"kind"`
			Name    string     `json:"name"`
			Address EntityID   `json:"address"`
			Carers  []EntityID `json:"carers,omitempty"`
		}{"care_setting", c.ID, c.Kind, c.Name, addressID(c.Address), ids(c.Carers, personID)}); err != nil {
			return err
		}
	}
	for _, f := range w.TaxiFirms {
		if err := put(struct {
			Type     string     `json:"type"`
			ID       EntityID   `json:"id"`
			Name     string     `json:"name"`
			Address  EntityID   `json:"address"`
			Phone    EntityID   `json:"phone,omitempty"`
			Vehicles []EntityID `json:"vehicles"`
		}{"taxi_firm", f.ID, f.Name, addressID(f.Address), phoneID(f.Phone), ids(f.Vehicles, func(v *Vehicle) EntityID { return v.ID })}); err != nil {
			return err
		}
	}
	return bw.Flush()
}
