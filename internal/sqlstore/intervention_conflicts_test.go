package sqlstore_test

import (
	"context"
	"slices"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"github.com/vigil-project/vigil"
)

// TestConflictsUnderIntervention: while the council is under
// intervention, recording a conflict of interest for someone else is an
// administrative change like the others. The council's administrator and
// managers only ask, and nothing closes until a commissioner approves;
// a commissioner records at once; a person's own declaration is never
// held back. Requests are on the agency's record and in the log.
func TestConflictsUnderIntervention(t *testing.T) {
	engines(t, func(t *testing.T, e *env) {
		ctx := context.Background()
		admin, commissioner, manager := e.user(t, "admin"), e.user(t, "commissioner"), e.user(t, "service.manager")
		director, sw := e.user(t, "director"), e.user(t, "social.worker")
		council := e.town.Agencies[vigil.AgencyChildrensServices].ID
		cs := e.raise(t, time.Hour)
		in, err := e.store.StartIntervention(ctx, commissioner, council, "Direction of the Secretary of State")
		if err != nil {
			t.Fatal(err)
		}
		onCase := func(reason string) vigil.NewConflict {
			return vigil.NewConflict{UserID: director.ID, Kind: vigil.ConflictCase, Value: string(cs.ID), Reason: reason}
		}
		mayOpen := func() bool {
			t.Helper()
			_, err := e.store.FindCase(ctx, director, cs.ID, "test")
			if err != nil && vigil.ErrorCode(err) != vigil.EFORBIDDEN {
				t.Fatal(err)
			}
			return err == nil
		}

		asked := map[string]*vigil.AdminRecord{}
		for _, tc := range []struct {
			name  string
			actor vigil.Actor
		}{
			{"administrator", admin},
			{"manager", manager},
		} {
			t.Run(tc.name+" only asks", func(t *testing.T) {
				out, err := e.store.DeclareConflict(ctx, tc.actor, onCase("The director's niece, says the "+tc.name))
				if err != nil {
					t.Fatal(err)
				}
				if out.Conflict != nil || out.Request == nil || out.Request.Status != vigil.AdminPending ||
					out.Request.Action != vigil.AdminRecordConflict || out.Request.InterventionID != in.ID || out.Request.UserID != director.ID {
					t.Fatalf("outcome: %+v %+v", out.Conflict, out.Request)
				}
				asked[tc.name] = out.Request
			})
		}
		if cs, _ := e.store.Conflicts(ctx, director, director.ID); len(cs) != 0 || !mayOpen() {
			t.Errorf("a request closed the case before approval: %d conflicts", len(cs))
		}
		if _, err := e.store.DeclareConflict(ctx, admin, vigil.NewConflict{UserID: director.ID, Kind: vigil.ConflictCase,
			Value: string(vigil.NewID()), Reason: "x"}); vigil.ErrorCode(err) != vigil.EINVALID {
			t.Errorf("asking for a conflict with a case nobody has: %v", err)
		}
		if _, err := e.store.DeclareConflict(ctx, sw, onCase("x")); vigil.ErrorCode(err) != vigil.EFORBIDDEN {
			t.Errorf("a social worker recording the director's conflict: %v", err)
		}
		if _, err := e.store.Administer(ctx, admin, vigil.AdminChange{Action: vigil.AdminRecordConflict, UserID: director.ID,
			Conflict: vigil.NewConflict{Kind: vigil.ConflictCase, Value: string(cs.ID)}, Reason: "x"}); vigil.ErrorCode(err) != vigil.EINVALID {
			t.Errorf("a conflict through Administer, around the grant check: %v", err)
		}

		// A person's own declaration is never held back.
		own, err := e.store.DeclareConflict(ctx, sw, vigil.NewConflict{UserID: sw.ID, Kind: vigil.ConflictAddress,
			Value: "14 Mill Lane", Reason: "My sister lives there"})
		if err != nil || own.Conflict == nil || own.Request != nil || !own.Conflict.SelfDeclared {
			t.Fatalf("own declaration under intervention: %v %+v", err, own)
		}

		// The commissioner approves the administrator's request and
		// refuses the manager's: the conflict is then in force.
		if _, err := e.store.DecideAdminRequest(ctx, admin, asked["administrator"].ID, true, "mine"); vigil.ErrorCode(err) != vigil.EFORBIDDEN {
			t.Errorf("the administrator approving: %v", err)
		}
		dec, err := e.store.DecideAdminRequest(ctx, commissioner, asked["administrator"].ID, true, "Confirmed with the family court papers")
		if err != nil {
			t.Fatal(err)
		}
		if dec.Record.Status != vigil.AdminApproved {
			t.Errorf("approved: %+v", dec.Record)
		}
		if _, err := e.store.DecideAdminRequest(ctx, commissioner, asked["manager"].ID, false, "Already recorded"); err != nil {
			t.Fatal(err)
		}
		got, err := e.store.Conflicts(ctx, director, director.ID)
		if err != nil {
			t.Fatal(err)
		}
		if len(got) != 1 || got[0].Kind != vigil.ConflictCase || got[0].Value != string(cs.ID) || got[0].SelfDeclared ||
			got[0].RecordedBy != commissioner.ID || got[0].Reason != "The director's niece, says the administrator" {
			t.Fatalf("conflicts after approval: %+v", got)
		}
		if mayOpen() {
			t.Error("the director still opens the case after the conflict was approved")
		}

		// A commissioner records at once, on the agency's record.
		direct, err := e.store.DeclareConflict(ctx, commissioner, vigil.NewConflict{UserID: sw.ID, Kind: vigil.ConflictPerson,
			Value: "Gary Nephewson", Reason: "Found by the inquiry"})
		if err != nil || direct.Conflict == nil || direct.Request != nil || direct.Conflict.SelfDeclared {
			t.Fatalf("commissioner recording: %v %+v", err, direct)
		}
		pending, err := e.store.DeclareConflict(ctx, admin, vigil.NewConflict{UserID: sw.ID, Kind: vigil.ConflictPerson,
			Value: "Dean Relative", Reason: "Lapses"})
		if err != nil || pending.Request == nil {
			t.Fatalf("request to lapse: %v %+v", err, pending)
		}
		if err := e.store.EndIntervention(ctx, commissioner, in.ID, "Powers returned"); err != nil {
			t.Fatal(err)
		}
		// After the intervention the administrator records at once again.
		after, err := e.store.DeclareConflict(ctx, admin, vigil.NewConflict{UserID: sw.ID, Kind: vigil.ConflictPerson,
			Value: "Dean Relative", Reason: "Asked again"})
		if err != nil || after.Conflict == nil || after.Request != nil {
			t.Fatalf("after the intervention: %v %+v", err, after)
		}

		hist, err := e.store.AdminHistory(ctx, commissioner, council, 0)
		if err != nil {
			t.Fatal(err)
		}
		var lines []string
		for _, h := range hist {
			if h.Action == vigil.AdminRecordConflict {
				lines = append(lines, string(h.Status)+" by "+h.RequestedByName+" for "+h.UserName+": "+h.Details)
			}
		}
		slices.Sort(lines)
		want := []string{
			"approved by " + admin.User.Name + " for " + director.User.Name + ": with a case: " + string(cs.ID),
			"done by " + commissioner.User.Name + " for " + sw.User.Name + ": with a person: Gary Nephewson",
			"lapsed by " + admin.User.Name + " for " + sw.User.Name + ": with a person: Dean Relative",
			"refused by " + manager.User.Name + " for " + director.User.Name + ": with a case: " + string(cs.ID),
		}
		if diff := cmp.Diff(want, lines); diff != "" {
			t.Errorf("administration record (-want +got):\n%s", diff)
		}
		if kinds := e.kindsOf(t, asked["administrator"].ID); !cmp.Equal(kinds, []string{"admin.requested", "admin.approved"}) {
			t.Errorf("log of the request: %v", kinds)
		}
		e.verify(t)
	})
}
