// Package workday is the working-day calendar for England and Wales, used
// to compute the statutory deadlines in Working Together to Safeguard
// Children 2023 (for example, a decision on a referral within one working
// day, or an assessment within 45 working days).
//
// A working day is any Monday to Friday that is not an England and Wales
// bank holiday. The bank holidays are derived from the rules of the
// Banking and Financial Dealings Act 1971 (Schedule 1 and the royal
// proclamations made under section 1: New Year's Day, the Early May bank
// holiday, substitute days for holidays falling at a weekend, and one-off
// holidays such as jubilees, the State Funeral of Queen Elizabeth II and
// the Coronation of King Charles III), checked against the list gov.uk
// publishes at https://www.gov.uk/bank-holidays. Easter is computed with
// the anonymous Gregorian computus. Results are exact from 1995 onwards
// and best effort before that.
//
// All dates are interpreted in Europe/London, whatever the location of the
// time.Time passed in, because that is where the statutory clock runs. The
// tz database is embedded (time/tzdata) so the package behaves the same on
// a server or container without zoneinfo files.
package workday

import (
	"fmt"
	"sync"
	"time"
	_ "time/tzdata" // Europe/London must load even where the host has no zoneinfo.
)

// london is the Europe/London location. Loading cannot fail in practice
// because the tz database is embedded; if it somehow does, the build is
// broken and every deadline would be wrong, so failing loudly at start-up
// is better than silently using UTC.
var london = mustLoadLondon()

func mustLoadLondon() *time.Location {
	loc, err := time.LoadLocation("Europe/London")
	if err != nil {
		panic(fmt.Sprintf("workday: loading Europe/London: %v", err))
	}
	return loc
}

// Location returns the Europe/London location the package uses, so that
// callers building times to pass in (or comparing results) use exactly the
// same zone rules.
func Location() *time.Location { return london }

// maxAddWorkingDays caps n in AddWorkingDays. It is far beyond any
// statutory timescale (about 38,000 years) and exists only so that a
// corrupt input cannot overflow the date arithmetic.
const maxAddWorkingDays = 10_000_000

// Years whose holiday tables are kept in the cache. Tables for other years
// are rebuilt on demand, so a stray far-future date cannot make the cache
// grow without bound.
const (
	minCachedYear = 1900
	maxCachedYear = 2500
)

// Calendar answers working-day questions for England and Wales.
//
// A Calendar is safe for concurrent use by multiple goroutines. Holiday
// tables are computed the first time a year is needed and cached, because
// deadline checks call IsWorkingDay in tight loops and the rules (Easter
// in particular) are comparatively expensive. The zero value is ready to
// use, but England returns a shared Calendar whose cache is shared by the
// whole process, which is usually what you want. A Calendar must not be
// copied after first use.
type Calendar struct {
	years sync.Map // int (year) -> *yearTable
}

// england is the process-wide calendar returned by England.
var england = &Calendar{}

// England returns the England and Wales working-day calendar. Every call
// returns the same *Calendar so that the per-year holiday cache is shared.
func England() *Calendar { return england }

// yearTable holds one year's bank holidays in the forms the calendar needs.
// It is immutable once built, so it can be shared between goroutines.
type yearTable struct {
	year     int
	first    day       // 1 January
	length   int       // 365 or 366
	holidays []Holiday // sorted, as returned by Holidays
	days     []day     // distinct holiday dates, sorted
	closed   [6]uint64 // bit i set when first+i is a bank holiday
}

func buildYear(y int) *yearTable {
	t := &yearTable{
		year:  y,
		first: dayFromCivil(y, time.January, 1),
	}
	t.length = int(dayFromCivil(y+1, time.January, 1) - t.first)
	for _, s := range bankHolidays(y) {
		t.holidays = append(t.holidays, Holiday{
			Date: time.Date(s.date.y, s.date.m, s.date.d, 0, 0, 0, 0, london),
			Name: s.name,
		})
		d := dayFromCivil(s.date.y, s.date.m, s.date.d)
		i := int(d - t.first)
		if i < 0 || i >= t.length || t.closed[i/64]&(1<<(i%64)) != 0 {
			continue // outside the year (cannot happen) or a duplicate date
		}
		t.closed[i/64] |= 1 << (i % 64)
		t.days = append(t.days, d)
	}
	return t
}

// isHoliday reports whether d (which must lie in t's year) is a bank holiday.
func (t *yearTable) isHoliday(d day) bool {
	i := int(d - t.first)
	return t.closed[i/64]&(1<<(i%64)) != 0
}

// contains reports whether d lies in t's year.
func (t *yearTable) contains(d day) bool {
	return d >= t.first && int(d-t.first) < t.length
}

// year returns the holiday table for year y, building it if need be.
func (c *Calendar) year(y int) *yearTable {
	if v, ok := c.years.Load(y); ok {
		return v.(*yearTable)
	}
	t := buildYear(y)
	if y < minCachedYear || y > maxCachedYear {
		return t
	}
	// Two goroutines may build the same year at once; both tables are
	// identical, and LoadOrStore makes everyone use the first one stored.
	v, _ := c.years.LoadOrStore(y, t)
	return v.(*yearTable)
}

// tableFor returns the holiday table for the year containing d, reusing
// cur when it already covers d so that day-by-day loops stay cheap.
func (c *Calendar) tableFor(cur *yearTable, d day) *yearTable {
	if cur != nil && cur.contains(d) {
		return cur
	}
	return c.year(d.civil().y)
}

// closed reports whether d is a weekend day or a bank holiday, returning
// the (possibly new) table covering d for the next call.
func (c *Calendar) closed(cur *yearTable, d day) (bool, *yearTable) {
	if wd := d.weekday(); wd == time.Saturday || wd == time.Sunday {
		return true, cur
	}
	cur = c.tableFor(cur, d)
	return cur.isHoliday(d), cur
}

// Holidays returns the England and Wales bank holidays in year, sorted by
// date, each dated midnight Europe/London. Substitute days are listed on
// the day actually taken off (see Holiday). The slice is a fresh copy the
// caller may modify. Years before 1995 are best effort.
func (c *Calendar) Holidays(year int) []Holiday {
	t := c.year(year)
	out := make([]Holiday, len(t.holidays))
	copy(out, t.holidays)
	return out
}

// IsWorkingDay reports whether the Europe/London date of t is a working
// day: a Monday to Friday that is not a bank holiday. Using the London
// date matters around midnight: 23:30 UTC on a summer Sunday is already
// Monday in London.
func (c *Calendar) IsWorkingDay(t time.Time) bool {
	d := dayOf(t)
	closed, _ := c.closed(nil, d)
	return !closed
}

// AddWorkingDays returns the deadline that falls n working days after t.
//
// The convention, which matches how Working Together timescales are
// counted, is:
//
//   - The day the clock starts (t's date in Europe/London) never counts,
//     whatever the time of day and whether or not it is a working day.
//   - The deadline is the end of the nth working day after that date:
//     23:59:59.999999999 Europe/London. So a referral received at 16:00 on
//     Friday 22 August 2025 with n=1 is due by the end of Tuesday 26
//     August 2025, because Monday 25 August is the Summer bank holiday.
//   - n=0 means "today": the end of t's date if it is a working day,
//     otherwise the end of the next working day. For a start on a
//     non-working day n=0 and n=1 therefore give the same deadline.
//   - n<0 is treated as 0, so the function never panics and never returns
//     a deadline before t. n above 10,000,000 is treated as 10,000,000.
//
// The result is always in the Europe/London location and is never before
// t. For n>=1, WorkingDaysBetween(t, AddWorkingDays(t, n)) == n.
func (c *Calendar) AddWorkingDays(t time.Time, n int) time.Time {
	d := dayOf(t)
	var cur *yearTable
	var closed bool
	if n <= 0 {
		for {
			if closed, cur = c.closed(cur, d); !closed {
				return d.end()
			}
			d++
		}
	}
	n = min(n, maxAddWorkingDays)

	// Jump whole weeks while many days remain: 7k days always hold
	// exactly 5k weekdays, and the holidays among them can be counted
	// directly. Jumping at most (n-1)/5 weeks leaves n >= 1, so the final
	// working day is always found by the day-by-day loop below and never
	// skipped over. Each pass leaves only about as many days as there
	// were holidays in the jump, so this converges in a few passes.
	for n > 10 {
		k := (n - 1) / 5
		next := d + day(7*k)
		n -= 5*k - c.holidaysIn(d, next)
		d = next
	}
	for n > 0 {
		d++
		if closed, cur = c.closed(cur, d); !closed {
			n--
		}
	}
	return d.end()
}

// WorkingDaysBetween returns the number of working days after from's date
// up to and including to's date, both dates taken in Europe/London. It is
// 0 when to's date is on or before from's date. It counts the same way as
// AddWorkingDays, so for n>=1 WorkingDaysBetween(t, AddWorkingDays(t, n))
// is n; this is how to tell how far into a statutory timescale a case is.
// For a t on a working day the n=0 deadline gives 0, and for a t on a
// non-working day it gives 1, since that deadline is the next working day.
func (c *Calendar) WorkingDaysBetween(from, to time.Time) int {
	a, b := dayOf(from), dayOf(to)
	if b <= a {
		return 0
	}
	return weekdaysUpTo(b) - weekdaysUpTo(a) - c.holidaysIn(a, b)
}

// holidaysIn counts the bank holidays in the day range (a, b]. Every bank
// holiday is a weekday, so this is the number of weekdays in the range
// that are not working days. Whole years in the middle of the range are
// counted arithmetically, so the cost does not grow with the span.
func (c *Calendar) holidaysIn(a, b day) int {
	if b <= a {
		return 0
	}
	ya, yb := (a + 1).civil().y, b.civil().y
	count := func(t *yearTable) int {
		n := 0
		for _, h := range t.days {
			if h > a && h <= b {
				n++
			}
		}
		return n
	}
	if ya == yb {
		return count(c.year(ya))
	}
	n := count(c.year(ya)) + count(c.year(yb))
	if yb-ya > 1 {
		n += holidaysInYears(ya+1, yb-1)
	}
	return n
}

// holidaysInYears counts the bank holidays in the whole years lo..hi
// inclusive, using the per-era regular counts plus the one-off extras.
func holidaysInYears(lo, hi int) int {
	overlap := func(from, to int) int {
		from, to = max(from, lo), min(to, hi)
		if to < from {
			return 0
		}
		return to - from + 1
	}
	const lowest, highest = -1 << 62, 1 << 62
	n := 6*overlap(lowest, 1973) + 7*overlap(1974, 1977) + 8*overlap(1978, highest)
	for _, s := range extraHolidays {
		if s.date.y >= lo && s.date.y <= hi {
			n++
		}
	}
	return n
}

// AddMonths returns the end (23:59:59.999999999 Europe/London) of the day
// with the same day of month as t's London date, months calendar months
// later. If that month is too short the last day of the month is used, so
// 31 January plus one month is 28 February (29 in a leap year) rather than
// spilling into March as time.AddDate would. months may be negative.
// The result is not moved off weekends or bank holidays: timescales in
// months run to the calendar date; callers that need a working day can
// pass the result to AddWorkingDays with n=0.
func (c *Calendar) AddMonths(t time.Time, months int) time.Time {
	y, m, d := t.In(london).Date()
	total := int(m) - 1 + months
	ty := y + floorDiv(total, 12)
	tm := time.Month(floorMod(total, 12) + 1)
	d = min(d, daysIn(ty, tm))
	return time.Date(ty, tm, d, 23, 59, 59, 999999999, london)
}

// day is a civil date counted in days from 1 January 1970. Counting whole
// days, rather than adding 24h to a time.Time, keeps the arithmetic
// correct across daylight-saving changes, when a London day is 23 or 25
// hours long.
type day int64

const secondsPerDay = 24 * 60 * 60

// dayOf returns the Europe/London date of t.
func dayOf(t time.Time) day {
	y, m, d := t.In(london).Date()
	return dayFromCivil(y, m, d)
}

// dayFromCivil converts a calendar date (normalised as time.Date does).
func dayFromCivil(y int, m time.Month, d int) day {
	// Midnight UTC is an exact multiple of a day, so the division is exact.
	return day(time.Date(y, m, d, 0, 0, 0, 0, time.UTC).Unix() / secondsPerDay)
}

func (d day) civil() civil {
	y, m, dd := time.Unix(int64(d)*secondsPerDay, 0).UTC().Date()
	return civil{y, m, dd}
}

// weekday returns the day of the week; 1 January 1970 was a Thursday.
func (d day) weekday() time.Weekday {
	return time.Weekday(floorMod64(int64(d)+int64(time.Thursday), 7))
}

// end returns 23:59:59.999999999 Europe/London on d. That instant always
// exists and is unambiguous, because London changes its clocks at 01:00
// UTC, never near midnight.
func (d day) end() time.Time {
	c := d.civil()
	return time.Date(c.y, c.m, c.d, 23, 59, 59, 999999999, london)
}

// weekdaysUpTo counts the Mondays to Fridays from an arbitrary fixed
// Monday up to and including d (negative before it). Only differences are
// meaningful: weekdaysUpTo(b)-weekdaysUpTo(a) is the number of weekdays in
// (a, b].
func weekdaysUpTo(d day) int {
	const monday = day(4) // 5 January 1970
	off := int64(d - monday)
	weeks, rem := floorDiv64(off, 7), floorMod64(off, 7) // rem 0 = Monday
	return int(5*weeks + min(rem+1, 5))
}

func floorDiv64(a, b int64) int64 {
	q := a / b
	if (a%b != 0) && ((a < 0) != (b < 0)) {
		q--
	}
	return q
}

func floorMod64(a, b int64) int64 {
	return a - floorDiv64(a, b)*b
}
