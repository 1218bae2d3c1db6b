package workday

import (
	"sort"
	"time"
)

// Holiday is one England and Wales bank holiday.
//
// Date is midnight Europe/London at the start of the holiday, so that it
// compares equal to other dates the package produces for the same day.
// Name follows the title gov.uk publishes (including its typographic
// apostrophe, as in "New Year’s Day"). When New Year's Day, Christmas Day
// or Boxing Day falls at a weekend, the weekday taken instead carries the
// name with " (substitute day)" appended, so that a caseworker reading a
// deadline explanation can see why, say, Monday 27 December was not a
// working day. Holidays moved by proclamation (such as the Spring bank
// holiday in jubilee years) keep their plain name.
type Holiday struct {
	Date time.Time
	Name string
}

// Names used for the regular bank holidays, as gov.uk titles them.
const (
	nameNewYear    = "New Year’s Day"
	nameGoodFriday = "Good Friday"
	nameEasterMon  = "Easter Monday"
	nameEarlyMay   = "Early May bank holiday"
	nameSpring     = "Spring bank holiday"
	nameSummer     = "Summer bank holiday"
	nameChristmas  = "Christmas Day"
	nameBoxingDay  = "Boxing Day"
	nameWhitMonday = "Whit Monday"
	substitute     = " (substitute day)"
)

// civil is a calendar date with no time of day and no zone. Holiday rules
// are about dates, not instants, so they are computed on civil values and
// only turned into time.Time in Europe/London at the edge.
type civil struct {
	y int
	m time.Month
	d int
}

// special is a bank holiday fixed by royal proclamation rather than by the
// 1971 Act's schedule: either an extra day, or a regular holiday moved away
// from its usual date.
type special struct {
	date civil
	name string
}

// movedEarlyMay lists years in which the Early May bank holiday was moved
// from the first Monday in May by proclamation.
var movedEarlyMay = map[int]special{
	1995: {civil{1995, time.May, 8}, "Early May bank holiday (VE day)"}, // 50th anniversary of VE day
	2020: {civil{2020, time.May, 8}, "Early May bank holiday (VE day)"}, // 75th anniversary of VE day (a Friday)
}

// movedSpring lists years in which the Spring bank holiday was moved from
// the last Monday in May, each time to make a long weekend with a royal
// jubilee (the extra day itself is in extraHolidays).
var movedSpring = map[int]special{
	1977: {civil{1977, time.June, 6}, nameSpring},
	2002: {civil{2002, time.June, 4}, nameSpring},
	2012: {civil{2012, time.June, 4}, nameSpring},
	2022: {civil{2022, time.June, 2}, nameSpring}, // a Thursday
}

// extraHolidays are one-off bank holidays proclaimed for national events.
// Entries before 1995 are best effort; from 1995 they follow gov.uk.
var extraHolidays = []special{
	{civil{1977, time.June, 7}, "Queen’s Silver Jubilee"},
	{civil{1981, time.July, 29}, "Royal wedding"},
	{civil{1999, time.December, 31}, "Millennium celebrations"},
	{civil{2002, time.June, 3}, "Queen’s Golden Jubilee"},
	{civil{2011, time.April, 29}, "Royal wedding"},
	{civil{2012, time.June, 5}, "Queen’s Diamond Jubilee"},
	{civil{2022, time.June, 3}, "Platinum Jubilee bank holiday"},
	{civil{2022, time.September, 19}, "Bank Holiday for the State Funeral of Queen Elizabeth II"},
	{civil{2023, time.May, 8}, "Bank holiday for the coronation of King Charles III"},
}

// bankHolidays returns the England and Wales bank holidays of year y as
// civil dates, sorted by date. Every returned date falls in year y and on
// a weekday: substitute days are applied here, so callers never need to
// know the substitution rules.
//
// The regular schedule is that of the Banking and Financial Dealings Act
// 1971 (Schedule 1) as amended by the proclamations that added New Year's
// Day (from 1974) and the Early May bank holiday (from 1978). Before 1971
// the older Whit Monday / first Monday in August pattern is used. Years
// before 1995 are best effort only: they are not checked against an
// official list, but every year, however odd, yields a well-formed result.
func bankHolidays(y int) []special {
	var hs []special
	add := func(m time.Month, d int, name string) {
		hs = append(hs, special{civil{y, m, d}, name})
	}

	// New Year's Day: if 1 January is a Saturday or Sunday the following
	// Monday is the substitute day.
	if y >= 1974 {
		switch weekdayOf(y, time.January, 1) {
		case time.Saturday:
			add(time.January, 3, nameNewYear+substitute)
		case time.Sunday:
			add(time.January, 2, nameNewYear+substitute)
		default:
			add(time.January, 1, nameNewYear)
		}
	}

	// Good Friday and Easter Monday hang off Easter Sunday. They are
	// always a Friday and a Monday, so need no substitution.
	em, ed := easter(y)
	easterDay := dayFromCivil(y, em, ed)
	hs = append(hs,
		special{(easterDay - 2).civil(), nameGoodFriday},
		special{(easterDay + 1).civil(), nameEasterMon},
	)

	// Early May bank holiday: first Monday in May, from 1978.
	if y >= 1978 {
		if s, ok := movedEarlyMay[y]; ok {
			hs = append(hs, s)
		} else {
			add(time.May, firstMonday(y, time.May), nameEarlyMay)
		}
	}

	// Spring and Summer bank holidays: last Mondays of May and August
	// under the 1971 Act; before it, Whit Monday and the first Monday in
	// August.
	if y >= 1971 {
		if s, ok := movedSpring[y]; ok {
			hs = append(hs, s)
		} else {
			add(time.May, lastMonday(y, time.May), nameSpring)
		}
		add(time.August, lastMonday(y, time.August), nameSummer)
	} else {
		hs = append(hs, special{(easterDay + 50).civil(), nameWhitMonday})
		add(time.August, firstMonday(y, time.August), nameSummer)
	}

	// Christmas Day and Boxing Day. When either falls at a weekend the
	// substitute days are the next weekdays not already holidays. gov.uk
	// labels them so that Boxing Day keeps 26 December whenever that is a
	// weekday: Christmas on a Sunday gives Boxing Day on Monday 26 and the
	// Christmas substitute on Tuesday 27.
	switch weekdayOf(y, time.December, 25) {
	case time.Friday:
		add(time.December, 25, nameChristmas)
		add(time.December, 28, nameBoxingDay+substitute)
	case time.Saturday:
		add(time.December, 27, nameChristmas+substitute)
		add(time.December, 28, nameBoxingDay+substitute)
	case time.Sunday:
		add(time.December, 26, nameBoxingDay)
		add(time.December, 27, nameChristmas+substitute)
	default:
		add(time.December, 25, nameChristmas)
		add(time.December, 26, nameBoxingDay)
	}

	for _, s := range extraHolidays {
		if s.date.y == y {
			hs = append(hs, s)
		}
	}

	sort.SliceStable(hs, func(i, j int) bool {
		return dayFromCivil(hs[i].date.y, hs[i].date.m, hs[i].date.d) <
			dayFromCivil(hs[j].date.y, hs[j].date.m, hs[j].date.d)
	})
	return hs
}

// regularHolidayCount is the number of distinct weekday bank holidays that
// bankHolidays produces for a year with no entry in extraHolidays. Moving
// a holiday never changes the count, and the regular holidays can never
// coincide (New Year falls on 1-3 January, Easter between 20 March and 26
// April, Early May on 1-7 May, Spring on 25-31 May or the moved June dates,
// Whit Monday on 11 May-14 June, Summer in August, Christmas on 25-28
// December), so the count depends only on which era's rules apply.
// Knowing it lets WorkingDaysBetween count whole years in constant time.
// A test checks it against bankHolidays year by year.
func regularHolidayCount(y int) int {
	switch {
	case y >= 1978:
		return 8
	case y >= 1974:
		return 7
	default:
		return 6
	}
}

// easter returns the date of Easter Sunday in the Gregorian calendar, by
// the anonymous Gregorian computus (the Meeus/Jones/Butcher algorithm).
// Floor division keeps the result in March or April even for years the
// algorithm was never meant for (year 0 and before), so the caller never
// sees an out-of-range date.
func easter(y int) (time.Month, int) {
	a := floorMod(y, 19)
	b := floorDiv(y, 100)
	c := floorMod(y, 100)
	d := floorDiv(b, 4)
	e := floorMod(b, 4)
	f := floorDiv(b+8, 25)
	g := floorDiv(b-f+1, 3)
	h := floorMod(19*a+b-d-g+15, 30)
	i := floorDiv(c, 4)
	k := floorMod(c, 4)
	l := floorMod(32+2*e+2*i-h-k, 7)
	m := floorDiv(a+11*h+22*l, 451)
	n := h + l - 7*m + 114
	return time.Month(n / 31), n%31 + 1
}

// firstMonday returns the day of month of the first Monday of month m.
func firstMonday(y int, m time.Month) int {
	wd := weekdayOf(y, m, 1)
	return 1 + (int(time.Monday)-int(wd)+7)%7
}

// lastMonday returns the day of month of the last Monday of month m.
func lastMonday(y int, m time.Month) int {
	last := daysIn(y, m)
	wd := weekdayOf(y, m, last)
	return last - (int(wd)-int(time.Monday)+7)%7
}

// daysIn returns the number of days in month m of year y.
func daysIn(y int, m time.Month) int {
	// Day 0 of the next month normalises to the last day of this one.
	return time.Date(y, m+1, 0, 0, 0, 0, 0, time.UTC).Day()
}

// weekdayOf returns the day of the week of a civil date.
func weekdayOf(y int, m time.Month, d int) time.Weekday {
	return dayFromCivil(y, m, d).weekday()
}

func floorDiv(a, b int) int {
	q := a / b
	if (a%b != 0) && ((a < 0) != (b < 0)) {
		q--
	}
	return q
}

func floorMod(a, b int) int {
	return a - floorDiv(a, b)*b
}
