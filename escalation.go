package vigil

import "time"

// LadderStep is one rung of the escalation ladder: who holds an escalation
// at that level, and how long they have to answer before it climbs.
type LadderStep struct {
	Name string `json:"name"` // e.g. "Team manager"
	// Role is the role that holds the escalation at this level; the case
	// owner holds the first level ("owner"), independent oversight the last
	// ("oversight": scrutiny panel members and commissioners).
	Role    string `json:"role"`
	Respond Period `json:"respond"`
}

// Ladder roles that are not user roles.
const (
	LadderOwner     = "owner"
	LadderOversight = "oversight"
)

// DefaultLadder climbs from the case owner to independent oversight, as
// MISSION R3 asks: nobody can sit on a missed deadline, and the top of the
// ladder is outside the organisation that missed it.
var DefaultLadder = []LadderStep{
	{Name: "Case owner", Role: LadderOwner, Respond: Period{WorkingDays: 1}},
	{Name: "Team manager", Role: string(RoleTeamManager), Respond: Period{WorkingDays: 2}},
	{Name: "Service manager", Role: string(RoleServiceManager), Respond: Period{WorkingDays: 2}},
	{Name: "Director of children's services", Role: string(RoleDirector), Respond: Period{WorkingDays: 5}},
	{Name: "Independent oversight", Role: LadderOversight},
}

// EscalationStatus is open until someone with authority records a decision.
type EscalationStatus string

// Escalation statuses.
const (
	EscalationOpen     EscalationStatus = "open"
	EscalationResolved EscalationStatus = "resolved"
)

// Escalation kinds: what went wrong.
const (
	EscalationDeadlineMissed     = "deadline_missed"
	EscalationTransferRefused    = "transfer_refused"
	EscalationTransferUnanswered = "transfer_unanswered" // an offer of a case left without an answer (Rules.TransferAnswer)
)

// Escalation is a missed deadline or a refused transfer that someone must
// answer for. It climbs the ladder until answered with a recorded decision.
type Escalation struct {
	ID         ID               `json:"id"`
	CaseID     ID               `json:"case_id"`
	DeadlineID ID               `json:"deadline_id,omitempty"`
	TransferID ID               `json:"transfer_id,omitempty"` // the offer left unanswered, for kind transfer_unanswered
	Kind       string           `json:"kind"`
	Level      int              `json:"level"` // 1-based rung of the ladder
	LevelName  string           `json:"level_name"`
	HolderID   ID               `json:"holder_id,omitempty"` // empty at independent oversight
	HolderRole string           `json:"holder_role"`
	Reason     string           `json:"reason"`
	RaisedAt   time.Time        `json:"raised_at"`
	RespondBy  *time.Time       `json:"respond_by"` // nil at the top of the ladder
	Status     EscalationStatus `json:"status"`
	Decision   string           `json:"decision,omitempty"`
	ResolvedBy ID               `json:"resolved_by,omitempty"`
	ResolvedAt *time.Time       `json:"resolved_at,omitempty"`
	// Explanation is the case owner's latest answer to an escalation of
	// their own missed deadline (see OwnerExplains): recorded, shown to
	// whoever holds the escalation next, but not a decision that ends it.
	Explanation string     `json:"explanation,omitempty"`
	ExplainedBy ID         `json:"explained_by,omitempty"`
	ExplainedAt *time.Time `json:"explained_at,omitempty"`
}

// CanResolveEscalation reports whether u may answer escalation e: its
// holder, anyone holding a higher rung's role in the case's agency, or
// independent oversight at any level.
func CanResolveEscalation(u *User, e *Escalation, caseAgency ID, ladder []LadderStep) bool {
	if u == nil || u.Status != UserActive || e.Status != EscalationOpen {
		return false
	}
	if u.ID == e.HolderID || u.Role == RoleScrutinyMember || u.Role == RoleCommissioner {
		return true
	}
	if u.AgencyID != caseAgency {
		return false
	}
	for i := e.Level; i < len(ladder); i++ { // rungs above the current one (Level is 1-based)
		if ladder[i].Role == string(u.Role) {
			return true
		}
	}
	return false
}

// OwnerExplains reports whether u's answer to escalation e is only an
// explanation rather than a decision that ends it: u owns the case whose
// deadline was missed. Whoever missed a deadline owes a reason (DESIGN.md
// section 4), but cannot close the matter themselves while the deadline
// is unmet: the explanation is recorded and the escalation keeps its
// response time, climbing to the next rung unless someone above the owner
// accepts it with a decision of their own, or the deadline is met (which
// resolves it). A refused transfer is about someone else's answer, so the
// owner's decision on it ends it as anyone's would.
func OwnerExplains(u *User, e *Escalation, caseOwner ID) bool {
	return u != nil && e.DeadlineID != "" && u.ID == caseOwner
}

// SweepResult counts what one sweep of deadlines and escalations did.
type SweepResult struct {
	Missed     int `json:"missed"`     // deadlines newly escalated
	Climbed    int `json:"climbed"`    // escalations moved up a rung
	Unanswered int `json:"unanswered"` // transfer offers newly escalated for want of an answer
}
