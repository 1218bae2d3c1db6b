package sqlstore_test

import (
	"bytes"
	"context"
	"log/slog"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"github.com/pquerna/otp"
	"github.com/pquerna/otp/totp"

	"github.com/vigil-project/vigil"
	"github.com/vigil-project/vigil/internal/ledger"
	"github.com/vigil-project/vigil/internal/sqldb"
	"github.com/vigil-project/vigil/internal/sqlstore"
	"github.com/vigil-project/vigil/internal/synth"
)

// completeSignIn finishes a pending sign-in of l with a code from their
// authenticator and returns the token of the signed-in session.
func (e *env) completeSignIn(t testing.TB, pending string, l *synth.Login) string {
	t.Helper()
	token, u, err := e.store.CompleteSignIn(context.Background(), pending, l.Code())
	if err != nil {
		t.Fatalf("second factor of %s: %v", l.Username, err)
	}
	if u.ID != l.User.ID {
		t.Fatalf("signed in as %s, want %s", u.Username, l.Username)
	}
	return token
}

// signIn signs username in with password and code, returning the session token.
func (e *env) signIn(t testing.TB, username string) string {
	t.Helper()
	l := e.town.Login(username)
	pending, _, stage, err := e.store.SignInPassword(context.Background(), l.Username, l.Password)
	if err != nil {
		t.Fatalf("sign in as %s: %v", username, err)
	}
	if stage != vigil.StageCode {
		t.Fatalf("sign in as %s: stage %q, want a code", username, stage)
	}
	return e.completeSignIn(t, pending, l)
}

// codeAt is what an authenticator with secret shows at time at.
func codeAt(t testing.TB, secret string, at time.Time) string {
	t.Helper()
	c, err := totp.GenerateCodeCustom(secret, at, totp.ValidateOpts{Period: 30, Digits: otp.DigitsSix, Algorithm: otp.AlgorithmSHA1})
	if err != nil {
		t.Fatal(err)
	}
	return c
}

// kindsOf lists the kinds of the log entries about an object, in order.
func (e *env) kindsOf(t testing.TB, objectID vigil.ID) []string {
	t.Helper()
	rows, err := e.db.Reader.Query(e.db.Rebind(`SELECT data FROM log_entries WHERE object_id = ? ORDER BY idx`), objectID)
	if err != nil {
		t.Fatal(err)
	}
	defer rows.Close()
	var kinds []string
	for rows.Next() {
		var data []byte
		if err := rows.Scan(&data); err != nil {
			t.Fatal(err)
		}
		en, err := ledger.ParseEntry(data)
		if err != nil {
			t.Fatal(err)
		}
		kinds = append(kinds, en.Kind)
	}
	return kinds
}

func hasAll(got []string, want ...string) bool {
	seen := map[string]bool{}
	for _, k := range got {
		seen[k] = true
	}
	for _, k := range want {
		if !seen[k] {
			return false
		}
	}
	return true
}

func (e *env) exec(t testing.TB, q string, args ...any) {
	t.Helper()
	if _, err := e.db.Writer.Exec(e.db.Rebind(q), args...); err != nil {
		t.Fatal(err)
	}
}

// newPerson has the council's administrator add a person and returns
// them and their one-time password.
func (e *env) newPerson(t testing.TB, username string, role vigil.Role) (*vigil.User, string) {
	t.Helper()
	out, err := e.store.Administer(context.Background(), e.user(t, "admin"), vigil.AdminChange{
		Action: vigil.AdminCreateUser, AgencyID: e.town.Agencies[vigil.AgencyChildrensServices].ID,
		NewUser: vigil.NewUser{Username: username, Name: "New " + username, Role: role, TeamID: e.town.Teams["assessment"].ID,
			ManagerID: e.town.Login("team.manager").User.ID},
		Reason: "Joined the assessment team",
	})
	if err != nil {
		t.Fatal(err)
	}
	if out.User == nil || out.Password == "" || out.Record.Status != vigil.AdminDone {
		t.Fatalf("create user: outcome %+v", out)
	}
	return out.User, out.Password
}

func TestSecondFactorEnrolment(t *testing.T) {
	engines(t, func(t *testing.T, e *env) {
		ctx := context.Background()
		u, pw := e.newPerson(t, "new.worker", vigil.RoleSocialWorker)

		pending, _, stage, err := e.store.SignInPassword(ctx, "new.worker", pw)
		if err != nil || stage != vigil.StageEnrol {
			t.Fatalf("first sign-in: stage %q, err %v; want enrol", stage, err)
		}
		if _, err := e.store.UserBySession(ctx, pending); vigil.ErrorCode(err) != vigil.EUNAUTHORIZED {
			t.Errorf("a pending sign-in works as a session: %v", err)
		}
		if got, st, err := e.store.PendingSignIn(ctx, pending); err != nil || got.ID != u.ID || st != vigil.StageEnrol {
			t.Errorf("pending sign-in: %v %q %v", got, st, err)
		}
		key, err := e.store.TOTPEnrolment(ctx, pending)
		if err != nil {
			t.Fatal(err)
		}
		again, err := e.store.TOTPEnrolment(ctx, pending)
		if err != nil || again.Secret != key.Secret {
			t.Errorf("a second look at the set-up page changed the secret: %v", err)
		}
		if !strings.HasPrefix(key.URI, "otpauth://totp/Vigil:new.worker?") || !strings.Contains(key.URI, "secret="+key.Secret) {
			t.Errorf("key URI = %q", key.URI)
		}
		if _, _, err := e.store.CompleteSignIn(ctx, pending, "000000x"); vigil.ErrorCode(err) != vigil.EUNAUTHORIZED {
			t.Errorf("malformed code: %v", err)
		}
		now := time.Now()
		token, _, err := e.store.CompleteSignIn(ctx, pending, codeAt(t, key.Secret, now))
		if err != nil {
			t.Fatal(err)
		}
		if token == pending {
			t.Error("the signed-in session kept the pending sign-in's token")
		}
		if got, err := e.store.UserBySession(ctx, token); err != nil || got.ID != u.ID {
			t.Fatalf("session after enrolment: %v", err)
		}
		if _, _, err := e.store.PendingSignIn(ctx, pending); vigil.ErrorCode(err) != vigil.EUNAUTHORIZED {
			t.Errorf("the pending sign-in outlived its completion: %v", err)
		}

		// The secret is stored sealed, never as the person typed it.
		var sealed []byte
		e.db.Reader.QueryRow(e.db.Rebind(`SELECT secret FROM user_totp WHERE user_id = ?`), u.ID).Scan(&sealed)
		if len(sealed) == 0 || bytes.Contains(sealed, []byte(key.Secret)) {
			t.Errorf("stored secret is missing or in the clear: %q", sealed)
		}

		// The next sign-in asks for a code; the code used to enrol is
		// refused (replay), the next step's is accepted, once.
		pending, _, stage, err = e.store.SignInPassword(ctx, "new.worker", pw)
		if err != nil || stage != vigil.StageCode {
			t.Fatalf("second sign-in: stage %q, err %v", stage, err)
		}
		if _, _, err := e.store.CompleteSignIn(ctx, pending, codeAt(t, key.Secret, now)); vigil.ErrorCode(err) != vigil.EUNAUTHORIZED ||
			!strings.Contains(vigil.ErrorMessage(err), "already been used") {
			t.Errorf("replayed code: %v", err)
		}
		next := codeAt(t, key.Secret, now.Add(30*time.Second))
		if _, _, err := e.store.CompleteSignIn(ctx, pending, next); err != nil {
			t.Fatalf("next step's code: %v", err)
		}
		pending, _, _, _ = e.store.SignInPassword(ctx, "new.worker", pw)
		if _, _, err := e.store.CompleteSignIn(ctx, pending, next); vigil.ErrorCode(err) != vigil.EUNAUTHORIZED {
			t.Errorf("a code accepted once was accepted again: %v", err)
		}
		if kinds := e.kindsOf(t, u.ID); !hasAll(kinds, "user.created", "totp.enrolled", "session.started") {
			t.Errorf("log of the new person: %v", kinds)
		}
		e.verify(t)
	})
}

func TestSecondFactorRefusals(t *testing.T) {
	engines(t, func(t *testing.T, e *env) {
		ctx := context.Background()
		l := e.town.Login("social.worker")
		pending, _, _, err := e.store.SignInPassword(ctx, l.Username, l.Password)
		if err != nil {
			t.Fatal(err)
		}
		for i := range 5 {
			_, _, err := e.store.CompleteSignIn(ctx, pending, "000000")
			want := vigil.EUNAUTHORIZED
			if i == 4 {
				want = vigil.ETOOMANYREQUEST
			}
			if vigil.ErrorCode(err) != want {
				t.Fatalf("wrong code %d: %v, want %s", i+1, err, want)
			}
		}
		if _, _, err := e.store.CompleteSignIn(ctx, pending, l.Code()); vigil.ErrorCode(err) != vigil.EUNAUTHORIZED {
			t.Errorf("right code after too many wrong ones: %v", err)
		}

		// A pending sign-in lasts minutes, not hours.
		pending, _, _, _ = e.store.SignInPassword(ctx, l.Username, l.Password)
		e.exec(t, `UPDATE sessions SET expires_at = ? WHERE user_id = ? AND stage = 'totp'`, time.Now().Add(-time.Second).UnixMicro(), l.User.ID)
		if _, _, err := e.store.CompleteSignIn(ctx, pending, l.Code()); vigil.ErrorCode(err) != vigil.EUNAUTHORIZED {
			t.Errorf("code after the pending sign-in expired: %v", err)
		}

		// A sealed secret copied into another person's row does not open.
		other := e.town.Login("social.worker2")
		e.exec(t, `UPDATE user_totp SET secret = (SELECT secret FROM user_totp WHERE user_id = ?) WHERE user_id = ?`, l.User.ID, other.User.ID)
		pending, _, _, _ = e.store.SignInPassword(ctx, other.Username, other.Password)
		if _, _, err := e.store.CompleteSignIn(ctx, pending, l.Code()); err == nil || vigil.ErrorCode(err) != vigil.EINTERNAL {
			t.Errorf("someone else's secret: %v, want an internal error", err)
		}

		if _, err := e.store.EnrolTOTP(ctx, e.user(t, "admin"), l.User.ID); vigil.ErrorCode(err) != vigil.EFORBIDDEN {
			t.Errorf("an administrator setting someone's secret: %v", err)
		}
	})
}

func TestSessionExpiry(t *testing.T) {
	engines(t, func(t *testing.T, e *env) {
		ctx := context.Background()
		idle, absolute, touched := e.signIn(t, "duty.manager"), e.signIn(t, "duty.manager"), e.signIn(t, "duty.manager")
		now := time.Now()
		e.exec(t, `UPDATE sessions SET last_seen_at = ? WHERE token_hash = ?`, now.Add(-vigil.SessionIdle-time.Second).UnixMicro(), e.hashOf(t, idle))
		e.exec(t, `UPDATE sessions SET expires_at = ? WHERE token_hash = ?`, now.Add(-time.Second).UnixMicro(), e.hashOf(t, absolute))
		e.exec(t, `UPDATE sessions SET last_seen_at = ? WHERE token_hash = ?`, now.Add(-2*time.Minute).UnixMicro(), e.hashOf(t, touched))
		for _, tc := range []struct {
			name, token string
			want        string
		}{
			{"idle for over 30 minutes", idle, vigil.EUNAUTHORIZED},
			{"past its absolute end", absolute, vigil.EUNAUTHORIZED},
			{"used 2 minutes ago", touched, ""},
		} {
			t.Run(tc.name, func(t *testing.T) {
				if _, err := e.store.UserBySession(ctx, tc.token); vigil.ErrorCode(err) != tc.want {
					t.Errorf("err = %v, want %q", err, tc.want)
				}
			})
		}
		var seen int64
		e.db.Reader.QueryRow(e.db.Rebind(`SELECT last_seen_at FROM sessions WHERE token_hash = ?`), e.hashOf(t, touched)).Scan(&seen)
		if time.Since(time.UnixMicro(seen)) > time.Minute {
			t.Errorf("using a session did not refresh its last use (%v ago)", time.Since(time.UnixMicro(seen)))
		}
		var expires, created int64
		e.db.Reader.QueryRow(e.db.Rebind(`SELECT expires_at, created_at FROM sessions WHERE token_hash = ?`), e.hashOf(t, touched)).Scan(&expires, &created)
		if d := time.UnixMicro(expires).Sub(time.UnixMicro(created)); d != 12*time.Hour {
			t.Errorf("session lifetime %v, want 12h", d)
		}
	})
}

// hashOf is how the store keeps a session or API token.
func (e *env) hashOf(t testing.TB, token string) []byte {
	t.Helper()
	h, err := e.store.TokenHash(token)
	if err != nil {
		t.Fatal(err)
	}
	return h
}

func TestChangePasswordSignsOutEverywhere(t *testing.T) {
	engines(t, func(t *testing.T, e *env) {
		ctx := context.Background()
		l := e.town.Login("team.manager")
		office, phone := e.signIn(t, "team.manager"), e.signIn(t, "team.manager")
		me := vigil.UserActor(l.User)
		if _, err := e.store.ChangePassword(ctx, me, "not my password", "a much longer new password"); vigil.ErrorCode(err) != vigil.EUNAUTHORIZED {
			t.Errorf("wrong current password: %v", err)
		}
		if _, err := e.store.ChangePassword(ctx, me, l.Password, "short"); vigil.ErrorCode(err) != vigil.EINVALID {
			t.Errorf("short new password: %v", err)
		}
		token, err := e.store.ChangePassword(ctx, me, l.Password, "correct horse battery staple")
		if err != nil {
			t.Fatal(err)
		}
		for name, old := range map[string]string{"office": office, "phone": phone} {
			if _, err := e.store.UserBySession(ctx, old); vigil.ErrorCode(err) != vigil.EUNAUTHORIZED {
				t.Errorf("the %s session survived a password change: %v", name, err)
			}
		}
		if _, err := e.store.UserBySession(ctx, token); err != nil {
			t.Errorf("the new session: %v", err)
		}
		if _, _, _, err := e.store.SignInPassword(ctx, l.Username, l.Password); vigil.ErrorCode(err) != vigil.EUNAUTHORIZED {
			t.Errorf("old password still works: %v", err)
		}
		if _, _, _, err := e.store.SignInPassword(ctx, l.Username, "correct horse battery staple"); err != nil {
			t.Errorf("new password: %v", err)
		}
		e.verify(t)
	})
}

// openLogged opens a seeded store whose log records go to buf.
func openLogged(t *testing.T, buf *bytes.Buffer) *env {
	t.Helper()
	ctx := context.Background()
	db, err := sqldb.Open(ctx, "sqlite:"+filepath.Join(t.TempDir(), "vigil.db"))
	if err != nil {
		t.Fatal(err)
	}
	skey, _, _ := ledger.GenerateKey("test.vigil.invalid/log")
	key, _ := ledger.ParseKey(skey)
	s, err := sqlstore.Open(ctx, db, key, slog.New(slog.NewTextHandler(buf, nil)))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { s.Close(); db.Close() })
	town, err := synth.Seed(ctx, s, synth.Options{Seed: 1, Concerns: 2})
	if err != nil {
		t.Fatal(err)
	}
	return &env{store: s, db: db, key: key, town: town}
}

func TestRevokedAPITokenRefused(t *testing.T) {
	var buf bytes.Buffer
	e := openLogged(t, &buf)
	ctx := context.Background()
	l, other := e.town.Login("police.officer"), e.town.Login("police.analyst")
	me := vigil.UserActor(l.User)
	tokens, err := e.store.APITokens(ctx, me, l.User.ID)
	if err != nil || len(tokens) != 1 || tokens[0].RevokedAt != nil {
		t.Fatalf("tokens: %v %v", tokens, err)
	}
	if _, err := e.store.APITokens(ctx, me, other.User.ID); vigil.ErrorCode(err) != vigil.ENOTFOUND {
		t.Errorf("listing a colleague's tokens: %v", err)
	}
	theirs, _ := e.store.APITokens(ctx, vigil.UserActor(other.User), other.User.ID)
	if err := e.store.RevokeAPIToken(ctx, me, theirs[0].ID); vigil.ErrorCode(err) != vigil.ENOTFOUND {
		t.Errorf("revoking a colleague's token: %v", err)
	}
	if err := e.store.RevokeAPIToken(ctx, me, tokens[0].ID); err != nil {
		t.Fatal(err)
	}
	if err := e.store.RevokeAPIToken(ctx, me, tokens[0].ID); vigil.ErrorCode(err) != vigil.ECONFLICT {
		t.Errorf("revoking twice: %v", err)
	}
	if _, err := e.store.UserByAPIToken(ctx, l.APIToken); vigil.ErrorCode(err) != vigil.EUNAUTHORIZED {
		t.Errorf("revoked token: %v", err)
	}
	logged := buf.String()
	if !strings.Contains(logged, "revoked API token refused") || !strings.Contains(logged, "token_id="+string(tokens[0].ID)) {
		t.Errorf("the refusal was not logged with the token's id:\n%s", logged)
	}
	if strings.Contains(logged, l.APIToken) {
		t.Error("the token itself reached the log")
	}
	if _, err := e.store.UserByAPIToken(ctx, other.APIToken); err != nil {
		t.Errorf("a colleague's token stopped working: %v", err)
	}
	e.verify(t)
}

func TestAdministration(t *testing.T) {
	engines(t, func(t *testing.T, e *env) {
		ctx := context.Background()
		admin := e.user(t, "admin")
		council := e.town.Agencies[vigil.AgencyChildrensServices].ID
		sw := e.town.Login("social.worker")
		token := e.signIn(t, "social.worker")
		cs := e.raise(t, time.Hour)
		if _, err := e.store.OfferTransfer(ctx, e.user(t, "duty.manager"), cs.ID, sw.User.ID, "Allocation"); err != nil {
			t.Fatal(err)
		}
		trs, _ := e.store.TransfersOffered(ctx, vigil.UserActor(sw.User))
		if err := e.store.AnswerTransfer(ctx, vigil.UserActor(sw.User), trs[0].ID, true, ""); err != nil {
			t.Fatal(err)
		}

		for _, tc := range []struct {
			name  string
			actor vigil.Actor
			c     vigil.AdminChange
			want  string
		}{
			{"a social worker", e.user(t, "social.worker2"), vigil.AdminChange{Action: vigil.AdminSetStatus, UserID: sw.User.ID, Status: vigil.UserSuspended, Reason: "x"}, vigil.EFORBIDDEN},
			{"a commissioner without an intervention", e.user(t, "commissioner"), vigil.AdminChange{Action: vigil.AdminSetStatus, UserID: sw.User.ID, Status: vigil.UserSuspended, Reason: "x"}, vigil.ENOTFOUND},
			{"oneself", admin, vigil.AdminChange{Action: vigil.AdminResetPassword, UserID: admin.ID, Reason: "x"}, vigil.EFORBIDDEN},
			{"no reason", admin, vigil.AdminChange{Action: vigil.AdminSetStatus, UserID: sw.User.ID, Status: vigil.UserSuspended}, vigil.EINVALID},
			{"the same status", admin, vigil.AdminChange{Action: vigil.AdminSetStatus, UserID: sw.User.ID, Status: vigil.UserActive, Reason: "x"}, vigil.EINVALID},
			{"another agency's person", admin, vigil.AdminChange{Action: vigil.AdminResetPassword, UserID: e.town.Login("police.officer").User.ID, Reason: "x"}, vigil.ENOTFOUND},
			{"a commissioner in a council", admin, vigil.AdminChange{Action: vigil.AdminCreateUser, AgencyID: council,
				NewUser: vigil.NewUser{Username: "fake.commissioner", Name: "Fake", Role: vigil.RoleCommissioner}, Reason: "x"}, vigil.EINVALID},
			{"a taken username", admin, vigil.AdminChange{Action: vigil.AdminCreateUser, AgencyID: council,
				NewUser: vigil.NewUser{Username: "social.worker", Name: "Twin", Role: vigil.RoleSocialWorker}, Reason: "x"}, vigil.ECONFLICT},
			{"another agency's team", admin, vigil.AdminChange{Action: vigil.AdminCreateUser, AgencyID: council,
				NewUser: vigil.NewUser{Username: "wrong.team", Name: "Wrong Team", Role: vigil.RoleSocialWorker, TeamID: e.town.Teams["public_protection"].ID}, Reason: "x"}, vigil.EINVALID},
		} {
			t.Run(tc.name, func(t *testing.T) {
				if _, err := e.store.Administer(ctx, tc.actor, tc.c); vigil.ErrorCode(err) != tc.want {
					t.Errorf("err = %v, want %s", err, tc.want)
				}
			})
		}

		// Suspension: the session and token end, the case passes to the manager.
		out, err := e.store.Administer(ctx, admin, vigil.AdminChange{Action: vigil.AdminSetStatus, UserID: sw.User.ID,
			Status: vigil.UserSuspended, Reason: "Pending investigation"})
		if err != nil {
			t.Fatal(err)
		}
		if out.User.Status != vigil.UserSuspended || out.Record.Status != vigil.AdminDone {
			t.Errorf("outcome: %+v %+v", out.User, out.Record)
		}
		if _, err := e.store.UserBySession(ctx, token); vigil.ErrorCode(err) != vigil.EUNAUTHORIZED {
			t.Errorf("suspended person's session: %v", err)
		}
		if _, err := e.store.UserByAPIToken(ctx, sw.APIToken); vigil.ErrorCode(err) != vigil.EUNAUTHORIZED {
			t.Errorf("suspended person's API token: %v", err)
		}
		if d := e.detail(t, cs.ID); d.OwnerID != e.town.Login("team.manager").User.ID {
			t.Errorf("case owner after suspension: %s", d.OwnerID)
		}
		// Reinstated, the old token stays revoked: the person is given a new one.
		if _, err := e.store.Administer(ctx, admin, vigil.AdminChange{Action: vigil.AdminSetStatus, UserID: sw.User.ID,
			Status: vigil.UserActive, Reason: "Investigation closed, no case to answer"}); err != nil {
			t.Fatal(err)
		}
		if _, err := e.store.UserByAPIToken(ctx, sw.APIToken); vigil.ErrorCode(err) != vigil.EUNAUTHORIZED {
			t.Errorf("a token revoked at suspension works after reinstatement: %v", err)
		}
		if _, err := e.store.Administer(ctx, admin, vigil.AdminChange{Action: vigil.AdminRevokeTokens, UserID: sw.User.ID, Reason: "x"}); vigil.ErrorCode(err) != vigil.ECONFLICT {
			t.Errorf("revoking when none is live: %v", err)
		}

		// A password reset signs the person out everywhere and gives a one-time password.
		token = e.signIn(t, "social.worker")
		out, err = e.store.Administer(ctx, admin, vigil.AdminChange{Action: vigil.AdminResetPassword, UserID: sw.User.ID, Reason: "Forgot it"})
		if err != nil || out.Password == "" {
			t.Fatalf("reset password: %v", err)
		}
		if _, err := e.store.UserBySession(ctx, token); vigil.ErrorCode(err) != vigil.EUNAUTHORIZED {
			t.Errorf("session after a password reset: %v", err)
		}
		if _, _, stage, err := e.store.SignInPassword(ctx, sw.Username, out.Password); err != nil || stage != vigil.StageCode {
			t.Errorf("one-time password: stage %q err %v (the authenticator is kept)", stage, err)
		}
		// An authenticator reset makes them set up a new one.
		if _, err := e.store.Administer(ctx, admin, vigil.AdminChange{Action: vigil.AdminResetTOTP, UserID: sw.User.ID, Reason: "Lost phone"}); err != nil {
			t.Fatal(err)
		}
		if _, _, stage, err := e.store.SignInPassword(ctx, sw.Username, out.Password); err != nil || stage != vigil.StageEnrol {
			t.Errorf("after an authenticator reset: stage %q err %v", stage, err)
		}

		hist, err := e.store.AdminHistory(ctx, admin, council, 10)
		if err != nil {
			t.Fatal(err)
		}
		var got []string
		for _, h := range hist {
			got = append(got, string(h.Action)+" "+string(h.Status)+" "+h.Details)
		}
		// Changes made in the same millisecond have no order: compare as sets.
		slices.Sort(got)
		want := []string{"reset_password done ", "reset_totp done ", "set_status done active", "set_status done suspended"}
		if diff := cmp.Diff(want, got); diff != "" {
			t.Errorf("history (-want +got):\n%s", diff)
		}
		if _, err := e.store.AdminHistory(ctx, e.user(t, "social.worker2"), council, 10); vigil.ErrorCode(err) != vigil.EFORBIDDEN {
			t.Errorf("a social worker reading the history: %v", err)
		}
		if kinds := e.kindsOf(t, sw.User.ID); !hasAll(kinds, "user.status_changed", "user.status_reason", "session.ended", "user.password_reset", "totp.reset") {
			t.Errorf("log of the person: %v", kinds)
		}
		e.verify(t)
	})
}

func TestIntervention(t *testing.T) {
	engines(t, func(t *testing.T, e *env) {
		ctx := context.Background()
		admin, commissioner := e.user(t, "admin"), e.user(t, "commissioner")
		council := e.town.Agencies[vigil.AgencyChildrensServices].ID
		sw := e.town.Login("social.worker")

		if _, err := e.store.StartIntervention(ctx, admin, council, "x"); vigil.ErrorCode(err) != vigil.EFORBIDDEN {
			t.Errorf("an administrator starting an intervention: %v", err)
		}
		if _, err := e.store.StartIntervention(ctx, commissioner, e.town.Agencies[vigil.AgencyIndependent].ID, "x"); vigil.ErrorCode(err) != vigil.EINVALID {
			t.Errorf("intervening in one's own agency: %v", err)
		}
		in, err := e.store.StartIntervention(ctx, commissioner, council, "Direction of the Secretary of State under section 15 of the Local Government Act 1999")
		if err != nil {
			t.Fatal(err)
		}
		if _, err := e.store.StartIntervention(ctx, commissioner, council, "again"); vigil.ErrorCode(err) != vigil.ECONFLICT {
			t.Errorf("a second intervention: %v", err)
		}

		// The council's administrator now only asks.
		if err := e.store.SetUserStatus(ctx, admin, sw.User.ID, vigil.UserSuspended, "x"); vigil.ErrorCode(err) != vigil.EFORBIDDEN {
			t.Errorf("direct suspension under intervention: %v", err)
		}
		out, err := e.store.Administer(ctx, admin, vigil.AdminChange{Action: vigil.AdminSetStatus, UserID: sw.User.ID,
			Status: vigil.UserSuspended, Reason: "Pending investigation"})
		if err != nil {
			t.Fatal(err)
		}
		if out.Record.Status != vigil.AdminPending || out.User != nil || out.Record.InterventionID != in.ID {
			t.Fatalf("request: %+v", out.Record)
		}
		if u, _ := e.store.FindUser(ctx, sw.User.ID); u.Status != vigil.UserActive {
			t.Errorf("a request changed the person's status to %s before approval", u.Status)
		}
		create, err := e.store.Administer(ctx, admin, vigil.AdminChange{Action: vigil.AdminCreateUser, AgencyID: council,
			NewUser: vigil.NewUser{Username: "friend.of.leader", Name: "A Friend", Role: vigil.RoleDirector}, Reason: "Needed"})
		if err != nil || create.Record.Status != vigil.AdminPending || create.Password == "" {
			t.Fatalf("create request: %+v %v", create, err)
		}

		if _, err := e.store.DecideAdminRequest(ctx, admin, out.Record.ID, true, "I approve my own"); vigil.ErrorCode(err) != vigil.EFORBIDDEN {
			t.Errorf("an administrator deciding a request: %v", err)
		}
		if _, err := e.store.DecideAdminRequest(ctx, commissioner, out.Record.ID, true, ""); vigil.ErrorCode(err) != vigil.EINVALID {
			t.Errorf("a decision without a reason: %v", err)
		}
		dec, err := e.store.DecideAdminRequest(ctx, commissioner, out.Record.ID, true, "Allegation credible; suspension proportionate")
		if err != nil {
			t.Fatal(err)
		}
		if dec.Record.Status != vigil.AdminApproved || dec.User.Status != vigil.UserSuspended {
			t.Errorf("approval: %+v", dec.Record)
		}
		if _, err := e.store.DecideAdminRequest(ctx, commissioner, out.Record.ID, false, "changed my mind"); vigil.ErrorCode(err) != vigil.ECONFLICT {
			t.Errorf("deciding twice: %v", err)
		}
		if _, err := e.store.DecideAdminRequest(ctx, commissioner, create.Record.ID, false, "No vacancy has been approved"); err != nil {
			t.Fatal(err)
		}
		if _, _, _, err := e.store.SignInPassword(ctx, "friend.of.leader", create.Password); vigil.ErrorCode(err) != vigil.EUNAUTHORIZED {
			t.Errorf("a refused person can sign in: %v", err)
		}

		// Commissioners act directly on the agency during the intervention.
		if _, err := e.store.Administer(ctx, commissioner, vigil.AdminChange{Action: vigil.AdminSetStatus, UserID: sw.User.ID,
			Status: vigil.UserActive, Reason: "Reinstated by the commissioners"}); err != nil {
			t.Fatal(err)
		}
		lapsing, err := e.store.Administer(ctx, admin, vigil.AdminChange{Action: vigil.AdminResetPassword, UserID: sw.User.ID, Reason: "Forgot it"})
		if err != nil || lapsing.Record.Status != vigil.AdminPending {
			t.Fatalf("reset request: %v", err)
		}

		if err := e.store.EndIntervention(ctx, admin, in.ID, "x"); vigil.ErrorCode(err) != vigil.EFORBIDDEN {
			t.Errorf("an administrator ending the intervention: %v", err)
		}
		if err := e.store.EndIntervention(ctx, commissioner, in.ID, "Improvement plan met; powers returned to the council"); err != nil {
			t.Fatal(err)
		}
		if err := e.store.EndIntervention(ctx, commissioner, in.ID, "again"); vigil.ErrorCode(err) != vigil.ECONFLICT {
			t.Errorf("ending twice: %v", err)
		}
		if _, err := e.store.DecideAdminRequest(ctx, commissioner, lapsing.Record.ID, true, "late"); vigil.ErrorCode(err) != vigil.ENOTFOUND {
			t.Errorf("deciding after the intervention ended: %v", err)
		}
		list, err := e.store.Interventions(ctx)
		if err != nil || len(list) != 1 || list[0].Active() || list[0].EndReason == "" || list[0].StartedByName != commissioner.User.Name {
			t.Fatalf("interventions: %+v %v", list, err)
		}
		// The administrator acts directly again.
		if _, err := e.store.Administer(ctx, admin, vigil.AdminChange{Action: vigil.AdminResetPassword, UserID: sw.User.ID, Reason: "Forgot it"}); err != nil {
			t.Fatal(err)
		}

		hist, err := e.store.AdminHistory(ctx, commissioner, council, 0)
		if err != nil {
			t.Fatal(err)
		}
		var got []string
		for _, h := range hist {
			line := string(h.Action) + " " + string(h.Status) + " by " + h.RequestedByName
			if h.DecidedBy != "" {
				line += ", decided by " + h.DecidedByName
			}
			got = append(got, line)
		}
		slices.Sort(got)
		want := []string{
			"create_user refused by Alex Morgan, decided by Farah Begum",
			"reset_password done by Alex Morgan",
			"reset_password lapsed by Alex Morgan, decided by Farah Begum",
			"set_status approved by Alex Morgan, decided by Farah Begum",
			"set_status done by Farah Begum",
		}
		if diff := cmp.Diff(want, got); diff != "" {
			t.Errorf("history (-want +got):\n%s", diff)
		}
		if kinds := e.kindsOf(t, in.ID); !cmp.Equal(kinds, []string{"intervention.started", "intervention.ended"}) {
			t.Errorf("log of the intervention: %v", kinds)
		}
		if kinds := e.kindsOf(t, out.Record.ID); !cmp.Equal(kinds, []string{"admin.requested", "admin.approved"}) {
			t.Errorf("log of the request: %v", kinds)
		}
		e.verify(t)
	})
}
