package sqlstore

import (
	"context"
	"encoding/json"
	"fmt"

	"github.com/vigil-project/vigil"
	"github.com/vigil-project/vigil/internal/ledger"
)

// DeclareConflict records a conflict of interest: the person's own
// declaration, or one recorded by someone whose grant reaches them (an
// administrator or manager of their agency), for instance when a conflict
// that was never declared comes to light. A record made by someone else
// closes cases to a person, so while their agency is under intervention it
// is an administrative change like the others (see modeFor): a
// commissioner makes it at once, the agency's own staff only ask, and a
// commissioner's approval makes it (DecideAdminRequest). A person's own
// declaration is never held back. Returns EINVALID, EFORBIDDEN, ENOTFOUND.
func (s *Store) DeclareConflict(ctx context.Context, actor vigil.Actor, n vigil.NewConflict) (*vigil.ConflictOutcome, error) {
	if actor.User == nil {
		return nil, vigil.Errorf(vigil.EUNAUTHORIZED, "Sign in to declare a conflict of interest")
	}
	if err := n.Validate(); err != nil {
		return nil, err
	}
	change := vigil.AdminChange{Action: vigil.AdminRecordConflict, UserID: n.UserID, Reason: n.Reason,
		Conflict: vigil.NewConflict{Kind: n.Kind, Value: n.Value}}
	details, err := json.Marshal(changeDetails(change))
	if err != nil {
		return nil, err
	}
	out := &vigil.ConflictOutcome{}
	err = s.write(ctx, func(tx *ledger.Tx) error {
		out.Conflict, out.Request = nil, nil // the function may run again if another write in its batch fails
		u, err := s.scanUser(tx.QueryRow(`SELECT `+userColumns+` FROM users u WHERE u.id = ?`, n.UserID))
		if err != nil {
			return err
		}
		who := string(actor.ID)
		if n.UserID == actor.ID {
			out.Conflict, err = s.recordConflict(tx, who, u, n)
			return err
		}
		mode, in, err := conflictModeFor(tx, actor.User, u.AgencyID)
		if err != nil {
			return err
		}
		if mode == adminRefused {
			return forbidden("Only the person themselves, or an administrator or manager of their agency, can record their conflicts of interest.")
		}
		rec := &vigil.AdminRecord{ID: vigil.NewID(), AgencyID: u.AgencyID, Action: vigil.AdminRecordConflict, UserID: u.ID,
			UserName: u.Name, Details: changeDetails(change).summary(), Reason: n.Reason, RequestedBy: actor.ID,
			RequestedByName: actor.User.Name, RequestedAt: tx.Now(), Status: vigil.AdminDone}
		if mode == adminRequest {
			if err := precheck(tx, change, u); err != nil {
				return err
			}
			rec.InterventionID, rec.Status = in.ID, vigil.AdminPending
			out.Request = rec
			return s.insertAdminRecord(tx, rec, details, "")
		}
		if out.Conflict, err = s.recordConflict(tx, who, u, n); err != nil {
			return err
		}
		if in == nil {
			return nil
		}
		// A commissioner's change during an intervention is on the agency's
		// administration record beside the requests they decide.
		rec.InterventionID = in.ID
		return s.insertAdminRecord(tx, rec, details, "")
	})
	if err != nil {
		return nil, err
	}
	return out, nil
}

// conflictModeFor decides how u may record a conflict for someone of
// agency, as modeFor does for the agency's other administration: a
// commissioner acts at once on an agency under intervention; otherwise the
// conflict.record grant is needed, and under intervention it only asks.
func conflictModeFor(q querier, u *vigil.User, agency vigil.ID) (adminMode, *vigil.Intervention, error) {
	in, err := interventionInForce(q, agency)
	if err != nil {
		return adminRefused, nil, err
	}
	if in != nil && u.Role == vigil.RoleCommissioner {
		if ok, err := isIntervener(q, u); err != nil || ok {
			return adminDirect, in, err
		}
	}
	switch {
	case !vigil.Can(u, vigil.ActConflictRecord, vigil.Target{Agency: agency}):
		return adminRefused, in, nil
	case in != nil:
		return adminRequest, in, nil
	}
	return adminDirect, nil, nil
}

// recordConflict records conflict n of person u, for actor who, in tx:
// the conflict's row, and for a conflict with a case, the case's
// chronology. It is the one place a conflict is made, whether declared,
// recorded at once, or approved by a commissioner.
func (s *Store) recordConflict(tx *ledger.Tx, who string, u *vigil.User, n vigil.NewConflict) (*vigil.Conflict, error) {
	c := &vigil.Conflict{ID: vigil.NewID(), UserID: u.ID, Kind: n.Kind, Value: n.Value, Reason: n.Reason,
		RecordedBy: vigil.ID(who), SelfDeclared: u.ID == vigil.ID(who), CreatedAt: tx.Now()}
	if err := tx.Save("conflict.recorded", who, "conflicts",
		`INSERT INTO conflicts (id, version, user_id, kind, value, reason, recorded_by, self_declared, created_at) VALUES (?, 1, ?, ?, ?, ?, ?, ?, ?)`,
		c.ID, c.UserID, c.Kind, c.Value, c.Reason, who, boolInt(c.SelfDeclared), micros(c.CreatedAt)); err != nil {
		return nil, err
	}
	if n.Kind != vigil.ConflictCase {
		return c, nil
	}
	if err := caseExists(tx, n.Value); err != nil {
		return nil, err
	}
	return c, addEvent(tx, who, vigil.ID(n.Value), "conflict.recorded",
		fmt.Sprintf("Conflict of interest recorded for %s; they can no longer open this case", u.Name))
}

// caseExists refuses a conflict with a case id nobody has.
func caseExists(q querier, id string) error {
	var exists int
	if err := q.QueryRow(`SELECT COUNT(*) FROM cases WHERE id = ?`, id).Scan(&exists); err != nil {
		return err
	}
	if exists == 0 {
		return fieldErr("value", "There is no case with that id")
	}
	return nil
}

// Conflicts returns a person's conflicts of interest. The person, those who
// may record conflicts for them, and investigators may call it.
func (s *Store) Conflicts(ctx context.Context, actor vigil.Actor, userID vigil.ID) ([]*vigil.Conflict, error) {
	if actor.User == nil {
		return nil, vigil.Errorf(vigil.EUNAUTHORIZED, "Sign in to see conflicts of interest")
	}
	u, err := s.FindUser(ctx, userID)
	if err != nil {
		return nil, err
	}
	if actor.ID != userID && !vigil.Can(actor.User, vigil.ActConflictRecord, vigil.Target{Agency: u.AgencyID}) &&
		!vigil.Can(actor.User, vigil.ActTimelineView, vigil.Target{}) {
		return nil, notFound("The person")
	}
	return s.conflictsOf(reader{s, ctx}, userID)
}

func (s *Store) conflictsOf(q querier, userID vigil.ID) ([]*vigil.Conflict, error) {
	var out []*vigil.Conflict
	err := each(q, func(r scanner) error {
		var c vigil.Conflict
		var self, created int64
		if err := r.Scan(&c.ID, &c.UserID, &c.Kind, &c.Value, &c.Reason, &c.RecordedBy, &self, &created); err != nil {
			return err
		}
		c.SelfDeclared, c.CreatedAt = self == 1, fromMicros(created)
		out = append(out, &c)
		return nil
	}, `SELECT id, user_id, kind, value, reason, recorded_by, self_declared, created_at FROM conflicts WHERE user_id = ? ORDER BY created_at, id`, userID)
	return out, err
}

// access works out the parts of vigil.Target for u and case c that need
// the database: whether u is involved in the case, and whether a conflict
// of interest of u's touches it.
func (s *Store) access(q querier, u *vigil.User, c *vigil.Case) (vigil.Target, error) {
	t := vigil.Target{Case: c}
	var err error
	if t.Involved, err = s.involved(q, u, c.ID); err != nil {
		return t, err
	}
	conflicts, err := s.conflictsOf(q, u.ID)
	if err != nil || len(conflicts) == 0 {
		return t, err
	}
	concerns, err := s.concernsOf(q, c.ID)
	if err != nil {
		return t, err
	}
	t.Conflict = vigil.ConflictsWith(conflicts, c, concerns)
	return t, nil
}

var errConflict = vigil.Errorf(vigil.EFORBIDDEN, "You cannot open this case: a conflict of interest of yours is recorded against it. Ask your manager to allocate it to someone else.")
