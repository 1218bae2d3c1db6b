package sqlstore_test

import (
	"context"
	"testing"
	"time"

	"github.com/vigil-project/vigil"
)

// TestConflictsOutsideTheCasePage: a conflict of interest closes a case
// everywhere its contents show, not only on the case page. The analyst,
// conflicted with two reports, does not see their mentions in an entity,
// a network or the review queue, cannot decide a link into one, and each
// refusal is logged; an entity named only in such a report is refused.
func TestConflictsOutsideTheCasePage(t *testing.T) {
	engines(t, func(t *testing.T, e *env) {
		ctx := context.Background()
		dsl := e.user(t, "school.dsl")
		raise := func(child string, ms ...vigil.Mention) []*vigil.Mention {
			t.Helper()
			age := 14
			c, _, err := e.store.RaiseConcern(ctx, dsl, vigil.NewConcern{Child: vigil.Child{Name: child, Age: &age},
				WhatHappened: "Seen getting into a car outside school."})
			if err != nil {
				t.Fatal(err)
			}
			out, err := e.store.RecordMentions(ctx, dsl, c.ID, ms)
			if err != nil {
				t.Fatal(err)
			}
			return out
		}
		child := func(given, family, dob string) vigil.Mention {
			return vigil.Mention{Kind: vigil.MentionPerson, Role: vigil.MentionChild, GivenName: given, FamilyName: family, DateOfBirth: dob}
		}
		car := func(plate string) vigil.Mention {
			return vigil.Mention{Kind: vigil.MentionVehicle, Plate: plate, Colour: "silver", Make: "Toyota"}
		}
		first := raise("Kayleigh Example", child("Kayleigh", "Example", "2011-09-14"), car("YA12 CDE"))
		second := raise("Jade Sample", child("Jade", "Sample", "2010-03-02"), car("YA12 CDE"))
		analyst := e.user(t, "police.analyst")
		// Looking at the car refreshes what linking knows before the third
		// report, whose alert compares with what was known before it.
		if _, err := e.store.Entity(ctx, analyst, first[1].ID); err != nil {
			t.Fatal(err)
		}
		third := raise("Kayleigh Exampel", child("Kayleigh", "Exampel", "2011-09-14"), car("ya12cde"))
		q, err := e.store.ReviewQueue(ctx, analyst, 0, 100)
		if err != nil {
			t.Fatal(err)
		}
		var alert *vigil.Link
		for _, l := range q.Links {
			if l.Method == vigil.LinkPattern && l.Left == third[1].ID {
				alert = l
			}
		}
		if alert == nil {
			t.Fatalf("no pattern alert on the third report's car among %d links", len(q.Links))
		}
		secondCase, thirdCase := second[0].CaseID, third[0].CaseID
		for _, id := range []vigil.ID{secondCase, thirdCase} {
			if _, err := e.store.DeclareConflict(ctx, analyst, vigil.NewConflict{UserID: analyst.ID, Kind: vigil.ConflictCase,
				Value: string(id), Reason: "My niece"}); err != nil {
				t.Fatal(err)
			}
		}
		before := refusals(t, e, secondCase)

		ent, err := e.store.Entity(ctx, analyst, first[1].ID)
		if err != nil {
			t.Fatal(err)
		}
		for _, m := range ent.Mentions {
			if m.CaseID == secondCase || m.CaseID == thirdCase {
				t.Errorf("the car entity shows mention %s of a conflicted case", m.ID)
			}
		}
		for _, l := range ent.Links {
			for _, m := range []*vigil.Mention{l.LeftMention, l.RightMention} {
				if m != nil && (m.CaseID == secondCase || m.CaseID == thirdCase) {
					t.Errorf("link %s shows a mention of a conflicted case", l.ID)
				}
			}
		}
		for _, c := range ent.Concerns {
			if c.CaseID == secondCase || c.CaseID == thirdCase {
				t.Errorf("the car entity lists a report of a conflicted case")
			}
		}
		if len(ent.Mentions) != 1 {
			t.Errorf("car entity: %d mentions shown, want 1", len(ent.Mentions))
		}
		if refusals(t, e, secondCase) <= before {
			t.Error("hiding the conflicted report from the entity was not logged as a refusal")
		}
		// Jade is named only in a conflicted report.
		if _, err := e.store.Entity(ctx, analyst, second[0].ID); vigil.ErrorCode(err) != vigil.EFORBIDDEN {
			t.Errorf("entity named only in a conflicted report: err = %v", err)
		}
		if _, err := e.store.EntityNetwork(ctx, analyst, second[0].ID, vigil.NetworkQuery{Hops: 2}); vigil.ErrorCode(err) != vigil.EFORBIDDEN {
			t.Errorf("network around it: err = %v", err)
		}
		nw, err := e.store.EntityNetwork(ctx, analyst, first[0].ID, vigil.NetworkQuery{Hops: 3})
		if err != nil {
			t.Fatal(err)
		}
		for _, n := range nw.Nodes {
			if n.ID == second[0].ID || n.ID == third[0].ID {
				t.Errorf("the network shows %s, named only in a conflicted report", n.Label)
			}
		}
		q, err = e.store.ReviewQueue(ctx, analyst, 0, 100)
		if err != nil {
			t.Fatal(err)
		}
		for _, l := range q.Links {
			if l.ID == alert.ID {
				t.Error("the review queue shows a link into a conflicted report")
			}
		}
		if q.Withheld == 0 || q.Total != len(q.Links)+q.Withheld {
			t.Errorf("the queue holds %d links, shows %d and says %d are withheld", q.Total, len(q.Links), q.Withheld)
		}
		if _, err := e.store.DecideLink(ctx, analyst, alert.ID, vigil.LinkDecision{Confirm: true}); vigil.ErrorCode(err) != vigil.EFORBIDDEN {
			t.Errorf("deciding a link into a conflicted report: err = %v", err)
		}
		// Without a conflict, the investigator sees all three reports.
		all, err := e.store.Entity(ctx, e.user(t, "investigator"), first[1].ID)
		if err != nil {
			t.Fatal(err)
		}
		if len(all.Mentions) != 3 {
			t.Errorf("investigator's car entity: %d mentions, want 3", len(all.Mentions))
		}
		e.verify(t)
	})
}

// TestWorkListsGoThroughAccess: escalation and transfer lists name the
// child only to those who may open the case, log those reads, and leave
// out (logging the refusal) what a conflict of interest closes.
func TestWorkListsGoThroughAccess(t *testing.T) {
	engines(t, func(t *testing.T, e *env) {
		ctx := context.Background()
		cs := e.raise(t, 4*24*time.Hour)
		if res, err := e.store.Sweep(ctx, vigil.Now()); err != nil || res.Missed < 1 {
			t.Fatalf("sweep: %v, %+v", err, res)
		}
		item := func(who string) *vigil.EscalationItem {
			t.Helper()
			items, err := e.store.Escalations(ctx, e.user(t, who))
			if err != nil {
				t.Fatal(err)
			}
			for _, it := range items {
				if it.CaseID == cs.ID {
					return it
				}
			}
			return nil
		}
		if it := item("scrutiny"); it == nil || it.Identified || it.ChildName != "" || it.CaseRef != cs.Ref {
			t.Errorf("scrutiny's escalation: %+v, want the reference without the child's name", it)
		}
		if n := reads(t, e, cs.ID, "escalations"); n != 0 {
			t.Errorf("%d reads logged for an escalation list without names", n)
		}
		if it := item("commissioner"); it == nil || !it.Identified || it.ChildName != cs.Child.Name {
			t.Errorf("commissioner's escalation: %+v", it)
		}
		if n := reads(t, e, cs.ID, "escalations"); n != 1 {
			t.Errorf("%d reads logged for the commissioner's list, want 1", n)
		}
		comm := e.user(t, "commissioner")
		if _, err := e.store.DeclareConflict(ctx, comm, vigil.NewConflict{UserID: comm.ID, Kind: vigil.ConflictPerson,
			Value: cs.Child.Name, Reason: "My granddaughter"}); err != nil {
			t.Fatal(err)
		}
		before := refusals(t, e, cs.ID)
		if it := item("commissioner"); it != nil {
			t.Errorf("a conflicted commissioner still sees the escalation: %+v", it)
		}
		if refusals(t, e, cs.ID) != before+1 {
			t.Error("the conflicted escalation's refusal is not logged")
		}
		d := e.detail(t, cs.ID)
		if err := e.store.ResolveEscalation(ctx, comm, d.Escalations[0].ID, "Fine", nil); vigil.ErrorCode(err) != vigil.EFORBIDDEN {
			t.Errorf("conflicted commissioner answering: %v", err)
		}
		if refusals(t, e, cs.ID) != before+2 {
			t.Error("the refused answer is not logged")
		}

		// Transfers: offered, named and logged; closed by a conflict.
		duty, sw := e.user(t, "duty.manager"), e.user(t, "social.worker2")
		tr, err := e.store.OfferTransfer(ctx, duty, cs.ID, sw.ID, "Allocated")
		if err != nil {
			t.Fatal(err)
		}
		list, err := e.store.TransfersOffered(ctx, sw)
		if err != nil || len(list) != 1 || !list[0].Identified || list[0].ChildName != cs.Child.Name {
			t.Fatalf("transfers offered: %v, %+v", err, list)
		}
		if n := reads(t, e, cs.ID, "transfers offered"); n != 1 {
			t.Errorf("%d reads logged for the transfer list, want 1", n)
		}
		if _, err := e.store.DeclareConflict(ctx, e.user(t, "admin"), vigil.NewConflict{UserID: sw.ID, Kind: vigil.ConflictCase,
			Value: string(cs.ID), Reason: "Found later: a relative"}); err != nil {
			t.Fatal(err)
		}
		before = refusals(t, e, cs.ID)
		if list, _ := e.store.TransfersOffered(ctx, sw); len(list) != 0 {
			t.Errorf("a conflicted person still sees the offer: %+v", list)
		}
		if err := e.store.AnswerTransfer(ctx, sw, tr.ID, true, ""); vigil.ErrorCode(err) != vigil.EFORBIDDEN {
			t.Errorf("a conflicted person accepting: %v", err)
		}
		if refusals(t, e, cs.ID) != before+2 {
			t.Errorf("refusals logged: %d, want 2", refusals(t, e, cs.ID)-before)
		}
		if err := e.store.AnswerTransfer(ctx, sw, tr.ID, false, "Conflict of interest"); err != nil {
			t.Errorf("a conflicted person refusing: %v", err)
		}
		if _, err := e.store.OfferTransfer(ctx, duty, cs.ID, sw.ID, "Again"); vigil.ErrorCode(err) != vigil.EINVALID {
			t.Errorf("offering a case to someone it is closed to: %v", err)
		}
		e.verify(t)
	})
}
