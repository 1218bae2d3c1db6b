package sqlstore_test

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/vigil-project/vigil"
	"github.com/vigil-project/vigil/internal/speakup"
	"github.com/vigil-project/vigil/internal/synth"
)

// TestSpeakUpConfigure applies deployment configurations: refusals name
// what is wrong and change nothing; an accepted file becomes the whole
// configuration, each change logged; custodians may be named before they
// enrol; a channel's clocks apply to new reports.
func TestSpeakUpConfigure(t *testing.T) {
	engines(t, func(t *testing.T, e *env) {
		ctx := context.Background()
		e.speakUp(t)
		sys := vigil.SystemActor
		before, err := e.store.Routes(ctx)
		if err != nil {
			t.Fatal(err)
		}
		council := e.town.Agencies[vigil.AgencyChildrensServices]
		independent := e.town.Agencies[vigil.AgencyIndependent]
		police := e.town.Agencies[vigil.AgencyPolice]

		refused := []struct {
			name string
			cfg  speakup.Config
			want string
		}{
			{"unknown agency", speakup.Config{Routes: []speakup.ConfigRoute{{Channel: speakup.ChannelStaff, To: "Ministry of Silence"}}},
				`no agency called "Ministry of Silence"`},
			// By name on one side and id on the other: caught once resolved.
			{"reports about an organisation to itself", speakup.Config{Routes: []speakup.ConfigRoute{
				{Channel: speakup.ChannelStaff, To: independent.Name}, {Channel: speakup.ChannelStaff, About: string(council.ID), To: council.Name}}},
				"cannot be sent to " + council.Name + " itself"},
			{"unknown custodian", speakup.Config{Custodians: []string{"nobody.here"}}, `username "nobody.here"`},
			{"an administrator as custodian", speakup.Config{Custodians: []string{"admin"}}, "admin cannot be a custodian"},
		}
		for _, tt := range refused {
			t.Run(tt.name, func(t *testing.T) {
				_, err := e.store.Configure(ctx, sys, &tt.cfg)
				msgs := vigil.ErrorMessage(err)
				for _, f := range vigil.ErrorFields(err) {
					msgs += "\n" + f.Message
				}
				if vigil.ErrorCode(err) != vigil.EINVALID || !strings.Contains(msgs, tt.want) {
					t.Fatalf("Configure: %v (%s), want EINVALID saying %q", err, msgs, tt.want)
				}
				after, _ := e.store.Routes(ctx)
				if len(after) != len(before) {
					t.Errorf("a refused configuration changed the routes: %v, was %v", after, before)
				}
			})
		}
		if _, err := e.store.Configure(ctx, e.user(t, "admin"), synth.SpeakUpConfig(e.town)); vigil.ErrorCode(err) != vigil.EFORBIDDEN {
			t.Errorf("an administrator configured the channel: %v", err)
		}

		// A new file: whistle-blowing to the police as well, the council no
		// longer receives young people's reports, a custodian not yet
		// enrolled, and quicker clocks for the child channel.
		cfg := synth.SpeakUpConfig(e.town)
		var routes []speakup.ConfigRoute
		for _, r := range cfg.Routes {
			if !(r.Channel == speakup.ChannelYoungPerson && r.To == council.Name) {
				routes = append(routes, r)
			}
		}
		cfg.Routes = append(routes, speakup.ConfigRoute{Channel: speakup.ChannelStaff, To: police.Name})
		cfg.Custodians = append(cfg.Custodians, "service.manager")
		cfg.Policies = map[speakup.Channel]speakup.Policy{speakup.ChannelChild: {Acknowledge: vigil.Period{Hours: 48},
			Feedback: vigil.Period{Months: 1}, Retain: vigil.Period{Months: 6}}}
		gaps, err := e.store.Configure(ctx, sys, cfg)
		if err != nil {
			t.Fatal(err)
		}
		if len(gaps) != 0 {
			t.Errorf("gaps = %q, want none", gaps)
		}
		got, _ := e.store.Routes(ctx)
		has := func(r speakup.Route) bool {
			for _, x := range got {
				if x == r {
					return true
				}
			}
			return false
		}
		if !has(speakup.Route{Channel: speakup.ChannelStaff, AgencyID: police.ID}) || has(speakup.Route{Channel: speakup.ChannelYoungPerson, AgencyID: council.ID}) ||
			!has(speakup.Route{Channel: speakup.ChannelStaff, AgencyID: police.ID, About: independent.ID}) {
			t.Errorf("routes after the new file = %+v", got)
		}
		// Applying the same file again changes nothing, so logs nothing.
		size := e.logSize(t)
		if _, err := e.store.Configure(ctx, sys, cfg); err != nil {
			t.Fatal(err)
		}
		if n := e.logSize(t); n != size {
			t.Errorf("the same configuration again wrote %d log entries", n-size)
		}

		// The service manager was named before enrolling: once their key
		// is approved (by the custodian, since an approver exists), they
		// are a custodian.
		sm := e.user(t, "service.manager")
		rc, err := e.store.Enrol(ctx, sm, e.town.Login("service.manager").Password)
		if err != nil {
			t.Fatal(err)
		}
		if rc.Custodian || rc.Approval != speakup.ApprovalPending {
			t.Errorf("a key nobody approved yet: %+v", rc)
		}
		reqs, err := e.store.KeyApprovals(ctx, e.user(t, "commissioner"))
		if err != nil || len(reqs) != 1 || !reqs[0].Custodian {
			t.Fatalf("the custodian's requests: %+v, %v", reqs, err)
		}
		if err := e.store.DecideKey(ctx, e.user(t, "commissioner"), reqs[0].ID, true); err != nil {
			t.Fatal(err)
		}
		if rc, _ := e.store.RecipientOf(ctx, sm); rc == nil || !rc.Custodian {
			t.Error("a custodian named before enrolling is not one after approval")
		}
		// Dropped from the file: no longer a custodian, logged.
		cfg.Custodians = cfg.Custodians[:len(cfg.Custodians)-1]
		if _, err := e.store.Configure(ctx, sys, cfg); err != nil {
			t.Fatal(err)
		}
		if rc, _ := e.store.RecipientOf(ctx, sm); rc == nil || rc.Custodian {
			t.Errorf("after the file dropped them: %+v", rc)
		}
		if k := e.logKinds(t, string(rc.ID)); count(k, "speakup.custodian_set") != 1 {
			t.Errorf("recipient log = %v, want one custodian change", k)
		}

		// The child channel's clock is the configured 48 hours.
		pols, err := e.store.SpeakUpPolicies(ctx)
		if err != nil || pols[speakup.ChannelChild].Acknowledge.Hours != 48 || pols[speakup.ChannelStaff] != speakup.DefaultPolicies()[speakup.ChannelStaff] {
			t.Fatalf("policies = %+v, %v", pols, err)
		}
		start := vigil.Now()
		_, key, err := e.store.Submit(ctx, speakup.NewReport{Content: speakup.Content{Channel: speakup.ChannelChild, What: "A girl of 13 is collected from school by men in cars."}})
		if err != nil {
			t.Fatal(err)
		}
		a, k := e.unlock(t, "commissioner")
		d, err := e.store.Open(ctx, a, k, key.ReportID)
		if err != nil {
			t.Fatal(err)
		}
		for _, dl := range d.Deadlines {
			if dl.Kind == speakup.DeadlineAcknowledge && (dl.Due.Before(start.Add(47*time.Hour)) || dl.Due.After(start.Add(49*time.Hour))) {
				t.Errorf("acknowledgement due %v, want 48 hours after %v", dl.Due, start)
			}
		}
		e.verify(t)
	})
}

func (e *env) logSize(t *testing.T) int {
	t.Helper()
	var n int
	if err := e.db.Reader.QueryRowContext(context.Background(), `SELECT COUNT(*) FROM log_entries`).Scan(&n); err != nil {
		t.Fatal(err)
	}
	return n
}
