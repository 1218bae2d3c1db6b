package web

import (
	"fmt"
	"html"
	"html/template"
	"strings"

	"github.com/vigil-project/vigil"
	"github.com/vigil-project/vigil/internal/network"
)

// networkSVG draws a network as an SVG picture, made on the server so
// that it needs no JavaScript: the centre in the middle, the entities one
// report away on a ring around it, two reports away on an outer ring. A
// line joins two entities named in the same report, thicker for more
// reports; children are drawn as squares, suspects linked to two or more
// children in red; colour bands are communities. The table beside it on
// the page holds the same facts for those who do not see the picture.
func networkSVG(nw *vigil.Network) template.HTML {
	const width, height = 760.0, 560.0
	hops, comm := map[string]int{}, map[string]int{}
	for _, n := range nw.Nodes {
		hops[string(n.ID)], comm[string(n.ID)] = n.Hops, n.Community
	}
	pos := network.RingLayout(string(nw.Center), hops, comm, width, height)
	onPath := map[[2]vigil.ID]bool{}
	for i := 1; i < len(nw.Path); i++ {
		a, b := nw.Path[i-1], nw.Path[i]
		onPath[[2]vigil.ID{a, b}], onPath[[2]vigil.ID{b, a}] = true, true
	}
	var b strings.Builder
	fmt.Fprintf(&b, `<svg class="vigil-network" viewBox="0 0 %.0f %.0f" width="100%%" role="img" aria-labelledby="network-title network-desc" focusable="false" xmlns="http://www.w3.org/2000/svg">`, width, height)
	fmt.Fprintf(&b, `<title id="network-title">Network around %s</title>`, html.EscapeString(centerLabel(nw)))
	fmt.Fprintf(&b, `<desc id="network-desc">%d entities and %d connections; the table below lists them with their evidence.</desc>`,
		len(nw.Nodes), len(nw.Edges))
	// The lines of one colour and width are one path, so that the
	// picture's size grows with its entities, not with their connections;
	// the path's lines are drawn last, over the others.
	type pen struct {
		onPath bool
		width  int
	}
	lines := map[pen]*strings.Builder{}
	for _, e := range nw.Edges {
		p, q := pos[string(e.From)], pos[string(e.To)]
		k := pen{onPath[[2]vigil.ID{e.From, e.To}], 1 + min(len(e.Concerns), 5)}
		if k.onPath {
			k.width += 2
		}
		if lines[k] == nil {
			lines[k] = &strings.Builder{}
		}
		fmt.Fprintf(lines[k], "M%.1f %.1fL%.1f %.1f", p.X, p.Y, q.X, q.Y)
	}
	for _, onPath := range []bool{false, true} {
		for w := 1; w <= 8; w++ {
			if d := lines[pen{onPath, w}]; d != nil {
				stroke := "#b1b4b6"
				if onPath {
					stroke = "#1d70b8"
				}
				fmt.Fprintf(&b, `<path d="%s" fill="none" stroke="%s" stroke-width="%d"/>`, d, stroke, w)
			}
		}
	}
	palette := []string{"#1d70b8", "#00703c", "#f47738", "#4c2c92", "#d4351c", "#5694ca", "#85994b", "#912b88"}
	for _, n := range nw.Nodes {
		p := pos[string(n.ID)]
		fill := palette[n.Community%len(palette)]
		stroke := "#0b0c0c"
		if n.Suspect && n.Children >= 2 {
			stroke = "#d4351c"
		}
		r := 9.0 + 18*n.Betweenness
		if n.ID == nw.Center {
			r = max(r, 14)
		}
		// No links inside: a picture (role img) may not hold controls;
		// the table below links each entity.
		fmt.Fprintf(&b, `<g class="vigil-node" data-entity="%s">`, n.ID)
		if n.Child {
			fmt.Fprintf(&b, `<rect x="%.1f" y="%.1f" width="%.1f" height="%.1f" fill="%s" stroke="%s" stroke-width="3"/>`, p.X-r, p.Y-r, 2*r, 2*r, fill, stroke)
		} else {
			fmt.Fprintf(&b, `<circle cx="%.1f" cy="%.1f" r="%.1f" fill="%s" stroke="%s" stroke-width="3"/>`, p.X, p.Y, r, fill, stroke)
		}
		label := n.Label
		if len([]rune(label)) > 24 {
			label = string([]rune(label)[:23]) + "…"
		}
		fmt.Fprintf(&b, `<text x="%.1f" y="%.1f" text-anchor="middle" font-size="12" fill="#0b0c0c">%s</text></g>`, p.X, p.Y+r+14,
			html.EscapeString(label))
	}
	b.WriteString(`</svg>`)
	return template.HTML(b.String()) // every text in it is escaped above; ids are checked vigil.IDs
}

func centerLabel(nw *vigil.Network) string {
	for _, n := range nw.Nodes {
		if n.ID == nw.Center {
			return n.Label
		}
	}
	return ""
}
