package api

import (
	"errors"
	"net/http"
	"net/url"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/vigil-project/vigil"
)

// FuzzDecodeOversight feeds the bodies of POST /api/v1/releases and POST
// /api/v1/cases/{id}/demographics arbitrary bytes, with the promises of
// FuzzDecodeConcern (no panic; refusals are EINVALID vigil errors; what is
// accepted survives re-encoding), and checks what the handlers then do
// with them: a period is refused only with a vigil error, and one
// accepted is a real stretch of time that its key names again.
func FuzzDecodeOversight(f *testing.F) {
	for _, seed := range []string{
		`{"period": "12m", "note": "Quarterly figures"}`, `{"period": "fy2024"}`, `{"period": "fy02024"}`, `{"period": "fy-1"}`,
		`{"period": "2025-03"}`, `{"period": "2025-13"}`, `{"period": "2025-01-01_2025-03-31"}`, `{"period": "2025-03-31_2025-01-01"}`,
		`{"period": "1996-01"}`, `{"period": "fy99999999999999999999"}`, `{"period": 2025}`, `{"Period": "12m"}`,
		`{"subject": "child", "ethnicity": "white_british", "nationality": "GB"}`,
		`{"id": "k3v5xq7mzr2a4b6c7d2e3f4g5h", "subject": "suspect", "ethnicity": "not_stated", "nationality": "not_stated"}`,
		`{"subject": "suspect", "ethnicity": "x", "nationality": "gb"}`, `{"subject": null}`, `{} {}`, "", "null", "\xff{}",
	} {
		f.Add([]byte(seed))
	}
	now := time.Date(2025, 6, 10, 12, 0, 0, 0, vigil.London)
	f.Fuzz(func(t *testing.T, data []byte) {
		if req, ok := roundTrip(t, data, decodeAs[releaseRequest]); ok && req.Period != "" {
			p, err := vigil.ParsePeriod(req.Period, now)
			if err != nil {
				var ve *vigil.Error
				if !errors.As(err, &ve) || ve.Code != vigil.EINVALID || ve.Message == "" {
					t.Fatalf("period %q refused with %v, want EINVALID", req.Period, err)
				}
			} else {
				if !p.From.Before(p.To) || p.Key == "" || p.Label == "" {
					t.Fatalf("period %q accepted as %+v", req.Period, p)
				}
				again, err := vigil.ParsePeriod(p.Key, now)
				if err != nil || !again.From.Equal(p.From) || !again.To.Equal(p.To) {
					t.Fatalf("period %q accepted as key %q, which reads back as %+v (%v)", req.Period, p.Key, again, err)
				}
			}
		}
		if req, ok := roundTrip(t, data, decodeAs[demographicsRequest]); ok {
			n := vigil.NewDemographics{ID: vigil.ID(req.ID), Subject: vigil.DemographicSubject(req.Subject),
				Ethnicity: req.Ethnicity, Nationality: req.Nationality}
			if err := n.Validate(); err != nil {
				checkFieldErrors(t, err)
			}
		}
	})
}

// FuzzBearerToken feeds the Authorization header arbitrary values. A value
// is either refused with EUNAUTHORIZED (the API then answers 401 with a
// challenge), or yields one token of RFC 6750's b64token syntax, short
// enough to hash, that the header holds.
func FuzzBearerToken(f *testing.F) {
	for _, s := range []string{"Bearer vgl_abc123", "bearer  vgl_abc", "Bearer", "Bearer ", "Basic dXNlcjpwYXNz", "Bearer a b",
		"Bearer ====", "Bearer abc==", "Bearer " + strings.Repeat("a", 300), "Bearer \x00", "Bearer tök", "", "Bearer\tabc"} {
		f.Add(s, false)
	}
	f.Add("Bearer abc", true)
	f.Fuzz(func(t *testing.T, value string, twice bool) {
		r := &http.Request{Header: http.Header{}}
		r.Header.Add("Authorization", value)
		if twice {
			r.Header.Add("Authorization", value)
		}
		token, err := bearerToken(r)
		if err != nil {
			if vigil.ErrorCode(err) != vigil.EUNAUTHORIZED || vigil.ErrorMessage(err) == "" {
				t.Fatalf("%q refused with %v, want EUNAUTHORIZED", value, err)
			}
			return
		}
		if twice || token == "" || len(token) > maxTokenLen || !validToken(token) || !strings.HasSuffix(value, token) {
			t.Fatalf("%q (twice %v) accepted as token %q", value, twice, token)
		}
		if strings.ContainsAny(token, " \t\r\n\x00") {
			t.Fatalf("token %q holds a space or control character", token)
		}
	})
}

// FuzzCheckQuery feeds the query check of every API route arbitrary query
// strings. A query is refused with a 400 EINVALID vigil error naming what
// is wrong, or accepted with only the parameters the route takes, each
// once.
func FuzzCheckQuery(f *testing.F) {
	for _, s := range []string{"owner=me", "owner=me&owner=you", "period=12m&topic=x", "x=1", "%zz", "a=%ff", ";", "owner", "&&", strings.Repeat("p", 100) + "=1"} {
		f.Add(s)
	}
	allowed := []string{"owner", "period"}
	f.Fuzz(func(t *testing.T, raw string) {
		r := &http.Request{URL: &url.URL{Path: "/api/v1/cases", RawQuery: raw}}
		q, err := checkQuery(r, allowed...)
		if err != nil {
			if vigil.ErrorCode(err) != vigil.EINVALID || status(err) != http.StatusBadRequest {
				t.Fatalf("%q refused with %v (status %d), want 400 EINVALID", raw, err, status(err))
			}
			for _, fe := range vigil.ErrorFields(err) {
				if len(fe.Field) > 64+len("…") {
					t.Fatalf("a refusal echoes a %d-byte name", len(fe.Field))
				}
			}
			return
		}
		for name, values := range q {
			if !slices.Contains(allowed, name) || len(values) != 1 {
				t.Fatalf("%q accepted with %s=%q", raw, name, values)
			}
		}
	})
}
