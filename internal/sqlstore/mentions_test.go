package sqlstore_test

import (
	"context"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/vigil-project/vigil"
	"github.com/vigil-project/vigil/internal/ledger"
	"github.com/vigil-project/vigil/internal/sqlstore"
)

func TestRecordMentions(t *testing.T) {
	engines(t, func(t *testing.T, e *env) {
		ctx := context.Background()
		age := 14
		dsl := e.user(t, "school.dsl")
		c, cs, err := e.store.RaiseConcern(ctx, dsl, vigil.NewConcern{
			Child:        vigil.Child{Name: "Kayleigh Example", Age: &age},
			WhatHappened: "Collected from school by a man in a silver taxi.",
		})
		if err != nil {
			t.Fatal(err)
		}
		suspectAge := 30
		in := []vigil.Mention{
			{Kind: vigil.MentionPerson, Role: vigil.MentionChild, FullName: " Kayleigh Example ", DateOfBirth: "2011-09", Gender: "F",
				Ethnicity: "white_british"},
			{Kind: vigil.MentionPerson, Role: vigil.MentionSuspect, Nickname: "Bash", Age: &suspectAge, Phone: "07700 900123"},
			{Kind: vigil.MentionVehicle, Plate: "AB12 CD?", Make: "Toyota", Colour: "silver", TaxiFirm: "Ace Cars"},
			{Kind: vigil.MentionVenue, VenueName: "Star Kebabs", VenueKind: "takeaway", Postcode: "s60 1aa"},
		}
		got, err := e.store.RecordMentions(ctx, dsl, c.ID, in)
		if err != nil {
			t.Fatal(err)
		}
		if got[0].FullName != "Kayleigh Example" || got[1].PhoneKey != "+447700900123" || got[3].PostcodeKey != "S601AA" || got[3].OutwardKey != "S60" {
			t.Errorf("recorded %+v / %+v / %+v", got[0], got[1], got[3])
		}
		// Someone with no part in the case may not add to it; nor may
		// anyone add nonsense.
		if _, err := e.store.RecordMentions(ctx, e.user(t, "police.analyst"), c.ID, in[:1]); vigil.ErrorCode(err) != vigil.ENOTFOUND {
			t.Errorf("unrelated user: err = %v", err)
		}
		if _, err := e.store.RecordMentions(ctx, dsl, c.ID, []vigil.Mention{{Kind: vigil.MentionPhone}}); vigil.ErrorCode(err) != vigil.EINVALID {
			t.Errorf("empty phone mention: err = %v", err)
		}
		if _, err := e.store.RecordMentions(ctx, dsl, vigil.NewID(), in[:1]); vigil.ErrorCode(err) != vigil.ENOTFOUND {
			t.Errorf("no such concern: err = %v", err)
		}
		// The owner reads them back, in order; the raiser of another case cannot.
		before, _ := ledger.Size(ctx, e.db)
		read, err := e.store.CaseMentions(ctx, e.user(t, "duty.manager"), cs.ID, "test")
		if err != nil {
			t.Fatal(err)
		}
		if diff := cmp.Diff(got, read); diff != "" {
			t.Errorf("read back (-recorded +read):\n%s", diff)
		}
		if after, _ := ledger.Size(ctx, e.db); after != before+1 {
			t.Errorf("reading mentions appended %d log entries, want 1 (the read)", after-before)
		}
		if _, err := e.store.CaseMentions(ctx, e.user(t, "police.analyst"), cs.ID, "test"); vigil.ErrorCode(err) != vigil.ENOTFOUND {
			t.Errorf("unrelated reader: err = %v", err)
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
