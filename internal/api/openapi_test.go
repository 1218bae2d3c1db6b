package api

import (
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"reflect"
	"slices"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/vigil-project/vigil"
)

// openAPIDoc is the part of an OpenAPI document these tests read.
type openAPIDoc struct {
	OpenAPI    string                                `json:"openapi"`
	Paths      map[string]map[string]json.RawMessage `json:"paths"`
	Components struct {
		SecuritySchemes map[string]struct {
			Type   string `json:"type"`
			Scheme string `json:"scheme"`
		} `json:"securitySchemes"`
		Schemas map[string]*schema `json:"schemas"`
	} `json:"components"`
}

type schema struct {
	Ref                  string             `json:"$ref"`
	Properties           map[string]*schema `json:"properties"`
	Required             []string           `json:"required"`
	AllOf                []*schema          `json:"allOf"`
	AdditionalProperties json.RawMessage    `json:"additionalProperties"` // false, or a schema
	Enum                 []string           `json:"enum"`
	Description          string             `json:"description"`
	PropertyNames        *schema            `json:"propertyNames"`
}

// routes are the API's routes as registered in (*handler).routes.
var routes = []struct{ method, path string }{
	{"POST", "/api/v1/concerns"},
	{"GET", "/api/v1/cases/{id}"},
	{"GET", "/api/v1/cases"},
	{"POST", "/api/v1/cases/{id}/decisions"},
	{"POST", "/api/v1/cases/{id}/transfers"},
	{"GET", "/api/v1/transfers"},
	{"POST", "/api/v1/transfers/{id}/accept"},
	{"POST", "/api/v1/transfers/{id}/refuse"},
	{"POST", "/api/v1/transfers/{id}/withdraw"},
	{"POST", "/api/v1/cases/{id}/missing"},
	{"POST", "/api/v1/missing/{id}/return"},
	{"POST", "/api/v1/cases/{id}/screenings"},
	{"POST", "/api/v1/cases/{id}/referrals"},
	{"POST", "/api/v1/referrals/{id}/acknowledge"},
	{"POST", "/api/v1/cases/{id}/shares"},
	{"GET", "/api/v1/escalations"},
	{"POST", "/api/v1/escalations/{id}/resolve"},
	{"GET", "/api/v1/openapi.json"},
	{"GET", "/api/v1/cases/{id}/timeline"},
	{"GET", "/api/v1/people/{id}/timeline"},
	{"GET", "/api/v1/cases/{id}/child-timeline"},
	{"GET", "/api/v1/timeline"},
	{"GET", "/api/v1/people/{id}/conflicts"},
	{"POST", "/api/v1/people/{id}/conflicts"},
}

// TestOpenAPI checks that the served document parses, describes each
// route, and that each documented operation is routed.
func TestOpenAPI(t *testing.T) {
	e := newEnv(t)
	resp, body := e.do(t, request{method: "GET", path: "/api/v1/openapi.json"}) // no token needed
	var doc openAPIDoc
	decode(t, resp, body, http.StatusOK, &doc)
	if !strings.HasPrefix(doc.OpenAPI, "3.1.") {
		t.Errorf("openapi = %q, want 3.1.x", doc.OpenAPI)
	}
	if s := doc.Components.SecuritySchemes["bearer"]; s.Type != "http" || s.Scheme != "bearer" {
		t.Errorf("bearer security scheme = %+v", s)
	}
	for _, r := range routes {
		if _, ok := doc.Paths[r.path][strings.ToLower(r.method)]; !ok {
			t.Errorf("the document does not describe %s %s", r.method, r.path)
		}
	}
	h := New(e.store, nil).(*handler)
	for path, ops := range doc.Paths {
		for method := range ops {
			if method == "parameters" { // path-level parameters, not an operation
				continue
			}
			req := httptest.NewRequest(strings.ToUpper(method), strings.ReplaceAll(path, "{id}", string(vigil.NewID())), nil)
			if _, pattern := h.mux.Handler(req); pattern == catchAll || pattern == "" {
				t.Errorf("the document describes %s %s, which no route takes", method, path)
			}
		}
	}
}

// TestOpenAPISchemas checks that each schema's properties are the JSON
// names of the Go type it describes, and that response schemas require
// exactly the fields that are never omitted.
func TestOpenAPISchemas(t *testing.T) {
	var doc openAPIDoc
	if err := json.Unmarshal(openAPIDocument, &doc); err != nil {
		t.Fatal(err)
	}
	tested := map[string]bool{}
	for _, tc := range []struct {
		name    string
		goType  any
		request bool // request schemas refuse other properties; the domain decides what is required
	}{
		{name: "NewConcern", goType: concernRequest{}, request: true},
		{name: "NewChild", goType: childRequest{}, request: true},
		{name: "NewMention", goType: mentionRequest{}, request: true},
		{name: "NewCaseMentions", goType: caseMentionsRequest{}, request: true},
		{name: "MentionList", goType: mentionList{}},
		{name: "ConcernCreated", goType: concernResponse{}},
		{name: "Concern", goType: vigil.Concern{}},
		{name: "Child", goType: vigil.Child{}},
		{name: "Reporter", goType: vigil.Reporter{}},
		{name: "Case", goType: vigil.Case{}},
		{name: "CaseDetail", goType: vigil.CaseDetail{}},
		{name: "CaseList", goType: caseList{}},
		{name: "User", goType: vigil.User{}},
		{name: "Team", goType: vigil.Team{}},
		{name: "CaseEvent", goType: vigil.CaseEvent{}},
		{name: "Problem", goType: problem{}},
		{name: "FieldError", goType: vigil.FieldError{}},
		{name: "Person", goType: vigil.Person{}},
		{name: "Deadline", goType: vigil.Deadline{}},
		{name: "Escalation", goType: vigil.Escalation{}},
		{name: "EscalationItem", goType: vigil.EscalationItem{}},
		{name: "EscalationList", goType: escalationList{}},
		{name: "Decision", goType: vigil.Decision{}},
		{name: "Screening", goType: vigil.Screening{}},
		{name: "MissingEpisode", goType: vigil.MissingEpisode{}},
		{name: "Transfer", goType: vigil.Transfer{}},
		{name: "TransferItem", goType: vigil.TransferItem{}},
		{name: "TransferList", goType: transferList{}},
		{name: "AgencyReferral", goType: vigil.AgencyReferral{}},
		{name: "ShareDecision", goType: vigil.ShareDecision{}},
		{name: "NewDecision", goType: decisionRequest{}, request: true},
		{name: "NewTransfer", goType: transferRequest{}, request: true},
		{name: "EmptyObject", goType: acceptRequest{}, request: true},
		{name: "TransferRefusal", goType: refuseRequest{}, request: true},
		{name: "TransferWithdrawal", goType: withdrawRequest{}, request: true},
		{name: "NewMissingEpisode", goType: missingRequest{}, request: true},
		{name: "MissingReturn", goType: returnRequest{}, request: true},
		{name: "NewScreening", goType: screeningRequest{}, request: true},
		{name: "NewAgencyReferral", goType: referralRequest{}, request: true},
		{name: "NewShareDecision", goType: shareRequest{}, request: true},
		{name: "EscalationResolution", goType: resolveRequest{}, request: true},
		{name: "Timeline", goType: vigil.Timeline{}},
		{name: "TimelineEntry", goType: vigil.TimelineEntry{}},
		{name: "PersonTimeline", goType: vigil.PersonTimeline{}},
		{name: "TimelineConflict", goType: vigil.TimelineConflict{}},
		{name: "TimelineCase", goType: vigil.TimelineCase{}},
		{name: "ChildTimeline", goType: vigil.ChildTimeline{}},
		{name: "PeriodTimeline", goType: vigil.PeriodTimeline{}},
		{name: "TimelinePaging", goType: vigil.TimelinePaging{}},
		{name: "Conflict", goType: vigil.Conflict{}},
		{name: "ConflictList", goType: conflictList{}},
		{name: "NewConflict", goType: conflictRequest{}, request: true},
		{name: "ConflictPending", goType: conflictPending{}},
		{name: "AdminRecord", goType: vigil.AdminRecord{}},
	} {
		tested[tc.name] = true
		t.Run(tc.name, func(t *testing.T) {
			s := doc.Components.Schemas[tc.name]
			if s == nil {
				t.Fatalf("no schema %s", tc.name)
			}
			props, required := flatten(t, doc.Components.Schemas, s)
			names, always := goJSONNames(reflect.TypeOf(tc.goType))
			if diff := cmp.Diff(names, props); diff != "" {
				t.Errorf("properties (-Go +document):\n%s", diff)
			}
			if tc.request {
				if string(s.AdditionalProperties) != "false" {
					t.Errorf("request schema does not set additionalProperties: false")
				}
				return
			}
			if diff := cmp.Diff(always, required); diff != "" {
				t.Errorf("required (-never omitted in Go +document):\n%s", diff)
			}
		})
	}
	for name := range oversightSchemas { // checked by TestOversightOpenAPI
		tested[name] = true
	}
	for name := range speakupSchemas { // checked by TestSpeakUpOpenAPI
		tested[name] = true
	}
	for name := range linkSchemas { // checked by TestLinksOpenAPI
		tested[name] = true
	}
	// Every object schema in the document describes a Go type above, so
	// that none can drift from its type unchecked. Scores is a map.
	for name, s := range doc.Components.Schemas {
		if (s.Properties != nil || s.AllOf != nil) && !tested[name] {
			t.Errorf("schema %s describes an object but is not checked against a Go type", name)
		}
	}
}

// TestOpenAPIEnums checks the document's lists of values against the
// domain's, which are data: the workflow's steps, the stages, and the
// screening indicators and scores.
func TestOpenAPIEnums(t *testing.T) {
	var doc openAPIDoc
	if err := json.Unmarshal(openAPIDocument, &doc); err != nil {
		t.Fatal(err)
	}
	var kinds, outcomes []string
	for _, st := range vigil.Steps {
		if !slices.Contains(kinds, st.Kind) {
			kinds = append(kinds, st.Kind)
		}
		if !slices.Contains(outcomes, st.Outcome) {
			outcomes = append(outcomes, st.Outcome)
		}
	}
	var stages, indicators []string
	for st := range vigil.StageLabels {
		stages = append(stages, string(st))
	}
	for _, ind := range vigil.Indicators {
		indicators = append(indicators, ind.Key)
	}
	schemas := doc.Components.Schemas
	enum := func(name string) []string {
		if s := schemas[name]; s != nil {
			return s.Enum
		}
		return nil
	}
	var propertyNames []string
	if s := schemas["Scores"]; s != nil && s.PropertyNames != nil {
		propertyNames = s.PropertyNames.Enum
	}
	// DecisionKind's description lists each kind's outcomes, in the order of vigil.Steps.
	if s := schemas["DecisionKind"]; s != nil {
		for _, kind := range kinds {
			var outs []string
			for _, st := range vigil.Steps {
				if st.Kind == kind {
					outs = append(outs, "`"+st.Outcome+"`")
				}
			}
			if want := "`" + kind + "`: " + strings.Join(outs, " or "); !strings.Contains(s.Description, want) {
				t.Errorf("DecisionKind's description does not say %q", want)
			}
		}
	}
	for _, tc := range []struct {
		name      string
		want, got []string
	}{
		{"DecisionKind", kinds, enum("DecisionKind")},
		{"DecisionOutcome", outcomes, enum("DecisionOutcome")},
		{"Stage", stages, enum("Stage")},
		{"Scores indicators", indicators, propertyNames},
		{"Score", []string{string(vigil.ScoreLow), string(vigil.ScoreMedium), string(vigil.ScoreHigh)}, enum("Score")},
	} {
		t.Run(tc.name, func(t *testing.T) {
			want, got := slices.Sorted(slices.Values(tc.want)), slices.Sorted(slices.Values(tc.got))
			if diff := cmp.Diff(want, got); diff != "" {
				t.Errorf("values (-domain +document):\n%s", diff)
			}
		})
	}
}

// flatten returns the sorted property names and required names of s,
// following allOf and $ref.
func flatten(t *testing.T, all map[string]*schema, s *schema) (props, required []string) {
	t.Helper()
	if s.Ref != "" {
		s = all[strings.TrimPrefix(s.Ref, "#/components/schemas/")]
		if s == nil {
			t.Fatalf("dangling $ref")
		}
	}
	for name := range s.Properties {
		props = append(props, name)
	}
	required = append(required, s.Required...)
	for _, sub := range s.AllOf {
		p, r := flatten(t, all, sub)
		props, required = append(props, p...), append(required, r...)
	}
	slices.Sort(props)
	slices.Sort(required)
	return props, required
}

// goJSONNames returns the sorted JSON names encoding/json gives t's fields,
// and those never omitted. Embedded structs without a tag are flattened.
func goJSONNames(t reflect.Type) (names, always []string) {
	for f := range t.Fields() {
		tag := f.Tag.Get("json")
		name, opts, _ := strings.Cut(tag, ",")
		switch {
		case name == "-" || !f.IsExported():
			continue
		case f.Anonymous && name == "":
			n, a := goJSONNames(f.Type)
			names, always = append(names, n...), append(always, a...)
			continue
		case name == "":
			name = f.Name
		}
		names = append(names, name)
		if !strings.Contains(opts, "omitempty") && !strings.Contains(opts, "omitzero") {
			always = append(always, name)
		}
	}
	slices.Sort(names)
	slices.Sort(always)
	return names, always
}
