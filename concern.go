package vigil

import (
	"fmt"
	"strings"
	"time"
	"unicode/utf8"
)

// ConcernSource says who raised a concern.
type ConcernSource string

// Sources of concerns (MISSION R1: anyone can raise a concern).
const (
	SourceProfessional ConcernSource = "professional"
	SourcePublic       ConcernSource = "public"
	SourceYoungPerson  ConcernSource = "young_person" // a child or young person about themselves
)

// Child is what the person raising a concern knows about the child. Any of it
// may be partial or wrong; linking across reports deals with that later.
type Child struct {
	Name        string `json:"name"`
	DateOfBirth string `json:"date_of_birth,omitempty"` // YYYY-MM-DD
	Age         *int   `json:"age,omitempty"`           // years, when the date of birth is not known
	Address     string `json:"address,omitempty"`
}

// Concern is one report that a child may be at risk. Every concern opens or
// joins a case, so that it has an accountable owner from the moment it arrives.
type Concern struct {
	ID             ID            `json:"id"`
	Ref            string        `json:"reference"`
	Source         ConcernSource `json:"source"`
	RaisedBy       ID            `json:"raised_by,omitempty"` // the user, for professionals
	AgencyID       ID            `json:"agency_id,omitempty"` // the raiser's agency, for professionals
	ReceivedAt     time.Time     `json:"received_at"`         // when the concern reached anyone; clocks count from it
	RecordedAt     time.Time     `json:"recorded_at"`         // when it was entered in Vigil
	Child          Child         `json:"child"`
	WhatHappened   string        `json:"what_happened"`
	OthersInvolved string        `json:"others_involved,omitempty"`
	Reporter       Reporter      `json:"reporter"`
	CaseID         ID            `json:"case_id"`
	// Mentions are the people, vehicles, phones, handles, addresses and
	// places the concern names (mention.go), when they are read with it.
	Mentions []*Mention `json:"mentions,omitempty"`
}

// Reporter is what a member of the public chose to tell about themselves.
// Every field is optional: a concern can be raised anonymously.
type Reporter struct {
	Name         string `json:"name,omitempty"`
	Contact      string `json:"contact,omitempty"`
	Relationship string `json:"relationship,omitempty"`
}

// NewConcern is the input for raising a concern.
type NewConcern struct {
	Source         ConcernSource
	ReceivedAt     time.Time // zero means now
	Child          Child
	WhatHappened   string
	OthersInvolved string
	Reporter       Reporter
	// Mentions are what the concern names besides its child, recorded
	// with it in one transaction and matched against everything known.
	Mentions []Mention
}

// Field limits, shared by the web forms and the API so that both refuse the same input.
const (
	MaxNameLen         = 200
	MaxAddressLen      = 500
	MaxWhatHappenedLen = 20000
	MaxOthersLen       = 5000
	MaxContactLen      = 200
)

// Normalize trims spaces from every text field.
func (n *NewConcern) Normalize() {
	n.Child.Name = strings.TrimSpace(n.Child.Name)
	n.Child.DateOfBirth = strings.TrimSpace(n.Child.DateOfBirth)
	n.Child.Address = strings.TrimSpace(n.Child.Address)
	n.WhatHappened = strings.TrimSpace(n.WhatHappened)
	n.OthersInvolved = strings.TrimSpace(n.OthersInvolved)
	n.Reporter.Name = strings.TrimSpace(n.Reporter.Name)
	n.Reporter.Contact = strings.TrimSpace(n.Reporter.Contact)
	n.Reporter.Relationship = strings.TrimSpace(n.Reporter.Relationship)
	for i := range n.Mentions {
		n.Mentions[i].Normalize()
	}
}

// ChildMention is the concern's child as a mention, so that linking can
// find the same child in other reports as it does for imported ones. It
// is false when nothing identifies the child (a neighbour's report of "a
// girl").
func (n NewConcern) ChildMention() (Mention, bool) {
	c := n.Child
	if c.Name == "" && c.DateOfBirth == "" {
		return Mention{}, false
	}
	return Mention{Kind: MentionPerson, Role: MentionChild, FullName: c.Name, DateOfBirth: c.DateOfBirth, Age: c.Age, Address: c.Address}, true
}

// Validate checks a concern at time now. Professionals must name the child
// and give a date of birth or an age; the public need only say what happened,
// because a worried neighbour may know nothing else. Field names in the
// returned errors are the API's JSON names; forms map them to their inputs.
func (n NewConcern) Validate(now time.Time) error {
	var v Validation
	switch n.Source {
	case SourceProfessional, SourcePublic, SourceYoungPerson:
	default:
		v.Add("source", "Say who is raising the concern: professional, public or young_person")
	}
	professional := n.Source == SourceProfessional
	checkText(&v, "child.name", "the child's name", n.Child.Name, MaxNameLen, professional)
	checkText(&v, "child.address", "the child's address", n.Child.Address, MaxAddressLen, false)
	checkText(&v, "others_involved", "who else is involved", n.OthersInvolved, MaxOthersLen, false)
	checkText(&v, "reporter.name", "your name", n.Reporter.Name, MaxNameLen, false)
	checkText(&v, "reporter.contact", "how we can contact you", n.Reporter.Contact, MaxContactLen, false)
	checkText(&v, "reporter.relationship", "how you know the child", n.Reporter.Relationship, MaxNameLen, false)
	switch {
	case n.WhatHappened == "":
		v.Add("what_happened", "Describe what happened or what worries you")
	case utf8.RuneCountInString(n.WhatHappened) > MaxWhatHappenedLen:
		v.Add("what_happened", "What happened must be %d characters or fewer; attach longer accounts to the case afterwards", MaxWhatHappenedLen)
	case !utf8.ValidString(n.WhatHappened) || strings.ContainsRune(n.WhatHappened, 0):
		v.Add("what_happened", "What happened contains characters that are not text")
	}
	if n.Child.DateOfBirth != "" {
		// A child is under 18 when the concern was received, even if they
		// have turned 18 since it was first reported by phone.
		at := now
		if !n.ReceivedAt.IsZero() && n.ReceivedAt.Before(now) {
			at = n.ReceivedAt
		}
		dob, err := time.ParseInLocation("2006-01-02", n.Child.DateOfBirth, London)
		switch {
		case err != nil:
			v.Add("child.date_of_birth", "Enter the date of birth as a real date, for example 2012-03-27")
		case dob.After(now):
			v.Add("child.date_of_birth", "The date of birth must be in the past")
		case !dob.AddDate(18, 0, 0).After(at):
			v.Add("child.date_of_birth", "The date of birth shows the person is 18 or over; Vigil records concerns about children under 18")
		}
	}
	if n.Child.Age != nil && (*n.Child.Age < 0 || *n.Child.Age > 17) {
		v.Add("child.age", "Enter the child's age as a whole number from 0 to 17")
	}
	if professional && n.Child.DateOfBirth == "" && n.Child.Age == nil {
		v.Add("child.date_of_birth", "Enter the child's date of birth, or their age if you do not know it")
	}
	if len(n.Mentions) > MaxMentions-1 {
		v.Add("mentions", "A concern can record at most %d mentions besides its child", MaxMentions-1)
	} else {
		for i := range n.Mentions {
			n.Mentions[i].Validate(&v, fmt.Sprintf("mentions[%d]", i))
		}
	}
	if !n.ReceivedAt.IsZero() {
		switch {
		case n.ReceivedAt.After(now.Add(5 * time.Minute)):
			v.Add("received_at", "The time the concern was received cannot be in the future")
		case n.ReceivedAt.Before(now.AddDate(-1, 0, 0)):
			v.Add("received_at", "The time the concern was received must be within the last year; record older information as a case note")
		}
	}
	return v.Err()
}

func checkText(v *Validation, field, label, s string, max int, required bool) {
	switch {
	case s == "" && required:
		v.Add(field, "Enter %s", label)
	case utf8.RuneCountInString(s) > max:
		v.Add(field, "%s must be %d characters or fewer", upperFirst(label), max)
	case !utf8.ValidString(s) || strings.ContainsRune(s, 0):
		v.Add(field, "%s contains characters that are not text", upperFirst(label))
	}
}

func upperFirst(s string) string {
	if s == "" {
		return s
	}
	return strings.ToUpper(s[:1]) + s[1:]
}

// CheckText validates one free-text input: required when asked, at most max
// characters (not bytes), valid UTF-8 without NUL. It returns an EINVALID
// error naming field, or nil.
func CheckText(field, label, s string, max int, required bool) error {
	var v Validation
	checkText(&v, field, label, s, max, required)
	return v.Err()
}
