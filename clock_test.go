package vigil_test

import (
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/vigil-project/vigil"
	"github.com/vigil-project/vigil/internal/workday"
)

func london(s string) time.Time {
	t, err := time.ParseInLocation("2006-01-02 15:04", s, vigil.London)
	if err != nil {
		panic(err)
	}
	return t
}

func endOf(day string) time.Time {
	return london(day+" 00:00").AddDate(0, 0, 1).Add(-time.Nanosecond)
}

// TestEveryClock checks each default clock's due time for each instance,
// across weekends and bank holidays, with England's calendar.
func TestEveryClock(t *testing.T) {
	cal := workday.England()
	rules := vigil.DefaultRules()
	tests := []struct {
		name     string
		kind     string
		instance int
		start    time.Time
		want     time.Time
	}{
		// Friday before the August bank holiday: Monday 25 August 2025 does not count.
		{"decision over a bank-holiday weekend", "decision", 1, london("2025-08-22 16:30"), endOf("2025-08-26")},
		{"decision on a Monday", "decision", 1, london("2025-09-01 09:00"), endOf("2025-09-02")},
		{"decision over Christmas", "decision", 1, london("2025-12-24 17:00"), endOf("2025-12-29")},
		// 45 working days from Monday 1 September 2025: no bank holidays in between.
		{"assessment", "assessment", 1, london("2025-09-01 10:00"), endOf("2025-11-03")},
		// 45 working days across Christmas and New Year 2025-26 (25, 26 December and 1 January).
		{"assessment over Christmas", "assessment", 1, london("2025-12-01 10:00"), endOf("2026-02-05")},
		{"strategy discussion", "strategy_discussion", 1, london("2026-04-02 12:00"), endOf("2026-04-07")}, // Good Friday and Easter Monday
		{"initial conference", "initial_conference", 1, london("2025-09-01 14:00"), endOf("2025-09-22")},
		{"initial conference over the coronation", "initial_conference", 1, london("2023-05-02 11:00"), endOf("2023-05-24")},
		{"core group", "core_group", 1, london("2025-09-22 14:00"), endOf("2025-10-06")},
		{"first review conference", "review_conference", 1, london("2025-09-22 14:00"), endOf("2025-12-22")},
		{"later review conference", "review_conference", 2, london("2025-12-22 10:00"), endOf("2026-06-22")},
		{"later review conference, month end", "review_conference", 3, london("2026-08-31 10:00"), endOf("2027-02-28")},
		{"first looked-after review", "looked_after_review", 1, london("2025-09-01 10:00"), endOf("2025-09-29")},
		{"second looked-after review", "looked_after_review", 2, london("2025-09-29 10:00"), endOf("2025-12-29")},
		{"third looked-after review", "looked_after_review", 3, london("2025-12-29 10:00"), endOf("2026-06-29")},
		{"fourth looked-after review", "looked_after_review", 4, london("2026-06-29 10:00"), endOf("2026-12-29")},
		{"return home interview", "return_interview", 1, london("2025-10-24 23:30"), london("2025-10-27 23:30").Add(-time.Hour)}, // 72 h across the clocks going back
		{"referral acknowledgement", "referral_acknowledgement", 1, london("2026-05-22 17:00"), endOf("2026-05-26")},             // spring bank holiday
	}
	seen := map[string]bool{}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			rule := rules.Clock(tt.kind)
			if rule == nil {
				t.Fatalf("no clock %s", tt.kind)
			}
			seen[tt.kind] = true
			got := rule.Period(tt.instance).After(cal, tt.start)
			if !got.Equal(tt.want) {
				t.Errorf("due %v, want %v", got.In(vigil.London), tt.want.In(vigil.London))
			}
		})
	}
	for _, c := range vigil.DefaultClockRules {
		if !seen[c.Kind] {
			t.Errorf("clock %s has no test", c.Kind)
		}
	}
}

func TestRecurrence(t *testing.T) {
	r := vigil.DefaultRules()
	tests := []struct {
		kind     string
		instance int
		recurs   bool
	}{
		{"decision", 1, false}, {"review_conference", 1, true}, {"review_conference", 7, true},
		{"looked_after_review", 3, true}, {"core_group", 1, false}, {"return_interview", 1, false},
	}
	for _, tt := range tests {
		if got := r.Clock(tt.kind).Recurs(tt.instance); got != tt.recurs {
			t.Errorf("%s instance %d recurs = %v, want %v", tt.kind, tt.instance, got, tt.recurs)
		}
	}
}

func TestParseRules(t *testing.T) {
	local := `{"clocks": [
		{"kind": "decision", "label": "Decision on the referral", "start_on": "referral.received", "from_received": true,
		 "schedule": [{"hours": 12}], "met_by": ["referral.decided"], "source": "Local: 12 hours"},
		{"kind": "health_check", "label": "Initial health assessment", "start_on": "looked_after.started",
		 "schedule": [{"working_days": 20}], "met_by": ["looked_after.reviewed"], "source": "Local"}]}`
	r, err := vigil.ParseRules([]byte(local))
	if err != nil {
		t.Fatal(err)
	}
	if p := r.Clock("decision").Period(1); p.Hours != 12 {
		t.Errorf("local decision clock = %v, want 12 hours", p)
	}
	if r.Clock("health_check") == nil || r.Clock("assessment") == nil {
		t.Error("a local clock was not added, or a default was lost")
	}
	const ok = `"start_on": "referral.received", "met_by": ["referral.decided"]`
	for _, tc := range []struct {
		name, rules string
		says        string // the message names the bad value
	}{
		{"unknown field", `{"clocks": [], "colour": "red"}`, "colour"},
		{"two units", `{"clocks": [{"kind": "x", "label": "X", ` + ok + `, "schedule": [{"hours": 1, "months": 1}]}]}`, "exactly one"},
		{"no schedule", `{"clocks": [{"kind": "x", "label": "X", ` + ok + `}]}`, "schedule"},
		{"not json", `clocks: []`, "not valid"},
		{"nothing starts", `{"clocks": [{"kind": "x", "label": "X", "met_by": ["referral.decided"], "schedule": [{"hours": 1}]}]}`, "starts it"},
		{"unknown start event", `{"clocks": [{"kind": "x", "label": "X", "start_on": "referal.received", "met_by": ["referral.decided"], "schedule": [{"hours": 1}]}]}`, `"referal.received"`},
		{"unknown met_by event", `{"clocks": [{"kind": "x", "label": "X", "start_on": "referral.received", "met_by": ["health_assessment.done"], "schedule": [{"hours": 1}]}]}`, `"health_assessment.done"`},
		{"unknown stop_on event", `{"clocks": [{"kind": "x", "label": "X", ` + ok + `, "stop_on": ["case.closd"], "schedule": [{"hours": 1}]}]}`, `"case.closd"`},
		{"unknown ladder role", `{"escalation_ladder": [{"name": "Owner", "role": "owner", "respond": {"working_days": 1}},
			{"name": "Head", "role": "head_of_service", "respond": {"working_days": 2}}, {"name": "Panel", "role": "oversight"}]}`, `"head_of_service"`},
		{"transfer answer in two units", `{"transfer_answer": {"hours": 4, "working_days": 1}}`, "answer an offer"},
		{"ladder not ending at oversight", `{"escalation_ladder": [{"name": "Owner", "role": "owner", "respond": {"working_days": 1}},
			{"name": "Director", "role": "director"}]}`, "must end at independent oversight"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			_, err := vigil.ParseRules([]byte(tc.rules))
			if vigil.ErrorCode(err) != vigil.EINVALID {
				t.Fatalf("err = %v, want invalid", err)
			}
			var all []string
			for _, f := range vigil.ErrorFields(err) {
				all = append(all, f.Message)
			}
			if msg := vigil.ErrorMessage(err) + " " + strings.Join(all, " "); !strings.Contains(msg, tc.says) {
				t.Errorf("error %q does not say %q", msg, tc.says)
			}
		})
	}
	// A ladder of known roles ending at oversight is accepted.
	if _, err := vigil.ParseRules([]byte(`{"escalation_ladder": [{"name": "Owner", "role": "owner", "respond": {"working_days": 1}},
		{"name": "Director", "role": "director", "respond": {"working_days": 3}}, {"name": "Panel", "role": "oversight"}]}`)); err != nil {
		t.Errorf("a short ladder: %v", err)
	}
}

// TestEventsKnown: every event the workflow produces, and every event the
// national clocks use, is in vigil.Events, which local rules are checked against.
func TestEventsKnown(t *testing.T) {
	var used []string
	for _, st := range vigil.Steps {
		used = append(used, st.Events...)
	}
	for _, c := range vigil.DefaultClockRules {
		used = append(append(append(used, c.StartOn), c.MetBy...), c.StopOn...)
	}
	used = append(used, vigil.EvReferralReceived, vigil.EvMissingReturned, vigil.EvReferralSent, vigil.EvReferralAcknowledged)
	for _, ev := range used {
		if !slices.Contains(vigil.Events, ev) {
			t.Errorf("event %q is not in vigil.Events", ev)
		}
	}
	if err := vigil.DefaultRules().Validate(); err != nil {
		t.Errorf("the national rules do not validate: %v", err)
	}
}

func TestDecide(t *testing.T) {
	open := func(kinds ...string) map[string]bool {
		m := map[string]bool{}
		for _, k := range kinds {
			m[k] = true
		}
		return m
	}
	tests := []struct {
		name    string
		state   vigil.CaseState
		kind    string
		outcome string
		to      vigil.Stage
		needs   string // part of the error, if refused
	}{
		{"referral to assessment", vigil.CaseState{Stage: vigil.StageReferral}, vigil.DecideReferral, "assessment", vigil.StageAssessment, ""},
		{"referral to section 47", vigil.CaseState{Stage: vigil.StageReferral}, vigil.DecideReferral, "section47", vigil.StageStrategy, ""},
		{"strategy before referral decision", vigil.CaseState{Stage: vigil.StageReferral}, vigil.DecideStrategy, "section47", "", "decide on section 47"},
		{"conference before section 47", vigil.CaseState{Stage: vigil.StageStrategy}, vigil.DecideConference, "protection_plan", "", "section 47 enquiry first"},
		{"no conference while assessing", vigil.CaseState{Stage: vigil.StageSection47, AssessmentDue: true}, vigil.DecideSection47, "no_conference", vigil.StageAssessment, ""},
		{"no conference after assessment", vigil.CaseState{Stage: vigil.StageSection47}, vigil.DecideSection47, "no_conference", vigil.StageChildInNeed, ""},
		{"strategy from missing pattern", vigil.CaseState{Stage: vigil.StageChildInNeed, OpenClocks: open("strategy_discussion")}, vigil.DecideStrategy, "no_section47", vigil.StageChildInNeed, ""},
		{"plan from conference", vigil.CaseState{Stage: vigil.StageConference}, vigil.DecideConference, "protection_plan", vigil.StageProtectionPlan, ""},
		{"closure from a plan", vigil.CaseState{Stage: vigil.StageProtectionPlan}, vigil.DecideCloseRequest, "requested", "", "statutory work must be finished"},
		{"closure refused returns", vigil.CaseState{Stage: vigil.StageClosing, StageBefore: vigil.StageChildInNeed}, vigil.DecideCloseApproval, "rejected", vigil.StageChildInNeed, ""},
		{"closure approved", vigil.CaseState{Stage: vigil.StageClosing}, vigil.DecideCloseApproval, "approved", vigil.StageClosed, ""},
		{"nothing after closure", vigil.CaseState{Stage: vigil.StageClosed}, vigil.DecideLookedAfterStart, "started", "", "closed"},
		{"looked after twice", vigil.CaseState{Stage: vigil.StageChildInNeed, LookedAfter: true}, vigil.DecideLookedAfterStart, "started", "", "already"},
		{"review without care", vigil.CaseState{Stage: vigil.StageChildInNeed}, vigil.DecideLookedAfterReview, "held", "", "looked after first"},
		{"return interview without return", vigil.CaseState{Stage: vigil.StageAssessment}, vigil.DecideReturnInterview, "held", "", "record the return first"},
		{"unknown outcome", vigil.CaseState{Stage: vigil.StageReferral}, vigil.DecideReferral, "maybe", "", "Choose an outcome"},
		{"unknown kind", vigil.CaseState{Stage: vigil.StageReferral}, "vibes", "x", "", "not a decision"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, to, err := vigil.Decide(tt.state, tt.kind, tt.outcome)
			if tt.needs != "" {
				if err == nil || !strings.Contains(vigil.ErrorMessage(err), tt.needs) {
					t.Errorf("err = %v, want refusal mentioning %q", err, tt.needs)
				}
				return
			}
			if err != nil || to != tt.to {
				t.Errorf("to %s, err %v; want %s", to, err, tt.to)
			}
		})
	}
}

func TestScreeningLevel(t *testing.T) {
	age := func(n int) *int { return &n }
	h, m, l := vigil.ScoreHigh, vigil.ScoreMedium, vigil.ScoreLow
	tests := []struct {
		name   string
		age    *int
		scores map[string]vigil.Score
		want   vigil.RiskLevel
	}{
		{"nothing", age(15), nil, vigil.RiskNone},
		{"one low", age(15), map[string]vigil.Score{"truancy": l}, vigil.RiskLow},
		{"one medium", age(15), map[string]vigil.Score{"truancy": m}, vigil.RiskLow},
		{"two medium", age(15), map[string]vigil.Score{"truancy": m, "gifts": m}, vigil.RiskMedium},
		{"one high at 15", age(15), map[string]vigil.Score{"cars": h}, vigil.RiskMedium},
		{"one high at 13", age(13), map[string]vigil.Score{"cars": h}, vigil.RiskHigh},
		{"one high at 14", age(14), map[string]vigil.Score{"cars": h}, vigil.RiskMedium},
		{"one high, age unknown", nil, map[string]vigil.Score{"cars": h}, vigil.RiskMedium},
		{"two high", age(16), map[string]vigil.Score{"cars": h, "hotels": h}, vigil.RiskHigh},
		{"one high two medium", age(16), map[string]vigil.Score{"cars": h, "gifts": m, "missing": m}, vigil.RiskHigh},
	}
	for _, tt := range tests {
		if got := vigil.ScreeningLevel(tt.age, tt.scores); got != tt.want {
			t.Errorf("%s: level %s, want %s", tt.name, got, tt.want)
		}
	}
}

func TestAgeAt(t *testing.T) {
	c := vigil.Child{DateOfBirth: "2012-02-29"}
	for at, want := range map[string]int{"2025-02-28 12:00": 12, "2025-03-01 00:00": 13, "2024-02-29 09:00": 12, "2024-02-28 23:00": 11} {
		if got := c.AgeAt(london(at)); got == nil || *got != want {
			t.Errorf("age at %s = %v, want %d", at, got, want)
		}
	}
}

// TestMissingPatternMet: three episodes within 30 days, whichever order
// they are recorded in; every window holding the new episode counts.
func TestMissingPatternMet(t *testing.T) {
	day := func(d int) time.Time { return london("2026-03-01 18:00").AddDate(0, 0, d) }
	days := func(ds ...int) []time.Time {
		var out []time.Time
		for _, d := range ds {
			out = append(out, day(d))
		}
		return out
	}
	p := vigil.DefaultMissingPattern
	tests := []struct {
		name     string
		episodes []time.Time // all recorded, the new one among them
		added    time.Time
		want     int
		met      bool
	}{
		{"in order, the third within 30 days", days(0, 10, 20), day(20), 3, true},
		{"the earliest recorded last", days(0, 10, 20), day(0), 3, true},
		{"the middle one recorded last", days(0, 10, 20), day(10), 3, true},
		{"spread over more than 30 days", days(0, 15, 30), day(30), 2, false},
		{"exactly 30 days apart is outside", days(0, 15, 30), day(0), 2, false},
		{"later episodes too far after the new one", days(0, 5, 36, 37), day(5), 2, false},
		{"a window reaching past the new episode", days(0, 5, 33, 34), day(5), 3, true},
		{"the new episode joins two later ones", days(-40, 1, 20, 29), day(1), 3, true},
		{"the new episode joins one before and one after", days(-20, 0, 9), day(0), 3, true},
		{"two episodes", days(0, 1), day(1), 2, false},
		{"four, the fullest window counts", days(0, 1, 2, 3), day(0), 4, true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			n, met := p.Met(tt.episodes, tt.added)
			if n != tt.want || met != tt.met {
				t.Errorf("Met = %d, %v; want %d, %v", n, met, tt.want, tt.met)
			}
		})
	}
}
