package sqlstore

import (
	"context"

	"github.com/vigil-project/vigil"
)

// entityView is the entity snapshot as one viewer may see it: mentions
// from cases the access decision refuses them (a conflict of interest,
// or a grant that does not reach) are left out of everything shown,
// labels included, so that an entity or network view never shows what
// the case page would refuse.
type entityView struct {
	sn *entitySnap
	g  *caseGate
}

func (s *Store) entityView(ctx context.Context, actor vigil.Actor, sn *entitySnap) (*entityView, error) {
	g, err := s.gate(ctx, actor, vigil.ActNetworkView)
	if err != nil {
		return nil, err
	}
	return &entityView{sn: sn, g: g}, nil
}

// mentionOK reports whether mention i may be shown.
func (v *entityView) mentionOK(i int32) (bool, error) {
	if v.g.open() {
		return true, nil
	}
	return v.g.allows(v.sn.ms[i].CaseID)
}

// members returns the mentions of entity e that may be shown.
func (v *entityView) members(e int32) ([]int32, error) {
	if v.g.open() {
		return v.sn.ents[e].members, nil
	}
	var out []int32
	for _, i := range v.sn.ents[e].members {
		ok, err := v.mentionOK(i)
		if err != nil {
			return nil, err
		}
		if ok {
			out = append(out, i)
		}
	}
	return out, nil
}

// concerns returns the distinct concerns of e that may be shown.
func (v *entityView) concerns(e int32) ([]vigil.ID, error) {
	ms, err := v.members(e)
	if err != nil {
		return nil, err
	}
	seen := map[vigil.ID]bool{}
	var out []vigil.ID
	for _, i := range ms {
		if c := v.sn.ms[i].ConcernID; !seen[c] {
			seen[c] = true
			out = append(out, c)
		}
	}
	return out, nil
}

// ref describes e from the mentions that may be shown.
func (v *entityView) ref(e int32) (vigil.EntityRef, error) {
	r := v.sn.ref(e)
	if v.g.open() {
		return r, nil
	}
	ms, err := v.members(e)
	if err != nil {
		return r, err
	}
	r.Label, r.Child = commonLabel(v.sn, ms), false
	for _, i := range ms {
		r.Child = r.Child || v.sn.ms[i].Role == vigil.MentionChild
	}
	return r, nil
}

// linksShown keeps the links both of whose mentions may be shown: a link's
// evidence quotes both ends.
func (v *entityView) linksShown(ls []*vigil.Link) ([]*vigil.Link, error) {
	if v.g.open() {
		return ls, nil
	}
	kept := ls[:0]
	for _, l := range ls {
		ok := true
		for _, id := range []vigil.ID{l.Left, l.Right} {
			if i, found := v.sn.idx[id]; found && ok {
				var err error
				if ok, err = v.mentionOK(i); err != nil {
					return nil, err
				}
			}
		}
		if ok {
			kept = append(kept, l)
		}
	}
	return kept, nil
}

// refuse logs the refusals of every case left out, with the view as the
// purpose, and returns the error for an entity none of whose mentions may
// be shown: EFORBIDDEN for a conflict of interest, as the case page says,
// else ENOTFOUND.
func (v *entityView) refuse(purpose string, entityHidden bool) error {
	if err := v.g.logRefusals(v.g.refused(), purpose); err != nil {
		return err
	}
	if !entityHidden {
		return nil
	}
	if v.g.anyConflict() {
		return vigil.Errorf(vigil.EFORBIDDEN, "You cannot see this entity: a conflict of interest of yours is recorded against the reports that name it.")
	}
	return notFound("The entity")
}
