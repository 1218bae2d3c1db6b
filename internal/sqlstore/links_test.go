package sqlstore_test

import (
	"context"
	"path/filepath"
	"slices"
	"testing"

	"github.com/vigil-project/vigil"
	"github.com/vigil-project/vigil/internal/ledger"
	"github.com/vigil-project/vigil/internal/pgtest"
	"github.com/vigil-project/vigil/internal/sqlstore"
	"github.com/vigil-project/vigil/internal/synth"
)

// TestLinks records three concerns whose mentions share a car (its plate
// once misread), a phone and a child, and checks that linking proposes
// links with their evidence, that a new report naming the car, already
// named with two children, raises a pattern alert for review, that an
// analyst's decisions are logged and verifiable, and that nobody else may
// review links or see entities.
func TestLinks(t *testing.T) {
	engines(t, func(t *testing.T, e *env) {
		ctx := context.Background()
		dsl := e.user(t, "school.dsl")
		// raise records a concern about a child (ms[0]: the concern
		// records its child as its first mention), then what else it
		// names, and returns them all, the child first.
		raise := func(child string, ms ...vigil.Mention) []*vigil.Mention {
			t.Helper()
			c, _, err := e.store.RaiseConcern(ctx, dsl, vigil.NewConcern{Child: vigil.Child{Name: child, DateOfBirth: ms[0].DateOfBirth},
				WhatHappened: "Seen getting into a car outside school."})
			if err != nil {
				t.Fatal(err)
			}
			out, err := e.store.RecordMentions(ctx, dsl, c.ID, ms[1:])
			if err != nil {
				t.Fatal(err)
			}
			return append(c.Mentions, out...)
		}
		child := func(given, family, dob string) vigil.Mention {
			return vigil.Mention{Kind: vigil.MentionPerson, Role: vigil.MentionChild, GivenName: given, FamilyName: family, DateOfBirth: dob,
				Postcode: "S60 1AA"}
		}
		car := func(plate string) vigil.Mention {
			return vigil.Mention{Kind: vigil.MentionVehicle, Plate: plate, Colour: "silver", Make: "Toyota"}
		}
		phone := vigil.Mention{Kind: vigil.MentionPhone, Phone: "07700 900123"}
		venue := vigil.Mention{Kind: vigil.MentionVenue, VenueName: "Star Kebabs", VenueKind: "takeaway", Postcode: "S60 1AA"}

		first := raise("Kayleigh Example", child("Kayleigh", "Example", "2011-09-14"), car("YA12 CDE"), phone, venue)
		second := raise("Jade Sample", child("Jade", "Sample", "2010-03-02"), car("YA1Z CDE"), vigil.Mention{Kind: vigil.MentionPhone, Phone: "+44 7700 900123"},
			venue)
		analyst := e.user(t, "police.analyst")
		queue := func() []*vigil.Link {
			t.Helper()
			q, err := e.store.ReviewQueue(ctx, analyst, 0, 100)
			if err != nil {
				t.Fatal(err)
			}
			return q.Links
		}
		if q := queue(); len(q) != 0 {
			t.Fatalf("review queue before any pattern: %d items, first %+v", len(q), q[0])
		}
		// The misread plate and the phone written two ways link, by key.
		ent, err := e.store.Entity(ctx, analyst, first[1].ID)
		if err != nil {
			t.Fatal(err)
		}
		if ent.Kind != vigil.MentionVehicle || len(ent.Mentions) != 2 || len(ent.Links) != 1 {
			t.Fatalf("car entity: %d mentions, %d links", len(ent.Mentions), len(ent.Links))
		}
		l := ent.Links[0]
		if l.Status != vigil.LinkLikely || l.Method != vigil.LinkExactKey || len(l.Evidence) == 0 || l.Evidence[0].Field != "plate" {
			t.Errorf("car link: %+v", l)
		}
		if got, _ := e.store.Entity(ctx, analyst, second[2].ID); got == nil || got.ID != min(first[2].ID, second[2].ID) || len(got.Mentions) != 2 {
			t.Errorf("phone entity: %+v", got)
		}
		if ent.ID != min(first[1].ID, second[1].ID) {
			t.Errorf("entity id %s is not its smallest mention id", ent.ID)
		}

		// A third report names the car: it is already named with two
		// children, so an analyst is asked to look.
		third := raise("Kayleigh Exampel", child("Kayleigh", "Exampel", "2011-09-14"), car("ya12cde"))
		q := queue()
		var alert *vigil.Link
		for _, l := range q {
			if l.Method == vigil.LinkPattern {
				alert = l
			}
		}
		if alert == nil {
			t.Fatalf("no pattern alert in the queue: %d items", len(q))
		}
		if alert.Left != third[1].ID || alert.Right != ent.ID || alert.Reason == "" || alert.LeftMention == nil || alert.RightMention == nil {
			t.Errorf("alert: %+v", alert)
		}

		// The network around the first child shows the car, the phone
		// and the other child.
		nw, err := e.store.EntityNetwork(ctx, analyst, first[0].ID, vigil.NetworkQuery{Hops: 2, To: second[0].ID})
		if err != nil {
			t.Fatal(err)
		}
		kinds := map[vigil.MentionKind]int{}
		for _, n := range nw.Nodes {
			kinds[n.Kind]++
		}
		if kinds[vigil.MentionVehicle] != 1 || kinds[vigil.MentionPhone] != 1 || kinds[vigil.MentionPerson] < 2 || len(nw.Edges) == 0 {
			t.Errorf("network: %+v", nw)
		}
		if len(nw.Path) < 3 || nw.Path[0] != nw.Center {
			t.Errorf("path from the first child to the second: %v", nw.Path)
		}

		// Decisions: confirm the alert, reject the car link.
		if _, err := e.store.DecideLink(ctx, analyst, alert.ID, vigil.LinkDecision{Confirm: true, Note: "Same car; passed to CSE team"}); err != nil {
			t.Fatal(err)
		}
		rej, err := e.store.DecideLink(ctx, analyst, l.ID, vigil.LinkDecision{Confirm: false, Note: "Different cars: checked with DVLA"})
		if err != nil {
			t.Fatal(err)
		}
		if rej.Status != vigil.LinkRejected || rej.DecidedBy != analyst.ID || rej.Note == "" {
			t.Errorf("rejected link: %+v", rej)
		}
		if _, err := e.store.DecideLink(ctx, analyst, l.ID, vigil.LinkDecision{Confirm: true}); vigil.ErrorCode(err) != vigil.ECONFLICT {
			t.Errorf("deciding twice: err = %v", err)
		}
		if kinds := e.kindsOf(t, l.ID); !slices.Equal(kinds, []string{"link.proposed", "link.rejected"}) {
			t.Errorf("log of the rejected link: %v", kinds)
		}
		if kinds := e.kindsOf(t, alert.ID); !slices.Equal(kinds, []string{"link.proposed", "link.confirmed"}) {
			t.Errorf("log of the alert: %v", kinds)
		}
		// A rejected link no longer joins: the first reading of the car
		// stands apart from the second.
		after, err := e.store.Entity(ctx, analyst, first[1].ID)
		if err != nil {
			t.Fatal(err)
		}
		for _, m := range after.Mentions {
			if m.ID == second[1].ID {
				t.Error("a rejected link still joins the car's mentions")
			}
		}
		// Running linking again proposes nothing already decided.
		run, err := e.store.RunLinking(ctx, analyst)
		if err != nil {
			t.Fatal(err)
		}
		for _, l := range queue() {
			if l.Left == rej.Left && l.Right == rej.Right && l.Method == rej.Method {
				t.Errorf("a rejected link was proposed again: %+v (run %+v)", l, run)
			}
		}
		// Reading an entity is on record.
		if kinds := e.kindsOf(t, ent.ID); !slices.Contains(kinds, "record.viewed") {
			t.Errorf("entity reads not logged: %v", kinds)
		}

		// Nobody without the grants reviews links or sees entities.
		for _, who := range []string{"social.worker", "police.officer", "admin", "scrutiny"} {
			u := e.user(t, who)
			if _, err := e.store.ReviewQueue(ctx, u, 0, 10); vigil.ErrorCode(err) != vigil.EFORBIDDEN {
				t.Errorf("%s: review queue err = %v", who, err)
			}
			if _, err := e.store.DecideLink(ctx, u, alert.ID, vigil.LinkDecision{Confirm: false}); vigil.ErrorCode(err) != vigil.EFORBIDDEN {
				t.Errorf("%s: decide err = %v", who, err)
			}
			if _, err := e.store.Entity(ctx, u, ent.ID); vigil.ErrorCode(err) != vigil.EFORBIDDEN {
				t.Errorf("%s: entity err = %v", who, err)
			}
			if _, err := e.store.RunLinking(ctx, u); vigil.ErrorCode(err) != vigil.EFORBIDDEN {
				t.Errorf("%s: run linking err = %v", who, err)
			}
		}
		// Investigators may look, read-only.
		inv := e.user(t, "investigator")
		if _, err := e.store.Entity(ctx, inv, ent.ID); err != nil {
			t.Errorf("investigator: entity err = %v", err)
		}
		if _, err := e.store.DecideLink(ctx, inv, alert.ID, vigil.LinkDecision{}); vigil.ErrorCode(err) != vigil.EFORBIDDEN {
			t.Errorf("investigator: decide err = %v", err)
		}
		hs, err := e.store.Hotspots(ctx, analyst, vigil.HotspotQuery{Limit: 10})
		if err != nil {
			t.Fatal(err)
		}
		if len(hs) != 1 || hs[0].ID != min(first[3].ID, second[3].ID) || hs[0].Children != 2 || hs[0].Kind != vigil.MentionVenue {
			t.Errorf("hotspots: %+v", hs)
		}

		e.store.Log().Checkpoint(ctx)
		r, err := ledger.VerifyDB(ctx, e.db, e.key.VerifierKey(), sqlstore.Tables, nil)
		if err != nil {
			t.Fatal(err)
		}
		if !r.OK() {
			t.Errorf("verify: %v", r.Problems)
		}
	})
}

// TestFullRunInBatches: a full run writes its proposals a batch at a time
// (a region's do not fit in memory together). Across many small batches
// every proposal is written once, each with its log entry, and a second
// run proposes nothing.
func TestFullRunInBatches(t *testing.T) {
	defer sqlstore.SetSaverBatch(7)()
	for _, dsn := range []string{"sqlite:" + filepath.Join(t.TempDir(), "vigil.db"), pgtest.DSN(t)} {
		e := openEmptyStore(t, dsn)
		ctx := context.Background()
		g := synth.NewGenerator(synth.WorldOptions{Seed: 5, Scale: synth.ScaleSmall, End: vigil.Now()})
		if _, _, err := synth.Load(ctx, e.store, g, synth.LoadOptions{}); err != nil {
			t.Fatal(err)
		}
		run, err := e.store.RunLinking(ctx, vigil.SystemActor)
		if err != nil {
			t.Fatal(err)
		}
		if run.Proposed < 70 {
			t.Fatalf("the run proposed %d links: too few to cross ten batches", run.Proposed)
		}
		var rows, logged int
		if err := e.db.Reader.QueryRow(`SELECT COUNT(*) FROM links`).Scan(&rows); err != nil {
			t.Fatal(err)
		}
		if err := e.db.Reader.QueryRow(`SELECT COUNT(*) FROM log_entries WHERE object_type = 'links'`).Scan(&logged); err != nil {
			t.Fatal(err)
		}
		if rows != run.Proposed || logged != run.Proposed || run.Likely+run.Review+run.Alerts != run.Proposed {
			t.Errorf("run %+v; %d rows and %d log entries", run, rows, logged)
		}
		again, err := e.store.RunLinking(ctx, vigil.SystemActor)
		if err != nil {
			t.Fatal(err)
		}
		if again.Proposed != 0 {
			t.Errorf("%s: a second run proposed %d links already stored", e.db.Engine, again.Proposed)
		}
	}
}
