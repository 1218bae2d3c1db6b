package sqlstore

import (
	"context"
	"database/sql"

	"github.com/vigil-project/vigil"
	"github.com/vigil-project/vigil/internal/ledger"
	"github.com/vigil-project/vigil/internal/link"
)

var _ vigil.MentionService = (*Store)(nil)

// RecordMentions implements vigil.MentionService.
func (s *Store) RecordMentions(ctx context.Context, actor vigil.Actor, concernID vigil.ID, ms []vigil.Mention) ([]*vigil.Mention, error) {
	if !concernID.Valid() {
		return nil, notFound("The concern")
	}
	if err := vigil.ValidateMentions(ms); err != nil {
		return nil, err
	}
	out := make([]*vigil.Mention, len(ms))
	for i := range ms {
		m := ms[i]
		m.ID, m.ConcernID, m.RecordedBy = vigil.NewID(), concernID, actor.ID
		setMentionKeys(&m)
		out[i] = &m
	}
	err := s.write(ctx, func(tx *ledger.Tx) error {
		var caseID vigil.ID
		var raisedBy sql.NullString
		err := tx.QueryRow(`SELECT case_id, raised_by FROM concerns WHERE id = ?`, concernID).Scan(&caseID, &raisedBy)
		if isNoRows(err) {
			return notFound("The concern")
		} else if err != nil {
			return err
		}
		if actor.ID != vigil.ActorSystem {
			c, involved, err := s.caseFor(tx, actor, caseID)
			if err != nil {
				return err
			}
			u := actor.User
			if raisedBy.String != string(u.ID) && !vigil.CanDecide(u, c, involved) && !vigil.CanScreen(u, c, involved) {
				return forbidden("Only the person who raised the concern, or someone who works on its case, can add what it mentions.")
			}
		}
		var seq int
		if err := tx.QueryRow(`SELECT COALESCE(MAX(seq), 0) FROM mentions WHERE concern_id = ?`, concernID).Scan(&seq); err != nil {
			return err
		}
		now := tx.Now()
		for i, m := range out {
			m.CaseID, m.RecordedAt = caseID, now
			if err := insertMention(tx, "mention.recorded", string(actor.ID), m, seq+i+1); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	s.linkNewMentions(ctx, concernID, out)
	return out, nil
}

// linkNewMentions matches what a concern names against everything known
// (links_new.go), as soon as it is recorded. The mentions are on file
// whatever linking finds, or fails to: a failure is logged, not returned.
func (s *Store) linkNewMentions(ctx context.Context, concernID vigil.ID, ms []*vigil.Mention) {
	if len(ms) == 0 {
		return
	}
	if _, err := s.LinkNew(ctx, ms); err != nil {
		s.logger.Error("linking new mentions", "concern_id", string(concernID), "error", err.Error())
	}
}

// setMentionKeys computes a mention's normal forms with internal/link's
// normalisers, so that lookups by phone or postcode agree with linking.
//
// TODO(linking): add a plate key (look-alike characters folded, partial
// plates as patterns) once internal/link exports a plate normaliser.
func setMentionKeys(m *vigil.Mention) {
	m.PhoneKey, m.PostcodeKey, m.OutwardKey = "", "", ""
	if m.Phone != "" {
		m.PhoneKey = link.NormalisePhone(m.Phone)
	}
	if m.Postcode != "" {
		pc := link.NormalisePostcode(m.Postcode)
		m.PostcodeKey, m.OutwardKey = pc.Full, pc.Outward
	}
}

const mentionInsert = `INSERT INTO mentions (id, version, concern_id, case_id, seq, kind, role, given_name, family_name, full_name, nickname,
	dob, age, gender, ethnicity, nationality, email, identifier, address, locality, postcode, phone, plate, make, model, colour, taxi_firm,
	platform, handle, venue_name, venue_kind, phone_key, postcode_key, outward_key, source_ref, recorded_by, recorded_at)
	VALUES (?, 1, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`

// insertMention writes one mention, its keys already set, as the seq-th
// of its concern, with a log entry of the given kind.
func insertMention(tx *ledger.Tx, kind, actor string, m *vigil.Mention, seq int) error {
	return tx.Save(kind, actor, "mentions", mentionInsert,
		m.ID, m.ConcernID, m.CaseID, seq, m.Kind, null(m.Role), null(m.GivenName), null(m.FamilyName), null(m.FullName), null(m.Nickname),
		null(m.DateOfBirth), nullInt(m.Age), null(m.Gender), null(m.Ethnicity), null(m.Nationality), null(m.Email), null(m.Identifier),
		null(m.Address), null(m.Locality), null(m.Postcode), null(m.Phone), null(m.Plate), null(m.Make), null(m.Model), null(m.Colour),
		null(m.TaxiFirm), null(m.Platform), null(m.Handle), null(m.VenueName), null(m.VenueKind), null(m.PhoneKey), null(m.PostcodeKey),
		null(m.OutwardKey), null(m.SourceRef), m.RecordedBy, micros(m.RecordedAt))
}

// CaseMentions implements vigil.MentionService.
func (s *Store) CaseMentions(ctx context.Context, actor vigil.Actor, caseID vigil.ID, purpose string) ([]*vigil.Mention, error) {
	if actor.User == nil {
		return nil, vigil.Errorf(vigil.EUNAUTHORIZED, "Sign in to see cases")
	}
	if !caseID.Valid() {
		return nil, notFound("The case")
	}
	c, err := scanCase(s.queryRow(ctx, `SELECT `+caseColumns+` FROM cases c WHERE c.id = ?`, caseID))
	if isNoRows(err) {
		return nil, notFound("The case")
	} else if err != nil {
		return nil, internal("read case", err)
	}
	t, err := s.access(reader{s, ctx}, actor.User, c)
	if err != nil {
		return nil, internal("read case", err)
	}
	if t.Conflict || !vigil.Can(actor.User, vigil.ActCaseView, t) {
		reason := "no access"
		if t.Conflict {
			reason = "conflict of interest"
		}
		if err := s.log.Append(ctx, "case.access_refused", string(actor.ID), "cases", string(caseID),
			map[string]string{"purpose": purpose, "reason": reason}); err != nil {
			return nil, err
		}
		if t.Conflict {
			return nil, errConflict
		}
		return nil, notFound("The case")
	}
	if purpose == "" {
		purpose = "mentions"
	}
	// What a case names is as personal as the case: the read is on
	// record before anything is returned.
	if err := s.logReads(ctx, actor.ID, "record.viewed", "cases", []vigil.ID{caseID}, purpose); err != nil {
		return nil, err
	}
	return s.readCaseMentions(ctx, caseID)
}

// readCaseMentions reads the mentions of a case's concerns, by concern
// then order of recording. The caller has checked access and logged the
// read.
func (s *Store) readCaseMentions(ctx context.Context, caseID vigil.ID) ([]*vigil.Mention, error) {
	rows, err := s.query(ctx, `SELECT `+mentionColumns+` FROM mentions m JOIN concerns c ON c.id = m.concern_id
		WHERE m.case_id = ? ORDER BY c.received_at, c.id, m.seq`, caseID)
	if err != nil {
		return nil, internal("read mentions", err)
	}
	defer rows.Close()
	var out []*vigil.Mention
	for rows.Next() {
		m, err := scanMention(rows)
		if err != nil {
			return nil, internal("read mentions", err)
		}
		out = append(out, m)
	}
	return out, rows.Err()
}

// concernMentions gives each concern of a case what it names, for the
// case's detail. Ethnicity and nationality are left out: they are for
// oversight statistics, not for reading a case (DESIGN.md section 7).
func (s *Store) concernMentions(ctx context.Context, caseID vigil.ID, concerns []*vigil.Concern) error {
	ms, err := s.readCaseMentions(ctx, caseID)
	if err != nil {
		return err
	}
	byConcern := map[vigil.ID]*vigil.Concern{}
	for _, c := range concerns {
		byConcern[c.ID] = c
	}
	for _, m := range ms {
		m.Ethnicity, m.Nationality = "", ""
		if c := byConcern[m.ConcernID]; c != nil {
			c.Mentions = append(c.Mentions, m)
		}
	}
	return nil
}

const mentionColumns = `m.id, m.concern_id, m.case_id, m.kind, m.role, m.given_name, m.family_name, m.full_name, m.nickname, m.dob, m.age,
	m.gender, m.ethnicity, m.nationality, m.email, m.identifier, m.address, m.locality, m.postcode, m.phone, m.plate, m.make, m.model,
	m.colour, m.taxi_firm, m.platform, m.handle, m.venue_name, m.venue_kind, m.phone_key, m.postcode_key, m.outward_key, m.source_ref,
	m.recorded_by, m.recorded_at`

func scanMention(r scanner) (*vigil.Mention, error) {
	var m vigil.Mention
	var role sql.NullString
	var f [27]sql.NullString
	var age sql.NullInt64
	var recorded int64
	if err := r.Scan(&m.ID, &m.ConcernID, &m.CaseID, &m.Kind, &role, &f[0], &f[1], &f[2], &f[3], &f[4], &age,
		&f[5], &f[6], &f[7], &f[8], &f[9], &f[10], &f[11], &f[12], &f[13], &f[14], &f[15], &f[16],
		&f[17], &f[18], &f[19], &f[20], &f[21], &f[22], &f[23], &f[24], &f[25], &f[26], &m.RecordedBy, &recorded); err != nil {
		return nil, err
	}
	m.Role = vigil.MentionRole(role.String)
	for i, p := range []*string{&m.GivenName, &m.FamilyName, &m.FullName, &m.Nickname, &m.DateOfBirth,
		&m.Gender, &m.Ethnicity, &m.Nationality, &m.Email, &m.Identifier, &m.Address, &m.Locality, &m.Postcode, &m.Phone,
		&m.Plate, &m.Make, &m.Model, &m.Colour, &m.TaxiFirm, &m.Platform, &m.Handle, &m.VenueName, &m.VenueKind,
		&m.PhoneKey, &m.PostcodeKey, &m.OutwardKey, &m.SourceRef} {
		*p = f[i].String
	}
	if age.Valid {
		a := int(age.Int64)
		m.Age = &a
	}
	m.RecordedAt = fromMicros(recorded)
	return &m, nil
}
