package synth

import (
	"math"
	"math/rand/v2"
)

// rng is the world generator's source of randomness: PCG from math/rand/v2,
// whose output is fixed by its specification, so one seed gives one world.
// Nothing in the generator reads the clock, iterates over a map or shares an
// rng between goroutines; those are the three ways determinism is usually
// lost.
type rng struct {
	*rand.Rand
	pcg *rand.PCG
}

func newRNG(seed, stream uint64) *rng {
	p := rand.NewPCG(seed, stream)
	return &rng{Rand: rand.New(p), pcg: p}
}

// reseed restarts r on the stream (seed, stream). Rendering reseeds one rng
// per report and per recorded entity, so that each report depends only on
// its own key, never on how many draws earlier reports made, and region
// scale renders without allocating a source per report.
func (r *rng) reseed(seed, stream uint64) { r.pcg.Seed(seed, stream) }

// chance reports true with probability p.
func (r *rng) chance(p float64) bool { return p > 0 && r.Float64() < p }

// between returns an int in [lo, hi].
func (r *rng) between(lo, hi int) int {
	if hi <= lo {
		return lo
	}
	return lo + r.IntN(hi-lo+1)
}

// weighted returns an index of ws with probability proportional to its weight.
func (r *rng) weighted(ws []float64) int {
	var sum float64
	for _, w := range ws {
		sum += w
	}
	x := r.Float64() * sum
	for i, w := range ws {
		if x < w {
			return i
		}
		x -= w
	}
	return len(ws) - 1
}

// poisson draws from a Poisson distribution with the given mean (Knuth's
// method; the means used here are small).
func (r *rng) poisson(mean float64) int {
	if mean <= 0 {
		return 0
	}
	if mean > 30 {
		n := int(math.Round(mean + math.Sqrt(mean)*r.NormFloat64()))
		return max(n, 0)
	}
	l, k, p := math.Exp(-mean), 0, 1.0
	for {
		p *= r.Float64()
		if p <= l {
			return k
		}
		k++
	}
}

func pick[T any](r *rng, xs []T) T { return xs[r.IntN(len(xs))] }

// mix derives a stream key from two values (the SplitMix64 finaliser), so
// that streams for neighbouring entities are unrelated.
func mix(a, b uint64) uint64 {
	z := a*0x9e3779b97f4a7c15 + b + 0x632be59bd9b4e019
	z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9
	z = (z ^ (z >> 27)) * 0x94d049bb133111eb
	return z ^ (z >> 31)
}
