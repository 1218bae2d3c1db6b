package web_test

import (
	"context"
	"net/http"
	"net/url"
	"strings"
	"testing"

	"github.com/vigil-project/vigil"
)

// concernForm is a complete concern as the form sends it, with no mention
// rows filled in.
func concernForm(kv ...string) url.Values {
	v := url.Values{"child-name": {"Mention Child"}, "child-age": {"14"}, "what-happened": {"Seen getting into a silver taxi."},
		"person-rows": {"1"}, "vehicle-rows": {"1"}, "phone-rows": {"1"}, "handle-rows": {"1"}, "address-rows": {"1"}, "venue-rows": {"1"}}
	for i := 0; i+1 < len(kv); i += 2 {
		v.Set(kv[i], kv[i+1])
	}
	return v
}

// TestConcernFormMentions: an officer raises a concern naming a suspect,
// a car and a takeaway in rows of their own, without JavaScript: "Add
// another" brings back the form with one more row and nothing lost, a
// mistake is shown beside its row with everything kept, and the concern
// is recorded with what it names, the child first.
func TestConcernFormMentions(t *testing.T) {
	s := newSite(t)
	c := s.signIn(t, "police.officer")

	status, page := s.get(t, c, "/concerns/new")
	if status != http.StatusOK {
		t.Fatalf("GET /concerns/new: %d", status)
	}
	for _, id := range []string{"person-0-role", "vehicle-0-plate", "vehicle-0-taxi-firm", "phone-0-number", "handle-0-handle", "address-0-postcode", "venue-0-name", "add-vehicle"} {
		if !strings.Contains(page, `id="`+id+`"`) {
			t.Errorf("the form has no input %s", id)
		}
	}

	t.Run("add another row", func(t *testing.T) {
		before := s.caseCount(t)
		resp := s.post(t, c, "/concerns", concernForm("vehicle-0-plate", "YX19 KHT", "add", "vehicle"), nil)
		b := body(t, resp)
		if resp.StatusCode != http.StatusOK {
			t.Fatalf("status %d, want 200", resp.StatusCode)
		}
		for _, want := range []string{`id="vehicle-1-plate"`, `value="YX19 KHT"`, `value="Mention Child"`, `name="vehicle-rows" value="2"`} {
			if !strings.Contains(b, want) {
				t.Errorf("the form shown again lacks %q", want)
			}
		}
		if strings.Contains(b, `id="vehicle-2-plate"`) || strings.Contains(b, `id="person-1-role"`) {
			t.Error("rows were added to kinds not asked for")
		}
		if n := s.caseCount(t); n != before {
			t.Errorf("adding a row recorded a concern: %d cases, want %d", n, before)
		}
	})

	t.Run("mistakes beside their rows, nothing lost", func(t *testing.T) {
		resp := s.post(t, c, "/concerns", concernForm("person-0-name", "Tariq", "person-0-age", "thirty", "vehicle-0-colour", "silver",
			"vehicle-0-taxi-firm", "Star Cars"), nil)
		b := body(t, resp)
		if resp.StatusCode != http.StatusUnprocessableEntity {
			t.Fatalf("status %d, want 422", resp.StatusCode)
		}
		for _, want := range []string{`href="#person-0-age"`, `href="#person-0-role"`, "Enter the age as a whole number", "Say who the person is",
			`value="Tariq"`, `value="thirty"`, `value="Star Cars"`, `value="silver"`} {
			if !strings.Contains(b, want) {
				t.Errorf("the page lacks %q", want)
			}
		}
	})

	var caseID vigil.ID
	t.Run("recorded with the concern", func(t *testing.T) {
		resp := s.post(t, c, "/concerns", concernForm("person-0-role", "suspect", "person-0-name", "Tariq Khan", "person-0-nickname", "T",
			"vehicle-0-plate", "yx19 kht", "vehicle-0-make", "Toyota Prius", "vehicle-0-colour", "silver", "vehicle-0-taxi-firm", "Star Cars",
			"venue-0-name", "Star Kebabs", "venue-0-kind", "takeaway", "venue-0-postcode", "s60 1aa"), nil)
		body(t, resp)
		if resp.StatusCode != http.StatusSeeOther {
			t.Fatalf("status %d, want 303", resp.StatusCode)
		}
		loc := resp.Header.Get("Location")
		caseID = vigil.ID(strings.TrimPrefix(strings.Split(loc, "?")[0], "/cases/"))
		d, err := s.store.FindCase(context.Background(), s.actor("police.officer"), caseID, "test")
		if err != nil {
			t.Fatal(err)
		}
		ms := d.Concerns[0].Mentions
		var got []string
		for _, m := range ms {
			got = append(got, string(m.Kind)+"/"+string(m.Role))
		}
		if want := "person/child person/suspect vehicle/ venue/"; strings.Join(got, " ") != want {
			t.Fatalf("mentions %q, want %q", strings.Join(got, " "), want)
		}
		if ms[0].FullName != "Mention Child" || ms[1].FullName != "Tariq Khan" || ms[2].Plate != "yx19 kht" || ms[2].TaxiFirm != "Star Cars" ||
			ms[3].VenueName != "Star Kebabs" || ms[3].OutwardKey != "S60" {
			t.Errorf("mentions recorded wrongly: %+v %+v %+v %+v", ms[0], ms[1], ms[2], ms[3])
		}
		status, page := s.get(t, c, "/cases/"+string(caseID))
		if status != http.StatusOK {
			t.Fatalf("case page: %d", status)
		}
		for _, want := range []string{`id="mentions-` + string(d.Concerns[0].ID) + `"`, "plate yx19 kht", "Star Kebabs", "suspect: Tariq Khan"} {
			if !strings.Contains(page, want) {
				t.Errorf("the case page lacks %q", want)
			}
		}
	})

	t.Run("added on the case page", func(t *testing.T) {
		if caseID == "" {
			t.Skip("no case")
		}
		d, err := s.store.FindCase(context.Background(), s.actor("police.officer"), caseID, "test")
		if err != nil {
			t.Fatal(err)
		}
		concern := string(d.Concerns[0].ID)
		form := concernForm("mention-concern", concern)
		for _, k := range []string{"child-name", "child-age", "what-happened"} {
			form.Del(k)
		}

		resp := s.post(t, c, "/cases/"+string(caseID)+"/mentions", form, nil)
		b := body(t, resp)
		if resp.StatusCode != http.StatusUnprocessableEntity || !strings.Contains(b, "Enter at least one person") {
			t.Errorf("an empty form: status %d, want 422 with a message", resp.StatusCode)
		}

		form.Set("phone-0-number", "07700 900123")
		form.Set("handle-0-platform", "Snapchat")
		form.Set("add", "handle")
		resp = s.post(t, c, "/cases/"+string(caseID)+"/mentions", form, nil)
		b = body(t, resp)
		if resp.StatusCode != http.StatusOK || !strings.Contains(b, `id="handle-1-handle"`) || !strings.Contains(b, `value="07700 900123"`) {
			t.Errorf("add another: status %d, or the row or the number is missing", resp.StatusCode)
		}

		form.Del("add")
		form.Set("handle-rows", "2")
		form.Set("handle-1-handle", "@tk_cars")
		resp = s.post(t, c, "/cases/"+string(caseID)+"/mentions", form, nil)
		b = body(t, resp)
		if resp.StatusCode != http.StatusUnprocessableEntity || !strings.Contains(b, `href="#handle-0-platform"`) || !strings.Contains(b, `value="@tk_cars"`) {
			t.Errorf("a platform without a handle: status %d, want 422 pointing at its row with everything kept", resp.StatusCode)
		}

		form.Set("handle-0-handle", "tk.cars")
		resp = s.post(t, c, "/cases/"+string(caseID)+"/mentions", form, nil)
		body(t, resp)
		if resp.StatusCode != http.StatusSeeOther {
			t.Fatalf("status %d, want 303", resp.StatusCode)
		}
		d, err = s.store.FindCase(context.Background(), s.actor("police.officer"), caseID, "test")
		if err != nil {
			t.Fatal(err)
		}
		var kinds []string
		for _, m := range d.Concerns[0].Mentions[4:] {
			kinds = append(kinds, string(m.Kind))
		}
		if got := strings.Join(kinds, " "); got != "phone handle handle" {
			t.Errorf("added %q, want phone handle handle", got)
		}

		// Someone who cannot see the case cannot add to it.
		other := s.signIn(t, "health.nurse")
		resp = s.post(t, other, "/cases/"+string(caseID)+"/mentions", form, nil)
		body(t, resp)
		if resp.StatusCode != http.StatusNotFound {
			t.Errorf("a nurse outside the case: status %d, want 404", resp.StatusCode)
		}
	})
}

// caseCount counts the cases in the store.
func (s *site) caseCount(t *testing.T) int {
	t.Helper()
	cs, err := s.store.Cases(context.Background(), s.actor("investigator"), vigil.CaseFilter{})
	if err != nil {
		t.Fatal(err)
	}
	return len(cs)
}
