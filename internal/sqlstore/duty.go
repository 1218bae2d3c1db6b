package sqlstore

import (
	"fmt"

	"github.com/vigil-project/vigil"
	"github.com/vigil-project/vigil/internal/ledger"
)

// passDuty names a new duty manager for each team whose duty manager u
// was, in the transaction that suspends u or records that they left. New
// concerns are owned by the intake team's duty manager, and RaiseConcern
// refuses when there is none active: without this, suspending one person
// would stop the front door taking concerns at all.
//
// Duty passes to u's own manager, else another active manager of the
// team, else any active manager of u's agency. The successor need not be a
// member of the team (SetDutyManager asks that of a chosen duty manager):
// cover is needed at once, and an administrator can name someone in the
// team afterwards. With nobody to take it the change of status is refused,
// as handOver refuses when nobody can take a person's cases.
func (s *Store) passDuty(tx *ledger.Tx, who string, u *vigil.User, why string) error {
	rows, err := tx.Query(`SELECT id, name FROM teams WHERE duty_manager_id = ? ORDER BY created_at, id`, u.ID)
	if err != nil {
		return err
	}
	type team struct{ id, name string }
	var teams []team
	for rows.Next() {
		var t team
		if err := rows.Scan(&t.id, &t.name); err != nil {
			rows.Close()
			return err
		}
		teams = append(teams, t)
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return err
	}
	for _, t := range teams {
		next, err := s.dutySuccessor(tx, u, vigil.ID(t.id))
		if err != nil {
			return err
		}
		if next == nil {
			return vigil.Errorf(vigil.ECONFLICT, "Nobody active can take over as duty manager of %s: name another duty manager for the team first", t.name)
		}
		if err := tx.Save("team.duty_manager_passed", who, "teams",
			`UPDATE teams SET duty_manager_id = ?, version = version + 1 WHERE id = ?`, next.ID, t.id); err != nil {
			return err
		}
		if err := tx.Event("team.duty_reason", who, "teams", t.id, map[string]string{
			"from": string(u.ID), "to": string(next.ID), "reason": fmt.Sprintf("duty manager %s", why)}); err != nil {
			return err
		}
	}
	return nil
}

// managerRoles are the roles that may be a team's duty manager.
const managerRoles = `('team_manager', 'service_manager', 'director')`

// dutySuccessor is who takes over u's duty in team teamID, or nil.
func (s *Store) dutySuccessor(tx *ledger.Tx, u *vigil.User, teamID vigil.ID) (*vigil.User, error) {
	candidates := []struct {
		q    string
		args []any
	}{
		{`SELECT ` + userColumns + ` FROM users u WHERE u.id = ? AND u.status = 'active' AND u.role IN ` + managerRoles, []any{u.ManagerID}},
		{`SELECT ` + userColumns + ` FROM users u WHERE u.team_id = ? AND u.status = 'active' AND u.id <> ? AND u.role IN ` + managerRoles +
			` ORDER BY u.created_at, u.id LIMIT 1`, []any{teamID, u.ID}},
		{`SELECT ` + userColumns + ` FROM users u WHERE u.agency_id = ? AND u.status = 'active' AND u.id <> ? AND u.role IN ` + managerRoles +
			` ORDER BY u.created_at, u.id LIMIT 1`, []any{u.AgencyID, u.ID}},
	}
	for _, c := range candidates {
		next, _, err := scanUserHash(tx.QueryRow(c.q, c.args...))
		if err == nil {
			return next, nil
		} else if vigil.ErrorCode(err) != vigil.ENOTFOUND {
			return nil, err
		}
	}
	return nil, nil
}
