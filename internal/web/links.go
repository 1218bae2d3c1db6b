package web

import (
	"cmp"
	"fmt"
	"html/template"
	"net/http"
	"slices"
	"strconv"
	"strings"

	"github.com/vigil-project/vigil"
)

// Linking for analysts (issue 7): the review queue of proposed links with
// their evidence, entity pages, the network around an entity as a
// server-rendered picture with a table of the same facts, and hotspots.
// The store checks the grants (link.review, network.view) and logs every
// read before it returns anything; the pages only offer what the grants
// allow.

// linkRoutes lists the linking routes; a store without the link service
// gets none.
func (s *Server) linkRoutes(mux *http.ServeMux) {
	if _, ok := s.svc.(vigil.LinkService); !ok {
		return
	}
	mux.HandleFunc("GET /links/review", s.staff(s.linkReview))
	mux.HandleFunc("POST /links/{id}/decision", s.staff(s.decideLink))
	mux.HandleFunc("GET /entities/{id}", s.staff(s.showEntity))
	mux.HandleFunc("GET /entities/{id}/network", s.staff(s.entityNetwork))
	mux.HandleFunc("GET /hotspots", s.staff(s.hotspots))
}

func init() {
	funcs["seesLinks"] = func(u *vigil.User) bool { return vigil.Can(u, vigil.ActNetworkView, vigil.Target{}) }
	funcs["reviewsLinks"] = func(u *vigil.User) bool { return vigil.Can(u, vigil.ActLinkReview, vigil.Target{}) }
	funcs["mentionSummary"] = mentionSummary
	funcs["percent"] = func(p float64) string { return strconv.FormatFloat(p*100, 'f', 1, 64) + "%" }
	funcs["bits"] = func(w float64) string { return strconv.FormatFloat(w, 'f', 2, 64) }
	funcs["linkStatus"] = func(st vigil.LinkStatus) string { return linkStatusLabels[st] }
	funcs["linkMethod"] = func(m vigil.LinkMethod) string { return linkMethodLabels[m] }
	funcs["undecided"] = func(st vigil.LinkStatus) bool { return st == vigil.LinkReview || st == vigil.LinkLikely }
	notices["link-confirmed"] = "Link confirmed. Your decision is recorded in the log."
	notices["link-rejected"] = "Link rejected. Your decision is recorded in the log, and the link no longer joins these records."
}

var linkStatusLabels = map[vigil.LinkStatus]string{
	vigil.LinkLikely: "Likely the same", vigil.LinkReview: "For review", vigil.LinkConfirmed: "Confirmed", vigil.LinkRejected: "Rejected",
}

var linkMethodLabels = map[vigil.LinkMethod]string{
	vigil.LinkProbabilistic: "Scored on names, date of birth, address and contacts",
	vigil.LinkExactKey:      "The same after normalising",
	vigil.LinkPartialKey:    "A partial plate that fits",
	vigil.LinkPattern:       "Pattern alert",
	vigil.LinkDescription:   "No whole plate, but the same make, colour and taxi firm",
	vigil.LinkSimilarName:   "A similar name in the same district",
}

// mentionSummary describes a mention in a line: what it names, as written.
func mentionSummary(m *vigil.Mention) string {
	if m == nil {
		return "(not available)"
	}
	var parts []string
	add := func(label, v string) {
		if v != "" {
			parts = append(parts, label+v)
		}
	}
	switch m.Kind {
	case vigil.MentionPerson:
		name := m.FullName
		if name == "" {
			name = strings.TrimSpace(m.GivenName + " " + m.FamilyName)
		}
		add("", name)
		add("known as ", m.Nickname)
		add("born ", m.DateOfBirth)
		if m.Age != nil {
			add("age ", strconv.Itoa(*m.Age))
		}
		add("", strings.TrimSpace(strings.Join([]string{m.Address, m.Locality, m.Postcode}, " ")))
		add("phone ", m.Phone)
		add("", m.Email)
		add("ref. ", m.Identifier)
		return string(m.Role) + ": " + strings.Join(parts, ", ")
	case vigil.MentionVehicle:
		add("plate ", m.Plate)
		add("", strings.TrimSpace(m.Colour+" "+m.Make+" "+m.Model))
		add("taxi firm ", m.TaxiFirm)
	case vigil.MentionPhone:
		add("", m.Phone)
	case vigil.MentionHandle:
		add("", strings.TrimSpace(m.Platform+" "+m.Handle))
	case vigil.MentionAddress, vigil.MentionVenue:
		add("", m.VenueName)
		add("", m.VenueKind)
		add("", strings.TrimSpace(strings.Join([]string{m.Address, m.Locality, m.Postcode}, " ")))
	}
	return string(m.Kind) + ": " + strings.Join(parts, ", ")
}

// linkReview shows a page of the review queue (?page=, from 1).
func (s *Server) linkReview(w http.ResponseWriter, r *http.Request, u *vigil.User) {
	n, err := numberedPage(r)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	size := vigil.DefaultReviewPage
	q, err := s.svc.(vigil.LinkService).ReviewQueue(r.Context(), vigil.UserActor(u), (n-1)*size, size)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	if q.Total > 0 && q.Offset >= q.Total {
		// Past the end, as when the last link of the last page was
		// decided: the last page has what is left.
		http.Redirect(w, r, withQuery(r, map[string]string{"page": strconv.Itoa((q.Total + size - 1) / size)}), http.StatusSeeOther)
		return
	}
	s.render(w, r, http.StatusOK, "links_review", &Page{Title: "Links to review", Nav: "links", Notice: noticeOf(r),
		Data: reviewData{Queue: q, Links: linksData{Links: q.Links, Back: withQuery(r, nil), CanDecide: true},
			Pager: numberedPager(r, "queue-pages", "links", n, size, len(q.Links)+q.Withheld, q.Total)}})
}

// reviewData is a page of the review queue.
type reviewData struct {
	Queue *vigil.ReviewPage
	Links linksData
	Pager pager
}

// linksData is a list of links with decision forms that return to Back.
type linksData struct {
	Links     []*vigil.Link
	Back      string
	CanDecide bool
}

// decideLink records a decision and returns to the page it came from.
func (s *Server) decideLink(w http.ResponseWriter, r *http.Request, u *vigil.User) {
	if err := r.ParseForm(); err != nil {
		s.fail(w, r, vigil.Errorf(vigil.EINVALID, "The form could not be read."))
		return
	}
	var d vigil.LinkDecision
	switch r.PostForm.Get("decision") {
	case "confirm":
		d.Confirm = true
	case "reject":
	default:
		s.fail(w, r, vigil.Errorf(vigil.EINVALID, "Choose whether to confirm or reject the link."))
		return
	}
	d.Note = strings.TrimSpace(r.PostForm.Get("note"))
	if _, err := s.svc.(vigil.LinkService).DecideLink(r.Context(), vigil.UserActor(u), vigil.ID(r.PathValue("id")), d); err != nil {
		s.fail(w, r, err)
		return
	}
	back := r.PostForm.Get("back")
	if !safeBack(back) {
		back = "/links/review"
	}
	notice := "link-rejected"
	if d.Confirm {
		notice = "link-confirmed"
	}
	sep := "?"
	if strings.Contains(back, "?") {
		sep = "&"
	}
	http.Redirect(w, r, back+sep+"notice="+notice+"#links", http.StatusSeeOther)
}

// safeBack accepts only the linking pages of this site as a place to
// return to, so the form cannot send anyone elsewhere.
func safeBack(p string) bool {
	if strings.ContainsAny(p, "\\#\r\n") || strings.Contains(p, "//") || strings.Contains(p, "notice=") {
		return false
	}
	path, _, _ := strings.Cut(p, "?")
	switch {
	case path == "/links/review":
		return true
	case strings.HasPrefix(path, "/entities/"):
		rest := strings.TrimSuffix(strings.TrimPrefix(path, "/entities/"), "/network")
		return vigil.ID(rest).Valid()
	}
	return false
}

// showEntity shows an entity, and a page of the links among its records
// and to them (?page=, from 1).
func (s *Server) showEntity(w http.ResponseWriter, r *http.Request, u *vigil.User) {
	page, err := numberedPage(r)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	e, err := s.svc.(vigil.LinkService).Entity(r.Context(), vigil.UserActor(u), vigil.ID(r.PathValue("id")))
	if err != nil {
		s.fail(w, r, err)
		return
	}
	size := vigil.DefaultNetworkLinks
	from := min((page-1)*size, len(e.Links))
	shown := e.Links[from:min(len(e.Links), from+size)]
	s.render(w, r, http.StatusOK, "entity", &Page{Title: e.Label, Nav: "links", Notice: noticeOf(r),
		Data: entityData{Entity: e, Links: linksData{Links: shown, Back: withQuery(r, nil),
			CanDecide: vigil.Can(u, vigil.ActLinkReview, vigil.Target{})},
			Pager: numberedPager(r, "links-pages", "links", page, size, len(shown), len(e.Links))}})
}

type entityData struct {
	*vigil.Entity
	Links linksData
	Pager pager
}

// entityNetwork shows the network around an entity (?hops=, ?to=) and a
// page of its links (?page=, from 1).
func (s *Server) entityNetwork(w http.ResponseWriter, r *http.Request, u *vigil.User) {
	page, err := numberedPage(r)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	hops := 2
	if h := r.URL.Query().Get("hops"); h != "" {
		n, err := strconv.Atoi(h)
		if err != nil || n < 1 || n > 3 {
			s.fail(w, r, vigil.Errorf(vigil.EINVALID, "Choose 1, 2 or 3 reports away."))
			return
		}
		hops = n
	}
	to := vigil.ID(r.URL.Query().Get("to"))
	if to != "" && !to.Valid() {
		s.fail(w, r, vigil.Errorf(vigil.EINVALID, "That is not an entity's reference."))
		return
	}
	id := vigil.ID(r.PathValue("id"))
	size := vigil.DefaultNetworkLinks
	nw, err := s.svc.(vigil.LinkService).EntityNetwork(r.Context(), vigil.UserActor(u), id,
		vigil.NetworkQuery{Hops: hops, To: to, LinksOffset: (page - 1) * size, LinksLimit: size})
	if err != nil {
		s.fail(w, r, err)
		return
	}
	label := map[vigil.ID]string{}
	var center vigil.NetworkNode
	for _, n := range nw.Nodes {
		label[n.ID] = n.Label
		if n.ID == nw.Center {
			center = n
		}
	}
	d := networkData{Network: nw, CenterNode: center, Hops: hops, To: to, Label: label, SVG: networkSVG(nw), NamedWith: namedWith(nw, label),
		Links: linksData{Links: nw.Links, Back: withQuery(r, nil), CanDecide: vigil.Can(u, vigil.ActLinkReview, vigil.Target{})},
		Pager: numberedPager(r, "links-pages", "links", page, size, len(nw.Links), nw.LinksTotal)}
	s.render(w, r, http.StatusOK, "entity_network", &Page{Title: "Network around " + center.Label, Nav: "links", Notice: noticeOf(r), Data: d})
}

type networkData struct {
	*vigil.Network
	CenterNode vigil.NetworkNode
	Hops       int
	To         vigil.ID
	Label      map[vigil.ID]string
	SVG        template.HTML
	NamedWith  map[vigil.ID]string // per entity, those it shares reports with, in words
	Links      linksData
	Pager      pager
}

// namedWith says, for each entity of a network, which others are named in
// the same reports and in how many, most first: "Kayleigh Example (3),
// Star Kebabs (1)". The table of entities carries the connections as
// text, so that the page grows with the entities, not their connections.
func namedWith(nw *vigil.Network, label map[vigil.ID]string) map[vigil.ID]string {
	type peer struct {
		label   string
		reports int
	}
	peers := map[vigil.ID][]peer{}
	for _, e := range nw.Edges {
		peers[e.From] = append(peers[e.From], peer{label[e.To], len(e.Concerns)})
		peers[e.To] = append(peers[e.To], peer{label[e.From], len(e.Concerns)})
	}
	out := make(map[vigil.ID]string, len(peers))
	for id, ps := range peers {
		slices.SortFunc(ps, func(a, b peer) int {
			if c := cmp.Compare(b.reports, a.reports); c != 0 {
				return c
			}
			return strings.Compare(a.label, b.label)
		})
		words := make([]string, len(ps))
		for i, p := range ps {
			words[i] = p.label + " (" + strconv.Itoa(p.reports) + ")"
		}
		out[id] = strings.Join(words, ", ")
	}
	return out
}

// hotspotsData is the hotspots page: the list for the period chosen.
type hotspotsData struct {
	Hotspots []vigil.Hotspot
	Period   string // the period's name, "" when counted per calendar year
}

// hotspots lists places by the children named with them, per calendar
// year, or in a year (?year=) or a period (?from=&to=, days in UK time,
// both included) chosen on the page.
func (s *Server) hotspots(w http.ResponseWriter, r *http.Request, u *vigil.User) {
	form := Form{"year": r.FormValue("year"), "from": r.FormValue("from"), "to": r.FormValue("to")}
	q, err := vigil.ParseHotspotPeriod(form["year"], form["from"], form["to"])
	status := http.StatusOK
	var errs []vigil.FieldError
	if err != nil {
		// The form is shown again with its mistakes, over the counts per year.
		status, errs = http.StatusUnprocessableEntity, inputErrorsOf(err, map[string]string{"year": "year", "from": "from", "to": "to"}, "year")
		q = vigil.HotspotQuery{}
	}
	q.Limit = 50
	hs, err := s.svc.(vigil.LinkService).Hotspots(r.Context(), vigil.UserActor(u), q)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	s.render(w, r, status, "hotspots", &Page{Title: "Hotspots", Nav: "links", Form: form, Errors: errs,
		Data: hotspotsData{Hotspots: hs, Period: q.Label()}})
}

// kindLabel names an entity's kind for headings.
func kindLabel(k vigil.MentionKind) string {
	return map[vigil.MentionKind]string{vigil.MentionPerson: "Person", vigil.MentionVehicle: "Vehicle", vigil.MentionPhone: "Phone",
		vigil.MentionHandle: "Online account", vigil.MentionAddress: "Address", vigil.MentionVenue: "Place"}[k]
}

func init() { funcs["kindLabel"] = kindLabel }

// countNoun formats n with a noun, e.g. "1 report", "3 reports".
func countNoun(n int, one, many string) string {
	if n == 1 {
		return fmt.Sprintf("1 %s", one)
	}
	return fmt.Sprintf("%d %s", n, many)
}

func init() { funcs["countOf"] = countNoun }
