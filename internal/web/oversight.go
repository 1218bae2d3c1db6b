package web

import (
	"bytes"
	"encoding/base64"
	"encoding/csv"
	"encoding/json"
	"fmt"
	"html/template"
	"io"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"time"

	"golang.org/x/mod/sumdb/tlog"

	"github.com/vigil-project/vigil"
)

// Oversight pages (MISSION R9, R10): dashboards for scrutiny panel members,
// inspectors and directors, the cases behind each figure as far as the
// viewer may see them, statistics releases published on the public
// /transparency pages with the proof that the log holds them, the national
// core data set, action plans (oversight_plans.go) and demographic
// recording (oversight_demographics.go). Public pages work without
// JavaScript, as every page does.

// oversightServices is what these pages need of the store beyond Services.
type oversightServices interface {
	vigil.OversightService
	vigil.ActionPlanService
	vigil.DemographicsService
}

// ov returns the store's oversight services; oversightRoutes registers no
// route when the store has none.
func (s *Server) ov() oversightServices { return s.svc.(oversightServices) }

// oversightRoutes lists the oversight routes.
func (s *Server) oversightRoutes(mux *http.ServeMux) {
	if _, ok := s.svc.(oversightServices); !ok {
		return
	}
	mux.HandleFunc("GET /oversight", s.staff(s.oversightHome))
	mux.HandleFunc("GET /oversight/figures", s.staff(s.figureCases))
	mux.HandleFunc("GET /oversight/publish", s.staff(s.publishForm))
	mux.HandleFunc("POST /oversight/publish", s.staff(s.publish))
	mux.HandleFunc("GET /oversight/core-data-set", s.staff(s.coreDataPage))
	mux.HandleFunc("GET /oversight/core-data-set.csv", s.staff(s.coreDataCSV))
	mux.HandleFunc("GET /oversight/{topic}", s.staff(s.dashboardPage))
	mux.HandleFunc("GET /oversight/{topic}/csv", s.staff(s.dashboardCSV))
	mux.HandleFunc("GET /oversight/{topic}/trend/csv", s.staff(s.trendCSV))

	// Public: published statistics and their proofs.
	mux.HandleFunc("GET /transparency", s.transparency)
	mux.HandleFunc("GET /transparency/{id}", s.releasePage)
	mux.HandleFunc("GET /transparency/{id}/release.json", s.releaseJSON)
	mux.HandleFunc("GET /transparency/{id}/csv", s.releaseCSV)

	s.planRoutes(mux)
	mux.HandleFunc("GET /cases/{id}/demographics", s.staff(s.demographicsForm))
	mux.HandleFunc("POST /cases/{id}/demographics", s.staff(s.recordDemographics))
}

func init() {
	// The layout offers the oversight pages to those who may use them.
	funcs["seesOversight"] = func(u *vigil.User) bool { return vigil.CanSeeStats(u) || vigil.CanEditPlans(u) }
	funcs["legendKey"] = legendKey
	notices["release-published"] = "Statistics published. They are now in the log and on this public page, and cannot be changed."
	notices["plan-created"] = "Action plan entered."
	notices["recommendation-added"] = "Recommendation added."
	notices["action-added"] = "Action agreed."
	notices["progress-recorded"] = "Progress recorded."
	notices["action-done"] = "Action marked done. The scrutiny panel will review the evidence."
	notices["action-signed-off"] = "Action signed off."
	notices["action-returned"] = "Action returned to its owner with your decision."
	notices["action-escalation-resolved"] = "Escalation answered. Your decision has been recorded."
	notices["demographics-recorded"] = "Demographics recorded. They are used only for statistics."
}

// periodOf reads the period of a request: ?period=KEY, or ?from= and ?to=
// dates. It returns the form to show again, and an error for a bad period
// (with the default period, so the page can still be shown).
func periodOf(r *http.Request) (vigil.ReportPeriod, Form, []vigil.FieldError) {
	q := r.URL.Query()
	key, from, to := q.Get("period"), strings.TrimSpace(q.Get("from")), strings.TrimSpace(q.Get("to"))
	form := Form{"period": key, "from": from, "to": to}
	if from != "" || to != "" {
		key = from + "_" + to
	}
	p, err := vigil.ParsePeriod(key, vigil.Now())
	if err != nil {
		p = vigil.Last12Months(vigil.Now())
		field := "period"
		if from != "" || to != "" {
			field = "from"
		}
		return p, form, []vigil.FieldError{{Field: field, Message: vigil.ErrorMessage(err)}}
	}
	if form["period"] == "" && from == "" {
		form["period"] = p.Key
	}
	return p, form, nil
}

// periodOptions are the periods offered: the last 12 months, the last ten
// financial years, and the last thirteen months.
func periodOptions(now time.Time, wholeOnly bool) []option {
	var out []option
	if !wholeOnly {
		out = append(out, option{"12m", "Last 12 months"})
	}
	fy := vigil.FinancialYearOf(now)
	for y := fy.From.Year(); y > fy.From.Year()-10; y-- {
		p := vigil.FinancialYear(y)
		label := "Financial year " + p.Label
		if p.To.After(now) {
			if wholeOnly {
				continue
			}
			label += ", so far"
		}
		out = append(out, option{p.Key, label})
	}
	m := time.Date(now.In(vigil.London).Year(), now.In(vigil.London).Month(), 1, 0, 0, 0, 0, vigil.London)
	for i := 0; i < 13; i++ {
		p := vigil.Month(m.Year(), m.Month())
		if !wholeOnly || !p.To.After(now) {
			out = append(out, option{p.Key, p.Label})
		}
		m = m.AddDate(0, -1, 0)
	}
	return out
}

// publishOptions are the periods a release may cover: fixed calendar
// periods that have ended (the last ten financial years, eight quarters
// and thirteen months), newest first within each kind.
func publishOptions(now time.Time) []option {
	var out []option
	fy := vigil.FinancialYearOf(now)
	for y := fy.From.Year() - 1; y > fy.From.Year()-11; y-- {
		p := vigil.FinancialYear(y)
		out = append(out, option{p.Key, "Financial year " + p.Label})
	}
	q := vigil.QuarterOf(now)
	for i := 0; i < 8; i++ {
		q = vigil.QuarterOf(q.From.Add(-time.Hour))
		out = append(out, option{q.Key, "Quarter: " + q.Label})
	}
	m := vigil.Month(now.In(vigil.London).Year(), now.In(vigil.London).Month())
	for i := 0; i < 13; i++ {
		m = vigil.Month(m.From.AddDate(0, -1, 0).Year(), m.From.AddDate(0, -1, 0).Month())
		out = append(out, option{m.Key, m.Label})
	}
	return out
}

// cellView is one figure as a page shows it.
type cellView struct {
	Text       string
	Href       string
	Suppressed bool
	NA         bool
}

type rowView struct {
	Label string
	Cells []cellView
	Total bool
}

type tableView struct {
	*vigil.Table
	ID   string
	Rows []rowView
	More int    // rows not shown on the page (the CSV has them)
	CSV  string // the address of the table's CSV
}

// formatCell writes a figure in its column's kind.
func formatCell(c vigil.Cell, kind string) string {
	switch {
	case c.Suppressed:
		return "[c]"
	case c.NA:
		return "–"
	case kind == vigil.ColPercent:
		return fmt.Sprintf("%.1f%%", c.Value)
	case kind == vigil.ColMean:
		return fmt.Sprintf("%.1f", c.Value)
	}
	return thousands(int64(c.Value + 0.5))
}

// thousands writes n with commas between thousands, as GOV.UK does.
func thousands(n int64) string {
	s := strconv.FormatInt(n, 10)
	if n < 0 {
		return "-" + thousands(-n)
	}
	var b strings.Builder
	for i, c := range s {
		if i > 0 && (len(s)-i)%3 == 0 {
			b.WriteByte(',')
		}
		b.WriteRune(c)
	}
	return b.String()
}

// figureHref links a figure to its cases.
func figureHref(topic, table, row, col string, p vigil.ReportPeriod) string {
	v := url.Values{"topic": {topic}, "table": {table}, "period": {p.Key}}
	if row != "" {
		v.Set("row", row)
	}
	if col != "" {
		v.Set("col", col)
	}
	return "/oversight/figures?" + v.Encode()
}

// viewTable prepares a table for a page; topic is empty for a release,
// whose figures do not link to cases.
func viewTable(t *vigil.Table, topic string, p vigil.ReportPeriod, csvHref string) tableView {
	tv := tableView{Table: t, ID: "table-" + t.Key, CSV: csvHref}
	rows := t.Rows
	if t.Show > 0 && len(rows) > t.Show {
		tv.More = len(rows) - t.Show
		rows = rows[:t.Show]
	}
	conv := func(r *vigil.Row, total bool) rowView {
		rv := rowView{Label: r.Label, Total: total}
		for i, c := range r.Cells {
			cv := cellView{Text: formatCell(c, t.Columns[i].Kind), Suppressed: c.Suppressed, NA: c.NA && !c.Suppressed}
			if topic != "" && c.Drill && !c.Suppressed {
				cv.Href = figureHref(topic, t.Key, r.Key, t.Columns[i].Key, p)
			}
			rv.Cells = append(rv.Cells, cv)
		}
		return rv
	}
	for _, r := range rows {
		tv.Rows = append(tv.Rows, conv(r, false))
	}
	if t.Total != nil {
		tv.Rows = append(tv.Rows, conv(t.Total, true))
	}
	return tv
}

// trendView is a trend's chart, legend and table.
type trendView struct {
	*vigil.Trend
	Chart  template.HTML
	Legend []string
	Rows   [][]string // a row per year: the year, then each series' value
	CSV    string     // the address of the trend's CSV
}

func viewTrend(tr *vigil.Trend, id, csvHref string) *trendView {
	if tr == nil {
		return nil
	}
	tv := &trendView{Trend: tr, Chart: lineChart(tr, id), CSV: csvHref}
	for _, se := range tr.Series {
		tv.Legend = append(tv.Legend, se.Name)
	}
	for i, l := range tr.Labels {
		row := []string{l}
		for _, se := range tr.Series {
			if i < len(se.NA) && se.NA[i] {
				row = append(row, "–")
			} else {
				row = append(row, formatValue(se.Values[i], tr.Unit))
			}
		}
		tv.Rows = append(tv.Rows, row)
	}
	return tv
}

// oversightData is what the oversight pages share.
type oversightData struct {
	Topics     []vigil.Topic
	Current    string             // the dashboard shown, if any
	Shown      vigil.ReportPeriod // the period chosen
	Options    []option
	CanPublish bool
	CanExport  bool
	CanPlans   bool
}

func (s *Server) oversightBase(u *vigil.User, p vigil.ReportPeriod, topic string) oversightData {
	return oversightData{Topics: vigil.Topics, Current: topic, Shown: p,
		Options: periodOptions(vigil.Now(), false), CanPublish: vigil.CanPublishStats(u), CanExport: vigil.CanExportCoreData(u),
		CanPlans: vigil.CanEditPlans(u)}
}

// mayOversee refuses people who may neither see statistics nor edit plans.
func (s *Server) mayOversee(w http.ResponseWriter, r *http.Request, u *vigil.User) bool {
	if vigil.CanSeeStats(u) {
		return true
	}
	s.fail(w, r, vigil.Errorf(vigil.EFORBIDDEN, "Your role does not include oversight statistics."))
	return false
}

func (s *Server) oversightHome(w http.ResponseWriter, r *http.Request, u *vigil.User) {
	if !vigil.CanSeeStats(u) && !vigil.CanEditPlans(u) {
		s.fail(w, r, vigil.Errorf(vigil.EFORBIDDEN, "Your role does not include oversight."))
		return
	}
	p, form, errs := periodOf(r)
	s.render(w, r, http.StatusOK, "oversight_home", &Page{Title: "Oversight", Nav: "oversight", Form: form, Errors: errs,
		Data: struct {
			oversightData
			Stats bool
		}{s.oversightBase(u, p, ""), vigil.CanSeeStats(u)}})
}

// dashboardData is a dashboard's page.
type dashboardData struct {
	oversightData
	*vigil.Dashboard
	Tables []tableView
	Trend  *trendView
}

func (s *Server) dashboardPage(w http.ResponseWriter, r *http.Request, u *vigil.User) {
	if !s.mayOversee(w, r, u) {
		return
	}
	topic := r.PathValue("topic")
	p, form, errs := periodOf(r)
	d, err := s.ov().Dashboard(r.Context(), vigil.UserActor(u), topic, p)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	trendCSV := "/oversight/" + topic + "/trend/csv?" + url.Values{"period": {p.Key}}.Encode()
	data := dashboardData{oversightData: s.oversightBase(u, p, topic), Dashboard: d, Trend: viewTrend(d.Trend, "trend-"+topic, trendCSV)}
	for _, t := range d.Tables {
		link := topic
		if t.Demographic {
			link = "" // demographic figures never link to cases
		}
		csvHref := "/oversight/" + topic + "/csv?" + url.Values{"table": {t.Key}, "period": {p.Key}}.Encode()
		data.Tables = append(data.Tables, viewTable(t, link, d.Period, csvHref))
	}
	status := http.StatusOK
	if errs != nil {
		status = http.StatusUnprocessableEntity
	}
	s.render(w, r, status, "oversight_dashboard", &Page{Title: d.Title, Nav: "oversight", Form: form, Errors: errs, Data: data})
}

// writeCSV writes a table as CSV: a header row, then each row and the total.
func writeCSV(w io.Writer, t *vigil.Table) error {
	cw := csv.NewWriter(w)
	head := []string{t.RowHeader}
	for _, c := range t.Columns {
		head = append(head, c.Label)
	}
	if err := cw.Write(head); err != nil {
		return err
	}
	rows := t.Rows
	if t.Total != nil {
		rows = append(rows, t.Total)
	}
	for _, r := range rows {
		rec := []string{r.Label}
		for i, c := range r.Cells {
			switch {
			case c.Suppressed:
				rec = append(rec, "[c]")
			case c.NA:
				rec = append(rec, "")
			case t.Columns[i].Kind == vigil.ColCount:
				rec = append(rec, strconv.FormatInt(int64(c.Value+0.5), 10))
			default:
				rec = append(rec, strconv.FormatFloat(float64(int64(c.Value*10+0.5))/10, 'f', 1, 64))
			}
		}
		if err := cw.Write(rec); err != nil {
			return err
		}
	}
	cw.Flush()
	return cw.Error()
}

func (s *Server) sendCSV(w http.ResponseWriter, r *http.Request, name string, t *vigil.Table) {
	var buf bytes.Buffer
	if err := writeCSV(&buf, t); err != nil {
		s.fail(w, r, err)
		return
	}
	w.Header().Set("Content-Type", "text/csv; charset=utf-8")
	w.Header().Set("Content-Disposition", `attachment; filename="`+name+`.csv"`)
	w.Write(buf.Bytes())
}

func (s *Server) dashboardCSV(w http.ResponseWriter, r *http.Request, u *vigil.User) {
	if !s.mayOversee(w, r, u) {
		return
	}
	topic := r.PathValue("topic")
	p, _, errs := periodOf(r)
	if errs != nil {
		s.fail(w, r, vigil.Errorf(vigil.EINVALID, "%s", errs[0].Message))
		return
	}
	d, err := s.ov().Dashboard(r.Context(), vigil.UserActor(u), topic, p)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	t := d.Table(r.URL.Query().Get("table"))
	if t == nil {
		s.fail(w, r, vigil.Errorf(vigil.ENOTFOUND, "This dashboard has no such table."))
		return
	}
	s.sendCSV(w, r, "vigil-"+topic+"-"+t.Key+"-"+d.Period.Key, t)
}

// writeTrendCSV writes a trend as CSV: a row per financial year, a column
// per series; a year with nothing to measure is empty.
func writeTrendCSV(w io.Writer, tr *vigil.Trend) error {
	cw := csv.NewWriter(w)
	head := []string{"Financial year"}
	for _, se := range tr.Series {
		name := se.Name
		switch tr.Unit {
		case "percent":
			name += " (%)"
		case "days", "hours":
			name += " (" + tr.Unit + ")"
		}
		head = append(head, name)
	}
	if err := cw.Write(head); err != nil {
		return err
	}
	for i, l := range tr.Labels {
		rec := []string{l}
		for _, se := range tr.Series {
			switch {
			case i < len(se.NA) && se.NA[i], i >= len(se.Values):
				rec = append(rec, "")
			case tr.Unit == "count":
				rec = append(rec, strconv.FormatInt(int64(se.Values[i]+0.5), 10))
			default:
				rec = append(rec, strconv.FormatFloat(float64(int64(se.Values[i]*10+0.5))/10, 'f', 1, 64))
			}
		}
		if err := cw.Write(rec); err != nil {
			return err
		}
	}
	cw.Flush()
	return cw.Error()
}

// trendCSV sends a dashboard's trend as CSV, to whoever may see the
// dashboard, counted as the dashboard and its tables' CSV are.
func (s *Server) trendCSV(w http.ResponseWriter, r *http.Request, u *vigil.User) {
	if !s.mayOversee(w, r, u) {
		return
	}
	topic := r.PathValue("topic")
	p, _, errs := periodOf(r)
	if errs != nil {
		s.fail(w, r, vigil.Errorf(vigil.EINVALID, "%s", errs[0].Message))
		return
	}
	d, err := s.ov().Dashboard(r.Context(), vigil.UserActor(u), topic, p)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	if d.Trend == nil {
		s.fail(w, r, vigil.Errorf(vigil.ENOTFOUND, "This dashboard has no trend."))
		return
	}
	var buf bytes.Buffer
	if err := writeTrendCSV(&buf, d.Trend); err != nil {
		s.fail(w, r, err)
		return
	}
	w.Header().Set("Content-Type", "text/csv; charset=utf-8")
	w.Header().Set("Content-Disposition", `attachment; filename="vigil-`+topic+`-trend-`+d.Period.Key+`.csv"`)
	w.Write(buf.Bytes())
}

// figureData is the page of the cases behind a figure.
type figureData struct {
	oversightData
	*vigil.FigureCases
	Back       string
	Prev, Next string
	Pages      int
}

func (s *Server) figureCases(w http.ResponseWriter, r *http.Request, u *vigil.User) {
	if !s.mayOversee(w, r, u) {
		return
	}
	q := r.URL.Query()
	p, _, errs := periodOf(r)
	if errs != nil {
		s.fail(w, r, vigil.Errorf(vigil.EINVALID, "%s", errs[0].Message))
		return
	}
	page, _ := strconv.Atoi(q.Get("page"))
	if page < 1 {
		page = 1
	}
	dr := vigil.Drill{Topic: q.Get("topic"), Table: q.Get("table"), Row: q.Get("row"), Column: q.Get("col"), Period: p, Page: page}
	fc, err := s.ov().FigureCases(r.Context(), vigil.UserActor(u), dr)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	d := figureData{oversightData: s.oversightBase(u, p, dr.Topic), FigureCases: fc,
		Back: "/oversight/" + url.PathEscape(dr.Topic) + "?period=" + url.QueryEscape(p.Key) + "#table-" + dr.Table}
	d.Pages = (fc.Total + vigil.DrillPageSize - 1) / vigil.DrillPageSize
	link := func(n int) string {
		v := r.URL.Query()
		v.Set("page", strconv.Itoa(n))
		return "/oversight/figures?" + v.Encode()
	}
	if page > 1 {
		d.Prev = link(page - 1)
	}
	if page < d.Pages {
		d.Next = link(page + 1)
	}
	s.render(w, r, http.StatusOK, "oversight_cases", &Page{Title: "Cases behind a figure", Nav: "oversight", Data: d})
}

// publishForm offers to publish a period's statistics.
func (s *Server) publishForm(w http.ResponseWriter, r *http.Request, u *vigil.User) {
	if !vigil.CanPublishStats(u) {
		s.fail(w, r, vigil.Errorf(vigil.EFORBIDDEN, "Only the director of children's services, commissioners and the scrutiny panel publish statistics."))
		return
	}
	s.publishPage(w, r, u, http.StatusOK, Form{"period": r.URL.Query().Get("period")}, nil)
}

func (s *Server) publishPage(w http.ResponseWriter, r *http.Request, u *vigil.User, status int, form Form, errs []vigil.FieldError) {
	releases, err := s.ov().Releases(r.Context())
	if err != nil {
		s.fail(w, r, err)
		return
	}
	d := s.oversightBase(u, vigil.Last12Months(vigil.Now()), "")
	d.Options = publishOptions(vigil.Now())
	s.render(w, r, status, "oversight_publish", &Page{Title: "Publish statistics", Nav: "oversight", Form: form, Errors: errs,
		Data: struct {
			oversightData
			Releases []*vigil.Release
		}{d, releases}})
}

func (s *Server) publish(w http.ResponseWriter, r *http.Request, u *vigil.User) {
	form, ok := s.postedForm(w, r, "period", "note")
	if !ok {
		return
	}
	p, err := vigil.ParsePeriod(form["period"], vigil.Now())
	if form["period"] == "" {
		err = vigil.Errorf(vigil.EINVALID, "Choose the period to publish")
	}
	if err != nil {
		s.publishPage(w, r, u, http.StatusUnprocessableEntity, form, []vigil.FieldError{{Field: "period", Message: vigil.ErrorMessage(err)}})
		return
	}
	rel, err := s.ov().PublishRelease(r.Context(), vigil.UserActor(u), p, form["note"])
	if err != nil {
		if !formProblem(err) {
			s.fail(w, r, err)
			return
		}
		s.publishPage(w, r, u, vigil.ErrorStatus(vigil.ErrorCode(err)), form, inputErrorsOf(err, map[string]string{"note": "note", "period": "period"}, "period"))
		return
	}
	http.Redirect(w, r, "/transparency/"+string(rel.ID)+"?notice=release-published", http.StatusSeeOther)
}

// transparency lists every published release.
func (s *Server) transparency(w http.ResponseWriter, r *http.Request) {
	releases, err := s.ov().Releases(r.Context())
	if err != nil {
		s.fail(w, r, err)
		return
	}
	s.render(w, r, http.StatusOK, "oversight_transparency", &Page{Title: "Published statistics", Nav: "transparency", Data: releases})
}

// releaseData is a release's public page.
type releaseData struct {
	*vigil.ReleaseProof
	Figures     vigil.ReleaseFigures
	Tables      []tableView
	Replaces    *vigil.Release
	ReplacedBy  []*vigil.Release
	Publisher   string
	LeafHash    string
	Base        string
	ProofHashes []string
}

func (s *Server) releasePage(w http.ResponseWriter, r *http.Request) {
	ctx := r.Context()
	proof, err := s.ov().ProveRelease(ctx, vigil.ID(r.PathValue("id")))
	if err != nil {
		s.fail(w, r, err)
		return
	}
	d := releaseData{ReleaseProof: proof, Base: s.baseURL(r), Publisher: "Vigil, automatically"}
	if err := json.Unmarshal([]byte(proof.Figures), &d.Figures); err != nil {
		s.fail(w, r, err)
		return
	}
	rel := proof.Release
	for _, pt := range d.Figures.Tables {
		t := pt.Table()
		csvHref := "/transparency/" + string(rel.ID) + "/csv?" + url.Values{"table": {pt.Dashboard + "." + pt.Key}}.Encode()
		tv := viewTable(t, "", vigil.ReportPeriod{}, csvHref)
		tv.ID = "table-" + pt.Dashboard + "-" + pt.Key
		d.Tables = append(d.Tables, tv)
	}
	if rel.PublishedBy != vigil.ActorSystem {
		d.Publisher = "A member of staff"
		if p, err := s.svc.FindUser(ctx, rel.PublishedBy); err == nil {
			d.Publisher = roleLabels[p.Role]
		}
	}
	all, err := s.ov().Releases(ctx)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	for _, x := range all {
		if x.ID == rel.Replaces {
			d.Replaces = x
		}
		if x.Replaces == rel.ID {
			d.ReplacedBy = append(d.ReplacedBy, x)
		}
	}
	d.LeafHash = fmt.Sprintf("%x", leafHash([]byte(proof.Entry)))
	for _, h := range proof.Proof {
		d.ProofHashes = append(d.ProofHashes, base64Std(h))
	}
	s.render(w, r, http.StatusOK, "oversight_release", &Page{Title: rel.Title, Nav: "transparency", Notice: noticeOf(r), Data: d})
}

// baseURL is this site's address as the request reached it, for the
// commands a reader copies.
func (s *Server) baseURL(r *http.Request) string {
	scheme := "http"
	if r.TLS != nil || s.secureCookies {
		scheme = "https"
	}
	return scheme + "://" + r.Host
}

// releaseJSON serves a release with its proof, for `vigil stats verify`
// and any other checker.
func (s *Server) releaseJSON(w http.ResponseWriter, r *http.Request) {
	proof, err := s.ov().ProveRelease(r.Context(), vigil.ID(r.PathValue("id")))
	if err != nil {
		s.fail(w, r, err)
		return
	}
	b, err := json.MarshalIndent(proof, "", "  ")
	if err != nil {
		s.fail(w, r, err)
		return
	}
	w.Header().Set("Content-Type", "application/json")
	w.Header().Set("Content-Disposition", `attachment; filename="vigil-release-`+strconv.FormatInt(proof.Release.Number, 10)+`.json"`)
	w.Write(append(b, '\n'))
}

func (s *Server) releaseCSV(w http.ResponseWriter, r *http.Request) {
	rel, err := s.ov().FindRelease(r.Context(), vigil.ID(r.PathValue("id")))
	if err != nil {
		s.fail(w, r, err)
		return
	}
	var f vigil.ReleaseFigures
	if err := json.Unmarshal(rel.Figures, &f); err != nil {
		s.fail(w, r, err)
		return
	}
	want := r.URL.Query().Get("table")
	for _, pt := range f.Tables {
		if pt.Dashboard+"."+pt.Key == want {
			s.sendCSV(w, r, fmt.Sprintf("vigil-release-%d-%s-%s", rel.Number, pt.Dashboard, pt.Key), pt.Table())
			return
		}
	}
	s.fail(w, r, vigil.Errorf(vigil.ENOTFOUND, "This release has no such table."))
}

// coreDataPage describes the national core data set and offers it.
func (s *Server) coreDataPage(w http.ResponseWriter, r *http.Request, u *vigil.User) {
	if !vigil.CanExportCoreData(u) {
		s.fail(w, r, vigil.Errorf(vigil.EFORBIDDEN, "The national core data set is record-level: only people who may open the cases it covers can export it."))
		return
	}
	p, form, errs := periodOf(r)
	s.render(w, r, http.StatusOK, "oversight_ncds", &Page{Title: "National core data set", Nav: "oversight", Form: form, Errors: errs,
		Data: struct {
			oversightData
			Fields []vigil.CoreField
		}{s.oversightBase(u, p, ""), vigil.CoreDataFields}})
}

func (s *Server) coreDataCSV(w http.ResponseWriter, r *http.Request, u *vigil.User) {
	p, _, errs := periodOf(r)
	if errs != nil {
		s.fail(w, r, vigil.Errorf(vigil.EINVALID, "%s", errs[0].Message))
		return
	}
	var buf bytes.Buffer
	if err := s.ov().ExportCoreData(r.Context(), vigil.UserActor(u), p, &buf); err != nil {
		s.fail(w, r, err)
		return
	}
	w.Header().Set("Content-Type", "text/csv; charset=utf-8")
	w.Header().Set("Content-Disposition", `attachment; filename="vigil-core-data-set-`+p.Key+`.csv"`)
	w.Write(buf.Bytes())
}

// leafHash is the RFC 6962 leaf hash of a log entry, as the tree holds it.
func leafHash(entry []byte) tlog.Hash { return tlog.RecordHash(entry) }

func base64Std(b []byte) string { return base64.StdEncoding.EncodeToString(b) }
