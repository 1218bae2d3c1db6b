package speakup

import (
	"sync"
	"time"
)

// Guessing receipts is limited twice, and neither limit knows who is
// guessing: no IP address or browser detail is stored or used, so the
// limits cannot become a way to trace a reporter.
//
//   - Per report: after MaxFailures wrong receipts whose lookup words name
//     a report, within FailureWindow, that report refuses every receipt
//     (the right one too) until the window ends. Someone who knows or
//     guesses a report's lookup words gets a handful of tries an hour at a
//     90-bit secret. The counter is kept in the database, so it holds
//     across restarts and nodes.
//   - Globally: a token bucket of failed checks (GlobalBurst, refilled at
//     GlobalRate a second) per process. When it is empty every check is
//     refused until it refills, which bounds both online guessing across
//     all reports and the argon2id work a flood can demand. The price is
//     that a flood delays genuine reporters for a minute or so; the page
//     says to try again shortly.

// Per-report limits.
const (
	MaxFailures   = 5
	FailureWindow = time.Hour
)

// Global limits.
const (
	GlobalBurst = 60
	GlobalRate  = 1.0 // failed checks a second, on average
)

// Locked reports whether a report with failures wrong receipts in the
// window that started at start refuses checks at now.
func Locked(failures int, start, now time.Time) bool {
	return failures >= MaxFailures && now.Before(start.Add(FailureWindow))
}

// Fail returns the counter after one more wrong receipt at now: a new
// window starts when the last one has ended.
func Fail(failures int, start, now time.Time) (int, time.Time) {
	if !now.Before(start.Add(FailureWindow)) {
		return 1, now
	}
	return failures + 1, start
}

// Throttle is a token bucket of failed checks. The zero value is full.
type Throttle struct {
	mu     sync.Mutex
	used   float64 // tokens taken and not yet refilled
	last   time.Time
	Burst  float64
	PerSec float64
}

// NewThrottle returns the global throttle.
func NewThrottle() *Throttle { return &Throttle{Burst: GlobalBurst, PerSec: GlobalRate} }

func (t *Throttle) refill(now time.Time) {
	if !t.last.IsZero() && now.After(t.last) {
		t.used -= now.Sub(t.last).Seconds() * t.PerSec
		if t.used < 0 {
			t.used = 0
		}
	}
	t.last = now
}

// Exhausted reports whether no failure may be risked at now.
func (t *Throttle) Exhausted(now time.Time) bool {
	t.mu.Lock()
	defer t.mu.Unlock()
	t.refill(now)
	return t.used+1 > t.Burst
}

// Fail takes a token for a failed check at now.
func (t *Throttle) Fail(now time.Time) {
	t.mu.Lock()
	defer t.mu.Unlock()
	t.refill(now)
	t.used++
}
