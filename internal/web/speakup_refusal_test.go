package web_test

import (
	"bytes"
	"net/http"
	"net/url"
	"strings"
	"testing"
)

// TestSpeakUpRefusalsLogged sends the speak-up pages an oversized upload,
// a file that is not a photo, a malformed receipt and a wrong one: each is
// refused and logged by route, status, code and field, and the log holds
// no address, no browser detail and nothing that was typed or sent.
func TestSpeakUpRefusalsLogged(t *testing.T) {
	s := newSpeakUpSite(t)
	c := s.client(t)
	const typed = "marker-words-typed-by-the-reporter"
	tests := []struct {
		name   string
		send   func() *http.Response
		status int
		match  string // in the log line: the route pattern, or the status
		field  string
	}{
		{"oversized upload", func() *http.Response {
			return s.multipartPost(t, c, "/speak-up/new/child", map[string]string{"what": typed}, bytes.Repeat([]byte{0xFF}, 400<<10))
		}, http.StatusRequestEntityTooLarge, "status=413", ""}, // refused before routing, by the body limit
		{"not a photo", func() *http.Response {
			return s.multipartPost(t, c, "/speak-up/new/child", map[string]string{"what": typed}, []byte("%PDF-1.7 "+typed))
		}, http.StatusUnprocessableEntity, "POST /speak-up/new/{channel}", "attachment"},
		{"malformed receipt", func() *http.Response {
			return s.post(t, c, "/speak-up/check", url.Values{"receipt": {typed}}, nil)
		}, http.StatusUnprocessableEntity, "POST /speak-up/check", "receipt"},
		{"wrong receipt", func() *http.Response {
			return s.post(t, c, "/speak-up/check", url.Values{"receipt": {"tidy crumb unmasked stood daylong refocus polio cattle sprung"}}, nil)
		}, http.StatusUnauthorized, "POST /speak-up/check", ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			before := s.logs.Len()
			resp := tt.send()
			body(t, resp)
			if resp.StatusCode != tt.status {
				t.Fatalf("status %d, want %d", resp.StatusCode, tt.status)
			}
			logged := s.logs.String()[before:]
			var line string
			for _, l := range strings.Split(logged, "\n") {
				if strings.Contains(l, "request refused") && strings.Contains(l, tt.match) {
					line = l
				}
			}
			if line == "" {
				t.Fatalf("the refusal was not logged:\n%s", logged)
			}
			if tt.field != "" && !strings.Contains(line, "fields="+tt.field) {
				t.Errorf("the log does not name the field %s: %s", tt.field, line)
			}
			for _, secret := range []string{typed, "Reporter-Browser", "127.0.0.1", "tidy crumb"} {
				if strings.Contains(logged, secret) {
					t.Errorf("the log holds %q:\n%s", secret, logged)
				}
			}
		})
	}
}
