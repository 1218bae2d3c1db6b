package speakup

import (
	"context"
	"errors"
	"sync"
	"time"
)

// Guessing receipts: what the limits protect, and why they are shaped so.
//
// A receipt's secret is seven words, 90 bits. Someone who knows a report's
// lookup words (they saw the receipt's first line, or copied the database)
// and guesses the rest online at the whole server's argon2id capacity,
// about 60 checks a second, expects to need some 10^17 years. No limit on
// guessing is what keeps a receipt secret, so no limit may be allowed to
// do the one harm a limit can do here: keep the person who holds the
// right receipt out of their report. The limits protect the service, and
// they never know who is guessing: no address or browser detail is stored
// or used, so they cannot become a way to trace a reporter either.
//
//   - Work (the global limit). Every check costs one argon2id run (19 MiB,
//     about 35 ms), the same for a right and a wrong receipt and for a
//     lookup that names no report, and at most a few run at a time. A
//     check waits for its turn, first come first served, in a queue of at
//     most MaxWaiting; only when the queue is full is a check shed ("busy,
//     try again in a minute"). So under normal load nothing is refused; a
//     flood slows everyone by at most MaxWaiting checks' work (about a
//     second) and sheds only what the machine cannot do. A limit that
//     counted failures and then refused every check, as this channel first
//     had, let anyone close it to everybody with one wrong guess a second.
//     Making a report and unlocking a recipient's key wait in the same
//     queue but are never shed.
//   - Per report. Wrong receipts whose lookup names a report are counted
//     in the database (across restarts and nodes) and logged, so that
//     oversight sees a report under attack. Past MaxFailures within
//     FailureWindow the report is under guessing: every check of it is
//     still verified and the right receipt opens it at once, but a wrong
//     one is refused only after SlowAnswer. That costs a guesser time per
//     guess, and the holder of the right receipt nothing. It does not slow
//     a guesser who sends many guesses at once; the queue bounds those,
//     and the 90 bits make them pointless.

// Per-report limits.
const (
	MaxFailures   = 5
	FailureWindow = time.Hour
	// SlowAnswer delays the refusal of a wrong receipt for a report under
	// guessing.
	SlowAnswer = 3 * time.Second
)

// Global limits.
const (
	// WorkSlots is how many argon2id runs (checks, new receipts, key
	// unlocks) may run at once.
	WorkSlots = 2
	// MaxWaiting bounds the checks waiting for a slot; past it a check is
	// shed. With WorkSlots slots of about 35 ms each, the last in the
	// queue waits about a second.
	MaxWaiting = 64
)

// UnderGuessing reports whether a report with failures wrong receipts in
// the window that started at start is under guessing at now.
func UnderGuessing(failures int, start, now time.Time) bool {
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

// ErrBusy is returned when a check is shed because too many are waiting.
var ErrBusy = errors.New("speakup: too many receipt checks are waiting")

// Work is the global limit: a first-come-first-served queue for a few
// slots of argon2id work.
type Work struct {
	mu      sync.Mutex
	free    int
	queue   []waiter // oldest first
	waiting int      // sheddable waiters in queue
	max     int
}

type waiter struct {
	ch        chan struct{}
	sheddable bool
}

// NewWork returns a queue of slots slots that sheds checks past maxWaiting.
func NewWork(slots, maxWaiting int) *Work { return &Work{free: slots, max: maxWaiting} }

// Acquire waits for a slot and returns the function that gives it back.
// A sheddable caller (a receipt check) gets ErrBusy at once when
// maxWaiting sheddable callers already wait; others wait their turn.
// Either returns ctx's error if it ends first.
func (w *Work) Acquire(ctx context.Context, sheddable bool) (release func(), err error) {
	w.mu.Lock()
	if w.free > 0 && len(w.queue) == 0 {
		w.free--
		w.mu.Unlock()
		return w.release, nil
	}
	if sheddable && w.waiting >= w.max {
		w.mu.Unlock()
		return nil, ErrBusy
	}
	me := waiter{make(chan struct{}), sheddable}
	w.queue = append(w.queue, me)
	if sheddable {
		w.waiting++
	}
	w.mu.Unlock()
	select {
	case <-me.ch:
		return w.release, nil
	case <-ctx.Done():
	}
	w.mu.Lock()
	for i, x := range w.queue {
		if x.ch == me.ch {
			w.queue = append(w.queue[:i], w.queue[i+1:]...)
			if sheddable {
				w.waiting--
			}
			w.mu.Unlock()
			return nil, ctx.Err()
		}
	}
	w.mu.Unlock()
	// The slot was handed over as ctx ended: pass it on.
	w.release()
	return nil, ctx.Err()
}

// release hands the slot to the oldest waiter, or frees it.
func (w *Work) release() {
	w.mu.Lock()
	defer w.mu.Unlock()
	if len(w.queue) > 0 {
		next := w.queue[0]
		w.queue = w.queue[1:]
		if next.sheddable {
			w.waiting--
		}
		close(next.ch)
		return
	}
	w.free++
}
