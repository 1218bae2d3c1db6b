package sqlstore

import (
	"bytes"
	"context"
	"fmt"
	"slices"
	"sort"
	"time"

	"github.com/vigil-project/vigil"
	"github.com/vigil-project/vigil/internal/ledger"
)

// maxPersonScan bounds the log entries one person timeline reads: entries
// carry no indexed actor, so the period's entries are read in turn.
const maxPersonScan = 2_000_000

// PersonTimeline implements vigil.TimelineService.
func (s *Store) PersonTimeline(ctx context.Context, actor vigil.Actor, personID vigil.ID, from, to time.Time) (*vigil.PersonTimeline, error) {
	if !personID.Valid() {
		return nil, notFound("The person")
	}
	person, err := s.FindUser(ctx, personID)
	if vigil.ErrorCode(err) == vigil.ENOTFOUND {
		return nil, notFound("The person")
	} else if err != nil {
		return nil, err
	}
	if !vigil.Can(actor.User, vigil.ActTimelineView, vigil.Target{Agency: person.AgencyID}) {
		if err := s.log.Append(ctx, "timeline.access_refused", string(actor.ID), "users", string(personID), map[string]string{"purpose": "person timeline"}); err != nil {
			return nil, err
		}
		return nil, notFound("The person")
	}
	if !from.Before(to) || to.Sub(from) > vigil.MaxTimelinePeriod {
		return nil, &vigil.Error{Code: vigil.EINVALID, Message: "Choose a period whose end comes after its start, of at most a year.",
			Fields: []vigil.FieldError{{Field: "from", Message: "Choose a start before the end, at most a year earlier"}}}
	}
	if err := s.logReads(ctx, actor.ID, "record.viewed", "users", []vigil.ID{personID}, "person timeline"); err != nil {
		return nil, err
	}
	cp, err := s.log.Checkpoint(ctx)
	if err != nil {
		return nil, internal("sign checkpoint", err)
	}
	lo, err := s.firstEntryAt(ctx, cp.Size, from)
	if err != nil {
		return nil, err
	}
	hi, err := s.firstEntryAt(ctx, cp.Size, to)
	if err != nil {
		return nil, err
	}
	if hi-lo > maxPersonScan {
		return nil, vigil.Errorf(vigil.EINVALID, "The log holds %d entries in that period; choose a shorter period (at most %d entries are read at once).", hi-lo, maxPersonScan)
	}
	// The person's conflicts of interest, whoever recorded them: an entry
	// recording one belongs on their timeline as much as one they made.
	conflicts, err := s.conflictsOf(reader{s, ctx}, personID)
	if err != nil {
		return nil, internal("read conflicts", err)
	}
	objects := []string{string(personID)}
	for _, c := range conflicts {
		objects = append(objects, string(c.ID))
	}
	recs, truncated, err := s.personRecords(ctx, string(personID), objects, lo, hi, from, to)
	if err != nil {
		return nil, err
	}
	if err := s.prove(ctx, cp, recs); err != nil {
		return nil, err
	}
	t := &vigil.PersonTimeline{Person: *vigil.PersonOf(person), From: from, To: to, Checkpoint: string(cp.Note),
		Entries: make([]vigil.TimelineEntry, 0, len(recs)), Truncated: truncated, Conflicts: conflicts}
	if t.Conflicts == nil {
		t.Conflicts = []*vigil.Conflict{}
	}
	names := actorNames()
	for _, r := range recs {
		t.Entries = append(t.Entries, s.timelineEntry(ctx, r, names))
	}
	if err := s.fillCaseIDs(ctx, t.Entries); err != nil {
		return nil, err
	}
	if len(conflicts) > 0 {
		// Mark what they read and did on cases their conflicts touch,
		// before or after the conflict was recorded.
		touching, err := s.conflictsOnEntries(ctx, t.Entries)
		if err != nil {
			return nil, err
		}
		s.markConflicts(ctx, t.Entries, touching, names)
	}
	return t, nil
}

// firstEntryAt returns the index of the first of the log's first size
// entries whose time is at or after at (size when there is none). Entry
// times follow log order but for the few milliseconds of a batch, so a
// binary search finds the boundary; personRecords checks each time itself.
func (s *Store) firstEntryAt(ctx context.Context, size int64, at time.Time) (int64, error) {
	var ferr error
	i := sort.Search(int(size), func(i int) bool {
		if ferr != nil {
			return true
		}
		var data []byte
		if err := s.queryRow(ctx, `SELECT data FROM log_entries WHERE idx = ?`, i).Scan(&data); err != nil {
			ferr = internal("read log entry", err)
			return true
		}
		e, err := ledger.ParseEntry(data)
		if err != nil {
			ferr = internal(fmt.Sprintf("log entry %d", i), err)
			return true
		}
		t, _ := time.Parse(ledger.TimeFormat, e.Time)
		return !t.Before(at)
	})
	return int64(i), ferr
}

// personRecords reads entries [lo, hi) and keeps those the person made or
// that are about one of objects (their account, their conflicts of
// interest), in the period, at most vigil.MaxPersonTimelineEntries of them.
func (s *Store) personRecords(ctx context.Context, personID string, objects []string, lo, hi int64, from, to time.Time) ([]caseRecord, bool, error) {
	keys := make([][]byte, len(objects))
	for i, o := range objects {
		keys[i] = []byte(o)
	}
	mentions := func(entry []byte) bool {
		for _, k := range keys {
			if bytes.Contains(entry, k) {
				return true
			}
		}
		return false
	}
	return s.periodRecords(ctx, lo, hi, from, to, mentions, func(e *ledger.Entry) bool {
		return e.Actor == personID || slices.Contains(objects, e.Object)
	})
}

// periodRecords reads entries [lo, hi) and keeps those in the period that
// pass maybe (a cheap test of the raw entry; nil passes all) and keep, at
// most vigil.MaxPersonTimelineEntries of them; it reports whether there
// were more.
func (s *Store) periodRecords(ctx context.Context, lo, hi int64, from, to time.Time, maybe func([]byte) bool, keep func(*ledger.Entry) bool) ([]caseRecord, bool, error) {
	rows, err := s.query(ctx, `SELECT e.idx, e.data, st.salt, st.state FROM log_entries e LEFT JOIN log_states st ON st.idx = e.idx
		WHERE e.idx >= ? AND e.idx < ? ORDER BY e.idx`, lo, hi)
	if err != nil {
		return nil, false, internal("read log", err)
	}
	defer rows.Close()
	var recs []caseRecord
	for rows.Next() {
		var r caseRecord
		if err := rows.Scan(&r.item.Index, &r.item.Entry, &r.item.Salt, &r.item.State); err != nil {
			return nil, false, internal("read log", err)
		}
		if maybe != nil && !maybe(r.item.Entry) {
			continue
		}
		if r.entry, err = ledger.ParseEntry(r.item.Entry); err != nil {
			return nil, false, internal(fmt.Sprintf("log entry %d", r.item.Index), err)
		}
		at, _ := time.Parse(ledger.TimeFormat, r.entry.Time)
		if at.Before(from) || !at.Before(to) || keep != nil && !keep(r.entry) {
			continue
		}
		if len(recs) == vigil.MaxPersonTimelineEntries {
			return recs, true, nil
		}
		recs = append(recs, r)
	}
	return recs, false, rows.Err()
}
