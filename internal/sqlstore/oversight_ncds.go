package sqlstore

import (
	"context"
	"database/sql"
	"encoding/csv"
	"fmt"
	"io"
	"strconv"
	"strings"
	"time"

	"github.com/vigil-project/vigil"
)

// The national core data set (vigil.CoreDataFields): one row per child per
// episode, for every case open at any time in the period. Cases are read
// in batches, each with one query per related table, so that a region's
// return streams in flat memory.

const coreBatch = 500

// ExportCoreData implements vigil.OversightService.
func (s *Store) ExportCoreData(ctx context.Context, actor vigil.Actor, p vigil.ReportPeriod, w io.Writer) error {
	u := actor.User
	if !vigil.CanExportCoreData(u) {
		return forbidden("The national core data set is record-level: only people who may open the cases it covers can export it.")
	}
	now := vigil.Now()
	cond, args := "c.received_at < ?", []any{micros(p.To)}
	if vigil.Permissions.ScopeOf(u, vigil.ActCaseView) < vigil.ScopeAll {
		cond, args = cond+" AND c.agency_id = ?", append(args, u.AgencyID)
	}
	// Cases closed to the person by a conflict of interest are left out.
	cond, args = cond+" AND c.id NOT IN (SELECT value FROM conflicts WHERE user_id = ? AND kind = 'case')", append(args, u.ID)
	conflicts, err := s.conflictsOf(reader{s, ctx}, u.ID)
	if err != nil {
		return internal("export", err)
	}
	kinds := map[string]string{}
	if err := each(reader{s, ctx}, func(r scanner) error {
		var id, kind string
		if err := r.Scan(&id, &kind); err != nil {
			return err
		}
		kinds[id] = kind
		return nil
	}, `SELECT id, kind FROM agencies`); err != nil {
		return err
	}
	// The export is logged before its first byte is written: a download
	// cut short, or a writer that fails, has still been recorded.
	scope := "all"
	if vigil.Permissions.ScopeOf(u, vigil.ActCaseView) < vigil.ScopeAll {
		scope = "agency:" + string(u.AgencyID)
	}
	if err := s.log.Append(ctx, "stats.core_data_exported", string(actor.ID), "dashboards", "ncds", map[string]any{"period": p.Key,
		"first": p.From.In(vigil.London).Format("2006-01-02"), "last": p.LastDay().In(vigil.London).Format("2006-01-02"), "scope": scope,
		"fields": len(vigil.CoreDataFields)}); err != nil {
		return err
	}
	cw := csv.NewWriter(w)
	header := make([]string, len(vigil.CoreDataFields))
	for i, f := range vigil.CoreDataFields {
		header[i] = f.Name
	}
	if err := cw.Write(header); err != nil {
		return err
	}
	children := map[string]string{}
	var after int64 = -1 << 62
	afterID := ""
	for {
		// Keyset pagination: stable and cheap however far into the cases.
		rows, err := s.query(ctx, `SELECT `+caseColumns+`, (SELECT MIN(d.at) FROM decisions d WHERE d.case_id = c.id AND d.kind = '`+
			vigil.DecideCloseApproval+`' AND d.outcome = 'approved') FROM cases c WHERE `+cond+
			` AND (c.received_at > ? OR c.received_at = ? AND c.id > ?) ORDER BY c.received_at, c.id LIMIT ?`,
			append(args, after, after, afterID, coreBatch)...)
		if err != nil {
			return internal("export", err)
		}
		var batch []*coreRow
		read := 0
		for rows.Next() {
			var closed sql.NullInt64
			c, err := scanCase(rows, &closed)
			if err != nil {
				rows.Close()
				return internal("export", err)
			}
			read++
			after, afterID = micros(c.ReceivedAt), string(c.ID)
			if closed.Valid && fromMicros(closed.Int64).Before(p.From) {
				continue // closed before the period began
			}
			cr := &coreRow{c: c}
			if closed.Valid {
				t := fromMicros(closed.Int64)
				cr.closed = &t
			}
			batch = append(batch, cr)
		}
		rows.Close()
		if err := rows.Err(); err != nil {
			return internal("export", err)
		}
		if len(conflicts) > 0 {
			kept := batch[:0]
			for _, cr := range batch {
				concerns, err := s.concernsOf(reader{s, ctx}, cr.c.ID)
				if err != nil {
					return err
				}
				if !vigil.ConflictsWith(conflicts, cr.c, concerns) {
					kept = append(kept, cr)
				}
			}
			batch = kept
		}
		if err := s.loadCore(ctx, batch, kinds); err != nil {
			return err
		}
		for _, cr := range batch {
			if err := cw.Write(cr.record(s.rules, children, p, now)); err != nil {
				return err
			}
		}
		if read < coreBatch {
			break
		}
	}
	cw.Flush()
	return cw.Error()
}

// coreRow gathers one episode's data.
type coreRow struct {
	c           *vigil.Case
	closed      *time.Time
	source      string
	ethnicity   string
	nationality string
	decisions   []coreDecision
	deadlines   []coreDeadline
	missing     int
	risk        string
	escalations int
	topLevel    int
	repeat      bool
}

type coreDecision struct {
	kind, outcome string
	at            time.Time
}

type coreDeadline struct {
	kind      string
	instance  int
	due       time.Time
	status    string
	met       *time.Time
	startedAt time.Time
}

// in returns "(?, ?, ...)" for the batch's case ids, and the ids.
func in(batch []*coreRow) (string, []any) {
	marks := make([]string, len(batch))
	args := make([]any, len(batch))
	for i, cr := range batch {
		marks[i], args[i] = "?", cr.c.ID
	}
	return "(" + strings.Join(marks, ", ") + ")", args
}

func (s *Store) loadCore(ctx context.Context, batch []*coreRow, kinds map[string]string) error {
	if len(batch) == 0 {
		return nil
	}
	by := map[vigil.ID]*coreRow{}
	for _, cr := range batch {
		by[cr.c.ID] = cr
	}
	ids, args := in(batch)
	q := reader{s, ctx}
	steps := []struct {
		sql  string
		scan func(r scanner) error
	}{
		{`SELECT case_id, source, agency_id FROM concerns WHERE case_id IN ` + ids + ` ORDER BY received_at DESC, id DESC`, func(r scanner) error {
			var id vigil.ID
			var source string
			var agency sql.NullString
			if err := r.Scan(&id, &source, &agency); err != nil {
				return err
			}
			// Ordered newest first, so the first concern's source is the last written.
			if source == string(vigil.SourceProfessional) && kinds[agency.String] != "" {
				source = kinds[agency.String]
			}
			by[id].source = source
			return nil
		}},
		{`SELECT case_id, ethnicity, nationality FROM demographic_records WHERE subject = 'child' AND case_id IN ` + ids, func(r scanner) error {
			var id vigil.ID
			var e, n string
			if err := r.Scan(&id, &e, &n); err != nil {
				return err
			}
			by[id].ethnicity, by[id].nationality = e, n
			return nil
		}},
		{`SELECT case_id, kind, outcome, at FROM decisions WHERE case_id IN ` + ids + ` ORDER BY at, recorded_at`, func(r scanner) error {
			var id vigil.ID
			var d coreDecision
			var at int64
			if err := r.Scan(&id, &d.kind, &d.outcome, &at); err != nil {
				return err
			}
			d.at = fromMicros(at)
			by[id].decisions = append(by[id].decisions, d)
			return nil
		}},
		{`SELECT case_id, kind, instance, started_at, due_at, status, met_at FROM deadlines WHERE case_id IN ` + ids + ` ORDER BY started_at, instance`, func(r scanner) error {
			var id vigil.ID
			var d coreDeadline
			var started, due int64
			var met sql.NullInt64
			if err := r.Scan(&id, &d.kind, &d.instance, &started, &due, &d.status, &met); err != nil {
				return err
			}
			d.startedAt, d.due = fromMicros(started), fromMicros(due)
			if met.Valid {
				t := fromMicros(met.Int64)
				d.met = &t
			}
			by[id].deadlines = append(by[id].deadlines, d)
			return nil
		}},
		{`SELECT case_id, COUNT(*) FROM missing_episodes WHERE case_id IN ` + ids + ` GROUP BY case_id`, func(r scanner) error {
			var id vigil.ID
			var n int
			if err := r.Scan(&id, &n); err != nil {
				return err
			}
			by[id].missing = n
			return nil
		}},
		{`SELECT case_id, level FROM screenings WHERE case_id IN ` + ids + ` ORDER BY at, id`, func(r scanner) error {
			var id vigil.ID
			var level string
			if err := r.Scan(&id, &level); err != nil {
				return err
			}
			by[id].risk = level // the latest wins
			return nil
		}},
		{`SELECT case_id, COUNT(*), MAX(level) FROM escalations WHERE case_id IN ` + ids + ` GROUP BY case_id`, func(r scanner) error {
			var id vigil.ID
			var n, top int
			if err := r.Scan(&id, &n, &top); err != nil {
				return err
			}
			by[id].escalations, by[id].topLevel = n, top
			return nil
		}},
		{`SELECT c.id FROM cases c WHERE c.id IN ` + ids + ` AND c.child_dob IS NOT NULL AND EXISTS (SELECT 1 FROM cases p
			WHERE lower(p.child_name) = lower(c.child_name) AND p.child_dob = c.child_dob AND p.received_at < c.received_at
			AND p.received_at >= c.received_at - ` + strconv.FormatInt(usYear, 10) + `)`, func(r scanner) error {
			var id vigil.ID
			if err := r.Scan(&id); err != nil {
				return err
			}
			by[id].repeat = true
			return nil
		}},
	}
	for _, st := range steps {
		if err := each(q, st.scan, st.sql, args...); err != nil {
			return err
		}
	}
	return nil
}

// record is the episode's row of the data set, in vigil.CoreDataFields' order.
func (cr *coreRow) record(rules *vigil.Rules, children map[string]string, p vigil.ReportPeriod, now time.Time) []string {
	c := cr.c
	date := func(t *time.Time) string {
		if t == nil {
			return ""
		}
		return t.In(vigil.London).Format("2006-01-02")
	}
	yn := func(b bool) string {
		if b {
			return "Y"
		}
		return "N"
	}
	first := func(kind, outcome string) *coreDecision {
		for i := range cr.decisions {
			if d := &cr.decisions[i]; d.kind == kind && (outcome == "" || d.outcome == outcome) {
				return d
			}
		}
		return nil
	}
	at := func(d *coreDecision) *time.Time {
		if d == nil {
			return nil
		}
		return &d.at
	}
	// onTime says whether the first instance of a clock was met in time:
	// Y, N, or "" while it is still running or was no longer needed.
	onTime := func(kind string) string {
		for _, d := range cr.deadlines {
			if d.kind != kind || d.instance != 1 {
				continue
			}
			switch {
			case d.status == string(vigil.DeadlineMet):
				return yn(!d.met.After(d.due))
			case d.status == string(vigil.DeadlineOpen) && now.After(d.due):
				return "N"
			}
			return ""
		}
		return ""
	}
	rhi := 0
	for _, d := range cr.deadlines {
		if d.kind == "return_interview" && d.status == string(vigil.DeadlineMet) && !d.met.After(d.due) {
			rhi++
		}
	}
	// The child's pseudonym: the same for cases with the same recorded
	// name and date of birth, within this export only.
	key := "case:" + string(c.ID)
	if c.Child.DateOfBirth != "" {
		key = strings.ToLower(strings.TrimSpace(c.Child.Name)) + "|" + c.Child.DateOfBirth
	}
	child, ok := children[key]
	if !ok {
		child = fmt.Sprintf("C%07d", len(children)+1)
		children[key] = child
	}
	age := ""
	if a := c.Child.AgeAt(c.ReceivedAt); a != nil {
		age = strconv.Itoa(*a)
	}
	decision := first(vigil.DecideReferral, "")
	outcome := ""
	if decision != nil {
		outcome = decision.outcome
	}
	end := cr.closed
	if end == nil {
		e := p.To
		if now.Before(e) {
			e = now
		}
		end = &e
	}
	days := int(end.Sub(c.ReceivedAt).Hours() / 24)
	top := ""
	if cr.topLevel >= 1 && cr.topLevel <= len(rules.Ladder) {
		top = rules.Ladder[cr.topLevel-1].Name
	}
	repeat := ""
	if c.Child.DateOfBirth != "" {
		repeat = yn(cr.repeat)
	}
	return []string{
		child, c.Ref, date(&c.ReceivedAt), cr.source, age, cr.ethnicity, cr.nationality,
		outcome, date(at(decision)), onTime("decision"),
		date(at(first(vigil.DecideAssessment, ""))), onTime("assessment"),
		date(at(first(vigil.DecideStrategy, ""))), yn(first(vigil.DecideStrategy, "section47") != nil),
		date(at(first(vigil.DecideConference, ""))), onTime("initial_conference"),
		date(at(first(vigil.DecideConference, "protection_plan"))), date(at(first(vigil.DecideReview, "end_plan"))),
		yn(first(vigil.DecideLookedAfterStart, "") != nil), strconv.Itoa(cr.missing), strconv.Itoa(rhi),
		cr.risk, strconv.Itoa(cr.escalations), top, date(cr.closed), strconv.Itoa(days), repeat,
	}
}
