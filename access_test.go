package vigil_test

import (
	"testing"

	"github.com/vigil-project/vigil"
)

// TestCanScopes checks each scope against owner, team, agency and others,
// and that a conflict or a suspension closes every case.
func TestCanScopes(t *testing.T) {
	c := &vigil.Case{ID: "c", OwnerID: "owner", TeamID: "team", AgencyID: "agency"}
	user := func(id vigil.ID, role vigil.Role, team, agency vigil.ID) *vigil.User {
		return &vigil.User{ID: id, Role: role, TeamID: team, AgencyID: agency, Status: vigil.UserActive}
	}
	tests := []struct {
		name   string
		u      *vigil.User
		action vigil.Action
		t      vigil.Target
		want   bool
	}{
		{"owner opens", user("owner", vigil.RoleSocialWorker, "team", "agency"), vigil.ActCaseView, vigil.Target{Case: c}, true},
		{"team member opens", user("sw", vigil.RoleSocialWorker, "team", "agency"), vigil.ActCaseView, vigil.Target{Case: c}, true},
		{"other team's social worker", user("sw", vigil.RoleSocialWorker, "other", "agency"), vigil.ActCaseView, vigil.Target{Case: c}, false},
		{"agency manager", user("m", vigil.RoleTeamManager, "other", "agency"), vigil.ActCaseView, vigil.Target{Case: c}, true},
		{"other agency's manager", user("m", vigil.RoleTeamManager, "x", "police"), vigil.ActCaseView, vigil.Target{Case: c}, false},
		{"police officer, not involved", user("p", vigil.RolePoliceOfficer, "ppu", "police"), vigil.ActCaseView, vigil.Target{Case: c}, false},
		{"police officer, referred", user("p", vigil.RolePoliceOfficer, "ppu", "police"), vigil.ActCaseView, vigil.Target{Case: c, Involved: true}, true},
		{"investigator", user("i", vigil.RoleInvestigator, "", "ind"), vigil.ActCaseView, vigil.Target{Case: c}, true},
		{"investigator cannot decide", user("i", vigil.RoleInvestigator, "", "ind"), vigil.ActCaseDecide, vigil.Target{Case: c}, false},
		{"administrator sees no case", user("a", vigil.RoleAdministrator, "", "agency"), vigil.ActCaseView, vigil.Target{Case: c}, false},
		{"administrator administers own agency", user("a", vigil.RoleAdministrator, "", "agency"), vigil.ActUserAdmin, vigil.Target{Agency: "agency"}, true},
		{"administrator, other agency", user("a", vigil.RoleAdministrator, "", "agency"), vigil.ActUserAdmin, vigil.Target{Agency: "police"}, false},
		{"scrutiny sees statistics", user("s", vigil.RoleScrutinyMember, "", "ind"), vigil.ActStatsView, vigil.Target{}, true},
		{"scrutiny opens no case", user("s", vigil.RoleScrutinyMember, "", "ind"), vigil.ActCaseView, vigil.Target{Case: c}, false},
		{"conflict closes the case to its owner", user("owner", vigil.RoleSocialWorker, "team", "agency"), vigil.ActCaseView, vigil.Target{Case: c, Conflict: true}, false},
		{"conflict closes it to an investigator too", user("i", vigil.RoleInvestigator, "", "ind"), vigil.ActCaseView, vigil.Target{Case: c, Conflict: true}, false},
		{"suspended owner", &vigil.User{ID: "owner", Role: vigil.RoleSocialWorker, TeamID: "team", AgencyID: "agency", Status: vigil.UserSuspended}, vigil.ActCaseView, vigil.Target{Case: c}, false},
		{"nobody", nil, vigil.ActCaseView, vigil.Target{Case: c}, false},
	}
	for _, tt := range tests {
		if got := vigil.Can(tt.u, tt.action, tt.t); got != tt.want {
			t.Errorf("%s: Can = %v, want %v", tt.name, got, tt.want)
		}
	}
}

// TestAgencyGrants shows a deployment changing one agency's grants without code.
func TestAgencyGrants(t *testing.T) {
	saved := vigil.Permissions
	defer func() { vigil.Permissions = saved }()
	vigil.Permissions = &vigil.Policy{Default: vigil.DefaultGrants, Agencies: map[vigil.ID]vigil.Grants{
		"police": {vigil.RolePoliceAnalyst: {vigil.ActCaseView: vigil.ScopeAgency, vigil.ActConcernRaise: vigil.ScopeAll}},
	}}
	c := &vigil.Case{ID: "c", OwnerID: "o", TeamID: "ppu", AgencyID: "police"}
	analyst := &vigil.User{ID: "a", Role: vigil.RolePoliceAnalyst, AgencyID: "police", Status: vigil.UserActive}
	if !vigil.Can(analyst, vigil.ActCaseView, vigil.Target{Case: c}) {
		t.Error("the police's own grant for analysts did not apply")
	}
	elsewhere := &vigil.User{ID: "b", Role: vigil.RolePoliceAnalyst, AgencyID: "other", Status: vigil.UserActive}
	if vigil.Can(elsewhere, vigil.ActCaseView, vigil.Target{Case: &vigil.Case{ID: "d", OwnerID: "o", AgencyID: "other"}}) {
		t.Error("one agency's grant leaked to another")
	}
}

func BenchmarkCan(b *testing.B) {
	c := &vigil.Case{ID: "c", OwnerID: "owner", TeamID: "team", AgencyID: "agency"}
	u := &vigil.User{ID: "m", Role: vigil.RoleTeamManager, TeamID: "other", AgencyID: "agency", Status: vigil.UserActive}
	t := vigil.Target{Case: c}
	n := 0
	for b.Loop() {
		if vigil.Can(u, vigil.ActCaseDecide, t) {
			n++
		}
	}
	if n == 0 {
		b.Fatal("never allowed")
	}
}
