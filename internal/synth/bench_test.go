package synth

import (
	"runtime"
	"testing"
	"time"
)

// BenchmarkGenerate builds a world and renders all its reports, for each
// scale, and prints concerns (reports) per second. At region scale it also
// prints the peak live heap seen while streaming, which shows that a
// million reports need only the world and the plan in memory.
func BenchmarkGenerate(b *testing.B) {
	for _, sc := range Scales {
		b.Run(string(sc), func(b *testing.B) {
			var reports int
			var build time.Duration
			var peak uint64
			var ms runtime.MemStats
			for i := range b.N {
				t0 := time.Now()
				g := NewGenerator(WorldOptions{Seed: uint64(i + 1), Scale: sc})
				build += time.Since(t0)
				n := 0
				for range g.Reports {
					if n++; sc == ScaleRegion && n%100000 == 0 {
						runtime.ReadMemStats(&ms)
						peak = max(peak, ms.HeapAlloc)
					}
				}
				reports += n
			}
			b.ReportMetric(float64(reports)/b.Elapsed().Seconds(), "concerns/s")
			b.ReportMetric(float64(reports)/float64(b.N), "concerns/op")
			b.ReportMetric(build.Seconds()/float64(b.N), "build-s/op")
			if peak > 0 {
				b.ReportMetric(float64(peak)/(1<<20), "MB-peak-heap")
			}
		})
	}
}
