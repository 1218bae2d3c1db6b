package sqlstore

import (
	"context"
	"database/sql"
	"encoding/json"
	"fmt"
	"strings"
	"time"

	"github.com/vigil-project/vigil"
	"github.com/vigil-project/vigil/internal/ledger"
)

// caseFor reads a case in q and checks that actor may see it; it returns
// ENOTFOUND when the case does not exist or is hidden from the actor, and
// whether the actor raised one of its concerns.
func (s *Store) caseFor(q querier, actor vigil.Actor, id vigil.ID) (*vigil.Case, bool, error) {
	if actor.User == nil {
		return nil, false, vigil.Errorf(vigil.EUNAUTHORIZED, "Sign in to work on cases")
	}
	if !id.Valid() {
		return nil, false, notFound("The case")
	}
	c, err := scanCase(q.QueryRow(`SELECT `+caseColumns+` FROM cases c WHERE c.id = ?`, id))
	if isNoRows(err) {
		return nil, false, notFound("The case")
	} else if err != nil {
		return nil, false, err
	}
	t, err := s.access(q, actor.User, c)
	if err != nil {
		return nil, false, err
	}
	if t.Conflict {
		return nil, false, &refusal{err: errConflict, actor: actor.ID, caseID: c.ID, reason: "conflict of interest"}
	}
	if !vigil.Can(actor.User, vigil.ActCaseView, t) {
		return nil, false, &refusal{err: notFound("The case"), actor: actor.ID, caseID: c.ID, reason: "no access"}
	}
	return c, t.Involved, nil
}

// involved reports whether u is involved in a case through their own work:
// they raised one of its concerns, or it was referred to their agency (and
// they are not an administrator, who runs the system but does no casework).
func (s *Store) involved(q querier, u *vigil.User, caseID vigil.ID) (bool, error) {
	var n int
	err := q.QueryRow(`SELECT (SELECT COUNT(*) FROM concerns WHERE case_id = ? AND raised_by = ?)
		+ (SELECT COUNT(*) FROM agency_referrals WHERE case_id = ? AND to_agency = ? AND ? <> 'administrator')`,
		caseID, u.ID, caseID, u.AgencyID, u.Role).Scan(&n)
	return n > 0, err
}

// mustBeOpen refuses work on a closed case.
func mustBeOpen(c *vigil.Case) error {
	if c.Status != vigil.CaseOpen {
		return vigil.Errorf(vigil.EINVALID, "Case %s is closed. If there is a new concern about the child, raise it and a new case will open.", c.Ref)
	}
	return nil
}

// caseState is what vigil.Decide needs to know of c.
func (s *Store) caseState(tx *ledger.Tx, c *vigil.Case) (vigil.CaseState, error) {
	st := vigil.CaseState{Stage: c.Stage, LookedAfter: c.LookedAfter, StageBefore: c.StageBefore, OpenClocks: map[string]bool{}}
	open, err := s.openDeadlines(tx, c.ID)
	if err != nil {
		return st, err
	}
	for _, d := range open {
		st.OpenClocks[d.Kind] = true
	}
	st.AssessmentDue = st.OpenClocks["assessment"]
	return st, nil
}

var forbidden = func(msg string) error { return vigil.Errorf(vigil.EFORBIDDEN, "%s", msg) }

// RecordDecision implements vigil.CaseworkService.
func (s *Store) RecordDecision(ctx context.Context, actor vigil.Actor, caseID vigil.ID, n vigil.NewDecision) (*vigil.Decision, error) {
	if err := n.Validate(vigil.Now()); err != nil {
		return nil, err
	}
	var d *vigil.Decision
	err := s.write(ctx, func(tx *ledger.Tx) error {
		c, raised, err := s.caseFor(tx, actor, caseID)
		if err != nil {
			return err
		}
		u := actor.User
		state, err := s.caseState(tx, c)
		if err != nil {
			return err
		}
		step, to, err := vigil.Decide(state, n.Kind, n.Outcome)
		if err != nil {
			return err
		}
		if n.Kind == vigil.DecideCloseApproval {
			var asker string
			err := tx.QueryRow(`SELECT decided_by FROM decisions WHERE case_id = ? AND kind = ? ORDER BY recorded_at DESC, id LIMIT 1`,
				c.ID, vigil.DecideCloseRequest).Scan(&asker)
			if err != nil && !isNoRows(err) {
				return err
			}
			if !vigil.CanApproveClosure(u, c, vigil.ID(asker)) {
				return forbidden("Closure needs the approval of a manager of the case's agency other than the person who asked for it.")
			}
		} else if !vigil.CanDecide(u, c, raised) {
			return forbidden("Your role cannot record this decision on this case.")
		}
		at := n.At
		if at.IsZero() {
			at = tx.Now()
		}
		// A decision cannot be dated before the case's concern arrived or
		// before the last decision: backdating must not hide lateness.
		var last sql.NullInt64
		if err := tx.QueryRow(`SELECT MAX(at) FROM decisions WHERE case_id = ?`, c.ID).Scan(&last); err != nil {
			return err
		}
		floor := c.ReceivedAt
		if last.Valid && fromMicros(last.Int64).After(floor) {
			floor = fromMicros(last.Int64)
		}
		if at.Before(floor) {
			return fieldErr("at", "The decision cannot be dated before "+when(floor)+", when the concern arrived or the previous decision was taken")
		}
		d = &vigil.Decision{ID: vigil.NewID(), CaseID: c.ID, Kind: n.Kind, Outcome: n.Outcome, Label: step.Label, Reason: n.Reason,
			LateReason: n.LateReason, At: at, DecidedBy: u.ID, FromStage: c.Stage, ToStage: to}
		if err := tx.Save("decision.recorded", string(u.ID), "decisions",
			`INSERT INTO decisions (id, version, case_id, kind, outcome, reason, late_reason, at, decided_by, from_stage, to_stage, recorded_at)
			 VALUES (?, 1, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
			d.ID, c.ID, d.Kind, d.Outcome, d.Reason, null(d.LateReason), micros(at), u.ID, d.FromStage, d.ToStage, micros(tx.Now())); err != nil {
			return err
		}
		lookedAfter := c.LookedAfter
		switch n.Kind {
		case vigil.DecideLookedAfterStart:
			lookedAfter = true
		case vigil.DecideLookedAfterEnd:
			lookedAfter = false
		}
		before := c.StageBefore
		if n.Kind == vigil.DecideCloseRequest {
			before = c.Stage
		}
		status := vigil.CaseOpen
		if to == vigil.StageClosed {
			status = vigil.CaseClosed
		}
		if err := tx.Save("case.stage_changed", string(u.ID), "cases",
			`UPDATE cases SET stage = ?, stage_before = ?, status = ?, looked_after = ?, version = version + 1 WHERE id = ?`,
			to, null(before), status, boolInt(lookedAfter), c.ID); err != nil {
			return err
		}
		summary := fmt.Sprintf("Decision: %s. Reason: %s", step.Label, d.Reason)
		if to != c.Stage {
			summary += fmt.Sprintf(" (stage: %s)", vigil.StageLabels[to])
		}
		if err := addEvent(tx, string(u.ID), c.ID, "decision."+n.Kind, summary); err != nil {
			return err
		}
		return s.fire(tx, string(u.ID), c, step.Events, at, "", n.LateReason)
	})
	if err != nil {
		return nil, err
	}
	return d, nil
}

// RecordMissing implements vigil.CaseworkService.
func (s *Store) RecordMissing(ctx context.Context, actor vigil.Actor, caseID vigil.ID, from time.Time, details string) (*vigil.MissingEpisode, error) {
	details = strings.TrimSpace(details)
	var v vigil.Validation
	now := vigil.Now()
	if from.IsZero() || from.After(now.Add(5*time.Minute)) || from.Before(now.AddDate(-1, 0, 0)) {
		v.Add("missing_from", "Enter when the child went missing: a time within the last year, not in the future")
	}
	if vigil.CheckText("details", "x", details, vigil.MaxReasonLen, true) != nil {
		v.Add("details", "Describe the episode: who reported it, where the child was last seen (at most %d characters)", vigil.MaxReasonLen)
	}
	if err := v.Err(); err != nil {
		return nil, err
	}
	ep := &vigil.MissingEpisode{ID: vigil.NewID(), CaseID: caseID, MissingFrom: from, Details: details}
	err := s.write(ctx, func(tx *ledger.Tx) error {
		c, raised, err := s.caseFor(tx, actor, caseID)
		if err != nil {
			return err
		}
		if !vigil.CanRecordMissing(actor.User, c, raised) {
			return forbidden("Your role cannot record missing episodes on this case.")
		}
		if err := mustBeOpen(c); err != nil {
			return err
		}
		ep.RecordedBy = actor.ID
		who := string(actor.ID)
		if err := tx.Save("missing.recorded", who, "missing_episodes",
			`INSERT INTO missing_episodes (id, version, case_id, missing_from, details, recorded_by) VALUES (?, 1, ?, ?, ?, ?)`,
			ep.ID, c.ID, micros(from), details, who); err != nil {
			return err
		}
		if err := addEvent(tx, who, c.ID, "missing.recorded", "Missing from "+when(from)+": "+details); err != nil {
			return err
		}
		// Repeated missing episodes start a strategy discussion (MISSION R3),
		// in any window of the pattern's days that holds the new episode.
		p := s.rules.Missing
		rows, err := tx.Query(`SELECT missing_from FROM missing_episodes WHERE case_id = ? AND missing_from > ? AND missing_from < ?`,
			c.ID, micros(from.AddDate(0, 0, -p.Days)), micros(from.AddDate(0, 0, p.Days)))
		if err != nil {
			return err
		}
		var starts []time.Time
		for rows.Next() {
			var at int64
			if err := rows.Scan(&at); err != nil {
				rows.Close()
				return err
			}
			starts = append(starts, fromMicros(at))
		}
		rows.Close()
		if err := rows.Err(); err != nil {
			return err
		}
		if n, met := p.Met(starts, fromMicros(micros(from))); met {
			if err := addEvent(tx, who, c.ID, "missing.pattern",
				fmt.Sprintf("%d missing episodes within %d days: a strategy discussion is needed", n, p.Days)); err != nil {
				return err
			}
			return s.fire(tx, who, c, []string{vigil.EvStrategyNeeded}, tx.Now(), "", "")
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	return ep, nil
}

// RecordReturn implements vigil.CaseworkService.
func (s *Store) RecordReturn(ctx context.Context, actor vigil.Actor, episodeID vigil.ID, at time.Time) error {
	if !episodeID.Valid() {
		return notFound("The missing episode")
	}
	return s.write(ctx, func(tx *ledger.Tx) error {
		var caseID vigil.ID
		var from int64
		var returned sql.NullInt64
		err := tx.QueryRow(`SELECT case_id, missing_from, returned_at FROM missing_episodes WHERE id = ?`, episodeID).Scan(&caseID, &from, &returned)
		if isNoRows(err) {
			return notFound("The missing episode")
		} else if err != nil {
			return err
		}
		c, raised, err := s.caseFor(tx, actor, caseID)
		if err != nil {
			return err
		}
		if !vigil.CanRecordMissing(actor.User, c, raised) {
			return forbidden("Your role cannot record missing episodes on this case.")
		}
		if err := mustBeOpen(c); err != nil {
			return err
		}
		switch {
		case returned.Valid:
			return vigil.Errorf(vigil.ECONFLICT, "The child's return from this episode is already recorded")
		case at.Before(fromMicros(from)) || at.After(vigil.Now().Add(5*time.Minute)):
			return &vigil.Error{Code: vigil.EINVALID, Message: "The return must be after the child went missing and not in the future",
				Fields: []vigil.FieldError{{Field: "returned_at", Message: "The return must be after the child went missing and not in the future"}}}
		}
		who := string(actor.ID)
		if err := tx.Save("missing.returned", who, "missing_episodes",
			`UPDATE missing_episodes SET returned_at = ?, version = version + 1 WHERE id = ?`, micros(at), episodeID); err != nil {
			return err
		}
		if err := addEvent(tx, who, c.ID, "missing.returned", "Returned "+when(at)); err != nil {
			return err
		}
		return s.fire(tx, who, c, []string{vigil.EvMissingReturned}, at, episodeID, "")
	})
}

// RecordScreening implements vigil.CaseworkService.
func (s *Store) RecordScreening(ctx context.Context, actor vigil.Actor, caseID vigil.ID, n vigil.NewScreening) (*vigil.Screening, error) {
	n.Notes = strings.TrimSpace(n.Notes)
	if err := n.Validate(); err != nil {
		return nil, err
	}
	sc := &vigil.Screening{ID: vigil.NewID(), CaseID: caseID, Scores: n.Scores, Notes: n.Notes, By: actor.ID}
	scores, err := json.Marshal(n.Scores) // map keys are sorted: a canonical encoding
	if err != nil {
		return nil, err
	}
	err = s.write(ctx, func(tx *ledger.Tx) error {
		c, raised, err := s.caseFor(tx, actor, caseID)
		if err != nil {
			return err
		}
		if !vigil.CanScreen(actor.User, c, raised) {
			return forbidden("Your role cannot record a screening on this case.")
		}
		if err := mustBeOpen(c); err != nil {
			return err
		}
		sc.At = tx.Now()
		sc.Level = vigil.ScreeningLevel(c.Child.AgeAt(sc.At), n.Scores)
		who := string(actor.ID)
		if err := tx.Save("screening.recorded", who, "screenings",
			`INSERT INTO screenings (id, version, case_id, scores, level, notes, by_id, at) VALUES (?, 1, ?, ?, ?, ?, ?, ?)`,
			sc.ID, c.ID, string(scores), sc.Level, sc.Notes, who, micros(sc.At)); err != nil {
			return err
		}
		return addEvent(tx, who, c.ID, "screening.recorded", fmt.Sprintf("CSE screening: %s risk (%d indicators)", sc.Level, len(n.Scores)))
	})
	if err != nil {
		return nil, err
	}
	return sc, nil
}
