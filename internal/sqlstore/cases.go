package sqlstore

import (
	"context"
	"database/sql"
	"fmt"
	"strings"

	"github.com/vigil-project/vigil"
	"github.com/vigil-project/vigil/internal/ledger"
)

// RaiseConcern implements vigil.CaseService.
func (s *Store) RaiseConcern(ctx context.Context, actor vigil.Actor, n vigil.NewConcern) (*vigil.Concern, *vigil.Case, error) {
	n.Normalize()
	if actor.User != nil {
		if !vigil.CanRaiseConcern(actor.User) {
			return nil, nil, vigil.Errorf(vigil.EFORBIDDEN, "Your role does not raise concerns. If a child is at risk, tell the intake team directly.")
		}
		n.Source = vigil.SourceProfessional
	} else if n.Source == vigil.SourceProfessional || n.Source == "" {
		n.Source = vigil.SourcePublic
	}
	if err := n.Validate(vigil.Now()); err != nil {
		return nil, nil, err
	}
	c := &vigil.Concern{ID: vigil.NewID(), Ref: vigil.NewReference("VC"), Source: n.Source, Child: n.Child,
		WhatHappened: n.WhatHappened, OthersInvolved: n.OthersInvolved, Reporter: n.Reporter}
	if actor.User != nil {
		c.RaisedBy, c.AgencyID = actor.User.ID, actor.User.AgencyID
		c.Reporter = vigil.Reporter{} // a professional is known by their account
	}
	cs := &vigil.Case{ID: vigil.NewID(), Ref: vigil.NewReference("CASE"), Status: vigil.CaseOpen, Child: n.Child}
	if cs.Child.Name == "" {
		cs.Child.Name = "Name not known"
	}
	who := string(actor.ID)
	// What the concern names, its child first, is recorded with it: a
	// concern is never on file without the mentions it was raised with.
	var named []vigil.Mention
	if m, ok := n.ChildMention(); ok {
		named = append(named, m)
	}
	named = append(named, n.Mentions...)
	for i := range named {
		m := &named[i]
		m.ID, m.ConcernID, m.CaseID, m.RecordedBy = vigil.NewID(), c.ID, cs.ID, actor.ID
		setMentionKeys(m)
		c.Mentions = append(c.Mentions, m)
	}
	err := s.write(ctx, func(tx *ledger.Tx) error {
		now := tx.Now()
		c.RecordedAt, c.ReceivedAt, cs.OpenedAt = now, n.ReceivedAt, now
		if c.ReceivedAt.IsZero() {
			c.ReceivedAt = now
		}
		// The intake team's duty manager owns every new case until it is
		// allocated: a concern is never without an accountable owner.
		err := tx.QueryRow(`SELECT t.id, t.agency_id, t.duty_manager_id FROM teams t JOIN users u ON u.id = t.duty_manager_id
			WHERE t.intake = 1 AND u.status = 'active' ORDER BY t.created_at, t.id LIMIT 1`).Scan(&cs.TeamID, &cs.AgencyID, &cs.OwnerID)
		if isNoRows(err) {
			return vigil.Errorf(vigil.EUNAVAILABLE, "No intake team with an active duty manager is set up, so the concern could not be recorded. If a child is in danger now, call 999.")
		} else if err != nil {
			return err
		}
		cs.Version = 1
		cs.Stage, cs.ReceivedAt = vigil.StageReferral, c.ReceivedAt
		if err := tx.Save("case.opened", who, "cases",
			`INSERT INTO cases (id, version, ref, status, stage, looked_after, received_at, child_name, child_dob, child_age, child_address,
			  agency_id, team_id, owner_id, opened_at)
			 VALUES (?, 1, ?, ?, ?, 0, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
			cs.ID, cs.Ref, cs.Status, cs.Stage, micros(cs.ReceivedAt), cs.Child.Name, null(cs.Child.DateOfBirth), nullInt(cs.Child.Age),
			null(cs.Child.Address), cs.AgencyID, cs.TeamID, cs.OwnerID, micros(now)); err != nil {
			return err
		}
		c.CaseID = cs.ID
		if err := tx.Save("concern.received", who, "concerns",
			`INSERT INTO concerns (id, version, ref, source, raised_by, agency_id, received_at, recorded_at, child_name, child_dob, child_age,
			  child_address, what_happened, others_involved, reporter_name, reporter_contact, reporter_relationship, case_id)
			 VALUES (?, 1, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
			c.ID, c.Ref, c.Source, null(c.RaisedBy), null(c.AgencyID), micros(c.ReceivedAt), micros(now), null(c.Child.Name),
			null(c.Child.DateOfBirth), nullInt(c.Child.Age), null(c.Child.Address), c.WhatHappened, null(c.OthersInvolved),
			null(c.Reporter.Name), null(c.Reporter.Contact), null(c.Reporter.Relationship), c.CaseID); err != nil {
			return err
		}
		for i, m := range c.Mentions {
			m.RecordedAt = now
			if err := insertMention(tx, "mention.recorded", who, m, i+1); err != nil {
				return err
			}
		}
		var owner string
		if err := tx.QueryRow(`SELECT name FROM users WHERE id = ?`, cs.OwnerID).Scan(&owner); err != nil {
			return err
		}
		if err := addEvent(tx, who, cs.ID, vigil.EventConcernReceived, fmt.Sprintf("Concern %s received from %s", c.Ref, sourceLabel(c.Source))); err != nil {
			return err
		}
		if err := addEvent(tx, who, cs.ID, vigil.EventCaseAssigned, fmt.Sprintf("Case opened and owned by %s, duty manager of the intake team", owner)); err != nil {
			return err
		}
		// The clock of the decision on the referral starts when the concern
		// was received, which may be before it was entered.
		return s.fire(tx, who, cs, []string{vigil.EvReferralReceived}, c.ReceivedAt, "", "")
	})
	if err != nil {
		return nil, nil, err
	}
	s.linkNewMentions(ctx, c.ID, c.Mentions)
	return c, cs, nil
}

func sourceLabel(s vigil.ConcernSource) string {
	switch s {
	case vigil.SourceProfessional:
		return "a professional"
	case vigil.SourceYoungPerson:
		return "a young person"
	}
	return "a member of the public"
}

// addEvent appends a line to a case's chronology.
func addEvent(tx *ledger.Tx, actor string, caseID vigil.ID, kind, summary string) error {
	return tx.Save(kind, actor, "case_events",
		`INSERT INTO case_events (id, version, case_id, seq, at, actor_id, kind, summary)
		 VALUES (?, 1, ?, (SELECT COALESCE(MAX(seq), 0) + 1 FROM case_events WHERE case_id = ?), ?, ?, ?, ?)`,
		vigil.NewID(), caseID, caseID, micros(tx.Now()), actor, kind, summary)
}

const caseColumns = `c.id, c.version, c.ref, c.status, c.stage, c.stage_before, c.looked_after, c.received_at, c.child_name, c.child_dob,
	c.child_age, c.child_address, c.agency_id, c.team_id, c.owner_id, c.opened_at`

type scanner interface{ Scan(...any) error }

func scanCase(r scanner, extra ...any) (*vigil.Case, error) {
	var c vigil.Case
	var dob, addr, before sql.NullString
	var age sql.NullInt64
	var opened, received, lookedAfter int64
	dest := []any{&c.ID, &c.Version, &c.Ref, &c.Status, &c.Stage, &before, &lookedAfter, &received, &c.Child.Name, &dob, &age, &addr,
		&c.AgencyID, &c.TeamID, &c.OwnerID, &opened}
	if err := r.Scan(append(dest, extra...)...); err != nil {
		return nil, err
	}
	c.Child.DateOfBirth, c.Child.Address, c.OpenedAt = dob.String, addr.String, fromMicros(opened)
	c.StageBefore, c.LookedAfter, c.ReceivedAt = vigil.Stage(before.String), lookedAfter == 1, fromMicros(received)
	if age.Valid {
		a := int(age.Int64)
		c.Child.Age = &a
	}
	return &c, nil
}

// FindCase implements vigil.CaseService.
func (s *Store) FindCase(ctx context.Context, actor vigil.Actor, id vigil.ID, purpose string) (*vigil.CaseDetail, error) {
	if !id.Valid() {
		return nil, notFound("The case")
	}
	c, err := scanCase(s.queryRow(ctx, `SELECT `+caseColumns+` FROM cases c WHERE c.id = ?`, id))
	if isNoRows(err) {
		return nil, notFound("The case")
	} else if err != nil {
		return nil, internal("read case", err)
	}
	t := vigil.Target{Case: c}
	if actor.User != nil {
		if t, err = s.access(reader{s, ctx}, actor.User, c); err != nil {
			return nil, internal("read case", err)
		}
	}
	if t.Conflict || !vigil.Can(actor.User, vigil.ActCaseView, t) {
		// The refusal is logged too: probing for cases leaves a trace.
		reason := "no access"
		if t.Conflict {
			reason = "conflict of interest"
		}
		if err := s.log.Append(ctx, "case.access_refused", string(actor.ID), "cases", string(id), map[string]string{"purpose": purpose, "reason": reason}); err != nil {
			return nil, err
		}
		if t.Conflict {
			return nil, errConflict
		}
		return nil, notFound("The case")
	}
	// The read is durable in the log before anything is shown.
	if err := s.logReads(ctx, actor.ID, "record.viewed", "cases", []vigil.ID{id}, purpose); err != nil {
		return nil, err
	}
	d := &vigil.CaseDetail{Case: *c}
	owner, err := s.FindUser(ctx, c.OwnerID)
	if err != nil {
		return nil, err
	}
	d.Owner = vigil.PersonOf(owner)
	if d.Team, err = s.findTeam(ctx, c.TeamID); err != nil {
		return nil, err
	}
	if d.Concerns, err = s.caseConcerns(ctx, id); err != nil {
		return nil, err
	}
	if err := s.concernMentions(ctx, id, d.Concerns); err != nil {
		return nil, err
	}
	if d.Events, err = s.caseEvents(ctx, id); err != nil {
		return nil, err
	}
	if err := s.loadCasework(ctx, d); err != nil {
		return nil, err
	}
	return d, nil
}

func (s *Store) findTeam(ctx context.Context, id vigil.ID) (*vigil.Team, error) {
	var t vigil.Team
	var duty sql.NullString
	var intake, created int64
	err := s.queryRow(ctx, `SELECT id, agency_id, name, intake, duty_manager_id, created_at FROM teams WHERE id = ?`, id).
		Scan(&t.ID, &t.AgencyID, &t.Name, &intake, &duty, &created)
	if isNoRows(err) {
		return nil, notFound("The team")
	} else if err != nil {
		return nil, internal("read team", err)
	}
	t.Intake, t.DutyManagerID, t.CreatedAt = intake == 1, vigil.ID(duty.String), fromMicros(created)
	return &t, nil
}

func (s *Store) caseConcerns(ctx context.Context, caseID vigil.ID) ([]*vigil.Concern, error) {
	return s.concernsOf(reader{s, ctx}, caseID)
}

// concernsOf reads the concerns of a case in q.
func (s *Store) concernsOf(q querier, caseID vigil.ID) ([]*vigil.Concern, error) {
	rows, err := q.Query(`SELECT id, ref, source, raised_by, agency_id, received_at, recorded_at, child_name, child_dob, child_age,
		child_address, what_happened, others_involved, reporter_name, reporter_contact, reporter_relationship, case_id
		FROM concerns WHERE case_id = ? ORDER BY received_at, id`, caseID)
	if err != nil {
		return nil, internal("read concerns", err)
	}
	defer rows.Close()
	var out []*vigil.Concern
	for rows.Next() {
		var c vigil.Concern
		var raisedBy, agency, name, dob, addr, others, rname, rcontact, rrel sql.NullString
		var age sql.NullInt64
		var received, recorded int64
		if err := rows.Scan(&c.ID, &c.Ref, &c.Source, &raisedBy, &agency, &received, &recorded, &name, &dob, &age, &addr,
			&c.WhatHappened, &others, &rname, &rcontact, &rrel, &c.CaseID); err != nil {
			return nil, internal("read concerns", err)
		}
		c.RaisedBy, c.AgencyID = vigil.ID(raisedBy.String), vigil.ID(agency.String)
		c.ReceivedAt, c.RecordedAt = fromMicros(received), fromMicros(recorded)
		c.Child = vigil.Child{Name: name.String, DateOfBirth: dob.String, Address: addr.String}
		if age.Valid {
			a := int(age.Int64)
			c.Child.Age = &a
		}
		c.OthersInvolved = others.String
		c.Reporter = vigil.Reporter{Name: rname.String, Contact: rcontact.String, Relationship: rrel.String}
		out = append(out, &c)
	}
	return out, rows.Err()
}

func (s *Store) caseEvents(ctx context.Context, caseID vigil.ID) ([]*vigil.CaseEvent, error) {
	rows, err := s.query(ctx, `SELECT id, case_id, at, actor_id, kind, summary FROM case_events WHERE case_id = ? ORDER BY seq`, caseID)
	if err != nil {
		return nil, internal("read chronology", err)
	}
	defer rows.Close()
	var out []*vigil.CaseEvent
	for rows.Next() {
		var e vigil.CaseEvent
		var at int64
		if err := rows.Scan(&e.ID, &e.CaseID, &at, &e.ActorID, &e.Kind, &e.Summary); err != nil {
			return nil, internal("read chronology", err)
		}
		e.At = fromMicros(at)
		out = append(out, &e)
	}
	return out, rows.Err()
}

// Cases implements vigil.CaseService.
func (s *Store) Cases(ctx context.Context, actor vigil.Actor, f vigil.CaseFilter) ([]*vigil.Case, error) {
	p, err := s.CasePage(ctx, actor, f)
	if err != nil {
		return nil, err
	}
	return p.Cases, nil
}

// CasePage implements vigil.CaseService.
func (s *Store) CasePage(ctx context.Context, actor vigil.Actor, f vigil.CaseFilter) (*vigil.CasePage, error) {
	if actor.User == nil {
		return nil, vigil.Errorf(vigil.EUNAUTHORIZED, "Sign in to see cases")
	}
	var where []string
	var args []any
	if f.OwnerID != "" {
		where, args = append(where, "c.owner_id = ?"), append(args, f.OwnerID)
	}
	if f.TeamID != "" {
		where, args = append(where, "c.team_id = ?"), append(args, f.TeamID)
	}
	if f.Status != "" {
		where, args = append(where, "c.status = ?"), append(args, f.Status)
	}
	scope, scopeArgs := caseScope(actor.User)
	where, args = append(where, scope), append(args, scopeArgs...)
	// Cases named in a conflict of interest are left out of every list;
	// conflicts with a person or an address are checked on each row below.
	where, args = append(where, "c.id NOT IN (SELECT value FROM conflicts WHERE user_id = ? AND kind = 'case')"), append(args, actor.ID)
	conflicts, err := s.conflictsOf(reader{s, ctx}, actor.ID)
	if err != nil {
		return nil, internal("list cases", err)
	}
	limit := f.Limit
	if limit <= 0 || limit > vigil.MaxCaseList {
		limit = vigil.MaxCaseList
	}
	offset := max(f.Offset, 0)
	// The next open deadline of each case, for work lists sorted by it.
	order := `c.opened_at, c.id`
	if f.ByDeadline {
		order = `CASE WHEN nd.due IS NULL THEN 1 ELSE 0 END, nd.due, c.opened_at, c.id`
	}
	rows, err := s.query(ctx, `SELECT `+caseColumns+`, nd.due, (SELECT MIN(d2.kind) FROM deadlines d2 WHERE d2.case_id = c.id AND d2.status = 'open' AND d2.due_at = nd.due)
		FROM cases c LEFT JOIN (SELECT case_id, MIN(due_at) AS due FROM deadlines WHERE status = 'open' GROUP BY case_id) nd ON nd.case_id = c.id
		WHERE `+strings.Join(where, " AND ")+fmt.Sprintf(` ORDER BY %s LIMIT %d OFFSET %d`, order, limit+1, offset), args...)
	if err != nil {
		return nil, internal("list cases", err)
	}
	var out []*vigil.Case
	defer rows.Close()
	for rows.Next() {
		var due sql.NullInt64
		var kind sql.NullString
		c, err := scanCase(rows, &due, &kind)
		if err != nil {
			return nil, internal("list cases", err)
		}
		if due.Valid {
			t := fromMicros(due.Int64)
			c.NextDue, c.NextDueKind = &t, kind.String
		}
		out = append(out, c)
	}
	if err := rows.Err(); err != nil {
		return nil, internal("list cases", err)
	}
	rows.Close()
	// One row more than the page says whether another page follows. Pages
	// are counted in rows before conflicts are left out below, so that
	// leaving a case out never shifts the next page.
	page := &vigil.CasePage{}
	if len(out) > limit {
		out, page.More, page.NextOffset = out[:limit], true, offset+limit
	}
	if len(conflicts) == 0 {
		page.Cases = out
		return page, s.logListed(ctx, actor, out, f.Purpose)
	}
	// Rare: the actor has conflicts with a person or an address, which may
	// be named in any concern of a case.
	kept := out[:0]
	for _, c := range out {
		concerns, err := s.concernsOf(reader{s, ctx}, c.ID)
		if err != nil {
			return nil, err
		}
		if !vigil.ConflictsWith(conflicts, c, concerns) {
			kept = append(kept, c)
		}
	}
	page.Cases = kept
	return page, s.logListed(ctx, actor, kept, f.Purpose)
}

// logListed logs that each case of a list was seen: a list shows names.
func (s *Store) logListed(ctx context.Context, actor vigil.Actor, cases []*vigil.Case, purpose string) error {
	if purpose == "" {
		purpose = "list"
	}
	ids := make([]vigil.ID, len(cases))
	for i, c := range cases {
		ids[i] = c.ID
	}
	return s.logReads(ctx, actor.ID, "record.listed", "cases", ids, purpose)
}

// caseScope is vigil.CanViewCase as a SQL condition on cases c, so that a
// list is limited to what the actor may see before LIMIT applies. It reads
// the reach of the actor's case.view grant from the same policy as
// vigil.Can (vigil.Permissions, which a deployment's grants file changes
// per agency), and follows Can's cases: the owner and those involved at
// any reach, then the team, the agency, or every case. The case page still
// asks vigil.CanViewCase itself; TestCaseScopeMatchesAccess and
// TestAgencyGrants keep the two in step.
func caseScope(u *vigil.User) (string, []any) {
	if u.Status != vigil.UserActive {
		return "1 = 0", nil
	}
	scope := vigil.Permissions.ScopeOf(u, vigil.ActCaseView)
	switch scope {
	case vigil.ScopeNone:
		return "1 = 0", nil
	case vigil.ScopeAll:
		return "1 = 1", nil
	}
	// Involved as in (*Store).involved: raised one of its concerns, or the
	// case was referred to their agency (administrators excepted).
	cond := "(c.owner_id = ? OR c.id IN (SELECT case_id FROM concerns WHERE raised_by = ?)"
	args := []any{u.ID, u.ID}
	if u.Role != vigil.RoleAdministrator {
		cond += " OR c.id IN (SELECT case_id FROM agency_referrals WHERE to_agency = ?)"
		args = append(args, u.AgencyID)
	}
	if scope >= vigil.ScopeTeam && u.TeamID != "" {
		cond += " OR c.team_id = ?"
		args = append(args, u.TeamID)
	}
	if scope >= vigil.ScopeAgency {
		cond += " OR c.agency_id = ?"
		args = append(args, u.AgencyID)
	}
	return cond + ")", args
}
