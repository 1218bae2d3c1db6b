package sqlstore

import (
	"context"
	"slices"

	"github.com/vigil-project/vigil"
	"github.com/vigil-project/vigil/internal/ledger"
)

// caseGate puts views that span cases (an entity, a network, the link
// review queue, work lists, a child's timeline) through the same decision
// as the case page: for each case behind an item, vigil.Can with the
// actor's involvement and conflicts of interest. Each case is decided
// once per view, and the actor's conflicts are read once, so that a view
// of many cases by someone with no conflict and an all-cases grant costs
// no query per case.
type caseGate struct {
	s         *Store
	ctx       context.Context
	actor     vigil.Actor
	action    vigil.Action
	scope     vigil.Scope
	conflicts []*vigil.Conflict
	decided   map[vigil.ID]gateAnswer
}

// gateAnswer is the decision on one case.
type gateAnswer struct {
	Allowed  bool
	Conflict bool // refused for a conflict of interest of the actor's
	Case     *vigil.Case
}

// gate returns a gate deciding action a for actor, who must be signed in.
func (s *Store) gate(ctx context.Context, actor vigil.Actor, a vigil.Action) (*caseGate, error) {
	g := &caseGate{s: s, ctx: ctx, actor: actor, action: a, decided: map[vigil.ID]gateAnswer{}}
	if actor.User == nil {
		return g, nil
	}
	g.scope = vigil.Permissions.ScopeOf(actor.User, a)
	var err error
	if g.conflicts, err = s.conflictsOf(reader{s, ctx}, actor.ID); err != nil {
		return nil, internal("read conflicts", err)
	}
	return g, nil
}

// decide answers for case id. involved says that the view itself involves
// the actor in the case (the case is offered to them; they hold its
// escalation), as Target.Involved.
func (g *caseGate) decide(id vigil.ID, involved bool) (gateAnswer, error) {
	if a, ok := g.decided[id]; ok && (a.Allowed || !involved) {
		return a, nil
	}
	if g.open() {
		// Every case, and no conflict to look for: Can needs nothing of
		// the case but that it is one.
		a := gateAnswer{Allowed: vigil.Can(g.actor.User, g.action, vigil.Target{Case: &vigil.Case{ID: id}, Involved: involved})}
		g.decided[id] = a
		return a, nil
	}
	q := reader{g.s, g.ctx}
	c, err := scanCase(q.QueryRow(`SELECT `+caseColumns+` FROM cases c WHERE c.id = ?`, id))
	if isNoRows(err) {
		g.decided[id] = gateAnswer{}
		return gateAnswer{}, nil
	} else if err != nil {
		return gateAnswer{}, internal("read case", err)
	}
	t := vigil.Target{Case: c, Involved: involved}
	if g.actor.User != nil && g.scope > vigil.ScopeNone && g.scope < vigil.ScopeAll && !involved && c.OwnerID != g.actor.ID {
		if t.Involved, err = g.s.involved(q, g.actor.User, id); err != nil {
			return gateAnswer{}, internal("read case", err)
		}
	}
	if len(g.conflicts) > 0 {
		concerns, err := g.s.concernsOf(q, id)
		if err != nil {
			return gateAnswer{}, err
		}
		t.Conflict = vigil.ConflictsWith(g.conflicts, c, concerns)
	}
	a := gateAnswer{Allowed: vigil.Can(g.actor.User, g.action, t), Conflict: t.Conflict, Case: c}
	g.decided[id] = a
	return a, nil
}

// open reports whether the gate lets the actor act on every case: a grant
// of ScopeAll and no conflict of interest.
func (g *caseGate) open() bool {
	return g.actor.User != nil && g.scope >= vigil.ScopeAll && len(g.conflicts) == 0
}

// refused returns the cases decided so far that were refused, in order.
func (g *caseGate) refused() []vigil.ID {
	var out []vigil.ID
	for id, a := range g.decided {
		if !a.Allowed {
			out = append(out, id)
		}
	}
	slices.Sort(out)
	return out
}

// anyConflict reports whether any refusal so far was for a conflict.
func (g *caseGate) anyConflict() bool {
	for _, a := range g.decided {
		if a.Conflict {
			return true
		}
	}
	return false
}

// allows is decide without extra involvement, for filters.
func (g *caseGate) allows(id vigil.ID) (bool, error) {
	a, err := g.decide(id, false)
	return a.Allowed, err
}

// logRefusals records, as the case page does, that the actor was refused
// each of these cases, with the view as the purpose and the reason.
func (g *caseGate) logRefusals(ids []vigil.ID, purpose string) error {
	if len(ids) == 0 {
		return nil
	}
	return g.s.log.Write(g.ctx, func(tx *ledger.Tx) error {
		for _, id := range ids {
			reason := "no access"
			if g.decided[id].Conflict {
				reason = "conflict of interest"
			}
			if err := tx.Event("case.access_refused", string(g.actor.ID), "cases", string(id),
				map[string]string{"purpose": purpose, "reason": reason}); err != nil {
				return err
			}
		}
		return nil
	})
}
