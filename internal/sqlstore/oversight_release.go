package sqlstore

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
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
	if !p.From.Before(now) {
		return nil, fieldErr("period", "The period has not started yet, so there is nothing to publish")
	}
	prev, err := s.releasesWhere(ctx, ` WHERE period = ?`, p.Key)
	if err != nil {
		return nil, err
	}
	if len(prev) > 0 && note == "" {
		return nil, fieldErr("note", fmt.Sprintf("Figures for %s were published in release %d. Say why they are published again: "+
			"the new release is shown beside the earlier one, which stays as it was.", p.Label, prev[0].Number))
	}
	kind := releaseKind(actor, p, now)
	figs, err := s.releaseFigures(ctx, now, p, kind, prev)
	if err != nil {
		return nil, err
	}
	b, err := json.Marshal(figs)
	if err != nil {
		return nil, err
	}
	r := &vigil.Release{ID: vigil.NewID(), Kind: kind, Title: "Safeguarding statistics: " + p.Label, PeriodKey: p.Key,
		PublishedBy: actor.ID, Note: note, Figures: b}
	if len(prev) > 0 {
		r.Replaces = prev[0].ID
	}
	err = s.write(ctx, func(tx *ledger.Tx) error {
		r.PublishedAt = tx.Now()
		if err := tx.Save("statistics.published", string(actor.ID), "statistics_releases",
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

// releaseFigures counts and suppresses the public tables of every
// dashboard for p, over every case.
func (s *Store) releaseFigures(ctx context.Context, now time.Time, p vigil.ReportPeriod, kind string, prev []*vigil.Release) (*vigil.ReleaseFigures, error) {
	f := &vigil.ReleaseFigures{Format: vigil.ReleaseFormat, Period: vigil.ReleasePeriod{Key: p.Key, Label: p.Label,
		First: p.From.In(vigil.London).Format("2006-01-02"), Last: p.LastDay().In(vigil.London).Format("2006-01-02")},
		Suppression: vigil.SuppressionNote, Tables: []*vigil.PublishedTable{}}
	if k := s.log.Key(); k != nil {
		f.Area = k.Origin()
	}
	for _, t := range vigil.Topics {
		d := s.dashboard(t.Key)
		if d == nil {
			continue
		}
		dash, err := s.compute(ctx, d, now, p, "", nil, "all", false)
		if err != nil {
			return nil, err
		}
		for _, tb := range dash.Tables {
			if tb.Public {
				f.Tables = append(f.Tables, vigil.Publish(t.Key, tb))
			}
		}
	}
	if kind != vigil.ReleaseAnnual {
		return f, nil
	}
	// The year's demographic tables are frozen at its first annual release.
	for i := len(prev) - 1; i >= 0; i-- {
		if prev[i].Kind != vigil.ReleaseAnnual {
			continue
		}
		var old vigil.ReleaseFigures
		if err := json.Unmarshal(prev[i].Figures, &old); err != nil {
			return nil, internal("read release", err)
		}
		for _, tb := range old.Tables {
			if tb.Demographic {
				f.Tables = append(f.Tables, tb)
			}
		}
		return f, nil
	}
	dash, err := s.compute(ctx, demographicDefs(), now, p, "", nil, "all", false)
	if err != nil {
		return nil, err
	}
	for _, tb := range dash.Tables {
		f.Tables = append(f.Tables, vigil.Publish(vigil.TopicDemographics, tb))
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
