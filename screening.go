package vigil

import "time"

// CSE screening: indicators of child sexual exploitation, each scored, give
// a risk level shown on the case with its evidence. The indicators follow
// those common to local safeguarding children partnerships' CSE screening
// tools (and the Jay report's account of the pattern in Rotherham).

// Indicator is one CSE screening indicator.
type Indicator struct {
	Key   string `json:"key"`
	Label string `json:"label"`
}

// Indicators lists the screening indicators in the order the form shows them.
var Indicators = []Indicator{
	{"missing", "Going missing from home or care"},
	{"older_boyfriend", "Relationship with an older 'boyfriend' or adult"},
	{"gifts", "Unexplained gifts, money, phone or phone credit"},
	{"cars", "Getting into cars with unknown adults"},
	{"taxis", "Use of taxis that cannot be explained"},
	{"hotels", "Seen at or taken to hotels"},
	{"takeaways", "Spending time at takeaways or similar venues with adults"},
	{"substances", "Alcohol or drug use"},
	{"truancy", "Missing school or truancy"},
	{"sexual_health", "Sexual health concerns, pregnancy or terminations"},
	{"self_harm", "Self-harm or suicidal thoughts"},
	{"online", "Risky online contact"},
	{"withdrawn_disclosure", "A disclosure later withdrawn"},
}

// Score is how strongly an indicator is present.
type Score string

// Indicator scores; an indicator not present is left out.
const (
	ScoreLow    Score = "low"
	ScoreMedium Score = "medium"
	ScoreHigh   Score = "high"
)

// RiskLevel is the outcome of a screening.
type RiskLevel string

// Risk levels.
const (
	RiskNone   RiskLevel = "none"
	RiskLow    RiskLevel = "low"
	RiskMedium RiskLevel = "medium"
	RiskHigh   RiskLevel = "high"
)

// ScreeningLevel returns the risk level of a child of the given age (nil
// if unknown) with the given indicator scores:
//
//   - high: any high indicator for a child aged 13 or under (a young child
//     cannot consent, so one strong sign is enough); otherwise two or more
//     high indicators, or one high with two or more medium;
//   - medium: one high indicator, or two or more medium;
//   - low: any indicator present;
//   - none: no indicator.
func ScreeningLevel(age *int, scores map[string]Score) RiskLevel {
	var high, medium, any int
	for _, s := range scores {
		switch s {
		case ScoreHigh:
			high++
		case ScoreMedium:
			medium++
		}
		any++
	}
	young := age != nil && *age <= 13
	switch {
	case high >= 1 && young, high >= 2, high == 1 && medium >= 2:
		return RiskHigh
	case high == 1, medium >= 2:
		return RiskMedium
	case any > 0:
		return RiskLow
	}
	return RiskNone
}

// NewScreening is the input for recording a CSE screening.
type NewScreening struct {
	Scores map[string]Score
	Notes  string // the evidence behind the scores
}

// Validate checks the scores.
func (n *NewScreening) Validate() error {
	var v Validation
	known := map[string]bool{}
	for _, ind := range Indicators {
		known[ind.Key] = true
	}
	for k, s := range n.Scores {
		if !known[k] {
			v.Add("scores."+k, "%q is not a screening indicator", k)
		}
		if s != ScoreLow && s != ScoreMedium && s != ScoreHigh {
			v.Add("scores."+k, "Score each indicator low, medium or high, or leave it out")
		}
	}
	checkText(&v, "notes", "the evidence", n.Notes, MaxReasonLen, len(n.Scores) > 0)
	return v.Err()
}

// Screening is a recorded CSE screening of a case.
type Screening struct {
	ID     ID               `json:"id"`
	CaseID ID               `json:"-"`
	Scores map[string]Score `json:"scores"`
	Level  RiskLevel        `json:"level"`
	Notes  string           `json:"notes"`
	By     ID               `json:"by"`
	At     time.Time        `json:"at"`
}

// AgeAt returns a child's age in whole years at t from a YYYY-MM-DD date of
// birth, or the recorded age, or nil.
func (c Child) AgeAt(t time.Time) *int {
	if c.DateOfBirth != "" {
		dob, err := time.ParseInLocation("2006-01-02", c.DateOfBirth, London)
		if err == nil {
			t = t.In(London)
			age := t.Year() - dob.Year()
			if t.Month() < dob.Month() || t.Month() == dob.Month() && t.Day() < dob.Day() {
				age-- // the birthday has not come yet this year
			}
			return &age
		}
	}
	return c.Age
}
