package sqlstore

import (
	"cmp"
	"context"
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/vigil-project/vigil"
)

// This file counts the figures of oversight (MISSION R9). Every table of a
// dashboard is defined by one SQL "unit" query that returns one row per
// thing counted (a concern, a deadline, an escalation...) with the same
// columns:
//
//	case_id  the case the thing belongs to
//	a, tm    the case's agency and team, for the viewer's statistics scope
//	r, c     the keys of the table row and column it counts in
//	t        the time that places it in a period (a period's range of t)
//	v        a value to average (days to close), or 0
//
// The same unit gives the table (GROUP BY r, c over a period), its trend
// over years (GROUP BY the year t falls in), and the list of cases behind
// any figure (the case_id of the rows with that r and c), so that a figure
// and the cases it links to cannot disagree.

// unit is a table's unit query; args returns the values of its
// placeholders for a count at now over period p.
type unit struct {
	sql string
	// bare, when set, is sql without the join to cases that gives a and
	// tm (which it returns as NULL): the same rows, r, c, t and v, for
	// viewers whose scope is every case, for whom that join is wasted work
	// on millions of rows.
	bare string
	args func(now time.Time, p vigil.ReportPeriod) []any
	// periodic units filter the period themselves (through args) and
	// return t = 0; they have no trend.
	periodic bool
	// fam, when set, is the family of rows the unit counts, and r and c
	// its row and column expressions over them (NULL: not counted), with
	// rcArgs the values of their placeholders: so that a release can count
	// all the tables of a family at once, atom by atom, and see how their
	// figures overlap (see oversight_disclosure.go).
	fam    *family
	r, c   string
	rcArgs func(now time.Time) []any
}

// derived is a column computed from a row's counts.
type derived struct {
	col vigil.Column
	// num and den name count columns: a percentage is sum(num)/sum(den).
	// A nil den is the share of the table's total.
	num, den []string
	// of names the count columns whose mean value (v) a mean column
	// shows, divided by scale (units store microseconds).
	of    []string
	scale float64
}

// label is a fixed row of a table.
type label struct{ key, text string }

// tableDef defines one table of a dashboard.
type tableDef struct {
	key, title, rowHeader string
	unit                  unit
	// rows are the table's fixed rows, in order; keys found in the data
	// but not listed are added after them. dynamic says how to name rows
	// that come from the data: "agency", "team" or "user".
	rows    func(s *Store) []label
	dynamic string
	// mapRow maps a unit's r to the row it counts in (nationality to
	// its published group); nil keeps r.
	mapRow func(string) string
	cols   []vigil.Column // the count columns, in order
	total  bool           // add a total column
	extra  []derived      // percentages and means, after the counts
	// sortDesc orders dynamic rows by their total (or the sum of the
	// sortBy columns), largest first; a page shows at most maxRows of
	// them (the CSV has every row).
	sortDesc    bool
	sortBy      []string
	maxRows     int
	public      bool // published in statistics releases
	demographic bool // never linked to cases; published for whole years only
	notes       []string
}

// trendDef is a dashboard's trend: series computed from one table's unit,
// per financial year.
type trendDef struct {
	title, unit string
	table       string
	series      []seriesDef
	// counts, when set, is the unit the series count from instead of the
	// table's: same columns, but r and c only as the series need them.
	counts *unit
}

type seriesDef struct {
	name  string
	value func(a agg) (float64, bool) // false when there is nothing to measure
}

// dashboardDef defines one dashboard.
type dashboardDef struct {
	topic  vigil.Topic
	tables []*tableDef
	trend  *trendDef
	notes  []string
}

// acc accumulates one cell: the number of units and the sum of their values.
type acc struct {
	n   int64
	sum float64
}

// agg is a table's counts by (row, column) key.
type agg map[[2]string]acc

func (a agg) n(r string, cs ...string) int64 {
	var n int64
	for _, c := range cs {
		n += a[[2]string{r, c}].n
	}
	return n
}

// all sums the counts of the given columns over every row.
func (a agg) all(cs ...string) int64 {
	var n int64
	for k, v := range a {
		if slices.Contains(cs, k[1]) {
			n += v.n
		}
	}
	return n
}

func pct(num, den int64) (float64, bool) {
	if den == 0 {
		return 0, false
	}
	return float64(num) * 100 / float64(den), true
}

// scopeOf returns the condition on a unit u that limits figures to the
// cases within u's statistics scope.
func scopeOf(u *vigil.User) (string, []any, string) {
	switch vigil.StatsScope(u) {
	case vigil.ScopeAll:
		return "", nil, "all"
	case vigil.ScopeAgency:
		return "u.a = ?", []any{u.AgencyID}, "agency"
	case vigil.ScopeTeam:
		return "u.tm = ?", []any{u.TeamID}, "team"
	}
	return "u.case_id IN (SELECT id FROM cases WHERE owner_id = ?)", []any{u.ID}, "own"
}

// sqlFor returns the unit's query for a viewer whose scope condition is scope.
func (u unit) sqlFor(scope string) string {
	if scope == "" && u.bare != "" {
		return u.bare
	}
	return u.sql
}

// where builds the conditions on a unit for a period, a scope and
// optionally a row and a column.
func where(def *tableDef, p vigil.ReportPeriod, scope string, scopeArgs []any) (string, []any) {
	var conds []string
	var args []any
	if !def.unit.periodic {
		conds, args = append(conds, "u.t >= ? AND u.t < ?"), append(args, micros(p.From), micros(p.To))
	}
	if scope != "" {
		conds, args = append(conds, scope), append(args, scopeArgs...)
	}
	if len(conds) == 0 {
		return "", nil
	}
	return " WHERE " + strings.Join(conds, " AND "), args
}

// count runs def's unit over p and returns its counts.
func (s *Store) count(ctx context.Context, def *tableDef, now time.Time, p vigil.ReportPeriod, scope string, scopeArgs []any) (agg, error) {
	w, wargs := where(def, p, scope, scopeArgs)
	q := `SELECT u.r, u.c, COUNT(*), COALESCE(SUM(CAST(u.v AS DOUBLE PRECISION)), 0) FROM (` + def.unit.sqlFor(scope) + `) u` + w + ` GROUP BY u.r, u.c`
	rows, err := s.query(ctx, q, append(def.unit.args(now, p), wargs...)...)
	if err != nil {
		return nil, internal("count "+def.key, err)
	}
	defer rows.Close()
	a := agg{}
	for rows.Next() {
		var r, c string
		var n int64
		var sum float64
		if err := rows.Scan(&r, &c, &n, &sum); err != nil {
			return nil, internal("count "+def.key, err)
		}
		if def.mapRow != nil {
			r = def.mapRow(r)
		}
		k := [2]string{r, c}
		x := a[k]
		x.n += n
		x.sum += sum
		a[k] = x
	}
	return a, rows.Err()
}

// names holds the names dynamic rows are labelled with.
type names struct {
	agencies, teams, users map[string]string
}

func (s *Store) names(ctx context.Context) (*names, error) {
	n := &names{agencies: map[string]string{}, teams: map[string]string{}, users: map[string]string{}}
	for _, q := range []struct {
		sql string
		m   map[string]string
	}{
		{`SELECT id, name FROM agencies`, n.agencies},
		{`SELECT id, name FROM teams`, n.teams},
		{`SELECT id, name FROM users`, n.users},
	} {
		rows, err := s.query(ctx, q.sql)
		if err != nil {
			return nil, internal("read names", err)
		}
		for rows.Next() {
			var id, name string
			if err := rows.Scan(&id, &name); err != nil {
				rows.Close()
				return nil, internal("read names", err)
			}
			q.m[id] = name
		}
		rows.Close()
		if err := rows.Err(); err != nil {
			return nil, internal("read names", err)
		}
	}
	return n, nil
}

func (n *names) of(kind, key string) string {
	switch {
	case key == "public":
		return "Public and young people (no agency)"
	case kind == "agency" && n.agencies[key] != "":
		return n.agencies[key]
	case kind == "team" && n.teams[key] != "":
		return n.teams[key]
	case kind == "user" && n.users[key] != "":
		return n.users[key]
	}
	return "Unknown (" + key + ")"
}

// build turns counts into a table.
func (s *Store) build(def *tableDef, a agg, nm *names) *vigil.Table {
	t := &vigil.Table{Key: def.key, Title: def.title, RowHeader: def.rowHeader, Public: def.public, Demographic: def.demographic, Show: def.maxRows,
		Notes: def.notes}
	counts := make([]string, len(def.cols))
	for i, c := range def.cols {
		c.Kind = vigil.ColCount
		t.Columns = append(t.Columns, c)
		counts[i] = c.Key
	}
	if def.total {
		t.Columns = append(t.Columns, vigil.Column{Key: "total", Label: "Total", Kind: vigil.ColCount})
	}
	for _, d := range def.extra {
		col := d.col
		col.Share = d.den == nil && col.Kind == vigil.ColPercent
		t.Columns = append(t.Columns, col)
	}
	// Rows: the fixed ones, then any others the data hold.
	var rows []label
	seen := map[string]bool{}
	if def.rows != nil {
		for _, l := range def.rows(s) {
			rows = append(rows, l)
			seen[l.key] = true
		}
	}
	var extra []label
	for k := range a {
		if !seen[k[0]] {
			seen[k[0]] = true
			text := k[0]
			if def.dynamic != "" {
				text = nm.of(def.dynamic, k[0])
			}
			extra = append(extra, label{k[0], text})
		}
	}
	if def.sortDesc {
		by := def.sortBy
		if len(by) == 0 {
			by = counts
		}
		slices.SortFunc(extra, func(x, y label) int {
			return cmp.Or(cmp.Compare(a.n(y.key, by...), a.n(x.key, by...)), cmp.Compare(a.n(y.key, counts...), a.n(x.key, counts...)),
				cmp.Compare(x.text, y.text), cmp.Compare(x.key, y.key))
		})
	} else {
		slices.SortFunc(extra, func(x, y label) int { return cmp.Or(cmp.Compare(x.text, y.text), cmp.Compare(x.key, y.key)) })
	}
	rows = append(rows, extra...)
	drill := !def.demographic && def.mapRow == nil
	grand := a.all(counts...)
	row := func(key, text string, n func(c string) int64, sum func(c string) float64) *vigil.Row {
		r := &vigil.Row{Key: key, Label: text}
		var total int64
		for _, c := range counts {
			v := n(c)
			total += v
			r.Cells = append(r.Cells, vigil.Cell{Value: float64(v), Drill: drill && v > 0})
		}
		if def.total {
			r.Cells = append(r.Cells, vigil.Cell{Value: float64(total), Drill: drill && total > 0})
		}
		for _, d := range def.extra {
			var cell vigil.Cell
			switch {
			case d.col.Kind == vigil.ColMean:
				var k int64
				var sm float64
				for _, c := range d.of {
					k, sm = k+n(c), sm+sum(c)
				}
				if k == 0 {
					cell.NA = true
				} else {
					cell.Value = sm / float64(k) / cmp.Or(d.scale, 1)
				}
			case d.den == nil:
				var num int64
				for _, c := range d.num {
					num += n(c)
				}
				v, ok := pct(num, grand)
				cell.Value, cell.NA = v, !ok
			default:
				var num, den int64
				for _, c := range d.num {
					num += n(c)
				}
				for _, c := range d.den {
					den += n(c)
				}
				v, ok := pct(num, den)
				cell.Value, cell.NA = v, !ok
			}
			r.Cells = append(r.Cells, cell)
		}
		return r
	}
	for _, l := range rows {
		key := l.key
		t.Rows = append(t.Rows, row(l.key, l.text, func(c string) int64 { return a.n(key, c) },
			func(c string) float64 { return a[[2]string{key, c}].sum }))
	}
	t.Total = row("", "Total", func(c string) int64 { return a.all(c) }, func(c string) float64 {
		var sm float64
		for k, v := range a {
			if k[1] == c {
				sm += v.sum
			}
		}
		return sm
	})
	return t
}

// trendOf counts the trend's table over each financial year up to the
// one that contains p's end, at most ten years back to the first case.
func (s *Store) trendOf(ctx context.Context, d *dashboardDef, now time.Time, p vigil.ReportPeriod, scope string, scopeArgs []any) (*vigil.Trend, error) {
	if d.trend == nil {
		return nil, nil
	}
	def := d.table(d.trend.table)
	if d.trend.counts != nil {
		// A trend may count from a unit of its own, lighter than its table's.
		def = &tableDef{key: def.key, unit: *d.trend.counts, mapRow: def.mapRow}
	}
	var first int64
	if err := s.queryRow(ctx, `SELECT COALESCE(MIN(received_at), 0) FROM cases`).Scan(&first); err != nil {
		return nil, internal("trend", err)
	}
	start := p.From
	if first > 0 && fromMicros(first).Before(start) {
		start = fromMicros(first)
	}
	years := vigil.TrendYears(start, p.LastDay(), 10)
	tr := &vigil.Trend{Title: d.trend.title, Unit: d.trend.unit}
	for _, y := range years {
		tr.Labels = append(tr.Labels, fmt.Sprintf("%d-%02d", y.From.Year(), (y.From.Year()+1)%100))
	}
	// One query counts every year: CASE numbers the year t falls in.
	var bucket strings.Builder
	var bargs []any
	bucket.WriteString("CASE")
	for i, y := range years {
		bucket.WriteString(" WHEN u.t < ? THEN " + fmt.Sprint(i))
		bargs = append(bargs, micros(y.To))
	}
	bucket.WriteString(" ELSE -1 END")
	span := vigil.ReportPeriod{From: years[0].From, To: years[len(years)-1].To}
	w, wargs := where(def, span, scope, scopeArgs)
	q := `SELECT ` + bucket.String() + `, u.r, u.c, COUNT(*), COALESCE(SUM(CAST(u.v AS DOUBLE PRECISION)), 0) FROM (` + def.unit.sqlFor(scope) + `) u` + w + ` GROUP BY 1, 2, 3`
	args := append(append(bargs, def.unit.args(now, span)...), wargs...)
	rows, err := s.query(ctx, q, args...)
	if err != nil {
		return nil, internal("trend "+def.key, err)
	}
	defer rows.Close()
	per := make([]agg, len(years))
	for i := range per {
		per[i] = agg{}
	}
	for rows.Next() {
		var b int
		var r, c string
		var n int64
		var sum float64
		if err := rows.Scan(&b, &r, &c, &n, &sum); err != nil {
			return nil, internal("trend "+def.key, err)
		}
		if b < 0 || b >= len(years) {
			continue
		}
		if def.mapRow != nil {
			r = def.mapRow(r)
		}
		k := [2]string{r, c}
		x := per[b][k]
		x.n += n
		x.sum += sum
		per[b][k] = x
	}
	if err := rows.Err(); err != nil {
		return nil, internal("trend "+def.key, err)
	}
	for _, sd := range d.trend.series {
		se := vigil.Series{Name: sd.name}
		for i := range years {
			v, ok := sd.value(per[i])
			se.Values = append(se.Values, v)
			se.NA = append(se.NA, !ok)
		}
		tr.Series = append(tr.Series, se)
	}
	return tr, nil
}

func (d *dashboardDef) table(key string) *tableDef {
	for _, t := range d.tables {
		if t.key == key {
			return t
		}
	}
	return nil
}

// Dashboard implements vigil.OversightService.
func (s *Store) Dashboard(ctx context.Context, actor vigil.Actor, topic string, p vigil.ReportPeriod) (*vigil.Dashboard, error) {
	u := actor.User
	if !vigil.CanSeeStats(u) {
		return nil, forbidden("Your role does not include oversight statistics.")
	}
	if topic == vigil.TopicDemographics {
		return s.demographicsDashboard(ctx, actor, p)
	}
	d := s.dashboard(topic)
	if d == nil {
		return nil, vigil.Errorf(vigil.ENOTFOUND, "There is no dashboard called %q.", topic)
	}
	scope, scopeArgs, scopeKind := scopeOf(u)
	return s.compute(ctx, d, vigil.Now(), p, scope, scopeArgs, s.scopeLabel(ctx, u, scopeKind), true)
}

func (s *Store) scopeLabel(ctx context.Context, u *vigil.User, kind string) string {
	switch kind {
	case "all":
		return "all"
	case "agency":
		var name string
		if err := s.queryRow(ctx, `SELECT name FROM agencies WHERE id = ?`, u.AgencyID).Scan(&name); err == nil {
			return name
		}
	case "team":
		var name string
		if err := s.queryRow(ctx, `SELECT name FROM teams WHERE id = ?`, u.TeamID).Scan(&name); err == nil {
			return name
		}
	}
	return "your own cases"
}

// compute counts every table of d, and its trend when asked.
func (s *Store) compute(ctx context.Context, d *dashboardDef, now time.Time, p vigil.ReportPeriod, scope string, scopeArgs []any, scopeLabel string, trend bool) (*vigil.Dashboard, error) {
	nm, err := s.names(ctx)
	if err != nil {
		return nil, err
	}
	out := &vigil.Dashboard{Topic: d.topic.Key, Title: d.topic.Title, Period: p, Scope: scopeLabel, Notes: d.notes, AsAt: now}
	for _, def := range d.tables {
		a, err := s.count(ctx, def, now, p, scope, scopeArgs)
		if err != nil {
			return nil, err
		}
		out.Tables = append(out.Tables, s.build(def, a, nm))
	}
	if !trend {
		return out, nil
	}
	if out.Trend, err = s.trendOf(ctx, d, now, p, scope, scopeArgs); err != nil {
		return nil, err
	}
	return out, nil
}

// FigureCases implements vigil.OversightService.
func (s *Store) FigureCases(ctx context.Context, actor vigil.Actor, dr vigil.Drill) (*vigil.FigureCases, error) {
	u := actor.User
	if !vigil.CanSeeStats(u) {
		return nil, forbidden("Your role does not include oversight statistics.")
	}
	d := s.dashboard(dr.Topic)
	var def *tableDef
	if d != nil {
		def = d.table(dr.Table)
	}
	if def == nil || def.demographic || def.mapRow != nil {
		return nil, vigil.Errorf(vigil.ENOTFOUND, "This figure does not list cases.")
	}
	if dr.Column != "" && dr.Column != "total" && !slices.ContainsFunc(def.cols, func(c vigil.Column) bool { return c.Key == dr.Column }) {
		return nil, vigil.Errorf(vigil.ENOTFOUND, "This figure does not list cases.")
	}
	if dr.Page < 1 {
		dr.Page = 1
	}
	now := vigil.Now()
	scope, scopeArgs, _ := scopeOf(u)
	w, wargs := where(def, dr.Period, scope, scopeArgs)
	if w == "" {
		w = " WHERE 1 = 1"
	}
	if dr.Row != "" {
		w, wargs = w+" AND u.r = ?", append(wargs, dr.Row)
	}
	if dr.Column != "" && dr.Column != "total" {
		w, wargs = w+" AND u.c = ?", append(wargs, dr.Column)
	} else if dr.Column == "total" || dr.Column == "" {
		// The total counts the table's own columns only.
		var in []string
		for _, c := range def.cols {
			in, wargs = append(in, "?"), append(wargs, c.Key)
		}
		w += " AND u.c IN (" + strings.Join(in, ", ") + ")"
	}
	args := append(def.unit.args(now, dr.Period), wargs...)
	ids := `SELECT u.case_id FROM (` + def.unit.sqlFor(scope) + `) u` + w
	out := &vigil.FigureCases{Drill: dr, Title: s.figureTitle(ctx, d, def, dr)}
	if err := s.queryRow(ctx, `SELECT COUNT(DISTINCT x.case_id) FROM (`+ids+`) x`, args...).Scan(&out.Total); err != nil {
		return nil, internal("figure cases", err)
	}
	rows, err := s.query(ctx, `SELECT `+caseColumns+` FROM cases c WHERE c.id IN (`+ids+`) ORDER BY c.received_at DESC, c.id LIMIT ? OFFSET ?`,
		append(args, vigil.DrillPageSize, (dr.Page-1)*vigil.DrillPageSize)...)
	if err != nil {
		return nil, internal("figure cases", err)
	}
	var cases []*vigil.Case
	for rows.Next() {
		c, err := scanCase(rows)
		if err != nil {
			rows.Close()
			return nil, internal("figure cases", err)
		}
		cases = append(cases, c)
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return nil, internal("figure cases", err)
	}
	nm, err := s.names(ctx)
	if err != nil {
		return nil, err
	}
	// The figure's measures for each case of the page: how many of the
	// things it counts are the case's, and their mean value when the
	// table shows one.
	var mean *derived
	for i := range def.extra {
		if def.extra[i].col.Kind == vigil.ColMean {
			mean = &def.extra[i]
			out.Measure = mean.col.Label
			break
		}
	}
	measures := map[vigil.ID]acc{}
	if len(cases) > 0 {
		marks := make([]string, len(cases))
		margs := append([]any(nil), args...)
		for i, c := range cases {
			marks[i], margs = "?", append(margs, c.ID)
		}
		err := each(reader{s, ctx}, func(r scanner) error {
			var id vigil.ID
			var a acc
			if err := r.Scan(&id, &a.n, &a.sum); err != nil {
				return err
			}
			measures[id] = a
			return nil
		}, `SELECT u.case_id, COUNT(*), COALESCE(SUM(CAST(u.v AS DOUBLE PRECISION)), 0) FROM (`+def.unit.sqlFor(scope)+`) u`+w+
			` AND u.case_id IN (`+strings.Join(marks, ", ")+`) GROUP BY u.case_id`, margs...)
		if err != nil {
			return nil, internal("figure cases", err)
		}
	}
	var seen []vigil.ID
	for _, c := range cases {
		// Each case is identified only if the viewer may open it, as the
		// case page decides: scope, involvement and conflicts of interest.
		t, err := s.access(reader{s, ctx}, u, c)
		if err != nil {
			return nil, internal("figure cases", err)
		}
		m := measures[c.ID]
		fc := &vigil.FigureCase{Row: vigil.FigureRow(c.ID), Agency: nm.of("agency", string(c.AgencyID)), Team: nm.of("team", string(c.TeamID)),
			Month: c.ReceivedAt.In(vigil.London).Format("2006-01"), Stage: c.Stage, Status: c.Status, Count: int(m.n)}
		if mean != nil && m.n > 0 {
			v := m.sum / float64(m.n) / cmp.Or(mean.scale, 1)
			fc.Measure = &v
		}
		if !t.Conflict && vigil.Can(u, vigil.ActCaseView, t) {
			received := c.ReceivedAt
			fc.ID, fc.Identified, fc.Ref, fc.ChildName = c.ID, true, c.Ref, c.Child.Name
			fc.AgeBand, fc.Owner, fc.ReceivedAt = vigil.AgeBand(c.Child.AgeAt(c.ReceivedAt)), nm.of("user", string(c.OwnerID)), &received
			seen = append(seen, c.ID)
			out.Identified++
		}
		out.Cases = append(out.Cases, fc)
	}
	// Seeing an identified case in a list is a read, logged before it is
	// shown; a de-identified list is logged as one look at statistics.
	if err := s.logReads(ctx, actor.ID, "record.listed", "cases", seen, "oversight: "+out.Title); err != nil {
		return nil, err
	}
	if len(cases) > len(seen) {
		if err := s.log.Append(ctx, "stats.cases_listed", string(actor.ID), "dashboards", dr.Topic,
			map[string]any{"table": dr.Table, "row": dr.Row, "column": dr.Column, "period": dr.Period.Key, "page": dr.Page, "cases": len(cases) - len(seen)}); err != nil {
			return nil, err
		}
	}
	return out, nil
}

// figureTitle says in words what a figure counts.
func (s *Store) figureTitle(ctx context.Context, d *dashboardDef, def *tableDef, dr vigil.Drill) string {
	parts := []string{def.title}
	if dr.Row != "" {
		text := dr.Row
		found := false
		if def.rows != nil {
			for _, l := range def.rows(s) {
				if l.key == dr.Row {
					text, found = l.text, true
				}
			}
		}
		if !found && def.dynamic != "" {
			if nm, err := s.names(ctx); err == nil {
				text = nm.of(def.dynamic, dr.Row)
			}
		}
		parts = append(parts, def.rowHeader+": "+text)
	}
	for _, c := range def.cols {
		if c.Key == dr.Column {
			parts = append(parts, c.Label)
		}
	}
	return strings.Join(parts, ", ") + " (" + dr.Period.Label + ")"
}

var _ vigil.OversightService = (*Store)(nil)
