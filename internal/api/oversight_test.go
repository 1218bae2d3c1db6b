package api

import (
	"encoding/json"
	"net/http"
	"reflect"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/vigil-project/vigil"
	"github.com/vigil-project/vigil/internal/sqlstore"
)

// oversightSchemas are the oversight schemas of the document and the Go
// types they describe; request schemas refuse other properties.
var oversightSchemas = map[string]struct {
	goType  any
	request bool
}{
	"ReportPeriod": {vigil.ReportPeriod{}, false}, "Dashboard": {vigil.Dashboard{}, false}, "StatsTable": {vigil.Table{}, false},
	"StatsColumn": {vigil.Column{}, false}, "StatsRow": {vigil.Row{}, false}, "StatsCell": {vigil.Cell{}, false},
	"Trend": {vigil.Trend{}, false}, "Series": {vigil.Series{}, false}, "FigureCases": {vigil.FigureCases{}, false},
	"FigureCase": {vigil.FigureCase{}, false}, "Release": {vigil.Release{}, false}, "ReleaseList": {releaseList{}, false},
	"NewRelease": {releaseRequest{}, true}, "ReleaseProof": {vigil.ReleaseProof{}, false}, "ActionPlan": {vigil.ActionPlan{}, false},
	"Recommendation": {vigil.Recommendation{}, false}, "PlanAction": {vigil.PlanAction{}, false},
	"ActionEscalation": {vigil.ActionEscalation{}, false}, "PlanList": {planList{}, false},
	"DemographicRecord": {vigil.DemographicRecord{}, false}, "NewDemographics": {demographicsRequest{}, true},
}

// TestOversightOpenAPI checks that the oversight routes are described and
// that their schemas match their Go types.
func TestOversightOpenAPI(t *testing.T) {
	var doc openAPIDoc
	if err := json.Unmarshal(openAPIDocument, &doc); err != nil {
		t.Fatal(err)
	}
	for _, r := range []struct{ method, path string }{
		{"GET", "/api/v1/oversight/dashboards/{topic}"}, {"GET", "/api/v1/oversight/figures"}, {"GET", "/api/v1/oversight/core-data-set"},
		{"GET", "/api/v1/releases"}, {"POST", "/api/v1/releases"}, {"GET", "/api/v1/releases/{id}"},
		{"GET", "/api/v1/action-plans"}, {"GET", "/api/v1/action-plans/{id}"}, {"POST", "/api/v1/cases/{id}/demographics"},
	} {
		if _, ok := doc.Paths[r.path][strings.ToLower(r.method)]; !ok {
			t.Errorf("the document does not describe %s %s", r.method, r.path)
		}
	}
	for name, tc := range oversightSchemas {
		s := doc.Components.Schemas[name]
		if s == nil {
			t.Errorf("no schema %s", name)
			continue
		}
		props, required := flatten(t, doc.Components.Schemas, s)
		names, always := goJSONNames(reflect.TypeOf(tc.goType))
		if diff := cmp.Diff(names, props); diff != "" {
			t.Errorf("%s properties (-Go +document):\n%s", name, diff)
		}
		if tc.request {
			if string(s.AdditionalProperties) != "false" {
				t.Errorf("%s does not set additionalProperties: false", name)
			}
		} else if diff := cmp.Diff(always, required); diff != "" {
			t.Errorf("%s required (-Go +document):\n%s", name, diff)
		}
	}
}

// TestOversightAPI reads a dashboard, publishes a release and checks its
// proof, and is refused what a role does not allow.
func TestOversightAPI(t *testing.T) {
	e := newEnv(t)
	resp, body := e.do(t, request{method: "GET", path: "/api/v1/oversight/dashboards/timeliness?period=12m", login: "scrutiny"})
	var d vigil.Dashboard
	decode(t, resp, body, http.StatusOK, &d)
	if d.Table("clocks") == nil || d.Trend == nil {
		t.Fatalf("dashboard: %+v", d)
	}
	resp, body = e.do(t, request{method: "GET", path: "/api/v1/oversight/dashboards/timeliness?period=fy20x", login: "scrutiny"})
	if resp.StatusCode != http.StatusBadRequest {
		t.Errorf("bad period: %d %s", resp.StatusCode, body)
	}
	resp, body = e.do(t, request{method: "GET", path: "/api/v1/oversight/figures?topic=timeliness&table=clocks&row=decision&period=12m", login: "scrutiny"})
	var fc vigil.FigureCases
	decode(t, resp, body, http.StatusOK, &fc)
	for _, c := range fc.Cases {
		if c.Identified || c.ChildName != "" || c.ID != "" {
			t.Errorf("scrutiny sees an identified case: %+v", c)
		}
	}
	resp, body = e.do(t, request{method: "POST", path: "/api/v1/releases", login: "police.officer", body: `{"period":"12m"}`})
	if resp.StatusCode != http.StatusForbidden {
		t.Errorf("police officer published: %d %s", resp.StatusCode, body)
	}
	resp, body = e.do(t, request{method: "POST", path: "/api/v1/releases", login: "scrutiny", body: `{"period":"12m","notes":"x"}`})
	if resp.StatusCode != http.StatusBadRequest {
		t.Errorf("unknown field: %d %s", resp.StatusCode, body)
	}
	resp, body = e.do(t, request{method: "POST", path: "/api/v1/releases", login: "scrutiny", body: `{"period":"12m"}`})
	if resp.StatusCode != http.StatusUnprocessableEntity {
		t.Errorf("published the last 12 months, which move every day: %d %s", resp.StatusCode, body)
	}
	m := vigil.Now().In(vigil.London).AddDate(0, -1, 0)
	resp, body = e.do(t, request{method: "POST", path: "/api/v1/releases", login: "scrutiny", body: `{"period":"` + vigil.Month(m.Year(), m.Month()).Key + `"}`})
	var rel vigil.Release
	decode(t, resp, body, http.StatusCreated, &rel)
	resp, body = e.do(t, request{method: "GET", path: "/api/v1/releases/" + string(rel.ID), login: "scrutiny"})
	var proof vigil.ReleaseProof
	decode(t, resp, body, http.StatusOK, &proof)
	if _, err := sqlstore.VerifyReleaseProof(&proof, e.store.Log().Key().VerifierKey()); err != nil {
		t.Errorf("the proof does not verify: %v", err)
	}
	resp, body = e.do(t, request{method: "GET", path: "/api/v1/oversight/core-data-set?period=12m", login: "scrutiny"})
	if resp.StatusCode != http.StatusForbidden {
		t.Errorf("scrutiny exported the core data set: %d %s", resp.StatusCode, body)
	}
	resp, body = e.do(t, request{method: "GET", path: "/api/v1/oversight/core-data-set?period=12m", login: "investigator"})
	if resp.StatusCode != http.StatusOK || !strings.HasPrefix(string(body), "child_id,episode_id,") {
		t.Errorf("core data set: %d %.80s", resp.StatusCode, body)
	}
}
