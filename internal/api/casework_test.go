package api

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"github.com/vigil-project/vigil"
)

// raise records a concern through the API as school.dsl, received `ago`
// before now, about a child of the given age, and returns its case.
func (e *env) raise(tb testing.TB, ago time.Duration, age int) vigil.Case {
	tb.Helper()
	body := fmt.Sprintf(`{"child": {"name": "Casework Child", "age": %d}, "what_happened": "Collected from school by older men in a car.", "received_at": %q}`,
		age, rfc3339(time.Now().Add(-ago)))
	resp, b := e.do(tb, request{method: "POST", path: "/api/v1/concerns", login: "school.dsl", body: body})
	var created struct {
		Case vigil.Case `json:"case"`
	}
	decode(tb, resp, b, http.StatusCreated, &created)
	return created.Case
}

func rfc3339(t time.Time) string { return t.UTC().Truncate(time.Second).Format(time.RFC3339) }

// detail reads a case through the API as login, and checks that its lists
// are arrays, never null, and that each deadline carries kind, due, met_at
// and status, as issue 4 promises.
func (e *env) detail(tb testing.TB, login string, id vigil.ID) *vigil.CaseDetail {
	tb.Helper()
	resp, body := e.do(tb, request{method: "GET", path: "/api/v1/cases/" + string(id), login: login})
	var d vigil.CaseDetail
	decode(tb, resp, body, http.StatusOK, &d)
	var raw map[string]json.RawMessage
	if err := json.Unmarshal(body, &raw); err != nil {
		tb.Fatal(err)
	}
	for _, k := range []string{"concerns", "chronology", "deadlines", "escalations", "decisions", "missing_episodes",
		"transfers", "agency_referrals", "share_decisions"} {
		if !strings.HasPrefix(string(raw[k]), "[") {
			tb.Errorf("%s = %s, want an array", k, raw[k])
		}
	}
	if _, ok := raw["screening"]; !ok {
		tb.Error("no screening member")
	}
	var deadlines []map[string]json.RawMessage
	if err := json.Unmarshal(raw["deadlines"], &deadlines); err != nil {
		tb.Fatal(err)
	}
	for _, dl := range deadlines {
		for _, k := range []string{"kind", "due", "met_at", "status"} {
			if _, ok := dl[k]; !ok {
				tb.Errorf("deadline %v has no %s", dl, k)
			}
		}
	}
	return &d
}

// post sends a JSON body as login.
func (e *env) post(tb testing.TB, login, path, body string) (*http.Response, []byte) {
	tb.Helper()
	return e.do(tb, request{method: "POST", path: path, login: login, body: body})
}

// wantProblem checks a problem answer: its status, code, the fields at
// fault (in order) and a part of its detail.
func wantProblem(tb testing.TB, resp *http.Response, body []byte, status int, code string, fields []string, detail string) {
	tb.Helper()
	if resp.StatusCode != status {
		tb.Fatalf("status %d, want %d; body %s", resp.StatusCode, status, body)
	}
	p := decodeProblem(tb, resp, body)
	if p.Code != code {
		tb.Errorf("code %q, want %q", p.Code, code)
	}
	if diff := cmp.Diff(fields, fieldNames(p.Errors)); diff != "" {
		tb.Errorf("field errors (-want +got):\n%s\nproblem: %+v", diff, p)
	}
	if !strings.Contains(p.Detail, detail) {
		tb.Errorf("detail %q does not say %q", p.Detail, detail)
	}
}

func wantNoContent(tb testing.TB, resp *http.Response, body []byte) {
	tb.Helper()
	if resp.StatusCode != http.StatusNoContent || len(body) != 0 {
		tb.Fatalf("status %d with body %q, want 204 and no body", resp.StatusCode, body)
	}
}

// deadlines returns a case's deadlines by kind, for one status.
func deadlines(d *vigil.CaseDetail, status vigil.DeadlineStatus) map[string]*vigil.Deadline {
	out := map[string]*vigil.Deadline{}
	for _, dl := range d.Deadlines {
		if dl.Status == status {
			out[dl.Kind] = dl
		}
	}
	return out
}

func sortedKeys[V any](m map[string]V) []string {
	var out []string
	for k := range m {
		out = append(out, k)
	}
	slices.Sort(out)
	return out
}

// TestDecisionWalk takes a referral through the section 47 route to a child
// protection plan through the API, checking at each step the stage and the
// statutory clocks GET /api/v1/cases/{id} shows, after decisions out of
// order and without reasons have been refused and left nothing behind.
func TestDecisionWalk(t *testing.T) {
	e := newEnv(t)
	cs := e.raise(t, 2*time.Hour, 14)
	path := "/api/v1/cases/" + string(cs.ID) + "/decisions"
	duty := e.user(t, "duty.manager")

	for _, tc := range []struct {
		name, login, body string
		status            int
		code              string
		fields            []string
		detail            string
	}{
		{name: "conference before section 47", login: "duty.manager",
			body:   `{"kind": "conference", "outcome": "protection_plan", "reason": "Plan needed"}`,
			status: 422, code: vigil.EINVALID, fields: []string{"kind"}, detail: "record the outcome of the section 47 enquiry first"},
		{name: "section 47 outcome before the strategy discussion", login: "duty.manager",
			body:   `{"kind": "section47", "outcome": "conference", "reason": "Enquiry done"}`,
			status: 422, code: vigil.EINVALID, fields: []string{"kind"}, detail: "record the strategy discussion first"},
		{name: "unknown kind", login: "duty.manager",
			body:   `{"kind": "tea", "outcome": "held", "reason": "x"}`,
			status: 422, code: vigil.EINVALID, fields: []string{"kind"}},
		{name: "outcome the kind does not take", login: "duty.manager",
			body:   `{"kind": "referral", "outcome": "protection_plan", "reason": "x"}`,
			status: 422, code: vigil.EINVALID, fields: []string{"outcome"}, detail: "no_further_action, early_help, assessment, section47"},
		{name: "missing reason", login: "duty.manager",
			body:   `{"kind": "referral", "outcome": "section47"}`,
			status: 422, code: vigil.EINVALID, fields: []string{"reason"}},
		{name: "blank reason", login: "duty.manager",
			body:   `{"kind": "referral", "outcome": "section47", "reason": "   "}`,
			status: 422, code: vigil.EINVALID, fields: []string{"reason"}},
		{name: "at not RFC 3339, reported with the other problems", login: "duty.manager",
			body:   `{"kind": "referral", "outcome": "section47", "at": "yesterday"}`,
			status: 422, code: vigil.EINVALID, fields: []string{"at", "reason"}},
		{name: "at in the future", login: "duty.manager",
			body:   `{"kind": "referral", "outcome": "section47", "reason": "x", "at": "` + rfc3339(time.Now().Add(48*time.Hour)) + `"}`,
			status: 422, code: vigil.EINVALID, fields: []string{"at"}},
		{name: "unknown field", login: "duty.manager",
			body:   `{"kind": "referral", "outcome": "section47", "reason": "x", "urgent": true}`,
			status: 400, code: vigil.EINVALID, fields: []string{"urgent"}, detail: "Unknown field urgent"},
		{name: "field in the wrong case", login: "duty.manager",
			body:   `{"kind": "referral", "outcome": "section47", "Reason": "x"}`,
			status: 400, code: vigil.EINVALID, fields: []string{"Reason"}, detail: "did you mean reason?"},
		{name: "the raiser cannot decide", login: "school.dsl",
			body:   `{"kind": "referral", "outcome": "section47", "reason": "x"}`,
			status: 403, code: vigil.EFORBIDDEN},
		{name: "an investigator reads but does not decide", login: "investigator",
			body:   `{"kind": "referral", "outcome": "section47", "reason": "x"}`,
			status: 403, code: vigil.EFORBIDDEN},
		{name: "a police officer outside the case", login: "police.officer",
			body:   `{"kind": "referral", "outcome": "section47", "reason": "x"}`,
			status: 404, code: vigil.ENOTFOUND},
	} {
		t.Run("refused: "+tc.name, func(t *testing.T) {
			resp, body := e.post(t, tc.login, path, tc.body)
			wantProblem(t, resp, body, tc.status, tc.code, tc.fields, tc.detail)
		})
	}
	if d := e.detail(t, "duty.manager", cs.ID); d.Stage != vigil.StageReferral || len(d.Decisions) != 0 {
		t.Fatalf("refused decisions left stage %s and %d decisions behind", d.Stage, len(d.Decisions))
	}

	for _, step := range []struct {
		kind, outcome  string
		stage          vigil.Stage
		open, metKinds []string
	}{
		{vigil.DecideReferral, "section47", vigil.StageStrategy,
			[]string{"assessment", "strategy_discussion"}, []string{"decision"}},
		{vigil.DecideStrategy, "section47", vigil.StageSection47,
			[]string{"assessment", "initial_conference"}, []string{"decision", "strategy_discussion"}},
		{vigil.DecideSection47, "conference", vigil.StageConference,
			[]string{"assessment", "initial_conference"}, []string{"decision", "strategy_discussion"}},
		{vigil.DecideConference, "protection_plan", vigil.StageProtectionPlan,
			[]string{"assessment", "core_group", "review_conference"}, []string{"decision", "initial_conference", "strategy_discussion"}},
	} {
		t.Run(step.kind+" "+step.outcome, func(t *testing.T) {
			before := e.detail(t, "duty.manager", cs.ID).Stage
			resp, body := e.post(t, "duty.manager", path,
				fmt.Sprintf(`{"kind": %q, "outcome": %q, "reason": "Risk of sexual exploitation"}`, step.kind, step.outcome))
			var dec vigil.Decision
			decode(t, resp, body, http.StatusCreated, &dec)
			if dec.Kind != step.kind || dec.Outcome != step.outcome || dec.FromStage != before || dec.ToStage != step.stage ||
				dec.DecidedBy != duty.ID || dec.Reason != "Risk of sexual exploitation" || dec.Label == "" || !dec.ID.Valid() {
				t.Errorf("decision = %+v", dec)
			}
			d := e.detail(t, "duty.manager", cs.ID)
			if d.Stage != step.stage {
				t.Errorf("stage %s, want %s", d.Stage, step.stage)
			}
			if diff := cmp.Diff(step.open, sortedKeys(deadlines(d, vigil.DeadlineOpen))); diff != "" {
				t.Errorf("open deadlines (-want +got):\n%s", diff)
			}
			if diff := cmp.Diff(step.metKinds, sortedKeys(deadlines(d, vigil.DeadlineMet))); diff != "" {
				t.Errorf("met deadlines (-want +got):\n%s", diff)
			}
			for _, dl := range d.Deadlines {
				if (dl.Status == vigil.DeadlineMet) != (dl.MetAt != nil) || !dl.Due.After(dl.StartedAt) {
					t.Errorf("deadline %+v", dl)
				}
			}
		})
	}
	d := e.detail(t, "duty.manager", cs.ID)
	if len(d.Decisions) != 4 {
		t.Errorf("%d decisions, want 4", len(d.Decisions))
	}
	var kinds []string
	for _, ev := range d.Events {
		kinds = append(kinds, ev.Kind)
	}
	for _, want := range []string{"decision.referral", "decision.conference", "deadline.met", "deadline.started"} {
		if !slices.Contains(kinds, want) {
			t.Errorf("chronology %v has no %s", kinds, want)
		}
	}
}

// TestLateDecision records a decision on a concern received by phone days
// earlier: the decision deadline has passed, so the decision needs a
// reason for the delay, which the met deadline then carries.
func TestLateDecision(t *testing.T) {
	e := newEnv(t)
	cs := e.raise(t, 8*24*time.Hour, 14)
	path := "/api/v1/cases/" + string(cs.ID) + "/decisions"
	resp, body := e.post(t, "duty.manager", path, `{"kind": "referral", "outcome": "assessment", "reason": "Needs assessment"}`)
	wantProblem(t, resp, body, 422, vigil.EINVALID, []string{"late_reason"}, "say why it is late")
	// The missed deadline reads as overdue, not merely open.
	if d := e.detail(t, "duty.manager", cs.ID); d.Stage != vigil.StageReferral || len(d.Decisions) != 0 || deadlines(d, vigil.DeadlineOverdue)["decision"] == nil {
		t.Fatalf("a refused late decision left stage %s, %d decisions, overdue deadlines %v", d.Stage, len(d.Decisions), sortedKeys(deadlines(d, vigil.DeadlineOverdue)))
	}
	resp, body = e.post(t, "duty.manager", path,
		`{"kind": "referral", "outcome": "assessment", "reason": "Needs assessment", "late_reason": "The referral was misfiled"}`)
	var dec vigil.Decision
	decode(t, resp, body, http.StatusCreated, &dec)
	if dec.LateReason != "The referral was misfiled" {
		t.Errorf("decision late_reason = %q", dec.LateReason)
	}
	dl := deadlines(e.detail(t, "duty.manager", cs.ID), vigil.DeadlineMet)["decision"]
	if dl == nil || !dl.Late() || dl.LateReason != "The referral was misfiled" {
		t.Errorf("decision deadline = %+v, want met late with its reason", dl)
	}
}

// TestTransfer offers a case, has the offer refused (which needs a reason
// and escalates) and then accepted.
func TestTransfer(t *testing.T) {
	e := newEnv(t)
	cs := e.raise(t, time.Hour, 14)
	duty, sw := e.user(t, "duty.manager"), e.user(t, "social.worker")
	offer := "/api/v1/cases/" + string(cs.ID) + "/transfers"

	for _, tc := range []struct {
		name, body string
		status     int
		code       string
		fields     []string
	}{
		{"to someone who cannot hold cases", `{"to": "` + string(e.user(t, "investigator").ID) + `", "reason": "x"}`, 422, vigil.EINVALID, []string{"to"}},
		{"to nobody", `{"to": "nobody", "reason": "x"}`, 422, vigil.EINVALID, []string{"to"}},
		{"to the owner", `{"to": "` + string(duty.ID) + `", "reason": "x"}`, 422, vigil.EINVALID, []string{"to"}},
		{"without a reason", `{"to": "` + string(sw.ID) + `"}`, 422, vigil.EINVALID, []string{"reason"}},
		{"to as a number", `{"to": 7, "reason": "x"}`, 400, vigil.EINVALID, []string{"to"}},
	} {
		t.Run("offer refused: "+tc.name, func(t *testing.T) {
			resp, body := e.post(t, "duty.manager", offer, tc.body)
			wantProblem(t, resp, body, tc.status, tc.code, tc.fields, "")
		})
	}

	resp, body := e.post(t, "duty.manager", offer, `{"to": "`+string(sw.ID)+`", "reason": "Allocated for assessment"}`)
	var tr vigil.Transfer
	decode(t, resp, body, http.StatusCreated, &tr)
	if tr.CaseID != cs.ID || tr.FromID != duty.ID || tr.ToID != sw.ID || tr.Status != vigil.TransferOffered || tr.AnsweredAt != nil {
		t.Errorf("transfer = %+v", tr)
	}
	resp, body = e.post(t, "duty.manager", offer, `{"to": "`+string(sw.ID)+`", "reason": "again"}`)
	wantProblem(t, resp, body, 409, vigil.ECONFLICT, nil, "already waiting")

	t.Run("listed for the person offered only", func(t *testing.T) {
		for _, tc := range []struct {
			login string
			want  bool
		}{{"social.worker", true}, {"duty.manager", false}, {"team.manager", false}} {
			resp, body := e.do(t, request{method: "GET", path: "/api/v1/transfers?to=me", login: tc.login})
			var list transferList
			decode(t, resp, body, http.StatusOK, &list)
			if list.Transfers == nil {
				t.Fatalf("transfers is null: %s", body)
			}
			i := slices.IndexFunc(list.Transfers, func(x *vigil.TransferItem) bool { return x.ID == tr.ID })
			if (i >= 0) != tc.want {
				t.Fatalf("%s: transfer listed = %v, want %v", tc.login, i >= 0, tc.want)
			}
			if i >= 0 {
				if it := list.Transfers[i]; it.CaseRef != cs.Ref || it.ChildName != "Casework Child" || it.FromName != "Priya Shah" {
					t.Errorf("item = %+v", it)
				}
			}
		}
		for _, q := range []string{"", "?to=" + string(sw.ID), "?to=me&from=me"} {
			resp, body := e.do(t, request{method: "GET", path: "/api/v1/transfers" + q, login: "social.worker"})
			if resp.StatusCode != 400 {
				t.Errorf("GET /api/v1/transfers%s: status %d, want 400; %s", q, resp.StatusCode, body)
			}
		}
	})

	accept := "/api/v1/transfers/" + string(tr.ID) + "/accept"
	refuse := "/api/v1/transfers/" + string(tr.ID) + "/refuse"
	resp, body = e.do(t, request{method: "POST", path: accept, login: "duty.manager"})
	wantProblem(t, resp, body, 404, vigil.ENOTFOUND, nil, "")
	resp, body = e.post(t, "social.worker", refuse, `{}`)
	wantProblem(t, resp, body, 422, vigil.EINVALID, []string{"reason"}, "")
	resp, body = e.post(t, "social.worker", refuse, `{"reason": "My caseload is full"}`)
	wantNoContent(t, resp, body)
	resp, body = e.post(t, "social.worker", refuse, `{"reason": "Still full"}`)
	wantProblem(t, resp, body, 409, vigil.ECONFLICT, nil, "")

	d := e.detail(t, "duty.manager", cs.ID)
	if d.OwnerID != duty.ID || len(d.Transfers) != 1 || d.Transfers[0].Status != vigil.TransferRefused || d.Transfers[0].Answer != "My caseload is full" {
		t.Errorf("after refusal: owner %s, transfers %+v", d.OwnerID, d.Transfers)
	}
	if len(d.Escalations) != 1 || d.Escalations[0].Kind != vigil.EscalationTransferRefused || d.Escalations[0].Status != vigil.EscalationOpen {
		t.Errorf("after refusal: escalations %+v, want one open transfer_refused", d.Escalations)
	}

	resp, body = e.post(t, "duty.manager", offer, `{"to": "`+string(sw.ID)+`", "reason": "Allocated after review"}`)
	decode(t, resp, body, http.StatusCreated, &tr)
	accept = "/api/v1/transfers/" + string(tr.ID) + "/accept"
	resp, body = e.post(t, "social.worker", accept, `{"note": "happy to"}`)
	wantProblem(t, resp, body, 400, vigil.EINVALID, []string{"note"}, "Unknown field note")
	resp, body = e.do(t, request{method: "POST", path: accept, login: "social.worker"}) // no body at all
	wantNoContent(t, resp, body)
	resp, body = e.post(t, "social.worker", accept, `{}`)
	wantProblem(t, resp, body, 409, vigil.ECONFLICT, nil, "")
	if d := e.detail(t, "social.worker", cs.ID); d.OwnerID != sw.ID || d.Owner == nil || d.Owner.Name != "Sarah Wilson" {
		t.Errorf("after acceptance: owner %s (%+v), want %s", d.OwnerID, d.Owner, sw.ID)
	}
}

// TestMissing records three missing episodes, which start a strategy
// discussion, and a return, which starts the 72-hour return home interview.
func TestMissing(t *testing.T) {
	e := newEnv(t)
	cs := e.raise(t, time.Hour, 14)
	path := "/api/v1/cases/" + string(cs.ID) + "/missing"
	now := time.Now()

	for _, tc := range []struct {
		name, login, body string
		status            int
		code              string
		fields            []string
	}{
		{"without details", "duty.manager", `{"missing_from": "` + rfc3339(now.Add(-time.Hour)) + `"}`, 422, vigil.EINVALID, []string{"details"}},
		{"without a time", "duty.manager", `{"details": "Not home"}`, 422, vigil.EINVALID, []string{"missing_from"}},
		{"time not RFC 3339", "duty.manager", `{"missing_from": "last night", "details": "Not home"}`, 422, vigil.EINVALID, []string{"missing_from"}},
		{"in the future", "duty.manager", `{"missing_from": "` + rfc3339(now.Add(24*time.Hour)) + `", "details": "x"}`, 422, vigil.EINVALID, []string{"missing_from"}},
		{"by the raiser, who may see but not record", "school.dsl", `{"missing_from": "` + rfc3339(now.Add(-time.Hour)) + `", "details": "x"}`, 403, vigil.EFORBIDDEN, nil},
		{"by police outside the case", "police.officer", `{"missing_from": "` + rfc3339(now.Add(-time.Hour)) + `", "details": "x"}`, 404, vigil.ENOTFOUND, nil},
	} {
		t.Run("refused: "+tc.name, func(t *testing.T) {
			resp, body := e.post(t, tc.login, path, tc.body)
			wantProblem(t, resp, body, tc.status, tc.code, tc.fields, "")
		})
	}

	var last vigil.MissingEpisode
	for i, ago := range []time.Duration{20 * 24 * time.Hour, 9 * 24 * time.Hour, 5 * time.Hour} {
		from := now.Add(-ago).UTC().Truncate(time.Second)
		resp, body := e.post(t, "duty.manager", path, `{"missing_from": "`+rfc3339(from)+`", "details": "Missing overnight, seen near the bus station"}`)
		decode(t, resp, body, http.StatusCreated, &last)
		if !last.MissingFrom.Equal(from) || last.ReturnedAt != nil || last.RecordedBy != e.user(t, "duty.manager").ID {
			t.Errorf("episode = %+v", last)
		}
		strategy := deadlines(e.detail(t, "duty.manager", cs.ID), vigil.DeadlineOpen)["strategy_discussion"]
		if (strategy != nil) != (i == 2) {
			t.Errorf("after %d episodes: strategy discussion deadline %+v", i+1, strategy)
		}
	}

	ret := "/api/v1/missing/" + string(last.ID) + "/return"
	for _, tc := range []struct {
		name, body string
		status     int
		fields     []string
	}{
		{"without a time", `{}`, 422, []string{"returned_at"}},
		{"before going missing", `{"returned_at": "` + rfc3339(now.Add(-24*time.Hour)) + `"}`, 422, []string{"returned_at"}},
		{"time not RFC 3339", `{"returned_at": "2025-13-01T00:00:00Z"}`, 422, []string{"returned_at"}},
		{"unknown field", `{"returned_at": "` + rfc3339(now) + `", "where": "home"}`, 400, []string{"where"}},
	} {
		t.Run("return refused: "+tc.name, func(t *testing.T) {
			resp, body := e.post(t, "duty.manager", ret, tc.body)
			wantProblem(t, resp, body, tc.status, vigil.EINVALID, tc.fields, "")
		})
	}
	returned := now.Add(-time.Hour).UTC().Truncate(time.Second)
	resp, body := e.post(t, "duty.manager", ret, `{"returned_at": "`+rfc3339(returned)+`"}`)
	wantNoContent(t, resp, body)
	resp, body = e.post(t, "duty.manager", ret, `{"returned_at": "`+rfc3339(returned)+`"}`)
	wantProblem(t, resp, body, 409, vigil.ECONFLICT, nil, "")

	d := e.detail(t, "duty.manager", cs.ID)
	rhi := deadlines(d, vigil.DeadlineOpen)["return_interview"]
	if rhi == nil || !rhi.Due.Equal(returned.Add(72*time.Hour)) || rhi.RefID != last.ID {
		t.Errorf("return interview deadline = %+v, want due 72 hours after %v, for episode %s", rhi, returned, last.ID)
	}
	if len(d.MissingEpisodes) != 3 || d.MissingEpisodes[0].ID != last.ID || d.MissingEpisodes[0].ReturnedAt == nil || !d.MissingEpisodes[0].ReturnedAt.Equal(returned) {
		t.Errorf("missing episodes = %+v", d.MissingEpisodes)
	}
	// The interview is a decision, which meets the clock.
	resp, body = e.post(t, "duty.manager", "/api/v1/cases/"+string(cs.ID)+"/decisions",
		`{"kind": "return_interview", "outcome": "held", "reason": "Spoke with the child at school"}`)
	decode(t, resp, body, http.StatusCreated, &vigil.Decision{})
	if dl := deadlines(e.detail(t, "duty.manager", cs.ID), vigil.DeadlineMet)["return_interview"]; dl == nil || dl.Late() {
		t.Errorf("return interview deadline after the interview: %+v", dl)
	}
}

// TestScreening records CSE screenings and checks the level Vigil works
// out, which for a child of 13 or under needs only one high indicator.
func TestScreening(t *testing.T) {
	e := newEnv(t)
	young, older := e.raise(t, time.Hour, 12), e.raise(t, time.Hour, 15)
	for _, tc := range []struct {
		name   string
		cs     vigil.Case
		body   string
		status int
		level  vigil.RiskLevel
		fields []string
	}{
		{name: "one high indicator at 12", cs: young, body: `{"scores": {"missing": "high"}, "notes": "Missing three times"}`, status: 201, level: vigil.RiskHigh},
		{name: "one high indicator at 15", cs: older, body: `{"scores": {"missing": "high"}, "notes": "Missing three times"}`, status: 201, level: vigil.RiskMedium},
		{name: "one high and two medium at 15", cs: older,
			body: `{"scores": {"missing": "high", "cars": "medium", "gifts": "medium"}, "notes": "Cars at the gate; new phone"}`, status: 201, level: vigil.RiskHigh},
		{name: "one low", cs: older, body: `{"scores": {"truancy": "low"}, "notes": "Late twice"}`, status: 201, level: vigil.RiskLow},
		{name: "nothing present", cs: older, body: `{"scores": {}}`, status: 201, level: vigil.RiskNone},
		{name: "unknown indicator", cs: older, body: `{"scores": {"astrology": "high"}, "notes": "x"}`, status: 422, fields: []string{"scores.astrology"}},
		{name: "score not low, medium or high", cs: older, body: `{"scores": {"missing": "severe"}, "notes": "x"}`, status: 422, fields: []string{"scores.missing"}},
		{name: "scores without notes", cs: older, body: `{"scores": {"missing": "low"}}`, status: 422, fields: []string{"notes"}},
		{name: "score as a number", cs: older, body: `{"scores": {"missing": 3}, "notes": "x"}`, status: 400, fields: []string{"scores.missing"}},
		{name: "indicator given twice", cs: older, body: `{"scores": {"missing": "high", "missing": "low"}, "notes": "x"}`, status: 400, fields: []string{"scores.missing"}},
		{name: "scores as a list", cs: older, body: `{"scores": ["missing"], "notes": "x"}`, status: 400, fields: []string{"scores"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			resp, body := e.post(t, "duty.manager", "/api/v1/cases/"+string(tc.cs.ID)+"/screenings", tc.body)
			if tc.status != http.StatusCreated {
				wantProblem(t, resp, body, tc.status, vigil.EINVALID, tc.fields, "")
				return
			}
			var sc vigil.Screening
			decode(t, resp, body, http.StatusCreated, &sc)
			if sc.Level != tc.level {
				t.Errorf("level %s, want %s", sc.Level, tc.level)
			}
			if d := e.detail(t, "duty.manager", tc.cs.ID); d.Screening == nil || d.Screening.ID != sc.ID || d.Screening.Level != tc.level {
				t.Errorf("case screening = %+v, want the new one", d.Screening)
			}
		})
	}
	resp, body := e.post(t, "investigator", "/api/v1/cases/"+string(older.ID)+"/screenings", `{"scores": {}}`)
	wantProblem(t, resp, body, 403, vigil.EFORBIDDEN, nil, "")
}

// TestReferral refers a case to the police, who acknowledge it, and
// records decisions to share and not to share.
func TestReferral(t *testing.T) {
	e := newEnv(t)
	cs := e.raise(t, time.Hour, 14)
	police, education, own := e.town.Agencies[vigil.AgencyPolice].ID, e.town.Agencies[vigil.AgencyEducation].ID, e.town.Agencies[vigil.AgencyChildrensServices].ID
	path := "/api/v1/cases/" + string(cs.ID) + "/referrals"
	for _, tc := range []struct {
		name, body string
		status     int
		fields     []string
	}{
		{"without a reason", `{"agency_id": "` + string(police) + `"}`, 422, []string{"reason"}},
		{"to an unknown agency", `{"agency_id": "` + string(vigil.NewID()) + `", "reason": "x"}`, 422, []string{"agency_id"}},
		{"to one's own agency", `{"agency_id": "` + string(own) + `", "reason": "x"}`, 422, []string{"agency_id"}},
		{"agency given as agency", `{"agency": "` + string(police) + `", "reason": "x"}`, 400, []string{"agency"}},
	} {
		t.Run("refused: "+tc.name, func(t *testing.T) {
			resp, body := e.post(t, "duty.manager", path, tc.body)
			wantProblem(t, resp, body, tc.status, vigil.EINVALID, tc.fields, "")
		})
	}
	resp, body := e.post(t, "duty.manager", path, `{"agency_id": "`+string(police)+`", "reason": "Vehicle seen; please check the plate"}`)
	var ref vigil.AgencyReferral
	decode(t, resp, body, http.StatusCreated, &ref)
	if ref.CaseID != cs.ID || ref.ToAgency != police || ref.FromAgency != own || ref.AcknowledgedAt != nil {
		t.Errorf("referral = %+v", ref)
	}
	d := e.detail(t, "duty.manager", cs.ID)
	if ack := deadlines(d, vigil.DeadlineOpen)["referral_acknowledgement"]; ack == nil || ack.RefID != ref.ID {
		t.Errorf("acknowledgement deadline = %+v", ack)
	}
	if len(d.Referrals) != 1 || len(d.Shares) != 1 || !d.Shares[0].Share || d.Shares[0].WithAgency != police {
		t.Errorf("referrals %+v, share decisions %+v", d.Referrals, d.Shares)
	}

	ack := "/api/v1/referrals/" + string(ref.ID) + "/acknowledge"
	resp, body = e.do(t, request{method: "POST", path: ack, login: "school.dsl"})
	wantProblem(t, resp, body, 404, vigil.ENOTFOUND, nil, "")
	resp, body = e.do(t, request{method: "POST", path: ack, login: "police.analyst"}) // of the police, but holds no cases
	wantProblem(t, resp, body, 403, vigil.EFORBIDDEN, nil, "")
	resp, body = e.do(t, request{method: "POST", path: ack, login: "police.officer"})
	wantNoContent(t, resp, body)
	resp, body = e.post(t, "police.officer", ack, `{}`)
	wantProblem(t, resp, body, 409, vigil.ECONFLICT, nil, "")
	d = e.detail(t, "duty.manager", cs.ID)
	if dl := deadlines(d, vigil.DeadlineMet)["referral_acknowledgement"]; dl == nil {
		t.Error("acknowledgement deadline not met")
	}
	if d.Referrals[0].AcknowledgedBy != e.user(t, "police.officer").ID || d.Referrals[0].AcknowledgedAt == nil {
		t.Errorf("referral after acknowledgement = %+v", d.Referrals[0])
	}

	shares := "/api/v1/cases/" + string(cs.ID) + "/shares"
	for _, tc := range []struct {
		name, body string
		status     int
		fields     []string
	}{
		{"without share", `{"agency_id": "` + string(education) + `", "reason": "x"}`, 422, []string{"share"}},
		{"share as text", `{"agency_id": "` + string(education) + `", "share": "no", "reason": "x"}`, 400, []string{"share"}},
		{"without a reason", `{"agency_id": "` + string(education) + `", "share": false}`, 422, []string{"reason"}},
		{"with an unknown agency", `{"agency_id": "` + string(vigil.NewID()) + `", "share": false, "reason": "x"}`, 422, []string{"agency_id"}},
	} {
		t.Run("share refused: "+tc.name, func(t *testing.T) {
			resp, body := e.post(t, "duty.manager", shares, tc.body)
			wantProblem(t, resp, body, tc.status, vigil.EINVALID, tc.fields, "")
		})
	}
	resp, body = e.post(t, "duty.manager", shares, `{"agency_id": "`+string(education)+`", "share": false, "reason": "Not needed for the school's role"}`)
	wantNoContent(t, resp, body)
	logs := e.logs.String()
	for _, content := range []string{"Vehicle seen", "Not needed for the school", "Casework Child"} {
		if strings.Contains(logs, content) {
			t.Errorf("logs contain %q", content)
		}
	}
	if !strings.Contains(logs, `"referral_id":"`+string(ref.ID)+`"`) {
		t.Errorf("logs do not record the referral's id:\n%s", logs)
	}
	d = e.detail(t, "duty.manager", cs.ID)
	if len(d.Shares) != 2 || d.Shares[0].Share || d.Shares[0].WithAgency != education || d.Shares[0].Reason != "Not needed for the school's role" {
		t.Errorf("share decisions %+v, want the decision not to share with education first", d.Shares)
	}
}

// TestEscalations misses a deadline, lets the sweeper escalate it, and
// answers the escalation through the API, giving the deadline a new due time.
func TestEscalations(t *testing.T) {
	e := newEnv(t)
	ctx := context.Background()
	cs := e.raise(t, 8*24*time.Hour, 14)
	if _, err := e.store.Sweep(ctx, vigil.Now()); err != nil {
		t.Fatal(err)
	}
	find := func(t *testing.T, login string) *vigil.EscalationItem {
		t.Helper()
		resp, body := e.do(t, request{method: "GET", path: "/api/v1/escalations", login: login})
		var list escalationList
		decode(t, resp, body, http.StatusOK, &list)
		if list.Escalations == nil {
			t.Fatalf("escalations is null: %s", body)
		}
		for _, it := range list.Escalations {
			if it.CaseID == cs.ID {
				return it
			}
		}
		return nil
	}
	duty := e.user(t, "duty.manager")
	esc := find(t, "duty.manager")
	if esc == nil {
		t.Fatal("the owner is not shown the escalation of the missed decision")
	}
	if esc.Kind != vigil.EscalationDeadlineMissed || esc.Level != 1 || esc.HolderID != duty.ID || esc.RespondBy == nil ||
		esc.CaseRef != cs.Ref || esc.ChildName != "Casework Child" || esc.Deadline != "Decision on the referral" {
		t.Errorf("escalation = %+v", esc)
	}
	if find(t, "police.officer") != nil {
		t.Error("a police officer outside the ladder is shown the escalation")
	}
	if find(t, "scrutiny") == nil {
		t.Error("independent oversight is not shown the escalation")
	}
	resp, body := e.do(t, request{method: "GET", path: "/api/v1/escalations?mine=1", login: "duty.manager"})
	wantProblem(t, resp, body, 400, vigil.EINVALID, []string{"mine"}, "")

	path := "/api/v1/escalations/" + string(esc.ID) + "/resolve"
	extend := time.Now().Add(48 * time.Hour).UTC().Truncate(time.Second)
	for _, tc := range []struct {
		name, login, body string
		status            int
		code              string
		fields            []string
	}{
		{"without a decision", "duty.manager", `{"decision": " "}`, 422, vigil.EINVALID, []string{"decision"}},
		{"by someone outside the ladder", "police.officer", `{"decision": "Not my job"}`, 403, vigil.EFORBIDDEN, nil},
		{"extended into the past", "service.manager", `{"decision": "x", "extend_to": "` + rfc3339(time.Now().Add(-time.Hour)) + `"}`, 422, vigil.EINVALID, []string{"extend_to"}},
		{"extended by the owner who missed it", "duty.manager", `{"decision": "x", "extend_to": "` + rfc3339(extend) + `"}`, 422, vigil.EINVALID, []string{"extend_to"}},
		{"extend_to not RFC 3339", "duty.manager", `{"decision": "x", "extend_to": "next week"}`, 422, vigil.EINVALID, []string{"extend_to"}},
		{"unknown field", "duty.manager", `{"decision": "x", "escalate": false}`, 400, vigil.EINVALID, []string{"escalate"}},
	} {
		t.Run("refused: "+tc.name, func(t *testing.T) {
			resp, body := e.post(t, tc.login, path, tc.body)
			wantProblem(t, resp, body, tc.status, tc.code, tc.fields, "")
		})
	}
	// The owner's own answer is recorded as an explanation; the escalation stays open.
	resp, body = e.post(t, "duty.manager", path, `{"decision": "The phone message was not passed on"}`)
	wantNoContent(t, resp, body)
	if esc := find(t, "duty.manager"); esc == nil || esc.Status != vigil.EscalationOpen || esc.Explanation != "The phone message was not passed on" {
		t.Errorf("after the owner's answer the escalation is %+v, want open with the explanation", esc)
	}
	resp, body = e.post(t, "service.manager", path, `{"decision": "Allocated to a social worker today", "extend_to": "`+rfc3339(extend)+`"}`)
	wantNoContent(t, resp, body)
	resp, body = e.post(t, "duty.manager", path, `{"decision": "again"}`)
	wantProblem(t, resp, body, 409, vigil.ECONFLICT, nil, "")
	if find(t, "duty.manager") != nil {
		t.Error("the answered escalation is still listed")
	}
	d := e.detail(t, "duty.manager", cs.ID)
	if len(d.Escalations) != 1 || d.Escalations[0].Status != vigil.EscalationResolved || d.Escalations[0].ResolvedBy != e.user(t, "service.manager").ID ||
		!strings.HasPrefix(d.Escalations[0].Decision, "Allocated to a social worker today") {
		t.Errorf("escalations after the answer: %+v", d.Escalations)
	}
	if dl := deadlines(d, vigil.DeadlineOpen)["decision"]; dl == nil || !dl.Due.Equal(extend) {
		t.Errorf("decision deadline = %+v, want due %v", dl, extend)
	}
}

// TestCasesByDeadline lists the duty manager's cases by next deadline.
func TestCasesByDeadline(t *testing.T) {
	e := newEnv(t)
	e.raise(t, time.Hour, 14)
	resp, body := e.do(t, request{method: "GET", path: "/api/v1/cases?owner=me&sort=deadline&status=open", login: "duty.manager"})
	var list caseList
	decode(t, resp, body, http.StatusOK, &list)
	if len(list.Cases) < 2 {
		t.Fatalf("%d cases, want the seeded ones and the new one", len(list.Cases))
	}
	for i, c := range list.Cases {
		if c.NextDue == nil || c.NextDueKind == "" {
			// Cases with no open deadline come last.
			for _, later := range list.Cases[i:] {
				if later.NextDue != nil {
					t.Fatalf("case %s with no deadline sorted before %s with one", c.ID, later.ID)
				}
			}
			break
		}
		if i > 0 && c.NextDue.Before(*list.Cases[i-1].NextDue) {
			t.Errorf("case %d due %v sorted after one due %v", i, c.NextDue, list.Cases[i-1].NextDue)
		}
	}
	for _, q := range []string{"?sort=soonest", "?sort=deadline&sort=opened"} {
		resp, body := e.do(t, request{method: "GET", path: "/api/v1/cases" + q, login: "duty.manager"})
		wantProblem(t, resp, body, 400, vigil.EINVALID, []string{"sort"}, "")
	}
}

// TestCaseworkRefusals checks the refusals every casework route shares:
// no token, a malformed or unknown id, a body of the wrong type or size or
// with unknown fields, a query, and the wrong method.
func TestCaseworkRefusals(t *testing.T) {
	e := newEnv(t)
	police := string(e.town.Agencies[vigil.AgencyPolice].ID)
	big := `{"reason": "` + strings.Repeat("a", 2<<20) + `"}`
	hourAgo := rfc3339(time.Now().Add(-time.Hour))
	for _, rt := range []struct {
		path  string // with %s for the id
		valid string // a body the route takes; "" for none
	}{
		{"/api/v1/cases/%s/decisions", `{"kind": "referral", "outcome": "section47", "reason": "x"}`},
		{"/api/v1/cases/%s/transfers", `{"to": "` + string(e.user(t, "social.worker").ID) + `", "reason": "x"}`},
		{"/api/v1/transfers/%s/accept", ""},
		{"/api/v1/transfers/%s/refuse", `{"reason": "x"}`},
		{"/api/v1/cases/%s/missing", `{"missing_from": "` + hourAgo + `", "details": "x"}`},
		{"/api/v1/missing/%s/return", `{"returned_at": "` + hourAgo + `"}`},
		{"/api/v1/cases/%s/screenings", `{"scores": {"missing": "low"}, "notes": "x"}`},
		{"/api/v1/cases/%s/referrals", `{"agency_id": "` + police + `", "reason": "x"}`},
		{"/api/v1/referrals/%s/acknowledge", ""},
		{"/api/v1/cases/%s/shares", `{"agency_id": "` + police + `", "share": true, "reason": "x"}`},
		{"/api/v1/escalations/%s/resolve", `{"decision": "x"}`},
	} {
		unknown := fmt.Sprintf(rt.path, vigil.NewID())
		for _, tc := range []struct {
			name   string
			req    request
			status int
			code   string
			fields []string
		}{
			{"no token", request{method: "POST", path: unknown, body: rt.valid}, 401, vigil.EUNAUTHORIZED, nil},
			{"unknown id", request{method: "POST", path: unknown, login: "duty.manager", body: rt.valid}, 404, vigil.ENOTFOUND, nil},
			{"malformed id", request{method: "POST", path: fmt.Sprintf(rt.path, "not-an-id"), login: "duty.manager", body: rt.valid}, 404, vigil.ENOTFOUND, nil},
			{"text/plain", request{method: "POST", path: unknown, login: "duty.manager", body: `{"reason": "x"}`,
				header: map[string]string{"Content-Type": "text/plain"}}, 415, vigil.EMEDIATYPE, nil},
			{"compressed", request{method: "POST", path: unknown, login: "duty.manager", body: `{"reason": "x"}`,
				header: map[string]string{"Content-Encoding": "gzip"}}, 415, vigil.EMEDIATYPE, nil},
			{"2 MiB", request{method: "POST", path: unknown, login: "duty.manager", body: big}, 413, vigil.ETOOLARGE, nil},
			{"2 MiB without a length", request{method: "POST", path: unknown, login: "duty.manager", body: big, chunked: true}, 413, vigil.ETOOLARGE, nil},
			{"unknown field", request{method: "POST", path: unknown, login: "duty.manager", body: `{"nope": 1}`}, 400, vigil.EINVALID, []string{"nope"}},
			{"not an object", request{method: "POST", path: unknown, login: "duty.manager", body: `[]`}, 400, vigil.EINVALID, nil},
			{"trailing data", request{method: "POST", path: unknown, login: "duty.manager", body: `{} {}`}, 400, vigil.EINVALID, nil},
			{"query", request{method: "POST", path: unknown + "?dry_run=1", login: "duty.manager", body: rt.valid}, 400, vigil.EINVALID, []string{"dry_run"}},
			{"GET", request{method: "GET", path: unknown, login: "duty.manager"}, 405, vigil.EMETHOD, nil},
		} {
			t.Run(strings.ReplaceAll(rt.path, "%s", "{id}")+" "+tc.name, func(t *testing.T) {
				resp, body := e.do(t, tc.req)
				wantProblem(t, resp, body, tc.status, tc.code, tc.fields, "")
				if tc.status == 405 && resp.Header.Get("Allow") != "POST" {
					t.Errorf("Allow = %q, want POST", resp.Header.Get("Allow"))
				}
			})
		}
	}
	for _, path := range []string{"/api/v1/transfers?to=me", "/api/v1/escalations"} {
		resp, body := e.do(t, request{method: "GET", path: path})
		wantProblem(t, resp, body, 401, vigil.EUNAUTHORIZED, nil, "")
		resp, body = e.do(t, request{method: "POST", path: path, login: "duty.manager", body: `{}`})
		wantProblem(t, resp, body, 405, vigil.EMETHOD, nil, "")
	}
	if logs := e.logs.String(); strings.Contains(logs, e.token(t, "duty.manager")) {
		t.Errorf("logs contain a token:\n%s", logs)
	}
}

// TestCasesPaged pages through the duty manager's cases: every case comes
// once, in order, and the last page has no next_offset.
func TestCasesPaged(t *testing.T) {
	e := newEnv(t)
	resp, body := e.do(t, request{method: "GET", path: "/api/v1/cases?owner=me&sort=deadline", login: "duty.manager"})
	var all caseList
	decode(t, resp, body, http.StatusOK, &all)
	if len(all.Cases) < 3 || all.NextOffset != nil {
		t.Fatalf("one page of everything: %d cases, next_offset %v", len(all.Cases), all.NextOffset)
	}
	var paged []vigil.ID
	path := "/api/v1/cases?owner=me&sort=deadline&limit=2"
	for range len(all.Cases) {
		resp, body := e.do(t, request{method: "GET", path: path, login: "duty.manager"})
		var page caseList
		decode(t, resp, body, http.StatusOK, &page)
		for _, c := range page.Cases {
			paged = append(paged, c.ID)
		}
		if page.NextOffset == nil {
			break
		}
		path = fmt.Sprintf("/api/v1/cases?owner=me&sort=deadline&limit=2&offset=%d", *page.NextOffset)
	}
	var want []vigil.ID
	for _, c := range all.Cases {
		want = append(want, c.ID)
	}
	if diff := cmp.Diff(want, paged); diff != "" {
		t.Errorf("paged cases (-all at once +paged):\n%s", diff)
	}
	for _, q := range []string{"limit=0", "limit=1001", "limit=x", "offset=-1"} {
		resp, body := e.do(t, request{method: "GET", path: "/api/v1/cases?" + q, login: "duty.manager"})
		wantProblem(t, resp, body, 400, vigil.EINVALID, []string{strings.SplitN(q, "=", 2)[0]}, "")
	}
}

// TestEscalationPagesAPI: the escalation list is paged with limit and
// offset, and says with next_offset that more follow.
func TestEscalationPagesAPI(t *testing.T) {
	e := newEnv(t)
	for i := range 3 {
		e.raise(t, time.Duration(8*24+i)*time.Hour, 14)
	}
	if _, err := e.store.Sweep(context.Background(), vigil.Now()); err != nil {
		t.Fatal(err)
	}
	var whole escalationList
	resp, body := e.do(t, request{method: "GET", path: "/api/v1/escalations", login: "duty.manager"})
	decode(t, resp, body, http.StatusOK, &whole)
	if len(whole.Escalations) < 3 || whole.NextOffset != nil {
		t.Fatalf("whole list: %s", body)
	}
	var got []vigil.ID
	for offset := 0; ; {
		var page escalationList
		resp, body := e.do(t, request{method: "GET", path: fmt.Sprintf("/api/v1/escalations?limit=2&offset=%d", offset), login: "duty.manager"})
		decode(t, resp, body, http.StatusOK, &page)
		for _, it := range page.Escalations {
			got = append(got, it.ID)
		}
		if page.NextOffset == nil || len(got) > len(whole.Escalations) {
			break
		}
		offset = *page.NextOffset
	}
	var want []vigil.ID
	for _, it := range whole.Escalations {
		want = append(want, it.ID)
	}
	if !slices.Equal(got, want) {
		t.Errorf("pages joined: %v, want %v", got, want)
	}
	for _, q := range []string{"limit=0", "limit=1001", "offset=-1", "offset=x"} {
		resp, body := e.do(t, request{method: "GET", path: "/api/v1/escalations?" + q, login: "duty.manager"})
		if resp.StatusCode != http.StatusBadRequest {
			t.Errorf("%s: %d %s", q, resp.StatusCode, body)
		}
	}
}
