package link

import (
	"fmt"
	"math"
	"syscall"
	"testing"
	"time"
)

// cpuTime is the CPU time this process has used.
func cpuTime() time.Duration {
	var ru syscall.Rusage
	syscall.Getrusage(syscall.RUSAGE_SELF, &ru)
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}

func TestJaroWinkler(t *testing.T) {
	// Values from Winkler (1990) and the Jaro-Winkler literature.
	tests := []struct {
		a, b string
		want float64
	}{
		{"martha", "marhta", 0.9611},
		{"dwayne", "duane", 0.8400},
		{"dixon", "dicksonx", 0.8133},
		{"jones", "johnson", 0.8323},
		{"shackleford", "shackelford", 0.9818},
		{"abc", "abc", 1},
		{"abc", "xyz", 0},
		{"", "", 1},
		{"a", "", 0},
		{"zoë", "zoe", 0.8222}, // compared rune by rune
		{"andrew", "andrew-williams-fitzgerald-smythe-jones-brown-and-something-longer", 0.6970}, // over 64 bytes: the general path,
	}
	for _, tt := range tests {
		t.Run(tt.a+"/"+tt.b, func(t *testing.T) {
			got := JaroWinkler(tt.a, tt.b)
			if math.Abs(got-tt.want) > 0.0001 {
				t.Errorf("JaroWinkler(%q, %q) = %.4f, want %.4f", tt.a, tt.b, got, tt.want)
			}
			if rev := JaroWinkler(tt.b, tt.a); math.Abs(rev-got) > 1e-12 {
				t.Errorf("not symmetric: %.4f and %.4f", got, rev)
			}
			if ub := jwBound(len(tt.a), len(tt.b), letterMask(tt.a), letterMask(tt.b)); got > ub+1e-12 {
				t.Errorf("bound %.4f below the similarity %.4f", ub, got)
			}
		})
	}
}

func TestJaroWinklerAllocates(t *testing.T) {
	if n := testing.AllocsPerRun(100, func() { JaroWinkler("mikhayla", "mikhvyla") }); n != 0 {
		t.Errorf("JaroWinkler allocates %.0f times per call", n)
	}
}

func TestWithinOneEdit(t *testing.T) {
	tests := []struct {
		a, b string
		want bool
	}{
		{"1234567", "1234567", true},
		{"1234567", "1234568", true}, // substitution
		{"1234567", "1243567", true}, // neighbours swapped
		{"1234567", "123567", true},  // deletion
		{"1234567", "12345678", true},
		{"1234567", "1243576", false},
		{"1234567", "7654321", false},
		{"", "a", true},
		{"ab", "ba", true},
	}
	for _, tt := range tests {
		if got := withinOneEdit(tt.a, tt.b); got != tt.want {
			t.Errorf("withinOneEdit(%q, %q) = %v, want %v", tt.a, tt.b, got, tt.want)
		}
	}
}

// BenchmarkJaroWinkler measures comparisons per second of name-like
// strings on one core; the target is at least five million. Each iteration
// is a batch of a million comparisons, so even -benchtime 1x measures.
func BenchmarkJaroWinkler(b *testing.B) {
	names := []string{"mikhayla", "mikhvyla", "hannagan", "hannaan", "elizabeth", "elisabeth", "smith", "schmidt",
		"muhammad", "mohammed", "christopher", "kristopher", "harrington", "herrington", "o'brien", "obrien"}
	const batch = 1_000_000
	b.ReportAllocs()
	cpu0 := cpuTime()
	start := time.Now()
	n := 0
	var sink float64
	for b.Loop() {
		for i := range batch {
			sink += JaroWinkler(names[i%len(names)], names[(i*7+3)%len(names)])
		}
		n += batch
	}
	el, cpu := time.Since(start), cpuTime()-cpu0
	rate, cpuRate := float64(n)/el.Seconds(), float64(n)/cpu.Seconds()
	b.ReportMetric(rate/1e6, "Mcomparisons/s")
	b.ReportMetric(cpuRate/1e6, "Mcomparisons/cpu-s")
	// Per CPU second as well as per wall second: on a shared machine the
	// wall clock also counts time the core spent on others' work.
	fmt.Printf("Jaro-Winkler: %.1f million comparisons per second of one core's CPU time (%.0f ns each); %.1f million per wall-clock second\n",
		cpuRate/1e6, 1e9/cpuRate, rate/1e6)
	_ = sink
}
