package vigil

import (
	"context"
	"time"
)

// CaseStatus is the state of a case.
type CaseStatus string

// Case statuses.
const (
	CaseOpen   CaseStatus = "open"
	CaseClosed CaseStatus = "closed"
)

// Case is the work about one child that follows from one or more concerns.
// An open case always has exactly one accountable owner (MISSION R3).
type Case struct {
	ID          ID         `json:"id"`
	Ref         string     `json:"reference"`
	Status      CaseStatus `json:"status"`
	Stage       Stage      `json:"stage"`
	LookedAfter bool       `json:"looked_after"`
	Child       Child      `json:"child"`
	AgencyID    ID         `json:"agency_id"`
	TeamID      ID         `json:"team_id"`
	OwnerID     ID         `json:"owner_id"`
	ReceivedAt  time.Time  `json:"received_at"` // when the first concern was received: clocks count from it
	OpenedAt    time.Time  `json:"opened_at"`
	Version     int64      `json:"version"`
	// NextDue is the earliest open deadline, for work lists (nil when none).
	NextDue     *time.Time `json:"next_due,omitempty"`
	NextDueKind string     `json:"next_due_kind,omitempty"`
	// StageBefore is the stage before closure was requested, to return to if refused.
	StageBefore Stage `json:"-"`
}

// CaseEvent is one line of a case's chronology: what happened, when, and who did it.
type CaseEvent struct {
	ID      ID        `json:"id"`
	CaseID  ID        `json:"-"`
	At      time.Time `json:"at"`
	ActorID ID        `json:"actor_id"`
	Kind    string    `json:"kind"`
	Summary string    `json:"summary"`
}

// Chronology event kinds.
const (
	EventConcernReceived = "concern.received"
	EventCaseOpened      = "case.opened"
	EventCaseAssigned    = "case.assigned"
)

// Person is what a case shows of a member of staff: enough to know who is
// accountable and how to reach them through their agency, and no more.
type Person struct {
	ID       ID     `json:"id"`
	Name     string `json:"name"`
	Role     Role   `json:"role"`
	AgencyID ID     `json:"agency_id"`
}

// PersonOf returns the public view of u.
func PersonOf(u *User) *Person {
	return &Person{ID: u.ID, Name: u.Name, Role: u.Role, AgencyID: u.AgencyID}
}

// CaseDetail is a case with everything its page shows.
type CaseDetail struct {
	Case
	Owner           *Person           `json:"owner"`
	Team            *Team             `json:"team"`
	Concerns        []*Concern        `json:"concerns"`
	Events          []*CaseEvent      `json:"chronology"`
	Deadlines       []*Deadline       `json:"deadlines"`
	Escalations     []*Escalation     `json:"escalations"`
	Decisions       []*Decision       `json:"decisions"`
	Screening       *Screening        `json:"screening"`
	MissingEpisodes []*MissingEpisode `json:"missing_episodes"`
	Transfers       []*Transfer       `json:"transfers"`
	Referrals       []*AgencyReferral `json:"agency_referrals"`
	Shares          []*ShareDecision  `json:"share_decisions"`
}

// MissingEpisode is a time a child was missing from home or care.
type MissingEpisode struct {
	ID          ID         `json:"id"`
	CaseID      ID         `json:"-"`
	MissingFrom time.Time  `json:"missing_from"`
	ReturnedAt  *time.Time `json:"returned_at"`
	Details     string     `json:"details"`
	RecordedBy  ID         `json:"recorded_by"`
}

// TransferStatus is the state of an offer of a case to a new owner.
type TransferStatus string

// Transfer statuses: a transfer is offered and accepted, never dropped.
// An offer may be withdrawn, with a reason, by whoever may transfer the
// case; an offer to someone who is suspended or leaves is withdrawn at once.
// The case keeps its owner throughout.
const (
	TransferOffered   TransferStatus = "offered"
	TransferAccepted  TransferStatus = "accepted"
	TransferRefused   TransferStatus = "refused"
	TransferWithdrawn TransferStatus = "withdrawn"
)

// Transfer is an offer of a case to a new owner. The case keeps its owner
// until the offer is accepted, so it is never without one.
type Transfer struct {
	ID         ID             `json:"id"`
	CaseID     ID             `json:"case_id"`
	FromID     ID             `json:"from_id"`
	ToID       ID             `json:"to_id"`
	Reason     string         `json:"reason"`
	Status     TransferStatus `json:"status"`
	OfferedAt  time.Time      `json:"offered_at"`
	AnsweredAt *time.Time     `json:"answered_at,omitempty"`
	// Answer is the reason for a refusal or a withdrawal, or a note with an acceptance.
	Answer      string `json:"answer,omitempty"`
	WithdrawnBy ID     `json:"withdrawn_by,omitempty"` // who withdrew the offer; Vigil itself when its target was suspended or left
}

// AgencyReferral sends a case to another agency for action, with an
// acknowledgement deadline.
type AgencyReferral struct {
	ID             ID         `json:"id"`
	CaseID         ID         `json:"case_id"`
	FromAgency     ID         `json:"from_agency"`
	ToAgency       ID         `json:"to_agency"`
	Reason         string     `json:"reason"`
	SentBy         ID         `json:"sent_by"`
	SentAt         time.Time  `json:"sent_at"`
	AcknowledgedBy ID         `json:"acknowledged_by,omitempty"`
	AcknowledgedAt *time.Time `json:"acknowledged_at,omitempty"`
}

// ShareDecision records a decision to share or not to share a case's
// information with another agency, and why (MISSION R4).
type ShareDecision struct {
	ID         ID        `json:"id"`
	CaseID     ID        `json:"-"`
	WithAgency ID        `json:"with_agency"`
	Share      bool      `json:"share"`
	Reason     string    `json:"reason"`
	By         ID        `json:"by"`
	At         time.Time `json:"at"`
}

// CaseFilter selects cases for a list.
type CaseFilter struct {
	OwnerID ID
	TeamID  ID
	Status  CaseStatus
	// Limit is how many cases at most (MaxCaseList when 0 or more);
	// Offset skips that many of the order, to page through a long list.
	Limit  int
	Offset int
	// ByDeadline sorts by the next open deadline, overdue first, as work
	// lists do; otherwise cases come oldest first.
	ByDeadline bool
	// Purpose says why the list is read ("my work", "api"): seeing a case
	// in a list is reading it, and is logged with this purpose.
	Purpose string
}

// MaxCaseList is the most cases one list returns; longer lists are paged
// (CasePage), never cut short silently.
const MaxCaseList = 1000

// CasePage is one page of a list of cases.
type CasePage struct {
	Cases []*Case
	// More says that cases follow this page; NextOffset is the Offset of
	// the next page.
	More       bool
	NextOffset int
}

// CaseService raises concerns and reads cases. Every method checks the
// actor's access itself, so that no caller can forget to.
type CaseService interface {
	// RaiseConcern records a concern and opens a case for it, owned by the
	// duty manager of the intake team, in one transaction with its log
	// entries. Professionals and the public (PublicActor) may call it.
	// Returns EINVALID (with field errors), EFORBIDDEN, EUNAVAILABLE.
	RaiseConcern(ctx context.Context, actor Actor, n NewConcern) (*Concern, *Case, error)

	// FindCase returns a case with its chronology, and records the read in
	// the log with its purpose before returning. Returns ENOTFOUND when the
	// case does not exist or the actor may not see it (the same answer, so
	// that case ids cannot be probed).
	FindCase(ctx context.Context, actor Actor, id ID, purpose string) (*CaseDetail, error)

	// Cases lists cases matching f that the actor may see, oldest first:
	// the first page of CasePage.
	Cases(ctx context.Context, actor Actor, f CaseFilter) ([]*Case, error)
	// CasePage lists a page of the cases matching f that the actor may
	// see, and says whether more follow. Returns EUNAUTHORIZED.
	CasePage(ctx context.Context, actor Actor, f CaseFilter) (*CasePage, error)
}

// CaseworkService records the steps of casework. Every method checks the
// actor's access, writes the change with its log entries in one
// transaction, starts, meets and stops the statutory clocks the change
// touches, and returns EINVALID with the step that must come first for
// anything out of order.
type CaseworkService interface {
	// RecordDecision records a decision (see Steps). Returns EINVALID,
	// ENOTFOUND, EFORBIDDEN.
	RecordDecision(ctx context.Context, actor Actor, caseID ID, n NewDecision) (*Decision, error)
	// OfferTransfer offers a case to a new owner, who must be able to hold
	// casework. Returns EINVALID, ENOTFOUND, EFORBIDDEN, ECONFLICT.
	OfferTransfer(ctx context.Context, actor Actor, caseID, to ID, reason string) (*Transfer, error)
	// AnswerTransfer accepts or refuses an offer; a refusal needs a reason
	// and escalates. Only the person offered may answer, and they may
	// accept only a case they could work on (no conflict of interest).
	AnswerTransfer(ctx context.Context, actor Actor, transferID ID, accept bool, reason string) error
	// WithdrawTransfer withdraws an offer not yet answered, with a reason;
	// the case keeps its owner. Whoever may transfer the case (its owner,
	// or a manager whose grant reaches it, CanTransfer) may withdraw it.
	// Returns EINVALID, ENOTFOUND, EFORBIDDEN, ECONFLICT.
	WithdrawTransfer(ctx context.Context, actor Actor, transferID ID, reason string) error
	// RecordMissing records that a child went missing; the third episode
	// within the missing pattern's days starts a strategy discussion clock.
	RecordMissing(ctx context.Context, actor Actor, caseID ID, from time.Time, details string) (*MissingEpisode, error)
	// RecordReturn records a missing child's return; the return home
	// interview clock starts.
	RecordReturn(ctx context.Context, actor Actor, episodeID ID, at time.Time) error
	// RecordScreening records a CSE screening and its risk level.
	RecordScreening(ctx context.Context, actor Actor, caseID ID, n NewScreening) (*Screening, error)
	// SendReferral refers a case to another agency, recording the decision
	// to share its information; the agency must acknowledge it in time.
	SendReferral(ctx context.Context, actor Actor, caseID, toAgency ID, reason string) (*AgencyReferral, error)
	// AcknowledgeReferral is the receiving agency's acknowledgement.
	AcknowledgeReferral(ctx context.Context, actor Actor, referralID ID) error
	// RecordShareDecision records a decision to share or withhold a case's
	// information with an agency, with its reason.
	RecordShareDecision(ctx context.Context, actor Actor, caseID, withAgency ID, share bool, reason string) error
	// ResolveEscalation ends an escalation with a recorded decision;
	// extendTo, when set, gives the deadline a new due time. The case
	// owner's answer to an escalation of their own missed deadline is
	// recorded as their explanation and does not end it (OwnerExplains);
	// nor may they extend the deadline. Returns EINVALID, ENOTFOUND,
	// EFORBIDDEN, ECONFLICT.
	ResolveEscalation(ctx context.Context, actor Actor, escalationID ID, decision string, extendTo *time.Time) error
	// Escalations lists open escalations the actor holds or may answer,
	// oldest first: the first page of EscalationPage.
	Escalations(ctx context.Context, actor Actor) ([]*EscalationItem, error)
	// EscalationPage lists a page of the open escalations the actor holds
	// or may answer, oldest first, and says whether more follow. Returns
	// EUNAUTHORIZED.
	EscalationPage(ctx context.Context, actor Actor, f EscalationFilter) (*EscalationPage, error)
	// TransfersOffered lists the transfers offered to the actor and not yet answered.
	TransfersOffered(ctx context.Context, actor Actor) ([]*TransferItem, error)
}

// TransferItem is a transfer offered to someone, with its case, for work lists.
type TransferItem struct {
	Transfer
	CaseRef   string `json:"case_reference"`
	ChildName string `json:"child_name"` // empty unless Identified
	FromName  string `json:"from_name"`
	// Identified is true when the child's name is shown: the reader may
	// see the case, and the list was logged as a read of it.
	Identified bool `json:"identified"`
}

// EscalationFilter selects a page of open escalations.
type EscalationFilter struct {
	// ID, when set, selects that escalation only: a page answering one
	// finds it wherever it falls in the list.
	ID ID
	// Limit is how many at most (MaxEscalationList when 0 or more);
	// Offset skips that many of the order, to page through a long list.
	Limit  int
	Offset int
}

// MaxEscalationList is the most escalations one list returns; longer lists
// are paged (EscalationPage), never cut short silently.
const MaxEscalationList = 1000

// EscalationPage is one page of a list of escalations.
type EscalationPage struct {
	Items []*EscalationItem
	// More says that escalations follow this page; NextOffset is the
	// Offset of the next page.
	More       bool
	NextOffset int
}

// EscalationItem is an escalation with its case, for work lists.
type EscalationItem struct {
	Escalation
	CaseRef   string `json:"case_reference"`
	ChildName string `json:"child_name"` // empty unless Identified
	Deadline  string `json:"deadline,omitempty"`
	// Identified is true when the child's name is shown: the reader may
	// open the case (a scrutiny panel member answers escalations without
	// seeing case records), and the list was logged as a read of it.
	Identified bool `json:"identified"`
	// CaseOwnerID tells a page whether the viewer's answer would only be
	// an explanation (OwnerExplains); the API does not publish it.
	CaseOwnerID ID `json:"-"`
}
