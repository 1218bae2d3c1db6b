package vigil

// Statistical disclosure control for published tables, after the practice
// of the Department for Education's and the Office for National
// Statistics' children's statistics: small counts are hidden (primary
// suppression), and further cells are hidden so that no hidden count can
// be worked out from the totals published beside it (secondary
// suppression).
//
// A table of counts with its totals is a grid: each row's cells sum to the
// row's total, each column's cells to the column's total, and the totals
// to the grand total. Each such sum is a line. A hidden count can be
// recovered exactly when the lines pin it down, which happens exactly when
// it is a bridge of the graph whose vertices are the lines and whose edges
// are the hidden cells (each cell joins its row's line and its column's):
// a hidden cell on a cycle of hidden cells can move up and down around the
// cycle without changing any total, while a bridge cannot. So Suppress
// hides complements until every line holds no hidden cell or at least
// two, and every hidden cell lies on a cycle. Complements are chosen to
// lose as little as possible: the smallest non-zero count inside the
// table first, then totals, and zeros last (a zero beside a small count
// protects it from nothing).

// SmallCount is the largest count that is never published: counts from 1
// to SmallCount are suppressed. Zero is published: that nothing happened
// identifies nobody.
const SmallCount = 4

// Costs of hiding a cell, so that complements are chosen as described above.
const (
	costTotal = 1e6
	costZero  = 1e9
)

// Suppress hides small counts of t and their complements, in place, and
// then every percentage or average of a row that has a hidden count. It
// may be called more than once.
func Suppress(t *Table) {
	var counts []int // columns of counts below the total
	total := -1
	for i, c := range t.Columns {
		switch {
		case c.Kind == ColCount && c.Key == "total":
			total = i
		case c.Kind == ColCount:
			counts = append(counts, i)
		}
	}
	rows := append([]*Row(nil), t.Rows...)
	if t.Total != nil {
		rows = append(rows, t.Total)
	}
	cols := counts
	if total >= 0 {
		cols = append(append([]int(nil), counts...), total)
	}
	g := &grid{
		nr: len(rows), nc: len(cols),
		rowLines: total >= 0, colLines: t.Total != nil,
		totalRow: t.Total != nil, totalCol: total >= 0,
	}
	g.v = make([][]float64, g.nr)
	g.s = make([][]bool, g.nr)
	for r, row := range rows {
		g.v[r] = make([]float64, g.nc)
		g.s[r] = make([]bool, g.nc)
		for c, col := range cols {
			g.v[r][c] = row.Cells[col].Value
			g.s[r][c] = row.Cells[col].Suppressed
		}
	}
	g.suppress()
	any := false
	// A share of the grand total, beside its row's count, gives the grand
	// total away: hide shares everywhere once any total is hidden.
	shares := false
	if t.Total != nil {
		for c := range cols {
			shares = shares || g.s[g.nr-1][c]
		}
	}
	for r, row := range rows {
		if shares {
			for i, col := range t.Columns {
				if col.Share && !row.Cells[i].Suppressed {
					row.Cells[i].Suppressed, row.Cells[i].Value, row.Cells[i].NA = true, 0, false
					any = true
				}
			}
		}
		hidden := false
		for c, col := range cols {
			if g.s[r][c] {
				row.Cells[col].Suppressed, row.Cells[col].Value, row.Cells[col].Drill = true, 0, false
				hidden = true
			}
		}
		if !hidden {
			continue
		}
		any = true
		for i, col := range t.Columns {
			if col.Kind != ColCount {
				row.Cells[i].Suppressed, row.Cells[i].Value, row.Cells[i].NA = true, 0, false
			}
		}
	}
	t.Suppressed = t.Suppressed || any
}

// grid is a table of counts as Suppress sees it: nr rows by nc columns,
// the last row being the column totals when totalRow is set and the last
// column the row totals when totalCol is set. rowLines says each row sums
// to its total (there is a total column); colLines that each column sums
// to its total (there is a total row).
type grid struct {
	nr, nc             int
	v                  [][]float64
	s                  [][]bool
	rowLines, colLines bool
	totalRow, totalCol bool
}

func (g *grid) isTotal(r, c int) bool {
	return g.totalRow && r == g.nr-1 || g.totalCol && c == g.nc-1
}

func (g *grid) cost(r, c int) float64 {
	v := g.v[r][c]
	switch {
	case v == 0:
		return costZero
	case g.isTotal(r, c):
		return costTotal + v
	}
	return v
}

func (g *grid) suppress() {
	for r := range g.nr {
		for c := range g.nc {
			if v := g.v[r][c]; v >= 1 && v <= SmallCount {
				g.s[r][c] = true
			}
		}
	}
	for g.lineStep() || g.bridgeStep() {
	}
}

// lineStep hides a complement in the first line that has exactly one
// hidden cell, and reports whether it hid one.
func (g *grid) lineStep() bool {
	if g.rowLines {
		for r := range g.nr {
			if g.fixLine(r, -1) {
				return true
			}
		}
	}
	if g.colLines {
		for c := range g.nc {
			if g.fixLine(-1, c) {
				return true
			}
		}
	}
	return false
}

// fixLine fixes row r (when c < 0) or column c.
func (g *grid) fixLine(r, c int) bool {
	n := 0
	best, bi, bj := 0.0, -1, -1
	visit := func(i, j int) {
		if g.s[i][j] {
			n++
			return
		}
		if k := g.cost(i, j); bi < 0 || k < best {
			best, bi, bj = k, i, j
		}
	}
	if c < 0 {
		for j := range g.nc {
			visit(r, j)
		}
	} else {
		for i := range g.nr {
			visit(i, c)
		}
	}
	if n != 1 || bi < 0 {
		return false
	}
	g.s[bi][bj] = true
	return true
}

// bridgeStep finds a hidden cell that no cycle of hidden cells passes
// through, and hides the cheapest cells that complete a rectangle with it.
// It only applies when both rows and columns are lines: a cell in one line
// only is protected by any other hidden cell of that line.
func (g *grid) bridgeStep() bool {
	if !g.rowLines || !g.colLines {
		return false
	}
	for r := range g.nr {
		for c := range g.nc {
			if !g.s[r][c] || g.onCycle(r, c) {
				continue
			}
			best, br, bc := -1.0, -1, -1
			for r2 := range g.nr {
				for c2 := range g.nc {
					if r2 == r || c2 == c {
						continue
					}
					k := 0.0
					for _, e := range [][2]int{{r, c2}, {r2, c}, {r2, c2}} {
						if !g.s[e[0]][e[1]] {
							k += g.cost(e[0], e[1])
						}
					}
					if br < 0 || k < best {
						best, br, bc = k, r2, c2
					}
				}
			}
			if br < 0 {
				continue // a table of one row or one column: its line rule is all there is
			}
			g.s[r][bc], g.s[br][c], g.s[br][bc] = true, true, true
			return true
		}
	}
	return false
}

// onCycle reports whether hidden cell (r, c) lies on a cycle of hidden
// cells: whether, without it, row r's line still reaches column c's line
// through other hidden cells.
func (g *grid) onCycle(r, c int) bool {
	// Vertices: rows 0..nr-1, then columns nr..nr+nc-1.
	seen := make([]bool, g.nr+g.nc)
	stack := []int{r}
	seen[r] = true
	for len(stack) > 0 {
		v := stack[len(stack)-1]
		stack = stack[:len(stack)-1]
		if v < g.nr {
			for j := range g.nc {
				if g.s[v][j] && !(v == r && j == c) && !seen[g.nr+j] {
					if j == c {
						return true
					}
					seen[g.nr+j] = true
					stack = append(stack, g.nr+j)
				}
			}
		} else {
			j := v - g.nr
			for i := range g.nr {
				if g.s[i][j] && !(i == r && j == c) && !seen[i] {
					seen[i] = true
					stack = append(stack, i)
				}
			}
		}
	}
	return false
}
