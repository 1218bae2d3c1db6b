package sqlstore

import (
	"context"
	"crypto/hmac"
	"database/sql"
	"errors"
	"strings"
	"time"

	"github.com/vigil-project/vigil"
	"github.com/vigil-project/vigil/internal/ledger"
)

// SessionLifetime is how long a browser session lasts after sign-in,
// whatever happens; vigil.SessionIdle ends it sooner when it is not used.
const SessionLifetime = vigil.SessionMaxAge

// touchEvery is how stale a session's last_seen_at may get before a
// request refreshes it. Refreshing on every request would make every page
// view a write; once a minute keeps the idle timeout accurate to a minute.
const touchEvery = time.Minute

// maxCodeFailures is how many wrong codes a pending sign-in may have
// before it is ended and the person must give their password again.
const maxCodeFailures = 5

var (
	errBadSignIn = vigil.Errorf(vigil.EUNAUTHORIZED, "The username or password is not right. Check them and try again.")
	errNoSession = vigil.Errorf(vigil.EUNAUTHORIZED, "You are not signed in, or your sign-in has ended. Sign in again.")
	errPending   = vigil.Errorf(vigil.EUNAUTHORIZED, "Your sign-in has ended before it was finished. Sign in again.")
)

// SignIn implements vigil.AuthService. For a person who needs a second
// factor the token is that of a pending sign-in, which UserBySession
// refuses until CompleteSignIn; use SignInPassword to learn the stage.
func (s *Store) SignIn(ctx context.Context, username, password string) (string, *vigil.User, error) {
	token, u, _, err := s.SignInPassword(ctx, username, password)
	return token, u, err
}

// SignInPassword implements vigil.SignInService.
func (s *Store) SignInPassword(ctx context.Context, username, password string) (string, *vigil.User, vigil.SessionStage, error) {
	username = strings.ToLower(strings.TrimSpace(username))
	u, hash, err := s.userByUsername(ctx, username)
	if err != nil && vigil.ErrorCode(err) != vigil.ENOTFOUND {
		return "", nil, "", err
	}
	if u == nil {
		checkPassword(dummyHash, password)
		return "", nil, "", errBadSignIn
	}
	if hash, err = s.boundPasswordHash(ctx, u.ID); err != nil {
		return "", nil, "", err
	} else if hash == "" {
		checkPassword(dummyHash, password) // the same time as a wrong password
	}
	if !checkPassword(hash, password) || u.Status != vigil.UserActive {
		return "", nil, "", errBadSignIn
	}
	return s.startSignIn(ctx, u, "password", !vigil.NeedsSecondFactor(u))
}

// SignInVerified implements vigil.SignInService.
func (s *Store) SignInVerified(ctx context.Context, username, via string, mfa bool) (string, *vigil.User, vigil.SessionStage, error) {
	username = strings.ToLower(strings.TrimSpace(username))
	u, _, err := s.userByUsername(ctx, username)
	if vigil.ErrorCode(err) == vigil.ENOTFOUND || err == nil && u.Status != vigil.UserActive {
		return "", nil, "", vigil.Errorf(vigil.EUNAUTHORIZED, "Your organisation's account is not linked to an active Vigil account. Ask your administrator.")
	} else if err != nil {
		return "", nil, "", err
	}
	return s.startSignIn(ctx, u, via, mfa || !vigil.NeedsSecondFactor(u))
}

// startSignIn starts a session for u, who has proved who they are: a full
// one when done, else a pending one that waits for a code (or for the
// person to set up an authenticator, if they have none).
func (s *Store) startSignIn(ctx context.Context, u *vigil.User, via string, done bool) (string, *vigil.User, vigil.SessionStage, error) {
	token, th, err := s.newToken("vs_")
	if err != nil {
		return "", nil, "", err
	}
	stage := vigil.StageSignedIn
	err = s.write(ctx, func(tx *ledger.Tx) error {
		stage = vigil.StageSignedIn // the function may run again if another write in its batch fails
		now := tx.Now()
		// This person's ended sessions are cleared as they sign in again,
		// so the table holds live sessions and few others.
		if err := s.expireSessions(tx, now, u.ID); err != nil {
			return err
		}
		expires := now.Add(SessionLifetime)
		if !done {
			var enrolled int
			if err := tx.QueryRow(`SELECT COUNT(*) FROM user_totp WHERE user_id = ?`, u.ID).Scan(&enrolled); err != nil {
				return err
			}
			stage, expires = vigil.StageEnrol, now.Add(vigil.SignInCodeLimit)
			if enrolled > 0 {
				stage = vigil.StageCode
			} else if set, err := totpInLog(tx, u.ID); err != nil {
				return err
			} else if set {
				// Deleting the row would otherwise let whoever knows
				// (or has swapped in) the password set up an
				// authenticator of their own.
				return &tampered{err: errSecretUnreadable, userID: u.ID, table: "user_totp",
					reason: "the log records an authenticator set up and not reset, but its row is missing"}
			}
		}
		return s.insertSession(tx, th, u.ID, stage, via, now, expires)
	})
	if err != nil {
		return "", nil, "", err
	}
	return token, u, stage, nil
}

// totpInLog reports whether the log's latest word on a person's
// authenticator is that one was set up (totp.enrolled), not that it was
// reset: the log, not the user_totp table, says whether a person has one.
// It reads the person's entries newest first, and runs only when the
// table has no row for them, which is rare: people without an
// authenticator are new.
func totpInLog(q querier, userID vigil.ID) (bool, error) {
	rows, err := q.Query(`SELECT data FROM log_entries WHERE object_id = ? AND object_type = 'users' ORDER BY idx DESC`, userID)
	if err != nil {
		return false, err
	}
	defer rows.Close()
	for rows.Next() {
		var data []byte
		if err := rows.Scan(&data); err != nil {
			return false, err
		}
		e, err := ledger.ParseEntry(data)
		if err != nil {
			return false, err
		}
		switch e.Kind {
		case "totp.enrolled":
			return true, nil
		case "totp.reset":
			return false, nil
		}
	}
	return false, rows.Err()
}

// insertSession records a session, bound to the log key (auth_bind.go),
// and logs its start when it is a full one.
func (s *Store) insertSession(tx *ledger.Tx, th []byte, userID vigil.ID, stage vigil.SessionStage, via string, now, expires time.Time) error {
	mac, err := s.sessionMAC(sessionBinding{tokenHash: th, userID: userID, stage: stage, via: via, created: micros(now), expires: micros(expires)})
	if err != nil {
		return err
	}
	if _, err := tx.Exec(`INSERT INTO sessions (token_hash, user_id, created_at, expires_at, stage, via, last_seen_at, mac)
		VALUES (?, ?, ?, ?, ?, ?, ?, ?)`, th, userID, micros(now), micros(expires), stage, via, micros(now), mac); err != nil {
		return err
	}
	if stage != vigil.StageSignedIn {
		return nil
	}
	return tx.Event("session.started", string(userID), "users", string(userID), map[string]string{"via": via, "session": sessionRef(th)})
}

// sessionColumns are a session row's bound fields and mac, in the order
// scanBinding reads them.
const sessionColumns = `s.token_hash, s.user_id, s.stage, s.via, s.created_at, s.expires_at, s.mac`

// bindingDest returns the scan destinations of sessionColumns.
func (b *sessionBinding) dest(mac *[]byte) []any {
	return []any{&b.tokenHash, &b.userID, &b.stage, &b.via, &b.created, &b.expires, mac}
}

// checkSession returns a *tampered when a session row's mac does not hold.
func (s *Store) checkSession(b sessionBinding, mac []byte) error {
	ok, err := s.sessionBound(b, mac)
	if err != nil {
		return err
	}
	if !ok {
		return &tampered{err: errNoSession, userID: b.userID, table: "sessions",
			reason: "the session row does not match its mac: inserted or edited outside the application"}
	}
	return nil
}

// SignOut implements vigil.AuthService.
func (s *Store) SignOut(ctx context.Context, token string) error {
	th, err := s.tokenHash(token)
	if err != nil {
		return err
	}
	err = s.write(ctx, func(tx *ledger.Tx) error {
		var b sessionBinding
		var mac []byte
		err := tx.QueryRow(`SELECT `+sessionColumns+` FROM sessions s WHERE s.token_hash = ?`, th).Scan(b.dest(&mac)...)
		if isNoRows(err) {
			return nil
		} else if err != nil {
			return err
		}
		if _, err := tx.Exec(`DELETE FROM sessions WHERE token_hash = ?`, th); err != nil {
			return err
		}
		if err := s.checkSession(b, mac); err != nil {
			// Deleted all the same, but its end is not logged as the
			// end of the person's session, which it never was.
			return err
		}
		if b.stage != vigil.StageSignedIn {
			return nil
		}
		return tx.Event("session.ended", string(b.userID), "users", string(b.userID), map[string]string{"via": "sign-out", "session": sessionRef(th)})
	})
	var tp *tampered
	if errors.As(err, &tp) {
		return nil // logged by s.write; signing out has nothing to refuse
	}
	return err
}

// UserBySession implements vigil.AuthService. A session is live until
// its absolute end (SessionLifetime after sign-in) and while it is used at
// least every vigil.SessionIdle; only a full session counts.
func (s *Store) UserBySession(ctx context.Context, token string) (*vigil.User, error) {
	th, err := s.tokenHash(token)
	if err != nil {
		return nil, err
	}
	now := vigil.Now()
	var seen int64
	var b sessionBinding
	var mac []byte
	u, err := scanUserWith(s.queryRow(ctx, `SELECT `+userColumns+`, s.last_seen_at, `+sessionColumns+` FROM sessions s JOIN users u ON u.id = s.user_id
		WHERE s.token_hash = ? AND s.stage = 'full' AND s.expires_at > ? AND s.last_seen_at > ?`,
		th, micros(now), micros(now.Add(-vigil.SessionIdle))), append([]any{&seen}, b.dest(&mac)...)...)
	if err == nil {
		if err := s.checkSession(b, mac); err != nil {
			return nil, s.refuseTampered(ctx, err)
		}
	}
	u, err = activeOrUnauthorized(u, err)
	if err != nil {
		return nil, err
	}
	if now.Sub(fromMicros(seen)) >= touchEvery {
		err := s.write(ctx, func(tx *ledger.Tx) error {
			_, err := tx.Exec(`UPDATE sessions SET last_seen_at = ? WHERE token_hash = ?`, micros(tx.Now()), th)
			return err
		})
		if err != nil {
			// The request may still be served; at worst the session
			// ends a minute early.
			s.logger.Warn("session: refresh last use", "user_id", string(u.ID), "error", err.Error())
		}
	}
	return u, nil
}

// refuseTampered logs err when it is a *tampered and returns what the
// person is told.
func (s *Store) refuseTampered(ctx context.Context, err error) error {
	var tp *tampered
	if errors.As(err, &tp) {
		return s.logTampered(ctx, tp)
	}
	return err
}

// UserByAPIToken implements vigil.AuthService. A revoked token, or one of
// a person who is not active, is refused and the refusal logged with the
// token's id (never the token): whoever replays it is noticed.
func (s *Store) UserByAPIToken(ctx context.Context, token string) (*vigil.User, error) {
	th, err := s.tokenHash(token)
	if err != nil {
		return nil, err
	}
	var tokenID vigil.ID
	var revoked sql.NullInt64
	var mac []byte
	u, err := scanUserWith(s.queryRow(ctx, `SELECT `+userColumns+`, t.id, t.revoked_at, t.mac FROM api_tokens t JOIN users u ON u.id = t.user_id
		WHERE t.token_hash = ?`, th), &tokenID, &revoked, &mac)
	if vigil.ErrorCode(err) == vigil.ENOTFOUND {
		return nil, s.unboundToken(ctx, token)
	}
	switch {
	case err != nil:
	case revoked.Valid:
		s.logger.Warn("revoked API token refused", "token_id", string(tokenID), "user_id", string(u.ID))
		return nil, errNoSession
	case u.Status != vigil.UserActive:
		s.logger.Warn("API token of a person who is not active refused", "token_id", string(tokenID), "user_id", string(u.ID), "status", string(u.Status))
	default:
		want, err := s.apiTokenMAC(th, tokenID, u.ID)
		if err != nil {
			return nil, err
		}
		if !hmac.Equal(want, mac) {
			return nil, s.logTampered(ctx, &tampered{err: errNoSession, userID: u.ID, table: "api_tokens",
				reason: "the API token row " + string(tokenID) + " does not match its mac: inserted or edited outside the application"})
		}
	}
	return activeOrUnauthorized(u, err)
}

// unboundToken explains the refusal of a token that is not found: one made
// before tokens were bound to the log key gets a message saying so.
func (s *Store) unboundToken(ctx context.Context, token string) error {
	var id string
	err := s.queryRow(ctx, `SELECT id FROM api_tokens WHERE token_hash = ? AND mac IS NULL`, legacyTokenHash(token)).Scan(&id)
	if isNoRows(err) {
		return errNoSession
	} else if err != nil {
		return internal("read API token", err)
	}
	s.logger.Warn("API token made before tokens were bound to the log key refused", "token_id", id)
	return errUnboundToken
}

func activeOrUnauthorized(u *vigil.User, err error) (*vigil.User, error) {
	if err != nil && vigil.ErrorCode(err) != vigil.ENOTFOUND {
		return nil, err
	}
	if u == nil || u.Status != vigil.UserActive {
		return nil, errNoSession
	}
	return u, nil
}

// scanUserWith scans a row of userColumns followed by extra columns; it
// returns ENOTFOUND for no row.
func scanUserWith(row *sql.Row, extra ...any) (*vigil.User, error) {
	var u vigil.User
	var team, manager sql.NullString
	var created int64
	var hash string
	dest := append([]any{&u.ID, &u.Username, &u.Name, &u.Role, &u.AgencyID, &team, &manager, &u.Status, &created, &hash}, extra...)
	err := row.Scan(dest...)
	if isNoRows(err) {
		return nil, notFound("The person")
	} else if err != nil {
		return nil, internal("read user", err)
	}
	u.TeamID, u.ManagerID, u.CreatedAt = vigil.ID(team.String), vigil.ID(manager.String), fromMicros(created)
	return &u, nil
}

// pendingSession is a sign-in waiting for its second factor.
type pendingSession struct {
	user     *vigil.User
	stage    vigil.SessionStage
	via      string
	secret   []byte // the sealed secret being set up, at StageEnrol
	failures int
}

// pendingSignIn reads the pending sign-in of token hash th, or returns
// errPending; a row whose mac does not hold (its stage changed from
// "totp" to "enrol", say, to set up an authenticator of one's own) is a
// *tampered.
func (s *Store) pendingSignIn(q querier, th []byte, now time.Time) (*pendingSession, error) {
	p := &pendingSession{}
	var b sessionBinding
	var mac []byte
	u, err := scanUserWith(q.QueryRow(`SELECT `+userColumns+`, s.pending_secret, s.failures, `+sessionColumns+` FROM sessions s JOIN users u ON u.id = s.user_id
		WHERE s.token_hash = ? AND s.stage IN ('totp', 'enrol') AND s.expires_at > ?`, th, micros(now)),
		append([]any{&p.secret, &p.failures}, b.dest(&mac)...)...)
	if vigil.ErrorCode(err) == vigil.ENOTFOUND || err == nil && u.Status != vigil.UserActive {
		return nil, errPending
	} else if err != nil {
		return nil, err
	}
	if err := s.checkSession(b, mac); err != nil {
		return nil, err
	}
	p.user, p.stage, p.via = u, b.stage, b.via
	return p, nil
}

// PendingSignIn implements vigil.SignInService.
func (s *Store) PendingSignIn(ctx context.Context, token string) (*vigil.User, vigil.SessionStage, error) {
	th, err := s.tokenHash(token)
	if err != nil {
		return nil, "", err
	}
	p, err := s.pendingSignIn(reader{s, ctx}, th, vigil.Now())
	if err != nil {
		return nil, "", s.refuseTampered(ctx, err)
	}
	return p.user, p.stage, nil
}

// TOTPEnrolment implements vigil.SignInService.
func (s *Store) TOTPEnrolment(ctx context.Context, token string) (*vigil.TOTPKey, error) {
	th, err := s.tokenHash(token)
	if err != nil {
		return nil, err
	}
	var key *vigil.TOTPKey
	err = s.write(ctx, func(tx *ledger.Tx) error {
		p, err := s.pendingSignIn(tx, th, tx.Now())
		if err != nil {
			return err
		}
		if p.stage != vigil.StageEnrol {
			return vigil.Errorf(vigil.ECONFLICT, "You already have an authenticator app set up. Enter a code from it.")
		}
		if p.secret != nil {
			secret, err := s.openSecret(p.user.ID, p.secret)
			if err != nil {
				return err
			}
			key = totpKey(p.user.Username, secret)
			return nil
		}
		secret := newTOTPSecret()
		sealed, err := s.sealSecret(p.user.ID, secret)
		if err != nil {
			return err
		}
		if _, err := tx.Exec(`UPDATE sessions SET pending_secret = ? WHERE token_hash = ?`, sealed, th); err != nil {
			return err
		}
		key = totpKey(p.user.Username, secret)
		return nil
	})
	if err != nil {
		return nil, err
	}
	return key, nil
}

// CompleteSignIn implements vigil.SignInService.
func (s *Store) CompleteSignIn(ctx context.Context, token, code string) (string, *vigil.User, error) {
	code = normaliseCode(code)
	th, err := s.tokenHash(token)
	if err != nil {
		return "", nil, err
	}
	full, nth, err := s.newToken("vs_")
	if err != nil {
		return "", nil, err
	}
	var refused error
	var user *vigil.User
	err = s.write(ctx, func(tx *ledger.Tx) error {
		refused, user = nil, nil // the function may run again if another write in its batch fails
		now := tx.Now()
		p, err := s.pendingSignIn(tx, th, now)
		if err != nil {
			return err
		}
		var sealed []byte
		var last int64
		switch p.stage {
		case vigil.StageEnrol:
			if p.secret == nil {
				return vigil.Errorf(vigil.ECONFLICT, "Set up your authenticator app first: open the set-up page again.")
			}
			sealed = p.secret
		default:
			err := tx.QueryRow(`SELECT secret, last_step FROM user_totp WHERE user_id = ?`, p.user.ID).Scan(&sealed, &last)
			if isNoRows(err) {
				// Reset by an administrator since the password was given.
				return errPending
			} else if err != nil {
				return err
			}
		}
		secret, err := s.openSecret(p.user.ID, sealed)
		if err != nil {
			return err
		}
		step, reused := matchCode(secret, code, now, last)
		if step < 0 {
			// The failure is counted, and the pending sign-in kept, so
			// this write must commit: the refusal is returned after it.
			refused = errWrongCode
			if reused {
				refused = errReusedCode
			}
			s.logger.Warn("sign-in code refused", "user_id", string(p.user.ID), "reused", reused, "failures", p.failures+1)
			if p.failures+1 >= maxCodeFailures {
				refused = errTooManyCodes
				_, err := tx.Exec(`DELETE FROM sessions WHERE token_hash = ?`, th)
				return err
			}
			_, err := tx.Exec(`UPDATE sessions SET failures = failures + 1 WHERE token_hash = ?`, th)
			return err
		}
		if p.stage == vigil.StageEnrol {
			if _, err := tx.Exec(`DELETE FROM user_totp WHERE user_id = ?`, p.user.ID); err != nil {
				return err
			}
			if _, err := tx.Exec(`INSERT INTO user_totp (user_id, secret, last_step, enrolled_at) VALUES (?, ?, ?, ?)`,
				p.user.ID, sealed, step, micros(now)); err != nil {
				return err
			}
			if err := tx.Event("totp.enrolled", string(p.user.ID), "users", string(p.user.ID), map[string]string{"by": "self"}); err != nil {
				return err
			}
		} else if _, err := tx.Exec(`UPDATE user_totp SET last_step = ? WHERE user_id = ?`, step, p.user.ID); err != nil {
			return err
		}
		// The signed-in session gets a new token: one that was handed
		// out before the second factor never becomes a signed-in one.
		if _, err := tx.Exec(`DELETE FROM sessions WHERE token_hash = ?`, th); err != nil {
			return err
		}
		user = p.user
		return s.insertSession(tx, nth, p.user.ID, vigil.StageSignedIn, p.via, now, now.Add(SessionLifetime))
	})
	if err != nil {
		return "", nil, err
	}
	if refused != nil {
		return "", nil, refused
	}
	return full, user, nil
}

var (
	errWrongCode    = vigil.Errorf(vigil.EUNAUTHORIZED, "The code is not right. Enter the 6-digit code your authenticator app shows now.")
	errReusedCode   = vigil.Errorf(vigil.EUNAUTHORIZED, "That code has already been used. Wait for your authenticator app to show a new code, then enter it.")
	errTooManyCodes = vigil.Errorf(vigil.ETOOMANYREQUEST, "Too many wrong codes. Sign in again with your password.")
)

// EnrolTOTP implements vigil.SignInService.
func (s *Store) EnrolTOTP(ctx context.Context, actor vigil.Actor, userID vigil.ID) (*vigil.TOTPKey, error) {
	if actor.ID != vigil.ActorSystem || actor.User != nil {
		return nil, forbidden("People set up their own authenticator app when they first sign in.")
	}
	secret := newTOTPSecret()
	sealed, err := s.sealSecret(userID, secret)
	if err != nil {
		return nil, err
	}
	var key *vigil.TOTPKey
	err = s.write(ctx, func(tx *ledger.Tx) error {
		u, err := s.scanUser(tx.QueryRow(`SELECT `+userColumns+` FROM users u WHERE u.id = ?`, userID))
		if err != nil {
			return err
		}
		if _, err := tx.Exec(`DELETE FROM user_totp WHERE user_id = ?`, userID); err != nil {
			return err
		}
		if _, err := tx.Exec(`INSERT INTO user_totp (user_id, secret, last_step, enrolled_at) VALUES (?, ?, 0, ?)`,
			userID, sealed, micros(tx.Now())); err != nil {
			return err
		}
		key = totpKey(u.Username, secret)
		return tx.Event("totp.enrolled", string(actor.ID), "users", string(userID), map[string]string{"by": "system"})
	})
	if err != nil {
		return nil, err
	}
	return key, nil
}

// ChangePassword implements vigil.AccountService.
func (s *Store) ChangePassword(ctx context.Context, actor vigil.Actor, current, next string) (string, error) {
	if actor.User == nil {
		return "", errNoSession
	}
	hash, err := s.boundPasswordHash(ctx, actor.ID)
	if err != nil {
		return "", err
	}
	if !checkPassword(hash, current) {
		return "", &vigil.Error{Code: vigil.EUNAUTHORIZED, Message: "Your current password is not right",
			Fields: []vigil.FieldError{{Field: "current-password", Message: "Your current password is not right"}}}
	}
	if err := checkNewPassword("new-password", next, current); err != nil {
		return "", err
	}
	newHash := hashPassword(next)
	token, th, err := s.newToken("vs_")
	if err != nil {
		return "", err
	}
	// A speak-up key wrapped under the old password is rewrapped under the
	// new one in the same transaction (speakup_key.go).
	rewrap, err := s.prepareRewrap(ctx, actor.ID, current, next)
	if err != nil {
		return "", err
	}
	newMAC, err := s.passwordMAC(actor.ID, newHash)
	if err != nil {
		return "", err
	}
	err = s.write(ctx, func(tx *ledger.Tx) error {
		who := string(actor.ID)
		if err := tx.Save("user.password_changed", who, "users",
			`UPDATE users SET password_hash = ?, password_mac = ?, version = version + 1 WHERE id = ? AND status = 'active'`, newHash, newMAC, actor.ID); err == ledger.ErrNoRow {
			return errNoSession
		} else if err != nil {
			return err
		}
		if rewrap != nil {
			if err := rewrap(tx, who); err != nil {
				return err
			}
		}
		// Signed out everywhere: whoever else knew the old password
		// loses any session they had.
		if err := s.endSessions(tx, who, actor.ID, "password changed"); err != nil {
			return err
		}
		now := tx.Now()
		return s.insertSession(tx, th, actor.ID, vigil.StageSignedIn, "password-change", now, now.Add(SessionLifetime))
	})
	if err != nil {
		return "", err
	}
	return token, nil
}

// checkNewPassword checks a password a person chose: long enough to resist
// guessing, short enough to hash, and not the old one.
func checkNewPassword(field, next, old string) error {
	switch {
	case len(next) < 12:
		return fieldErr(field, "Choose a password of at least 12 characters. A few unrelated words are easy to remember and hard to guess.")
	case len(next) > 256:
		return fieldErr(field, "Choose a password of at most 256 characters")
	case next == old:
		return fieldErr(field, "Choose a password different from your current one")
	}
	return nil
}

func (s *Store) userByID(ctx context.Context, id vigil.ID) (*vigil.User, string, error) {
	return scanUserHash(s.queryRow(ctx, `SELECT `+userColumns+` FROM users u WHERE u.id = ?`, id))
}

// endSessions ends every session of a person, logging it when there were any.
func (s *Store) endSessions(tx *ledger.Tx, who string, userID vigil.ID, why string) error {
	res, err := tx.Exec(`DELETE FROM sessions WHERE user_id = ?`, userID)
	if err != nil {
		return err
	}
	if n, _ := res.RowsAffected(); n == 0 {
		return nil
	}
	return tx.Event("session.ended", who, "users", string(userID), map[string]string{"via": why})
}

// endAccess ends every session and revokes every API token of a person.
func (s *Store) endAccess(tx *ledger.Tx, who string, userID vigil.ID, why string) error {
	if err := s.endSessions(tx, who, userID, why); err != nil {
		return err
	}
	_, err := s.revokeTokens(tx, who, userID, why)
	return err
}

// revokeTokens revokes every live API token of a person, returning how many.
func (s *Store) revokeTokens(tx *ledger.Tx, who string, userID vigil.ID, why string) (int, error) {
	rows, err := tx.Query(`SELECT id FROM api_tokens WHERE user_id = ? AND revoked_at IS NULL ORDER BY id`, userID)
	if err != nil {
		return 0, err
	}
	var ids []string
	for rows.Next() {
		var id string
		if err := rows.Scan(&id); err != nil {
			rows.Close()
			return 0, err
		}
		ids = append(ids, id)
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return 0, err
	}
	for _, id := range ids {
		if err := s.revokeToken(tx, who, id, why); err != nil {
			return 0, err
		}
	}
	return len(ids), nil
}

func (s *Store) revokeToken(tx *ledger.Tx, who, id, why string) error {
	return tx.Save("api_token.revoked", who, "api_tokens",
		`UPDATE api_tokens SET revoked_at = ?, revoked_by = ?, revoke_reason = ?, version = version + 1 WHERE id = ? AND revoked_at IS NULL`,
		micros(tx.Now()), who, why, id)
}

// APITokens implements vigil.AccountService.
func (s *Store) APITokens(ctx context.Context, actor vigil.Actor, userID vigil.ID) ([]*vigil.APIToken, error) {
	if actor.User == nil {
		return nil, errNoSession
	}
	if actor.ID != userID {
		u, err := s.FindUser(ctx, userID)
		if err != nil {
			return nil, err
		}
		if !mayAdminister(actor.User, u.AgencyID) {
			return nil, notFound("The person")
		}
	}
	var out []*vigil.APIToken
	err := each(reader{s, ctx}, func(r scanner) error {
		var t vigil.APIToken
		var created int64
		var revoked sql.NullInt64
		var by sql.NullString
		if err := r.Scan(&t.ID, &t.UserID, &t.Label, &created, &revoked, &by); err != nil {
			return err
		}
		t.CreatedAt, t.RevokedBy = fromMicros(created), vigil.ID(by.String)
		if revoked.Valid {
			at := fromMicros(revoked.Int64)
			t.RevokedAt = &at
		}
		out = append(out, &t)
		return nil
	}, `SELECT id, user_id, label, created_at, revoked_at, revoked_by FROM api_tokens WHERE user_id = ? ORDER BY created_at DESC, id`, userID)
	return out, err
}

// RevokeAPIToken implements vigil.AccountService.
func (s *Store) RevokeAPIToken(ctx context.Context, actor vigil.Actor, tokenID vigil.ID) error {
	if actor.User == nil || !tokenID.Valid() {
		return notFound("The token")
	}
	return s.write(ctx, func(tx *ledger.Tx) error {
		var owner string
		var revoked sql.NullInt64
		err := tx.QueryRow(`SELECT user_id, revoked_at FROM api_tokens WHERE id = ?`, tokenID).Scan(&owner, &revoked)
		if isNoRows(err) || err == nil && owner != string(actor.ID) {
			return notFound("The token")
		} else if err != nil {
			return err
		}
		if revoked.Valid {
			return vigil.Errorf(vigil.ECONFLICT, "This token has already been revoked")
		}
		return s.revokeToken(tx, string(actor.ID), string(tokenID), "revoked by its owner")
	})
}
