package ledger_test

import (
	"context"
	"fmt"
	"path/filepath"
	"sync"
	"sync/atomic"
	"syscall"
	"testing"
	"time"

	"github.com/vigil-project/vigil/internal/ledger"
	"github.com/vigil-project/vigil/internal/sqldb"
)

func benchDB(b *testing.B) *sqldb.DB {
	b.Helper()
	db, err := sqldb.Open(context.Background(), "sqlite:"+filepath.Join(b.TempDir(), "bench.db"))
	if err != nil {
		b.Fatal(err)
	}
	b.Cleanup(func() { db.Close() })
	return db
}

// BenchmarkAppend measures durable appends per second on SQLite
// (synchronous=FULL: every commit is fsynced), each write inserting a
// business row and its log entry in the same transaction, with 1 writer
// (one entry per transaction) and with 64 concurrent writers (group commit).
func BenchmarkAppend(b *testing.B) {
	for _, writers := range []int{1, 64, 256} {
		b.Run(fmt.Sprintf("writers=%d", writers), func(b *testing.B) {
			db := benchDB(b)
			l := openLog(b, db, newKey(b))
			ctx := context.Background()
			var next atomic.Int64
			var wg sync.WaitGroup
			b.ResetTimer()
			start, cpu := time.Now(), cpuTime()
			for range writers {
				wg.Add(1)
				go func() {
					defer wg.Done()
					for {
						i := next.Add(1)
						if i > int64(b.N) {
							return
						}
						id := fmt.Sprintf("w%09d", i)
						err := l.Write(ctx, func(tx *ledger.Tx) error {
							return tx.Save("widget.created", "bench", "widgets", `INSERT INTO widgets (id, version, name) VALUES (?, 1, ?)`, id, "widget "+id)
						})
						if err != nil {
							b.Error(err)
							return
						}
					}
				}()
			}
			wg.Wait()
			elapsed, cpu := time.Since(start), cpuTime()-cpu
			b.StopTimer()
			st := l.Stats()
			b.ReportMetric(float64(b.N)/elapsed.Seconds(), "entries/s")
			b.ReportMetric(float64(st.Entries.Load())/float64(max(st.Batches.Load(), 1)), "entries/commit")
			// CPU time of the whole process per entry: steadier than
			// entries/s on a shared machine, and what the sequencer's
			// one core has to fit.
			b.ReportMetric(float64(cpu.Microseconds())/float64(b.N), "cpu-µs/entry")
		})
	}
}

// cpuTime returns the CPU time (user and system) the process has used.
func cpuTime() time.Duration {
	var ru syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_SELF, &ru); err != nil {
		return 0
	}
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}

// BenchmarkAppendReads measures logged reads (event entries with no
// business row), the cost every case page view pays.
func BenchmarkAppendReads(b *testing.B) {
	db := benchDB(b)
	l := openLog(b, db, newKey(b))
	ctx := context.Background()
	b.SetParallelism(32) // 64 goroutines on 2 cores
	start := time.Now()
	b.RunParallel(func(pb *testing.PB) {
		for pb.Next() {
			if err := l.Append(ctx, "record.viewed", "bench", "cases", "abcdefghijklmnopqrstuvwxyz", map[string]string{"purpose": "case page"}); err != nil {
				b.Error(err)
				return
			}
		}
	})
	b.ReportMetric(float64(b.N)/time.Since(start).Seconds(), "entries/s")
}

// BenchmarkProveInclusion measures building an inclusion proof in a log of
// 100,000 entries, reading stored hashes from SQLite.
func BenchmarkProveInclusion(b *testing.B) {
	db := benchDB(b)
	l := openLog(b, db, newKey(b))
	fill(b, l, 100_000)
	ctx := context.Background()
	b.ResetTimer()
	for i := range b.N {
		if _, err := l.ProveInclusion(ctx, 100_000, int64(i*7919)%100_000); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkVerifyDB measures `vigil verify --db` and reports seconds per
// million entries.
func BenchmarkVerifyDB(b *testing.B) {
	const n = 200_000
	db := benchDB(b)
	key := newKey(b)
	l := openLog(b, db, key)
	fill(b, l, n)
	if _, err := l.Checkpoint(context.Background()); err != nil {
		b.Fatal(err)
	}
	b.ResetTimer()
	start := time.Now()
	for range b.N {
		r, err := ledger.VerifyDB(context.Background(), db, key.VerifierKey(), []string{"widgets"}, nil)
		if err != nil || !r.OK() {
			b.Fatal(err, r.Problems)
		}
	}
	b.ReportMetric(time.Since(start).Seconds()/float64(b.N)*1e6/n, "s/million-entries")
}

// fill appends n widget entries quickly, in large batches.
func fill(b *testing.B, l *ledger.Log, n int) {
	b.Helper()
	ctx := context.Background()
	var wg sync.WaitGroup
	var next atomic.Int64
	for range 128 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for {
				i := next.Add(1)
				if i > int64(n) {
					return
				}
				id := fmt.Sprintf("f%09d", i)
				if err := l.Write(ctx, func(tx *ledger.Tx) error {
					return tx.Save("widget.created", "bench", "widgets", `INSERT INTO widgets (id, version, name) VALUES (?, 1, ?)`, id, "widget")
				}); err != nil {
					b.Error(err)
					return
				}
			}
		}()
	}
	wg.Wait()
}
