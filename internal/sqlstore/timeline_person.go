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
func (s *Store) PersonTimeline(ctx context.Context, actor vigil.Actor, personID vigil.ID, from, to time.Time, page vigil.TimelinePage) (*vigil.PersonTimeline, error) {
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
	if err := checkPage(page); err != nil {
		return nil, err
	}
	if err := s.logReads(ctx, actor.ID, "record.viewed", "users", []vigil.ID{personID}, "person timeline"); err != nil {
		return nil, err
	}
	cp, err := s.log.Checkpoint(ctx)
	if err != nil {
		return nil, internal("sign checkpoint", err)
	}
	lo, hi, err := s.periodIndexes(ctx, cp.Size, from, to)
	if err != nil {
		return nil, err
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
	idxs, reads, err := s.personIndexes(ctx, string(personID), objects, lo, hi, from, to)
	if err != nil {
		return nil, err
	}
	plo, phi, paging := pageBounds(len(idxs), func(i int) int64 { return idxs[i] }, page)
	recs, err := s.recordsAt(ctx, idxs[plo:phi])
	if err != nil {
		return nil, err
	}
	if err := s.prove(ctx, cp, recs); err != nil {
		return nil, err
	}
	t := &vigil.PersonTimeline{Person: *vigil.PersonOf(person), From: from, To: to, Checkpoint: string(cp.Note),
		Entries: make([]vigil.TimelineEntry, 0, len(recs)), Paging: paging, Reads: reads, Conflicts: conflicts}
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

// periodIndexes returns the log indexes [lo, hi) of the entries of the
// period [from, to) among the log's first size, refusing a period that
// holds more than maxPersonScan.
func (s *Store) periodIndexes(ctx context.Context, size int64, from, to time.Time) (lo, hi int64, err error) {
	if lo, err = s.firstEntryAt(ctx, size, from); err != nil {
		return 0, 0, err
	}
	if hi, err = s.firstEntryAt(ctx, size, to); err != nil {
		return 0, 0, err
	}
	if hi-lo > maxPersonScan {
		return 0, 0, vigil.Errorf(vigil.EINVALID, "The log holds %d entries in that period; choose a shorter period (at most %d entries are read at once).", hi-lo, maxPersonScan)
	}
	return lo, hi, nil
}

// firstEntryAt returns the index of the first of the log's first size
// entries whose time is at or after at (size when there is none). Entry
// times follow log order but for the few milliseconds of a batch, so a
// binary search finds the boundary; personIndexes checks each time itself.
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

// personIndexes reads entries [lo, hi) and returns the indexes, in log
// order, of those in the period that the person made or that are about one
// of objects (their account, their conflicts of interest), with the count
// of reads the person made among them. Only the entries are read, not the
// records they commit to: the page's are read afterwards (recordsAt).
func (s *Store) personIndexes(ctx context.Context, personID string, objects []string, lo, hi int64, from, to time.Time) ([]int64, int, error) {
	keys := make([][]byte, len(objects))
	for i, o := range objects {
		keys[i] = []byte(o)
	}
	rows, err := s.query(ctx, `SELECT idx, data FROM log_entries WHERE idx >= ? AND idx < ? ORDER BY idx`, lo, hi)
	if err != nil {
		return nil, 0, internal("read log", err)
	}
	defer rows.Close()
	var idxs []int64
	reads := 0
	for rows.Next() {
		var idx int64
		var data []byte
		if err := rows.Scan(&idx, &data); err != nil {
			return nil, 0, internal("read log", err)
		}
		// A cheap test of the raw entry first: most entries name none of them.
		if !slices.ContainsFunc(keys, func(k []byte) bool { return bytes.Contains(data, k) }) {
			continue
		}
		e, err := ledger.ParseEntry(data)
		if err != nil {
			return nil, 0, internal(fmt.Sprintf("log entry %d", idx), err)
		}
		at, _ := time.Parse(ledger.TimeFormat, e.Time)
		if at.Before(from) || !at.Before(to) || e.Actor != personID && !slices.Contains(objects, e.Object) {
			continue
		}
		idxs = append(idxs, idx)
		if e.Actor == personID && isRead(e.Kind) {
			reads++
		}
	}
	return idxs, reads, rows.Err()
}

// isRead reports whether a log entry of this kind is a read: the case
// (or another record) opened, or seen in a list.
func isRead(kind string) bool { return kind == "record.viewed" || kind == "record.listed" }

// recordsAt returns the log entries at idxs (ascending) with their records.
func (s *Store) recordsAt(ctx context.Context, idxs []int64) ([]caseRecord, error) {
	recs := make([]caseRecord, 0, len(idxs))
	for len(idxs) > 0 {
		n := min(len(idxs), 500)
		args := make([]any, n)
		for i, x := range idxs[:n] {
			args[i] = x
		}
		part, err := s.recordsWhere(ctx, `e.idx `+inList(n), args...)
		if err != nil {
			return nil, err
		}
		recs = append(recs, part...)
		idxs = idxs[n:]
	}
	return recs, nil
}

// recordsWhere returns the log entries that match where, with their
// records, in log order.
func (s *Store) recordsWhere(ctx context.Context, where string, args ...any) ([]caseRecord, error) {
	rows, err := s.query(ctx, `SELECT e.idx, e.data, st.salt, st.state FROM log_entries e LEFT JOIN log_states st ON st.idx = e.idx
		WHERE `+where+` ORDER BY e.idx`, args...)
	if err != nil {
		return nil, internal("read log", err)
	}
	defer rows.Close()
	var recs []caseRecord
	for rows.Next() {
		var r caseRecord
		if err := rows.Scan(&r.item.Index, &r.item.Entry, &r.item.Salt, &r.item.State); err != nil {
			return nil, internal("read log", err)
		}
		recs = append(recs, r)
	}
	if err := rows.Err(); err != nil {
		return nil, internal("read log", err)
	}
	return recs, nil
}
