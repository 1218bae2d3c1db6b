package link

import (
	"math"
	"math/rand/v2"
	"sync"
)

// uFromSample sets the u probabilities from the comparison vectors of pairs
// drawn at random. Almost every random pair is two different people, so the
// share of each agreement level among them estimates u. When the data have
// no more pairs than the sample size, every pair is compared instead.
func (m *Model) uFromSample(recs []Record, nLeft int, cross bool, sample int, seed uint64, workers int) {
	n := len(recs)
	var total int64
	if cross {
		total = int64(nLeft) * int64(n-nLeft)
	} else {
		total = int64(n) * int64(n-1) / 2
	}
	var mu sync.Mutex
	var counts [NumFields][16]float64
	add := func(c *[NumFields][16]float64) {
		mu.Lock()
		defer mu.Unlock()
		for f := range c {
			for l := range c[f] {
				counts[f][l] += c[f][l]
			}
		}
	}
	if total == 0 {
		m.setU(&counts)
		return
	}
	if total <= int64(sample) {
		// Every pair, row by row.
		rows := n
		if cross {
			rows = nLeft
		}
		parallel(rows, workers, func(lo, hi int) {
			var c [NumFields][16]float64
			for i := lo; i < hi; i++ {
				start := i + 1
				if cross {
					start = nLeft
				}
				for j := start; j < n; j++ {
					g := Compare(&recs[i], &recs[j])
					for f := range NumFields {
						c[f][g.Level(f)]++
					}
				}
			}
			add(&c)
		})
	} else {
		const chunk = 1 << 14
		chunks := (sample + chunk - 1) / chunk
		parallel(chunks, workers, func(lo, hi int) {
			var c [NumFields][16]float64
			for k := lo; k < hi; k++ {
				// One generator per chunk: the same seed gives the same
				// sample whatever the number of workers.
				rng := rand.New(rand.NewPCG(seed, uint64(k)))
				for range chunk {
					var i, j int
					if cross {
						i, j = rng.IntN(nLeft), nLeft+rng.IntN(n-nLeft)
					} else {
						i, j = rng.IntN(n), rng.IntN(n-1)
						if j >= i {
							j++
						}
					}
					g := Compare(&recs[i], &recs[j])
					for f := range NumFields {
						c[f][g.Level(f)]++
					}
				}
			}
			add(&c)
		})
	}
	m.setU(&counts)
}

// setU turns level counts into u probabilities, with half a pair added to
// every level so that a level never seen among random pairs still has a
// finite weight.
func (m *Model) setU(counts *[NumFields][16]float64) {
	for f := range NumFields {
		lv := m.Fields[f].Levels
		var sum, k float64
		for l := 1; l < len(lv); l++ {
			if defined(f, l) {
				sum += counts[f][l]
				k++
			}
		}
		for l := 1; l < len(lv); l++ {
			if defined(f, l) {
				lv[l].U = (counts[f][l] + 0.5) / (sum + 0.5*k)
			}
		}
		m.uFloor[f] = 0.5 / (sum + 0.5*k)
	}
}

// removeMatchesFromU takes the expected matches out of the u probabilities.
// A random sample of pairs holds matches in proportion lambda, and where
// people are recorded many times (a child known to every agency) they are
// enough to make a shared e-mail address or date of birth look common:
// the sample's share of a level is lambda*m + (1-lambda)*u.
func (m *Model) removeMatchesFromU() {
	for f := range NumFields {
		lv := m.Fields[f].Levels
		var sum float64
		for l := 1; l < len(lv); l++ {
			if defined(f, l) {
				lv[l].U = max((lv[l].U-m.Lambda*lv[l].M)/(1-m.Lambda), m.uFloor[f])
				sum += lv[l].U
			}
		}
		for l := 1; l < len(lv); l++ {
			lv[l].U /= sum
		}
	}
}

// patternCount is a distinct comparison vector and how many candidate
// pairs have it.
type patternCount struct {
	g Gamma
	n float64
}

// emPrior is the pseudo-count of pairs added to each level of m in every
// maximisation step (a Dirichlet prior): a level no match showed keeps a
// small probability rather than an infinite negative weight.
const emPrior = 0.5

// table holds one probability per field and level.
type table [NumFields][16]float64

// defined reports whether level l of field f is in use.
// The household level of family names is not: it weighs nothing, as
// missing does.
func defined(f, l int) bool {
	return l > 0 && l < len(Fields[f].Levels) && Fields[f].Levels[l] != "" && !(f == FieldFamily && l == NameHousehold)
}

// startM is where EM starts: the best level of each field likely among
// matches, each worse level four times less so.
func startM() table {
	var m table
	for f := range NumFields {
		var sum float64
		for l := range Fields[f].Levels {
			if defined(f, l) {
				m[f][l] = math.Pow(0.25, float64(l-1))
				sum += m[f][l]
			}
		}
		for l := range m[f] {
			m[f][l] /= sum
		}
	}
	return m
}

// em runs expectation maximisation on pattern counts with u fixed, from m
// and lambda. Fields assumed independent given match status, as in Fellegi
// and Sunter; missing levels contribute to neither likelihood. With fixM
// only lambda is estimated. When population is more than the pairs counted
// in pats, lambda is the share of matches in that population, the pairs not
// counted being taken as non-matches. It returns m, lambda and the
// iterations run.
func em(pats []patternCount, u *table, m table, lambda float64, fixM bool, population float64, maxIter int) (table, float64, int) {
	var logM, logU table
	for f := range NumFields {
		for l := range Fields[f].Levels {
			if defined(f, l) {
				logU[f][l] = math.Log(u[f][l])
			}
		}
	}
	iter := 1
	for ; iter <= maxIter; iter++ {
		for f := range NumFields {
			for l := range Fields[f].Levels {
				if defined(f, l) {
					logM[f][l] = math.Log(m[f][l])
				}
			}
		}
		var mSum table
		var pSum, total float64
		la, lb := math.Log(lambda), math.Log(1-lambda)
		for _, p := range pats {
			lm, lu := la, lb
			for f := range NumFields {
				l := p.g.Level(f)
				lm += logM[f][l]
				lu += logU[f][l]
			}
			w := p.n / (1 + math.Exp(lu-lm))
			pSum += w
			total += p.n
			if !fixM {
				for f := range NumFields {
					mSum[f][p.g.Level(f)] += w
				}
			}
		}
		newLambda := min(max(pSum/max(total, population), 1e-12), 1-1e-9)
		delta := math.Abs(newLambda - lambda)
		lambda = newLambda
		if !fixM {
			for f := range NumFields {
				var sum, k float64
				for l := range Fields[f].Levels {
					if defined(f, l) {
						sum += mSum[f][l]
						k++
					}
				}
				if sum == 0 {
					continue // the field was never observed: keep m
				}
				for l := range Fields[f].Levels {
					if defined(f, l) {
						nm := (mSum[f][l] + emPrior) / (sum + emPrior*k)
						delta = max(delta, math.Abs(nm-m[f][l]))
						m[f][l] = nm
					}
				}
			}
		}
		if delta < 1e-7 {
			break
		}
	}
	return m, lambda, min(iter, maxIter)
}

// learn estimates m and lambda. m comes from one EM session per blocking
// rule, as Splink does: within the blocks of "family name sound + birth
// year", non-matches agree on family name and birth year far more often than
// random pairs, so those fields are left out of that session while every
// other field is learnt from it. Each field's m is the average over the
// sessions that learnt it, weighted by their expected number of matches.
//
// Lambda is then estimated by EM with m and u fixed, as the share of matches
// among all pairs of records (population), not among the candidates: the u
// probabilities describe random pairs, so the prior odds that go with them
// are those of a random pair. Using the share among candidates would count
// the blocking key's agreement twice, once in the prior and once in the
// weights. Pairs outside every block are taken as non-matches.
func (m *Model) learn(perRule [][]patternCount, union []patternCount, population float64, rules []BlockingRule, maxIter int) {
	u := m.uTable()
	var sum, weight table
	m.Sessions = m.Sessions[:0]
	for r, pats := range perRule {
		var n float64
		var seen uint32 // fields with a value on both sides in some pair
		for _, p := range pats {
			n += p.n
			for f := range NumFields {
				if p.g.Level(f) != 0 {
					seen |= 1 << f
				}
			}
		}
		if n == 0 {
			continue
		}
		sm, lambda, iters := em(pats, &u, startM(), 0.1, false, 0, maxIter)
		m.Iterations += iters
		m.Sessions = append(m.Sessions, SessionInfo{Rule: rules[r].Name, Pairs: int64(n), Lambda: lambda, Iterations: iters})
		w := lambda * n // the session's expected number of matches
		for f := range NumFields {
			if rules[r].Fields&(1<<f) != 0 || seen&(1<<f) == 0 {
				continue // left out, or nothing learnt about it here
			}
			for l := range Fields[f].Levels {
				if defined(f, l) {
					sum[f][l] += w * sm[f][l]
					weight[f][l] += w
				}
			}
		}
	}
	mt := startM()
	for f := range NumFields {
		for l := range Fields[f].Levels {
			if defined(f, l) && weight[f][l] > 0 {
				mt[f][l] = sum[f][l] / weight[f][l]
			}
		}
	}
	_, lambda, iters := em(union, &u, mt, 0.1, true, population, maxIter)
	m.Iterations += iters
	m.Lambda = lambda
	for f := range NumFields {
		for l := range m.Fields[f].Levels {
			if defined(f, l) {
				m.Fields[f].Levels[l].M = mt[f][l]
			}
		}
	}
	m.refresh()
}

func (m *Model) uTable() table {
	var u table
	for f := range NumFields {
		for l, lv := range m.Fields[f].Levels {
			if defined(f, l) {
				u[f][l] = lv.U
			}
		}
	}
	return u
}
