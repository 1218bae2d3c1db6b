package sqlstore

import (
	"fmt"
	"sort"
	"strings"

	"github.com/vigil-project/vigil"
)

// Timelines are paged by log index (vigil.TimelinePage): a timeline is
// first found as the ordered list of its entries' indexes, cheaply, then
// only the page's entries are described and proved.

// pageBounds picks the page p asks for out of a timeline of n entries
// whose i-th entry has log index at(i), ascending, returning the page as
// positions [lo, hi) and where it lies.
func pageBounds(n int, at func(int) int64, p vigil.TimelinePage) (lo, hi int, paging vigil.TimelinePaging) {
	limit := p.PageLimit()
	if p.Before > 0 {
		hi = sort.Search(n, func(i int) bool { return at(i) >= p.Before })
		lo = max(0, hi-limit)
	} else {
		lo = sort.Search(n, func(i int) bool { return at(i) >= p.Start })
		hi = min(n, lo+limit)
	}
	paging = vigil.TimelinePaging{Total: n, Skipped: lo}
	if lo > 0 {
		paging.Earlier = at(lo)
	}
	if hi < n {
		paging.Later, paging.Latest = at(hi), at(n-1)+1
	}
	return lo, hi, paging
}

// checkPage refuses a page that asks for nothing sensible.
func checkPage(p vigil.TimelinePage) error {
	if p.Start < 0 || p.Before < 0 || p.Limit < 0 || p.Limit > vigil.MaxTimelinePage {
		return vigil.Errorf(vigil.EINVALID, "Ask for a page by a log index of 0 or more, of 1 to %d entries.", vigil.MaxTimelinePage)
	}
	if p.Start > 0 && p.Before > 0 {
		return vigil.Errorf(vigil.EINVALID, "Ask for the page starting at a log index, or the page before one, not both.")
	}
	return nil
}

// inList returns "IN (?, ?, ...)" for n values.
func inList(n int) string {
	return fmt.Sprintf("IN (?%s)", strings.Repeat(", ?", n-1))
}
