package synth

import (
	"encoding/json"
	"strings"
	"testing"
	"time"

	"github.com/vigil-project/vigil"
	"github.com/vigil-project/vigil/internal/workday"
)

// TestLoadConvert converts every report of several worlds as Load does and
// checks, without a store, that each is an import the store will accept
// (its own validation and the replay of its casework through the workflow
// and clocks), that live casework is only planned for recent reports, and
// that nothing of the ground truth reaches the application.
func TestLoadConvert(t *testing.T) {
	type world struct {
		name  string
		scale Scale
		seed  uint64
	}
	worlds := []world{{"small-1", ScaleSmall, 1}, {"small-2", ScaleSmall, 2}, {"small-3", ScaleSmall, 3}, {"small-9", ScaleSmall, 9}}
	if !testing.Short() {
		worlds = append(worlds, world{"town", ScaleTown, 7})
	}
	rules, cal := vigil.DefaultRules(), workday.England()
	for _, wd := range worlds {
		t.Run(wd.name, func(t *testing.T) {
			now := vigil.Now()
			g := NewGenerator(WorldOptions{Seed: wd.seed, Scale: wd.scale, End: now})
			l := newLoader(nil, g, LoadOptions{Recent: 300 * 24 * time.Hour}, now)
			i, live, closed, open := 0, 0, 0, 0
			for rep := range g.Reports {
				ic, lc, err := l.convert(i, rep)
				i++
				if err != nil {
					t.Fatal(err)
				}
				if err := ic.Validate(now); err != nil {
					t.Fatalf("%s: %v %v", rep.ID, err, vigil.ErrorFields(err))
				}
				h, err := rules.Replay(cal, &ic)
				if err != nil {
					t.Fatalf("%s: replay: %v", rep.ID, err)
				}
				switch {
				case lc != nil:
					live++
					if rep.At.Before(now.AddDate(0, 0, -300)) {
						t.Errorf("%s of %s worked live", rep.ID, rep.At)
					}
					if len(ic.Decisions) > 0 || h.Closed {
						t.Errorf("%s: worked live but imported with decisions", rep.ID)
					}
				case h.Closed:
					closed++
				default:
					open++
				}
				b, _ := json.Marshal(ic)
				for _, e := range []EntityID{rep.Truth.Child, rep.Truth.Network} {
					if e != "" && strings.Contains(string(b), string(e)) {
						t.Fatalf("%s: the import carries the truth %s", rep.ID, e)
					}
				}
			}
			t.Logf("%d reports: %d closed history, %d open, %d worked live", i, closed, open, live)
			if closed == 0 || live == 0 {
				t.Errorf("%d closed, %d live: want both", closed, live)
			}
		})
	}
}

// TestDemoLogins checks that every demo login finds a post in a town,
// held by someone still in post, and that no two share one.
func TestDemoLogins(t *testing.T) {
	for _, sc := range []Scale{ScaleSmall, ScaleTown} {
		if sc == ScaleTown && testing.Short() {
			continue
		}
		g := NewGenerator(WorldOptions{Seed: 5, Scale: sc})
		l := newLoader(nil, g, LoadOptions{}, DefaultEnd)
		taken := map[*Staff]bool{}
		for _, d := range demoStaff {
			s := l.demoPost(d, taken)
			if s == nil {
				t.Logf("%s: %s has no post; it is added as a member of staff of its own", sc, d.username)
				continue
			}
			if !s.To.IsZero() || s.Post.Role != d.role || s.Post.Team.Agency.Kind != d.agency {
				t.Errorf("%s: %s holds %s (%s, left %v)", sc, d.username, s.Post.Title, s.Post.Role, s.To)
			}
			taken[s] = true
		}
	}
}
