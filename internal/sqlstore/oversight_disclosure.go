package sqlstore

import (
	"context"
	"database/sql"
	"encoding/json"
	"maps"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/vigil-project/vigil"
)

// Disclosure control across releases. vigil.Suppress protects a table on
// its own; but the tables of a release overlap (concerns by who raised
// them and by agency count the same concerns), and a month, its quarter
// and its financial year are each published, so that subtracting figures
// of one table or release from another's could give away a small count.
//
// So a release counts its public tables family by family: a family is the
// rows several tables count (concerns, deadlines by when they started,
// escalations...), and an atom is the number of the family's rows in one
// month that fall in the same row and column of every table at once.
// Every figure published for a month, quarter or financial year is a sum
// of atoms, and vigil.DisclosureAudit checks that no hidden count (of this
// release or an earlier one of the year, or any small count of any period
// of the year, published or not) is a combination of published figures.
// Where one is, a further cell of the new release is hidden, and the
// check repeats. Earlier releases are never changed.
//
// The audit takes the data as they are now for every release of the
// year: a figure that changed since it was published (a late record)
// makes an attacker's sums inexact, which only helps.

// family is a set of rows that several public tables count.
type family struct {
	key   string
	from  string // the rows, joined to their case (alias c)
	where string // a condition on them, or ""
	args  func(now time.Time) []any
	t, v  string // the time that places a row in a period, and its value
}

// atom is the count of a family's rows in one month of a financial year
// that every table of the family counts in the same row and column.
type atom struct {
	month int // 0 for April ... 11 for March
	keys  []sql.NullString
	n     int64
	sum   float64
}

// famTable is a public table of a family.
type famTable struct {
	topic string
	def   *tableDef
}

// familyTables returns the public tables of every family, in the order
// of the dashboards, and the families in order of first use.
func (s *Store) familyTables() (map[*family][]famTable, []*family) {
	out := map[*family][]famTable{}
	var order []*family
	add := func(topic string, defs []*tableDef) {
		for _, def := range defs {
			if !def.public || def.unit.fam == nil {
				continue
			}
			f := def.unit.fam
			if out[f] == nil {
				order = append(order, f)
			}
			out[f] = append(out[f], famTable{topic, def})
		}
	}
	for _, t := range vigil.Topics {
		if d := s.dashboard(t.Key); d != nil {
			add(t.Key, d.tables)
		}
	}
	add(vigil.TopicDemographics, demographicDefs().tables)
	return out, order
}

// atoms counts a family's atoms over the financial year fy.
func (s *Store) atoms(ctx context.Context, f *family, tabs []famTable, now time.Time, fy vigil.ReportPeriod) ([]atom, error) {
	var q strings.Builder
	var args []any
	q.WriteString("SELECT CASE")
	for i, m := range vigil.FiscalPeriods(fy)[:12] {
		q.WriteString(" WHEN " + f.t + " < ? THEN " + itoa(i))
		args = append(args, micros(m.To))
	}
	q.WriteString(" ELSE -1 END")
	for _, ft := range tabs {
		q.WriteString(", " + ft.def.unit.r + ", " + ft.def.unit.c)
		args = append(args, ft.def.unit.rcArgs(now)...)
	}
	q.WriteString(", COUNT(*), COALESCE(SUM(CAST(" + f.v + " AS DOUBLE PRECISION)), 0) FROM " + f.from + " WHERE " + f.t + " >= ? AND " + f.t + " < ?")
	args = append(args, micros(fy.From), micros(fy.To))
	if f.where != "" {
		q.WriteString(" AND " + f.where)
		if f.args != nil {
			args = append(args, f.args(now)...)
		}
	}
	q.WriteString(" GROUP BY 1")
	for i := range tabs {
		q.WriteString(", " + itoa(2*i+2) + ", " + itoa(2*i+3))
	}
	rows, err := s.query(ctx, q.String(), args...)
	if err != nil {
		return nil, internal("count "+f.key, err)
	}
	defer rows.Close()
	var out []atom
	for rows.Next() {
		a := atom{keys: make([]sql.NullString, 2*len(tabs))}
		dest := []any{&a.month}
		for i := range a.keys {
			dest = append(dest, &a.keys[i])
		}
		dest = append(dest, &a.n, &a.sum)
		if err := rows.Scan(dest...); err != nil {
			return nil, internal("count "+f.key, err)
		}
		if a.month >= 0 {
			out = append(out, a)
		}
	}
	return out, rows.Err()
}

func itoa(i int) string { return strconv.Itoa(i) }

// monthsOf returns which months of fy the period p covers.
func monthsOf(fy, p vigil.ReportPeriod) [12]bool {
	var in [12]bool
	for i, m := range vigil.FiscalPeriods(fy)[:12] {
		in[i] = !m.From.Before(p.From) && !m.To.After(p.To)
	}
	return in
}

// atomKey returns the row and column that table ti of a family counts
// atom a in, and whether it counts it at all.
func atomKey(a *atom, ti int, def *tableDef) (string, string, bool) {
	r, c := a.keys[2*ti], a.keys[2*ti+1]
	if !r.Valid || !c.Valid {
		return "", "", false
	}
	row := r.String
	if def.mapRow != nil {
		row = def.mapRow(row)
	}
	return row, c.String, true
}

// aggOf is table ti's counts over the months in.
func aggOf(atoms []atom, ti int, def *tableDef, in [12]bool) agg {
	out := agg{}
	for i := range atoms {
		a := &atoms[i]
		if !in[a.month] {
			continue
		}
		r, c, ok := atomKey(a, ti, def)
		if !ok {
			continue
		}
		k := [2]string{r, c}
		x := out[k]
		x.n += a.n
		x.sum += a.sum
		out[k] = x
	}
	return out
}

// cellAtoms returns the atoms that the count of table ti in row (""
// for the total row) and column ("total" for the total column) over the
// months in sums.
func cellAtoms(atoms []atom, ti int, def *tableDef, in [12]bool, row, col string) []int {
	var out []int
	for i := range atoms {
		a := &atoms[i]
		if !in[a.month] {
			continue
		}
		r, c, ok := atomKey(a, ti, def)
		if !ok || row != "" && r != row {
			continue
		}
		if col == "total" {
			if !def.hasCol(c) {
				continue
			}
		} else if c != col {
			continue
		}
		out = append(out, i)
	}
	return out
}

// hasCol reports whether c is one of the table's count columns.
func (def *tableDef) hasCol(c string) bool {
	for _, x := range def.cols {
		if x.Key == c {
			return true
		}
	}
	return false
}

// countCells calls f for every count of t, with its row's key ("" for
// the total row) and its column's.
func countCells(t *vigil.Table, f func(row string, col string, cell *vigil.Cell)) {
	rows := t.Rows
	if t.Total != nil {
		rows = append(append([]*vigil.Row(nil), rows...), t.Total)
	}
	for ri, r := range rows {
		key := r.Key
		if t.Total != nil && ri == len(rows)-1 {
			key = ""
		}
		for i, c := range t.Columns {
			if c.Kind == vigil.ColCount && i < len(r.Cells) {
				f(key, c.Key, &r.Cells[i])
			}
		}
	}
}

// publishedTable is a table of an earlier release of the year.
type publishedTable struct {
	ti     int
	period vigil.ReportPeriod
	t      *vigil.Table
}

// releasesOfYear returns the tables, by dashboard and key, of every
// release of a period within the financial year fy, corrections included.
func (s *Store) releasesOfYear(ctx context.Context, fy vigil.ReportPeriod) (map[string][]publishedTable, error) {
	periods := map[string]vigil.ReportPeriod{}
	var keys []any
	var marks []string
	for _, p := range vigil.FiscalPeriods(fy) {
		periods[p.Key] = p
		keys, marks = append(keys, p.Key), append(marks, "?")
	}
	rels, err := s.releasesWhere(ctx, ` WHERE period IN (`+strings.Join(marks, ", ")+`)`, keys...)
	if err != nil {
		return nil, err
	}
	out := map[string][]publishedTable{}
	for _, r := range rels {
		var f vigil.ReleaseFigures
		if err := json.Unmarshal(r.Figures, &f); err != nil {
			return nil, internal("read release", err)
		}
		for _, pt := range f.Tables {
			out[pt.Dashboard+"."+pt.Key] = append(out[pt.Dashboard+"."+pt.Key], publishedTable{period: periods[r.PeriodKey], t: pt.Table()})
		}
	}
	return out, nil
}

// protect hides cells of a family's new tables (fresh, by index in tabs),
// for the period p, until no hidden or small count of the year can be
// worked out from the figures published. It returns how many hidden
// counts of earlier releases could already be worked out from earlier
// releases alone (say, after late records changed a zero): nothing now
// can change that, and the caller reports it.
func protect(atoms []atom, tabs []famTable, fresh map[int]*vigil.Table, p, fy vigil.ReportPeriod, earlier map[string][]publishedTable) int {
	audit := vigil.NewDisclosureAudit(len(atoms))
	var sensitive [][]int
	for ti, ft := range tabs {
		for _, pt := range earlier[ft.topic+"."+ft.def.key] {
			in := monthsOf(fy, pt.period)
			countCells(pt.t, func(row, col string, c *vigil.Cell) {
				v := cellAtoms(atoms, ti, ft.def, in, row, col)
				if c.Suppressed {
					sensitive = append(sensitive, v)
				} else {
					audit.Know(v)
				}
			})
		}
		// Every small count of every period of the year, published or
		// not: a quarter less two of its months must not give the third.
		for _, q := range vigil.FiscalPeriods(fy) {
			in := monthsOf(fy, q)
			a := aggOf(atoms, ti, ft.def, in)
			rowsSeen := map[string]bool{"": true}
			for k := range a {
				rowsSeen[k[0]] = true
			}
			cols := []string{"total"}
			for _, c := range ft.def.cols {
				cols = append(cols, c.Key)
			}
			for _, r := range slices.Sorted(maps.Keys(rowsSeen)) {
				for _, c := range cols {
					var n int64
					if c == "total" {
						for _, x := range ft.def.cols {
							n += a.n(r, x.Key)
						}
						if r == "" {
							n = a.all(colKeys(ft.def)...)
						}
					} else if r == "" {
						n = a.all(c)
					} else {
						n = a.n(r, c)
					}
					if n >= 1 && n <= vigil.SmallCount {
						sensitive = append(sensitive, cellAtoms(atoms, ti, ft.def, in, r, c))
					}
				}
			}
		}
	}
	known := 0
	for _, v := range sensitive {
		if audit.KnownAlready(v) {
			known++
		}
	}
	in := monthsOf(fy, p)
	// In the order of the tables, so that the same figures are always
	// suppressed alike.
	order := make([]int, 0, len(fresh))
	for ti := range fresh {
		order = append(order, ti)
	}
	slices.Sort(order)
	for round := 0; round < 10000; round++ {
		type ref struct {
			cell  *vigil.Cell
			total bool
		}
		var pub [][]int
		var refs []ref
		hidden := append([][]int(nil), sensitive...)
		for _, ti := range order {
			t := fresh[ti]
			vigil.Suppress(t)
			countCells(t, func(row, col string, c *vigil.Cell) {
				v := cellAtoms(atoms, ti, tabs[ti].def, in, row, col)
				if c.Suppressed {
					hidden = append(hidden, v)
				} else if len(v) > 0 {
					pub, refs = append(pub, v), append(refs, ref{c, row == "" || col == "total"})
				}
			})
		}
		recs := audit.Check(pub, hidden)
		changed := false
		for _, r := range recs {
			// Hide the cheapest figure the recovery uses: the smallest
			// count inside a table, totals last (as Suppress chooses).
			best, cost := -1, 0.0
			for _, i := range r.Via {
				c := refs[i]
				if c.cell.Suppressed {
					best = -2 // already hidden in this round
					break
				}
				k := c.cell.Value
				if c.total {
					k += 1e6
				}
				if best < 0 || k < cost {
					best, cost = i, k
				}
			}
			if best >= 0 {
				refs[best].cell.Suppressed = true
				changed = true
			}
		}
		if !changed {
			return known
		}
	}
	return known
}

func colKeys(def *tableDef) []string {
	var out []string
	for _, c := range def.cols {
		out = append(out, c.Key)
	}
	return out
}
