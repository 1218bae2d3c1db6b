package web

import (
	"fmt"
	"testing"
	"time"
)

func TestThrottle(t *testing.T) {
	now := time.Date(2026, 3, 2, 9, 0, 0, 0, time.UTC)
	th := newThrottle(func() time.Time { return now })
	fail := func(account, addr string, n int) {
		for range n {
			th.fail(account, addr)
		}
	}
	for _, tc := range []struct {
		name    string
		setup   func()
		account string
		addr    string
		known   bool
		limit   string
	}{
		{"first attempt", func() {}, "sam", "10.0.0.1", false, ""},
		{"4 failures", func() { fail("sam", "10.0.0.1", 4) }, "sam", "10.0.0.1", false, ""},
		{"5 failures", func() { fail("sam", "10.0.0.1", 1) }, "sam", "10.0.0.1", false, limitPair},
		{"5 failures, even from a known browser", func() {}, "sam", "10.0.0.1", true, limitPair},
		{"another address for the account", func() {}, "sam", "10.0.0.2", false, ""},
		{"another account from the address", func() {}, "alex", "10.0.0.1", false, ""},
		{"spraying from one address", func() {
			for i := range 100 {
				th.fail(string(rune('a'+i%26))+"x", "10.9.9.9")
			}
		}, "fresh", "10.9.9.9", false, limitAddress},
		{"20 failures from many addresses", func() {
			for i := range 20 {
				th.fail("kim", fmt.Sprintf("192.0.2.%d", i))
			}
		}, "kim", "198.51.100.1", false, limitAccount},
		{"the account's soft limit lets a known browser in", func() {}, "kim", "198.51.100.1", true, ""},
	} {
		t.Run(tc.name, func(t *testing.T) {
			tc.setup()
			wait, limit := th.check(tc.account, tc.addr, tc.known)
			if limit != tc.limit || (limit == "") != (wait == 0) {
				t.Errorf("check = %v %q, want limit %q", wait, limit, tc.limit)
			}
		})
	}
	// The windows end by themselves: nobody is locked out for good.
	now = now.Add(throttleWindow)
	for _, c := range [][2]string{{"sam", "10.0.0.1"}, {"fresh", "10.9.9.9"}, {"kim", "198.51.100.1"}} {
		if wait, limit := th.check(c[0], c[1], false); wait != 0 {
			t.Errorf("%s from %s after the window: still held (%s)", c[0], c[1], limit)
		}
	}
	// A success forgets the pair's failures, not the account's.
	fail("lee", "10.0.0.5", 4)
	th.succeed("lee", "10.0.0.5")
	fail("lee", "10.0.0.5", 4)
	if wait, _ := th.check("lee", "10.0.0.5", false); wait != 0 {
		t.Error("failures before a success still count against the person")
	}
}

func TestThrottleBounded(t *testing.T) {
	now := time.Date(2026, 3, 2, 9, 0, 0, 0, time.UTC)
	th := newThrottle(func() time.Time { return now })
	for i := range maxThrottleKeys + 10 {
		th.fail("acct", fmt.Sprint("addr-", i))
	}
	if len(th.pairs) > maxThrottleKeys || len(th.addrs) > maxThrottleKeys {
		t.Errorf("maps grew past the bound: %d pairs, %d addresses", len(th.pairs), len(th.addrs))
	}
	now = now.Add(throttleWindow)
	th.fail("acct", "new")
	if len(th.pairs) > 2 {
		t.Errorf("expired windows were not dropped: %d pairs", len(th.pairs))
	}
}
