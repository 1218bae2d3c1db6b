package api

import (
	"context"
	"encoding/json"
	"net/http"
	"reflect"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/vigil-project/vigil"
)

// linkSchemas are the linking schemas of the document and the Go types
// they describe.
var linkSchemas = map[string]struct {
	goType  any
	request bool
}{
	"Mention": {goType: vigil.Mention{}}, "Link": {goType: vigil.Link{}}, "LinkEvidence": {goType: vigil.LinkEvidence{}},
	"Entity": {goType: vigil.Entity{}}, "EntityConcern": {goType: vigil.EntityConcern{}}, "EntityRef": {goType: vigil.EntityRef{}},
	"Network": {goType: vigil.Network{}}, "NetworkNode": {goType: vigil.NetworkNode{}}, "NetworkEdge": {goType: vigil.NetworkEdge{}}, "NetworkHop": {goType: vigil.NetworkHop{}},
	"Hotspot": {goType: vigil.Hotspot{}}, "ReviewPage": {goType: vigil.ReviewPage{}}, "HotspotList": {goType: hotspotList{}},
	"LinkDecision": {goType: decisionOnLink{}, request: true},
}

// TestLinksOpenAPI checks the linking routes and schemas of the document
// against the handlers and the Go types.
func TestLinksOpenAPI(t *testing.T) {
	var doc openAPIDoc
	if err := json.Unmarshal(openAPIDocument, &doc); err != nil {
		t.Fatal(err)
	}
	for _, r := range []struct{ method, path string }{{"get", "/api/v1/links/review"}, {"post", "/api/v1/links/{id}/decision"},
		{"get", "/api/v1/entities/{id}"}, {"get", "/api/v1/entities/{id}/network"}, {"get", "/api/v1/hotspots"}} {
		if _, ok := doc.Paths[r.path][r.method]; !ok {
			t.Errorf("the document does not describe %s %s", r.method, r.path)
		}
	}
	for name, tc := range linkSchemas {
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

// TestLinksAPI: two concerns name one car, its plate misread once; an
// analyst reads the entity and its network and rejects the link, which
// answers 409 when decided again; nobody else may.
func TestLinksAPI(t *testing.T) {
	e := newEnv(t)
	ctx := context.Background()
	dsl := vigil.UserActor(e.user(t, "school.dsl"))
	var cars []vigil.ID
	for _, plate := range []string{"YA12 CDE", "YA1Z CDE"} {
		age := 13
		c, _, err := e.store.RaiseConcern(ctx, dsl, vigil.NewConcern{Child: vigil.Child{Name: "Rowan Example", Age: &age}, WhatHappened: "Seen in a car."})
		if err != nil {
			t.Fatal(err)
		}
		ms, err := e.store.RecordMentions(ctx, dsl, c.ID, []vigil.Mention{{Kind: vigil.MentionVehicle, Plate: plate, Colour: "black"}})
		if err != nil {
			t.Fatal(err)
		}
		cars = append(cars, ms[0].ID)
	}
	var ent vigil.Entity
	resp, body := e.do(t, request{method: "GET", path: "/api/v1/entities/" + string(cars[1]), login: "police.analyst"})
	decode(t, resp, body, http.StatusOK, &ent)
	if len(ent.Mentions) != 2 || len(ent.Links) != 1 || ent.Links[0].Status != vigil.LinkLikely {
		t.Fatalf("entity: %s", body)
	}
	link := ent.Links[0]
	var nw vigil.Network
	resp, body = e.do(t, request{method: "GET", path: "/api/v1/entities/" + string(cars[0]) + "/network?hops=1", login: "police.analyst"})
	decode(t, resp, body, http.StatusOK, &nw)
	vehicles := 0
	for _, n := range nw.Nodes {
		if n.Kind == vigil.MentionVehicle {
			vehicles++
		}
	}
	// One car, and the children the two concerns name.
	if nw.Center != ent.ID || vehicles != 1 || len(nw.Nodes) < 2 || len(nw.Links) != 1 {
		t.Errorf("network: %s", body)
	}
	resp, body = e.do(t, request{method: "GET", path: "/api/v1/entities/" + string(cars[0]) + "/network?hops=9", login: "police.analyst"})
	if resp.StatusCode != http.StatusBadRequest {
		t.Errorf("hops=9: %d %s", resp.StatusCode, body)
	}
	path := "/api/v1/links/" + string(link.ID) + "/decision"
	for _, who := range []string{"social.worker", "investigator"} {
		resp, body = e.do(t, request{method: "POST", path: path, login: who, body: `{"confirm": true}`})
		if resp.StatusCode != http.StatusForbidden {
			t.Errorf("%s deciding: %d %s", who, resp.StatusCode, body)
		}
	}
	resp, body = e.do(t, request{method: "GET", path: "/api/v1/links/review", login: "social.worker"})
	if resp.StatusCode != http.StatusForbidden {
		t.Errorf("social worker reading the queue: %d %s", resp.StatusCode, body)
	}
	resp, body = e.do(t, request{method: "POST", path: path, login: "police.analyst", body: `{"note": "no answer"}`})
	if resp.StatusCode != http.StatusUnprocessableEntity {
		t.Errorf("no confirm: %d %s", resp.StatusCode, body)
	}
	var got vigil.Link
	resp, body = e.do(t, request{method: "POST", path: path, login: "police.analyst", body: `{"confirm": false, "note": "Two cars"}`})
	decode(t, resp, body, http.StatusOK, &got)
	if got.Status != vigil.LinkRejected || got.Note != "Two cars" {
		t.Errorf("decided: %s", body)
	}
	resp, body = e.do(t, request{method: "POST", path: path, login: "police.analyst", body: `{"confirm": true}`})
	if resp.StatusCode != http.StatusConflict {
		t.Errorf("deciding again: %d %s", resp.StatusCode, body)
	}
	var hs hotspotList
	resp, body = e.do(t, request{method: "GET", path: "/api/v1/hotspots", login: "investigator"})
	decode(t, resp, body, http.StatusOK, &hs)
	var q vigil.ReviewPage
	resp, body = e.do(t, request{method: "GET", path: "/api/v1/links/review?limit=5", login: "police.analyst"})
	decode(t, resp, body, http.StatusOK, &q)
	if q.Links == nil || q.Offset != 0 || q.Total < len(q.Links) || len(q.Links)+q.Withheld > 5 {
		t.Errorf("queue: %s", body)
	}
	for _, bad := range []string{"/api/v1/links/review?offset=-1", "/api/v1/links/review?limit=201", "/api/v1/entities/" + string(cars[0]) + "/network?links_limit=0",
		"/api/v1/entities/" + string(cars[0]) + "/network?links_offset=x"} {
		if resp, body := e.do(t, request{method: "GET", path: bad, login: "police.analyst"}); resp.StatusCode != http.StatusBadRequest {
			t.Errorf("%s: %d %s", bad, resp.StatusCode, body)
		}
	}
	resp, body = e.do(t, request{method: "GET", path: "/api/v1/entities/" + string(cars[0]) + "/network?hops=1&links_offset=1", login: "police.analyst"})
	decode(t, resp, body, http.StatusOK, &nw)
	if nw.LinksTotal != 1 || nw.LinksOffset != 1 || len(nw.Links) != 0 {
		t.Errorf("the network's links after the only one: %s", body)
	}
}
