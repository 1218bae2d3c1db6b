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

// SeedSpeakUp sets up the speak-up channel of a seeded town: reports about
// children go to the council's children's services and to the independent
// oversight body; whistle-blowing goes to the independent body alone. The
// scrutiny panel member, the commissioner (a custodian) and the council's
// duty manager are enrolled as recipients with their demo passwords.
func SeedSpeakUp(ctx context.Context, admin speakup.Admin, town *Town) error {
	sys := vigil.SystemActor
	council, independent := town.Agencies[vigil.AgencyChildrensServices], town.Agencies[vigil.AgencyIndependent]
	for _, r := range []speakup.Route{
		{Channel: speakup.ChannelChild, AgencyID: council.ID},
		{Channel: speakup.ChannelChild, AgencyID: independent.ID},
		{Channel: speakup.ChannelYoungPerson, AgencyID: council.ID},
		{Channel: speakup.ChannelYoungPerson, AgencyID: independent.ID},
		{Channel: speakup.ChannelStaff, AgencyID: independent.ID},
	} {
		if err := admin.SetRoute(ctx, sys, r, true); err != nil {
			return fmt.Errorf("synth: speak-up route: %w", err)
		}
	}
	for _, rc := range SpeakUpRecipients {
		l := town.Login(rc.Username)
		if l == nil {
			return fmt.Errorf("synth: no demo user %s", rc.Username)
		}
		if _, err := admin.Enrol(ctx, vigil.UserActor(l.User), l.Password); err != nil {
			return fmt.Errorf("synth: enrol %s: %w", rc.Username, err)
		}
		if rc.Custodian {
			if err := admin.SetCustodian(ctx, sys, l.User.ID, true); err != nil {
				return fmt.Errorf("synth: custodian %s: %w", rc.Username, err)
			}
		}
	}
	return nil
}
