package sqlstore

import (
	"context"
	"fmt"
	"slices"
	"time"

	"github.com/vigil-project/vigil"
	"github.com/vigil-project/vigil/internal/link"
)

var _ vigil.LinkService = (*Store)(nil)

// mayLink reports whether actor may run linking: the system, or an analyst.
func mayLink(actor vigil.Actor) error {
	if actor.ID == vigil.ActorSystem {
		return nil
	}
	if actor.User == nil {
		return vigil.Errorf(vigil.EUNAUTHORIZED, "Sign in to link records")
	}
	if !vigil.Can(actor.User, vigil.ActLinkReview, vigil.Target{}) {
		return forbidden("Only analysts can run linking.")
	}
	return nil
}

// RunLinking implements vigil.LinkService. People are linked by
// Fellegi-Sunter scoring over every person mention (internal/link trains
// its model on them without labels); everything else by exact keys, and
// partial plates by pattern. Links already stored, whatever their status,
// are not proposed again: a rejection stands.
func (s *Store) RunLinking(ctx context.Context, actor vigil.Actor) (vigil.LinkRun, error) {
	start := time.Now()
	var run vigil.LinkRun
	if err := mayLink(actor); err != nil {
		return run, err
	}
	st := &s.linking
	st.mu.Lock()
	defer st.mu.Unlock()
	return s.runLinking(ctx, actor, start)
}

// runLinking is RunLinking with s.linking.mu held.
func (s *Store) runLinking(ctx context.Context, actor vigil.Actor, start time.Time) (vigil.LinkRun, error) {
	var run vigil.LinkRun
	st := &s.linking
	ms, err := s.loadMentions(ctx, "")
	if err != nil {
		return run, err
	}
	run.Mentions = len(ms)
	save, err := s.newRunSaver(ctx, actor, &run)
	if err != nil {
		return run, err
	}

	// People.
	var people []*vigil.Mention
	for _, m := range ms {
		if m.Kind == vigil.MentionPerson && named(m.Mention) {
			people = append(people, m.Mention)
		}
	}
	st.index, st.indexIDs, st.trained = nil, nil, true
	if len(people) >= 2 {
		lms := make([]link.Mention, len(people))
		for i, m := range people {
			lms[i] = personMention(m)
		}
		recs := link.NormaliseAll(lms)
		res, err := link.Dedupe(ctx, recs, link.Options{Threshold: vigil.ReviewProbability, Seed: 1})
		if err != nil {
			return run, fmt.Errorf("sqlstore: linking people: %w", err)
		}
		run.Compared = res.Stats.PairsCompared
		for _, p := range res.Pairs {
			e := res.Model.Explain(&recs[p.L], &recs[p.R])
			if err := save.add(ctx, personLink(people[p.L].ID, people[p.R].ID, e)); err != nil {
				return run, err
			}
		}
		st.index = link.NewIndex(res.Model, link.NormaliseAll(lms), link.Options{})
		st.indexIDs = make([]vigil.ID, len(people))
		for i, m := range people {
			st.indexIDs[i] = m.ID
		}
	}

	// Everything else, by key. Each mention links to the first mention
	// of its key: a star joins them all with one link each.
	st.keys, st.plates = map[string]vigil.ID{}, map[string]vigil.ID{}
	st.resetFuzzy(ms)
	var partial []*vigil.Mention
	var unplated []*vigil.Mention // vehicles without a whole plate
	firstKey := map[string]mentionKey{}
	for _, m := range ms {
		k := keyOf(m.Mention)
		if m.Kind == vigil.MentionVehicle && (k.key == "" || k.plate.Partial) {
			unplated = append(unplated, m.Mention)
		}
		var err error
		switch {
		case k.key == "":
			continue
		case k.plate.Partial:
			partial = append(partial, m.Mention)
			continue
		case m.Kind == vigil.MentionVehicle:
			err = save.add(ctx, st.addWholePlate(m.Mention, k)...) // none: nothing unplated is known yet
		case m.Kind == vigil.MentionVenue:
			err = save.add(ctx, st.similarVenueLinks(m.Mention, k, s.warnVenueDistrict)...)
		}
		if err != nil {
			return run, err
		}
		if first, ok := st.keys[k.key]; ok {
			if err := save.add(ctx, keyLink(m.Mention, first, firstKey[k.key], k)); err != nil {
				return run, err
			}
			continue
		}
		st.keys[k.key], firstKey[k.key] = m.ID, k
		if m.Kind == vigil.MentionVehicle {
			st.plates[k.plate.Key] = m.ID
		}
	}
	for _, m := range partial {
		if err := save.add(ctx, s.partialPlateLinks(m)...); err != nil {
			return run, err
		}
	}
	for _, m := range unplated {
		if err := save.add(ctx, st.describedLinks(m, keyOf(m))...); err != nil {
			return run, err
		}
	}
	if err := save.flush(ctx); err != nil {
		return run, err
	}
	run.Took = time.Since(start)
	return run, nil
}

// warnVenueDistrict says that a district has too many venue names to
// compare with each other, so similar names there are not proposed.
func (s *Store) warnVenueDistrict(district string, n int) {
	s.logger.Warn("linking: too many venue names in one district to compare; only exact names are linked there",
		"district", district, "names", n, "limit", maxVenueDistrict)
}

// personLink turns a scored pair of people into a proposed link.
func personLink(a, b vigil.ID, e link.Explanation) *vigil.Link {
	l := &vigil.Link{ID: vigil.NewID(), Kind: vigil.MentionPerson, Method: vigil.LinkProbabilistic,
		Probability: e.Probability, Weight: e.PriorWeight + e.Weight}
	l.Left, l.Right = orderPair(a, b)
	l.Evidence = append(l.Evidence, vigil.LinkEvidence{Field: "prior", Level: "prior odds of a match", Weight: e.PriorWeight})
	for _, f := range e.Fields {
		l.Evidence = append(l.Evidence, vigil.LinkEvidence{Field: f.Field, Level: f.Level, Left: f.Left, Right: f.Right,
			Weight: f.Weight + f.TFAdjust})
	}
	l.Status = statusFor(l.Probability)
	return l
}

func statusFor(p float64) vigil.LinkStatus {
	if p >= vigil.LikelyProbability {
		return vigil.LinkLikely
	}
	return vigil.LinkReview
}

// keyLink links a mention to the first with the same key.
func keyLink(m *vigil.Mention, first vigil.ID, fk, k mentionKey) *vigil.Link {
	l := &vigil.Link{ID: vigil.NewID(), Kind: m.Kind, Method: vigil.LinkExactKey, Probability: k.probability}
	l.Left, l.Right = orderPair(m.ID, first)
	l.Evidence = []vigil.LinkEvidence{{Field: k.field, Level: "exact, after normalising", Left: fk.value, Right: k.value}}
	l.Status = statusFor(l.Probability)
	return l
}

// partialPlateLinks asks an analyst about a partial plate that fits one to
// three whole plates; one that fits more says too little.
func (s *Store) partialPlateLinks(m *vigil.Mention) []*vigil.Link {
	p := link.NormalisePlate(m.Plate)
	var fits []string
	for key := range s.linking.plates {
		if link.MatchPlate(p, link.Plate{Key: key}) {
			fits = append(fits, key)
			if len(fits) > 3 {
				return nil
			}
		}
	}
	slices.Sort(fits)
	var out []*vigil.Link
	for _, key := range fits {
		l := &vigil.Link{ID: vigil.NewID(), Kind: vigil.MentionVehicle, Method: vigil.LinkPartialKey,
			Probability: 0.8 - 0.1*float64(len(fits)-1)}
		l.Left, l.Right = orderPair(m.ID, s.linking.plates[key])
		l.Evidence = []vigil.LinkEvidence{{Field: "plate", Level: fmt.Sprintf("partial plate fits %d known plate(s)", len(fits)),
			Left: p.Text, Right: key}}
		l.Status = vigil.LinkReview
		out = append(out, l)
	}
	return out
}

// storedPairs returns which of a new report's proposals are stored
// already, looked up one by one through the unique index (a full run
// remembers every stored pair instead: see runSaver).
func (s *Store) storedPairs(ctx context.Context, props []*vigil.Link) (map[pairKey]bool, error) {
	have := map[pairKey]bool{}
	for _, l := range props {
		var one int
		err := s.queryRow(ctx, `SELECT 1 FROM links WHERE left_id = ? AND right_id = ? AND method = ?`, l.Left, l.Right, l.Method).Scan(&one)
		switch {
		case err == nil:
			have[pairKey{l.Left, l.Right, l.Method}] = true
		case !isNoRows(err):
			return nil, internal("read links", err)
		}
	}
	return have, nil
}

// saveLinks records a new report's proposals not already stored, each
// with its log entry, and counts them into run.
func (s *Store) saveLinks(ctx context.Context, actor vigil.Actor, props []*vigil.Link, run *vigil.LinkRun) error {
	if len(props) == 0 {
		return nil
	}
	have, err := s.storedPairs(ctx, props)
	if err != nil {
		return err
	}
	var fresh []*vigil.Link
	for _, l := range props {
		k := pairKey{l.Left, l.Right, l.Method}
		if have[k] || l.Left == l.Right {
			continue
		}
		have[k] = true
		fresh = append(fresh, l)
	}
	return s.writeLinks(ctx, actor, fresh, run)
}
