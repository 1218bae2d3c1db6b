package sqlstore

import (
	"context"
	"database/sql"
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/vigil-project/vigil"
	"github.com/vigil-project/vigil/internal/ledger"
)

// This file turns missed deadlines into escalations and climbs unanswered
// escalations up the ladder (vigil.LadderStep), ending at independent
// oversight. The sweeper (internal/escalate) calls Sweep on a timer; Sweep
// works only from what the database says, so it is safe to run again after
// a restart, and running it twice changes nothing the second time.

// holder finds who holds an escalation of case c at ladder level (1-based)
// or the first level above it that someone can hold. It walks the owner's
// chain of managers, then looks in the case's team and agency.
func (s *Store) holder(q querier, c *vigil.Case, level int) (lvl int, holderID vigil.ID, role string, err error) {
	ladder := s.rules.Ladder
	for lvl = level; lvl <= len(ladder); lvl++ {
		step := ladder[lvl-1]
		switch step.Role {
		case vigil.LadderOwner:
			return lvl, c.OwnerID, step.Role, nil
		case vigil.LadderOversight:
			return lvl, "", step.Role, nil
		}
		// Up the owner's line of management first: the person's own manager.
		cur := c.OwnerID
		for range 10 {
			var mgr sql.NullString
			if err := q.QueryRow(`SELECT manager_id FROM users WHERE id = ?`, cur).Scan(&mgr); err != nil && !isNoRows(err) {
				return 0, "", "", err
			}
			if !mgr.Valid {
				break
			}
			var r, status string
			if err := q.QueryRow(`SELECT role, status FROM users WHERE id = ?`, mgr.String).Scan(&r, &status); err != nil {
				return 0, "", "", err
			}
			if r == step.Role && status == string(vigil.UserActive) && vigil.ID(mgr.String) != c.OwnerID {
				return lvl, vigil.ID(mgr.String), step.Role, nil
			}
			cur = vigil.ID(mgr.String)
		}
		var id string
		// Escalating to the owner themselves would answer nothing.
		err := q.QueryRow(`SELECT id FROM users WHERE role = ? AND status = 'active' AND (team_id = ? OR agency_id = ?) AND id <> ?
			ORDER BY CASE WHEN team_id = ? THEN 0 ELSE 1 END, created_at, id LIMIT 1`, step.Role, c.TeamID, c.AgencyID, c.OwnerID, c.TeamID).Scan(&id)
		if err == nil {
			return lvl, vigil.ID(id), step.Role, nil
		} else if !isNoRows(err) {
			return 0, "", "", err
		}
		// Nobody holds this rung in the agency: the escalation goes higher.
	}
	return len(ladder), "", vigil.LadderOversight, nil
}

// raise opens an escalation of case c at the given level, at time now (the
// sweep's time, so that a late sweep dates escalations as they should be).
// deadlineID or transferID names what it is about, when it is a deadline
// or an offer of the case.
func (s *Store) raise(tx *ledger.Tx, actor string, c *vigil.Case, deadlineID, transferID vigil.ID, kind, reason string, level int, now time.Time) error {
	lvl, holderID, role, err := s.holder(tx, c, level)
	if err != nil {
		return err
	}
	step := s.rules.Ladder[lvl-1]
	var respond any
	if lvl < len(s.rules.Ladder) {
		respond = micros(step.Respond.After(s.cal, now))
	}
	if err := tx.Save("escalation.raised", actor, "escalations",
		`INSERT INTO escalations (id, version, case_id, deadline_id, transfer_id, kind, level, holder_id, holder_role, reason, raised_at, respond_by, status)
		 VALUES (?, 1, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, 'open')`,
		vigil.NewID(), c.ID, null(deadlineID), null(transferID), kind, lvl, null(holderID), role, reason, micros(now), respond); err != nil {
		return err
	}
	return addEvent(tx, actor, c.ID, "escalation.raised", fmt.Sprintf("Escalated to %s%s: %s", step.Name, s.holderName(tx, holderID), reason))
}

func (s *Store) holderName(q querier, id vigil.ID) string {
	if id == "" {
		return ""
	}
	var name string
	if err := q.QueryRow(`SELECT name FROM users WHERE id = ?`, id).Scan(&name); err != nil {
		return ""
	}
	return " (" + name + ")"
}

// resolveFor ends the open escalations of a deadline with a decision.
func (s *Store) resolveFor(tx *ledger.Tx, actor string, deadlineID vigil.ID, decision string, at time.Time) error {
	return s.resolveOpen(tx, actor, `SELECT id FROM escalations WHERE deadline_id = ? AND status = 'open'`, deadlineID, decision, at)
}

// resolveForTransfer ends the open escalations of an offer with a decision.
func (s *Store) resolveForTransfer(tx *ledger.Tx, actor string, transferID vigil.ID, decision string, at time.Time) error {
	return s.resolveOpen(tx, actor, `SELECT id FROM escalations WHERE transfer_id = ? AND status = 'open'`, transferID, decision, at)
}

// resolveOpen ends the open escalations query selects (by arg) with a decision.
func (s *Store) resolveOpen(tx *ledger.Tx, actor, query string, arg vigil.ID, decision string, at time.Time) error {
	rows, err := tx.Query(query, arg)
	if err != nil {
		return err
	}
	var ids []string
	for rows.Next() {
		var id string
		if err := rows.Scan(&id); err != nil {
			rows.Close()
			return err
		}
		ids = append(ids, id)
	}
	rows.Close()
	for _, id := range ids {
		if err := tx.Save("escalation.resolved", actor, "escalations",
			`UPDATE escalations SET status = 'resolved', decision = ?, resolved_by = ?, resolved_at = ?, version = version + 1 WHERE id = ?`,
			decision, actor, micros(at), id); err != nil {
			return err
		}
	}
	return nil
}

// sweepBatch bounds the work of one transaction, so a sweep of a million
// deadlines does not hold the writer for long.
const sweepBatch = 500

// Sweep escalates every deadline missed at now, and moves every escalation
// whose holder has not answered in time up a rung. It is idempotent.
func (s *Store) Sweep(ctx context.Context, now time.Time) (vigil.SweepResult, error) {
	var res vigil.SweepResult
	for {
		n, err := s.sweepMissed(ctx, now)
		res.Missed += n
		if err != nil || n < sweepBatch {
			if err != nil {
				return res, err
			}
			break
		}
	}
	for {
		n, err := s.climb(ctx, now)
		res.Climbed += n
		if err != nil {
			return res, err
		}
		if n < sweepBatch {
			break
		}
	}
	n, err := s.sweepUnanswered(ctx, now) // offers of cases left unanswered (transfers_sweep.go)
	res.Unanswered += n
	if err != nil {
		return res, err
	}
	err = s.sweepActions(ctx, now, &res) // action plans' deadlines (oversight_sweep.go)
	return res, err
}

func (s *Store) sweepMissed(ctx context.Context, now time.Time) (int, error) {
	rows, err := s.query(ctx, `SELECT id FROM deadlines WHERE status = 'open' AND due_at < ?
		AND (escalated_due IS NULL OR escalated_due <> due_at) ORDER BY due_at LIMIT ?`, micros(now), sweepBatch)
	if err != nil {
		return 0, internal("sweep", err)
	}
	ids, err := scanIDs(rows)
	if err != nil || len(ids) == 0 {
		return 0, err
	}
	n := 0
	err = s.write(ctx, func(tx *ledger.Tx) error {
		n = 0
		for _, id := range ids {
			d, err := scanDeadline(tx.QueryRow(`SELECT `+deadlineColumns+` FROM deadlines WHERE id = ?`, id), s.rules)
			if err != nil {
				return err
			}
			var escalated sql.NullInt64
			if err := tx.QueryRow(`SELECT escalated_due FROM deadlines WHERE id = ?`, id).Scan(&escalated); err != nil {
				return err
			}
			// Re-check inside the transaction: another sweeper may have been first.
			if d.Status != vigil.DeadlineOpen || !now.After(d.Due) || escalated.Valid && escalated.Int64 == micros(d.Due) {
				continue
			}
			c, err := scanCase(tx.QueryRow(`SELECT `+caseColumns+` FROM cases c WHERE c.id = ?`, d.CaseID))
			if err != nil {
				return err
			}
			if err := tx.Save("deadline.missed", string(vigil.ActorSystem), "deadlines",
				`UPDATE deadlines SET escalated_due = due_at, version = version + 1 WHERE id = ?`, id); err != nil {
				return err
			}
			reason := fmt.Sprintf("Deadline missed: %s was due by %s", d.Label, when(d.Due))
			if err := s.raise(tx, string(vigil.ActorSystem), c, d.ID, "", vigil.EscalationDeadlineMissed, reason, 1, now); err != nil {
				return err
			}
			n++
		}
		return nil
	})
	return n, err
}

func (s *Store) climb(ctx context.Context, now time.Time) (int, error) {
	rows, err := s.query(ctx, `SELECT id FROM escalations WHERE status = 'open' AND respond_by IS NOT NULL AND respond_by < ?
		ORDER BY respond_by LIMIT ?`, micros(now), sweepBatch)
	if err != nil {
		return 0, internal("climb", err)
	}
	ids, err := scanIDs(rows)
	if err != nil || len(ids) == 0 {
		return 0, err
	}
	n := 0
	err = s.write(ctx, func(tx *ledger.Tx) error {
		n = 0
		for _, id := range ids {
			e, err := scanEscalation(tx.QueryRow(`SELECT `+escalationColumns+` FROM escalations e WHERE e.id = ?`, id), s.rules.Ladder)
			if err != nil {
				return err
			}
			if e.Status != vigil.EscalationOpen || e.RespondBy == nil || !now.After(*e.RespondBy) {
				continue
			}
			c, err := scanCase(tx.QueryRow(`SELECT `+caseColumns+` FROM cases c WHERE c.id = ?`, e.CaseID))
			if err != nil {
				return err
			}
			// An offer answered or withdrawn since needs nobody to chase it.
			if e.TransferID != "" {
				var status string
				if err := tx.QueryRow(`SELECT status FROM transfers WHERE id = ?`, e.TransferID).Scan(&status); err != nil {
					return err
				}
				if status != string(vigil.TransferOffered) {
					if err := s.resolveForTransfer(tx, string(vigil.ActorSystem), e.TransferID, "Resolved: the offer was "+status, now); err != nil {
						return err
					}
					continue
				}
			}
			// Work that is no longer needed does not climb to oversight.
			if e.DeadlineID != "" {
				var status string
				if err := tx.QueryRow(`SELECT status FROM deadlines WHERE id = ?`, e.DeadlineID).Scan(&status); err != nil {
					return err
				}
				if status != string(vigil.DeadlineOpen) {
					if err := s.resolveFor(tx, string(vigil.ActorSystem), e.DeadlineID, "Resolved: the deadline is "+status, now); err != nil {
						return err
					}
					continue
				}
			}
			lvl, holderID, role, err := s.holder(tx, c, e.Level+1)
			if err != nil {
				return err
			}
			step := s.rules.Ladder[lvl-1]
			var respond any
			if lvl < len(s.rules.Ladder) {
				respond = micros(step.Respond.After(s.cal, now))
			}
			if err := tx.Save("escalation.climbed", string(vigil.ActorSystem), "escalations",
				`UPDATE escalations SET level = ?, holder_id = ?, holder_role = ?, respond_by = ?, version = version + 1 WHERE id = ?`,
				lvl, null(holderID), role, respond, id); err != nil {
				return err
			}
			why := "Not answered in time"
			if e.Explanation != "" {
				why = "The case owner explained but nobody above them answered in time, and the deadline is still unmet"
			}
			if err := addEvent(tx, string(vigil.ActorSystem), c.ID, "escalation.climbed",
				fmt.Sprintf("%s: escalated to %s%s. %s", why, step.Name, s.holderName(tx, holderID), e.Reason)); err != nil {
				return err
			}
			n++
		}
		return nil
	})
	return n, err
}

// idsOf runs a query of one id column and returns the ids.
func idsOf(q querier, query string, args ...any) ([]vigil.ID, error) {
	rows, err := q.Query(query, args...)
	if err != nil {
		return nil, err
	}
	return scanIDs(rows)
}

func scanIDs(rows *sql.Rows) ([]vigil.ID, error) {
	defer rows.Close()
	var ids []vigil.ID
	for rows.Next() {
		var id vigil.ID
		if err := rows.Scan(&id); err != nil {
			return nil, err
		}
		ids = append(ids, id)
	}
	return ids, rows.Err()
}

const escalationColumns = `e.id, e.case_id, e.deadline_id, e.transfer_id, e.kind, e.level, e.holder_id, e.holder_role, e.reason, e.raised_at,
	e.respond_by, e.status, e.decision, e.resolved_by, e.resolved_at, e.explanation, e.explained_by, e.explained_at`

func scanEscalation(r scanner, ladder []vigil.LadderStep, extra ...any) (*vigil.Escalation, error) {
	var e vigil.Escalation
	var deadline, transfer, holder, decision, by, explanation, explainedBy sql.NullString
	var raised int64
	var respond, resolved, explained sql.NullInt64
	dest := []any{&e.ID, &e.CaseID, &deadline, &transfer, &e.Kind, &e.Level, &holder, &e.HolderRole, &e.Reason, &raised, &respond, &e.Status, &decision, &by, &resolved,
		&explanation, &explainedBy, &explained}
	if err := r.Scan(append(dest, extra...)...); err != nil {
		return nil, err
	}
	e.DeadlineID, e.HolderID, e.Decision, e.ResolvedBy = vigil.ID(deadline.String), vigil.ID(holder.String), decision.String, vigil.ID(by.String)
	e.Explanation, e.ExplainedBy, e.TransferID = explanation.String, vigil.ID(explainedBy.String), vigil.ID(transfer.String)
	if explained.Valid {
		t := fromMicros(explained.Int64)
		e.ExplainedAt = &t
	}
	e.RaisedAt = fromMicros(raised)
	if respond.Valid {
		t := fromMicros(respond.Int64)
		e.RespondBy = &t
	}
	if resolved.Valid {
		t := fromMicros(resolved.Int64)
		e.ResolvedAt = &t
	}
	if e.Level >= 1 && e.Level <= len(ladder) {
		e.LevelName = ladder[e.Level-1].Name
	}
	return &e, nil
}

// ResolveEscalation implements vigil.CaseworkService.
func (s *Store) ResolveEscalation(ctx context.Context, actor vigil.Actor, id vigil.ID, decision string, extendTo *time.Time) error {
	decision = strings.TrimSpace(decision)
	if err := vigil.CheckText("decision", "the decision that answers the escalation", decision, vigil.MaxReasonLen, true); err != nil {
		return err
	}
	if actor.User == nil || !id.Valid() {
		return notFound("The escalation")
	}
	return s.write(ctx, func(tx *ledger.Tx) error {
		e, err := scanEscalation(tx.QueryRow(`SELECT `+escalationColumns+` FROM escalations e WHERE e.id = ?`, id), s.rules.Ladder)
		if isNoRows(err) {
			return notFound("The escalation")
		} else if err != nil {
			return err
		}
		c, err := scanCase(tx.QueryRow(`SELECT `+caseColumns+` FROM cases c WHERE c.id = ?`, e.CaseID))
		if err != nil {
			return err
		}
		if e.Status != vigil.EscalationOpen {
			return vigil.Errorf(vigil.ECONFLICT, "This escalation has already been answered")
		}
		if !vigil.CanResolveEscalation(actor.User, e, c.AgencyID, s.rules.Ladder) {
			return forbidden("Only the person holding this escalation, someone above them, or independent oversight can answer it.")
		}
		// A conflict of interest closes the case's escalations too.
		if conflicts, err := s.conflictsOf(tx, actor.ID); err != nil {
			return err
		} else if len(conflicts) > 0 {
			concerns, err := s.concernsOf(tx, c.ID)
			if err != nil {
				return err
			}
			if vigil.ConflictsWith(conflicts, c, concerns) {
				return &refusal{err: vigil.Errorf(vigil.EFORBIDDEN, "You cannot answer this escalation: a conflict of interest of yours is recorded against its case. Someone else on the ladder can."),
					actor: actor.ID, caseID: c.ID, reason: "conflict of interest"}
			}
		}
		who := string(actor.ID)
		now := tx.Now()
		if extendTo != nil {
			// Whoever missed a deadline cannot move it: extensions are for
			// those above them on the ladder.
			if actor.ID == c.OwnerID {
				return fieldErr("extend_to", "The case owner cannot extend their own deadline; a manager or independent oversight can")
			}
		}
		if vigil.OwnerExplains(actor.User, e, c.OwnerID) {
			return s.explain(tx, e, c, who, decision, now)
		}
		if extendTo != nil {
			if e.DeadlineID == "" || !extendTo.After(now) || extendTo.After(now.AddDate(0, 6, 0)) {
				return fieldErr("extend_to", "A new due date must be in the future and within six months, for an escalation about a deadline")
			}
			if err := tx.Save("deadline.extended", who, "deadlines",
				`UPDATE deadlines SET due_at = ?, version = version + 1 WHERE id = ? AND status = 'open'`, micros(*extendTo), e.DeadlineID); err != nil {
				return err
			}
			decision += " New due date: " + when(*extendTo) + "."
		}
		if err := tx.Save("escalation.resolved", who, "escalations",
			`UPDATE escalations SET status = 'resolved', decision = ?, resolved_by = ?, resolved_at = ?, version = version + 1 WHERE id = ?`,
			decision, who, micros(now), id); err != nil {
			return err
		}
		return addEvent(tx, who, c.ID, "escalation.resolved", fmt.Sprintf("Escalation answered at %s: %s", e.LevelName, decision))
	})
}

// explain records the case owner's explanation of their own missed
// deadline on its escalation, which stays open with its response time
// (vigil.OwnerExplains): the owner cannot end the matter themselves.
func (s *Store) explain(tx *ledger.Tx, e *vigil.Escalation, c *vigil.Case, who, text string, now time.Time) error {
	if err := tx.Save("escalation.explained", who, "escalations",
		`UPDATE escalations SET explanation = ?, explained_by = ?, explained_at = ?, version = version + 1 WHERE id = ?`,
		text, who, micros(now), e.ID); err != nil {
		return err
	}
	next := "stays open until someone above the case owner answers it or the deadline is met"
	if e.RespondBy != nil && e.Level < len(s.rules.Ladder) {
		next = fmt.Sprintf("goes to %s at %s unless someone above the case owner answers it or the deadline is met first",
			s.rules.Ladder[e.Level].Name, when(*e.RespondBy))
	}
	return addEvent(tx, who, c.ID, "escalation.explained",
		fmt.Sprintf("Case owner's explanation at %s: %s. The deadline is still unmet, so the escalation %s.", e.LevelName, text, next))
}

// Escalations implements vigil.CaseworkService.
func (s *Store) Escalations(ctx context.Context, actor vigil.Actor) ([]*vigil.EscalationItem, error) {
	p, err := s.EscalationPage(ctx, actor, vigil.EscalationFilter{})
	if err != nil {
		return nil, err
	}
	return p.Items, nil
}

// EscalationPage implements vigil.CaseworkService.
func (s *Store) EscalationPage(ctx context.Context, actor vigil.Actor, f vigil.EscalationFilter) (*vigil.EscalationPage, error) {
	if actor.User == nil {
		return nil, vigil.Errorf(vigil.EUNAUTHORIZED, "Sign in to see escalations")
	}
	limit := f.Limit
	if limit <= 0 || limit > vigil.MaxEscalationList {
		limit = vigil.MaxEscalationList
	}
	offset := max(f.Offset, 0)
	// Filter in SQL as vigil.CanResolveEscalation does, before the limit:
	// the holder; oversight; or a role on a higher rung in the case's agency.
	u := actor.User
	rung := 0 // escalations at levels up to rung are below u's place on the ladder
	for i, st := range s.rules.Ladder {
		if st.Role == string(u.Role) {
			rung = i
		}
	}
	oversight := u.Role == vigil.RoleScrutinyMember || u.Role == vigil.RoleCommissioner
	where, args := `e.status = 'open' AND (e.holder_id = ? OR ? = 1 OR (c.agency_id = ? AND e.level <= ?))`, []any{u.ID, boolInt(oversight), u.AgencyID, rung}
	if f.ID != "" {
		where, args = where+` AND e.id = ?`, append(args, f.ID)
	}
	rows, err := s.query(ctx, `SELECT `+escalationColumns+`, c.ref, c.child_name, c.agency_id, c.owner_id, d.kind FROM escalations e
		JOIN cases c ON c.id = e.case_id LEFT JOIN deadlines d ON d.id = e.deadline_id
		WHERE `+where+fmt.Sprintf(` ORDER BY e.raised_at, e.id LIMIT %d OFFSET %d`, limit+1, offset), args...)
	if err != nil {
		return nil, internal("list escalations", err)
	}
	defer rows.Close()
	var out []*vigil.EscalationItem
	var agencies []vigil.ID
	for rows.Next() {
		var ref, child, agency, owner string
		var kind sql.NullString
		e, err := scanEscalation(rows, s.rules.Ladder, &ref, &child, &agency, &owner, &kind)
		if err != nil {
			return nil, internal("list escalations", err)
		}
		item := &vigil.EscalationItem{Escalation: *e, CaseRef: ref, ChildName: child, CaseOwnerID: vigil.ID(owner)}
		if r := s.rules.Clock(kind.String); r != nil {
			item.Deadline = r.Label
		}
		out, agencies = append(out, item), append(agencies, vigil.ID(agency))
	}
	if err := rows.Err(); err != nil {
		return nil, internal("list escalations", err)
	}
	rows.Close()
	// One row more than the page says whether another page follows. Pages
	// are counted in rows before the access decisions below leave any
	// out, so that leaving one out never shifts the next page.
	page := &vigil.EscalationPage{}
	if len(out) > limit {
		out, agencies, page.More, page.NextOffset = out[:limit], agencies[:limit], true, offset+limit
	}
	kept := out[:0]
	for i, it := range out {
		if vigil.CanResolveEscalation(actor.User, &it.Escalation, agencies[i], s.rules.Ladder) {
			kept = append(kept, it)
		}
	}
	if page.Items, err = s.gateItems(ctx, actor, kept, "escalations"); err != nil {
		return nil, err
	}
	return page, nil
}

// gateItems puts a work list of escalations through the access decision
// on each one's case: an escalation on a case the reader is conflicted
// with is left out and the refusal logged; one on a case the reader may
// not open (a scrutiny panel member's) keeps its reference but not the
// child's name; the cases whose children are named are logged as read.
func (s *Store) gateItems(ctx context.Context, actor vigil.Actor, items []*vigil.EscalationItem, purpose string) ([]*vigil.EscalationItem, error) {
	g, err := s.gate(ctx, actor, vigil.ActCaseView)
	if err != nil {
		return nil, err
	}
	kept := items[:0]
	var conflicted, named []vigil.ID
	for _, it := range items {
		a, err := g.decide(it.CaseID, it.HolderID == actor.ID)
		if err != nil {
			return nil, err
		}
		switch {
		case a.Conflict:
			conflicted = append(conflicted, it.CaseID)
			continue
		case a.Allowed:
			it.Identified = true
			named = append(named, it.CaseID)
		default:
			it.ChildName = ""
		}
		kept = append(kept, it)
	}
	if err := g.logRefusals(conflicted, purpose); err != nil {
		return nil, err
	}
	return kept, s.logReads(ctx, actor.ID, "record.listed", "cases", compactIDs(named), purpose)
}

// compactIDs sorts ids and drops repeats.
func compactIDs(ids []vigil.ID) []vigil.ID {
	slices.Sort(ids)
	return slices.Compact(ids)
}

// caseEscalations returns all escalations of a case, newest first.
func (s *Store) caseEscalations(q querier, caseID vigil.ID) ([]*vigil.Escalation, error) {
	rows, err := q.Query(`SELECT `+escalationColumns+` FROM escalations e WHERE e.case_id = ? ORDER BY e.raised_at DESC, e.id`, caseID)
	if err != nil {
		return nil, internal("read escalations", err)
	}
	defer rows.Close()
	var out []*vigil.Escalation
	for rows.Next() {
		e, err := scanEscalation(rows, s.rules.Ladder)
		if err != nil {
			return nil, internal("read escalations", err)
		}
		out = append(out, e)
	}
	return out, rows.Err()
}
