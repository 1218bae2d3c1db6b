package vigil_test

import (
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/vigil-project/vigil"
)

func TestNewConcernValidate(t *testing.T) {
	now := time.Date(2026, 11, 23, 12, 0, 0, 0, time.UTC)
	age := func(n int) *int { return &n }
	tests := []struct {
		name   string
		in     vigil.NewConcern
		fields []string // fields with errors, in order
	}{
		{"professional complete", vigil.NewConcern{Source: vigil.SourceProfessional, Child: vigil.Child{Name: "A B", DateOfBirth: "2012-03-27"}, WhatHappened: "x"}, nil},
		{"professional with age", vigil.NewConcern{Source: vigil.SourceProfessional, Child: vigil.Child{Name: "A B", Age: age(12)}, WhatHappened: "x"}, nil},
		{"public knows nothing but what happened", vigil.NewConcern{Source: vigil.SourcePublic, WhatHappened: "x"}, nil},
		{"professional missing name and age", vigil.NewConcern{Source: vigil.SourceProfessional, WhatHappened: "x"}, []string{"child.name", "child.date_of_birth"}},
		{"nothing happened", vigil.NewConcern{Source: vigil.SourcePublic}, []string{"what_happened"}},
		{"no source", vigil.NewConcern{WhatHappened: "x"}, []string{"source"}},
		{"not a date", vigil.NewConcern{Source: vigil.SourcePublic, Child: vigil.Child{DateOfBirth: "2012-02-30"}, WhatHappened: "x"}, []string{"child.date_of_birth"}},
		{"born in the future", vigil.NewConcern{Source: vigil.SourcePublic, Child: vigil.Child{DateOfBirth: "2027-01-01"}, WhatHappened: "x"}, []string{"child.date_of_birth"}},
		{"an adult", vigil.NewConcern{Source: vigil.SourcePublic, Child: vigil.Child{DateOfBirth: "2008-11-23"}, WhatHappened: "x"}, []string{"child.date_of_birth"}},
		{"a child the day before 18", vigil.NewConcern{Source: vigil.SourcePublic, Child: vigil.Child{DateOfBirth: "2008-11-24"}, WhatHappened: "x"}, nil},
		{"a child when reported by phone, 18 now", vigil.NewConcern{Source: vigil.SourcePublic, ReceivedAt: now.Add(-48 * time.Hour), Child: vigil.Child{DateOfBirth: "2008-11-22"}, WhatHappened: "x"}, nil},
		{"age out of range", vigil.NewConcern{Source: vigil.SourcePublic, Child: vigil.Child{Age: age(18)}, WhatHappened: "x"}, []string{"child.age"}},
		{"received in the future", vigil.NewConcern{Source: vigil.SourcePublic, ReceivedAt: now.Add(time.Hour), WhatHappened: "x"}, []string{"received_at"}},
		{"received over a year ago", vigil.NewConcern{Source: vigil.SourcePublic, ReceivedAt: now.AddDate(-1, 0, -1), WhatHappened: "x"}, []string{"received_at"}},
		{"too long", vigil.NewConcern{Source: vigil.SourcePublic, WhatHappened: strings.Repeat("é", vigil.MaxWhatHappenedLen+1)}, []string{"what_happened"}},
		{"NUL in a name", vigil.NewConcern{Source: vigil.SourcePublic, Child: vigil.Child{Name: "a\x00b"}, WhatHappened: "x"}, []string{"child.name"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			err := tt.in.Validate(now)
			var got []string
			for _, f := range vigil.ErrorFields(err) {
				got = append(got, f.Field)
			}
			if diff := cmp.Diff(tt.fields, got); diff != "" {
				t.Errorf("fields with errors (-want +got):\n%s", diff)
			}
			if err != nil && vigil.ErrorCode(err) != vigil.EINVALID {
				t.Errorf("code = %s, want invalid", vigil.ErrorCode(err))
			}
		})
	}
}

func TestIDsAndReferences(t *testing.T) {
	seen := map[vigil.ID]bool{}
	for range 1000 {
		id := vigil.NewID()
		if !id.Valid() || seen[id] {
			t.Fatalf("bad or repeated id %q", id)
		}
		seen[id] = true
	}
	for _, bad := range []vigil.ID{"", "short", "AAAAAAAAAAAAAAAAAAAAAAAAAA", "aaaaaaaaaaaaaaaaaaaaaaaaa1", "../../../../etc/passwd....."} {
		if bad.Valid() {
			t.Errorf("%q counted as valid", bad)
		}
	}
	ref := regexp.MustCompile(`^VC-[0-9A-HJKMNP-TV-Z]{4}-[0-9A-HJKMNP-TV-Z]{4}$`)
	for range 100 {
		if r := vigil.NewReference("VC"); !ref.MatchString(r) {
			t.Fatalf("reference %q", r)
		}
	}
}

func TestErrorStatus(t *testing.T) {
	for code, want := range map[string]int{vigil.EINVALID: 422, vigil.ENOTFOUND: 404, vigil.EFORBIDDEN: 403, vigil.EUNAUTHORIZED: 401,
		vigil.ECONFLICT: 409, vigil.ETOOLARGE: 413, vigil.EUNAVAILABLE: 503, vigil.EINTERNAL: 500, "": 500} {
		if got := vigil.ErrorStatus(code); got != want {
			t.Errorf("ErrorStatus(%q) = %d, want %d", code, got, want)
		}
	}
}
