package web_test

import (
	"context"
	"net/http"
	"net/url"
	"strings"
	"testing"

	"github.com/vigil-project/vigil"
	"github.com/vigil-project/vigil/internal/speakup"
)

// TestSpeakUpKeyApprovalPages sets up a key for the council's service
// manager through the pages: the inbox says it waits for approval and
// shows its fingerprint; the council's own recipient cannot approve it,
// a recipient of the independent body can, from the approvals page.
func TestSpeakUpKeyApprovalPages(t *testing.T) {
	s := newSpeakUpSite(t)
	ctx := context.Background()
	sm := s.signIn(t, "service.manager")
	resp := s.post(t, sm, "/speak-up/key", url.Values{"password": {s.town.Login("service.manager").Password}}, nil)
	resp.Body.Close()
	if resp.StatusCode != http.StatusSeeOther || !strings.Contains(resp.Header.Get("Location"), "notice=pending") {
		t.Fatalf("enrol: %d %s", resp.StatusCode, resp.Header.Get("Location"))
	}
	rc, err := s.store.RecipientOf(ctx, vigil.UserActor(s.town.Login("service.manager").User))
	if err != nil {
		t.Fatal(err)
	}
	fp := speakup.Fingerprint(rc.PublicKey)
	if _, page := s.get(t, sm, "/speak-up/inbox?notice=pending"); !strings.Contains(page, `id="key-approval"`) || !strings.Contains(page, fp) ||
		!strings.Contains(page, "receives nothing until someone outside your organisation approves it") {
		t.Errorf("the inbox of a key waiting for approval:\n%s", page)
	}
	reqs, err := s.store.KeyApprovals(ctx, vigil.UserActor(s.town.Login("scrutiny").User))
	if err != nil || len(reqs) != 1 {
		t.Fatalf("requests: %v, %v", reqs, err)
	}
	id := string(reqs[0].ID)

	duty := s.signIn(t, "duty.manager")
	if _, page := s.get(t, duty, "/speak-up/approvals"); !strings.Contains(page, "no-approvals") || strings.Contains(page, id) {
		t.Errorf("the council's own recipient is offered the council's key:\n%s", page)
	}
	resp = s.post(t, duty, "/speak-up/approvals/"+id, url.Values{"decision": {"approve"}}, nil)
	resp.Body.Close()
	if resp.StatusCode != http.StatusNotFound {
		t.Errorf("the council's own recipient approving: %d, want 404", resp.StatusCode)
	}

	scrutiny := s.signIn(t, "scrutiny")
	if _, page := s.get(t, scrutiny, "/speak-up/inbox"); !strings.Contains(page, "(1 waiting)") {
		t.Errorf("the inbox does not say a key waits for approval")
	}
	if _, page := s.get(t, scrutiny, "/speak-up/approvals"); !strings.Contains(page, "approval-"+id) || !strings.Contains(page, fp) ||
		!strings.Contains(page, "First key") {
		t.Fatalf("the approvals page:\n%s", page)
	}
	resp = s.post(t, scrutiny, "/speak-up/approvals/"+id, url.Values{"decision": {"approve"}}, nil)
	resp.Body.Close()
	if resp.StatusCode != http.StatusSeeOther || !strings.Contains(resp.Header.Get("Location"), "notice=key-approved") {
		t.Fatalf("approve: %d %s", resp.StatusCode, resp.Header.Get("Location"))
	}
	if _, page := s.get(t, sm, "/speak-up/inbox"); strings.Contains(page, `id="key-approval"`) || !strings.Contains(page, "Key unlocked") {
		t.Errorf("the inbox after approval still says it waits")
	}
}

// TestSpeakUpHistoryPages shows a report's history from the log on its
// page, and on the register once the report was erased: who opened it
// and when, and the rule that erased it, without what it said.
func TestSpeakUpHistoryPages(t *testing.T) {
	s := newSpeakUpSite(t)
	ctx := context.Background()
	const marker = "Kestrel Court"
	_, key, err := s.store.Submit(ctx, speakup.NewReport{Content: speakup.Content{Channel: speakup.ChannelChild, What: "Girls are taken to a flat at " + marker + " at night."}})
	if err != nil {
		t.Fatal(err)
	}
	id := string(key.ReportID)
	scrutiny := s.signIn(t, "scrutiny")
	resp := s.post(t, scrutiny, "/speak-up/unlock", url.Values{"password": {s.town.Login("scrutiny").Password}, "next": {"/speak-up/inbox"}}, nil)
	resp.Body.Close()
	_, page := s.get(t, scrutiny, "/speak-up/reports/"+id)
	name := s.town.Login("scrutiny").User.Name
	if !strings.Contains(page, `id="history"`) || !strings.Contains(page, "Opened the report") || !strings.Contains(page, name) {
		t.Fatalf("the report's page does not show who opened it:\n%s", page)
	}

	// Closed, then erased at the end of its retention.
	if err := s.store.SetStatus(ctx, vigil.UserActor(s.town.Login("commissioner").User), key.ReportID, speakup.StatusClosed); err != nil {
		t.Fatal(err)
	}
	if res, err := s.store.SweepSpeakUp(ctx, vigil.Now().AddDate(0, 7, 0)); err != nil || res.Expired != 1 {
		t.Fatalf("sweep: %+v, %v", res, err)
	}
	c := s.signIn(t, "commissioner")
	_, page = s.get(t, c, "/speak-up/register")
	if !strings.Contains(page, "/speak-up/register/"+id) || !strings.Contains(page, "Erased") || !strings.Contains(page, "last by "+name) {
		t.Errorf("the register does not keep the erased report:\n%s", page)
	}
	r, page := s.get(t, c, "/speak-up/register/"+id)
	if r.StatusCode != http.StatusOK {
		t.Fatalf("the erased report's history: %d", r.StatusCode)
	}
	for _, want := range []string{"Opened the report", name, "Erased at the end of its retention", "Retention: closed reports", "6 months after closing", "Acknowledged"} {
		if !strings.Contains(page, want) {
			t.Errorf("the history of the erased report does not say %q", want)
		}
	}
	if strings.Contains(page, marker) {
		t.Error("the tombstone shows what the report said")
	}
	if r, _ := s.get(t, s.signIn(t, "duty.manager"), "/speak-up/register/"+id); r.StatusCode != http.StatusForbidden {
		t.Errorf("a recipient who is not oversight read the register's history: %d", r.StatusCode)
	}
}
