package vigil_test

import (
	"fmt"
	"math"
	"math/rand/v2"
	"testing"

	"github.com/vigil-project/vigil"
)

// table builds a table of counts with a total column and a total row.
func table(cells [][]float64, totals bool) *vigil.Table {
	t := &vigil.Table{Key: "t"}
	for j := range cells[0] {
		t.Columns = append(t.Columns, vigil.Column{Key: fmt.Sprint("c", j), Kind: vigil.ColCount})
	}
	if totals {
		t.Columns = append(t.Columns, vigil.Column{Key: "total", Kind: vigil.ColCount})
	}
	t.Columns = append(t.Columns, vigil.Column{Key: "pct", Kind: vigil.ColPercent})
	colSum := make([]float64, len(cells[0])+1)
	for i, row := range cells {
		r := &vigil.Row{Key: fmt.Sprint("r", i)}
		sum := 0.0
		for j, v := range row {
			r.Cells = append(r.Cells, vigil.Cell{Value: v})
			sum += v
			colSum[j] += v
		}
		colSum[len(row)] += sum
		if totals {
			r.Cells = append(r.Cells, vigil.Cell{Value: sum})
		}
		r.Cells = append(r.Cells, vigil.Cell{Value: 50})
		t.Rows = append(t.Rows, r)
	}
	if totals {
		tr := &vigil.Row{Key: "total"}
		for _, v := range colSum {
			tr.Cells = append(tr.Cells, vigil.Cell{Value: v})
		}
		tr.Cells = append(tr.Cells, vigil.Cell{Value: 50})
		t.Total = tr
	}
	return t
}

// grid returns the counts of t (rows then the total row; columns then the
// total column) and which are suppressed.
func grid(t *vigil.Table) (v [][]float64, s [][]bool) {
	rows := append([]*vigil.Row(nil), t.Rows...)
	if t.Total != nil {
		rows = append(rows, t.Total)
	}
	for _, r := range rows {
		var vr []float64
		var sr []bool
		for i, c := range t.Columns {
			if c.Kind == vigil.ColCount {
				vr = append(vr, r.Cells[i].Value)
				sr = append(sr, r.Cells[i].Suppressed)
			}
		}
		v, s = append(v, vr), append(s, sr)
	}
	return v, s
}

// determined reports, for each suppressed cell, whether the published
// totals and cells fix its value: whether its unit vector lies in the row
// space of the constraints restricted to the suppressed cells.
func determined(s [][]bool) map[[2]int]bool {
	nr, nc := len(s), len(s[0])
	var unknowns [][2]int
	index := map[[2]int]int{}
	for i := range nr {
		for j := range nc {
			if s[i][j] {
				index[[2]int{i, j}] = len(unknowns)
				unknowns = append(unknowns, [2]int{i, j})
			}
		}
	}
	var rows [][]float64
	line := func(cells [][2]int, totalCell [2]int) {
		r := make([]float64, len(unknowns))
		for _, c := range cells {
			if k, ok := index[c]; ok {
				r[k] = 1
			}
		}
		if k, ok := index[totalCell]; ok {
			r[k] = -1
		}
		rows = append(rows, r)
	}
	for i := range nr {
		var cells [][2]int
		for j := 0; j < nc-1; j++ {
			cells = append(cells, [2]int{i, j})
		}
		line(cells, [2]int{i, nc - 1})
	}
	for j := range nc {
		var cells [][2]int
		for i := 0; i < nr-1; i++ {
			cells = append(cells, [2]int{i, j})
		}
		line(cells, [2]int{nr - 1, j})
	}
	base := rank(rows)
	out := map[[2]int]bool{}
	for k, u := range unknowns {
		e := make([]float64, len(unknowns))
		e[k] = 1
		out[u] = rank(append(append([][]float64(nil), rows...), e)) == base
	}
	return out
}

func rank(m [][]float64) int {
	a := make([][]float64, len(m))
	for i := range m {
		a[i] = append([]float64(nil), m[i]...)
	}
	r := 0
	if len(a) == 0 {
		return 0
	}
	for c := 0; c < len(a[0]) && r < len(a); c++ {
		p := -1
		for i := r; i < len(a); i++ {
			if math.Abs(a[i][c]) > 1e-9 {
				p = i
				break
			}
		}
		if p < 0 {
			continue
		}
		a[r], a[p] = a[p], a[r]
		for i := range a {
			if i != r && math.Abs(a[i][c]) > 1e-9 {
				f := a[i][c] / a[r][c]
				for j := c; j < len(a[i]); j++ {
					a[i][j] -= f * a[r][j]
				}
			}
		}
		r++
	}
	return r
}

// TestSuppressProtects checks, on many random sparse tables, that no small
// count is published, that published counts are true, that every row and
// column holds no suppressed cell or at least two, and that no suppressed
// count can be solved for from what is published.
func TestSuppressProtects(t *testing.T) {
	rng := rand.New(rand.NewPCG(1, 2))
	for n := range 2000 {
		nr, nc := 1+rng.IntN(8), 1+rng.IntN(4)
		cells := make([][]float64, nr)
		for i := range cells {
			cells[i] = make([]float64, nc)
			for j := range cells[i] {
				switch rng.IntN(4) {
				case 0: // zero
				case 1:
					cells[i][j] = float64(1 + rng.IntN(4))
				default:
					cells[i][j] = float64(rng.IntN(30))
				}
			}
		}
		tb := table(cells, true)
		want, _ := grid(tb)
		vigil.Suppress(tb)
		v, s := grid(tb)
		for i := range v {
			for j := range v[i] {
				if s[i][j] {
					continue
				}
				if v[i][j] >= 1 && v[i][j] <= vigil.SmallCount {
					t.Fatalf("table %d: small count %v published at (%d,%d)", n, v[i][j], i, j)
				}
				if v[i][j] != want[i][j] {
					t.Fatalf("table %d: published %v at (%d,%d), true value %v", n, v[i][j], i, j, want[i][j])
				}
			}
		}
		for i := range s {
			k := 0
			for j := range s[i] {
				if s[i][j] {
					k++
				}
			}
			if k == 1 {
				t.Fatalf("table %d: row %d has one suppressed cell: %v", n, i, s)
			}
		}
		for u, det := range determined(s) {
			if det {
				t.Fatalf("table %d: suppressed cell %v (true value %v) can be solved for:\nvalues %v\nsuppressed %v", n, u, want[u[0]][u[1]], want, s)
			}
		}
		for i, r := range append(tb.Rows, tb.Total) {
			hidden := false
			for j := range s[i] {
				hidden = hidden || s[i][j]
			}
			if pct := r.Cells[len(r.Cells)-1]; hidden != pct.Suppressed {
				t.Fatalf("table %d row %d: a hidden count but the percentage is shown, or the reverse", n, i)
			}
		}
	}
}

// TestSuppressBridge is the case the line rule alone misses: two blocks of
// suppressed cells joined by one cell, which the totals would give away.
func TestSuppressBridge(t *testing.T) {
	cells := [][]float64{
		{2, 3, 10, 0},
		{3, 2, 0, 0},
		{0, 0, 2, 3},
		{0, 0, 3, 2},
	}
	tb := table(cells, true)
	vigil.Suppress(tb)
	_, s := grid(tb)
	for u, det := range determined(s) {
		if det {
			t.Errorf("suppressed cell %v can be solved for: %v", u, s)
		}
	}
}

// TestSuppressSmallTables covers tables without totals, zeros, and a
// single small count that is the whole table.
func TestSuppressSmallTables(t *testing.T) {
	tests := []struct {
		name   string
		cells  [][]float64
		totals bool
		hidden int // suppressed counts expected
	}{
		{"nothing small", [][]float64{{10, 20}, {30, 40}}, true, 0},
		{"all zero", [][]float64{{0, 0}, {0, 0}}, true, 0},
		{"one small count: its totals are small too", [][]float64{{3}}, true, 4},
		{"no totals: only the small count", [][]float64{{3, 9}, {12, 2}}, false, 2},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			tb := table(tt.cells, tt.totals)
			vigil.Suppress(tb)
			_, s := grid(tb)
			n := 0
			for i := range s {
				for j := range s[i] {
					if s[i][j] {
						n++
					}
				}
			}
			if n != tt.hidden {
				t.Errorf("%d counts suppressed, want %d: %v", n, tt.hidden, s)
			}
		})
	}
}
