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
		// The concern's child was recorded as its first mention when it
		// was raised.
		if len(c.Mentions) != 1 || c.Mentions[0].Role != vigil.MentionChild || c.Mentions[0].FullName != "Kayleigh Example" || *c.Mentions[0].Age != 14 {
			t.Fatalf("the concern was raised with mentions %+v, want its child", c.Mentions)
		}
		if diff := cmp.Diff(append(c.Mentions, got...), read); diff != "" {
			t.Errorf("read back (-recorded +read):\n%s", diff)
		}
		if after, _ := ledger.Size(ctx, e.db); after != before+1 {
			t.Errorf("reading mentions appended %d log entries, want 1 (the read)", after-before)
		}
		if _, err := e.store.CaseMentions(ctx, e.user(t, "police.analyst"), cs.ID, "test"); vigil.ErrorCode(err) != vigil.ENOTFOUND {
			t.Errorf("unrelated reader: err = %v", err)
		}
		// Mentions sent with a concern are recorded with it, or neither is.
		count := func() (n int) {
			if err := e.db.Reader.QueryRow(`SELECT COUNT(*) FROM concerns`).Scan(&n); err != nil {
				t.Fatal(err)
			}
			return n
		}
		concerns := count()
		n := vigil.NewConcern{Child: vigil.Child{Name: "Second Example", Age: &age}, WhatHappened: "Seen in a silver taxi.",
			Mentions: []vigil.Mention{{Kind: vigil.MentionVehicle, Plate: "AB12 CDE"}, {Kind: vigil.MentionPhone}}}
		if _, _, err := e.store.RaiseConcern(ctx, dsl, n); vigil.ErrorCode(err) != vigil.EINVALID || vigil.ErrorFields(err)[0].Field != "mentions[1].kind" {
			t.Errorf("a concern with an empty phone: err = %v", err)
		}
		if after := count(); after != concerns {
			t.Errorf("%d concerns on file after a refused one, want %d", after, concerns)
		}
		n.Mentions = n.Mentions[:1]
		c2, _, err := e.store.RaiseConcern(ctx, dsl, n)
		if err != nil {
			t.Fatal(err)
		}
		if len(c2.Mentions) != 2 || c2.Mentions[1].Plate != "AB12 CDE" || c2.Mentions[1].ConcernID != c2.ID {
			t.Errorf("raised with mentions %+v", c2.Mentions)
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
