package vigil

import (
	"fmt"
	"strings"
	"time"
)

// Stage is where a case is in the statutory process of Working Together
// to Safeguard Children 2023: referral, decision, assessment, strategy
// discussion, section 47 enquiry, conference, plan, closure.
type Stage string

// Case stages.
const (
	StageReferral        Stage = "referral"          // awaiting a decision on the referral
	StageNoFurtherAction Stage = "no_further_action" // decided; closure to follow
	StageEarlyHelp       Stage = "early_help"
	StageAssessment      Stage = "assessment" // child and family assessment under way
	StageStrategy        Stage = "strategy"   // a strategy discussion is needed
	StageSection47       Stage = "section47"  // section 47 enquiry under way
	StageConference      Stage = "conference" // initial child protection conference to be held
	StageChildInNeed     Stage = "child_in_need"
	StageProtectionPlan  Stage = "protection_plan"
	StageClosing         Stage = "closing" // closure requested, awaiting a manager's approval
	StageClosed          Stage = "closed"
)

// StageLabels are what people read for each stage.
var StageLabels = map[Stage]string{
	StageReferral: "Awaiting decision on referral", StageNoFurtherAction: "No further action", StageEarlyHelp: "Early help",
	StageAssessment: "Assessment", StageStrategy: "Strategy discussion needed", StageSection47: "Section 47 enquiry",
	StageConference: "Initial child protection conference due", StageChildInNeed: "Child in need",
	StageProtectionPlan: "Child protection plan", StageClosing: "Closure awaiting approval", StageClosed: "Closed",
}

// Decision kinds: the steps of the workflow, each recorded with who
// decided what and why.
const (
	DecideReferral          = "referral"
	DecideAssessment        = "assessment"
	DecideStrategy          = "strategy_discussion"
	DecideSection47         = "section47"
	DecideConference        = "conference"
	DecideCoreGroup         = "core_group"
	DecideReview            = "review_conference"
	DecideCloseRequest      = "close_request"
	DecideCloseApproval     = "close_approval"
	DecideLookedAfterStart  = "looked_after_start"
	DecideLookedAfterReview = "looked_after_review"
	DecideLookedAfterEnd    = "looked_after_end"
	DecideReturnInterview   = "return_interview"
)

// Step is one decision the workflow allows: a kind and an outcome, where it
// may be taken, where it leads, and the clock events it produces.
type Step struct {
	Kind    string
	Outcome string
	Label   string  // "Child in need assessment", shown on forms and in the chronology
	From    []Stage // stages it may be taken in; nil for steps that do not depend on the stage
	To      Stage   // "" keeps the stage
	Events  []string
	// Needs says, for an out-of-order attempt, which step must come first.
	Needs string
}

// Steps is the workflow as data. Decide applies it.
var Steps = []Step{
	{DecideReferral, "no_further_action", "No further action", []Stage{StageReferral}, StageNoFurtherAction, []string{EvReferralDecided}, ""},
	{DecideReferral, "early_help", "Early help", []Stage{StageReferral}, StageEarlyHelp, []string{EvReferralDecided}, ""},
	{DecideReferral, "assessment", "Child in need assessment", []Stage{StageReferral}, StageAssessment, []string{EvReferralDecided, EvAssessmentStarted}, ""},
	{DecideReferral, "section47", "Section 47: strategy discussion", []Stage{StageReferral}, StageStrategy, []string{EvReferralDecided, EvAssessmentStarted, EvStrategyNeeded}, ""},

	{DecideAssessment, "no_further_action", "No further action", []Stage{StageAssessment}, StageNoFurtherAction, []string{EvAssessmentCompleted},
		"an assessment must be under way: record the decision on the referral (assessment or section 47) first"},
	{DecideAssessment, "child_in_need", "Child in need plan", []Stage{StageAssessment}, StageChildInNeed, []string{EvAssessmentCompleted},
		"an assessment must be under way: record the decision on the referral (assessment or section 47) first"},
	{DecideAssessment, "strategy", "Strategy discussion needed", []Stage{StageAssessment}, StageStrategy, []string{EvAssessmentCompleted, EvStrategyNeeded},
		"an assessment must be under way: record the decision on the referral (assessment or section 47) first"},

	{DecideStrategy, "section47", "Section 47 enquiry", []Stage{StageStrategy}, StageSection47, []string{EvStrategyHeld, EvSection47Started},
		"a strategy discussion must be needed: decide on section 47 at the referral or assessment first"},
	{DecideStrategy, "no_section47", "No section 47 enquiry", []Stage{StageStrategy}, StageAssessment, []string{EvStrategyHeld},
		"a strategy discussion must be needed: decide on section 47 at the referral or assessment first"},

	{DecideSection47, "conference", "Initial child protection conference", []Stage{StageSection47}, StageConference, nil,
		"a section 47 enquiry must be under way: record the strategy discussion first"},
	{DecideSection47, "no_conference", "No conference needed", []Stage{StageSection47}, StageAssessment, []string{EvConferenceNotNeeded},
		"a section 47 enquiry must be under way: record the strategy discussion first"},

	{DecideConference, "protection_plan", "Child protection plan", []Stage{StageConference}, StageProtectionPlan, []string{EvConferenceHeld, EvPlanStarted},
		"a conference must be due: record the outcome of the section 47 enquiry first"},
	{DecideConference, "no_plan", "No child protection plan", []Stage{StageConference}, StageChildInNeed, []string{EvConferenceHeld},
		"a conference must be due: record the outcome of the section 47 enquiry first"},

	{DecideCoreGroup, "held", "Core group meeting held", []Stage{StageProtectionPlan}, "", []string{EvCoreGroupHeld},
		"the child must have a protection plan: record the initial conference first"},
	{DecideReview, "continue_plan", "Plan continues", []Stage{StageProtectionPlan}, "", []string{EvReviewHeld},
		"the child must have a protection plan: record the initial conference first"},
	{DecideReview, "end_plan", "Plan ends", []Stage{StageProtectionPlan}, StageChildInNeed, []string{EvReviewHeld, EvPlanEnded},
		"the child must have a protection plan: record the initial conference first"},

	{DecideCloseRequest, "requested", "Closure requested", []Stage{StageNoFurtherAction, StageEarlyHelp, StageChildInNeed}, StageClosing, nil,
		"the statutory work must be finished: a case closes after no further action, early help or a child in need plan"},
	{DecideCloseApproval, "approved", "Closure approved", []Stage{StageClosing}, StageClosed, []string{EvCaseClosed},
		"closure must be requested first"},
	{DecideCloseApproval, "rejected", "Closure refused", []Stage{StageClosing}, "", nil, "closure must be requested first"},

	{DecideLookedAfterStart, "started", "Child became looked after", nil, "", []string{EvLookedAfterStarted}, ""},
	{DecideLookedAfterReview, "held", "Looked-after review held", nil, "", []string{EvLookedAfterReviewed},
		"the child must be looked after: record that they became looked after first"},
	{DecideLookedAfterEnd, "ended", "Child stopped being looked after", nil, "", []string{EvLookedAfterEnded},
		"the child must be looked after: record that they became looked after first"},
	{DecideReturnInterview, "held", "Return home interview held", nil, "", []string{EvReturnInterviewHeld},
		"the child must have returned from a missing episode: record the return first"},
}

// CaseState is what Decide needs to know of a case.
type CaseState struct {
	Stage         Stage
	LookedAfter   bool
	OpenClocks    map[string]bool // deadline kinds with an open instance
	StageBefore   Stage           // the stage before closure was requested
	AssessmentDue bool            // an assessment clock is still open
}

// Decide checks a decision against the workflow and returns the step it
// takes and the stage that follows. A decision out of order is refused
// with a message naming the step that must come first.
func Decide(s CaseState, kind, outcome string) (*Step, Stage, error) {
	var outcomes []string
	for i := range Steps {
		st := &Steps[i]
		if st.Kind != kind {
			continue
		}
		outcomes = append(outcomes, st.Outcome)
		if st.Outcome != outcome {
			continue
		}
		if s.Stage == StageClosed {
			return nil, "", fieldError(EINVALID, "kind", "The case is closed; reopen it by raising a new concern")
		}
		// A strategy discussion may also be due outside the section 47 route,
		// when a pattern of missing episodes started its clock.
		missingPattern := kind == DecideStrategy && s.OpenClocks["strategy_discussion"]
		if st.From != nil && !stageIn(s.Stage, st.From) && !missingPattern {
			return nil, "", fieldError(EINVALID, "kind", "This decision cannot be recorded yet: "+st.Needs+".")
		}
		switch kind {
		case DecideLookedAfterStart:
			if s.LookedAfter {
				return nil, "", fieldError(EINVALID, "kind", "The child is already recorded as looked after.")
			}
		case DecideLookedAfterReview, DecideLookedAfterEnd:
			if !s.LookedAfter {
				return nil, "", fieldError(EINVALID, "kind", "This decision cannot be recorded yet: "+st.Needs+".")
			}
		case DecideReturnInterview:
			if !s.OpenClocks["return_interview"] {
				return nil, "", fieldError(EINVALID, "kind", "This decision cannot be recorded yet: "+st.Needs+".")
			}
		}
		to := st.To
		switch {
		case kind == DecideCloseApproval && outcome == "rejected":
			to = s.StageBefore
		case kind == DecideStrategy && outcome == "no_section47" && s.Stage != StageStrategy:
			to = s.Stage // the discussion was about missing episodes; the case goes on as it was
		case to == StageAssessment && kind != DecideReferral && !s.AssessmentDue:
			to = StageChildInNeed // going back to an assessment that was already completed
		case to == "":
			to = s.Stage
		}
		return st, to, nil
	}
	if outcomes == nil {
		return nil, "", fieldError(EINVALID, "kind", fmt.Sprintf("%q is not a decision Vigil knows", kind))
	}
	return nil, "", fieldError(EINVALID, "outcome", fmt.Sprintf("Choose an outcome: %s", strings.Join(outcomes, ", ")))
}

// StepsFrom lists the decisions that can be recorded on a case in state s,
// for forms to offer.
func StepsFrom(s CaseState) []*Step {
	var out []*Step
	for i := range Steps {
		st := &Steps[i]
		if _, _, err := Decide(s, st.Kind, st.Outcome); err == nil {
			out = append(out, st)
		}
	}
	return out
}

func stageIn(s Stage, ss []Stage) bool {
	for _, x := range ss {
		if s == x {
			return true
		}
	}
	return false
}

func fieldError(code, field, msg string) *Error {
	return &Error{Code: code, Message: msg, Fields: []FieldError{{Field: field, Message: msg}}}
}

// NewDecision is the input for recording a decision.
type NewDecision struct {
	Kind    string
	Outcome string
	Reason  string    // why: required for every decision
	At      time.Time // when it was taken (a meeting's date); zero means now
	// LateReason is required when the decision meets a deadline after it
	// was due: no deadline passes without a recorded reason.
	LateReason string
}

// MaxReasonLen bounds reasons and decisions' free text.
const MaxReasonLen = 10000

// Validate checks a decision's own fields.
func (n *NewDecision) Validate(now time.Time) error {
	n.Reason, n.LateReason = strings.TrimSpace(n.Reason), strings.TrimSpace(n.LateReason)
	var v Validation
	if n.Kind == "" {
		v.Add("kind", "Choose the decision to record")
	}
	if n.Outcome == "" {
		v.Add("outcome", "Choose the outcome")
	}
	checkText(&v, "reason", "the reason for the decision", n.Reason, MaxReasonLen, true)
	checkText(&v, "late_reason", "why it is late", n.LateReason, MaxReasonLen, false)
	if !n.At.IsZero() && (n.At.After(now.Add(5*time.Minute)) || n.At.Before(now.AddDate(-1, 0, 0))) {
		v.Add("at", "The date of the decision must be within the last year and not in the future")
	}
	return v.Err()
}

// Decision is a recorded step of a case: who decided what, when and why.
type Decision struct {
	ID         ID        `json:"id"`
	CaseID     ID        `json:"-"`
	Kind       string    `json:"kind"`
	Outcome    string    `json:"outcome"`
	Label      string    `json:"label"`
	Reason     string    `json:"reason"`
	LateReason string    `json:"late_reason,omitempty"`
	At         time.Time `json:"at"`
	DecidedBy  ID        `json:"decided_by"`
	FromStage  Stage     `json:"from_stage"`
	ToStage    Stage     `json:"to_stage"`
}
