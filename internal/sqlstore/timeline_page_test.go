package sqlstore_test

import (
	"context"
	"slices"
	"testing"
	"time"

	"github.com/vigil-project/vigil"
)

// timelinePages walks a timeline page by page, forwards from the first
// page through Later or backwards from the last through Earlier, and
// returns every page's entries and paging; get asks for one page.
func timelinePages(t *testing.T, first vigil.TimelinePage, forwards bool, get func(vigil.TimelinePage) ([]vigil.TimelineEntry, vigil.TimelinePaging)) [][]vigil.TimelineEntry {
	t.Helper()
	var pages [][]vigil.TimelineEntry
	for p := first; len(pages) < 100; {
		entries, paging := get(p)
		if len(entries) > p.PageLimit() {
			t.Fatalf("page %+v holds %d entries, more than its limit", p, len(entries))
		}
		pages = append(pages, entries)
		next := paging.Later
		if !forwards {
			next = paging.Earlier
		}
		if next == 0 {
			return pages
		}
		p = vigil.TimelinePage{Limit: first.Limit}
		if forwards {
			p.Start = next
		} else {
			p.Before = next
		}
	}
	t.Fatal("more than 100 pages")
	return nil
}

// indexes returns the log indexes of entries.
func indexes(entries []vigil.TimelineEntry) []int64 {
	out := make([]int64, len(entries))
	for i, e := range entries {
		out[i] = e.Index
	}
	return out
}

// TestTimelinePaging has a case read thirty times, then walks its
// timeline (and the child's, the reader's and the period's) in pages of
// seven, forwards and backwards: every entry appears on exactly one page,
// in log order, each with a proof that checks; the totals and counts are
// the whole timeline's on every page; each page logs exactly the reads
// that opening the timeline logs; a page asked for wrongly is refused
// before anything is logged.
func TestTimelinePaging(t *testing.T) {
	engines(t, func(t *testing.T, e *env) {
		ctx := context.Background()
		start := vigil.Now().Add(-time.Second)
		cs := e.raise(t, time.Hour)
		tm := e.user(t, "team.manager")
		for range 30 {
			if _, err := e.store.FindCase(ctx, tm, cs.ID, "case page"); err != nil {
				t.Fatal(err)
			}
		}
		inv := e.user(t, "investigator")
		size := func() int64 {
			var n int64
			if err := e.db.Reader.QueryRowContext(ctx, `SELECT COUNT(*) FROM log_entries`).Scan(&n); err != nil {
				t.Fatal(err)
			}
			return n
		}

		t.Run("refused pages", func(t *testing.T) {
			before := size()
			for _, p := range []vigil.TimelinePage{{Start: -1}, {Before: -2}, {Limit: vigil.MaxTimelinePage + 1}, {Start: 3, Before: 9}} {
				if _, err := e.store.CaseTimeline(ctx, inv, cs.ID, p); vigil.ErrorCode(err) != vigil.EINVALID {
					t.Errorf("case timeline page %+v: err = %v, want EINVALID", p, err)
				}
				if _, err := e.store.ChildTimeline(ctx, inv, cs.ID, p); vigil.ErrorCode(err) != vigil.EINVALID {
					t.Errorf("child timeline page %+v: err = %v, want EINVALID", p, err)
				}
				if _, err := e.store.PeriodTimeline(ctx, inv, start, vigil.Now().Add(time.Hour), p); vigil.ErrorCode(err) != vigil.EINVALID {
					t.Errorf("period page %+v: err = %v, want EINVALID", p, err)
				}
				if _, err := e.store.PersonTimeline(ctx, inv, tm.ID, start, vigil.Now().Add(time.Hour), p); vigil.ErrorCode(err) != vigil.EINVALID {
					t.Errorf("person timeline page %+v: err = %v, want EINVALID", p, err)
				}
			}
			if after := size(); after != before {
				t.Errorf("refused pages logged %d entries, want none", after-before)
			}
		})

		caseTimeline := func(p vigil.TimelinePage) ([]vigil.TimelineEntry, vigil.TimelinePaging, int) {
			t.Helper()
			before := size()
			tl, err := e.store.CaseTimeline(ctx, inv, cs.ID, p)
			if err != nil {
				t.Fatal(err)
			}
			if got := size() - before; got != 1 {
				t.Errorf("page %+v logged %d entries, want 1 (the read)", p, got)
			}
			checkProofs(t, e, tl.Checkpoint, tl.Entries)
			return tl.Entries, tl.Paging, tl.Reads
		}
		whole, _, _ := caseTimeline(allEntries)

		for _, forwards := range []bool{true, false} {
			name := map[bool]string{true: "case forwards", false: "case backwards"}[forwards]
			t.Run(name, func(t *testing.T) {
				first := vigil.TimelinePage{Limit: 7}
				if !forwards {
					_, paging, _ := caseTimeline(first)
					first.Before = paging.Latest
				}
				var reads []int
				var seen []int64
				pages := timelinePages(t, first, forwards, func(p vigil.TimelinePage) ([]vigil.TimelineEntry, vigil.TimelinePaging) {
					entries, paging, r := caseTimeline(p)
					reads = append(reads, r)
					if paging.Total < len(whole) || paging.Skipped+len(entries) > paging.Total {
						t.Errorf("page %+v: paging %+v, the timeline held %d entries", p, paging, len(whole))
					}
					if len(entries) > 0 && paging.Skipped != slices.Index(indexes(whole), entries[0].Index) && entries[0].Index <= whole[len(whole)-1].Index {
						t.Errorf("page %+v: skipped %d, but its first entry is entry %d", p, paging.Skipped, slices.Index(indexes(whole), entries[0].Index))
					}
					return entries, paging
				})
				if !forwards {
					slices.Reverse(pages)
				}
				for _, pg := range pages {
					seen = append(seen, indexes(pg)...)
				}
				if !slices.IsSorted(seen) || len(slices.Compact(slices.Clone(seen))) != len(seen) {
					t.Errorf("pages hold entries out of order or twice: %v", seen)
				}
				// Every entry of the whole timeline asked for first is on a page;
				// the pages also hold the reads the walk itself made.
				for _, x := range indexes(whole) {
					if _, found := slices.BinarySearch(seen, x); !found {
						t.Errorf("entry %d is on no page", x)
					}
				}
				if len(pages) < 5 {
					t.Errorf("%d pages of 7 for %d entries", len(pages), len(whole))
				}
				if !slices.IsSorted(reads) || reads[0] < 31 {
					t.Errorf("reads counted per page %v: want the whole timeline's, at least 31, growing with each page's own read", reads)
				}
			})
		}

		t.Run("child", func(t *testing.T) {
			pages := timelinePages(t, vigil.TimelinePage{Limit: 9}, true, func(p vigil.TimelinePage) ([]vigil.TimelineEntry, vigil.TimelinePaging) {
				ct, err := e.store.ChildTimeline(ctx, inv, cs.ID, p)
				if err != nil {
					t.Fatal(err)
				}
				checkProofs(t, e, ct.Checkpoint, ct.Entries)
				return ct.Entries, ct.Paging
			})
			if len(pages) < 4 || len(pages[0]) != 9 {
				t.Errorf("%d pages, the first of %d entries", len(pages), len(pages[0]))
			}
		})

		t.Run("person and period", func(t *testing.T) {
			end := vigil.Now().Add(time.Hour)
			var mine []int64
			pages := timelinePages(t, vigil.TimelinePage{Limit: 8}, true, func(p vigil.TimelinePage) ([]vigil.TimelineEntry, vigil.TimelinePaging) {
				pt, err := e.store.PersonTimeline(ctx, inv, tm.ID, start, end, p)
				if err != nil {
					t.Fatal(err)
				}
				checkProofs(t, e, pt.Checkpoint, pt.Entries)
				if pt.Reads != 30 {
					t.Errorf("page %+v counts %d reads by the manager, want 30", p, pt.Reads)
				}
				return pt.Entries, pt.Paging
			})
			for _, pg := range pages {
				for _, te := range pg {
					if te.ActorID == tm.ID && te.Read {
						mine = append(mine, te.Index)
					}
				}
			}
			if len(mine) != 30 || len(pages) < 4 {
				t.Errorf("the manager's pages (%d) list %d of their 30 reads", len(pages), len(mine))
			}

			var all []int64
			pages = timelinePages(t, vigil.TimelinePage{Limit: 25}, true, func(p vigil.TimelinePage) ([]vigil.TimelineEntry, vigil.TimelinePaging) {
				pt, err := e.store.PeriodTimeline(ctx, inv, start, end, p)
				if err != nil {
					t.Fatal(err)
				}
				checkProofs(t, e, pt.Checkpoint, pt.Entries)
				return pt.Entries, pt.Paging
			})
			for _, pg := range pages {
				all = append(all, indexes(pg)...)
			}
			// A period's entries are a run of the log: every index, once.
			for i := 1; i < len(all); i++ {
				if all[i] != all[i-1]+1 {
					t.Fatalf("the period's pages jump from entry %d to %d", all[i-1], all[i])
				}
			}
			if len(pages) < 3 {
				t.Errorf("the period's %d entries came on %d pages of 25", len(all), len(pages))
			}
		})
	})
}
