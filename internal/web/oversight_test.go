package web_test

import (
	"context"
	"encoding/csv"
	"encoding/json"
	"net/http"
	"net/url"
	"regexp"
	"strings"
	"testing"

	"github.com/vigil-project/vigil"
	"github.com/vigil-project/vigil/internal/sqlstore"
	"github.com/vigil-project/vigil/internal/synth"
)

func (s *site) progressed(t *testing.T) {
	t.Helper()
	if err := synth.Progress(context.Background(), s.store, s.town, 2); err != nil {
		t.Fatal(err)
	}
}

// TestOversightPages: a scrutiny member reads every dashboard, follows a
// figure to a de-identified list, and downloads a table as CSV; a police
// officer is refused.
func TestOversightPages(t *testing.T) {
	s := newSite(t)
	s.progressed(t)
	c := s.signIn(t, "scrutiny")
	if code, page := s.get(t, c, "/oversight"); code != 200 || !strings.Contains(page, `href="/oversight/timeliness?period=12m"`) {
		t.Fatalf("oversight home: %d", code)
	}
	for _, tp := range vigil.Topics {
		code, page := s.get(t, c, "/oversight/"+tp.Key+"?period=12m")
		if code != 200 {
			t.Fatalf("%s: status %d", tp.Key, code)
		}
		if tp.Key != vigil.TopicDemographics && (!strings.Contains(page, `<svg class="vigil-chart"`) || !strings.Contains(page, `id="trend-table"`)) {
			t.Errorf("%s: no chart with its table", tp.Key)
		}
		if strings.Contains(page, "<script>") || strings.Contains(page, "style=") {
			t.Errorf("%s: inline script or style", tp.Key)
		}
	}
	_, page := s.get(t, c, "/oversight/timeliness?period=12m")
	i := strings.Index(page, `href="/oversight/figures?`)
	if i < 0 {
		t.Fatal("no figure links to its cases")
	}
	href := page[i+6 : i+6+strings.Index(page[i+6:], `"`)]
	href = strings.ReplaceAll(href, "&amp;", "&")
	code, list := s.get(t, c, href)
	if code != 200 || !strings.Contains(list, `id="figure-cases"`) || !strings.Contains(list, `id="deidentified-note"`) {
		t.Fatalf("figure list: %d", code)
	}
	table := list[strings.Index(list, `id="figure-cases"`):]
	for _, cs := range s.town.Cases {
		if strings.Contains(list, cs.Child.Name) || strings.Contains(list, `href="/cases/`+string(cs.ID)) || strings.Contains(table, cs.Ref) {
			t.Errorf("a scrutiny member's list names, links or gives the reference of case %s", cs.Ref)
		}
		if strings.Contains(table, cs.ReceivedAt.In(vigil.London).Format("2 January 2006")) {
			t.Errorf("a scrutiny member's list gives the date case %s was received", cs.Ref)
		}
	}
	for _, l := range s.town.Logins {
		if strings.Contains(table, l.User.Name) {
			t.Errorf("a scrutiny member's list names %s", l.User.Name)
		}
	}
	if !strings.Contains(table, `>R-`) || !regexp.MustCompile(`<td class="govuk-table__cell">20\d\d-\d\d</td>`).MatchString(table) {
		t.Errorf("a scrutiny member's list lacks row ids or months")
	}
	// An investigator sees the same figure identified, rows named alike.
	_, idList := s.get(t, s.signIn(t, "investigator"), href)
	if !strings.Contains(idList, `id="identified-note"`) || !strings.Contains(idList, `href="/cases/`) {
		t.Errorf("the investigator's list is not identified")
	}
	for _, x := range strings.Split(table, `>R-`)[1:] {
		if row := "R-" + x[:10]; !strings.Contains(idList, row) {
			t.Errorf("the investigator's list lacks row %s", row)
		}
	}
	resp, err := c.Get(s.srv.URL + "/oversight/timeliness/csv?table=clocks&period=12m")
	if err != nil {
		t.Fatal(err)
	}
	if ct := resp.Header.Get("Content-Type"); !strings.HasPrefix(ct, "text/csv") {
		t.Errorf("CSV content type %q", ct)
	}
	recs, err := csv.NewReader(resp.Body).ReadAll()
	resp.Body.Close()
	if err != nil || len(recs) < 3 || recs[0][0] != "Deadline" || recs[len(recs)-1][0] != "Total" {
		t.Errorf("CSV: %v %v", recs, err)
	}
	// Every trend downloads as CSV: a row per financial year shown, a
	// column per series, for the same people as the dashboard.
	for _, tp := range vigil.Topics {
		_, page := s.get(t, c, "/oversight/"+tp.Key+"?period=12m")
		if !strings.Contains(page, `id="trend-table"`) {
			continue
		}
		want := "/oversight/" + tp.Key + "/trend/csv?period=12m"
		if !strings.Contains(page, `href="`+want+`" id="trend-csv"`) {
			t.Errorf("%s: no link to the trend's CSV", tp.Key)
		}
		trend := page[strings.Index(page, `id="trend-table"`):]
		years := strings.Count(trend[:strings.Index(trend, "</table>")], `<th scope="row"`)
		resp, err := c.Get(s.srv.URL + want)
		if err != nil {
			t.Fatal(err)
		}
		recs, err := csv.NewReader(resp.Body).ReadAll()
		resp.Body.Close()
		if err != nil || resp.StatusCode != 200 || !strings.HasPrefix(resp.Header.Get("Content-Type"), "text/csv") || len(recs) != years+1 ||
			recs[0][0] != "Financial year" || len(recs[0]) < 2 {
			t.Errorf("%s trend CSV: %d, %d rows for %d years: %v %v", tp.Key, resp.StatusCode, len(recs), years, recs, err)
		}
	}
	// A period that cannot be counted is explained, with what was typed kept.
	code, page = s.get(t, c, "/oversight/referrals?from=2026-05-01&to=2026-01-01")
	if code != http.StatusUnprocessableEntity || !strings.Contains(page, `value="2026-05-01"`) {
		t.Errorf("bad dates: %d", code)
	}
	police := s.signIn(t, "police.officer")
	if code, _ := s.get(t, police, "/oversight/timeliness"); code != http.StatusForbidden {
		t.Errorf("police officer: %d", code)
	}
	if code, _ := s.get(t, police, "/oversight/timeliness/trend/csv?period=12m"); code != http.StatusForbidden {
		t.Errorf("police officer's trend CSV: %d", code)
	}
	if code, _ := s.get(t, police, "/oversight/figures?topic=timeliness&table=clocks"); code != http.StatusForbidden {
		t.Errorf("police officer's figure list: %d", code)
	}
}

// TestPublishAndVerify publishes through the form, then checks the public
// page and the proof it serves, without signing in.
func TestPublishAndVerify(t *testing.T) {
	s := newSite(t)
	c := s.signIn(t, "director")
	resp := s.post(t, c, "/oversight/publish", url.Values{"period": {""}, "note": {"kept"}}, nil)
	if page := body(t, resp); resp.StatusCode != http.StatusUnprocessableEntity || !strings.Contains(page, ">kept</textarea>") {
		t.Fatalf("publishing without a period: %d", resp.StatusCode)
	}
	resp = s.post(t, c, "/oversight/publish", url.Values{"period": {"12m"}}, nil)
	if page := body(t, resp); resp.StatusCode != http.StatusUnprocessableEntity || !strings.Contains(page, "fixed periods") {
		t.Errorf("publishing the last 12 months: %d", resp.StatusCode)
	}
	m := vigil.Now().In(vigil.London).AddDate(0, -1, 0)
	month := vigil.Month(m.Year(), m.Month()).Key
	if _, page := s.get(t, c, "/oversight/publish"); !strings.Contains(page, `value="`+month+`"`) || strings.Contains(page, `value="12m"`) {
		t.Errorf("the publish form does not offer last month, or offers the last 12 months")
	}
	resp = s.post(t, c, "/oversight/publish", url.Values{"period": {month}}, nil)
	resp.Body.Close()
	loc := resp.Header.Get("Location")
	if resp.StatusCode != http.StatusSeeOther || !strings.HasPrefix(loc, "/transparency/") {
		t.Fatalf("publish: %d %s", resp.StatusCode, loc)
	}
	public := s.client(t)
	id := strings.TrimPrefix(strings.Split(loc, "?")[0], "/transparency/")
	if code, page := s.get(t, public, "/transparency"); code != 200 || !strings.Contains(page, id) {
		t.Errorf("transparency list: %d", code)
	}
	code, page := s.get(t, public, "/transparency/"+id)
	if code != 200 || !strings.Contains(page, `id="checkpoint"`) || !strings.Contains(page, "vigil stats verify") {
		t.Fatalf("release page: %d", code)
	}
	_, js := s.get(t, public, "/transparency/"+id+"/release.json")
	var proof vigil.ReleaseProof
	if err := json.Unmarshal([]byte(js), &proof); err != nil {
		t.Fatal(err)
	}
	if _, err := sqlstore.VerifyReleaseProof(&proof, s.store.Log().Key().VerifierKey()); err != nil {
		t.Errorf("the served proof does not verify: %v", err)
	}
	resp = s.post(t, c, "/oversight/publish", url.Values{"period": {month}, "note": {"again"}}, nil)
	if page := body(t, resp); resp.StatusCode != http.StatusConflict || !strings.Contains(page, "nothing to correct") {
		t.Errorf("publishing the same period's unchanged figures again: %d", resp.StatusCode)
	}
}

// TestActionPlanForms enters a plan, a recommendation and an action
// through the forms, keeping input after mistakes, and shows that marking
// an action done without evidence is refused and explained.
func TestActionPlanForms(t *testing.T) {
	s := newSite(t)
	c := s.signIn(t, "commissioner")
	resp := s.post(t, c, "/action-plans", url.Values{"title": {"Response to the inspection"}, "public": {"yes"}}, nil)
	if page := body(t, resp); resp.StatusCode != http.StatusUnprocessableEntity || !strings.Contains(page, `value="Response to the inspection"`) {
		t.Fatalf("plan with missing fields: %d", resp.StatusCode)
	}
	resp = s.post(t, c, "/action-plans", url.Values{"title": {"Response to the inspection"}, "report": {"Inspection of Kettleford (2015)"},
		"report-date-day": {"4"}, "report-date-month": {"2"}, "report-date-year": {"2015"}, "public": {"yes"}}, nil)
	resp.Body.Close()
	plan := strings.Split(resp.Header.Get("Location"), "?")[0]
	if resp.StatusCode != http.StatusSeeOther || !strings.HasPrefix(plan, "/action-plans/") {
		t.Fatalf("create plan: %d", resp.StatusCode)
	}
	resp = s.post(t, c, plan+"/recommendations", url.Values{"rec-number": {"1"}, "rec-text": {"Appoint a lead for CSE in every agency."}}, nil)
	resp.Body.Close()
	if resp.StatusCode != http.StatusSeeOther {
		t.Fatalf("add recommendation: %d", resp.StatusCode)
	}
	p, err := s.store.FindPlan(context.Background(), vigil.PublicActor, vigil.ID(strings.TrimPrefix(plan, "/action-plans/")))
	if err != nil || len(p.Recommendations) != 1 {
		t.Fatalf("plan: %v %v", p, err)
	}
	rec := p.Recommendations[0].ID
	prefix := "rec-" + string(rec)
	owner := s.town.Login("service.manager").User.ID
	resp = s.post(t, c, "/recommendations/"+string(rec)+"/actions", url.Values{"plan": {string(p.ID)}, prefix + "-title": {"Appoint leads"},
		prefix + "-owner": {string(owner)}, prefix + "-due-day": {"1"}, prefix + "-due-month": {"1"}, prefix + "-due-year": {"2020"}}, nil)
	if page := body(t, resp); resp.StatusCode != http.StatusUnprocessableEntity || !strings.Contains(page, `value="Appoint leads"`) ||
		!strings.Contains(page, prefix+"-evidence-error") {
		t.Fatalf("action without evidence needed: %d", resp.StatusCode)
	}
	resp = s.post(t, c, "/recommendations/"+string(rec)+"/actions", url.Values{"plan": {string(p.ID)}, prefix + "-title": {"Appoint leads"},
		prefix + "-owner": {string(owner)}, prefix + "-due-day": {"1"}, prefix + "-due-month": {"1"}, prefix + "-due-year": {"2020"},
		prefix + "-evidence": {"Letters of appointment"}}, nil)
	resp.Body.Close()
	if resp.StatusCode != http.StatusSeeOther {
		t.Fatalf("add action: %d", resp.StatusCode)
	}
	// The public page shows the recommendation overdue, without staff names.
	code, page := s.get(t, s.client(t), plan)
	if code != 200 || !strings.Contains(page, "Overdue") || strings.Contains(page, s.town.Login("service.manager").User.Name) {
		t.Errorf("public plan page: %d", code)
	}
	p, _ = s.store.FindPlan(context.Background(), vigil.PublicActor, p.ID)
	action := "/actions/" + string(p.Recommendations[0].Actions[0].ID)
	owned := s.signIn(t, "service.manager")
	resp = s.post(t, owned, action+"/progress", url.Values{"status": {"done"}, "note": {"All appointed"}}, nil)
	if page := body(t, resp); resp.StatusCode != http.StatusUnprocessableEntity || !strings.Contains(page, `id="evidence-error"`) ||
		!strings.Contains(page, ">All appointed</textarea>") {
		t.Errorf("done without evidence: %d", resp.StatusCode)
	}
	resp = s.post(t, owned, action+"/progress", url.Values{"status": {"done"}, "evidence": {"Appointment letters, minutes of 3 March"}}, nil)
	resp.Body.Close()
	if resp.StatusCode != http.StatusSeeOther {
		t.Errorf("done with evidence: %d", resp.StatusCode)
	}
	if code, _ := s.get(t, owned, action); code != 200 {
		t.Errorf("action page: %d", code)
	}
}
