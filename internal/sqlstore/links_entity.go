package sqlstore

import (
	"cmp"
	"context"
	"slices"
	"strconv"
	"time"

	"github.com/vigil-project/vigil"
	"github.com/vigil-project/vigil/internal/ledger"
	"github.com/vigil-project/vigil/internal/network"
)

// maxNetworkNodes bounds the entities a network view shows.
const maxNetworkNodes = 60

// logEntityReads records, before anything is shown, that actor viewed
// these entities and the cases their mentions came from.
func (s *Store) logEntityReads(ctx context.Context, actor vigil.ID, entities, cases []vigil.ID, purpose string) error {
	slices.Sort(cases)
	cases = slices.Compact(cases)
	return s.log.Write(ctx, func(tx *ledger.Tx) error {
		for _, id := range entities {
			if err := tx.Event("record.viewed", string(actor), "entities", string(id), map[string]string{"purpose": purpose}); err != nil {
				return err
			}
		}
		for _, id := range cases {
			if err := tx.Event("record.viewed", string(actor), "cases", string(id), map[string]string{"purpose": purpose}); err != nil {
				return err
			}
		}
		return nil
	})
}

// Entity implements vigil.LinkService.
func (s *Store) Entity(ctx context.Context, actor vigil.Actor, id vigil.ID) (*vigil.Entity, error) {
	if err := mayViewNetwork(actor); err != nil {
		return nil, err
	}
	s.linking.mu.Lock()
	sn, err := s.snapshot(ctx, false)
	s.linking.mu.Unlock()
	if err != nil {
		return nil, err
	}
	e, ok := sn.entityOf(id)
	if !ok {
		return nil, notFound("The entity")
	}
	// Only what the access decision lets the viewer see of each case.
	v, err := s.entityView(ctx, actor, sn)
	if err != nil {
		return nil, err
	}
	members, err := v.members(e)
	if err != nil {
		return nil, err
	}
	if len(members) == 0 {
		return nil, v.refuse("entity", true)
	}
	se := &sn.ents[e]
	ref, err := v.ref(e)
	if err != nil {
		return nil, err
	}
	out := &vigil.Entity{ID: se.id, Kind: se.kind, Label: ref.Label, Child: ref.Child, Suspect: se.suspect}
	opens, err := s.gate(ctx, actor, vigil.ActCaseView)
	if err != nil {
		return nil, err
	}
	var cases, memberIDs []vigil.ID
	seen := map[vigil.ID]bool{}
	for _, i := range members {
		m := sn.ms[i]
		out.Mentions = append(out.Mentions, m.Mention)
		memberIDs = append(memberIDs, m.ID)
		cases = append(cases, m.CaseID)
		if !seen[m.ConcernID] {
			seen[m.ConcernID] = true
			open, err := opens.decide(m.CaseID, false)
			if err != nil {
				return nil, err
			}
			out.Concerns = append(out.Concerns, vigil.EntityConcern{ConcernID: m.ConcernID, CaseID: m.CaseID, ReceivedAt: m.received,
				CanOpen: open.Allowed})
		}
	}
	// Neighbours: entities named in the same reports.
	shared := map[int32]int{}
	concerns, err := v.concerns(e)
	if err != nil {
		return nil, err
	}
	for _, c := range concerns {
		for _, x := range sn.concerns[c] {
			if x != e {
				shared[x]++
			}
		}
	}
	for x, n := range shared {
		r, err := v.ref(x)
		if err != nil {
			return nil, err
		}
		r.Concerns = n
		out.Neighbours = append(out.Neighbours, r)
	}
	slices.SortFunc(out.Neighbours, func(a, b vigil.EntityRef) int {
		if c := cmp.Compare(b.Concerns, a.Concerns); c != 0 {
			return c
		}
		return cmp.Compare(a.ID, b.ID)
	})
	// Links touching its mentions, whatever their status.
	links, err := s.linksTouching(ctx, memberIDs)
	if err != nil {
		return nil, err
	}
	if out.Links, err = v.linksShown(links); err != nil {
		return nil, err
	}
	for _, l := range out.Links {
		if i, ok := sn.idx[l.Left]; ok {
			l.LeftMention = sn.ms[i].Mention
		}
		if i, ok := sn.idx[l.Right]; ok {
			l.RightMention = sn.ms[i].Mention
		}
	}
	if err := v.refuse("entity", false); err != nil {
		return nil, err
	}
	if err := s.logEntityReads(ctx, actor.ID, []vigil.ID{out.ID}, cases, "entity"); err != nil {
		return nil, err
	}
	return out, nil
}

// linksTouching returns the links with either end among ids.
func (s *Store) linksTouching(ctx context.Context, ids []vigil.ID) ([]*vigil.Link, error) {
	var out []*vigil.Link
	seen := map[vigil.ID]bool{}
	for len(ids) > 0 {
		n := min(len(ids), 400)
		args := make([]any, 0, 2*n)
		q := make([]byte, 0, 2*n)
		for i, id := range ids[:n] {
			args = append(args, id)
			if i > 0 {
				q = append(q, ',')
			}
			q = append(q, '?')
		}
		args = append(args, args...)
		ls, err := s.queryLinks(ctx, `WHERE l.left_id IN (`+string(q)+`) OR l.right_id IN (`+string(q)+`) ORDER BY l.score DESC, l.id`, args...)
		if err != nil {
			return nil, err
		}
		for _, l := range ls {
			if !seen[l.ID] {
				seen[l.ID] = true
				out = append(out, l)
			}
		}
		ids = ids[n:]
	}
	return out, nil
}

// EntityNetwork implements vigil.LinkService.
func (s *Store) EntityNetwork(ctx context.Context, actor vigil.Actor, id vigil.ID, q vigil.NetworkQuery) (*vigil.Network, error) {
	if err := mayViewNetwork(actor); err != nil {
		return nil, err
	}
	if q.LinksOffset < 0 || q.LinksLimit < 0 || q.LinksLimit > vigil.MaxNetworkLinks {
		return nil, vigil.Errorf(vigil.EINVALID, "Ask for the network's links from place 0 or more, 1 to %d at a time.", vigil.MaxNetworkLinks)
	}
	if q.LinksLimit == 0 {
		q.LinksLimit = vigil.DefaultNetworkLinks
	}
	hops, to := max(1, min(q.Hops, 3)), q.To
	s.linking.mu.Lock()
	sn, err := s.snapshot(ctx, false)
	s.linking.mu.Unlock()
	if err != nil {
		return nil, err
	}
	center, ok := sn.entityOf(id)
	if !ok {
		return nil, notFound("The entity")
	}
	// The network is walked through the reports the viewer may see only.
	v, err := s.entityView(ctx, actor, sn)
	if err != nil {
		return nil, err
	}
	if ms, err := v.members(center); err != nil {
		return nil, err
	} else if len(ms) == 0 {
		return nil, v.refuse("network", true)
	}
	// Breadth first from the centre, the most shared neighbours first,
	// up to maxNetworkNodes entities.
	dist := map[int32]int{center: 0}
	order := []int32{center}
	for frontier := []int32{center}; len(frontier) > 0 && len(order) < maxNetworkNodes; {
		var next []int32
		for _, e := range frontier {
			if dist[e] >= hops {
				continue
			}
			shared := map[int32]int{}
			concerns, err := v.concerns(e)
			if err != nil {
				return nil, err
			}
			for _, c := range concerns {
				for _, x := range sn.concerns[c] {
					if _, ok := dist[x]; !ok {
						shared[x]++
					}
				}
			}
			xs := make([]int32, 0, len(shared))
			for x := range shared {
				xs = append(xs, x)
			}
			slices.SortFunc(xs, func(a, b int32) int {
				if c := cmp.Compare(shared[b], shared[a]); c != 0 {
					return c
				}
				return cmp.Compare(sn.ents[a].id, sn.ents[b].id)
			})
			for _, x := range xs {
				if len(order) >= maxNetworkNodes {
					break
				}
				dist[x] = dist[e] + 1
				order = append(order, x)
				next = append(next, x)
			}
		}
		frontier = next
	}
	// Edges: pairs of shown entities named in one report.
	g := network.New()
	edges := map[[2]int32][]vigil.ID{}
	for _, e := range order {
		g.AddNode(string(sn.ents[e].id))
		concerns, err := v.concerns(e)
		if err != nil {
			return nil, err
		}
		for _, c := range concerns {
			for _, x := range sn.concerns[c] {
				if _, shown := dist[x]; shown && sn.ents[e].id < sn.ents[x].id {
					k := [2]int32{e, x}
					if !slices.Contains(edges[k], c) {
						edges[k] = append(edges[k], c)
					}
				}
			}
		}
	}
	out := &vigil.Network{Center: sn.ents[center].id}
	for k, cs := range edges {
		a, b := sn.ents[k[0]].id, sn.ents[k[1]].id
		g.AddEdge(string(a), string(b), float64(len(cs)))
		slices.Sort(cs)
		out.Edges = append(out.Edges, vigil.NetworkEdge{From: a, To: b, Concerns: cs})
	}
	slices.SortFunc(out.Edges, func(a, b vigil.NetworkEdge) int {
		if c := cmp.Compare(a.From, b.From); c != 0 {
			return c
		}
		return cmp.Compare(a.To, b.To)
	})
	communities, between := g.Communities(), g.Betweenness()
	// The suspect-child projection: for each suspect shown, the children
	// it shares a report with anywhere.
	rel := map[string][]string{}
	for _, e := range order {
		if !sn.ents[e].suspect {
			continue
		}
		concerns, err := v.concerns(e)
		if err != nil {
			return nil, err
		}
		kids := map[int32]bool{}
		for _, c := range concerns {
			for _, x := range sn.concerns[c] {
				if x == e || !sn.ents[x].child || kids[x] {
					continue
				}
				// A child counts only if named as one in a report the viewer may see.
				if r, err := v.ref(x); err != nil {
					return nil, err
				} else if r.Child {
					kids[x] = true
					rel[string(sn.ents[e].id)] = append(rel[string(sn.ents[e].id)], string(sn.ents[x].id))
				}
			}
		}
	}
	children := map[string]int{}
	for _, p := range network.Project(rel, 1) {
		children[p.Node] = len(p.Linked)
	}
	var cases []vigil.ID
	var shown []vigil.ID
	var members []vigil.ID
	for _, e := range order {
		se := &sn.ents[e]
		id := string(se.id)
		ref, err := v.ref(e)
		if err != nil {
			return nil, err
		}
		out.Nodes = append(out.Nodes, vigil.NetworkNode{EntityRef: ref, Community: communities[id], Betweenness: between[id],
			Children: children[id], Suspect: se.suspect, Hops: dist[e]})
		shown = append(shown, se.id)
		ms, err := v.members(e)
		if err != nil {
			return nil, err
		}
		for _, i := range ms {
			cases = append(cases, sn.ms[i].CaseID)
			members = append(members, sn.ms[i].ID)
		}
	}
	links, err := s.linksTouching(ctx, members)
	if err != nil {
		return nil, err
	}
	if links, err = v.linksShown(links); err != nil {
		return nil, err
	}
	rank := map[vigil.LinkStatus]int{vigil.LinkReview: 0, vigil.LinkLikely: 1, vigil.LinkConfirmed: 2, vigil.LinkRejected: 3}
	slices.SortStableFunc(links, func(a, b *vigil.Link) int { return cmp.Compare(rank[a.Status], rank[b.Status]) })
	out.LinksTotal, out.LinksOffset = len(links), q.LinksOffset
	from := min(q.LinksOffset, len(links))
	out.Links = links[from:min(len(links), from+q.LinksLimit)]
	for _, l := range out.Links {
		if i, ok := sn.idx[l.Left]; ok {
			l.LeftMention = sn.ms[i].Mention
		}
		if i, ok := sn.idx[l.Right]; ok {
			l.RightMention = sn.ms[i].Mention
		}
	}
	if to != "" {
		if t, ok := sn.entityOf(to); ok {
			for _, p := range g.ShortestPath(string(out.Center), string(sn.ents[t].id)) {
				out.Path = append(out.Path, vigil.ID(p))
			}
			out.TimePath = timePath(sn, out.Edges, out.Center, sn.ents[t].id)
		}
	}
	if err := v.refuse("network", false); err != nil {
		return nil, err
	}
	if err := s.logEntityReads(ctx, actor.ID, shown, cases, "network of "+string(out.Center)); err != nil {
		return nil, err
	}
	return out, nil
}

// Hotspots implements vigil.LinkService: venues and addresses by the
// number of distinct children named with them in reports of q's period,
// or of each calendar year. A report counts only if the access decision
// lets the actor see its case, as in the entity view: a place or a child
// known only from a report closed to the viewer (a conflict of interest,
// a grant that does not reach) is neither counted nor named, and each
// refusal is logged.
func (s *Store) Hotspots(ctx context.Context, actor vigil.Actor, q vigil.HotspotQuery) ([]vigil.Hotspot, error) {
	if err := mayViewNetwork(actor); err != nil {
		return nil, err
	}
	limit := q.Limit
	if limit <= 0 || limit > vigil.MaxHotspots {
		limit = vigil.MaxHotspots
	}
	s.linking.mu.Lock()
	sn, err := s.snapshot(ctx, false)
	s.linking.mu.Unlock()
	if err != nil {
		return nil, err
	}
	v, err := s.entityView(ctx, actor, sn)
	if err != nil {
		return nil, err
	}
	// isChild says whether an entity is named as a child in a report the
	// viewer may see, as the network view counts children.
	childOf := map[int32]bool{}
	isChild := func(x int32) (bool, error) {
		if !sn.ents[x].child || v.g.open() {
			return sn.ents[x].child, nil
		}
		if c, ok := childOf[x]; ok {
			return c, nil
		}
		r, err := v.ref(x)
		childOf[x] = r.Child
		return r.Child, err
	}
	type key struct {
		e      int32
		period string
	}
	label := q.Label()
	kids := map[key]map[int32]bool{}
	for e := range sn.ents {
		se := &sn.ents[e]
		if se.kind != vigil.MentionVenue && se.kind != vigil.MentionAddress {
			continue
		}
		for _, i := range se.members {
			m := sn.ms[i]
			if !q.Covers(m.received) {
				continue
			}
			if ok, err := v.mentionOK(i); err != nil {
				return nil, err
			} else if !ok {
				continue
			}
			k := key{int32(e), label}
			if q.PerYear() {
				k.period = strconv.Itoa(m.received.In(vigil.London).Year())
			}
			for _, x := range sn.concerns[m.ConcernID] {
				if child, err := isChild(x); err != nil {
					return nil, err
				} else if child {
					if kids[k] == nil {
						kids[k] = map[int32]bool{}
					}
					kids[k][x] = true
				}
			}
		}
	}
	var out []vigil.Hotspot
	entity := map[vigil.ID]int32{}
	for k, cs := range kids {
		out = append(out, vigil.Hotspot{EntityRef: sn.ref(k.e), Period: k.period, Children: len(cs)})
		entity[sn.ents[k.e].id] = k.e
	}
	slices.SortFunc(out, func(a, b vigil.Hotspot) int {
		if c := cmp.Compare(b.Children, a.Children); c != 0 {
			return c
		}
		if c := cmp.Compare(b.Period, a.Period); c != 0 {
			return c
		}
		return cmp.Compare(a.ID, b.ID)
	})
	out = out[:min(len(out), limit)]
	var shown []vigil.ID
	for i, h := range out {
		// The place is named from the reports the viewer may see only.
		ref, err := v.ref(entity[h.ID])
		if err != nil {
			return nil, err
		}
		out[i].EntityRef = ref
		shown = append(shown, h.ID)
	}
	if err := v.refuse("hotspots", false); err != nil {
		return nil, err
	}
	if err := s.logEntityReads(ctx, actor.ID, shown, nil, "hotspots"); err != nil {
		return nil, err
	}
	return out, nil
}

// timePath is the time-ordered path between two entities of a network:
// each edge is a contact at the time of each report naming both ends.
func timePath(sn *entitySnap, edges []vigil.NetworkEdge, from, to vigil.ID) []vigil.NetworkHop {
	received := map[vigil.ID]time.Time{}
	for _, m := range sn.ms {
		received[m.ConcernID] = m.received
	}
	var cs []network.Contact
	for _, e := range edges {
		for _, c := range e.Concerns {
			cs = append(cs, network.Contact{A: string(e.From), B: string(e.To), At: received[c], Via: string(c)})
		}
	}
	var out []vigil.NetworkHop
	for _, h := range network.TimePath(cs, string(from), string(to)) {
		out = append(out, vigil.NetworkHop{From: vigil.ID(h.From), To: vigil.ID(h.To), Concern: vigil.ID(h.Via), At: h.At})
	}
	return out
}
