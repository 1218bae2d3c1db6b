package link

import (
	"strconv"
	"strings"
	"time"
)

// Date is a possibly partial date of birth. Zero fields are unknown: many
// records hold only a year ("about 15", "born 2009") or a month and year.
type Date struct {
	Y    int16
	M, D int8
}

// IsZero reports whether nothing of the date is known.
func (d Date) IsZero() bool { return d.Y == 0 }

// Full reports whether year, month and day are all known.
func (d Date) Full() bool { return d.Y != 0 && d.M != 0 && d.D != 0 }

// String formats the known parts as YYYY-MM-DD, YYYY-MM or YYYY.
func (d Date) String() string {
	switch {
	case d.Y == 0:
		return ""
	case d.M == 0:
		return pad(int(d.Y), 4)
	case d.D == 0:
		return pad(int(d.Y), 4) + "-" + pad(int(d.M), 2)
	}
	return pad(int(d.Y), 4) + "-" + pad(int(d.M), 2) + "-" + pad(int(d.D), 2)
}

func pad(n, w int) string {
	s := strconv.Itoa(n)
	for len(s) < w {
		s = "0" + s
	}
	return s
}

var monthNames = map[string]int8{
	"jan": 1, "january": 1, "feb": 2, "february": 2, "mar": 3, "march": 3, "apr": 4, "april": 4,
	"may": 5, "jun": 6, "june": 6, "jul": 7, "july": 7, "aug": 8, "august": 8, "sep": 9, "sept": 9,
	"september": 9, "oct": 10, "october": 10, "nov": 11, "november": 11, "dec": 12, "december": 12,
}

// ParseDate reads a date of birth in the forms clerks write: 2009-03-14,
// 20090314, 14/03/2009 (day first, the UK order; month first only when the
// day cannot be a month), 14.3.09, 14 March 2009, March 2009, 2009-03, 2009.
// Unknown parts may be written 00, ?? or XX. A two-digit year is read as the
// most recent such year not in the future. The zero Date means unreadable.
func ParseDate(s string) Date {
	s = strings.ToLower(strings.TrimSpace(s))
	if i := strings.IndexAny(s, "t "); i == 10 && len(s) > 10 && s[4] == '-' {
		s = s[:10] // an ISO timestamp: keep the date
	}
	if s == "" {
		return Date{}
	}
	if isDigits(s) {
		switch len(s) {
		case 8: // YYYYMMDD, or DDMMYYYY when the first four cannot be a year
			if y := atoi(s[:4]); y >= 1800 {
				return mkDate(y, atoi(s[4:6]), atoi(s[6:]))
			}
			return mkDate(atoi(s[4:]), atoi(s[2:4]), atoi(s[:2]))
		case 6: // YYYYMM
			return mkDate(atoi(s[:4]), atoi(s[4:]), 0)
		case 4:
			return mkDate(atoi(s), 0, 0)
		}
		return Date{}
	}
	parts := strings.FieldsFunc(s, func(r rune) bool { return r == '-' || r == '/' || r == '.' || r == ' ' || r == ',' })
	var nums []int
	month := int8(0)
	for _, p := range parts {
		switch {
		case isDigits(p):
			nums = append(nums, atoi(p))
		case p == "??" || p == "xx" || p == "?":
			nums = append(nums, 0)
		case monthNames[p] != 0 || (len(p) > 3 && monthNames[p[:3]] != 0):
			if m := monthNames[p]; m != 0 {
				month = m
			} else {
				month = monthNames[p[:3]]
			}
		default:
			if n := strings.TrimRight(p, "stndrh"); isDigits(n) && n != "" { // 14th
				nums = append(nums, atoi(n))
			} else {
				return Date{}
			}
		}
	}
	if month != 0 {
		switch len(nums) {
		case 1: // March 2009
			return mkDate(year(nums[0]), int(month), 0)
		case 2: // 14 March 2009, March 14 2009
			return mkDate(year(nums[1]), int(month), nums[0])
		}
		return Date{}
	}
	switch len(nums) {
	case 3:
		if len(parts[0]) == 4 { // 2009-03-14
			return mkDate(nums[0], nums[1], nums[2])
		}
		d, m := nums[0], nums[1]
		if m > 12 && d <= 12 { // 03/14/2009 can only be month first
			d, m = m, d
		}
		return mkDate(year(nums[2]), m, d)
	case 2:
		if len(parts[0]) == 4 { // 2009-03
			return mkDate(nums[0], nums[1], 0)
		}
		return mkDate(year(nums[1]), nums[0], 0) // 03/2009
	}
	return Date{}
}

// year expands a two-digit year to the latest such year not in the future.
func year(y int) int {
	if y >= 100 {
		return y
	}
	now := time.Now().Year()
	y += now / 100 * 100
	if y > now {
		y -= 100
	}
	return y
}

// mkDate keeps what is plausible: a year outside 1800–2200 makes the whole
// date unknown; a month or day out of range is kept, because a typing slip
// (month 13) still carries evidence for the comparison levels.
func mkDate(y, m, d int) Date {
	if y < 1800 || y > 2200 || m < 0 || m > 99 || d < 0 || d > 99 {
		return Date{}
	}
	if m == 0 {
		d = 0
	}
	return Date{Y: int16(y), M: int8(m), D: int8(d)}
}

func isDigits(s string) bool {
	if s == "" {
		return false
	}
	for i := 0; i < len(s); i++ {
		if s[i] < '0' || s[i] > '9' {
			return false
		}
	}
	return true
}

func atoi(s string) int {
	n := 0
	for i := 0; i < len(s); i++ {
		n = n*10 + int(s[i]-'0')
	}
	return n
}

// Date comparison levels, best first.
const (
	DateMissing = iota
	DateExact
	DatePartial // one side partial, agreeing on every part both know
	DateSwapped // day and month swapped
	DateTypo    // one part differs, or the digits differ by one edit
	DateYear    // years within one of each other
	DateDifferent
)

// CompareDates returns the agreement level of two dates of birth.
func CompareDates(a, b Date) int {
	if a.Y == 0 || b.Y == 0 {
		return DateMissing
	}
	if a.Full() && b.Full() {
		if a == b {
			return DateExact
		}
		if a.Y == b.Y && a.M == b.D && a.D == b.M {
			return DateSwapped
		}
		diff := 0
		if a.Y != b.Y {
			diff++
		}
		if a.M != b.M {
			diff++
		}
		if a.D != b.D {
			diff++
		}
		da, db := a.digits(), b.digits()
		if diff == 1 || withinOneEdit(string(da[:]), string(db[:])) {
			return DateTypo
		}
	} else if a.Y == b.Y && (a.M == 0 || b.M == 0 || a.M == b.M) && (a.D == 0 || b.D == 0 || a.D == b.D) {
		return DatePartial
	}
	if d := a.Y - b.Y; d >= -1 && d <= 1 {
		return DateYear
	}
	return DateDifferent
}

// digits writes a full date as YYYYMMDD for edit-distance comparison.
func (d Date) digits() (b [8]byte) {
	y, m, dd := int(d.Y), int(d.M), int(d.D)
	b[0], b[1], b[2], b[3] = byte('0'+y/1000%10), byte('0'+y/100%10), byte('0'+y/10%10), byte('0'+y%10)
	b[4], b[5], b[6], b[7] = byte('0'+m/10%10), byte('0'+m%10), byte('0'+dd/10%10), byte('0'+dd%10)
	return b
}
