package sqlstore_test

import (
	"bytes"
	"context"
	"encoding/csv"
	"encoding/json"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/vigil-project/vigil"
	"github.com/vigil-project/vigil/internal/ledger"
	"github.com/vigil-project/vigil/internal/sqlstore"
	"github.com/vigil-project/vigil/internal/synth"
)

// progressed is an env whose town's cases have moved along the workflow
// (decisions, screenings, missing episodes, escalations).
func progressed(t *testing.T, e *env) *env {
	t.Helper()
	if err := synth.Progress(context.Background(), e.store, e.town, 1); err != nil {
		t.Fatal(err)
	}
	return e
}

// ovCountIn returns the number of log entries of kind for object id.
func ovCountIn(t testing.TB, e *env, kind string, id vigil.ID) int {
	t.Helper()
	rows, err := e.db.Reader.Query(e.db.Rebind(`SELECT data FROM log_entries WHERE object_id = ?`), string(id))
	if err != nil {
		t.Fatal(err)
	}
	defer rows.Close()
	n := 0
	for rows.Next() {
		var data []byte
		rows.Scan(&data)
		if en, err := ledger.ParseEntry(data); err == nil && en.Kind == kind {
			n++
		}
	}
	return n
}

// TestDashboardsEmptyPeriod: a period with no data shows zeros, and
// percentages of nothing as not applicable, never an error.
func TestDashboardsEmptyPeriod(t *testing.T) {
	engines(t, func(t *testing.T, e *env) {
		ctx := context.Background()
		p := vigil.FinancialYear(2001)
		for _, tp := range vigil.Topics {
			d, err := e.store.Dashboard(ctx, e.user(t, "scrutiny"), tp.Key, p)
			if err != nil {
				t.Fatalf("%s: %v", tp.Key, err)
			}
			for _, tb := range d.Tables {
				for _, r := range append(tb.Rows, tb.Total) {
					for i, c := range r.Cells {
						if c.Value != 0 || tb.Columns[i].Kind != vigil.ColCount && !c.NA && !c.Suppressed {
							t.Errorf("%s/%s row %q column %s = %+v in an empty period", tp.Key, tb.Key, r.Label, tb.Columns[i].Key, c)
						}
					}
				}
			}
		}
	})
}

// TestDashboardAccess: statistics are for scrutiny, inspectors,
// commissioners and managers; not for a police officer.
func TestDashboardAccess(t *testing.T) {
	engines(t, func(t *testing.T, e *env) {
		ctx := context.Background()
		p := vigil.Last12Months(vigil.Now())
		for _, who := range []string{"scrutiny", "investigator", "commissioner", "director"} {
			if _, err := e.store.Dashboard(ctx, e.user(t, who), vigil.TopicTimeliness, p); err != nil {
				t.Errorf("%s: %v", who, err)
			}
		}
		for _, who := range []string{"police.officer", "social.worker", "admin"} {
			if _, err := e.store.Dashboard(ctx, e.user(t, who), vigil.TopicTimeliness, p); vigil.ErrorCode(err) != vigil.EFORBIDDEN {
				t.Errorf("%s: err = %v, want forbidden", who, err)
			}
		}
		if _, err := e.store.Dashboard(ctx, e.user(t, "scrutiny"), "nonsense", p); vigil.ErrorCode(err) != vigil.ENOTFOUND {
			t.Errorf("unknown topic: err = %v", err)
		}
	})
}

// TestFiguresLinkToTheirCases checks every figure that links to cases:
// the list behind it is as long as the distinct cases it counts, every
// decision figure agrees with the cases received, and a scrutiny member's
// list is de-identified while an investigator's is identified and logged.
func TestFiguresLinkToTheirCases(t *testing.T) {
	engines(t, func(t *testing.T, e *env) {
		progressed(t, e)
		ctx := context.Background()
		p := vigil.Last12Months(vigil.Now())
		scrutiny, inv := e.user(t, "scrutiny"), e.user(t, "investigator")
		for _, tp := range vigil.Topics {
			d, err := e.store.Dashboard(ctx, inv, tp.Key, p)
			if err != nil {
				t.Fatal(err)
			}
			for _, tb := range d.Tables {
				for _, r := range append(tb.Rows, tb.Total) {
					for i, c := range r.Cells {
						if !c.Drill {
							continue
						}
						col := tb.Columns[i].Key
						row := r.Key
						fc, err := e.store.FigureCases(ctx, scrutiny, vigil.Drill{Topic: tp.Key, Table: tb.Key, Row: row, Column: col, Period: p})
						if err != nil {
							t.Fatalf("%s/%s %s/%s: %v", tp.Key, tb.Key, row, col, err)
						}
						if fc.Total < 1 || float64(fc.Total) > c.Value {
							t.Errorf("%s/%s %s/%s: figure %v lists %d cases", tp.Key, tb.Key, row, col, c.Value, fc.Total)
						}
						if fc.Identified != 0 {
							t.Errorf("%s/%s: scrutiny saw %d identified cases", tp.Key, tb.Key, fc.Identified)
						}
						for _, x := range fc.Cases {
							if x.ChildName != "" || x.ID != "" || x.Ref != "" || x.Owner != "" || x.ReceivedAt != nil || x.AgeBand != "" {
								t.Errorf("scrutiny list shows a child, case, owner or date: %+v", x)
							}
							if !strings.HasPrefix(x.Row, "R-") || len(x.Month) != 7 || x.Count < 1 || x.Agency == "" || x.Team == "" {
								t.Errorf("scrutiny row lacks its pseudonym, month, agency, team or count: %+v", x)
							}
						}
					}
				}
			}
		}
		// Each case received has one decision deadline.
		d, err := e.store.Dashboard(ctx, inv, vigil.TopicTimeliness, p)
		if err != nil {
			t.Fatal(err)
		}
		clocks := d.Table("clocks")
		var decisions float64
		for _, r := range clocks.Rows {
			if r.Key == "decision" {
				decisions = r.Cells[clocks.Column("total")].Value
			}
		}
		if want := float64(len(e.town.Cases)); decisions != want {
			t.Errorf("decision deadlines = %v, want one per case received: %v", decisions, want)
		}
		// The investigator's list is identified, and seeing it is logged.
		fc, err := e.store.FigureCases(ctx, inv, vigil.Drill{Topic: vigil.TopicTimeliness, Table: "clocks", Row: "decision", Period: p})
		if err != nil {
			t.Fatal(err)
		}
		if fc.Identified != len(fc.Cases) || len(fc.Cases) == 0 {
			t.Fatalf("investigator: %d of %d identified", fc.Identified, len(fc.Cases))
		}
		deid, err := e.store.FigureCases(ctx, scrutiny, vigil.Drill{Topic: vigil.TopicTimeliness, Table: "clocks", Row: "decision", Period: p})
		if err != nil {
			t.Fatal(err)
		}
		rows := map[string]bool{}
		for _, x := range deid.Cases {
			rows[x.Row] = true
		}
		for _, x := range fc.Cases {
			if x.ChildName == "" || !x.ID.Valid() || x.Ref == "" || x.Owner == "" || x.ReceivedAt == nil {
				t.Errorf("investigator's row not identified: %+v", x)
			}
			// The same row id as the scrutiny member saw, so that they can talk about it.
			if x.Row != vigil.FigureRow(x.ID) || !rows[x.Row] {
				t.Errorf("investigator's row %s is not the row scrutiny saw", x.Row)
			}
			if n := ovCountIn(t, e, "record.listed", x.ID); n == 0 {
				t.Errorf("listing case %s to the investigator was not logged", x.Ref)
			}
		}
		// A police officer cannot follow figures at all.
		if _, err := e.store.FigureCases(ctx, e.user(t, "police.officer"), vigil.Drill{Topic: vigil.TopicTimeliness, Table: "clocks", Period: p}); vigil.ErrorCode(err) != vigil.EFORBIDDEN {
			t.Errorf("police officer: err = %v", err)
		}
		// Demographic figures never list cases.
		if _, err := e.store.FigureCases(ctx, inv, vigil.Drill{Topic: vigil.TopicDemographics, Table: "child_ethnicity", Period: p}); vigil.ErrorCode(err) != vigil.ENOTFOUND {
			t.Errorf("demographic figure listed cases: err = %v", err)
		}
		e.verify(t)
	})
}

// fyWindow returns the last whole financial year, and times within it no
// more than a year ago (concerns older than a year cannot be raised).
func fyWindow(now time.Time) (vigil.ReportPeriod, func(i int) time.Time) {
	fy := vigil.FinancialYear(vigil.FinancialYearOf(now).From.Year() - 1)
	start := fy.From
	if yearAgo := now.AddDate(-1, 0, 2); yearAgo.After(start) {
		start = yearAgo
	}
	span := fy.To.Sub(start) - 48*time.Hour
	return fy, func(i int) time.Time { return start.Add(time.Duration(i%37) * span / 37).Add(time.Hour) }
}

// demographicTown raises referrals in the last whole financial year and
// records demographics for them and their suspects: mostly one group,
// with a few children of rare groups whom suppression must hide.
func demographicTown(t *testing.T, e *env) vigil.ReportPeriod {
	t.Helper()
	ctx := context.Background()
	fy, at := fyWindow(vigil.Now())
	dsl, duty := e.user(t, "school.dsl"), e.user(t, "duty.manager")
	groups := []struct {
		eth, nat string
		n        int
	}{{"white_british", "GB", 23}, {"asian_pakistani", "GB", 9}, {"white_roma", "RO", 2}, {"black_african", "NG", 1}, {"asian_chinese", "CN", 6}}
	k := 0
	for _, g := range groups {
		for range g.n {
			age := 13
			_, cs, err := e.store.RaiseConcern(ctx, dsl, vigil.NewConcern{ReceivedAt: at(k), Child: vigil.Child{Name: fmt.Sprintf("Demo Child %d", k), Age: &age},
				WhatHappened: "Seen with older men at a takeaway late at night."})
			if err != nil {
				t.Fatal(err)
			}
			if _, err := e.store.RecordDemographics(ctx, duty, cs.ID, vigil.NewDemographics{Subject: vigil.SubjectChild, Ethnicity: g.eth, Nationality: g.nat}); err != nil {
				t.Fatal(err)
			}
			if k%3 == 0 {
				if _, err := e.store.RecordDemographics(ctx, duty, cs.ID, vigil.NewDemographics{Subject: vigil.SubjectSuspect, Ethnicity: g.eth, Nationality: g.nat}); err != nil {
					t.Fatal(err)
				}
			}
			if k%2 == 0 {
				if _, err := e.store.RecordScreening(ctx, duty, cs.ID, vigil.NewScreening{Scores: map[string]vigil.Score{"missing": vigil.ScoreHigh, "cars": vigil.ScoreHigh},
					Notes: "Missing and seen in cars"}); err != nil {
					t.Fatal(err)
				}
			}
			k++
		}
	}
	return fy
}

// checkSuppressed fails if a published table shows a count from 1 to 4,
// or has a line with exactly one suppressed count.
func checkSuppressed(t *testing.T, pt *vigil.PublishedTable) {
	t.Helper()
	rows := pt.Rows
	if pt.Total != nil {
		rows = append(rows, *pt.Total)
	}
	colHidden := map[int]int{}
	for _, r := range rows {
		hidden := 0
		for i, c := range r.Cells {
			if pt.Columns[i].Kind != vigil.ColCount {
				continue
			}
			if c.Suppressed {
				hidden++
				colHidden[i]++
			} else if c.Value != nil && *c.Value >= 1 && *c.Value <= vigil.SmallCount {
				t.Errorf("%s: %q shows %v", pt.Key, r.Label, *c.Value)
			}
		}
		if hidden == 1 && pt.Columns[len(pt.Columns)-1].Key == "total" {
			t.Errorf("%s: row %q has one suppressed count, which its total gives away", pt.Key, r.Label)
		}
	}
	if pt.Total != nil {
		for i, n := range colHidden {
			if n == 1 {
				t.Errorf("%s: column %s has one suppressed count, which its total gives away", pt.Key, pt.Columns[i].Key)
			}
		}
	}
}

// TestDemographicSuppression publishes a year with demographics, checks
// small numbers are suppressed with their complements, and that narrowing
// the period or the scope, or adding records later, shows nothing new.
func TestDemographicSuppression(t *testing.T) {
	engines(t, func(t *testing.T, e *env) {
		ctx := context.Background()
		fy := demographicTown(t, e)
		scrutiny := e.user(t, "scrutiny")
		before, err := e.store.Dashboard(ctx, scrutiny, vigil.TopicDemographics, fy)
		if err != nil {
			t.Fatal(err)
		}
		if len(before.Tables) != 0 {
			t.Fatalf("demographic tables shown before the year was published: %d", len(before.Tables))
		}
		r, err := e.store.PublishRelease(ctx, scrutiny, fy, "")
		if err != nil {
			t.Fatal(err)
		}
		if r.Kind != vigil.ReleaseAnnual {
			t.Fatalf("release of a whole financial year is %s", r.Kind)
		}
		var f vigil.ReleaseFigures
		if err := json.Unmarshal(r.Figures, &f); err != nil {
			t.Fatal(err)
		}
		demo := map[string]*vigil.PublishedTable{}
		for _, pt := range f.Tables {
			checkSuppressed(t, pt)
			if pt.Demographic {
				demo[pt.Key] = pt
			}
		}
		eth := demo["child_ethnicity"]
		if eth == nil || len(demo) != 4 {
			t.Fatalf("demographic tables: %v", demo)
		}
		for _, row := range eth.Rows {
			switch row.Key {
			case "white_roma", "black_african":
				if !row.Cells[2].Suppressed {
					t.Errorf("%s: %+v not suppressed", row.Key, row.Cells)
				}
			case "white_british":
				if v := row.Cells[2].Value; v == nil || *v != 23 {
					t.Errorf("white_british total = %v, want 23", v)
				}
			}
		}
		// Every narrower view shows the year as published: a month, a
		// range of days, the last 12 months, and an agency-scoped director.
		views := []vigil.ReportPeriod{vigil.Month(fy.From.Year(), time.December), vigil.DateRange(fy.To.AddDate(0, 0, -10), fy.To.AddDate(0, 0, -3)),
			fy, vigil.Last12Months(vigil.Now())}
		published := func(d *vigil.Dashboard) map[string]*vigil.Table {
			out := map[string]*vigil.Table{}
			for _, tb := range d.Tables {
				out[tb.Key] = tb
			}
			return out
		}
		want, err := e.store.Dashboard(ctx, scrutiny, vigil.TopicDemographics, fy)
		if err != nil {
			t.Fatal(err)
		}
		for _, who := range []string{"scrutiny", "director", "investigator"} {
			for _, p := range views {
				got, err := e.store.Dashboard(ctx, e.user(t, who), vigil.TopicDemographics, p)
				if err != nil {
					t.Fatal(err)
				}
				if got.Period.Key != fy.Key && p.To.Before(vigil.Now()) && vigil.FinancialYearOf(p.LastDay()).Key == fy.Key {
					t.Errorf("%s %s: shows %s", who, p.Key, got.Period.Key)
				}
				if got.Period.Key == fy.Key {
					if diff := cmp.Diff(published(want), published(got)); diff != "" {
						t.Errorf("%s %s: a narrower view differs from the published year:\n%s", who, p.Key, diff)
					}
				}
			}
		}
		// Records added later, and a correction of the year, change no
		// demographic figure: they are frozen at first publication.
		dsl := e.user(t, "school.dsl")
		_, at := fyWindow(vigil.Now())
		age := 12
		_, cs, err := e.store.RaiseConcern(ctx, dsl, vigil.NewConcern{ReceivedAt: at(5), Child: vigil.Child{Name: "Late Child", Age: &age}, WhatHappened: "Late record."})
		if err != nil {
			t.Fatal(err)
		}
		if _, err := e.store.RecordDemographics(ctx, e.user(t, "duty.manager"), cs.ID, vigil.NewDemographics{Subject: vigil.SubjectChild, Ethnicity: "white_roma", Nationality: "RO"}); err != nil {
			t.Fatal(err)
		}
		if _, err := e.store.PublishRelease(ctx, scrutiny, fy, ""); vigil.ErrorCode(err) != vigil.EINVALID {
			t.Fatalf("publishing a period again without a note: err = %v", err)
		}
		r2, err := e.store.PublishRelease(ctx, e.user(t, "director"), fy, "A late referral was recorded after the first release")
		if err != nil {
			t.Fatal(err)
		}
		if r2.Replaces != r.ID || r2.Number != r.Number+1 {
			t.Errorf("correction: replaces %s number %d", r2.Replaces, r2.Number)
		}
		var f2 vigil.ReleaseFigures
		json.Unmarshal(r2.Figures, &f2)
		for _, pt := range f2.Tables {
			if pt.Demographic {
				if diff := cmp.Diff(demo[pt.Key], pt); diff != "" {
					t.Errorf("the correction changed demographic table %s:\n%s", pt.Key, diff)
				}
			}
		}
		e.verify(t)
	})
}

// TestReleaseProof publishes a release and checks its proof against the
// log's key; a changed figure, a proof for another entry, and a row edited
// in the database are all caught.
func TestReleaseProof(t *testing.T) {
	engines(t, func(t *testing.T, e *env) {
		ctx := context.Background()
		progressed(t, e)
		p := lastMonth(vigil.Now())
		if _, err := e.store.PublishRelease(ctx, e.user(t, "social.worker"), p, ""); vigil.ErrorCode(err) != vigil.EFORBIDDEN {
			t.Errorf("a social worker published: err = %v", err)
		}
		r, err := e.store.PublishRelease(ctx, e.user(t, "director"), p, "")
		if err != nil {
			t.Fatal(err)
		}
		if r.Kind != vigil.ReleaseOnDemand || r.Number != 1 {
			t.Errorf("release kind %s number %d", r.Kind, r.Number)
		}
		proof, err := e.store.ProveRelease(ctx, r.ID)
		if err != nil {
			t.Fatal(err)
		}
		vkey := e.key.VerifierKey()
		cp, err := sqlstore.VerifyReleaseProof(proof, vkey)
		if err != nil {
			t.Fatalf("verify: %v", err)
		}
		if cp.Size <= proof.Index {
			t.Errorf("checkpoint of %d entries proves entry %d", cp.Size, proof.Index)
		}
		// A figure changed after publication.
		bad := *proof
		bad.Figures = strings.Replace(proof.Figures, `"value":`, `"value":1`, 1)
		if _, err := sqlstore.VerifyReleaseProof(&bad, vkey); err == nil {
			t.Error("changed figures verified")
		}
		// Another key.
		_, other, _ := ledger.GenerateKey("test.vigil.invalid/log")
		if _, err := sqlstore.VerifyReleaseProof(proof, other); err == nil {
			t.Error("verified with another log's key")
		}
		// A proof moved to another entry.
		bad = *proof
		bad.Index++
		if _, err := sqlstore.VerifyReleaseProof(&bad, vkey); err == nil {
			t.Error("verified at another index")
		}
		// The row edited behind the application's back is named by verify.
		if _, err := e.db.Writer.Exec(e.db.Rebind(`UPDATE statistics_releases SET figures = ? WHERE id = ?`), `{"tables":[]}`, r.ID); err != nil {
			t.Fatal(err)
		}
		rep, err := ledger.VerifyDB(ctx, e.db, vkey, sqlstore.Tables, nil)
		if err != nil {
			t.Fatal(err)
		}
		if rep.OK() || !strings.Contains(fmt.Sprint(rep.Problems), string(r.ID)) {
			t.Errorf("editing a release was not reported: %v", rep.Problems)
		}
		edited, err := e.store.ProveRelease(ctx, r.ID)
		if err != nil {
			t.Fatal(err)
		}
		if _, err := sqlstore.VerifyReleaseProof(edited, vkey); err == nil {
			t.Error("the edited release verified")
		}
	})
}

// TestPublishDue: Vigil publishes last month and the last financial year
// itself, once.
func TestPublishDue(t *testing.T) {
	engines(t, func(t *testing.T, e *env) {
		ctx := context.Background()
		now := time.Date(2026, time.June, 10, 9, 0, 0, 0, vigil.London)
		got, err := e.store.PublishDue(ctx, now)
		if err != nil {
			t.Fatal(err)
		}
		var keys []string
		for _, r := range got {
			keys = append(keys, r.PeriodKey+"/"+r.Kind)
		}
		if diff := cmp.Diff([]string{"2026-05/monthly", "fy2025/annual"}, keys); diff != "" {
			t.Errorf("published (-want +got):\n%s", diff)
		}
		again, err := e.store.PublishDue(ctx, now.Add(time.Hour))
		if err != nil || len(again) != 0 {
			t.Errorf("second run published %d: %v", len(again), err)
		}
		all, err := e.store.Releases(ctx)
		if err != nil || len(all) != 2 || all[0].Number != 2 {
			t.Errorf("releases: %v %v", all, err)
		}
	})
}

// TestActionPlanEscalates: an action whose deadline passes escalates to
// its owner and climbs the ladder to independent oversight; it cannot be
// marked done without evidence; the scrutiny panel returns it once and
// then signs it off; the public sees the recommendation's state.
func TestActionPlanEscalates(t *testing.T) {
	engines(t, func(t *testing.T, e *env) {
		ctx := context.Background()
		commissioner, scrutiny := e.user(t, "commissioner"), e.user(t, "scrutiny")
		if _, err := e.store.CreatePlan(ctx, e.user(t, "social.worker"), vigil.NewActionPlan{Title: "x", Report: "y", ReportDate: "2014-08-26"}); vigil.ErrorCode(err) != vigil.EFORBIDDEN {
			t.Errorf("social worker created a plan: err = %v", err)
		}
		plan, err := e.store.CreatePlan(ctx, commissioner, vigil.NewActionPlan{Title: "Response to the Jay report",
			Report: "Independent Inquiry into Child Sexual Exploitation in Rotherham 1997-2013", ReportDate: "2014-08-26", Public: true})
		if err != nil {
			t.Fatal(err)
		}
		rec, err := e.store.AddRecommendation(ctx, scrutiny, plan.ID, vigil.NewRecommendation{Number: "1",
			Text: "The Council should draw up a comprehensive plan for CSE that covers all agencies."})
		if err != nil {
			t.Fatal(err)
		}
		owner := e.town.Login("social.worker").User
		now := vigil.Now()
		if _, err := e.store.AddAction(ctx, commissioner, rec.ID, vigil.NewPlanAction{Title: "x", OwnerID: e.town.Login("scrutiny").User.ID,
			Due: now, EvidenceNeeded: "y"}); vigil.ErrorCode(err) != vigil.EINVALID {
			t.Errorf("scrutiny member as owner: err = %v", err)
		}
		a, err := e.store.AddAction(ctx, commissioner, rec.ID, vigil.NewPlanAction{Title: "Publish a multi-agency CSE strategy",
			OwnerID: owner.ID, Due: now.Add(-time.Hour), EvidenceNeeded: "The strategy, signed by every agency's lead"})
		if err != nil {
			t.Fatal(err)
		}
		level := func() (int, vigil.ID) {
			t.Helper()
			d, err := e.store.FindAction(ctx, scrutiny, a.ID)
			if err != nil {
				t.Fatal(err)
			}
			if d.Escalation == nil {
				return 0, ""
			}
			return d.Escalation.Level, d.Escalation.HolderID
		}
		res, err := e.store.Sweep(ctx, now)
		if err != nil {
			t.Fatal(err)
		}
		if lvl, holder := level(); res.Missed < 1 || lvl != 1 || holder != owner.ID {
			t.Fatalf("after the deadline: missed %d, level %d held by %s", res.Missed, lvl, holder)
		}
		if again, _ := e.store.Sweep(ctx, now); again.Missed != 0 {
			t.Errorf("a second sweep escalated %d more", again.Missed)
		}
		wants := []struct {
			level  int
			holder string
		}{{2, "team.manager"}, {3, "director"}, {4, ""}}
		at := now
		for _, w := range wants {
			at = at.AddDate(0, 0, 21) // more than any rung's time to answer
			if _, err := e.store.Sweep(ctx, at); err != nil {
				t.Fatal(err)
			}
			lvl, holder := level()
			want := vigil.ID("")
			if w.holder != "" {
				want = e.town.Login(w.holder).User.ID
			}
			if lvl != w.level || holder != want {
				t.Errorf("climbed to level %d held by %q, want %d held by %s", lvl, holder, w.level, w.holder)
			}
		}
		items, err := e.store.ActionEscalations(ctx, scrutiny)
		if err != nil || len(items) != 1 || items[0].LevelName != "Independent oversight" {
			t.Fatalf("scrutiny's action escalations: %v %v", items, err)
		}
		// The public sees it overdue.
		pub, err := e.store.FindPlan(ctx, vigil.PublicActor, plan.ID)
		if err != nil {
			t.Fatal(err)
		}
		if st := pub.Recommendations[0].State(now); st != vigil.RecOverdue {
			t.Errorf("public state %s, want overdue", st)
		}
		// Done needs evidence.
		err = e.store.ReportProgress(ctx, e.user(t, "social.worker"), a.ID, vigil.ActionProgress{Status: vigil.ActionDone, Note: "Finished"})
		if vigil.ErrorCode(err) != vigil.EINVALID || vigil.ErrorFields(err)[0].Field != "evidence" {
			t.Fatalf("done without evidence: err = %v", err)
		}
		if err := e.store.ReportProgress(ctx, e.user(t, "police.officer"), a.ID, vigil.ActionProgress{Status: vigil.ActionDone, Evidence: "x"}); vigil.ErrorCode(err) != vigil.EFORBIDDEN {
			t.Errorf("someone else's action marked done: err = %v", err)
		}
		if err := e.store.ReportProgress(ctx, e.user(t, "social.worker"), a.ID, vigil.ActionProgress{Status: vigil.ActionDone,
			Evidence: "Strategy published at council.example/cse-strategy, signed by police, health and education"}); err != nil {
			t.Fatal(err)
		}
		if lvl, _ := level(); lvl != 0 {
			t.Errorf("escalation still open after the action was done")
		}
		if err := e.store.SignOff(ctx, e.user(t, "director"), a.ID, true, "ok"); vigil.ErrorCode(err) != vigil.EFORBIDDEN {
			t.Errorf("director signed off: err = %v", err)
		}
		if err := e.store.SignOff(ctx, scrutiny, a.ID, false, "The strategy has no measures of success; add them."); err != nil {
			t.Fatal(err)
		}
		// Returned past its deadline, it escalates again.
		if res, _ := e.store.Sweep(ctx, at); res.Missed != 1 {
			t.Errorf("a returned overdue action escalated %d times", res.Missed)
		}
		if err := e.store.ReportProgress(ctx, e.user(t, "social.worker"), a.ID, vigil.ActionProgress{Status: vigil.ActionDone,
			Evidence: "Revised strategy with measures, council.example/cse-strategy-v2"}); err != nil {
			t.Fatal(err)
		}
		if err := e.store.SignOff(ctx, scrutiny, a.ID, true, "Evidence seen; measures agreed."); err != nil {
			t.Fatal(err)
		}
		pub, _ = e.store.FindPlan(ctx, vigil.PublicActor, plan.ID)
		if st := pub.Recommendations[0].State(at); st != vigil.RecComplete {
			t.Errorf("after sign-off the state is %s", st)
		}
		if err := e.store.ReportProgress(ctx, e.user(t, "social.worker"), a.ID, vigil.ActionProgress{Status: vigil.ActionInProgress, Note: "more"}); vigil.ErrorCode(err) != vigil.ECONFLICT {
			t.Errorf("progress after sign-off: err = %v", err)
		}
		d, _ := e.store.FindAction(ctx, scrutiny, a.ID)
		var kinds []string
		for _, h := range d.History {
			kinds = append(kinds, h.Kind)
		}
		for _, want := range []string{"action.agreed", "action_escalation.raised", "action_escalation.climbed", "action.done", "action.returned", "action.signed_off"} {
			if !strings.Contains(strings.Join(kinds, " "), want) {
				t.Errorf("history lacks %s: %v", want, kinds)
			}
		}
		e.verify(t)
	})
}

// TestCoreDataSet exports the national core data set: its header is the
// documented fields, one row per episode, and scrutiny may not export it.
func TestCoreDataSet(t *testing.T) {
	engines(t, func(t *testing.T, e *env) {
		ctx := context.Background()
		progressed(t, e)
		p := vigil.Last12Months(vigil.Now())
		var buf bytes.Buffer
		if err := e.store.ExportCoreData(ctx, e.user(t, "scrutiny"), p, &buf); vigil.ErrorCode(err) != vigil.EFORBIDDEN {
			t.Errorf("scrutiny exported: err = %v", err)
		}
		if err := e.store.ExportCoreData(ctx, e.user(t, "investigator"), p, &buf); err != nil {
			t.Fatal(err)
		}
		recs, err := csv.NewReader(&buf).ReadAll()
		if err != nil {
			t.Fatal(err)
		}
		var header []string
		for _, f := range vigil.CoreDataFields {
			header = append(header, f.Name)
		}
		if diff := cmp.Diff(header, recs[0]); diff != "" {
			t.Errorf("header (-want +got):\n%s", diff)
		}
		if len(recs)-1 != len(e.town.Cases) {
			t.Errorf("%d rows, want one per case: %d", len(recs)-1, len(e.town.Cases))
		}
		for _, r := range recs[1:] {
			if r[1] == "" || r[2] == "" || len(r) != len(header) {
				t.Errorf("row %v", r)
			}
			for _, c := range e.town.Cases {
				if strings.Contains(strings.Join(r, ","), c.Child.Name) {
					t.Errorf("row holds a child's name: %v", r)
				}
			}
		}
	})
}

// failingWriter fails every write, as a download cut off at once would.
type failingWriter struct{}

func (failingWriter) Write([]byte) (int, error) { return 0, fmt.Errorf("connection reset") }

// TestCoreDataSetLoggedFirst: the export is in the log before any row
// leaves, so that an export that fails or is cut short is still recorded.
func TestCoreDataSetLoggedFirst(t *testing.T) {
	engines(t, func(t *testing.T, e *env) {
		ctx := context.Background()
		p := lastMonth(vigil.Now())
		if n := ovCountIn(t, e, "stats.core_data_exported", "ncds"); n != 0 {
			t.Fatalf("%d exports logged before any", n)
		}
		if err := e.store.ExportCoreData(ctx, e.user(t, "investigator"), p, failingWriter{}); err == nil {
			t.Fatal("an export to a failing writer succeeded")
		}
		if n := ovCountIn(t, e, "stats.core_data_exported", "ncds"); n != 1 {
			t.Errorf("an export that failed while streaming was logged %d times, want 1", n)
		}
		var buf bytes.Buffer
		if err := e.store.ExportCoreData(ctx, e.user(t, "investigator"), p, &buf); err != nil {
			t.Fatal(err)
		}
		if n := ovCountIn(t, e, "stats.core_data_exported", "ncds"); n != 2 {
			t.Errorf("two exports logged %d times", n)
		}
		// Refused exports are not exports.
		if err := e.store.ExportCoreData(ctx, e.user(t, "scrutiny"), p, &buf); vigil.ErrorCode(err) != vigil.EFORBIDDEN {
			t.Errorf("scrutiny exported: %v", err)
		}
		if n := ovCountIn(t, e, "stats.core_data_exported", "ncds"); n != 2 {
			t.Errorf("a refused export was logged")
		}
		e.verify(t)
	})
}

// TestLongDurationsDoNotOverflow: the dashboards sum durations in
// microseconds, and over a region's million concerns those sums outgrow a
// 64-bit integer (SQLite then fails with "integer overflow"). Three
// concerns each recorded about 127,000 years late reach that sum here.
func TestLongDurationsDoNotOverflow(t *testing.T) {
	engines(t, func(t *testing.T, e *env) {
		ctx := context.Background()
		var n int
		if err := e.db.Reader.QueryRow(`SELECT COUNT(*) FROM concerns`).Scan(&n); err != nil || n < 3 {
			t.Fatalf("need three concerns, have %d (%v)", n, err)
		}
		if _, err := e.db.Writer.ExecContext(ctx, `UPDATE concerns SET recorded_at = received_at + 4000000000000000000`); err != nil {
			t.Fatal(err)
		}
		p := vigil.Last12Months(vigil.Now())
		d, err := e.store.Dashboard(ctx, e.user(t, "scrutiny"), vigil.TopicDelay, p)
		if err != nil {
			t.Fatalf("delay dashboard: %v", err)
		}
		if d.Trend == nil || len(d.Trend.Series) == 0 {
			t.Fatalf("delay dashboard has no trend: %+v", d.Trend)
		}
	})
}
