package vigil_test

import (
	"strings"
	"testing"

	"github.com/vigil-project/vigil"
)

func TestValidateMentions(t *testing.T) {
	age := 40
	tests := []struct {
		name  string
		m     vigil.Mention
		field string // "" for valid
	}{
		{"suspect known only as an older man", vigil.Mention{Kind: vigil.MentionPerson, Role: vigil.MentionSuspect, Gender: "M"}, ""},
		{"carer with a partial date", vigil.Mention{Kind: vigil.MentionPerson, Role: vigil.MentionCarer, FullName: "Jo Bloggs", DateOfBirth: "1979-02"}, ""},
		{"partial plate", vigil.Mention{Kind: vigil.MentionVehicle, Plate: "?B12 CD?", Colour: "silver"}, ""},
		{"venue described, not named", vigil.Mention{Kind: vigil.MentionVenue, VenueKind: "hotel", Address: "Ring Road"}, ""},
		{"handle", vigil.Mention{Kind: vigil.MentionHandle, Platform: "Snapchat", Handle: "jay_x"}, ""},
		{"unknown kind", vigil.Mention{Kind: "boat", Plate: "X"}, "mentions[0].kind"},
		{"person without role", vigil.Mention{Kind: vigil.MentionPerson, GivenName: "Jay"}, "mentions[0].role"},
		{"vehicle with a role", vigil.Mention{Kind: vigil.MentionVehicle, Role: vigil.MentionSuspect, Plate: "AB12CDE"}, "mentions[0].role"},
		{"empty vehicle", vigil.Mention{Kind: vigil.MentionVehicle}, "mentions[0].kind"},
		{"empty phone", vigil.Mention{Kind: vigil.MentionPhone, Phone: "   "}, "mentions[0].kind"},
		{"empty address", vigil.Mention{Kind: vigil.MentionAddress}, "mentions[0].kind"},
		{"date in another format", vigil.Mention{Kind: vigil.MentionPerson, Role: vigil.MentionChild, DateOfBirth: "14/03/2011"}, "mentions[0].date_of_birth"},
		{"month 13", vigil.Mention{Kind: vigil.MentionPerson, Role: vigil.MentionChild, DateOfBirth: "2011-13"}, "mentions[0].date_of_birth"},
		{"age out of range", vigil.Mention{Kind: vigil.MentionPerson, Role: vigil.MentionSuspect, Age: func() *int { a := 200; return &a }()}, "mentions[0].age"},
		{"age in range", vigil.Mention{Kind: vigil.MentionPerson, Role: vigil.MentionSuspect, Age: &age}, ""},
		{"plate too long", vigil.Mention{Kind: vigil.MentionVehicle, Plate: strings.Repeat("A", 21)}, "mentions[0].plate"},
		{"not text", vigil.Mention{Kind: vigil.MentionPhone, Phone: "0770\xff"}, "mentions[0].phone"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			err := vigil.ValidateMentions([]vigil.Mention{tt.m})
			if tt.field == "" {
				if err != nil {
					t.Fatalf("ValidateMentions: %v %v", err, vigil.ErrorFields(err))
				}
				return
			}
			found := false
			for _, f := range vigil.ErrorFields(err) {
				found = found || f.Field == tt.field
			}
			if !found {
				t.Errorf("ValidateMentions = %v %v, want an error on %s", err, vigil.ErrorFields(err), tt.field)
			}
		})
	}
	ms := []vigil.Mention{{Kind: vigil.MentionPhone, Phone: " 07700 900123 "}}
	if err := vigil.ValidateMentions(ms); err != nil || ms[0].Phone != "07700 900123" {
		t.Errorf("not trimmed: %q %v", ms[0].Phone, err)
	}
	if err := vigil.ValidateMentions(make([]vigil.Mention, vigil.MaxMentions+1)); vigil.ErrorCode(err) != vigil.EINVALID {
		t.Errorf("too many mentions accepted: %v", err)
	}
}
