package sqlstore

import (
	"context"
	"fmt"
	"strings"

	"github.com/vigil-project/vigil"
	"github.com/vigil-project/vigil/internal/ledger"
)

// OfferTransfer implements vigil.CaseworkService. The case keeps its owner
// until the offer is accepted: ownership is handed over, never dropped.
func (s *Store) OfferTransfer(ctx context.Context, actor vigil.Actor, caseID, to vigil.ID, reason string) (*vigil.Transfer, error) {
	reason = strings.TrimSpace(reason)
	if err := vigil.CheckText("reason", "why the case is being transferred", reason, vigil.MaxReasonLen, true); err != nil {
		return nil, err
	}
	t := &vigil.Transfer{ID: vigil.NewID(), CaseID: caseID, ToID: to, Reason: reason, Status: vigil.TransferOffered}
	err := s.write(ctx, func(tx *ledger.Tx) error {
		c, _, err := s.caseFor(tx, actor, caseID)
		if err != nil {
			return err
		}
		if !vigil.CanTransfer(actor.User, c) {
			return forbidden("Only the case's owner or a social care manager can transfer it.")
		}
		if err := mustBeOpen(c); err != nil {
			return err
		}
		if !to.Valid() {
			return fieldErr("to", "Choose a person to transfer the case to")
		}
		target, _, err := scanUserHash(tx.QueryRow(`SELECT `+userColumns+` FROM users u WHERE u.id = ?`, to))
		if vigil.ErrorCode(err) == vigil.ENOTFOUND {
			return fieldErr("to", "Choose a person to transfer the case to")
		} else if err != nil {
			return err
		}
		if !vigil.CanHoldCases(target) {
			return fieldErr("to", fmt.Sprintf("%s cannot hold cases: choose an active professional who does casework", target.Name))
		}
		if ok, err := s.canTake(tx, target, c); err != nil {
			return err
		} else if !ok {
			return fieldErr("to", fmt.Sprintf("%s has a conflict of interest recorded against this case and cannot work on it: choose someone else", target.Name))
		}
		if target.ID == c.OwnerID {
			return fieldErr("to", fmt.Sprintf("%s already owns this case", target.Name))
		}
		var pending int
		if err := tx.QueryRow(`SELECT COUNT(*) FROM transfers WHERE case_id = ? AND status = 'offered'`, c.ID).Scan(&pending); err != nil {
			return err
		}
		if pending > 0 {
			return vigil.Errorf(vigil.ECONFLICT, "A transfer of this case is already waiting for an answer")
		}
		t.FromID, t.OfferedAt = c.OwnerID, tx.Now()
		who := string(actor.ID)
		if err := tx.Save("transfer.offered", who, "transfers",
			`INSERT INTO transfers (id, version, case_id, from_id, to_id, reason, status, offered_at) VALUES (?, 1, ?, ?, ?, ?, 'offered', ?)`,
			t.ID, c.ID, t.FromID, to, reason, micros(t.OfferedAt)); err != nil {
			return err
		}
		return addEvent(tx, who, c.ID, "transfer.offered", fmt.Sprintf("Transfer offered to %s: %s", target.Name, reason))
	})
	if err != nil {
		return nil, err
	}
	return t, nil
}

func fieldErr(field, msg string) error {
	return &vigil.Error{Code: vigil.EINVALID, Message: msg, Fields: []vigil.FieldError{{Field: field, Message: msg}}}
}

// AnswerTransfer implements vigil.CaseworkService.
func (s *Store) AnswerTransfer(ctx context.Context, actor vigil.Actor, transferID vigil.ID, accept bool, reason string) error {
	reason = strings.TrimSpace(reason)
	if err := vigil.CheckText("reason", "why you are refusing the case (the refusal is escalated)", reason, vigil.MaxReasonLen, !accept); err != nil {
		return err
	}
	if actor.User == nil || !transferID.Valid() {
		return notFound("The transfer")
	}
	return s.write(ctx, func(tx *ledger.Tx) error {
		var caseID, toID, status string
		err := tx.QueryRow(`SELECT case_id, to_id, status FROM transfers WHERE id = ?`, transferID).Scan(&caseID, &toID, &status)
		if isNoRows(err) || toID != string(actor.ID) {
			return notFound("The transfer") // only the person offered may answer, or know it exists
		} else if err != nil {
			return err
		}
		if status != string(vigil.TransferOffered) {
			return vigil.Errorf(vigil.ECONFLICT, "This transfer has already been answered")
		}
		c, err := scanCase(tx.QueryRow(`SELECT `+caseColumns+` FROM cases c WHERE c.id = ?`, caseID))
		if err != nil {
			return err
		}
		if err := mustBeOpen(c); err != nil {
			return err
		}
		who, now := string(actor.ID), tx.Now()
		if !accept {
			if err := tx.Save("transfer.refused", who, "transfers",
				`UPDATE transfers SET status = 'refused', answered_at = ?, answer = ?, version = version + 1 WHERE id = ?`,
				micros(now), reason, transferID); err != nil {
				return err
			}
			if err := addEvent(tx, who, c.ID, "transfer.refused", fmt.Sprintf("Transfer refused by %s: %s", actor.User.Name, reason)); err != nil {
				return err
			}
			// A refused case is still owned by its owner; the refusal goes
			// to a manager, so "someone else's job" cannot end the matter.
			if err := s.resolveForTransfer(tx, who, transferID, "Resolved: the offer was refused (the refusal is escalated)", now); err != nil {
				return err
			}
			return s.raise(tx, who, c, "", "", vigil.EscalationTransferRefused, "Transfer refused: "+reason, 2, now)
		}
		if !vigil.CanHoldCases(actor.User) {
			return forbidden("You cannot hold cases at the moment.")
		}
		// A conflict declared since the offer was made closes the case to them.
		if ok, err := s.canTake(tx, actor.User, c); err != nil {
			return err
		} else if !ok {
			// The refusal is logged, like any attempt on a case closed to the actor.
			return &refusal{err: vigil.Errorf(vigil.EFORBIDDEN, "A conflict of interest of yours is recorded against this case, so you cannot take it on. Refuse the offer and give that as the reason."),
				actor: actor.ID, caseID: c.ID, reason: "conflict of interest"}
		}
		if err := tx.Save("transfer.accepted", who, "transfers",
			`UPDATE transfers SET status = 'accepted', answered_at = ?, answer = ?, version = version + 1 WHERE id = ?`,
			micros(now), null(reason), transferID); err != nil {
			return err
		}
		if err := s.resolveForTransfer(tx, who, transferID, "Resolved: the offer was accepted", now); err != nil {
			return err
		}
		return s.reassign(tx, who, c, actor.User, fmt.Sprintf("Transfer accepted: %s now owns the case", actor.User.Name))
	})
}

// canTake reports whether u may own case c, conflicts of interest included.
func (s *Store) canTake(q querier, u *vigil.User, c *vigil.Case) (bool, error) {
	t, err := s.access(q, u, c)
	if err != nil {
		return false, err
	}
	return vigil.CanTakeCase(u, t), nil
}

// WithdrawTransfer implements vigil.CaseworkService.
func (s *Store) WithdrawTransfer(ctx context.Context, actor vigil.Actor, transferID vigil.ID, reason string) error {
	reason = strings.TrimSpace(reason)
	if err := vigil.CheckText("reason", "why the offer is withdrawn", reason, vigil.MaxReasonLen, true); err != nil {
		return err
	}
	if actor.User == nil || !transferID.Valid() {
		return notFound("The transfer")
	}
	return s.write(ctx, func(tx *ledger.Tx) error {
		var caseID, toID, status string
		err := tx.QueryRow(`SELECT case_id, to_id, status FROM transfers WHERE id = ?`, transferID).Scan(&caseID, &toID, &status)
		if isNoRows(err) {
			return notFound("The transfer")
		} else if err != nil {
			return err
		}
		c, _, err := s.caseFor(tx, actor, vigil.ID(caseID)) // someone who cannot see the case does not learn of the offer
		if err != nil {
			return err
		}
		if !vigil.CanTransfer(actor.User, c) {
			return forbidden("Only the case's owner or a manager who may transfer it can withdraw the offer.")
		}
		if status != string(vigil.TransferOffered) {
			return vigil.Errorf(vigil.ECONFLICT, "This offer has already been %s", status)
		}
		return s.withdraw(tx, string(actor.ID), transferID, c.ID, vigil.ID(toID), reason)
	})
}

// withdraw withdraws an offer still waiting for its answer.
func (s *Store) withdraw(tx *ledger.Tx, who string, transferID, caseID, toID vigil.ID, reason string) error {
	if err := tx.Save("transfer.withdrawn", who, "transfers",
		`UPDATE transfers SET status = 'withdrawn', answered_at = ?, answer = ?, withdrawn_by = ?, version = version + 1 WHERE id = ? AND status = 'offered'`,
		micros(tx.Now()), reason, who, transferID); err != nil {
		return err
	}
	if err := s.resolveForTransfer(tx, who, transferID, "Resolved: the offer was withdrawn", tx.Now()); err != nil {
		return err
	}
	return addEvent(tx, who, caseID, "transfer.withdrawn", fmt.Sprintf("Transfer offer to %s withdrawn: %s", strings.TrimPrefix(s.holderName(tx, toID), " "), reason))
}

// withdrawOffersTo withdraws every offer waiting for u's answer, when u is
// suspended or leaves: they can no longer accept it, and an offer nobody
// can answer would block every other transfer of its case.
func (s *Store) withdrawOffersTo(tx *ledger.Tx, who string, u *vigil.User, why string) error {
	rows, err := tx.Query(`SELECT id, case_id FROM transfers WHERE to_id = ? AND status = 'offered' ORDER BY offered_at, id`, u.ID)
	if err != nil {
		return err
	}
	type offer struct{ id, caseID vigil.ID }
	var offers []offer
	for rows.Next() {
		var o offer
		if err := rows.Scan(&o.id, &o.caseID); err != nil {
			rows.Close()
			return err
		}
		offers = append(offers, o)
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return err
	}
	for _, o := range offers {
		if err := s.withdraw(tx, who, o.id, o.caseID, u.ID, fmt.Sprintf("%s %s before answering; the case stays with its owner", u.Name, why)); err != nil {
			return err
		}
	}
	return nil
}

// reassign makes u the owner of case c, in u's team. The case stays with
// its lead agency, whose managers keep sight of it, even when a person of
// another agency takes it on.
func (s *Store) reassign(tx *ledger.Tx, actor string, c *vigil.Case, u *vigil.User, summary string) error {
	team := u.TeamID
	if team == "" {
		team = c.TeamID
	}
	if err := tx.Save("case.assigned", actor, "cases",
		`UPDATE cases SET owner_id = ?, team_id = ?, version = version + 1 WHERE id = ?`, u.ID, team, c.ID); err != nil {
		return err
	}
	return addEvent(tx, actor, c.ID, vigil.EventCaseAssigned, summary)
}

// handOver passes every open case of a person who is suspended or leaves
// to their manager (or their team's duty manager), in the same transaction
// as the change of status, so that no case is ever without an owner.
func (s *Store) handOver(tx *ledger.Tx, actor string, u *vigil.User, why string) error {
	rows, err := tx.Query(`SELECT `+caseColumns+` FROM cases c WHERE c.owner_id = ? AND c.status = 'open'`, u.ID)
	if err != nil {
		return err
	}
	var cases []*vigil.Case
	for rows.Next() {
		c, err := scanCase(rows)
		if err != nil {
			rows.Close()
			return err
		}
		cases = append(cases, c)
	}
	rows.Close()
	if len(cases) == 0 {
		return nil
	}
	next, err := s.successor(tx, u)
	if err != nil {
		return err
	}
	for _, c := range cases {
		if err := s.reassign(tx, actor, c, next, fmt.Sprintf("Owner %s: case handed to %s", why, next.Name)); err != nil {
			return err
		}
	}
	return nil
}

// successor is who takes over a person's cases: their manager if active,
// else their team's duty manager, else any active manager of their agency.
func (s *Store) successor(tx *ledger.Tx, u *vigil.User) (*vigil.User, error) {
	candidates := []struct {
		q    string
		args []any
	}{
		{`SELECT ` + userColumns + ` FROM users u WHERE u.id = ? AND u.status = 'active'`, []any{u.ManagerID}},
		{`SELECT ` + userColumns + ` FROM teams t JOIN users u ON u.id = t.duty_manager_id WHERE t.id = ? AND u.status = 'active' AND u.id <> ?`, []any{u.TeamID, u.ID}},
		{`SELECT ` + userColumns + ` FROM users u WHERE u.agency_id = ? AND u.status = 'active' AND u.id <> ?
			AND u.role IN ('team_manager', 'service_manager', 'director') ORDER BY u.created_at LIMIT 1`, []any{u.AgencyID, u.ID}},
	}
	for _, c := range candidates {
		next, _, err := scanUserHash(tx.QueryRow(c.q, c.args...))
		if err == nil {
			return next, nil
		} else if vigil.ErrorCode(err) != vigil.ENOTFOUND {
			return nil, err
		}
	}
	return nil, vigil.Errorf(vigil.ECONFLICT, "Nobody active can take over this person's cases: appoint a manager first")
}

// SetUserStatus suspends a person, records that they left, or restores
// them, at once: it is Administer with vigil.AdminSetStatus, except that
// where Administer would only record a request for a commissioner (an
// agency under intervention) it refuses with EFORBIDDEN. Only
// administrators of the person's agency, commissioners during an
// intervention, and the system may call it. Returns EFORBIDDEN,
// ENOTFOUND, EINVALID, ECONFLICT.
func (s *Store) SetUserStatus(ctx context.Context, actor vigil.Actor, userID vigil.ID, status vigil.UserStatus, reason string) error {
	_, err := s.administer(ctx, actor, vigil.AdminChange{Action: vigil.AdminSetStatus, UserID: userID, Status: status, Reason: reason}, false)
	return err
}

// setUserStatus changes u's status in tx. A person suspended or gone loses
// access at once: their sessions end and their API tokens are revoked (a
// person reinstated gets new ones), any team's duty they held passes on
// (passDuty), and their open cases pass to their manager in the same
// transaction, so that no case is left without an owner and the front door
// never closes.
func (s *Store) setUserStatus(tx *ledger.Tx, who string, u *vigil.User, status vigil.UserStatus, reason string) error {
	if u.Status == status {
		return fieldErr("status", fmt.Sprintf("%s is already %s", u.Name, status))
	}
	if err := tx.Save("user.status_changed", who, "users", `UPDATE users SET status = ?, version = version + 1 WHERE id = ?`, status, u.ID); err != nil {
		return err
	}
	if err := tx.Event("user.status_reason", who, "users", string(u.ID), map[string]string{"status": string(status), "reason": reason}); err != nil {
		return err
	}
	if status == vigil.UserActive {
		return nil
	}
	why := map[vigil.UserStatus]string{vigil.UserSuspended: "suspended", vigil.UserLeft: "left"}[status]
	if err := s.endAccess(tx, who, u.ID, "person "+why); err != nil {
		return err
	}
	if err := s.passDuty(tx, who, u, why); err != nil {
		return err
	}
	if err := s.withdrawOffersTo(tx, who, u, why); err != nil {
		return err
	}
	return s.handOver(tx, who, u, why)
}

// TransfersOffered implements vigil.CaseworkService. Being offered a case
// involves the person in it, so its child is named, and the list logged as
// a read of it; an offer of a case they are conflicted with is left out
// (and refused, with the refusal logged), as the case page would refuse it.
func (s *Store) TransfersOffered(ctx context.Context, actor vigil.Actor) ([]*vigil.TransferItem, error) {
	if actor.User == nil {
		return nil, vigil.Errorf(vigil.EUNAUTHORIZED, "Sign in to see transfers")
	}
	var out []*vigil.TransferItem
	err := each(reader{s, ctx}, func(r scanner) error {
		var t vigil.TransferItem
		var offered int64
		if err := r.Scan(&t.ID, &t.CaseID, &t.FromID, &t.ToID, &t.Reason, &t.Status, &offered, &t.CaseRef, &t.ChildName, &t.FromName); err != nil {
			return err
		}
		t.OfferedAt = fromMicros(offered)
		out = append(out, &t)
		return nil
	}, `SELECT t.id, t.case_id, t.from_id, t.to_id, t.reason, t.status, t.offered_at, c.ref, c.child_name, u.name
		FROM transfers t JOIN cases c ON c.id = t.case_id JOIN users u ON u.id = t.from_id
		WHERE t.to_id = ? AND t.status = 'offered' ORDER BY t.offered_at`, actor.ID)
	if err != nil {
		return nil, internal("list transfers", err)
	}
	g, err := s.gate(ctx, actor, vigil.ActCaseView)
	if err != nil {
		return nil, err
	}
	kept := out[:0]
	var conflicted, named []vigil.ID
	for _, t := range out {
		a, err := g.decide(t.CaseID, true)
		if err != nil {
			return nil, err
		}
		switch {
		case a.Conflict:
			conflicted = append(conflicted, t.CaseID)
			continue
		case a.Allowed:
			t.Identified = true
			named = append(named, t.CaseID)
		default:
			t.ChildName = ""
		}
		kept = append(kept, t)
	}
	if err := g.logRefusals(conflicted, "transfers offered"); err != nil {
		return nil, err
	}
	return kept, s.logReads(ctx, actor.ID, "record.listed", "cases", compactIDs(named), "transfers offered")
}
