package sqlstore_test

import (
	"context"
	"testing"
	"time"

	"github.com/vigil-project/vigil"
)

// TestMissingEpisodesOutOfOrder: the third episode within 30 days starts a
// strategy discussion even when it is recorded before an earlier one.
func TestMissingEpisodesOutOfOrder(t *testing.T) {
	engines(t, func(t *testing.T, e *env) {
		ctx := context.Background()
		cs := e.raise(t, time.Hour)
		duty := e.user(t, "duty.manager")
		now := vigil.Now()
		for i, ago := range []int{2, 20, 9} { // the middle episode is recorded last
			if _, err := e.store.RecordMissing(ctx, duty, cs.ID, now.AddDate(0, 0, -ago), "Missing overnight"); err != nil {
				t.Fatal(err)
			}
			started := openKinds(e.detail(t, cs.ID))["strategy_discussion"] != nil
			if want := i == 2; started != want {
				t.Errorf("after %d episodes a strategy discussion is started: %v, want %v", i+1, started, want)
			}
		}
	})
}
