package sqlstore

import (
	"context"
	"fmt"

	"github.com/vigil-project/vigil"
	"github.com/vigil-project/vigil/internal/ledger"
)

// UseGrants puts a deployment's grants per agency in force (vigil.Permissions,
// which every access check and every case list reads) and records each
// agency's grants in the log, so that who could see what, when, can be
// shown later: an entry "grants.loaded" on the agency, committing to its
// grants. Agencies are named by id or exact name. Call it before serving.
// Returns EINVALID for an agency that does not exist.
func (s *Store) UseGrants(ctx context.Context, g *vigil.AgencyGrants) error {
	agencies, err := s.Agencies(ctx)
	if err != nil {
		return err
	}
	byID := map[vigil.ID]vigil.Grants{}
	for key, grants := range g.Agencies {
		var found vigil.ID
		for _, a := range agencies {
			if string(a.ID) == key || a.Name == key {
				found = a.ID
			}
		}
		if found == "" {
			return vigil.Errorf(vigil.EINVALID, "The grants file names agency %q, which is not an agency's id or name", key)
		}
		if _, dup := byID[found]; dup {
			return vigil.Errorf(vigil.EINVALID, "The grants file names agency %q twice (by id and by name)", key)
		}
		byID[found] = grants
	}
	err = s.log.Write(ctx, func(tx *ledger.Tx) error {
		for id, grants := range byID {
			if err := tx.Event("grants.loaded", string(vigil.ActorSystem), "agencies", string(id), grants); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		return fmt.Errorf("log the grants: %w", err)
	}
	vigil.Permissions = vigil.NewPolicy(byID)
	return nil
}
