package sqlstore

import (
	"context"
	"database/sql"
	"errors"

	"github.com/vigil-project/vigil"
	"github.com/vigil-project/vigil/internal/ledger"
	"github.com/vigil-project/vigil/internal/speakup"
)

// This file approves speak-up keys (see speakup/approve.go for why). A
// recipient's row carries approval = 'pending' while its current key
// waits; such a key is left out of routing (recipients), of the keys new
// messages and reseals are sealed for (readers, Reseal), and of access
// (mayRead, isCustodian). Each request and answer is a tracked row of
// speakup_key_approvals, so the log holds who asked, who decided and when.

// approverWhere selects, among recipients r joined with users u, those who
// may approve a key of a person (first argument, their user id) of an
// agency (second argument): approved keys that open with their holder's
// own password, of active people, who are custodians or belong to another
// agency that receives reports.
const approverWhere = `r.active = 1 AND r.approval IS NULL AND r.key_state IS NULL AND u.status = 'active' AND r.user_id <> ?
	AND (r.custodian = 1 OR (r.agency_id <> ? AND EXISTS (SELECT 1 FROM speakup_routes t WHERE t.agency_id = r.agency_id AND t.active = 1)))`

// anyApprover reports whether someone may approve a key of userID, of agencyID.
func anyApprover(q querier, userID, agencyID vigil.ID) (bool, error) {
	var n int
	err := q.QueryRow(`SELECT COUNT(*) FROM speakup_recipients r JOIN users u ON u.id = r.user_id WHERE `+approverWhere, userID, agencyID).Scan(&n)
	return n > 0, err
}

// namedInConfig reports whether the configuration file names a person, as
// a recipient or a custodian.
func namedInConfig(q querier, userID vigil.ID) (bool, error) {
	var n int
	err := q.QueryRow(`SELECT (SELECT COUNT(*) FROM speakup_named_recipients WHERE user_id = ? AND active = 1)
		+ (SELECT COUNT(*) FROM speakup_custodians WHERE user_id = ? AND active = 1)`, userID, userID).Scan(&n)
	return n > 0, err
}

// pendingRequest returns the open request of a recipient of the given
// kinds, if any: its id, kind and the custodian flag asked for.
func pendingRequest(q querier, recipientID vigil.ID, kinds ...string) (id vigil.ID, kind string, custodian bool, err error) {
	var c int64
	for _, k := range kinds {
		err = q.QueryRow(`SELECT id, custodian FROM speakup_key_approvals WHERE recipient_id = ? AND kind = ? AND status = 'pending'`, recipientID, k).Scan(&id, &c)
		if err == nil {
			return id, k, c == 1, nil
		} else if !isNoRows(err) {
			return "", "", false, err
		}
	}
	return "", "", false, nil
}

// withdraw closes a recipient's open requests of the given kinds.
func withdraw(tx *ledger.Tx, who string, recipientID vigil.ID, kinds ...string) error {
	for _, k := range kinds {
		ids, err := idsOf(tx, `SELECT id FROM speakup_key_approvals WHERE recipient_id = ? AND kind = ? AND status = 'pending'`, recipientID, k)
		if err != nil {
			return err
		}
		for _, id := range ids {
			if err := tx.Save("speakup.key_approval_withdrawn", who, "speakup_key_approvals",
				`UPDATE speakup_key_approvals SET status = 'withdrawn', decided_at = ?, version = version + 1 WHERE id = ?`, micros(tx.Now()), id); err != nil {
				return err
			}
		}
	}
	return nil
}

// requestApproval asks for approval of rc's current key (kind enrolment
// or renewal) or of rc as a custodian (kind custodian), withdrawing any
// earlier open request of the same sort. When byConfig (the deployment's
// configuration file, or an enrolment it named) and nobody can approve
// yet, the file approves it at once. It returns whether it was approved,
// and leaves applying the approval to the caller.
func (s *Store) requestApproval(tx *ledger.Tx, who string, rc *speakup.Recipient, kind string, custodian, byConfig bool) (bool, error) {
	kinds := []string{speakup.ApprovalEnrolment, speakup.ApprovalRenewal}
	if kind == speakup.ApprovalCustodian {
		kinds = []string{speakup.ApprovalCustodian}
	}
	if err := withdraw(tx, who, rc.ID, kinds...); err != nil {
		return false, err
	}
	approved := false
	if byConfig {
		named, err := namedInConfig(tx, rc.UserID)
		if err != nil {
			return false, err
		}
		someone, err := anyApprover(tx, rc.UserID, rc.AgencyID)
		if err != nil {
			return false, err
		}
		approved = named && !someone
	}
	id := vigil.NewID()
	if !approved {
		return false, tx.Save("speakup.key_approval_requested", who, "speakup_key_approvals",
			`INSERT INTO speakup_key_approvals (id, version, recipient_id, user_id, agency_id, kind, public_key, custodian, requested_at, status)
			 VALUES (?, 1, ?, ?, ?, ?, ?, ?, ?, 'pending')`, id, rc.ID, rc.UserID, rc.AgencyID, kind, rc.PublicKey, boolInt(custodian), micros(tx.Now()))
	}
	return true, tx.Save("speakup.key_approved", string(vigil.ActorSystem), "speakup_key_approvals",
		`INSERT INTO speakup_key_approvals (id, version, recipient_id, user_id, agency_id, kind, public_key, custodian, requested_at, status, decided_by, decided_at, via)
		 VALUES (?, 1, ?, ?, ?, ?, ?, ?, ?, 'approved', ?, ?, ?)`, id, rc.ID, rc.UserID, rc.AgencyID, kind, rc.PublicKey, boolInt(custodian), micros(tx.Now()),
		string(vigil.ActorSystem), micros(tx.Now()), speakup.ApprovedByConfiguration)
}

// applyApproval gives an approved request its effect: a key starts
// receiving reports, and its holder is a custodian if the request asked
// for that and they are still named one (nobody becomes a custodian
// without an approver having seen it asked); a refused key stays out for
// good. The key must still be the one asked about.
func applyApproval(tx *ledger.Tx, who string, recipientID vigil.ID, kind, publicKey string, custodian, approve bool) error {
	var err error
	switch {
	case kind == speakup.ApprovalCustodian && !approve:
		return nil
	case kind == speakup.ApprovalCustodian:
		err = tx.Save("speakup.custodian_approved", who, "speakup_recipients",
			`UPDATE speakup_recipients SET custodian = 1, version = version + 1
			 WHERE id = ? AND public_key = ? AND approval IS NULL AND custodian = 0
			 AND user_id IN (SELECT user_id FROM speakup_custodians WHERE active = 1)`, recipientID, publicKey)
	case approve:
		err = tx.Save("speakup.recipient_approved", who, "speakup_recipients",
			`UPDATE speakup_recipients SET approval = NULL, version = version + 1,
			 custodian = CASE WHEN ? = 1 AND user_id IN (SELECT user_id FROM speakup_custodians WHERE active = 1) THEN 1 ELSE 0 END
			 WHERE id = ? AND public_key = ? AND approval = 'pending'`, boolInt(custodian), recipientID, publicKey)
	default:
		err = tx.Save("speakup.recipient_refused", who, "speakup_recipients",
			`UPDATE speakup_recipients SET approval = 'refused', custodian = 0, version = version + 1
			 WHERE id = ? AND public_key = ? AND approval = 'pending'`, recipientID, publicKey)
	}
	if errors.Is(err, ledger.ErrNoRow) {
		return vigil.Errorf(vigil.ECONFLICT, "The key or the person changed since approval was asked for, so this request no longer applies.")
	}
	return err
}

// approveByConfig approves, as the configuration file, every open request
// of a person it names whom nobody else can approve yet.
func (s *Store) approveByConfig(tx *ledger.Tx) error {
	rows, err := tx.Query(`SELECT id, recipient_id, user_id, agency_id, kind, public_key, custodian FROM speakup_key_approvals WHERE status = 'pending' ORDER BY requested_at, id`)
	if err != nil {
		return err
	}
	type req struct {
		id, recipient, user, agency vigil.ID
		kind, key                   string
		custodian                   int64
	}
	var list []req
	for rows.Next() {
		var r req
		if err := rows.Scan(&r.id, &r.recipient, &r.user, &r.agency, &r.kind, &r.key, &r.custodian); err != nil {
			rows.Close()
			return err
		}
		list = append(list, r)
	}
	rows.Close()
	sys := string(vigil.ActorSystem)
	for _, r := range list {
		named, err := namedInConfig(tx, r.user)
		if err != nil {
			return err
		}
		someone, err := anyApprover(tx, r.user, r.agency)
		if err != nil {
			return err
		}
		if !named || someone {
			continue
		}
		if err := tx.Save("speakup.key_approved", sys, "speakup_key_approvals",
			`UPDATE speakup_key_approvals SET status = 'approved', decided_by = ?, decided_at = ?, via = ?, version = version + 1 WHERE id = ?`,
			sys, micros(tx.Now()), speakup.ApprovedByConfiguration, r.id); err != nil {
			return err
		}
		if err := applyApproval(tx, sys, r.recipient, r.kind, r.key, r.custodian == 1, true); err != nil {
			return err
		}
	}
	return nil
}

// approverOf returns the actor's enrolment when it may approve anything
// at all (an approved, usable key of an active person), else nil.
func (s *Store) approverOf(q querier, actor vigil.Actor) (*speakup.Recipient, bool, error) {
	if actor.User == nil || actor.User.Status != vigil.UserActive {
		return nil, false, nil
	}
	rc, err := scanRecipient(q.QueryRow(`SELECT `+recipientColumns+` FROM speakup_recipients r WHERE r.user_id = ?`, actor.ID))
	if isNoRows(err) {
		return nil, false, nil
	} else if err != nil {
		return nil, false, internal("read recipient", err)
	}
	var receives int
	if err := q.QueryRow(`SELECT COUNT(*) FROM speakup_routes WHERE agency_id = ? AND active = 1`, rc.AgencyID).Scan(&receives); err != nil {
		return nil, false, internal("read recipient", err)
	}
	return rc, receives > 0, nil
}

const approvalColumns = `a.id, a.recipient_id, a.user_id, u.name, u.username, u.role, a.agency_id, g.name, u.created_at,
	a.kind, a.public_key, a.custodian, a.requested_at, a.status, a.decided_by, a.decided_at, a.via`

func scanApproval(sc scanner) (*speakup.KeyApproval, error) {
	var a speakup.KeyApproval
	var created, requested int64
	var custodian int64
	var key string
	var decidedBy, via sql.NullString
	var decided sql.NullInt64
	if err := sc.Scan(&a.ID, &a.RecipientID, &a.UserID, &a.Name, &a.Username, &a.Role, &a.AgencyID, &a.AgencyName, &created,
		&a.Kind, &key, &custodian, &requested, &a.Status, &decidedBy, &decided, &via); err != nil {
		return nil, err
	}
	a.AccountCreated, a.RequestedAt, a.Custodian = fromMicros(created), fromMicros(requested), custodian == 1
	a.Fingerprint, a.DecidedBy, a.Via = speakup.Fingerprint(key), vigil.ID(decidedBy.String), via.String
	if decided.Valid {
		t := fromMicros(decided.Int64)
		a.DecidedAt = &t
	}
	return &a, nil
}

// KeyApprovals implements speakup.Service.
func (s *Store) KeyApprovals(ctx context.Context, actor vigil.Actor) ([]*speakup.KeyApproval, error) {
	q := reader{s, ctx}
	me, receives, err := s.approverOf(q, actor)
	if err != nil || me == nil {
		return nil, err
	}
	rows, err := q.Query(`SELECT `+approvalColumns+` FROM speakup_key_approvals a JOIN users u ON u.id = a.user_id JOIN agencies g ON g.id = a.agency_id
		WHERE a.status = 'pending' AND a.user_id <> ? ORDER BY a.requested_at, a.id`, actor.ID)
	if err != nil {
		return nil, internal("list key approvals", err)
	}
	defer rows.Close()
	var out []*speakup.KeyApproval
	for rows.Next() {
		a, err := scanApproval(rows)
		if err != nil {
			return nil, internal("list key approvals", err)
		}
		if mayDecide(me, receives, a) {
			out = append(out, a)
		}
	}
	return out, rows.Err()
}

// mayDecide reports whether recipient me (whose agency receives reports,
// or not) may decide request a.
func mayDecide(me *speakup.Recipient, receives bool, a *speakup.KeyApproval) bool {
	candidate := &speakup.Recipient{UserID: a.UserID, AgencyID: a.AgencyID}
	return speakup.MayApprove(me, candidate) && (me.Custodian || receives)
}

// DecideKey implements speakup.Service.
func (s *Store) DecideKey(ctx context.Context, actor vigil.Actor, id vigil.ID, approve bool) error {
	q := reader{s, ctx}
	refused := func() error {
		if id.Valid() {
			if err := s.log.Append(ctx, "speakup.key_approval_refused", string(actor.ID), "speakup_key_approvals", string(id), map[string]string{}); err != nil {
				return err
			}
		}
		return notFound("The request")
	}
	if !id.Valid() {
		return notFound("The request")
	}
	me, receives, err := s.approverOf(q, actor)
	if err != nil {
		return err
	}
	a, err := scanApproval(q.QueryRow(`SELECT `+approvalColumns+` FROM speakup_key_approvals a JOIN users u ON u.id = a.user_id
		JOIN agencies g ON g.id = a.agency_id WHERE a.id = ?`, id))
	if isNoRows(err) {
		return refused()
	} else if err != nil {
		return internal("read key approval", err)
	}
	if me == nil || !mayDecide(me, receives, a) {
		return refused()
	}
	who := string(actor.ID)
	return s.write(ctx, func(tx *ledger.Tx) error {
		var key string
		var custodian int64
		if err := tx.QueryRow(`SELECT public_key, custodian FROM speakup_key_approvals WHERE id = ?`, id).Scan(&key, &custodian); err != nil {
			return err
		}
		kind, status := "speakup.key_refused", speakup.ApprovalRefused
		if approve {
			kind, status = "speakup.key_approved", speakup.ApprovalApproved
		}
		err := tx.Save(kind, who, "speakup_key_approvals",
			`UPDATE speakup_key_approvals SET status = ?, decided_by = ?, decided_at = ?, version = version + 1 WHERE id = ? AND status = 'pending'`,
			status, who, micros(tx.Now()), id)
		if errors.Is(err, ledger.ErrNoRow) {
			return vigil.Errorf(vigil.ECONFLICT, "This request has already been decided.")
		} else if err != nil {
			return err
		}
		return applyApproval(tx, who, a.RecipientID, a.Kind, key, custodian == 1, approve)
	})
}

// custodianChanged makes a person's enrolment, if any, follow their being
// named a custodian (on) or not: naming asks for approval, as a new key
// does, unless the configuration file may approve it; unnaming takes
// effect at once and withdraws what was asked.
func (s *Store) custodianChanged(tx *ledger.Tx, who string, userID vigil.ID, on, byConfig bool) error {
	rc, err := scanRecipient(tx.QueryRow(`SELECT `+recipientColumns+` FROM speakup_recipients r WHERE r.user_id = ?`, userID))
	if isNoRows(err) {
		return nil // not enrolled: enrolment reads the naming
	} else if err != nil {
		return err
	}
	if !on {
		if err := withdraw(tx, who, rc.ID, speakup.ApprovalCustodian); err != nil {
			return err
		}
		if !rc.Custodian {
			return nil
		}
		return tx.Save("speakup.custodian_set", who, "speakup_recipients",
			`UPDATE speakup_recipients SET custodian = 0, version = version + 1 WHERE id = ?`, rc.ID)
	}
	switch {
	case rc.Custodian || rc.Approval == speakup.ApprovalRefused:
		return nil
	case rc.Approval == speakup.ApprovalPending:
		// The key's own request must say it would make a custodian.
		id, kind, custodian, err := pendingRequest(tx, rc.ID, speakup.ApprovalEnrolment, speakup.ApprovalRenewal)
		if err != nil || id == "" || custodian {
			return err
		}
		approved, err := s.requestApproval(tx, who, rc, kind, true, byConfig)
		if err != nil || !approved {
			return err
		}
		return applyApproval(tx, string(vigil.ActorSystem), rc.ID, kind, rc.PublicKey, true, true)
	}
	if id, _, _, err := pendingRequest(tx, rc.ID, speakup.ApprovalCustodian); err != nil || id != "" {
		return err
	}
	approved, err := s.requestApproval(tx, who, rc, speakup.ApprovalCustodian, true, byConfig)
	if err != nil || !approved {
		return err
	}
	return applyApproval(tx, string(vigil.ActorSystem), rc.ID, speakup.ApprovalCustodian, rc.PublicKey, true, true)
}
