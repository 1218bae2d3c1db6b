package sqlstore

import (
	"context"
	"crypto/hmac"
	"crypto/rand"
	"crypto/sha256"
	"encoding/base64"
	"encoding/binary"
	"encoding/hex"
	"errors"
	"strconv"
	"sync"

	"github.com/vigil-project/vigil"
	"github.com/vigil-project/vigil/internal/ledger"
)

// Session and API token rows are bound to a secret that is not in the
// database: one derived (ledger.Key.DeriveSecret, HKDF-SHA256) from the
// log's signing key, which lives in a file of its own. DESIGN.md section 3
// assumes that whoever administers the database may be the one with
// something to hide; with a plain hash of the token in the row, such a
// person could insert a row for a token of their choosing, act as anyone,
// and delete the row again, and `vigil verify` would find nothing.
//
// So a row holds:
//   - token_hash = HMAC(secret, token), by which the token is looked up:
//     without the secret nobody can make the hash of a token they know;
//   - mac = HMAC(secret, the row's token_hash and the fields that give it
//     its power): whose it is, its stage and lifetime for a session, its
//     id and owner for an API token. Without it, someone holding a token
//     of their own could point its row at another person, or turn a
//     sign-in that waits for a code into a signed-in one.
//
// A row whose mac does not hold is refused, and the refusal is logged as
// a credential.tampered entry naming the person and the table: only an
// edit outside the application can cause it (the log refuses to start
// with a different key, so the secret never changes under a database).
//
// `vigil verify --db` does not check these macs: it has no key, by design
// (anyone can verify). It needs not: a forged session row authenticates
// nobody, whatever verify says, and API token rows are tracked by the log
// row by row, so verify already names one inserted or edited outside the
// application. What the binding cannot stop is replay: someone who saved
// a row (and knows its token) can put it back after it was deleted or
// revoked. That needs the token, which the database never holds.

// tokenSecrets caches each log key's derived secret.
var tokenSecrets sync.Map // *ledger.Key -> []byte

var errNoKey = errors.New("sessions and API tokens need the log's signing key")

func (s *Store) tokenSecret() ([]byte, error) {
	key := s.log.Key()
	if key == nil {
		return nil, internal("token secret", errNoKey)
	}
	if k, ok := tokenSecrets.Load(key); ok {
		return k.([]byte), nil
	}
	k, err := key.DeriveSecret("session and API tokens")
	if err != nil {
		return nil, internal("token secret", err)
	}
	tokenSecrets.Store(key, k)
	return k, nil
}

// mac returns the HMAC-SHA256 under the token secret of purpose and
// fields, each length-prefixed so that no two lists encode alike.
func (s *Store) mac(purpose string, fields ...[]byte) ([]byte, error) {
	k, err := s.tokenSecret()
	if err != nil {
		return nil, err
	}
	m := hmac.New(sha256.New, k)
	var n [binary.MaxVarintLen64]byte
	for _, f := range append([][]byte{[]byte("vigil " + purpose + " v1")}, fields...) {
		m.Write(n[:binary.PutUvarint(n[:], uint64(len(f)))])
		m.Write(f)
	}
	return m.Sum(nil), nil
}

// tokenHash is how a session or API token is stored and looked up.
func (s *Store) tokenHash(token string) ([]byte, error) {
	return s.mac("token", []byte(token))
}

// newToken returns a random secret with a prefix that says what it is (so
// that one pasted in the wrong place is recognised) and its stored hash.
func (s *Store) newToken(prefix string) (token string, hash []byte, err error) {
	b := make([]byte, 32)
	rand.Read(b)
	token = prefix + base64.RawURLEncoding.EncodeToString(b)
	hash, err = s.tokenHash(token)
	return token, hash, err
}

// legacyTokenHash is how tokens were stored before migration 0090: only to
// recognise an API token made then and say why it no longer works.
func legacyTokenHash(token string) []byte {
	h := sha256.Sum256([]byte(token))
	return h[:]
}

// sessionBinding is what a session row's mac covers.
type sessionBinding struct {
	tokenHash        []byte
	userID           vigil.ID
	stage            vigil.SessionStage
	via              string
	created, expires int64 // micros
}

func (s *Store) sessionMAC(b sessionBinding) ([]byte, error) {
	return s.mac("session", b.tokenHash, []byte(b.userID), []byte(b.stage), []byte(b.via),
		[]byte(strconv.FormatInt(b.created, 10)), []byte(strconv.FormatInt(b.expires, 10)))
}

// sessionBound reports whether mac is the session row's own.
func (s *Store) sessionBound(b sessionBinding, mac []byte) (bool, error) {
	want, err := s.sessionMAC(b)
	if err != nil {
		return false, err
	}
	return hmac.Equal(want, mac), nil
}

func (s *Store) apiTokenMAC(tokenHash []byte, id, userID vigil.ID) ([]byte, error) {
	return s.mac("api token", tokenHash, []byte(id), []byte(userID))
}

// sessionRef names a session in the log without revealing its token: the
// start of its token hash, which is keyed, so nothing about the token can
// be learnt from it.
func sessionRef(th []byte) string { return hex.EncodeToString(th[:8]) }

// tampered is a credential row that does not hold: altered, inserted or
// deleted outside the application. The person is refused with err; s.write
// (or the read that found it) logs it afterwards as a credential.tampered
// entry, so that it is on record even though what was tried rolled back.
type tampered struct {
	err    *vigil.Error
	userID vigil.ID
	table  string
	reason string
}

func (t *tampered) Error() string { return t.err.Error() }
func (t *tampered) Unwrap() error { return t.err }

// logTampered records a tampered credential row: in the server's log for
// the operator on duty, and in the verifiable log for investigators. It
// returns what the person is told.
func (s *Store) logTampered(ctx context.Context, t *tampered) error {
	s.logger.Error("credential row altered outside the application refused",
		"table", t.table, "user_id", string(t.userID), "reason", t.reason)
	if err := s.log.Append(ctx, "credential.tampered", string(vigil.ActorSystem), "users", string(t.userID),
		map[string]string{"table": t.table, "reason": t.reason}); err != nil {
		return err
	}
	return t.err
}

// revokeUnboundTokens revokes, through the log, the API tokens made before
// tokens were bound to the key (migration 0090): they can no longer be
// checked, so they no longer work, and this says so where people look.
func (s *Store) revokeUnboundTokens(ctx context.Context) error {
	var n int
	if err := s.queryRow(ctx, `SELECT COUNT(*) FROM api_tokens WHERE mac IS NULL AND revoked_at IS NULL`).Scan(&n); err != nil {
		return internal("find unbound API tokens", err)
	} else if n == 0 {
		return nil
	}
	return s.write(ctx, func(tx *ledger.Tx) error {
		ids, err := idsOf(tx, `SELECT id FROM api_tokens WHERE mac IS NULL AND revoked_at IS NULL ORDER BY id`)
		if err != nil {
			return err
		}
		for _, id := range ids {
			if err := s.revokeToken(tx, string(vigil.ActorSystem), string(id), reasonUnbound); err != nil {
				return err
			}
		}
		s.logger.Info("API tokens made before tokens were bound to the log key revoked", "count", len(ids))
		return nil
	})
}

const reasonUnbound = "made by an earlier version of Vigil, whose tokens can no longer be checked"

var errUnboundToken = vigil.Errorf(vigil.EUNAUTHORIZED,
	"This API token was made by an earlier version of Vigil and no longer works. Make a new one on your account page.")

// A password hash is bound the same way (migration 0095): password_mac =
// HMAC(secret, the person's id and the hash). Without it, whoever can
// write to the database could put the hash of a password they know into
// someone's row, or copy their own row's hash there, and sign in as that
// person; `vigil verify` would name the edited row, but only when someone
// ran it, long after the sign-in.

func (s *Store) passwordMAC(userID vigil.ID, hash string) ([]byte, error) {
	return s.mac("password", []byte(userID), []byte(hash))
}

// boundPasswordHash reads a person's password hash for checking a
// password. A hash whose mac does not hold is refused: the refusal is
// logged as credential.tampered, and "" is returned, which matches no
// password, so the person sees the usual "not right" message.
func (s *Store) boundPasswordHash(ctx context.Context, userID vigil.ID) (string, error) {
	var hash string
	var mac []byte
	if err := s.queryRow(ctx, `SELECT password_hash, password_mac FROM users WHERE id = ?`, userID).Scan(&hash, &mac); isNoRows(err) {
		return "", nil
	} else if err != nil {
		return "", internal("read password", err)
	}
	if hash == "" {
		return "", nil // no password: signs in through the organisation's identity provider only
	}
	want, err := s.passwordMAC(userID, hash)
	if err != nil {
		return "", err
	}
	if hmac.Equal(want, mac) {
		return hash, nil
	}
	reason := "the password hash does not match its binding: it was written outside the application"
	if mac == nil {
		reason = "the password hash has no binding: it was written outside the application"
	}
	if err := s.logTampered(ctx, &tampered{err: errBadSignIn, userID: userID, table: "users", reason: reason}); err != errBadSignIn {
		return "", err
	}
	return "", nil
}

// bindPasswords binds, through the log, the password hashes stored before
// hashes were bound (migration 0095), and those of requests still pending
// from before 0096. It runs when the store opens with its key, so those
// hashes are trusted once, then.
func (s *Store) bindPasswords(ctx context.Context) error {
	var n int
	if err := s.queryRow(ctx, `SELECT (SELECT COUNT(*) FROM users WHERE password_mac IS NULL AND password_hash <> '')
		+ (SELECT COUNT(*) FROM admin_actions WHERE password_mac IS NULL AND password_hash IS NOT NULL)`).Scan(&n); err != nil {
		return internal("find unbound passwords", err)
	} else if n == 0 {
		return nil
	}
	return s.write(ctx, func(tx *ledger.Tx) error {
		n, err := bindHashes(tx, "users", "password_hash <> ''", "user.password_bound", s.passwordMAC)
		if err != nil {
			return err
		}
		s.logger.Info("password hashes stored before they were bound to the log key bound", "count", n)
		_, err = bindHashes(tx, "admin_actions", "password_hash IS NOT NULL", "admin.password_bound", s.requestPasswordMAC)
		return err
	})
}

// bindHashes sets, through the log, the password_mac of every row of table
// that has a hash (where stored) and no mac yet, and returns how many.
func bindHashes(tx *ledger.Tx, table, stored, kind string, mac func(vigil.ID, string) ([]byte, error)) (int, error) {
	rows, err := tx.Query(`SELECT id, password_hash FROM ` + table + ` WHERE password_mac IS NULL AND ` + stored + ` ORDER BY id`)
	if err != nil {
		return 0, err
	}
	type unbound struct {
		id   vigil.ID
		hash string
	}
	var todo []unbound
	for rows.Next() {
		var u unbound
		if err := rows.Scan(&u.id, &u.hash); err != nil {
			rows.Close()
			return 0, err
		}
		todo = append(todo, u)
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return 0, err
	}
	for _, u := range todo {
		m, err := mac(u.id, u.hash)
		if err != nil {
			return 0, err
		}
		if err := tx.Save(kind, string(vigil.ActorSystem), table,
			`UPDATE `+table+` SET password_mac = ?, version = version + 1 WHERE id = ?`, m, u.id); err != nil {
			return 0, err
		}
	}
	return len(todo), nil
}

// A pending request's one-time password hash (admin_actions, migration
// 0096) is bound to the request, and checked before a commissioner's
// approval makes it someone's password.

var errRequestTampered = vigil.Errorf(vigil.ECONFLICT,
	"This request's one-time password was changed outside Vigil, so it cannot be approved. Refuse it and ask for the change again.")

func (s *Store) requestPasswordMAC(requestID vigil.ID, hash string) ([]byte, error) {
	return s.mac("request password", []byte(requestID), []byte(hash))
}

// checkRequestPassword returns a *tampered when the request's stored hash
// does not match its binding; s.write logs it.
func (s *Store) checkRequestPassword(tx *ledger.Tx, r *vigil.AdminRecord) error {
	var hash string
	var mac []byte
	if err := tx.QueryRow(`SELECT password_hash, password_mac FROM admin_actions WHERE id = ?`, r.ID).Scan(&hash, &mac); err != nil {
		return err
	}
	want, err := s.requestPasswordMAC(r.ID, hash)
	if err != nil {
		return err
	}
	if hmac.Equal(want, mac) {
		return nil
	}
	return &tampered{err: errRequestTampered, userID: r.RequestedBy, table: "admin_actions",
		reason: "the one-time password hash of request " + string(r.ID) + " does not match its binding"}
}
