package sqlstore_test

import (
	"context"
	"fmt"
	"path/filepath"
	"sync/atomic"
	"testing"
	"time"

	"github.com/vigil-project/vigil"
	"github.com/vigil-project/vigil/internal/sqldb"
)

// BenchmarkSweep measures one sweep over 1,000,000 open deadlines on
// SQLite: when nothing new is overdue (the usual minute), and when 1,000
// deadlines have just passed and must each be escalated with their log
// entries. The deadlines are inserted directly, bypassing the log, because
// the benchmark is of the sweep, not of loading.
func BenchmarkSweep(b *testing.B) {
	const cases, perCase, due = 10_000, 100, 1000
	e := open(b, "sqlite:"+filepath.Join(b.TempDir(), "sweep.db"))
	ctx := context.Background()
	owner := e.town.Login("social.worker").User
	now := vigil.Now()
	future := now.AddDate(0, 1, 0)
	insert := func(table string, cols int, rows [][]any) {
		tx, err := e.db.Writer.BeginTx(ctx, nil)
		if err != nil {
			b.Fatal(err)
		}
		for len(rows) > 0 {
			n := min(len(rows), 500)
			var args []any
			for _, r := range rows[:n] {
				args = append(args, r...)
			}
			if _, err := tx.Exec(e.db.Rebind("INSERT INTO "+table+" VALUES "+sqldb.Placeholders(n, cols)), args...); err != nil {
				b.Fatal(err)
			}
			rows = rows[n:]
		}
		if err := tx.Commit(); err != nil {
			b.Fatal(err)
		}
	}
	var caseRows, deadlineRows [][]any
	for c := range cases {
		id := vigil.NewID()
		caseRows = append(caseRows, []any{string(id), 1, fmt.Sprintf("BENCH-%06d", c), "open", "assessment", nil, 0, now.UnixMicro(),
			"Bench Child", nil, 14, nil, string(owner.AgencyID), string(owner.TeamID), string(owner.ID), now.UnixMicro()})
		for d := range perCase {
			at := future
			if c*perCase+d < due {
				at = now.Add(-time.Hour)
			}
			deadlineRows = append(deadlineRows, []any{string(vigil.NewID()), 1, string(id), "assessment", 1, nil, now.UnixMicro(), at.UnixMicro(),
				"open", nil, nil, nil, nil})
		}
	}
	insert("cases (id, version, ref, status, stage, stage_before, looked_after, received_at, child_name, child_dob, child_age, child_address, agency_id, team_id, owner_id, opened_at)", 16, caseRows)
	insert("deadlines (id, version, case_id, kind, instance, ref_id, started_at, due_at, status, met_at, late_reason, cancel_reason, escalated_due)", 13, deadlineRows)
	// The seeded town's own overdue work is escalated first, so that the
	// runs below see only the benchmark's deadlines.
	if _, err := e.store.Sweep(ctx, now.Add(-2*time.Hour)); err != nil {
		b.Fatal(err)
	}
	b.Run("nothing-due", func(b *testing.B) {
		for range b.N {
			if _, err := e.store.Sweep(ctx, now.Add(-2*time.Hour)); err != nil {
				b.Fatal(err)
			}
		}
	})
	b.Run("1000-newly-due", func(b *testing.B) {
		for i := range b.N {
			b.StopTimer()
			if _, err := e.db.Writer.ExecContext(ctx, `UPDATE deadlines SET escalated_due = NULL WHERE escalated_due IS NOT NULL
				AND case_id IN (SELECT id FROM cases WHERE ref LIKE 'BENCH-%')`); err != nil {
				b.Fatal(err)
			}
			b.StartTimer()
			res, err := e.store.Sweep(ctx, now.Add(time.Duration(i)*time.Second))
			if err != nil {
				b.Fatal(err)
			}
			if res.Missed != due { // the seeded town's are escalated already
				b.Fatalf("escalated %d deadlines, want %d", res.Missed, due)
			}
		}
	})
}

// BenchmarkCaseReads measures case openings per second under load (64
// concurrent readers) on SQLite, with every read logged durably (as in
// production) and with read logging off, and prints the ratio.
func BenchmarkCaseReads(b *testing.B) {
	e := open(b, "sqlite:"+filepath.Join(b.TempDir(), "reads.db"))
	ctx := context.Background()
	actor := e.user(b, "investigator")
	ids := make([]vigil.ID, len(e.town.Cases))
	for i, c := range e.town.Cases {
		ids[i] = c.ID
	}
	rate := map[bool]float64{}
	for _, logged := range []bool{true, false} {
		name := "logged"
		if !logged {
			name = "unlogged"
		}
		b.Run(name, func(b *testing.B) {
			e.store.SetReadLogging(logged)
			defer e.store.SetReadLogging(true)
			b.SetParallelism(32)
			start := time.Now()
			var i atomic.Int64
			b.RunParallel(func(pb *testing.PB) {
				for pb.Next() {
					id := ids[int(i.Add(1))%len(ids)]
					if _, err := e.store.FindCase(ctx, actor, id, "benchmark"); err != nil {
						b.Error(err)
						return
					}
				}
			})
			rate[logged] = float64(b.N) / time.Since(start).Seconds()
			b.ReportMetric(rate[logged], "views/s")
			if !logged && rate[true] > 0 {
				// Printed on the unlogged line, the second run: a parent
				// benchmark's own log is not shown beside its sub-benchmarks.
				b.ReportMetric(rate[true]/rate[false], "logged/unlogged")
			}
		})
	}
}
