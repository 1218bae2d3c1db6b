package sqlstore_test

import (
	"context"
	"fmt"
	"path/filepath"
	"sync"
	"testing"
	"time"

	"github.com/vigil-project/vigil"
	"github.com/vigil-project/vigil/internal/evidence"
)

// BenchmarkTimeline prints what "who knew what" costs on SQLite, for a
// case read `reads` times among a seeded town's entries: building the
// timeline with a proof per entry (which includes logging the opening and
// waiting for the checkpointer to sign a checkpoint covering it, as an
// investigator waits), exporting the bundle, and verifying the bundle
// offline (parse, canonical-form check, signature, every proof and every
// commitment).
//
//	go test -run '^$' -bench Timeline -benchtime 20x ./internal/sqlstore/
func BenchmarkTimeline(b *testing.B) {
	for _, reads := range []int{100, 1000} {
		e := open(b, "sqlite:"+filepath.Join(b.TempDir(), "vigil.db"))
		ctx := context.Background()
		duty := e.town.Login("duty.manager").User
		cases, err := e.store.Cases(ctx, vigil.UserActor(duty), vigil.CaseFilter{OwnerID: duty.ID, Limit: 1})
		if err != nil || len(cases) == 0 {
			b.Fatalf("no case: %v", err)
		}
		id := cases[0].ID
		// Reads from several people at once, group-committed as in service.
		var wg sync.WaitGroup
		for w := range 8 {
			wg.Go(func() {
				who := []string{"duty.manager", "team.manager", "service.manager", "investigator"}[w%4]
				for range reads / 8 {
					if _, err := e.store.FindCase(ctx, e.user(b, who), id, "bench"); err != nil {
						b.Error(err)
						return
					}
				}
			})
		}
		wg.Wait()
		inv := e.user(b, "investigator")
		tl, err := e.store.CaseTimeline(ctx, inv, id, allEntries)
		if err != nil {
			b.Fatal(err)
		}
		entries := len(tl.Entries)

		b.Run(fmt.Sprintf("build/entries=%d", entries), func(b *testing.B) {
			for b.Loop() {
				if _, err := e.store.CaseTimeline(ctx, inv, id, allEntries); err != nil {
					b.Fatal(err)
				}
			}
			b.ReportMetric(float64(b.Elapsed().Milliseconds())/float64(b.N), "ms/timeline")
		})
		var zip []byte
		b.Run(fmt.Sprintf("export/entries=%d", entries), func(b *testing.B) {
			for b.Loop() {
				if zip, err = e.store.ExportCase(ctx, inv, id); err != nil {
					b.Fatal(err)
				}
			}
			b.ReportMetric(float64(len(zip)), "bundle-bytes")
		})
		key := e.key.VerifierKey()
		b.Run(fmt.Sprintf("verify/entries=%d", entries), func(b *testing.B) {
			start := time.Now()
			for b.Loop() {
				bn, err := evidence.Parse(zip)
				if err != nil {
					b.Fatal(err)
				}
				if _, err := bn.Verify(key); err != nil {
					b.Fatal(err)
				}
			}
			per := time.Since(start) / time.Duration(b.N)
			b.ReportMetric(float64(per.Microseconds())/1000, "ms/bundle")
			b.ReportMetric(float64(per.Nanoseconds())/float64(len(tl.Entries))/1000, "µs/entry")
		})
	}
}
