package synth

import (
	"time"

	"github.com/vigil-project/vigil"
)

// Reports: what agencies and the public wrote. Everything in a Report
// except its Truth field is what the application may see, exactly as the
// writer recorded it, mistakes included.

// ReportKind says what sort of record a report is.
type ReportKind string

// Report kinds.
const (
	KindConcern         ReportKind = "concern"          // a referral or concern about a child
	KindIntelligence    ReportKind = "intelligence"     // police intelligence about people, vehicles or places
	KindMissing         ReportKind = "missing"          // a missing person report
	KindReturnInterview ReportKind = "return_interview" // the record of a return home interview after a missing episode
)

// Category is what a report is about.
type Category string

// Categories of concern. Agencies record what they saw (a missing episode,
// absence, a clinic visit); whether it was exploitation is often only in
// the ground truth.
const (
	CatNeglect       Category = "neglect"
	CatDomesticAbuse Category = "domestic_abuse"
	CatPhysicalAbuse Category = "physical_abuse"
	CatOnline        Category = "online_contact"
	CatBullying      Category = "bullying"
	CatMentalHealth  Category = "mental_health"
	CatMissing       Category = "missing"
	CatAbsence       Category = "school_absence"
	CatSubstance     Category = "substance_use"
	CatSexualHealth  Category = "sexual_health"
	CatCSE           Category = "child_sexual_exploitation"
	CatWelfare       Category = "concern_for_welfare"
)

// Handling is what the receiving agency did with a report. It is an
// instruction for a loader that replays the period (make the decision in
// time, late, never), not something a user records; the application sees
// only the casework that follows.
type Handling string

// Handlings.
const (
	HandlingActed           Handling = "acted"             // decided and acted on within the statutory time
	HandlingLate            Handling = "late"              // acted on, after the deadline had passed
	HandlingNoFurtherAction Handling = "no_further_action" // decided in time: nothing to do
	HandlingNeverActed      Handling = "never_acted_on"    // nobody ever decided; the work is overdue
)

// Report is one concern, intelligence item, missing person report or
// return interview, as its writer recorded it. Reports come in order of At;
// what follows from one (a missing child's return, a retraction) carries
// its own later time, for a loader replaying in time order to schedule.
type Report struct {
	ID       string              `json:"id"` // e.g. "R0001234", in time order; a synthetic reference, not an application id
	At       time.Time           `json:"at"` // when it reached the agency (Europe/London)
	Agency   vigil.AgencyKind    `json:"agency,omitempty"`
	Source   vigil.ConcernSource `json:"source"`
	Kind     ReportKind          `json:"kind"`
	Category Category            `json:"category"` // as the writer recorded it
	RaisedBy *Staff              `json:"-"`        // the member of staff; nil for the public and young people
	Text     string              `json:"text"`
	// Subject is the index in Mentions of the child the report is about,
	// or -1 (intelligence about adults, vehicles or places).
	Subject  int       `json:"subject"`
	Mentions []Mention `json:"mentions"`
	// Missing is set on missing person reports.
	Missing *MissingEpisode `json:"missing,omitempty"`
	// Handling and Retracted are what happened to the report afterwards,
	// for a loader to replay.
	Handling  Handling    `json:"handling"`
	Retracted *Retraction `json:"retracted,omitempty"`

	// Truth is the ground truth behind the report. It must never reach
	// the application; it is not encoded in JSON.
	Truth ReportTruth `json:"-"`
}

// RaisedByID returns the id of the staff member who raised the report, or "".
func (r *Report) RaisedByID() string {
	if r.RaisedBy == nil {
		return ""
	}
	return r.RaisedBy.ID
}

// MissingEpisode is when a child went missing and came back.
type MissingEpisode struct {
	From     time.Time `json:"from"`
	Returned time.Time `json:"returned,omitzero"` // zero if still missing at the end of the period
	FromCare bool      `json:"from_care"`
}

// Retraction is the withdrawal of a report by whoever made it: a young
// person who disclosed abuse and then said it was not true, a member of the
// public who took it back.
type Retraction struct {
	At   time.Time `json:"at"`
	Text string    `json:"text"`
}

// MentionKind says what a mention refers to.
type MentionKind string

// Mention kinds.
const (
	MentionPerson  MentionKind = "person"
	MentionVehicle MentionKind = "vehicle"
	MentionPhone   MentionKind = "phone"
	MentionHandle  MentionKind = "handle"
	MentionAddress MentionKind = "address"
	MentionVenue   MentionKind = "venue"
)

// MentionRole is the part a person plays in a report.
type MentionRole string

// Mention roles.
const (
	RoleChild     MentionRole = "child"
	RoleSuspect   MentionRole = "suspect"
	RoleAssociate MentionRole = "associate"
	RoleCarer     MentionRole = "carer"
	RoleReporter  MentionRole = "reporter"
)

// Mention is one person, vehicle, phone, online handle, address or venue
// named in a report, with the fields its kind uses, each as the writer
// recorded it: possibly misspelt, partial, swapped or empty.
type Mention struct {
	ID   string      `json:"id"` // the report id and an index, e.g. "R0001234-2"
	Kind MentionKind `json:"kind"`
	Role MentionRole `json:"role,omitempty"` // people only

	// People.
	GivenName  string    `json:"given_name,omitempty"`
	FamilyName string    `json:"family_name,omitempty"`
	FullName   string    `json:"full_name,omitempty"` // as written in one field
	Nickname   string    `json:"nickname,omitempty"`
	DOB        string    `json:"dob,omitempty"` // YYYY-MM-DD, YYYY-MM or YYYY, as recorded (perhaps wrong)
	Age        int       `json:"age,omitempty"` // an estimate in years when no date of birth was given
	Gender     Gender    `json:"gender,omitempty"`
	Ethnicity  Ethnicity `json:"ethnicity,omitempty"` // as recorded, for oversight statistics only
	Email      string    `json:"email,omitempty"`
	Identifier string    `json:"identifier,omitempty"` // NHS number

	// People, addresses and venues.
	Address  string `json:"address,omitempty"` // first line, or what was given of it
	Locality string `json:"locality,omitempty"`
	Postcode string `json:"postcode,omitempty"` // full, outward only, or mistyped

	// People and phones.
	Phone string `json:"phone,omitempty"`

	// Vehicles.
	Plate    string `json:"plate,omitempty"` // full, partial ("AB12" or "?B12 CD?") or misread
	Make     string `json:"make,omitempty"`
	Model    string `json:"model,omitempty"`
	Colour   string `json:"colour,omitempty"`
	TaxiFirm string `json:"taxi_firm,omitempty"`

	// Online handles.
	Platform string `json:"platform,omitempty"`
	Handle   string `json:"handle,omitempty"`

	// Venues.
	VenueName string    `json:"venue_name,omitempty"`
	VenueKind VenueKind `json:"venue_kind,omitempty"`
}
