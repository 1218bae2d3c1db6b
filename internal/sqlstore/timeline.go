package sqlstore

import (
	"cmp"
	"context"
	"encoding/json"
	"fmt"
	"slices"
	"strings"
	"time"

	"golang.org/x/mod/sumdb/tlog"

	"github.com/vigil-project/vigil"
	"github.com/vigil-project/vigil/internal/evidence"
	"github.com/vigil-project/vigil/internal/ledger"
)

var _ vigil.TimelineService = (*Store)(nil)

// caseTables are the tables whose rows belong to a case through their
// case_id column: a log entry about any of their rows is about the case.
var caseTables = []string{"concerns", "case_events", "decisions", "deadlines", "escalations", "transfers",
	"missing_episodes", "screenings", "agency_referrals", "share_decisions", "demographic_records", "mentions"}

// CaseTimeline implements vigil.TimelineService. Besides the case's own
// records it shows every conflict of interest that touches the case, with
// the entry that recorded it, and marks each entry made by a person with
// such a conflict, however late the conflict came to light.
func (s *Store) CaseTimeline(ctx context.Context, actor vigil.Actor, caseID vigil.ID, page vigil.TimelinePage) (*vigil.Timeline, error) {
	if err := checkPage(page); err != nil {
		return nil, err
	}
	c, err := s.auditCase(ctx, actor, caseID, vigil.ActTimelineView, "timeline")
	if err != nil {
		return nil, err
	}
	cp, err := s.log.Checkpoint(ctx)
	if err != nil {
		return nil, internal("sign checkpoint", err)
	}
	ids, err := s.caseObjects(ctx, caseID)
	if err != nil {
		return nil, err
	}
	touching, err := s.conflictsTouching(ctx, []*vigil.Case{c})
	if err != nil {
		return nil, err
	}
	for _, x := range touching[c.ID] {
		ids = append(ids, x.ID)
	}
	recs, err := s.objectEntries(ctx, cp, ids)
	if err != nil {
		return nil, err
	}
	t := &vigil.Timeline{CaseID: c.ID, CaseRef: c.Ref, Case: c, Checkpoint: string(cp.Note)}
	// Every entry is described, so that the counts and the conflicts'
	// earlier entries are of the whole timeline; only the page is proved.
	names := actorNames()
	all := s.describeAll(ctx, recs, names)
	for i := range all {
		all[i].CaseID = c.ID
		if all[i].Read {
			t.Reads++
		}
	}
	t.Conflicts = s.markConflicts(ctx, all, touching, names)
	for i := range all {
		all[i].CaseID = "" // one case: said once, at the top
	}
	if t.Entries, t.Paging, err = s.provePage(ctx, cp, recs, all, page); err != nil {
		return nil, err
	}
	return t, nil
}

// ExportCase implements vigil.TimelineService.
func (s *Store) ExportCase(ctx context.Context, actor vigil.Actor, caseID vigil.ID) ([]byte, error) {
	if _, err := s.auditCase(ctx, actor, caseID, vigil.ActCaseExport, "export"); err != nil {
		return nil, err
	}
	cp, recs, err := s.caseRecords(ctx, caseID)
	if err != nil {
		return nil, err
	}
	meta, err := ledger.ReadMeta(ctx, s.db)
	if err != nil {
		return nil, err
	}
	b := &evidence.Bundle{Case: string(caseID), VerifierKey: meta.VerifierKey, Checkpoint: cp.Note, Items: make([]evidence.Item, len(recs))}
	for i, r := range recs {
		b.Items[i] = r.item
	}
	out, err := b.Marshal()
	if err != nil {
		return nil, internal("export case", err)
	}
	return out, nil
}

// auditCase loads a case for an investigator's action a, refusing (and
// logging the refusal) as FindCase does, and logs the read with purpose
// before anything about the case is returned.
func (s *Store) auditCase(ctx context.Context, actor vigil.Actor, id vigil.ID, a vigil.Action, purpose string) (*vigil.Case, error) {
	if !id.Valid() {
		return nil, notFound("The case")
	}
	c, err := scanCase(s.queryRow(ctx, `SELECT `+caseColumns+` FROM cases c WHERE c.id = ?`, id))
	if isNoRows(err) {
		return nil, notFound("The case")
	} else if err != nil {
		return nil, internal("read case", err)
	}
	t := vigil.Target{Case: c}
	if actor.User != nil {
		if t, err = s.access(reader{s, ctx}, actor.User, c); err != nil {
			return nil, internal("read case", err)
		}
	}
	if t.Conflict || !vigil.Can(actor.User, a, t) {
		reason := "no access"
		if t.Conflict {
			reason = "conflict of interest"
		}
		if err := s.log.Append(ctx, "case.access_refused", string(actor.ID), "cases", string(id), map[string]string{"purpose": purpose, "reason": reason}); err != nil {
			return nil, err
		}
		if t.Conflict {
			return nil, errConflict
		}
		return nil, notFound("The case")
	}
	if err := s.logReads(ctx, actor.ID, "record.viewed", "cases", []vigil.ID{id}, purpose); err != nil {
		return nil, err
	}
	return c, nil
}

// caseRecord is one log entry about a case, with its proof.
type caseRecord struct {
	entry *ledger.Entry
	item  evidence.Item
}

// caseRecords returns every log entry about the case covered by a signed
// checkpoint of the log as it is now (so the read just logged is in it),
// each with its record and its C2SP tlog-proof against that checkpoint, in
// log order.
func (s *Store) caseRecords(ctx context.Context, caseID vigil.ID) (*ledger.Checkpoint, []caseRecord, error) {
	// Sign the checkpoint now rather than wait up to a cadence for the
	// checkpointer: Ed25519 signatures are deterministic, so if both sign
	// the same size they store the same note.
	cp, err := s.log.Checkpoint(ctx)
	if err != nil {
		return nil, nil, internal("sign checkpoint", err)
	}
	ids, err := s.caseObjects(ctx, caseID)
	if err != nil {
		return nil, nil, err
	}
	recs, err := s.objectRecords(ctx, cp, ids)
	return cp, recs, err
}

// objectRecords returns every log entry within cp about one of the
// objects ids, with its record and proof, in log order.
func (s *Store) objectRecords(ctx context.Context, cp *ledger.Checkpoint, ids []vigil.ID) ([]caseRecord, error) {
	recs, err := s.objectEntries(ctx, cp, ids)
	if err != nil {
		return nil, err
	}
	if err := s.prove(ctx, cp, recs); err != nil {
		return nil, err
	}
	return recs, nil
}

// objectEntries is objectRecords without the proofs.
func (s *Store) objectEntries(ctx context.Context, cp *ledger.Checkpoint, ids []vigil.ID) ([]caseRecord, error) {
	var recs []caseRecord
	// Objects are looked up in chunks: one query per chunk stays within
	// every engine's limit on parameters and uses the (object_id, idx) index.
	const chunk = 500
	for len(ids) > 0 {
		n := min(chunk, len(ids))
		part := ids[:n]
		ids = ids[n:]
		args := make([]any, 0, n+1)
		args = append(args, cp.Size)
		for _, id := range part {
			args = append(args, id)
		}
		rows, err := s.query(ctx, `SELECT e.idx, e.data, st.salt, st.state FROM log_entries e LEFT JOIN log_states st ON st.idx = e.idx
			WHERE e.idx < ? AND e.object_id IN (?`+strings.Repeat(", ?", n-1)+`)`, args...)
		if err != nil {
			return nil, internal("read case log", err)
		}
		for rows.Next() {
			var r caseRecord
			if err := rows.Scan(&r.item.Index, &r.item.Entry, &r.item.Salt, &r.item.State); err != nil {
				rows.Close()
				return nil, internal("read case log", err)
			}
			recs = append(recs, r)
		}
		rows.Close()
		if err := rows.Err(); err != nil {
			return nil, internal("read case log", err)
		}
	}
	slices.SortFunc(recs, func(a, b caseRecord) int { return cmp.Compare(a.item.Index, b.item.Index) })
	if err := parseRecords(recs); err != nil {
		return nil, err
	}
	return recs, nil
}

// parseRecords parses each record's entry.
func parseRecords(recs []caseRecord) error {
	for i := range recs {
		r := &recs[i]
		var err error
		if r.entry == nil {
			if r.entry, err = ledger.ParseEntry(r.item.Entry); err != nil {
				return internal(fmt.Sprintf("log entry %d", r.item.Index), err)
			}
		}
		if r.item.State == nil {
			r.item.Salt = nil // erased: neither is kept
		}
	}
	return nil
}

// describeAll describes every (parsed) record, without its proof.
func (s *Store) describeAll(ctx context.Context, recs []caseRecord, names map[string]string) []vigil.TimelineEntry {
	out := make([]vigil.TimelineEntry, len(recs))
	for i, r := range recs {
		out[i] = s.timelineEntry(ctx, r, names)
	}
	return out
}

// provePage picks the page asked for of a timeline's records and their
// entries (all, described), proves the page's records against cp, and
// returns the page's entries with their proofs.
func (s *Store) provePage(ctx context.Context, cp *ledger.Checkpoint, recs []caseRecord, all []vigil.TimelineEntry, page vigil.TimelinePage) ([]vigil.TimelineEntry, vigil.TimelinePaging, error) {
	lo, hi, paging := pageBounds(len(recs), func(i int) int64 { return recs[i].item.Index }, page)
	if err := s.prove(ctx, cp, recs[lo:hi]); err != nil {
		return nil, paging, err
	}
	entries := all[lo:hi:hi]
	for i := range entries {
		entries[i].Proof = string(recs[lo+i].item.Proof)
	}
	return entries, paging, nil
}

// prove parses each record's entry and adds its C2SP tlog-proof against cp.
func (s *Store) prove(ctx context.Context, cp *ledger.Checkpoint, recs []caseRecord) error {
	if err := parseRecords(recs); err != nil {
		return err
	}
	hr := s.log.HashReader(ctx)
	for i := range recs {
		r := &recs[i]
		p, err := tlog.ProveRecord(cp.Size, r.item.Index, hr)
		if err != nil {
			return internal(fmt.Sprintf("prove log entry %d", r.item.Index), err)
		}
		r.item.Proof = evidence.ProofText(r.item.Index, p, cp.Note)
	}
	return nil
}

// timelineEntry is what a timeline shows of a proved record; names caches
// account names by id.
func (s *Store) timelineEntry(ctx context.Context, r caseRecord, names map[string]string) vigil.TimelineEntry {
	if _, ok := names[r.entry.Actor]; !ok {
		names[r.entry.Actor] = s.userName(ctx, r.entry.Actor)
	}
	at, _ := time.Parse(ledger.TimeFormat, r.entry.Time)
	te := vigil.TimelineEntry{
		Index: r.item.Index, Time: at, Kind: r.entry.Kind,
		ActorID: vigil.ID(r.entry.Actor), ActorName: names[r.entry.Actor],
		ObjectType: r.entry.Type, ObjectID: vigil.ID(r.entry.Object),
		Erased: r.item.State == nil, Proof: string(r.item.Proof),
	}
	describe(&te, r.item.State)
	return te
}

// actorNames starts the cache of actor names with Vigil's own actors.
func actorNames() map[string]string {
	return map[string]string{string(vigil.ActorSystem): "Vigil", string(vigil.ActorPublic): "Member of the public"}
}

// caseObjects returns the case's id and the ids of every row of its tables.
func (s *Store) caseObjects(ctx context.Context, caseID vigil.ID) ([]vigil.ID, error) {
	var q strings.Builder
	args := make([]any, 0, len(caseTables))
	for i, t := range caseTables {
		if i > 0 {
			q.WriteString(" UNION ALL ")
		}
		q.WriteString("SELECT id FROM " + t + " WHERE case_id = ?")
		args = append(args, caseID)
	}
	rows, err := s.query(ctx, q.String(), args...)
	if err != nil {
		return nil, internal("read case objects", err)
	}
	defer rows.Close()
	ids := []vigil.ID{caseID}
	for rows.Next() {
		var id vigil.ID
		if err := rows.Scan(&id); err != nil {
			return nil, internal("read case objects", err)
		}
		ids = append(ids, id)
	}
	return ids, rows.Err()
}

// userName returns an account's name, or "" for an id that is not one.
func (s *Store) userName(ctx context.Context, id string) string {
	var name string
	if err := s.queryRow(ctx, `SELECT name FROM users WHERE id = ?`, id).Scan(&name); err != nil {
		return ""
	}
	return name
}

// describe fills in what a timeline entry records, in words, from its kind
// and the record it commits to.
func describe(te *vigil.TimelineEntry, state []byte) {
	var rec map[string]any
	if state != nil {
		_ = json.Unmarshal(state, &rec) // an erased or non-object record leaves rec empty
	}
	str := func(k string) string { s, _ := rec[k].(string); return s }
	te.Purpose = str("purpose")
	switch te.Kind {
	case "record.viewed":
		te.Read, te.What = true, "Opened the case"
		if te.ObjectType == "users" {
			te.What = "Looked into the person's activity"
		} else if te.ObjectType != "cases" {
			te.What = "Opened a record (" + te.ObjectType + ")"
		}
	case "record.listed":
		te.Read, te.What = true, "Saw the case in a list"
	case "case.access_refused":
		te.What = "Was refused the case"
		if r := str("reason"); r != "" {
			te.What += " (" + r + ")"
		}
	default:
		if sum := str("summary"); te.ObjectType == "case_events" && sum != "" {
			te.What = "Chronology: " + sum
			return
		}
		w := strings.ReplaceAll(strings.ReplaceAll(te.Kind, "_", " "), ".", " ")
		if w != "" {
			w = strings.ToUpper(w[:1]) + w[1:]
		}
		if k := str("kind"); k != "" && te.ObjectType != "case_events" {
			w += " (" + strings.ReplaceAll(k, "_", " ") + ")"
		}
		te.What = w
	}
	if te.Erased {
		te.What += " [record erased]"
	}
}
