package sqlstore

import (
	"context"
	"database/sql"
	"fmt"
	"strings"
	"time"

	"github.com/vigil-project/vigil"
	"github.com/vigil-project/vigil/internal/ledger"
)

// Action plans (vigil.ActionPlanService): recommendations become actions
// with owners, deadlines, evidence and status. Every change is a row and
// its log entry, and each action keeps a history in action_updates.

var _ vigil.ActionPlanService = (*Store)(nil)

// CreatePlan implements vigil.ActionPlanService.
func (s *Store) CreatePlan(ctx context.Context, actor vigil.Actor, n vigil.NewActionPlan) (*vigil.ActionPlan, error) {
	if !vigil.CanEditPlans(actor.User) {
		return nil, forbidden("Only the director, service managers, commissioners and the scrutiny panel enter action plans.")
	}
	if err := n.Validate(vigil.Now()); err != nil {
		return nil, err
	}
	p := &vigil.ActionPlan{ID: vigil.NewID(), Title: n.Title, Report: n.Report, ReportDate: n.ReportDate, Public: n.Public, CreatedBy: actor.ID, Version: 1}
	err := s.write(ctx, func(tx *ledger.Tx) error {
		p.CreatedAt = tx.Now()
		return tx.Save("plan.created", string(actor.ID), "action_plans",
			`INSERT INTO action_plans (id, version, title, report, report_date, public, created_by, created_at) VALUES (?, 1, ?, ?, ?, ?, ?, ?)`,
			p.ID, p.Title, p.Report, p.ReportDate, boolInt(p.Public), p.CreatedBy, micros(p.CreatedAt))
	})
	if err != nil {
		return nil, err
	}
	return p, nil
}

// AddRecommendation implements vigil.ActionPlanService.
func (s *Store) AddRecommendation(ctx context.Context, actor vigil.Actor, planID vigil.ID, n vigil.NewRecommendation) (*vigil.Recommendation, error) {
	if !vigil.CanEditPlans(actor.User) {
		return nil, forbidden("Only the director, service managers, commissioners and the scrutiny panel enter recommendations.")
	}
	if err := n.Validate(); err != nil {
		return nil, err
	}
	if !planID.Valid() {
		return nil, notFound("The action plan")
	}
	r := &vigil.Recommendation{ID: vigil.NewID(), PlanID: planID, Number: n.Number, Text: n.Text, AddedBy: actor.ID}
	err := s.write(ctx, func(tx *ledger.Tx) error {
		var x int
		if err := tx.QueryRow(`SELECT 1 FROM action_plans WHERE id = ?`, planID).Scan(&x); isNoRows(err) {
			return notFound("The action plan")
		} else if err != nil {
			return err
		}
		r.AddedAt = tx.Now()
		return tx.Save("plan.recommendation_added", string(actor.ID), "recommendations",
			`INSERT INTO recommendations (id, version, plan_id, seq, number, text, added_by, added_at)
			 VALUES (?, 1, ?, (SELECT COALESCE(MAX(seq), 0) + 1 FROM recommendations WHERE plan_id = ?), ?, ?, ?, ?)`,
			r.ID, planID, planID, r.Number, r.Text, r.AddedBy, micros(r.AddedAt))
	})
	if err != nil {
		return nil, err
	}
	return r, nil
}

// AddAction implements vigil.ActionPlanService.
func (s *Store) AddAction(ctx context.Context, actor vigil.Actor, recID vigil.ID, n vigil.NewPlanAction) (*vigil.PlanAction, error) {
	if !vigil.CanEditPlans(actor.User) {
		return nil, forbidden("Only the director, service managers, commissioners and the scrutiny panel agree actions.")
	}
	if err := n.Validate(vigil.Now()); err != nil {
		return nil, err
	}
	if !recID.Valid() {
		return nil, notFound("The recommendation")
	}
	a := &vigil.PlanAction{ID: vigil.NewID(), RecommendationID: recID, Title: n.Title, OwnerID: n.OwnerID, Due: n.Due,
		EvidenceNeeded: n.EvidenceNeeded, Status: vigil.ActionNotStarted, Version: 1}
	err := s.write(ctx, func(tx *ledger.Tx) error {
		if err := tx.QueryRow(`SELECT plan_id FROM recommendations WHERE id = ?`, recID).Scan(&a.PlanID); isNoRows(err) {
			return notFound("The recommendation")
		} else if err != nil {
			return err
		}
		owner, err := s.FindUser(tx.Context(), n.OwnerID)
		if err != nil || !vigil.CanOwnActions(owner) {
			return fieldErr("owner_id", "Choose an active member of staff who can carry the action out (not the scrutiny panel or an investigator)")
		}
		who := string(actor.ID)
		if err := tx.Save("action.agreed", who, "plan_actions",
			`INSERT INTO plan_actions (id, version, plan_id, recommendation_id, title, owner_id, due_at, evidence_needed, status, created_by, created_at)
			 VALUES (?, 1, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
			a.ID, a.PlanID, recID, a.Title, a.OwnerID, micros(a.Due), a.EvidenceNeeded, a.Status, who, micros(tx.Now())); err != nil {
			return err
		}
		return addUpdate(tx, who, a.ID, "action.agreed", fmt.Sprintf("Action agreed, owned by %s, due by %s. Evidence needed: %s",
			owner.Name, when(a.Due), a.EvidenceNeeded))
	})
	if err != nil {
		return nil, err
	}
	return a, nil
}

// addUpdate appends a line to an action's history.
func addUpdate(tx *ledger.Tx, actor string, actionID vigil.ID, kind, summary string) error {
	return tx.Save(kind, actor, "action_updates",
		`INSERT INTO action_updates (id, version, action_id, seq, at, actor_id, kind, summary)
		 VALUES (?, 1, ?, (SELECT COALESCE(MAX(seq), 0) + 1 FROM action_updates WHERE action_id = ?), ?, ?, ?, ?)`,
		vigil.NewID(), actionID, actionID, micros(tx.Now()), actor, kind, summary)
}

const actionColumns = `a.id, a.version, a.plan_id, a.recommendation_id, a.title, a.owner_id, a.due_at, a.evidence_needed, a.status,
	a.progress, a.evidence, a.done_at, a.done_by, a.signed_off_at, a.signed_off_by`

func scanAction(r scanner) (*vigil.PlanAction, error) {
	var a vigil.PlanAction
	var progress, evidence, doneBy, signedBy sql.NullString
	var due int64
	var done, signed sql.NullInt64
	if err := r.Scan(&a.ID, &a.Version, &a.PlanID, &a.RecommendationID, &a.Title, &a.OwnerID, &due, &a.EvidenceNeeded, &a.Status,
		&progress, &evidence, &done, &doneBy, &signed, &signedBy); err != nil {
		return nil, err
	}
	a.Due, a.Progress, a.Evidence, a.DoneBy, a.SignedOffBy = fromMicros(due), progress.String, evidence.String, vigil.ID(doneBy.String), vigil.ID(signedBy.String)
	if done.Valid {
		t := fromMicros(done.Int64)
		a.DoneAt = &t
	}
	if signed.Valid {
		t := fromMicros(signed.Int64)
		a.SignedOffAt = &t
	}
	return &a, nil
}

func (s *Store) actionIn(q querier, id vigil.ID) (*vigil.PlanAction, error) {
	if !id.Valid() {
		return nil, notFound("The action")
	}
	a, err := scanAction(q.QueryRow(`SELECT `+actionColumns+` FROM plan_actions a WHERE a.id = ?`, id))
	if isNoRows(err) {
		return nil, notFound("The action")
	}
	return a, err
}

// ReportProgress implements vigil.ActionPlanService.
func (s *Store) ReportProgress(ctx context.Context, actor vigil.Actor, id vigil.ID, n vigil.ActionProgress) error {
	if err := n.Validate(); err != nil {
		return err
	}
	return s.write(ctx, func(tx *ledger.Tx) error {
		a, err := s.actionIn(tx, id)
		if err != nil {
			return err
		}
		if !vigil.CanReportProgress(actor.User, a) {
			return forbidden("Only the action's owner, the director or a commissioner reports on it.")
		}
		switch a.Status {
		case vigil.ActionSignedOff:
			return vigil.Errorf(vigil.ECONFLICT, "This action has been signed off; nothing more can be reported on it.")
		case vigil.ActionDone:
			return vigil.Errorf(vigil.ECONFLICT, "This action is awaiting the scrutiny panel's sign-off. If it is returned, report on it again.")
		}
		who, now := string(actor.ID), tx.Now()
		if n.Status == vigil.ActionInProgress {
			if err := tx.Save("action.progress", who, "plan_actions",
				`UPDATE plan_actions SET status = ?, progress = ?, version = version + 1 WHERE id = ?`, n.Status, n.Note, id); err != nil {
				return err
			}
			return addUpdate(tx, who, id, "action.progress", "Progress: "+n.Note)
		}
		note := n.Note
		if note == "" {
			note = a.Progress
		}
		if err := tx.Save("action.done", who, "plan_actions",
			`UPDATE plan_actions SET status = ?, progress = ?, evidence = ?, done_at = ?, done_by = ?, version = version + 1 WHERE id = ?`,
			n.Status, null(note), n.Evidence, micros(now), who, id); err != nil {
			return err
		}
		if err := addUpdate(tx, who, id, "action.done", "Marked done, for the scrutiny panel to sign off. Evidence: "+n.Evidence); err != nil {
			return err
		}
		// Doing the work is the answer to its escalations.
		return s.resolveActionEscalations(tx, who, id, "Resolved: the action was marked done with evidence")
	})
}

// SignOff implements vigil.ActionPlanService.
func (s *Store) SignOff(ctx context.Context, actor vigil.Actor, id vigil.ID, accept bool, decision string) error {
	decision = strings.TrimSpace(decision)
	if err := vigil.CheckText("decision", "the panel's decision and its reasons", decision, vigil.MaxReasonLen, true); err != nil {
		return err
	}
	return s.write(ctx, func(tx *ledger.Tx) error {
		a, err := s.actionIn(tx, id)
		if err != nil {
			return err
		}
		if !vigil.CanSignOff(actor.User, a) {
			return forbidden("Only the scrutiny panel signs actions off.")
		}
		if a.Status != vigil.ActionDone {
			return vigil.Errorf(vigil.ECONFLICT, "Only an action marked done, with its evidence, can be signed off or returned.")
		}
		who, now := string(actor.ID), tx.Now()
		if accept {
			if err := tx.Save("action.signed_off", who, "plan_actions",
				`UPDATE plan_actions SET status = ?, signed_off_at = ?, signed_off_by = ?, signoff_decision = ?, version = version + 1 WHERE id = ?`,
				vigil.ActionSignedOff, micros(now), who, decision, id); err != nil {
				return err
			}
			return addUpdate(tx, who, id, "action.signed_off", "Signed off by the scrutiny panel: "+decision)
		}
		// Returned: the work goes on, and if its deadline has passed the
		// sweep escalates it again.
		if err := tx.Save("action.returned", who, "plan_actions",
			`UPDATE plan_actions SET status = ?, done_at = NULL, done_by = NULL, signoff_decision = ?, escalated_due = NULL, version = version + 1 WHERE id = ?`,
			vigil.ActionInProgress, decision, id); err != nil {
			return err
		}
		return addUpdate(tx, who, id, "action.returned", "Returned by the scrutiny panel, not signed off: "+decision)
	})
}

// Plans implements vigil.ActionPlanService.
func (s *Store) Plans(ctx context.Context, actor vigil.Actor) ([]*vigil.ActionPlan, error) {
	cond := ` WHERE public = 1`
	if seesAllPlans(actor.User) {
		cond = ``
	}
	rows, err := s.query(ctx, `SELECT id, version, title, report, report_date, public, created_by, created_at FROM action_plans`+cond+` ORDER BY report_date DESC, created_at DESC`)
	if err != nil {
		return nil, internal("list plans", err)
	}
	var out []*vigil.ActionPlan
	for rows.Next() {
		p, err := scanPlan(rows)
		if err != nil {
			rows.Close()
			return nil, internal("list plans", err)
		}
		out = append(out, p)
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return nil, internal("list plans", err)
	}
	for _, p := range out {
		if err := s.loadPlan(ctx, p); err != nil {
			return nil, err
		}
	}
	return out, nil
}

// seesAllPlans says whether u sees plans that are not public: staff who
// see statistics or edit plans, and anyone who owns an action.
func seesAllPlans(u *vigil.User) bool {
	return vigil.CanSeeStats(u) || vigil.CanEditPlans(u)
}

func scanPlan(r scanner) (*vigil.ActionPlan, error) {
	var p vigil.ActionPlan
	var public, created int64
	if err := r.Scan(&p.ID, &p.Version, &p.Title, &p.Report, &p.ReportDate, &public, &p.CreatedBy, &created); err != nil {
		return nil, err
	}
	p.Public, p.CreatedAt = public == 1, fromMicros(created)
	return &p, nil
}

// FindPlan implements vigil.ActionPlanService.
func (s *Store) FindPlan(ctx context.Context, actor vigil.Actor, id vigil.ID) (*vigil.ActionPlan, error) {
	if !id.Valid() {
		return nil, notFound("The action plan")
	}
	p, err := scanPlan(s.queryRow(ctx, `SELECT id, version, title, report, report_date, public, created_by, created_at FROM action_plans WHERE id = ?`, id))
	if isNoRows(err) {
		return nil, notFound("The action plan")
	} else if err != nil {
		return nil, internal("read plan", err)
	}
	if !p.Public && !seesAllPlans(actor.User) && !s.ownsActionIn(ctx, actor, id) {
		return nil, notFound("The action plan")
	}
	return p, s.loadPlan(ctx, p)
}

func (s *Store) ownsActionIn(ctx context.Context, actor vigil.Actor, planID vigil.ID) bool {
	if actor.User == nil {
		return false
	}
	var n int
	s.queryRow(ctx, `SELECT COUNT(*) FROM plan_actions WHERE plan_id = ? AND owner_id = ?`, planID, actor.ID).Scan(&n)
	return n > 0
}

// loadPlan reads a plan's recommendations, their actions, and each
// action's open escalation.
func (s *Store) loadPlan(ctx context.Context, p *vigil.ActionPlan) error {
	p.Recommendations = nil
	byID := map[vigil.ID]*vigil.Recommendation{}
	err := each(reader{s, ctx}, func(r scanner) error {
		var rec vigil.Recommendation
		var added int64
		if err := r.Scan(&rec.ID, &rec.Number, &rec.Text, &rec.AddedBy, &added); err != nil {
			return err
		}
		rec.PlanID, rec.AddedAt = p.ID, fromMicros(added)
		p.Recommendations = append(p.Recommendations, &rec)
		byID[rec.ID] = &rec
		return nil
	}, `SELECT id, number, text, added_by, added_at FROM recommendations WHERE plan_id = ? ORDER BY seq`, p.ID)
	if err != nil {
		return err
	}
	actions := map[vigil.ID]*vigil.PlanAction{}
	err = each(reader{s, ctx}, func(r scanner) error {
		a, err := scanAction(r)
		if err != nil {
			return err
		}
		if rec := byID[a.RecommendationID]; rec != nil {
			rec.Actions = append(rec.Actions, a)
			actions[a.ID] = a
		}
		return nil
	}, `SELECT `+actionColumns+` FROM plan_actions a WHERE a.plan_id = ? ORDER BY a.created_at, a.id`, p.ID)
	if err != nil {
		return err
	}
	return each(reader{s, ctx}, func(r scanner) error {
		e, err := scanActionEscalation(r)
		if err != nil {
			return err
		}
		if a := actions[e.ActionID]; a != nil {
			a.Escalation = e
		}
		return nil
	}, `SELECT `+actionEscalationColumns+` FROM action_escalations e JOIN plan_actions a ON a.id = e.action_id
		WHERE a.plan_id = ? AND e.status = 'open' ORDER BY e.raised_at`, p.ID)
}

// FindAction implements vigil.ActionPlanService.
func (s *Store) FindAction(ctx context.Context, actor vigil.Actor, id vigil.ID) (*vigil.ActionDetail, error) {
	if actor.User == nil {
		return nil, notFound("The action")
	}
	a, err := s.actionIn(reader{s, ctx}, id)
	if err != nil {
		return nil, err
	}
	if !seesAllPlans(actor.User) && a.OwnerID != actor.ID {
		return nil, notFound("The action")
	}
	d := &vigil.ActionDetail{PlanAction: *a}
	plan, err := scanPlan(s.queryRow(ctx, `SELECT id, version, title, report, report_date, public, created_by, created_at FROM action_plans WHERE id = ?`, a.PlanID))
	if err != nil {
		return nil, internal("read plan", err)
	}
	d.Plan = plan
	var rec vigil.Recommendation
	var added int64
	if err := s.queryRow(ctx, `SELECT id, number, text, added_by, added_at FROM recommendations WHERE id = ?`, a.RecommendationID).
		Scan(&rec.ID, &rec.Number, &rec.Text, &rec.AddedBy, &added); err != nil {
		return nil, internal("read recommendation", err)
	}
	rec.PlanID, rec.AddedAt = a.PlanID, fromMicros(added)
	d.Recommendation = &rec
	if owner, err := s.FindUser(ctx, a.OwnerID); err == nil {
		d.Owner = vigil.PersonOf(owner)
	}
	err = each(reader{s, ctx}, func(r scanner) error {
		e, err := scanActionEscalation(r)
		if err != nil {
			return err
		}
		d.Escalations = append(d.Escalations, e)
		if e.Status == vigil.EscalationOpen {
			d.Escalation = e
		}
		return nil
	}, `SELECT `+actionEscalationColumns+` FROM action_escalations e WHERE e.action_id = ? ORDER BY e.raised_at DESC, e.id`, id)
	if err != nil {
		return nil, err
	}
	err = each(reader{s, ctx}, func(r scanner) error {
		var u vigil.ActionUpdate
		var at int64
		if err := r.Scan(&u.ID, &at, &u.ActorID, &u.Kind, &u.Summary); err != nil {
			return err
		}
		u.At = fromMicros(at)
		d.History = append(d.History, &u)
		return nil
	}, `SELECT id, at, actor_id, kind, summary FROM action_updates WHERE action_id = ? ORDER BY seq`, id)
	if err != nil {
		return nil, err
	}
	return d, nil
}

const actionEscalationColumns = `e.id, e.action_id, e.level, e.holder_id, e.holder_role, e.reason, e.raised_at, e.respond_by, e.status,
	e.decision, e.resolved_by, e.resolved_at`

func scanActionEscalation(r scanner, extra ...any) (*vigil.ActionEscalation, error) {
	var e vigil.ActionEscalation
	var holder, decision, by sql.NullString
	var raised int64
	var respond, resolved sql.NullInt64
	if err := r.Scan(append([]any{&e.ID, &e.ActionID, &e.Level, &holder, &e.HolderRole, &e.Reason, &raised, &respond, &e.Status,
		&decision, &by, &resolved}, extra...)...); err != nil {
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
	if e.Level >= 1 && e.Level <= len(vigil.ActionLadder) {
		e.LevelName = vigil.ActionLadder[e.Level-1].Name
	}
	return &e, nil
}

// ActionEscalations implements vigil.ActionPlanService.
func (s *Store) ActionEscalations(ctx context.Context, actor vigil.Actor) ([]*vigil.ActionEscalationItem, error) {
	if actor.User == nil {
		return nil, vigil.Errorf(vigil.EUNAUTHORIZED, "Sign in to see escalations")
	}
	var out []*vigil.ActionEscalationItem
	err := each(reader{s, ctx}, func(r scanner) error {
		var title, plan string
		var due int64
		e, err := scanActionEscalation(r, &title, &plan, &due)
		if err != nil {
			return err
		}
		if vigil.CanResolveActionEscalation(actor.User, e) {
			out = append(out, &vigil.ActionEscalationItem{ActionEscalation: *e, ActionTitle: title, PlanTitle: plan, Due: fromMicros(due)})
		}
		return nil
	}, `SELECT `+actionEscalationColumns+`, a.title, p.title, a.due_at FROM action_escalations e JOIN plan_actions a ON a.id = e.action_id
		JOIN action_plans p ON p.id = a.plan_id WHERE e.status = 'open' ORDER BY e.raised_at LIMIT 2000`)
	return out, err
}

// ResolveActionEscalation implements vigil.ActionPlanService.
func (s *Store) ResolveActionEscalation(ctx context.Context, actor vigil.Actor, id vigil.ID, decision string, extendTo *time.Time) error {
	decision = strings.TrimSpace(decision)
	if err := vigil.CheckText("decision", "the decision that answers the escalation", decision, vigil.MaxReasonLen, true); err != nil {
		return err
	}
	if actor.User == nil || !id.Valid() {
		return notFound("The escalation")
	}
	return s.write(ctx, func(tx *ledger.Tx) error {
		e, err := scanActionEscalation(tx.QueryRow(`SELECT `+actionEscalationColumns+` FROM action_escalations e WHERE e.id = ?`, id))
		if isNoRows(err) {
			return notFound("The escalation")
		} else if err != nil {
			return err
		}
		if e.Status != vigil.EscalationOpen {
			return vigil.Errorf(vigil.ECONFLICT, "This escalation has already been answered")
		}
		if !vigil.CanResolveActionEscalation(actor.User, e) {
			return forbidden("Only the person holding this escalation, the director or independent oversight can answer it.")
		}
		a, err := s.actionIn(tx, e.ActionID)
		if err != nil {
			return err
		}
		who, now := string(actor.ID), tx.Now()
		if extendTo != nil {
			if actor.ID == a.OwnerID {
				return fieldErr("extend_to", "The action's owner cannot extend their own deadline; the director or independent oversight can")
			}
			if !extendTo.After(now) || extendTo.After(now.AddDate(2, 0, 0)) {
				return fieldErr("extend_to", "A new deadline must be in the future and within two years")
			}
			if err := tx.Save("action.extended", who, "plan_actions",
				`UPDATE plan_actions SET due_at = ?, version = version + 1 WHERE id = ?`, micros(*extendTo), a.ID); err != nil {
				return err
			}
			decision += " New deadline: " + when(*extendTo) + "."
		}
		if err := tx.Save("action_escalation.resolved", who, "action_escalations",
			`UPDATE action_escalations SET status = 'resolved', decision = ?, resolved_by = ?, resolved_at = ?, version = version + 1 WHERE id = ?`,
			decision, who, micros(now), id); err != nil {
			return err
		}
		return addUpdate(tx, who, a.ID, "action_escalation.resolved", fmt.Sprintf("Escalation answered at %s: %s", e.LevelName, decision))
	})
}

// resolveActionEscalations ends an action's open escalations with a decision.
func (s *Store) resolveActionEscalations(tx *ledger.Tx, actor string, actionID vigil.ID, decision string) error {
	ids, err := idsOf(tx, `SELECT id FROM action_escalations WHERE action_id = ? AND status = 'open'`, actionID)
	if err != nil {
		return err
	}
	for _, id := range ids {
		if err := tx.Save("action_escalation.resolved", actor, "action_escalations",
			`UPDATE action_escalations SET status = 'resolved', decision = ?, resolved_by = ?, resolved_at = ?, version = version + 1 WHERE id = ?`,
			decision, actor, micros(tx.Now()), id); err != nil {
			return err
		}
	}
	return nil
}
