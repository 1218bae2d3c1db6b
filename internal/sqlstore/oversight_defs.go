package sqlstore

import (
	"fmt"
	"regexp"
	"strconv"
	"time"

	"github.com/vigil-project/vigil"
)

// The dashboards, each table defined by its unit query (see oversight.go).
// Times are Unix microseconds.

const (
	usHour = int64(time.Hour / time.Microsecond)
	usDay  = 24 * usHour
	// usYear is the span of "within 12 months" for repeat referrals.
	usYear = 365 * usDay
)

func noArgs(time.Time, vigil.ReportPeriod) []any { return nil }

func nowArg(now time.Time, _ vigil.ReportPeriod) []any { return []any{micros(now)} }

// lookedAfterAt is a condition: the child of the case in column caseCol
// was looked after at the time in column at: a decision that they became
// looked after, at or before then, not followed by one that they stopped
// being looked after by then.
func lookedAfterAt(caseCol, at string) string {
	return `EXISTS (SELECT 1 FROM decisions las WHERE las.case_id = ` + caseCol + ` AND las.kind = '` + vigil.DecideLookedAfterStart + `' AND las.at <= ` + at + `
		AND NOT EXISTS (SELECT 1 FROM decisions lae WHERE lae.case_id = ` + caseCol + ` AND lae.kind = '` + vigil.DecideLookedAfterEnd + `'
		AND lae.at >= las.at AND lae.at <= ` + at + `))`
}

// usesCase matches an expression that reads the cases table (alias c).
var usesCase = regexp.MustCompile(`(^|[^a-z_])c\.`)

// joined builds a unit of the rows of from (whose case id is key) with
// the given columns (r, c, t and v), joined to the case for its agency
// and team; and, when the columns do not read the case, the same unit
// without the join, for viewers who see every case.
func joined(key, cols, from, where string, args func(time.Time, vigil.ReportPeriod) []any) unit {
	u := unit{args: args,
		sql: `SELECT ` + key + ` AS case_id, c.agency_id AS a, c.team_id AS tm, ` + cols + ` FROM ` + from + ` JOIN cases c ON c.id = ` + key + where}
	if !usesCase.MatchString(cols) && !usesCase.MatchString(where) {
		u.bare = `SELECT ` + key + ` AS case_id, NULL AS a, NULL AS tm, ` + cols + ` FROM ` + from + where
	}
	return u
}

// The families of rows that public tables count: each table of a family
// counts the same rows (and time) by its own row and column, so that
// their figures overlap (see oversight_disclosure.go).
var (
	famConcerns = &family{key: "concerns", from: "concerns co JOIN cases c ON c.id = co.case_id", t: "co.received_at", v: "co.recorded_at - co.received_at"}
	famStarted  = &family{key: "deadlines_started", from: "deadlines d JOIN cases c ON c.id = d.case_id", t: "d.started_at", v: "0"}
	famDue      = &family{key: "deadlines_due", from: "deadlines d JOIN cases c ON c.id = d.case_id", t: "d.due_at", v: "0",
		where: "d.due_at < ? AND d.status <> 'cancelled'", args: nowOnly}
	famEscalations = &family{key: "escalations", from: "escalations e JOIN cases c ON c.id = e.case_id", t: "e.raised_at", v: "0"}
	famScreenings  = &family{key: "screenings", from: "screenings sc JOIN cases c ON c.id = sc.case_id", t: "sc.at", v: "0"}
	famClosures    = &family{key: "closures", from: "decisions d JOIN cases c ON c.id = d.case_id", t: "d.at", v: "d.at - c.received_at",
		where: "d.kind = '" + vigil.DecideCloseApproval + "' AND d.outcome = 'approved'"}
	famMissing  = &family{key: "missing", from: "missing_episodes m JOIN cases c ON c.id = m.case_id", t: "m.missing_from", v: "0"}
	famCases    = &family{key: "cases", from: "cases c LEFT JOIN demographic_records dr ON dr.case_id = c.id AND dr.subject = 'child'", t: "c.received_at", v: "0"}
	famSuspects = &family{key: "suspects", from: "demographic_records dr JOIN cases c ON c.id = dr.case_id", t: "c.received_at", v: "0",
		where: "dr.subject = 'suspect'"}
)

// in puts u in family f, counting by r and c; rcArgs (nil for none) gives
// the values of their placeholders, r's first.
func (u unit) in(f *family, r, c string, rcArgs func(time.Time) []any) unit {
	if rcArgs == nil {
		rcArgs = func(time.Time) []any { return nil }
	}
	u.fam, u.r, u.c, u.rcArgs = f, r, c, rcArgs
	return u
}

func nowOnly(now time.Time) []any { return []any{micros(now)} }

// concernsBy counts concerns by the row expression r, in the period they
// were received.
func concernsBy(r, c string) unit {
	return joined("co.case_id", r+` AS r, `+c+` AS c, co.received_at AS t, co.recorded_at - co.received_at AS v`, "concerns co", "", noArgs).
		in(famConcerns, r, c, nil)
}

// deadlineOutcome classifies a deadline at now (the first placeholder).
const deadlineOutcome = `CASE WHEN d.status = 'met' AND d.met_at <= d.due_at THEN 'on_time' WHEN d.status = 'met' THEN 'late'
	WHEN d.status = 'open' AND d.due_at < ? THEN 'overdue' WHEN d.status = 'open' THEN 'open' ELSE 'cancelled' END`

// missedBy counts deadlines due before now (the placeholder), by row
// expression r, in the period they fell due.
func missedBy(r string) unit {
	const c = `CASE WHEN d.status = 'open' THEN 'overdue' WHEN d.met_at > d.due_at THEN 'late' ELSE 'on_time' END`
	return joined("d.case_id", r+` AS r, `+c+` AS c,
		d.due_at AS t, 0 AS v`, "deadlines d", ` WHERE d.due_at < ? AND d.status <> 'cancelled'`, nowArg).in(famDue, r, c, nil)
}

func escalationsBy(r, c string) unit {
	return joined("e.case_id", r+` AS r, `+c+` AS c, e.raised_at AS t, 0 AS v`, "escalations e", "", noArgs).in(famEscalations, r, c, nil)
}

func screeningsBy(r, c string) unit {
	return joined("sc.case_id", r+` AS r, `+c+` AS c, sc.at AS t, 0 AS v`, "screenings sc", "", noArgs).in(famScreenings, r, c, nil)
}

// closureBand is the band of time from referral to approved closure.
var closureBand = fmt.Sprintf(`CASE WHEN d.at - c.received_at < %d THEN 'm1' WHEN d.at - c.received_at < %d THEN 'm3'
	WHEN d.at - c.received_at < %d THEN 'm6' WHEN d.at - c.received_at < %d THEN 'm12' ELSE 'over' END`, 30*usDay, 91*usDay, 182*usDay, usYear)

func closuresBy(r, c string) unit {
	return joined("d.case_id", r+` AS r, `+c+` AS c, d.at AS t, d.at - c.received_at AS v`, "decisions d",
		` WHERE d.kind = '`+vigil.DecideCloseApproval+`' AND d.outcome = 'approved'`, noArgs).in(famClosures, r, c, nil)
}

// delayBand is the band of time between a concern reaching an agency and
// its being recorded.
var delayBand = fmt.Sprintf(`CASE WHEN co.recorded_at - co.received_at < %d THEN 'h1' WHEN co.recorded_at - co.received_at < %d THEN 'd1'
	WHEN co.recorded_at - co.received_at < %d THEN 'd7' ELSE 'over' END`, usHour, usDay, 7*usDay)

var (
	sourceRows = []label{{string(vigil.SourceProfessional), "Professionals"}, {string(vigil.SourcePublic), "Members of the public"},
		{string(vigil.SourceYoungPerson), "Children and young people themselves"}}
	sourceCols = []vigil.Column{{Key: string(vigil.SourceProfessional), Label: "Professionals"}, {Key: string(vigil.SourcePublic), Label: "Public"},
		{Key: string(vigil.SourceYoungPerson), Label: "Young people"}}
	outcomeCols = []vigil.Column{{Key: "on_time", Label: "Met on time"}, {Key: "late", Label: "Met late"},
		{Key: "overdue", Label: "Overdue, not met"}, {Key: "open", Label: "Open, not yet due"}, {Key: "cancelled", Label: "No longer needed"}}
	missedCols = []vigil.Column{{Key: "on_time", Label: "Met on time"}, {Key: "late", Label: "Met late"}, {Key: "overdue", Label: "Still overdue"}}
	pctOnTime  = derived{col: vigil.Column{Key: "pct_on_time", Label: "% on time", Kind: vigil.ColPercent},
		num: []string{"on_time"}, den: []string{"on_time", "late", "overdue"}}
	pctMissed = derived{col: vigil.Column{Key: "pct_missed", Label: "% missed", Kind: vigil.ColPercent},
		num: []string{"late", "overdue"}, den: []string{"on_time", "late", "overdue"}}
	levelRows = []label{{string(vigil.RiskHigh), "High"}, {string(vigil.RiskMedium), "Medium"}, {string(vigil.RiskLow), "Low"}, {string(vigil.RiskNone), "None"}}
	levelCols = []vigil.Column{{Key: string(vigil.RiskHigh), Label: "High"}, {Key: string(vigil.RiskMedium), Label: "Medium"},
		{Key: string(vigil.RiskLow), Label: "Low"}, {Key: string(vigil.RiskNone), Label: "None"}}
	closureRows = []label{{"m1", "Under 1 month"}, {"m3", "1 to 3 months"}, {"m6", "3 to 6 months"}, {"m12", "6 to 12 months"}, {"over", "Over 12 months"}}
	closureCols = []vigil.Column{{Key: "m1", Label: "Under 1 month"}, {Key: "m3", Label: "1 to 3 months"}, {Key: "m6", Label: "3 to 6 months"},
		{Key: "m12", Label: "6 to 12 months"}, {Key: "over", Label: "Over 12 months"}}
	delayRows = []label{{"h1", "Under 1 hour"}, {"d1", "1 to 24 hours"}, {"d7", "1 to 7 days"}, {"over", "Over 7 days"}}
	delayCols = []vigil.Column{{Key: "h1", Label: "Under 1 hour"}, {Key: "d1", Label: "1 to 24 hours"}, {Key: "d7", Label: "1 to 7 days"},
		{Key: "over", Label: "Over 7 days"}}
	lookedAfterRows = []label{{"looked_after", "Looked after"}, {"other", "Not looked after"}}
	nCol            = func(label string) []vigil.Column { return []vigil.Column{{Key: "n", Label: label}} }
	share           = derived{col: vigil.Column{Key: "share", Label: "% of all", Kind: vigil.ColPercent}, num: []string{"n"}}
)

func fixed(rows []label) func(*Store) []label { return func(*Store) []label { return rows } }

// count returns a series value: the sum of the given row's columns, or of
// every row when row is "".
func countOf(row string, cols ...string) func(a agg) (float64, bool) {
	return func(a agg) (float64, bool) {
		if row == "" {
			return float64(a.all(cols...)), true
		}
		return float64(a.n(row, cols...)), true
	}
}

// dashboard returns the definition of a dashboard other than demographics.
func (s *Store) dashboard(topic string) *dashboardDef {
	t, ok := vigil.TopicOf(topic)
	if !ok {
		return nil
	}
	d := &dashboardDef{topic: t}
	switch topic {
	case vigil.TopicReferrals:
		d.tables = []*tableDef{
			{key: "source", title: "Concerns received, by who raised them", rowHeader: "Raised by", unit: concernsBy("co.source", "'n'"),
				rows: fixed(sourceRows), cols: nCol("Concerns"), extra: []derived{share}, public: true},
			{key: "agency", title: "Concerns received, by the raiser's agency", rowHeader: "Agency", unit: concernsBy("COALESCE(co.agency_id, 'public')", "'n'"),
				dynamic: "agency", cols: nCol("Concerns"), extra: []derived{share}, sortDesc: true, public: true},
		}
		d.trend = &trendDef{title: "Concerns received each year, by who raised them", unit: "count", table: "source"}
		for _, r := range sourceRows {
			d.trend.series = append(d.trend.series, seriesDef{r.text, countOf(r.key, "n")})
		}
		d.notes = []string{"A concern counts in the period it reached an agency, which may be before it was recorded in Vigil."}

	case vigil.TopicTimeliness:
		clocks := func(s *Store) []label {
			var out []label
			for _, c := range s.rules.Clocks {
				out = append(out, label{c.Kind, c.Label + " (" + clockPeriod(c) + ")"})
			}
			return out
		}
		d.tables = []*tableDef{{key: "clocks", title: "Statutory deadlines, by clock", rowHeader: "Deadline", unit: joined("d.case_id", `d.kind AS r, `+deadlineOutcome+` AS c, d.started_at AS t, 0 AS v`, "deadlines d", "", nowArg).
			in(famStarted, "d.kind", deadlineOutcome, nowOnly),
			rows: clocks, cols: outcomeCols, total: true, extra: []derived{pctOnTime}, public: true,
			notes: []string{"A deadline counts in the period its clock started. % on time is of the deadlines met or overdue; open deadlines not yet due and those no longer needed are left out."}}}
		d.trend = &trendDef{title: "Deadlines met on time each year (%)", unit: "percent", table: "clocks"}
		for _, k := range []string{"decision", "assessment", "initial_conference", "return_interview"} {
			if c := s.rules.Clock(k); c != nil {
				k := k
				d.trend.series = append(d.trend.series, seriesDef{c.Label, func(a agg) (float64, bool) {
					return pct(a.n(k, "on_time"), a.n(k, "on_time", "late", "overdue"))
				}})
			}
		}

	case vigil.TopicOverdue:
		note := "A deadline counts in the period it fell due; deadlines not yet due and those no longer needed are left out."
		d.tables = []*tableDef{
			{key: "agency", title: "Deadlines due, by the case's agency", rowHeader: "Agency", unit: missedBy("c.agency_id"), dynamic: "agency",
				cols: missedCols, total: true, extra: []derived{pctMissed}, sortDesc: true, sortBy: []string{"late", "overdue"}, public: true, notes: []string{note}},
			{key: "team", title: "Deadlines due, by the case's team", rowHeader: "Team", unit: missedBy("c.team_id"), dynamic: "team",
				cols: missedCols, total: true, extra: []derived{pctMissed}, sortDesc: true, sortBy: []string{"late", "overdue"}},
			{key: "person", title: "Deadlines due, by the case's owner", rowHeader: "Owner", unit: missedBy("c.owner_id"), dynamic: "user",
				cols: missedCols, total: true, extra: []derived{pctMissed}, sortDesc: true, sortBy: []string{"overdue", "late"}, maxRows: 50,
				notes: []string{"Deadlines count against the person who owns the case now: work handed on counts against its new owner."}},
		}
		counts := missedBy("''")
		d.trend = &trendDef{title: "Deadlines missed each year", unit: "count", table: "agency", counts: &counts, series: []seriesDef{
			{"Met late", countOf("", "late")}, {"Still overdue", countOf("", "overdue")}}}

	case vigil.TopicEscalations:
		var levels []label
		var levelCols []vigil.Column
		for i, st := range s.rules.Ladder {
			levels = append(levels, label{strconv.Itoa(i + 1), fmt.Sprintf("%d. %s", i+1, st.Name)})
			levelCols = append(levelCols, vigil.Column{Key: strconv.Itoa(i + 1), Label: st.Name})
		}
		top := strconv.Itoa(len(s.rules.Ladder))
		status := []vigil.Column{{Key: "open", Label: "Still open"}, {Key: "resolved", Label: "Answered"}}
		d.tables = []*tableDef{
			{key: "level", title: "Escalations raised, by how high they went", rowHeader: "Highest rung reached",
				unit: escalationsBy("CAST(e.level AS TEXT)", "e.status"), rows: fixed(levels), cols: status, total: true, public: true,
				notes: []string{"An escalation climbs a rung each time its holder does not answer in time; independent oversight is the top."}},
			{key: "kind", title: "Escalations raised, by what went wrong", rowHeader: "Escalated because",
				unit: escalationsBy("e.kind", "e.status"), rows: fixed([]label{{vigil.EscalationDeadlineMissed, "A deadline was missed"},
					{vigil.EscalationTransferRefused, "A transfer was refused"},
					{vigil.EscalationTransferUnanswered, "An offer of a case was not answered"}}), cols: status, total: true, public: true},
			{key: "agency", title: "Escalations raised, by agency and highest rung", rowHeader: "Agency",
				unit: escalationsBy("c.agency_id", "CAST(e.level AS TEXT)"), dynamic: "agency", cols: levelCols, total: true, sortDesc: true, public: true},
		}
		d.trend = &trendDef{title: "Escalations raised each year", unit: "count", table: "level", series: []seriesDef{
			{"All escalations", countOf("", "open", "resolved")}, {"Reached independent oversight", countOf(top, "open", "resolved")}}}

	case vigil.TopicRepeat:
		repeat := `CASE WHEN c.child_dob IS NULL THEN 'unknown'
				WHEN EXISTS (SELECT 1 FROM cases p WHERE lower(p.child_name) = lower(c.child_name) AND p.child_dob = c.child_dob
					AND p.received_at < c.received_at AND p.received_at >= c.received_at - ` + strconv.FormatInt(usYear, 10) + `) THEN 'repeat'
				ELSE 'first' END`
		d.tables = []*tableDef{{key: "repeat", title: "Referrals, by whether the child was referred in the 12 months before", rowHeader: "Referral",
			unit: unit{sql: `SELECT c.id AS case_id, c.agency_id AS a, c.team_id AS tm, ` + repeat + ` AS r, 'n' AS c, c.received_at AS t, 0 AS v FROM cases c`,
				args: noArgs}.in(famCases, repeat, "'n'", nil),
			rows: fixed([]label{{"repeat", "Referred again within 12 months"}, {"first", "Not referred in the 12 months before"},
				{"unknown", "Cannot tell: no date of birth recorded"}}),
			cols: nCol("Referrals"), extra: []derived{share}, public: true,
			notes: []string{"The same child is, for now, a case with the same recorded name (ignoring capitals) and date of birth. " +
				"Misspelt names and missing dates of birth hide repeats, so this undercounts; linking records of the same child (issue 7) will improve it."}}}
		// Over years, one ordered pass finds each case's previous case of
		// the same child (LAG), where a lookup per case would cost a
		// million index searches at region scale.
		repeats := unit{sql: `SELECT x.id AS case_id, x.agency_id AS a, x.team_id AS tm,
			CASE WHEN x.child_dob IS NULL THEN 'unknown' WHEN x.prev < x.received_at AND x.prev >= x.received_at - ` + strconv.FormatInt(usYear, 10) + `
			THEN 'repeat' ELSE 'first' END AS r, 'n' AS c, x.received_at AS t, 0 AS v
			FROM (SELECT c.id, c.agency_id, c.team_id, c.child_dob, c.received_at,
				LAG(c.received_at) OVER (PARTITION BY lower(c.child_name), c.child_dob ORDER BY c.received_at) AS prev FROM cases c) x`, args: noArgs}
		d.trend = &trendDef{title: "Referrals that were repeat referrals within 12 months (%)", unit: "percent", table: "repeat", counts: &repeats, series: []seriesDef{
			{"Repeat referrals", func(a agg) (float64, bool) { return pct(a.n("repeat", "n"), a.n("repeat", "n")+a.n("first", "n")) }}}}

	case vigil.TopicCare:
		missingR := `CASE WHEN ` + lookedAfterAt("m.case_id", "m.missing_from") + ` THEN 'looked_after' ELSE 'other' END`
		missingC := `CASE WHEN m.returned_at IS NULL THEN 'missing' ELSE 'returned' END`
		rhiR := `CASE WHEN ` + lookedAfterAt("d.case_id", "d.started_at") + ` THEN 'looked_after' ELSE 'other' END`
		d.tables = []*tableDef{
			{key: "missing", title: "Missing episodes, by whether the child was looked after", rowHeader: "When they went missing",
				unit: joined("m.case_id", missingR+` AS r, `+missingC+` AS c, m.missing_from AS t, 0 AS v`, "missing_episodes m", "", noArgs).
					in(famMissing, missingR, missingC, nil),
				rows: fixed(lookedAfterRows), cols: []vigil.Column{{Key: "returned", Label: "Returned"}, {Key: "missing", Label: "Not yet returned"}},
				total: true, public: true},
			{key: "children", title: "Children looked after or missing in the period, by missing episodes", rowHeader: "Child",
				unit: unit{periodic: true, sql: `SELECT x.case_id, x.a, x.tm, x.r, x.c, x.t, x.v FROM (SELECT c.id AS case_id, c.agency_id AS a, c.team_id AS tm,
					CASE WHEN EXISTS (SELECT 1 FROM decisions las WHERE las.case_id = c.id AND las.kind = '` + vigil.DecideLookedAfterStart + `' AND las.at < ?
						AND NOT EXISTS (SELECT 1 FROM decisions lae WHERE lae.case_id = c.id AND lae.kind = '` + vigil.DecideLookedAfterEnd + `'
						AND lae.at >= las.at AND lae.at < ?)) THEN 'looked_after' ELSE 'other' END AS r,
					CASE (SELECT COUNT(*) FROM missing_episodes m WHERE m.case_id = c.id AND m.missing_from >= ? AND m.missing_from < ?)
						WHEN 0 THEN 'none' WHEN 1 THEN 'one_two' WHEN 2 THEN 'one_two' ELSE 'three_plus' END AS c, 0 AS t, 0 AS v
					FROM cases c WHERE c.id IN (SELECT case_id FROM decisions WHERE kind = '` + vigil.DecideLookedAfterStart + `' AND at < ?
						UNION SELECT case_id FROM missing_episodes WHERE missing_from >= ? AND missing_from < ?)) x
					WHERE NOT (x.r = 'other' AND x.c = 'none')`,
					args: func(_ time.Time, p vigil.ReportPeriod) []any {
						f, t := micros(p.From), micros(p.To)
						return []any{t, f, f, t, t, f, t}
					}},
				rows:  fixed([]label{{"looked_after", "Looked after at some time in the period"}, {"other", "Not looked after, and missing in the period"}}),
				cols:  []vigil.Column{{Key: "none", Label: "No missing episode"}, {Key: "one_two", Label: "1 or 2 episodes"}, {Key: "three_plus", Label: "3 or more episodes"}},
				total: true, public: true,
				notes: []string{"A child is a case: until records of the same child are linked (issue 7), a child with two cases counts twice."}},
			{key: "rhi", title: "Return home interviews, by whether the child was looked after", rowHeader: "When they returned",
				unit: joined("d.case_id", rhiR+` AS r, `+deadlineOutcome+` AS c, d.started_at AS t, 0 AS v`, "deadlines d", ` WHERE d.kind = 'return_interview'`, nowArg).
					in(famStarted, `CASE WHEN d.kind = 'return_interview' THEN `+rhiR+` END`, deadlineOutcome, nowOnly),
				rows: fixed(lookedAfterRows), cols: []vigil.Column{{Key: "on_time", Label: "Within 72 hours"}, {Key: "late", Label: "Later than 72 hours"},
					{Key: "overdue", Label: "Not held, overdue"}, {Key: "open", Label: "Not yet due"}, {Key: "cancelled", Label: "No longer needed"}},
				total: true, extra: []derived{{col: vigil.Column{Key: "pct_on_time", Label: "% within 72 hours", Kind: vigil.ColPercent},
					num: []string{"on_time"}, den: []string{"on_time", "late", "overdue"}}}, public: true},
		}
		d.trend = &trendDef{title: "Missing episodes each year", unit: "count", table: "missing", series: []seriesDef{
			{"Children looked after", countOf("looked_after", "returned", "missing")}, {"Children not looked after", countOf("other", "returned", "missing")}}}

	case vigil.TopicScreening:
		d.tables = []*tableDef{
			{key: "level", title: "CSE screenings, by risk level", rowHeader: "Risk level", unit: screeningsBy("sc.level", "'n'"),
				rows: fixed(levelRows), cols: nCol("Screenings"), extra: []derived{share}, public: true},
			{key: "agency", title: "CSE screenings, by the case's agency and risk level", rowHeader: "Agency", unit: screeningsBy("c.agency_id", "sc.level"),
				dynamic: "agency", cols: levelCols, total: true, sortDesc: true, public: true},
		}
		d.trend = &trendDef{title: "CSE screenings at medium or high risk each year", unit: "count", table: "level", series: []seriesDef{
			{"High risk", countOf(string(vigil.RiskHigh), "n")}, {"Medium risk", countOf(string(vigil.RiskMedium), "n")}}}

	case vigil.TopicClosure:
		mean := derived{col: vigil.Column{Key: "mean_days", Label: "Average days open", Kind: vigil.ColMean}, scale: float64(usDay)}
		d.tables = []*tableDef{
			{key: "duration", title: "Cases closed, by time from referral to closure", rowHeader: "Time open", unit: closuresBy(closureBand, "'n'"),
				rows: fixed(closureRows), cols: nCol("Cases closed"), extra: []derived{share, func() derived { m := mean; m.of = []string{"n"}; return m }()},
				public: true, notes: []string{"A case counts in the period a manager approved its closure."}},
			{key: "agency", title: "Cases closed, by agency and time open", rowHeader: "Agency", unit: closuresBy("c.agency_id", closureBand),
				dynamic: "agency", cols: closureCols, total: true, sortDesc: true, public: true,
				extra: []derived{func() derived { m := mean; m.of = []string{"m1", "m3", "m6", "m12", "over"}; return m }()}},
		}
		d.trend = &trendDef{title: "Average days from referral to closure", unit: "days", table: "duration", series: []seriesDef{
			{"Average days open", func(a agg) (float64, bool) {
				n := a.all("n")
				if n == 0 {
					return 0, false
				}
				var sum float64
				for _, v := range a {
					sum += v.sum
				}
				return sum / float64(n) / float64(usDay), true
			}}}}

	case vigil.TopicDelay:
		hours := derived{col: vigil.Column{Key: "mean_hours", Label: "Average hours", Kind: vigil.ColMean}, scale: float64(usHour)}
		srcKeys := []string{string(vigil.SourceProfessional), string(vigil.SourcePublic), string(vigil.SourceYoungPerson)}
		d.tables = []*tableDef{
			{key: "band", title: "Concerns, by time from reaching an agency to being recorded", rowHeader: "Recorded within", unit: concernsBy(delayBand, "co.source"),
				rows: fixed(delayRows), cols: sourceCols, total: true,
				extra: []derived{{col: vigil.Column{Key: "share", Label: "% of all", Kind: vigil.ColPercent}, num: srcKeys},
					func() derived { m := hours; m.of = srcKeys; return m }()}, public: true,
				notes: []string{"A long delay means a concern sat somewhere before anyone could act on it: its statutory clock ran from when it was received."}},
			{key: "agency", title: "Concerns, by the raiser's agency and time to record", rowHeader: "Agency",
				unit: concernsBy("COALESCE(co.agency_id, 'public')", delayBand), dynamic: "agency", cols: delayCols, total: true, sortDesc: true, public: true,
				extra: []derived{{col: vigil.Column{Key: "pct_day", Label: "% within 24 hours", Kind: vigil.ColPercent}, num: []string{"h1", "d1"},
					den: []string{"h1", "d1", "d7", "over"}}, func() derived { m := hours; m.of = []string{"h1", "d1", "d7", "over"}; return m }()}},
		}
		d.trend = &trendDef{title: "Concerns recorded within 24 hours of reaching an agency (%)", unit: "percent", table: "band", series: []seriesDef{
			{"Within 24 hours", func(a agg) (float64, bool) {
				return pct(a.n("h1", srcKeys...)+a.n("d1", srcKeys...), a.all(srcKeys...))
			}}}}

	default:
		return nil
	}
	return d
}

// clockPeriod says a clock's first period in words.
func clockPeriod(c vigil.ClockRule) string {
	if len(c.Schedule) == 0 {
		return ""
	}
	return c.Schedule[0].String()
}

// demographicDefs are the tables of the demographic release (see
// oversight_release.go): counted only when a financial year is published.
func demographicDefs() *dashboardDef {
	var ethRows, ethRowsRecorded []label
	for _, g := range vigil.EthnicGroups {
		text := g.Label
		if g.Broad != g.Label {
			text = g.Broad + ": " + g.Label
		}
		ethRows = append(ethRows, label{g.Code, text})
	}
	ethRowsRecorded = append(append(ethRowsRecorded, ethRows...), label{"not_recorded", "Not recorded"})
	var natRows []label
	for _, g := range vigil.NationalityGroups {
		natRows = append(natRows, label{g.Key, g.Label})
	}
	natRowsRecorded := append(append([]label(nil), natRows...), label{"not_recorded", "Not recorded"})
	natGroup := func(r string) string {
		if r == "not_recorded" {
			return r
		}
		return vigil.NationalityGroupOf(r)
	}
	risk := `CASE WHEN EXISTS (SELECT 1 FROM screenings sc WHERE sc.case_id = c.id AND sc.level IN ('medium', 'high')) THEN 'cse' ELSE 'other' END`
	children := func(r string) unit {
		return unit{sql: `SELECT c.id AS case_id, c.agency_id AS a, c.team_id AS tm, ` + r + ` AS r, ` + risk + ` AS c, c.received_at AS t, 0 AS v
			FROM cases c LEFT JOIN demographic_records dr ON dr.case_id = c.id AND dr.subject = 'child'`, args: noArgs}.in(famCases, r, risk, nil)
	}
	suspects := func(r string) unit {
		return unit{sql: `SELECT c.id AS case_id, c.agency_id AS a, c.team_id AS tm, ` + r + ` AS r, 'n' AS c, c.received_at AS t, 0 AS v
			FROM demographic_records dr JOIN cases c ON c.id = dr.case_id WHERE dr.subject = 'suspect'`, args: noArgs}.in(famSuspects, r, "'n'", nil)
	}
	// The trend asks only whether ethnicity is recorded.
	recorded := unit{sql: `SELECT c.id AS case_id, c.agency_id AS a, c.team_id AS tm,
		CASE WHEN EXISTS (SELECT 1 FROM demographic_records dr WHERE dr.case_id = c.id AND dr.subject = 'child') THEN 'recorded' ELSE 'not_recorded' END AS r,
		'other' AS c, c.received_at AS t, 0 AS v FROM cases c`, args: noArgs}
	riskCols := []vigil.Column{{Key: "cse", Label: "Assessed at medium or high risk of CSE"}, {Key: "other", Label: "Other referrals"}}
	t, _ := vigil.TopicOf(vigil.TopicDemographics)
	return &dashboardDef{topic: t, tables: []*tableDef{
		{key: "child_ethnicity", title: "Referrals, by the child's ethnic group and CSE risk", rowHeader: "Ethnic group (2021 Census)",
			unit: children("COALESCE(dr.ethnicity, 'not_recorded')"), rows: fixed(ethRowsRecorded), cols: riskCols, total: true, public: true, demographic: true},
		{key: "child_nationality", title: "Referrals, by the child's nationality and CSE risk", rowHeader: "Nationality",
			unit: children("COALESCE(dr.nationality, 'not_recorded')"), mapRow: natGroup, rows: fixed(natRowsRecorded), cols: riskCols, total: true,
			public: true, demographic: true},
		{key: "suspect_ethnicity", title: "Suspects recorded in referrals, by ethnic group", rowHeader: "Ethnic group (2021 Census)",
			unit: suspects("dr.ethnicity"), rows: fixed(ethRows), cols: nCol("Suspects"), public: true, demographic: true,
			notes: []string{"A suspect named in several referrals counts once in each until records of the same person are linked (issue 7)."}},
		{key: "suspect_nationality", title: "Suspects recorded in referrals, by nationality", rowHeader: "Nationality",
			unit: suspects("dr.nationality"), mapRow: natGroup, rows: fixed(natRows), cols: nCol("Suspects"), public: true, demographic: true},
	}, trend: &trendDef{title: "Referrals with the child's ethnicity recorded (%)", unit: "percent", table: "child_ethnicity", counts: &recorded, series: []seriesDef{
		{"Ethnicity recorded", func(a agg) (float64, bool) {
			all := a.all("cse", "other")
			return pct(all-a.n("not_recorded", "cse", "other"), all)
		}}}},
		notes: []string{"Demographic figures are recorded for oversight, never for risk scoring or linking (MISSION R12). " +
			"They are published only for whole financial years, frozen when first published, with small numbers suppressed, " +
			"so that no narrower view and no comparison of views can reveal one person."}}
}
