package vigil

import (
	"context"
	"strings"
	"time"
)

// Action plans (MISSION R10): in Rotherham strategies and action plans
// "sat on the shelf". Here an inquiry's or inspection's recommendations are
// entered as they were written; each becomes actions with an owner, a
// deadline, the evidence that will show it is done, and a status. A missed
// action deadline escalates up its own ladder, as casework deadlines do; an
// action cannot be marked done without evidence; and only the scrutiny
// panel signs it off, with a recorded decision. A public page shows each
// recommendation's state.

// ActionStatus is where an action stands.
type ActionStatus string

// Action statuses.
const (
	ActionNotStarted ActionStatus = "not_started"
	ActionInProgress ActionStatus = "in_progress"
	ActionDone       ActionStatus = "done"       // evidence given; awaiting scrutiny's sign-off
	ActionSignedOff  ActionStatus = "signed_off" // scrutiny accepted the evidence
)

// ActionStatusLabels are what people read.
var ActionStatusLabels = map[ActionStatus]string{
	ActionNotStarted: "Not started", ActionInProgress: "In progress", ActionDone: "Done, awaiting sign-off", ActionSignedOff: "Signed off by scrutiny",
}

// ActionPlan is the response to one report: the report's recommendations
// and the actions agreed for each.
type ActionPlan struct {
	ID    ID     `json:"id"`
	Title string `json:"title"`
	// Report names the inquiry or inspection report the plan answers, and
	// ReportDate its publication date (YYYY-MM-DD).
	Report     string    `json:"report"`
	ReportDate string    `json:"report_date"`
	Public     bool      `json:"public"` // shown on the public progress page
	CreatedBy  ID        `json:"created_by"`
	CreatedAt  time.Time `json:"created_at"`
	Version    int64     `json:"version"`

	Recommendations []*Recommendation `json:"recommendations"`
}

// Recommendation is one recommendation of a report, in the report's words.
type Recommendation struct {
	ID      ID            `json:"id"`
	PlanID  ID            `json:"plan_id"`
	Number  string        `json:"number"` // as the report numbers it: "1", "7a"
	Text    string        `json:"text"`
	AddedBy ID            `json:"added_by"`
	AddedAt time.Time     `json:"added_at"`
	Actions []*PlanAction `json:"actions"`
}

// PlanAction is one action agreed to carry out a recommendation.
type PlanAction struct {
	ID               ID           `json:"id"`
	RecommendationID ID           `json:"recommendation_id"`
	PlanID           ID           `json:"plan_id"`
	Title            string       `json:"title"`
	OwnerID          ID           `json:"owner_id"`
	Due              time.Time    `json:"due"`
	EvidenceNeeded   string       `json:"evidence_needed"` // what will show it is done, agreed when the action is set
	Status           ActionStatus `json:"status"`
	Progress         string       `json:"progress,omitempty"` // the latest progress note
	Evidence         string       `json:"evidence,omitempty"` // the evidence given when marked done
	DoneAt           *time.Time   `json:"done_at,omitempty"`
	DoneBy           ID           `json:"done_by,omitempty"`
	SignedOffAt      *time.Time   `json:"signed_off_at,omitempty"`
	SignedOffBy      ID           `json:"signed_off_by,omitempty"`
	Version          int64        `json:"version"`
	// Escalation is the action's open escalation, if any.
	Escalation *ActionEscalation `json:"escalation,omitempty"`
}

// Overdue reports whether a is past its deadline and not done.
func (a *PlanAction) Overdue(now time.Time) bool {
	return (a.Status == ActionNotStarted || a.Status == ActionInProgress) && now.After(a.Due)
}

// ActionEscalation is a missed action deadline that someone must answer
// for; it climbs ActionLadder until answered with a recorded decision or
// the action is done.
type ActionEscalation struct {
	ID         ID               `json:"id"`
	ActionID   ID               `json:"action_id"`
	Level      int              `json:"level"`
	LevelName  string           `json:"level_name"`
	HolderID   ID               `json:"holder_id,omitempty"`
	HolderRole string           `json:"holder_role"`
	Reason     string           `json:"reason"`
	RaisedAt   time.Time        `json:"raised_at"`
	RespondBy  *time.Time       `json:"respond_by"`
	Status     EscalationStatus `json:"status"`
	Decision   string           `json:"decision,omitempty"`
	ResolvedBy ID               `json:"resolved_by,omitempty"`
	ResolvedAt *time.Time       `json:"resolved_at,omitempty"`
}

// LadderManager is the rung held by the action owner's line manager.
const LadderManager = "manager"

// ActionLadder is the escalation ladder of action deadlines: the owner,
// their line manager, the director of children's services, and finally
// independent oversight (the scrutiny panel and commissioners), outside
// the organisation whose plan is slipping. Actions are slower work than
// casework, so each rung has longer to answer.
var ActionLadder = []LadderStep{
	{Name: "Action owner", Role: LadderOwner, Respond: Period{WorkingDays: 5}},
	{Name: "Owner's line manager", Role: LadderManager, Respond: Period{WorkingDays: 5}},
	{Name: "Director of children's services", Role: string(RoleDirector), Respond: Period{WorkingDays: 10}},
	{Name: "Independent oversight", Role: LadderOversight},
}

// ActionUpdate is one line of an action's history.
type ActionUpdate struct {
	ID      ID        `json:"id"`
	At      time.Time `json:"at"`
	ActorID ID        `json:"actor_id"`
	Kind    string    `json:"kind"`
	Summary string    `json:"summary"`
}

// RecommendationState is a recommendation's state on the public page.
type RecommendationState string

// Recommendation states, from the actions under it.
const (
	RecNoActions  RecommendationState = "no_actions"  // nothing agreed yet: a plan on the shelf
	RecNotStarted RecommendationState = "not_started" // actions agreed, none begun
	RecInProgress RecommendationState = "in_progress"
	RecOverdue    RecommendationState = "overdue"  // an action is past its deadline
	RecAwaiting   RecommendationState = "awaiting" // every action done, some awaiting sign-off
	RecComplete   RecommendationState = "complete" // every action signed off by scrutiny
)

// RecommendationStateLabels are what the public page says.
var RecommendationStateLabels = map[RecommendationState]string{
	RecNoActions: "No actions agreed", RecNotStarted: "Not started", RecInProgress: "In progress",
	RecOverdue: "Overdue", RecAwaiting: "Done, awaiting scrutiny sign-off", RecComplete: "Complete: signed off by scrutiny",
}

// State returns r's state at now: overdue if any action is overdue;
// complete only when every action is signed off.
func (r *Recommendation) State(now time.Time) RecommendationState {
	if len(r.Actions) == 0 {
		return RecNoActions
	}
	var started, done, signed int
	for _, a := range r.Actions {
		if a.Overdue(now) {
			return RecOverdue
		}
		switch a.Status {
		case ActionInProgress:
			started++
		case ActionDone:
			done++
		case ActionSignedOff:
			signed++
		}
	}
	switch n := len(r.Actions); {
	case signed == n:
		return RecComplete
	case done+signed == n:
		return RecAwaiting
	case started+done+signed > 0:
		return RecInProgress
	}
	return RecNotStarted
}

// Limits of plan text.
const (
	MaxPlanTitleLen = 300
	MaxRecTextLen   = 10000
)

// NewActionPlan is the input for entering a plan.
type NewActionPlan struct {
	Title      string
	Report     string
	ReportDate string // YYYY-MM-DD
	Public     bool
}

// Validate checks a new plan.
func (n *NewActionPlan) Validate(now time.Time) error {
	n.Title, n.Report, n.ReportDate = strings.TrimSpace(n.Title), strings.TrimSpace(n.Report), strings.TrimSpace(n.ReportDate)
	var v Validation
	checkText(&v, "title", "the plan's title", n.Title, MaxPlanTitleLen, true)
	checkText(&v, "report", "the report the plan answers", n.Report, MaxPlanTitleLen, true)
	d, err := time.ParseInLocation("2006-01-02", n.ReportDate, London)
	if err != nil || d.After(now) || d.Before(earliestPeriod) {
		v.Add("report_date", "Enter the date the report was published, for example 2014-08-26, not in the future")
	}
	return v.Err()
}

// NewRecommendation is the input for entering a recommendation.
type NewRecommendation struct {
	Number string
	Text   string
}

// Validate checks a recommendation.
func (n *NewRecommendation) Validate() error {
	n.Number, n.Text = strings.TrimSpace(n.Number), strings.TrimSpace(n.Text)
	var v Validation
	checkText(&v, "number", "the recommendation's number", n.Number, 20, true)
	checkText(&v, "text", "the recommendation, in the report's words", n.Text, MaxRecTextLen, true)
	return v.Err()
}

// NewPlanAction is the input for agreeing an action.
type NewPlanAction struct {
	Title          string
	OwnerID        ID
	Due            time.Time
	EvidenceNeeded string
}

// Validate checks an action. A deadline already past is allowed: a plan
// entered late starts with its overdue actions escalating.
func (n *NewPlanAction) Validate(now time.Time) error {
	n.Title, n.EvidenceNeeded = strings.TrimSpace(n.Title), strings.TrimSpace(n.EvidenceNeeded)
	var v Validation
	checkText(&v, "title", "what will be done", n.Title, MaxPlanTitleLen, true)
	if !n.OwnerID.Valid() {
		v.Add("owner_id", "Choose the person who owns the action")
	}
	if n.Due.IsZero() || n.Due.Before(earliestPeriod) || n.Due.After(now.AddDate(10, 0, 0)) {
		v.Add("due", "Enter the deadline as a real date within the next ten years")
	}
	checkText(&v, "evidence_needed", "the evidence that will show the action is done", n.EvidenceNeeded, MaxReasonLen, true)
	return v.Err()
}

// ActionProgress is the input for reporting on an action: a note, and
// optionally that it is done, with the evidence.
type ActionProgress struct {
	Status   ActionStatus // ActionInProgress or ActionDone
	Note     string
	Evidence string // required for ActionDone
}

// Validate checks a progress report.
func (n *ActionProgress) Validate() error {
	n.Note, n.Evidence = strings.TrimSpace(n.Note), strings.TrimSpace(n.Evidence)
	var v Validation
	switch n.Status {
	case ActionInProgress:
		checkText(&v, "note", "what has been done so far", n.Note, MaxReasonLen, true)
	case ActionDone:
		checkText(&v, "note", "the note", n.Note, MaxReasonLen, false)
		// An action cannot be marked done without evidence.
		checkText(&v, "evidence", "the evidence that the action is done: what it is and where scrutiny can see it", n.Evidence, MaxReasonLen, true)
	default:
		v.Add("status", "Say whether the action is in progress or done")
	}
	return v.Err()
}

// CanEditPlans reports whether u may enter plans, recommendations and
// actions: the director and service managers, whose organisation must
// change; commissioners; and the scrutiny panel, so that a report's
// recommendations are on record even when the council does not enter them.
func CanEditPlans(u *User) bool {
	if u == nil || u.Status != UserActive {
		return false
	}
	switch u.Role {
	case RoleDirector, RoleServiceManager, RoleCommissioner, RoleScrutinyMember:
		return true
	}
	return false
}

// CanOwnActions reports whether u may own an action: staff who can bring
// change about, not those who check it (scrutiny, investigators) or only
// run the system.
func CanOwnActions(u *User) bool {
	if u == nil || u.Status != UserActive {
		return false
	}
	switch u.Role {
	case RoleScrutinyMember, RoleInvestigator, RoleAdministrator, RoleReferrer:
		return false
	}
	return true
}

// CanReportProgress reports whether u may report progress on a, or mark it
// done: its owner, or the director or a commissioner on their behalf. The
// scrutiny panel never does, since it signs off.
func CanReportProgress(u *User, a *PlanAction) bool {
	if u == nil || u.Status != UserActive {
		return false
	}
	return u.ID == a.OwnerID || u.Role == RoleDirector || u.Role == RoleCommissioner
}

// CanSignOff reports whether u may sign off an action: the scrutiny panel,
// independent of those who did the work.
func CanSignOff(u *User, a *PlanAction) bool {
	return u != nil && u.Status == UserActive && u.Role == RoleScrutinyMember && u.ID != a.OwnerID
}

// CanResolveActionEscalation reports whether u may answer escalation e of
// an action: its holder; the director or independent oversight at any rung.
func CanResolveActionEscalation(u *User, e *ActionEscalation) bool {
	if u == nil || u.Status != UserActive || e.Status != EscalationOpen {
		return false
	}
	switch {
	case e.HolderID != "" && u.ID == e.HolderID:
		return true
	case u.Role == RoleScrutinyMember || u.Role == RoleCommissioner || u.Role == RoleDirector:
		return true
	}
	return false
}

// ActionPlanService enters plans and tracks their actions. Every change is
// written with its log entry in one transaction.
type ActionPlanService interface {
	// CreatePlan enters a plan. Returns EFORBIDDEN (see CanEditPlans), EINVALID.
	CreatePlan(ctx context.Context, actor Actor, n NewActionPlan) (*ActionPlan, error)
	// AddRecommendation enters a recommendation of a plan. Returns
	// EFORBIDDEN, EINVALID, ENOTFOUND.
	AddRecommendation(ctx context.Context, actor Actor, planID ID, n NewRecommendation) (*Recommendation, error)
	// AddAction agrees an action for a recommendation. The owner must be
	// able to own actions. Returns EFORBIDDEN, EINVALID, ENOTFOUND.
	AddAction(ctx context.Context, actor Actor, recID ID, n NewPlanAction) (*PlanAction, error)
	// ReportProgress records progress on an action, or that it is done with
	// its evidence (which answers its open escalations). Returns
	// EFORBIDDEN (see CanReportProgress), EINVALID, ENOTFOUND, ECONFLICT
	// for an action already signed off.
	ReportProgress(ctx context.Context, actor Actor, actionID ID, n ActionProgress) error
	// SignOff records scrutiny's decision on an action marked done: accept
	// signs it off; otherwise it goes back in progress with the reason.
	// Returns EFORBIDDEN (see CanSignOff), EINVALID (a decision is
	// needed), ECONFLICT (the action is not awaiting sign-off).
	SignOff(ctx context.Context, actor Actor, actionID ID, accept bool, decision string) error
	// ResolveActionEscalation answers an action's escalation with a
	// decision; extendTo, when set, gives the action a new deadline (not
	// by its owner). Returns EFORBIDDEN, EINVALID, ENOTFOUND, ECONFLICT.
	ResolveActionEscalation(ctx context.Context, actor Actor, escalationID ID, decision string, extendTo *time.Time) error
	// Plans lists plans: the public ones for anyone (a nil actor user),
	// all of them for staff who may see statistics or edit plans.
	Plans(ctx context.Context, actor Actor) ([]*ActionPlan, error)
	// FindPlan returns a plan with its recommendations and actions, to
	// anyone if it is public. Returns ENOTFOUND.
	FindPlan(ctx context.Context, actor Actor, id ID) (*ActionPlan, error)
	// FindAction returns an action with its plan and history, for staff
	// who may see the plan. Returns ENOTFOUND.
	FindAction(ctx context.Context, actor Actor, id ID) (*ActionDetail, error)
	// ActionEscalations lists the open action escalations actor may answer.
	ActionEscalations(ctx context.Context, actor Actor) ([]*ActionEscalationItem, error)
}

// ActionDetail is an action with everything its page shows.
type ActionDetail struct {
	PlanAction
	Plan           *ActionPlan         `json:"plan"` // without its recommendations
	Recommendation *Recommendation     `json:"recommendation"`
	Owner          *Person             `json:"owner"`
	Escalations    []*ActionEscalation `json:"escalations"`
	History        []*ActionUpdate     `json:"history"`
}

// ActionEscalationItem is an open action escalation with its action, for
// work lists.
type ActionEscalationItem struct {
	ActionEscalation
	ActionTitle string    `json:"action_title"`
	PlanTitle   string    `json:"plan_title"`
	Due         time.Time `json:"due"`
}
