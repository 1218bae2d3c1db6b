package sqlstore_test

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/vigil-project/vigil"
	"github.com/vigil-project/vigil/internal/ledger"
	"github.com/vigil-project/vigil/internal/pgtest"
	"github.com/vigil-project/vigil/internal/sqldb"
	"github.com/vigil-project/vigil/internal/sqlstore"
	"github.com/vigil-project/vigil/internal/synth"
)

// importEngines runs f on an empty store (no demo town) on SQLite and on
// PostgreSQL, for loading a world into.
func importEngines(t *testing.T, f func(t *testing.T, e *env)) {
	for _, engine := range []string{"sqlite", "postgres"} {
		t.Run(engine, func(t *testing.T) {
			dsn := "sqlite:" + filepath.Join(t.TempDir(), "vigil.db")
			if engine == "postgres" {
				dsn = pgtest.DSN(t)
			}
			f(t, openEmptyStore(t, dsn))
		})
	}
}

func openEmptyStore(t testing.TB, dsn string) *env {
	t.Helper()
	ctx := context.Background()
	db, err := sqldb.Open(ctx, dsn)
	if err != nil {
		t.Fatal(err)
	}
	skey, _, err := ledger.GenerateKey("test.vigil.invalid/log")
	if err != nil {
		t.Fatal(err)
	}
	key, err := ledger.ParseKey(skey)
	if err != nil {
		t.Fatal(err)
	}
	s, err := sqlstore.Open(ctx, db, key, nil)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { s.Close(); db.Close() })
	return &env{store: s, db: db, key: key}
}

func importVerify(t testing.TB, e *env) {
	t.Helper()
	ctx := context.Background()
	if _, err := e.store.Log().Checkpoint(ctx); err != nil {
		t.Fatal(err)
	}
	r, err := ledger.VerifyDB(ctx, e.db, e.key.VerifierKey(), sqlstore.Tables, nil)
	if err != nil {
		t.Fatal(err)
	}
	if !r.OK() {
		t.Fatalf("verify: %s: %v", r.Summary(), r.Problems)
	}
}

// importRows returns the number of rows of a query.
func importRows(t testing.TB, e *env, q string, args ...any) int {
	t.Helper()
	var n int
	if err := e.db.Reader.QueryRowContext(context.Background(), e.db.Rebind(q), args...).Scan(&n); err != nil {
		t.Fatal(err)
	}
	return n
}

// TestLoadSmall loads a small world, history and all, and checks that
// the log verifies, that the demo logins and only they have passwords,
// and that the history came in as the world says.
func TestLoadSmall(t *testing.T) {
	importEngines(t, func(t *testing.T, e *env) {
		ctx := context.Background()
		g := synth.NewGenerator(synth.WorldOptions{Seed: 3, Scale: synth.ScaleSmall, End: vigil.Now()})
		town, st, err := synth.Load(ctx, e.store, g, synth.LoadOptions{Batch: 40})
		if err != nil {
			t.Fatal(err)
		}
		t.Log(st)
		w := g.World()
		if st.Concerns != g.Len() || st.Users < len(w.Staff) || st.Closed == 0 || st.Live == 0 {
			t.Errorf("stats %+v for %d reports and %d staff", st, g.Len(), len(w.Staff))
		}
		if n := importRows(t, e, `SELECT COUNT(*) FROM concerns`); n != g.Len() {
			t.Errorf("%d concerns, want %d", n, g.Len())
		}
		if n := importRows(t, e, `SELECT COUNT(*) FROM mentions`); n != st.Mentions {
			t.Errorf("%d mentions, want %d", n, st.Mentions)
		}
		// Closed history has no open clock; every open case has an active owner.
		if n := importRows(t, e, `SELECT COUNT(*) FROM deadlines d JOIN cases c ON c.id = d.case_id WHERE c.status = 'closed' AND d.status = 'open'`); n != 0 {
			t.Errorf("%d open deadlines on closed cases", n)
		}
		if n := importRows(t, e, `SELECT COUNT(*) FROM cases c JOIN users u ON u.id = c.owner_id WHERE c.status = 'open' AND u.status <> 'active'`); n != 0 {
			t.Errorf("%d open cases without an active owner", n)
		}
		if n := importRows(t, e, `SELECT COUNT(*) FROM deadlines WHERE status = 'met' AND met_at > due_at AND late_reason IS NULL`); n != 0 {
			t.Errorf("%d deadlines met late without a reason", n)
		}
		if n := importRows(t, e, `SELECT COUNT(*) FROM users WHERE status = 'left'`); n == 0 {
			t.Error("nobody has left in sixteen years of staff")
		}
		// Demo logins sign in; imported staff have no usable password.
		duty := town.Login("duty.manager")
		if _, _, err := e.store.SignIn(ctx, duty.Username, duty.Password); err != nil {
			t.Errorf("duty manager sign-in: %v", err)
		}
		if u, err := e.store.UserByAPIToken(ctx, duty.APIToken); err != nil || u.ID != duty.User.ID {
			t.Errorf("duty manager's token: %v %v", u, err)
		}
		var other string
		if err := e.db.Reader.QueryRowContext(ctx, `SELECT username FROM users WHERE status = 'active' AND username NOT IN
			('admin','director','service.manager','duty.manager','team.manager','social.worker','social.worker2','police.officer',
			 'police.analyst','school.dsl','health.nurse','referrer','scrutiny','investigator','commissioner') LIMIT 1`).Scan(&other); err != nil {
			t.Fatal(err)
		}
		for _, pw := range []string{"", "password1234", duty.Password} {
			if _, _, err := e.store.SignIn(ctx, other, pw); vigil.ErrorCode(err) != vigil.EUNAUTHORIZED {
				t.Errorf("imported user %s signed in with %q: %v", other, pw, err)
			}
		}
		// The demo has overdue work, escalated.
		if n := importRows(t, e, `SELECT COUNT(*) FROM escalations WHERE status = 'open'`); n == 0 {
			t.Error("no open escalations")
		}
		esc, err := e.store.Escalations(ctx, vigil.UserActor(duty.User))
		if err != nil {
			t.Fatal(err)
		}
		t.Logf("%d escalations for the duty manager", len(esc))
		// Mentions are there for the case's people to read.
		var caseID vigil.ID
		if err := e.db.Reader.QueryRowContext(ctx, `SELECT case_id FROM mentions WHERE kind = 'vehicle' LIMIT 1`).Scan(&caseID); err != nil {
			t.Fatal(err)
		}
		ms, err := e.store.CaseMentions(ctx, vigil.UserActor(town.Login("investigator").User), caseID, "test")
		if err != nil || len(ms) == 0 {
			t.Errorf("investigator reading mentions: %d, %v", len(ms), err)
		}
		importVerify(t, e)
	})
}

func TestImportRefusesNonsense(t *testing.T) {
	importEngines(t, func(t *testing.T, e *env) {
		ctx := context.Background()
		sys := vigil.SystemActor
		a, err := e.store.CreateAgency(ctx, sys, "Council", vigil.AgencyChildrensServices)
		if err != nil {
			t.Fatal(err)
		}
		team, err := e.store.CreateTeam(ctx, sys, a.ID, "Front door", true)
		if err != nil {
			t.Fatal(err)
		}
		mgr, gone := vigil.NewID(), vigil.NewID()
		err = e.store.ImportUsers(ctx, sys, []vigil.ImportedUser{
			{ID: mgr, Username: "mgr", Name: "Manager", Role: vigil.RoleTeamManager, AgencyID: a.ID, TeamID: team.ID, Status: vigil.UserActive},
			{ID: gone, Username: "gone", Name: "Gone", Role: vigil.RoleTeamManager, AgencyID: a.ID, TeamID: team.ID, ManagerID: mgr, Status: vigil.UserLeft},
		})
		if err != nil {
			t.Fatal(err)
		}
		if err := e.store.ImportUsers(ctx, sys, []vigil.ImportedUser{{ID: vigil.NewID(), Username: "mgr", Name: "Again",
			Role: vigil.RoleSocialWorker, AgencyID: a.ID, Status: vigil.UserActive}}); vigil.ErrorCode(err) != vigil.ECONFLICT {
			t.Errorf("username taken: err = %v", err)
		}
		if err := e.store.SetDutyManager(ctx, sys, team.ID, mgr); err != nil {
			t.Fatal(err)
		}
		old := time.Date(2012, 2, 6, 10, 0, 0, 0, vigil.London)
		good := vigil.ImportedConcern{SourceRef: "LEGACY-1", Source: vigil.SourcePublic, ReceivedAt: old, WhatHappened: "A neighbour worried.",
			OwnerID: gone, Decisions: []vigil.ImportedDecision{
				{Kind: vigil.DecideReferral, Outcome: "no_further_action", Reason: "Advice given", At: old.Add(2 * time.Hour), By: gone},
				{Kind: vigil.DecideCloseRequest, Outcome: "requested", Reason: "Done", At: old.Add(48 * time.Hour), By: gone},
				{Kind: vigil.DecideCloseApproval, Outcome: "approved", Reason: "Agreed", At: old.Add(72 * time.Hour), By: mgr}},
			Mentions: []vigil.Mention{{Kind: vigil.MentionPhone, Phone: "07700 900 456", SourceRef: "LEGACY-1-1"}}}
		before, _ := ledger.Size(ctx, e.db)
		bad := []struct {
			name  string
			actor vigil.Actor
			edit  func(*vigil.ImportedConcern)
			code  string
		}{
			{"not the system", vigil.PublicActor, func(*vigil.ImportedConcern) {}, vigil.EFORBIDDEN},
			{"future", sys, func(n *vigil.ImportedConcern) { n.ReceivedAt = vigil.Now().Add(time.Hour) }, vigil.EINVALID},
			{"no text", sys, func(n *vigil.ImportedConcern) { n.WhatHappened = "" }, vigil.EINVALID},
			{"not UTF-8", sys, func(n *vigil.ImportedConcern) { n.WhatHappened = "\xc3\x28" }, vigil.EINVALID},
			{"unknown decider", sys, func(n *vigil.ImportedConcern) {
				n.Decisions = append([]vigil.ImportedDecision(nil), n.Decisions...)
				n.Decisions[0].By = vigil.NewID()
			}, vigil.EINVALID},
			{"open case owned by someone who left", sys, func(n *vigil.ImportedConcern) { n.Decisions = nil }, vigil.EINVALID},
		}
		for _, tt := range bad {
			n := good
			tt.edit(&n)
			// A good record before the bad one: nothing of the batch is written.
			_, err := e.store.Import(ctx, tt.actor, []vigil.ImportedConcern{good, n})
			if vigil.ErrorCode(err) != tt.code {
				t.Errorf("%s: err = %v, want %s", tt.name, err, tt.code)
			} else if tt.code == vigil.EINVALID && !strings.HasPrefix(vigil.ErrorMessage(err), "Record 2 (LEGACY-1)") {
				t.Errorf("%s: message %q does not name the record", tt.name, vigil.ErrorMessage(err))
			}
		}
		if after, _ := ledger.Size(ctx, e.db); after != before {
			t.Errorf("refused imports appended %d log entries", after-before)
		}
		cases, err := e.store.Import(ctx, sys, []vigil.ImportedConcern{good})
		if err != nil {
			t.Fatal(err)
		}
		d, err := e.store.FindCase(ctx, vigil.UserActor(importUser(t, e, mgr)), cases[0].ID, "test")
		if err != nil {
			t.Fatal(err)
		}
		if d.Status != vigil.CaseClosed || len(d.Decisions) != 3 || len(d.Deadlines) != 1 || d.Deadlines[0].Status != vigil.DeadlineMet ||
			!d.Concerns[0].ReceivedAt.Equal(old) || len(d.Events) != 4 {
			t.Errorf("imported case: status %s, %d decisions, deadlines %v, %d events", d.Status, len(d.Decisions), d.Deadlines, len(d.Events))
		}
		importVerify(t, e)
	})
}

func importUser(t testing.TB, e *env, id vigil.ID) *vigil.User {
	t.Helper()
	u, err := e.store.FindUser(context.Background(), id)
	if err != nil {
		t.Fatal(err)
	}
	return u
}

// BenchmarkLoadTown loads a town (sixteen years, about 43,000 concerns)
// into SQLite and prints concerns loaded per second and the total time.
// Region scale (a million concerns) is BenchmarkLoadRegion.
func BenchmarkLoadTown(b *testing.B) {
	for range b.N {
		benchLoad(b, synth.ScaleTown)
	}
}

// BenchmarkLoadRegion loads a region (sixteen years, about a million
// concerns) through the application into SQLite, as
// `vigil demo --scale region` does, and prints the total time and
// concerns per second. It takes about an hour, so it runs only when asked:
//
//	VIGIL_BENCH_SCALE=region go test ./internal/sqlstore -run XXX -bench LoadRegion -benchtime 1x -timeout 0
//
// VIGIL_BENCH_SCALE=town runs the same code on a town, to try it quickly.
func BenchmarkLoadRegion(b *testing.B) {
	name := os.Getenv("VIGIL_BENCH_SCALE")
	if name == "" {
		b.Skip("set VIGIL_BENCH_SCALE=region to load a region (about an hour), or town to try it")
	}
	sc, err := synth.ParseScale(name)
	if err != nil {
		b.Fatal(err)
	}
	for range b.N {
		benchLoad(b, sc)
	}
}

// benchLoad loads a world of scale sc into a new SQLite file, reporting
// each stage on stderr, and prints the figures.
func benchLoad(b *testing.B, sc synth.Scale) {
	b.Helper()
	path := filepath.Join(b.TempDir(), string(sc)+".db")
	e := openEmptyStore(b, "sqlite:"+path)
	start := time.Now()
	g := synth.NewGenerator(synth.WorldOptions{Seed: 1, Scale: sc, End: vigil.Now()})
	build := time.Since(start)
	lastStage, lastTenth := "", -1
	progress := func(stage string, done, total int) {
		tenth := 0
		if total > 0 {
			tenth = 10 * done / total
		}
		if sc != synth.ScaleTown && (stage != lastStage || tenth != lastTenth) {
			fmt.Fprintf(os.Stderr, "  %s: %d/%d (%.0fs)\n", stage, done, total, time.Since(start).Seconds())
			lastStage, lastTenth = stage, tenth
		}
	}
	_, st, err := synth.Load(context.Background(), e.store, g, synth.LoadOptions{Progress: progress})
	if err != nil {
		b.Fatal(err)
	}
	took := time.Since(start)
	b.ReportMetric(float64(st.Concerns)/took.Seconds(), "concerns/s")
	b.ReportMetric(took.Seconds(), "load-s")
	b.ReportMetric(float64(e.store.Log().Stats().Entries.Load())/took.Seconds(), "entries/s")
	if fi, err := os.Stat(path); err == nil {
		b.ReportMetric(float64(fi.Size())/(1<<20), "MB-db")
	}
	fmt.Fprintf(os.Stderr, "%s: built in %.1fs, loaded %d concerns in %.1fs in all (%.0f concerns/s): %s\n", sc, build.Seconds(), st.Concerns,
		took.Seconds(), float64(st.Concerns)/took.Seconds(), st)
}
