package sqlstore

import (
	"context"
	"database/sql"
	"encoding/json"

	"github.com/vigil-project/vigil"
)

var _ vigil.CaseworkService = (*Store)(nil)

// loadCasework fills the casework parts of a case's detail.
func (s *Store) loadCasework(ctx context.Context, d *vigil.CaseDetail) error {
	q := reader{s, ctx}
	var err error
	if d.Deadlines, err = s.caseDeadlines(q, d.ID); err != nil {
		return err
	}
	if d.Escalations, err = s.caseEscalations(q, d.ID); err != nil {
		return err
	}
	if d.Decisions, err = s.caseDecisions(q, d.ID); err != nil {
		return err
	}
	if d.Screening, err = s.latestScreening(q, d.ID); err != nil {
		return err
	}
	if d.MissingEpisodes, err = s.caseMissing(q, d.ID); err != nil {
		return err
	}
	if d.Transfers, err = s.caseTransfers(q, d.ID); err != nil {
		return err
	}
	if d.Referrals, err = s.caseReferrals(q, d.ID); err != nil {
		return err
	}
	d.Shares, err = s.caseShares(q, d.ID)
	return err
}

// each runs q and calls scan for every row.
func each(q querier, scan func(scanner) error, query string, args ...any) error {
	rows, err := q.Query(query, args...)
	if err != nil {
		return internal("read case", err)
	}
	defer rows.Close()
	for rows.Next() {
		if err := scan(rows); err != nil {
			return internal("read case", err)
		}
	}
	return rows.Err()
}

func (s *Store) caseDecisions(q querier, caseID vigil.ID) ([]*vigil.Decision, error) {
	var out []*vigil.Decision
	err := each(q, func(r scanner) error {
		var d vigil.Decision
		var late sql.NullString
		var at int64
		if err := r.Scan(&d.ID, &d.Kind, &d.Outcome, &d.Reason, &late, &at, &d.DecidedBy, &d.FromStage, &d.ToStage); err != nil {
			return err
		}
		d.CaseID, d.LateReason, d.At = caseID, late.String, fromMicros(at)
		for _, st := range vigil.Steps {
			if st.Kind == d.Kind && st.Outcome == d.Outcome {
				d.Label = st.Label
			}
		}
		out = append(out, &d)
		return nil
	}, `SELECT id, kind, outcome, reason, late_reason, at, decided_by, from_stage, to_stage FROM decisions WHERE case_id = ? ORDER BY recorded_at, id`, caseID)
	return out, err
}

func (s *Store) latestScreening(q querier, caseID vigil.ID) (*vigil.Screening, error) {
	var sc vigil.Screening
	var scores string
	var at int64
	err := q.QueryRow(`SELECT id, scores, level, notes, by_id, at FROM screenings WHERE case_id = ? ORDER BY at DESC, id LIMIT 1`, caseID).
		Scan(&sc.ID, &scores, &sc.Level, &sc.Notes, &sc.By, &at)
	if isNoRows(err) {
		return nil, nil // no screening yet is an answer, not an error
	} else if err != nil {
		return nil, internal("read screening", err)
	}
	sc.CaseID, sc.At = caseID, fromMicros(at)
	if err := json.Unmarshal([]byte(scores), &sc.Scores); err != nil {
		return nil, internal("read screening", err)
	}
	return &sc, nil
}

func (s *Store) caseMissing(q querier, caseID vigil.ID) ([]*vigil.MissingEpisode, error) {
	var out []*vigil.MissingEpisode
	err := each(q, func(r scanner) error {
		var m vigil.MissingEpisode
		var from int64
		var ret sql.NullInt64
		if err := r.Scan(&m.ID, &from, &ret, &m.Details, &m.RecordedBy); err != nil {
			return err
		}
		m.CaseID, m.MissingFrom = caseID, fromMicros(from)
		if ret.Valid {
			t := fromMicros(ret.Int64)
			m.ReturnedAt = &t
		}
		out = append(out, &m)
		return nil
	}, `SELECT id, missing_from, returned_at, details, recorded_by FROM missing_episodes WHERE case_id = ? ORDER BY missing_from DESC, id`, caseID)
	return out, err
}

func (s *Store) caseTransfers(q querier, caseID vigil.ID) ([]*vigil.Transfer, error) {
	var out []*vigil.Transfer
	err := each(q, func(r scanner) error {
		var t vigil.Transfer
		var offered int64
		var answered sql.NullInt64
		var answer, withdrawnBy sql.NullString
		if err := r.Scan(&t.ID, &t.FromID, &t.ToID, &t.Reason, &t.Status, &offered, &answered, &answer, &withdrawnBy); err != nil {
			return err
		}
		t.CaseID, t.OfferedAt, t.Answer, t.WithdrawnBy = caseID, fromMicros(offered), answer.String, vigil.ID(withdrawnBy.String)
		if answered.Valid {
			a := fromMicros(answered.Int64)
			t.AnsweredAt = &a
		}
		out = append(out, &t)
		return nil
	}, `SELECT id, from_id, to_id, reason, status, offered_at, answered_at, answer, withdrawn_by FROM transfers WHERE case_id = ? ORDER BY offered_at DESC, id`, caseID)
	return out, err
}

func (s *Store) caseReferrals(q querier, caseID vigil.ID) ([]*vigil.AgencyReferral, error) {
	var out []*vigil.AgencyReferral
	err := each(q, func(r scanner) error {
		var a vigil.AgencyReferral
		var sent int64
		var ackBy sql.NullString
		var ackAt sql.NullInt64
		if err := r.Scan(&a.ID, &a.FromAgency, &a.ToAgency, &a.Reason, &a.SentBy, &sent, &ackBy, &ackAt); err != nil {
			return err
		}
		a.CaseID, a.SentAt, a.AcknowledgedBy = caseID, fromMicros(sent), vigil.ID(ackBy.String)
		if ackAt.Valid {
			t := fromMicros(ackAt.Int64)
			a.AcknowledgedAt = &t
		}
		out = append(out, &a)
		return nil
	}, `SELECT id, from_agency, to_agency, reason, sent_by, sent_at, acknowledged_by, acknowledged_at FROM agency_referrals WHERE case_id = ? ORDER BY sent_at DESC, id`, caseID)
	return out, err
}

func (s *Store) caseShares(q querier, caseID vigil.ID) ([]*vigil.ShareDecision, error) {
	var out []*vigil.ShareDecision
	err := each(q, func(r scanner) error {
		var d vigil.ShareDecision
		var share, at int64
		if err := r.Scan(&d.ID, &d.WithAgency, &share, &d.Reason, &d.By, &at); err != nil {
			return err
		}
		d.CaseID, d.Share, d.At = caseID, share == 1, fromMicros(at)
		out = append(out, &d)
		return nil
	}, `SELECT id, with_agency, share, reason, by_id, at FROM share_decisions WHERE case_id = ? ORDER BY at DESC, id`, caseID)
	return out, err
}
