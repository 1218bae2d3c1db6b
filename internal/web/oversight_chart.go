package web

import (
	"fmt"
	"html/template"
	"math"
	"strings"

	"github.com/vigil-project/vigil"
)

// Charts are drawn on the server as SVG, so they need no JavaScript, and
// each has text alternatives: a <title> and a <desc> that say what it shows
// and its first and last values, and the table of every value after it.
// Series differ by colour, by marker shape and by line pattern, so that
// colour is never the only way to tell them apart (WCAG 1.4.1). Presentation
// attributes only: the page's Content-Security-Policy allows no inline style.

// seriesStyle is how one series is drawn; colours from the GOV.UK palette,
// each with at least 3:1 contrast against white.
type seriesStyle struct {
	colour, dash, marker, name string
}

var seriesStyles = []seriesStyle{
	{"#1d70b8", "", "circle", "circle"},
	{"#d4351c", "8 4", "square", "square"},
	{"#00703c", "2 3", "triangle", "triangle"},
	{"#4c2c92", "10 3 2 3", "diamond", "diamond"},
}

// Chart geometry, in the SVG's own units; it scales to its container.
const (
	chartW, chartH                      = 720, 300
	padLeft, padRight, padTop, padBelow = 64, 40, 16, 48
)

// niceMax returns a round number at least v: 1, 2 or 5 times a power of ten.
func niceMax(v float64) float64 {
	if v <= 0 {
		return 1
	}
	p := math.Pow(10, math.Floor(math.Log10(v)))
	for _, m := range []float64{1, 2, 5, 10} {
		if m*p >= v {
			return m * p
		}
	}
	return 10 * p
}

// formatValue writes a trend value in its unit.
func formatValue(v float64, unit string) string {
	switch unit {
	case "percent":
		return fmt.Sprintf("%.1f%%", v)
	case "days", "hours":
		return fmt.Sprintf("%.1f %s", v, unit)
	}
	return fmt.Sprintf("%.0f", v)
}

// marker draws a series' marker at (x, y).
func marker(b *strings.Builder, st seriesStyle, x, y float64) {
	switch st.marker {
	case "circle":
		fmt.Fprintf(b, `<circle cx="%.1f" cy="%.1f" r="4.5" fill="%s"/>`, x, y, st.colour)
	case "square":
		fmt.Fprintf(b, `<rect x="%.1f" y="%.1f" width="9" height="9" fill="%s"/>`, x-4.5, y-4.5, st.colour)
	case "triangle":
		fmt.Fprintf(b, `<polygon points="%.1f,%.1f %.1f,%.1f %.1f,%.1f" fill="%s"/>`, x, y-5.5, x-5.5, y+4.5, x+5.5, y+4.5, st.colour)
	default:
		fmt.Fprintf(b, `<polygon points="%.1f,%.1f %.1f,%.1f %.1f,%.1f %.1f,%.1f" fill="%s"/>`, x, y-6, x+6, y, x, y+6, x-6, y, st.colour)
	}
}

// chartDesc says in words what the chart shows, for its <desc>.
func chartDesc(tr *vigil.Trend) string {
	if len(tr.Labels) == 0 {
		return "No years to show."
	}
	var parts []string
	parts = append(parts, fmt.Sprintf("Line chart by financial year, %s to %s.", tr.Labels[0], tr.Labels[len(tr.Labels)-1]))
	for _, se := range tr.Series {
		first, last := -1, -1
		for i := range se.Values {
			if i < len(se.NA) && se.NA[i] {
				continue
			}
			if first < 0 {
				first = i
			}
			last = i
		}
		if first < 0 {
			parts = append(parts, se.Name+": nothing to measure in these years.")
			continue
		}
		parts = append(parts, fmt.Sprintf("%s: %s in %s, %s in %s.", se.Name, formatValue(se.Values[first], tr.Unit), tr.Labels[first],
			formatValue(se.Values[last], tr.Unit), tr.Labels[last]))
	}
	parts = append(parts, "Every value is in the table that follows.")
	return strings.Join(parts, " ")
}

// lineChart draws tr as an accessible SVG line chart; id makes its
// element ids unique on the page.
func lineChart(tr *vigil.Trend, id string) template.HTML {
	var b strings.Builder
	esc := template.HTMLEscapeString
	maxV := 0.0
	for _, se := range tr.Series {
		for i, v := range se.Values {
			if (i >= len(se.NA) || !se.NA[i]) && v > maxV {
				maxV = v
			}
		}
	}
	top := niceMax(maxV)
	if tr.Unit == "percent" {
		top = 100
	}
	plotW, plotH := float64(chartW-padLeft-padRight), float64(chartH-padTop-padBelow)
	n := len(tr.Labels)
	x := func(i int) float64 {
		if n <= 1 {
			return padLeft + plotW/2
		}
		return padLeft + plotW*float64(i)/float64(n-1)
	}
	y := func(v float64) float64 { return padTop + plotH*(1-v/top) }
	fmt.Fprintf(&b, `<svg class="vigil-chart" viewBox="0 0 %d %d" width="100%%" role="img" aria-labelledby="%s-title %s-desc" focusable="false" xmlns="http://www.w3.org/2000/svg">`,
		chartW, chartH, id, id)
	fmt.Fprintf(&b, `<title id="%s-title">%s</title><desc id="%s-desc">%s</desc>`, id, esc(tr.Title), id, esc(chartDesc(tr)))
	// Grid lines and the y axis's labels.
	for k := 0; k <= 4; k++ {
		v := top * float64(k) / 4
		yy := y(v)
		fmt.Fprintf(&b, `<line x1="%d" y1="%.1f" x2="%d" y2="%.1f" stroke="#b1b4b6" stroke-width="1"/>`, padLeft, yy, chartW-padRight, yy)
		fmt.Fprintf(&b, `<text x="%d" y="%.1f" text-anchor="end" font-size="13" fill="#0b0c0c">%s</text>`, padLeft-8, yy+4, esc(formatValue(v, tr.Unit)))
	}
	for i, l := range tr.Labels {
		fmt.Fprintf(&b, `<text x="%.1f" y="%d" text-anchor="middle" font-size="13" fill="#0b0c0c">%s</text>`, x(i), chartH-padBelow+22, esc(l))
	}
	fmt.Fprintf(&b, `<line x1="%d" y1="%d" x2="%d" y2="%d" stroke="#0b0c0c" stroke-width="1.5"/>`, padLeft, chartH-padBelow, chartW-padRight, chartH-padBelow)
	for si, se := range tr.Series {
		st := seriesStyles[si%len(seriesStyles)]
		// A year with nothing to measure breaks the line.
		var seg []string
		flush := func() {
			if len(seg) > 1 {
				fmt.Fprintf(&b, `<polyline points="%s" fill="none" stroke="%s" stroke-width="3"`, strings.Join(seg, " "), st.colour)
				if st.dash != "" {
					fmt.Fprintf(&b, ` stroke-dasharray="%s"`, st.dash)
				}
				b.WriteString(`/>`)
			}
			seg = seg[:0]
		}
		for i, v := range se.Values {
			if i < len(se.NA) && se.NA[i] {
				flush()
				continue
			}
			seg = append(seg, fmt.Sprintf("%.1f,%.1f", x(i), y(v)))
		}
		flush()
		for i, v := range se.Values {
			if i >= len(se.NA) || !se.NA[i] {
				marker(&b, st, x(i), y(v))
			}
		}
	}
	b.WriteString(`</svg>`)
	return template.HTML(b.String())
}

// legendKey draws a series' line and marker for the legend beside the chart.
func legendKey(i int) template.HTML {
	st := seriesStyles[i%len(seriesStyles)]
	var b strings.Builder
	b.WriteString(`<svg width="40" height="16" viewBox="0 0 40 16" aria-hidden="true" focusable="false" xmlns="http://www.w3.org/2000/svg">`)
	fmt.Fprintf(&b, `<line x1="2" y1="8" x2="38" y2="8" stroke="%s" stroke-width="3"`, st.colour)
	if st.dash != "" {
		fmt.Fprintf(&b, ` stroke-dasharray="%s"`, st.dash)
	}
	b.WriteString(`/>`)
	marker(&b, st, 20, 8)
	b.WriteString(`</svg>`)
	return template.HTML(b.String())
}
