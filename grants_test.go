package vigil

import "testing"

func TestParseGrants(t *testing.T) {
	for _, tc := range []struct {
		name, in string
		ok       bool
	}{
		{"one role of one agency", `{"agencies": {"Council": {"social_worker": {"case.view": "agency", "case.hold": "all"}}}}`, true},
		{"a role with nothing", `{"agencies": {"Council": {"referrer": {}}}}`, true},
		{"no agency", `{"agencies": {}}`, false},
		{"unknown role", `{"agencies": {"Council": {"mayor": {"case.view": "all"}}}}`, false},
		{"unknown action", `{"agencies": {"Council": {"social_worker": {"case.delete": "all"}}}}`, false},
		{"unknown scope", `{"agencies": {"Council": {"social_worker": {"case.view": "everyone"}}}}`, false},
		{"scope as a number", `{"agencies": {"Council": {"social_worker": {"case.view": 4}}}}`, false},
		{"unknown field", `{"agencies": {}, "roles": {}}`, false},
		{"two values", `{"agencies": {"Council": {"referrer": {}}}} {}`, false},
	} {
		t.Run(tc.name, func(t *testing.T) {
			g, err := ParseGrants([]byte(tc.in))
			if (err == nil) != tc.ok {
				t.Fatalf("err = %v, want ok %v", err, tc.ok)
			}
			if tc.ok && tc.name == "one role of one agency" && g.Agencies["Council"][RoleSocialWorker][ActCaseView] != ScopeAgency {
				t.Errorf("grants = %+v", g)
			}
		})
	}
}

// TestPolicyPerAgency: an agency's grant for a role replaces the default
// for that role in that agency only.
func TestPolicyPerAgency(t *testing.T) {
	p := NewPolicy(map[ID]Grants{"council": {RoleSocialWorker: {ActCaseView: ScopeAgency}}})
	here := &User{Role: RoleSocialWorker, AgencyID: "council", Status: UserActive}
	there := &User{Role: RoleSocialWorker, AgencyID: "other", Status: UserActive}
	if got := p.ScopeOf(here, ActCaseView); got != ScopeAgency {
		t.Errorf("in the agency: %v", got)
	}
	if got := p.ScopeOf(here, ActCaseDecide); got != ScopeNone {
		t.Errorf("an action the agency's grant leaves out: %v", got)
	}
	if got := p.ScopeOf(there, ActCaseView); got != ScopeTeam {
		t.Errorf("elsewhere: %v, want the default", got)
	}
}
