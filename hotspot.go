package vigil

import (
	"strconv"
	"strings"
	"time"
)

// HotspotQuery chooses the reports hotspots are counted from. Analysts
// look at a place over the weeks a pattern ran, not only by calendar year:
// an exploitation network moves between venues within months.
type HotspotQuery struct {
	// From and To bound the period, in reports' received times: From
	// included, To excluded; a zero time leaves that end open. With both
	// zero, reports are counted per calendar year (UK time), a row per
	// place and year.
	From, To time.Time
	// Limit is how many rows at most (MaxHotspots when 0 or more).
	Limit int
}

// MaxHotspots is the most rows a hotspot list returns.
const MaxHotspots = 500

// PerYear reports whether q counts per calendar year rather than over one period.
func (q HotspotQuery) PerYear() bool { return q.From.IsZero() && q.To.IsZero() }

// Covers reports whether a report received at t falls in q's period.
func (q HotspotQuery) Covers(t time.Time) bool {
	return (q.From.IsZero() || !t.Before(q.From)) && (q.To.IsZero() || t.Before(q.To))
}

// Label names q's period as hotspots show it: "2025" for a calendar year,
// "2025-03-01 to 2025-06-30" (days in UK time, both included), "from
// 2025-03-01" or "up to 2025-06-30" for an open end; "" when per year.
func (q HotspotQuery) Label() string {
	from, to := q.From.In(London), q.To.In(London)
	last := to.AddDate(0, 0, -1).Format(time.DateOnly)
	switch {
	case q.PerYear():
		return ""
	case !q.From.IsZero() && !q.To.IsZero() && from.YearDay() == 1 && isMidnight(from) && to.Equal(from.AddDate(1, 0, 0)):
		return strconv.Itoa(from.Year())
	case q.To.IsZero():
		return "from " + from.Format(time.DateOnly)
	case q.From.IsZero():
		return "up to " + last
	}
	return from.Format(time.DateOnly) + " to " + last
}

func isMidnight(t time.Time) bool {
	return t.Hour() == 0 && t.Minute() == 0 && t.Second() == 0 && t.Nanosecond() == 0
}

// ParseHotspotPeriod reads a hotspot period as pages and the API take it:
// a calendar year ("2025"), or a first and a last day (YYYY-MM-DD, UK
// time, both included; either may be left out for an open end), or
// nothing, for counts per calendar year. Returns EINVALID with the field
// at fault ("year", "from", "to").
func ParseHotspotPeriod(year, from, to string) (HotspotQuery, error) {
	year, from, to = strings.TrimSpace(year), strings.TrimSpace(from), strings.TrimSpace(to)
	var q HotspotQuery
	var v Validation
	if year != "" {
		if from != "" || to != "" {
			v.Add("year", "Give a year, or a first and last day, not both")
			return q, v.Err()
		}
		y, err := strconv.Atoi(year)
		if err != nil || len(year) != 4 || y < 1900 {
			v.Add("year", "Enter the year as four digits, for example 2025")
			return q, v.Err()
		}
		q.From = time.Date(y, time.January, 1, 0, 0, 0, 0, London)
		q.To = q.From.AddDate(1, 0, 0)
		return q, nil
	}
	if from != "" {
		t, err := time.ParseInLocation(time.DateOnly, from, London)
		if err != nil {
			v.Add("from", "Enter the first day as a date, for example 2025-03-01")
		}
		q.From = t
	}
	if to != "" {
		t, err := time.ParseInLocation(time.DateOnly, to, London)
		if err != nil {
			v.Add("to", "Enter the last day as a date, for example 2025-06-30")
		}
		q.To = t.AddDate(0, 0, 1)
	}
	if err := v.Err(); err != nil {
		return HotspotQuery{}, err
	}
	if !q.From.IsZero() && !q.To.IsZero() && !q.From.Before(q.To) {
		v.Add("to", "The last day must be the same as or after the first day")
		return HotspotQuery{}, v.Err()
	}
	return q, nil
}
