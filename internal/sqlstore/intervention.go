package sqlstore

import (
	"context"
	"database/sql"
	"strings"

	"github.com/vigil-project/vigil"
	"github.com/vigil-project/vigil/internal/ledger"
)

// This file holds interventions (vigil.InterventionService): an
// intervening authority taking over an agency's administration, and
// handing it back. Both are decisions with reasons, tracked by the log.

const interventionColumns = `i.id, i.agency_id, a.name, i.reason, i.started_by, su.name, i.started_at,
	i.ended_by, COALESCE(eu.name, ''), i.ended_at, i.end_reason`

const interventionFrom = ` FROM interventions i JOIN agencies a ON a.id = i.agency_id JOIN users su ON su.id = i.started_by
	LEFT JOIN users eu ON eu.id = i.ended_by`

func scanIntervention(r scanner) (*vigil.Intervention, error) {
	var in vigil.Intervention
	var started int64
	var endedBy, endReason sql.NullString
	var ended sql.NullInt64
	if err := r.Scan(&in.ID, &in.AgencyID, &in.AgencyName, &in.Reason, &in.StartedBy, &in.StartedByName, &started,
		&endedBy, &in.EndedByName, &ended, &endReason); err != nil {
		return nil, err
	}
	in.StartedAt, in.EndedBy, in.EndReason = fromMicros(started), vigil.ID(endedBy.String), endReason.String
	if ended.Valid {
		t := fromMicros(ended.Int64)
		in.EndedAt = &t
	}
	return &in, nil
}

// interventionInForce returns the intervention in force at an agency, or nil.
func interventionInForce(q querier, agencyID vigil.ID) (*vigil.Intervention, error) {
	in, err := scanIntervention(q.QueryRow(`SELECT `+interventionColumns+interventionFrom+
		` WHERE i.agency_id = ? AND i.ended_at IS NULL`, agencyID))
	if isNoRows(err) {
		return nil, nil
	} else if err != nil {
		return nil, internal("read intervention", err)
	}
	return in, nil
}

var errNotIntervener = forbidden("Only a commissioner of an intervening authority starts or ends an intervention.")

// StartIntervention implements vigil.InterventionService.
func (s *Store) StartIntervention(ctx context.Context, actor vigil.Actor, agencyID vigil.ID, reason string) (*vigil.Intervention, error) {
	reason = strings.TrimSpace(reason)
	if actor.User == nil || actor.User.Role != vigil.RoleCommissioner {
		return nil, errNotIntervener
	}
	if err := vigil.CheckText("reason", "why the intervention is starting: the direction or decision it follows", reason, vigil.MaxReasonLen, true); err != nil {
		return nil, err
	}
	if !agencyID.Valid() {
		return nil, fieldErr("agency", "Choose the agency")
	}
	var in *vigil.Intervention
	err := s.write(ctx, func(tx *ledger.Tx) error {
		if ok, err := isIntervener(tx, actor.User); err != nil {
			return err
		} else if !ok {
			return errNotIntervener
		}
		var name string
		err := tx.QueryRow(`SELECT name FROM agencies WHERE id = ?`, agencyID).Scan(&name)
		if isNoRows(err) {
			return fieldErr("agency", "Choose the agency")
		} else if err != nil {
			return err
		}
		if agencyID == actor.User.AgencyID {
			return fieldErr("agency", "An authority does not intervene in itself: choose another agency")
		}
		if cur, err := interventionInForce(tx, agencyID); err != nil {
			return err
		} else if cur != nil {
			return vigil.Errorf(vigil.ECONFLICT, "%s is already under intervention", name)
		}
		in = &vigil.Intervention{ID: vigil.NewID(), AgencyID: agencyID, AgencyName: name, Reason: reason,
			StartedBy: actor.ID, StartedByName: actor.User.Name, StartedAt: tx.Now()}
		return tx.Save("intervention.started", string(actor.ID), "interventions",
			`INSERT INTO interventions (id, version, agency_id, reason, started_by, started_at) VALUES (?, 1, ?, ?, ?, ?)`,
			in.ID, agencyID, reason, actor.ID, micros(in.StartedAt))
	})
	if err != nil {
		return nil, err
	}
	return in, nil
}

// EndIntervention implements vigil.InterventionService.
func (s *Store) EndIntervention(ctx context.Context, actor vigil.Actor, id vigil.ID, reason string) error {
	reason = strings.TrimSpace(reason)
	if actor.User == nil || actor.User.Role != vigil.RoleCommissioner {
		return errNotIntervener
	}
	if err := vigil.CheckText("reason", "why the intervention is ending", reason, vigil.MaxReasonLen, true); err != nil {
		return err
	}
	if !id.Valid() {
		return notFound("The intervention")
	}
	return s.write(ctx, func(tx *ledger.Tx) error {
		if ok, err := isIntervener(tx, actor.User); err != nil {
			return err
		} else if !ok {
			return errNotIntervener
		}
		in, err := scanIntervention(tx.QueryRow(`SELECT `+interventionColumns+interventionFrom+` WHERE i.id = ?`, id))
		if isNoRows(err) {
			return notFound("The intervention")
		} else if err != nil {
			return err
		}
		if !in.Active() {
			return vigil.Errorf(vigil.ECONFLICT, "This intervention has already ended")
		}
		who, now := string(actor.ID), tx.Now()
		if err := tx.Save("intervention.ended", who, "interventions",
			`UPDATE interventions SET ended_by = ?, ended_at = ?, end_reason = ?, version = version + 1 WHERE id = ?`,
			who, micros(now), reason, id); err != nil {
			return err
		}
		// Requests nobody decided lapse, with a record that they did: the
		// agency's administrators act on their own again, and ask again
		// if the change is still wanted.
		rows, err := tx.Query(`SELECT id FROM admin_actions WHERE intervention_id = ? AND status = 'pending' ORDER BY id`, id)
		if err != nil {
			return err
		}
		var pending []string
		for rows.Next() {
			var rid string
			if err := rows.Scan(&rid); err != nil {
				rows.Close()
				return err
			}
			pending = append(pending, rid)
		}
		rows.Close()
		for _, rid := range pending {
			if err := tx.Save("admin.lapsed", who, "admin_actions",
				`UPDATE admin_actions SET status = 'lapsed', decided_by = ?, decided_at = ?, decision = ?, password_hash = NULL, password_mac = NULL,
				 version = version + 1 WHERE id = ?`, who, micros(now), "The intervention ended before a decision", rid); err != nil {
				return err
			}
		}
		return nil
	})
}

// Interventions implements vigil.InterventionService.
func (s *Store) Interventions(ctx context.Context) ([]*vigil.Intervention, error) {
	var out []*vigil.Intervention
	err := each(reader{s, ctx}, func(r scanner) error {
		in, err := scanIntervention(r)
		if err != nil {
			return err
		}
		out = append(out, in)
		return nil
	}, `SELECT `+interventionColumns+interventionFrom+` ORDER BY CASE WHEN i.ended_at IS NULL THEN 0 ELSE 1 END, i.started_at DESC, i.id`)
	return out, err
}
