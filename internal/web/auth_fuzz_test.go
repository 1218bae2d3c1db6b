package web

import (
	"net/url"
	"strings"
	"testing"
	"time"
)

// FuzzParseSignIn feeds the sign-in form parser arbitrary bodies: it must
// never panic, never accept a form without both fields, and never keep an
// oversized next address.
func FuzzParseSignIn(f *testing.F) {
	for _, s := range []string{"username=sam&password=secret", "username=&password=", "username=a&username=b&password=x",
		"username=%ff%fe&password=%00", "next=%2F%2Fevil.example&username=sam&password=p", strings.Repeat("a", 300)} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, body string) {
		v, err := url.ParseQuery(body)
		if err != nil {
			return
		}
		in, errs := parseSignIn(v)
		if len(errs) == 0 && (strings.TrimSpace(in.Username) == "" || in.Password == "" || len(v["username"]) != 1 || len(v["password"]) != 1) {
			t.Errorf("accepted %q", body)
		}
		if len(in.Next) > 2048 {
			t.Errorf("kept a next of %d bytes", len(in.Next))
		}
		if p := localPath(in.Next); !strings.HasPrefix(p, "/") || strings.HasPrefix(p, "//") || strings.ContainsAny(p, "\r\n") {
			t.Errorf("next %q leads to %q", in.Next, p)
		}
	})
}

// FuzzParseCode: only six digits (with spaces or hyphens between) pass.
func FuzzParseCode(f *testing.F) {
	for _, s := range []string{"code=123456", "code=123+456", "code=12345", "code=１２３４５６", "code=123456&code=654321", "code=12-34-56"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, body string) {
		v, err := url.ParseQuery(body)
		if err != nil {
			return
		}
		code, _, errs := parseCode(v)
		if len(errs) > 0 {
			return
		}
		digits := strings.NewReplacer(" ", "", "-", "").Replace(code)
		if len(digits) != 6 || strings.Trim(digits, "0123456789") != "" {
			t.Errorf("accepted code %q", code)
		}
	})
}

// FuzzCookies: the known-browser and OpenID Connect state cookies come
// back from the browser; only ones Vigil signed are believed.
func FuzzCookies(f *testing.F) {
	s := &Server{auth: &authState{key: []byte("0123456789abcdef0123456789abcdef")}}
	good := s.knownValue("sam")
	state := s.sealOIDCState(oidcState{State: "s", Nonce: "n", Verifier: "v", Expires: time.Now().Add(time.Hour).Unix()})
	for _, v := range []string{good, state, "", ".", "c2Ft.", "c2Ft." + strings.Repeat("A", 43), good + "x", state[:len(state)-2]} {
		f.Add(v)
	}
	f.Fuzz(func(t *testing.T, v string) {
		if s.isKnown(v, "sam") && v != good {
			t.Errorf("forged known-browser cookie %q accepted", v)
		}
		if st, ok := s.parseOIDCState(v, time.Now()); ok && v != state {
			t.Errorf("forged state %q accepted: %+v", v, st)
		}
	})
}
