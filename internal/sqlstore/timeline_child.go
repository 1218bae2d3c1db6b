package sqlstore

import (
	"context"
	"strconv"
	"time"

	"github.com/vigil-project/vigil"
)

// ChildTimeline implements vigil.TimelineService. The child's cases are
// those with the same recorded name and date of birth, as the national
// core data set's child id joins them; without a date of birth only the
// case asked for is shown, since two children may share a name.
func (s *Store) ChildTimeline(ctx context.Context, actor vigil.Actor, caseID vigil.ID, page vigil.TimelinePage) (*vigil.ChildTimeline, error) {
	const purpose = "child timeline"
	if err := checkPage(page); err != nil {
		return nil, err
	}
	c, err := s.auditCase(ctx, actor, caseID, vigil.ActTimelineView, purpose)
	if err != nil {
		return nil, err
	}
	t := &vigil.ChildTimeline{ChildName: c.Child.Name, DateOfBirth: c.Child.DateOfBirth}
	shown := []*vigil.Case{c}
	if c.Child.DateOfBirth != "" {
		var others []*vigil.Case
		err := each(reader{s, ctx}, func(r scanner) error {
			o, err := scanCase(r)
			if err == nil {
				others = append(others, o)
			}
			return err
		}, `SELECT `+caseColumns+` FROM cases c WHERE lower(c.child_name) = lower(?) AND c.child_dob = ? AND c.id <> ?
			ORDER BY c.opened_at, c.id`, c.Child.Name, c.Child.DateOfBirth, c.ID)
		if err != nil {
			return nil, internal("read the child's cases", err)
		}
		// Each other case passes the same decision as the case page: a
		// case of the child the investigator is conflicted with stays
		// closed to them, and the refusal is logged.
		g, err := s.gate(ctx, actor, vigil.ActTimelineView)
		if err != nil {
			return nil, err
		}
		var refused, read []vigil.ID
		for _, o := range others {
			ok, err := g.allows(o.ID)
			if err != nil {
				return nil, err
			}
			if !ok {
				refused = append(refused, o.ID)
				continue
			}
			shown, read = append(shown, o), append(read, o.ID)
		}
		t.Withheld = len(refused)
		if err := g.logRefusals(refused, purpose); err != nil {
			return nil, err
		}
		if err := s.logReads(ctx, actor.ID, "record.viewed", "cases", read, purpose); err != nil {
			return nil, err
		}
	}
	cp, err := s.log.Checkpoint(ctx)
	if err != nil {
		return nil, internal("sign checkpoint", err)
	}
	caseOf := map[vigil.ID]vigil.ID{}
	var ids []vigil.ID
	for _, sc := range shown {
		t.Cases = append(t.Cases, vigil.TimelineCase{ID: sc.ID, Ref: sc.Ref, Status: sc.Status, OpenedAt: sc.OpenedAt})
		objs, err := s.caseObjects(ctx, sc.ID)
		if err != nil {
			return nil, err
		}
		for _, o := range objs {
			caseOf[o] = sc.ID
		}
		ids = append(ids, objs...)
	}
	touching, err := s.conflictsTouching(ctx, shown)
	if err != nil {
		return nil, err
	}
	seen := map[vigil.ID]bool{}
	for _, cs := range touching {
		for _, x := range cs {
			if !seen[x.ID] {
				seen[x.ID] = true
				ids = append(ids, x.ID)
			}
		}
	}
	recs, err := s.objectEntries(ctx, cp, ids)
	if err != nil {
		return nil, err
	}
	t.Checkpoint = string(cp.Note)
	// Every entry is described, so that the conflicts' earlier entries
	// are counted over the whole timeline; only the page is proved.
	names := actorNames()
	all := s.describeAll(ctx, recs, names)
	for i := range all {
		all[i].CaseID = caseOf[all[i].ObjectID]
	}
	t.Conflicts = s.markConflicts(ctx, all, touching, names)
	if t.Entries, t.Paging, err = s.provePage(ctx, cp, recs, all, page); err != nil {
		return nil, err
	}
	return t, nil
}

// PeriodTimeline implements vigil.TimelineService.
func (s *Store) PeriodTimeline(ctx context.Context, actor vigil.Actor, from, to time.Time, page vigil.TimelinePage) (*vigil.PeriodTimeline, error) {
	const purpose = "period timeline"
	period := map[string]string{"purpose": purpose, "from": from.UTC().Format(time.RFC3339), "to": to.UTC().Format(time.RFC3339)}
	if !vigil.Can(actor.User, vigil.ActTimelineView, vigil.Target{Everything: true}) {
		if err := s.log.Append(ctx, "timeline.access_refused", string(actor.ID), "log", "period", period); err != nil {
			return nil, err
		}
		return nil, notFound("The period's log")
	}
	if !from.Before(to) || to.Sub(from) > vigil.MaxTimelinePeriod {
		return nil, &vigil.Error{Code: vigil.EINVALID, Message: "Choose a period whose end comes after its start, of at most a year.",
			Fields: []vigil.FieldError{{Field: "from", Message: "Choose a start before the end, at most a year earlier"}}}
	}
	if err := checkPage(page); err != nil {
		return nil, err
	}
	// Which page of the period was read is on record too, beyond the first.
	if page.Start > 0 {
		period["start"] = strconv.FormatInt(page.Start, 10)
	}
	if page.Before > 0 {
		period["before"] = strconv.FormatInt(page.Before, 10)
	}
	// The opening is on record before anything is shown: which period,
	// read by whom. The object is the query itself, given an id of its own.
	if !s.noReadLog {
		if err := s.log.Append(ctx, "record.viewed", string(actor.ID), "log", string(vigil.NewID()), period); err != nil {
			return nil, err
		}
	}
	cp, err := s.log.Checkpoint(ctx)
	if err != nil {
		return nil, internal("sign checkpoint", err)
	}
	lo, hi, err := s.periodIndexes(ctx, cp.Size, from, to)
	if err != nil {
		return nil, err
	}
	// Every entry of [lo, hi) is the period's: the page is a range of it.
	plo, phi, paging := pageBounds(int(hi-lo), func(i int) int64 { return lo + int64(i) }, page)
	recs, err := s.recordsWhere(ctx, `e.idx >= ? AND e.idx < ?`, lo+int64(plo), lo+int64(phi))
	if err != nil {
		return nil, err
	}
	if err := s.prove(ctx, cp, recs); err != nil {
		return nil, err
	}
	t := &vigil.PeriodTimeline{From: from, To: to, Checkpoint: string(cp.Note), Entries: make([]vigil.TimelineEntry, 0, len(recs)), Paging: paging}
	names := actorNames()
	for _, r := range recs {
		t.Entries = append(t.Entries, s.timelineEntry(ctx, r, names))
	}
	if err := s.fillCaseIDs(ctx, t.Entries); err != nil {
		return nil, err
	}
	// Entries about a case the viewer may not see (their own conflict of
	// interest) keep their place and proof, but not what they say.
	g, err := s.gate(ctx, actor, vigil.ActTimelineView)
	if err != nil {
		return nil, err
	}
	var refused []vigil.ID
	for i := range t.Entries {
		e := &t.Entries[i]
		if e.CaseID == "" {
			continue
		}
		_, decided := g.decided[e.CaseID]
		ok, err := g.allows(e.CaseID)
		if err != nil {
			return nil, err
		}
		if ok {
			continue
		}
		if !decided {
			refused = append(refused, e.CaseID)
		}
		e.Withheld, e.Purpose, e.What = true, "", "Withheld: about a case you may not see ("+e.Kind+")"
		t.Withheld++
	}
	if err := g.logRefusals(refused, purpose); err != nil {
		return nil, err
	}
	touching, err := s.conflictsOnEntries(ctx, t.Entries)
	if err != nil {
		return nil, err
	}
	s.markConflicts(ctx, t.Entries, touching, names)
	return t, nil
}
