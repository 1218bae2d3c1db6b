package speakup

import (
	"bytes"
	"errors"
	"testing"

	"github.com/vigil-project/vigil"
)

func TestSealForEachRecipient(t *testing.T) {
	alicePub, aliceWrapped, err := NewRecipientKey("alice's long password")
	if err != nil {
		t.Fatal(err)
	}
	bobPub, bobWrapped, err := NewRecipientKey("bob's long password")
	if err != nil {
		t.Fatal(err)
	}
	reporter, private, err := NewReporterKey("r1")
	if err != nil {
		t.Fatal(err)
	}
	plain := []byte("The finding was changed before it went to the committee.")
	ct, err := Seal(plain, []string{alicePub, reporter.PublicKey()})
	if err != nil {
		t.Fatal(err)
	}
	if bytes.Contains(ct, plain) || bytes.Contains(ct, []byte("finding")) {
		t.Fatal("the ciphertext holds the plaintext")
	}
	// A second seal of the same text uses a new file key: no two ciphertexts match.
	ct2, _ := Seal(plain, []string{alicePub, reporter.PublicKey()})
	if bytes.Equal(ct, ct2) {
		t.Error("two seals gave the same ciphertext")
	}

	alice, err := UnlockRecipientKey("u-alice", aliceWrapped, "alice's long password", alicePub)
	if err != nil {
		t.Fatal(err)
	}
	if got, err := alice.Open(ct); err != nil || !bytes.Equal(got, plain) {
		t.Errorf("recipient Open = %q, %v", got, err)
	}
	again, err := ReporterKeyFrom("r1", private)
	if err != nil {
		t.Fatal(err)
	}
	if got, err := again.Open(ct); err != nil || !bytes.Equal(got, plain) {
		t.Errorf("reporter Open = %q, %v", got, err)
	}
	// Bob was not a recipient: his own key, correctly unlocked, cannot open it.
	bob, err := UnlockRecipientKey("u-bob", bobWrapped, "bob's long password", bobPub)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := bob.Open(ct); !errors.Is(err, ErrCannotOpen) {
		t.Errorf("a key the report was not sealed for opened it: %v", err)
	}
	var none *Keyring
	if _, err := none.Open(ct); !errors.Is(err, ErrCannotOpen) {
		t.Errorf("no key opened it: %v", err)
	}
}

func TestUnlockWrongPassword(t *testing.T) {
	pub, wrapped, err := NewRecipientKey("the right password")
	if err != nil {
		t.Fatal(err)
	}
	if _, err := UnlockRecipientKey("u", wrapped, "the wrong password", pub); !errors.Is(err, ErrWrongPassword) {
		t.Errorf("wrong password: %v", err)
	}
	if bytes.Contains(wrapped, []byte("AGE-SECRET-KEY")) {
		t.Error("the wrapped key holds the private key in the clear")
	}
	if _, err := UnlockRecipientKey("u", wrapped, "the right password", pub); err != nil {
		t.Errorf("right password: %v", err)
	}
	other, _, _ := NewRecipientKey("another password")
	if _, err := UnlockRecipientKey("u", wrapped, "the right password", other); err == nil {
		t.Error("a wrapped key was accepted for another public key: a swapped key row would go unnoticed")
	}
}

func TestRouteReport(t *testing.T) {
	council, police, panel, school := vigil.ID("council"), vigil.ID("police"), vigil.ID("panel"), vigil.ID("school")
	routes := []Route{
		{ChannelChild, council, ""}, {ChannelChild, panel, ""},
		{ChannelStaff, panel, ""}, {ChannelStaff, council, ""}, {ChannelStaff, police, ""},
		{ChannelYoungPerson, school, ""},
		// Reports about the school also go to the council; reports about
		// the panel go to the police alone beyond the general routes, and
		// a route about the panel to the panel is dropped.
		{ChannelYoungPerson, council, school}, {ChannelYoungPerson, police, panel}, {ChannelYoungPerson, panel, panel},
	}
	recips := []*Recipient{
		{ID: "rc1", AgencyID: council, Active: true},
		{ID: "rc2", AgencyID: panel, Active: true, Custodian: true},
		{ID: "rc3", AgencyID: police, Active: true},
		{ID: "rc4", AgencyID: panel, Active: false},
	}
	tests := []struct {
		name         string
		ch           Channel
		about        vigil.ID
		wantAgencies []vigil.ID
		wantTo       []vigil.ID
	}{
		{"child concern", ChannelChild, "", []vigil.ID{council, panel}, []vigil.ID{"rc1", "rc2"}},
		{"whistle-blowing about the council never reaches the council", ChannelStaff, council, []vigil.ID{panel, police}, []vigil.ID{"rc2", "rc3"}},
		{"whistle-blowing about the police", ChannelStaff, police, []vigil.ID{panel, council}, []vigil.ID{"rc1", "rc2"}},
		{"child concern about the council", ChannelChild, council, []vigil.ID{panel}, []vigil.ID{"rc2"}},
		{"no recipient enrolled: no routing", ChannelYoungPerson, "", nil, nil},
		{"a route about one organisation applies to reports about it", ChannelYoungPerson, school, []vigil.ID{council}, []vigil.ID{"rc1"}},
		{"a route about an organisation to itself is dropped", ChannelYoungPerson, panel, []vigil.ID{police}, []vigil.ID{"rc3"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			agencies, to := RouteReport(tt.ch, tt.about, routes, recips)
			var ids []vigil.ID
			for _, r := range to {
				ids = append(ids, r.ID)
				if r.AgencyID == tt.about {
					t.Errorf("routed to %s, of the organisation the report is about", r.ID)
				}
			}
			if !equalIDs(agencies, tt.wantAgencies) || !equalIDs(ids, tt.wantTo) {
				t.Errorf("RouteReport = %v %v, want %v %v", agencies, ids, tt.wantAgencies, tt.wantTo)
			}
		})
	}
	if c := Custodians(recips); len(c) != 1 || c[0].ID != "rc2" {
		t.Errorf("Custodians = %v", c)
	}
}

func equalIDs(a, b []vigil.ID) bool {
	if len(a) != len(b) {
		return false
	}
	for i := range a {
		if a[i] != b[i] {
			return false
		}
	}
	return true
}

func TestValidate(t *testing.T) {
	tests := []struct {
		name  string
		n     NewReport
		field string
	}{
		{"nothing said", NewReport{Content: Content{Channel: ChannelChild}}, "what"},
		{"staff report about nobody", NewReport{Content: Content{Channel: ChannelStaff, What: "x"}}, "about"},
		{"unknown channel", NewReport{Content: Content{Channel: "gossip", What: "x"}}, "channel"},
		{"NUL in text", NewReport{Content: Content{Channel: ChannelChild, What: "a\x00b"}}, "what"},
		{"too many photos", NewReport{Content: Content{Channel: ChannelChild, What: "x"}, Attachments: make([]Upload, MaxAttachments+1)}, "attachment"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			err := tt.n.Validate()
			fields := vigil.ErrorFields(err)
			if len(fields) == 0 || fields[0].Field != tt.field {
				t.Errorf("Validate = %v, want a problem with %s", err, tt.field)
			}
		})
	}
	ok := NewReport{Content: Content{Channel: ChannelYoungPerson, What: "Someone at the park keeps messaging me"}}
	if err := ok.Validate(); err != nil {
		t.Errorf("a good report: %v", err)
	}
}
