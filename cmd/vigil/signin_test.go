package main

import (
	"bytes"
	"context"
	"encoding/json"
	"net/http"
	"net/http/cookiejar"
	"net/url"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"
)

func TestCode(t *testing.T) {
	code, stdout, stderr := runVigil(t, "code", "JBSW Y3DP EHPK 3PXP")
	if code != 0 || !regexp.MustCompile(`^\d{6} \(valid for \d+ more seconds`).MatchString(stdout) {
		t.Errorf("vigil code: exit %d, %q %q", code, stdout, stderr)
	}
	if code, _, stderr := runVigil(t, "code", "not base32!"); code != 2 || !strings.Contains(stderr, "not a base32") {
		t.Errorf("a bad key: exit %d, %q", code, stderr)
	}
	if code, _, _ := runVigil(t, "code"); code != 2 {
		t.Errorf("no key: exit %d", code)
	}
}

// TestDemoSignIn checks that a person can still sign in to the demo: each
// account's authenticator key is in demo.json and printed, and the code
// `vigil code KEY` prints completes the sign-in.
func TestDemoSignIn(t *testing.T) {
	dir := t.TempDir()
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	done := make(chan int, 1)
	var out, errb bytes.Buffer
	go func() { done <- run(ctx, []string{"demo", "--dir", dir, "--addr", "127.0.0.1:0"}, &out, &errb) }()
	var df demoFile
	for deadline := time.Now().Add(60 * time.Second); ; time.Sleep(100 * time.Millisecond) {
		b, err := os.ReadFile(filepath.Join(dir, "demo.json"))
		if err == nil && json.Unmarshal(b, &df) == nil {
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("demo.json not written within a minute: %s", errb.String())
		}
	}
	var key, password string
	for _, u := range df.Users {
		if u.TOTPSecret == "" {
			t.Errorf("%s has no authenticator key in demo.json", u.Username)
		}
		if u.Username == "social.worker" {
			key, password = u.TOTPSecret, u.Password
		}
	}
	jar, _ := cookiejar.New(nil)
	c := &http.Client{Jar: jar}
	resp, err := c.PostForm(df.URL+"/signin", url.Values{"username": {"social.worker"}, "password": {password}})
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.Request.URL.Path != "/signin/code" {
		t.Fatalf("after the password: %s", resp.Request.URL)
	}
	_, stdout, _ := runVigil(t, "code", key)
	resp, err = c.PostForm(df.URL+"/signin/code", url.Values{"code": {stdout[:6]}})
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusOK || resp.Request.URL.Path != "/work" {
		t.Errorf("after the code: %d at %s", resp.StatusCode, resp.Request.URL)
	}
	cancel()
	<-done
	if !strings.Contains(out.String(), key) || !strings.Contains(out.String(), "vigil code KEY") {
		t.Errorf("the demo does not print the keys and how to use them:\n%s", out.String())
	}
}
