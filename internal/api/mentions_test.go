package api

import (
	"net/http"
	"strings"
	"testing"

	"github.com/vigil-project/vigil"
)

// TestMentionsAPI: a police officer raises a concern naming a car that
// an earlier concern named with its plate misread, and the new report is
// linked to it at once (I and 1 look alike); mentions added to the case later are recorded
// against its report; mistakes are named by their place in the list.
func TestMentionsAPI(t *testing.T) {
	e := newEnv(t)
	raise := func(body string) (*http.Response, concernResponse, []byte) {
		t.Helper()
		resp, b := e.post(t, "police.officer", "/api/v1/concerns", body)
		var out concernResponse
		if resp.StatusCode == http.StatusCreated {
			decode(t, resp, b, http.StatusCreated, &out)
		}
		return resp, out, b
	}
	_, first, _ := raise(`{"child": {"name": "Ava Example", "age": 14}, "what_happened": "Picked up by a taxi.",
		"mentions": [{"kind": "vehicle", "plate": "YX19 KHI", "colour": "silver", "taxi_firm": "Star Cars"}]}`)
	resp, second, b := raise(`{"child": {"name": "Mia Example", "age": 13}, "what_happened": "Seen in a silver taxi.",
		"mentions": [{"kind": "person", "role": "suspect", "full_name": "Tariq", "age": 30},
			{"kind": "vehicle", "plate": "YX19 KH1", "make": "Toyota"}]}`)
	if resp.StatusCode != http.StatusCreated {
		t.Fatalf("raise: %d %s", resp.StatusCode, b)
	}
	ms := second.Concern.Mentions
	if len(ms) != 3 || ms[0].Role != vigil.MentionChild || ms[1].Role != vigil.MentionSuspect || ms[2].Plate != "YX19 KH1" {
		t.Fatalf("the concern was raised with mentions %s", b)
	}
	var ent vigil.Entity
	resp, b = e.do(t, request{method: "GET", path: "/api/v1/entities/" + string(ms[2].ID), login: "police.analyst"})
	decode(t, resp, b, http.StatusOK, &ent)
	if len(ent.Concerns) != 2 || ent.Concerns[0].ConcernID != first.Concern.ID && ent.Concerns[1].ConcernID != first.Concern.ID {
		t.Errorf("the car named by the new report is not linked to the earlier one: %s", b)
	}

	t.Run("invalid mentions", func(t *testing.T) {
		resp, _, b := raise(`{"child": {"name": "Zoe Example", "age": 13}, "what_happened": "x",
			"mentions": [{"kind": "vehicle", "plate": "AB12 CDE"}, {"kind": "person", "full_name": "No Role"}]}`)
		if resp.StatusCode != http.StatusUnprocessableEntity || !strings.Contains(string(b), `"mentions[1].role"`) {
			t.Errorf("a person without a role: %d %s", resp.StatusCode, b)
		}
		resp, _, b = raise(`{"child": {"name": "Zoe Example", "age": 13}, "what_happened": "x", "mentions": [{"kind": "vehicle", "ethnicity": "x"}]}`)
		if resp.StatusCode != http.StatusBadRequest {
			t.Errorf("ethnicity on a mention: %d %s, want 400 (demographics have their own route)", resp.StatusCode, b)
		}
	})

	t.Run("added to a case", func(t *testing.T) {
		path := "/api/v1/cases/" + string(second.Case.ID) + "/mentions"
		resp, b := e.post(t, "police.officer", path, `{"mentions": [{"kind": "phone", "phone": "07700 900123"}, {"kind": "handle", "platform": "Snapchat", "handle": "tk.cars"}]}`)
		var out mentionList
		decode(t, resp, b, http.StatusCreated, &out)
		if len(out.Mentions) != 2 || out.Mentions[0].PhoneKey != "+447700900123" || out.Mentions[1].ConcernID != second.Concern.ID {
			t.Errorf("recorded %s", b)
		}
		d := e.detail(t, "police.officer", second.Case.ID)
		if n := len(d.Concerns[0].Mentions); n != 5 {
			t.Errorf("the case's report names %d, want 5", n)
		}
		for _, tc := range []struct {
			name, login, body string
			status            int
		}{
			{"none", "police.officer", `{"mentions": []}`, http.StatusUnprocessableEntity},
			{"another case's concern", "police.officer", `{"concern_id": "` + string(first.Concern.ID) + `", "mentions": [{"kind": "phone", "phone": "1"}]}`, http.StatusUnprocessableEntity},
			{"an empty phone", "police.officer", `{"mentions": [{"kind": "phone"}]}`, http.StatusUnprocessableEntity},
			{"someone outside the case", "health.nurse", `{"mentions": [{"kind": "phone", "phone": "07700 900124"}]}`, http.StatusNotFound},
		} {
			resp, b := e.post(t, tc.login, path, tc.body)
			if resp.StatusCode != tc.status {
				t.Errorf("%s: %d %s, want %d", tc.name, resp.StatusCode, b, tc.status)
			}
		}
	})
}
