package workday

import (
	"fmt"
	"testing"
	"time"
)

// Titles as gov.uk publishes them. Written out here rather than reusing the
// package's constants so that a typo in one is caught by the other.
const (
	tNewYear    = "New Year’s Day"
	tNewYearSub = "New Year’s Day (substitute day)"
	tGoodFri    = "Good Friday"
	tEasterMon  = "Easter Monday"
	tEarlyMay   = "Early May bank holiday"
	tSpring     = "Spring bank holiday"
	tSummer     = "Summer bank holiday"
	tXmas       = "Christmas Day"
	tXmasSub    = "Christmas Day (substitute day)"
	tBoxing     = "Boxing Day"
	tBoxingSub  = "Boxing Day (substitute day)"
)

type wantHoliday struct {
	date string // YYYY-MM-DD
	name string
}

// govUK is the England and Wales list from https://www.gov.uk/bank-holidays
// for 2015-2027 (as published in bank-holidays.json), and for 2028-2030 the
// dates the 1971 Act's rules give (gov.uk had not yet published them).
var govUK = map[int][]wantHoliday{
	2015: {
		{"2015-01-01", tNewYear}, {"2015-04-03", tGoodFri}, {"2015-04-06", tEasterMon},
		{"2015-05-04", tEarlyMay}, {"2015-05-25", tSpring}, {"2015-08-31", tSummer},
		{"2015-12-25", tXmas}, {"2015-12-28", tBoxingSub},
	},
	2016: {
		{"2016-01-01", tNewYear}, {"2016-03-25", tGoodFri}, {"2016-03-28", tEasterMon},
		{"2016-05-02", tEarlyMay}, {"2016-05-30", tSpring}, {"2016-08-29", tSummer},
		{"2016-12-26", tBoxing}, {"2016-12-27", tXmasSub},
	},
	2017: {
		{"2017-01-02", tNewYearSub}, {"2017-04-14", tGoodFri}, {"2017-04-17", tEasterMon},
		{"2017-05-01", tEarlyMay}, {"2017-05-29", tSpring}, {"2017-08-28", tSummer},
		{"2017-12-25", tXmas}, {"2017-12-26", tBoxing},
	},
	2018: {
		{"2018-01-01", tNewYear}, {"2018-03-30", tGoodFri}, {"2018-04-02", tEasterMon},
		{"2018-05-07", tEarlyMay}, {"2018-05-28", tSpring}, {"2018-08-27", tSummer},
		{"2018-12-25", tXmas}, {"2018-12-26", tBoxing},
	},
	2019: {
		{"2019-01-01", tNewYear}, {"2019-04-19", tGoodFri}, {"2019-04-22", tEasterMon},
		{"2019-05-06", tEarlyMay}, {"2019-05-27", tSpring}, {"2019-08-26", tSummer},
		{"2019-12-25", tXmas}, {"2019-12-26", tBoxing},
	},
	2020: {
		{"2020-01-01", tNewYear}, {"2020-04-10", tGoodFri}, {"2020-04-13", tEasterMon},
		{"2020-05-08", "Early May bank holiday (VE day)"}, {"2020-05-25", tSpring},
		{"2020-08-31", tSummer}, {"2020-12-25", tXmas}, {"2020-12-28", tBoxingSub},
	},
	2021: {
		{"2021-01-01", tNewYear}, {"2021-04-02", tGoodFri}, {"2021-04-05", tEasterMon},
		{"2021-05-03", tEarlyMay}, {"2021-05-31", tSpring}, {"2021-08-30", tSummer},
		{"2021-12-27", tXmasSub}, {"2021-12-28", tBoxingSub},
	},
	2022: {
		{"2022-01-03", tNewYearSub}, {"2022-04-15", tGoodFri}, {"2022-04-18", tEasterMon},
		{"2022-05-02", tEarlyMay}, {"2022-06-02", tSpring},
		{"2022-06-03", "Platinum Jubilee bank holiday"}, {"2022-08-29", tSummer},
		{"2022-09-19", "Bank Holiday for the State Funeral of Queen Elizabeth II"},
		{"2022-12-26", tBoxing}, {"2022-12-27", tXmasSub},
	},
	2023: {
		{"2023-01-02", tNewYearSub}, {"2023-04-07", tGoodFri}, {"2023-04-10", tEasterMon},
		{"2023-05-01", tEarlyMay},
		{"2023-05-08", "Bank holiday for the coronation of King Charles III"},
		{"2023-05-29", tSpring}, {"2023-08-28", tSummer},
		{"2023-12-25", tXmas}, {"2023-12-26", tBoxing},
	},
	2024: {
		{"2024-01-01", tNewYear}, {"2024-03-29", tGoodFri}, {"2024-04-01", tEasterMon},
		{"2024-05-06", tEarlyMay}, {"2024-05-27", tSpring}, {"2024-08-26", tSummer},
		{"2024-12-25", tXmas}, {"2024-12-26", tBoxing},
	},
	2025: {
		{"2025-01-01", tNewYear}, {"2025-04-18", tGoodFri}, {"2025-04-21", tEasterMon},
		{"2025-05-05", tEarlyMay}, {"2025-05-26", tSpring}, {"2025-08-25", tSummer},
		{"2025-12-25", tXmas}, {"2025-12-26", tBoxing},
	},
	2026: {
		{"2026-01-01", tNewYear}, {"2026-04-03", tGoodFri}, {"2026-04-06", tEasterMon},
		{"2026-05-04", tEarlyMay}, {"2026-05-25", tSpring}, {"2026-08-31", tSummer},
		{"2026-12-25", tXmas}, {"2026-12-28", tBoxingSub},
	},
	2027: {
		{"2027-01-01", tNewYear}, {"2027-03-26", tGoodFri}, {"2027-03-29", tEasterMon},
		{"2027-05-03", tEarlyMay}, {"2027-05-31", tSpring}, {"2027-08-30", tSummer},
		{"2027-12-27", tXmasSub}, {"2027-12-28", tBoxingSub},
	},
	2028: {
		{"2028-01-03", tNewYearSub}, {"2028-04-14", tGoodFri}, {"2028-04-17", tEasterMon},
		{"2028-05-01", tEarlyMay}, {"2028-05-29", tSpring}, {"2028-08-28", tSummer},
		{"2028-12-25", tXmas}, {"2028-12-26", tBoxing},
	},
	2029: {
		{"2029-01-01", tNewYear}, {"2029-03-30", tGoodFri}, {"2029-04-02", tEasterMon},
		{"2029-05-07", tEarlyMay}, {"2029-05-28", tSpring}, {"2029-08-27", tSummer},
		{"2029-12-25", tXmas}, {"2029-12-26", tBoxing},
	},
	2030: {
		{"2030-01-01", tNewYear}, {"2030-04-19", tGoodFri}, {"2030-04-22", tEasterMon},
		{"2030-05-06", tEarlyMay}, {"2030-05-27", tSpring}, {"2030-08-26", tSummer},
		{"2030-12-25", tXmas}, {"2030-12-26", tBoxing},
	},
}

func TestHolidaysMatchGovUK(t *testing.T) {
	tests := []struct {
		name string
		year int
		want []wantHoliday
	}{}
	for y := 2015; y <= 2030; y++ {
		tests = append(tests, struct {
			name string
			year int
			want []wantHoliday
		}{name: fmt.Sprint(y), year: y, want: govUK[y]})
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if len(tt.want) == 0 {
				t.Fatalf("no expected list for %d", tt.year)
			}
			got := England().Holidays(tt.year)
			var gotList []wantHoliday
			for _, h := range got {
				if h.Date.Location() != london {
					t.Errorf("%s: location %v, want Europe/London", h.Name, h.Date.Location())
				}
				if hh, mm, ss := h.Date.Clock(); hh != 0 || mm != 0 || ss != 0 || h.Date.Nanosecond() != 0 {
					t.Errorf("%s: %v is not midnight", h.Name, h.Date)
				}
				gotList = append(gotList, wantHoliday{h.Date.Format(time.DateOnly), h.Name})
			}
			if len(gotList) != len(tt.want) {
				t.Fatalf("Holidays(%d) has %d entries, want %d\n got: %q\nwant: %q",
					tt.year, len(gotList), len(tt.want), gotList, tt.want)
			}
			for i := range tt.want {
				if gotList[i] != tt.want[i] {
					t.Errorf("Holidays(%d)[%d] = %q, want %q", tt.year, i, gotList[i], tt.want[i])
				}
			}
		})
	}
}

func TestEaster(t *testing.T) {
	tests := []struct {
		name string
		year int
		want string
	}{
		{"2015", 2015, "2015-04-05"},
		{"2016", 2016, "2016-03-27"},
		{"2017", 2017, "2017-04-16"},
		{"2018", 2018, "2018-04-01"},
		{"2019", 2019, "2019-04-21"},
		{"2020", 2020, "2020-04-12"},
		{"2021", 2021, "2021-04-04"},
		{"2022", 2022, "2022-04-17"},
		{"2023", 2023, "2023-04-09"},
		{"2024", 2024, "2024-03-31"},
		{"2025", 2025, "2025-04-20"},
		{"2026", 2026, "2026-04-05"},
		{"2027", 2027, "2027-03-28"},
		{"2028", 2028, "2028-04-16"},
		{"2029", 2029, "2029-04-01"},
		{"2030", 2030, "2030-04-21"},
		{"earliest possible, 1818", 1818, "1818-03-22"},
		{"earliest possible, 2285", 2285, "2285-03-22"},
		{"latest possible, 1943", 1943, "1943-04-25"},
		{"latest possible, 2038", 2038, "2038-04-25"},
		{"century non-leap, 2100", 2100, "2100-03-28"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			m, d := easter(tt.year)
			if got := fmt.Sprintf("%04d-%02d-%02d", tt.year, int(m), d); got != tt.want {
				t.Errorf("easter(%d) = %s, want %s", tt.year, got, tt.want)
			}
		})
	}
}

// TestHolidaysWellFormed checks structural invariants for a wide range of
// years, including ones far outside any sensible use, which must still not
// panic or produce nonsense.
func TestHolidaysWellFormed(t *testing.T) {
	years := []int{-100000, -401, -1, 0, 1, 1582, 1583, 9999, 10000, 123456}
	for y := 1850; y <= 2600; y++ {
		years = append(years, y)
	}
	extras := map[int]int{}
	for _, s := range extraHolidays {
		extras[s.date.y]++
	}
	c := &Calendar{}
	for _, y := range years {
		t.Run(fmt.Sprint(y), func(t *testing.T) {
			hs := c.Holidays(y)
			if want := regularHolidayCount(y) + extras[y]; len(hs) != want {
				t.Errorf("Holidays(%d) has %d entries, want %d: %v", y, len(hs), want, hs)
			}
			for i, h := range hs {
				if h.Date.Year() != y {
					t.Errorf("%s on %v is not in %d", h.Name, h.Date, y)
				}
				if wd := h.Date.Weekday(); wd == time.Saturday || wd == time.Sunday {
					t.Errorf("%s on %v falls on a %v", h.Name, h.Date, wd)
				}
				if h.Name == "" {
					t.Errorf("holiday on %v has no name", h.Date)
				}
				if i > 0 && !hs[i-1].Date.Before(h.Date) {
					t.Errorf("not strictly sorted: %v then %v", hs[i-1].Date, h.Date)
				}
			}
			// The distinct-date count is what holidaysInYears relies on.
			if got, want := len(c.year(y).days), regularHolidayCount(y)+extras[y]; got != want {
				t.Errorf("year %d has %d distinct holiday dates, want %d", y, got, want)
			}
		})
	}
}

func TestHolidaysReturnsCopy(t *testing.T) {
	c := &Calendar{}
	first := c.Holidays(2025)
	first[0].Name = "mutated"
	first[0].Date = time.Time{}
	if again := c.Holidays(2025); again[0].Name != tNewYear || again[0].Date.IsZero() {
		t.Errorf("mutating the returned slice changed the cache: %v", again[0])
	}
}

func TestHolidaysBeforeGovUK(t *testing.T) {
	// Not checked against an official list (the package only promises
	// exactness from 1995), but these one-offs and moves are well
	// documented. The displaced regular dates must be ordinary working days.
	tests := []struct {
		name    string
		date    string
		working bool
	}{
		{"VE day 50th anniversary", "1995-05-08", false},
		{"1995 first Monday of May displaced", "1995-05-01", true},
		{"millennium", "1999-12-31", false},
		{"golden jubilee spring holiday", "2002-06-04", false},
		{"golden jubilee", "2002-06-03", false},
		{"2002 last Monday of May displaced", "2002-05-27", true},
		{"royal wedding 2011", "2011-04-29", false},
		{"diamond jubilee spring holiday", "2012-06-04", false},
		{"diamond jubilee", "2012-06-05", false},
		{"2012 last Monday of May displaced", "2012-05-28", true},
		{"2020 first Monday of May displaced", "2020-05-04", true},
		{"2022 last Monday of May displaced", "2022-05-30", true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			d, err := time.ParseInLocation(time.DateOnly, tt.date, london)
			if err != nil {
				t.Fatal(err)
			}
			if got := England().IsWorkingDay(d); got != tt.working {
				t.Errorf("IsWorkingDay(%s) = %v, want %v", tt.date, got, tt.working)
			}
		})
	}
}
