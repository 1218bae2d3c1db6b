package workday_test

import (
	"fmt"
	"time"

	"github.com/vigil-project/vigil/internal/workday"
)

func ExampleCalendar_AddWorkingDays() {
	cal := workday.England()
	london := workday.Location()

	// A referral received at 16:00 on the Friday before the August bank
	// holiday: the one-working-day decision is due by the end of Tuesday.
	received := time.Date(2025, time.August, 22, 16, 0, 0, 0, london)
	fmt.Println(cal.AddWorkingDays(received, 1).Format(time.RFC3339))

	// The 45-working-day assessment timescale from the same referral.
	due := cal.AddWorkingDays(received, 45)
	fmt.Println(due.Format("Mon 2 Jan 2006"), cal.WorkingDaysBetween(received, due))
	// Output:
	// 2025-08-26T23:59:59+01:00
	// Mon 27 Oct 2025 45
}

func ExampleCalendar_Holidays() {
	for _, h := range workday.England().Holidays(2023) {
		fmt.Println(h.Date.Format(time.DateOnly), h.Name)
	}
	// Output:
	// 2023-01-02 New Year’s Day (substitute day)
	// 2023-04-07 Good Friday
	// 2023-04-10 Easter Monday
	// 2023-05-01 Early May bank holiday
	// 2023-05-08 Bank holiday for the coronation of King Charles III
	// 2023-05-29 Spring bank holiday
	// 2023-08-28 Summer bank holiday
	// 2023-12-25 Christmas Day
	// 2023-12-26 Boxing Day
}

func ExampleCalendar_AddMonths() {
	cal := workday.England()
	start := time.Date(2024, time.January, 31, 10, 0, 0, 0, workday.Location())
	fmt.Println(cal.AddMonths(start, 1).Format(time.DateOnly))
	// Output:
	// 2024-02-29
}
