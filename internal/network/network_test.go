package network

import (
	"slices"
	"strings"
	"testing"
	"time"
)

// twoTriangles is two triangles joined through a bridge node "m".
func twoTriangles() *Graph {
	g := New()
	for _, e := range [][2]string{{"a", "b"}, {"b", "c"}, {"a", "c"}, {"c", "m"}, {"m", "x"}, {"x", "y"}, {"y", "z"}, {"x", "z"}} {
		g.AddEdge(e[0], e[1], 1)
	}
	return g
}

func TestCommunities(t *testing.T) {
	c := twoTriangles().Communities()
	if c["a"] != c["b"] || c["b"] != c["c"] || c["x"] != c["y"] || c["y"] != c["z"] {
		t.Errorf("triangles split: %v", c)
	}
	if c["a"] == c["x"] {
		t.Errorf("the two triangles are one community: %v", c)
	}
}

func TestBetweenness(t *testing.T) {
	b := twoTriangles().Betweenness()
	for _, n := range []string{"a", "b", "y", "z"} {
		if b[n] != 0 {
			t.Errorf("betweenness of %s = %v, want 0", n, b[n])
		}
	}
	if !(b["m"] > b["c"]/2 && b["m"] > 0.4) {
		t.Errorf("the bridge is not central: %v", b)
	}
}

func TestShortestPath(t *testing.T) {
	g := twoTriangles()
	if got, want := g.ShortestPath("a", "z"), []string{"a", "c", "m", "x", "z"}; !slices.Equal(got, want) {
		t.Errorf("path = %v, want %v", got, want)
	}
	g.AddNode("alone")
	if p := g.ShortestPath("a", "alone"); p != nil {
		t.Errorf("path to an unconnected node: %v", p)
	}
	if p := g.ShortestPath("a", "unknown"); p != nil {
		t.Errorf("path to an unknown node: %v", p)
	}
}

func TestProject(t *testing.T) {
	got := Project(map[string][]string{"s1": {"c1", "c2", "c2"}, "s2": {"c1"}, "s3": {"c1", "c2", "c3"}}, 2)
	if len(got) != 2 || got[0].Node != "s3" || got[1].Node != "s1" || !slices.Equal(got[1].Linked, []string{"c1", "c2"}) {
		t.Errorf("Project = %+v", got)
	}
}

func TestRingLayout(t *testing.T) {
	p := RingLayout("c", map[string]int{"c": 0, "a": 1, "b": 1, "z": 2}, map[string]int{}, 400, 400)
	if p["c"] != (Point{200, 200}) {
		t.Errorf("centre at %v", p["c"])
	}
	for n, pt := range p {
		if pt.X < 0 || pt.X > 400 || pt.Y < 0 || pt.Y > 400 {
			t.Errorf("%s outside the box: %v", n, pt)
		}
	}
	if p["a"] == p["b"] {
		t.Error("two nodes at one place")
	}
}

func TestTimePath(t *testing.T) {
	day := func(d int) time.Time { return time.Date(2025, 1, d, 0, 0, 0, 0, time.UTC) }
	c := func(a, b string, d int, via string) Contact { return Contact{A: a, B: b, At: day(d), Via: via} }
	for _, tc := range []struct {
		name     string
		contacts []Contact
		from, to string
		want     string // the reports, in order; "" for no path
	}{
		{"in order", []Contact{c("a", "b", 1, "r1"), c("b", "c", 2, "r2")}, "a", "c", "r1 r2"},
		// The only chain runs backwards in time: b met c before a met b.
		{"backwards in time", []Contact{c("a", "b", 5, "r1"), c("b", "c", 2, "r2")}, "a", "c", ""},
		{"backwards, read from the other end", []Contact{c("a", "b", 5, "r1"), c("b", "c", 2, "r2")}, "c", "a", "r2 r1"},
		// The shortest path (a-d-c) is not in time order; the longer one is.
		{"longer but in order", []Contact{c("a", "d", 9, "r1"), c("d", "c", 3, "r2"), c("a", "b", 1, "r3"), c("b", "e", 2, "r4"), c("e", "c", 4, "r5")},
			"a", "c", "r3 r4 r5"},
		// Two routes: the one arriving first wins, whatever its length.
		{"foremost", []Contact{c("a", "c", 8, "late"), c("a", "b", 1, "r1"), c("b", "c", 2, "r2")}, "a", "c", "r1 r2"},
		// Reports of the same day chain, in whichever order they are listed.
		{"same day", []Contact{c("b", "c", 3, "r2"), c("a", "b", 3, "r1")}, "a", "c", "r1 r2"},
		{"same day, fewest hops", []Contact{c("a", "b", 3, "r1"), c("b", "c", 3, "r2"), c("a", "c", 3, "r3")}, "a", "c", "r3"},
		{"not connected", []Contact{c("a", "b", 1, "r1"), c("c", "d", 2, "r2")}, "a", "d", ""},
		{"to itself", []Contact{c("a", "b", 1, "r1")}, "a", "a", ""},
	} {
		t.Run(tc.name, func(t *testing.T) {
			var got []string
			p := TimePath(tc.contacts, tc.from, tc.to)
			for i, h := range p {
				got = append(got, h.Via)
				if i > 0 && h.At.Before(p[i-1].At) {
					t.Errorf("hop %d goes back in time: %v", i, p)
				}
				if i > 0 && h.From != p[i-1].To || i == 0 && h.From != tc.from {
					t.Errorf("hop %d does not continue the path: %v", i, p)
				}
			}
			if len(p) > 0 && p[len(p)-1].To != tc.to {
				t.Errorf("the path ends at %s, want %s", p[len(p)-1].To, tc.to)
			}
			if s := strings.Join(got, " "); s != tc.want {
				t.Errorf("path through %q, want %q", s, tc.want)
			}
		})
	}
}
