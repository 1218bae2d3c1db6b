package vigil

import (
	"bytes"
	"encoding/json"
	"fmt"
	"slices"
)

// A deployment's grants per agency are data in a file (`vigil serve
// --grants FILE`), in the style of Primero's permission model:
//
//	{"agencies": {
//	   "Rotherham Children's Services": {
//	     "social_worker": {"case.view": "agency", "case.decide": "team", "case.hold": "all"}
//	   }
//	}}
//
// An agency is named by its id or its exact name. A role listed for an
// agency has exactly the actions given there, in that agency, instead of
// the national defaults; roles not listed keep the defaults. Every check
// (Can) and every case list (sqlstore's caseScope) reads the same Policy.

// scopeNames are the scopes as written in a grants file.
var scopeNames = map[string]Scope{"none": ScopeNone, "own": ScopeOwn, "team": ScopeTeam, "agency": ScopeAgency, "all": ScopeAll}

// String returns the scope's name in a grants file.
func (s Scope) String() string {
	for k, v := range scopeNames {
		if v == s {
			return k
		}
	}
	return fmt.Sprintf("scope(%d)", int(s))
}

// MarshalText writes a scope by name.
func (s Scope) MarshalText() ([]byte, error) { return []byte(s.String()), nil }

// UnmarshalText reads a scope by name.
func (s *Scope) UnmarshalText(b []byte) error {
	v, ok := scopeNames[string(b)]
	if !ok {
		return fmt.Errorf("unknown scope %q (use none, own, team, agency or all)", b)
	}
	*s = v
	return nil
}

// AgencyGrants is a grants file: each agency's own grants, keyed by the
// agency's id or name as written.
type AgencyGrants struct {
	Agencies map[string]Grants `json:"agencies"`
}

// ParseGrants reads a grants file strictly: an unknown field, role, action
// or scope is an error, so that a typing mistake cannot silently leave a
// default in force.
func ParseGrants(b []byte) (*AgencyGrants, error) {
	var g AgencyGrants
	dec := json.NewDecoder(bytes.NewReader(b))
	dec.DisallowUnknownFields()
	if err := dec.Decode(&g); err != nil {
		return nil, Errorf(EINVALID, "The grants file is not valid: %v", err)
	}
	if dec.More() {
		return nil, Errorf(EINVALID, "The grants file is not valid: it holds more than one JSON value")
	}
	var v Validation
	if len(g.Agencies) == 0 {
		v.Add("agencies", "Give at least one agency's grants")
	}
	for agency, grants := range g.Agencies {
		for role, actions := range grants {
			if !role.Valid() {
				v.Add("agencies."+agency, "Unknown role %q", role)
			}
			for a := range actions {
				if !slices.Contains(Actions, a) {
					v.Add("agencies."+agency+"."+string(role), "Unknown action %q", a)
				}
			}
		}
	}
	if err := v.Err(); err != nil {
		return nil, err
	}
	return &g, nil
}

// NewPolicy returns the defaults with the agencies' own grants, keyed by
// agency id.
func NewPolicy(agencies map[ID]Grants) *Policy {
	return &Policy{Default: DefaultGrants, Agencies: agencies}
}
