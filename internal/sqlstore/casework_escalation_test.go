package sqlstore_test

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/vigil-project/vigil"
)

// TestOwnerCannotSilenceEscalation: the case owner holds the first rung of
// a missed deadline's escalation, and answers it with words but no new
// date. The answer is recorded as their explanation; the escalation stays
// open, climbs at its response time as if unanswered, and ends only with
// the decision of someone above the owner.
func TestOwnerCannotSilenceEscalation(t *testing.T) {
	engines(t, func(t *testing.T, e *env) {
		ctx := context.Background()
		cs := e.raise(t, 4*24*time.Hour)
		duty := e.user(t, "duty.manager")
		if _, err := e.store.Sweep(ctx, vigil.Now()); err != nil {
			t.Fatal(err)
		}
		esc := e.detail(t, cs.ID).Escalations[0]
		if esc.Level != 1 || esc.HolderID != duty.ID {
			t.Fatalf("escalation at level %d held by %s, want the owner at level 1", esc.Level, esc.HolderID)
		}
		const why = "Too busy with other referrals this week"
		if err := e.store.ResolveEscalation(ctx, duty, esc.ID, why, nil); err != nil {
			t.Fatalf("owner's explanation: %v", err)
		}
		d := e.detail(t, cs.ID)
		got := d.Escalations[0]
		if got.Status != vigil.EscalationOpen || got.Explanation != why || got.ExplainedBy != duty.ID || got.Decision != "" {
			t.Fatalf("after the owner's answer: %+v, want open with the explanation recorded", got)
		}
		if !hasEvent(d, "escalation.explained", why) {
			t.Error("the explanation is not in the chronology")
		}
		// The owner's items still list it: they may add to the explanation.
		if items, err := e.store.Escalations(ctx, duty); err != nil || len(items) == 0 || items[0].CaseOwnerID != duty.ID {
			t.Errorf("owner's escalations after explaining: %v, %+v", err, items)
		}
		// Sweeping before the response time changes nothing; after it, it climbs.
		if res, _ := e.store.Sweep(ctx, got.RespondBy.Add(-time.Minute)); res.Climbed != 0 {
			t.Errorf("climbed before the response time: %+v", res)
		}
		if _, err := e.store.Sweep(ctx, got.RespondBy.Add(time.Minute)); err != nil {
			t.Fatal(err)
		}
		d = e.detail(t, cs.ID)
		got = d.Escalations[0]
		if got.Status != vigil.EscalationOpen || got.Level != 2 || got.Explanation != why {
			t.Fatalf("after the response time: level %d %s, explanation %q; want open at level 2 with the explanation", got.Level, got.Status, got.Explanation)
		}
		if !hasEvent(d, "escalation.climbed", "The case owner explained") {
			t.Error("the climb does not say the owner's explanation was not answered")
		}
		// Above the first rung the owner can no longer answer at all.
		if err := e.store.ResolveEscalation(ctx, duty, got.ID, "Still busy", nil); vigil.ErrorCode(err) != vigil.EFORBIDDEN {
			t.Errorf("owner answering at level 2: err = %v", err)
		}
		// The team manager accepts the explanation: that ends it.
		holder := vigil.UserActor(e.findUser(t, got.HolderID))
		if err := e.store.ResolveEscalation(ctx, holder, got.ID, "Accepted: decision to be made by noon tomorrow", nil); err != nil {
			t.Fatal(err)
		}
		if got := e.detail(t, cs.ID).Escalations[0]; got.Status != vigil.EscalationResolved || got.ResolvedBy != holder.ID {
			t.Errorf("after the manager's decision: %+v", got)
		}
		e.verify(t)
	})
}

// TestOwnerExplains: the rule is about the owner and missed deadlines;
// an escalated refusal is answered by whoever holds it.
func TestOwnerExplains(t *testing.T) {
	owner := &vigil.User{ID: "owner", Status: vigil.UserActive}
	other := &vigil.User{ID: "other", Status: vigil.UserActive}
	tests := []struct {
		name string
		u    *vigil.User
		e    vigil.Escalation
		want bool
	}{
		{"owner, missed deadline", owner, vigil.Escalation{DeadlineID: "d"}, true},
		{"manager, missed deadline", other, vigil.Escalation{DeadlineID: "d"}, false},
		{"owner, refused transfer", owner, vigil.Escalation{Kind: vigil.EscalationTransferRefused}, false},
		{"nobody", nil, vigil.Escalation{DeadlineID: "d"}, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := vigil.OwnerExplains(tt.u, &tt.e, "owner"); got != tt.want {
				t.Errorf("OwnerExplains = %v, want %v", got, tt.want)
			}
		})
	}
}

func hasEvent(d *vigil.CaseDetail, kind, contains string) bool {
	for _, ev := range d.Events {
		if ev.Kind == kind && strings.Contains(ev.Summary, contains) {
			return true
		}
	}
	return false
}

func (e *env) findUser(t *testing.T, id vigil.ID) *vigil.User {
	t.Helper()
	u, err := e.store.FindUser(context.Background(), id)
	if err != nil {
		t.Fatal(err)
	}
	return u
}

// TestDutyPassesOn: suspending the intake team's duty manager, and then
// their successor leaving, passes duty on each time (logged), and the
// front door goes on taking concerns.
func TestDutyPassesOn(t *testing.T) {
	engines(t, func(t *testing.T, e *env) {
		ctx := context.Background()
		admin := e.user(t, "admin")
		team := e.town.Teams["front_door"].ID
		steps := []struct {
			leaver, status, next string
		}{
			{"duty.manager", string(vigil.UserSuspended), "service.manager"}, // the duty manager's own manager
			{"service.manager", string(vigil.UserLeft), "director"},          // and theirs
		}
		for _, st := range steps {
			leaver := e.user(t, st.leaver)
			if err := e.store.SetUserStatus(ctx, admin, leaver.ID, vigil.UserStatus(st.status), "Synthetic test"); err != nil {
				t.Fatalf("%s %s: %v", st.leaver, st.status, err)
			}
			var duty string
			if err := e.db.Reader.QueryRow(e.db.Rebind(`SELECT duty_manager_id FROM teams WHERE id = ?`), team).Scan(&duty); err != nil {
				t.Fatal(err)
			}
			next := e.user(t, st.next)
			if duty != string(next.ID) {
				t.Errorf("after %s was %s the duty manager is %s, want %s", st.leaver, st.status, duty, st.next)
			}
			cs := e.raise(t, time.Hour) // fails the test if the front door refuses
			if cs.OwnerID != next.ID {
				t.Errorf("a new concern is owned by %s, want the new duty manager %s", cs.OwnerID, st.next)
			}
			if n := logEntries(t, e, string(team), "team.duty_manager_passed"); n == 0 {
				t.Error("passing duty is not in the log")
			}
		}
		e.verify(t)
	})
}

// logEntries counts the log entries of kind about object id.
func logEntries(t *testing.T, e *env, id, kind string) int {
	t.Helper()
	rows, err := e.db.Reader.Query(e.db.Rebind(`SELECT data FROM log_entries WHERE object_id = ?`), id)
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
		if strings.Contains(string(data), `"kind":"`+kind+`"`) {
			n++
		}
	}
	return n
}
