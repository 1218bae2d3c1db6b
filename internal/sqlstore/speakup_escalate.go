package sqlstore

import (
	"context"
	"database/sql"
	"strings"
	"time"

	"github.com/vigil-project/vigil"
	"github.com/vigil-project/vigil/internal/ledger"
	"github.com/vigil-project/vigil/internal/speakup"
)

// Missed speak-up deadlines escalate up speakup.Ladder as casework
// deadlines do up theirs (escalations.go): the sweep marks a deadline
// missed and raises an escalation in one transaction, climbs escalations
// whose holder has not answered in time, and resolves those whose
// deadline has since been met. Every holder comes from the agencies the
// report was routed to (see speakup/escalate.go).

// routedAgencies returns the agencies a report was routed to.
func routedAgencies(q querier, reportID vigil.ID) ([]vigil.ID, error) {
	return idsOf(q, `SELECT DISTINCT agency_id FROM speakup_access WHERE report_id = ? ORDER BY agency_id`, reportID)
}

// speakupHolder finds who holds an escalation of a report at level, or at
// the first rung above it that someone of a receiving agency can hold.
func (s *Store) speakupHolder(q querier, reportID vigil.ID, level int) (int, vigil.ID, string, error) {
	agencies, err := routedAgencies(q, reportID)
	if err != nil {
		return 0, "", "", err
	}
	for lvl := level; lvl <= len(speakup.Ladder); lvl++ {
		step := speakup.Ladder[lvl-1]
		switch step.Role {
		case speakup.LadderRecipients, vigil.LadderOversight:
			return lvl, "", step.Role, nil // held by all of them together
		}
		for _, a := range agencies {
			var id string
			err := q.QueryRow(`SELECT id FROM users WHERE role = ? AND status = 'active' AND agency_id = ? ORDER BY created_at, id LIMIT 1`, step.Role, a).Scan(&id)
			if err == nil {
				return lvl, vigil.ID(id), step.Role, nil
			} else if !isNoRows(err) {
				return 0, "", "", err
			}
		}
	}
	return len(speakup.Ladder), "", vigil.LadderOversight, nil
}

func respondBy(s *Store, lvl int, now time.Time) any {
	if lvl < len(speakup.Ladder) {
		return micros(speakup.Ladder[lvl-1].Respond.After(s.cal, now))
	}
	return nil
}

// raiseSpeakUp opens the escalation of a missed deadline.
func (s *Store) raiseSpeakUp(tx *ledger.Tx, reportID, deadlineID vigil.ID, reason string, now time.Time) error {
	lvl, holder, role, err := s.speakupHolder(tx, reportID, 1)
	if err != nil {
		return err
	}
	return tx.Save("speakup.escalation_raised", string(vigil.ActorSystem), "speakup_escalations",
		`INSERT INTO speakup_escalations (id, version, report_id, deadline_id, level, holder_id, holder_role, reason, raised_at, respond_by, status)
		 VALUES (?, 1, ?, ?, ?, ?, ?, ?, ?, ?, 'open')`,
		vigil.NewID(), reportID, deadlineID, lvl, null(holder), role, reason, micros(now), respondBy(s, lvl, now))
}

// resolveSpeakUpFor ends the open escalations of a deadline with a decision.
func resolveSpeakUpFor(tx *ledger.Tx, actor string, deadlineID vigil.ID, decision string) error {
	ids, err := idsOf(tx, `SELECT id FROM speakup_escalations WHERE deadline_id = ? AND status = 'open'`, deadlineID)
	if err != nil {
		return err
	}
	for _, id := range ids {
		if err := tx.Save("speakup.escalation_resolved", actor, "speakup_escalations",
			`UPDATE speakup_escalations SET status = 'resolved', decision = ?, resolved_by = ?, resolved_at = ?, version = version + 1 WHERE id = ?`,
			decision, actor, micros(tx.Now()), id); err != nil {
			return err
		}
	}
	return nil
}

// climbSpeakUp moves escalations whose holder did not answer in time up a
// rung, and resolves those whose deadline has been met since.
func (s *Store) climbSpeakUp(ctx context.Context, now time.Time) (int, error) {
	rows, err := s.query(ctx, `SELECT id FROM speakup_escalations WHERE status = 'open' AND respond_by IS NOT NULL AND respond_by < ?
		ORDER BY respond_by LIMIT ?`, micros(now), sweepBatch)
	if err != nil {
		return 0, internal("climb speak-up escalations", err)
	}
	ids, err := scanIDs(rows)
	if err != nil || len(ids) == 0 {
		return 0, err
	}
	n := 0
	err = s.write(ctx, func(tx *ledger.Tx) error {
		n = 0
		sys := string(vigil.ActorSystem)
		for _, id := range ids {
			e, err := scanSpeakUpEscalation(tx.QueryRow(`SELECT `+speakupEscalationColumns+` FROM speakup_escalations e
				JOIN speakup_deadlines d ON d.id = e.deadline_id JOIN speakup_reports r ON r.id = e.report_id WHERE e.id = ?`, id))
			if err != nil {
				return err
			}
			if e.Status != vigil.EscalationOpen || e.RespondBy == nil || !now.After(*e.RespondBy) {
				continue // another sweeper was first
			}
			var status string
			if err := tx.QueryRow(`SELECT status FROM speakup_deadlines WHERE id = ?`, e.DeadlineID).Scan(&status); err != nil {
				return err
			}
			if status == speakup.DeadlineMet {
				if err := resolveSpeakUpFor(tx, sys, e.DeadlineID, "Resolved: the deadline was met late"); err != nil {
					return err
				}
				continue
			}
			lvl, holder, role, err := s.speakupHolder(tx, e.ReportID, e.Level+1)
			if err != nil {
				return err
			}
			if err := tx.Save("speakup.escalation_climbed", sys, "speakup_escalations",
				`UPDATE speakup_escalations SET level = ?, holder_id = ?, holder_role = ?, respond_by = ?, version = version + 1 WHERE id = ?`,
				lvl, null(holder), role, respondBy(s, lvl, now), id); err != nil {
				return err
			}
			n++
		}
		return nil
	})
	return n, err
}

const speakupEscalationColumns = `e.id, e.report_id, e.deadline_id, d.kind, r.channel, e.level, e.holder_id, e.holder_role, e.reason, e.raised_at,
	e.respond_by, e.status, e.decision, e.resolved_by, e.resolved_at`

func scanSpeakUpEscalation(sc scanner) (*speakup.Escalation, error) {
	var e speakup.Escalation
	var holder, decision, by sql.NullString
	var raised int64
	var respond, resolved sql.NullInt64
	if err := sc.Scan(&e.ID, &e.ReportID, &e.DeadlineID, &e.DeadlineKind, &e.Channel, &e.Level, &holder, &e.HolderRole, &e.Reason, &raised,
		&respond, &e.Status, &decision, &by, &resolved); err != nil {
		return nil, err
	}
	e.HolderID, e.Decision, e.ResolvedBy, e.RaisedAt = vigil.ID(holder.String), decision.String, vigil.ID(by.String), fromMicros(raised)
	if respond.Valid {
		t := fromMicros(respond.Int64)
		e.RespondBy = &t
	}
	if resolved.Valid {
		t := fromMicros(resolved.Int64)
		e.ResolvedAt = &t
	}
	if e.Level >= 1 && e.Level <= len(speakup.Ladder) {
		e.LevelName = speakup.Ladder[e.Level-1].Name
	}
	return &e, nil
}

// mayResolve reports whether the actor may answer e.
func (s *Store) mayResolve(q querier, actor vigil.Actor, e *speakup.Escalation) (bool, error) {
	routed, err := routedAgencies(q, e.ReportID)
	if err != nil {
		return false, err
	}
	recipient, err := s.mayRead(q, actor, e.ReportID)
	if err != nil {
		return false, err
	}
	return speakup.CanResolve(actor.User, e, routed, recipient), nil
}

// SpeakUpEscalations implements speakup.Service.
func (s *Store) SpeakUpEscalations(ctx context.Context, actor vigil.Actor) ([]*speakup.Escalation, error) {
	if actor.User == nil || actor.User.Status != vigil.UserActive {
		return nil, vigil.Errorf(vigil.EUNAUTHORIZED, "Sign in to see escalations.")
	}
	q := reader{s, ctx}
	// Only escalations of reports routed to the actor's agency can be theirs.
	rows, err := s.query(ctx, `SELECT `+speakupEscalationColumns+` FROM speakup_escalations e
		JOIN speakup_deadlines d ON d.id = e.deadline_id JOIN speakup_reports r ON r.id = e.report_id
		WHERE e.status = 'open' AND e.report_id IN (SELECT report_id FROM speakup_access WHERE agency_id = ?)
		ORDER BY e.raised_at, e.id LIMIT 2000`, actor.User.AgencyID)
	if err != nil {
		return nil, internal("list speak-up escalations", err)
	}
	var all []*speakup.Escalation
	for rows.Next() {
		e, err := scanSpeakUpEscalation(rows)
		if err != nil {
			rows.Close()
			return nil, internal("list speak-up escalations", err)
		}
		all = append(all, e)
	}
	rows.Close()
	var out []*speakup.Escalation
	for _, e := range all {
		ok, err := s.mayResolve(q, actor, e)
		if err != nil {
			return nil, internal("list speak-up escalations", err)
		}
		if ok {
			out = append(out, e)
		}
	}
	return out, nil
}

// ResolveSpeakUpEscalation implements speakup.Service.
func (s *Store) ResolveSpeakUpEscalation(ctx context.Context, actor vigil.Actor, id vigil.ID, decision string) error {
	decision = strings.TrimSpace(decision)
	if err := vigil.CheckText("decision", "the decision that answers the escalation", decision, vigil.MaxReasonLen, true); err != nil {
		return err
	}
	if actor.User == nil || !id.Valid() {
		return notFound("The escalation")
	}
	return s.write(ctx, func(tx *ledger.Tx) error {
		e, err := scanSpeakUpEscalation(tx.QueryRow(`SELECT `+speakupEscalationColumns+` FROM speakup_escalations e
			JOIN speakup_deadlines d ON d.id = e.deadline_id JOIN speakup_reports r ON r.id = e.report_id WHERE e.id = ?`, id))
		if isNoRows(err) {
			return notFound("The escalation")
		} else if err != nil {
			return err
		}
		if e.Status != vigil.EscalationOpen {
			return vigil.Errorf(vigil.ECONFLICT, "This escalation has already been answered.")
		}
		ok, err := s.mayResolve(tx, actor, e)
		if err != nil {
			return err
		}
		if !ok {
			// The same answer as for one that does not exist: escalations
			// of reports elsewhere cannot be probed.
			return notFound("The escalation")
		}
		return tx.Save("speakup.escalation_resolved", string(actor.ID), "speakup_escalations",
			`UPDATE speakup_escalations SET status = 'resolved', decision = ?, resolved_by = ?, resolved_at = ?, version = version + 1 WHERE id = ? AND status = 'open'`,
			decision, actor.ID, micros(tx.Now()), id)
	})
}

// escalationsOf returns a report's escalations, newest first.
func (s *Store) escalationsOf(q querier, reportID vigil.ID) ([]*speakup.Escalation, error) {
	rows, err := q.Query(`SELECT `+speakupEscalationColumns+` FROM speakup_escalations e
		JOIN speakup_deadlines d ON d.id = e.deadline_id JOIN speakup_reports r ON r.id = e.report_id
		WHERE e.report_id = ? ORDER BY e.raised_at DESC, e.id`, reportID)
	if err != nil {
		return nil, internal("read escalations", err)
	}
	defer rows.Close()
	var out []*speakup.Escalation
	for rows.Next() {
		e, err := scanSpeakUpEscalation(rows)
		if err != nil {
			return nil, internal("read escalations", err)
		}
		out = append(out, e)
	}
	return out, rows.Err()
}
