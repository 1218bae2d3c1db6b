package escalate

import (
	"context"
	"errors"
	"sync"
	"testing"
	"testing/synctest"
	"time"

	"github.com/vigil-project/vigil"
)

// fakeStore records the times it was asked to sweep and fails when told to.
type fakeStore struct {
	mu    sync.Mutex
	times []time.Time
	fail  bool
}

func (f *fakeStore) Sweep(ctx context.Context, now time.Time) (vigil.SweepResult, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.times = append(f.times, now)
	if f.fail {
		return vigil.SweepResult{}, errors.New("database down")
	}
	return vigil.SweepResult{Missed: 1}, nil
}

func TestSweeperTicks(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		f := &fakeStore{}
		ctx, cancel := context.WithCancel(context.Background())
		done := make(chan struct{})
		start := time.Now()
		go func() {
			(&Sweeper{Store: f, Every: time.Minute, Now: time.Now}).Run(ctx)
			close(done)
		}()
		time.Sleep(3*time.Minute + time.Second)
		synctest.Wait()
		cancel()
		<-done
		if len(f.times) != 4 {
			t.Fatalf("swept %d times in 3 minutes, want 4 (at once, then each minute)", len(f.times))
		}
		for i, at := range f.times {
			if want := start.Add(time.Duration(i) * time.Minute); !at.Equal(want) {
				t.Errorf("sweep %d at %v, want %v", i, at.Sub(start), want.Sub(start))
			}
		}
	})
}

func TestSweeperSurvivesFailures(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		f := &fakeStore{fail: true}
		ctx, cancel := context.WithCancel(context.Background())
		go (&Sweeper{Store: f, Every: time.Second}).Run(ctx)
		time.Sleep(5*time.Second + time.Millisecond)
		synctest.Wait()
		cancel()
		f.mu.Lock()
		defer f.mu.Unlock()
		if len(f.times) < 5 {
			t.Errorf("after failures the sweeper ran %d times in 5 s, want it to keep trying every second", len(f.times))
		}
	})
}
