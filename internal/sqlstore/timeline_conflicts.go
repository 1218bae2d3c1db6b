package sqlstore

import (
	"context"
	"database/sql"
	"slices"
	"strings"

	"github.com/vigil-project/vigil"
)

// Conflicts of interest on the timelines (issue 5, part 5: "an undeclared
// conflict found later is visible to investigators"). A conflict touches
// a case when it names the case, or a person or address named in the case
// (vigil.ConflictsWith); the timelines show each such conflict whenever it
// was recorded, and mark the entries its holder made on the case, so that
// reads made before anyone knew stand out.

// allConflicts reads every recorded conflict of interest of anyone about
// a person or an address, and those naming one of caseIDs.
func (s *Store) allConflicts(ctx context.Context, caseIDs []vigil.ID) ([]*vigil.Conflict, error) {
	var out []*vigil.Conflict
	q := `SELECT id, user_id, kind, value, reason, recorded_by, self_declared, created_at FROM conflicts WHERE kind <> 'case'`
	args := make([]any, 0, len(caseIDs))
	if len(caseIDs) > 0 && len(caseIDs) <= 500 {
		q += ` OR value IN (?` + strings.Repeat(", ?", len(caseIDs)-1) + `)`
		for _, id := range caseIDs {
			args = append(args, id)
		}
	} else if len(caseIDs) > 500 {
		q = `SELECT id, user_id, kind, value, reason, recorded_by, self_declared, created_at FROM conflicts`
	}
	err := each(reader{s, ctx}, func(r scanner) error {
		var c vigil.Conflict
		var self, created int64
		if err := r.Scan(&c.ID, &c.UserID, &c.Kind, &c.Value, &c.Reason, &c.RecordedBy, &self, &created); err != nil {
			return err
		}
		c.SelfDeclared, c.CreatedAt = self == 1, fromMicros(created)
		out = append(out, &c)
		return nil
	}, q+` ORDER BY created_at, id`, args...)
	if err != nil {
		return nil, internal("read conflicts", err)
	}
	return out, nil
}

// conflictsTouching returns, for each of cases, the conflicts of interest
// of anyone that touch it.
func (s *Store) conflictsTouching(ctx context.Context, cases []*vigil.Case) (map[vigil.ID][]*vigil.Conflict, error) {
	ids := make([]vigil.ID, len(cases))
	for i, c := range cases {
		ids[i] = c.ID
	}
	all, err := s.allConflicts(ctx, ids)
	if err != nil || len(all) == 0 {
		return nil, err
	}
	out := map[vigil.ID][]*vigil.Conflict{}
	for _, c := range cases {
		concerns, err := s.concernsOf(reader{s, ctx}, c.ID)
		if err != nil {
			return nil, err
		}
		for _, x := range all {
			if vigil.ConflictsWith([]*vigil.Conflict{x}, c, concerns) {
				out[c.ID] = append(out[c.ID], x)
			}
		}
	}
	return out, nil
}

// conflictsOnEntries returns the conflicts touching the cases of entries
// (whose CaseID is set), reading each case once.
func (s *Store) conflictsOnEntries(ctx context.Context, entries []vigil.TimelineEntry) (map[vigil.ID][]*vigil.Conflict, error) {
	var ids []vigil.ID
	for _, e := range entries {
		if e.CaseID != "" {
			ids = append(ids, e.CaseID)
		}
	}
	slices.Sort(ids)
	ids = slices.Compact(ids)
	all, err := s.allConflicts(ctx, ids)
	if err != nil || len(all) == 0 {
		return nil, err
	}
	var cases []*vigil.Case
	for _, id := range ids {
		c, err := scanCase(s.queryRow(ctx, `SELECT `+caseColumns+` FROM cases c WHERE c.id = ?`, id))
		if err != nil {
			return nil, internal("read case", err)
		}
		cases = append(cases, c)
	}
	return s.conflictsTouching(ctx, cases)
}

// markConflicts marks each entry (whose CaseID is set) made by a person
// with a conflict touching its case, and returns those conflicts, each
// with its holder's name and the count of their entries made before it
// was recorded.
func (s *Store) markConflicts(ctx context.Context, entries []vigil.TimelineEntry, touching map[vigil.ID][]*vigil.Conflict, names map[string]string) []vigil.TimelineConflict {
	out := []vigil.TimelineConflict{}
	if len(touching) == 0 {
		return out
	}
	at := map[vigil.ID]int{}         // conflict id -> index in out
	recorded := map[vigil.ID]int64{} // conflict id -> the log index that recorded it
	// Conflicts in the order they were recorded, each once.
	var all []*vigil.Conflict
	for _, cs := range touching {
		all = append(all, cs...)
	}
	slices.SortFunc(all, func(a, b *vigil.Conflict) int {
		if c := a.CreatedAt.Compare(b.CreatedAt); c != 0 {
			return c
		}
		return strings.Compare(string(a.ID), string(b.ID))
	})
	for _, x := range all {
		if _, ok := at[x.ID]; ok {
			continue
		}
		if _, ok := names[string(x.UserID)]; !ok {
			names[string(x.UserID)] = s.userName(ctx, string(x.UserID))
		}
		at[x.ID] = len(out)
		out = append(out, vigil.TimelineConflict{Conflict: *x, PersonName: names[string(x.UserID)]})
		// "Earlier" is by log order: an entry made in the same millisecond
		// as the record of the conflict (one batch can hold both) has the
		// same time, but its place in the log says which came first.
		recorded[x.ID] = -1
		var idx sql.NullInt64
		if err := s.queryRow(ctx, `SELECT MIN(idx) FROM log_entries WHERE object_type = 'conflicts' AND object_id = ?`, x.ID).Scan(&idx); err == nil && idx.Valid {
			recorded[x.ID] = idx.Int64
		}
	}
	for i := range entries {
		e := &entries[i]
		for _, x := range touching[e.CaseID] {
			if x.UserID != e.ActorID || e.ObjectID == x.ID {
				continue
			}
			e.Conflicted = true
			earlier := e.Time.Before(x.CreatedAt) // when the log does not say (it always should)
			if r := recorded[x.ID]; r >= 0 {
				earlier = e.Index < r
			}
			if earlier {
				out[at[x.ID]].EarlierEntries++
			}
		}
	}
	return out
}

// fillCaseIDs sets the CaseID of each entry about a case: a read of the
// case, or a change to a row of one of its tables.
func (s *Store) fillCaseIDs(ctx context.Context, entries []vigil.TimelineEntry) error {
	byTable := map[string][]vigil.ID{}
	for i := range entries {
		e := &entries[i]
		switch {
		case e.ObjectType == "cases":
			e.CaseID = e.ObjectID
		case slices.Contains(caseTables, e.ObjectType):
			byTable[e.ObjectType] = append(byTable[e.ObjectType], e.ObjectID)
		}
	}
	caseOf := map[vigil.ID]vigil.ID{}
	for table, ids := range byTable {
		slices.Sort(ids)
		ids = slices.Compact(ids)
		for len(ids) > 0 {
			n := min(len(ids), 500)
			args := make([]any, n)
			for i, id := range ids[:n] {
				args[i] = id
			}
			// table is one of caseTables, never input.
			err := each(reader{s, ctx}, func(r scanner) error {
				var id, c vigil.ID
				if err := r.Scan(&id, &c); err != nil {
					return err
				}
				caseOf[id] = c
				return nil
			}, `SELECT id, case_id FROM `+table+` WHERE id IN (?`+strings.Repeat(", ?", n-1)+`)`, args...)
			if err != nil {
				return internal("read case of entries", err)
			}
			ids = ids[n:]
		}
	}
	for i := range entries {
		if c, ok := caseOf[entries[i].ObjectID]; ok {
			entries[i].CaseID = c
		}
	}
	return nil
}
