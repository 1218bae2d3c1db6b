package web

import (
	"net"
	"net/http"
	"sync"
	"time"
)

// Sign-in throttling (issue 5, part 7; OWASP Authentication Cheat Sheet,
// "Protect against automated attacks"). Failed sign-ins (a wrong password,
// a wrong second-factor code) are counted in memory, in fixed windows of
// 15 minutes, under three keys:
//
//   - the account and the address together: 5 failures, then that
//     address waits out the window for that account. This is the limit a
//     person who mistypes meets.
//   - the address alone: 100 failures across any accounts, against one
//     address trying many accounts (password spraying).
//   - the account alone, a soft limit: after 20 failures from anywhere,
//     only browsers the account has signed in from before (they hold a
//     signed "known browser" cookie) may keep trying. An attacker spread
//     over many addresses is held to 20 guesses a window, and yet cannot
//     lock the person out: their usual browser is let through, and every
//     window ends by itself.
//
// A refusal is 429 Too Many Requests with Retry-After. Counts live in one
// process: on several nodes each node counts its own, so the limits are
// per node (an attacker gets the limits times the nodes, still few
// guesses against a second factor); a shared store would make them exact.
// The maps are bounded: past maxThrottleKeys the expired windows are
// dropped, and if that is not enough new keys are not tracked (the
// argon2id hashing still makes every guess slow).
const (
	throttleWindow   = 15 * time.Minute
	pairLimit        = 5
	addressLimit     = 100
	accountSoftLimit = 20
	maxThrottleKeys  = 100_000
)

// throttle counts failed sign-ins. Its zero value is not ready: use newThrottle.
type throttle struct {
	mu       sync.Mutex
	now      func() time.Time
	pairs    map[string]*window
	accounts map[string]*window
	addrs    map[string]*window
}

// window is a count of failures since start.
type window struct {
	start time.Time
	n     int
}

func newThrottle(now func() time.Time) *throttle {
	if now == nil {
		now = time.Now
	}
	return &throttle{now: now, pairs: map[string]*window{}, accounts: map[string]*window{}, addrs: map[string]*window{}}
}

// Limits that check names, for the log.
const (
	limitPair    = "account_and_address"
	limitAddress = "address"
	limitAccount = "account"
)

// check reports how long a sign-in to account from addr must wait, and
// which limit it met; 0 when it may go ahead. known says the browser has
// signed in to the account before.
func (t *throttle) check(account, addr string, known bool) (time.Duration, string) {
	t.mu.Lock()
	defer t.mu.Unlock()
	now := t.now()
	if w := t.live(t.pairs, account+"\x00"+addr, now); w != nil && w.n >= pairLimit {
		return w.start.Add(throttleWindow).Sub(now), limitPair
	}
	if w := t.live(t.addrs, addr, now); w != nil && w.n >= addressLimit {
		return w.start.Add(throttleWindow).Sub(now), limitAddress
	}
	if w := t.live(t.accounts, account, now); w != nil && w.n >= accountSoftLimit && !known {
		return w.start.Add(throttleWindow).Sub(now), limitAccount
	}
	return 0, ""
}

// live returns the window of key if it has not ended.
func (t *throttle) live(m map[string]*window, key string, now time.Time) *window {
	w := m[key]
	if w == nil || now.Sub(w.start) >= throttleWindow {
		return nil
	}
	return w
}

// fail counts a failed sign-in to account from addr.
func (t *throttle) fail(account, addr string) {
	t.mu.Lock()
	defer t.mu.Unlock()
	now := t.now()
	t.count(t.pairs, account+"\x00"+addr, now)
	t.count(t.addrs, addr, now)
	t.count(t.accounts, account, now)
}

func (t *throttle) count(m map[string]*window, key string, now time.Time) {
	w := t.live(m, key, now)
	if w == nil {
		if len(m) >= maxThrottleKeys {
			for k, old := range m {
				if now.Sub(old.start) >= throttleWindow {
					delete(m, k)
				}
			}
			if len(m) >= maxThrottleKeys {
				return
			}
		}
		w = &window{start: now}
		m[key] = w
	}
	w.n++
}

// succeed forgets the failures of account from addr: the person got in.
// The account's and the address's counts stand, so that one success in
// between does not reset an attack.
func (t *throttle) succeed(account, addr string) {
	t.mu.Lock()
	defer t.mu.Unlock()
	delete(t.pairs, account+"\x00"+addr)
}

// clientAddr is the address a request came from, without its port. Vigil
// takes the connection's address: behind a reverse proxy every request
// would come from the proxy, and the address limit would then apply to
// everyone at once, so a deployment behind a proxy must have the proxy
// pass the connection through (PROXY protocol) or raise addressLimit.
func clientAddr(r *http.Request) string {
	host, _, err := net.SplitHostPort(r.RemoteAddr)
	if err != nil {
		return r.RemoteAddr
	}
	return host
}
