package sqlstore

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/vigil-project/vigil"
	"github.com/vigil-project/vigil/internal/ledger"
	"github.com/vigil-project/vigil/internal/speakup"
)

// This file is the recipients' side of the speak-up channel: the inbox,
// reading a report, the conversation, identity requests and custodians'
// decisions, turning a report into a case, and oversight's view.

// actingRecipient selects, among recipients r, those who may act on the
// reports routed to them: active, with an approved key that opens with
// their own password. A key waiting for approval, or locked after an
// administrator reset the password (who then knows it), acts on nothing:
// otherwise whoever reset the password could sign in as the recipient
// and acknowledge, answer or close reports in their name.
const actingRecipient = `r.active = 1 AND r.approval IS NULL AND r.key_state IS NULL`

// mayRead reports whether the actor is an acting recipient the report was
// routed to. Nobody else may read it, whatever their role: administrators,
// directors and investigators included.
func (s *Store) mayRead(q querier, actor vigil.Actor, reportID vigil.ID) (bool, error) {
	if actor.User == nil || actor.User.Status != vigil.UserActive || !reportID.Valid() {
		return false, nil
	}
	var n int
	err := q.QueryRow(`SELECT COUNT(*) FROM speakup_access a JOIN speakup_recipients r ON r.id = a.recipient_id
		WHERE a.report_id = ? AND a.user_id = ? AND `+actingRecipient, reportID, actor.ID).Scan(&n)
	if err != nil {
		return false, internal("check access", err)
	}
	return n > 0, nil
}

// refuse logs a refused access and returns the same answer as for a report
// that does not exist, so that report ids cannot be probed.
func (s *Store) refuse(ctx context.Context, actor vigil.Actor, reportID vigil.ID, what string) error {
	if reportID.Valid() {
		if err := s.log.Append(ctx, "speakup.access_refused", string(actor.ID), "speakup_reports", string(reportID), map[string]string{"action": what}); err != nil {
			return err
		}
	}
	return notFound("The report")
}

// readable checks access and returns the report, logging a refusal.
func (s *Store) readable(ctx context.Context, q querier, actor vigil.Actor, id vigil.ID, what string) (*reportRow, error) {
	ok, err := s.mayRead(q, actor, id)
	if err != nil {
		return nil, err
	}
	if !ok {
		return nil, s.refuse(ctx, actor, id, what)
	}
	return s.report(q, id)
}

func keyFor(actor vigil.Actor, key *speakup.Keyring) error {
	if key == nil || key.UserID != actor.ID {
		return vigil.Errorf(vigil.EFORBIDDEN, "Unlock your speak-up key with your password to read reports.")
	}
	return nil
}

// Inbox implements speakup.Service.
func (s *Store) Inbox(ctx context.Context, actor vigil.Actor) ([]*speakup.Report, error) {
	if actor.User == nil || actor.User.Status != vigil.UserActive {
		return nil, vigil.Errorf(vigil.EUNAUTHORIZED, "Sign in to see speak-up reports.")
	}
	q := reader{s, ctx}
	rows, err := s.query(ctx, `SELECT `+reportColumns+` FROM speakup_reports r
		WHERE r.id IN (SELECT a.report_id FROM speakup_access a JOIN speakup_recipients c ON c.id = a.recipient_id
			WHERE a.user_id = ? AND c.active = 1 AND c.approval IS NULL AND c.key_state IS NULL)
		ORDER BY CASE WHEN r.status = 'closed' THEN 1 ELSE 0 END, r.received_at DESC, r.id LIMIT 500`, actor.ID)
	if err != nil {
		return nil, internal("list reports", err)
	}
	var out []*speakup.Report
	for rows.Next() {
		r, err := scanReport(rows)
		if err != nil {
			rows.Close()
			return nil, internal("list reports", err)
		}
		out = append(out, &r.Report)
	}
	rows.Close()
	for _, r := range out {
		if err := s.fill(q, r); err != nil {
			return nil, err
		}
	}
	if err := s.log.Append(ctx, "speakup.inbox_listed", string(actor.ID), "users", string(actor.ID), map[string]int{"reports": len(out)}); err != nil {
		return nil, err
	}
	return out, nil
}

// Open implements speakup.Service.
func (s *Store) Open(ctx context.Context, actor vigil.Actor, key *speakup.Keyring, id vigil.ID) (*speakup.Detail, error) {
	q := reader{s, ctx}
	r, err := s.readable(ctx, q, actor, id, "open")
	if err != nil {
		return nil, err
	}
	if err := keyFor(actor, key); err != nil {
		return nil, err
	}
	if err := s.notStale(q, actor, r.ID); err != nil {
		return nil, err
	}
	var grant struct {
		id, sum string
	}
	var req *speakup.Disclosure
	if ds, err := s.disclosures(q, `d.report_id = ? AND d.requested_by = ? ORDER BY d.requested_at DESC`, r.ID, actor.ID); err != nil {
		return nil, err
	} else if len(ds) > 0 {
		req = ds[0]
		if req.Status == speakup.DisclosureApproved {
			grant.id = string(req.ID)
			if err := q.QueryRow(`SELECT grant_sha256 FROM speakup_disclosures WHERE id = ?`, req.ID).Scan(&grant.sum); err != nil {
				return nil, internal("read report", err)
			}
		}
	}
	// The read is durable in the log before anything is decrypted.
	if err := s.log.Append(ctx, "speakup.viewed", string(actor.ID), "speakup_reports", string(r.ID),
		map[string]bool{"identity": grant.id != ""}); err != nil {
		return nil, err
	}
	d := &speakup.Detail{Report: r.Report, IdentityRequest: req}
	if err := s.fill(q, &d.Report); err != nil {
		return nil, err
	}
	ct, err := s.blob(ctx, q, string(r.ID)+"/content", r.contentSum, r.ID)
	if err != nil {
		return nil, err
	}
	b, err := key.Open(ct)
	if err != nil {
		return nil, internal("open report", err)
	}
	if err := json.Unmarshal(b, &d.Content); err != nil {
		return nil, internal("open report", err)
	}
	if d.Messages, err = s.messages(ctx, q, r.ID, key, true); err != nil {
		return nil, err
	}
	if grant.id != "" {
		ct, err := s.blob(ctx, q, grant.id, grant.sum, r.ID)
		if err != nil {
			return nil, err
		}
		b, err := key.Open(ct)
		if err != nil {
			return nil, internal("open identity", err)
		}
		d.Identity = new(speakup.Identity)
		if err := json.Unmarshal(b, d.Identity); err != nil {
			return nil, internal("open identity", err)
		}
	}
	if r.CaseID != "" {
		if err := q.QueryRow(`SELECT ref FROM cases WHERE id = ?`, r.CaseID).Scan(&d.CaseRef); err != nil {
			return nil, internal("read report", err)
		}
	}
	if d.Recipients, err = s.people(q, `SELECT u.id, u.name, u.role, u.agency_id FROM speakup_access a JOIN users u ON u.id = a.user_id
		WHERE a.report_id = ? ORDER BY u.name, u.id`, r.ID); err != nil {
		return nil, err
	}
	if d.Escalations, err = s.escalationsOf(q, r.ID); err != nil {
		return nil, err
	}
	if d.Awaiting, err = s.awaiting(q, r.ID); err != nil {
		return nil, err
	}
	atts, err := attachmentIDs(q, r.ID)
	if err != nil {
		return nil, err
	}
	if d.History, err = s.history(q, r.ID, atts); err != nil {
		return nil, err
	}
	d.Stale, err = s.stale(q, r.ID)
	return d, err
}

// File implements speakup.Service.
func (s *Store) File(ctx context.Context, actor vigil.Actor, key *speakup.Keyring, reportID, attachmentID vigil.ID, original bool) (*speakup.Attachment, []byte, error) {
	q := reader{s, ctx}
	r, err := s.readable(ctx, q, actor, reportID, "file")
	if err != nil {
		return nil, nil, err
	}
	if err := keyFor(actor, key); err != nil {
		return nil, nil, err
	}
	if err := s.notStale(q, actor, r.ID); err != nil {
		return nil, nil, err
	}
	var a speakup.Attachment
	var origSum, copySum string
	var seq int
	err = q.QueryRow(`SELECT a.id, a.media_type, a.original_size, a.copy_size, a.original_sha256, a.copy_sha256, m.seq FROM speakup_attachments a
		JOIN speakup_messages m ON m.id = a.message_id WHERE a.id = ? AND a.report_id = ?`, attachmentID, r.ID).
		Scan(&a.ID, &a.MediaType, &a.OriginalSize, &a.CopySize, &origSum, &copySum, &seq)
	if isNoRows(err) {
		return nil, nil, notFound("The file")
	} else if err != nil {
		return nil, nil, internal("read file", err)
	}
	if err := s.log.Append(ctx, "speakup.file_viewed", string(actor.ID), "speakup_attachments", string(a.ID), map[string]bool{"original": original}); err != nil {
		return nil, nil, err
	}
	blobID, sum := string(a.ID)+"/copy", copySum
	if original {
		blobID, sum = string(a.ID)+"/original", origSum
	}
	ct, err := s.blob(ctx, q, blobID, sum, r.ID)
	if err != nil {
		return nil, nil, err
	}
	data, err := key.Open(ct)
	if err != nil {
		return nil, nil, internal("open file", err)
	}
	a.Name = fmt.Sprintf("photo-%s%s", a.ID[:8], speakup.Extension(a.MediaType))
	if original {
		a.Name = "original-" + a.Name
	}
	return &a, data, nil
}

// meetDeadline marks a report's open (or missed) deadline of kind as met
// at now, and ends the escalation of a missed one.
func meetDeadline(tx *ledger.Tx, actor string, reportID vigil.ID, kind string) error {
	var id vigil.ID
	var status string
	err := tx.QueryRow(`SELECT id, status FROM speakup_deadlines WHERE report_id = ? AND kind = ?`, reportID, kind).Scan(&id, &status)
	if isNoRows(err) || err == nil && status == speakup.DeadlineMet {
		return nil
	} else if err != nil {
		return err
	}
	if err := tx.Save("speakup.deadline_met", actor, "speakup_deadlines",
		`UPDATE speakup_deadlines SET status = 'met', met_at = ?, version = version + 1 WHERE id = ?`, micros(tx.Now()), id); err != nil {
		return err
	}
	return resolveSpeakUpFor(tx, actor, id, "Resolved: the deadline was met late")
}

// acknowledge moves a received report to looking, meets its
// acknowledgement clock and sets the feedback clock from now.
func (s *Store) acknowledge(tx *ledger.Tx, actor string, r *reportRow) error {
	now := tx.Now()
	if err := tx.Save("speakup.acknowledged", actor, "speakup_reports",
		`UPDATE speakup_reports SET status = 'looking', acknowledged_at = ?, version = version + 1 WHERE id = ? AND status = 'received'`,
		micros(now), r.ID); err != nil {
		if errors.Is(err, ledger.ErrNoRow) {
			return vigil.Errorf(vigil.ECONFLICT, "The report has already been acknowledged.")
		}
		return err
	}
	if err := meetDeadline(tx, actor, r.ID, speakup.DeadlineAcknowledge); err != nil {
		return err
	}
	// Feedback is due a period after acknowledgement (Directive 2019/1937
	// art. 9(1)(f)); an early acknowledgement brings it forward.
	pol, err := s.policy(tx, r.Channel)
	if err != nil {
		return err
	}
	due := pol.Feedback.After(s.cal, now)
	err = tx.Save("speakup.deadline_changed", actor, "speakup_deadlines",
		`UPDATE speakup_deadlines SET due_at = ?, version = version + 1 WHERE report_id = ? AND kind = ? AND status = 'open' AND due_at > ?`,
		micros(due), r.ID, speakup.DeadlineFeedback, micros(due))
	if errors.Is(err, ledger.ErrNoRow) {
		return nil
	}
	return err
}

// Acknowledge implements speakup.Service.
func (s *Store) Acknowledge(ctx context.Context, actor vigil.Actor, id vigil.ID) error {
	r, err := s.readable(ctx, reader{s, ctx}, actor, id, "acknowledge")
	if err != nil {
		return err
	}
	return s.write(ctx, func(tx *ledger.Tx) error { return s.acknowledge(tx, string(actor.ID), r) })
}

// Ask implements speakup.Service.
func (s *Store) Ask(ctx context.Context, actor vigil.Actor, id vigil.ID, text string) error {
	q := reader{s, ctx}
	r, err := s.readable(ctx, q, actor, id, "message")
	if err != nil {
		return err
	}
	text = strings.TrimSpace(text)
	if err := speakup.CheckMessage(text); err != nil {
		return err
	}
	to, err := s.readers(q, r)
	if err != nil {
		return err
	}
	b, _ := json.Marshal(speakup.MessageBody{Text: text})
	sealed, err := speakup.Seal(b, to)
	if err != nil {
		return internal("seal message", err)
	}
	who := string(actor.ID)
	return s.write(ctx, func(tx *ledger.Tx) error {
		var status speakup.Status
		if err := tx.QueryRow(`SELECT status FROM speakup_reports WHERE id = ?`, r.ID).Scan(&status); err != nil {
			return err
		}
		if err := addMessage(tx, r.ID, speakup.AuthorRecipient, actor.ID, sealed, nil); err != nil {
			return err
		}
		// A first message acknowledges the report; a later one is feedback.
		if status == speakup.StatusReceived {
			return s.acknowledge(tx, who, r)
		}
		return meetDeadline(tx, who, r.ID, speakup.DeadlineFeedback)
	})
}

// SetStatus implements speakup.Service.
func (s *Store) SetStatus(ctx context.Context, actor vigil.Actor, id vigil.ID, status speakup.Status) error {
	if status != speakup.StatusActed && status != speakup.StatusClosed {
		return vigil.Errorf(vigil.EINVALID, "Choose whether the report was acted on or is closed.")
	}
	r, err := s.readable(ctx, reader{s, ctx}, actor, id, "status")
	if err != nil {
		return err
	}
	who := string(actor.ID)
	return s.write(ctx, func(tx *ledger.Tx) error {
		var cur speakup.Status
		if err := tx.QueryRow(`SELECT status FROM speakup_reports WHERE id = ?`, r.ID).Scan(&cur); err != nil {
			return err
		}
		switch {
		case cur == speakup.StatusClosed:
			return vigil.Errorf(vigil.ECONFLICT, "The report is closed.")
		case cur == status:
			return vigil.Errorf(vigil.ECONFLICT, "The report is already %s.", strings.ToLower(status.Label()))
		case cur == speakup.StatusReceived:
			if err := s.acknowledge(tx, who, r); err != nil {
				return err
			}
		}
		var closed any
		if status == speakup.StatusClosed {
			closed = micros(tx.Now())
		}
		if err := tx.Save("speakup.status_changed", who, "speakup_reports",
			`UPDATE speakup_reports SET status = ?, closed_at = ?, version = version + 1 WHERE id = ?`, status, closed, r.ID); err != nil {
			return err
		}
		// Telling the reporter it was acted on, or closed, is feedback.
		return meetDeadline(tx, who, r.ID, speakup.DeadlineFeedback)
	})
}

// OpenCase implements speakup.Service.
func (s *Store) OpenCase(ctx context.Context, actor vigil.Actor, id vigil.ID, n vigil.NewConcern) (*vigil.Case, error) {
	r, err := s.readable(ctx, reader{s, ctx}, actor, id, "open_case")
	if err != nil {
		return nil, err
	}
	switch {
	case !r.Channel.AboutChild():
		return nil, vigil.Errorf(vigil.EINVALID, "Only a report about a child can become a case.")
	case r.CaseID != "":
		return nil, vigil.Errorf(vigil.ECONFLICT, "This report is already a case.")
	case r.Status == speakup.StatusClosed:
		return nil, vigil.Errorf(vigil.ECONFLICT, "The report is closed.")
	}
	// The concern comes from the public (or the young person themselves),
	// received now, when children's services receive it: the statutory
	// clocks start from the referral. The reporter's identity is not
	// copied: the case knows them only as the speak-up report.
	n.Source = vigil.SourcePublic
	if r.Channel == speakup.ChannelYoungPerson {
		n.Source = vigil.SourceYoungPerson
	}
	n.ReceivedAt, n.Reporter = time.Time{}, vigil.Reporter{}
	_, cs, err := s.RaiseConcern(ctx, vigil.PublicActor, n)
	if err != nil {
		return nil, err
	}
	who := string(actor.ID)
	err = s.write(ctx, func(tx *ledger.Tx) error {
		var cur speakup.Status
		if err := tx.QueryRow(`SELECT status FROM speakup_reports WHERE id = ?`, r.ID).Scan(&cur); err != nil {
			return err
		}
		if cur == speakup.StatusReceived {
			if err := s.acknowledge(tx, who, r); err != nil {
				return err
			}
		}
		if err := tx.Save("speakup.case_opened", who, "speakup_reports",
			`UPDATE speakup_reports SET case_id = ?, status = 'acted', version = version + 1 WHERE id = ? AND case_id IS NULL`, cs.ID, r.ID); err != nil {
			return err
		}
		if err := meetDeadline(tx, who, r.ID, speakup.DeadlineFeedback); err != nil {
			return err
		}
		return addEvent(tx, who, cs.ID, "speakup.linked", "Opened from a speak-up report. The person who reported it can still be asked questions, anonymously, through the report.")
	})
	if err != nil {
		return nil, fmt.Errorf("case %s was opened but could not be linked to the report: %w", cs.Ref, err)
	}
	return cs, nil
}

// --- identity ---

func (s *Store) disclosures(q querier, where string, args ...any) ([]*speakup.Disclosure, error) {
	rows, err := q.Query(`SELECT d.id, d.report_id, d.requested_by, u.name, d.reason, d.requested_at, d.status, d.decided_by, d.decided_at
		FROM speakup_disclosures d JOIN users u ON u.id = d.requested_by WHERE `+where, args...)
	if err != nil {
		return nil, internal("read identity requests", err)
	}
	defer rows.Close()
	var out []*speakup.Disclosure
	for rows.Next() {
		var d speakup.Disclosure
		var at int64
		var by sql.NullString
		var decided sql.NullInt64
		if err := rows.Scan(&d.ID, &d.ReportID, &d.RequestedBy, &d.Requester, &d.Reason, &at, &d.Status, &by, &decided); err != nil {
			return nil, internal("read identity requests", err)
		}
		d.RequestedAt, d.DecidedBy = fromMicros(at), vigil.ID(by.String)
		if decided.Valid {
			t := fromMicros(decided.Int64)
			d.DecidedAt = &t
		}
		out = append(out, &d)
	}
	return out, rows.Err()
}

// RequestIdentity implements speakup.Service.
func (s *Store) RequestIdentity(ctx context.Context, actor vigil.Actor, id vigil.ID, reason string) error {
	q := reader{s, ctx}
	r, err := s.readable(ctx, q, actor, id, "request_identity")
	if err != nil {
		return err
	}
	if !r.HasIdentity {
		return vigil.Errorf(vigil.ECONFLICT, "The reporter did not give their name.")
	}
	reason = strings.TrimSpace(reason)
	if err := vigil.CheckText("reason", "why you need to know who made the report", reason, speakup.MaxReasonLen, true); err != nil {
		return err
	}
	return s.write(ctx, func(tx *ledger.Tx) error {
		var n int
		if err := tx.QueryRow(`SELECT COUNT(*) FROM speakup_disclosures WHERE report_id = ? AND requested_by = ? AND status <> 'refused'`, r.ID, actor.ID).Scan(&n); err != nil {
			return err
		} else if n > 0 {
			return vigil.Errorf(vigil.ECONFLICT, "You have already asked to see who made this report.")
		}
		return tx.Save("speakup.identity_requested", string(actor.ID), "speakup_disclosures",
			`INSERT INTO speakup_disclosures (id, version, report_id, requested_by, reason, requested_at, status) VALUES (?, 1, ?, ?, ?, ?, 'requested')`,
			vigil.NewID(), r.ID, actor.ID, reason, micros(tx.Now()))
	})
}

// isCustodian reports whether the actor is an active custodian.
func (s *Store) isCustodian(q querier, actor vigil.Actor) (bool, error) {
	if actor.User == nil || actor.User.Status != vigil.UserActive {
		return false, nil
	}
	var n int
	if err := q.QueryRow(`SELECT COUNT(*) FROM speakup_recipients r WHERE r.user_id = ? AND r.custodian = 1 AND `+actingRecipient, actor.ID).Scan(&n); err != nil {
		return false, internal("check custodian", err)
	}
	return n > 0, nil
}

// Disclosures implements speakup.Service.
func (s *Store) Disclosures(ctx context.Context, actor vigil.Actor) ([]*speakup.Disclosure, error) {
	q := reader{s, ctx}
	if ok, err := s.isCustodian(q, actor); err != nil {
		return nil, err
	} else if !ok {
		return nil, nil
	}
	return s.disclosures(q, `d.status = 'requested' AND d.requested_by <> ? AND d.report_id IN (SELECT report_id FROM speakup_access WHERE user_id = ?)
		ORDER BY d.requested_at, d.id`, actor.ID, actor.ID)
}

// DecideIdentity implements speakup.Service.
func (s *Store) DecideIdentity(ctx context.Context, actor vigil.Actor, key *speakup.Keyring, disclosureID vigil.ID, approve bool) error {
	q := reader{s, ctx}
	if !disclosureID.Valid() {
		return notFound("The request")
	}
	ds, err := s.disclosures(q, `d.id = ?`, disclosureID)
	if err != nil {
		return err
	} else if len(ds) == 0 {
		return notFound("The request")
	}
	d := ds[0]
	custodian, err := s.isCustodian(q, actor)
	if err != nil {
		return err
	}
	r, err := s.readable(ctx, q, actor, d.ReportID, "decide_identity")
	if err != nil {
		return err
	}
	switch {
	case !custodian:
		return vigil.Errorf(vigil.EFORBIDDEN, "Only a custodian can decide who sees a reporter's name.")
	case d.RequestedBy == actor.ID:
		return vigil.Errorf(vigil.EFORBIDDEN, "Another custodian must decide your own request.")
	case d.Status != speakup.DisclosureRequested:
		return vigil.Errorf(vigil.ECONFLICT, "This request has already been decided.")
	}
	var grant []byte
	if approve {
		if err := keyFor(actor, key); err != nil {
			return err
		}
		// The identity is decrypted here, in memory, and sealed again for
		// the requester alone; the custodian's page never shows it.
		ct, err := s.blob(ctx, q, string(r.ID)+"/identity", r.identitySum, r.ID)
		if err != nil {
			return err
		}
		plain, err := key.Open(ct)
		if err != nil {
			return internal("open identity", err)
		}
		var public string
		if err := q.QueryRow(`SELECT public_key FROM speakup_recipients r WHERE r.user_id = ? AND `+actingRecipient, d.RequestedBy).Scan(&public); isNoRows(err) {
			return vigil.Errorf(vigil.ECONFLICT, "The person who asked cannot read reports at the moment: their speak-up key is locked or waits for approval. Decide once it is in use again.")
		} else if err != nil {
			return internal("read requester key", err)
		}
		if grant, err = speakup.Seal(plain, []string{public}); err != nil {
			return internal("seal identity", err)
		}
	}
	return s.write(ctx, func(tx *ledger.Tx) error {
		status, kind, sum := speakup.DisclosureRefused, "speakup.identity_refused", any(nil)
		if approve {
			status, kind, sum = speakup.DisclosureApproved, "speakup.identity_approved", speakup.Hash(grant)
			if err := putBlob(tx, string(d.ID), r.ID, grant); err != nil {
				return err
			}
		}
		err := tx.Save(kind, string(actor.ID), "speakup_disclosures",
			`UPDATE speakup_disclosures SET status = ?, decided_by = ?, decided_at = ?, grant_sha256 = ?, version = version + 1 WHERE id = ? AND status = 'requested'`,
			status, actor.ID, micros(tx.Now()), sum, d.ID)
		if errors.Is(err, ledger.ErrNoRow) {
			return vigil.Errorf(vigil.ECONFLICT, "This request has already been decided.")
		}
		return err
	})
}

// --- oversight ---

// Oversight implements speakup.Service.
func (s *Store) Oversight(ctx context.Context, actor vigil.Actor) ([]*speakup.OversightItem, error) {
	if !speakup.CanOversee(actor.User) {
		return nil, vigil.Errorf(vigil.EFORBIDDEN, "Only independent oversight sees the speak-up register.")
	}
	q := reader{s, ctx}
	names, err := s.agencyNameMap(ctx)
	if err != nil {
		return nil, err
	}
	rows, err := s.query(ctx, `SELECT `+reportColumns+` FROM speakup_reports r ORDER BY r.received_at DESC, r.id LIMIT 2000`)
	if err != nil {
		return nil, internal("list reports", err)
	}
	var out []*speakup.OversightItem
	for rows.Next() {
		r, err := scanReport(rows)
		if err != nil {
			rows.Close()
			return nil, internal("list reports", err)
		}
		out = append(out, &speakup.OversightItem{Report: r.Report})
	}
	rows.Close()
	for _, it := range out {
		if err := s.fill(q, &it.Report); err != nil {
			return nil, err
		}
		for _, a := range it.RoutedTo {
			it.RoutedNames = append(it.RoutedNames, names[a])
		}
		if it.Escalations, err = s.escalationsOf(q, it.ID); err != nil {
			return nil, err
		}
		atts, err := attachmentIDs(q, it.ID)
		if err != nil {
			return nil, err
		}
		h, err := s.history(q, it.ID, atts)
		if err != nil {
			return nil, err
		}
		it.Opened, it.LastOpened = openings(h)
	}
	// Erased reports stay on the register as tombstones, with what the
	// log says of them.
	ts, err := s.tombstones(q, 2000)
	if err != nil {
		return nil, err
	}
	for _, t := range ts {
		it := tombstoneItem(t, names)
		h, err := s.history(q, t.ReportID, t.Attachments)
		if err != nil {
			return nil, err
		}
		it.Opened, it.LastOpened = openings(h)
		out = append(out, it)
	}
	slices.SortStableFunc(out, func(a, b *speakup.OversightItem) int { return b.ReceivedAt.Compare(a.ReceivedAt) })
	if err := s.log.Append(ctx, "speakup.register_viewed", string(actor.ID), "users", string(actor.ID), map[string]int{"reports": len(out)}); err != nil {
		return nil, err
	}
	return out, nil
}
