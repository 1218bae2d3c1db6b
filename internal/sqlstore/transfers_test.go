package sqlstore_test

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/vigil-project/vigil"
	"github.com/vigil-project/vigil/internal/workday"
)

// transferOf returns the transfer id of a case's detail.
func transferOf(t *testing.T, d *vigil.CaseDetail, id vigil.ID) *vigil.Transfer {
	t.Helper()
	for _, tr := range d.Transfers {
		if tr.ID == id {
			return tr
		}
	}
	t.Fatalf("case %s has no transfer %s", d.Ref, id)
	return nil
}

// TestWithdrawTransfer: an offer can be withdrawn with a reason by whoever
// may transfer the case, and is withdrawn by itself when the person
// offered it is suspended; the case keeps its owner throughout and can be
// offered again.
func TestWithdrawTransfer(t *testing.T) {
	engines(t, func(t *testing.T, e *env) {
		ctx := context.Background()
		cs := e.raise(t, time.Hour)
		duty, sw := e.user(t, "duty.manager"), e.user(t, "social.worker")
		tr, err := e.store.OfferTransfer(ctx, duty, cs.ID, sw.ID, "Allocated for assessment")
		if err != nil {
			t.Fatal(err)
		}
		refused := []struct {
			name   string
			actor  vigil.Actor
			reason string
			code   string
		}{
			{"by the person offered, who cannot see the case yet", sw, "Not mine", vigil.ENOTFOUND},
			{"by a social worker of the team who does not own it", e.user(t, "social.worker2"), "x", vigil.EFORBIDDEN},
			{"by an inspector", e.user(t, "investigator"), "x", vigil.EFORBIDDEN},
			{"without a reason", duty, " ", vigil.EINVALID},
		}
		for _, r := range refused {
			t.Run(r.name, func(t *testing.T) {
				if err := e.store.WithdrawTransfer(ctx, r.actor, tr.ID, r.reason); vigil.ErrorCode(err) != r.code {
					t.Errorf("err = %v, want %s", err, r.code)
				}
			})
		}
		if err := e.store.WithdrawTransfer(ctx, duty, tr.ID, "Sarah is on leave; allocating within the front door"); err != nil {
			t.Fatal(err)
		}
		d := e.detail(t, cs.ID)
		if got := transferOf(t, d, tr.ID); got.Status != vigil.TransferWithdrawn || got.WithdrawnBy != duty.ID || got.AnsweredAt == nil ||
			!strings.Contains(got.Answer, "on leave") {
			t.Errorf("withdrawn transfer = %+v", got)
		}
		if d.OwnerID != duty.ID || !hasEvent(d, "transfer.withdrawn", "on leave") {
			t.Errorf("after withdrawal: owner %s; chronology has the withdrawal: %v", d.OwnerID, hasEvent(d, "transfer.withdrawn", ""))
		}
		if err := e.store.WithdrawTransfer(ctx, duty, tr.ID, "again"); vigil.ErrorCode(err) != vigil.ECONFLICT {
			t.Errorf("withdrawing twice: err = %v", err)
		}
		if err := e.store.AnswerTransfer(ctx, sw, tr.ID, true, ""); vigil.ErrorCode(err) != vigil.ECONFLICT {
			t.Errorf("accepting a withdrawn offer: err = %v", err)
		}

		// A manager may withdraw an offer the owner made.
		tr, err = e.store.OfferTransfer(ctx, duty, cs.ID, sw.ID, "Allocated after all")
		if err != nil {
			t.Fatalf("offering again after the withdrawal: %v", err)
		}
		if err := e.store.WithdrawTransfer(ctx, e.user(t, "service.manager"), tr.ID, "Exploitation team to take it instead"); err != nil {
			t.Errorf("manager withdrawing: %v", err)
		}

		// An offer to someone who is then suspended is withdrawn at once.
		tr, err = e.store.OfferTransfer(ctx, duty, cs.ID, sw.ID, "Third time")
		if err != nil {
			t.Fatal(err)
		}
		admin := e.user(t, "admin")
		if err := e.store.SetUserStatus(ctx, admin, sw.ID, vigil.UserSuspended, "Synthetic test"); err != nil {
			t.Fatal(err)
		}
		if got := transferOf(t, e.detail(t, cs.ID), tr.ID); got.Status != vigil.TransferWithdrawn || got.WithdrawnBy != admin.ID ||
			!strings.Contains(got.Answer, "suspended") {
			t.Errorf("offer to a suspended person = %+v, want withdrawn", got)
		}
		if _, err := e.store.OfferTransfer(ctx, duty, cs.ID, e.user(t, "social.worker2").ID, "To the front door's own worker"); err != nil {
			t.Errorf("a new offer after the automatic withdrawal: %v", err)
		}
		e.verify(t)
	})
}

// TestTransferConflictOfInterest: a case cannot be offered to someone with
// a conflict of interest recorded against it, nor accepted by someone who
// declared one after the offer; they can still refuse it.
func TestTransferConflictOfInterest(t *testing.T) {
	engines(t, func(t *testing.T, e *env) {
		ctx := context.Background()
		cs := e.raise(t, time.Hour)
		duty, sw, sw2 := e.user(t, "duty.manager"), e.user(t, "social.worker"), e.user(t, "social.worker2")
		if _, err := e.store.DeclareConflict(ctx, e.user(t, "admin"), vigil.NewConflict{UserID: sw.ID, Kind: vigil.ConflictCase,
			Value: string(cs.ID), Reason: "Related to the child's family"}); err != nil {
			t.Fatal(err)
		}
		_, err := e.store.OfferTransfer(ctx, duty, cs.ID, sw.ID, "Allocated for assessment")
		if vigil.ErrorCode(err) != vigil.EINVALID || len(vigil.ErrorFields(err)) == 0 || vigil.ErrorFields(err)[0].Field != "to" ||
			!strings.Contains(vigil.ErrorMessage(err), "conflict of interest") {
			t.Errorf("offer to a conflicted person: err = %v", err)
		}
		tr, err := e.store.OfferTransfer(ctx, duty, cs.ID, sw2.ID, "Allocated within the front door")
		if err != nil {
			t.Fatal(err)
		}
		if _, err := e.store.DeclareConflict(ctx, sw2, vigil.NewConflict{UserID: sw2.ID, Kind: vigil.ConflictCase,
			Value: string(cs.ID), Reason: "I know the family"}); err != nil {
			t.Fatal(err)
		}
		if err := e.store.AnswerTransfer(ctx, sw2, tr.ID, true, ""); vigil.ErrorCode(err) != vigil.EFORBIDDEN || !strings.Contains(vigil.ErrorMessage(err), "conflict of interest") {
			t.Errorf("accepting despite a conflict: err = %v", err)
		}
		if d := e.detail(t, cs.ID); d.OwnerID != duty.ID {
			t.Errorf("owner after the refused acceptance = %s", d.OwnerID)
		}
		if err := e.store.AnswerTransfer(ctx, sw2, tr.ID, false, "Conflict of interest declared"); err != nil {
			t.Errorf("refusing: %v", err)
		}
		e.verify(t)
	})
}

// TestUnansweredTransferEscalates: an offer left without an answer for
// longer than the rules allow is escalated once to a manager, and the
// escalation ends when the offer is answered.
func TestUnansweredTransferEscalates(t *testing.T) {
	engines(t, func(t *testing.T, e *env) {
		ctx := context.Background()
		cs := e.raise(t, time.Hour)
		duty, sw := e.user(t, "duty.manager"), e.user(t, "social.worker")
		tr, err := e.store.OfferTransfer(ctx, duty, cs.ID, sw.ID, "Allocated for assessment")
		if err != nil {
			t.Fatal(err)
		}
		due := workday.England().AddWorkingDays(tr.OfferedAt, e.store.Rules().TransferAnswer.WorkingDays)
		if res, err := e.store.Sweep(ctx, due.Add(-time.Minute)); err != nil || res.Unanswered != 0 {
			t.Fatalf("sweep before the offer's time is up: %+v, %v", res, err)
		}
		if res, err := e.store.Sweep(ctx, due.Add(time.Minute)); err != nil || res.Unanswered != 1 {
			t.Fatalf("sweep after the offer's time is up: %+v, %v", res, err)
		}
		if res, _ := e.store.Sweep(ctx, due.Add(2*time.Minute)); res.Unanswered != 0 {
			t.Errorf("a second sweep escalated the offer again: %+v", res)
		}
		// The sweep also escalates the case's missed decision; find the offer's.
		unanswered := func(d *vigil.CaseDetail) *vigil.Escalation {
			var out *vigil.Escalation
			for _, esc := range d.Escalations {
				if esc.Kind == vigil.EscalationTransferUnanswered {
					if out != nil {
						t.Fatal("the offer was escalated twice")
					}
					out = esc
				}
			}
			if out == nil {
				t.Fatal("the unanswered offer was not escalated")
			}
			return out
		}
		d := e.detail(t, cs.ID)
		esc := unanswered(d)
		if esc.Kind != vigil.EscalationTransferUnanswered || esc.TransferID != tr.ID || esc.Level != 2 || esc.Status != vigil.EscalationOpen ||
			!strings.Contains(esc.Reason, "not answered within 2 working days") {
			t.Errorf("escalation = %+v", esc)
		}
		if d.OwnerID != duty.ID {
			t.Errorf("owner while the offer waits = %s", d.OwnerID)
		}
		if err := e.store.AnswerTransfer(ctx, sw, tr.ID, true, ""); err != nil {
			t.Fatal(err)
		}
		if got := unanswered(e.detail(t, cs.ID)); got.Status != vigil.EscalationResolved || !strings.Contains(got.Decision, "accepted") {
			t.Errorf("escalation after the offer was accepted = %+v", got)
		}
		e.verify(t)
	})
}
