package sqlstore

import (
	"context"
	"database/sql"
	"errors"
	"fmt"

	"github.com/vigil-project/vigil"
	"github.com/vigil-project/vigil/internal/ledger"
	"github.com/vigil-project/vigil/internal/speakup"
)

// This file keeps a recipient's key usable across changes of password
// (see speakup.KeyReset for the states): a change by the person rewraps
// the key in the same transaction as the new password; a reset by an
// administrator cannot, so it marks the key, and the person later
// recovers it with their old password or replaces it, after which other
// recipients can seal earlier reports again for the new key.

func keyStateError(state string) error {
	if state == speakup.KeyReset {
		return vigil.Errorf(vigil.ECONFLICT, "An administrator reset your password, so your speak-up key is still locked with your old password. "+
			"First change the password the administrator gave you, since they know it. Then you can unlock your key with your old password, or set up a new key.")
	}
	return vigil.Errorf(vigil.ECONFLICT, "Your speak-up key is locked with an earlier password. Unlock it with that password, or set up a new key.")
}

// recipientKey is a recipient's key row.
type recipientKey struct {
	id, public, sum string
	state           sql.NullString
	wrapped         []byte
}

func (s *Store) recipientKey(q querier, userID vigil.ID) (*recipientKey, error) {
	var k recipientKey
	err := q.QueryRow(`SELECT r.id, r.public_key, r.key_sha256, r.key_state, k.wrapped FROM speakup_recipients r
		JOIN speakup_recipient_keys k ON k.recipient_id = r.id WHERE r.user_id = ? AND r.active = 1`, userID).Scan(&k.id, &k.public, &k.sum, &k.state, &k.wrapped)
	if isNoRows(err) {
		return nil, nil
	}
	return &k, err
}

// prepareRewrap is the speak-up part of a change of password, made before
// the transaction (unwrapping and wrapping cost about 100 ms each): it
// returns what the transaction must do, or nil when the person has no key.
// A key wrapped under the current password is rewrapped under the new
// one; a key marked KeyReset becomes KeyLost, since the new password is
// the person's own; a key the current password does not open is marked
// KeyLost, so that the person is offered to recover or replace it.
func (s *Store) prepareRewrap(ctx context.Context, userID vigil.ID, current, next string) (func(tx *ledger.Tx, who string) error, error) {
	k, err := s.recipientKey(reader{s, ctx}, userID)
	if err != nil {
		return nil, internal("change password", err)
	}
	if k == nil || k.state.String == speakup.KeyLost {
		return nil, nil
	}
	lost := func(tx *ledger.Tx, who string) error {
		return tx.Save("speakup.key_lost", who, "speakup_recipients",
			`UPDATE speakup_recipients SET key_state = ?, version = version + 1 WHERE id = ?`, speakup.KeyLost, k.id)
	}
	if k.state.Valid {
		return lost, nil
	}
	release, err := s.argonWork(ctx)
	if err != nil {
		return nil, err
	}
	defer release()
	kr, err := speakup.UnlockRecipientKey(userID, k.wrapped, current, k.public)
	if err != nil {
		return lost, nil
	}
	wrapped, err := kr.Wrap(next)
	if err != nil {
		return nil, internal("rewrap key", err)
	}
	return func(tx *ledger.Tx, who string) error {
		return s.replaceWrapped(tx, who, "speakup.key_rewrapped", k, wrapped, "", false)
	}, nil
}

// replaceWrapped stores a newly wrapped key (and, when public is set, a
// new key pair) for recipient k, provided the key is still the one read,
// and clears its state. A new key pair waits for approval, as a first
// enrolment does: whoever reset the password may be the one setting it up.
func (s *Store) replaceWrapped(tx *ledger.Tx, who, kind string, k *recipientKey, wrapped []byte, public string, renewed bool) error {
	var err error
	if renewed {
		err = tx.Save(kind, who, "speakup_recipients",
			`UPDATE speakup_recipients SET public_key = ?, key_sha256 = ?, key_state = NULL, rekeyed_at = ?, approval = 'pending', custodian = 0, version = version + 1
			 WHERE id = ? AND key_sha256 = ?`, public, speakup.Hash(wrapped), micros(tx.Now()), k.id, k.sum)
	} else {
		err = tx.Save(kind, who, "speakup_recipients",
			`UPDATE speakup_recipients SET key_sha256 = ?, key_state = NULL, version = version + 1 WHERE id = ? AND key_sha256 = ?`,
			speakup.Hash(wrapped), k.id, k.sum)
	}
	if errors.Is(err, ledger.ErrNoRow) {
		return vigil.Errorf(vigil.ECONFLICT, "Your speak-up key changed while this was being done. Please try again.")
	} else if err != nil {
		return err
	}
	_, err = tx.Exec(`UPDATE speakup_recipient_keys SET wrapped = ? WHERE recipient_id = ?`, wrapped, k.id)
	return err
}

// keyLockedOut marks a person's key after an administrator reset their
// password (nothing when they have none).
func keyLockedOut(tx *ledger.Tx, who string, userID vigil.ID) error {
	err := tx.Save("speakup.key_locked_out", who, "speakup_recipients",
		`UPDATE speakup_recipients SET key_state = ?, version = version + 1 WHERE user_id = ?`, speakup.KeyReset, userID)
	if errors.Is(err, ledger.ErrNoRow) {
		return nil
	}
	return err
}

// lostKey checks the actor's sign-in password and returns their key,
// which must be KeyLost.
func (s *Store) lostKey(ctx context.Context, actor vigil.Actor, password string) (*recipientKey, error) {
	if actor.User == nil || actor.User.Status != vigil.UserActive {
		return nil, vigil.Errorf(vigil.EUNAUTHORIZED, "Sign in first.")
	}
	hash, err := s.boundPasswordHash(ctx, actor.ID)
	if err != nil {
		return nil, err
	}
	if !checkPassword(hash, password) {
		return nil, fieldErrCode(vigil.EUNAUTHORIZED, "password", "That is not your password. Enter the password you sign in with now.")
	}
	k, err := s.recipientKey(reader{s, ctx}, actor.ID)
	if err != nil {
		return nil, internal("read key", err)
	} else if k == nil {
		return nil, vigil.Errorf(vigil.EFORBIDDEN, "You do not receive speak-up reports.")
	}
	if k.state.String != speakup.KeyLost {
		if k.state.String == speakup.KeyReset {
			return nil, keyStateError(speakup.KeyReset)
		}
		return nil, vigil.Errorf(vigil.ECONFLICT, "Your speak-up key already opens with your password.")
	}
	if speakup.Hash(k.wrapped) != k.sum {
		s.tampered(ctx, "speakup_recipients", k.id, "wrapped key")
		return nil, internal("read key", errors.New("the wrapped key does not match its hash in the log"))
	}
	return k, nil
}

func fieldErrCode(code, field, msg string) error {
	return &vigil.Error{Code: code, Message: msg, Fields: []vigil.FieldError{{Field: field, Message: msg}}}
}

// RecoverKey implements speakup.Service.
func (s *Store) RecoverKey(ctx context.Context, actor vigil.Actor, oldPassword, password string) (*speakup.Keyring, error) {
	k, err := s.lostKey(ctx, actor, password)
	if err != nil {
		return nil, err
	}
	release, err := s.argonWork(ctx)
	if err != nil {
		return nil, err
	}
	kr, err := speakup.UnlockRecipientKey(actor.ID, k.wrapped, oldPassword, k.public)
	var wrapped []byte
	if err == nil {
		wrapped, err = kr.Wrap(password)
	}
	release()
	if errors.Is(err, speakup.ErrWrongPassword) {
		if lerr := s.log.Append(ctx, "speakup.unlock_refused", string(actor.ID), "speakup_recipients", k.id, map[string]string{}); lerr != nil {
			return nil, lerr
		}
		return nil, fieldErrCode(vigil.EUNAUTHORIZED, "old-password", "That password did not unlock your key. Enter the password you had before it was reset.")
	} else if err != nil {
		return nil, internal("recover key", err)
	}
	err = s.write(ctx, func(tx *ledger.Tx) error {
		return s.replaceWrapped(tx, string(actor.ID), "speakup.key_recovered", k, wrapped, "", false)
	})
	if err != nil {
		return nil, err
	}
	return kr, nil
}

// RenewKey implements speakup.Service.
func (s *Store) RenewKey(ctx context.Context, actor vigil.Actor, password string) (*speakup.Keyring, error) {
	k, err := s.lostKey(ctx, actor, password)
	if err != nil {
		return nil, err
	}
	public, wrapped, err := speakup.NewRecipientKey(password)
	if err != nil {
		return nil, internal("make key", err)
	}
	err = s.write(ctx, func(tx *ledger.Tx) error {
		var custodian int64
		if err := tx.QueryRow(`SELECT custodian FROM speakup_recipients WHERE id = ?`, k.id).Scan(&custodian); err != nil {
			return err
		}
		named, err := namedCustodian(tx, actor.ID)
		if err != nil {
			return err
		}
		if err := s.replaceWrapped(tx, string(actor.ID), "speakup.key_renewed", k, wrapped, public, true); err != nil {
			return err
		}
		rc, err := scanRecipient(tx.QueryRow(`SELECT `+recipientColumns+` FROM speakup_recipients r WHERE r.id = ?`, k.id))
		if err != nil {
			return err
		}
		asked := custodian == 1 || named
		approved, err := s.requestApproval(tx, string(actor.ID), rc, speakup.ApprovalRenewal, asked, true)
		if err != nil || !approved {
			return err
		}
		return applyApproval(tx, string(vigil.ActorSystem), rc.ID, speakup.ApprovalRenewal, rc.PublicKey, asked, true)
	})
	if err != nil {
		return nil, err
	}
	return s.Unlock(ctx, actor, password)
}

// awaiting returns the recipients of a report whose key waits for approval.
func (s *Store) awaiting(q querier, reportID vigil.ID) ([]*vigil.Person, error) {
	return s.people(q, `SELECT u.id, u.name, u.role, u.agency_id FROM speakup_access a
		JOIN speakup_recipients c ON c.id = a.recipient_id JOIN users u ON u.id = a.user_id
		WHERE a.report_id = ? AND c.active = 1 AND c.approval = 'pending' ORDER BY u.name, u.id`, reportID)
}

func (s *Store) people(q querier, query string, args ...any) ([]*vigil.Person, error) {
	rows, err := q.Query(query, args...)
	if err != nil {
		return nil, internal("read report", err)
	}
	defer rows.Close()
	var out []*vigil.Person
	for rows.Next() {
		var p vigil.Person
		if err := rows.Scan(&p.ID, &p.Name, &p.Role, &p.AgencyID); err != nil {
			return nil, internal("read report", err)
		}
		out = append(out, &p)
	}
	if err := rows.Err(); err != nil {
		return nil, internal("read report", err)
	}
	return out, nil
}

// stale returns the recipients of a report who replaced their key since
// it was last sealed for them, once the new key is approved: a key that
// waits for approval is sealed nothing.
func (s *Store) stale(q querier, reportID vigil.ID) ([]*vigil.Person, error) {
	return s.people(q, `SELECT u.id, u.name, u.role, u.agency_id FROM speakup_access a
		JOIN speakup_recipients c ON c.id = a.recipient_id JOIN users u ON u.id = a.user_id
		WHERE a.report_id = ? AND c.active = 1 AND c.approval IS NULL AND c.rekeyed_at IS NOT NULL AND COALESCE(a.resealed_at, a.granted_at) < c.rekeyed_at
		ORDER BY u.name, u.id`, reportID)
}

// notStale refuses a reader whose key is newer than the report's seal.
func (s *Store) notStale(q querier, actor vigil.Actor, reportID vigil.ID) error {
	st, err := s.stale(q, reportID)
	if err != nil {
		return err
	}
	for _, p := range st {
		if p.ID == actor.ID {
			return vigil.Errorf(vigil.ECONFLICT, "This report was sealed for the speak-up key you had before. Another person who receives it can seal it again for your new key from its page.")
		}
	}
	return nil
}

// resealed is one ciphertext sealed again: its blob, the tracked row and
// column that commit to it, and its old and new hashes.
type resealed struct {
	blob, table, column, rowID string
	oldSum                     string
	data                       []byte
}

// Reseal implements speakup.Service.
func (s *Store) Reseal(ctx context.Context, actor vigil.Actor, key *speakup.Keyring, id vigil.ID) error {
	q := reader{s, ctx}
	r, err := s.readable(ctx, q, actor, id, "reseal")
	if err != nil {
		return err
	}
	if err := keyFor(actor, key); err != nil {
		return err
	}
	if err := s.notStale(q, actor, r.ID); err != nil {
		return err
	}
	st, err := s.stale(q, r.ID)
	if err != nil {
		return err
	}
	if len(st) == 0 {
		if aw, err := s.awaiting(q, r.ID); err != nil {
			return err
		} else if len(aw) > 0 {
			return vigil.Errorf(vigil.ECONFLICT, "%s set up a new speak-up key that waits for approval; it can be sealed for once approved.", aw[0].Name)
		}
		return vigil.Errorf(vigil.ECONFLICT, "Everyone who receives this report can already read it.")
	}
	to, err := s.readers(q, r)
	if err != nil {
		return err
	}
	var idReaders []string
	rows, err := q.Query(`SELECT c.public_key FROM speakup_access a JOIN speakup_recipients c ON c.id = a.recipient_id
		WHERE a.report_id = ? AND c.active = 1 AND c.custodian = 1 AND c.approval IS NULL`, r.ID)
	if err != nil {
		return internal("reseal", err)
	}
	for rows.Next() {
		var k string
		if err := rows.Scan(&k); err != nil {
			rows.Close()
			return internal("reseal", err)
		}
		idReaders = append(idReaders, k)
	}
	rows.Close()

	// What is sealed for the report's readers: its content, messages and
	// attachments; and its identity, for custodians and the reporter,
	// when the actor (a custodian) can open it.
	type item struct {
		resealed
		identity bool
	}
	items := []item{{resealed: resealed{blob: string(r.ID) + "/content", table: "speakup_reports", column: "content_sha256", rowID: string(r.ID), oldSum: r.contentSum}}}
	if r.identitySum != "" {
		items = append(items, item{resealed{blob: string(r.ID) + "/identity", table: "speakup_reports", column: "identity_sha256", rowID: string(r.ID), oldSum: r.identitySum}, true})
	}
	rows, err = q.Query(`SELECT id, blob_sha256 FROM speakup_messages WHERE report_id = ? ORDER BY seq`, r.ID)
	if err != nil {
		return internal("reseal", err)
	}
	for rows.Next() {
		var it item
		if err := rows.Scan(&it.rowID, &it.oldSum); err != nil {
			rows.Close()
			return internal("reseal", err)
		}
		it.blob, it.table, it.column = it.rowID, "speakup_messages", "blob_sha256"
		items = append(items, it)
	}
	rows.Close()
	rows, err = q.Query(`SELECT id, original_sha256, copy_sha256 FROM speakup_attachments WHERE report_id = ? ORDER BY id`, r.ID)
	if err != nil {
		return internal("reseal", err)
	}
	for rows.Next() {
		var aid, o, c string
		if err := rows.Scan(&aid, &o, &c); err != nil {
			rows.Close()
			return internal("reseal", err)
		}
		items = append(items, item{resealed: resealed{blob: aid + "/original", table: "speakup_attachments", column: "original_sha256", rowID: aid, oldSum: o}},
			item{resealed: resealed{blob: aid + "/copy", table: "speakup_attachments", column: "copy_sha256", rowID: aid, oldSum: c}})
	}
	rows.Close()

	var done []resealed
	for _, it := range items {
		ct, err := s.blob(ctx, q, it.blob, it.oldSum, r.ID)
		if err != nil {
			return err
		}
		plain, err := key.Open(ct)
		if errors.Is(err, speakup.ErrCannotOpen) && it.identity {
			continue // only custodians open the identity; it stays as it is
		} else if err != nil {
			return internal("reseal", err)
		}
		readers := to
		if it.identity {
			readers = append([]string{r.reporterKey}, idReaders...)
		}
		if it.data, err = speakup.Seal(plain, readers); err != nil {
			return internal("reseal", err)
		}
		done = append(done, it.resealed)
	}

	who := string(actor.ID)
	err = s.write(ctx, func(tx *ledger.Tx) error {
		for _, d := range done {
			// The row must still commit to what was read: a concurrent
			// change means starting again, not overwriting it.
			err := tx.Save("speakup.resealed", who, d.table,
				fmt.Sprintf(`UPDATE %s SET %s = ?, version = version + 1 WHERE id = ? AND %s = ?`, d.table, d.column, d.column),
				speakup.Hash(d.data), d.rowID, d.oldSum)
			if errors.Is(err, ledger.ErrNoRow) {
				return vigil.Errorf(vigil.ECONFLICT, "The report changed while it was being sealed again. Please try again.")
			} else if err != nil {
				return err
			}
			if _, err := tx.Exec(`UPDATE speakup_blobs SET data = ? WHERE id = ?`, d.data, d.blob); err != nil {
				return err
			}
		}
		// Only the access of approved keys is marked: a key still waiting
		// was sealed nothing, and must show as stale once approved.
		ids, err := tx.Query(`SELECT a.id FROM speakup_access a JOIN speakup_recipients c ON c.id = a.recipient_id
			WHERE a.report_id = ? AND c.approval IS NULL`, r.ID)
		if err != nil {
			return err
		}
		access, err := scanIDs(ids)
		if err != nil {
			return err
		}
		for _, a := range access {
			if err := tx.Save("speakup.access_resealed", who, "speakup_access",
				`UPDATE speakup_access SET resealed_at = ?, version = version + 1 WHERE id = ?`, micros(tx.Now()), a); err != nil {
				return err
			}
		}
		names := make([]string, len(st))
		for i, p := range st {
			names[i] = string(p.ID)
		}
		return tx.Event("speakup.report_resealed", who, "speakup_reports", string(r.ID), map[string]any{"for": names, "ciphertexts": len(done)})
	})
	return err
}
