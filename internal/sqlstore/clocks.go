package sqlstore

import (
	"database/sql"
	"fmt"
	"sort"
	"time"

	"github.com/vigil-project/vigil"
	"github.com/vigil-project/vigil/internal/ledger"
)

// This file is the engine of the statutory clocks: events of a case start,
// meet and stop its deadlines, as the rules (vigil.ClockRule) say.

const deadlineColumns = `id, case_id, kind, instance, ref_id, started_at, due_at, status, met_at, late_reason, cancel_reason`

func scanDeadline(r scanner, rules *vigil.Rules) (*vigil.Deadline, error) {
	var d vigil.Deadline
	var ref, late, cancel sql.NullString
	var started, due int64
	var met sql.NullInt64
	if err := r.Scan(&d.ID, &d.CaseID, &d.Kind, &d.Instance, &ref, &started, &due, &d.Status, &met, &late, &cancel); err != nil {
		return nil, err
	}
	d.RefID, d.LateReason, d.CancelReason = vigil.ID(ref.String), late.String, cancel.String
	d.StartedAt, d.Due = fromMicros(started), fromMicros(due)
	if met.Valid {
		t := fromMicros(met.Int64)
		d.MetAt = &t
	}
	d.Label = d.Kind
	if rule := rules.Clock(d.Kind); rule != nil {
		d.Label = rule.Label
	}
	return &d, nil
}

// openDeadlines returns a case's open deadlines in tx, earliest due first.
func (s *Store) openDeadlines(tx *ledger.Tx, caseID vigil.ID) ([]*vigil.Deadline, error) {
	rows, err := tx.Query(`SELECT `+deadlineColumns+` FROM deadlines WHERE case_id = ? AND status = 'open' ORDER BY due_at, id`, caseID)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []*vigil.Deadline
	for rows.Next() {
		d, err := scanDeadline(rows, s.rules)
		if err != nil {
			return nil, err
		}
		out = append(out, d)
	}
	return out, rows.Err()
}

// when formats a time for the chronology, in Europe/London.
func when(t time.Time) string { return t.In(vigil.London).Format("2 January 2006 15:04") }

// fire applies events, which happened at at, to the clocks of case c:
// each event first meets the earliest open deadline it meets (the one for
// refID, when given), then stops those it stops, then starts those it
// starts. Meeting a deadline after it was due needs lateReason, so that no
// deadline passes without a recorded reason.
func (s *Store) fire(tx *ledger.Tx, actor string, c *vigil.Case, events []string, at time.Time, refID vigil.ID, lateReason string) error {
	for _, ev := range events {
		open, err := s.openDeadlines(tx, c.ID)
		if err != nil {
			return err
		}
		met := map[string]bool{}
		for _, d := range open {
			rule := s.rules.Clock(d.Kind)
			if rule == nil {
				continue
			}
			switch {
			case rule.Meets(ev) && !met[d.Kind] && (refID == "" || d.RefID == refID):
				met[d.Kind] = true
				if err := s.meet(tx, actor, c, d, rule, at, lateReason); err != nil {
					return err
				}
			case rule.Stops(ev):
				if err := tx.Save("deadline.cancelled", actor, "deadlines",
					`UPDATE deadlines SET status = 'cancelled', cancel_reason = ?, version = version + 1 WHERE id = ?`,
					"No longer needed: "+ev, d.ID); err != nil {
					return err
				}
				if err := s.resolveFor(tx, actor, d.ID, "Resolved: the deadline is no longer needed ("+ev+")", at); err != nil {
					return err
				}
			}
		}
		for _, rule := range s.rules.Starts(ev) {
			running := false
			for _, d := range open {
				running = running || (d.Kind == rule.Kind && d.RefID == refID && d.Status == vigil.DeadlineOpen && !met[d.Kind])
			}
			if running {
				continue // the clock is already running; an event does not restart it
			}
			start := at
			if rule.FromReceived {
				start = c.ReceivedAt
			}
			if err := s.startDeadline(tx, actor, c, rule, 1, start, refID); err != nil {
				return err
			}
		}
	}
	return nil
}

func (s *Store) startDeadline(tx *ledger.Tx, actor string, c *vigil.Case, rule *vigil.ClockRule, instance int, start time.Time, refID vigil.ID) error {
	due := rule.Period(instance).After(s.cal, start)
	if err := tx.Save("deadline.started", actor, "deadlines",
		`INSERT INTO deadlines (id, version, case_id, kind, instance, ref_id, started_at, due_at, status) VALUES (?, 1, ?, ?, ?, ?, ?, ?, 'open')`,
		vigil.NewID(), c.ID, rule.Kind, instance, null(refID), micros(start), micros(due)); err != nil {
		return err
	}
	return addEvent(tx, actor, c.ID, "deadline.started", fmt.Sprintf("Clock started: %s due by %s (%s)", rule.Label, when(due), rule.Period(instance)))
}

func (s *Store) meet(tx *ledger.Tx, actor string, c *vigil.Case, d *vigil.Deadline, rule *vigil.ClockRule, at time.Time, lateReason string) error {
	if at.Before(d.StartedAt) {
		return fieldErr("at", fmt.Sprintf("This would meet the deadline for %s, whose clock started %s: the decision cannot be dated before that", rule.Label, when(d.StartedAt)))
	}
	// Late when done after the due time, or recorded after it: a record
	// made after a deadline passed, dated before it, needs a reason too,
	// or backdating would hide every lateness.
	late := at.After(d.Due)
	recordedLate := tx.Now().After(d.Due)
	if (late || recordedLate) && lateReason == "" {
		msg := fmt.Sprintf("This meets the deadline for %s, which was due by %s: say why it is late", rule.Label, when(d.Due))
		if !late {
			msg = fmt.Sprintf("The deadline for %s passed at %s before this was recorded: say why it was not recorded in time", rule.Label, when(d.Due))
		}
		return &vigil.Error{Code: vigil.EINVALID, Message: msg, Fields: []vigil.FieldError{{Field: "late_reason", Message: msg}}}
	}
	if !late && !recordedLate {
		lateReason = ""
	}
	if err := tx.Save("deadline.met", actor, "deadlines",
		`UPDATE deadlines SET status = 'met', met_at = ?, late_reason = ?, version = version + 1 WHERE id = ?`,
		micros(at), null(lateReason), d.ID); err != nil {
		return err
	}
	summary := fmt.Sprintf("Deadline met: %s (due by %s)", rule.Label, when(d.Due))
	switch {
	case late:
		summary = fmt.Sprintf("Deadline met late: %s was due by %s. Reason: %s", rule.Label, when(d.Due), lateReason)
	case recordedLate:
		summary = fmt.Sprintf("Deadline met on %s but recorded after it passed (due by %s). Reason: %s", when(at), when(d.Due), lateReason)
	}
	if err := addEvent(tx, actor, c.ID, "deadline.met", summary); err != nil {
		return err
	}
	// Meeting the deadline is the decision that answers its escalations.
	if err := s.resolveFor(tx, actor, d.ID, "Resolved: the deadline was met", at); err != nil {
		return err
	}
	if rule.Recurs(d.Instance) {
		return s.startDeadline(tx, actor, c, rule, d.Instance+1, at, d.RefID)
	}
	return nil
}

// caseDeadlines returns all of a case's deadlines, open ones first by due time.
func (s *Store) caseDeadlines(q querier, caseID vigil.ID) ([]*vigil.Deadline, error) {
	rows, err := q.Query(`SELECT `+deadlineColumns+` FROM deadlines WHERE case_id = ? ORDER BY due_at, id`, caseID)
	if err != nil {
		return nil, internal("read deadlines", err)
	}
	defer rows.Close()
	var out []*vigil.Deadline
	for rows.Next() {
		d, err := scanDeadline(rows, s.rules)
		if err != nil {
			return nil, internal("read deadlines", err)
		}
		out = append(out, d)
	}
	sort.SliceStable(out, func(i, j int) bool {
		return out[i].Status == vigil.DeadlineOpen && out[j].Status != vigil.DeadlineOpen
	})
	return out, rows.Err()
}
