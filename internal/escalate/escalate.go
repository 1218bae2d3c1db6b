// Package escalate runs the sweeper that turns missed statutory deadlines
// into escalations and climbs unanswered escalations up the ladder
// (owner, team manager, service manager, director, independent oversight),
// so that no deadline passes unnoticed (MISSION R3).
//
// The sweeper keeps no state of its own: each sweep asks the store what is
// overdue at the time it is given, and the store's sweep is idempotent, so
// the sweeper is safe to restart, to run on several nodes, and to run late.
package escalate

import (
	"context"
	"log/slog"
	"time"

	"github.com/vigil-project/vigil"
)

// Store is what the sweeper needs: one idempotent sweep at a given time.
type Store interface {
	Sweep(ctx context.Context, now time.Time) (vigil.SweepResult, error)
}

// Sweeper sweeps a store on a timer.
type Sweeper struct {
	Store  Store
	Every  time.Duration    // time between sweeps (default one minute)
	Now    func() time.Time // the clock (default vigil.Now); tests inject one
	Logger *slog.Logger
}

// Run sweeps at once and then every s.Every until ctx ends. A failed sweep
// is logged and tried again at the next tick: a database that is down for a
// while delays escalations but loses none.
func (s *Sweeper) Run(ctx context.Context) error {
	every := s.Every
	if every <= 0 {
		every = time.Minute
	}
	now := s.Now
	if now == nil {
		now = vigil.Now
	}
	logger := s.Logger
	if logger == nil {
		logger = slog.New(slog.DiscardHandler)
	}
	t := time.NewTicker(every)
	defer t.Stop()
	for {
		res, err := s.Store.Sweep(ctx, now())
		switch {
		case err != nil && ctx.Err() == nil:
			logger.Error("sweep failed", "error", err.Error())
		case res.Missed > 0 || res.Climbed > 0 || res.Unanswered > 0:
			logger.Info("sweep", "deadlines_escalated", res.Missed, "escalations_climbed", res.Climbed, "transfers_escalated", res.Unanswered)
		}
		select {
		case <-ctx.Done():
			return nil
		case <-t.C:
		}
	}
}
