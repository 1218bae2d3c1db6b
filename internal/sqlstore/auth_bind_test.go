package sqlstore_test

import (
	"bytes"
	"context"
	"crypto/rand"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"strings"
	"testing"
	"time"

	"github.com/vigil-project/vigil"
	"github.com/vigil-project/vigil/internal/ledger"
	"github.com/vigil-project/vigil/internal/sqlstore"
)

// These tests play a database administrator who can write any row but
// has not the log's key file (DESIGN.md section 3), and who has an
// account of their own ("referrer"). Each forgery must authenticate
// nobody; where a forged row matches a real token, the refusal must be in
// the verifiable log.

// sha is how tokens were stored before they were bound to the log key,
// and what anyone can compute.
func sha(token string) []byte {
	h := sha256.Sum256([]byte(token))
	return h[:]
}

func randomBytes(n int) []byte {
	b := make([]byte, n)
	rand.Read(b)
	return b
}

func TestForgedSessionRowsRefused(t *testing.T) {
	engines(t, func(t *testing.T, e *env) {
		ctx := context.Background()
		victim := e.town.Login("director")
		now := time.Now()
		for _, tc := range []struct {
			name string
			// forge writes rows and returns the token the forger then uses.
			forge func(t *testing.T) string
		}{
			{"row inserted with a plain hash of a chosen token", func(t *testing.T) string {
				token := "vs_chosen-by-the-administrator"
				e.exec(t, `INSERT INTO sessions (token_hash, user_id, created_at, expires_at, stage, via, last_seen_at, mac)
					VALUES (?, ?, ?, ?, 'full', 'password', ?, ?)`, sha(token), victim.User.ID, now.UnixMicro(),
					now.Add(time.Hour).UnixMicro(), now.UnixMicro(), randomBytes(32))
				return token
			}},
			{"row inserted without a mac", func(t *testing.T) string {
				token := "vs_chosen-without-mac"
				e.exec(t, `INSERT INTO sessions (token_hash, user_id, created_at, expires_at, stage, via, last_seen_at)
					VALUES (?, ?, ?, ?, 'full', 'password', ?)`, sha(token), victim.User.ID, now.UnixMicro(),
					now.Add(time.Hour).UnixMicro(), now.UnixMicro())
				return token
			}},
			{"the forger's own session moved to the victim", func(t *testing.T) string {
				token := e.signIn(t, "referrer")
				e.exec(t, `UPDATE sessions SET user_id = ? WHERE token_hash = ?`, victim.User.ID, e.hashOf(t, token))
				return token
			}},
			{"a sign-in waiting for its code made a signed-in one", func(t *testing.T) string {
				// The forger knows (or has swapped in) the password, but not the code.
				pending, _, _, err := e.store.SignInPassword(ctx, victim.Username, victim.Password)
				if err != nil {
					t.Fatal(err)
				}
				e.exec(t, `UPDATE sessions SET stage = 'full' WHERE token_hash = ?`, e.hashOf(t, pending))
				return pending
			}},
			{"the forger's own session made to last longer", func(t *testing.T) string {
				token := e.signIn(t, "referrer")
				e.exec(t, `UPDATE sessions SET expires_at = ? WHERE token_hash = ?`, now.Add(30*24*time.Hour).UnixMicro(), e.hashOf(t, token))
				return token
			}},
		} {
			t.Run(tc.name, func(t *testing.T) {
				token := tc.forge(t)
				if u, err := e.store.UserBySession(ctx, token); vigil.ErrorCode(err) != vigil.EUNAUTHORIZED {
					t.Errorf("forged session: user %v, err %v; want refused", u, err)
				}
			})
		}
		// The forgeries that used a real token (the forger's own) are
		// on record as tampering; the made-up ones matched no token.
		if got := count(e.kindsOf(t, victim.User.ID), "credential.tampered"); got != 2 {
			t.Errorf("%d credential.tampered entries for the victim, want 2 (the moved session and the skipped code)", got)
		}
		if got := count(e.kindsOf(t, e.town.Login("referrer").User.ID), "credential.tampered"); got != 1 {
			t.Errorf("%d credential.tampered entries for the forger, want 1 (the lengthened session)", got)
		}
		// Honest sessions still work.
		if _, err := e.store.UserBySession(ctx, e.signIn(t, "director")); err != nil {
			t.Errorf("an honest sign-in: %v", err)
		}
		e.verify(t)
	})
}

func TestForgedPendingSignInRefused(t *testing.T) {
	engines(t, func(t *testing.T, e *env) {
		ctx := context.Background()
		victim := e.town.Login("social.worker")
		// Knowing the password, the forger turns the request for a code
		// into a request to set up a new authenticator, their own.
		pending, _, _, err := e.store.SignInPassword(ctx, victim.Username, victim.Password)
		if err != nil {
			t.Fatal(err)
		}
		e.exec(t, `UPDATE sessions SET stage = 'enrol' WHERE token_hash = ?`, e.hashOf(t, pending))
		if _, _, err := e.store.PendingSignIn(ctx, pending); vigil.ErrorCode(err) != vigil.EUNAUTHORIZED {
			t.Errorf("pending sign-in with its stage changed: %v", err)
		}
		if _, err := e.store.TOTPEnrolment(ctx, pending); vigil.ErrorCode(err) != vigil.EUNAUTHORIZED {
			t.Errorf("authenticator set-up offered on a forged stage: %v", err)
		}
		if got := count(e.kindsOf(t, victim.User.ID), "credential.tampered"); got != 2 {
			t.Errorf("%d credential.tampered entries, want 2", got)
		}
	})
}

func TestForgedAPITokenRowsRefused(t *testing.T) {
	engines(t, func(t *testing.T, e *env) {
		ctx := context.Background()
		victim, forger := e.town.Login("police.analyst"), e.town.Login("referrer")
		mine, err := e.store.APITokens(ctx, vigil.UserActor(forger.User), forger.User.ID)
		if err != nil || len(mine) != 1 {
			t.Fatalf("forger's tokens: %v %v", mine, err)
		}
		for _, tc := range []struct {
			name, token string
			forge       func(t *testing.T)
			message     string
		}{
			{"row inserted with a plain hash", "vgl_chosen-by-the-administrator", func(t *testing.T) {
				e.exec(t, `INSERT INTO api_tokens (id, version, user_id, token_hash, label, created_at) VALUES (?, 1, ?, ?, 'x', 0)`,
					vigil.NewID(), victim.User.ID, sha("vgl_chosen-by-the-administrator"))
			}, "earlier version"},
			{"row inserted with a made-up mac", "vgl_chosen-with-mac", func(t *testing.T) {
				e.exec(t, `INSERT INTO api_tokens (id, version, user_id, token_hash, label, created_at, mac) VALUES (?, 1, ?, ?, 'x', 0, ?)`,
					vigil.NewID(), victim.User.ID, sha("vgl_chosen-with-mac"), randomBytes(32))
			}, "not signed in"},
			{"the forger's own token moved to the victim", forger.APIToken, func(t *testing.T) {
				e.exec(t, `UPDATE api_tokens SET user_id = ? WHERE id = ?`, victim.User.ID, mine[0].ID)
			}, "not signed in"},
		} {
			t.Run(tc.name, func(t *testing.T) {
				tc.forge(t)
				u, err := e.store.UserByAPIToken(ctx, tc.token)
				if vigil.ErrorCode(err) != vigil.EUNAUTHORIZED || !strings.Contains(vigil.ErrorMessage(err), tc.message) {
					t.Errorf("forged token: user %v, err %v; want refused with %q", u, err, tc.message)
				}
			})
		}
		if got := count(e.kindsOf(t, victim.User.ID), "credential.tampered"); got != 1 {
			t.Errorf("%d credential.tampered entries for the victim, want 1 (the moved token)", got)
		}
		if _, err := e.store.UserByAPIToken(ctx, victim.APIToken); err != nil {
			t.Errorf("the victim's own token: %v", err)
		}
		// The rows were changed outside the application, and the log
		// tracks API token rows: verify names them.
		e.store.Log().Checkpoint(ctx)
		r, err := ledger.VerifyDB(ctx, e.db, e.key.VerifierKey(), sqlstore.Tables, nil)
		if err != nil {
			t.Fatal(err)
		}
		var kinds []string
		for _, p := range r.Problems {
			kinds = append(kinds, p.Kind)
		}
		if count(kinds, "row-inserted") != 2 || count(kinds, "row-edited") != 1 {
			t.Errorf("verify: %v, want two inserted token rows and one edited", r.Problems)
		}
	})
}

func TestForgedSecondFactorRefused(t *testing.T) {
	engines(t, func(t *testing.T, e *env) {
		ctx := context.Background()
		victim, forger := e.town.Login("team.manager"), e.town.Login("referrer")
		for _, tc := range []struct {
			name  string
			forge func(t *testing.T)
			code  func() string // what the forger types
		}{
			{"the forger's own sealed secret copied into the victim's row", func(t *testing.T) {
				e.exec(t, `UPDATE user_totp SET secret = (SELECT secret FROM user_totp WHERE user_id = ?) WHERE user_id = ?`, forger.User.ID, victim.User.ID)
			}, forger.Code},
			{"a secret of the forger's choosing, unsealed", func(t *testing.T) {
				e.exec(t, `UPDATE user_totp SET secret = ? WHERE user_id = ?`, []byte(forger.TOTPSecret), victim.User.ID)
			}, forger.Code},
		} {
			t.Run(tc.name, func(t *testing.T) {
				tc.forge(t)
				pending, _, stage, err := e.store.SignInPassword(ctx, victim.Username, victim.Password)
				if err != nil || stage != vigil.StageCode {
					t.Fatalf("password: stage %q, err %v", stage, err)
				}
				if tok, _, err := e.store.CompleteSignIn(ctx, pending, tc.code()); err == nil {
					if _, err := e.store.UserBySession(ctx, tok); err == nil {
						t.Fatal("signed in as the victim with the forger's authenticator")
					}
				}
			})
		}
		// Deleting the row would offer the forger the set-up of a new
		// authenticator; the log says the victim has one, so sign-in is
		// refused instead.
		e.exec(t, `DELETE FROM user_totp WHERE user_id = ?`, victim.User.ID)
		if _, _, stage, err := e.store.SignInPassword(ctx, victim.Username, victim.Password); err == nil {
			t.Errorf("sign-in after the authenticator row was deleted reached stage %q, want refused", stage)
		}
		if got := count(e.kindsOf(t, victim.User.ID), "credential.tampered"); got != 3 {
			t.Errorf("%d credential.tampered entries, want 3", got)
		}
		// After an administrator's reset (in the log), set-up is offered.
		if _, err := e.store.Administer(ctx, e.user(t, "admin"), vigil.AdminChange{Action: vigil.AdminResetTOTP, UserID: victim.User.ID,
			Reason: "Lost phone"}); err != nil {
			t.Fatal(err)
		}
		if _, _, stage, err := e.store.SignInPassword(ctx, victim.Username, victim.Password); err != nil || stage != vigil.StageEnrol {
			t.Errorf("after a reset: stage %q, err %v; want enrol", stage, err)
		}
		// The forger's own authenticator still works for the forger.
		if _, err := e.store.UserBySession(ctx, e.signIn(t, "referrer")); err != nil {
			t.Errorf("an honest sign-in: %v", err)
		}
	})
}

// TestTokensMadeBeforeBinding plays a database from before migration 0090:
// a token row with a plain hash and no mac. Reopened with its key, the
// store revokes it through the log, and its use is refused with a message
// that says what to do.
func TestTokensMadeBeforeBinding(t *testing.T) {
	engines(t, func(t *testing.T, e *env) {
		ctx := context.Background()
		l := e.town.Login("school.dsl")
		old := "vgl_made-before-binding"
		id := vigil.NewID()
		// Recorded in the log as the old server did, so that verify holds.
		err := e.store.Log().Write(ctx, func(tx *ledger.Tx) error {
			return tx.Save("api_token.created", string(l.User.ID), "api_tokens",
				`INSERT INTO api_tokens (id, version, user_id, token_hash, label, created_at) VALUES (?, 1, ?, ?, 'old script', ?)`,
				id, l.User.ID, sha(old), tx.Now().UnixMicro())
		})
		if err != nil {
			t.Fatal(err)
		}
		if _, err := e.store.UserByAPIToken(ctx, old); !strings.Contains(vigil.ErrorMessage(err), "Make a new one") {
			t.Errorf("old token: %v, want a message saying to make a new one", err)
		}
		s2, err := sqlstore.Open(ctx, e.db, e.key, nil)
		if err != nil {
			t.Fatal(err)
		}
		defer s2.Close()
		tokens, err := s2.APITokens(ctx, vigil.UserActor(l.User), l.User.ID)
		if err != nil {
			t.Fatal(err)
		}
		for _, tk := range tokens {
			if revoked := tk.RevokedAt != nil; revoked != (tk.ID == id) {
				t.Errorf("token %s revoked %v; only the old one should be", tk.ID, revoked)
			}
		}
		if kinds := e.kindsOf(t, id); !hasAll(kinds, "api_token.created", "api_token.revoked") {
			t.Errorf("log of the old token: %v", kinds)
		}
		if _, err := s2.UserByAPIToken(ctx, l.APIToken); err != nil {
			t.Errorf("a token made since: %v", err)
		}
		s2.Log().Checkpoint(ctx)
		r, err := ledger.VerifyDB(ctx, e.db, e.key.VerifierKey(), sqlstore.Tables, nil)
		if err != nil || !r.OK() {
			t.Fatalf("verify: %v %v", err, r.Problems)
		}
	})
}

func TestSessionEndsAreLogged(t *testing.T) {
	engines(t, func(t *testing.T, e *env) {
		ctx := context.Background()
		l := e.town.Login("health.nurse")
		idle, old, out, live := e.signIn(t, l.Username), e.signIn(t, l.Username), e.signIn(t, l.Username), e.signIn(t, l.Username)
		now := time.Now()
		e.exec(t, `UPDATE sessions SET last_seen_at = ? WHERE token_hash = ?`, now.Add(-vigil.SessionIdle-time.Second).UnixMicro(), e.hashOf(t, idle))
		e.exec(t, `UPDATE sessions SET expires_at = ? WHERE token_hash = ?`, now.Add(-time.Second).UnixMicro(), e.hashOf(t, old))
		if err := e.store.SignOut(ctx, out); err != nil {
			t.Fatal(err)
		}
		if err := e.store.SweepSessions(ctx, now); err != nil {
			t.Fatal(err)
		}
		if err := e.store.SweepSessions(ctx, now); err != nil { // a second node's sweep finds nothing more
			t.Fatal(err)
		}
		entries := e.entriesOf(t, l.User.ID)
		ended := map[string]string{} // session ref -> how it ended
		for _, en := range entries {
			switch en.kind {
			case "session.expired":
				ended[en.details["session"]] = en.details["reason"]
			case "session.ended":
				ended[en.details["session"]] = en.details["via"]
			}
		}
		want := map[string]string{ref(e.hashOf(t, idle)): "idle", ref(e.hashOf(t, old)): "lifetime", ref(e.hashOf(t, out)): "sign-out"}
		if len(ended) != len(want) {
			t.Errorf("ended sessions %v, want %v", ended, want)
		}
		for r, how := range want {
			if ended[r] != how {
				t.Errorf("session %s ended by %q, want %q", r, ended[r], how)
			}
		}
		var n int
		e.db.Reader.QueryRow(e.db.Rebind(`SELECT COUNT(*) FROM sessions WHERE user_id = ?`), l.User.ID).Scan(&n)
		if n != 1 {
			t.Errorf("%d sessions left, want the live one", n)
		}
		if _, err := e.store.UserBySession(ctx, live); err != nil {
			t.Errorf("the live session: %v", err)
		}
		// Nothing in the log or its states reveals a token.
		for _, tok := range []string{idle, old, out, live} {
			for _, en := range entries {
				if bytes.Contains(en.state, []byte(tok)) {
					t.Errorf("a session token reached the log")
				}
			}
		}
	})
}

// ref is how log entries name a session: the start of its token hash.
func ref(th []byte) string { return hex.EncodeToString(th[:8]) }

type loggedEntry struct {
	kind    string
	details map[string]string
	state   []byte
}

// entriesOf returns the entries about an object with their details.
func (e *env) entriesOf(t testing.TB, objectID vigil.ID) []loggedEntry {
	t.Helper()
	rows, err := e.db.Reader.Query(e.db.Rebind(`SELECT e.data, s.state FROM log_entries e JOIN log_states s ON s.idx = e.idx WHERE e.object_id = ? ORDER BY e.idx`), objectID)
	if err != nil {
		t.Fatal(err)
	}
	defer rows.Close()
	var out []loggedEntry
	for rows.Next() {
		var data, state []byte
		if err := rows.Scan(&data, &state); err != nil {
			t.Fatal(err)
		}
		en, err := ledger.ParseEntry(data)
		if err != nil {
			t.Fatal(err)
		}
		d := map[string]string{}
		_ = json.Unmarshal(state, &d) // not every entry has string details
		out = append(out, loggedEntry{kind: en.Kind, details: d, state: state})
	}
	return out
}

// TestForgedPasswordRefused: a database administrator who puts a password
// hash they know into someone's row (their own hash, with or without
// their own row's binding, or a fresh hash with none) signs in as nobody,
// and each attempt is in the log; with the row put back, the person signs
// in again.
func TestForgedPasswordRefused(t *testing.T) {
	engines(t, func(t *testing.T, e *env) {
		ctx := context.Background()
		victim, forger := e.town.Login("director"), e.town.Login("referrer")
		var origHash string
		var origMAC []byte
		if err := e.db.Reader.QueryRow(e.db.Rebind(`SELECT password_hash, password_mac FROM users WHERE id = ?`), victim.User.ID).Scan(&origHash, &origMAC); err != nil {
			t.Fatal(err)
		}
		if len(origMAC) == 0 {
			t.Fatal("a new person's password hash is not bound")
		}
		for _, tc := range []struct {
			name, password string
			forge          func(t *testing.T)
		}{
			{"the forger's hash copied", forger.Password, func(t *testing.T) {
				e.exec(t, `UPDATE users SET password_hash = (SELECT password_hash FROM users WHERE id = ?) WHERE id = ?`, forger.User.ID, victim.User.ID)
			}},
			{"the forger's hash and binding copied", forger.Password, func(t *testing.T) {
				e.exec(t, `UPDATE users SET password_hash = (SELECT password_hash FROM users WHERE id = ?), password_mac = (SELECT password_mac FROM users WHERE id = ?) WHERE id = ?`,
					forger.User.ID, forger.User.ID, victim.User.ID)
			}},
			{"a hash of a chosen password, no binding", "chosen-by-the-administrator", func(t *testing.T) {
				e.exec(t, `UPDATE users SET password_hash = ?, password_mac = NULL WHERE id = ?`, sqlstore.HashPassword("chosen-by-the-administrator"), victim.User.ID)
			}},
		} {
			t.Run(tc.name, func(t *testing.T) {
				tc.forge(t)
				if _, u, err := e.store.SignIn(ctx, victim.Username, tc.password); vigil.ErrorCode(err) != vigil.EUNAUTHORIZED {
					t.Errorf("signed in as %v with a forged hash (err %v)", u, err)
				}
			})
		}
		if got := count(e.kindsOf(t, victim.User.ID), "credential.tampered"); got != 3 {
			t.Errorf("%d credential.tampered entries for the victim, want 3", got)
		}
		e.exec(t, `UPDATE users SET password_hash = ?, password_mac = ? WHERE id = ?`, origHash, origMAC, victim.User.ID)
		if _, _, err := e.store.SignIn(ctx, victim.Username, victim.Password); err != nil {
			t.Errorf("the victim's own password, row put back: %v", err)
		}
	})
}

// TestPasswordsStoredBeforeBinding: a hash stored by an older server (no
// binding) is bound through the log when the store first opens with its
// key; the person signs in as before and verify holds.
func TestPasswordsStoredBeforeBinding(t *testing.T) {
	engines(t, func(t *testing.T, e *env) {
		ctx := context.Background()
		staff := e.town.Login("social.worker")
		id, password := vigil.NewID(), "an old and long password"
		err := e.store.Log().Write(ctx, func(tx *ledger.Tx) error {
			return tx.Save("user.created", string(vigil.ActorSystem), "users",
				`INSERT INTO users (id, version, username, name, role, agency_id, status, password_hash, created_at) VALUES (?, 1, 'old.account', 'Old Account', ?, ?, 'active', ?, ?)`,
				id, staff.User.Role, staff.User.AgencyID, sqlstore.HashPassword(password), tx.Now().UnixMicro())
		})
		if err != nil {
			t.Fatal(err)
		}
		// And a request still pending, with its one-time password's hash.
		req := vigil.NewID()
		err = e.store.Log().Write(ctx, func(tx *ledger.Tx) error {
			return tx.Save("admin.requested", string(staff.User.ID), "admin_actions",
				`INSERT INTO admin_actions (id, version, agency_id, action, user_id, details, password_hash, reason, status, requested_by, requested_at)
				 VALUES (?, 1, ?, 'reset_password', ?, '{}', ?, 'Forgot it', 'pending', ?, ?)`,
				req, staff.User.AgencyID, id, sqlstore.HashPassword("one time"), staff.User.ID, tx.Now().UnixMicro())
		})
		if err != nil {
			t.Fatal(err)
		}
		s2, err := sqlstore.Open(ctx, e.db, e.key, nil)
		if err != nil {
			t.Fatal(err)
		}
		defer s2.Close()
		if kinds := e.kindsOf(t, req); !hasAll(kinds, "admin.requested", "admin.password_bound") {
			t.Errorf("log of the old request: %v", kinds)
		}
		if _, _, err := s2.SignIn(ctx, "old.account", password); err != nil {
			t.Errorf("signing in with a password stored before binding: %v", err)
		}
		if kinds := e.kindsOf(t, id); !hasAll(kinds, "user.created", "user.password_bound") || count(kinds, "credential.tampered") != 0 {
			t.Errorf("log of the old account: %v", kinds)
		}
		s2.Log().Checkpoint(ctx)
		r, err := ledger.VerifyDB(ctx, e.db, e.key.VerifierKey(), sqlstore.Tables, nil)
		if err != nil || !r.OK() {
			t.Fatalf("verify: %v %v", err, r.Problems)
		}
	})
}

// TestForgedRequestPasswordRefused: under an intervention a password reset
// waits for a commissioner with the hash of its one-time password. A
// database administrator who swaps in the hash of a password they know
// cannot have it approved: the approval is refused and logged, and the
// person's password is unchanged; an untouched request is approved and its
// one-time password works.
func TestForgedRequestPasswordRefused(t *testing.T) {
	engines(t, func(t *testing.T, e *env) {
		ctx := context.Background()
		admin, commissioner := e.user(t, "admin"), e.user(t, "commissioner")
		council := e.town.Agencies[vigil.AgencyChildrensServices].ID
		sw := e.town.Login("social.worker")
		if _, err := e.store.StartIntervention(ctx, commissioner, council, "Direction under section 15"); err != nil {
			t.Fatal(err)
		}
		req, err := e.store.Administer(ctx, admin, vigil.AdminChange{Action: vigil.AdminResetPassword, UserID: sw.User.ID, Reason: "Forgot it"})
		if err != nil || req.Record.Status != vigil.AdminPending {
			t.Fatalf("reset request: %+v %v", req, err)
		}
		e.exec(t, `UPDATE admin_actions SET password_hash = ? WHERE id = ?`, sqlstore.HashPassword("known-to-the-administrator"), req.Record.ID)
		if _, err := e.store.DecideAdminRequest(ctx, commissioner, req.Record.ID, true, "Identity checked"); vigil.ErrorCode(err) != vigil.ECONFLICT ||
			!strings.Contains(vigil.ErrorMessage(err), "changed outside Vigil") {
			t.Errorf("approving a request whose password was swapped: %v", err)
		}
		if got := count(e.kindsOf(t, admin.ID), "credential.tampered"); got != 1 {
			t.Errorf("%d credential.tampered entries for the requester, want 1", got)
		}
		if _, _, err := e.store.SignIn(ctx, sw.Username, "known-to-the-administrator"); vigil.ErrorCode(err) != vigil.EUNAUTHORIZED {
			t.Errorf("the swapped password signs in: %v", err)
		}
		if _, _, err := e.store.SignIn(ctx, sw.Username, sw.Password); err != nil {
			t.Errorf("the person's own password after the refused approval: %v", err)
		}

		again, err := e.store.Administer(ctx, admin, vigil.AdminChange{Action: vigil.AdminResetPassword, UserID: sw.User.ID, Reason: "Forgot it, asked again"})
		if err != nil {
			t.Fatal(err)
		}
		if _, err := e.store.DecideAdminRequest(ctx, commissioner, again.Record.ID, true, "Identity checked"); err != nil {
			t.Fatalf("approving an untouched request: %v", err)
		}
		if _, _, err := e.store.SignIn(ctx, sw.Username, again.Password); err != nil {
			t.Errorf("the approved one-time password: %v", err)
		}
	})
}
