package sqlstore_test

import (
	"context"
	"testing"

	"github.com/vigil-project/vigil"
	"github.com/vigil-project/vigil/internal/speakup"
)

// TestSpeakUpPasswordChanges follows recipients' keys through changes of
// password: a change by the person rewraps the key; a reset by an
// administrator leaves it locked under the old password (and routes new
// reports to others, who can still read them) until the person, with a
// password of their own again, recovers it with the old one or replaces
// it, after which another recipient seals earlier reports again for them.
func TestSpeakUpPasswordChanges(t *testing.T) {
	engines(t, func(t *testing.T, e *env) {
		ctx := context.Background()
		e.speakUp(t)
		report := func(what string) vigil.ID {
			t.Helper()
			_, key, err := e.store.Submit(ctx, speakup.NewReport{Content: speakup.Content{Channel: speakup.ChannelChild, What: what}})
			if err != nil {
				t.Fatal(err)
			}
			return key.ReportID
		}
		canRead := func(username, password string, id vigil.ID) error {
			t.Helper()
			a := e.user(t, username)
			k, err := e.store.Unlock(ctx, a, password)
			if err != nil {
				return err
			}
			_, err = e.store.Open(ctx, a, k, id)
			return err
		}
		first := report("A boy of 12 is seen with older men at the taxi rank every night.")
		if err := e.store.Ask(ctx, e.user(t, "commissioner"), first, "Which taxi rank?"); err != nil {
			t.Fatal(err)
		}

		// The duty manager changes their own password: the key follows.
		duty := e.user(t, "duty.manager")
		old := e.town.Login("duty.manager").Password
		const own = "a password of my own choosing"
		if _, err := e.store.ChangePassword(ctx, duty, old, own); err != nil {
			t.Fatal(err)
		}
		if err := canRead("duty.manager", own, first); err != nil {
			t.Fatalf("after changing their password: %v", err)
		}
		if _, err := e.store.Unlock(ctx, duty, old); vigil.ErrorCode(err) != vigil.EUNAUTHORIZED {
			t.Errorf("the old password still unlocks the key: %v", err)
		}
		rc, _ := e.store.RecipientOf(ctx, duty)
		if k := e.logKinds(t, string(rc.ID)); count(k, "speakup.key_rewrapped") != 1 {
			t.Errorf("recipient log = %v, want the rewrap", k)
		}

		// An administrator resets it: the key cannot be opened with the
		// password the administrator knows, and nothing new goes to it.
		reset := func(username string) string {
			t.Helper()
			out, err := e.store.Administer(ctx, vigil.SystemActor, vigil.AdminChange{Action: vigil.AdminResetPassword, UserID: e.user(t, username).ID, Reason: "Forgot it"})
			if err != nil {
				t.Fatal(err)
			}
			return out.Password
		}
		temp := reset("duty.manager")
		duty = e.user(t, "duty.manager")
		if _, err := e.store.Unlock(ctx, duty, temp); vigil.ErrorCode(err) != vigil.ECONFLICT {
			t.Errorf("unlock after a reset: %v, want ECONFLICT saying what to do", err)
		}
		if _, err := e.store.RecoverKey(ctx, duty, own, temp); vigil.ErrorCode(err) != vigil.ECONFLICT {
			t.Errorf("recovering under the administrator's password: %v, want ECONFLICT", err)
		}
		if _, err := e.store.RenewKey(ctx, duty, temp); vigil.ErrorCode(err) != vigil.ECONFLICT {
			t.Errorf("a new key under the administrator's password: %v, want ECONFLICT", err)
		}
		second := report("Two girls from the children's home are missing again tonight.")
		if err := canRead("commissioner", e.town.Login("commissioner").Password, second); err != nil {
			t.Errorf("other recipients cannot read a report made after the reset: %v", err)
		}
		ca, ck := e.unlock(t, "commissioner")
		d, err := e.store.Open(ctx, ca, ck, second)
		if err != nil {
			t.Fatal(err)
		}
		for _, p := range d.Recipients {
			if p.ID == duty.ID {
				t.Error("a report made after the reset was sealed for the locked-out key")
			}
		}
		// The duty manager chooses a password again, then recovers the key
		// with the one they had before the reset.
		const mine = "another password of mine"
		if _, err := e.store.ChangePassword(ctx, duty, temp, mine); err != nil {
			t.Fatal(err)
		}
		if _, err := e.store.RecoverKey(ctx, duty, "not the old one at all", mine); vigil.ErrorCode(err) != vigil.EUNAUTHORIZED {
			t.Errorf("recover with a wrong old password: %v", err)
		}
		if _, err := e.store.RecoverKey(ctx, duty, own, mine); err != nil {
			t.Fatal(err)
		}
		if err := canRead("duty.manager", mine, first); err != nil {
			t.Errorf("after recovering the key: %v", err)
		}

		// The scrutiny panel member forgot the old password: after a reset
		// they set up a new key, and the commissioner seals the earlier
		// report again for it.
		scrutiny := e.user(t, "scrutiny")
		temp = reset("scrutiny")
		if _, err := e.store.ChangePassword(ctx, e.user(t, "scrutiny"), temp, mine); err != nil {
			t.Fatal(err)
		}
		scrutiny = e.user(t, "scrutiny")
		if _, err := e.store.RenewKey(ctx, scrutiny, mine); err != nil {
			t.Fatal(err)
		}
		// The new key waits for approval: whoever reset the password may
		// have set it up. Nothing is sealed for it meanwhile.
		if err := canRead("scrutiny", mine, first); vigil.ErrorCode(err) != vigil.ENOTFOUND {
			t.Fatalf("a renewed key before approval: %v, want ENOTFOUND", err)
		}
		d, err = e.store.Open(ctx, ca, ck, first)
		if err != nil || len(d.Stale) != 0 || len(d.Awaiting) != 1 || d.Awaiting[0].ID != scrutiny.ID {
			t.Fatalf("before approval, stale %v, awaiting %v, %v", d.Stale, d.Awaiting, err)
		}
		if err := e.store.Reseal(ctx, ca, ck, first); vigil.ErrorCode(err) != vigil.ECONFLICT {
			t.Errorf("resealed for a key nobody approved: %v", err)
		}
		reqs, err := e.store.KeyApprovals(ctx, ca)
		if err != nil || len(reqs) != 1 || reqs[0].Kind != speakup.ApprovalRenewal || reqs[0].UserID != scrutiny.ID {
			t.Fatalf("requests = %+v, %v", reqs, err)
		}
		if err := e.store.DecideKey(ctx, ca, reqs[0].ID, true); err != nil {
			t.Fatal(err)
		}
		if err := canRead("scrutiny", mine, first); vigil.ErrorCode(err) != vigil.ECONFLICT {
			t.Fatalf("a report sealed for the old key: %v, want ECONFLICT saying who can reseal it", err)
		}
		d, err = e.store.Open(ctx, ca, ck, first)
		if err != nil || len(d.Stale) != 1 || d.Stale[0].ID != scrutiny.ID {
			t.Fatalf("the commissioner's view of who cannot read: %+v, %v", d, err)
		}
		if err := e.store.Reseal(ctx, e.user(t, "admin"), nil, first); vigil.ErrorCode(err) != vigil.ENOTFOUND {
			t.Errorf("an administrator resealed a report: %v", err)
		}
		if err := e.store.Reseal(ctx, ca, ck, first); err != nil {
			t.Fatal(err)
		}
		sk, err := e.store.Unlock(ctx, scrutiny, mine)
		if err != nil {
			t.Fatal(err)
		}
		d, err = e.store.Open(ctx, scrutiny, sk, first)
		if err != nil || len(d.Messages) != 1 || d.Messages[0].Text != "Which taxi rank?" || len(d.Stale) != 0 {
			t.Fatalf("after resealing: %+v, %v", d, err)
		}
		if err := e.store.Reseal(ctx, ca, ck, first); vigil.ErrorCode(err) != vigil.ECONFLICT {
			t.Errorf("resealing when nobody needs it: %v", err)
		}
		if k := e.logKinds(t, string(first)); count(k, "speakup.report_resealed") != 1 {
			t.Errorf("report log = %v, want the reseal", k)
		}
		if problems, err := e.store.CheckSpeakUp(ctx); err != nil || len(problems) > 0 {
			t.Errorf("CheckSpeakUp = %v, %v", problems, err)
		}
		e.verify(t)
	})
}
