package synth

import (
	"bufio"
	"encoding/csv"
	"encoding/json"
	"io"
	"slices"
	"strconv"
	"time"
)

// Exports: the reports as the application would see them, the truth
// behind each mention, and person mentions in the input format of
// `vigil link` with a separate truth file, so the linker can be evaluated
// on generated data. Every export streams: region scale writes a million
// reports without holding them.

// LinkHeader is the header of the person-mention CSV that `vigil link`
// reads (issue 7).
var LinkHeader = []string{"id", "given_name", "family_name", "full_name", "dob", "gender", "address", "locality", "postcode", "phone", "email", "identifier"}

// LinkTruthHeader is the header of the truth file that goes with it.
var LinkTruthHeader = []string{"id", "entity_id", "role", "network_id"}

// WriteReports writes every report as JSON Lines, in time order, without
// ground truth.
func (g *Generator) WriteReports(w io.Writer) error {
	bw := bufio.NewWriterSize(w, 1<<16)
	enc := json.NewEncoder(bw)
	enc.SetEscapeHTML(false)
	var err error
	for r := range g.Reports {
		if err = enc.Encode(reportJSON{r, r.RaisedByID()}); err != nil {
			return err
		}
	}
	return bw.Flush()
}

// reportJSON adds the raiser's staff id to a report's JSON.
type reportJSON struct {
	*Report
	RaisedBy string `json:"raised_by,omitempty"`
}

// WriteMentionTruth writes the ground truth of every mention as CSV:
// mention_id, report_id, at, kind, role, entity_id, network_id, event,
// category, noise.
func (g *Generator) WriteMentionTruth(w io.Writer) error {
	cw := csv.NewWriter(w)
	if err := cw.Write([]string{"mention_id", "report_id", "at", "kind", "role", "entity_id", "network_id", "event", "category", "noise"}); err != nil {
		return err
	}
	for r := range g.Reports {
		at := r.At.Format(time.RFC3339)
		for i, m := range r.Mentions {
			t := r.Truth.Mentions[i]
			if err := cw.Write([]string{m.ID, r.ID, at, string(m.Kind), string(m.Role), string(t.Entity), string(t.Network),
				r.Truth.Event, string(r.Truth.Category), t.Noise.String()}); err != nil {
				return err
			}
		}
	}
	cw.Flush()
	return cw.Error()
}

// WriteLinkCSV writes the person mentions of every report to people in the
// `vigil link` input format (LinkHeader), and to truth which entity each
// mention really is (LinkTruthHeader). With roles, only mentions in those
// roles are written. It returns the number of mentions written.
func (g *Generator) WriteLinkCSV(people, truth io.Writer, roles ...MentionRole) (int, error) {
	pw, tw := csv.NewWriter(people), csv.NewWriter(truth)
	if err := pw.Write(LinkHeader); err != nil {
		return 0, err
	}
	if err := tw.Write(LinkTruthHeader); err != nil {
		return 0, err
	}
	n := 0
	row := make([]string, len(LinkHeader))
	for r := range g.Reports {
		for i := range r.Mentions {
			m := &r.Mentions[i]
			if m.Kind != MentionPerson || len(roles) > 0 && !slices.Contains(roles, m.Role) {
				continue
			}
			row = append(row[:0], m.ID, m.GivenName, m.FamilyName, m.FullName, m.DOB, string(m.Gender),
				m.Address, m.Locality, m.Postcode, m.Phone, m.Email, m.Identifier)
			if err := pw.Write(row); err != nil {
				return n, err
			}
			t := r.Truth.Mentions[i]
			if err := tw.Write([]string{m.ID, string(t.Entity), string(m.Role), string(t.Network)}); err != nil {
				return n, err
			}
			n++
		}
	}
	pw.Flush()
	tw.Flush()
	if err := pw.Error(); err != nil {
		return n, err
	}
	return n, tw.Error()
}

// Stats counts what a generator yields, for tests, benchmarks and the
// demo's summary.
type Stats struct {
	Reports     int
	Mentions    int
	ByKind      map[ReportKind]int
	BySource    map[string]int // agency kind, or the source for the public and young people
	ByHandling  map[Handling]int
	Retracted   int
	Missing     int
	Noisy       int // mentions with at least one noise flag
	NetworkRefs int // reports whose truth names a network
}

// Stats renders every report once and counts them.
func (g *Generator) Stats() Stats {
	s := Stats{ByKind: map[ReportKind]int{}, BySource: map[string]int{}, ByHandling: map[Handling]int{}}
	for r := range g.Reports {
		s.Reports++
		s.Mentions += len(r.Mentions)
		s.ByKind[r.Kind]++
		src := string(r.Agency)
		if src == "" {
			src = string(r.Source)
		}
		s.BySource[src]++
		s.ByHandling[r.Handling]++
		if r.Retracted != nil {
			s.Retracted++
		}
		if r.Missing != nil {
			s.Missing++
		}
		if r.Truth.Network != "" {
			s.NetworkRefs++
		}
		for _, t := range r.Truth.Mentions {
			if t.Noise != 0 {
				s.Noisy++
			}
		}
	}
	return s
}

// String summarises the stats on one line.
func (s Stats) String() string {
	return strconv.Itoa(s.Reports) + " reports, " + strconv.Itoa(s.Mentions) + " mentions (" +
		strconv.Itoa(s.Noisy) + " noisy), " + strconv.Itoa(s.Missing) + " missing episodes, " +
		strconv.Itoa(s.Retracted) + " retracted, " + strconv.Itoa(s.ByHandling[HandlingNeverActed]) + " never acted on"
}
