package sqlstore_test

import (
	"context"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/vigil-project/vigil"
	"github.com/vigil-project/vigil/internal/ledger"
	"github.com/vigil-project/vigil/internal/sqldb"
	"github.com/vigil-project/vigil/internal/sqlstore"
	"github.com/vigil-project/vigil/internal/synth"
)

// BenchmarkLinkStore loads a generated world's history into a SQLite
// store, links every mention in it (the full run `vigil demo` does after
// seeding), and then records new reports one by one, each matched against
// everything known as it arrives. It prints the time of the full run, the
// links it proposed, and the time to match one new report's mentions
// (and to record them with the match). The world is small by default;
// VIGIL_BENCH_SCALE=town loads a town of 16 years (slow to load):
//
//	go test ./internal/sqlstore -run XXX -bench LinkStore -benchtime 1x
//	VIGIL_BENCH_SCALE=town go test ./internal/sqlstore -run XXX -bench LinkStore -benchtime 1x -timeout 60m
func BenchmarkLinkStore(b *testing.B) {
	ctx := context.Background()
	scale := synth.ScaleSmall
	if s := os.Getenv("VIGIL_BENCH_SCALE"); s != "" {
		var err error
		if scale, err = synth.ParseScale(s); err != nil {
			b.Fatal(err)
		}
	}
	db, err := sqldb.Open(ctx, "sqlite:"+filepath.Join(b.TempDir(), "vigil.db"))
	if err != nil {
		b.Fatal(err)
	}
	skey, _, err := ledger.GenerateKey("bench.vigil.invalid/log")
	if err != nil {
		b.Fatal(err)
	}
	key, err := ledger.ParseKey(skey)
	if err != nil {
		b.Fatal(err)
	}
	s, err := sqlstore.Open(ctx, db, key, nil)
	if err != nil {
		b.Fatal(err)
	}
	b.Cleanup(func() { s.Close(); db.Close() })
	g := synth.NewGenerator(synth.WorldOptions{Seed: 5, Scale: scale, End: vigil.Now()})
	town, st, err := synth.Load(ctx, s, g, synth.LoadOptions{})
	if err != nil {
		b.Fatal(err)
	}
	b.Logf("loaded %s: %d concerns, %d mentions in %.1fs", scale, st.Concerns, st.Mentions, st.Duration.Seconds())
	run, err := s.RunLinking(ctx, vigil.SystemActor)
	if err != nil {
		b.Fatal(err)
	}
	b.Logf("full run: %d mentions, %d person pairs compared, %d links (%d likely, %d for review) in %.2fs",
		run.Mentions, run.Compared, run.Proposed, run.Likely, run.Review, run.Took.Seconds())

	// New reports: a child, a suspect with a phone, a car and a venue,
	// written as the town's own reports write them (a real child's
	// spelling, a plate of the town's), so that they match.
	var samples [][]vigil.Mention
	for rep := range g.Reports {
		if rep.Truth.Network == "" || len(rep.Mentions) < 3 {
			continue
		}
		var ms []vigil.Mention
		for _, m := range rep.Mentions {
			ms = append(ms, vigil.Mention{Kind: vigil.MentionKind(m.Kind), Role: vigil.MentionRole(m.Role), GivenName: m.GivenName,
				FamilyName: m.FamilyName, FullName: m.FullName, Nickname: m.Nickname, DateOfBirth: m.DOB, Address: m.Address,
				Locality: m.Locality, Postcode: m.Postcode, Phone: m.Phone, Plate: m.Plate, Make: m.Make, Colour: m.Colour,
				Handle: m.Handle, Platform: m.Platform, VenueName: m.VenueName, VenueKind: string(m.VenueKind)})
		}
		samples = append(samples, ms)
		if len(samples) == 50 {
			break
		}
	}
	if len(samples) == 0 {
		b.Fatal("no report of a network to copy")
	}
	dsl := vigil.UserActor(town.Login("school.dsl").User)
	var record, match time.Duration
	var alerts, links int
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		for _, ms := range samples {
			age := 14
			c, _, err := s.RaiseConcern(ctx, dsl, vigil.NewConcern{Child: vigil.Child{Name: "A new report", Age: &age}, WhatHappened: "Benchmark."})
			if err != nil {
				b.Fatal(err)
			}
			t0 := time.Now()
			got, err := s.RecordMentions(ctx, dsl, c.ID, ms) // records, then matches them
			if err != nil {
				b.Fatal(err)
			}
			record += time.Since(t0)
			t0 = time.Now()
			r, err := s.LinkNew(ctx, got) // the match alone, again: its links exist, so nothing is written
			if err != nil {
				b.Fatal(err)
			}
			match += time.Since(t0)
			alerts += r.Alerts
			links += r.Proposed
		}
	}
	n := float64(b.N * len(samples))
	b.ReportMetric(float64(match.Microseconds())/1000/n, "ms/match-report")
	b.ReportMetric(float64(record.Microseconds())/1000/n, "ms/record+match-report")
	b.ReportMetric(run.Took.Seconds(), "s/full-run") // after ResetTimer, which clears metrics
	b.ReportMetric(float64(run.Mentions)/run.Took.Seconds(), "mentions/s")
	b.Logf("%d new reports: match %.2f ms each, record and match %.2f ms each (matching again proposed %d links, %d alerts: none new)", int(n),
		float64(match.Microseconds())/1000/n, float64(record.Microseconds())/1000/n, links, alerts)
}

// BenchmarkLinkDatabase runs a full linking run over a database already
// loaded, such as the region `vigil demo --scale region` leaves in its
// folder (its key copied to PATH.key):
//
//	VIGIL_BENCH_DB=/tmp/region/vigil.db go test ./internal/sqlstore -run XXX -bench LinkDatabase -benchtime 1x -timeout 0
//
// It prints the run's figures; measure its peak memory from outside (for
// example with /usr/bin/time -v on the compiled test binary).
func BenchmarkLinkDatabase(b *testing.B) {
	if os.Getenv("VIGIL_BENCH_DB") == "" {
		b.Skip("set VIGIL_BENCH_DB to a loaded database")
	}
	e := benchEnv(b, synth.ScaleRegion)
	for range b.N {
		run, err := e.store.RunLinking(context.Background(), vigil.SystemActor)
		if err != nil {
			b.Fatal(err)
		}
		b.Logf("full run: %d mentions, %d person pairs compared, %d links (%d likely, %d for review, %d alerts) in %.0fs",
			run.Mentions, run.Compared, run.Proposed, run.Likely, run.Review, run.Alerts, run.Took.Seconds())
		b.ReportMetric(run.Took.Seconds(), "s/full-run")
		b.ReportMetric(float64(run.Mentions)/run.Took.Seconds(), "mentions/s")
	}
}
