package sqlstore

import (
	"context"
	"database/sql"
	"encoding/json"
	"fmt"
	"strings"

	"github.com/vigil-project/vigil"
	"github.com/vigil-project/vigil/internal/ledger"
)

// This file administers agencies' people (vigil.AdminService). Every
// change, made at once or asked for under an intervention, is a row of
// admin_actions, tracked by the log like every domain table, beside the
// entries of the change itself (user.created, user.status_changed,
// api_token.revoked, ...): who asked, why, and who approved.

func init() {
	// The tables of administration are tracked by the log. They are added
	// here, beside the code that writes them, rather than in store.go's
	// list, so that work on other parts of the store does not clash.
	Tables = append(Tables, "interventions", "admin_actions")
}

var (
	_ vigil.SignInService       = (*Store)(nil)
	_ vigil.AccountService      = (*Store)(nil)
	_ vigil.AdminService        = (*Store)(nil)
	_ vigil.InterventionService = (*Store)(nil)
)

// mayAdminister reports whether u's grants let them administer the people
// of agency at all (vigil.ActUserAdmin). Whether they act at once or only
// ask depends on interventions: see modeFor.
func mayAdminister(u *vigil.User, agency vigil.ID) bool {
	return u != nil && vigil.Can(u, vigil.ActUserAdmin, vigil.Target{Agency: agency})
}

// adminMode is how an actor may administer an agency.
type adminMode int

const (
	adminRefused adminMode = iota
	adminRequest           // only ask: a commissioner decides
	adminDirect            // act at once
)

// modeFor decides how actor may administer agency's people, and returns
// the intervention in force there, if any. Administrators act at once on
// their own agency, but only ask while it is under intervention;
// commissioners act at once on an agency under intervention and not
// otherwise; the system (seeding, the command line) always acts.
func (s *Store) modeFor(q querier, actor vigil.Actor, agencyID vigil.ID) (adminMode, *vigil.Intervention, error) {
	in, err := interventionInForce(q, agencyID)
	if err != nil {
		return adminRefused, nil, err
	}
	u := actor.User
	switch {
	case u == nil && actor.ID == vigil.ActorSystem:
		return adminDirect, in, nil
	case !mayAdminister(u, agencyID):
		return adminRefused, in, nil
	case u.Role == vigil.RoleCommissioner:
		ok, err := isIntervener(q, u)
		if err != nil || !ok || in == nil {
			return adminRefused, in, err
		}
		return adminDirect, in, nil
	case in != nil:
		return adminRequest, in, nil
	}
	return adminDirect, nil, nil
}

// isIntervener reports whether u is a commissioner of an independent
// agency: an intervening authority.
func isIntervener(q querier, u *vigil.User) (bool, error) {
	if u == nil || u.Status != vigil.UserActive || u.Role != vigil.RoleCommissioner {
		return false, nil
	}
	var kind string
	err := q.QueryRow(`SELECT kind FROM agencies WHERE id = ?`, u.AgencyID).Scan(&kind)
	if isNoRows(err) {
		return false, nil
	}
	return kind == string(vigil.AgencyIndependent), err
}

// Administer implements vigil.AdminService.
func (s *Store) Administer(ctx context.Context, actor vigil.Actor, c vigil.AdminChange) (*vigil.AdminOutcome, error) {
	return s.administer(ctx, actor, c, true)
}

var errNotAdmin = forbidden("Only an agency's administrators, and commissioners while it is under intervention, administer its people.")

// administer makes change c, or records it as a request when allowed to
// and the actor may only ask.
func (s *Store) administer(ctx context.Context, actor vigil.Actor, c vigil.AdminChange, allowRequest bool) (*vigil.AdminOutcome, error) {
	switch {
	case actor.User == nil && actor.ID != vigil.ActorSystem:
		return nil, errNotAdmin
	case actor.User != nil && vigil.Permissions.ScopeOf(actor.User, vigil.ActUserAdmin) == vigil.ScopeNone:
		return nil, errNotAdmin
	}
	if c.Action == vigil.AdminCreateUser {
		c.NewUser.Username = strings.ToLower(strings.TrimSpace(c.NewUser.Username))
		c.NewUser.Name = strings.TrimSpace(c.NewUser.Name)
		c.UserID = ""
	}
	if err := c.Validate(); err != nil {
		return nil, err
	}
	if actor.User != nil && c.UserID == actor.ID {
		return nil, forbidden("Nobody administers their own account: ask another administrator.")
	}
	if c.Action == vigil.AdminRecordConflict {
		// Its one way in checks the conflict.record grant: DeclareConflict.
		return nil, fieldErr("action", "Record a conflict of interest on the person's conflicts page")
	}
	out := &vigil.AdminOutcome{}
	var hash string
	if c.Action == vigil.AdminCreateUser || c.Action == vigil.AdminResetPassword {
		out.Password = newPassword()
		hash = hashPassword(out.Password) // slow: outside the sequencer's transaction
	}
	details, err := json.Marshal(changeDetails(c))
	if err != nil {
		return nil, err
	}
	err = s.write(ctx, func(tx *ledger.Tx) error {
		out.User, out.Record = nil, nil // the function may run again if another write in its batch fails
		agency := c.AgencyID
		var target *vigil.User
		if c.UserID != "" {
			t, err := s.scanUser(tx.QueryRow(`SELECT `+userColumns+` FROM users u WHERE u.id = ?`, c.UserID))
			if err != nil {
				return err
			}
			if agency != "" && agency != t.AgencyID {
				return notFound("The person")
			}
			agency, target = t.AgencyID, t
		}
		mode, in, err := s.modeFor(tx, actor, agency)
		if err != nil {
			return err
		}
		switch {
		case mode == adminRefused && target != nil:
			return notFound("The person")
		case mode == adminRefused:
			return errNotAdmin
		case mode == adminRequest && !allowRequest:
			return forbidden("This agency is under intervention: ask a commissioner's approval through the administration pages.")
		}
		rec := &vigil.AdminRecord{ID: vigil.NewID(), AgencyID: agency, Action: c.Action, UserID: c.UserID,
			Reason: c.Reason, RequestedBy: actor.ID, RequestedAt: tx.Now(), Status: vigil.AdminDone}
		if in != nil {
			rec.InterventionID = in.ID
		}
		if mode == adminRequest {
			if err := precheck(tx, c, target); err != nil {
				return err
			}
			rec.Status = vigil.AdminPending
			out.Record = rec
			return s.insertAdminRecord(tx, rec, details, hash)
		}
		cc := c
		cc.AgencyID = agency
		u, err := s.apply(tx, string(actor.ID), cc, target, hash)
		if err != nil {
			return err
		}
		rec.UserID, out.User, out.Record = u.ID, u, rec
		return s.insertAdminRecord(tx, rec, details, "")
	})
	if err != nil {
		return nil, err
	}
	return out, nil
}

// adminDetails are the parameters of a change, kept as JSON with it so
// that an approved request makes exactly the change that was asked for.
type adminDetails struct {
	Username  string           `json:"username,omitempty"`
	Name      string           `json:"name,omitempty"`
	Role      vigil.Role       `json:"role,omitempty"`
	TeamID    vigil.ID         `json:"team_id,omitempty"`
	ManagerID vigil.ID         `json:"manager_id,omitempty"`
	Status    vigil.UserStatus `json:"status,omitempty"`
	// The conflict of AdminRecordConflict; its reason is the change's.
	ConflictKind  vigil.ConflictKind `json:"conflict_kind,omitempty"`
	ConflictValue string             `json:"conflict_value,omitempty"`
}

func changeDetails(c vigil.AdminChange) adminDetails {
	switch c.Action {
	case vigil.AdminCreateUser:
		n := c.NewUser
		return adminDetails{Username: n.Username, Name: n.Name, Role: n.Role, TeamID: n.TeamID, ManagerID: n.ManagerID}
	case vigil.AdminSetStatus:
		return adminDetails{Status: c.Status}
	case vigil.AdminRecordConflict:
		return adminDetails{ConflictKind: c.Conflict.Kind, ConflictValue: c.Conflict.Value}
	}
	return adminDetails{}
}

// summary describes a change's parameters in a few words, for the history.
func (d adminDetails) summary() string {
	switch {
	case d.Username != "":
		return fmt.Sprintf("%s (%s), %s", d.Name, d.Username, d.Role)
	case d.Status != "":
		return string(d.Status)
	case d.ConflictKind != "":
		return fmt.Sprintf("with a %s: %s", d.ConflictKind, d.ConflictValue)
	}
	return ""
}

// precheck refuses, when a request is made, a change that could not be
// made now: asking a commissioner to suspend someone already suspended
// wastes their time. The change is checked again in full when approved.
func precheck(q querier, c vigil.AdminChange, target *vigil.User) error {
	switch c.Action {
	case vigil.AdminSetStatus:
		if target.Status == c.Status {
			return fieldErr("status", fmt.Sprintf("%s is already %s", target.Name, c.Status))
		}
	case vigil.AdminCreateUser:
		var taken int
		if err := q.QueryRow(`SELECT COUNT(*) FROM users WHERE username = ?`, c.NewUser.Username).Scan(&taken); err != nil {
			return err
		}
		if taken > 0 {
			return &vigil.Error{Code: vigil.ECONFLICT, Message: "That username is taken; choose another",
				Fields: []vigil.FieldError{{Field: "username", Message: "That username is taken; choose another"}}}
		}
	case vigil.AdminRecordConflict:
		if c.Conflict.Kind == vigil.ConflictCase {
			return caseExists(q, c.Conflict.Value)
		}
	}
	return nil
}

// apply makes change c in tx, for actor who, and returns the person
// created or changed. target is the person changed (nil for a new one);
// hash is the new password's hash (AdminCreateUser, AdminResetPassword).
func (s *Store) apply(tx *ledger.Tx, who string, c vigil.AdminChange, target *vigil.User, hash string) (*vigil.User, error) {
	switch c.Action {
	case vigil.AdminCreateUser:
		return s.createUserTx(tx, who, c.AgencyID, c.NewUser, hash)
	case vigil.AdminSetStatus:
		if err := s.setUserStatus(tx, who, target, c.Status, c.Reason); err != nil {
			return nil, err
		}
		u := *target
		u.Status = c.Status
		return &u, nil
	case vigil.AdminRevokeTokens:
		n, err := s.revokeTokens(tx, who, target.ID, "revoked by an administrator")
		if err != nil {
			return nil, err
		}
		if n == 0 {
			return nil, vigil.Errorf(vigil.ECONFLICT, "%s has no API tokens in use", target.Name)
		}
		return target, nil
	case vigil.AdminResetPassword:
		mac, err := s.passwordMAC(target.ID, hash)
		if err != nil {
			return nil, err
		}
		if err := tx.Save("user.password_reset", who, "users",
			`UPDATE users SET password_hash = ?, password_mac = ?, version = version + 1 WHERE id = ?`, hash, mac, target.ID); err != nil {
			return nil, err
		}
		// Their speak-up key stays wrapped under the old password, which
		// the server cannot recover and must not replace: see speakup.KeyReset.
		if err := keyLockedOut(tx, who, target.ID); err != nil {
			return nil, err
		}
		return target, s.endSessions(tx, who, target.ID, "password reset")
	case vigil.AdminResetTOTP:
		res, err := tx.Exec(`DELETE FROM user_totp WHERE user_id = ?`, target.ID)
		if err != nil {
			return nil, err
		}
		if n, _ := res.RowsAffected(); n == 0 {
			// The log, not the table, says whether there is one to
			// reset: a row deleted outside the application leaves the
			// person locked out (see startSignIn) until this is done.
			if set, err := totpInLog(tx, target.ID); err != nil {
				return nil, err
			} else if !set {
				return nil, vigil.Errorf(vigil.ECONFLICT, "%s has no authenticator app set up", target.Name)
			}
		}
		if err := tx.Event("totp.reset", who, "users", string(target.ID), map[string]string{}); err != nil {
			return nil, err
		}
		return target, s.endSessions(tx, who, target.ID, "authenticator reset")
	case vigil.AdminRecordConflict:
		n := c.Conflict
		n.UserID, n.Reason = target.ID, c.Reason
		_, err := s.recordConflict(tx, who, target, n)
		return target, err
	}
	return nil, fieldErr("action", "Choose what to do")
}

// createUserTx adds a person to an agency: the checks that depend on the
// state (the agency's kind, the team's and manager's agency, a free
// username) are made here, when the person is created, since they may
// change while a request waits.
func (s *Store) createUserTx(tx *ledger.Tx, who string, agency vigil.ID, n vigil.NewUser, hash string) (*vigil.User, error) {
	var kind string
	err := tx.QueryRow(`SELECT kind FROM agencies WHERE id = ?`, agency).Scan(&kind)
	if isNoRows(err) {
		return nil, notFound("The agency")
	} else if err != nil {
		return nil, err
	}
	if n.Role == vigil.RoleCommissioner && kind != string(vigil.AgencyIndependent) {
		return nil, fieldErr("role", "Only an independent agency has commissioners: choose another role")
	}
	if n.TeamID != "" {
		var teamAgency string
		err := tx.QueryRow(`SELECT agency_id FROM teams WHERE id = ?`, n.TeamID).Scan(&teamAgency)
		if isNoRows(err) || err == nil && teamAgency != string(agency) {
			return nil, fieldErr("team_id", "Choose a team of the agency")
		} else if err != nil {
			return nil, err
		}
	}
	if n.ManagerID != "" {
		m, err := s.scanUser(tx.QueryRow(`SELECT `+userColumns+` FROM users u WHERE u.id = ?`, n.ManagerID))
		if vigil.ErrorCode(err) == vigil.ENOTFOUND || err == nil && (m.AgencyID != agency || m.Status != vigil.UserActive) {
			return nil, fieldErr("manager_id", "Choose an active person of the agency as manager")
		} else if err != nil {
			return nil, err
		}
	}
	u := &vigil.User{ID: vigil.NewID(), Username: n.Username, Name: n.Name, Role: n.Role, AgencyID: agency,
		TeamID: n.TeamID, ManagerID: n.ManagerID, Status: vigil.UserActive}
	if err := s.insertUser(tx, who, u, hash); err != nil {
		return nil, err
	}
	return u, nil
}

func (s *Store) insertAdminRecord(tx *ledger.Tx, r *vigil.AdminRecord, details []byte, hash string) error {
	kind := "admin.done"
	if r.Status == vigil.AdminPending {
		kind = "admin.requested"
	}
	var mac []byte
	if hash != "" {
		var err error
		if mac, err = s.requestPasswordMAC(r.ID, hash); err != nil {
			return err
		}
	}
	return tx.Save(kind, string(r.RequestedBy), "admin_actions",
		`INSERT INTO admin_actions (id, version, agency_id, intervention_id, action, user_id, details, password_hash, password_mac, reason, status, requested_by, requested_at)
		 VALUES (?, 1, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
		r.ID, r.AgencyID, null(r.InterventionID), r.Action, null(r.UserID), string(details), null(hash), mac, r.Reason, r.Status,
		r.RequestedBy, micros(r.RequestedAt))
}

// DecideAdminRequest implements vigil.AdminService.
func (s *Store) DecideAdminRequest(ctx context.Context, actor vigil.Actor, id vigil.ID, approve bool, reason string) (*vigil.AdminOutcome, error) {
	reason = strings.TrimSpace(reason)
	if actor.User == nil || actor.User.Role != vigil.RoleCommissioner {
		return nil, forbidden("Only a commissioner decides requests made during an intervention.")
	}
	if err := vigil.CheckText("reason", "the reason for your decision", reason, vigil.MaxReasonLen, true); err != nil {
		return nil, err
	}
	if !id.Valid() {
		return nil, notFound("The request")
	}
	out := &vigil.AdminOutcome{}
	err := s.write(ctx, func(tx *ledger.Tx) error {
		out.User, out.Record = nil, nil
		rec, c, hash, err := loadAdminRecord(tx, id)
		if err != nil {
			return err
		}
		if approve && hash != "" {
			if err := s.checkRequestPassword(tx, rec); err != nil {
				return err
			}
		}
		mode, in, err := s.modeFor(tx, actor, rec.AgencyID)
		if err != nil {
			return err
		}
		switch {
		case mode != adminDirect:
			return notFound("The request")
		case rec.Status != vigil.AdminPending:
			return vigil.Errorf(vigil.ECONFLICT, "This request has already been decided (%s)", rec.Status)
		case in == nil || rec.InterventionID != in.ID:
			return vigil.Errorf(vigil.ECONFLICT, "This request was made under an intervention that has ended")
		case rec.RequestedBy == actor.ID:
			return forbidden("Another commissioner must decide a request you made.")
		}
		who := string(actor.ID)
		status, kind := vigil.AdminRefused, "admin.refused"
		if approve {
			var target *vigil.User
			if c.UserID != "" {
				if target, err = s.scanUser(tx.QueryRow(`SELECT `+userColumns+` FROM users u WHERE u.id = ?`, c.UserID)); err != nil {
					return err
				}
			}
			u, err := s.apply(tx, who, c, target, hash)
			if err != nil {
				return err
			}
			rec.UserID, out.User = u.ID, u
			status, kind = vigil.AdminApproved, "admin.approved"
		}
		now := tx.Now()
		rec.Status, rec.DecidedBy, rec.DecidedAt, rec.Decision = status, actor.ID, &now, reason
		out.Record = rec
		return tx.Save(kind, who, "admin_actions",
			`UPDATE admin_actions SET status = ?, decided_by = ?, decided_at = ?, decision = ?, user_id = ?, password_hash = NULL, password_mac = NULL,
			 version = version + 1 WHERE id = ?`, status, who, micros(now), reason, null(rec.UserID), id)
	})
	if err != nil {
		return nil, err
	}
	return out, nil
}

// loadAdminRecord reads a recorded change, the change it describes, and
// the hash of its one-time password.
func loadAdminRecord(q querier, id vigil.ID) (*vigil.AdminRecord, vigil.AdminChange, string, error) {
	var r vigil.AdminRecord
	var in, user, hash sql.NullString
	var details string
	var at int64
	err := q.QueryRow(`SELECT id, agency_id, intervention_id, action, user_id, details, password_hash, reason, status, requested_by, requested_at
		FROM admin_actions WHERE id = ?`, id).Scan(&r.ID, &r.AgencyID, &in, &r.Action, &user, &details, &hash, &r.Reason, &r.Status, &r.RequestedBy, &at)
	if isNoRows(err) {
		return nil, vigil.AdminChange{}, "", notFound("The request")
	} else if err != nil {
		return nil, vigil.AdminChange{}, "", err
	}
	r.InterventionID, r.UserID, r.RequestedAt = vigil.ID(in.String), vigil.ID(user.String), fromMicros(at)
	var d adminDetails
	if err := json.Unmarshal([]byte(details), &d); err != nil {
		return nil, vigil.AdminChange{}, "", internal("read admin details", err)
	}
	r.Details = d.summary()
	c := vigil.AdminChange{Action: r.Action, AgencyID: r.AgencyID, UserID: r.UserID, Status: d.Status, Reason: r.Reason,
		Conflict: vigil.NewConflict{Kind: d.ConflictKind, Value: d.ConflictValue},
		NewUser:  vigil.NewUser{Username: d.Username, Name: d.Name, Role: d.Role, AgencyID: r.AgencyID, TeamID: d.TeamID, ManagerID: d.ManagerID}}
	if c.Action == vigil.AdminCreateUser {
		c.UserID = ""
	}
	return &r, c, hash.String, nil
}

// AdminHistory implements vigil.AdminService.
func (s *Store) AdminHistory(ctx context.Context, actor vigil.Actor, agencyID vigil.ID, limit int) ([]*vigil.AdminRecord, error) {
	if !mayAdminister(actor.User, agencyID) {
		return nil, errNotAdmin
	}
	if limit <= 0 || limit > 1000 {
		limit = 1000
	}
	var out []*vigil.AdminRecord
	err := each(reader{s, ctx}, func(r scanner) error {
		var a vigil.AdminRecord
		var in, user, decidedBy, decision sql.NullString
		var decidedAt sql.NullInt64
		var details string
		var at int64
		if err := r.Scan(&a.ID, &a.AgencyID, &in, &a.Action, &user, &details, &a.Reason, &a.Status, &a.RequestedBy, &at,
			&decidedBy, &decidedAt, &decision, &a.UserName, &a.RequestedByName, &a.DecidedByName); err != nil {
			return err
		}
		var d adminDetails
		if err := json.Unmarshal([]byte(details), &d); err != nil {
			return err
		}
		a.Details = d.summary()
		a.InterventionID, a.UserID, a.RequestedAt = vigil.ID(in.String), vigil.ID(user.String), fromMicros(at)
		a.DecidedBy, a.Decision = vigil.ID(decidedBy.String), decision.String
		if decidedAt.Valid {
			t := fromMicros(decidedAt.Int64)
			a.DecidedAt = &t
		}
		if a.UserName == "" {
			a.UserName = d.Name
		}
		out = append(out, &a)
		return nil
	}, `SELECT a.id, a.agency_id, a.intervention_id, a.action, a.user_id, a.details, a.reason, a.status, a.requested_by, a.requested_at,
		a.decided_by, a.decided_at, a.decision, COALESCE(t.name, ''), COALESCE(r.name, 'Vigil (system)'), COALESCE(d.name, '')
		FROM admin_actions a LEFT JOIN users t ON t.id = a.user_id LEFT JOIN users r ON r.id = a.requested_by
		LEFT JOIN users d ON d.id = a.decided_by
		WHERE a.agency_id = ?
		ORDER BY CASE WHEN a.status = 'pending' THEN 0 ELSE 1 END, a.requested_at DESC, a.id LIMIT ?`, agencyID, limit)
	return out, err
}

// AgencyPeople implements vigil.AdminService.
func (s *Store) AgencyPeople(ctx context.Context, actor vigil.Actor, agencyID vigil.ID) ([]*vigil.User, error) {
	if !mayAdminister(actor.User, agencyID) {
		return nil, errNotAdmin
	}
	var out []*vigil.User
	err := each(reader{s, ctx}, func(r scanner) error {
		var u vigil.User
		var team, manager sql.NullString
		var created int64
		var hash string
		if err := r.Scan(&u.ID, &u.Username, &u.Name, &u.Role, &u.AgencyID, &team, &manager, &u.Status, &created, &hash); err != nil {
			return err
		}
		u.TeamID, u.ManagerID, u.CreatedAt = vigil.ID(team.String), vigil.ID(manager.String), fromMicros(created)
		out = append(out, &u)
		return nil
	}, `SELECT `+userColumns+` FROM users u WHERE u.agency_id = ? ORDER BY u.name, u.id`, agencyID)
	return out, err
}

// AgencyTeams implements vigil.AdminService.
func (s *Store) AgencyTeams(ctx context.Context, actor vigil.Actor, agencyID vigil.ID) ([]*vigil.Team, error) {
	if !mayAdminister(actor.User, agencyID) {
		return nil, errNotAdmin
	}
	var out []*vigil.Team
	err := each(reader{s, ctx}, func(r scanner) error {
		var t vigil.Team
		var intake int64
		var duty sql.NullString
		var created int64
		if err := r.Scan(&t.ID, &t.AgencyID, &t.Name, &intake, &duty, &created); err != nil {
			return err
		}
		t.Intake, t.DutyManagerID, t.CreatedAt = intake != 0, vigil.ID(duty.String), fromMicros(created)
		out = append(out, &t)
		return nil
	}, `SELECT id, agency_id, name, intake, duty_manager_id, created_at FROM teams WHERE agency_id = ? ORDER BY name, id`, agencyID)
	return out, err
}
