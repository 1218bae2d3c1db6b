package network

import (
	"slices"
	"testing"
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
