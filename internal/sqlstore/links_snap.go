package sqlstore

import (
	"context"
	"crypto/sha256"
	"encoding/base32"
	"strings"

	"github.com/vigil-project/vigil"
	"github.com/vigil-project/vigil/internal/link"
)

// entitySnap is every mention with the entity it belongs to: the
// connected sets of mentions under links that join (confirmed and likely,
// never rejected, never pattern alerts), and which entities each concern
// names. It is rebuilt when links or mentions change.
type entitySnap struct {
	gen      uint64
	count    int
	ms       []storedMention
	idx      map[vigil.ID]int32
	ent      []int32 // mention -> entity
	ents     []snapEntity
	concerns map[vigil.ID][]int32 // concern -> the entities it names
}

type snapEntity struct {
	id             vigil.ID // the smallest id among its mentions
	kind           vigil.MentionKind
	members        []int32
	child, suspect bool
	label          string
}

// snapshot returns the entity snapshot, rebuilding it when stale; with
// stale true an existing snapshot is returned as it is (for alerts on a
// new report, which ask about what was known before it). The caller
// holds s.linking.mu.
func (s *Store) snapshot(ctx context.Context, stale bool) (*entitySnap, error) {
	st := &s.linking
	var count int
	if st.snap != nil && stale {
		return st.snap, nil
	}
	if err := s.queryRow(ctx, `SELECT COUNT(*) FROM mentions`).Scan(&count); err != nil {
		return nil, internal("count mentions", err)
	}
	if st.snap != nil && st.snap.gen == st.gen && st.snap.count == count {
		return st.snap, nil
	}
	ms, err := s.loadMentions(ctx, "")
	if err != nil {
		return nil, err
	}
	recorded := len(ms)
	ms = append(ms, taxiFirms(ms)...)
	sn := &entitySnap{gen: st.gen, count: recorded, ms: ms, idx: make(map[vigil.ID]int32, len(ms)), concerns: map[vigil.ID][]int32{}}
	parent := make([]int32, len(ms))
	for i, m := range ms {
		sn.idx[m.ID] = int32(i)
		parent[i] = int32(i)
	}
	var find func(int32) int32
	find = func(x int32) int32 {
		for parent[x] != x {
			parent[x] = parent[parent[x]]
			x = parent[x]
		}
		return x
	}
	rows, err := s.query(ctx, `SELECT left_id, right_id FROM links WHERE status IN ('likely', 'confirmed') AND method <> 'pattern'`)
	if err != nil {
		return nil, internal("read links", err)
	}
	for rows.Next() {
		var a, b vigil.ID
		if err := rows.Scan(&a, &b); err != nil {
			rows.Close()
			return nil, internal("read links", err)
		}
		i, ok1 := sn.idx[a]
		j, ok2 := sn.idx[b]
		if ok1 && ok2 {
			if ri, rj := find(i), find(j); ri != rj {
				parent[ri] = rj
			}
		}
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return nil, internal("read links", err)
	}
	// A taxi firm is one place however many cars and reports name it.
	firms := map[string]int32{}
	for i, m := range ms {
		if k := firmKey(m.Mention); k != "" {
			if j, ok := firms[k]; !ok {
				firms[k] = int32(i)
			} else if ri, rj := find(int32(i)), find(j); ri != rj {
				parent[ri] = rj
			}
		}
	}
	sn.ent = make([]int32, len(ms))
	byRoot := map[int32]int32{}
	for i := range ms {
		r := find(int32(i))
		e, ok := byRoot[r]
		if !ok {
			e = int32(len(sn.ents))
			byRoot[r] = e
			sn.ents = append(sn.ents, snapEntity{id: ms[i].ID, kind: ms[i].Kind})
		}
		sn.ent[i] = e
		se := &sn.ents[e]
		se.members = append(se.members, int32(i))
		se.id = min(se.id, ms[i].ID)
		se.child = se.child || ms[i].Role == vigil.MentionChild
		se.suspect = se.suspect || ms[i].Role == vigil.MentionSuspect
		c := ms[i].ConcernID
		if l := sn.concerns[c]; len(l) == 0 || !containsEnt(l, e) {
			sn.concerns[c] = append(l, e)
		}
	}
	for e := range sn.ents {
		sn.ents[e].label = commonLabel(sn, sn.ents[e].members)
	}
	st.snap = sn
	return sn, nil
}

func containsEnt(l []int32, e int32) bool {
	for _, x := range l {
		if x == e {
			return true
		}
	}
	return false
}

// commonLabel is the label most of an entity's mentions give.
func commonLabel(sn *entitySnap, members []int32) string {
	n := map[string]int{}
	best, most := "", 0
	for _, i := range members {
		l := mentionLabel(sn.ms[i].Mention)
		n[l]++
		if n[l] > most {
			best, most = l, n[l]
		}
	}
	return best
}

// entityOf returns the entity with a mention of the given id.
func (sn *entitySnap) entityOf(id vigil.ID) (int32, bool) {
	i, ok := sn.idx[id]
	if !ok {
		return 0, false
	}
	return sn.ent[i], true
}

// concernsOf returns the distinct concerns naming entity e.
func (sn *entitySnap) concernsOf(e int32) []vigil.ID {
	seen := map[vigil.ID]bool{}
	var out []vigil.ID
	for _, i := range sn.ents[e].members {
		if c := sn.ms[i].ConcernID; !seen[c] {
			seen[c] = true
			out = append(out, c)
		}
	}
	return out
}

// children returns the child entities that share a report with e.
func (sn *entitySnap) children(e int32) map[int32]bool {
	out := map[int32]bool{}
	for _, c := range sn.concernsOf(e) {
		for _, x := range sn.concerns[c] {
			if x != e && sn.ents[x].child {
				out[x] = true
			}
		}
	}
	return out
}

// ref describes entity e for lists.
func (sn *entitySnap) ref(e int32) vigil.EntityRef {
	se := &sn.ents[e]
	return vigil.EntityRef{ID: se.id, Kind: se.kind, Label: se.label, Child: se.child}
}

// Taxi firms are places in the network like takeaways and hotels: the
// firm a vehicle mention names becomes a venue of kind "taxi firm" in the
// same report, derived when the snapshot is built (never stored), and
// every mention of a firm of the same name is one entity. Its id is
// derived from the vehicle mention's, so a page about it can be found
// again.

const taxiFirmKind = "taxi firm"

// taxiFirms derives a taxi firm venue from each vehicle mention naming one.
func taxiFirms(ms []storedMention) []storedMention {
	var out []storedMention
	for _, m := range ms {
		if m.Kind != vigil.MentionVehicle || m.TaxiFirm == "" {
			continue
		}
		sum := sha256.Sum256([]byte("taxi firm of " + string(m.ID)))
		id := vigil.ID(strings.ToLower(base32.StdEncoding.WithPadding(base32.NoPadding).EncodeToString(sum[:16])))
		f := &vigil.Mention{ID: id, ConcernID: m.ConcernID, CaseID: m.CaseID, Kind: vigil.MentionVenue, VenueName: m.TaxiFirm,
			VenueKind: taxiFirmKind, SourceRef: "taxi firm of vehicle mention " + string(m.ID), RecordedBy: m.RecordedBy, RecordedAt: m.RecordedAt}
		out = append(out, storedMention{f, m.received})
	}
	return out
}

// firmKey is the folded name of a taxi firm venue, or "".
func firmKey(m *vigil.Mention) string {
	if m.Kind != vigil.MentionVenue || !strings.Contains(link.Fold(m.VenueKind), "taxi") {
		return ""
	}
	return strings.ReplaceAll(link.Fold(m.VenueName), " ", "")
}
