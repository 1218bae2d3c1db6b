package synth

import (
	"cmp"
	"fmt"
	"slices"
	"time"

	"github.com/vigil-project/vigil"
)

// Scale names a preset size of world.
type Scale string

// The preset scales.
const (
	// ScaleSmall is a dozen children over two years, one network among
	// them: enough for unit tests to find every kind of thing.
	ScaleSmall Scale = "small"
	// ScaleTown is a town over 16 years: tens of thousands of concerns and
	// several offender networks hidden among them.
	ScaleTown Scale = "town"
	// ScaleRegion is a region of towns over 16 years: about a million
	// concerns, for load benchmarks.
	ScaleRegion Scale = "region"
)

// Scales lists the presets from smallest to largest.
var Scales = []Scale{ScaleSmall, ScaleTown, ScaleRegion}

// ParseScale returns the scale named s, for command-line flags.
func ParseScale(s string) (Scale, error) {
	for _, sc := range Scales {
		if string(sc) == s {
			return sc, nil
		}
	}
	return "", fmt.Errorf("synth: unknown scale %q (want small, town or region)", s)
}

// preset holds the sizes behind a Scale.
type preset struct {
	years     int
	children  int // children who come to the attention of agencies over the period
	networks  int
	districts int // postcode districts (localities)
	staff     int // multiplies the number of posts in each team
}

func presetOf(s Scale) preset {
	switch s {
	case ScaleTown:
		return preset{years: 16, children: 9000, networks: 6, districts: 8, staff: 2}
	case ScaleRegion:
		return preset{years: 16, children: 210000, networks: 130, districts: 96, staff: 24}
	default:
		return preset{years: 2, children: 12, networks: 1, districts: 2, staff: 1}
	}
}

// DefaultEnd is the end of the period when WorldOptions.End is zero. It is
// fixed, never the current time, so that a seed alone fixes the world.
var DefaultEnd = time.Date(2026, time.January, 1, 0, 0, 0, 0, vigil.London)

// WorldOptions chooses a world. Zero fields take the preset of Scale.
type WorldOptions struct {
	Seed  uint64
	Scale Scale // default ScaleSmall
	// End is the end of the period the reports cover; the period starts
	// Years before it. The demo passes the day it starts, so that recent
	// reports are recent; tests leave it zero (DefaultEnd).
	End      time.Time
	Years    int // length of the period (16 for town and region, 2 for small)
	Children int // children who come to the attention of agencies
	Networks int // offender networks
}

func (o WorldOptions) withDefaults() WorldOptions {
	if o.Scale == "" {
		o.Scale = ScaleSmall
	}
	p := presetOf(o.Scale)
	if o.End.IsZero() {
		o.End = DefaultEnd
	}
	o.End = o.End.In(vigil.London)
	if o.Years <= 0 {
		o.Years = p.years
	}
	if o.Children <= 0 {
		o.Children = p.children
	}
	if o.Networks < 0 {
		o.Networks = 0
	} else if o.Networks == 0 {
		o.Networks = p.networks
	}
	return o
}

// Generator holds a world and the plan of its reports.
type Generator struct {
	opt   WorldOptions
	world *World
	plan  []event

	// Lookups for rendering; read-only after NewGenerator.
	teams      map[string]*Team
	neighbours map[*Street][]*Household
	pupils     map[*School][]*Person
	ordinary   map[*Locality][]*Venue // parks, bus stations and takeaways
}

// NewGenerator builds the world for opt and plans its reports. The same
// options always give the same world and the same reports.
func NewGenerator(opt WorldOptions) *Generator {
	opt = opt.withDefaults()
	b := newBuilder(opt)
	b.build()
	// By time, ties broken on every field, so that the order is total
	// and the same on every run.
	slices.SortFunc(b.plan, func(x, y event) int {
		return cmp.Or(cmp.Compare(x.at, y.at), cmp.Compare(x.child, y.child), cmp.Compare(x.kind, y.kind),
			cmp.Compare(x.other, y.other), cmp.Compare(x.net, y.net), cmp.Compare(x.wr, y.wr))
	})
	g := &Generator{opt: opt, world: b.w, plan: b.plan, teams: b.teams, neighbours: b.neighbour, pupils: b.pupils,
		ordinary: map[*Locality][]*Venue{}}
	for _, v := range b.w.Venues {
		switch v.Kind {
		case VenuePark, VenueBusStation, VenueTakeaway:
			l := v.Address.Street.Locality
			g.ordinary[l] = append(g.ordinary[l], v)
		}
	}
	return g
}

// Options returns the options the generator was built with, defaults filled in.
func (g *Generator) Options() WorldOptions { return g.opt }

// World returns the ground truth: every entity, network and member of staff.
// Callers must not modify it.
func (g *Generator) World() *World { return g.world }

// Len returns the number of reports Reports yields.
func (g *Generator) Len() int { return len(g.plan) }

// Reports yields every report in time order (ties in a fixed order), each
// newly allocated, so callers may keep them. It can be used with range:
//
//	for r := range g.Reports { ... }
//
// It may be called any number of times, from several goroutines at once,
// and always yields the same reports.
func (g *Generator) Reports(yield func(*Report) bool) {
	rc := newRenderer(g)
	for i := range g.plan {
		if !yield(rc.render(i)) {
			return
		}
	}
}

// World is the ground truth of a synthetic town or region: every real
// entity that reports mention, with its true details, and the offender
// networks. The application never sees it; a loader uses only its staff.
type World struct {
	Name  string    // the town or region
	Start time.Time // the period covered by reports, [Start, End), Europe/London
	End   time.Time

	Agencies []*Agency
	Teams    []*Team
	Posts    []*Post
	Staff    []*Staff

	Localities   []*Locality
	Streets      []*Street
	Addresses    []*Address
	Schools      []*School
	CareSettings []*CareSetting
	Venues       []*Venue
	TaxiFirms    []*TaxiFirm
	Vehicles     []*Vehicle
	Phones       []*Phone
	Handles      []*Handle
	People       []*Person
	Networks     []*Network
}

// EntityID names a real entity of the world in ground truth. The first
// letter says what it is: P person, A address, V vehicle, T telephone,
// H online handle, N venue, S school, C care setting, F taxi firm,
// G offender network.
type EntityID string

func entityID(prefix byte, n int) EntityID {
	return EntityID(fmt.Sprintf("%c%07d", prefix, n))
}
