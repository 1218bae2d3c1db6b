package sqlstore_test

import (
	"context"
	"testing"
	"time"

	"golang.org/x/mod/sumdb/tlog"

	"github.com/vigil-project/vigil"
	"github.com/vigil-project/vigil/internal/evidence"
	"github.com/vigil-project/vigil/internal/ledger"
)

// checkProofs checks every entry's C2SP tlog-proof against the signed checkpoint.
func checkProofs(t *testing.T, e *env, checkpoint string, entries []vigil.TimelineEntry) {
	t.Helper()
	cp, err := ledger.OpenCheckpoint([]byte(checkpoint), e.key.Verifier())
	if err != nil {
		t.Fatal(err)
	}
	for _, te := range entries {
		p, err := evidence.ParseProof([]byte(te.Proof))
		if err != nil {
			t.Fatalf("entry %d: %v", te.Index, err)
		}
		data, err := e.store.Log().EntryData(context.Background(), te.Index, te.Index+1)
		if err != nil {
			t.Fatal(err)
		}
		hashes := make(tlog.RecordProof, len(p.Hashes))
		for i, h := range p.Hashes {
			hashes[i] = h
		}
		if int64(p.Index) != te.Index || tlog.CheckRecord(hashes, cp.Size, cp.Hash, te.Index, tlog.RecordHash(data[0])) != nil {
			t.Errorf("entry %d: proof does not check", te.Index)
		}
	}
}

func (e *env) raiseChild(t *testing.T, name, dob, address, others string) *vigil.Case {
	t.Helper()
	child := vigil.Child{Name: name, DateOfBirth: dob, Address: address}
	if dob == "" {
		age := 12
		child.Age = &age
	}
	_, cs, err := e.store.RaiseConcern(context.Background(), e.user(t, "school.dsl"), vigil.NewConcern{
		Child: child, WhatHappened: "Seen getting into cars with older men after school.",
		OthersInvolved: others})
	if err != nil {
		t.Fatal(err)
	}
	return cs
}

// TestConflictFoundLaterOnTimelines: the director reads a case naming a
// relative of theirs; only afterwards does an administrator record the
// conflict. The investigator's case timeline shows the conflict, counts
// the read made before it and marks it; the director's person timeline
// holds the administrator's record of their conflict; a conflict with
// the child's address shows on the case timeline too.
func TestConflictFoundLaterOnTimelines(t *testing.T) {
	engines(t, func(t *testing.T, e *env) {
		ctx := context.Background()
		cs := e.raiseChild(t, "Keira Latefound", "2011-04-02", "14 Mill Lane, Rotherham S60 1AA", "A man called Dean Relative drives her about")
		director, admin, inv := e.user(t, "director"), e.user(t, "admin"), e.user(t, "investigator")
		if _, err := e.store.FindCase(ctx, director, cs.ID, "case page"); err != nil {
			t.Fatal(err)
		}
		late, err := e.store.DeclareConflict(ctx, admin, vigil.NewConflict{UserID: director.ID, Kind: vigil.ConflictPerson,
			Value: "Dean Relative", Reason: "The director's nephew, found by the inquiry"})
		if err != nil {
			t.Fatal(err)
		}
		sw := e.user(t, "social.worker")
		addr, err := e.store.DeclareConflict(ctx, sw, vigil.NewConflict{UserID: sw.ID, Kind: vigil.ConflictAddress,
			Value: "14 Mill Lane", Reason: "My sister lives there"})
		if err != nil {
			t.Fatal(err)
		}
		unrelated, err := e.store.DeclareConflict(ctx, admin, vigil.NewConflict{UserID: sw.ID, Kind: vigil.ConflictPerson,
			Value: "Nobody Named Anywhere", Reason: "x"})
		if err != nil {
			t.Fatal(err)
		}

		tl, err := e.store.CaseTimeline(ctx, inv, cs.ID, allEntries)
		if err != nil {
			t.Fatal(err)
		}
		got := map[vigil.ID]vigil.TimelineConflict{}
		for _, c := range tl.Conflicts {
			got[c.ID] = c
		}
		if c, ok := got[late.Conflict.ID]; !ok || c.PersonName != director.User.Name || c.SelfDeclared || c.EarlierEntries < 1 {
			t.Errorf("the late conflict on the case timeline: %+v (present %v), want the director's, not declared, with earlier entries", c, ok)
		}
		if c, ok := got[addr.Conflict.ID]; !ok || !c.SelfDeclared || c.EarlierEntries != 0 {
			t.Errorf("the address conflict on the case timeline: %+v (present %v)", c, ok)
		}
		if _, ok := got[unrelated.Conflict.ID]; ok || len(tl.Conflicts) != 2 {
			t.Errorf("conflicts on the timeline: %d, want exactly the 2 touching the case", len(tl.Conflicts))
		}
		var directorRead, recorded bool
		for _, te := range tl.Entries {
			if te.ActorID == director.ID && te.Read && te.Purpose == "case page" {
				directorRead = true
				if !te.Conflicted {
					t.Error("the director's read, made before the conflict was recorded, is not marked")
				}
			}
			if te.ObjectID == late.Conflict.ID && te.Kind == "conflict.recorded" && te.ActorID == admin.ID {
				recorded = true
			}
			if te.Conflicted && te.ActorID != director.ID && te.ActorID != sw.ID {
				t.Errorf("entry %d by %s is marked conflicted", te.Index, te.ActorID)
			}
		}
		if !directorRead || !recorded {
			t.Errorf("case timeline: director's read %v, the entry recording the conflict %v", directorRead, recorded)
		}
		checkProofs(t, e, tl.Checkpoint, tl.Entries)

		// The director's own timeline holds the administrator's record of
		// their conflict, and marks their read.
		pt, err := e.store.PersonTimeline(ctx, inv, director.ID, vigil.Now().Add(-time.Hour), vigil.Now().Add(time.Minute), allEntries)
		if err != nil {
			t.Fatal(err)
		}
		if len(pt.Conflicts) != 1 || pt.Conflicts[0].ID != late.Conflict.ID {
			t.Errorf("person timeline conflicts: %+v", pt.Conflicts)
		}
		recorded, directorRead = false, false
		for _, te := range pt.Entries {
			if te.ObjectID == late.Conflict.ID && te.ActorID == admin.ID {
				recorded = true
			}
			if te.ActorID == director.ID && te.CaseID == cs.ID && te.Read {
				directorRead = te.Conflicted
			}
		}
		if !recorded || !directorRead {
			t.Errorf("person timeline: conflict recorded by the administrator %v, read marked conflicted %v", recorded, directorRead)
		}
		checkProofs(t, e, pt.Checkpoint, pt.Entries)
		e.verify(t)
	})
}

// TestChildAndPeriodTimelines: a child timeline gathers every case of the
// child (same name and date of birth), not another child of the same
// name, leaves out a case the investigator is conflicted with and logs
// the refusal; the period view lists every entry of the period with
// proofs, withholds what the investigator may not see, and is refused to
// others. Each opening is logged.
func TestChildAndPeriodTimelines(t *testing.T) {
	engines(t, func(t *testing.T, e *env) {
		ctx := context.Background()
		start := vigil.Now().Add(-time.Second)
		first := e.raiseChild(t, "Mia Twocases", "2010-01-05", "", "")
		second := e.raiseChild(t, "MIA TWOCASES", "2010-01-05", "", "")
		third := e.raiseChild(t, "Mia Twocases", "2010-01-05", "", "")
		other := e.raiseChild(t, "Mia Twocases", "2012-07-30", "", "")
		inv := e.user(t, "investigator")
		if _, err := e.store.DeclareConflict(ctx, inv, vigil.NewConflict{UserID: inv.ID, Kind: vigil.ConflictCase,
			Value: string(third.ID), Reason: "I inspected the home"}); err != nil {
			t.Fatal(err)
		}
		before := refusals(t, e, third.ID)
		ct, err := e.store.ChildTimeline(ctx, inv, first.ID, allEntries)
		if err != nil {
			t.Fatal(err)
		}
		var ids []vigil.ID
		for _, c := range ct.Cases {
			ids = append(ids, c.ID)
		}
		if len(ids) != 2 || ids[0] != first.ID || ids[1] != second.ID || ct.Withheld != 1 {
			t.Errorf("child timeline cases %v (withheld %d), want %s and %s, one withheld", ids, ct.Withheld, first.ID, second.ID)
		}
		if refusals(t, e, third.ID) != before+1 {
			t.Error("the conflicted case's refusal is not logged")
		}
		seen := map[vigil.ID]bool{}
		for _, te := range ct.Entries {
			seen[te.CaseID] = true
			if te.CaseID == third.ID || te.CaseID == other.ID {
				t.Errorf("entry %d is about case %s", te.Index, te.CaseID)
			}
		}
		if !seen[first.ID] || !seen[second.ID] {
			t.Errorf("entries cover cases %v", seen)
		}
		checkProofs(t, e, ct.Checkpoint, ct.Entries)
		for _, id := range []vigil.ID{first.ID, second.ID} {
			if n := reads(t, e, id, "child timeline"); n != 1 {
				t.Errorf("case %s: %d reads for the child timeline, want 1", id, n)
			}
		}
		// Without a date of birth, only the case itself.
		lone := e.raiseChild(t, "Mia Twocases", "", "", "")
		if ct, err := e.store.ChildTimeline(ctx, inv, lone.ID, allEntries); err != nil || len(ct.Cases) != 1 {
			t.Errorf("child without a date of birth: %v, %d cases", err, len(ct.Cases))
		}
		if _, err := e.store.ChildTimeline(ctx, e.user(t, "director"), first.ID, allEntries); vigil.ErrorCode(err) != vigil.ENOTFOUND {
			t.Errorf("director opening a child timeline: %v", err)
		}

		pt, err := e.store.PeriodTimeline(ctx, inv, start, vigil.Now().Add(time.Minute), allEntries)
		if err != nil {
			t.Fatal(err)
		}
		withheld, cases := 0, map[vigil.ID]bool{}
		for _, te := range pt.Entries {
			cases[te.CaseID] = true
			if te.CaseID == third.ID {
				if !te.Withheld || te.Purpose != "" {
					t.Errorf("entry %d about the conflicted case is shown: %+v", te.Index, te)
				}
				withheld++
			} else if te.Withheld {
				t.Errorf("entry %d about case %s withheld", te.Index, te.CaseID)
			}
		}
		if withheld == 0 || withheld != pt.Withheld || !cases[first.ID] || !cases[other.ID] {
			t.Errorf("period: %d withheld (counted %d), cases %v", withheld, pt.Withheld, cases)
		}
		if n := countKind(t, e, "record.viewed", "log"); n != 1 {
			t.Errorf("%d openings of a period logged, want 1", n)
		}
		checkProofs(t, e, pt.Checkpoint, pt.Entries)
		for _, who := range []string{"director", "police.analyst", "scrutiny"} {
			if _, err := e.store.PeriodTimeline(ctx, e.user(t, who), start, vigil.Now(), allEntries); vigil.ErrorCode(err) != vigil.ENOTFOUND {
				t.Errorf("%s opened the period view: %v", who, err)
			}
		}
		if n := countKind(t, e, "timeline.access_refused", "log"); n != 3 {
			t.Errorf("%d refused openings of a period logged, want 3", n)
		}
		e.verify(t)
	})
}

// reads counts the reads of an object with a purpose.
func reads(t *testing.T, e *env, id vigil.ID, purpose string) int {
	t.Helper()
	rows, err := e.db.Reader.Query(e.db.Rebind(`SELECT st.state FROM log_entries e JOIN log_states st ON st.idx = e.idx WHERE e.object_id = ?`), id)
	if err != nil {
		t.Fatal(err)
	}
	defer rows.Close()
	n := 0
	for rows.Next() {
		var state []byte
		if err := rows.Scan(&state); err != nil {
			t.Fatal(err)
		}
		if string(state) == `{"purpose":"`+purpose+`"}` {
			n++
		}
	}
	return n
}

// countKind counts log entries of a kind about objects of a type.
func countKind(t *testing.T, e *env, kind, objectType string) int {
	t.Helper()
	rows, err := e.db.Reader.Query(`SELECT data FROM log_entries`)
	if err != nil {
		t.Fatal(err)
	}
	defer rows.Close()
	n := 0
	for rows.Next() {
		var data []byte
		if err := rows.Scan(&data); err != nil {
			t.Fatal(err)
		}
		en, err := ledger.ParseEntry(data)
		if err != nil {
			t.Fatal(err)
		}
		if en.Kind == kind && en.Type == objectType {
			n++
		}
	}
	return n
}
