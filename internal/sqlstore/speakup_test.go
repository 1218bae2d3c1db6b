package sqlstore_test

import (
	"bytes"
	"context"
	"encoding/binary"
	"encoding/json"
	"errors"
	"image"
	"image/color"
	"image/jpeg"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/vigil-project/vigil"
	"github.com/vigil-project/vigil/internal/ledger"
	"github.com/vigil-project/vigil/internal/speakup"
	"github.com/vigil-project/vigil/internal/synth"
)

// speakUp sets up the channel of a seeded town (synth.SeedSpeakUp) with a
// cheap receipt cost: the tests are of the mechanism, not of argon2id.
func (e *env) speakUp(t *testing.T) {
	t.Helper()
	e.store.UseReceiptParams(speakup.Params{Time: 1, Memory: 8 * 1024, Threads: 1})
	if err := synth.SeedSpeakUp(context.Background(), e.store, e.town); err != nil {
		t.Fatal(err)
	}
}

// unlock unlocks a demo recipient's key with their password.
func (e *env) unlock(t *testing.T, username string) (vigil.Actor, *speakup.Keyring) {
	t.Helper()
	a := e.user(t, username)
	k, err := e.store.Unlock(context.Background(), a, e.town.Login(username).Password)
	if err != nil {
		t.Fatalf("unlock %s: %v", username, err)
	}
	return a, k
}

// logKinds returns the kinds of the log entries about an object, in order.
func (e *env) logKinds(t *testing.T, objectID string) []string {
	t.Helper()
	rows, err := e.db.Reader.QueryContext(context.Background(), e.db.Rebind(`SELECT data FROM log_entries WHERE object_id = ? ORDER BY idx`), objectID)
	if err != nil {
		t.Fatal(err)
	}
	defer rows.Close()
	var out []string
	for rows.Next() {
		var data []byte
		if err := rows.Scan(&data); err != nil {
			t.Fatal(err)
		}
		entry, err := ledger.ParseEntry(data)
		if err != nil {
			t.Fatal(err)
		}
		out = append(out, entry.Kind)
	}
	return out
}

func count(kinds []string, kind string) int {
	n := 0
	for _, k := range kinds {
		if k == kind {
			n++
		}
	}
	return n
}

// findPlain reads every row of every speak-up table, and the log's
// entries and stored states, as a database administrator could, and
// returns where marker appears in the clear.
func (e *env) findPlain(t *testing.T, marker string) []string {
	t.Helper()
	var found []string
	for _, table := range []string{"speakup_routes", "speakup_recipients", "speakup_recipient_keys", "speakup_reports", "speakup_receipts",
		"speakup_blobs", "speakup_access", "speakup_messages", "speakup_attachments", "speakup_deadlines", "speakup_disclosures", "speakup_tombstones", "speakup_key_approvals",
		"log_entries", "log_states"} {
		rows, err := e.db.Reader.QueryContext(context.Background(), `SELECT * FROM `+table)
		if err != nil {
			t.Fatal(err)
		}
		cols, _ := rows.Columns()
		vals := make([]any, len(cols))
		ptrs := make([]any, len(cols))
		for i := range vals {
			ptrs[i] = &vals[i]
		}
		for rows.Next() {
			if err := rows.Scan(ptrs...); err != nil {
				t.Fatal(err)
			}
			for i, v := range vals {
				var b []byte
				switch x := v.(type) {
				case []byte:
					b = x
				case string:
					b = []byte(x)
				}
				if bytes.Contains(bytes.ToLower(b), bytes.ToLower([]byte(marker))) {
					found = append(found, table+"."+cols[i])
				}
			}
		}
		rows.Close()
	}
	return found
}

// TestSpeakUpConversation walks a young person's report: the receipt,
// a status check, a recipient's question, and the young person's answer,
// each step logged, none of it readable in the database.
func TestSpeakUpConversation(t *testing.T) {
	engines(t, func(t *testing.T, e *env) {
		ctx := context.Background()
		e.speakUp(t)
		const marker = "Kestrel-Lane-Marker"
		receipt, key, err := e.store.Submit(ctx, speakup.NewReport{Content: speakup.Content{Channel: speakup.ChannelYoungPerson,
			Child: speakup.Child{Age: "14"}, What: "A man at " + marker + " keeps giving me lifts and asking me to meet his friends."}})
		if err != nil {
			t.Fatal(err)
		}
		if n := len(strings.Fields(receipt)); n != speakup.ReceiptWords {
			t.Fatalf("receipt %q has %d words", receipt, n)
		}
		if found := e.findPlain(t, marker); len(found) > 0 {
			t.Errorf("the report is readable in the database at %v", found)
		}
		if found := e.findPlain(t, strings.Join(strings.Fields(receipt)[2:], " ")); len(found) > 0 {
			t.Errorf("the receipt is stored in the clear at %v", found)
		}

		// The young person checks back with the receipt typed differently.
		again, err := e.store.Check(ctx, strings.ToUpper(strings.ReplaceAll(receipt, " ", "-")))
		if err != nil {
			t.Fatal(err)
		}
		if again.ReportID != key.ReportID {
			t.Fatalf("the receipt opened report %s, want %s", again.ReportID, key.ReportID)
		}
		v, err := e.store.View(ctx, again)
		if err != nil {
			t.Fatal(err)
		}
		if v.Status != speakup.StatusReceived || len(v.Messages) != 0 {
			t.Errorf("new report: status %s, %d messages", v.Status, len(v.Messages))
		}

		// The report went to the council and to independent oversight.
		scrutiny, sk := e.unlock(t, "scrutiny")
		inbox, err := e.store.Inbox(ctx, scrutiny)
		if err != nil {
			t.Fatal(err)
		}
		if len(inbox) != 1 || inbox[0].ID != key.ReportID || len(inbox[0].RoutedTo) != 2 {
			t.Fatalf("inbox = %+v", inbox)
		}
		d, err := e.store.Open(ctx, scrutiny, sk, key.ReportID)
		if err != nil {
			t.Fatal(err)
		}
		if !strings.Contains(d.Content.What, marker) || d.Content.Child.Age != "14" {
			t.Errorf("the recipient reads %+v", d.Content)
		}
		if err := e.store.Ask(ctx, scrutiny, key.ReportID, "Thank you for telling us. Is the man there every day?"); err != nil {
			t.Fatal(err)
		}

		v, err = e.store.View(ctx, again)
		if err != nil {
			t.Fatal(err)
		}
		if v.Status != speakup.StatusLooking || len(v.Messages) != 1 || v.Messages[0].Author != speakup.AuthorRecipient ||
			!strings.Contains(v.Messages[0].Text, "every day") || v.Messages[0].AuthorName != "" {
			t.Errorf("after the question the young person sees %+v", v)
		}
		if err := e.store.Reply(ctx, again, "Most days after school, near the shop.", nil); err != nil {
			t.Fatal(err)
		}
		d, err = e.store.Open(ctx, scrutiny, sk, key.ReportID)
		if err != nil {
			t.Fatal(err)
		}
		if len(d.Messages) != 2 || d.Messages[1].Author != speakup.AuthorReporter || d.Messages[1].Text != "Most days after school, near the shop." {
			t.Errorf("the recipient reads messages %+v", d.Messages)
		}
		for _, dl := range d.Deadlines {
			if dl.Kind == speakup.DeadlineAcknowledge && dl.Status != speakup.DeadlineMet {
				t.Errorf("the first question did not meet the acknowledgement clock: %+v", dl)
			}
		}

		// The log holds the report, its routing, every access and message.
		kinds := e.logKinds(t, string(key.ReportID))
		for kind, want := range map[string]int{"speakup.report_received": 1, "speakup.reporter_viewed": 2, "speakup.viewed": 2, "speakup.acknowledged": 1} {
			if got := count(kinds, kind); got != want {
				t.Errorf("log has %d %s entries for the report, want %d (%v)", got, kind, want, kinds)
			}
		}
		e.verify(t)
		if problems, err := e.store.CheckSpeakUp(ctx); err != nil || len(problems) > 0 {
			t.Errorf("CheckSpeakUp = %v, %v", problems, err)
		}
	})
}

// TestSpeakUpAdministratorCannotRead proves that a whistle-blowing report
// about the council is unreadable by the council: its administrator is
// refused by the service (and the refusal is logged), cannot enrol a key,
// and nothing in the database holds the report in the clear; a council
// officer who is an enrolled recipient of other reports holds a key that
// cannot decrypt it; only the independent body can.
func TestSpeakUpAdministratorCannotRead(t *testing.T) {
	engines(t, func(t *testing.T, e *env) {
		ctx := context.Background()
		e.speakUp(t)
		council := e.town.Agencies[vigil.AgencyChildrensServices]
		const marker = "Operation-Bluebell-Marker"
		_, key, err := e.store.Submit(ctx, speakup.NewReport{Content: speakup.Content{Channel: speakup.ChannelStaff, AboutID: council.ID,
			What: "The director had the " + marker + " findings rewritten before they went to committee."}})
		if err != nil {
			t.Fatal(err)
		}
		admin := e.user(t, "admin")
		if admin.User.AgencyID != council.ID || admin.User.Role != vigil.RoleAdministrator {
			t.Fatalf("the admin is not the council's administrator: %+v", admin.User)
		}
		if _, err := e.store.Open(ctx, admin, nil, key.ReportID); vigil.ErrorCode(err) != vigil.ENOTFOUND {
			t.Errorf("the council's administrator opened the report: %v", err)
		}
		if _, err := e.store.Enrol(ctx, admin, e.town.Login("admin").Password); vigil.ErrorCode(err) != vigil.EFORBIDDEN {
			t.Errorf("the administrator enrolled as a recipient: %v", err)
		}
		if inbox, err := e.store.Inbox(ctx, admin); err != nil || len(inbox) != 0 {
			t.Errorf("the administrator's inbox = %v, %v", inbox, err)
		}
		if _, err := e.store.Unlock(ctx, admin, e.town.Login("admin").Password); vigil.ErrorCode(err) != vigil.EFORBIDDEN {
			t.Errorf("the administrator unlocked a key: %v", err)
		}
		if kinds := e.logKinds(t, string(key.ReportID)); count(kinds, "speakup.access_refused") != 1 {
			t.Errorf("the refusal is not in the log: %v", kinds)
		}
		if found := e.findPlain(t, marker); len(found) > 0 {
			t.Errorf("the report is readable in the database at %v", found)
		}

		// Routed to the independent body only.
		var agencies []string
		rows, err := e.db.Reader.QueryContext(ctx, e.db.Rebind(`SELECT agency_id FROM speakup_access WHERE report_id = ?`), key.ReportID)
		if err != nil {
			t.Fatal(err)
		}
		for rows.Next() {
			var a string
			rows.Scan(&a)
			agencies = append(agencies, a)
		}
		rows.Close()
		for _, a := range agencies {
			if a == string(council.ID) {
				t.Errorf("the report was routed to the council")
			}
		}

		// The council's duty manager is a recipient (of reports about
		// children) with a working key; it cannot open this report.
		duty, dk := e.unlock(t, "duty.manager")
		if _, err := e.store.Open(ctx, duty, dk, key.ReportID); vigil.ErrorCode(err) != vigil.ENOTFOUND {
			t.Errorf("a council recipient opened the report: %v", err)
		}
		var content []byte
		if err := e.db.Reader.QueryRowContext(ctx, e.db.Rebind(`SELECT data FROM speakup_blobs WHERE id = ?`), string(key.ReportID)+"/content").Scan(&content); err != nil {
			t.Fatal(err)
		}
		if _, err := dk.Open(content); !errors.Is(err, speakup.ErrCannotOpen) {
			t.Errorf("the council's key decrypted the raw row: %v", err)
		}
		// The commissioner, at the independent body, can.
		_, ck := e.unlock(t, "commissioner")
		plain, err := ck.Open(content)
		if err != nil || !bytes.Contains(plain, []byte(marker)) {
			t.Errorf("the independent recipient could not read it: %v", err)
		}
	})
}

// TestSpeakUpReportBecomesCase turns a report about a child into a case
// owned by the intake team with the statutory decision clock running,
// while the anonymous conversation carries on.
func TestSpeakUpReportBecomesCase(t *testing.T) {
	engines(t, func(t *testing.T, e *env) {
		ctx := context.Background()
		e.speakUp(t)
		receipt, _, err := e.store.Submit(ctx, speakup.NewReport{Content: speakup.Content{Channel: speakup.ChannelChild,
			Child: speakup.Child{Name: "Lily", Age: "13"}, What: "Lily from my street is picked up by different taxis late at night."}})
		if err != nil {
			t.Fatal(err)
		}
		key, err := e.store.Check(ctx, receipt)
		if err != nil {
			t.Fatal(err)
		}
		duty, dk := e.unlock(t, "duty.manager")
		d, err := e.store.Open(ctx, duty, dk, key.ReportID)
		if err != nil {
			t.Fatal(err)
		}
		age := 13
		cs, err := e.store.OpenCase(ctx, duty, key.ReportID, vigil.NewConcern{Child: vigil.Child{Name: d.Content.Child.Name, Age: &age},
			WhatHappened: d.Content.What})
		if err != nil {
			t.Fatal(err)
		}
		if _, err := e.store.OpenCase(ctx, duty, key.ReportID, vigil.NewConcern{WhatHappened: "again"}); vigil.ErrorCode(err) != vigil.ECONFLICT {
			t.Errorf("a second case from the same report: %v", err)
		}
		detail := e.detail(t, cs.ID)
		if detail.Owner.ID != e.town.Login("duty.manager").User.ID || len(detail.Concerns) != 1 || detail.Concerns[0].Source != vigil.SourcePublic {
			t.Errorf("case owner %v, concerns %+v", detail.Owner, detail.Concerns)
		}
		if dl := openKinds(detail)["decision"]; dl == nil {
			t.Errorf("the case has no decision clock: %+v", detail.Deadlines)
		}
		linked := false
		for _, ev := range detail.Events {
			linked = linked || ev.Kind == "speakup.linked"
		}
		if !linked {
			t.Error("the case chronology does not say it came from a speak-up report")
		}
		if detail.Concerns[0].Reporter != (vigil.Reporter{}) {
			t.Errorf("the case learnt about the reporter: %+v", detail.Concerns[0].Reporter)
		}

		// The conversation goes on.
		if err := e.store.Ask(ctx, duty, key.ReportID, "Which house do the taxis stop at?"); err != nil {
			t.Fatal(err)
		}
		if err := e.store.Reply(ctx, key, "The one with the blue door, number 12.", nil); err != nil {
			t.Fatal(err)
		}
		v, err := e.store.View(ctx, key)
		if err != nil {
			t.Fatal(err)
		}
		if v.Status != speakup.StatusActed || len(v.Messages) != 2 || !v.Open {
			t.Errorf("the reporter sees %+v", v)
		}
		d, err = e.store.Open(ctx, duty, dk, key.ReportID)
		if err != nil {
			t.Fatal(err)
		}
		if d.CaseID != cs.ID || d.CaseRef != cs.Ref || len(d.Messages) != 2 {
			t.Errorf("report detail: case %s %s, %d messages", d.CaseID, d.CaseRef, len(d.Messages))
		}
		e.verify(t)
	})
}

// TestSpeakUpGuessing tries wrong and guessed receipts: each is refused
// and logged, a report under guessing answers wrong guesses slowly, and
// neither an attacker's guesses at one report nor a flood of guesses
// keeps the holder of the right receipt out.
func TestSpeakUpGuessing(t *testing.T) {
	engines(t, func(t *testing.T, e *env) {
		ctx := context.Background()
		e.speakUp(t)
		receipt, key, err := e.store.Submit(ctx, speakup.NewReport{Content: speakup.Content{Channel: speakup.ChannelChild, What: "Worried about a girl at the bus station."}})
		if err != nil {
			t.Fatal(err)
		}
		w := strings.Fields(receipt)

		if _, err := e.store.Check(ctx, "not a receipt"); vigil.ErrorCode(err) != vigil.EINVALID {
			t.Errorf("malformed receipt: %v", err)
		}
		// The right lookup words, a wrong secret.
		wrong := append([]string(nil), w...)
		for i := 2; i < len(wrong); i++ {
			wrong[i] = "abacus"
		}
		// An attacker who knows the lookup words guesses the secret many
		// times over: every guess is refused and logged, later ones slowly,
		// and the holder of the right receipt still gets in at once.
		const delay = time.Second
		e.store.UseGuessDelay(delay)
		guesses := 2 * speakup.MaxFailures
		for i := range guesses {
			start := time.Now()
			if _, err := e.store.Check(ctx, strings.Join(wrong, " ")); vigil.ErrorCode(err) != vigil.EUNAUTHORIZED {
				t.Fatalf("wrong secret %d: %v", i, err)
			}
			if slow := time.Since(start) >= delay; slow != (i+1 >= speakup.MaxFailures) {
				t.Errorf("wrong secret %d answered slowly: %v, want %v", i, slow, i+1 >= speakup.MaxFailures)
			}
		}
		start := time.Now()
		if _, err := e.store.Check(ctx, receipt); err != nil {
			t.Errorf("after %d wrong secrets the right receipt gives %v: the attacker locked the reporter out", guesses, err)
		}
		if took := time.Since(start); took >= delay {
			t.Errorf("the right receipt waited %v, like a wrong guess", took)
		}
		kinds := e.logKinds(t, string(key.ReportID))
		if got := count(kinds, "speakup.receipt_refused"); got != guesses {
			t.Errorf("%d refusals logged, want %d", got, guesses)
		}

		// A flood of guesses at lookups nobody holds, many at once and more
		// than any failure count allows: each is refused and logged, and
		// the holder of a receipt gets in during the flood.
		var wg sync.WaitGroup
		flood, shed := 0, 0
		var mu sync.Mutex
		stop := make(chan struct{})
		for g := range 8 {
			wg.Add(1)
			go func() {
				defer wg.Done()
				for i := 0; ; i++ {
					select {
					case <-stop:
						return
					default:
					}
					guess := append([]string{"zoom", "zoom"}, w[2:]...)
					guess[1] = []string{"zone", "zoning", "zookeeper", "zoologist", "zoology"}[(g+i)%5]
					_, err := e.store.Check(ctx, strings.Join(guess, " "))
					mu.Lock()
					switch vigil.ErrorCode(err) {
					case vigil.EUNAUTHORIZED:
						flood++
					case vigil.ETOOMANYREQUEST:
						shed++
					default:
						t.Errorf("guess: %v", err)
					}
					mu.Unlock()
				}
			}()
		}
		for {
			mu.Lock()
			n := flood
			mu.Unlock()
			if n >= 80 {
				break
			}
			time.Sleep(5 * time.Millisecond)
		}
		if _, err := e.store.Check(ctx, receipt); err != nil {
			t.Errorf("during a flood the right receipt gives %v", err)
		}
		close(stop)
		wg.Wait()
		if shed > 0 {
			t.Errorf("%d of the flood's checks were shed, with fewer checkers than the queue holds", shed)
		}
		if got := count(e.logKinds(t, "unknown"), "speakup.receipt_refused"); got < flood {
			t.Errorf("%d refusals of unknown lookups logged", got)
		}
		e.verify(t)
	})
}

// TestSpeakUpIdentity shows a reporter's name kept for custodians alone
// until a custodian (not the requester) approves showing it to one
// recipient, and the reporter told that it was shared.
func TestSpeakUpIdentity(t *testing.T) {
	engines(t, func(t *testing.T, e *env) {
		ctx := context.Background()
		e.speakUp(t)
		police := e.town.Agencies[vigil.AgencyPolice]
		const name = "Maryam Whistler-Marker"
		receipt, _, err := e.store.Submit(ctx, speakup.NewReport{Content: speakup.Content{Channel: speakup.ChannelStaff, AboutID: police.ID,
			What: "Reports of girls in taxis were closed without any action."}, Identity: speakup.Identity{Name: name, Contact: "07700 900123"}})
		if err != nil {
			t.Fatal(err)
		}
		key, _ := e.store.Check(ctx, receipt)
		if found := e.findPlain(t, name); len(found) > 0 {
			t.Errorf("the name is readable in the database at %v", found)
		}
		scrutiny, sk := e.unlock(t, "scrutiny")
		d, err := e.store.Open(ctx, scrutiny, sk, key.ReportID)
		if err != nil {
			t.Fatal(err)
		}
		if d.Identity != nil || !d.HasIdentity {
			t.Fatalf("before approval: identity %v, has %v", d.Identity, d.HasIdentity)
		}
		var idCT []byte
		e.db.Reader.QueryRowContext(ctx, e.db.Rebind(`SELECT data FROM speakup_blobs WHERE id = ?`), string(key.ReportID)+"/identity").Scan(&idCT)
		if _, err := sk.Open(idCT); !errors.Is(err, speakup.ErrCannotOpen) {
			t.Errorf("a recipient who is not a custodian decrypted the identity: %v", err)
		}
		if err := e.store.RequestIdentity(ctx, scrutiny, key.ReportID, ""); vigil.ErrorCode(err) != vigil.EINVALID {
			t.Errorf("request without a reason: %v", err)
		}
		if err := e.store.RequestIdentity(ctx, scrutiny, key.ReportID, "We need to interview the witness under protection."); err != nil {
			t.Fatal(err)
		}
		if ds, _ := e.store.Disclosures(ctx, scrutiny); len(ds) != 0 {
			t.Errorf("a recipient who is not a custodian sees requests: %v", ds)
		}
		commissioner, ck := e.unlock(t, "commissioner")
		ds, err := e.store.Disclosures(ctx, commissioner)
		if err != nil || len(ds) != 1 {
			t.Fatalf("custodian's requests = %v, %v", ds, err)
		}
		if err := e.store.DecideIdentity(ctx, scrutiny, sk, ds[0].ID, true); vigil.ErrorCode(err) != vigil.EFORBIDDEN {
			t.Errorf("a recipient who is not a custodian approved: %v", err)
		}
		if err := e.store.DecideIdentity(ctx, commissioner, ck, ds[0].ID, true); err != nil {
			t.Fatal(err)
		}
		d, err = e.store.Open(ctx, scrutiny, sk, key.ReportID)
		if err != nil {
			t.Fatal(err)
		}
		if d.Identity == nil || d.Identity.Name != name {
			t.Errorf("after approval the requester sees %+v", d.Identity)
		}
		v, _ := e.store.View(ctx, key)
		if v.IdentityShared != 1 {
			t.Errorf("the reporter is told their name was shared with %d people", v.IdentityShared)
		}
		if found := e.findPlain(t, name); len(found) > 0 {
			t.Errorf("the name is readable in the database after approval at %v", found)
		}
		e.verify(t)
	})
}

// TestSpeakUpClocksAndRetention misses the acknowledgement clock (escalated
// to oversight), then closes the report and deletes it at the end of its
// retention, leaving the log whole and the content gone.
func TestSpeakUpClocksAndRetention(t *testing.T) {
	engines(t, func(t *testing.T, e *env) {
		ctx := context.Background()
		e.speakUp(t)
		receipt, key, err := e.store.Submit(ctx, speakup.NewReport{Content: speakup.Content{Channel: speakup.ChannelStaff,
			AboutID: e.town.Agencies[vigil.AgencyHealth].ID, What: "Safeguarding referrals are being held back."}})
		if err != nil {
			t.Fatal(err)
		}
		now := vigil.Now()
		res, err := e.store.SweepSpeakUp(ctx, now.Add(8*24*time.Hour))
		if err != nil || res.Missed != 1 {
			t.Fatalf("sweep after 8 days: %+v, %v", res, err)
		}
		if res, _ := e.store.SweepSpeakUp(ctx, now.Add(8*24*time.Hour)); res.Missed != 0 {
			t.Errorf("a second sweep escalated again: %+v", res)
		}
		if _, err := e.store.Oversight(ctx, e.user(t, "admin")); vigil.ErrorCode(err) != vigil.EFORBIDDEN {
			t.Errorf("an administrator saw the register: %v", err)
		}
		items, err := e.store.Oversight(ctx, e.user(t, "investigator"))
		if err != nil || len(items) != 1 || !items[0].Overdue(now) || len(items[0].RoutedNames) != 1 {
			t.Fatalf("oversight register = %+v, %v", items, err)
		}
		commissioner := e.user(t, "commissioner")
		if err := e.store.Acknowledge(ctx, commissioner, key.ReportID); err != nil {
			t.Fatal(err)
		}
		if err := e.store.SetStatus(ctx, commissioner, key.ReportID, speakup.StatusClosed); err != nil {
			t.Fatal(err)
		}
		if err := e.store.SetStatus(ctx, commissioner, key.ReportID, speakup.StatusActed); vigil.ErrorCode(err) != vigil.ECONFLICT {
			t.Errorf("a closed report was reopened: %v", err)
		}
		// Not yet: whistle-blowing is kept 12 months after closure.
		if res, _ := e.store.SweepSpeakUp(ctx, now.AddDate(0, 11, 0)); res.Expired != 0 {
			t.Errorf("deleted after 11 months: %+v", res)
		}
		res, err = e.store.SweepSpeakUp(ctx, now.AddDate(0, 13, 0))
		if err != nil || res.Expired != 1 {
			t.Fatalf("sweep after 13 months: %+v, %v", res, err)
		}
		for _, table := range []string{"speakup_reports", "speakup_receipts", "speakup_blobs", "speakup_access", "speakup_deadlines", "speakup_messages"} {
			var n int
			e.db.Reader.QueryRowContext(ctx, `SELECT COUNT(*) FROM `+table).Scan(&n)
			if n != 0 {
				t.Errorf("%s keeps %d rows after the report was deleted", table, n)
			}
		}
		if _, err := e.store.Check(ctx, receipt); vigil.ErrorCode(err) != vigil.EUNAUTHORIZED {
			t.Errorf("the receipt of a deleted report: %v", err)
		}
		kinds := e.logKinds(t, string(key.ReportID))
		if count(kinds, "speakup.retention_ended") != 1 || count(kinds, "speakup.erased") != 1 {
			t.Errorf("the deletion is not in the log: %v", kinds)
		}
		e.verify(t)
	})
}

// TestSpeakUpTamper changes ciphertexts and a receipt verifier behind
// Vigil's back: reads refuse them and CheckSpeakUp names them.
func TestSpeakUpTamper(t *testing.T) {
	engines(t, func(t *testing.T, e *env) {
		ctx := context.Background()
		e.speakUp(t)
		receipt, key, err := e.store.Submit(ctx, speakup.NewReport{Content: speakup.Content{Channel: speakup.ChannelChild, What: "Tamper test."}})
		if err != nil {
			t.Fatal(err)
		}
		// Someone with the database replaces the content with their own
		// ciphertext for the same recipients.
		fake, err := speakup.Seal([]byte(`{"channel":"child","what":"Nothing to see."}`), []string{key.PublicKey()})
		if err != nil {
			t.Fatal(err)
		}
		if _, err := e.db.Writer.ExecContext(ctx, e.db.Rebind(`UPDATE speakup_blobs SET data = ? WHERE id = ?`), fake, string(key.ReportID)+"/content"); err != nil {
			t.Fatal(err)
		}
		// ...and a verifier of a receipt they made, to take over the conversation.
		r2, _ := speakup.ParseReceipt(receipt)
		v := r2.NewVerifier(string(key.ReportID), []byte("x"), speakup.Params{Time: 1, Memory: 8 * 1024, Threads: 1})
		if _, err := e.db.Writer.ExecContext(ctx, e.db.Rebind(`UPDATE speakup_receipts SET hash = ?, salt = ?, sealed_key = ? WHERE report_id = ?`),
			v.Hash, v.Salt, v.SealedKey, key.ReportID); err != nil {
			t.Fatal(err)
		}
		scrutiny, sk := e.unlock(t, "scrutiny")
		if _, err := e.store.Open(ctx, scrutiny, sk, key.ReportID); err == nil {
			t.Error("a replaced ciphertext was shown")
		}
		if _, err := e.store.Check(ctx, receipt); err == nil {
			t.Error("a replaced verifier was accepted")
		}
		problems, err := e.store.CheckSpeakUp(ctx)
		if err != nil {
			t.Fatal(err)
		}
		if got := strings.Join(problems, "\n"); !strings.Contains(got, "content: the ciphertext differs") || !strings.Contains(got, "receipt verifier differs") {
			t.Errorf("CheckSpeakUp = %v", problems)
		}
		if kinds := e.logKinds(t, string(key.ReportID)); count(kinds, "speakup.tamper_detected") < 2 {
			t.Errorf("tampering not logged: %v", kinds)
		}
	})
}

func exifJPEG(t *testing.T, meta string) []byte {
	t.Helper()
	img := image.NewRGBA(image.Rect(0, 0, 16, 16))
	for i := range 16 {
		img.Set(i, i, color.RGBA{200, 0, 0, 255})
	}
	var buf bytes.Buffer
	jpeg.Encode(&buf, img, nil)
	b := buf.Bytes()
	payload := append([]byte("Exif\x00\x00"), meta...)
	seg := binary.BigEndian.AppendUint16([]byte{0xFF, 0xE1}, uint16(len(payload)+2))
	return append(append(append([]byte{}, b[:2]...), append(seg, payload...)...), b[2:]...)
}

// TestSpeakUpAttachments sends a photo whose metadata names its owner: the
// recipient gets the sealed original byte for byte and a stripped copy
// without it, both hashed into the log; other files are refused.
func TestSpeakUpAttachments(t *testing.T) {
	engines(t, func(t *testing.T, e *env) {
		ctx := context.Background()
		e.speakUp(t)
		const meta = "Camera owner: Sam Reporter-Marker"
		photo := exifJPEG(t, meta)
		_, key, err := e.store.Submit(ctx, speakup.NewReport{Content: speakup.Content{Channel: speakup.ChannelYoungPerson, What: "Photo of the car."},
			Attachments: []speakup.Upload{{Data: photo}}})
		if err != nil {
			t.Fatal(err)
		}
		if err := e.store.Reply(ctx, key, "", []speakup.Upload{{Data: []byte("%PDF-1.7 /Author (Sam)")}}); vigil.ErrorCode(err) != vigil.EINVALID {
			t.Errorf("a PDF was taken: %v", err)
		}
		big := append(append([]byte{}, photo[:3]...), make([]byte, speakup.MaxAttachmentSize)...)
		if err := e.store.Reply(ctx, key, "big", []speakup.Upload{{Data: big}}); vigil.ErrorCode(err) != vigil.ETOOLARGE {
			t.Errorf("an oversized file was taken: %v", err)
		}
		if found := e.findPlain(t, meta); len(found) > 0 {
			t.Errorf("the photo's metadata is readable in the database at %v", found)
		}
		scrutiny, sk := e.unlock(t, "scrutiny")
		d, err := e.store.Open(ctx, scrutiny, sk, key.ReportID)
		if err != nil {
			t.Fatal(err)
		}
		if len(d.Messages) != 1 || len(d.Messages[0].Attachments) != 1 {
			t.Fatalf("messages = %+v", d.Messages)
		}
		a := d.Messages[0].Attachments[0]
		_, orig, err := e.store.File(ctx, scrutiny, sk, key.ReportID, a.ID, true)
		if err != nil {
			t.Fatal(err)
		}
		if !bytes.Equal(orig, photo) || speakup.Hash(orig) != a.OriginalSHA256 {
			t.Error("the sealed original is not the photo as sent")
		}
		att, cp, err := e.store.File(ctx, scrutiny, sk, key.ReportID, a.ID, false)
		if err != nil {
			t.Fatal(err)
		}
		if bytes.Contains(cp, []byte(meta)) || bytes.Contains(cp, []byte("Exif")) || speakup.Hash(cp) != a.CopySHA256 || att.MediaType != speakup.MediaJPEG {
			t.Error("the stripped copy keeps the metadata or does not match its hash")
		}
		// A recipient of another report cannot fetch it by id.
		if _, _, err := e.store.File(ctx, e.user(t, "admin"), nil, key.ReportID, a.ID, true); vigil.ErrorCode(err) != vigil.ENOTFOUND {
			t.Errorf("the administrator fetched the file: %v", err)
		}
		kinds := e.logKinds(t, string(a.ID))
		if count(kinds, "speakup.attachment_added") != 1 || count(kinds, "speakup.file_viewed") != 2 {
			t.Errorf("attachment log = %v", kinds)
		}
		var state []byte
		if err := e.db.Reader.QueryRowContext(ctx, `SELECT s.state FROM log_states s JOIN log_entries l ON l.idx = s.idx WHERE l.object_id = '`+string(a.ID)+`' ORDER BY l.idx LIMIT 1`).Scan(&state); err != nil {
			t.Fatal(err)
		}
		var row map[string]any
		json.Unmarshal(state, &row)
		if row["original_sha256"] == nil || row["copy_sha256"] == nil {
			t.Errorf("the committed state lacks the hashes: %s", state)
		}
		e.verify(t)
	})
}

// TestSpeakUpNoRecipients refuses a report nobody can read, rather than
// keep it where nobody will see it.
func TestSpeakUpNoRecipients(t *testing.T) {
	engines(t, func(t *testing.T, e *env) {
		ctx := context.Background()
		// No routes, no recipients.
		_, _, err := e.store.Submit(ctx, speakup.NewReport{Content: speakup.Content{Channel: speakup.ChannelChild, What: "x"}})
		if vigil.ErrorCode(err) != vigil.EUNAVAILABLE {
			t.Errorf("report with nobody to read it: %v", err)
		}
		e.speakUp(t)
		// Whistle-blowing about the only independent body has nowhere to go.
		_, _, err = e.store.Submit(ctx, speakup.NewReport{Content: speakup.Content{Channel: speakup.ChannelStaff,
			AboutID: e.town.Agencies[vigil.AgencyIndependent].ID, What: "x"}})
		if vigil.ErrorCode(err) != vigil.EUNAVAILABLE {
			t.Errorf("report about the only recipient body: %v", err)
		}
		if err := e.store.SetRoute(ctx, e.user(t, "admin"), speakup.Route{Channel: speakup.ChannelStaff,
			AgencyID: e.town.Agencies[vigil.AgencyChildrensServices].ID}, true); vigil.ErrorCode(err) != vigil.EFORBIDDEN {
			t.Errorf("an administrator changed routing: %v", err)
		}
	})
}
