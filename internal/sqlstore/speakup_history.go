package sqlstore

import (
	"context"
	"database/sql"
	"encoding/json"
	"strings"
	"time"

	"github.com/vigil-project/vigil"
	"github.com/vigil-project/vigil/internal/ledger"
	"github.com/vigil-project/vigil/internal/speakup"
)

// This file reads a report's history out of the log, for its recipients
// and for oversight, and keeps a tombstone of each report erased at the
// end of its retention. The log already records every opening, answer,
// refusal and erasure (entries hold kinds, times and actors, never
// content), so a recipient who ignores a report, or closes it and lets it
// expire, leaves evidence that stays readable after the report is gone.

// keepTombstone records what the register keeps of report id before it is
// erased: its channel, when it was received and closed, where it was
// routed, its attachments' ids, and the rule that erased it.
func keepTombstone(tx *ledger.Tx, id vigil.ID, rule string) error {
	var ch string
	var received int64
	var closed sql.NullInt64
	if err := tx.QueryRow(`SELECT channel, received_at, closed_at FROM speakup_reports WHERE id = ?`, id).Scan(&ch, &received, &closed); err != nil {
		return err
	}
	list := func(q string) (string, error) {
		ids, err := idsOf(tx, q, id)
		if err != nil {
			return "", err
		}
		if ids == nil {
			ids = []vigil.ID{}
		}
		b, err := json.Marshal(ids)
		return string(b), err
	}
	routed, err := list(`SELECT DISTINCT agency_id FROM speakup_access WHERE report_id = ? ORDER BY agency_id`)
	if err != nil {
		return err
	}
	atts, err := list(`SELECT id FROM speakup_attachments WHERE report_id = ? ORDER BY id`)
	if err != nil {
		return err
	}
	var closedAt any
	if closed.Valid {
		closedAt = closed.Int64
	}
	return tx.Save("speakup.tombstone_kept", string(vigil.ActorSystem), "speakup_tombstones",
		`INSERT INTO speakup_tombstones (id, version, channel, received_at, closed_at, routed_to, attachments, erased_at, rule)
		 VALUES (?, 1, ?, ?, ?, ?, ?, ?, ?)`, id, ch, received, closedAt, routed, atts, micros(tx.Now()), rule)
}

const tombstoneColumns = `id, channel, received_at, closed_at, routed_to, attachments, erased_at, rule`

func scanTombstone(sc scanner) (*speakup.Tombstone, error) {
	var t speakup.Tombstone
	var received, erased int64
	var closed sql.NullInt64
	var routed, atts string
	if err := sc.Scan(&t.ReportID, &t.Channel, &received, &closed, &routed, &atts, &erased, &t.Rule); err != nil {
		return nil, err
	}
	t.ReceivedAt, t.ErasedAt = fromMicros(received), fromMicros(erased)
	if closed.Valid {
		c := fromMicros(closed.Int64)
		t.ClosedAt = &c
	}
	if err := json.Unmarshal([]byte(routed), &t.RoutedTo); err != nil {
		return nil, err
	}
	if err := json.Unmarshal([]byte(atts), &t.Attachments); err != nil {
		return nil, err
	}
	return &t, nil
}

// history returns the log's entries about a report (and its attachments
// and tombstone), oldest first, with the names of the people who acted.
// It reads the log itself, not the report's rows, so it holds after the
// report is erased.
func (s *Store) history(q querier, reportID vigil.ID, attachments []vigil.ID) ([]*speakup.Access, error) {
	ids := append([]vigil.ID{reportID}, attachments...)
	args := make([]any, len(ids))
	for i, id := range ids {
		args[i] = id
	}
	rows, err := q.Query(`SELECT idx, data FROM log_entries WHERE object_id IN (?`+strings.Repeat(", ?", len(ids)-1)+`) ORDER BY idx`, args...)
	if err != nil {
		return nil, internal("read report history", err)
	}
	var out []*speakup.Access
	for rows.Next() {
		var idx int64
		var data []byte
		if err := rows.Scan(&idx, &data); err != nil {
			rows.Close()
			return nil, internal("read report history", err)
		}
		e, err := ledger.ParseEntry(data)
		if err != nil {
			rows.Close()
			return nil, internal("read report history", err)
		}
		switch e.Type {
		case "speakup_reports", "speakup_attachments", "speakup_tombstones":
		default:
			continue
		}
		at, _ := time.Parse(ledger.TimeFormat, e.Time)
		out = append(out, &speakup.Access{Index: idx, At: at, Kind: e.Kind, ActorID: vigil.ID(e.Actor)})
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return nil, internal("read report history", err)
	}
	names := map[vigil.ID]string{vigil.ActorPublic: "Anonymous (the reporter, or someone with a receipt)", vigil.ActorSystem: "Vigil"}
	for _, a := range out {
		name, ok := names[a.ActorID]
		if !ok {
			if err := q.QueryRow(`SELECT name FROM users WHERE id = ?`, a.ActorID).Scan(&name); isNoRows(err) {
				name = string(a.ActorID)
			} else if err != nil {
				return nil, internal("read report history", err)
			}
			names[a.ActorID] = name
		}
		a.Actor = name
	}
	return out, nil
}

// attachmentIDs returns the ids of a report's attachments.
func attachmentIDs(q querier, reportID vigil.ID) ([]vigil.ID, error) {
	rows, err := q.Query(`SELECT id FROM speakup_attachments WHERE report_id = ? ORDER BY id`, reportID)
	if err != nil {
		return nil, internal("read report history", err)
	}
	return scanIDs(rows)
}

// openings counts the recipients' openings in h and returns the last.
func openings(h []*speakup.Access) (int, *speakup.Access) {
	n := 0
	var last *speakup.Access
	for _, a := range h {
		if a.Opening() {
			n++
			last = a
		}
	}
	return n, last
}

// tombstones returns the register's erased reports, newest first.
func (s *Store) tombstones(q querier, limit int) ([]*speakup.Tombstone, error) {
	rows, err := q.Query(`SELECT `+tombstoneColumns+` FROM speakup_tombstones ORDER BY received_at DESC, id LIMIT ?`, limit)
	if err != nil {
		return nil, internal("list erased reports", err)
	}
	defer rows.Close()
	var out []*speakup.Tombstone
	for rows.Next() {
		t, err := scanTombstone(rows)
		if err != nil {
			return nil, internal("list erased reports", err)
		}
		out = append(out, t)
	}
	return out, rows.Err()
}

// tombstoneItem is an erased report as the register shows it.
func tombstoneItem(t *speakup.Tombstone, names map[vigil.ID]string) *speakup.OversightItem {
	it := &speakup.OversightItem{Erased: t, Report: speakup.Report{ID: t.ReportID, Channel: t.Channel, Status: speakup.StatusClosed,
		ReceivedAt: t.ReceivedAt, ClosedAt: t.ClosedAt, RoutedTo: t.RoutedTo}}
	for _, a := range t.RoutedTo {
		it.RoutedNames = append(it.RoutedNames, names[a])
	}
	return it
}

// OversightHistory implements speakup.Service.
func (s *Store) OversightHistory(ctx context.Context, actor vigil.Actor, id vigil.ID) (*speakup.OversightItem, error) {
	if !speakup.CanOversee(actor.User) {
		return nil, vigil.Errorf(vigil.EFORBIDDEN, "Only independent oversight sees the speak-up register.")
	}
	if !id.Valid() {
		return nil, notFound("The report")
	}
	q := reader{s, ctx}
	names, err := s.agencyNameMap(ctx)
	if err != nil {
		return nil, err
	}
	var it *speakup.OversightItem
	var atts []vigil.ID
	r, err := s.report(q, id)
	switch vigil.ErrorCode(err) {
	case "":
		it = &speakup.OversightItem{Report: r.Report}
		if err := s.fill(q, &it.Report); err != nil {
			return nil, err
		}
		for _, a := range it.RoutedTo {
			it.RoutedNames = append(it.RoutedNames, names[a])
		}
		if it.Escalations, err = s.escalationsOf(q, id); err != nil {
			return nil, err
		}
		if atts, err = attachmentIDs(q, id); err != nil {
			return nil, err
		}
	case vigil.ENOTFOUND:
		t, err := scanTombstone(q.QueryRow(`SELECT `+tombstoneColumns+` FROM speakup_tombstones WHERE id = ?`, id))
		if isNoRows(err) {
			return nil, notFound("The report")
		} else if err != nil {
			return nil, internal("read erased report", err)
		}
		it, atts = tombstoneItem(t, names), t.Attachments
	default:
		return nil, err
	}
	// Reading the history is itself in the log, before it is shown.
	if err := s.log.Append(ctx, "speakup.history_viewed", string(actor.ID), "speakup_reports", string(id), map[string]string{}); err != nil {
		return nil, err
	}
	if it.History, err = s.history(q, id, atts); err != nil {
		return nil, err
	}
	it.Opened, it.LastOpened = openings(it.History)
	return it, nil
}

// agencyNameMap returns every agency's name by id.
func (s *Store) agencyNameMap(ctx context.Context) (map[vigil.ID]string, error) {
	agencies, err := s.Agencies(ctx)
	if err != nil {
		return nil, err
	}
	names := map[vigil.ID]string{}
	for _, a := range agencies {
		names[a.ID] = a.Name
	}
	return names, nil
}
