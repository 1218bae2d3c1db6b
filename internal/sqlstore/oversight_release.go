package sqlstore

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"strconv"
	"strings"
	"time"

	"golang.org/x/mod/sumdb/note"
	"golang.org/x/mod/sumdb/tlog"

	"github.com/vigil-project/vigil"
	"github.com/vigil-project/vigil/internal/ledger"
)

// Statistics releases: a release freezes a period's published figures as
// canonical JSON in a row of statistics_releases, whose log entry commits
// to it, so that a council cannot later revise or deny what it published.
// Rows are only inserted; a correction is a new release that names the one
// it replaces. Demographic tables appear only in annual releases of whole
// financial years, and are frozen at the year's first publication, so
// that no two published versions of them can be compared to reveal one
// person (see vigil.Suppress for the tables themselves).

const releaseColumns = `id, number, kind, title, period, published_at, published_by, replaces, note, figures`

func scanRelease(r scanner) (*vigil.Release, error) {
	var x vigil.Release
	var replaces, note sql.NullString
	var published int64
	var figures string
	if err := r.Scan(&x.ID, &x.Number, &x.Kind, &x.Title, &x.PeriodKey, &published, &x.PublishedBy, &replaces, &note, &figures); err != nil {
		return nil, err
	}
	x.PublishedAt, x.Replaces, x.Note, x.Figures = fromMicros(published), vigil.ID(replaces.String), note.String, []byte(figures)
	return &x, nil
}

func (s *Store) releasesWhere(ctx context.Context, cond string, args ...any) ([]*vigil.Release, error) {
	rows, err := s.query(ctx, `SELECT `+releaseColumns+` FROM statistics_releases`+cond+` ORDER BY number DESC`, args...)
	if err != nil {
		return nil, internal("read releases", err)
	}
	defer rows.Close()
	var out []*vigil.Release
	for rows.Next() {
		r, err := scanRelease(rows)
		if err != nil {
			return nil, internal("read releases", err)
		}
		out = append(out, r)
	}
	return out, rows.Err()
}

// Releases implements vigil.OversightService.
func (s *Store) Releases(ctx context.Context) ([]*vigil.Release, error) {
	return s.releasesWhere(ctx, "")
}

// FindRelease implements vigil.OversightService.
func (s *Store) FindRelease(ctx context.Context, id vigil.ID) (*vigil.Release, error) {
	if !id.Valid() {
		return nil, notFound("The release")
	}
	r, err := scanRelease(s.queryRow(ctx, `SELECT `+releaseColumns+` FROM statistics_releases WHERE id = ?`, id))
	if isNoRows(err) {
		return nil, notFound("The release")
	} else if err != nil {
		return nil, internal("read release", err)
	}
	return r, nil
}

// releaseKind says what kind of release publishing p at now by actor makes.
func releaseKind(actor vigil.Actor, p vigil.ReportPeriod, now time.Time) string {
	switch {
	case strings.HasPrefix(p.Key, "fy") && !p.To.After(now):
		return vigil.ReleaseAnnual
	case actor.User == nil && len(p.Key) == 7:
		return vigil.ReleaseMonthly
	}
	return vigil.ReleaseOnDemand
}

// PublishRelease implements vigil.OversightService. The system actor
// publishes the monthly and annual releases (see PublishDue).
func (s *Store) PublishRelease(ctx context.Context, actor vigil.Actor, p vigil.ReportPeriod, note string) (*vigil.Release, error) {
	note = strings.TrimSpace(note)
	if actor.User != nil && !vigil.CanPublishStats(actor.User) || actor.User == nil && actor.ID != vigil.ActorSystem {
		return nil, forbidden("Only the director of children's services, commissioners and the scrutiny panel publish statistics.")
	}
	if err := vigil.CheckText("note", "the note", note, vigil.MaxReasonLen, false); err != nil {
		return nil, err
	}
	now := vigil.Now()
	if !vigil.Publishable(p) {
		return nil, fieldErr("period", "Publish a calendar month, a quarter or a financial year. Releases cover only fixed periods, "+
			"so that no two of them differ by a few days whose figures could be told apart")
	}
	if p.To.After(now) {
		return nil, fieldErr("period", fmt.Sprintf("%s has not ended yet. Publish a period once it is over, so that its figures are whole", p.Label))
	}
	prev, err := s.releasesWhere(ctx, ` WHERE period = ?`, p.Key)
	if err != nil {
		return nil, err
	}
	kind := releaseKind(actor, p, now)
	figs, err := s.releaseFigures(ctx, now, p, kind, prev)
	if err != nil {
		return nil, err
	}
	if len(prev) > 0 {
		// A period is published once. Publishing it again is a correction,
		// which must change something and say why.
		var was vigil.ReleaseFigures
		if err := json.Unmarshal(prev[0].Figures, &was); err != nil {
			return nil, internal("read release", err)
		}
		changes := figureChanges(&was, figs)
		if len(changes) == 0 {
			return nil, vigil.Errorf(vigil.ECONFLICT, "The figures for %s are as release %d published them: there is nothing to correct.", p.Label, prev[0].Number)
		}
		if note == "" {
			return nil, fieldErr("note", fmt.Sprintf("Figures for %s were published in release %d, and %d of them have changed since. "+
				"Say what was wrong: the correction is published beside release %d, which stays as it was.", p.Label, prev[0].Number, len(changes), prev[0].Number))
		}
		figs.Correction = &vigil.ReleaseCorrection{Replaces: prev[0].Number, Reason: note, Changes: changes}
	}
	b, err := json.Marshal(figs)
	if err != nil {
		return nil, err
	}
	r := &vigil.Release{ID: vigil.NewID(), Kind: kind, Title: "Safeguarding statistics: " + p.Label, PeriodKey: p.Key,
		PublishedBy: actor.ID, Note: note, Figures: b}
	logKind := "statistics.published"
	if len(prev) > 0 {
		r.Replaces, r.Title, logKind = prev[0].ID, r.Title+" (correction)", "statistics.corrected"
	}
	err = s.write(ctx, func(tx *ledger.Tx) error {
		r.PublishedAt = tx.Now()
		if err := tx.Save(logKind, string(actor.ID), "statistics_releases",
			`INSERT INTO statistics_releases (id, version, number, kind, title, period, published_at, published_by, replaces, note, figures)
			 VALUES (?, 1, (SELECT COALESCE(MAX(number), 0) + 1 FROM statistics_releases), ?, ?, ?, ?, ?, ?, ?, ?)`,
			r.ID, r.Kind, r.Title, r.PeriodKey, micros(r.PublishedAt), r.PublishedBy, null(r.Replaces), null(r.Note), string(b)); err != nil {
			return err
		}
		return tx.QueryRow(`SELECT number FROM statistics_releases WHERE id = ?`, r.ID).Scan(&r.Number)
	})
	if err != nil {
		return nil, err
	}
	// Sign a checkpoint at once, so that the release's proof is ready for
	// its page; the checkpointer would sign one within a second anyway.
	if _, err := s.log.Checkpoint(ctx); err != nil {
		s.logger.Warn("checkpoint after publishing", "release", string(r.ID), "error", err.Error())
	}
	return r, nil
}

// figureChanges lists the published figures that differ between two
// releases of a period, as they were published.
func figureChanges(was, now *vigil.ReleaseFigures) []vigil.FigureChange {
	var out []vigil.FigureChange
	old := map[string]*vigil.PublishedTable{}
	for _, pt := range was.Tables {
		old[pt.Dashboard+"."+pt.Key] = pt
	}
	show := func(c *vigil.PublishedCell) string {
		switch {
		case c == nil || c.Value == nil && !c.Suppressed:
			return ""
		case c.Suppressed:
			return "[c]"
		}
		return strconv.FormatFloat(*c.Value, 'f', -1, 64)
	}
	rowsOf := func(pt *vigil.PublishedTable) ([]vigil.PublishedRow, map[string]*vigil.PublishedRow) {
		rows := append([]vigil.PublishedRow(nil), pt.Rows...)
		if pt.Total != nil {
			rows = append(rows, *pt.Total)
		}
		by := map[string]*vigil.PublishedRow{}
		for i := range rows {
			by[rows[i].Key+"\x00"+rows[i].Label] = &rows[i]
		}
		return rows, by
	}
	for _, pt := range now.Tables {
		key := pt.Dashboard + "." + pt.Key
		o := old[key]
		delete(old, key)
		if o == nil {
			out = append(out, vigil.FigureChange{Table: key, Was: "", Now: "new table"})
			continue
		}
		rows, _ := rowsOf(pt)
		oldRows, oldBy := rowsOf(o)
		seen := map[string]bool{}
		for _, r := range rows {
			k := r.Key + "\x00" + r.Label
			seen[k] = true
			or := oldBy[k]
			for i, col := range pt.Columns {
				var oc *vigil.PublishedCell
				if or != nil {
					if j := columnIndex(o.Columns, col.Key); j >= 0 && j < len(or.Cells) {
						oc = &or.Cells[j]
					}
				}
				if a, b := show(oc), show(&r.Cells[i]); a != b {
					out = append(out, vigil.FigureChange{Table: key, Row: r.Label, Column: col.Label, Was: a, Now: b})
				}
			}
		}
		for _, r := range oldRows {
			if !seen[r.Key+"\x00"+r.Label] {
				out = append(out, vigil.FigureChange{Table: key, Row: r.Label, Was: "row", Now: "no longer shown"})
			}
		}
	}
	for _, pt := range was.Tables {
		if key := pt.Dashboard + "." + pt.Key; old[key] != nil {
			out = append(out, vigil.FigureChange{Table: key, Was: "table", Now: "no longer published"})
		}
	}
	return out
}

func columnIndex(cols []vigil.Column, key string) int {
	for i, c := range cols {
		if c.Key == key {
			return i
		}
	}
	return -1
}

// releaseFigures counts and suppresses the public tables of every
// dashboard for p, over every case. Tables whose rows belong to a family
// are counted atom by atom and protected against the other tables and
// releases of the year (see oversight_disclosure.go); the others (a count
// of children at any time in the period, which is not a sum over months)
// are protected table by table.
func (s *Store) releaseFigures(ctx context.Context, now time.Time, p vigil.ReportPeriod, kind string, prev []*vigil.Release) (*vigil.ReleaseFigures, error) {
	f := &vigil.ReleaseFigures{Format: vigil.ReleaseFormat, Period: vigil.ReleasePeriod{Key: p.Key, Label: p.Label,
		First: p.From.In(vigil.London).Format("2006-01-02"), Last: p.LastDay().In(vigil.London).Format("2006-01-02")},
		Suppression: vigil.SuppressionNote, Tables: []*vigil.PublishedTable{}}
	if k := s.log.Key(); k != nil {
		f.Area = k.Origin()
	}
	nm, err := s.names(ctx)
	if err != nil {
		return nil, err
	}
	// The year's demographic tables are counted at its first annual
	// release only, and frozen: later releases copy them.
	var frozen *vigil.Release
	for i := len(prev) - 1; i >= 0 && kind == vigil.ReleaseAnnual; i-- {
		if prev[i].Kind == vigil.ReleaseAnnual {
			frozen = prev[i]
			break
		}
	}
	type slot struct {
		topic string
		t     *vigil.Table
	}
	var slots []*slot
	fresh := map[*family]map[int]*vigil.Table{}
	fams, order := s.familyTables()
	add := func(topic string, def *tableDef) error {
		sl := &slot{topic: topic}
		slots = append(slots, sl)
		if def.unit.fam == nil {
			a, err := s.count(ctx, def, now, p, "", nil)
			if err != nil {
				return err
			}
			sl.t = s.build(def, a, nm)
			return nil
		}
		for ti, ft := range fams[def.unit.fam] {
			if ft.def.key == def.key && ft.topic == topic {
				if fresh[def.unit.fam] == nil {
					fresh[def.unit.fam] = map[int]*vigil.Table{}
				}
				// Filled in below, from the family's atoms.
				sl.t = &vigil.Table{}
				fresh[def.unit.fam][ti] = sl.t
			}
		}
		return nil
	}
	for _, t := range vigil.Topics {
		d := s.dashboard(t.Key)
		if t.Key == vigil.TopicDemographics && kind == vigil.ReleaseAnnual && frozen == nil {
			d = demographicDefs()
		}
		if d == nil {
			continue
		}
		for _, def := range d.tables {
			if def.public {
				if err := add(t.Key, def); err != nil {
					return nil, err
				}
			}
		}
	}
	fy := vigil.FinancialYearOf(p.From)
	earlier, err := s.releasesOfYear(ctx, fy)
	if err != nil {
		return nil, err
	}
	for _, fam := range order {
		tables := fresh[fam]
		if len(tables) == 0 {
			continue
		}
		tabs := fams[fam]
		atoms, err := s.atoms(ctx, fam, tabs, now, fy)
		if err != nil {
			return nil, err
		}
		in := monthsOf(fy, p)
		for ti, t := range tables {
			*t = *s.build(tabs[ti].def, aggOf(atoms, ti, tabs[ti].def, in), nm)
		}
		if known := protect(atoms, tabs, tables, p, fy, earlier); known > 0 {
			s.logger.Warn("earlier releases already give away hidden counts", "family", fam.key, "fy", fy.Key, "counts", known)
		}
	}
	for _, sl := range slots {
		f.Tables = append(f.Tables, vigil.Publish(sl.topic, sl.t))
	}
	if frozen != nil {
		var old vigil.ReleaseFigures
		if err := json.Unmarshal(frozen.Figures, &old); err != nil {
			return nil, internal("read release", err)
		}
		for _, tb := range old.Tables {
			if tb.Demographic {
				f.Tables = append(f.Tables, tb)
			}
		}
	}
	return f, nil
}

// demographicsDashboard shows the demographic tables of the financial
// year p ends in, or of the last whole year if that one has not ended, as
// first published: never counted afresh for a view, so that narrowing the
// period or the scope cannot reveal what suppression hides.
func (s *Store) demographicsDashboard(ctx context.Context, actor vigil.Actor, p vigil.ReportPeriod) (*vigil.Dashboard, error) {
	now := vigil.Now()
	defs := demographicDefs()
	fy := vigil.FinancialYearOf(p.LastDay())
	if fy.To.After(now) {
		fy = vigil.FinancialYear(vigil.FinancialYearOf(now).From.Year() - 1)
	}
	out := &vigil.Dashboard{Topic: vigil.TopicDemographics, Title: defs.topic.Title, Period: fy, Scope: "all", AsAt: now, Notes: defs.notes}
	if p.Key != fy.Key {
		out.Notes = append([]string{"Demographic figures are published for whole financial years only: these are for " + fy.Label + "."}, out.Notes...)
	}
	releases, err := s.releasesWhere(ctx, ` WHERE period = ? AND kind = ?`, fy.Key, vigil.ReleaseAnnual)
	if err != nil {
		return nil, err
	}
	if len(releases) == 0 {
		out.Notes = append(out.Notes, "The figures for "+fy.Label+" have not been published yet. Vigil publishes each financial year's release in May; "+
			"the director, commissioners or the scrutiny panel can publish it sooner.")
	} else {
		first := releases[len(releases)-1]
		var f vigil.ReleaseFigures
		if err := json.Unmarshal(first.Figures, &f); err != nil {
			return nil, internal("read release", err)
		}
		for _, pt := range f.Tables {
			if pt.Demographic {
				out.Tables = append(out.Tables, pt.Table())
			}
		}
		out.Notes = append(out.Notes, fmt.Sprintf("As published in release %d on %s.", first.Number, first.PublishedAt.In(vigil.London).Format("2 January 2006")))
	}
	scope, scopeArgs, _ := scopeOf(actor.User)
	if out.Trend, err = s.trendOf(ctx, defs, now, fy, scope, scopeArgs); err != nil {
		return nil, err
	}
	return out, nil
}

// ProveRelease implements vigil.OversightService.
func (s *Store) ProveRelease(ctx context.Context, id vigil.ID) (*vigil.ReleaseProof, error) {
	r, err := s.FindRelease(ctx, id)
	if err != nil {
		return nil, err
	}
	rp, err := s.log.ProveRecord(ctx, "statistics_releases", string(id))
	if errors.Is(err, ledger.ErrNotCovered) && s.log.Key() != nil {
		if _, cerr := s.log.Checkpoint(ctx); cerr == nil {
			rp, err = s.log.ProveRecord(ctx, "statistics_releases", string(id))
		}
	}
	if errors.Is(err, ledger.ErrNotCovered) {
		return nil, vigil.Errorf(vigil.EUNAVAILABLE, "The log has not signed a checkpoint that includes this release yet. Try again in a minute.")
	} else if err != nil {
		return nil, internal("prove release", err)
	}
	p := &vigil.ReleaseProof{Release: r, Figures: string(r.Figures), Index: rp.Index, Entry: string(rp.Entry), Salt: rp.Salt,
		State: string(rp.State), Checkpoint: string(rp.Checkpoint)}
	for _, h := range rp.Proof {
		p.Proof = append(p.Proof, append([]byte(nil), h[:]...))
	}
	if k := s.log.Key(); k != nil {
		p.VerifierKey = k.VerifierKey()
	}
	return p, nil
}

// VerifyReleaseProof checks a release's proof with the log's verifier key,
// obtained independently of the proof: that a checkpoint signed by that
// key includes the log entry, that the entry commits to the release's row,
// and that the row holds exactly these figures, number, period and date.
// It returns the checkpoint, which an auditor then checks is consistent
// with the latest they have seen (`vigil verify --url`).
func VerifyReleaseProof(p *vigil.ReleaseProof, vkey string) (*ledger.Checkpoint, error) {
	v, err := note.NewVerifier(strings.TrimSpace(vkey))
	if err != nil {
		return nil, fmt.Errorf("the verifier key is not valid: %w", err)
	}
	if p.Release == nil {
		return nil, errors.New("the proof names no release")
	}
	rp := &ledger.RecordProof{Index: p.Index, Entry: []byte(p.Entry), Salt: p.Salt, State: []byte(p.State), Checkpoint: []byte(p.Checkpoint)}
	for _, h := range p.Proof {
		if len(h) != tlog.HashSize {
			return nil, errors.New("the inclusion proof holds a hash of the wrong size")
		}
		rp.Proof = append(rp.Proof, tlog.Hash(h))
	}
	e, cp, err := rp.Verify(v)
	if err != nil {
		return nil, err
	}
	if e.Op != ledger.OpPut || e.Type != "statistics_releases" || e.Object != string(p.Release.ID) {
		return nil, fmt.Errorf("the log entry is about %s/%s, not release %s", e.Type, e.Object, p.Release.ID)
	}
	var row struct {
		ID          string `json:"id"`
		Number      int64  `json:"number"`
		Period      string `json:"period"`
		PublishedAt int64  `json:"published_at"`
		Figures     string `json:"figures"`
	}
	if err := json.Unmarshal([]byte(p.State), &row); err != nil {
		return nil, fmt.Errorf("the committed state is not a release row: %w", err)
	}
	switch {
	case row.Figures != p.Figures:
		return nil, errors.New("the figures shown are not the figures the log committed to")
	case row.ID != string(p.Release.ID) || row.Number != p.Release.Number || row.Period != p.Release.PeriodKey ||
		row.PublishedAt != micros(p.Release.PublishedAt):
		return nil, errors.New("the release's number, period or date are not those the log committed to")
	}
	return cp, nil
}

// PublishDue publishes, as Vigil itself, the releases that are due at now
// and not yet published: each calendar month's, from the 8th of the next
// month (a week for late records), and each financial year's, from 1 May.
// It returns the releases it published. Call it from a timer; it is
// idempotent.
func (s *Store) PublishDue(ctx context.Context, now time.Time) ([]*vigil.Release, error) {
	now = now.In(vigil.London)
	var due []vigil.ReportPeriod
	last := time.Date(now.Year(), now.Month(), 1, 0, 0, 0, 0, vigil.London).AddDate(0, -1, 0)
	if now.Day() < 8 {
		last = last.AddDate(0, -1, 0)
	}
	due = append(due, vigil.Month(last.Year(), last.Month()))
	fy := vigil.FinancialYear(vigil.FinancialYearOf(now).From.Year() - 1)
	if !now.Before(fy.To.AddDate(0, 1, 0)) {
		due = append(due, fy)
	}
	var out []*vigil.Release
	for _, p := range due {
		var n int
		if err := s.queryRow(ctx, `SELECT COUNT(*) FROM statistics_releases WHERE period = ?`, p.Key).Scan(&n); err != nil {
			return out, internal("releases due", err)
		}
		if n > 0 {
			continue
		}
		r, err := s.PublishRelease(ctx, vigil.SystemActor, p, "")
		if err != nil {
			return out, err
		}
		out = append(out, r)
	}
	return out, nil
}
