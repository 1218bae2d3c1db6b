package vigil

// Access in Vigil follows responsibility, and is data: each role is
// granted actions at a scope (own, team, agency, all), as in Primero's
// permission model, and a deployment may change the grants per agency
// without code. Can is the one function that decides; every store method
// asks it before acting, and the pages ask it before offering an action.

// Action is something a person may do.
type Action string

// Actions.
const (
	ActConcernRaise    Action = "concern.raise"    // raise a concern as a professional
	ActCaseView        Action = "case.view"        // open a case (every opening is logged)
	ActCaseDecide      Action = "case.decide"      // record statutory decisions
	ActCaseTransfer    Action = "case.transfer"    // offer a case to a new owner
	ActCaseHold        Action = "case.hold"        // be the owner of cases
	ActClosureApprove  Action = "closure.approve"  // approve closing a case (never one's own request)
	ActMissingRecord   Action = "missing.record"   // record missing episodes and returns
	ActScreeningRecord Action = "screening.record" // record a CSE screening
	ActReferralSend    Action = "referral.send"    // refer a case to another agency, and record sharing decisions
	ActTimelineView    Action = "timeline.view"    // see who read and did what on a case, with proofs
	ActCaseExport      Action = "case.export"      // export an evidence bundle
	ActStatsView       Action = "stats.view"       // dashboards and de-identified lists
	ActUserAdmin       Action = "user.admin"       // administer people of an agency
	ActConflictRecord  Action = "conflict.record"  // record someone else's conflict of interest
	ActLinkReview      Action = "link.review"      // confirm or reject links between mentions (linking.go)
	ActNetworkView     Action = "network.view"     // see entities, networks and hotspots across agencies
)

// Actions lists every action, for tests that walk them all.
var Actions = []Action{ActConcernRaise, ActCaseView, ActCaseDecide, ActCaseTransfer, ActCaseHold, ActClosureApprove,
	ActMissingRecord, ActScreeningRecord, ActReferralSend, ActTimelineView, ActCaseExport, ActStatsView, ActUserAdmin, ActConflictRecord,
	ActLinkReview, ActNetworkView}

// Scope is how far a grant reaches.
type Scope int

// Scopes, each including the ones before it.
const (
	ScopeNone   Scope = iota
	ScopeOwn          // cases the person owns or is involved in
	ScopeTeam         // cases of the person's team
	ScopeAgency       // cases of the person's agency
	ScopeAll          // every case
)

// Grants gives each role its actions and their scope.
type Grants map[Role]map[Action]Scope

// DefaultGrants are the national defaults. Administrators run the system
// and see no case; scrutiny members see aggregates only; investigators and
// commissioners may open any case, read-only, and their reads are logged.
var DefaultGrants = Grants{
	RoleReferrer: {ActConcernRaise: ScopeAll, ActCaseView: ScopeOwn},
	RoleSocialWorker: {ActConcernRaise: ScopeAll, ActCaseView: ScopeTeam, ActCaseDecide: ScopeTeam, ActCaseHold: ScopeAll,
		ActCaseTransfer: ScopeOwn, ActMissingRecord: ScopeTeam, ActScreeningRecord: ScopeTeam, ActReferralSend: ScopeTeam},
	RoleTeamManager:    managerGrants,
	RoleServiceManager: managerGrants,
	RoleDirector:       managerGrants,
	RolePoliceOfficer: {ActConcernRaise: ScopeAll, ActCaseView: ScopeOwn, ActCaseHold: ScopeAll, ActCaseTransfer: ScopeOwn,
		ActMissingRecord: ScopeOwn, ActScreeningRecord: ScopeOwn, ActReferralSend: ScopeOwn},
	RolePoliceAnalyst: {ActConcernRaise: ScopeAll, ActCaseView: ScopeOwn, ActLinkReview: ScopeAll, ActNetworkView: ScopeAll},
	RoleSafeguardingLead: {ActConcernRaise: ScopeAll, ActCaseView: ScopeOwn, ActCaseHold: ScopeAll, ActCaseTransfer: ScopeOwn,
		ActScreeningRecord: ScopeOwn, ActReferralSend: ScopeOwn},
	RoleHealthPractitioner: {ActConcernRaise: ScopeAll, ActCaseView: ScopeOwn, ActCaseHold: ScopeAll, ActCaseTransfer: ScopeOwn,
		ActScreeningRecord: ScopeOwn, ActReferralSend: ScopeOwn},
	RoleScrutinyMember: {ActStatsView: ScopeAll},
	RoleInvestigator: {ActCaseView: ScopeAll, ActTimelineView: ScopeAll, ActCaseExport: ScopeAll, ActStatsView: ScopeAll,
		ActNetworkView: ScopeAll},
	RoleCommissioner:  {ActCaseView: ScopeAll, ActTimelineView: ScopeAll, ActStatsView: ScopeAll, ActUserAdmin: ScopeAll},
	RoleAdministrator: {ActUserAdmin: ScopeAgency, ActConflictRecord: ScopeAgency},
}

var managerGrants = map[Action]Scope{ActConcernRaise: ScopeAll, ActCaseView: ScopeAgency, ActCaseDecide: ScopeAgency,
	ActCaseHold: ScopeAll, ActCaseTransfer: ScopeAgency, ActClosureApprove: ScopeAgency, ActMissingRecord: ScopeAgency,
	ActScreeningRecord: ScopeAgency, ActReferralSend: ScopeAgency, ActStatsView: ScopeAgency, ActConflictRecord: ScopeAgency}

// Policy is a deployment's grants: the defaults, with any agency's own
// grants for a role replacing the defaults for that role in that agency.
type Policy struct {
	Default  Grants
	Agencies map[ID]Grants
}

// Permissions is the policy in force. cmd/vigil may load agencies' grants
// into it at start; it is not changed while serving.
var Permissions = &Policy{Default: DefaultGrants}

// ScopeOf returns how far u's role reaches for action a.
func (p *Policy) ScopeOf(u *User, a Action) Scope {
	if g, ok := p.Agencies[u.AgencyID][u.Role]; ok {
		return g[a]
	}
	return p.Default[u.Role][a]
}

// Target is what an action is done to.
type Target struct {
	Case *Case // the case, for actions on a case
	// Involved: the person raised one of the case's concerns, or the case
	// was referred to their agency.
	Involved bool
	// Conflict: the person has a declared or recorded conflict of interest
	// with the case, its child, an address or a person in it.
	Conflict bool
	// Agency is the agency acted on, for administration.
	Agency ID
	// Everything: the action reaches every agency's records at once (a
	// period's whole log), which only a grant of ScopeAll allows.
	Everything bool
}

// Can is the one function that decides whether u may do a to t.
func Can(u *User, a Action, t Target) bool {
	if u == nil || u.Status != UserActive {
		return false
	}
	scope := Permissions.ScopeOf(u, a)
	if scope == ScopeNone {
		return false
	}
	if t.Case != nil {
		if t.Conflict {
			return false // a conflict of interest closes a case to the person, whatever their role
		}
		switch {
		case scope >= ScopeAll:
			return true
		case t.Case.OwnerID == u.ID || t.Involved:
			return true
		case scope >= ScopeTeam && u.TeamID != "" && t.Case.TeamID == u.TeamID:
			return true
		case scope >= ScopeAgency && t.Case.AgencyID == u.AgencyID:
			return true
		}
		return false
	}
	if t.Everything {
		return scope >= ScopeAll
	}
	if t.Agency != "" && scope < ScopeAll {
		return t.Agency == u.AgencyID
	}
	return true
}

// The functions below name common questions; each is Can with one action.

// CanRaiseConcern reports whether u may raise concerns as a professional.
func CanRaiseConcern(u *User) bool { return Can(u, ActConcernRaise, Target{}) }

// CanViewCase reports whether u may open case c; involved as in Target.
func CanViewCase(u *User, c *Case, involved bool) bool {
	return c != nil && Can(u, ActCaseView, Target{Case: c, Involved: involved})
}

// CanDecide reports whether u may record statutory decisions on c.
func CanDecide(u *User, c *Case, involved bool) bool {
	return Can(u, ActCaseDecide, Target{Case: c, Involved: involved})
}

// CanRecordMissing reports whether u may record missing episodes on c.
func CanRecordMissing(u *User, c *Case, involved bool) bool {
	return Can(u, ActMissingRecord, Target{Case: c, Involved: involved})
}

// CanScreen reports whether u may record a CSE screening on c.
func CanScreen(u *User, c *Case, involved bool) bool {
	return Can(u, ActScreeningRecord, Target{Case: c, Involved: involved})
}

// CanRefer reports whether u may refer c to another agency or record a
// decision to share or withhold its information.
func CanRefer(u *User, c *Case, involved bool) bool {
	return Can(u, ActReferralSend, Target{Case: c, Involved: involved})
}

// CanApproveClosure reports whether u may approve closing c: a manager of
// the case's agency who did not ask for the closure (four eyes).
func CanApproveClosure(u *User, c *Case, requestedBy ID) bool {
	return u != nil && u.ID != requestedBy && Can(u, ActClosureApprove, Target{Case: c})
}

// CanHoldCases reports whether u may own cases.
func CanHoldCases(u *User) bool { return Can(u, ActCaseHold, Target{}) }

// CanTakeCase reports whether u may become the owner of the case of t:
// they hold cases, and no conflict of interest of theirs (t.Conflict) is
// recorded against it. A case transferred to someone is a case they
// would then open every day, so the conflict that closes it to them
// closes it to a transfer too.
func CanTakeCase(u *User, t Target) bool {
	return t.Case != nil && Can(u, ActCaseHold, t)
}

// CanTransfer reports whether u may offer case c to a new owner: its
// owner, or someone whose transfer grant reaches it.
func CanTransfer(u *User, c *Case) bool {
	return Can(u, ActCaseTransfer, Target{Case: c})
}
