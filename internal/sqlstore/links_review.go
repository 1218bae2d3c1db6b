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

// ReviewQueue implements vigil.LinkService.
func (s *Store) ReviewQueue(ctx context.Context, actor vigil.Actor, limit int) ([]*vigil.Link, error) {
	if err := mayReview(actor); err != nil {
		return nil, err
	}
	if limit <= 0 || limit > 200 {
		limit = 50
	}
	ls, err := s.queryLinks(ctx, `WHERE l.status = 'review' ORDER BY l.score DESC, l.id LIMIT ?`, limit)
	if err != nil {
		return nil, err
	}
	if err := s.attachMentions(ctx, actor, ls, "link review"); err != nil {
		return nil, err
	}
	return ls, nil
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

// attachMentions fills in each link's two mentions, logging first, as
// read, every case whose mentions are about to be shown.
func (s *Store) attachMentions(ctx context.Context, actor vigil.Actor, ls []*vigil.Link, purpose string) error {
	var ids []vigil.ID
	for _, l := range ls {
		ids = append(ids, l.Left, l.Right)
	}
	ms, err := s.mentionsByID(ctx, ids)
	if err != nil {
		return err
	}
	var cases []vigil.ID
	for _, m := range ms {
		cases = append(cases, m.CaseID)
	}
	slices.Sort(cases)
	if err := s.logReads(ctx, actor.ID, "record.viewed", "cases", slices.Compact(cases), purpose); err != nil {
		return err
	}
	for _, l := range ls {
		if m, ok := ms[l.Left]; ok {
			l.LeftMention = m.Mention
		}
		if m, ok := ms[l.Right]; ok {
			l.RightMention = m.Mention
		}
	}
	return nil
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
