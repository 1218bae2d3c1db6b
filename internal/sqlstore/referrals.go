package sqlstore

import (
	"context"
	"fmt"
	"strings"

	"github.com/vigil-project/vigil"
	"github.com/vigil-project/vigil/internal/ledger"
)

func (s *Store) agencyName(q querier, id vigil.ID) (string, error) {
	var name string
	err := q.QueryRow(`SELECT name FROM agencies WHERE id = ?`, id).Scan(&name)
	if isNoRows(err) {
		return "", fieldErr("agency", "Choose an agency from the list")
	}
	return name, err
}

// SendReferral implements vigil.CaseworkService.
func (s *Store) SendReferral(ctx context.Context, actor vigil.Actor, caseID, toAgency vigil.ID, reason string) (*vigil.AgencyReferral, error) {
	reason = strings.TrimSpace(reason)
	if err := vigil.CheckText("reason", "why the case is referred and what the agency is asked to do", reason, vigil.MaxReasonLen, true); err != nil {
		return nil, err
	}
	r := &vigil.AgencyReferral{ID: vigil.NewID(), CaseID: caseID, ToAgency: toAgency, Reason: reason, SentBy: actor.ID}
	err := s.write(ctx, func(tx *ledger.Tx) error {
		c, raised, err := s.caseFor(tx, actor, caseID)
		if err != nil {
			return err
		}
		if !vigil.CanRefer(actor.User, c, raised) {
			return forbidden("Your role cannot refer this case.")
		}
		if err := mustBeOpen(c); err != nil {
			return err
		}
		name, err := s.agencyName(tx, toAgency)
		if err != nil {
			return err
		}
		if toAgency == actor.User.AgencyID {
			return fieldErr("agency", "Choose another agency than your own")
		}
		who := string(actor.ID)
		r.FromAgency, r.SentAt = actor.User.AgencyID, tx.Now()
		if err := tx.Save("agency_referral.sent", who, "agency_referrals",
			`INSERT INTO agency_referrals (id, version, case_id, from_agency, to_agency, reason, sent_by, sent_at) VALUES (?, 1, ?, ?, ?, ?, ?, ?)`,
			r.ID, c.ID, r.FromAgency, toAgency, reason, who, micros(r.SentAt)); err != nil {
			return err
		}
		// Referring is a decision to share the case's information.
		if err := s.saveShare(tx, who, c.ID, toAgency, true, "Shared with the referral: "+reason); err != nil {
			return err
		}
		if err := addEvent(tx, who, c.ID, "agency_referral.sent", fmt.Sprintf("Referred to %s: %s", name, reason)); err != nil {
			return err
		}
		return s.fire(tx, who, c, []string{vigil.EvReferralSent}, r.SentAt, r.ID, "")
	})
	if err != nil {
		return nil, err
	}
	return r, nil
}

// AcknowledgeReferral implements vigil.CaseworkService.
func (s *Store) AcknowledgeReferral(ctx context.Context, actor vigil.Actor, referralID vigil.ID) error {
	if actor.User == nil || !referralID.Valid() {
		return notFound("The referral")
	}
	return s.write(ctx, func(tx *ledger.Tx) error {
		var caseID, to string
		var acked *int64
		err := tx.QueryRow(`SELECT case_id, to_agency, acknowledged_at FROM agency_referrals WHERE id = ?`, referralID).Scan(&caseID, &to, &acked)
		if isNoRows(err) || to != string(actor.User.AgencyID) {
			return notFound("The referral")
		} else if err != nil {
			return err
		}
		if acked != nil {
			return vigil.Errorf(vigil.ECONFLICT, "This referral has already been acknowledged")
		}
		if !vigil.CanHoldCases(actor.User) {
			return forbidden("Your role cannot acknowledge referrals.")
		}
		c, err := scanCase(tx.QueryRow(`SELECT `+caseColumns+` FROM cases c WHERE c.id = ?`, caseID))
		if err != nil {
			return err
		}
		who, now := string(actor.ID), tx.Now()
		if err := tx.Save("agency_referral.acknowledged", who, "agency_referrals",
			`UPDATE agency_referrals SET acknowledged_by = ?, acknowledged_at = ?, version = version + 1 WHERE id = ?`, who, micros(now), referralID); err != nil {
			return err
		}
		name, _ := s.agencyName(tx, actor.User.AgencyID)
		if err := addEvent(tx, who, c.ID, "agency_referral.acknowledged", fmt.Sprintf("Referral acknowledged by %s (%s)", actor.User.Name, name)); err != nil {
			return err
		}
		return s.fire(tx, who, c, []string{vigil.EvReferralAcknowledged}, now, referralID, "")
	})
}

// RecordShareDecision implements vigil.CaseworkService.
func (s *Store) RecordShareDecision(ctx context.Context, actor vigil.Actor, caseID, withAgency vigil.ID, share bool, reason string) error {
	reason = strings.TrimSpace(reason)
	if err := vigil.CheckText("reason", "why the information is or is not shared", reason, vigil.MaxReasonLen, true); err != nil {
		return err
	}
	return s.write(ctx, func(tx *ledger.Tx) error {
		c, raised, err := s.caseFor(tx, actor, caseID)
		if err != nil {
			return err
		}
		if !vigil.CanRefer(actor.User, c, raised) {
			return forbidden("Your role cannot record sharing decisions on this case.")
		}
		if err := mustBeOpen(c); err != nil {
			return err
		}
		if _, err := s.agencyName(tx, withAgency); err != nil {
			return err
		}
		return s.saveShare(tx, string(actor.ID), c.ID, withAgency, share, reason)
	})
}

func (s *Store) saveShare(tx *ledger.Tx, who string, caseID, with vigil.ID, share bool, reason string) error {
	if err := tx.Save("share.decided", who, "share_decisions",
		`INSERT INTO share_decisions (id, version, case_id, with_agency, share, reason, by_id, at) VALUES (?, 1, ?, ?, ?, ?, ?, ?)`,
		vigil.NewID(), caseID, with, boolInt(share), reason, who, micros(tx.Now())); err != nil {
		return err
	}
	name, err := s.agencyName(tx, with)
	if err != nil {
		return err
	}
	verb := "Information shared with"
	if !share {
		verb = "Information not shared with"
	}
	return addEvent(tx, who, caseID, "share.decided", fmt.Sprintf("%s %s: %s", verb, name, reason))
}
