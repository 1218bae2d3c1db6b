package sqlstore

import (
	"context"
	"errors"

	"github.com/vigil-project/vigil"
	"github.com/vigil-project/vigil/internal/ledger"
)

// Demographic records (vigil.DemographicsService): the ethnicity and
// nationality of a case's child and suspects, for statistics only.

var _ vigil.DemographicsService = (*Store)(nil)

// RecordDemographics implements vigil.DemographicsService. A case has one
// record of its child, corrected in place; each suspect has their own.
func (s *Store) RecordDemographics(ctx context.Context, actor vigil.Actor, caseID vigil.ID, n vigil.NewDemographics) (*vigil.DemographicRecord, error) {
	if err := n.Validate(); err != nil {
		return nil, err
	}
	rec := &vigil.DemographicRecord{CaseID: caseID, Subject: n.Subject, Ethnicity: n.Ethnicity, Nationality: n.Nationality, RecordedBy: actor.ID}
	err := s.write(ctx, func(tx *ledger.Tx) error {
		c, involved, err := s.caseFor(tx, actor, caseID)
		if err != nil {
			return err
		}
		if !vigil.CanRecordDemographics(actor.User, c, involved) {
			return forbidden("Your role cannot record demographics on this case.")
		}
		rec.RecordedAt = tx.Now()
		// The child's record, or the suspect's named by n.ID, if there is one.
		existing := n.ID
		if n.Subject == vigil.SubjectChild {
			existing = ""
			if err := tx.QueryRow(`SELECT id FROM demographic_records WHERE case_id = ? AND subject = 'child'`, caseID).Scan(&existing); err != nil && !isNoRows(err) {
				return err
			}
		} else if existing != "" {
			var subject string
			err := tx.QueryRow(`SELECT subject FROM demographic_records WHERE id = ? AND case_id = ?`, existing, caseID).Scan(&subject)
			if isNoRows(err) || subject != string(vigil.SubjectSuspect) {
				return notFound("The record to correct")
			} else if err != nil {
				return err
			}
		}
		who := string(actor.ID)
		what := "the child's"
		if n.Subject == vigil.SubjectSuspect {
			what = "a suspect's"
		}
		if existing != "" {
			rec.ID = existing
			if err := tx.Save("demographics.corrected", who, "demographic_records",
				`UPDATE demographic_records SET ethnicity = ?, nationality = ?, recorded_by = ?, recorded_at = ?, version = version + 1 WHERE id = ?`,
				rec.Ethnicity, rec.Nationality, who, micros(rec.RecordedAt), existing); err != nil {
				return err
			}
			// The chronology says that demographics changed, never what they are.
			return addEvent(tx, who, c.ID, "demographics.corrected", "Corrected "+what+" recorded ethnicity and nationality (for statistics only)")
		}
		rec.ID = vigil.NewID()
		if err := tx.Save("demographics.recorded", who, "demographic_records",
			`INSERT INTO demographic_records (id, version, case_id, subject, ethnicity, nationality, recorded_by, recorded_at) VALUES (?, 1, ?, ?, ?, ?, ?, ?)`,
			rec.ID, caseID, rec.Subject, rec.Ethnicity, rec.Nationality, who, micros(rec.RecordedAt)); err != nil {
			return err
		}
		return addEvent(tx, who, c.ID, "demographics.recorded", "Recorded "+what+" ethnicity and nationality (for statistics only)")
	})
	if err != nil {
		return nil, err
	}
	return rec, nil
}

// CaseDemographics implements vigil.DemographicsService.
func (s *Store) CaseDemographics(ctx context.Context, actor vigil.Actor, caseID vigil.ID) ([]*vigil.DemographicRecord, error) {
	if _, _, err := s.caseFor(reader{s, ctx}, actor, caseID); err != nil {
		// A refusal is logged, as opening the case would be.
		var r *refusal
		if errors.As(err, &r) {
			if lerr := s.log.Append(ctx, "case.access_refused", string(r.actor), "cases", string(r.caseID), map[string]string{"reason": r.reason}); lerr != nil {
				return nil, lerr
			}
			return nil, r.err
		}
		return nil, err
	}
	var out []*vigil.DemographicRecord
	err := each(reader{s, ctx}, func(r scanner) error {
		var d vigil.DemographicRecord
		var at int64
		if err := r.Scan(&d.ID, &d.CaseID, &d.Subject, &d.Ethnicity, &d.Nationality, &d.RecordedBy, &at); err != nil {
			return err
		}
		d.RecordedAt = fromMicros(at)
		out = append(out, &d)
		return nil
	}, `SELECT id, case_id, subject, ethnicity, nationality, recorded_by, recorded_at FROM demographic_records WHERE case_id = ?
		ORDER BY CASE WHEN subject = 'child' THEN 0 ELSE 1 END, recorded_at, id`, caseID)
	return out, err
}
