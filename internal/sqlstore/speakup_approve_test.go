package sqlstore_test

import (
	"context"
	"errors"
	"testing"

	"github.com/vigil-project/vigil"
	"github.com/vigil-project/vigil/internal/speakup"
	"github.com/vigil-project/vigil/internal/synth"
)

// TestSpeakUpKeyApproval is the council's administrator trying to read
// reports routed to the council: they add a team manager and set up a
// speak-up key in that person's name. The key receives nothing (no report
// is routed or sealed to it, and it opens none) until someone the council
// does not control approves it: nobody in the council, not the
// administrator, not the configuration file while an approver exists.
// A recipient of the independent body approves it, and only then do new
// reports reach it. A refused key stays out. Each step is in the log.
func TestSpeakUpKeyApproval(t *testing.T) {
	engines(t, func(t *testing.T, e *env) {
		ctx := context.Background()
		e.speakUp(t)
		submit := func(what string) vigil.ID {
			t.Helper()
			_, key, err := e.store.Submit(ctx, speakup.NewReport{Content: speakup.Content{Channel: speakup.ChannelChild, What: what}})
			if err != nil {
				t.Fatal(err)
			}
			return key.ReportID
		}
		routedTo := func(id vigil.ID, user vigil.ID) bool {
			t.Helper()
			var n int
			if err := e.db.Reader.QueryRowContext(ctx, e.db.Rebind(`SELECT COUNT(*) FROM speakup_access WHERE report_id = ? AND user_id = ?`), id, user).Scan(&n); err != nil {
				t.Fatal(err)
			}
			return n > 0
		}

		// The seeding: the file approved the independent body's first
		// keys, the custodian approved the duty manager's.
		duty, _ := e.store.RecipientOf(ctx, e.user(t, "duty.manager"))
		if duty == nil || duty.Approval != "" {
			t.Fatalf("the duty manager's key after seeding: %+v", duty)
		}

		// The administrator's creature enrols: pending, receives nothing.
		u, pw := e.newPerson(t, "new.manager", vigil.RoleTeamManager)
		mole := vigil.UserActor(u)
		rc, err := e.store.Enrol(ctx, mole, pw)
		if err != nil {
			t.Fatal(err)
		}
		if rc.Approval != speakup.ApprovalPending || rc.Custodian {
			t.Fatalf("a new key = %+v, want it pending", rc)
		}
		mk, err := e.store.Unlock(ctx, mole, pw)
		if err != nil {
			t.Fatal(err)
		}
		first := submit("A girl of 14 is picked up from the children's home by a man in a grey car.")
		if routedTo(first, u.ID) {
			t.Error("a report was routed to a key nobody approved")
		}
		var content []byte
		if err := e.db.Reader.QueryRowContext(ctx, e.db.Rebind(`SELECT data FROM speakup_blobs WHERE id = ?`), string(first)+"/content").Scan(&content); err != nil {
			t.Fatal(err)
		}
		if _, err := mk.Open(content); !errors.Is(err, speakup.ErrCannotOpen) {
			t.Errorf("the unapproved key opens the report's ciphertext: %v", err)
		}
		if _, err := e.store.Open(ctx, mole, mk, first); vigil.ErrorCode(err) != vigil.ENOTFOUND {
			t.Errorf("the unapproved recipient opened the report: %v", err)
		}
		if list, err := e.store.Inbox(ctx, mole); err != nil || len(list) != 0 {
			t.Errorf("the unapproved recipient's inbox = %v, %v", list, err)
		}

		// Who may not approve it: the person, their administrator, a
		// recipient of the same council who is not a custodian; nor the
		// file, since approvers exist.
		requests := func(username string) []*speakup.KeyApproval {
			t.Helper()
			list, err := e.store.KeyApprovals(ctx, e.user(t, username))
			if err != nil {
				t.Fatal(err)
			}
			return list
		}
		if list := requests("scrutiny"); len(list) != 1 || list[0].UserID != u.ID || list[0].Kind != speakup.ApprovalEnrolment ||
			list[0].Fingerprint != speakup.Fingerprint(rc.PublicKey) {
			t.Fatalf("scrutiny's requests = %+v", list)
		}
		reqID := requests("scrutiny")[0].ID
		for _, who := range []vigil.Actor{mole, e.user(t, "admin"), e.user(t, "duty.manager"), e.user(t, "director")} {
			if list, err := e.store.KeyApprovals(ctx, who); err != nil || len(list) != 0 {
				t.Errorf("%s sees requests %v, %v", who.User.Username, list, err)
			}
			if err := e.store.DecideKey(ctx, who, reqID, true); vigil.ErrorCode(err) != vigil.ENOTFOUND {
				t.Errorf("%s approved the key: %v", who.User.Username, err)
			}
		}
		if k := e.logKinds(t, string(reqID)); count(k, "speakup.key_approval_refused") != 4 {
			t.Errorf("the refused attempts are not logged: %v", k)
		}
		cfg := synth.SpeakUpConfig(e.town)
		cfg.Recipients = append(cfg.Recipients, "new.manager")
		if _, err := e.store.Configure(ctx, vigil.SystemActor, cfg); err != nil {
			t.Fatal(err)
		}
		if rc, _ := e.store.RecipientOf(ctx, mole); rc.Approval != speakup.ApprovalPending {
			t.Errorf("the configuration file approved a key while approvers exist: %+v", rc)
		}

		// The independent body's recipient approves: new reports reach it.
		if err := e.store.DecideKey(ctx, e.user(t, "scrutiny"), reqID, true); err != nil {
			t.Fatal(err)
		}
		if err := e.store.DecideKey(ctx, e.user(t, "commissioner"), reqID, false); vigil.ErrorCode(err) != vigil.ECONFLICT {
			t.Errorf("a decided request decided again: %v", err)
		}
		second := submit("Two boys are being given cannabis at the takeaway on Station Road.")
		if routedTo(first, u.ID) || !routedTo(second, u.ID) {
			t.Error("after approval, the key should receive new reports only")
		}
		if _, err := e.store.Open(ctx, mole, mk, second); err != nil {
			t.Errorf("the approved recipient cannot open a new report: %v", err)
		}
		if k := e.logKinds(t, string(reqID)); count(k, "speakup.key_approval_requested") != 1 || count(k, "speakup.key_approved") != 1 {
			t.Errorf("approval log = %v", k)
		}
		if k := e.logKinds(t, string(rc.ID)); count(k, "speakup.recipient_enrolled") != 1 || count(k, "speakup.recipient_approved") != 1 {
			t.Errorf("recipient log = %v", k)
		}

		// A refused key stays out.
		u2, pw2 := e.newPerson(t, "other.manager", vigil.RoleTeamManager)
		if _, err := e.store.Enrol(ctx, vigil.UserActor(u2), pw2); err != nil {
			t.Fatal(err)
		}
		list := requests("commissioner")
		if len(list) != 1 || list[0].UserID != u2.ID {
			t.Fatalf("commissioner's requests = %+v", list)
		}
		if err := e.store.DecideKey(ctx, e.user(t, "commissioner"), list[0].ID, false); err != nil {
			t.Fatal(err)
		}
		if rc2, _ := e.store.RecipientOf(ctx, vigil.UserActor(u2)); rc2.Approval != speakup.ApprovalRefused {
			t.Errorf("a refused key = %+v", rc2)
		}
		if third := submit("A girl says her uncle's friends give her vodka."); routedTo(third, u2.ID) {
			t.Error("a report was routed to a refused key")
		}

		// Naming a custodian asks for approval too; the file cannot give
		// it while approvers exist.
		cfg.Custodians = append(cfg.Custodians, "duty.manager")
		if _, err := e.store.Configure(ctx, vigil.SystemActor, cfg); err != nil {
			t.Fatal(err)
		}
		if rc, _ := e.store.RecipientOf(ctx, e.user(t, "duty.manager")); rc.Custodian {
			t.Fatal("a custodian was made without approval")
		}
		list = requests("scrutiny")
		if len(list) != 1 || list[0].Kind != speakup.ApprovalCustodian || list[0].UserID != e.user(t, "duty.manager").ID {
			t.Fatalf("custodian request = %+v", list)
		}
		if _, err := e.store.Configure(ctx, vigil.SystemActor, cfg); err != nil {
			t.Fatal(err)
		}
		if again := requests("scrutiny"); len(again) != 1 || again[0].ID != list[0].ID {
			t.Errorf("the same file again asked again: %+v", again)
		}
		if err := e.store.DecideKey(ctx, e.user(t, "scrutiny"), list[0].ID, true); err != nil {
			t.Fatal(err)
		}
		if rc, _ := e.store.RecipientOf(ctx, e.user(t, "duty.manager")); !rc.Custodian {
			t.Error("an approved custodian is not one")
		}
		if problems, err := e.store.CheckSpeakUp(ctx); err != nil || len(problems) > 0 {
			t.Errorf("CheckSpeakUp = %v, %v", problems, err)
		}
		e.verify(t)
	})
}

// TestSpeakUpFirstKeysByConfiguration is a new deployment: nobody can
// approve the first keys, so the configuration file approves the people it
// names, at enrolment or when it is applied; a person it does not name
// waits for an approver.
func TestSpeakUpFirstKeysByConfiguration(t *testing.T) {
	engines(t, func(t *testing.T, e *env) {
		ctx := context.Background()
		cfg := synth.SpeakUpConfig(e.town)
		cfg.Recipients, cfg.Custodians = nil, nil
		if _, err := e.store.Configure(ctx, vigil.SystemActor, cfg); err != nil {
			t.Fatal(err)
		}
		enrol := func(username string) *speakup.Recipient {
			t.Helper()
			rc, err := e.store.Enrol(ctx, e.user(t, username), e.town.Login(username).Password)
			if err != nil {
				t.Fatal(err)
			}
			return rc
		}
		if rc := enrol("scrutiny"); rc.Approval != speakup.ApprovalPending {
			t.Fatalf("a key nobody named: %+v", rc)
		}
		if open, _ := e.store.ChannelOpen(ctx, speakup.ChannelChild, ""); open {
			t.Error("the channel is open with only an unapproved key")
		}
		cfg.Recipients = []string{"scrutiny"}
		if _, err := e.store.Configure(ctx, vigil.SystemActor, cfg); err != nil {
			t.Fatal(err)
		}
		if rc, _ := e.store.RecipientOf(ctx, e.user(t, "scrutiny")); rc.Approval != "" {
			t.Fatalf("the file did not approve the first key: %+v", rc)
		}
		var via, by string
		if err := e.db.Reader.QueryRowContext(ctx, `SELECT via, decided_by FROM speakup_key_approvals WHERE status = 'approved'`).Scan(&via, &by); err != nil ||
			via != speakup.ApprovedByConfiguration || by != string(vigil.ActorSystem) {
			t.Errorf("approval recorded as %q by %q, %v", via, by, err)
		}
		// Now an approver exists: naming the duty manager is not enough.
		cfg.Recipients = append(cfg.Recipients, "duty.manager")
		if _, err := e.store.Configure(ctx, vigil.SystemActor, cfg); err != nil {
			t.Fatal(err)
		}
		if rc := enrol("duty.manager"); rc.Approval != speakup.ApprovalPending {
			t.Errorf("the file approved a key while an approver exists: %+v", rc)
		}
		if open, _ := e.store.ChannelOpen(ctx, speakup.ChannelChild, ""); !open {
			t.Error("the channel is closed with an approved key")
		}
		e.verify(t)
	})
}
