package sqlstore_test

import (
	"context"
	"testing"

	"github.com/vigil-project/vigil"
)

// listedAndOpened reports whether actor finds case id in their case list,
// and whether they may open its page.
func listedAndOpened(t *testing.T, e *env, actor vigil.Actor, id vigil.ID) (listed, opened bool) {
	t.Helper()
	ctx := context.Background()
	list, err := e.store.Cases(ctx, actor, vigil.CaseFilter{})
	if err != nil {
		t.Fatal(err)
	}
	for _, c := range list {
		listed = listed || c.ID == id
	}
	_, err = e.store.FindCase(ctx, actor, id, "test")
	switch vigil.ErrorCode(err) {
	case "":
		opened = true
	case vigil.ENOTFOUND:
	default:
		t.Fatal(err)
	}
	return listed, opened
}

// TestAgencyGrants changes the council's grants for social workers, as a
// grants file given to `vigil serve --grants` does, and checks that the
// case page and the case list change together: wider, then none at all;
// that another agency's social workers keep the defaults; that each load
// is in the log; and that, under each policy, every demo user's list is
// exactly what vigil.CanViewCase lets them open.
func TestAgencyGrants(t *testing.T) {
	t.Cleanup(func() { vigil.Permissions = vigil.NewPolicy(nil) })
	engines(t, func(t *testing.T, e *env) {
		ctx := context.Background()
		defer func() { vigil.Permissions = vigil.NewPolicy(nil) }()
		cs := e.raise(t, 0)              // owned by the duty manager, in the front door team
		sw := e.user(t, "social.worker") // the assessment team: another team
		council := e.town.Agencies[vigil.AgencyChildrensServices]
		load := func(grants string) {
			t.Helper()
			g, err := vigil.ParseGrants([]byte(grants))
			if err != nil {
				t.Fatal(err)
			}
			if err := e.store.UseGrants(ctx, g); err != nil {
				t.Fatal(err)
			}
		}
		for _, step := range []struct {
			name         string
			grants       string // "" for the national defaults
			swSees       bool   // social.worker, of another team
			sw2Sees      bool   // social.worker2, of the owner's team
			policeAnSees bool   // a police analyst, of another agency
		}{
			{name: "defaults: the team reaches", sw2Sees: true},
			{name: "the council's social workers reach the agency",
				grants: `{"agencies": {"` + council.Name + `": {"social_worker": {"case.view": "agency", "case.hold": "all"}}}}`,
				swSees: true, sw2Sees: true},
			{name: "the council's social workers see nothing",
				grants: `{"agencies": {"` + string(council.ID) + `": {"social_worker": {"case.hold": "all"}}}}`},
			{name: "the police's analysts see every case",
				grants:       `{"agencies": {"` + e.town.Agencies[vigil.AgencyPolice].Name + `": {"police_analyst": {"case.view": "all"}}}}`,
				sw2Sees:      true,
				policeAnSees: true},
		} {
			t.Run(step.name, func(t *testing.T) {
				vigil.Permissions = vigil.NewPolicy(nil)
				if step.grants != "" {
					load(step.grants)
				}
				for who, want := range map[string]bool{"social.worker": step.swSees, "social.worker2": step.sw2Sees, "police.analyst": step.policeAnSees} {
					actor := sw
					if who != "social.worker" {
						actor = e.user(t, who)
					}
					listed, opened := listedAndOpened(t, e, actor, cs.ID)
					if listed != want || opened != want {
						t.Errorf("%s: listed %v, page opened %v; want both %v", who, listed, opened, want)
					}
				}
				// Under each policy, every list is what Can allows.
				all, err := e.store.Cases(ctx, e.user(t, "investigator"), vigil.CaseFilter{})
				if err != nil {
					t.Fatal(err)
				}
				for _, l := range e.town.Logins {
					listed, err := e.store.Cases(ctx, vigil.UserActor(l.User), vigil.CaseFilter{})
					if err != nil {
						t.Fatal(err)
					}
					got := map[vigil.ID]bool{}
					for _, c := range listed {
						got[c.ID] = true
					}
					for _, c := range all {
						var involved int
						e.db.Reader.QueryRow(e.db.Rebind(`SELECT (SELECT COUNT(*) FROM concerns WHERE case_id = ? AND raised_by = ?)
							+ (SELECT COUNT(*) FROM agency_referrals WHERE case_id = ? AND to_agency = ? AND ? <> 'administrator')`),
							c.ID, l.User.ID, c.ID, l.User.AgencyID, l.User.Role).Scan(&involved)
						if want := vigil.CanViewCase(l.User, c, involved > 0); want != got[c.ID] {
							t.Errorf("%s: case %s listed=%v, may open=%v", l.Username, c.Ref, got[c.ID], want)
						}
					}
				}
			})
		}
		if n := countKind(t, e, "grants.loaded", "agencies"); n != 3 {
			t.Errorf("%d grant loads logged, want 3", n)
		}
		if err := e.store.UseGrants(ctx, &vigil.AgencyGrants{Agencies: map[string]vigil.Grants{"No Such Council": {}}}); vigil.ErrorCode(err) != vigil.EINVALID {
			t.Errorf("grants for an unknown agency: %v", err)
		}
		e.verify(t)
	})
}
