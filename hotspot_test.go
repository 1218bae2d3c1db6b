package vigil_test

import (
	"testing"
	"time"

	"github.com/vigil-project/vigil"
)

func TestParseHotspotPeriod(t *testing.T) {
	day := func(s string) time.Time {
		d, err := time.ParseInLocation(time.DateOnly, s, vigil.London)
		if err != nil {
			t.Fatal(err)
		}
		return d
	}
	tests := []struct {
		name           string
		year, from, to string
		wantFrom       time.Time
		wantTo         time.Time
		label          string
		field          string // of the error, if any
	}{
		{name: "nothing: per year"},
		{name: "a year", year: "2025", wantFrom: day("2025-01-01"), wantTo: day("2026-01-01"), label: "2025"},
		{name: "a year as days", from: "2024-01-01", to: "2024-12-31", wantFrom: day("2024-01-01"), wantTo: day("2025-01-01"), label: "2024"},
		{name: "a period", from: "2025-03-01", to: "2025-06-30", wantFrom: day("2025-03-01"), wantTo: day("2025-07-01"), label: "2025-03-01 to 2025-06-30"},
		{name: "one day", from: "2025-03-01", to: "2025-03-01", wantFrom: day("2025-03-01"), wantTo: day("2025-03-02"), label: "2025-03-01 to 2025-03-01"},
		{name: "open end", from: "2025-03-01", wantFrom: day("2025-03-01"), label: "from 2025-03-01"},
		{name: "open start", to: "2025-06-30", wantTo: day("2025-07-01"), label: "up to 2025-06-30"},
		{name: "across the clocks going back", from: "2025-10-01", to: "2025-10-31", wantFrom: day("2025-10-01"), wantTo: day("2025-11-01"), label: "2025-10-01 to 2025-10-31"},
		{name: "year and days", year: "2025", from: "2025-03-01", field: "year"},
		{name: "year not a number", year: "twenty", field: "year"},
		{name: "year too short", year: "25", field: "year"},
		{name: "year too early", year: "0999", field: "year"},
		{name: "bad first day", from: "2025-02-30", field: "from"},
		{name: "bad last day", to: "30/06/2025", field: "to"},
		{name: "last before first", from: "2025-06-30", to: "2025-03-01", field: "to"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			q, err := vigil.ParseHotspotPeriod(tt.year, tt.from, tt.to)
			if tt.field != "" {
				fs := vigil.ErrorFields(err)
				if vigil.ErrorCode(err) != vigil.EINVALID || len(fs) == 0 || fs[0].Field != tt.field {
					t.Fatalf("err = %v (fields %v), want EINVALID on %s", err, fs, tt.field)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if !q.From.Equal(tt.wantFrom) || !q.To.Equal(tt.wantTo) {
				t.Errorf("period [%v, %v), want [%v, %v)", q.From, q.To, tt.wantFrom, tt.wantTo)
			}
			if got := q.Label(); got != tt.label {
				t.Errorf("label %q, want %q", got, tt.label)
			}
			if q.PerYear() != (tt.label == "") {
				t.Errorf("PerYear = %v", q.PerYear())
			}
		})
	}
}

func TestHotspotQueryCovers(t *testing.T) {
	q, err := vigil.ParseHotspotPeriod("", "2025-03-01", "2025-03-31")
	if err != nil {
		t.Fatal(err)
	}
	for _, c := range []struct {
		at   string
		want bool
	}{
		{"2025-02-28T23:59:59Z", false}, // UK time is GMT in February
		{"2025-03-01T00:00:00Z", true},
		{"2025-03-31T22:59:59Z", true}, // 23:59:59 BST on the last day
		{"2025-03-31T23:00:00Z", false},
	} {
		at, _ := time.Parse(time.RFC3339, c.at)
		if got := q.Covers(at); got != c.want {
			t.Errorf("Covers(%s) = %v, want %v", c.at, got, c.want)
		}
	}
}
