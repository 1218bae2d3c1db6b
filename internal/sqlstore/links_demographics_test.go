package sqlstore

import (
	"reflect"
	"testing"

	"github.com/vigil-project/vigil"
)

// TestDemographicsNotRead: what linking reads of a mention (the person
// linker's input, exact keys, vehicle descriptions, venue districts, taxi
// firms) is the same whatever its gender, ethnicity and nationality.
func TestDemographicsNotRead(t *testing.T) {
	age := 30
	ms := []vigil.Mention{
		{Kind: vigil.MentionPerson, Role: vigil.MentionSuspect, GivenName: "Tariq", FamilyName: "Khan", DateOfBirth: "1990-04", Age: &age,
			Phone: "07700 900123", Address: "4 Mill Lane", Postcode: "S60 1AA", Email: "tk@example.com", Identifier: "AB123456C"},
		{Kind: vigil.MentionVehicle, Plate: "YX19 K?I", Make: "Toyota", Colour: "silver", TaxiFirm: "Star Cars"},
		{Kind: vigil.MentionPhone, Phone: "07700 900123"},
		{Kind: vigil.MentionHandle, Platform: "Snapchat", Handle: "@tk"},
		{Kind: vigil.MentionAddress, Address: "4 Mill Lane", Postcode: "S60 1AA"},
		{Kind: vigil.MentionVenue, VenueName: "Star Kebabs", VenueKind: "takeaway", Postcode: "S60 1AA"},
	}
	read := func(m *vigil.Mention) []any {
		d, ev := vehicleDescription(m)
		return []any{personMention(m), keyOf(m), d, ev, venueDistrict(m), firmKey(m), named(m)}
	}
	for _, m := range ms {
		base := read(&m)
		for _, d := range []struct{ gender, ethnicity, nationality string }{
			{"female", "white_british", "GB"}, {"male", "pakistani", "PK"}, {"X", "other", "RO"},
		} {
			x := m
			x.Gender, x.Ethnicity, x.Nationality = d.gender, d.ethnicity, d.nationality
			if got := read(&x); !reflect.DeepEqual(got, base) {
				t.Errorf("%s mention read differently with %+v:\n%#v\nwant\n%#v", m.Kind, d, got, base)
			}
		}
	}
}
