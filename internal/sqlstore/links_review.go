package sqlstore

import (
	"context"
	"slices"

	"github.com/vigil-project/vigil"
	"github.com/vigil-project/vigil/internal/ledger"
)

// mayReview checks that actor may see and decide links.
func mayReview(actor vigil.Actor) error {
	if actor.User == nil {
		return vigil.Errorf(vigil.EUNAUTHORIZED, "Sign in to review links")
	}
	if !vigil.Can(actor.User, vigil.ActLinkReview, vigil.Target{}) {
		return forbidden("Only analysts review links.")
	}
	return nil
}

// mayViewNetwork checks that actor may see entities and networks.
func mayViewNetwork(actor vigil.Actor) error {
	if actor.User == nil {
		return vigil.Errorf(vigil.EUNAUTHORIZED, "Sign in to see entities")
	}
	if !vigil.Can(actor.User, vigil.ActNetworkView, vigil.Target{}) {
		return forbidden("Only analysts and investigators see entities and networks.")
	}
	return nil
}

// ReviewQueue implements vigil.LinkService. The queue is paged by place:
// a link decided leaves it, and the next comes up into its page.
func (s *Store) ReviewQueue(ctx context.Context, actor vigil.Actor, offset, limit int) (*vigil.ReviewPage, error) {
	if err := mayReview(actor); err != nil {
		return nil, err
	}
	if offset < 0 || limit < 0 || limit > vigil.MaxReviewPage {
		return nil, vigil.Errorf(vigil.EINVALID, "Ask for a page of the queue from place 0 or more, of 1 to %d links.", vigil.MaxReviewPage)
	}
	if limit == 0 {
		limit = vigil.DefaultReviewPage
	}
	p := &vigil.ReviewPage{Offset: offset}
	if err := s.queryRow(ctx, `SELECT COUNT(*) FROM links WHERE status = 'review'`).Scan(&p.Total); err != nil {
		return nil, internal("count links", err)
	}
	ls, err := s.queryLinks(ctx, `WHERE l.status = 'review' ORDER BY l.score DESC, l.id LIMIT ? OFFSET ?`, limit, offset)
	if err != nil {
		return nil, err
	}
	n := len(ls)
	if p.Links, err = s.attachMentions(ctx, actor, ls, "link review"); err != nil {
		return nil, err
	}
	p.Withheld = n - len(p.Links)
	return p, nil
}

// linkGate decides whether actor may review a link: the access decision
// (vigil.Can with ActLinkReview) on the cases of both its mentions, so
// that an analyst conflicted with one of them neither sees nor decides it.
func (s *Store) linkGate(ctx context.Context, actor vigil.Actor, ms map[vigil.ID]storedMention, l *vigil.Link) (*caseGate, bool, error) {
	g, err := s.gate(ctx, actor, vigil.ActLinkReview)
	if err != nil {
		return nil, false, err
	}
	ok, err := linkAllowed(g, ms, l)
	return g, ok, err
}

func linkAllowed(g *caseGate, ms map[vigil.ID]storedMention, l *vigil.Link) (bool, error) {
	for _, id := range []vigil.ID{l.Left, l.Right} {
		m, found := ms[id]
		if !found {
			continue
		}
		if ok, err := g.allows(m.CaseID); err != nil || !ok {
			return false, err
		}
	}
	return true, nil
}

// queryLinks reads links.
func (s *Store) queryLinks(ctx context.Context, where string, args ...any) ([]*vigil.Link, error) {
	rows, err := s.query(ctx, `SELECT `+linkColumns+` FROM links l `+where, args...)
	if err != nil {
		return nil, internal("read links", err)
	}
	defer rows.Close()
	var out []*vigil.Link
	for rows.Next() {
		l, err := scanLink(rows)
		if err != nil {
			return nil, internal("read links", err)
		}
		out = append(out, l)
	}
	return out, rows.Err()
}

// attachMentions fills in each link's two mentions, leaving out (and
// logging the refusal of) links with a mention from a case the access
// decision refuses the actor, and logging first, as read, every case whose
// mentions are about to be shown.
func (s *Store) attachMentions(ctx context.Context, actor vigil.Actor, ls []*vigil.Link, purpose string) ([]*vigil.Link, error) {
	var ids []vigil.ID
	for _, l := range ls {
		ids = append(ids, l.Left, l.Right)
	}
	ms, err := s.mentionsByID(ctx, ids)
	if err != nil {
		return nil, err
	}
	g, err := s.gate(ctx, actor, vigil.ActLinkReview)
	if err != nil {
		return nil, err
	}
	kept := ls[:0]
	var cases []vigil.ID
	for _, l := range ls {
		ok, err := linkAllowed(g, ms, l)
		if err != nil {
			return nil, err
		}
		if !ok {
			continue
		}
		kept = append(kept, l)
		for _, id := range []vigil.ID{l.Left, l.Right} {
			if m, found := ms[id]; found {
				cases = append(cases, m.CaseID)
			}
		}
	}
	if err := g.logRefusals(g.refused(), purpose); err != nil {
		return nil, err
	}
	slices.Sort(cases)
	if err := s.logReads(ctx, actor.ID, "record.viewed", "cases", slices.Compact(cases), purpose); err != nil {
		return nil, err
	}
	for _, l := range kept {
		if m, ok := ms[l.Left]; ok {
			l.LeftMention = m.Mention
		}
		if m, ok := ms[l.Right]; ok {
			l.RightMention = m.Mention
		}
	}
	return kept, nil
}

// DecideLink implements vigil.LinkService. The decision and its log
// entry commit together; a link decided once is not decided again.
func (s *Store) DecideLink(ctx context.Context, actor vigil.Actor, id vigil.ID, d vigil.LinkDecision) (*vigil.Link, error) {
	if err := mayReview(actor); err != nil {
		return nil, err
	}
	if !id.Valid() {
		return nil, notFound("The link")
	}
	if err := d.Validate(); err != nil {
		return nil, err
	}
	// The decision is refused, and the refusal logged, as the case page
	// would refuse either mention's case.
	if ls, err := s.queryLinks(ctx, `WHERE l.id = ?`, id); err != nil {
		return nil, err
	} else if len(ls) == 1 {
		ms, err := s.mentionsByID(ctx, []vigil.ID{ls[0].Left, ls[0].Right})
		if err != nil {
			return nil, err
		}
		g, ok, err := s.linkGate(ctx, actor, ms, ls[0])
		if err != nil {
			return nil, err
		}
		if !ok {
			if err := g.logRefusals(g.refused(), "link decision"); err != nil {
				return nil, err
			}
			if g.anyConflict() {
				return nil, vigil.Errorf(vigil.EFORBIDDEN, "You cannot decide this link: a conflict of interest of yours is recorded against a report it joins. Ask another analyst.")
			}
			return nil, notFound("The link")
		}
	}
	status, kind := vigil.LinkRejected, "link.rejected"
	if d.Confirm {
		status, kind = vigil.LinkConfirmed, "link.confirmed"
	}
	err := s.write(ctx, func(tx *ledger.Tx) error {
		var cur vigil.LinkStatus
		err := tx.QueryRow(`SELECT status FROM links WHERE id = ?`, id).Scan(&cur)
		if isNoRows(err) {
			return notFound("The link")
		} else if err != nil {
			return err
		}
		if cur != vigil.LinkReview && cur != vigil.LinkLikely {
			return vigil.Errorf(vigil.ECONFLICT, "This link was already %s.", cur)
		}
		return tx.Save(kind, string(actor.ID), "links",
			`UPDATE links SET version = version + 1, status = ?, decided_by = ?, decided_at = ?, note = ? WHERE id = ?`,
			status, actor.ID, micros(tx.Now()), null(d.Note), id)
	})
	if err != nil {
		return nil, err
	}
	s.linking.mu.Lock()
	s.linking.gen++
	s.linking.mu.Unlock()
	ls, err := s.queryLinks(ctx, `WHERE l.id = ?`, id)
	if err != nil || len(ls) == 0 {
		return nil, internal("read link", err)
	}
	return ls[0], nil
}
