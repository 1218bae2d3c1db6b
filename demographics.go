package vigil

import (
	"context"
	"slices"
	"strings"
	"time"

	"golang.org/x/text/language"
	"golang.org/x/text/language/display"
)

// Demographic recording for oversight, not profiling (MISSION R12): the
// ethnicity and nationality of children and of suspects are recorded to
// the national standard so that aggregate patterns can be reported
// honestly, as the 2025 national audit of group-based child sexual
// exploitation asked. They are never inputs to risk scoring or linking, and
// they are published only in aggregate, for whole financial years, with
// small numbers suppressed (see Suppress).

// EthnicGroup is one of the 19 ethnic groups of the 2021 Census of England
// and Wales (the Government Statistical Service's harmonised standard), or
// "not stated".
type EthnicGroup struct {
	Code  string `json:"code"`
	Label string `json:"label"`
	Broad string `json:"broad"` // the high-level group
}

// EthnicGroups lists the groups in the Census order. The codes are those
// internal/synth draws from.
var EthnicGroups = []EthnicGroup{
	{"white_british", "English, Welsh, Scottish, Northern Irish or British", "White"},
	{"white_irish", "Irish", "White"},
	{"white_gypsy_irish_traveller", "Gypsy or Irish Traveller", "White"},
	{"white_roma", "Roma", "White"},
	{"white_other", "Any other White background", "White"},
	{"mixed_white_black_caribbean", "White and Black Caribbean", "Mixed or Multiple ethnic groups"},
	{"mixed_white_black_african", "White and Black African", "Mixed or Multiple ethnic groups"},
	{"mixed_white_asian", "White and Asian", "Mixed or Multiple ethnic groups"},
	{"mixed_other", "Any other Mixed or Multiple ethnic background", "Mixed or Multiple ethnic groups"},
	{"asian_indian", "Indian", "Asian, Asian British or Asian Welsh"},
	{"asian_pakistani", "Pakistani", "Asian, Asian British or Asian Welsh"},
	{"asian_bangladeshi", "Bangladeshi", "Asian, Asian British or Asian Welsh"},
	{"asian_chinese", "Chinese", "Asian, Asian British or Asian Welsh"},
	{"asian_other", "Any other Asian background", "Asian, Asian British or Asian Welsh"},
	{"black_african", "African", "Black, Black British, Black Welsh, Caribbean or African"},
	{"black_caribbean", "Caribbean", "Black, Black British, Black Welsh, Caribbean or African"},
	{"black_other", "Any other Black, Black British or Caribbean background", "Black, Black British, Black Welsh, Caribbean or African"},
	{"other_arab", "Arab", "Other ethnic group"},
	{"other_any", "Any other ethnic group", "Other ethnic group"},
	{EthnicityNotStated, "Not stated", "Not stated"},
}

// EthnicityNotStated records that the person's ethnicity is not known or
// they declined to say; recording it is better than leaving a gap, because
// the share not stated is itself a measure of how well data are kept.
const EthnicityNotStated = "not_stated"

// EthnicGroupOf returns the group with the given code.
func EthnicGroupOf(code string) (EthnicGroup, bool) {
	for _, g := range EthnicGroups {
		if g.Code == code {
			return g, true
		}
	}
	return EthnicGroup{}, false
}

// Nationality values besides an ISO 3166-1 alpha-2 country code.
const (
	NationalityStateless = "stateless"
	NationalityNotStated = "not_stated"
)

// Country is a nationality that can be recorded.
type Country struct {
	Code string `json:"code"` // ISO 3166-1 alpha-2
	Name string `json:"name"`
}

// Countries lists the ISO 3166-1 countries (from CLDR, through
// golang.org/x/text), by name, with the United Kingdom first.
var Countries = func() []Country {
	var out []Country
	names := display.English.Regions()
	for a := 'A'; a <= 'Z'; a++ {
		for b := 'A'; b <= 'Z'; b++ {
			code := string([]rune{a, b})
			r, err := language.ParseRegion(code)
			// Current country codes only: deprecated ones canonicalise to
			// their successor, groups and private-use codes have no M49
			// number or ISO 3166-1 alpha-3 code, and Serbia and Montenegro
			// (CS, YU) no longer exist.
			if err != nil || !r.IsCountry() || r.Canonicalize().String() != code || r.M49() == 0 || r.ISO3() == "ZZZ" ||
				code == "CS" || code == "YU" {
				continue
			}
			out = append(out, Country{Code: code, Name: names.Name(r)})
		}
	}
	slices.SortFunc(out, func(x, y Country) int {
		switch {
		case x.Code == "GB":
			return -1
		case y.Code == "GB":
			return 1
		}
		return strings.Compare(x.Name, y.Name)
	})
	return out
}()

// ValidNationality reports whether s is a country code of Countries,
// "stateless" or "not_stated".
func ValidNationality(s string) bool {
	if s == NationalityStateless || s == NationalityNotStated {
		return true
	}
	for _, c := range Countries {
		if c.Code == s {
			return true
		}
	}
	return false
}

// NationalityGroup is how nationalities are published: by continent
// (the United Nations M49 regions), the United Kingdom apart, so that
// counts are large enough to publish.
type NationalityGroup struct {
	Key   string `json:"key"`
	Label string `json:"label"`
	m49   string
}

// NationalityGroups lists the published groups in order.
var NationalityGroups = []NationalityGroup{
	{"british", "British", ""},
	{"europe", "Other European", "150"},
	{"asia", "Asian (including the Middle East)", "142"},
	{"africa", "African", "002"},
	{"americas", "American (North, Central, South, Caribbean)", "019"},
	{"oceania", "Oceanian", "009"},
	{"stateless", "Stateless", ""},
	{"not_stated", "Not stated", ""},
}

// NationalityGroupOf returns the published group of a recorded nationality.
func NationalityGroupOf(nat string) string {
	switch nat {
	case "GB":
		return "british"
	case NationalityStateless:
		return "stateless"
	case "", NationalityNotStated:
		return "not_stated"
	}
	r, err := language.ParseRegion(nat)
	if err == nil {
		for _, g := range NationalityGroups {
			if g.m49 != "" && language.MustParseRegion(g.m49).Contains(r) {
				return g.Key
			}
		}
	}
	return "not_stated"
}

// DemographicSubject says whose characteristics a record holds.
type DemographicSubject string

// Subjects of demographic records.
const (
	SubjectChild   DemographicSubject = "child"   // the child the case is about (one record per case)
	SubjectSuspect DemographicSubject = "suspect" // someone suspected of harming the child (one record each)
)

// DemographicRecord is the recorded ethnicity and nationality of the child
// of a case, or of one suspect. It holds no name: linking suspects across
// cases is the work of the linking engine (issue 7), not of statistics.
type DemographicRecord struct {
	ID          ID                 `json:"id"`
	CaseID      ID                 `json:"case_id"`
	Subject     DemographicSubject `json:"subject"`
	Ethnicity   string             `json:"ethnicity"`
	Nationality string             `json:"nationality"`
	RecordedBy  ID                 `json:"recorded_by"`
	RecordedAt  time.Time          `json:"recorded_at"`
}

// NewDemographics is the input for recording, or correcting, a record.
type NewDemographics struct {
	// ID names the record to correct; empty records a new one (the
	// child's record is corrected in place whatever ID says).
	ID          ID
	Subject     DemographicSubject
	Ethnicity   string
	Nationality string
}

// Validate checks the input.
func (n *NewDemographics) Validate() error {
	n.Ethnicity, n.Nationality = strings.TrimSpace(n.Ethnicity), strings.ToUpper(strings.TrimSpace(n.Nationality))
	if n.Nationality == strings.ToUpper(NationalityNotStated) || n.Nationality == strings.ToUpper(NationalityStateless) {
		n.Nationality = strings.ToLower(n.Nationality)
	}
	var v Validation
	if n.Subject != SubjectChild && n.Subject != SubjectSuspect {
		v.Add("subject", "Say whether this is about the child or a suspect")
	}
	if _, ok := EthnicGroupOf(n.Ethnicity); !ok {
		v.Add("ethnicity", "Choose an ethnic group from the list, or Not stated")
	}
	if !ValidNationality(n.Nationality) {
		v.Add("nationality", "Choose a nationality from the list, Stateless, or Not stated")
	}
	if n.ID != "" && !n.ID.Valid() {
		v.Add("id", "The record to correct was not found")
	}
	return v.Err()
}

// CanRecordDemographics reports whether u may record demographics on c:
// whoever may record a CSE screening on it.
func CanRecordDemographics(u *User, c *Case, involved bool) bool {
	return Can(u, ActScreeningRecord, Target{Case: c, Involved: involved})
}

// DemographicsService records demographics on cases.
type DemographicsService interface {
	// RecordDemographics records or corrects a demographic record of a
	// case, with its log entry. Returns EINVALID, ENOTFOUND (no such case
	// or record, or no access), EFORBIDDEN (see CanRecordDemographics).
	RecordDemographics(ctx context.Context, actor Actor, caseID ID, n NewDemographics) (*DemographicRecord, error)
	// CaseDemographics returns a case's records, the child's first, for
	// someone who may view the case. Returns ENOTFOUND.
	CaseDemographics(ctx context.Context, actor Actor, caseID ID) ([]*DemographicRecord, error)
}
