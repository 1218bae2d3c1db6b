package sqlstore

import (
	"context"
	"database/sql"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"slices"
	"strings"
	"sync"
	"time"

	"github.com/vigil-project/vigil"
	"github.com/vigil-project/vigil/internal/ledger"
	"github.com/vigil-project/vigil/internal/speakup"
)

// This file and speakup_*.go implement speakup.Service and speakup.Admin.
// Tracked tables hold what the log may know (that a report exists, when,
// to whom it was routed, its clocks, and the SHA-256 of every ciphertext);
// the ciphertexts, receipt verifiers and wrapped keys are in untracked
// tables bound by those hashes, so that they can be deleted outright.

var (
	_ speakup.Service = (*Store)(nil)
	_ speakup.Admin   = (*Store)(nil)
)

// speakupState is a store's in-memory speak-up state: the queue for
// argon2id work (the global guessing limit, see speakup/limit.go), the
// receipt cost, and how long a wrong guess at a report under guessing waits.
type speakupState struct {
	work   *speakup.Work
	mu     sync.Mutex
	params speakup.Params
	slow   time.Duration
}

// speakupStates maps each *Store to its state; kept beside the Store so
// that the speak-up channel adds no field to it.
var speakupStates sync.Map

func (s *Store) sp() *speakupState {
	if v, ok := speakupStates.Load(s); ok {
		return v.(*speakupState)
	}
	v, _ := speakupStates.LoadOrStore(s, &speakupState{
		work:   speakup.NewWork(speakup.WorkSlots, speakup.MaxWaiting),
		params: speakup.DefaultParams,
		slow:   speakup.SlowAnswer,
	})
	return v.(*speakupState)
}

// UseGuessDelay sets how long a wrong receipt for a report under guessing
// waits before it is refused (speakup.SlowAnswer; tests shorten it).
func (s *Store) UseGuessDelay(d time.Duration) {
	st := s.sp()
	st.mu.Lock()
	defer st.mu.Unlock()
	st.slow = d
}

// UseReceiptParams sets the argon2id cost of new receipts (tests lower it;
// deployments may raise it). Existing receipts keep theirs.
func (s *Store) UseReceiptParams(p speakup.Params) {
	st := s.sp()
	st.mu.Lock()
	defer st.mu.Unlock()
	st.params = p
}

// argonWork waits for a slot to run argon2id (or scrypt). Only receipt
// checks are sheddable: making a report or unlocking a key waits its turn.
func (s *Store) argonWork(ctx context.Context) (release func(), err error) {
	return s.sp().work.Acquire(ctx, false)
}

// SpeakUpSweeper returns the speak-up sweep in the form internal/escalate
// runs on a timer: missed speak-up deadlines count as escalations.
func (s *Store) SpeakUpSweeper() interface {
	Sweep(ctx context.Context, now time.Time) (vigil.SweepResult, error)
} {
	return speakupSweeper{s}
}

type speakupSweeper struct{ s *Store }

func (w speakupSweeper) Sweep(ctx context.Context, now time.Time) (vigil.SweepResult, error) {
	r, err := w.s.SweepSpeakUp(ctx, now)
	return vigil.SweepResult{Missed: r.Missed, Climbed: r.Climbed}, err
}

const recipientColumns = `r.id, r.user_id, r.agency_id, r.public_key, r.custodian, r.active, r.key_state, r.approval`

func scanRecipient(sc scanner) (*speakup.Recipient, error) {
	var r speakup.Recipient
	var custodian, active int64
	var state, approval sql.NullString
	if err := sc.Scan(&r.ID, &r.UserID, &r.AgencyID, &r.PublicKey, &custodian, &active, &state, &approval); err != nil {
		return nil, err
	}
	r.Custodian, r.Active, r.KeyState, r.Approval = custodian == 1, active == 1, state.String, approval.String
	return &r, nil
}

// recipients returns every active recipient whose account is active,
// whose key is approved, and who can unlock it with their sign-in
// password: new reports go only to people who can read them, and never to
// a key nobody independent has approved.
func (s *Store) recipients(q querier) ([]*speakup.Recipient, error) {
	rows, err := q.Query(`SELECT ` + recipientColumns + ` FROM speakup_recipients r JOIN users u ON u.id = r.user_id
		WHERE r.active = 1 AND r.key_state IS NULL AND r.approval IS NULL AND u.status = 'active' ORDER BY r.enrolled_at, r.id`)
	if err != nil {
		return nil, internal("read recipients", err)
	}
	defer rows.Close()
	var out []*speakup.Recipient
	for rows.Next() {
		r, err := scanRecipient(rows)
		if err != nil {
			return nil, internal("read recipients", err)
		}
		out = append(out, r)
	}
	return out, rows.Err()
}

// RecipientOf implements speakup.Service.
func (s *Store) RecipientOf(ctx context.Context, actor vigil.Actor) (*speakup.Recipient, error) {
	if actor.User == nil {
		return nil, notFound("The recipient")
	}
	r, err := scanRecipient(s.queryRow(ctx, `SELECT `+recipientColumns+` FROM speakup_recipients r WHERE r.user_id = ?`, actor.ID))
	if isNoRows(err) {
		return nil, notFound("The recipient")
	} else if err != nil {
		return nil, internal("read recipient", err)
	}
	return r, nil
}

// Enrol implements speakup.Service.
func (s *Store) Enrol(ctx context.Context, actor vigil.Actor, password string) (*speakup.Recipient, error) {
	u := actor.User
	if !speakup.CanReceive(u) {
		return nil, vigil.Errorf(vigil.EFORBIDDEN, "Your role does not receive speak-up reports. Administrators run the system; they do not read reports.")
	}
	var routed int
	if err := s.queryRow(ctx, `SELECT COUNT(*) FROM speakup_routes WHERE agency_id = ? AND active = 1`, u.AgencyID).Scan(&routed); err != nil {
		return nil, internal("enrol", err)
	}
	if routed == 0 {
		return nil, vigil.Errorf(vigil.EFORBIDDEN, "Your organisation does not receive speak-up reports, so there is nothing to set up.")
	}
	hash, err := s.boundPasswordHash(ctx, u.ID)
	if err != nil {
		return nil, err
	}
	// The key is unlocked by the person's sign-in password, so it must be it.
	if !checkPassword(hash, password) {
		return nil, &vigil.Error{Code: vigil.EUNAUTHORIZED, Message: "That is not your password. Enter the password you sign in with.",
			Fields: []vigil.FieldError{{Field: "password", Message: "That is not your password. Enter the password you sign in with."}}}
	}
	public, wrapped, err := speakup.NewRecipientKey(password)
	if err != nil {
		return nil, internal("make key", err)
	}
	rc := &speakup.Recipient{ID: vigil.NewID(), UserID: u.ID, AgencyID: u.AgencyID, PublicKey: public, Active: true}
	err = s.write(ctx, func(tx *ledger.Tx) error {
		var n int
		if err := tx.QueryRow(`SELECT COUNT(*) FROM speakup_recipients WHERE user_id = ?`, u.ID).Scan(&n); err != nil {
			return err
		} else if n > 0 {
			return vigil.Errorf(vigil.ECONFLICT, "You already have a speak-up key.")
		}
		custodian, err := namedCustodian(tx, u.ID)
		if err != nil {
			return err
		}
		// The key receives nothing until it is approved (speakup_approve.go).
		if err := tx.Save("speakup.recipient_enrolled", string(actor.ID), "speakup_recipients",
			`INSERT INTO speakup_recipients (id, version, user_id, agency_id, public_key, key_sha256, custodian, active, enrolled_at, approval)
			 VALUES (?, 1, ?, ?, ?, ?, 0, 1, ?, 'pending')`, rc.ID, rc.UserID, rc.AgencyID, rc.PublicKey, speakup.Hash(wrapped), micros(tx.Now())); err != nil {
			return err
		}
		if _, err := tx.Exec(`INSERT INTO speakup_recipient_keys (recipient_id, wrapped) VALUES (?, ?)`, rc.ID, wrapped); err != nil {
			return err
		}
		approved, err := s.requestApproval(tx, string(actor.ID), rc, speakup.ApprovalEnrolment, custodian, true)
		if err != nil {
			return err
		}
		rc.Custodian, rc.Approval = false, speakup.ApprovalPending
		if approved {
			rc.Custodian, rc.Approval = custodian, ""
			return applyApproval(tx, string(vigil.ActorSystem), rc.ID, speakup.ApprovalEnrolment, rc.PublicKey, custodian, true)
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	return rc, nil
}

// Unlock implements speakup.Service.
func (s *Store) Unlock(ctx context.Context, actor vigil.Actor, password string) (*speakup.Keyring, error) {
	if actor.User == nil || actor.User.Status != vigil.UserActive {
		return nil, vigil.Errorf(vigil.EUNAUTHORIZED, "Sign in first.")
	}
	var id, public, sum string
	var wrapped []byte
	var active int64
	var state sql.NullString
	err := s.queryRow(ctx, `SELECT r.id, r.public_key, r.key_sha256, r.active, r.key_state, k.wrapped FROM speakup_recipients r
		JOIN speakup_recipient_keys k ON k.recipient_id = r.id WHERE r.user_id = ?`, actor.ID).Scan(&id, &public, &sum, &active, &state, &wrapped)
	if isNoRows(err) || err == nil && active != 1 {
		return nil, vigil.Errorf(vigil.EFORBIDDEN, "You do not receive speak-up reports.")
	} else if err != nil {
		return nil, internal("unlock", err)
	}
	if state.Valid {
		return nil, keyStateError(state.String)
	}
	if speakup.Hash(wrapped) != sum {
		s.tampered(ctx, "speakup_recipients", id, "wrapped key")
		return nil, internal("unlock", errors.New("the wrapped key does not match its hash in the log"))
	}
	release, err := s.argonWork(ctx)
	if err != nil {
		return nil, err
	}
	k, err := speakup.UnlockRecipientKey(actor.ID, wrapped, password, public)
	release()
	if err != nil {
		if errors.Is(err, speakup.ErrWrongPassword) {
			if lerr := s.log.Append(ctx, "speakup.unlock_refused", string(actor.ID), "speakup_recipients", id, map[string]string{}); lerr != nil {
				return nil, lerr
			}
			return nil, &vigil.Error{Code: vigil.EUNAUTHORIZED, Message: "That password did not unlock your key. Enter the password you sign in with.",
				Fields: []vigil.FieldError{{Field: "password", Message: "That password did not unlock your key. Enter the password you sign in with."}}}
		}
		return nil, internal("unlock", err)
	}
	if err := s.log.Append(ctx, "speakup.key_unlocked", string(actor.ID), "speakup_recipients", id, map[string]string{}); err != nil {
		return nil, err
	}
	return k, nil
}

// tampered records that a ciphertext or key no longer matches the hash its
// tracked row commits to: someone changed the database outside Vigil.
func (s *Store) tampered(ctx context.Context, table, id, what string) {
	s.logger.Error("speak-up data does not match the log", slog.String("table", table), slog.String("id", id), slog.String("what", what))
	if err := s.log.Append(ctx, "speakup.tamper_detected", string(vigil.ActorSystem), table, id, map[string]string{"what": what}); err != nil {
		s.logger.Error("log tamper", slog.String("error", err.Error()))
	}
}

// --- reports ---

// ChannelOpen implements speakup.Service.
func (s *Store) ChannelOpen(ctx context.Context, ch speakup.Channel, about vigil.ID) (bool, error) {
	routes, err := s.routes(reader{s, ctx})
	if err != nil {
		return false, err
	}
	recips, err := s.recipients(reader{s, ctx})
	if err != nil {
		return false, err
	}
	_, to := speakup.RouteReport(ch, about, routes, recips)
	return len(to) > 0, nil
}

// errLookupTaken asks Submit to draw another receipt: the lookup words
// already name a report (about one chance in 60 million per report kept).
var errLookupTaken = vigil.Errorf(vigil.ECONFLICT, "lookup taken")

// sealedUpload is an attachment ready to store.
type sealedUpload struct {
	id                 vigil.ID
	mediaType          string
	original, copy     []byte // ciphertexts
	origSize, copySize int64
	meta               speakup.AttachmentMeta
}

// sealUploads strips and encrypts attachments for recipients.
func sealUploads(files []speakup.Upload, to []string) ([]sealedUpload, error) {
	var out []sealedUpload
	for _, f := range files {
		mt, stripped, err := speakup.StripMetadata(f.Data)
		if err != nil {
			return nil, err
		}
		u := sealedUpload{id: vigil.NewID(), mediaType: mt, origSize: int64(len(f.Data)), copySize: int64(len(stripped))}
		u.meta = speakup.AttachmentMeta{ID: u.id, OriginalSHA256: speakup.Hash(f.Data), CopySHA256: speakup.Hash(stripped)}
		if u.original, err = speakup.Seal(f.Data, to); err != nil {
			return nil, internal("seal attachment", err)
		}
		if u.copy, err = speakup.Seal(stripped, to); err != nil {
			return nil, internal("seal attachment", err)
		}
		out = append(out, u)
	}
	return out, nil
}

// Submit implements speakup.Service.
func (s *Store) Submit(ctx context.Context, n speakup.NewReport) (string, *speakup.ReporterKey, error) {
	n.Normalize()
	if err := n.Validate(); err != nil {
		return "", nil, err
	}
	if n.AboutID != "" {
		if err := s.queryRow(ctx, `SELECT name FROM agencies WHERE id = ?`, n.AboutID).Scan(&n.AboutName); isNoRows(err) {
			return "", nil, &vigil.Error{Code: vigil.EINVALID, Message: "Choose the organisation from the list",
				Fields: []vigil.FieldError{{Field: "about", Message: "Choose the organisation from the list"}}}
		} else if err != nil {
			return "", nil, internal("submit", err)
		}
	}
	routes, err := s.routes(reader{s, ctx})
	if err != nil {
		return "", nil, err
	}
	recips, err := s.recipients(reader{s, ctx})
	if err != nil {
		return "", nil, err
	}
	agencies, to := speakup.RouteReport(n.Channel, n.AboutID, routes, recips)
	if len(to) == 0 {
		return "", nil, vigil.Errorf(vigil.EUNAVAILABLE, "Nobody is set up to receive this kind of report here yet, so it was not sent. If a child is in danger now, call 999. You can also call the NSPCC on 0808 800 5000, or Childline on 0800 1111.")
	}
	custodians := speakup.Custodians(to)
	if !n.Identity.Empty() && len(custodians) == 0 {
		msg := "Nobody can keep your name safe for this report at the moment. Leave your name and contact details out to send it anonymously."
		return "", nil, &vigil.Error{Code: vigil.EINVALID, Message: msg, Fields: []vigil.FieldError{{Field: "name", Message: msg}}}
	}

	id := vigil.NewID()
	key, private, err := speakup.NewReporterKey(id)
	if err != nil {
		return "", nil, internal("submit", err)
	}
	readers := []string{key.PublicKey()}
	for _, r := range to {
		readers = append(readers, r.PublicKey)
	}
	content, err := json.Marshal(n.Content)
	if err != nil {
		return "", nil, internal("submit", err)
	}
	contentCT, err := speakup.Seal(content, readers)
	if err != nil {
		return "", nil, internal("seal report", err)
	}
	var identityCT []byte
	if !n.Identity.Empty() {
		idReaders := []string{key.PublicKey()}
		for _, r := range custodians {
			idReaders = append(idReaders, r.PublicKey)
		}
		b, _ := json.Marshal(n.Identity)
		if identityCT, err = speakup.Seal(b, idReaders); err != nil {
			return "", nil, internal("seal identity", err)
		}
	}
	uploads, err := sealUploads(n.Attachments, readers)
	if err != nil {
		return "", nil, err
	}
	var firstMsg []byte
	if len(uploads) > 0 {
		body := speakup.MessageBody{}
		for _, u := range uploads {
			body.Attachments = append(body.Attachments, u.meta)
		}
		b, _ := json.Marshal(body)
		if firstMsg, err = speakup.Seal(b, readers); err != nil {
			return "", nil, internal("seal message", err)
		}
	}
	pol, err := s.policy(reader{s, ctx}, n.Channel)
	if err != nil {
		return "", nil, err
	}
	params := s.sp().params

	for range 3 {
		receipt, text := speakup.NewReceipt()
		release, err := s.argonWork(ctx)
		if err != nil {
			return "", nil, err
		}
		v := receipt.NewVerifier(string(id), private, params)
		release()
		err = s.write(ctx, func(tx *ledger.Tx) error {
			now := tx.Now()
			var taken int
			if err := tx.QueryRow(`SELECT COUNT(*) FROM speakup_receipts WHERE lookup = ?`, v.Lookup).Scan(&taken); err != nil {
				return err
			} else if taken > 0 {
				return errLookupTaken
			}
			var idSum any
			if identityCT != nil {
				idSum = speakup.Hash(identityCT)
			}
			if err := tx.Save("speakup.report_received", string(vigil.ActorPublic), "speakup_reports",
				`INSERT INTO speakup_reports (id, version, channel, status, received_at, reporter_key, receipt_sha256, content_sha256, identity_sha256)
				 VALUES (?, 1, ?, 'received', ?, ?, ?, ?, ?)`,
				id, n.Channel, micros(now), key.PublicKey(), hex.EncodeToString(v.Binding()), speakup.Hash(contentCT), idSum); err != nil {
				return err
			}
			if _, err := tx.Exec(`INSERT INTO speakup_receipts (report_id, lookup, salt, params, hash, sealed_key, failures, window_start)
				VALUES (?, ?, ?, ?, ?, ?, 0, 0)`, id, v.Lookup, v.Salt, v.Params.String(), v.Hash, v.SealedKey); err != nil {
				return err
			}
			if err := putBlob(tx, string(id)+"/content", id, contentCT); err != nil {
				return err
			}
			if identityCT != nil {
				if err := putBlob(tx, string(id)+"/identity", id, identityCT); err != nil {
					return err
				}
			}
			for _, r := range to {
				if err := tx.Save("speakup.routed", string(vigil.ActorPublic), "speakup_access",
					`INSERT INTO speakup_access (id, version, report_id, recipient_id, user_id, agency_id, granted_at) VALUES (?, 1, ?, ?, ?, ?, ?)`,
					vigil.NewID(), id, r.ID, r.UserID, r.AgencyID, micros(now)); err != nil {
					return err
				}
			}
			ackDue := pol.Acknowledge.After(s.cal, now)
			for _, d := range []struct {
				kind string
				due  time.Time
			}{{speakup.DeadlineAcknowledge, ackDue}, {speakup.DeadlineFeedback, pol.Feedback.After(s.cal, ackDue)}} {
				if err := tx.Save("speakup.deadline_started", string(vigil.ActorSystem), "speakup_deadlines",
					`INSERT INTO speakup_deadlines (id, version, report_id, kind, due_at, status) VALUES (?, 1, ?, ?, ?, 'open')`,
					vigil.NewID(), id, d.kind, micros(d.due)); err != nil {
					return err
				}
			}
			if firstMsg != nil {
				if err := addMessage(tx, id, speakup.AuthorReporter, "", firstMsg, uploads); err != nil {
					return err
				}
			}
			return nil
		})
		if err == errLookupTaken {
			continue
		} else if err != nil {
			return "", nil, err
		}
		s.logger.Info("speak-up report received", slog.String("report_id", string(id)), slog.String("channel", string(n.Channel)),
			slog.Int("recipients", len(to)), slog.Int("agencies", len(agencies)))
		return text, key, nil
	}
	return "", nil, vigil.Errorf(vigil.EUNAVAILABLE, "Your report could not be saved, so nothing was recorded. Please try again.")
}

func putBlob(tx *ledger.Tx, id string, reportID vigil.ID, data []byte) error {
	_, err := tx.Exec(`INSERT INTO speakup_blobs (id, report_id, data) VALUES (?, ?, ?)`, id, reportID, data)
	return err
}

// addMessage stores a sealed message and its sealed attachments.
func addMessage(tx *ledger.Tx, reportID vigil.ID, author speakup.Author, authorID vigil.ID, sealed []byte, uploads []sealedUpload) error {
	msgID := vigil.NewID()
	actor := string(vigil.ActorPublic)
	if authorID != "" {
		actor = string(authorID)
	}
	if err := tx.Save("speakup.message_added", actor, "speakup_messages",
		`INSERT INTO speakup_messages (id, version, report_id, seq, author, author_id, at, blob_sha256, attachments)
		 VALUES (?, 1, ?, (SELECT COALESCE(MAX(seq), 0) + 1 FROM speakup_messages WHERE report_id = ?), ?, ?, ?, ?, ?)`,
		msgID, reportID, reportID, author, null(authorID), micros(tx.Now()), speakup.Hash(sealed), len(uploads)); err != nil {
		return err
	}
	if err := putBlob(tx, string(msgID), reportID, sealed); err != nil {
		return err
	}
	for _, u := range uploads {
		// Both hashes are in the log: the sealed original's ciphertext, as
		// evidence, and the stripped copy's.
		if err := tx.Save("speakup.attachment_added", actor, "speakup_attachments",
			`INSERT INTO speakup_attachments (id, version, report_id, message_id, media_type, original_sha256, original_size, copy_sha256, copy_size)
			 VALUES (?, 1, ?, ?, ?, ?, ?, ?, ?)`,
			u.id, reportID, msgID, u.mediaType, speakup.Hash(u.original), u.origSize, speakup.Hash(u.copy), u.copySize); err != nil {
			return err
		}
		if err := putBlob(tx, string(u.id)+"/original", reportID, u.original); err != nil {
			return err
		}
		if err := putBlob(tx, string(u.id)+"/copy", reportID, u.copy); err != nil {
			return err
		}
	}
	return nil
}

var errWrongReceipt = vigil.Errorf(vigil.EUNAUTHORIZED, "That receipt does not match a report. Check each word and try again.")

// Check implements speakup.Service.
func (s *Store) Check(ctx context.Context, text string) (*speakup.ReporterKey, error) {
	receipt, err := speakup.ParseReceipt(text)
	if err != nil {
		msg := fmt.Sprintf("A receipt is %d words from the list we gave you. Check you have typed all of them.", speakup.ReceiptWords)
		return nil, &vigil.Error{Code: vigil.EINVALID, Message: msg, Fields: []vigil.FieldError{{Field: "receipt", Message: msg}}}
	}
	st := s.sp()
	release, err := st.work.Acquire(ctx, true)
	if errors.Is(err, speakup.ErrBusy) {
		s.logger.Warn("speak-up receipt check shed: too many waiting")
		return nil, vigil.Errorf(vigil.ETOOMANYREQUEST, "Many receipts are being checked right now. Please wait a minute and try again.")
	} else if err != nil {
		return nil, err
	}
	defer func() {
		if release != nil {
			release()
		}
	}()

	var v speakup.Verifier
	var id, params, binding string
	var failures, window int64
	err = s.queryRow(ctx, `SELECT c.report_id, c.salt, c.params, c.hash, c.sealed_key, c.failures, c.window_start, r.receipt_sha256
		FROM speakup_receipts c JOIN speakup_reports r ON r.id = c.report_id WHERE c.lookup = ?`, receipt.Lookup).
		Scan(&id, &v.Salt, &params, &v.Hash, &v.SealedKey, &failures, &window, &binding)
	if isNoRows(err) {
		receipt.Burn(st.params)
		if err := s.log.Append(ctx, "speakup.receipt_refused", string(vigil.ActorPublic), "speakup_receipts", "unknown", map[string]string{"reason": "no report"}); err != nil {
			return nil, err
		}
		return nil, errWrongReceipt
	} else if err != nil {
		return nil, internal("check receipt", err)
	}
	v.Lookup = receipt.Lookup
	if v.Params, err = speakup.ParseParams(params); err != nil {
		return nil, internal("check receipt", err)
	}
	if hex.EncodeToString(v.Binding()) != binding {
		s.tampered(ctx, "speakup_reports", id, "receipt verifier")
		return nil, errWrongReceipt
	}
	// Verified whatever the count of wrong receipts: the right one always
	// opens the report (see speakup/limit.go).
	private, err := receipt.Open(&v, id)
	release()
	release = nil
	now := vigil.Now()
	if err != nil {
		n, start := speakup.Fail(int(failures), fromMicros(window), now)
		guessed := speakup.UnderGuessing(n, start, now)
		err := s.write(ctx, func(tx *ledger.Tx) error {
			if _, err := tx.Exec(`UPDATE speakup_receipts SET failures = ?, window_start = ? WHERE report_id = ?`, n, micros(start), id); err != nil {
				return err
			}
			return tx.Event("speakup.receipt_refused", string(vigil.ActorPublic), "speakup_reports", id,
				map[string]any{"reason": "wrong secret", "failures": n, "under_guessing": guessed})
		})
		if err != nil {
			return nil, err
		}
		if guessed {
			st.mu.Lock()
			slow := st.slow
			st.mu.Unlock()
			select {
			case <-time.After(slow):
			case <-ctx.Done():
			}
		}
		return nil, errWrongReceipt
	}
	if failures > 0 {
		err := s.write(ctx, func(tx *ledger.Tx) error {
			_, err := tx.Exec(`UPDATE speakup_receipts SET failures = 0, window_start = 0 WHERE report_id = ?`, id)
			return err
		})
		if err != nil {
			return nil, err
		}
	}
	return speakup.ReporterKeyFrom(vigil.ID(id), private)
}

// --- reading ---

// blob reads a ciphertext and checks it against the hash its tracked row
// commits to.
func (s *Store) blob(ctx context.Context, q querier, id, want string, reportID vigil.ID) ([]byte, error) {
	var data []byte
	if err := q.QueryRow(`SELECT data FROM speakup_blobs WHERE id = ?`, id).Scan(&data); err != nil {
		if isNoRows(err) {
			s.tampered(ctx, "speakup_reports", string(reportID), "missing ciphertext "+id)
		}
		return nil, internal("read report", err)
	}
	if speakup.Hash(data) != want {
		s.tampered(ctx, "speakup_reports", string(reportID), "ciphertext "+id)
		return nil, internal("read report", fmt.Errorf("ciphertext %s does not match its hash in the log", id))
	}
	return data, nil
}

const reportColumns = `r.id, r.channel, r.status, r.received_at, r.acknowledged_at, r.closed_at, r.case_id, r.identity_sha256, r.content_sha256, r.reporter_key`

type reportRow struct {
	speakup.Report
	identitySum, contentSum, reporterKey string
}

func scanReport(sc scanner) (*reportRow, error) {
	var r reportRow
	var received int64
	var acked, closed sql.NullInt64
	var caseID, idSum sql.NullString
	if err := sc.Scan(&r.ID, &r.Channel, &r.Status, &received, &acked, &closed, &caseID, &idSum, &r.contentSum, &r.reporterKey); err != nil {
		return nil, err
	}
	r.ReceivedAt, r.CaseID, r.identitySum, r.HasIdentity = fromMicros(received), vigil.ID(caseID.String), idSum.String, idSum.Valid
	if acked.Valid {
		t := fromMicros(acked.Int64)
		r.AcknowledgedAt = &t
	}
	if closed.Valid {
		t := fromMicros(closed.Int64)
		r.ClosedAt = &t
	}
	return &r, nil
}

func (s *Store) report(q querier, id vigil.ID) (*reportRow, error) {
	if !id.Valid() {
		return nil, notFound("The report")
	}
	r, err := scanReport(q.QueryRow(`SELECT `+reportColumns+` FROM speakup_reports r WHERE r.id = ?`, id))
	if isNoRows(err) {
		return nil, notFound("The report")
	} else if err != nil {
		return nil, internal("read report", err)
	}
	return r, nil
}

// fill adds a report's deadlines, routing and message counts.
func (s *Store) fill(q querier, r *speakup.Report) error {
	rows, err := q.Query(`SELECT kind, due_at, status, met_at FROM speakup_deadlines WHERE report_id = ? ORDER BY due_at, kind`, r.ID)
	if err != nil {
		return internal("read report", err)
	}
	for rows.Next() {
		var d speakup.Deadline
		var due int64
		var met sql.NullInt64
		if err := rows.Scan(&d.Kind, &due, &d.Status, &met); err != nil {
			rows.Close()
			return internal("read report", err)
		}
		d.Due = fromMicros(due)
		if met.Valid {
			t := fromMicros(met.Int64)
			d.MetAt = &t
		}
		r.Deadlines = append(r.Deadlines, &d)
	}
	rows.Close()
	rows, err = q.Query(`SELECT DISTINCT agency_id FROM speakup_access WHERE report_id = ? ORDER BY agency_id`, r.ID)
	if err != nil {
		return internal("read report", err)
	}
	for rows.Next() {
		var a vigil.ID
		if err := rows.Scan(&a); err != nil {
			rows.Close()
			return internal("read report", err)
		}
		r.RoutedTo = append(r.RoutedTo, a)
	}
	rows.Close()
	var last sql.NullString
	if err := q.QueryRow(`SELECT COUNT(*), (SELECT author FROM speakup_messages WHERE report_id = ? ORDER BY seq DESC LIMIT 1)
		FROM speakup_messages WHERE report_id = ?`, r.ID, r.ID).Scan(&r.Messages, &last); err != nil {
		return internal("read report", err)
	}
	r.LastMessage = speakup.Author(last.String)
	return nil
}

// opener decrypts ciphertexts with the reader's key.
type opener interface {
	Open(ciphertext []byte) ([]byte, error)
}

// messages decrypts a report's conversation.
func (s *Store) messages(ctx context.Context, q querier, reportID vigil.ID, key opener, names bool) ([]*speakup.Message, error) {
	rows, err := q.Query(`SELECT m.id, m.seq, m.author, m.author_id, m.at, m.blob_sha256, u.name FROM speakup_messages m
		LEFT JOIN users u ON u.id = m.author_id WHERE m.report_id = ? ORDER BY m.seq`, reportID)
	if err != nil {
		return nil, internal("read messages", err)
	}
	type row struct {
		m   speakup.Message
		sum string
	}
	var list []row
	for rows.Next() {
		var r row
		var author, name sql.NullString
		var at int64
		if err := rows.Scan(&r.m.ID, &r.m.Seq, &r.m.Author, &author, &at, &r.sum, &name); err != nil {
			rows.Close()
			return nil, internal("read messages", err)
		}
		r.m.AuthorID, r.m.At = vigil.ID(author.String), fromMicros(at)
		if names {
			r.m.AuthorName = name.String
		}
		list = append(list, r)
	}
	rows.Close()
	atts, err := s.attachments(q, reportID)
	if err != nil {
		return nil, err
	}
	out := make([]*speakup.Message, 0, len(list))
	for _, r := range list {
		ct, err := s.blob(ctx, q, string(r.m.ID), r.sum, reportID)
		if err != nil {
			return nil, err
		}
		b, err := key.Open(ct)
		if err != nil {
			return nil, internal("open message", err)
		}
		var body speakup.MessageBody
		if err := json.Unmarshal(b, &body); err != nil {
			return nil, internal("open message", err)
		}
		m := r.m
		m.Text = body.Text
		for i, meta := range body.Attachments {
			if a := atts[meta.ID]; a != nil {
				kind := "photo"
				if a.MediaType == speakup.MediaDOCX {
					kind = "document"
				}
				a.Name = fmt.Sprintf("%s-%d-%d%s", kind, m.Seq, i+1, speakup.Extension(a.MediaType))
				a.OriginalSHA256, a.CopySHA256 = meta.OriginalSHA256, meta.CopySHA256
				m.Attachments = append(m.Attachments, a)
			}
		}
		out = append(out, &m)
	}
	return out, nil
}

// attachments returns a report's attachments by id, with the sizes of the
// files (their plaintext hashes are inside the messages).
func (s *Store) attachments(q querier, reportID vigil.ID) (map[vigil.ID]*speakup.Attachment, error) {
	rows, err := q.Query(`SELECT id, media_type, original_size, copy_size FROM speakup_attachments WHERE report_id = ?`, reportID)
	if err != nil {
		return nil, internal("read attachments", err)
	}
	defer rows.Close()
	out := map[vigil.ID]*speakup.Attachment{}
	for rows.Next() {
		var a speakup.Attachment
		if err := rows.Scan(&a.ID, &a.MediaType, &a.OriginalSize, &a.CopySize); err != nil {
			return nil, internal("read attachments", err)
		}
		out[a.ID] = &a
	}
	return out, rows.Err()
}

// View implements speakup.Service.
func (s *Store) View(ctx context.Context, key *speakup.ReporterKey) (*speakup.ReporterView, error) {
	if key == nil {
		return nil, notFound("The report")
	}
	q := reader{s, ctx}
	r, err := s.report(q, key.ReportID)
	if err != nil {
		return nil, err
	}
	// The reporter's reads are logged like anyone's: oversight can see the
	// conversation is alive, and nothing in the entry says who they are.
	if err := s.log.Append(ctx, "speakup.reporter_viewed", string(vigil.ActorPublic), "speakup_reports", string(r.ID), map[string]string{}); err != nil {
		return nil, err
	}
	msgs, err := s.messages(ctx, q, r.ID, key, false)
	if err != nil {
		return nil, err
	}
	v := &speakup.ReporterView{Status: r.Status, ReceivedAt: r.ReceivedAt, Channel: r.Channel, Messages: msgs, Open: r.Status != speakup.StatusClosed}
	if err := s.queryRow(ctx, `SELECT COUNT(*) FROM speakup_disclosures WHERE report_id = ? AND status = 'approved'`, r.ID).Scan(&v.IdentityShared); err != nil {
		return nil, internal("read report", err)
	}
	return v, nil
}

// readers returns the public keys a report's new messages are sealed for:
// its active recipients whose key is approved, and the reporter.
func (s *Store) readers(q querier, r *reportRow) ([]string, error) {
	rows, err := q.Query(`SELECT c.public_key FROM speakup_access a JOIN speakup_recipients c ON c.id = a.recipient_id
		WHERE a.report_id = ? AND c.active = 1 AND c.approval IS NULL ORDER BY a.granted_at, a.id`, r.ID)
	if err != nil {
		return nil, internal("read recipients", err)
	}
	defer rows.Close()
	out := []string{r.reporterKey}
	for rows.Next() {
		var k string
		if err := rows.Scan(&k); err != nil {
			return nil, internal("read recipients", err)
		}
		if !slices.Contains(out, k) {
			out = append(out, k)
		}
	}
	return out, rows.Err()
}

// Reply implements speakup.Service.
func (s *Store) Reply(ctx context.Context, key *speakup.ReporterKey, text string, files []speakup.Upload) error {
	if key == nil {
		return notFound("The report")
	}
	if len(files) > speakup.MaxAttachments {
		return &vigil.Error{Code: vigil.EINVALID, Message: fmt.Sprintf("You can attach up to %d files", speakup.MaxAttachments),
			Fields: []vigil.FieldError{{Field: "attachment", Message: fmt.Sprintf("You can attach up to %d files", speakup.MaxAttachments)}}}
	}
	text = strings.TrimSpace(text)
	if len(files) == 0 || text != "" {
		if err := speakup.CheckMessage(text); err != nil {
			return err
		}
	}
	q := reader{s, ctx}
	r, err := s.report(q, key.ReportID)
	if err != nil {
		return err
	}
	if r.Status == speakup.StatusClosed {
		return vigil.Errorf(vigil.ECONFLICT, "This report is closed, so nobody will read new messages. If something new has happened, please make a new report.")
	}
	to, err := s.readers(q, r)
	if err != nil {
		return err
	}
	uploads, err := sealUploads(files, to)
	if err != nil {
		return err
	}
	body := speakup.MessageBody{Text: text}
	for _, u := range uploads {
		body.Attachments = append(body.Attachments, u.meta)
	}
	b, _ := json.Marshal(body)
	sealed, err := speakup.Seal(b, to)
	if err != nil {
		return internal("seal message", err)
	}
	return s.write(ctx, func(tx *ledger.Tx) error {
		return addMessage(tx, r.ID, speakup.AuthorReporter, "", sealed, uploads)
	})
}
