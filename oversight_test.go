package vigil_test

import (
	"testing"
	"time"

	"github.com/vigil-project/vigil"
)

func TestParsePeriod(t *testing.T) {
	now := time.Date(2026, time.November, 23, 10, 0, 0, 0, vigil.London)
	day := func(y int, m time.Month, d int) time.Time { return time.Date(y, m, d, 0, 0, 0, 0, vigil.London) }
	tests := []struct {
		name     string
		key      string
		from, to time.Time
		wantErr  bool
	}{
		{"default is the last 12 months", "", day(2025, time.November, 24), day(2026, time.November, 24), false},
		{"financial year", "fy2025", day(2025, time.April, 1), day(2026, time.April, 1), false},
		{"month", "2026-02", day(2026, time.February, 1), day(2026, time.March, 1), false},
		{"range of days, both included", "2026-01-05_2026-01-11", day(2026, time.January, 5), day(2026, time.January, 12), false},
		{"range backwards", "2026-01-11_2026-01-05", time.Time{}, time.Time{}, true},
		{"not a period", "fy20x5", time.Time{}, time.Time{}, true},
		{"before 1997", "fy1990", time.Time{}, time.Time{}, true},
		{"far future", "fy2040", time.Time{}, time.Time{}, true},
		{"padded year", "fy02025", time.Time{}, time.Time{}, true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			p, err := vigil.ParsePeriod(tt.key, now)
			if tt.wantErr {
				if vigil.ErrorCode(err) != vigil.EINVALID {
					t.Errorf("err = %v, want invalid", err)
				}
				return
			}
			if err != nil || !p.From.Equal(tt.from) || !p.To.Equal(tt.to) {
				t.Errorf("got [%v, %v) %v, want [%v, %v)", p.From, p.To, err, tt.from, tt.to)
			}
			if again, err := vigil.ParsePeriod(p.Key, now); err != nil || !again.From.Equal(p.From) || !again.To.Equal(p.To) {
				t.Errorf("the key %q does not parse back to the period", p.Key)
			}
		})
	}
}

func TestFinancialYearOf(t *testing.T) {
	if got := vigil.FinancialYearOf(time.Date(2026, time.March, 31, 23, 30, 0, 0, vigil.London)).Key; got != "fy2025" {
		t.Errorf("31 March 2026 is in %s", got)
	}
	if got := vigil.FinancialYearOf(time.Date(2026, time.April, 1, 0, 0, 0, 0, vigil.London)).Key; got != "fy2026" {
		t.Errorf("1 April 2026 is in %s", got)
	}
	years := vigil.TrendYears(time.Date(2019, time.May, 1, 0, 0, 0, 0, vigil.London), time.Date(2026, time.June, 1, 0, 0, 0, 0, vigil.London), 5)
	if len(years) != 5 || years[0].Key != "fy2022" || years[4].Key != "fy2026" {
		t.Errorf("trend years %v", years)
	}
}

func TestRecommendationState(t *testing.T) {
	now := time.Date(2026, time.June, 1, 12, 0, 0, 0, vigil.London)
	past, future := now.AddDate(0, 0, -1), now.AddDate(0, 1, 0)
	act := func(st vigil.ActionStatus, due time.Time) *vigil.PlanAction {
		return &vigil.PlanAction{Status: st, Due: due}
	}
	tests := []struct {
		name    string
		actions []*vigil.PlanAction
		want    vigil.RecommendationState
	}{
		{"nothing agreed", nil, vigil.RecNoActions},
		{"agreed, not begun", []*vigil.PlanAction{act(vigil.ActionNotStarted, future)}, vigil.RecNotStarted},
		{"one begun", []*vigil.PlanAction{act(vigil.ActionNotStarted, future), act(vigil.ActionInProgress, future)}, vigil.RecInProgress},
		{"one overdue outweighs the rest", []*vigil.PlanAction{act(vigil.ActionSignedOff, past), act(vigil.ActionInProgress, past)}, vigil.RecOverdue},
		{"done past its deadline is not overdue", []*vigil.PlanAction{act(vigil.ActionDone, past)}, vigil.RecAwaiting},
		{"all done, one signed off", []*vigil.PlanAction{act(vigil.ActionDone, future), act(vigil.ActionSignedOff, future)}, vigil.RecAwaiting},
		{"all signed off", []*vigil.PlanAction{act(vigil.ActionSignedOff, past)}, vigil.RecComplete},
	}
	for _, tt := range tests {
		r := &vigil.Recommendation{Actions: tt.actions}
		if got := r.State(now); got != tt.want {
			t.Errorf("%s: %s, want %s", tt.name, got, tt.want)
		}
	}
}

func TestActionDoneNeedsEvidence(t *testing.T) {
	for _, tt := range []struct {
		name  string
		in    vigil.ActionProgress
		field string
	}{
		{"done, no evidence", vigil.ActionProgress{Status: vigil.ActionDone, Note: "All finished"}, "evidence"},
		{"done, blank evidence", vigil.ActionProgress{Status: vigil.ActionDone, Evidence: "   "}, "evidence"},
		{"progress, no note", vigil.ActionProgress{Status: vigil.ActionInProgress}, "note"},
		{"no status", vigil.ActionProgress{Note: "x"}, "status"},
		{"done with evidence", vigil.ActionProgress{Status: vigil.ActionDone, Evidence: "Minutes of 3 June, item 4"}, ""},
	} {
		err := tt.in.Validate()
		got := ""
		if f := vigil.ErrorFields(err); len(f) > 0 {
			got = f[0].Field
		}
		if got != tt.field {
			t.Errorf("%s: field in error %q, want %q (%v)", tt.name, got, tt.field, err)
		}
	}
}

func TestNationality(t *testing.T) {
	if n := len(vigil.Countries); n < 240 || n > 260 || vigil.Countries[0].Code != "GB" {
		t.Errorf("%d countries, first %v", n, vigil.Countries[0])
	}
	for code, group := range map[string]string{"GB": "british", "PL": "europe", "PK": "asia", "SY": "asia", "NG": "africa",
		"JM": "americas", "AU": "oceania", "stateless": "stateless", "not_stated": "not_stated", "": "not_stated"} {
		if got := vigil.NationalityGroupOf(code); got != group {
			t.Errorf("%q is in %s, want %s", code, got, group)
		}
	}
	n := vigil.NewDemographics{Subject: vigil.SubjectChild, Ethnicity: "asian_pakistani", Nationality: " gb "}
	if err := n.Validate(); err != nil || n.Nationality != "GB" {
		t.Errorf("validate: %v, nationality %q", err, n.Nationality)
	}
	for _, bad := range []vigil.NewDemographics{
		{Subject: vigil.SubjectChild, Ethnicity: "pakistani", Nationality: "GB"},
		{Subject: vigil.SubjectChild, Ethnicity: "asian_pakistani", Nationality: "XX"},
		{Subject: "victim", Ethnicity: "asian_pakistani", Nationality: "GB"},
	} {
		if err := bad.Validate(); vigil.ErrorCode(err) != vigil.EINVALID {
			t.Errorf("%+v: err = %v", bad, err)
		}
	}
}
