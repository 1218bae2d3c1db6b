package api

import (
	"encoding/json"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"github.com/vigil-project/vigil"
)

// FuzzDecodeConcern feeds the concern decoder arbitrary bodies. It must
// never panic; every refusal must be a *vigil.Error with code EINVALID and
// a message; and whatever it accepts must survive re-encoding unchanged, so
// that what is recorded is what was sent.
func FuzzDecodeConcern(f *testing.F) {
	for _, seed := range []string{
		concernBody(time.Date(2025, 3, 27, 14, 5, 0, 0, time.UTC)),
		`{"child": {"name": "A", "age": 12}, "what_happened": "x"}`,
		`{"child": {"name": "A", "age": null, "nmae": 1}}`,
		`{"What_Happened": "x", "what_happened": "y"}`,
		`{"what_happened": "x", "what_happened": "y"}`,
		`{"child": [1, {"a": [2]}], "what_happened": "x"}`,
		`{"child": {"age": 1e400}}`,
		`{"child": {"age": 14.5}}`,
		`{"received_at": "2025-02-30T25:00:00+01:00"}`,
		`{"others_involved": "\u0000\ud800"}`,
		`{} {}`,
		`{"a" 1}`,
		`[[[[[[[[[[]]]]]]]]]]`,
		`{"child": {"child": {"child": {}}}}`,
		"",
		"null",
		"\xff\xfe{}",
	} {
		f.Add([]byte(seed))
	}
	now := time.Date(2025, 6, 1, 12, 0, 0, 0, time.UTC)
	f.Fuzz(func(t *testing.T, data []byte) {
		req, err := decodeConcern(data)
		if err != nil {
			checkInvalid(t, err)
			return
		}
		again, err := json.Marshal(req)
		if err != nil {
			t.Fatal(err)
		}
		req2, err := decodeConcern(again)
		if err != nil {
			t.Fatalf("re-encoded request %s refused: %v", again, err)
		}
		if diff := cmp.Diff(req, req2); diff != "" {
			t.Fatalf("re-encoding changed the request (-first +second):\n%s", diff)
		}
		n, err := req.newConcern(now)
		if err != nil {
			checkInvalid(t, err)
			if len(vigil.ErrorFields(err)) == 0 {
				t.Fatalf("conversion refused with no field errors: %v", err)
			}
			return
		}
		n.Normalize()
		if err := n.Validate(now); err != nil {
			checkInvalid(t, err)
		}
	})
}

func checkInvalid(t *testing.T, err error) {
	t.Helper()
	e, ok := err.(*vigil.Error)
	if !ok {
		t.Fatalf("error %T %v, want *vigil.Error", err, err)
	}
	if e.Code != vigil.EINVALID || e.Message == "" {
		t.Fatalf("error %+v, want code invalid and a message", e)
	}
	for _, fe := range e.Fields {
		if fe.Field == "" || fe.Message == "" {
			t.Fatalf("empty field error in %+v", e)
		}
	}
}

// TestDecodeJSON checks the decoder's messages for what a client most often
// gets wrong; TestErrors checks the same through HTTP.
func TestDecodeJSON(t *testing.T) {
	for _, tc := range []struct {
		name, body string
		wantFields []string
		wantDetail string
	}{
		{name: "valid", body: `{"child": {"name": "A", "age": 12}, "what_happened": "x", "received_at": ""}`},
		{name: "nulls are absent values", body: `{"child": null, "what_happened": null}`},
		{name: "unknown nested field", body: `{"child": {"nickname": "x"}}`, wantFields: []string{"child.nickname"}, wantDetail: "Unknown field child.nickname"},
		{name: "case-folded nested field", body: `{"child": {"Name": "x"}}`, wantFields: []string{"child.Name"}, wantDetail: "did you mean child.name?"},
		{name: "repeated nested field", body: `{"child": {"age": 1, "age": 2}}`, wantFields: []string{"child.age"}, wantDetail: "appears more than once"},
		{name: "fraction for age", body: `{"child": {"age": 14.5}}`, wantFields: []string{"child.age"}, wantDetail: "not number 14.5"},
		{name: "number for text", body: `{"what_happened": 7}`, wantFields: []string{"what_happened"}, wantDetail: "what_happened must be a string"},
		{name: "array for child", body: `{"child": [{"name": "x"}]}`, wantFields: []string{"child"}, wantDetail: "child must be an object"},
		{name: "huge unknown name is clipped", body: `{"` + strings.Repeat("x", 5000) + `": 1}`, wantFields: []string{strings.Repeat("x", 64) + "…"}},
		{name: "syntax error on line 3", body: "{\n\"child\": {},\n\"what_happened\" \"x\"}", wantDetail: "line 3, column 17"},
		{name: "trailing comma", body: `{"what_happened": "x",}`, wantDetail: "line 1, column 23"},
		{name: "trailing garbage on a new line", body: "{}\n\n  x", wantDetail: "from line 3, column 3"},
		{name: "deep nesting is refused, not recursed", body: `{"others_involved": ` + strings.Repeat("[", 20000) + strings.Repeat("]", 20000) + `}`, wantDetail: "not valid JSON"},
		{name: "a string", body: `"what_happened"`, wantDetail: "must be a JSON object"},
		{name: "whitespace only", body: " \n", wantDetail: "empty"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			_, err := decodeConcern([]byte(tc.body))
			if tc.wantDetail == "" && tc.wantFields == nil {
				if err != nil {
					t.Fatalf("refused: %v", err)
				}
				return
			}
			if err == nil {
				t.Fatal("accepted")
			}
			checkInvalid(t, err)
			if diff := cmp.Diff(tc.wantFields, fieldNames(vigil.ErrorFields(err))); diff != "" {
				t.Errorf("fields (-want +got):\n%s", diff)
			}
			if msg := vigil.ErrorMessage(err); !strings.Contains(msg, tc.wantDetail) {
				t.Errorf("message %q does not say %q", msg, tc.wantDetail)
			}
		})
	}
}

// FuzzDecodeCasework feeds every casework decoder the same arbitrary
// bodies, with the promises FuzzDecodeConcern checks: no panic, refusals
// are EINVALID *vigil.Error, and what is accepted survives re-encoding.
// The conversions to the store's input must refuse only with field errors.
func FuzzDecodeCasework(f *testing.F) {
	for _, seed := range []string{
		`{"kind": "referral", "outcome": "section47", "reason": "x", "at": "2025-03-27T14:05:00Z", "late_reason": "y"}`,
		`{"kind": "referral", "at": "2025-02-30T25:00:00+01:00"}`,
		`{"to": "k3v5xq7mzr2a4b6c7d2e3f4g5h", "reason": "x"}`,
		`{"reason": 7}`,
		`{"missing_from": "2025-03-27T14:05:00Z", "details": "x"}`,
		`{"returned_at": ""}`,
		`{"scores": {"missing": "high", "cars": "medium"}, "notes": "x"}`,
		`{"scores": {"missing": "high", "missing": "low"}}`,
		`{"scores": {"missing": 3}}`,
		`{"scores": {"": null, "\u00e9": "low"}}`,
		`{"scores": [{"a": [1]}]}`,
		`{"scores": {"a": {"b": {}}}}`,
		`{"agency_id": "x", "share": true, "reason": "y"}`,
		`{"share": "no"}`,
		`{"decision": "x", "extend_to": "2030-01-01T00:00:00Z"}`,
		`{"Decision": "x"}`,
		`{}`,
		`{} {}`,
		"",
		"null",
		"\xff{}",
	} {
		f.Add([]byte(seed))
	}
	now := time.Date(2025, 6, 1, 12, 0, 0, 0, time.UTC)
	f.Fuzz(func(t *testing.T, data []byte) {
		if req, ok := roundTrip(t, data, decodeAs[decisionRequest]); ok {
			if _, err := req.newDecision(now); err != nil {
				checkFieldErrors(t, err)
			}
		}
		roundTrip(t, data, decodeAs[transferRequest])
		roundTrip(t, data, decodeAs[acceptRequest])
		roundTrip(t, data, decodeAs[refuseRequest])
		if req, ok := roundTrip(t, data, decodeAs[missingRequest]); ok {
			var v vigil.Validation
			parseTime(&v, "missing_from", req.MissingFrom)
			if err := v.Err(); err != nil {
				checkFieldErrors(t, err)
			}
		}
		if req, ok := roundTrip(t, data, decodeAs[returnRequest]); ok {
			if _, err := req.returnedAt(); err != nil {
				checkFieldErrors(t, err)
			}
		}
		if req, ok := roundTrip(t, data, decodeAs[screeningRequest]); ok {
			n := vigil.NewScreening{Scores: req.Scores, Notes: req.Notes}
			if err := n.Validate(); err != nil {
				checkFieldErrors(t, err)
			}
		}
		roundTrip(t, data, decodeAs[referralRequest])
		roundTrip(t, data, decodeAs[shareRequest])
		if req, ok := roundTrip(t, data, decodeAs[resolveRequest]); ok {
			if _, err := req.extendTo(); err != nil {
				checkFieldErrors(t, err)
			}
		}
	})
}

// roundTrip decodes data with decode and, if it is accepted, checks that
// the request survives re-encoding unchanged.
func roundTrip[T any](t *testing.T, data []byte, decode func([]byte) (T, error)) (T, bool) {
	t.Helper()
	req, err := decode(data)
	if err != nil {
		checkInvalid(t, err)
		return req, false
	}
	again, err := json.Marshal(req)
	if err != nil {
		t.Fatal(err)
	}
	req2, err := decode(again)
	if err != nil {
		t.Fatalf("re-encoded request %s refused: %v", again, err)
	}
	if diff := cmp.Diff(req, req2); diff != "" {
		t.Fatalf("re-encoding changed the request %T (-first +second):\n%s", req, diff)
	}
	return req, true
}

// checkFieldErrors checks a refusal of well-formed input: EINVALID with at
// least one field error.
func checkFieldErrors(t *testing.T, err error) {
	t.Helper()
	checkInvalid(t, err)
	if len(vigil.ErrorFields(err)) == 0 {
		t.Fatalf("refused with no field errors: %v", err)
	}
}
