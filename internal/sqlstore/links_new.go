package sqlstore

import (
	"context"
	"fmt"
	"time"

	"github.com/vigil-project/vigil"
)

// maxNewMatches bounds the known people one new person mention is linked
// to: beyond it the mention says too little (a first name alone).
const maxNewMatches = 20

// LinkNew matches newly recorded mentions against everything known: people
// through the index the last full run built, everything else by key. It
// then runs the saved pattern alerts (vigil.Patterns) over what the new
// mentions link to. RecordMentions calls it; without a trained model it
// first runs a full linking (once: concurrent callers wait for it). The
// links are the system's proposals.
func (s *Store) LinkNew(ctx context.Context, ms []*vigil.Mention) (vigil.LinkRun, error) {
	var run vigil.LinkRun
	st := &s.linking
	st.mu.Lock()
	defer st.mu.Unlock()
	untrained := !st.trained
	if st.index == nil {
		// Too few people were known to train on: train now, if the new
		// mentions name someone.
		for _, m := range ms {
			untrained = untrained || m.Kind == vigil.MentionPerson && named(m)
		}
	}
	if untrained {
		// The first report since the process started (or since there
		// were people to learn from): a full run, which links these
		// mentions too; callers waiting on the lock then find it trained.
		if _, err := s.runLinking(ctx, vigil.SystemActor, time.Now()); err != nil {
			return run, err
		}
	}
	run.Mentions = len(ms)
	var props []*vigil.Link
	for _, m := range ms {
		switch k := keyOf(m); {
		case m.Kind == vigil.MentionPerson:
			if st.index == nil || !named(m) {
				continue
			}
			pm := personMention(m)
			matches := st.index.Match(pm, vigil.ReviewProbability)
			run.Compared += int64(len(matches))
			for _, mt := range matches[:min(len(matches), maxNewMatches)] {
				if other := st.indexIDs[mt.Record]; other != m.ID {
					props = append(props, personLink(m.ID, other, st.index.Explain(pm, mt.Record)))
				}
			}
		case k.key == "":
			if m.Kind == vigil.MentionVehicle {
				props = append(props, st.describedLinks(m, k)...)
			}
		case k.plate.Partial:
			props = append(props, s.partialPlateLinks(m)...)
			props = append(props, st.describedLinks(m, k)...)
		default:
			switch m.Kind {
			case vigil.MentionVehicle:
				props = append(props, st.addWholePlate(m, k)...)
			case vigil.MentionVenue:
				props = append(props, st.similarVenueLinks(m, k, s.warnVenueDistrict)...)
			}
			first, ok := st.keys[k.key]
			if !ok {
				st.keys[k.key] = m.ID
				if m.Kind == vigil.MentionVehicle {
					st.plates[k.plate.Key] = m.ID
				}
				continue
			}
			fk := mentionKey{value: k.value}
			props = append(props, keyLink(m, first, fk, k))
		}
	}
	alerts, err := s.patternAlerts(ctx, ms, props)
	if err != nil {
		return run, err
	}
	props = append(props, alerts...)
	if err := s.saveLinks(ctx, vigil.SystemActor, props, &run); err != nil {
		return run, err
	}
	return run, nil
}

// patternAlerts runs the saved patterns over new mentions: a new mention
// linked to something already named alongside enough children becomes a
// review item for an analyst. It reads links and roles only.
func (s *Store) patternAlerts(ctx context.Context, ms []*vigil.Mention, props []*vigil.Link) ([]*vigil.Link, error) {
	if len(props) == 0 {
		return nil, nil
	}
	sn, err := s.snapshot(ctx, true)
	if err != nil {
		return nil, err
	}
	byID := map[vigil.ID]*vigil.Mention{}
	for _, m := range ms {
		byID[m.ID] = m
	}
	var out []*vigil.Link
	seen := map[pairKey]bool{}
	for _, l := range props {
		if !l.Status.Joins() && l.Method != vigil.LinkPartialKey {
			continue // a weak match is for review already
		}
		m, other := byID[l.Left], l.Right
		if m == nil {
			m, other = byID[l.Right], l.Left
		}
		if m == nil {
			continue
		}
		e, ok := sn.entityOf(other)
		if !ok {
			continue
		}
		for _, p := range vigil.Patterns {
			if p.Kind != m.Kind || p.Kind == vigil.MentionPerson && m.Role != vigil.MentionSuspect {
				continue
			}
			n := len(sn.children(e))
			key := pairKey{m.ID, sn.ents[e].id, vigil.LinkPattern}
			if n < p.MinChildren || seen[key] {
				continue
			}
			seen[key] = true
			out = append(out, &vigil.Link{ID: vigil.NewID(), Kind: m.Kind, Left: m.ID, Right: sn.ents[e].id,
				Method: vigil.LinkPattern, Probability: l.Probability, Weight: l.Weight, Evidence: l.Evidence,
				Reason: fmt.Sprintf("%s (%s): it is already linked to %d children.", p.Description, p.Name, n), Status: vigil.LinkReview})
		}
	}
	return out, nil
}
