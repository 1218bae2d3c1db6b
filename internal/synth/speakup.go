package synth

import (
	"context"
	"fmt"

	"github.com/vigil-project/vigil"
	"github.com/vigil-project/vigil/internal/speakup"
)

// SpeakUpRecipients are the demo accounts enrolled to receive speak-up
// reports, and whether each is a custodian of reporters' identities.
var SpeakUpRecipients = []struct {
	Username  string
	Custodian bool
}{
	{"scrutiny", false},
	{"commissioner", true},
	{"duty.manager", false},
}

// SpeakUpConfig is the demo's speak-up configuration, in the form a
// deployment writes for `vigil serve --speakup`: reports about children go
// to the council's children's services and to the independent oversight
// body; whistle-blowing goes to the independent body, and whistle-blowing
// about the independent body itself to the police; the commissioner is
// the custodian of reporters' identities.
func SpeakUpConfig(town *Town) *speakup.Config {
	council, independent := town.Agencies[vigil.AgencyChildrensServices].Name, town.Agencies[vigil.AgencyIndependent].Name
	police := town.Agencies[vigil.AgencyPolice].Name
	var custodians, recipients []string
	for _, rc := range SpeakUpRecipients {
		if rc.Custodian {
			custodians = append(custodians, rc.Username)
		}
		recipients = append(recipients, rc.Username)
	}
	return &speakup.Config{Routes: []speakup.ConfigRoute{
		{Channel: speakup.ChannelChild, To: council},
		{Channel: speakup.ChannelChild, To: independent},
		{Channel: speakup.ChannelYoungPerson, To: council},
		{Channel: speakup.ChannelYoungPerson, To: independent},
		{Channel: speakup.ChannelStaff, To: independent},
		{Channel: speakup.ChannelStaff, About: independent, To: police},
	}, Custodians: custodians, Recipients: recipients}
}

// SeedSpeakUp sets up the speak-up channel of a seeded town with
// SpeakUpConfig, through the same path as `vigil serve --speakup`, and
// enrols the scrutiny panel member, the commissioner and the council's
// duty manager as recipients with their demo passwords: the file approves
// the first two keys, and the commissioner, a custodian, the council's.
func SeedSpeakUp(ctx context.Context, admin speakup.Admin, town *Town) error {
	if _, err := admin.Configure(ctx, vigil.SystemActor, SpeakUpConfig(town)); err != nil {
		return fmt.Errorf("synth: speak-up configuration: %s", vigil.ErrorMessage(err))
	}
	for _, rc := range SpeakUpRecipients {
		l := town.Login(rc.Username)
		if l == nil {
			return fmt.Errorf("synth: no demo user %s", rc.Username)
		}
		if _, err := admin.Enrol(ctx, vigil.UserActor(l.User), l.Password); err != nil {
			return fmt.Errorf("synth: enrol %s: %w", rc.Username, err)
		}
	}
	// The file approved the first keys, of the independent body, since
	// nobody could yet; the custodian approves the council's.
	approver := vigil.UserActor(town.Login("commissioner").User)
	pending, err := admin.KeyApprovals(ctx, approver)
	if err != nil {
		return fmt.Errorf("synth: key approvals: %w", err)
	}
	for _, a := range pending {
		if err := admin.DecideKey(ctx, approver, a.ID, true); err != nil {
			return fmt.Errorf("synth: approve the key of %s: %w", a.Username, err)
		}
	}
	return nil
}
