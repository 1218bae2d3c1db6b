package web_test

import (
	"context"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/vigil-project/vigil"
	"github.com/vigil-project/vigil/internal/speakup"
)

// TestSpeakUpKeyAfterReset walks a recipient whose password an
// administrator reset: the inbox says what happened, the key page offers
// to recover the key with the old password, and doing so unlocks it.
func TestSpeakUpKeyAfterReset(t *testing.T) {
	s := newSpeakUpSite(t)
	ctx := context.Background()
	l := s.town.Login("duty.manager")
	old := l.Password
	out, err := s.store.Administer(ctx, vigil.SystemActor, vigil.AdminChange{Action: vigil.AdminResetPassword, UserID: l.User.ID, Reason: "Forgot it"})
	if err != nil {
		t.Fatal(err)
	}
	l.Password = out.Password
	c := s.signIn(t, "duty.manager")
	_, page := s.get(t, c, "/speak-up/key")
	if !strings.Contains(page, "change the password the administrator gave you") {
		t.Errorf("the key page after a reset does not say to change the password first:\n%s", page)
	}
	const mine = "a new password of my own"
	if _, err := s.store.ChangePassword(ctx, vigil.UserActor(l.User), out.Password, mine); err != nil {
		t.Fatal(err)
	}
	l.Password = mine
	c = s.signIn(t, "duty.manager")
	if _, page := s.get(t, c, "/speak-up/inbox"); !strings.Contains(page, "locked with an earlier password") {
		t.Errorf("the inbox does not say the key is locked under an earlier password:\n%s", page)
	}
	if _, page := s.get(t, c, "/speak-up/key"); !strings.Contains(page, "If you remember your old password") || !strings.Contains(page, "Set up a new key") {
		t.Errorf("the key page does not offer both ways out:\n%s", page)
	}
	resp := s.post(t, c, "/speak-up/key/recover", url.Values{"old-password": {"not the old one"}, "password": {mine}}, nil)
	if b := body(t, resp); resp.StatusCode != http.StatusUnauthorized || !strings.Contains(b, "did not unlock your key") {
		t.Errorf("a wrong old password: %d", resp.StatusCode)
	}
	resp = s.post(t, c, "/speak-up/key/recover", url.Values{"old-password": {old}, "password": {mine}}, nil)
	resp.Body.Close()
	if resp.StatusCode != http.StatusSeeOther || !strings.Contains(resp.Header.Get("Location"), "notice=recovered") {
		t.Fatalf("recover: %d %s", resp.StatusCode, resp.Header.Get("Location"))
	}
	if _, page := s.get(t, c, "/speak-up/inbox"); !strings.Contains(page, "Key unlocked") {
		t.Errorf("the key is not unlocked after recovering it")
	}
}

// TestSpeakUpEscalationPage answers a missed deadline's escalation: the
// page lists it for a recipient, refuses an empty decision beside its
// input, and records a decision.
func TestSpeakUpEscalationPage(t *testing.T) {
	s := newSpeakUpSite(t)
	ctx := context.Background()
	if _, _, err := s.store.Submit(ctx, speakup.NewReport{Content: speakup.Content{Channel: speakup.ChannelChild, What: "A girl is collected by men in cars."}}); err != nil {
		t.Fatal(err)
	}
	if _, err := s.store.SweepSpeakUp(ctx, vigil.Now().Add(8*24*time.Hour)); err != nil {
		t.Fatal(err)
	}
	list, err := s.store.SpeakUpEscalations(ctx, vigil.UserActor(s.town.Login("commissioner").User))
	if err != nil || len(list) != 1 {
		t.Fatalf("escalations: %v, %v", list, err)
	}
	id := string(list[0].ID)
	c := s.signIn(t, "commissioner")
	if _, page := s.get(t, c, "/speak-up/escalations"); !strings.Contains(page, "escalation-"+id) || !strings.Contains(page, "Acknowledge the report was due") {
		t.Fatalf("the page does not list the escalation:\n%s", page)
	}
	resp := s.post(t, c, "/speak-up/escalations/"+id, url.Values{"decision": {""}}, nil)
	if b := body(t, resp); resp.StatusCode != http.StatusUnprocessableEntity || !strings.Contains(b, `id="decision-`+id+`-error"`) && !strings.Contains(b, "govuk-error-message") {
		t.Errorf("an empty decision: %d", resp.StatusCode)
	}
	resp = s.post(t, c, "/speak-up/escalations/"+id, url.Values{"decision": {"Chased the council; acknowledged today."}}, nil)
	resp.Body.Close()
	if resp.StatusCode != http.StatusSeeOther {
		t.Fatalf("answer: %d", resp.StatusCode)
	}
	if _, page := s.get(t, c, "/speak-up/escalations"); !strings.Contains(page, "no-escalations") {
		t.Errorf("the answered escalation is still listed")
	}
}
