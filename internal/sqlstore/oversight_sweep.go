package sqlstore

import (
	"context"
	"database/sql"
	"fmt"
	"time"

	"github.com/vigil-project/vigil"
	"github.com/vigil-project/vigil/internal/ledger"
)

// Action deadlines escalate as casework deadlines do (see escalations.go):
// a missed deadline opens an escalation held by the action's owner, which
// climbs vigil.ActionLadder (owner, line manager, director, independent
// oversight) each time its holder does not answer in time. Sweep calls
// sweepActions; it works only from what the database says, so running it
// twice changes nothing the second time.

func (s *Store) sweepActions(ctx context.Context, now time.Time, res *vigil.SweepResult) error {
	for {
		n, err := s.sweepMissedActions(ctx, now)
		res.Missed += n
		if err != nil {
			return err
		}
		if n < sweepBatch {
			break
		}
	}
	for {
		n, err := s.climbActions(ctx, now)
		res.Climbed += n
		if err != nil {
			return err
		}
		if n < sweepBatch {
			return nil
		}
	}
}

func (s *Store) sweepMissedActions(ctx context.Context, now time.Time) (int, error) {
	rows, err := s.query(ctx, `SELECT id FROM plan_actions WHERE status IN ('not_started', 'in_progress') AND due_at < ?
		AND (escalated_due IS NULL OR escalated_due <> due_at) ORDER BY due_at LIMIT ?`, micros(now), sweepBatch)
	if err != nil {
		return 0, internal("sweep actions", err)
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
			a, err := s.actionIn(tx, id)
			if err != nil {
				return err
			}
			var escalated sql.NullInt64
			if err := tx.QueryRow(`SELECT escalated_due FROM plan_actions WHERE id = ?`, id).Scan(&escalated); err != nil {
				return err
			}
			// Check again inside the transaction: another sweeper may have been first.
			if !a.Overdue(now) || escalated.Valid && escalated.Int64 == micros(a.Due) {
				continue
			}
			if err := tx.Save("action.missed", sys, "plan_actions",
				`UPDATE plan_actions SET escalated_due = due_at, version = version + 1 WHERE id = ?`, id); err != nil {
				return err
			}
			if err := s.raiseAction(tx, a, 1, fmt.Sprintf("Action deadline missed: %q was due by %s", a.Title, when(a.Due)), now); err != nil {
				return err
			}
			n++
		}
		return nil
	})
	return n, err
}

// raiseAction opens an escalation of action a at level (or the first rung
// above it that someone holds).
func (s *Store) raiseAction(tx *ledger.Tx, a *vigil.PlanAction, level int, reason string, now time.Time) error {
	lvl, holderID, role, err := s.actionHolder(tx, a, level)
	if err != nil {
		return err
	}
	step := vigil.ActionLadder[lvl-1]
	var respond any
	if lvl < len(vigil.ActionLadder) {
		respond = micros(step.Respond.After(s.cal, now))
	}
	sys := string(vigil.ActorSystem)
	if err := tx.Save("action_escalation.raised", sys, "action_escalations",
		`INSERT INTO action_escalations (id, version, action_id, level, holder_id, holder_role, reason, raised_at, respond_by, status)
		 VALUES (?, 1, ?, ?, ?, ?, ?, ?, ?, 'open')`,
		vigil.NewID(), a.ID, lvl, null(holderID), role, reason, micros(now), respond); err != nil {
		return err
	}
	return addUpdate(tx, sys, a.ID, "action_escalation.raised", fmt.Sprintf("Escalated to %s%s: %s", step.Name, s.holderName(tx, holderID), reason))
}

// actionHolder finds who holds an escalation of action a at level, or at
// the first rung above it that someone active can hold.
func (s *Store) actionHolder(q querier, a *vigil.PlanAction, level int) (int, vigil.ID, string, error) {
	ladder := vigil.ActionLadder
	var ownerStatus, ownerAgency string
	var manager sql.NullString
	if err := q.QueryRow(`SELECT status, agency_id, manager_id FROM users WHERE id = ?`, a.OwnerID).Scan(&ownerStatus, &ownerAgency, &manager); err != nil {
		return 0, "", "", err
	}
	for lvl := level; lvl <= len(ladder); lvl++ {
		step := ladder[lvl-1]
		switch step.Role {
		case vigil.LadderOwner:
			if ownerStatus == string(vigil.UserActive) {
				return lvl, a.OwnerID, step.Role, nil
			}
		case vigil.LadderManager:
			if manager.Valid {
				var status string
				if err := q.QueryRow(`SELECT status FROM users WHERE id = ?`, manager.String).Scan(&status); err != nil && !isNoRows(err) {
					return 0, "", "", err
				}
				if status == string(vigil.UserActive) && vigil.ID(manager.String) != a.OwnerID {
					return lvl, vigil.ID(manager.String), step.Role, nil
				}
			}
		case vigil.LadderOversight:
			return lvl, "", step.Role, nil
		default:
			// Someone in that role, in the owner's agency first.
			var id string
			err := q.QueryRow(`SELECT id FROM users WHERE role = ? AND status = 'active' AND id <> ?
				ORDER BY CASE WHEN agency_id = ? THEN 0 ELSE 1 END, created_at, id LIMIT 1`, step.Role, a.OwnerID, ownerAgency).Scan(&id)
			if err == nil {
				return lvl, vigil.ID(id), step.Role, nil
			} else if !isNoRows(err) {
				return 0, "", "", err
			}
		}
	}
	return len(ladder), "", vigil.LadderOversight, nil
}

func (s *Store) climbActions(ctx context.Context, now time.Time) (int, error) {
	rows, err := s.query(ctx, `SELECT id FROM action_escalations WHERE status = 'open' AND respond_by IS NOT NULL AND respond_by < ?
		ORDER BY respond_by LIMIT ?`, micros(now), sweepBatch)
	if err != nil {
		return 0, internal("climb actions", err)
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
			e, err := scanActionEscalation(tx.QueryRow(`SELECT `+actionEscalationColumns+` FROM action_escalations e WHERE e.id = ?`, id))
			if err != nil {
				return err
			}
			if e.Status != vigil.EscalationOpen || e.RespondBy == nil || !now.After(*e.RespondBy) {
				continue
			}
			a, err := s.actionIn(tx, e.ActionID)
			if err != nil {
				return err
			}
			// Work done since does not climb to oversight.
			if a.Status == vigil.ActionDone || a.Status == vigil.ActionSignedOff {
				if err := s.resolveActionEscalations(tx, sys, a.ID, "Resolved: the action was marked done"); err != nil {
					return err
				}
				continue
			}
			lvl, holderID, role, err := s.actionHolder(tx, a, e.Level+1)
			if err != nil {
				return err
			}
			step := vigil.ActionLadder[lvl-1]
			var respond any
			if lvl < len(vigil.ActionLadder) {
				respond = micros(step.Respond.After(s.cal, now))
			}
			if err := tx.Save("action_escalation.climbed", sys, "action_escalations",
				`UPDATE action_escalations SET level = ?, holder_id = ?, holder_role = ?, respond_by = ?, version = version + 1 WHERE id = ?`,
				lvl, null(holderID), role, respond, id); err != nil {
				return err
			}
			if err := addUpdate(tx, sys, a.ID, "action_escalation.climbed",
				fmt.Sprintf("Not answered in time: escalated to %s%s. %s", step.Name, s.holderName(tx, holderID), e.Reason)); err != nil {
				return err
			}
			n++
		}
		return nil
	})
	return n, err
}
