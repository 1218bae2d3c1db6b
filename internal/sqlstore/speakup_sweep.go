package sqlstore

import (
	"context"
	"database/sql"
	"encoding/hex"
	"fmt"
	"log/slog"
	"time"

	"github.com/vigil-project/vigil"
	"github.com/vigil-project/vigil/internal/ledger"
	"github.com/vigil-project/vigil/internal/speakup"
	"github.com/vigil-project/vigil/internal/sqldb"
)

// SweepSpeakUp marks every speak-up deadline missed at now and escalates
// it up speakup.Ladder (it shows, overdue, on the speak-up register and in
// every recipient's inbox, and the miss and each climb are in the log),
// climbs escalations not answered in time, and deletes closed reports
// whose channel's retention has ended. It is idempotent.
func (s *Store) SweepSpeakUp(ctx context.Context, now time.Time) (speakup.SweepResult, error) {
	var res speakup.SweepResult
	for {
		n, err := s.sweepSpeakUpMissed(ctx, now)
		res.Missed += n
		if err != nil {
			return res, err
		}
		if n < sweepBatch {
			break
		}
	}
	for {
		n, err := s.climbSpeakUp(ctx, now)
		res.Climbed += n
		if err != nil {
			return res, err
		}
		if n < sweepBatch {
			break
		}
	}
	n, err := s.expireSpeakUp(ctx, now)
	res.Expired = n
	if n > 0 {
		s.logger.Info("speak-up reports deleted at the end of retention", slog.Int("reports", n))
	}
	return res, err
}

func (s *Store) sweepSpeakUpMissed(ctx context.Context, now time.Time) (int, error) {
	n := 0
	err := s.write(ctx, func(tx *ledger.Tx) error {
		n = 0
		rows, err := tx.Query(fmt.Sprintf(`SELECT id, report_id, kind, due_at FROM speakup_deadlines WHERE status = 'open' AND due_at < ? ORDER BY due_at, id LIMIT %d`, sweepBatch), micros(now))
		if err != nil {
			return err
		}
		type missed struct {
			id, report vigil.ID
			kind       string
			due        int64
		}
		var list []missed
		for rows.Next() {
			var m missed
			if err := rows.Scan(&m.id, &m.report, &m.kind, &m.due); err != nil {
				rows.Close()
				return err
			}
			list = append(list, m)
		}
		rows.Close()
		for _, m := range list {
			if err := tx.Save("speakup.deadline_missed", string(vigil.ActorSystem), "speakup_deadlines",
				`UPDATE speakup_deadlines SET status = 'missed', missed_at = ?, version = version + 1 WHERE id = ? AND status = 'open'`,
				micros(now), m.id); err != nil {
				return err
			}
			reason := fmt.Sprintf("Deadline missed: %s was due by %s", speakup.DeadlineLabel(m.kind), when(fromMicros(m.due)))
			if err := s.raiseSpeakUp(tx, m.report, m.id, reason, now); err != nil {
				return err
			}
			n++
		}
		return nil
	})
	return n, err
}

// expireSpeakUp deletes closed reports past their retention, one
// transaction each.
func (s *Store) expireSpeakUp(ctx context.Context, now time.Time) (int, error) {
	pols, err := s.SpeakUpPolicies(ctx)
	if err != nil {
		return 0, err
	}
	rows, err := s.query(ctx, `SELECT id, channel, closed_at FROM speakup_reports WHERE status = 'closed' AND closed_at IS NOT NULL ORDER BY closed_at LIMIT 1000`)
	if err != nil {
		return 0, internal("expire reports", err)
	}
	type expired struct {
		id   vigil.ID
		rule string
	}
	var due []expired
	for rows.Next() {
		var id vigil.ID
		var ch speakup.Channel
		var closed int64
		if err := rows.Scan(&id, &ch, &closed); err != nil {
			rows.Close()
			return 0, internal("expire reports", err)
		}
		if pol := pols[ch]; !pol.Retain.After(s.cal, fromMicros(closed)).After(now) {
			due = append(due, expired{id, fmt.Sprintf("Retention: closed reports of the channel %q are kept %s after closing", ch.Label(), pol.Retain)})
		}
	}
	rows.Close()
	for i, d := range due {
		if err := s.write(ctx, func(tx *ledger.Tx) error { return eraseReport(tx, d.id, d.rule) }); err != nil {
			return i, err
		}
	}
	return len(due), nil
}

// eraseReport deletes a report and everything of it but its tombstone
// (see keepTombstone), under the retention rule given. Ciphertexts, the
// receipt verifier and the sealed reporter key are in untracked tables and
// go without trace; each tracked row's deletion is logged with its last
// state, which holds no content. On SQLite, secure_delete makes the freed
// pages zeros rather than leaving them readable in the file; the
// write-ahead log keeps old page images until its next checkpoint, and
// backups keep whatever they copied, which is ciphertext. On PostgreSQL
// deleted rows stay on disk until VACUUM reuses their space.
func eraseReport(tx *ledger.Tx, id vigil.ID, rule string) error {
	if tx.Engine() == sqldb.SQLite {
		if _, err := tx.Exec(`PRAGMA secure_delete = ON`); err != nil {
			return err
		}
	}
	if err := keepTombstone(tx, id, rule); err != nil {
		return err
	}
	counts := map[string]int64{}
	for _, q := range []struct{ name, sql string }{
		{"blobs", `DELETE FROM speakup_blobs WHERE report_id = ?`},
		{"receipts", `DELETE FROM speakup_receipts WHERE report_id = ?`},
	} {
		res, err := tx.Exec(q.sql, id)
		if err != nil {
			return err
		}
		counts[q.name], _ = res.RowsAffected()
	}
	for _, table := range []string{"speakup_attachments", "speakup_messages", "speakup_disclosures", "speakup_escalations", "speakup_deadlines", "speakup_access"} {
		rows, err := tx.Query(`SELECT id FROM `+table+` WHERE report_id = ?`, id)
		if err != nil {
			return err
		}
		var ids []string
		for rows.Next() {
			var x string
			if err := rows.Scan(&x); err != nil {
				rows.Close()
				return err
			}
			ids = append(ids, x)
		}
		rows.Close()
		for _, x := range ids {
			if err := deleteTracked(tx, table, x); err != nil {
				return err
			}
		}
		counts[table] = int64(len(ids))
	}
	if err := deleteTracked(tx, "speakup_reports", string(id)); err != nil {
		return err
	}
	return tx.Event("speakup.retention_ended", string(vigil.ActorSystem), "speakup_reports", string(id), counts)
}

// deleteTracked deletes a tracked row with a log entry. `vigil verify`
// takes a deletion as the object's next version (its entry's version is
// one more than the last), while ledger.Tx.Delete records the row as it
// stands, so the version is raised first, in the same transaction.
func deleteTracked(tx *ledger.Tx, table, id string) error {
	if _, err := tx.Exec(`UPDATE `+table+` SET version = version + 1 WHERE id = ?`, id); err != nil {
		return err
	}
	return tx.Delete("speakup.erased", string(vigil.ActorSystem), table, id)
}

// CheckSpeakUp is Store.CheckSpeakUp for `vigil verify --db`, which holds
// the database but not the log's signing key, so cannot open a Store: the
// check only reads.
func CheckSpeakUp(ctx context.Context, db *sqldb.DB) ([]string, error) {
	return (&Store{db: db}).CheckSpeakUp(ctx)
}

// CheckSpeakUp compares every speak-up ciphertext, receipt verifier and
// wrapped key with the hash its tracked row commits to (and so the log),
// and names each that differs or is missing: `vigil verify --db` checks
// the tracked rows themselves; this checks what they bind.
func (s *Store) CheckSpeakUp(ctx context.Context) ([]string, error) {
	var problems []string
	type bound struct{ blob, sum, what string }
	var want []bound
	add := func(q string, f func(sc scanner) (bound, bool, error)) error {
		rows, err := s.query(ctx, q)
		if err != nil {
			return err
		}
		defer rows.Close()
		for rows.Next() {
			b, ok, err := f(rows)
			if err != nil {
				return err
			}
			if ok {
				want = append(want, b)
			}
		}
		return rows.Err()
	}
	steps := []struct {
		q string
		f func(sc scanner) (bound, bool, error)
	}{
		{`SELECT id, content_sha256, identity_sha256 FROM speakup_reports`, func(sc scanner) (bound, bool, error) {
			var id, c string
			var i sql.NullString
			if err := sc.Scan(&id, &c, &i); err != nil {
				return bound{}, false, err
			}
			if i.Valid {
				want = append(want, bound{id + "/identity", i.String, "speakup_reports/" + id + " identity"})
			}
			return bound{id + "/content", c, "speakup_reports/" + id + " content"}, true, nil
		}},
		{`SELECT id, blob_sha256 FROM speakup_messages`, func(sc scanner) (bound, bool, error) {
			var id, c string
			err := sc.Scan(&id, &c)
			return bound{id, c, "speakup_messages/" + id}, err == nil, err
		}},
		{`SELECT id, original_sha256, copy_sha256 FROM speakup_attachments`, func(sc scanner) (bound, bool, error) {
			var id, o, c string
			if err := sc.Scan(&id, &o, &c); err != nil {
				return bound{}, false, err
			}
			want = append(want, bound{id + "/original", o, "speakup_attachments/" + id + " original"})
			return bound{id + "/copy", c, "speakup_attachments/" + id + " copy"}, true, nil
		}},
		{`SELECT id, grant_sha256 FROM speakup_disclosures WHERE grant_sha256 IS NOT NULL`, func(sc scanner) (bound, bool, error) {
			var id, c string
			err := sc.Scan(&id, &c)
			return bound{id, c, "speakup_disclosures/" + id}, err == nil, err
		}},
	}
	for _, st := range steps {
		if err := add(st.q, st.f); err != nil {
			return nil, internal("check speak-up", err)
		}
	}
	for _, b := range want {
		var data []byte
		err := s.queryRow(ctx, `SELECT data FROM speakup_blobs WHERE id = ?`, b.blob).Scan(&data)
		switch {
		case isNoRows(err):
			problems = append(problems, b.what+": the ciphertext is missing")
		case err != nil:
			return nil, internal("check speak-up", err)
		case speakup.Hash(data) != b.sum:
			problems = append(problems, b.what+": the ciphertext differs from the hash in the log")
		}
	}
	rows, err := s.query(ctx, `SELECT r.id, r.receipt_sha256, c.lookup, c.salt, c.params, c.hash, c.sealed_key FROM speakup_reports r
		LEFT JOIN speakup_receipts c ON c.report_id = r.id`)
	if err != nil {
		return nil, internal("check speak-up", err)
	}
	for rows.Next() {
		var id, sum string
		var lookup sql.NullInt64
		var params sql.NullString
		var v speakup.Verifier
		if err := rows.Scan(&id, &sum, &lookup, &v.Salt, &params, &v.Hash, &v.SealedKey); err != nil {
			rows.Close()
			return nil, internal("check speak-up", err)
		}
		if !lookup.Valid {
			problems = append(problems, "speakup_reports/"+id+": the receipt verifier is missing")
			continue
		}
		v.Lookup = lookup.Int64
		v.Params, _ = speakup.ParseParams(params.String)
		if hex.EncodeToString(v.Binding()) != sum {
			problems = append(problems, "speakup_reports/"+id+": the receipt verifier differs from the hash in the log")
		}
	}
	rows.Close()
	rows, err = s.query(ctx, `SELECT r.id, r.key_sha256, k.wrapped FROM speakup_recipients r LEFT JOIN speakup_recipient_keys k ON k.recipient_id = r.id`)
	if err != nil {
		return nil, internal("check speak-up", err)
	}
	defer rows.Close()
	for rows.Next() {
		var id, sum string
		var wrapped []byte
		if err := rows.Scan(&id, &sum, &wrapped); err != nil {
			return nil, internal("check speak-up", err)
		}
		if wrapped == nil || speakup.Hash(wrapped) != sum {
			problems = append(problems, "speakup_recipients/"+id+": the wrapped key is missing or differs from the hash in the log")
		}
	}
	return problems, rows.Err()
}
