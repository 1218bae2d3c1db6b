package sqlstore_test

import (
	"context"
	"encoding/json"
	"fmt"
	"math"
	"testing"
	"time"

	"github.com/vigil-project/vigil"
)

// lastMonth returns the last whole calendar month before now.
func lastMonth(now time.Time) vigil.ReportPeriod {
	m := now.In(vigil.London).AddDate(0, 0, -now.In(vigil.London).Day()+1).AddDate(0, -1, 0)
	return vigil.Month(m.Year(), m.Month())
}

// lastQuarter returns the last whole calendar quarter before now, and its months.
func lastQuarter(now time.Time) (vigil.ReportPeriod, []vigil.ReportPeriod) {
	q := vigil.QuarterOf(vigil.QuarterOf(now).From.Add(-time.Hour))
	var months []vigil.ReportPeriod
	for m := q.From; m.Before(q.To); m = m.AddDate(0, 1, 0) {
		months = append(months, vigil.Month(m.Year(), m.Month()))
	}
	return q, months
}

// cellKey names one published count: a release's period, a table, a row
// ("" for the total row) and a column.
type cellKey struct{ period, table, row, col string }

// attacker is what anyone can work out from published releases: each
// count is a number or unknown; and the equations that hold between
// counts, each a combination of counts that is zero.
type attacker struct {
	known  map[cellKey]float64
	hidden map[cellKey]bool
	eqs    []map[cellKey]float64
}

func newAttacker(t *testing.T, rels []*vigil.Release) *attacker {
	t.Helper()
	a := &attacker{known: map[cellKey]float64{}, hidden: map[cellKey]bool{}}
	tables := map[string]map[string]*vigil.PublishedTable{} // period -> table -> figures
	for _, r := range rels {
		var f vigil.ReleaseFigures
		if err := json.Unmarshal(r.Figures, &f); err != nil {
			t.Fatal(err)
		}
		tables[r.PeriodKey] = map[string]*vigil.PublishedTable{}
		for _, pt := range f.Tables {
			name := pt.Dashboard + "." + pt.Key
			tables[r.PeriodKey][name] = pt
			rows := pt.Rows
			if pt.Total != nil {
				rows = append(append([]vigil.PublishedRow(nil), rows...), *pt.Total)
			}
			for _, row := range rows {
				for i, c := range row.Cells {
					if pt.Columns[i].Kind != vigil.ColCount {
						continue
					}
					k := cellKey{r.PeriodKey, name, row.Key, pt.Columns[i].Key}
					if c.Suppressed {
						a.hidden[k] = true
					} else if c.Value != nil {
						a.known[k] = *c.Value
					}
				}
			}
			// A total minus the visible cells: each row sums to its total,
			// each column to the total row.
			total := len(pt.Columns) > 0 && pt.Columns[len(pt.Columns)-1].Kind == vigil.ColCount && pt.Columns[len(pt.Columns)-1].Key == "total"
			for _, row := range rows {
				if !total {
					break
				}
				eq := map[cellKey]float64{{r.PeriodKey, name, row.Key, "total"}: -1}
				for _, c := range pt.Columns {
					if c.Kind == vigil.ColCount && c.Key != "total" {
						eq[cellKey{r.PeriodKey, name, row.Key, c.Key}] += 1
					}
				}
				a.eqs = append(a.eqs, eq)
			}
			if pt.Total != nil {
				for _, c := range pt.Columns {
					if c.Kind != vigil.ColCount {
						continue
					}
					eq := map[cellKey]float64{{r.PeriodKey, name, "", c.Key}: -1}
					for _, row := range pt.Rows {
						eq[cellKey{r.PeriodKey, name, row.Key, c.Key}] += 1
					}
					a.eqs = append(a.eqs, eq)
				}
			}
		}
	}
	// Tables that count the same things: their totals agree. (Each pair
	// names a cell of one table equal to a cell of another.)
	same := [][2][3]string{
		{{"referrals.source", "", "n"}, {"referrals.agency", "", "n"}},
		{{"referrals.source", "", "n"}, {"delay.band", "", "total"}},
		{{"delay.band", "", "total"}, {"delay.agency", "", "total"}},
		{{"escalations.level", "", "total"}, {"escalations.kind", "", "total"}},
		{{"escalations.level", "", "total"}, {"escalations.agency", "", "total"}},
		{{"escalations.level", "", "open"}, {"escalations.kind", "", "open"}},
		{{"escalations.level", "", "resolved"}, {"escalations.kind", "", "resolved"}},
		{{"screening.level", "", "n"}, {"screening.agency", "", "total"}},
		{{"closure.duration", "", "n"}, {"closure.agency", "", "total"}},
	}
	for _, b := range []string{"h1", "d1", "d7", "over"} {
		same = append(same, [2][3]string{{"delay.band", b, "total"}, {"delay.agency", "", b}})
	}
	for _, b := range []string{"m1", "m3", "m6", "m12", "over"} {
		same = append(same, [2][3]string{{"closure.duration", b, "n"}, {"closure.agency", "", b}})
	}
	for _, l := range []string{"high", "medium", "low", "none"} {
		same = append(same, [2][3]string{{"screening.level", l, "n"}, {"screening.agency", "", l}})
	}
	for _, s := range []string{"professional", "public", "young_person"} {
		same = append(same, [2][3]string{{"referrals.source", s, "n"}, {"delay.band", "", s}})
	}
	for p, ts := range tables {
		for _, s := range same {
			if ts[s[0][0]] != nil && ts[s[1][0]] != nil {
				a.eqs = append(a.eqs, map[cellKey]float64{{p, s[0][0], s[0][1], s[0][2]}: 1, {p, s[1][0], s[1][1], s[1][2]}: -1})
			}
		}
		// Concerns from the public and young people have no agency.
		if ts["referrals.source"] != nil && ts["referrals.agency"] != nil {
			a.eqs = append(a.eqs, map[cellKey]float64{{p, "referrals.source", "public", "n"}: 1, {p, "referrals.source", "young_person", "n"}: 1,
				{p, "referrals.agency", "public", "n"}: -1})
		}
	}
	// Two overlapping periods: a quarter is the sum of its months, so a
	// quarter less two months gives the third. A month not published, or
	// a row a month does not show (a zero), is a count like any other.
	for p, ts := range tables {
		if len(p) != 7 || p[4:6] != "-Q" {
			continue
		}
		q, err := vigil.ParsePeriod(p, vigil.Now())
		if err != nil {
			t.Fatal(err)
		}
		for name, pt := range ts {
			rows := map[string]bool{"": true}
			for _, r := range pt.Rows {
				rows[r.Key] = true
			}
			var months []string
			for m := q.From; m.Before(q.To); m = m.AddDate(0, 1, 0) {
				mk := vigil.Month(m.Year(), m.Month()).Key
				months = append(months, mk)
				if mt := tables[mk][name]; mt != nil {
					for _, r := range mt.Rows {
						rows[r.Key] = true
					}
				}
			}
			for row := range rows {
				for _, c := range pt.Columns {
					if c.Kind != vigil.ColCount {
						continue
					}
					eq := map[cellKey]float64{{p, name, row, c.Key}: -1}
					for _, mk := range months {
						k := cellKey{mk, name, row, c.Key}
						if tables[mk] != nil && tables[mk][name] != nil && !a.hidden[k] {
							if _, ok := a.known[k]; !ok {
								a.known[k] = 0 // a row the month does not show
							}
						}
						eq[k] += 1
					}
					if _, ok := a.known[cellKey{p, name, row, c.Key}]; !ok && !a.hidden[cellKey{p, name, row, c.Key}] {
						a.known[cellKey{p, name, row, c.Key}] = 0
					}
					a.eqs = append(a.eqs, eq)
				}
			}
		}
	}
	return a
}

// recovered returns the hidden counts that the equations fix: those whose
// unit vector lies in the span of the equations restricted to unknowns.
func (a *attacker) recovered() []cellKey {
	index := map[cellKey]int{}
	var unknowns []cellKey
	unknown := func(k cellKey) (int, bool) {
		if _, ok := a.known[k]; ok {
			return 0, false
		}
		i, ok := index[k]
		if !ok {
			i = len(unknowns)
			index[k] = i
			unknowns = append(unknowns, k)
		}
		return i, true
	}
	type sparse map[int]float64
	var m []sparse
	for _, eq := range a.eqs {
		r := sparse{}
		for k, v := range eq {
			if i, ok := unknown(k); ok {
				r[i] += v
			}
		}
		m = append(m, r)
	}
	dense := func(extra sparse) [][]float64 {
		out := make([][]float64, 0, len(m)+1)
		for _, r := range append(append([]sparse(nil), m...), extra) {
			if r == nil {
				continue
			}
			d := make([]float64, len(unknowns))
			for i, v := range r {
				d[i] = v
			}
			out = append(out, d)
		}
		return out
	}
	base := floatRank(dense(nil))
	var out []cellKey
	for k := range a.hidden {
		i, ok := index[k]
		if !ok {
			continue // in no equation: nothing gives it away
		}
		if floatRank(dense(sparse{i: 1})) == base {
			out = append(out, k)
		}
	}
	return out
}

func floatRank(m [][]float64) int {
	r := 0
	if len(m) == 0 {
		return 0
	}
	for c := 0; c < len(m[0]) && r < len(m); c++ {
		p := -1
		best := 1e-9
		for i := r; i < len(m); i++ {
			if math.Abs(m[i][c]) > best {
				p, best = i, math.Abs(m[i][c])
			}
		}
		if p < 0 {
			continue
		}
		m[r], m[p] = m[p], m[r]
		for i := range m {
			if i != r && m[i][c] != 0 {
				f := m[i][c] / m[r][c]
				for j := c; j < len(m[i]); j++ {
					m[i][j] -= f * m[r][j]
				}
			}
		}
		r++
	}
	return r
}

// TestReleasesResistDifferencing publishes three months and their
// quarter, with small counts in some months, and attacks the releases as
// anyone could: a quarter less two of its months; a total less the cells
// shown beside it; and one table's totals against another's that counts
// the same concerns, escalations or closures. No suppressed count may be
// recovered.
func TestReleasesResistDifferencing(t *testing.T) {
	engines(t, func(t *testing.T, e *env) {
		ctx := context.Background()
		progressed(t, e)
		q, months := lastQuarter(vigil.Now())
		// Young people's own reports and the public's: a small number in
		// one month beside larger ones in the others.
		counts := []struct{ young, public, pro int }{{6, 9, 5}, {7, 0, 6}, {2, 3, 8}}
		dsl := e.user(t, "school.dsl")
		for i, m := range months {
			at := func(k int) time.Time { return m.From.Add(36*time.Hour + time.Duration(k)*7*time.Hour) }
			k := 0
			for range counts[i].young {
				if _, _, err := e.store.RaiseConcern(ctx, vigil.PublicActor, vigil.NewConcern{Source: vigil.SourceYoungPerson, ReceivedAt: at(k),
					WhatHappened: "I am scared to go home."}); err != nil {
					t.Fatal(err)
				}
				k++
			}
			for range counts[i].public {
				if _, _, err := e.store.RaiseConcern(ctx, vigil.PublicActor, vigil.NewConcern{Source: vigil.SourcePublic, ReceivedAt: at(k),
					WhatHappened: "A girl from next door gets into different cars late at night."}); err != nil {
					t.Fatal(err)
				}
				k++
			}
			for j := range counts[i].pro {
				age := 14
				if _, _, err := e.store.RaiseConcern(ctx, dsl, vigil.NewConcern{ReceivedAt: at(k), Child: vigil.Child{Name: fmt.Sprintf("Pupil %d-%d", i, j), Age: &age},
					WhatHappened: "Often absent; seen with older men."}); err != nil {
					t.Fatal(err)
				}
				k++
			}
		}
		scrutiny := e.user(t, "scrutiny")
		var rels []*vigil.Release
		for _, p := range append(append([]vigil.ReportPeriod(nil), months...), q) {
			r, err := e.store.PublishRelease(ctx, scrutiny, p, "")
			if err != nil {
				t.Fatalf("publish %s: %v", p.Key, err)
			}
			rels = append(rels, r)
		}
		a := newAttacker(t, rels)
		if len(a.hidden) == 0 {
			t.Fatal("nothing was suppressed: the test's data are not small enough")
		}
		young := cellKey{months[2].Key, "referrals.source", "young_person", "n"}
		if !a.hidden[young] {
			t.Errorf("2 referrals by young people in %s were published", months[2].Label)
		}
		t.Logf("%d counts published, %d suppressed", len(a.known), len(a.hidden))
		for _, k := range a.recovered() {
			t.Errorf("suppressed count recovered by differencing: %+v", k)
		}
		e.verify(t)
	})
}

// TestReleaseCountsAgreeWithDashboards: a release counts its tables atom
// by atom, a dashboard table by table; before suppression they must be
// the same figures. (Every published count is checked against the
// dashboard's for the same period.)
func TestReleaseCountsAgreeWithDashboards(t *testing.T) {
	engines(t, func(t *testing.T, e *env) {
		ctx := context.Background()
		progressed(t, e)
		q, _ := lastQuarter(vigil.Now())
		r, err := e.store.PublishRelease(ctx, e.user(t, "director"), q, "")
		if err != nil {
			t.Fatal(err)
		}
		var f vigil.ReleaseFigures
		if err := json.Unmarshal(r.Figures, &f); err != nil {
			t.Fatal(err)
		}
		checked := 0
		for _, pt := range f.Tables {
			d, err := e.store.Dashboard(ctx, e.user(t, "investigator"), pt.Dashboard, q)
			if err != nil {
				t.Fatal(err)
			}
			want := d.Table(pt.Key)
			if want == nil {
				t.Fatalf("%s.%s: no such dashboard table", pt.Dashboard, pt.Key)
			}
			got := pt.Table()
			byKey := map[string]*vigil.Row{}
			for _, row := range append(want.Rows, want.Total) {
				byKey[row.Key] = row
			}
			for _, row := range append(got.Rows, got.Total) {
				w := byKey[row.Key]
				for i, c := range row.Cells {
					if c.Suppressed || c.NA || got.Columns[i].Kind != vigil.ColCount {
						continue
					}
					var wv float64
					if w != nil {
						wv = w.Cells[i].Value
					}
					if c.Value != wv {
						t.Errorf("%s.%s row %q column %s: release %v, dashboard %v", pt.Dashboard, pt.Key, row.Label, got.Columns[i].Key, c.Value, wv)
					}
					checked++
				}
			}
		}
		if checked < 50 {
			t.Errorf("only %d figures compared", checked)
		}
	})
}

// TestPublishOnlyFixedPeriodsOnce: a release is of a month, a quarter or a
// financial year that has ended; a period is published once, and
// publishing it again is a correction, which must change something, say
// why, list what changed and be logged as a correction.
func TestPublishOnlyFixedPeriodsOnce(t *testing.T) {
	engines(t, func(t *testing.T, e *env) {
		ctx := context.Background()
		now := vigil.Now()
		director := e.user(t, "director")
		m := lastMonth(now)
		bad := []struct {
			name string
			p    vigil.ReportPeriod
		}{
			{"the last 12 months, which move every day", vigil.Last12Months(now)},
			{"a range of days", vigil.DateRange(m.From, m.To.AddDate(0, 0, -2))},
			{"a month not yet over", vigil.Month(now.Year(), now.Month())},
			{"a quarter not yet over", vigil.QuarterOf(now)},
			{"a financial year not yet over", vigil.FinancialYearOf(now)},
		}
		for _, tt := range bad {
			if _, err := e.store.PublishRelease(ctx, director, tt.p, "note"); vigil.ErrorCode(err) != vigil.EINVALID {
				t.Errorf("%s: err = %v, want EINVALID", tt.name, err)
			}
		}
		r1, err := e.store.PublishRelease(ctx, director, m, "")
		if err != nil {
			t.Fatal(err)
		}
		if _, err := e.store.PublishRelease(ctx, director, m, "Again, please"); vigil.ErrorCode(err) != vigil.ECONFLICT {
			t.Fatalf("republishing unchanged figures: err = %v, want ECONFLICT", err)
		}
		// A late record changes the month's figures.
		for i := range 6 {
			if _, _, err := e.store.RaiseConcern(ctx, vigil.PublicActor, vigil.NewConcern{Source: vigil.SourcePublic,
				ReceivedAt: m.From.Add(time.Duration(40+i) * time.Hour), WhatHappened: "Reported late."}); err != nil {
				t.Fatal(err)
			}
		}
		if _, err := e.store.PublishRelease(ctx, director, m, ""); vigil.ErrorCode(err) != vigil.EINVALID || vigil.ErrorFields(err)[0].Field != "note" {
			t.Fatalf("a correction without a reason: err = %v", err)
		}
		r2, err := e.store.PublishRelease(ctx, director, m, "Six concerns from the public were recorded late")
		if err != nil {
			t.Fatal(err)
		}
		var f vigil.ReleaseFigures
		if err := json.Unmarshal(r2.Figures, &f); err != nil {
			t.Fatal(err)
		}
		if r2.Replaces != r1.ID || f.Correction == nil || f.Correction.Replaces != r1.Number || f.Correction.Reason == "" {
			t.Fatalf("correction: replaces %q, %+v", r2.Replaces, f.Correction)
		}
		found := false
		for _, c := range f.Correction.Changes {
			if c.Table == "referrals.source" && c.Row == "Members of the public" && c.Column == "Concerns" {
				found = true
			}
		}
		if !found {
			t.Errorf("the correction does not say the public's concerns changed: %+v", f.Correction.Changes)
		}
		if n := ovCountIn(t, e, "statistics.corrected", r2.ID); n != 1 {
			t.Errorf("the correction was logged %d times as a correction", n)
		}
		e.verify(t)
	})
}
