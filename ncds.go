package vigil

// The national core data set: the record-level return a council sends
// for regional and national statistics, one row per child per episode.
// An episode is one referral and the casework that follows it, from the
// referral's receipt to the approval of the case's closure: in Vigil, one
// case. The fields follow what the Department for Education's Children in
// Need census asks of referrals, assessments, section 47 enquiries and
// child protection plans, with the measures this inquiry asked for
// (missing episodes, return home interviews, CSE screening, escalations).
//
// The data set is pseudonymised: no name, address or full date of birth.
// A child's id is stable only within one export, because Vigil does not
// yet know which cases are the same child (issue 7 will link them); two
// cases with the same recorded name and date of birth share an id.

// CoreField is one column of the national core data set.
type CoreField struct {
	Name        string `json:"name"`
	Description string `json:"description"`
}

// CoreDataFields are the columns, in order. Dates are YYYY-MM-DD in
// Europe/London; flags are Y or N, and empty when not applicable yet.
var CoreDataFields = []CoreField{
	{"child_id", "Pseudonymous child id, stable within this export: cases with the same recorded name and date of birth share it"},
	{"episode_id", "The case reference"},
	{"referral_date", "Date the first concern reached any agency"},
	{"referral_source", "Who referred: police, education, health, childrens_services or independent (a professional of that kind of agency), public, or young_person"},
	{"age_at_referral", "Age in whole years when referred, if the date of birth or age is recorded"},
	{"ethnicity", "Ethnic group of the child, 2021 Census code (see EthnicGroups), empty if not recorded"},
	{"nationality", "Nationality, ISO 3166-1 alpha-2, stateless or not_stated; empty if not recorded"},
	{"referral_decision", "Outcome of the decision on the referral: no_further_action, early_help, assessment or section47"},
	{"referral_decision_date", "Date of that decision"},
	{"decision_within_1_working_day", "Y if the decision was made within 1 working day of the referral"},
	{"assessment_completed_date", "Date the child and family assessment was completed"},
	{"assessment_within_45_working_days", "Y if completed within 45 working days of the referral"},
	{"strategy_discussion_date", "Date of the first strategy discussion"},
	{"section47_started", "Y if a section 47 enquiry started"},
	{"initial_conference_date", "Date of the initial child protection conference"},
	{"initial_conference_within_15_working_days", "Y if held within 15 working days of the strategy discussion"},
	{"protection_plan_start_date", "Date a child protection plan started"},
	{"protection_plan_end_date", "Date it ended"},
	{"looked_after", "Y if the child was looked after at any time in the episode"},
	{"missing_episodes", "Number of missing episodes recorded in the episode"},
	{"return_interviews_within_72_hours", "Number of return home interviews held within 72 hours of a return"},
	{"cse_risk", "Latest CSE screening risk level: none, low, medium or high; empty if not screened"},
	{"escalations", "Number of escalations of missed deadlines or refused transfers"},
	{"highest_escalation", "The highest rung any escalation reached"},
	{"closure_date", "Date closure was approved"},
	{"days_open", "Days from referral to closure, or to the end of the export's period if still open"},
	{"repeat_referral_within_12_months", "Y if a case with the same recorded name and date of birth was received in the 12 months before; empty when no date of birth is recorded"},
}
