package api

import (
	"net/http"
	"net/url"
	"strconv"

	"github.com/vigil-project/vigil"
)

// casePurpose is the purpose recorded in the log for every case read
// through the API.
const casePurpose = "api"

// showCase answers a case with its concerns and chronology. The store logs
// the read before answering, and answers ENOTFOUND alike for a case that
// does not exist and one the user may not see, so that ids cannot be probed.
func (h *handler) showCase(w http.ResponseWriter, r *http.Request, u *vigil.User) {
	if _, err := checkQuery(r); err != nil {
		h.fail(w, r, err)
		return
	}
	d, err := h.svc.FindCase(r.Context(), vigil.UserActor(u), vigil.ID(r.PathValue("id")), casePurpose)
	if err != nil {
		h.fail(w, r, err)
		return
	}
	now := vigil.Now()
	for i, dl := range d.Deadlines {
		d.Deadlines[i] = dl.AsOf(now)
	}
	h.respond(w, r, http.StatusOK, emptyLists(d))
}

// emptyLists makes each list of a case's detail [] rather than null when
// it has nothing, so that clients need not tell the two apart. The
// screening stays null until there is one.
func emptyLists(d *vigil.CaseDetail) *vigil.CaseDetail {
	d.Concerns = nonNil(d.Concerns)
	d.Events = nonNil(d.Events)
	d.Deadlines = nonNil(d.Deadlines)
	d.Escalations = nonNil(d.Escalations)
	d.Decisions = nonNil(d.Decisions)
	d.MissingEpisodes = nonNil(d.MissingEpisodes)
	d.Transfers = nonNil(d.Transfers)
	d.Referrals = nonNil(d.Referrals)
	d.Shares = nonNil(d.Shares)
	return d
}

func nonNil[T any](s []T) []T {
	if s == nil {
		return []T{}
	}
	return s
}

// caseList is the body of a 200 answer to GET /api/v1/cases.
type caseList struct {
	Cases []*vigil.Case `json:"cases"`
	// NextOffset is the offset of the next page, present when more cases
	// follow: a long list is paged, never cut short without saying so.
	NextOffset *int `json:"next_offset,omitempty"`
}

// listCases answers the cases the user may see, filtered by owner and
// status, oldest first or by next deadline.
func (h *handler) listCases(w http.ResponseWriter, r *http.Request, u *vigil.User) {
	f, err := caseFilter(r, u)
	if err != nil {
		h.fail(w, r, err)
		return
	}
	page, err := h.svc.CasePage(r.Context(), vigil.UserActor(u), f)
	if err != nil {
		h.fail(w, r, err)
		return
	}
	list := caseList{Cases: page.Cases}
	if list.Cases == nil {
		list.Cases = []*vigil.Case{} // [] rather than null, so clients need not tell the two apart
	}
	if page.More {
		list.NextOffset = &page.NextOffset
	}
	h.respond(w, r, http.StatusOK, list)
}

// caseFilter reads the query of GET /api/v1/cases: owner (me, or a
// person's id), status (open or closed) and sort (opened, the default, or
// deadline, as work lists sort), all optional.
func caseFilter(r *http.Request, u *vigil.User) (vigil.CaseFilter, error) {
	q, err := checkQuery(r, "owner", "status", "sort", "limit", "offset")
	if err != nil {
		return vigil.CaseFilter{}, err
	}
	var f vigil.CaseFilter
	var v vigil.Validation
	if q.Has("owner") {
		switch owner := vigil.ID(q.Get("owner")); {
		case owner == "me":
			f.OwnerID = u.ID
		case owner.Valid():
			f.OwnerID = owner
		default:
			v.Add("owner", "owner must be \"me\" or a person's id (26 characters, a to z and 2 to 7).")
		}
	}
	if q.Has("status") {
		switch s := vigil.CaseStatus(q.Get("status")); s {
		case vigil.CaseOpen, vigil.CaseClosed:
			f.Status = s
		default:
			v.Add("status", "status must be \"open\" or \"closed\".")
		}
	}
	if q.Has("sort") {
		switch q.Get("sort") {
		case "opened":
		case "deadline":
			f.ByDeadline = true
		default:
			v.Add("sort", "sort must be \"opened\" (oldest first) or \"deadline\" (next deadline first, overdue at the top).")
		}
	}
	f.Limit, f.Offset = listPage(&v, q, vigil.MaxCaseList)
	if err := v.Err(); err != nil {
		return vigil.CaseFilter{}, badRequest(err)
	}
	return f, nil
}

// listPage reads ?limit= (1 to most; 0 when absent: the service's default)
// and ?offset= (the next_offset of the page before; 0 when absent) of a
// paged list, adding to v what is wrong with them.
func listPage(v *vigil.Validation, q url.Values, most int) (limit, offset int) {
	if q.Has("limit") {
		n, err := strconv.Atoi(q.Get("limit"))
		if err != nil || n < 1 || n > most {
			v.Add("limit", "limit must be a whole number from 1 to %d.", most)
		}
		limit = n
	}
	if q.Has("offset") {
		n, err := strconv.Atoi(q.Get("offset"))
		if err != nil || n < 0 {
			v.Add("offset", "offset must be a whole number, 0 or more: the next_offset of the page before.")
		}
		offset = n
	}
	return limit, offset
}
