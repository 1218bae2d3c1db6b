package sqlstore_test

import (
	"context"
	"strings"
	"testing"

	"github.com/vigil-project/vigil"
)

// TestConflictOfInterest: a councillor-style conflict (a relative named in
// a case) closes the case to the conflicted person, whatever their role,
// in lists and by direct address, and each refusal is logged.
func TestConflictOfInterest(t *testing.T) {
	engines(t, func(t *testing.T, e *env) {
		ctx := context.Background()
		age := 15
		_, cs, err := e.store.RaiseConcern(ctx, e.user(t, "school.dsl"), vigil.NewConcern{
			Child: vigil.Child{Name: "Jade Conflicted", Age: &age}, WhatHappened: "Seen with an older man in a car.",
			OthersInvolved: "Adult male known as Dean Relative, driving a silver car"})
		if err != nil {
			t.Fatal(err)
		}
		director := e.user(t, "director")
		if _, err := e.store.FindCase(ctx, director, cs.ID, "test"); err != nil {
			t.Fatalf("director before any conflict: %v", err)
		}
		// An undeclared conflict comes to light; the administrator records it.
		if _, err := e.store.DeclareConflict(ctx, e.user(t, "social.worker"), vigil.NewConflict{UserID: director.ID,
			Kind: vigil.ConflictPerson, Value: "Dean Relative", Reason: "x"}); vigil.ErrorCode(err) != vigil.EFORBIDDEN {
			t.Errorf("a social worker recording someone else's conflict: err = %v", err)
		}
		c, err := e.store.DeclareConflict(ctx, e.user(t, "admin"), vigil.NewConflict{UserID: director.ID,
			Kind: vigil.ConflictPerson, Value: "dean  RELATIVE", Reason: "The director's nephew"})
		if err != nil {
			t.Fatal(err)
		}
		if c.Conflict.SelfDeclared {
			t.Error("a conflict recorded by the administrator counted as self-declared")
		}
		before := refusals(t, e, cs.ID)
		if _, err := e.store.FindCase(ctx, director, cs.ID, "test"); vigil.ErrorCode(err) != vigil.EFORBIDDEN {
			t.Errorf("conflicted director opening the case: err = %v", err)
		}
		if _, err := e.store.RecordDecision(ctx, director, cs.ID, vigil.NewDecision{Kind: vigil.DecideReferral, Outcome: "section47", Reason: "x"}); vigil.ErrorCode(err) != vigil.EFORBIDDEN {
			t.Errorf("conflicted director deciding on the case: err = %v", err)
		}
		if after := refusals(t, e, cs.ID); after != before+2 {
			t.Errorf("refusals logged: %d, want %d", after-before, 2)
		}
		list, err := e.store.Cases(ctx, director, vigil.CaseFilter{})
		if err != nil {
			t.Fatal(err)
		}
		for _, x := range list {
			if x.ID == cs.ID {
				t.Error("the conflicted case is listed for the director")
			}
		}
		// Others still work on it; a declared case conflict hides it from the declarer.
		if _, err := e.store.FindCase(ctx, e.user(t, "service.manager"), cs.ID, "test"); err != nil {
			t.Errorf("service manager: %v", err)
		}
		duty := e.user(t, "duty.manager")
		if _, err := e.store.DeclareConflict(ctx, duty, vigil.NewConflict{UserID: duty.ID, Kind: vigil.ConflictCase,
			Value: string(cs.ID), Reason: "I know the family"}); err != nil {
			t.Fatal(err)
		}
		if _, err := e.store.FindCase(ctx, duty, cs.ID, "test"); vigil.ErrorCode(err) != vigil.EFORBIDDEN {
			t.Errorf("owner after declaring a conflict: err = %v", err)
		}
		if got, err := e.store.Conflicts(ctx, e.user(t, "investigator"), director.ID); err != nil || len(got) != 1 {
			t.Errorf("investigator reading the director's conflicts: %v, %d", err, len(got))
		}
		e.verify(t)
	})
}

func refusals(t *testing.T, e *env, caseID vigil.ID) int {
	t.Helper()
	rows, err := e.db.Reader.Query(e.db.Rebind(`SELECT data FROM log_entries WHERE object_id = ?`), caseID)
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
		if strings.Contains(string(data), `"kind":"case.access_refused"`) {
			n++
		}
	}
	return n
}
