package vigil

import (
	"slices"
	"testing"
)

// FuzzParseGrants: a grants file comes from outside the code (a deployer's
// file). Whatever it holds, the parser does not panic, refuses with
// EINVALID, and accepts only known roles, actions and scopes.
func FuzzParseGrants(f *testing.F) {
	for _, seed := range []string{
		`{"agencies": {"Council": {"social_worker": {"case.view": "agency", "case.hold": "all"}}}}`,
		`{"agencies": {"Council": {"referrer": {}}}}`,
		`{"agencies": {}}`,
		`{"agencies": {"Council": {"mayor": {"case.view": "all"}}}}`,
		`{"agencies": {"Council": {"social_worker": {"case.view": "everyone"}}}}`,
		`{"agencies": {"Council": {"social_worker": {"case.view": 4}}}}`,
		`{"agencies": {"": {"": {"": ""}}}}`,
		`{"agencies": null}`,
		`{"agencies": {}} {}`,
		"",
		"\xff",
	} {
		f.Add([]byte(seed))
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		g, err := ParseGrants(data)
		if err != nil {
			if ErrorCode(err) != EINVALID {
				t.Fatalf("refused with %q, want EINVALID: %v", ErrorCode(err), err)
			}
			return
		}
		if len(g.Agencies) == 0 {
			t.Fatal("accepted a file with no agency")
		}
		for _, grants := range g.Agencies {
			for role, actions := range grants {
				if !role.Valid() {
					t.Fatalf("accepted role %q", role)
				}
				for a, s := range actions {
					if !slices.Contains(Actions, a) || s < ScopeNone || s > ScopeAll {
						t.Fatalf("accepted %q: %v", a, s)
					}
				}
			}
		}
	})
}

// FuzzParseHotspotPeriod: a hotspot period comes from a query string.
// Whatever it holds, the parser does not panic; a refusal is EINVALID on
// year, from or to; an accepted period is non-empty and has a name.
func FuzzParseHotspotPeriod(f *testing.F) {
	for _, seed := range [][3]string{
		{"2025", "", ""}, {"", "2025-03-01", "2025-06-30"}, {"", "2025-03-01", ""}, {"", "", "2025-06-30"},
		{"2025", "2025-01-01", ""}, {"20x5", "", ""}, {"", "2025-02-30", ""}, {"", "2025-06-30", "2025-03-01"},
		{"9999", "", ""}, {"", "0000-01-01", "9999-12-31"}, {"-001", "", ""}, {"", "", ""},
	} {
		f.Add(seed[0], seed[1], seed[2])
	}
	f.Fuzz(func(t *testing.T, year, from, to string) {
		q, err := ParseHotspotPeriod(year, from, to)
		if err != nil {
			fs := ErrorFields(err)
			if ErrorCode(err) != EINVALID || len(fs) == 0 {
				t.Fatalf("refused with %v, want EINVALID with fields", err)
			}
			for _, f := range fs {
				if f.Field != "year" && f.Field != "from" && f.Field != "to" {
					t.Fatalf("refused on field %q", f.Field)
				}
			}
			return
		}
		if !q.From.IsZero() && !q.To.IsZero() && !q.From.Before(q.To) {
			t.Fatalf("accepted an empty period [%v, %v)", q.From, q.To)
		}
		if (q.Label() == "") != q.PerYear() {
			t.Fatalf("label %q for per-year %v", q.Label(), q.PerYear())
		}
	})
}
