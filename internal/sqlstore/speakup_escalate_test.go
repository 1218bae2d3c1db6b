package sqlstore_test

import (
	"context"
	"testing"
	"time"

	"github.com/vigil-project/vigil"
	"github.com/vigil-project/vigil/internal/speakup"
)

// TestSpeakUpEscalation misses a report's deadlines: each miss escalates
// up speakup.Ladder, held and answerable only by people of the bodies the
// report went to, never by the organisation it is about; meeting the
// deadline late ends the escalation.
func TestSpeakUpEscalation(t *testing.T) {
	engines(t, func(t *testing.T, e *env) {
		ctx := context.Background()
		e.speakUp(t)
		council := e.town.Agencies[vigil.AgencyChildrensServices].ID
		_, child, err := e.store.Submit(ctx, speakup.NewReport{Content: speakup.Content{Channel: speakup.ChannelChild, What: "A boy is dropped at the takeaway late every night."}})
		if err != nil {
			t.Fatal(err)
		}
		// Whistle-blowing about the council: it goes to the independent body alone.
		_, staff, err := e.store.Submit(ctx, speakup.NewReport{Content: speakup.Content{Channel: speakup.ChannelStaff, AboutID: council,
			What: "My manager told me to close referrals about the takeaway without a visit."}})
		if err != nil {
			t.Fatal(err)
		}
		now := vigil.Now()
		day := func(n int) time.Time { return now.Add(time.Duration(n) * 24 * time.Hour) }
		res, err := e.store.SweepSpeakUp(ctx, day(8))
		if err != nil || res.Missed != 2 {
			t.Fatalf("sweep after 8 days: %+v, %v", res, err)
		}
		if res, _ := e.store.SweepSpeakUp(ctx, day(8)); res.Missed != 0 || res.Climbed != 0 {
			t.Errorf("a second sweep escalated again: %+v", res)
		}
		of := func(username string, report vigil.ID) *speakup.Escalation {
			t.Helper()
			list, err := e.store.SpeakUpEscalations(ctx, e.user(t, username))
			if err != nil {
				t.Fatal(err)
			}
			for _, x := range list {
				if x.ReportID == report {
					return x
				}
			}
			return nil
		}
		esc := of("duty.manager", child.ReportID)
		if esc == nil || esc.Level != 1 || esc.HolderRole != speakup.LadderRecipients || esc.DeadlineKind != speakup.DeadlineAcknowledge {
			t.Fatalf("the child report's escalation, as a recipient sees it: %+v", esc)
		}
		// The council's director may answer the child report's escalation
		// (the council receives it), not the whistle-blowing about the council.
		if of("director", child.ReportID) == nil {
			t.Error("the director of a receiving body cannot answer the child report's escalation")
		}
		sEsc := of("commissioner", staff.ReportID)
		if sEsc == nil {
			t.Fatal("the commissioner, who receives the whistle-blowing, does not see its escalation")
		}
		for _, who := range []string{"director", "duty.manager", "admin", "service.manager"} {
			if of(who, staff.ReportID) != nil {
				t.Errorf("%s of the reported council sees the whistle-blowing escalation", who)
			}
			if err := e.store.ResolveSpeakUpEscalation(ctx, e.user(t, who), sEsc.ID, "Nothing to see."); vigil.ErrorCode(err) != vigil.ENOTFOUND {
				t.Errorf("%s of the reported council answered the whistle-blowing escalation: %v", who, err)
			}
		}
		for _, who := range []string{"admin", "police.officer", "investigator"} {
			if err := e.store.ResolveSpeakUpEscalation(ctx, e.user(t, who), esc.ID, "Noted."); vigil.ErrorCode(err) != vigil.ENOTFOUND {
				t.Errorf("%s answered the child report's escalation: %v", who, err)
			}
		}

		// Nobody answers: both climb. The child report's goes to the
		// council's director; the whistle-blowing's skips the director's
		// rung (the independent body has none, and the council's must not
		// hold it) to independent oversight.
		res, err = e.store.SweepSpeakUp(ctx, day(12))
		if err != nil || res.Climbed != 2 {
			t.Fatalf("sweep after 12 days: %+v, %v", res, err)
		}
		if esc = of("director", child.ReportID); esc == nil || esc.Level != 2 || esc.HolderID != e.user(t, "director").ID {
			t.Errorf("after climbing, the child report's escalation: %+v", esc)
		}
		if sEsc = of("commissioner", staff.ReportID); sEsc == nil || sEsc.Level != len(speakup.Ladder) || sEsc.HolderRole != vigil.LadderOversight || sEsc.RespondBy != nil {
			t.Errorf("after climbing, the whistle-blowing escalation: %+v", sEsc)
		}
		if of("duty.manager", child.ReportID) != nil {
			t.Error("a recipient can still answer an escalation that climbed past them")
		}

		// Oversight sees the escalations on the register, without content.
		items, err := e.store.Oversight(ctx, e.user(t, "investigator"))
		if err != nil {
			t.Fatal(err)
		}
		for _, it := range items {
			if len(it.Escalations) != 1 || it.Escalations[0].Status != vigil.EscalationOpen {
				t.Errorf("register: report %s escalations %+v", it.ID, it.Escalations)
			}
		}

		// The commissioner answers one; acknowledging the other report late
		// ends its escalation.
		if err := e.store.ResolveSpeakUpEscalation(ctx, e.user(t, "commissioner"), sEsc.ID, ""); vigil.ErrorCode(err) != vigil.EINVALID {
			t.Errorf("an answer without a decision: %v", err)
		}
		if err := e.store.ResolveSpeakUpEscalation(ctx, e.user(t, "commissioner"), sEsc.ID, "Acknowledged today; the panel will review why it was late."); err != nil {
			t.Fatal(err)
		}
		if err := e.store.ResolveSpeakUpEscalation(ctx, e.user(t, "commissioner"), sEsc.ID, "Again."); vigil.ErrorCode(err) != vigil.ECONFLICT {
			t.Errorf("answering twice: %v", err)
		}
		if err := e.store.Acknowledge(ctx, e.user(t, "duty.manager"), child.ReportID); err != nil {
			t.Fatal(err)
		}
		if of("director", child.ReportID) != nil {
			t.Error("meeting the deadline late did not end its escalation")
		}
		if k := e.logKinds(t, string(esc.ID)); count(k, "speakup.escalation_raised") != 1 || count(k, "speakup.escalation_climbed") != 1 || count(k, "speakup.escalation_resolved") != 1 {
			t.Errorf("escalation log = %v", k)
		}
		e.verify(t)
	})
}
