package speakup

import (
	"slices"
	"time"

	"github.com/vigil-project/vigil"
)

// A missed acknowledgement or feedback deadline escalates like a missed
// statutory deadline (vigil.LadderStep, internal/escalate): it is held at
// each rung for a while, climbs when nobody answers with a recorded
// decision, and ends with independent oversight. The ladder of a report
// must stay outside the organisation it is about, and the store does not
// know that organisation (it is in the encrypted content). So every rung
// is held by people of the agencies the report was routed to, which
// routing already keeps apart from it (RouteReport); nobody in any other
// agency, whatever their role, can answer the escalation.

// LadderRecipients is the ladder role of a report's own recipients.
const LadderRecipients = "recipients"

// Ladder is the escalation ladder of speak-up deadlines.
var Ladder = []vigil.LadderStep{
	{Name: "People the report was sent to", Role: LadderRecipients, Respond: vigil.Period{WorkingDays: 2}},
	{Name: "Director of a body that receives it", Role: string(vigil.RoleDirector), Respond: vigil.Period{WorkingDays: 5}},
	{Name: "Independent oversight in a body that receives it", Role: vigil.LadderOversight},
}

// Escalation is a missed speak-up deadline that someone must answer for.
type Escalation struct {
	ID           vigil.ID               `json:"id"`
	ReportID     vigil.ID               `json:"report_id"`
	DeadlineID   vigil.ID               `json:"deadline_id"`
	DeadlineKind string                 `json:"deadline_kind"`
	Channel      Channel                `json:"channel"`
	Level        int                    `json:"level"` // 1-based rung of Ladder
	LevelName    string                 `json:"level_name"`
	HolderID     vigil.ID               `json:"holder_id,omitempty"`
	HolderRole   string                 `json:"holder_role"`
	Reason       string                 `json:"reason"`
	RaisedAt     time.Time              `json:"raised_at"`
	RespondBy    *time.Time             `json:"respond_by"`
	Status       vigil.EscalationStatus `json:"status"`
	Decision     string                 `json:"decision,omitempty"`
	ResolvedBy   vigil.ID               `json:"resolved_by,omitempty"`
	ResolvedAt   *time.Time             `json:"resolved_at,omitempty"`
}

// CanResolve reports whether u may answer escalation e of a report routed
// to the agencies routed, recipient saying whether u is one of the
// report's recipients: its holder; at the first rung, any recipient; a
// director of a receiving agency below the director's rung; and the
// scrutiny panel members and commissioners of a receiving agency at any
// rung. Everyone else, whatever their role, may not.
func CanResolve(u *vigil.User, e *Escalation, routed []vigil.ID, recipient bool) bool {
	if u == nil || u.Status != vigil.UserActive || e.Status != vigil.EscalationOpen || !slices.Contains(routed, u.AgencyID) {
		return false
	}
	switch {
	case u.ID == e.HolderID, u.Role == vigil.RoleScrutinyMember, u.Role == vigil.RoleCommissioner:
		return true
	case recipient && e.Level == 1:
		return true
	}
	for i := e.Level; i < len(Ladder); i++ { // rungs above the current one (Level is 1-based)
		if Ladder[i].Role == string(u.Role) {
			return true
		}
	}
	return false
}
