package web

import (
	"net/http"
	"strconv"

	"github.com/vigil-project/vigil"
)

// Long lists (timelines, the review queue, a network's links) are shown a
// page at a time, so that every page stays small enough to read, and to
// check for accessibility, while every row stays reachable by plain links
// (no JavaScript needed).

// pager says which rows of a long list a page shows and links to the
// pages around it; the "pager" template shows it.
type pager struct {
	ID                 string // the navigation's id
	What               string // what the list holds, plural: "entries"
	First, Last, Total int    // the rows shown, counted from 1, of Total
	Prev, Next         string // the pages before and after, or ""
	Start, End         string // the first and the last pages, or "" when this is one
	PrevLabel          string // the link labels: "Previous" and "Next" by default
	NextLabel          string
}

// withQuery returns r's path with its query changed: each key set to its
// value, or removed when the value is "".
func withQuery(r *http.Request, set map[string]string) string {
	q := r.URL.Query()
	for k, v := range set {
		if v == "" {
			q.Del(k)
		} else {
			q.Set(k, v)
		}
	}
	q.Del("notice")
	if len(q) == 0 {
		return r.URL.Path
	}
	return r.URL.Path + "?" + q.Encode()
}

// timelinePage reads the page of a timeline asked for: ?start= (the first
// log index to show) or ?before= (the page before that index).
func timelinePage(r *http.Request) (vigil.TimelinePage, error) {
	var p vigil.TimelinePage
	for _, f := range []struct {
		name string
		to   *int64
	}{{"start", &p.Start}, {"before", &p.Before}} {
		if v := r.URL.Query().Get(f.name); v != "" {
			n, err := strconv.ParseInt(v, 10, 64)
			if err != nil || n < 0 {
				return p, vigil.Errorf(vigil.EINVALID, "That page of the timeline is not one: follow the links to earlier and later entries.")
			}
			*f.to = n
		}
	}
	if p.Start > 0 && p.Before > 0 {
		return p, vigil.Errorf(vigil.EINVALID, "That page of the timeline is not one: follow the links to earlier and later entries.")
	}
	return p, nil
}

// timelinePager links a page of timeline entries to the pages around it,
// keeping the rest of the address (a period's dates).
func timelinePager(r *http.Request, id string, shown int, p vigil.TimelinePaging) pager {
	pg := pager{ID: id, What: "entries", First: p.Skipped + 1, Last: p.Skipped + shown, Total: p.Total,
		PrevLabel: "Earlier", NextLabel: "Later"}
	i64 := func(n int64) string { return strconv.FormatInt(n, 10) }
	if p.Earlier > 0 {
		pg.Prev = withQuery(r, map[string]string{"start": "", "before": i64(p.Earlier)})
		pg.Start = withQuery(r, map[string]string{"start": "", "before": ""})
	}
	if p.Later > 0 {
		pg.Next = withQuery(r, map[string]string{"start": i64(p.Later), "before": ""})
		pg.End = withQuery(r, map[string]string{"start": "", "before": i64(p.Latest)})
	}
	return pg
}

// numberedPage reads ?page= (from 1; 1 when absent).
func numberedPage(r *http.Request) (int, error) {
	v := r.URL.Query().Get("page")
	if v == "" {
		return 1, nil
	}
	n, err := strconv.Atoi(v)
	if err != nil || n < 1 {
		return 0, vigil.Errorf(vigil.EINVALID, "That page is not one: follow the links to the pages before and after.")
	}
	return n, nil
}

// numberedPager links page n (from 1) of a list of total rows, size to a
// page, of which shown are on this one, to the pages around it.
func numberedPager(r *http.Request, id, what string, n, size, shown, total int) pager {
	first := (n-1)*size + 1
	pg := pager{ID: id, What: what, First: first, Last: first + shown - 1, Total: total}
	pageAt := func(k int) string {
		if k == 1 {
			return withQuery(r, map[string]string{"page": ""})
		}
		return withQuery(r, map[string]string{"page": strconv.Itoa(k)})
	}
	last := max(1, (total+size-1)/size)
	if n > 1 {
		pg.Prev, pg.Start = pageAt(min(n-1, last)), pageAt(1)
	}
	if n < last {
		pg.Next, pg.End = pageAt(n+1), pageAt(last)
	}
	return pg
}
