package vigil

import (
	"context"
	"strings"
	"time"
	"unicode"
)

// ConflictKind says what a conflict of interest is with.
type ConflictKind string

// Kinds of conflict: in Rotherham a councillor was linked to a relative's
// relationship with a girl in care; a conflict can name a person (the
// relative), an address, or a case.
const (
	ConflictPerson  ConflictKind = "person"
	ConflictAddress ConflictKind = "address"
	ConflictCase    ConflictKind = "case"
)

// Conflict is a declared or recorded conflict of interest of a user.
type Conflict struct {
	ID           ID           `json:"id"`
	UserID       ID           `json:"user_id"`
	Kind         ConflictKind `json:"kind"`
	Value        string       `json:"value"` // the name, the address, or the case id
	Reason       string       `json:"reason"`
	RecordedBy   ID           `json:"recorded_by"`
	SelfDeclared bool         `json:"self_declared"` // false: recorded by someone else, perhaps found later
	CreatedAt    time.Time    `json:"created_at"`
}

// NewConflict is the input for declaring or recording a conflict.
type NewConflict struct {
	UserID ID
	Kind   ConflictKind
	Value  string
	Reason string
}

// Validate checks a new conflict.
func (n *NewConflict) Validate() error {
	n.Value, n.Reason = strings.TrimSpace(n.Value), strings.TrimSpace(n.Reason)
	var v Validation
	switch n.Kind {
	case ConflictPerson, ConflictAddress:
		if len(normalizeWords(n.Value)) < 4 {
			v.Add("value", "Enter the full name or address the conflict is with")
		}
	case ConflictCase:
		if !ID(n.Value).Valid() {
			v.Add("value", "Enter the case's id")
		}
	default:
		v.Add("kind", "Say whether the conflict is with a person, an address or a case")
	}
	checkText(&v, "value", "the name, address or case", n.Value, MaxAddressLen, true)
	checkText(&v, "reason", "the reason for the conflict", n.Reason, MaxReasonLen, true)
	return v.Err()
}

// ConflictsWith reports whether any of a user's conflicts touches a case:
// the case itself, its child's name or address, or a name or address in
// one of its concerns. A name or address matches as a run of whole words
// after folding case, punctuation and spacing: "John Smith" matches
// "JOHN  SMITH." but not "Johnny Smithson". Matching leans towards
// refusing: a false match only sends the case to a colleague.
func ConflictsWith(conflicts []*Conflict, c *Case, concerns []*Concern) bool {
	for _, x := range conflicts {
		switch x.Kind {
		case ConflictCase:
			if ID(x.Value) == c.ID {
				return true
			}
		case ConflictPerson:
			texts := []string{c.Child.Name}
			for _, cc := range concerns {
				texts = append(texts, cc.Child.Name, cc.OthersInvolved, cc.WhatHappened)
			}
			if containsWords(texts, x.Value) {
				return true
			}
		case ConflictAddress:
			texts := []string{c.Child.Address}
			for _, cc := range concerns {
				texts = append(texts, cc.Child.Address, cc.OthersInvolved, cc.WhatHappened)
			}
			if containsWords(texts, x.Value) {
				return true
			}
		}
	}
	return false
}

// normalizeWords folds s to lower-case words of letters and digits, joined
// by single spaces, with spaces around it so that whole words can be found
// with strings.Contains.
func normalizeWords(s string) string {
	var b strings.Builder
	b.WriteByte(' ')
	space := true
	for _, r := range strings.ToLower(s) {
		if unicode.IsLetter(r) || unicode.IsDigit(r) {
			b.WriteRune(r)
			space = false
		} else if !space {
			b.WriteByte(' ')
			space = true
		}
	}
	if !space {
		b.WriteByte(' ')
	}
	return b.String()
}

func containsWords(texts []string, phrase string) bool {
	p := normalizeWords(phrase)
	if strings.TrimSpace(p) == "" {
		return false
	}
	for _, t := range texts {
		if strings.Contains(normalizeWords(t), p) {
			return true
		}
	}
	return false
}

// ConflictOutcome is the result of declaring or recording a conflict:
// the conflict, in force at once, or, when someone else records it while
// the person's agency is under intervention, the request waiting for a
// commissioner's approval.
type ConflictOutcome struct {
	Conflict *Conflict    // nil while the request waits
	Request  *AdminRecord // nil when the conflict was recorded at once
}

// ConflictKinds lists every kind, in the order forms show them.
var ConflictKinds = []ConflictKind{ConflictPerson, ConflictAddress, ConflictCase}

// ConflictService records and shows conflicts of interest (issue 5, part 5).
type ConflictService interface {
	// DeclareConflict records a conflict of n.UserID: their own declaration
	// when the actor is that person, otherwise a record made by someone
	// granted ActConflictRecord over the person's agency (an administrator
	// or manager), for instance when a conflict that was never declared
	// comes to light. While the person's agency is under intervention a
	// record made by someone else is an administrative change like any
	// other (AdminRecordConflict): made at once by a commissioner, only
	// asked for by the agency's own administrators and managers, and in
	// force once a commissioner approves it. A person's own declaration is
	// never held back. Returns EUNAUTHORIZED, EINVALID, EFORBIDDEN, ENOTFOUND.
	DeclareConflict(ctx context.Context, actor Actor, n NewConflict) (*ConflictOutcome, error)
	// Conflicts returns a person's conflicts, oldest first. The person,
	// those granted ActConflictRecord over their agency, and those granted
	// ActTimelineView may call it. Returns ENOTFOUND (also when the actor
	// may not see them).
	Conflicts(ctx context.Context, actor Actor, userID ID) ([]*Conflict, error)
}
