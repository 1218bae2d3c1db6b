package vigil

// Disclosure audit across published tables. Suppress protects each table
// on its own; but a release publishes several tables that count the same
// things (concerns by who raised them, and by agency), and a month, its
// quarter and its financial year are each published, so that a quarter's
// count minus two of its months' gives the third month's. The audit sees
// every published count as a sum of "atoms" (the finest cells: one month,
// and every table's row and column at once) and asks, by linear algebra,
// whether a hidden count is a combination of published ones. A count that
// is can be recovered by adding and subtracting published figures; one
// that is not cannot, whatever figures an attacker combines.
//
// Arithmetic is modulo a prime, so that it is exact: a 0/1 matrix has the
// same rank over the rationals and modulo a large prime unless the prime
// divides a minor, which for the sizes here it does not in practice, and
// an error could only make the audit see a recovery that is not there,
// which hides more, never less. (A false "not recoverable" needs the rank
// modulo p to exceed the rank over the rationals, which cannot happen.)

const disclosurePrime = 2147483647 // 2^31 - 1

// DisclosureAudit holds what earlier releases made public, as sums of
// atoms, and checks new figures against it. The zero value is not usable:
// call NewDisclosureAudit.
type DisclosureAudit struct {
	n    int
	base []*auditRow // by pivot atom: knowledge already public
}

type auditRow struct {
	lo   int     // the pivot: the row's first non-zero atom, whose value is 1
	v    []int64 // the row's values for atoms lo, lo+1, ...
	coef []int64 // for new figures only: which figures the row combines
}

// NewDisclosureAudit returns an audit over atoms 0 to n-1, knowing nothing yet.
func NewDisclosureAudit(n int) *DisclosureAudit {
	return &DisclosureAudit{n: n, base: make([]*auditRow, n)}
}

// Know records a figure that is already public (a count of an earlier
// release), as the atoms it sums.
func (a *DisclosureAudit) Know(atoms []int) {
	v := a.vector(atoms)
	if a.reduce(v, nil, a.base) {
		return
	}
	r := newAuditRow(v, nil)
	a.base[r.lo] = r
}

// KnownAlready reports whether the sum of atoms can be worked out from
// what is already public.
func (a *DisclosureAudit) KnownAlready(atoms []int) bool {
	return a.reduce(a.vector(atoms), nil, a.base)
}

// Recovery is a hidden figure that new figures would give away: Hidden
// indexes the hidden figures checked, and Via the new published figures
// that working it out uses (at least one of them must be hidden too).
type Recovery struct {
	Hidden int
	Via    []int
}

// Check returns the hidden figures that could be worked out from what is
// already public together with the published figures. Hidden figures that
// were public already are not reported: nothing new gives them away.
func (a *DisclosureAudit) Check(published, hidden [][]int) []Recovery {
	np := len(published)
	top := make([]*auditRow, a.n)
	for i, atoms := range published {
		v := a.vector(atoms)
		coef := make([]int64, np)
		coef[i] = 1
		a.reduce(v, nil, a.base)
		// Rows of top have no non-zero at a pivot of base, so reducing
		// by base and then by top leaves v reduced by both.
		if a.reduce(v, coef, top) {
			continue
		}
		r := newAuditRow(v, coef)
		top[r.lo] = r
	}
	var out []Recovery
	for h, atoms := range hidden {
		v := a.vector(atoms)
		if a.reduce(v, nil, a.base) {
			continue // public before: nothing new gives it away
		}
		coef := make([]int64, np)
		if !a.reduce(v, coef, top) {
			continue
		}
		r := Recovery{Hidden: h}
		for i, c := range coef {
			if c != 0 {
				r.Via = append(r.Via, i)
			}
		}
		out = append(out, r)
	}
	return out
}

func (a *DisclosureAudit) vector(atoms []int) []int64 {
	v := make([]int64, a.n)
	for _, x := range atoms {
		v[x] = 1
	}
	return v
}

// reduce subtracts rows of b from v until v has no non-zero at any of b's
// pivots, accumulating into coef (when not nil) the negated combination
// of figures used; it reports whether v is then zero.
func (a *DisclosureAudit) reduce(v, coef []int64, b []*auditRow) bool {
	zero := true
	for j := 0; j < a.n; j++ {
		if v[j] == 0 {
			continue
		}
		r := b[j]
		if r == nil {
			zero = false
			continue
		}
		f := v[j]
		for k, x := range r.v {
			if x != 0 {
				v[r.lo+k] = mod(v[r.lo+k] - f*x)
			}
		}
		if coef != nil && r.coef != nil {
			for k, x := range r.coef {
				if x != 0 {
					coef[k] = mod(coef[k] - f*x)
				}
			}
		}
	}
	return zero
}

// newAuditRow makes v (reduced, not zero) a row, scaled so that its
// pivot is 1.
func newAuditRow(v, coef []int64) *auditRow {
	lo, hi := -1, 0
	for j, x := range v {
		if x != 0 {
			if lo < 0 {
				lo = j
			}
			hi = j
		}
	}
	inv := inverse(v[lo])
	r := &auditRow{lo: lo, v: make([]int64, hi-lo+1)}
	for k := range r.v {
		r.v[k] = mod(v[lo+k] * inv)
	}
	if coef != nil {
		r.coef = make([]int64, len(coef))
		for k, x := range coef {
			r.coef[k] = mod(x * inv)
		}
	}
	return r
}

func mod(x int64) int64 {
	x %= disclosurePrime
	if x < 0 {
		x += disclosurePrime
	}
	return x
}

// inverse returns x^-1 modulo the prime, by Fermat's little theorem.
func inverse(x int64) int64 {
	r, b, e := int64(1), mod(x), int64(disclosurePrime-2)
	for e > 0 {
		if e&1 == 1 {
			r = r * b % disclosurePrime
		}
		b = b * b % disclosurePrime
		e >>= 1
	}
	return r
}
