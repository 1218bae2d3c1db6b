package vigil

import (
	"context"
	"strings"
	"time"
)

// Administration of an agency's people, and intervention (issue 5, parts
// 4 and 6). In Rotherham the government sent commissioners to take over
// the council's functions after the inquiries found that councillors and
// officers had known and done nothing (Casey, 2015). Vigil models that:
// an intervening authority (commissioners, of an independent agency) can
// take over the administration of an agency; from then on the agency's own
// administrators only ask, and a commissioner approves or refuses each
// request with a reason. Every step is a row of a tracked table and an
// entry in the log.

// AdminAction is an administrative change to a person.
type AdminAction string

// The administrative actions.
const (
	AdminCreateUser    AdminAction = "create_user"    // add a person to the agency
	AdminSetStatus     AdminAction = "set_status"     // suspend, record as left, or reinstate
	AdminRevokeTokens  AdminAction = "revoke_tokens"  // revoke every API token of a person
	AdminResetPassword AdminAction = "reset_password" // give a new one-time password; signs the person out everywhere
	AdminResetTOTP     AdminAction = "reset_totp"     // forget the person's authenticator; they set one up at next sign-in
	// AdminRecordConflict records a conflict of interest for the person,
	// made through ConflictService.DeclareConflict: it closes cases to
	// them, so under intervention it waits for a commissioner like the
	// rest. A person's own declaration never does.
	AdminRecordConflict AdminAction = "record_conflict"
)

// AdminActions lists every action, in the order pages show them.
var AdminActions = []AdminAction{AdminCreateUser, AdminSetStatus, AdminRevokeTokens, AdminResetPassword, AdminResetTOTP, AdminRecordConflict}

// AdminActionLabels are the actions' names for people.
var AdminActionLabels = map[AdminAction]string{
	AdminCreateUser:     "Add a person",
	AdminSetStatus:      "Change status",
	AdminRevokeTokens:   "Revoke API tokens",
	AdminResetPassword:  "Reset password",
	AdminResetTOTP:      "Reset authenticator",
	AdminRecordConflict: "Record a conflict of interest",
}

// AdminChange is one administrative change asked for.
type AdminChange struct {
	Action   AdminAction
	AgencyID ID // the agency administered: the new person's, or the changed person's
	UserID   ID // the person changed; empty for AdminCreateUser
	// NewUser holds the new person for AdminCreateUser. Its Password is
	// ignored: Vigil makes a one-time password and shows it once.
	NewUser NewUser
	Status  UserStatus // for AdminSetStatus
	// Conflict is the conflict for AdminRecordConflict: its kind and
	// value; its person is UserID and its reason Reason.
	Conflict NewConflict
	Reason   string // why: always required, and kept with the change
}

// Validate checks the fields every action needs. The store checks the
// rest (that the team is the agency's, the username free) when the change
// is made, since they may change while a request waits.
func (c *AdminChange) Validate() error {
	c.Reason = strings.TrimSpace(c.Reason)
	var v Validation
	switch c.Action {
	case AdminCreateUser:
		n := c.NewUser
		n.Password = "placeholder: generated"
		n.AgencyID = c.AgencyID
		if err := n.Validate(); err != nil {
			for _, f := range ErrorFields(err) {
				v.Add(f.Field, "%s", f.Message)
			}
		}
	case AdminRecordConflict:
		n := c.Conflict
		n.UserID, n.Reason = c.UserID, c.Reason
		if err := n.Validate(); err != nil {
			for _, f := range ErrorFields(err) {
				if f.Field != "reason" { // checked below, once
					v.Add(f.Field, "%s", f.Message)
				}
			}
		}
		c.Conflict.Value = n.Value
		if !c.UserID.Valid() {
			v.Add("user_id", "Choose the person")
		}
	case AdminSetStatus:
		switch c.Status {
		case UserActive, UserSuspended, UserLeft:
		default:
			v.Add("status", "Choose active, suspended or left")
		}
		fallthrough
	case AdminRevokeTokens, AdminResetPassword, AdminResetTOTP:
		if !c.UserID.Valid() {
			v.Add("user_id", "Choose the person")
		}
	default:
		v.Add("action", "Choose what to do")
	}
	checkText(&v, "reason", "the reason", c.Reason, MaxReasonLen, true)
	return v.Err()
}

// AdminStatus is where an administrative change stands.
type AdminStatus string

// Statuses of an administrative change.
const (
	AdminDone     AdminStatus = "done"     // made at once by someone entitled to make it
	AdminPending  AdminStatus = "pending"  // waiting for a commissioner's approval
	AdminApproved AdminStatus = "approved" // approved by a commissioner, and so made
	AdminRefused  AdminStatus = "refused"  // refused by a commissioner, with a reason
	AdminLapsed   AdminStatus = "lapsed"   // the intervention ended before anyone decided
)

// AdminRecord is one administrative change, made or asked for: the
// agency's administration history.
type AdminRecord struct {
	ID              ID          `json:"id"`
	AgencyID        ID          `json:"agency_id"`
	InterventionID  ID          `json:"intervention_id,omitempty"` // the intervention in force when it was asked for
	Action          AdminAction `json:"action"`
	UserID          ID          `json:"user_id,omitempty"` // the person changed or created
	UserName        string      `json:"user_name,omitempty"`
	Details         string      `json:"details,omitempty"` // what exactly: "suspended", "role social_worker, team ..."
	Reason          string      `json:"reason"`
	Status          AdminStatus `json:"status"`
	RequestedBy     ID          `json:"requested_by"`
	RequestedByName string      `json:"requested_by_name"`
	RequestedAt     time.Time   `json:"requested_at"`
	DecidedBy       ID          `json:"decided_by,omitempty"`
	DecidedByName   string      `json:"decided_by_name,omitempty"`
	DecidedAt       *time.Time  `json:"decided_at,omitempty"`
	Decision        string      `json:"decision,omitempty"` // the commissioner's reason
}

// AdminOutcome is the result of asking for a change.
type AdminOutcome struct {
	Record *AdminRecord // the change, done or pending
	User   *User        // the person created or changed, when the change was made
	// Password is a new one-time password (AdminCreateUser,
	// AdminResetPassword), for the person who asked to pass on. It is shown
	// once and stored only as a hash; when the change waits for approval it
	// starts to work once approved.
	Password string
}

// Intervention is the taking over of an agency's administration by an
// intervening authority.
type Intervention struct {
	ID            ID         `json:"id"`
	AgencyID      ID         `json:"agency_id"`
	AgencyName    string     `json:"agency_name"`
	Reason        string     `json:"reason"`
	StartedBy     ID         `json:"started_by"`
	StartedByName string     `json:"started_by_name"`
	StartedAt     time.Time  `json:"started_at"`
	EndedBy       ID         `json:"ended_by,omitempty"`
	EndedByName   string     `json:"ended_by_name,omitempty"`
	EndedAt       *time.Time `json:"ended_at,omitempty"`
	EndReason     string     `json:"end_reason,omitempty"`
}

// Active reports whether the intervention is in force.
func (i *Intervention) Active() bool { return i != nil && i.EndedAt == nil }

// AdminService administers the people of agencies. Administrators act on
// their own agency; commissioners act on an agency under intervention.
type AdminService interface {
	// AgencyPeople lists the people of an agency by name. Administrators
	// of the agency and commissioners may call it. Returns EFORBIDDEN.
	AgencyPeople(ctx context.Context, actor Actor, agencyID ID) ([]*User, error)

	// AgencyTeams lists an agency's teams by name, for the same callers.
	AgencyTeams(ctx context.Context, actor Actor, agencyID ID) ([]*Team, error)

	// Administer makes a change, or records it as a request when the
	// agency is under intervention and the actor is one of its own
	// administrators: then the change waits for a commissioner. Either
	// way the change, its reason and who asked are recorded. Nobody
	// administers their own account. Returns EFORBIDDEN, EINVALID,
	// ENOTFOUND, ECONFLICT (a taken username; no one to take over the
	// cases of a person suspended).
	Administer(ctx context.Context, actor Actor, c AdminChange) (*AdminOutcome, error)

	// AdminHistory lists an agency's administrative changes, pending first,
	// then newest first, at most limit of them. Administrators of the
	// agency and commissioners may call it. Returns EFORBIDDEN.
	AdminHistory(ctx context.Context, actor Actor, agencyID ID, limit int) ([]*AdminRecord, error)

	// DecideAdminRequest approves or refuses a pending request. Only a
	// commissioner may call it, while the intervention it was made under
	// is in force, and never on a request of their own. Approving makes
	// the change in the same transaction; refusing needs a reason.
	// Returns EFORBIDDEN, ENOTFOUND, ECONFLICT (already decided), EINVALID.
	DecideAdminRequest(ctx context.Context, actor Actor, recordID ID, approve bool, reason string) (*AdminOutcome, error)
}

// InterventionService starts and ends interventions.
type InterventionService interface {
	// StartIntervention takes over the administration of an agency. Only a
	// commissioner of an independent agency may call it, for another
	// agency with no intervention in force. Returns EFORBIDDEN, ENOTFOUND,
	// ECONFLICT, EINVALID (no reason).
	StartIntervention(ctx context.Context, actor Actor, agencyID ID, reason string) (*Intervention, error)

	// EndIntervention hands administration back, with the reason recorded.
	// Requests still pending lapse. Only a commissioner may call it.
	// Returns EFORBIDDEN, ENOTFOUND, ECONFLICT (already ended), EINVALID.
	EndIntervention(ctx context.Context, actor Actor, interventionID ID, reason string) error

	// Interventions lists every intervention, those in force first, then
	// newest first. Anyone signed in may call it: that an agency is run by
	// commissioners is public knowledge.
	Interventions(ctx context.Context) ([]*Intervention, error)
}
