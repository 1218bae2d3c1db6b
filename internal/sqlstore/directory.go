package sqlstore

import (
	"context"
	"database/sql"
	"strings"

	"github.com/vigil-project/vigil"
	"github.com/vigil-project/vigil/internal/ledger"
)

const userColumns = `u.id, u.username, u.name, u.role, u.agency_id, u.team_id, u.manager_id, u.status, u.created_at, u.password_hash`

// scanUser scans a row of userColumns; it returns ENOTFOUND for no row.
func (s *Store) scanUser(row *sql.Row) (*vigil.User, error) {
	u, _, err := scanUserHash(row)
	return u, err
}

func scanUserHash(row *sql.Row) (*vigil.User, string, error) {
	var u vigil.User
	var team, manager sql.NullString
	var created int64
	var hash string
	err := row.Scan(&u.ID, &u.Username, &u.Name, &u.Role, &u.AgencyID, &team, &manager, &u.Status, &created, &hash)
	if isNoRows(err) {
		return nil, "", notFound("The person")
	} else if err != nil {
		return nil, "", internal("read user", err)
	}
	u.TeamID, u.ManagerID, u.CreatedAt = vigil.ID(team.String), vigil.ID(manager.String), fromMicros(created)
	return &u, hash, nil
}

func (s *Store) userByUsername(ctx context.Context, username string) (*vigil.User, string, error) {
	return scanUserHash(s.queryRow(ctx, `SELECT `+userColumns+` FROM users u WHERE u.username = ?`, username))
}

// FindUser implements vigil.DirectoryService.
func (s *Store) FindUser(ctx context.Context, id vigil.ID) (*vigil.User, error) {
	return s.scanUser(s.queryRow(ctx, `SELECT `+userColumns+` FROM users u WHERE u.id = ?`, id))
}

// CreateAgency implements vigil.DirectoryService.
func (s *Store) CreateAgency(ctx context.Context, actor vigil.Actor, name string, kind vigil.AgencyKind) (*vigil.Agency, error) {
	name = strings.TrimSpace(name)
	var v vigil.Validation
	if name == "" || len(name) > vigil.MaxNameLen {
		v.Add("name", "Enter the agency's name (at most %d characters)", vigil.MaxNameLen)
	}
	if !kind.Valid() {
		v.Add("kind", "Choose the kind of agency: police, childrens_services, education, health or independent")
	}
	if err := v.Err(); err != nil {
		return nil, err
	}
	a := &vigil.Agency{ID: vigil.NewID(), Name: name, Kind: kind}
	err := s.write(ctx, func(tx *ledger.Tx) error {
		a.CreatedAt = tx.Now()
		return tx.Save("agency.created", string(actor.ID), "agencies",
			`INSERT INTO agencies (id, version, name, kind, created_at) VALUES (?, 1, ?, ?, ?)`, a.ID, a.Name, a.Kind, micros(a.CreatedAt))
	})
	if err != nil {
		return nil, err
	}
	return a, nil
}

// Agencies implements vigil.DirectoryService.
func (s *Store) Agencies(ctx context.Context) ([]*vigil.Agency, error) {
	rows, err := s.query(ctx, `SELECT id, name, kind, created_at FROM agencies ORDER BY name`)
	if err != nil {
		return nil, internal("list agencies", err)
	}
	defer rows.Close()
	var out []*vigil.Agency
	for rows.Next() {
		var a vigil.Agency
		var created int64
		if err := rows.Scan(&a.ID, &a.Name, &a.Kind, &created); err != nil {
			return nil, internal("list agencies", err)
		}
		a.CreatedAt = fromMicros(created)
		out = append(out, &a)
	}
	return out, rows.Err()
}

// CreateTeam implements vigil.DirectoryService.
func (s *Store) CreateTeam(ctx context.Context, actor vigil.Actor, agencyID vigil.ID, name string, intake bool) (*vigil.Team, error) {
	name = strings.TrimSpace(name)
	if name == "" || len(name) > vigil.MaxNameLen {
		return nil, &vigil.Error{Code: vigil.EINVALID, Message: "Enter the team's name", Fields: []vigil.FieldError{{Field: "name", Message: "Enter the team's name"}}}
	}
	t := &vigil.Team{ID: vigil.NewID(), AgencyID: agencyID, Name: name, Intake: intake}
	err := s.write(ctx, func(tx *ledger.Tx) error {
		var n int
		if err := tx.QueryRow(`SELECT COUNT(*) FROM agencies WHERE id = ?`, agencyID).Scan(&n); err != nil {
			return err
		} else if n == 0 {
			return notFound("The agency")
		}
		t.CreatedAt = tx.Now()
		return tx.Save("team.created", string(actor.ID), "teams",
			`INSERT INTO teams (id, version, agency_id, name, intake, created_at) VALUES (?, 1, ?, ?, ?, ?)`,
			t.ID, t.AgencyID, t.Name, boolInt(intake), micros(t.CreatedAt))
	})
	if err != nil {
		return nil, err
	}
	return t, nil
}

func boolInt(b bool) int64 {
	if b {
		return 1
	}
	return 0
}

// SetDutyManager implements vigil.DirectoryService.
func (s *Store) SetDutyManager(ctx context.Context, actor vigil.Actor, teamID, userID vigil.ID) error {
	return s.write(ctx, func(tx *ledger.Tx) error {
		var team string
		var status string
		err := tx.QueryRow(`SELECT team_id, status FROM users WHERE id = ?`, userID).Scan(&team, &status)
		if isNoRows(err) {
			return notFound("The person")
		} else if err != nil {
			return err
		}
		if team != string(teamID) || status != string(vigil.UserActive) {
			return vigil.Errorf(vigil.EINVALID, "A duty manager must be an active member of the team")
		}
		err = tx.Save("team.duty_manager_set", string(actor.ID), "teams",
			`UPDATE teams SET duty_manager_id = ?, version = version + 1 WHERE id = ?`, userID, teamID)
		if err == ledger.ErrNoRow {
			return notFound("The team")
		}
		return err
	})
}

// CreateUser implements vigil.DirectoryService.
func (s *Store) CreateUser(ctx context.Context, actor vigil.Actor, n vigil.NewUser) (*vigil.User, error) {
	n.Username = strings.ToLower(strings.TrimSpace(n.Username))
	n.Name = strings.TrimSpace(n.Name)
	if err := n.Validate(); err != nil {
		return nil, err
	}
	u := &vigil.User{ID: vigil.NewID(), Username: n.Username, Name: n.Name, Role: n.Role, AgencyID: n.AgencyID,
		TeamID: n.TeamID, ManagerID: n.ManagerID, Status: vigil.UserActive}
	hash := hashPassword(n.Password) // slow: outside the sequencer's transaction
	err := s.write(ctx, func(tx *ledger.Tx) error {
		return s.insertUser(tx, string(actor.ID), u, hash)
	})
	if err != nil {
		return nil, err
	}
	return u, nil
}

// insertUser records a new user u, whose fields are validated, with a
// password hash. Returns ECONFLICT for a taken username, EINVALID for a
// team of another agency.
func (s *Store) insertUser(tx *ledger.Tx, actor string, u *vigil.User, hash string) error {
	var taken int
	if err := tx.QueryRow(`SELECT COUNT(*) FROM users WHERE username = ?`, u.Username).Scan(&taken); err != nil {
		return err
	} else if taken > 0 {
		return &vigil.Error{Code: vigil.ECONFLICT, Message: "That username is taken; choose another",
			Fields: []vigil.FieldError{{Field: "username", Message: "That username is taken; choose another"}}}
	}
	if u.TeamID != "" {
		var agency string
		err := tx.QueryRow(`SELECT agency_id FROM teams WHERE id = ?`, u.TeamID).Scan(&agency)
		if isNoRows(err) || agency != string(u.AgencyID) {
			return vigil.Errorf(vigil.EINVALID, "The team must belong to the person's agency")
		} else if err != nil {
			return err
		}
	}
	u.CreatedAt = tx.Now()
	mac, err := s.passwordMAC(u.ID, hash) // binds the hash to the log key (auth_bind.go)
	if err != nil {
		return err
	}
	return tx.Save("user.created", actor, "users",
		`INSERT INTO users (id, version, username, name, role, agency_id, team_id, manager_id, status, password_hash, password_mac, created_at)
		 VALUES (?, 1, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
		u.ID, u.Username, u.Name, u.Role, u.AgencyID, null(u.TeamID), null(u.ManagerID), u.Status, hash, mac, micros(u.CreatedAt))
}

// CreateAPIToken implements vigil.DirectoryService.
func (s *Store) CreateAPIToken(ctx context.Context, actor vigil.Actor, userID vigil.ID, label string) (string, error) {
	token, th, err := s.newToken("vgl_")
	if err != nil {
		return "", err
	}
	id := vigil.NewID()
	mac, err := s.apiTokenMAC(th, id, userID) // binds the row to the log key (auth_bind.go)
	if err != nil {
		return "", err
	}
	err = s.write(ctx, func(tx *ledger.Tx) error {
		var n int
		if err := tx.QueryRow(`SELECT COUNT(*) FROM users WHERE id = ?`, userID).Scan(&n); err != nil {
			return err
		} else if n == 0 {
			return notFound("The person")
		}
		return tx.Save("api_token.created", string(actor.ID), "api_tokens",
			`INSERT INTO api_tokens (id, version, user_id, token_hash, label, created_at, mac) VALUES (?, 1, ?, ?, ?, ?, ?)`,
			id, userID, th, label, micros(tx.Now()), mac)
	})
	if err != nil {
		return "", err
	}
	return token, nil
}

// Users implements vigil.DirectoryService.
func (s *Store) Users(ctx context.Context) ([]*vigil.User, error) {
	rows, err := s.query(ctx, `SELECT `+userColumns+` FROM users u ORDER BY u.name, u.id`)
	if err != nil {
		return nil, internal("list users", err)
	}
	defer rows.Close()
	var out []*vigil.User
	for rows.Next() {
		var u vigil.User
		var team, manager sql.NullString
		var created int64
		var hash string
		if err := rows.Scan(&u.ID, &u.Username, &u.Name, &u.Role, &u.AgencyID, &team, &manager, &u.Status, &created, &hash); err != nil {
			return nil, internal("list users", err)
		}
		u.TeamID, u.ManagerID, u.CreatedAt = vigil.ID(team.String), vigil.ID(manager.String), fromMicros(created)
		out = append(out, &u)
	}
	return out, rows.Err()
}
