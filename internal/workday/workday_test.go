package workday

import (
	"fmt"
	"sync"
	"testing"
	"time"
)

// at returns a time in Europe/London.
func at(y int, m time.Month, d, hh, mm int) time.Time {
	return time.Date(y, m, d, hh, mm, 0, 0, london)
}

// endOf parses YYYY-MM-DD and returns the end of that London day, the form
// every deadline takes.
func endOf(t *testing.T, date string) time.Time {
	t.Helper()
	d, err := time.ParseInLocation(time.DateOnly, date, london)
	if err != nil {
		t.Fatal(err)
	}
	y, m, dd := d.Date()
	return time.Date(y, m, dd, 23, 59, 59, 999999999, london)
}

func utc(s string) time.Time {
	t, err := time.Parse(time.RFC3339Nano, s)
	if err != nil {
		panic(err)
	}
	return t
}

func TestIsWorkingDay(t *testing.T) {
	newYork, err := time.LoadLocation("America/New_York")
	if err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		name string
		t    time.Time
		want bool
	}{
		{"ordinary Wednesday", at(2025, time.August, 20, 9, 0), true},
		{"Saturday", at(2025, time.August, 23, 9, 0), false},
		{"Sunday", at(2025, time.August, 24, 9, 0), false},
		{"Summer bank holiday", at(2025, time.August, 25, 9, 0), false},
		{"Good Friday", at(2025, time.April, 18, 12, 0), false},
		{"Easter Monday", at(2025, time.April, 21, 12, 0), false},
		{"Christmas substitute 2022 (Tuesday 27)", at(2022, time.December, 27, 12, 0), false},
		{"State Funeral of Queen Elizabeth II", at(2022, time.September, 19, 12, 0), false},
		{"Coronation of King Charles III", at(2023, time.May, 8, 12, 0), false},
		{"day after coronation", at(2023, time.May, 9, 12, 0), true},
		{"VE day 2020 (Friday)", at(2020, time.May, 8, 12, 0), false},
		{"Platinum Jubilee Thursday", at(2022, time.June, 2, 12, 0), false},
		{"Platinum Jubilee Friday", at(2022, time.June, 3, 12, 0), false},
		// 23:30 UTC on Sunday 31 August 2025 is 00:30 BST on Monday 1 September.
		{"UTC Sunday night is London Monday", utc("2025-08-31T23:30:00Z"), true},
		// 23:30 UTC on Friday 22 August 2025 is 00:30 BST on Saturday.
		{"UTC Friday night is London Saturday", utc("2025-08-22T23:30:00Z"), false},
		{"winter: UTC and London agree", utc("2025-01-03T23:30:00Z"), true},
		{"other zone converted to London", time.Date(2025, time.August, 22, 20, 0, 0, 0, newYork), false},
		{"last Sunday of March 2025 (clocks go forward)", at(2025, time.March, 30, 12, 0), false},
		{"Monday after clocks go forward", utc("2025-03-30T23:00:00Z"), true},
		{"last Sunday of October 2025 (clocks go back)", utc("2025-10-26T01:30:00Z"), false},
		{"Monday after clocks go back", utc("2025-10-27T00:00:00Z"), true},
		{"far past", time.Date(1, time.January, 3, 12, 0, 0, 0, time.UTC), true},
		{"far future", time.Date(9999, time.December, 31, 12, 0, 0, 0, time.UTC), true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := England().IsWorkingDay(tt.t); got != tt.want {
				t.Errorf("IsWorkingDay(%v) = %v, want %v", tt.t, got, tt.want)
			}
		})
	}
}

func TestAddWorkingDays(t *testing.T) {
	tests := []struct {
		name  string
		start time.Time
		n     int
		want  string // date whose end is the deadline
	}{
		{"Friday afternoon before Summer bank holiday", at(2025, time.August, 22, 16, 0), 1, "2025-08-26"},
		{"Friday before Summer bank holiday, 2 days", at(2025, time.August, 22, 16, 0), 2, "2025-08-27"},
		{"on the bank holiday itself", at(2025, time.August, 25, 10, 0), 1, "2025-08-26"},
		{"ordinary Monday", at(2025, time.September, 1, 9, 0), 1, "2025-09-02"},
		{"Friday to Monday", at(2025, time.September, 5, 9, 0), 1, "2025-09-08"},
		{"Saturday start", at(2025, time.September, 6, 9, 0), 1, "2025-09-08"},
		{"45 working days", at(2025, time.September, 1, 9, 0), 45, "2025-11-03"},
		{"45 working days across Christmas", at(2025, time.December, 1, 9, 0), 45, "2026-02-05"},
		{"45 working days across Easter and May", at(2025, time.April, 1, 9, 0), 45, "2025-06-09"},
		{"Christmas Eve 2025", at(2025, time.December, 24, 15, 0), 1, "2025-12-29"},
		{"Christmas Eve 2025, 4 days past New Year", at(2025, time.December, 24, 15, 0), 4, "2026-01-02"},
		{"Christmas Eve 2025, 5 days", at(2025, time.December, 24, 15, 0), 5, "2026-01-05"},
		{"Christmas on Saturday 2027", at(2027, time.December, 24, 15, 0), 1, "2027-12-29"},
		{"Christmas on Sunday 2022", at(2022, time.December, 23, 15, 0), 1, "2022-12-28"},
		{"New Year on Saturday 2022", at(2021, time.December, 31, 15, 0), 1, "2022-01-04"},
		{"Maundy Thursday 2025", at(2025, time.April, 17, 15, 0), 1, "2025-04-22"},
		{"Good Friday 2025", at(2025, time.April, 18, 15, 0), 1, "2025-04-22"},
		{"Maundy Thursday 2024 (Easter in March)", at(2024, time.March, 28, 15, 0), 2, "2024-04-03"},
		{"before the coronation", at(2023, time.May, 5, 15, 0), 1, "2023-05-09"},
		{"across two May bank holidays 2023", at(2023, time.April, 28, 15, 0), 5, "2023-05-09"},
		{"before the State Funeral", at(2022, time.September, 16, 15, 0), 1, "2022-09-20"},
		{"before the Platinum Jubilee", at(2022, time.June, 1, 15, 0), 1, "2022-06-06"},
		{"before VE day 2020", at(2020, time.May, 7, 15, 0), 1, "2020-05-11"},
		{"first Monday of May 2020 was worked", at(2020, time.May, 1, 15, 0), 1, "2020-05-04"},
		{"n=0 on a working day", at(2025, time.August, 22, 16, 0), 0, "2025-08-22"},
		{"n=0 on a Saturday", at(2025, time.August, 23, 16, 0), 0, "2025-08-26"},
		{"n=0 on a bank holiday", at(2025, time.August, 25, 16, 0), 0, "2025-08-26"},
		{"n<0 treated as 0", at(2025, time.August, 23, 16, 0), -5, "2025-08-26"},
		{"n<0 on a working day", at(2025, time.August, 22, 16, 0), -1, "2025-08-22"},
		{"one year of working days", at(2025, time.January, 1, 9, 0), 253, "2025-12-31"},
		// Daylight saving: clocks go forward at 01:00 UTC on Sunday 30 March 2025.
		{"Saturday night before clocks go forward", utc("2025-03-29T23:30:00Z"), 1, "2025-03-31"},
		{"Friday before clocks go forward", at(2025, time.March, 28, 23, 30), 1, "2025-03-31"},
		{"UTC Sunday night is London Monday (BST)", utc("2025-03-30T23:30:00Z"), 0, "2025-03-31"},
		{"UTC Sunday night is London Monday, n=1", utc("2025-03-30T23:30:00Z"), 1, "2025-04-01"},
		// Clocks go back at 01:00 UTC on Sunday 26 October 2025.
		{"Friday 23:30 BST before clocks go back", at(2025, time.October, 24, 23, 30), 1, "2025-10-27"},
		{"UTC Saturday night is London Sunday", utc("2025-10-25T23:30:00Z"), 0, "2025-10-27"},
		{"Sunday 23:30 GMT after clocks go back", utc("2025-10-26T23:30:00Z"), 1, "2025-10-27"},
		{"5 days across the October change", at(2025, time.October, 22, 12, 0), 5, "2025-10-29"},
		{"5 days across the March change", at(2025, time.March, 26, 12, 0), 5, "2025-04-02"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := England().AddWorkingDays(tt.start, tt.n)
			want := endOf(t, tt.want)
			if !got.Equal(want) {
				t.Errorf("AddWorkingDays(%v, %d) = %v, want %v", tt.start, tt.n, got, want)
			}
			if got.Location() != london {
				t.Errorf("result location %v, want Europe/London", got.Location())
			}
			if hh, mm, ss := got.Clock(); hh != 23 || mm != 59 || ss != 59 || got.Nanosecond() != 999999999 {
				t.Errorf("result %v is not the end of a London day", got)
			}
			if got.Before(tt.start) {
				t.Errorf("result %v is before start %v", got, tt.start)
			}
		})
	}
}

func TestAddWorkingDaysExactEndOfDay(t *testing.T) {
	// A start at the very last instant of a working day with n=0 is due at
	// that same instant, not the next day.
	start := time.Date(2025, time.August, 22, 23, 59, 59, 999999999, london)
	if got := England().AddWorkingDays(start, 0); !got.Equal(start) {
		t.Errorf("AddWorkingDays(end of day, 0) = %v, want %v", got, start)
	}
}

func TestAddWorkingDaysHugeN(t *testing.T) {
	tests := []struct {
		name string
		n    int
	}{
		{"one million", 1_000_000},
		{"cap", maxAddWorkingDays},
		{"max int is capped", int(^uint(0) >> 1)},
	}
	start := at(2025, time.January, 1, 9, 0)
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := England().AddWorkingDays(start, tt.n)
			if !England().IsWorkingDay(got) {
				t.Errorf("result %v is not a working day", got)
			}
			want := min(tt.n, maxAddWorkingDays)
			if between := England().WorkingDaysBetween(start, got); between != want {
				t.Errorf("WorkingDaysBetween(start, result) = %d, want %d", between, want)
			}
		})
	}
}

func TestWorkingDaysBetween(t *testing.T) {
	tests := []struct {
		name     string
		from, to time.Time
		want     int
	}{
		{"same instant", at(2025, time.August, 20, 9, 0), at(2025, time.August, 20, 9, 0), 0},
		{"same day, later", at(2025, time.August, 20, 9, 0), at(2025, time.August, 20, 17, 0), 0},
		{"to before from", at(2025, time.August, 20, 9, 0), at(2025, time.August, 1, 9, 0), 0},
		{"next day", at(2025, time.August, 20, 9, 0), at(2025, time.August, 21, 0, 0), 1},
		{"Friday to bank holiday Monday", at(2025, time.August, 22, 16, 0), at(2025, time.August, 25, 12, 0), 0},
		{"Friday to Tuesday after bank holiday", at(2025, time.August, 22, 16, 0), at(2025, time.August, 26, 12, 0), 1},
		{"45 working days", at(2025, time.September, 1, 9, 0), at(2025, time.November, 3, 9, 0), 45},
		{"whole of 2025", at(2024, time.December, 31, 9, 0), at(2025, time.December, 31, 9, 0), 253},
		{"whole of 2022 (two extra holidays)", at(2021, time.December, 31, 9, 0), at(2022, time.December, 31, 9, 0), 250},
		{"whole of 2023 (coronation)", at(2022, time.December, 31, 9, 0), at(2023, time.December, 31, 9, 0), 251},
		{"London dates, not UTC dates", utc("2025-08-31T23:30:00Z"), utc("2025-09-01T22:30:00Z"), 0},
		{"across the March clock change", at(2025, time.March, 28, 12, 0), at(2025, time.March, 31, 0, 30), 1},
		{"across the October clock change", at(2025, time.October, 24, 12, 0), at(2025, time.October, 27, 0, 30), 1},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := England().WorkingDaysBetween(tt.from, tt.to); got != tt.want {
				t.Errorf("WorkingDaysBetween(%v, %v) = %d, want %d", tt.from, tt.to, got, tt.want)
			}
		})
	}
}

// naiveBetween counts working days in (from, to] one London day at a time,
// as an independent check on the arithmetic in WorkingDaysBetween.
func naiveBetween(c *Calendar, from, to time.Time) int {
	fy, fm, fd := from.In(london).Date()
	ty, tm, td := to.In(london).Date()
	end := time.Date(ty, tm, td, 12, 0, 0, 0, london)
	n := 0
	for d := time.Date(fy, fm, fd+1, 12, 0, 0, 0, london); !d.After(end); {
		if c.IsWorkingDay(d) {
			n++
		}
		y, m, dd := d.Date()
		d = time.Date(y, m, dd+1, 12, 0, 0, 0, london)
	}
	return n
}

func TestWorkingDaysBetweenMatchesNaiveCount(t *testing.T) {
	tests := []struct {
		name     string
		from, to time.Time
	}{
		{"2015 to 2030", at(2015, time.January, 1, 9, 0), at(2030, time.December, 31, 9, 0)},
		{"1960 to 1990 (older rules)", at(1960, time.June, 15, 9, 0), at(1990, time.March, 2, 9, 0)},
		{"1970 to 1980 (rule changes)", at(1970, time.December, 30, 9, 0), at(1980, time.January, 2, 9, 0)},
		{"1995 to 2025 (one-off holidays)", at(1995, time.January, 1, 9, 0), at(2025, time.December, 31, 9, 0)},
		{"2400 to 2700 (past the cache)", at(2400, time.February, 28, 9, 0), at(2700, time.March, 1, 9, 0)},
		{"year boundary", at(2025, time.December, 31, 9, 0), at(2026, time.January, 2, 9, 0)},
	}
	c := &Calendar{}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := c.WorkingDaysBetween(tt.from, tt.to)
			if want := naiveBetween(c, tt.from, tt.to); got != want {
				t.Errorf("WorkingDaysBetween = %d, naive count = %d", got, want)
			}
		})
	}
}

// TestRoundTrip checks that WorkingDaysBetween inverts AddWorkingDays, and
// that the deadline is the first day on which the count reaches n.
func TestRoundTrip(t *testing.T) {
	starts := []struct {
		name string
		t    time.Time
	}{
		{"working Friday before bank holiday", at(2025, time.August, 22, 16, 0)},
		{"Saturday", at(2025, time.August, 23, 10, 0)},
		{"bank holiday", at(2025, time.August, 25, 10, 0)},
		{"Christmas Eve", at(2025, time.December, 24, 10, 0)},
		{"Good Friday", at(2026, time.April, 3, 10, 0)},
		{"before coronation", at(2023, time.May, 5, 10, 0)},
		{"before State Funeral", at(2022, time.September, 16, 10, 0)},
		{"Sunday of March clock change", at(2025, time.March, 30, 3, 0)},
		{"Sunday of October clock change", utc("2025-10-26T00:30:00Z")},
	}
	ns := []int{0, 1, 2, 3, 5, 10, 11, 15, 20, 45, 65, 100, 253, 400, 1000}
	for _, s := range starts {
		for _, n := range ns {
			t.Run(fmt.Sprintf("%s/n=%d", s.name, n), func(t *testing.T) {
				c := England()
				deadline := c.AddWorkingDays(s.t, n)
				got := c.WorkingDaysBetween(s.t, deadline)
				want := n
				if n == 0 && !c.IsWorkingDay(s.t) {
					want = 1 // n=0 from a non-working day is the next working day
				}
				if got != want {
					t.Errorf("WorkingDaysBetween(t, AddWorkingDays(t, %d)) = %d, want %d (deadline %v)", n, got, want, deadline)
				}
				if n >= 1 {
					y, m, d := deadline.Date()
					dayBefore := time.Date(y, m, d-1, 12, 0, 0, 0, london)
					if prev := c.WorkingDaysBetween(s.t, dayBefore); prev != n-1 {
						t.Errorf("count on the day before the deadline = %d, want %d", prev, n-1)
					}
				}
			})
		}
	}
}

func TestAddMonths(t *testing.T) {
	tests := []struct {
		name   string
		start  time.Time
		months int
		want   string
	}{
		{"simple", at(2025, time.March, 15, 10, 0), 1, "2025-04-15"},
		{"31 January to February", at(2025, time.January, 31, 10, 0), 1, "2025-02-28"},
		{"31 January to leap February", at(2024, time.January, 31, 10, 0), 1, "2024-02-29"},
		{"29 February plus a year", at(2024, time.February, 29, 10, 0), 12, "2025-02-28"},
		{"31 March to April", at(2025, time.March, 31, 10, 0), 1, "2025-04-30"},
		{"across the year end", at(2025, time.November, 30, 10, 0), 3, "2026-02-28"},
		{"twelve months", at(2025, time.December, 31, 10, 0), 12, "2026-12-31"},
		{"zero months", at(2025, time.June, 10, 10, 0), 0, "2025-06-10"},
		{"negative", at(2025, time.March, 31, 10, 0), -1, "2025-02-28"},
		{"negative across the year", at(2025, time.January, 15, 10, 0), -13, "2023-12-15"},
		{"result on a weekend is kept", at(2025, time.July, 23, 10, 0), 1, "2025-08-23"},
		{"across the March clock change", at(2025, time.March, 1, 10, 0), 1, "2025-04-01"},
		{"across the October clock change", at(2025, time.October, 1, 10, 0), 1, "2025-11-01"},
		{"London date, not UTC date", utc("2025-03-30T23:30:00Z"), 1, "2025-04-30"},
		{"ending on the last Sunday of October", at(2025, time.September, 26, 10, 0), 1, "2025-10-26"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := England().AddMonths(tt.start, tt.months)
			if want := endOf(t, tt.want); !got.Equal(want) || got.Location() != london {
				t.Errorf("AddMonths(%v, %d) = %v, want %v", tt.start, tt.months, got, want)
			}
		})
	}
}

func TestZeroCalendarAndConcurrency(t *testing.T) {
	// Hammer a fresh calendar from many goroutines so that `go test -race`
	// sees concurrent first use of the cache.
	var c Calendar
	start := at(2025, time.August, 22, 16, 0)
	want := endOf(t, "2025-08-26")
	var wg sync.WaitGroup
	errs := make(chan string, 64)
	for g := range 32 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := range 50 {
				y := 1990 + (g+i)%60
				if hs := c.Holidays(y); len(hs) < 8 {
					errs <- fmt.Sprintf("Holidays(%d) has %d entries", y, len(hs))
				}
				if got := c.AddWorkingDays(start, 1); !got.Equal(want) {
					errs <- fmt.Sprintf("AddWorkingDays = %v, want %v", got, want)
				}
			}
		}()
	}
	wg.Wait()
	close(errs)
	for e := range errs {
		t.Error(e)
	}
}

func TestEnglandIsShared(t *testing.T) {
	if England() != England() {
		t.Error("England() returned different calendars; the cache would not be shared")
	}
	if Location().String() != "Europe/London" {
		t.Errorf("Location() = %v", Location())
	}
}

// FuzzAddWorkingDays checks the invariants that make deadlines trustworthy
// for arbitrary start instants between 1900 and 2200 and n in 0..400.
func FuzzAddWorkingDays(f *testing.F) {
	f.Add(int64(1755874800), int64(0), uint16(1))   // Fri 22 Aug 2025 16:00 BST
	f.Add(int64(1766592000), int64(0), uint16(45))  // Christmas Eve 2025
	f.Add(int64(1743377400), int64(0), uint16(0))   // Sunday night of the March 2025 change
	f.Add(int64(1661558400), int64(5), uint16(400)) // August 2022
	f.Add(int64(-1), int64(999999999), uint16(7))
	const (
		lo = -2208988800 // 1900-01-01T00:00:00Z
		hi = 7258118400  // 2200-01-01T00:00:00Z
	)
	c := England()
	f.Fuzz(func(t *testing.T, sec, nsec int64, n16 uint16) {
		start := time.Unix(lo+floorMod64(sec, hi-lo), floorMod64(nsec, 1e9))
		n := int(n16 % 401)

		got := c.AddWorkingDays(start, n)
		if got.Location() != london {
			t.Fatalf("location %v", got.Location())
		}
		if hh, mm, ss := got.Clock(); hh != 23 || mm != 59 || ss != 59 || got.Nanosecond() != 999999999 {
			t.Fatalf("AddWorkingDays(%v, %d) = %v, not the end of a London day", start, n, got)
		}
		if !c.IsWorkingDay(got) {
			t.Fatalf("AddWorkingDays(%v, %d) = %v, not a working day", start, n, got)
		}
		if got.Before(start) || (n >= 1 && !got.After(start)) {
			t.Fatalf("AddWorkingDays(%v, %d) = %v, not after the start", start, n, got)
		}
		between := c.WorkingDaysBetween(start, got)
		want := n
		if n == 0 && !c.IsWorkingDay(start) {
			want = 1
		}
		if between != want {
			t.Fatalf("WorkingDaysBetween(%v, %v) = %d, want %d", start, got, between, want)
		}
		// Independent day-by-day computation of the same deadline.
		y, m, d := start.In(london).Date()
		cur := time.Date(y, m, d, 12, 0, 0, 0, london)
		for left := n; ; {
			if left == 0 && c.IsWorkingDay(cur) {
				break
			}
			y, m, d = cur.Date()
			cur = time.Date(y, m, d+1, 12, 0, 0, 0, london)
			if c.IsWorkingDay(cur) && left > 0 {
				left--
			}
		}
		if y, m, d := cur.Date(); !got.Equal(time.Date(y, m, d, 23, 59, 59, 999999999, london)) {
			t.Fatalf("AddWorkingDays(%v, %d) = %v, day-by-day gives %v", start, n, got, cur)
		}
	})
}

func BenchmarkAddWorkingDays45(b *testing.B) {
	c := England()
	start := at(2025, time.September, 1, 9, 0)
	c.AddWorkingDays(start, 45) // warm the cache: measure steady state
	for b.Loop() {
		c.AddWorkingDays(start, 45)
	}
}
