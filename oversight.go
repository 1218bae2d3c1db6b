package vigil

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"io"
	"strings"
	"time"
)

// Oversight (MISSION R9): dashboards of volumes, timeliness, outcomes and
// overdue work for scrutiny panels, inspectors and directors; statistics
// releases that freeze a set of figures in the log so they cannot later be
// denied or revised; and the export of a national core data set.
//
// This file holds the types and the pure rules: reporting periods, the
// shape of a dashboard, who may see, publish and export what. The figures
// themselves are counted by the store (internal/sqlstore), which implements
// OversightService.

// ReportPeriod is the span [From, To) that figures count over, in
// Europe/London. It is named by a Key that can travel in a URL.
type ReportPeriod struct {
	Key   string    `json:"key"`   // "fy2025", "2026-Q2", "2026-03", "12m" or "2025-04-01_2025-06-30"
	Label string    `json:"label"` // "2025 to 2026 (April 2025 to March 2026)"
	From  time.Time `json:"from"`
	To    time.Time `json:"to"`
}

// Contains reports whether t falls in the period.
func (p ReportPeriod) Contains(t time.Time) bool { return !t.Before(p.From) && t.Before(p.To) }

// LastDay is the last day the period includes (To is exclusive).
func (p ReportPeriod) LastDay() time.Time { return p.To.Add(-time.Nanosecond) }

// FinancialYear returns the year from 1 April y to 31 March y+1: the year
// of England's children's social care statistics (the Children in Need
// census and the looked-after children return count in it).
func FinancialYear(y int) ReportPeriod {
	return ReportPeriod{Key: fmt.Sprintf("fy%d", y), Label: fmt.Sprintf("%d to %d (April %d to March %d)", y, y+1, y, y+1),
		From: time.Date(y, time.April, 1, 0, 0, 0, 0, London), To: time.Date(y+1, time.April, 1, 0, 0, 0, 0, London)}
}

// FinancialYearOf returns the financial year that t falls in.
func FinancialYearOf(t time.Time) ReportPeriod {
	t = t.In(London)
	y := t.Year()
	if t.Month() < time.April {
		y--
	}
	return FinancialYear(y)
}

// Month returns a calendar month.
func Month(y int, m time.Month) ReportPeriod {
	from := time.Date(y, m, 1, 0, 0, 0, 0, London)
	return ReportPeriod{Key: from.Format("2006-01"), Label: from.Format("January 2006"), From: from, To: from.AddDate(0, 1, 0)}
}

// Quarter returns calendar quarter q (1 to 4) of year y. Quarters nest in
// financial years: April to June is the first quarter of a financial year.
func Quarter(y, q int) ReportPeriod {
	from := time.Date(y, time.Month(3*(q-1)+1), 1, 0, 0, 0, 0, London)
	to := from.AddDate(0, 3, 0)
	return ReportPeriod{Key: fmt.Sprintf("%d-Q%d", y, q), Label: from.Format("January") + " to " + to.AddDate(0, 0, -1).Format("January 2006"),
		From: from, To: to}
}

// QuarterOf returns the calendar quarter that t falls in.
func QuarterOf(t time.Time) ReportPeriod {
	t = t.In(London)
	return Quarter(t.Year(), (int(t.Month())-1)/3+1)
}

// Publishable reports whether figures for p may be published: only fixed
// calendar periods (a month, a quarter or a financial year), which nest in
// each other and never move, so that no two releases cover periods that
// differ by a day or a week, whose difference would count a handful of
// children. Dashboards may count over any period; releases may not.
func Publishable(p ReportPeriod) bool {
	from := p.From.In(London)
	for _, q := range []ReportPeriod{Month(from.Year(), from.Month()), QuarterOf(from), FinancialYearOf(from)} {
		if q.Key == p.Key && q.From.Equal(p.From) && q.To.Equal(p.To) {
			return true
		}
	}
	return false
}

// FiscalPeriods returns the periods that may be published within the
// financial year fy: its twelve months, its four quarters and the year.
// Figures of one of them can be worked out only from figures of others of
// them, as sums; never from a period of another year.
func FiscalPeriods(fy ReportPeriod) []ReportPeriod {
	var out []ReportPeriod
	for m := fy.From; m.Before(fy.To); m = m.AddDate(0, 1, 0) {
		out = append(out, Month(m.Year(), m.Month()))
	}
	for m := fy.From; m.Before(fy.To); m = m.AddDate(0, 3, 0) {
		out = append(out, QuarterOf(m))
	}
	return append(out, fy)
}

// Last12Months returns the twelve months to the end of today.
func Last12Months(now time.Time) ReportPeriod {
	now = now.In(London)
	to := time.Date(now.Year(), now.Month(), now.Day()+1, 0, 0, 0, 0, London)
	return ReportPeriod{Key: "12m", Label: "12 months to " + now.Format("2 January 2006"), From: to.AddDate(-1, 0, 0), To: to}
}

// DateRange returns the days from first to last inclusive.
func DateRange(first, last time.Time) ReportPeriod {
	f, l := first.In(London), last.In(London)
	from := time.Date(f.Year(), f.Month(), f.Day(), 0, 0, 0, 0, London)
	to := time.Date(l.Year(), l.Month(), l.Day()+1, 0, 0, 0, 0, London)
	return ReportPeriod{Key: from.Format("2006-01-02") + "_" + to.AddDate(0, 0, -1).Format("2006-01-02"),
		Label: from.Format("2 January 2006") + " to " + to.AddDate(0, 0, -1).Format("2 January 2006"), From: from, To: to}
}

// earliestPeriod bounds periods: Vigil holds nothing from before the
// Jay inquiry's period began, and a bound keeps queries and charts sane.
var earliestPeriod = time.Date(1997, time.January, 1, 0, 0, 0, 0, London)

// ParsePeriod reads a period key. An empty key is the last 12 months.
// Returns EINVALID for a key that is not a period Vigil can count over.
func ParsePeriod(key string, now time.Time) (ReportPeriod, error) {
	bad := Errorf(EINVALID, "Choose a period: a financial year, a quarter, a month, the last 12 months, or a range of dates with the first before the last")
	var p ReportPeriod
	switch {
	case key == "" || key == "12m":
		return Last12Months(now), nil
	case len(key) == 7 && key[4:6] == "-Q":
		var y, q int
		if _, err := fmt.Sscanf(key, "%4d-Q%1d", &y, &q); err != nil || q < 1 || q > 4 || fmt.Sprintf("%d-Q%d", y, q) != key {
			return p, bad
		}
		p = Quarter(y, q)
	case strings.HasPrefix(key, "fy"):
		var y int
		if _, err := fmt.Sscanf(key, "fy%d", &y); err != nil || fmt.Sprintf("fy%d", y) != key {
			return p, bad
		}
		p = FinancialYear(y)
	case len(key) == 7:
		t, err := time.ParseInLocation("2006-01", key, London)
		if err != nil {
			return p, bad
		}
		p = Month(t.Year(), t.Month())
	default:
		a, b, ok := strings.Cut(key, "_")
		if !ok {
			return p, bad
		}
		first, err1 := time.ParseInLocation("2006-01-02", a, London)
		last, err2 := time.ParseInLocation("2006-01-02", b, London)
		if err1 != nil || err2 != nil || last.Before(first) {
			return p, bad
		}
		p = DateRange(first, last)
	}
	if p.From.Before(earliestPeriod) || p.From.After(now.AddDate(1, 0, 0)) {
		return p, Errorf(EINVALID, "Choose a period from 1997 onwards and not in the future")
	}
	return p, nil
}

// TrendYears returns the financial years of a trend ending with the year
// that contains end, going back at most n years and not before first.
func TrendYears(first, end time.Time, n int) []ReportPeriod {
	last := FinancialYearOf(end)
	start := FinancialYearOf(first)
	var out []ReportPeriod
	for y := last.From.Year(); y >= start.From.Year() && len(out) < n; y-- {
		out = append([]ReportPeriod{FinancialYear(y)}, out...)
	}
	return out
}

// Dashboard is one topic of oversight figures for a period: its tables and
// a trend over years. Every count in a table can link to the cases behind
// it, as far as the viewer may see them.
type Dashboard struct {
	Topic  string       `json:"topic"`
	Title  string       `json:"title"`
	Period ReportPeriod `json:"period"`
	// Scope says whose cases the figures count: "all" or an agency's name.
	Scope  string   `json:"scope"`
	Tables []*Table `json:"tables"`
	Trend  *Trend   `json:"trend,omitempty"`
	Notes  []string `json:"notes,omitempty"`
	// AsAt is when the figures were counted: open work is overdue as at then.
	AsAt time.Time `json:"as_at"`
}

// Table returns the dashboard's table with the given key, or nil.
func (d *Dashboard) Table(key string) *Table {
	for _, t := range d.Tables {
		if t.Key == key {
			return t
		}
	}
	return nil
}

// Column kinds.
const (
	ColCount   = "count"   // a number of things, with a total
	ColPercent = "percent" // a share of other columns of the same row
	ColMean    = "mean"    // an average, such as days to close
)

// Column is one column of a table.
type Column struct {
	Key   string `json:"key"`
	Label string `json:"label"`
	Kind  string `json:"kind"`
	// Share marks a percentage of the table's grand total: with a row's
	// count, it gives the grand total away, so it is hidden wherever the
	// grand total is (see Suppress).
	Share bool `json:"-"`
}

// Cell is one figure. Value is a count, a percentage or an average; a
// percentage or average of nothing has NA set and shows as such, never
// as an error. A suppressed cell's value is hidden (zero) and Suppressed set.
type Cell struct {
	Value      float64 `json:"value"`
	NA         bool    `json:"na,omitempty"`
	Suppressed bool    `json:"suppressed,omitempty"`
	// Drill is set when the cases behind the figure can be listed.
	Drill bool `json:"-"`
}

// Row is one row of a table.
type Row struct {
	Key   string `json:"key"`
	Label string `json:"label"`
	Cells []Cell `json:"cells"`
}

// Table is a table of figures. Its last column of counts is a total when
// the table has one, and its Total row sums the rows.
type Table struct {
	Key       string   `json:"key"`
	Title     string   `json:"title"`
	RowHeader string   `json:"row_header"`
	Columns   []Column `json:"columns"`
	Rows      []*Row   `json:"rows"`
	Total     *Row     `json:"total,omitempty"`
	Notes     []string `json:"notes,omitempty"`
	// Suppressed says small numbers were hidden (see Suppress).
	Suppressed bool `json:"suppressed,omitempty"`
	// Public says the table may appear in a public statistics release.
	Public bool `json:"-"`
	// Demographic tables never link to cases, and are published only for
	// whole financial years, frozen at first publication.
	Demographic bool `json:"demographic,omitempty"`
	// Show is how many rows a page shows, largest first (0: all of them);
	// the CSV download has every row.
	Show int `json:"-"`
}

// Column returns the index of the column with the given key, or -1.
func (t *Table) Column(key string) int {
	for i, c := range t.Columns {
		if c.Key == key {
			return i
		}
	}
	return -1
}

// Trend is one or more series of a measure over financial years.
type Trend struct {
	Title  string   `json:"title"`
	Unit   string   `json:"unit"` // "count", "percent" or "days"/"hours"
	Labels []string `json:"labels"`
	Series []Series `json:"series"`
}

// Series is one line of a trend; Values[i] belongs to Labels[i]. A NaN-free
// NA marks years with nothing to measure.
type Series struct {
	Name   string    `json:"name"`
	Values []float64 `json:"values"`
	NA     []bool    `json:"na,omitempty"`
}

// Drill names the cases behind one figure: a dashboard's table, a row and
// a column (empty for the total), over a period.
type Drill struct {
	Topic  string
	Table  string
	Row    string // "" for every row
	Column string // "" for every column
	Period ReportPeriod
	Page   int // from 1; each page holds DrillPageSize cases
}

// DrillPageSize is how many cases one page of a figure's list shows.
const DrillPageSize = 100

// FigureCase is one case behind a figure. A case the viewer may open is
// identified: its id, reference, child, date received and owner, and
// seeing it is logged as a read. Any other case is de-identified for
// scrutiny: a stable pseudonymous row id, its agency and team, the month
// it was received, and the figure's measures; never the child, the case's
// reference or link, the owner's name or an exact date.
type FigureCase struct {
	// Row is a pseudonym of the case, the same in every list and for
	// every viewer, so that a scrutiny member can name a row to an
	// investigator, who sees the same Row beside the identified case.
	Row        string     `json:"row"`
	Identified bool       `json:"identified"`
	Agency     string     `json:"agency"`
	Team       string     `json:"team"`
	Month      string     `json:"month"` // received, YYYY-MM
	Stage      Stage      `json:"stage"`
	Status     CaseStatus `json:"status"`
	// Count is how many of the things the figure counts are this case's
	// (deadlines, escalations, episodes); Measure their average, in the
	// unit FigureCases.Measure names, when the figure's table has one.
	Count   int      `json:"count"`
	Measure *float64 `json:"measure,omitempty"`

	// Identified cases only.
	ID         ID         `json:"id,omitempty"`
	Ref        string     `json:"reference,omitempty"`
	ChildName  string     `json:"child_name,omitempty"`
	AgeBand    string     `json:"age_band,omitempty"`
	Owner      string     `json:"owner,omitempty"`
	ReceivedAt *time.Time `json:"received_at,omitempty"`
}

// FigureRow returns the pseudonymous row id of a case in lists behind
// figures: a hash of its random id, which cannot be turned back into the
// case without the id.
func FigureRow(id ID) string {
	h := sha256.Sum256([]byte("vigil figure row\x00" + string(id)))
	return "R-" + strings.ToUpper(hex.EncodeToString(h[:5]))
}

// FigureCases is a page of the cases behind a figure.
type FigureCases struct {
	Drill      Drill  `json:"-"`
	Title      string `json:"title"` // what the figure counts, in words
	Total      int    `json:"total"` // cases behind the figure
	Identified int    `json:"identified"`
	// Measure names the unit of each case's Measure, when there is one.
	Measure string        `json:"measure,omitempty"`
	Cases   []*FigureCase `json:"cases"`
}

// AgeBand returns the band of an age for de-identified lists: an exact age
// with a date narrows a child down; a band does not.
func AgeBand(age *int) string {
	switch {
	case age == nil:
		return "Not known"
	case *age < 10:
		return "Under 10"
	case *age < 13:
		return "10 to 12"
	case *age < 16:
		return "13 to 15"
	}
	return "16 or 17"
}

// Release kinds.
const (
	ReleaseMonthly  = "monthly"   // the previous calendar month, published by Vigil itself
	ReleaseAnnual   = "annual"    // a financial year, with demographic figures
	ReleaseOnDemand = "on_demand" // any period, published by a person
)

// Release is a published set of statistics. Its figures are frozen: the
// release's row is committed to by an entry of the verifiable log, and
// releases are never changed; a correction is a new release that names the
// one it replaces and says why.
type Release struct {
	ID          ID        `json:"id"`
	Number      int64     `json:"number"` // 1, 2, 3... in order of publication
	Kind        string    `json:"kind"`
	Title       string    `json:"title"`
	PeriodKey   string    `json:"period"`
	PublishedAt time.Time `json:"published_at"`
	PublishedBy ID        `json:"published_by"`
	Replaces    ID        `json:"replaces,omitempty"`
	Note        string    `json:"note,omitempty"`
	// Figures is the canonical JSON of ReleaseFigures, exactly as committed.
	Figures []byte `json:"-"`
}

// ReleaseFigures is what a release publishes. Its JSON encoding (fields in
// this order, no spaces, as encoding/json writes it) is canonical: the
// bytes stored, committed to in the log and served are the same.
type ReleaseFigures struct {
	Format      int               `json:"format"`
	Area        string            `json:"area"`
	Period      ReleasePeriod     `json:"period"`
	Suppression string            `json:"suppression"`
	Tables      []*PublishedTable `json:"tables"`
	// Correction is set when the release corrects an earlier release of
	// the same period: it says what changed and why. (Added after format
	// 1's first releases; omitted when empty, so their bytes are unchanged.)
	Correction *ReleaseCorrection `json:"correction,omitempty"`
}

// ReleaseCorrection says how a release differs from the release of the
// same period it corrects. A period's figures are published once; a
// correction is the only way they change, and it is itself a release in
// the log, beside the one it corrects, which stays published.
type ReleaseCorrection struct {
	Replaces int64          `json:"replaces"` // the number of the release corrected
	Reason   string         `json:"reason"`
	Changes  []FigureChange `json:"changes"`
}

// FigureChange is one published figure that a correction changed. Was and
// Now are as published: a number, "[c]" when suppressed, or "" when not
// applicable or absent.
type FigureChange struct {
	Table  string `json:"table"` // dashboard.table
	Row    string `json:"row"`
	Column string `json:"column"`
	Was    string `json:"was"`
	Now    string `json:"now"`
}

// ReleasePeriod is a release's period as dates, first and last inclusive.
type ReleasePeriod struct {
	Key   string `json:"key"`
	Label string `json:"label"`
	First string `json:"first"` // YYYY-MM-DD
	Last  string `json:"last"`
}

// PublishedTable is a table as a release publishes it.
type PublishedTable struct {
	Dashboard   string         `json:"dashboard"`
	Key         string         `json:"key"`
	Title       string         `json:"title"`
	RowHeader   string         `json:"row_header"`
	Columns     []Column       `json:"columns"`
	Rows        []PublishedRow `json:"rows"`
	Total       *PublishedRow  `json:"total,omitempty"`
	Notes       []string       `json:"notes,omitempty"`
	Demographic bool           `json:"demographic,omitempty"`
}

// PublishedRow is a row of a published table.
type PublishedRow struct {
	Key   string          `json:"key"`
	Label string          `json:"label"`
	Cells []PublishedCell `json:"cells"`
}

// PublishedCell is a published figure: a value, or null when suppressed
// or not applicable.
type PublishedCell struct {
	Value      *float64 `json:"value"`
	Suppressed bool     `json:"suppressed,omitempty"`
}

// ReleaseFormat is the version of ReleaseFigures.
const ReleaseFormat = 1

// SuppressionNote says how small numbers are hidden in published tables.
const SuppressionNote = "Counts from 1 to 4 are suppressed, and further cells are suppressed so that no suppressed count can be worked out from the totals, from the other tables, or from the releases of other months, quarters and the financial year that overlap this one. Suppressed cells are marked [c]. Percentages and averages built on a suppressed count are suppressed too."

// Publish turns a table into its published form, suppressing small
// numbers (see Suppress) first.
func Publish(topic string, t *Table) *PublishedTable {
	Suppress(t)
	pt := &PublishedTable{Dashboard: topic, Key: t.Key, Title: t.Title, RowHeader: t.RowHeader, Columns: t.Columns, Notes: t.Notes,
		Demographic: t.Demographic}
	conv := func(r *Row) PublishedRow {
		pr := PublishedRow{Key: r.Key, Label: r.Label, Cells: make([]PublishedCell, len(r.Cells))}
		for i, c := range r.Cells {
			if c.Suppressed {
				pr.Cells[i].Suppressed = true
			} else if !c.NA {
				v := roundTenth(c.Value)
				pr.Cells[i].Value = &v
			}
		}
		return pr
	}
	for _, r := range t.Rows {
		pt.Rows = append(pt.Rows, conv(r))
	}
	if t.Total != nil {
		tr := conv(t.Total)
		pt.Total = &tr
	}
	return pt
}

// Table turns a published table back into a table, for pages and CSV.
func (pt *PublishedTable) Table() *Table {
	t := &Table{Key: pt.Key, Title: pt.Title, RowHeader: pt.RowHeader, Columns: pt.Columns, Notes: pt.Notes, Demographic: pt.Demographic, Public: true}
	conv := func(pr PublishedRow) *Row {
		r := &Row{Key: pr.Key, Label: pr.Label}
		for _, c := range pr.Cells {
			cell := Cell{Suppressed: c.Suppressed, NA: c.Value == nil && !c.Suppressed}
			if c.Value != nil {
				cell.Value = *c.Value
			}
			t.Suppressed = t.Suppressed || c.Suppressed
			r.Cells = append(r.Cells, cell)
		}
		return r
	}
	for _, r := range pt.Rows {
		t.Rows = append(t.Rows, conv(r))
	}
	if pt.Total != nil {
		t.Total = conv(*pt.Total)
	}
	return t
}

func roundTenth(v float64) float64 {
	if v < 0 {
		return -roundTenth(-v)
	}
	return float64(int64(v*10+0.5)) / 10
}

// ReleaseProof is what anyone needs to check a release against the log
// without trusting the server: the log entry that commits to the release's
// row, the row's salt and state, a checkpoint signed by the log's key, and
// the inclusion proof of the entry in that checkpoint's tree (RFC 6962,
// C2SP tlog-checkpoint).
type ReleaseProof struct {
	Release     *Release `json:"release"`
	Figures     string   `json:"figures"`      // the canonical JSON, exactly as committed
	Index       int64    `json:"index"`        // the entry's index in the log
	Entry       string   `json:"entry"`        // the entry, as hashed into the tree
	Salt        []byte   `json:"salt"`         // base64
	State       string   `json:"state"`        // the release row's canonical state
	Checkpoint  string   `json:"checkpoint"`   // the signed checkpoint (a note)
	Proof       [][]byte `json:"proof"`        // the inclusion proof, base64 hashes
	VerifierKey string   `json:"verifier_key"` // the log's public key, to compare with one obtained independently
}

// Oversight topics: the dashboards.
const (
	TopicReferrals    = "referrals"
	TopicTimeliness   = "timeliness"
	TopicOverdue      = "overdue"
	TopicEscalations  = "escalations"
	TopicRepeat       = "repeat"
	TopicCare         = "care"
	TopicScreening    = "screening"
	TopicClosure      = "closure"
	TopicDelay        = "delay"
	TopicDemographics = "demographics"
)

// Topic describes one dashboard.
type Topic struct {
	Key     string `json:"key"`
	Title   string `json:"title"`
	Summary string `json:"summary"`
}

// Topics lists the dashboards in the order pages show them.
var Topics = []Topic{
	{TopicReferrals, "Referrals and concerns", "Concerns received, by who raised them and their agency."},
	{TopicTimeliness, "Statutory timeliness", "Decisions within 1 working day, assessments within 45 working days, conferences and reviews on time, return home interviews within 72 hours."},
	{TopicOverdue, "Overdue work", "Deadlines missed, by agency, team and person."},
	{TopicEscalations, "Escalations", "Missed deadlines and refused transfers escalated, and how high up the ladder they went."},
	{TopicRepeat, "Repeat referrals", "Referrals about a child referred in the 12 months before."},
	{TopicCare, "Children in care and missing", "Missing episodes, children looked after, and return home interviews."},
	{TopicScreening, "CSE screening", "Child sexual exploitation screenings by risk level."},
	{TopicClosure, "Time to close", "How long cases stayed open before closure was approved."},
	{TopicDelay, "Reporting delay", "Time between a concern reaching an agency and being recorded in Vigil."},
	{TopicDemographics, "Ethnicity and nationality", "Children referred and suspects recorded, by ethnic group and nationality, for whole financial years, with small numbers suppressed."},
}

// TopicOf returns the topic with the given key.
func TopicOf(key string) (Topic, bool) {
	for _, t := range Topics {
		if t.Key == key {
			return t, true
		}
	}
	return Topic{}, false
}

// CanSeeStats reports whether u may see dashboards: the grant of
// ActStatsView. Its scope says whose cases they count.
func CanSeeStats(u *User) bool { return Can(u, ActStatsView, Target{}) }

// StatsScope returns how far u's dashboards reach.
func StatsScope(u *User) Scope {
	if !CanSeeStats(u) {
		return ScopeNone
	}
	return Permissions.ScopeOf(u, ActStatsView)
}

// CanPublishStats reports whether u may publish a statistics release on
// demand: the director of children's services, whose council publishes
// its statistics; commissioners, who run a council taken over; and
// scrutiny panel members, so that a council that will not publish cannot
// stop the numbers coming out. Vigil itself publishes every month.
func CanPublishStats(u *User) bool {
	if !CanSeeStats(u) {
		return false
	}
	switch u.Role {
	case RoleDirector, RoleCommissioner, RoleScrutinyMember:
		return true
	}
	return false
}

// CanExportCoreData reports whether u may download the national core data
// set: one row per child per episode, pseudonymised but record-level, so
// only for people who may open the cases it covers (at agency scope or
// wider) and see statistics. Scrutiny panel members see aggregates only.
func CanExportCoreData(u *User) bool {
	return CanSeeStats(u) && Permissions.ScopeOf(u, ActCaseView) >= ScopeAgency
}

// OversightService counts the figures of oversight, publishes them, and
// exports the national core data set. Every method checks the actor's access.
type OversightService interface {
	// Dashboard counts one topic's figures over a period, for the cases
	// within the actor's statistics scope. Returns EFORBIDDEN for actors
	// who may not see statistics, ENOTFOUND for an unknown topic, EINVALID
	// for a period that cannot be counted.
	Dashboard(ctx context.Context, actor Actor, topic string, p ReportPeriod) (*Dashboard, error)

	// FigureCases lists a page of the cases behind one figure. Cases the
	// actor may open are identified, and seeing them is logged as a read;
	// the others are de-identified. Returns EFORBIDDEN, ENOTFOUND for an
	// unknown figure or one that does not list cases (demographic figures).
	FigureCases(ctx context.Context, actor Actor, d Drill) (*FigureCases, error)

	// PublishRelease freezes the figures of a period in a new release and
	// appends it to the log. Returns EFORBIDDEN (see CanPublishStats),
	// EINVALID (a note is needed to publish a period again).
	PublishRelease(ctx context.Context, actor Actor, p ReportPeriod, note string) (*Release, error)

	// Releases lists every release, newest first. Anyone may call it.
	Releases(ctx context.Context) ([]*Release, error)

	// FindRelease returns a release. Anyone may call it. Returns ENOTFOUND.
	FindRelease(ctx context.Context, id ID) (*Release, error)

	// ProveRelease returns a release with the proof that the log holds it,
	// against a signed checkpoint. Anyone may call it. Returns ENOTFOUND,
	// EUNAVAILABLE when no checkpoint covers the release yet.
	ProveRelease(ctx context.Context, id ID) (*ReleaseProof, error)

	// ExportCoreData writes the national core data set for episodes open
	// during p as CSV to w. Returns EFORBIDDEN (see CanExportCoreData).
	ExportCoreData(ctx context.Context, actor Actor, p ReportPeriod, w io.Writer) error
}
