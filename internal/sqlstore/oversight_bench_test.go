package sqlstore_test

import (
	"context"
	"database/sql"
	"fmt"
	"math/rand/v2"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/vigil-project/vigil"
	"github.com/vigil-project/vigil/internal/ledger"
	"github.com/vigil-project/vigil/internal/sqldb"
	"github.com/vigil-project/vigil/internal/sqlstore"
	"github.com/vigil-project/vigil/internal/synth"
	"github.com/vigil-project/vigil/internal/workday"
)

// BenchmarkOversight times each dashboard, and publishing a statistics
// release, over the synthetic region: about a million concerns over
// sixteen years, each with its case, statutory deadlines, decisions,
// escalations, missing episodes, screenings and demographics. The data are
// inserted directly, bypassing the log, in large transactions: the
// benchmark measures counting, not loading. VIGIL_BENCH_SCALE=town runs it
// on a town (tens of thousands of concerns) instead. Figures are printed,
// never asserted.
func BenchmarkOversight(b *testing.B) {
	scale := synth.ScaleRegion
	if s := os.Getenv("VIGIL_BENCH_SCALE"); s != "" {
		var err error
		if scale, err = synth.ParseScale(s); err != nil {
			b.Fatal(err)
		}
	}
	e := benchEnv(b, scale)
	ctx := context.Background()
	inv := vigil.UserActor(e.town.Login("investigator").User)
	p := vigil.Last12Months(vigil.Now())
	for _, tp := range vigil.Topics {
		b.Run(tp.Key, func(b *testing.B) {
			for range b.N {
				if _, err := e.store.Dashboard(ctx, inv, tp.Key, p); err != nil {
					b.Fatal(err)
				}
			}
			b.ReportMetric(b.Elapsed().Seconds()/float64(b.N), "s/dashboard")
		})
	}
	b.Run("figure-cases", func(b *testing.B) {
		for range b.N {
			if _, err := e.store.FigureCases(ctx, inv, vigil.Drill{Topic: vigil.TopicTimeliness, Table: "clocks", Row: "decision", Column: "overdue", Period: p}); err != nil {
				b.Fatal(err)
			}
		}
	})
	// A period is published once: each run publishes another month (or
	// year), the last first, each protected against those before it.
	b.Run("publish-release", func(b *testing.B) {
		director := vigil.UserActor(e.town.Login("director").User)
		for i := range b.N {
			m := vigil.Now().In(vigil.London).AddDate(0, -1-i, 0)
			if _, err := e.store.PublishRelease(ctx, director, vigil.Month(m.Year(), m.Month()), fmt.Sprintf("benchmark run %d", i)); err != nil &&
				vigil.ErrorCode(err) != vigil.ECONFLICT {
				b.Fatal(err)
			}
		}
		b.ReportMetric(b.Elapsed().Seconds()/float64(b.N), "s/release")
	})
	b.Run("publish-annual-release", func(b *testing.B) {
		director := vigil.UserActor(e.town.Login("director").User)
		for i := range b.N {
			fy := vigil.FinancialYear(vigil.FinancialYearOf(vigil.Now()).From.Year() - 1 - i)
			if _, err := e.store.PublishRelease(ctx, director, fy, fmt.Sprintf("benchmark run %d", i)); err != nil &&
				vigil.ErrorCode(err) != vigil.ECONFLICT {
				b.Fatal(err)
			}
		}
		b.ReportMetric(b.Elapsed().Seconds()/float64(b.N), "s/release")
	})
}

// benchEnv returns a store holding the synthetic world of scale. With
// VIGIL_BENCH_DB=PATH the database is kept at PATH (its key beside it), and
// loaded only the first time, so that the dashboards can be measured again
// without loading a million concerns each time.
func benchEnv(b *testing.B, scale synth.Scale) *env {
	path := os.Getenv("VIGIL_BENCH_DB")
	if path == "" {
		e := open(b, "sqlite:"+filepath.Join(b.TempDir(), "oversight.db"))
		start := time.Now()
		n := bulkLoad(b, e, scale)
		b.Logf("loaded %d concerns in %.0fs", n, time.Since(start).Seconds())
		return e
	}
	ctx := context.Background()
	_, statErr := os.Stat(path)
	skey, err := os.ReadFile(path + ".key")
	if os.IsNotExist(err) {
		k, _, _ := ledger.GenerateKey("bench.vigil.invalid/log")
		skey = []byte(k)
		if err := os.WriteFile(path+".key", skey, 0o600); err != nil {
			b.Fatal(err)
		}
	} else if err != nil {
		b.Fatal(err)
	}
	key, err := ledger.ParseKey(string(skey))
	if err != nil {
		b.Fatal(err)
	}
	db, err := sqldb.Open(ctx, "sqlite:"+path)
	if err != nil {
		b.Fatal(err)
	}
	s, err := sqlstore.Open(ctx, db, key, nil)
	if err != nil {
		b.Fatal(err)
	}
	b.Cleanup(func() { s.Close(); db.Close() })
	e := &env{store: s, db: db, key: key}
	if os.IsNotExist(statErr) {
		if e.town, err = synth.Seed(ctx, s, synth.Options{Seed: 1, Concerns: 8}); err != nil {
			b.Fatal(err)
		}
		start := time.Now()
		n := bulkLoad(b, e, scale)
		b.Logf("loaded %d concerns in %.0fs", n, time.Since(start).Seconds())
		return e
	}
	users, err := s.Users(ctx)
	if err != nil {
		b.Fatal(err)
	}
	e.town = &synth.Town{}
	for _, u := range users {
		e.town.Logins = append(e.town.Logins, &synth.Login{Username: u.Username, Role: u.Role, User: u})
	}
	return e
}

// bulk inserts rows many to a statement and many statements to a
// transaction.
type bulk struct {
	tb   testing.TB
	db   *sqldb.DB
	tx   *sql.Tx
	bufs map[string]*bulkBuf
	rows int
}

type bulkBuf struct {
	cols int
	args []any
	n    int
}

func newBulk(tb testing.TB, db *sqldb.DB) *bulk {
	k := &bulk{tb: tb, db: db, bufs: map[string]*bulkBuf{}}
	k.begin()
	return k
}

func (k *bulk) begin() {
	tx, err := k.db.Writer.BeginTx(context.Background(), nil)
	if err != nil {
		k.tb.Fatal(err)
	}
	k.tx = tx
	// Rows of one report refer to each other in any order; the keys are
	// checked when the transaction commits.
	if k.db.Engine == sqldb.SQLite {
		if _, err := tx.Exec(`PRAGMA defer_foreign_keys = ON`); err != nil {
			k.tb.Fatal(err)
		}
	}
}

// add queues one row of into ("table (col, col...)").
func (k *bulk) add(into string, vals ...any) {
	buf := k.bufs[into]
	if buf == nil {
		buf = &bulkBuf{cols: len(vals)}
		k.bufs[into] = buf
	}
	buf.args = append(buf.args, vals...)
	buf.n++
	if buf.n == 400 {
		k.flush(into, buf)
	}
	k.rows++
}

// boundary commits, when enough rows are queued, at the end of a group of
// rows that refer only to each other and to rows already written.
func (k *bulk) boundary() {
	if k.rows >= 200_000 {
		k.commit()
		k.begin()
		k.rows = 0
	}
}

func (k *bulk) flush(into string, buf *bulkBuf) {
	if buf.n == 0 {
		return
	}
	if _, err := k.tx.Exec(k.db.Rebind("INSERT INTO "+into+" VALUES "+sqldb.Placeholders(buf.n, buf.cols)), buf.args...); err != nil {
		k.tb.Fatalf("insert into %s: %v", into, err)
	}
	buf.args, buf.n = buf.args[:0], 0
}

func (k *bulk) commit() {
	for into, buf := range k.bufs {
		k.flush(into, buf)
	}
	if err := k.tx.Commit(); err != nil {
		k.tb.Fatal(err)
	}
}

const (
	bulkCases     = "cases (id, version, ref, status, stage, stage_before, looked_after, received_at, child_name, child_dob, child_age, child_address, agency_id, team_id, owner_id, opened_at)"
	bulkConcerns  = "concerns (id, version, ref, source, raised_by, agency_id, received_at, recorded_at, child_name, child_dob, child_age, what_happened, case_id)"
	bulkDeadlines = "deadlines (id, version, case_id, kind, instance, started_at, due_at, status, met_at)"
	bulkDecisions = "decisions (id, version, case_id, kind, outcome, reason, at, decided_by, from_stage, to_stage, recorded_at)"
	bulkEsc       = "escalations (id, version, case_id, deadline_id, kind, level, holder_role, reason, raised_at, status)"
	bulkMissing   = "missing_episodes (id, version, case_id, missing_from, returned_at, details, recorded_by)"
	bulkScreen    = "screenings (id, version, case_id, scores, level, notes, by_id, at)"
	bulkDemo      = "demographic_records (id, version, case_id, subject, ethnicity, nationality, recorded_by, recorded_at)"
	bulkTeams     = "teams (id, version, agency_id, name, intake, created_at)"
	bulkUsers     = "users (id, version, username, name, role, agency_id, team_id, status, password_hash, created_at)"
)

// bulkLoad puts the synthetic world of scale into e's store directly, and
// returns the number of concerns. Each report becomes a concern with a
// case; what the report's handling says happened becomes its deadlines,
// decisions and escalations, with the delays real front doors show.
func bulkLoad(tb testing.TB, e *env, scale synth.Scale) int {
	now := vigil.Now()
	g := synth.NewGenerator(synth.WorldOptions{Seed: 11, Scale: scale, End: now})
	w := g.World()
	people := map[synth.EntityID]*synth.Person{}
	for _, p := range w.People {
		people[p.ID] = p
	}
	k := newBulk(tb, e.db)
	us := func(t time.Time) int64 { return t.UnixMicro() }
	// Teams and staff of the region, in the town's agencies by kind.
	teams := map[*synth.Team]vigil.ID{}
	for _, t := range w.Teams {
		id := vigil.NewID()
		teams[t] = id
		k.add(bulkTeams, string(id), 1, string(e.town.Agencies[t.Agency.Kind].ID), t.Name, 0, us(w.Start))
	}
	users := map[string]vigil.ID{}
	type holder struct{ user, team, agency vigil.ID }
	var workers []holder // children's services staff who own cases
	for _, s := range w.Staff {
		id := vigil.NewID()
		users[s.ID] = id
		status := "active"
		if !s.To.IsZero() {
			status = "left"
		}
		agency := e.town.Agencies[s.Agency().Kind].ID
		k.add(bulkUsers, string(id), 1, "bench."+strings.ToLower(s.ID), s.Name, string(s.Post.Role), string(agency), string(teams[s.Post.Team]), status, "x", us(s.From))
		if s.Agency().Kind == vigil.AgencyChildrensServices && (s.Post.Role == vigil.RoleSocialWorker || s.Post.Role == vigil.RoleTeamManager) {
			workers = append(workers, holder{id, teams[s.Post.Team], agency})
		}
	}
	k.commit()
	k.begin()
	cal := workday.England()
	ladder := vigil.DefaultLadder
	n := 0
	deadline := func(caseID vigil.ID, kind string, start, due time.Time, met *time.Time) vigil.ID {
		id := vigil.NewID()
		status, metAt := "open", any(nil)
		if met != nil && !met.After(now) {
			status, metAt = "met", us(*met)
		}
		k.add(bulkDeadlines, string(id), 1, string(caseID), kind, 1, us(start), us(due), status, metAt)
		return id
	}
	decide := func(caseID, by vigil.ID, kind, outcome string, at time.Time, from, to vigil.Stage) {
		k.add(bulkDecisions, string(vigil.NewID()), 1, string(caseID), kind, outcome, "Bulk loaded", us(at), string(by), string(from), string(to), us(at))
	}
	escalate := func(caseID, deadlineID vigil.ID, due time.Time, open bool) {
		level, status := 1, "resolved"
		if open {
			status = "open"
			level = min(len(ladder), 1+int(now.Sub(due).Hours()/24/5))
		}
		k.add(bulkEsc, string(vigil.NewID()), 1, string(caseID), string(deadlineID), vigil.EscalationDeadlineMissed, level, ladder[level-1].Role,
			"Deadline missed", us(due), status)
	}
	for r := range g.Reports {
		i := n
		n++
		rng := rand.New(rand.NewPCG(uint64(i), 0xb0c))
		at := r.At.UTC()
		caseID, concernID := vigil.NewID(), vigil.NewID()
		owner := workers[rng.IntN(len(workers))]
		var name string
		var dob, age any
		var child *synth.Person
		if r.Subject >= 0 {
			m := r.Mentions[r.Subject]
			name = strings.TrimSpace(m.FullName)
			if name == "" {
				name = strings.TrimSpace(m.GivenName + " " + m.FamilyName)
			}
			if len(m.DOB) == 10 {
				dob = m.DOB
			} else if m.Age > 0 {
				age = m.Age
			}
			child = people[r.Truth.Child]
		}
		if name == "" {
			name = "Name not known"
		}
		// Most concerns are recorded within the hour; some wait days.
		delay := time.Duration(rng.ExpFloat64()*40) * time.Minute
		if rng.IntN(10) == 0 {
			delay = time.Duration(rng.ExpFloat64()*72) * time.Hour
		}
		raisedBy, raiserAgency := any(nil), any(nil)
		if r.RaisedBy != nil {
			raisedBy, raiserAgency = string(users[r.RaisedBy.ID]), string(e.town.Agencies[r.RaisedBy.Agency().Kind].ID)
		}
		k.add(bulkConcerns, string(concernID), 1, fmt.Sprintf("VB-%08d", i), string(r.Source), raisedBy, raiserAgency, us(at), us(at.Add(delay)),
			name, dob, age, "Bulk loaded concern", string(caseID))

		// The decision on the referral, in time, late or never.
		stage, status, lookedAfter := vigil.StageReferral, vigil.CaseOpen, 0
		due := cal.AddWorkingDays(at, 1)
		var decided *time.Time
		switch r.Handling {
		case synth.HandlingActed, synth.HandlingNoFurtherAction:
			t := at.Add(time.Duration(2+rng.IntN(18)) * time.Hour)
			if t.After(due) {
				t = due.Add(-time.Hour)
			}
			decided = &t
		case synth.HandlingLate:
			t := due.Add(time.Duration(1+rng.IntN(15*24)) * time.Hour)
			decided = &t
		}
		dl := deadline(caseID, "decision", at, due, decided)
		last := at
		if decided == nil || decided.After(now) {
			if now.After(due) {
				escalate(caseID, dl, due, true)
			}
		} else {
			if decided.After(due) {
				escalate(caseID, dl, due, false)
			}
			outcome, to := "early_help", vigil.StageEarlyHelp
			switch {
			case r.Handling == synth.HandlingNoFurtherAction:
				outcome, to = "no_further_action", vigil.StageNoFurtherAction
			case r.Category == synth.CatCSE || r.Category == synth.CatSexualHealth || r.Category == synth.CatMissing && rng.IntN(3) == 0:
				outcome, to = "section47", vigil.StageStrategy
			case rng.IntN(5) < 3:
				outcome, to = "assessment", vigil.StageAssessment
			}
			decide(caseID, owner.user, vigil.DecideReferral, outcome, *decided, stage, to)
			stage, last = to, *decided
			if outcome == "assessment" || outcome == "section47" {
				done := decided.Add(time.Duration(10+rng.IntN(60)) * 24 * time.Hour)
				aDue := cal.AddWorkingDays(at, 45)
				if done.After(now) {
					deadline(caseID, "assessment", at, aDue, nil)
				} else {
					deadline(caseID, "assessment", at, aDue, &done)
					if outcome == "assessment" {
						decide(caseID, owner.user, vigil.DecideAssessment, "child_in_need", done, stage, vigil.StageChildInNeed)
						stage, last = vigil.StageChildInNeed, done
					}
				}
			}
			if outcome == "section47" {
				held := decided.Add(time.Duration(rng.IntN(48)) * time.Hour)
				sDue := cal.AddWorkingDays(*decided, 1)
				deadline(caseID, "strategy_discussion", *decided, sDue, &held)
				if !held.After(now) {
					decide(caseID, owner.user, vigil.DecideStrategy, "section47", held, stage, vigil.StageSection47)
					cDue := cal.AddWorkingDays(held, 15)
					conf := held.Add(time.Duration(7+rng.IntN(21)) * 24 * time.Hour)
					deadline(caseID, "initial_conference", held, cDue, &conf)
					stage, last = vigil.StageSection47, held
					if !conf.After(now) {
						to, outcome := vigil.StageChildInNeed, "no_plan"
						if rng.IntN(5) < 3 {
							to, outcome = vigil.StageProtectionPlan, "protection_plan"
						}
						decide(caseID, owner.user, vigil.DecideConference, outcome, conf, vigil.StageConference, to)
						stage, last = to, conf
					}
				}
			}
		}
		if child != nil && child.InCareAt(at) {
			decide(caseID, owner.user, vigil.DecideLookedAfterStart, "started", at, stage, stage)
			lookedAfter = 1
		}
		if ms := r.Missing; ms != nil {
			returned := any(nil)
			if !ms.Returned.IsZero() {
				returned = us(ms.Returned)
				var held *time.Time
				switch x := rng.IntN(20); {
				case x < 11:
					t := ms.Returned.Add(time.Duration(2+rng.IntN(60)) * time.Hour)
					held = &t
				case x < 16:
					t := ms.Returned.Add(time.Duration(73+rng.IntN(200)) * time.Hour)
					held = &t
				}
				deadline(caseID, "return_interview", ms.Returned, ms.Returned.Add(72*time.Hour), held)
			}
			k.add(bulkMissing, string(vigil.NewID()), 1, string(caseID), us(ms.From), returned, "Bulk loaded missing episode", string(owner.user))
		}
		switch r.Category {
		case synth.CatCSE, synth.CatMissing, synth.CatSexualHealth, synth.CatOnline:
			levels := []vigil.RiskLevel{vigil.RiskHigh, vigil.RiskMedium, vigil.RiskLow, vigil.RiskNone}
			level := levels[rng.IntN(4)]
			if r.Category == synth.CatCSE && rng.IntN(2) == 0 {
				level = vigil.RiskHigh
			}
			k.add(bulkScreen, string(vigil.NewID()), 1, string(caseID), `{}`, string(level), "Bulk loaded screening", string(owner.user), us(at.Add(24*time.Hour)))
		}
		// Demographics as the records give them: the child's ethnicity as
		// recorded in the report, and suspects'.
		if r.Subject >= 0 && rng.IntN(10) < 8 {
			eth := string(r.Mentions[r.Subject].Ethnicity)
			if eth == "" {
				eth = vigil.EthnicityNotStated
			}
			nat := vigil.NationalityNotStated
			if child != nil && child.Nationality != "" {
				nat = child.Nationality
			}
			k.add(bulkDemo, string(vigil.NewID()), 1, string(caseID), "child", eth, nat, string(owner.user), us(at.Add(delay)))
		}
		for j, m := range r.Mentions {
			if m.Kind != synth.MentionPerson || m.Role != synth.RoleSuspect {
				continue
			}
			eth, nat := string(m.Ethnicity), vigil.NationalityNotStated
			if eth == "" {
				eth = vigil.EthnicityNotStated
			}
			if p := people[r.Truth.Mentions[j].Entity]; p != nil && p.Nationality != "" {
				nat = p.Nationality
			}
			k.add(bulkDemo, string(vigil.NewID()), 1, string(caseID), "suspect", eth, nat, string(owner.user), us(at.Add(delay)))
		}
		// Finished work is closed with a manager's approval.
		switch stage {
		case vigil.StageNoFurtherAction, vigil.StageEarlyHelp, vigil.StageChildInNeed:
			closed := last.Add(time.Duration(7+rng.IntN(180)) * 24 * time.Hour)
			if closed.Before(now) {
				decide(caseID, owner.user, vigil.DecideCloseApproval, "approved", closed, vigil.StageClosing, vigil.StageClosed)
				stage, status = vigil.StageClosed, vigil.CaseClosed
			}
		}
		k.add(bulkCases, string(caseID), 1, fmt.Sprintf("BCASE-%08d", i), string(status), string(stage), nil, lookedAfter, us(at), name, dob, age, nil,
			string(owner.agency), string(owner.team), string(owner.user), us(at.Add(delay)))
		k.boundary()
	}
	k.commit()
	// Statistics for the query planner, as `PRAGMA optimize` or ANALYZE
	// keeps them in production.
	if _, err := e.db.Writer.Exec(`ANALYZE`); err != nil {
		tb.Fatal(err)
	}
	return n
}
