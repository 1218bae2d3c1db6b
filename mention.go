package vigil

import (
	"context"
	"fmt"
	"strings"
	"time"
)

// Mentions are the structured side of a concern: each person, vehicle,
// phone, online handle, address or venue it names, with the fields its
// writer recorded, exactly as recorded (misspelt, partial or wrong). They
// are what linking (internal/link) works on, so that the same child,
// suspect, car, phone or place can be seen across agencies and years
// (issue 7, part 1). A mention belongs to the concern it came from; it is
// never merged with another or corrected in place.

// MentionKind says what a mention refers to.
type MentionKind string

// Mention kinds.
const (
	MentionPerson  MentionKind = "person"
	MentionVehicle MentionKind = "vehicle"
	MentionPhone   MentionKind = "phone"
	MentionHandle  MentionKind = "handle" // an online account: platform and handle
	MentionAddress MentionKind = "address"
	MentionVenue   MentionKind = "venue" // a takeaway, hotel, park, house...
)

// MentionKinds lists every kind, in the order forms show them.
var MentionKinds = []MentionKind{MentionPerson, MentionVehicle, MentionPhone, MentionHandle, MentionAddress, MentionVenue}

// MentionRole is the part a mentioned person plays in a concern.
type MentionRole string

// Mention roles, for people only.
const (
	MentionChild     MentionRole = "child"
	MentionSuspect   MentionRole = "suspect"
	MentionAssociate MentionRole = "associate"
	MentionReporter  MentionRole = "reporter"
	MentionCarer     MentionRole = "carer"
)

// MentionRoles lists every role.
var MentionRoles = []MentionRole{MentionChild, MentionSuspect, MentionAssociate, MentionReporter, MentionCarer}

// Valid reports whether k is one of MentionKinds.
func (k MentionKind) Valid() bool {
	for _, x := range MentionKinds {
		if k == x {
			return true
		}
	}
	return false
}

// Valid reports whether r is one of MentionRoles.
func (r MentionRole) Valid() bool {
	for _, x := range MentionRoles {
		if r == x {
			return true
		}
	}
	return false
}

// Mention is one person, vehicle, phone, online handle, address or venue
// named in a concern. Each kind uses some of the fields; all are optional,
// but a person has a role and anything else must record something about
// what it names (see Validate).
type Mention struct {
	ID        ID          `json:"id"`
	ConcernID ID          `json:"concern_id"`
	CaseID    ID          `json:"case_id"`
	Kind      MentionKind `json:"kind"`
	Role      MentionRole `json:"role,omitempty"` // people only

	// People.
	GivenName   string `json:"given_name,omitempty"`
	FamilyName  string `json:"family_name,omitempty"`
	FullName    string `json:"full_name,omitempty"`     // as written in one field
	Nickname    string `json:"nickname,omitempty"`      // or street name
	DateOfBirth string `json:"date_of_birth,omitempty"` // YYYY-MM-DD, YYYY-MM or YYYY, as recorded (perhaps wrong)
	Age         *int   `json:"age,omitempty"`           // an estimate in years, when no date of birth was given
	Gender      string `json:"gender,omitempty"`
	// Ethnicity and Nationality are recorded for oversight statistics
	// only (who is referred, who is suspected, MISSION R12). Linking,
	// scoring, blocking, alerts and every other decision about a person
	// must never read them; DESIGN.md section 7.
	Ethnicity   string `json:"ethnicity,omitempty"`
	Nationality string `json:"nationality,omitempty"`
	Email       string `json:"email,omitempty"`
	Identifier  string `json:"identifier,omitempty"` // an NHS, national insurance or police number

	// People, addresses and venues.
	Address  string `json:"address,omitempty"` // first line, or what was given of it
	Locality string `json:"locality,omitempty"`
	Postcode string `json:"postcode,omitempty"`

	// People and phones.
	Phone string `json:"phone,omitempty"`

	// Vehicles.
	Plate    string `json:"plate,omitempty"` // full, partial or misread, as recorded
	Make     string `json:"make,omitempty"`
	Model    string `json:"model,omitempty"`
	Colour   string `json:"colour,omitempty"`
	TaxiFirm string `json:"taxi_firm,omitempty"`

	// Online handles.
	Platform string `json:"platform,omitempty"`
	Handle   string `json:"handle,omitempty"`

	// Venues.
	VenueName string `json:"venue_name,omitempty"`
	VenueKind string `json:"venue_kind,omitempty"` // takeaway, hotel, shisha_bar, park, bus_station, house...

	// Keys are normal forms the store computes when the mention is
	// recorded, for lookups such as "which concerns name this phone":
	// E.164 numbers and UK postcodes (internal/link's normalisers).
	// They are derived, never entered.
	PhoneKey    string `json:"phone_key,omitempty"`
	PostcodeKey string `json:"postcode_key,omitempty"`
	OutwardKey  string `json:"outward_key,omitempty"` // the postcode district, e.g. "S60"

	// SourceRef is the mention's reference in the system it was imported
	// from, kept for tracing a migrated record back to its source.
	SourceRef  string    `json:"source_ref,omitempty"`
	RecordedBy ID        `json:"recorded_by"`
	RecordedAt time.Time `json:"recorded_at"`
}

// MaxMentions bounds the mentions recorded with one concern.
const MaxMentions = 100

// maxMentionField bounds the short fields of a mention (plates, phones,
// handles, makes...).
const maxMentionField = 200

// Normalize trims spaces from every text field.
func (m *Mention) Normalize() {
	for _, p := range m.texts() {
		*p.s = strings.TrimSpace(*p.s)
	}
}

type mentionText struct {
	field, label string
	s            *string
	max          int
}

// texts lists the free-text fields of m with their limits, in one place
// for Normalize, Validate and Empty.
func (m *Mention) texts() []mentionText {
	return []mentionText{
		{"given_name", "the given name", &m.GivenName, MaxNameLen},
		{"family_name", "the family name", &m.FamilyName, MaxNameLen},
		{"full_name", "the name", &m.FullName, MaxNameLen},
		{"nickname", "the nickname", &m.Nickname, MaxNameLen},
		{"date_of_birth", "the date of birth", &m.DateOfBirth, 10},
		{"gender", "the gender", &m.Gender, 40},
		{"ethnicity", "the ethnicity", &m.Ethnicity, 100},
		{"nationality", "the nationality", &m.Nationality, 100},
		{"email", "the e-mail address", &m.Email, maxMentionField},
		{"identifier", "the identifier", &m.Identifier, 60},
		{"address", "the address", &m.Address, MaxAddressLen},
		{"locality", "the town or area", &m.Locality, maxMentionField},
		{"postcode", "the postcode", &m.Postcode, 20},
		{"phone", "the phone number", &m.Phone, 60},
		{"plate", "the number plate", &m.Plate, 20},
		{"make", "the make", &m.Make, maxMentionField},
		{"model", "the model", &m.Model, maxMentionField},
		{"colour", "the colour", &m.Colour, 60},
		{"taxi_firm", "the taxi firm", &m.TaxiFirm, maxMentionField},
		{"platform", "the platform", &m.Platform, maxMentionField},
		{"handle", "the handle", &m.Handle, maxMentionField},
		{"venue_name", "the venue's name", &m.VenueName, maxMentionField},
		{"venue_kind", "the kind of venue", &m.VenueKind, 60},
		{"source_ref", "the source reference", &m.SourceRef, 100},
	}
}

// Validate checks a mention's fields, naming them under prefix (for
// example "mentions[2]") in the errors it adds to v. It checks shape, not
// truth: a recorded mention may be wrong, and is kept as recorded.
func (m *Mention) Validate(v *Validation, prefix string) {
	f := func(name string) string { return prefix + "." + name }
	if !m.Kind.Valid() {
		v.Add(f("kind"), "Say what the mention is: person, vehicle, phone, handle, address or venue")
		return
	}
	switch {
	case m.Kind == MentionPerson && !m.Role.Valid():
		v.Add(f("role"), "Say who the person is in the concern: child, suspect, associate, reporter or carer")
	case m.Kind != MentionPerson && m.Role != "":
		v.Add(f("role"), "Only people have a role in a concern")
	}
	for _, t := range m.texts() {
		checkText(v, f(t.field), t.label, *t.s, t.max, false)
	}
	if m.DateOfBirth != "" && !partialDate(m.DateOfBirth) {
		v.Add(f("date_of_birth"), "Enter the date of birth as YYYY-MM-DD, YYYY-MM or YYYY")
	}
	if m.Age != nil && (*m.Age < 0 || *m.Age > 120) {
		v.Add(f("age"), "Enter the age as a whole number of years")
	}
	if !m.identifies() {
		v.Add(f("kind"), "A %s mention must record something that identifies it", m.Kind)
	}
}

// identifies reports whether m records anything that could pick out what
// it names. A person needs only a role: "an older man" who drives the
// child away is a suspect the concern mentions even with no name, and
// counts for oversight; an empty vehicle or phone is no mention.
func (m *Mention) identifies() bool {
	some := func(ss ...string) bool {
		for _, s := range ss {
			if s != "" {
				return true
			}
		}
		return false
	}
	switch m.Kind {
	case MentionPerson:
		return true
	case MentionVehicle:
		return some(m.Plate, m.Make, m.Model, m.Colour, m.TaxiFirm)
	case MentionPhone:
		return m.Phone != ""
	case MentionHandle:
		return m.Handle != ""
	case MentionAddress:
		return some(m.Address, m.Locality, m.Postcode)
	case MentionVenue:
		return some(m.VenueName, m.VenueKind, m.Address, m.Postcode)
	}
	return false
}

// partialDate reports whether s is YYYY, YYYY-MM or YYYY-MM-DD with a
// month from 01 to 12 and a day from 01 to 31. The day is not checked
// against the month: a recorded date of birth may be wrong, and 31 April
// is kept as written for the linker to weigh.
func partialDate(s string) bool {
	digits := func(s string) (int, bool) {
		n := 0
		for _, c := range s {
			if c < '0' || c > '9' {
				return 0, false
			}
			n = n*10 + int(c-'0')
		}
		return n, len(s) > 0
	}
	parts := strings.Split(s, "-")
	if len(parts) > 3 || len(parts[0]) != 4 {
		return false
	}
	if y, ok := digits(parts[0]); !ok || y < 1900 {
		return false
	}
	if len(parts) > 1 {
		if m, ok := digits(parts[1]); !ok || len(parts[1]) != 2 || m < 1 || m > 12 {
			return false
		}
	}
	if len(parts) > 2 {
		if d, ok := digits(parts[2]); !ok || len(parts[2]) != 2 || d < 1 || d > 31 {
			return false
		}
	}
	return true
}

// ValidateMentions normalises and checks the mentions of one concern.
func ValidateMentions(ms []Mention) error {
	var v Validation
	if len(ms) > MaxMentions {
		v.Add("mentions", "A concern can record at most %d mentions", MaxMentions)
		return v.Err()
	}
	for i := range ms {
		ms[i].Normalize()
		ms[i].Validate(&v, fmt.Sprintf("mentions[%d]", i))
	}
	return v.Err()
}

// MentionService records and reads the mentions of concerns.
type MentionService interface {
	// RecordMentions adds mentions to a concern, in one transaction with
	// their log entries. The person who raised the concern, and anyone who
	// may record decisions or screenings on its case, may call it; so may
	// the system. Returns EINVALID (with field errors), ENOTFOUND,
	// EFORBIDDEN.
	RecordMentions(ctx context.Context, actor Actor, concernID ID, ms []Mention) ([]*Mention, error)

	// CaseMentions returns the mentions of every concern of a case, by
	// concern then order of recording, and logs the read with its purpose
	// first, as FindCase does. Returns ENOTFOUND when the case does not
	// exist or the actor may not see it.
	CaseMentions(ctx context.Context, actor Actor, caseID ID, purpose string) ([]*Mention, error)
}
