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

// TestCaseTimelineListsEveryRead has several people open a case and see it
// in lists, then checks that the investigator's timeline lists each read
// the log holds about the case (no more, no fewer, with who and why), that
// every entry's proof checks against the signed checkpoint, that the
// timeline's own opening is logged, and that people without the grant are
// refused and leave a trace.
func TestCaseTimelineListsEveryRead(t *testing.T) {
	engines(t, func(t *testing.T, e *env) {
		ctx := context.Background()
		cs := e.raise(t, time.Hour)
		type read struct {
			user, purpose string
		}
		made := []read{{"duty.manager", "case page"}, {"school.dsl", "case page"}, {"team.manager", "api"}, {"investigator", "test"}}
		for _, r := range made {
			if _, err := e.store.FindCase(ctx, e.user(t, r.user), cs.ID, r.purpose); err != nil {
				t.Fatalf("%s opens the case: %v", r.user, err)
			}
		}
		duty := e.town.Login("duty.manager").User
		if _, err := e.store.Cases(ctx, e.user(t, "duty.manager"), vigil.CaseFilter{OwnerID: duty.ID, Purpose: "my work"}); err != nil {
			t.Fatal(err)
		}
		made = append(made, read{"duty.manager", "my work"})

		// Those without the grant are refused, and the refusal is in the log.
		for _, who := range []string{"social.worker", "admin", "scrutiny"} {
			if _, err := e.store.CaseTimeline(ctx, e.user(t, who), cs.ID, allEntries); vigil.ErrorCode(err) != vigil.ENOTFOUND {
				t.Errorf("%s opened the timeline: err = %v", who, err)
			}
		}
		if _, err := e.store.CaseTimeline(ctx, e.user(t, "investigator"), "not-a-case", allEntries); vigil.ErrorCode(err) != vigil.ENOTFOUND {
			t.Errorf("timeline of a bad id: err = %v", err)
		}

		tl, err := e.store.CaseTimeline(ctx, e.user(t, "investigator"), cs.ID, allEntries)
		if err != nil {
			t.Fatal(err)
		}
		made = append(made, read{"investigator", "timeline"})

		// Every read the log holds about the case, straight from the table.
		want := map[int64]bool{}
		rows, err := e.db.Reader.QueryContext(ctx, e.db.Rebind(`SELECT idx, data FROM log_entries WHERE object_id = ? ORDER BY idx`), cs.ID)
		if err != nil {
			t.Fatal(err)
		}
		refusals := 0
		for rows.Next() {
			var idx int64
			var data []byte
			if err := rows.Scan(&idx, &data); err != nil {
				t.Fatal(err)
			}
			en, err := ledger.ParseEntry(data)
			if err != nil {
				t.Fatal(err)
			}
			switch en.Kind {
			case "record.viewed", "record.listed":
				want[idx] = true
			case "case.access_refused":
				refusals++
			}
		}
		rows.Close()
		if refusals != 3 {
			t.Errorf("%d refusals logged, want 3", refusals)
		}

		cp, err := ledger.OpenCheckpoint([]byte(tl.Checkpoint), e.key.Verifier())
		if err != nil {
			t.Fatal(err)
		}
		got := map[read]bool{}
		last := int64(-1)
		kinds := map[string]bool{}
		for _, te := range tl.Entries {
			if te.Index <= last {
				t.Errorf("entry %d after %d: not in log order", te.Index, last)
			}
			last = te.Index
			kinds[te.Kind] = true
			if te.Read {
				if !want[te.Index] {
					t.Errorf("entry %d is listed as a read but is not one", te.Index)
				}
				delete(want, te.Index)
				var username string
				for _, l := range e.town.Logins {
					if l.User.ID == te.ActorID {
						username = l.User.Username
					}
				}
				got[read{username, te.Purpose}] = true
				if te.ActorName == "" {
					t.Errorf("read %d has no actor name", te.Index)
				}
			}
			// The proof is a C2SP tlog-proof against the checkpoint, of the entry the log holds.
			p, err := evidence.ParseProof([]byte(te.Proof))
			if err != nil {
				t.Fatalf("entry %d: %v", te.Index, err)
			}
			if int64(p.Index) != te.Index || string(p.Checkpoint) != tl.Checkpoint {
				t.Errorf("entry %d: proof names index %d or another checkpoint", te.Index, p.Index)
			}
			data, err := e.store.Log().EntryData(ctx, te.Index, te.Index+1)
			if err != nil {
				t.Fatal(err)
			}
			hashes := make(tlog.RecordProof, len(p.Hashes))
			for i, h := range p.Hashes {
				hashes[i] = h
			}
			if err := tlog.CheckRecord(hashes, cp.Size, cp.Hash, te.Index, tlog.RecordHash(data[0])); err != nil {
				t.Errorf("entry %d: proof does not check: %v", te.Index, err)
			}
		}
		if len(want) > 0 {
			t.Errorf("reads missing from the timeline: %v", want)
		}
		for _, r := range made {
			if !got[r] {
				t.Errorf("timeline lacks the read by %s for %q (has %v)", r.user, r.purpose, got)
			}
		}
		for _, k := range []string{"case.opened", "concern.received", "deadline.started", "case.access_refused"} {
			if !kinds[k] {
				t.Errorf("timeline lacks a %s entry", k)
			}
		}
		if n := len(tl.Entries); n == 0 || tl.Entries[n-1].Purpose != "timeline" {
			t.Error("the timeline's own opening is not its last entry")
		}

		// The export is a bundle that verifies against the log's key, and is itself logged.
		zip, err := e.store.ExportCase(ctx, e.user(t, "investigator"), cs.ID)
		if err != nil {
			t.Fatal(err)
		}
		b, err := evidence.Parse(zip)
		if err != nil {
			t.Fatal(err)
		}
		sum, err := b.Verify(e.key.VerifierKey())
		if err != nil {
			t.Fatal(err)
		}
		if sum.Entries != len(tl.Entries)+1 || sum.Records != sum.Entries || !sum.KeySupplied {
			t.Errorf("bundle summary %+v, want %d entries with their records", sum, len(tl.Entries)+1)
		}
		if _, err := e.store.ExportCase(ctx, e.user(t, "commissioner"), cs.ID); vigil.ErrorCode(err) != vigil.ENOTFOUND {
			t.Errorf("a commissioner (no export grant) exported: err = %v", err)
		}
	})
}

// TestPersonTimeline has a team manager open two cases and checks that an
// investigator's timeline of the manager for the period lists both reads,
// each proved, and nothing by anyone else except what concerns the
// manager's account (the investigator's own look, logged first).
func TestPersonTimeline(t *testing.T) {
	engines(t, func(t *testing.T, e *env) {
		ctx := context.Background()
		a, b := e.raise(t, time.Hour), e.raise(t, time.Hour)
		before := time.Now().Add(-time.Minute)
		tm := e.user(t, "team.manager")
		for _, c := range []*vigil.Case{a, b} {
			if _, err := e.store.FindCase(ctx, tm, c.ID, "case page"); err != nil {
				t.Fatal(err)
			}
			if _, err := e.store.FindCase(ctx, e.user(t, "duty.manager"), c.ID, "case page"); err != nil {
				t.Fatal(err)
			}
		}
		after := time.Now().Add(time.Minute)
		if _, err := e.store.PersonTimeline(ctx, e.user(t, "social.worker"), tm.ID, before, after, allEntries); vigil.ErrorCode(err) != vigil.ENOTFOUND {
			t.Errorf("a social worker saw a person timeline: err = %v", err)
		}
		if _, err := e.store.PersonTimeline(ctx, e.user(t, "investigator"), tm.ID, after, before, allEntries); vigil.ErrorCode(err) != vigil.EINVALID {
			t.Errorf("a period ending before it starts: err = %v", err)
		}
		pt, err := e.store.PersonTimeline(ctx, e.user(t, "investigator"), tm.ID, before, after, allEntries)
		if err != nil {
			t.Fatal(err)
		}
		if pt.Person.ID != tm.ID || pt.Paging.Later != 0 {
			t.Errorf("timeline of %s, paging %+v", pt.Person.ID, pt.Paging)
		}
		cp, err := ledger.OpenCheckpoint([]byte(pt.Checkpoint), e.key.Verifier())
		if err != nil {
			t.Fatal(err)
		}
		opened := map[vigil.ID]bool{}
		looked := false
		for _, te := range pt.Entries {
			switch {
			case te.ActorID == tm.ID && te.Kind == "record.viewed" && te.ObjectType == "cases":
				opened[te.ObjectID] = true
			case te.ObjectID == tm.ID && te.Purpose == "person timeline":
				looked = true
			case te.ActorID != tm.ID && te.ObjectID != tm.ID:
				t.Errorf("entry %d (%s by %s on %s) is neither by nor about the person", te.Index, te.Kind, te.ActorID, te.ObjectID)
			}
			if te.Time.Before(before) || !te.Time.Before(after) {
				t.Errorf("entry %d at %v is outside the period", te.Index, te.Time)
			}
			p, err := evidence.ParseProof([]byte(te.Proof))
			if err != nil {
				t.Fatal(err)
			}
			data, err := e.store.Log().EntryData(ctx, te.Index, te.Index+1)
			if err != nil {
				t.Fatal(err)
			}
			hashes := make(tlog.RecordProof, len(p.Hashes))
			for i, h := range p.Hashes {
				hashes[i] = h
			}
			if err := tlog.CheckRecord(hashes, cp.Size, cp.Hash, te.Index, tlog.RecordHash(data[0])); err != nil {
				t.Errorf("entry %d: %v", te.Index, err)
			}
		}
		if !opened[a.ID] || !opened[b.ID] {
			t.Errorf("the manager's reads of both cases are not listed: %v", opened)
		}
		if !looked {
			t.Error("the investigator's look at the person is not listed")
		}
	})
}

// allEntries asks for a timeline's entries on one page, for tests of
// what a timeline holds rather than of its paging.
var allEntries = vigil.TimelinePage{Limit: vigil.MaxTimelinePage}
