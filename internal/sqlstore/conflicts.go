package sqlstore

import (
	"context"
	"fmt"

	"github.com/vigil-project/vigil"
	"github.com/vigil-project/vigil/internal/ledger"
)

// DeclareConflict records a conflict of interest: the person's own
// declaration, or one recorded by someone whose grant reaches them (an
// administrator or manager of their agency), for instance when a conflict
// that was never declared comes to light. Returns EINVALID, EFORBIDDEN,
// ENOTFOUND.
func (s *Store) DeclareConflict(ctx context.Context, actor vigil.Actor, n vigil.NewConflict) (*vigil.Conflict, error) {
	if actor.User == nil {
		return nil, vigil.Errorf(vigil.EUNAUTHORIZED, "Sign in to declare a conflict of interest")
	}
	if err := n.Validate(); err != nil {
		return nil, err
	}
	c := &vigil.Conflict{ID: vigil.NewID(), UserID: n.UserID, Kind: n.Kind, Value: n.Value, Reason: n.Reason,
		RecordedBy: actor.ID, SelfDeclared: n.UserID == actor.ID}
	err := s.write(ctx, func(tx *ledger.Tx) error {
		u, err := s.scanUser(tx.QueryRow(`SELECT `+userColumns+` FROM users u WHERE u.id = ?`, n.UserID))
		if err != nil {
			return err
		}
		if !c.SelfDeclared && !vigil.Can(actor.User, vigil.ActConflictRecord, vigil.Target{Agency: u.AgencyID}) {
			return forbidden("Only the person themselves, or an administrator or manager of their agency, can record their conflicts of interest.")
		}
		c.CreatedAt = tx.Now()
		who := string(actor.ID)
		if err := tx.Save("conflict.recorded", who, "conflicts",
			`INSERT INTO conflicts (id, version, user_id, kind, value, reason, recorded_by, self_declared, created_at) VALUES (?, 1, ?, ?, ?, ?, ?, ?, ?)`,
			c.ID, c.UserID, c.Kind, c.Value, c.Reason, who, boolInt(c.SelfDeclared), micros(c.CreatedAt)); err != nil {
			return err
		}
		if n.Kind == vigil.ConflictCase {
			var exists int
			if err := tx.QueryRow(`SELECT COUNT(*) FROM cases WHERE id = ?`, n.Value).Scan(&exists); err != nil {
				return err
			}
			if exists == 0 {
				return fieldErr("value", "There is no case with that id")
			}
			return addEvent(tx, who, vigil.ID(n.Value), "conflict.recorded",
				fmt.Sprintf("Conflict of interest recorded for %s; they can no longer open this case", u.Name))
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	return c, nil
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
