// Package network analyses the graph of entities that linking finds: who
// and what is named together in reports. It wraps gonum's graph
// algorithms: Louvain communities (Blondel et al., "Fast unfolding of
// communities in large networks", 2008), Brandes' betweenness centrality
// (2001), breadth-first shortest paths, and the projection of the
// bipartite graph of suspects and children onto suspects; and it lays a
// small network out in rings for a server-rendered picture.
//
// Nodes are named by strings (entity ids); the package knows nothing of
// what they are, so demographics cannot reach it.
package network

import (
	"cmp"
	"math"
	"math/rand/v2"
	"slices"
	"time"

	"gonum.org/v1/gonum/graph"
	"gonum.org/v1/gonum/graph/community"
	gnet "gonum.org/v1/gonum/graph/network"
	"gonum.org/v1/gonum/graph/path"
	"gonum.org/v1/gonum/graph/simple"
)

// Graph is an undirected graph of named nodes; an edge's weight is how
// many reports name both ends.
type Graph struct {
	g     *simple.WeightedUndirectedGraph
	names []string
	ids   map[string]int64
}

// New returns an empty graph.
func New() *Graph {
	return &Graph{g: simple.NewWeightedUndirectedGraph(0, 0), ids: map[string]int64{}}
}

// AddNode adds a node, if new, and returns its number.
func (g *Graph) AddNode(name string) int64 {
	if id, ok := g.ids[name]; ok {
		return id
	}
	id := int64(len(g.names))
	g.names = append(g.names, name)
	g.ids[name] = id
	g.g.AddNode(simple.Node(id))
	return id
}

// AddEdge adds w to the weight of the edge between a and b.
func (g *Graph) AddEdge(a, b string, w float64) {
	if a == b {
		return
	}
	x, y := g.AddNode(a), g.AddNode(b)
	if e := g.g.WeightedEdge(x, y); e != nil {
		w += e.Weight()
	}
	g.g.SetWeightedEdge(simple.WeightedEdge{F: simple.Node(x), T: simple.Node(y), W: w})
}

// Len returns the number of nodes.
func (g *Graph) Len() int { return len(g.names) }

// Communities finds communities by maximising modularity (Louvain), with
// a fixed seed so that the same graph always gives the same answer.
// Communities are numbered from 0, largest first.
func (g *Graph) Communities() map[string]int {
	out := map[string]int{}
	if g.Len() == 0 {
		return out
	}
	if g.g.Edges().Len() == 0 {
		for i, n := range g.names {
			out[n] = i
		}
		return out
	}
	r := community.Modularize(g.g, 1, rand.NewPCG(1, 2))
	cs := r.Communities()
	groups := make([][]string, 0, len(cs))
	for _, c := range cs {
		var names []string
		for _, n := range c {
			names = append(names, g.names[n.ID()])
		}
		slices.Sort(names)
		groups = append(groups, names)
	}
	slices.SortFunc(groups, func(a, b []string) int {
		if c := cmp.Compare(len(b), len(a)); c != 0 {
			return c
		}
		return cmp.Compare(a[0], b[0])
	})
	for i, names := range groups {
		for _, n := range names {
			out[n] = i
		}
	}
	return out
}

// Betweenness returns each node's betweenness centrality, normalised to
// 0..1 by the number of pairs of other nodes: the share of shortest paths
// between others that pass through it. Edge weights are ignored: a path
// is a chain of reports.
func (g *Graph) Betweenness() map[string]float64 {
	out := make(map[string]float64, g.Len())
	n := float64(g.Len())
	pairs := (n - 1) * (n - 2) / 2
	for id, b := range gnet.Betweenness(unweighted{g.g}) {
		if pairs > 0 {
			b /= pairs
		}
		out[g.names[id]] = b
	}
	for _, name := range g.names {
		if _, ok := out[name]; !ok {
			out[name] = 0
		}
	}
	return out
}

// unweighted hides edge weights from algorithms that would take them as
// distances.
type unweighted struct{ graph.Undirected }

// ShortestPath returns the nodes on a shortest path from a to b, both
// included, or nil when they are not connected.
func (g *Graph) ShortestPath(a, b string) []string {
	x, ok1 := g.ids[a]
	y, ok2 := g.ids[b]
	if !ok1 || !ok2 {
		return nil
	}
	p, w := path.DijkstraFromTo(simple.Node(x), simple.Node(y), unweighted{g.g})
	if math.IsInf(w, 1) || len(p) == 0 {
		return nil
	}
	out := make([]string, len(p))
	for i, n := range p {
		out[i] = g.names[n.ID()]
	}
	return out
}

// Project takes a bipartite relation (each suspect with the children it
// is named with) and returns the suspects named with at least min
// children, with those children, most children first: the projection of
// the suspect-child graph that shows one person around many children.
func Project(rel map[string][]string, min int) []Projected {
	var out []Projected
	for s, cs := range rel {
		cs = slices.Clone(cs)
		slices.Sort(cs)
		cs = slices.Compact(cs)
		if len(cs) >= min {
			out = append(out, Projected{Node: s, Linked: cs})
		}
	}
	slices.SortFunc(out, func(a, b Projected) int {
		if c := cmp.Compare(len(b.Linked), len(a.Linked)); c != 0 {
			return c
		}
		return cmp.Compare(a.Node, b.Node)
	})
	return out
}

// Projected is one node of a projection with the nodes it is linked to.
type Projected struct {
	Node   string
	Linked []string
}

// Point is a position in a layout.
type Point struct{ X, Y float64 }

// RingLayout places the centre in the middle of a width × height box and
// the other nodes on rings by their distance from it (hops), each ring
// ordered by community so that communities sit together. It is
// deterministic, so a page shows the same picture every time.
func RingLayout(center string, hops map[string]int, community map[string]int, width, height float64) map[string]Point {
	out := map[string]Point{center: {width / 2, height / 2}}
	rings := map[int][]string{}
	maxHop := 0
	for n, h := range hops {
		if n != center {
			rings[h] = append(rings[h], n)
			maxHop = max(maxHop, h)
		}
	}
	radius := math.Min(width, height)/2 - 40
	for h, ns := range rings {
		slices.SortFunc(ns, func(a, b string) int {
			if c := cmp.Compare(community[a], community[b]); c != 0 {
				return c
			}
			return cmp.Compare(a, b)
		})
		r := radius * float64(h) / float64(maxHop)
		for i, n := range ns {
			angle := 2*math.Pi*float64(i)/float64(len(ns)) - math.Pi/2 + float64(h)*0.3
			out[n] = Point{width/2 + r*math.Cos(angle), height/2 + r*math.Sin(angle)}
		}
	}
	return out
}

// Contact is one report naming two nodes at a time: an edge of the
// temporal graph.
type Contact struct {
	A, B string
	At   time.Time
	Via  string // the report
}

// Hop is one step of a time-respecting path: from one node to the next
// through a report naming both.
type Hop struct {
	From, To string
	At       time.Time
	Via      string
}

// TimePath returns a time-respecting path from a to b: a chain of reports
// in which each report is dated no earlier than the one before, so that
// what flowed along it (a phone number passed on, a child introduced to
// another man) could have. It is the foremost path (Kempe, Kleinberg and
// Kumar, "Connectivity and inference problems for temporal networks",
// 2002): the one that reaches b earliest, and of those, the one with
// fewest hops. It returns nil when b cannot be reached in time order, or
// when a is b.
func TimePath(contacts []Contact, a, b string) []Hop {
	if a == b {
		return nil
	}
	cs := slices.Clone(contacts)
	slices.SortStableFunc(cs, func(x, y Contact) int { return x.At.Compare(y.At) })
	type arrival struct {
		at   time.Time
		hops int
		by   Hop
	}
	reached := map[string]arrival{a: {}}
	better := func(n string, at time.Time, hops int) bool {
		r, ok := reached[n]
		return !ok || at.Before(r.at) || at.Equal(r.at) && hops < r.hops
	}
	// Contacts are taken in time order; those at one time are repeated
	// until nothing changes, so that a chain of reports of the same day
	// is followed whatever order they were listed in.
	for i := 0; i < len(cs); {
		j := i
		for j < len(cs) && cs[j].At.Equal(cs[i].At) {
			j++
		}
		for changed := true; changed; {
			changed = false
			for _, c := range cs[i:j] {
				for _, d := range [2][2]string{{c.A, c.B}, {c.B, c.A}} {
					from, to := d[0], d[1]
					r, ok := reached[from]
					if !ok || from != a && r.at.After(c.At) || to == a {
						continue
					}
					if hops := r.hops + 1; better(to, c.At, hops) {
						reached[to] = arrival{c.At, hops, Hop{From: from, To: to, At: c.At, Via: c.Via}}
						changed = true
					}
				}
			}
		}
		i = j
	}
	if _, ok := reached[b]; !ok {
		return nil
	}
	var out []Hop
	for n := b; n != a; n = reached[n].by.From {
		out = append(out, reached[n].by)
	}
	slices.Reverse(out)
	return out
}
