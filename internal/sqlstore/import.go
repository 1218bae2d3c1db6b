package sqlstore

import (
	"context"
	"crypto/rand"
	"encoding/json"
	"errors"
	"fmt"
	"strings"
	"sync"
	"time"

	"github.com/vigil-project/vigil"
	"github.com/vigil-project/vigil/internal/ledger"
	"golang.org/x/crypto/argon2"
)

// This file imports history: the staff and the concerns of the system
// Vigil replaces (or the demo's synthetic years). Every row goes through
// the ledger like any other, with a log entry of its own whose kind says
// it was imported, so `vigil verify` checks an imported database as it
// checks any other; the rows carry their historical dates, the log entries
// the time of the import.

// importChunk is how many concerns one write holds. Chunks of an Import
// are submitted together, so the sequencer commits several in one
// transaction (group commit); a chunk bounds what one failure rolls back.
const importChunk = 250

// ImportUsers records staff from the system Vigil replaces, in the order
// given (a manager must come before those they manage). Only the system
// may call it. A user without a password gets one that can never be used
// (see unusableHash): an administrator sets one when the person needs to
// sign in. Returns EINVALID, ECONFLICT for a username taken, EFORBIDDEN.
func (s *Store) ImportUsers(ctx context.Context, actor vigil.Actor, users []vigil.ImportedUser) error {
	if actor.ID != vigil.ActorSystem {
		return forbidden("Only the system can import people.")
	}
	seen := map[string]bool{}
	for i := range users {
		u := &users[i]
		u.Username = strings.ToLower(strings.TrimSpace(u.Username))
		u.Name = strings.TrimSpace(u.Name)
		if err := u.Validate(); err != nil {
			return importErr(i, u.Username, err)
		}
		if seen[u.Username] {
			return importErr(i, u.Username, vigil.Errorf(vigil.ECONFLICT, "The username %s appears twice", u.Username))
		}
		seen[u.Username] = true
	}
	hashes := make([]string, len(users))
	for i, u := range users {
		if u.Password != "" {
			hashes[i] = hashPassword(u.Password) // slow, and rare: demo accounts
		} else {
			hashes[i] = unusableHash()
		}
	}
	for lo := 0; lo < len(users); lo += 500 {
		hi := min(lo+500, len(users))
		err := s.write(ctx, func(tx *ledger.Tx) error {
			now := tx.Now()
			teams := map[vigil.ID]vigil.ID{}
			for i := lo; i < hi; i++ {
				u := users[i]
				var taken int
				if err := tx.QueryRow(`SELECT COUNT(*) FROM users WHERE username = ?`, u.Username).Scan(&taken); err != nil {
					return err
				} else if taken > 0 {
					return importErr(i, u.Username, vigil.Errorf(vigil.ECONFLICT, "The username %s is taken", u.Username))
				}
				if u.TeamID != "" {
					agency, ok := teams[u.TeamID]
					if !ok {
						if err := tx.QueryRow(`SELECT agency_id FROM teams WHERE id = ?`, u.TeamID).Scan(&agency); err != nil && !isNoRows(err) {
							return err
						}
						teams[u.TeamID] = agency
					}
					if agency != u.AgencyID {
						return importErr(i, u.Username, vigil.Errorf(vigil.EINVALID, "The team must belong to the person's agency"))
					}
				}
				if u.ManagerID != "" {
					var n int
					if err := tx.QueryRow(`SELECT COUNT(*) FROM users WHERE id = ?`, u.ManagerID).Scan(&n); err != nil {
						return err
					} else if n == 0 {
						return importErr(i, u.Username, vigil.Errorf(vigil.EINVALID, "The manager must be imported before the people they manage"))
					}
				}
				mac, err := s.passwordMAC(u.ID, hashes[i])
				if err != nil {
					return err
				}
				if err := tx.Save("user.imported", string(actor.ID), "users",
					`INSERT INTO users (id, version, username, name, role, agency_id, team_id, manager_id, status, password_hash, password_mac, created_at)
					 VALUES (?, 1, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
					u.ID, u.Username, u.Name, u.Role, u.AgencyID, null(u.TeamID), null(u.ManagerID), u.Status, hashes[i], mac, micros(now)); err != nil {
					return err
				}
			}
			return nil
		})
		if err != nil {
			return err
		}
	}
	return nil
}

// unusableHash returns a password hash that no password matches: a
// well-formed argon2id hash whose key is random rather than derived from
// any password. Signing in against it costs the same as against a real
// hash, so the time taken does not tell an attacker which accounts have
// no password; matching it would mean finding an Argon2id preimage of 256
// random bits.
func unusableHash() string {
	salt, key := make([]byte, 16), make([]byte, argonKeyLen)
	rand.Read(salt)
	rand.Read(key)
	return fmt.Sprintf("$argon2id$v=%d$m=%d,t=%d,p=%d$%s$%s", argon2.Version, argonMemory, argonTime, argonThreads,
		b64.EncodeToString(salt), b64.EncodeToString(key))
}

// importErr names the record of a batch an error is about.
func importErr(i int, ref string, err error) error {
	var e *vigil.Error
	if !errors.As(err, &e) {
		return err
	}
	prefix := fmt.Sprintf("Record %d", i+1)
	if ref != "" {
		prefix += " (" + ref + ")"
	}
	out := &vigil.Error{Code: e.Code, Message: prefix + ": " + e.Message}
	for _, f := range e.Fields {
		out.Fields = append(out.Fields, vigil.FieldError{Field: fmt.Sprintf("batch[%d].%s", i, f.Field), Message: f.Message})
	}
	return out
}

// importPerson is what the import needs to know of a user it names.
type importPerson struct {
	name, role, status string
	agency, team       vigil.ID
}

// importRow is one imported concern, made ready to write.
type importRow struct {
	in      *vigil.ImportedConcern
	hist    *vigil.CaseHistory
	cs      *vigil.Case
	concern *vigil.Concern
	events  []*vigil.CaseEvent
}

// Import records concerns of the past with what was done about them (see
// vigil.ImportedConcern and Rules.Replay), each opening a case of its own,
// and returns the cases in the order of batch. Only the system may call
// it. The whole batch is checked before anything is written, so an
// invalid record writes nothing; the batch is then written in chunks, and
// should the store fail part way, the chunks before the failure stay
// written. Returns EINVALID naming the record at fault, EFORBIDDEN,
// EUNAVAILABLE.
func (s *Store) Import(ctx context.Context, actor vigil.Actor, batch []vigil.ImportedConcern) ([]*vigil.Case, error) {
	if actor.ID != vigil.ActorSystem {
		return nil, forbidden("Only the system can import records.")
	}
	now := vigil.Now()
	rows := make([]importRow, len(batch))
	ids := map[vigil.ID]bool{}
	needDuty := false
	for i := range batch {
		n := &batch[i]
		if err := n.Validate(now); err != nil {
			return nil, importErr(i, n.SourceRef, err)
		}
		h, err := s.rules.Replay(s.cal, n)
		if err != nil {
			return nil, importErr(i, n.SourceRef, err)
		}
		rows[i] = importRow{in: n, hist: h}
		ids[n.RaisedBy], ids[n.OwnerID] = true, true
		for _, d := range n.Decisions {
			ids[d.By] = true
		}
		for _, sc := range n.Screenings {
			ids[sc.By] = true
		}
		needDuty = needDuty || n.OwnerID == ""
	}
	delete(ids, "")
	people := map[vigil.ID]*importPerson{}
	if err := s.importPeople(ctx, ids, people); err != nil {
		return nil, err
	}
	var duty vigil.ID
	if needDuty {
		err := s.queryRow(ctx, `SELECT t.duty_manager_id FROM teams t JOIN users u ON u.id = t.duty_manager_id
			WHERE t.intake = 1 AND u.status = 'active' ORDER BY t.created_at, t.id LIMIT 1`).Scan(&duty)
		if isNoRows(err) {
			return nil, vigil.Errorf(vigil.EUNAVAILABLE, "No intake team with an active duty manager is set up to own imported cases")
		} else if err != nil {
			return nil, internal("import", err)
		}
		if err := s.importPeople(ctx, map[vigil.ID]bool{duty: true}, people); err != nil {
			return nil, err
		}
	}
	out := make([]*vigil.Case, len(batch))
	for i := range rows {
		if err := s.prepareImport(&rows[i], people, duty, now); err != nil {
			return nil, importErr(i, batch[i].SourceRef, err)
		}
		out[i] = rows[i].cs
	}
	// The chunks go to the sequencer together, so that it commits as many
	// as it holds in one transaction.
	var wg sync.WaitGroup
	errs := make([]error, (len(rows)+importChunk-1)/importChunk)
	for c := range errs {
		chunk := rows[c*importChunk : min((c+1)*importChunk, len(rows))]
		wg.Go(func() {
			errs[c] = s.write(ctx, func(tx *ledger.Tx) error {
				for i := range chunk {
					if err := s.writeImport(tx, string(actor.ID), &chunk[i]); err != nil {
						return err
					}
				}
				return nil
			})
		})
	}
	wg.Wait()
	for _, err := range errs {
		if err != nil {
			return nil, err
		}
	}
	return out, nil
}

// importPeople reads the users with the given ids into people; an id that
// is not a user is left out.
func (s *Store) importPeople(ctx context.Context, ids map[vigil.ID]bool, people map[vigil.ID]*importPerson) error {
	list := make([]any, 0, len(ids))
	for id := range ids {
		list = append(list, string(id))
	}
	for len(list) > 0 {
		n := min(len(list), 500)
		rows, err := s.query(ctx, `SELECT id, name, role, status, agency_id, team_id FROM users WHERE id IN (?`+
			strings.Repeat(", ?", n-1)+`)`, list[:n]...)
		if err != nil {
			return internal("import", err)
		}
		for rows.Next() {
			var id vigil.ID
			var p importPerson
			var team *string
			if err := rows.Scan(&id, &p.name, &p.role, &p.status, &p.agency, &team); err != nil {
				rows.Close()
				return internal("import", err)
			}
			if team != nil {
				p.team = vigil.ID(*team)
			}
			people[id] = &p
		}
		rows.Close()
		if err := rows.Err(); err != nil {
			return internal("import", err)
		}
		list = list[n:]
	}
	return nil
}

// prepareImport builds the rows of one imported concern, outside any
// transaction: everything but the writing.
func (s *Store) prepareImport(r *importRow, people map[vigil.ID]*importPerson, duty vigil.ID, now time.Time) error {
	n, h := r.in, r.hist
	named := []vigil.ID{n.RaisedBy, n.OwnerID}
	for _, d := range n.Decisions {
		named = append(named, d.By)
	}
	for _, sc := range n.Screenings {
		named = append(named, sc.By)
	}
	for _, id := range named {
		if id != "" && people[id] == nil {
			return vigil.Errorf(vigil.EINVALID, "It names a person (%s) who is not a user; import the staff first", id)
		}
	}
	ownerID := n.OwnerID
	if ownerID == "" {
		ownerID = duty
	}
	owner := people[ownerID]
	switch {
	case owner.team == "":
		return vigil.Errorf(vigil.EINVALID, "The case's owner must belong to a team")
	case !h.Closed && (owner.status != string(vigil.UserActive) ||
		!vigil.CanHoldCases(&vigil.User{ID: ownerID, Role: vigil.Role(owner.role), AgencyID: owner.agency, Status: vigil.UserActive})):
		return vigil.Errorf(vigil.EINVALID, "An open case needs an owner who is active and may hold cases")
	}
	if n.RaisedBy != "" && n.Source != vigil.SourceProfessional {
		return vigil.Errorf(vigil.EINVALID, "Only a professional's concern names who raised it")
	}
	cs := &vigil.Case{ID: vigil.NewID(), Ref: vigil.NewReference("CASE"), Status: vigil.CaseOpen, Stage: h.Stage, StageBefore: h.StageBefore,
		LookedAfter: h.LookedAfter, Child: n.Child, AgencyID: owner.agency, TeamID: owner.team, OwnerID: ownerID,
		ReceivedAt: n.ReceivedAt, OpenedAt: n.ReceivedAt, Version: 1}
	if h.Closed {
		cs.Status = vigil.CaseClosed
	}
	if cs.Child.Name == "" {
		cs.Child.Name = "Name not known"
	}
	c := &vigil.Concern{ID: vigil.NewID(), Ref: vigil.NewReference("VC"), Source: n.Source, RaisedBy: n.RaisedBy, ReceivedAt: n.ReceivedAt,
		Child: n.Child, WhatHappened: n.WhatHappened, OthersInvolved: n.OthersInvolved, Reporter: n.Reporter, CaseID: cs.ID}
	if p := people[n.RaisedBy]; p != nil {
		c.AgencyID = p.agency
	}
	r.cs, r.concern = cs, c

	// The chronology, in time order.
	from := sourceLabel(n.Source)
	if p := people[n.RaisedBy]; p != nil {
		from = p.name
	}
	received := fmt.Sprintf("Concern %s received from %s (imported", c.Ref, from)
	if n.SourceRef != "" {
		received += "; source reference " + n.SourceRef
	}
	ev := func(at time.Time, actor vigil.ID, kind, summary string) {
		r.events = append(r.events, &vigil.CaseEvent{ID: vigil.NewID(), CaseID: cs.ID, At: at, ActorID: actor, Kind: kind, Summary: summary})
	}
	ev(n.ReceivedAt, vigil.ActorSystem, vigil.EventConcernReceived, received+")")
	for i, d := range h.Decisions {
		summary := fmt.Sprintf("Decision: %s. Reason: %s", d.Label, d.Reason)
		if d.ToStage != d.FromStage {
			summary += fmt.Sprintf(" (stage: %s)", vigil.StageLabels[d.ToStage])
		}
		if d.LateReason != "" {
			summary += ". Why it was late: " + d.LateReason
		}
		d.CaseID = cs.ID
		ev(d.At, n.Decisions[i].By, "decision."+d.Kind, summary)
	}
	for _, m := range h.Missing {
		m.CaseID, m.RecordedBy = cs.ID, vigil.ActorSystem
		ev(m.MissingFrom, vigil.ActorSystem, "missing.recorded", "Missing from "+when(m.MissingFrom)+": "+m.Details)
		if m.ReturnedAt != nil {
			ev(*m.ReturnedAt, vigil.ActorSystem, "missing.returned", "Returned "+when(*m.ReturnedAt))
		}
	}
	for _, sc := range h.Screenings {
		sc.CaseID = cs.ID
		ev(sc.At, sc.By, "screening.recorded", fmt.Sprintf("CSE screening: %s risk (%d indicators)", sc.Level, len(sc.Scores)))
	}
	for _, nt := range n.Notes {
		ev(nt.At, vigil.ActorSystem, "note.imported", nt.Text)
	}
	// Stable, so that what happened at one moment keeps its order.
	sortEvents(r.events)
	if !h.Closed {
		ev(now, vigil.ActorSystem, vigil.EventCaseAssigned, fmt.Sprintf("Case imported open and owned by %s", owner.name))
	}
	for _, d := range h.Deadlines {
		d.CaseID = cs.ID
	}
	for i := range n.Mentions {
		m := &n.Mentions[i]
		m.ID, m.ConcernID, m.CaseID, m.RecordedBy = vigil.NewID(), c.ID, cs.ID, vigil.ActorSystem
		setMentionKeys(m)
	}
	return nil
}

func sortEvents(es []*vigil.CaseEvent) {
	// Insertion sort: a handful of events, mostly in order already.
	for i := 1; i < len(es); i++ {
		for j := i; j > 0 && es[j].At.Before(es[j-1].At); j-- {
			es[j], es[j-1] = es[j-1], es[j]
		}
	}
}

// writeImport writes one prepared concern and its case in tx.
func (s *Store) writeImport(tx *ledger.Tx, who string, r *importRow) error {
	cs, c, h, now := r.cs, r.concern, r.hist, tx.Now()
	c.RecordedAt = now
	if err := tx.Save("case.imported", who, "cases",
		`INSERT INTO cases (id, version, ref, status, stage, stage_before, looked_after, received_at, child_name, child_dob, child_age,
		  child_address, agency_id, team_id, owner_id, opened_at)
		 VALUES (?, 1, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
		cs.ID, cs.Ref, cs.Status, cs.Stage, null(cs.StageBefore), boolInt(cs.LookedAfter), micros(cs.ReceivedAt), cs.Child.Name,
		null(cs.Child.DateOfBirth), nullInt(cs.Child.Age), null(cs.Child.Address), cs.AgencyID, cs.TeamID, cs.OwnerID, micros(cs.OpenedAt)); err != nil {
		return err
	}
	if err := tx.Save("concern.imported", who, "concerns",
		`INSERT INTO concerns (id, version, ref, source, raised_by, agency_id, received_at, recorded_at, child_name, child_dob, child_age,
		  child_address, what_happened, others_involved, reporter_name, reporter_contact, reporter_relationship, case_id)
		 VALUES (?, 1, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
		c.ID, c.Ref, c.Source, null(c.RaisedBy), null(c.AgencyID), micros(c.ReceivedAt), micros(now), null(c.Child.Name),
		null(c.Child.DateOfBirth), nullInt(c.Child.Age), null(c.Child.Address), c.WhatHappened, null(c.OthersInvolved),
		null(c.Reporter.Name), null(c.Reporter.Contact), null(c.Reporter.Relationship), c.CaseID); err != nil {
		return err
	}
	for i, e := range r.events {
		if err := tx.Save("chronology.imported", who, "case_events",
			`INSERT INTO case_events (id, version, case_id, seq, at, actor_id, kind, summary) VALUES (?, 1, ?, ?, ?, ?, ?, ?)`,
			e.ID, cs.ID, i+1, micros(e.At), e.ActorID, e.Kind, e.Summary); err != nil {
			return err
		}
	}
	for _, d := range h.Decisions {
		if err := tx.Save("decision.imported", who, "decisions",
			`INSERT INTO decisions (id, version, case_id, kind, outcome, reason, late_reason, at, decided_by, from_stage, to_stage, recorded_at)
			 VALUES (?, 1, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
			d.ID, cs.ID, d.Kind, d.Outcome, d.Reason, null(d.LateReason), micros(d.At), d.DecidedBy, d.FromStage, d.ToStage, micros(now)); err != nil {
			return err
		}
	}
	for _, sc := range h.Screenings {
		scores, err := json.Marshal(sc.Scores) // map keys are sorted: a canonical encoding
		if err != nil {
			return err
		}
		if err := tx.Save("screening.imported", who, "screenings",
			`INSERT INTO screenings (id, version, case_id, scores, level, notes, by_id, at) VALUES (?, 1, ?, ?, ?, ?, ?, ?)`,
			sc.ID, cs.ID, string(scores), sc.Level, sc.Notes, sc.By, micros(sc.At)); err != nil {
			return err
		}
	}
	for _, d := range h.Deadlines {
		var met any
		if d.MetAt != nil {
			met = micros(*d.MetAt)
		}
		if err := tx.Save("deadline.imported", who, "deadlines",
			`INSERT INTO deadlines (id, version, case_id, kind, instance, ref_id, started_at, due_at, status, met_at, late_reason, cancel_reason)
			 VALUES (?, 1, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
			d.ID, cs.ID, d.Kind, d.Instance, null(d.RefID), micros(d.StartedAt), micros(d.Due), d.Status, met, null(d.LateReason),
			null(d.CancelReason)); err != nil {
			return err
		}
	}
	for _, m := range h.Missing {
		var back any
		if m.ReturnedAt != nil {
			back = micros(*m.ReturnedAt)
		}
		if err := tx.Save("missing.imported", who, "missing_episodes",
			`INSERT INTO missing_episodes (id, version, case_id, missing_from, returned_at, details, recorded_by) VALUES (?, 1, ?, ?, ?, ?, ?)`,
			m.ID, cs.ID, micros(m.MissingFrom), back, m.Details, m.RecordedBy); err != nil {
			return err
		}
	}
	for i := range r.in.Mentions {
		m := &r.in.Mentions[i]
		m.RecordedAt = now
		if err := insertMention(tx, "mention.imported", who, m, i+1); err != nil {
			return err
		}
	}
	return nil
}
