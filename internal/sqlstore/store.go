// Package sqlstore implements Vigil's services on database/sql, for SQLite
// and PostgreSQL alike. Every method that changes state does so through the
// ledger's sequencer, so that the changed rows and their log entries commit
// in one transaction; every read of a case is logged before it is returned.
package sqlstore

import (
	"context"
	"database/sql"
	"embed"
	"errors"
	"fmt"
	"log/slog"
	"time"

	"github.com/vigil-project/vigil"
	"github.com/vigil-project/vigil/internal/ledger"
	"github.com/vigil-project/vigil/internal/sqldb"
	"github.com/vigil-project/vigil/internal/workday"
)

//go:embed migrations
var migrations embed.FS

// Tables lists the tables whose every row the log tracks; `vigil verify`
// checks each of their rows against the log.
var Tables = []string{"agencies", "teams", "users", "api_tokens", "cases", "concerns", "case_events",
	"decisions", "deadlines", "escalations", "transfers", "missing_episodes", "screenings", "agency_referrals", "share_decisions",
	"conflicts",
	"mentions", "links",
	"speakup_routes", "speakup_recipients", "speakup_reports", "speakup_access", "speakup_messages", "speakup_attachments", "speakup_deadlines", "speakup_disclosures",
	"speakup_custodians", "speakup_policies", "speakup_escalations", "speakup_key_approvals", "speakup_named_recipients", "speakup_tombstones",
	"demographic_records", "statistics_releases", "action_plans", "recommendations", "plan_actions", "action_escalations", "action_updates"}

// Store is Vigil's state in one database. It implements vigil.AuthService,
// vigil.DirectoryService and vigil.CaseService.
type Store struct {
	db     *sqldb.DB
	log    *ledger.Log
	logger *slog.Logger
	rules  *vigil.Rules
	cal    vigil.Calendar
	// noReadLog turns read logging off. Only benchmarks set it, to measure
	// what logging every read costs; nothing in the product can.
	noReadLog bool
	// linking holds the trained person model and the entity snapshot
	// (links_state.go).
	linking linkState
}

var (
	_ vigil.AuthService      = (*Store)(nil)
	_ vigil.DirectoryService = (*Store)(nil)
	_ vigil.CaseService      = (*Store)(nil)
)

// Open migrates the database and opens its log with key (nil for a
// read-only store, as `vigil verify` uses).
func Open(ctx context.Context, db *sqldb.DB, key *ledger.Key, logger *slog.Logger) (*Store, error) {
	if logger == nil {
		logger = slog.New(slog.DiscardHandler)
	}
	if err := db.Migrate(ctx, "store", migrations, "migrations/"+string(db.Engine)); err != nil {
		return nil, err
	}
	l, err := ledger.Open(ctx, ledger.Config{DB: db, Key: key, Tables: Tables, Logger: logger})
	if err != nil {
		return nil, err
	}
	s := &Store{db: db, log: l, logger: logger, rules: vigil.DefaultRules(), cal: workday.England()}
	if key != nil {
		if err := s.revokeUnboundTokens(ctx); err != nil {
			l.Close()
			return nil, err
		}
		if err := s.bindPasswords(ctx); err != nil {
			l.Close()
			return nil, err
		}
	}
	return s, nil
}

// UseRules replaces the national clock rules and escalation ladder with a
// deployment's own (see vigil.ParseRules). Call it before serving.
func (s *Store) UseRules(r *vigil.Rules) { s.rules = r }

// Rules returns the clock rules and ladder in force.
func (s *Store) Rules() *vigil.Rules { return s.rules }

// Log returns the store's verifiable log.
func (s *Store) Log() *ledger.Log { return s.log }

// DB returns the store's database.
func (s *Store) DB() *sqldb.DB { return s.db }

// Close stops the log; the caller closes the database.
func (s *Store) Close() error { return s.log.Close() }

// write runs fn through the log's sequencer. A refusal of access inside fn
// rolls fn back, like any error, and is then logged on its own: a refused
// attempt leaves a trace even though nothing else it tried happened. So is
// a credential row found tampered with (auth_bind.go).
func (s *Store) write(ctx context.Context, fn func(*ledger.Tx) error) error {
	err := s.log.Write(ctx, fn)
	var tp *tampered
	if errors.As(err, &tp) {
		return s.logTampered(ctx, tp)
	}
	var r *refusal
	if errors.As(err, &r) {
		if lerr := s.log.Append(ctx, "case.access_refused", string(r.actor), "cases", string(r.caseID), map[string]string{"reason": r.reason}); lerr != nil {
			return lerr
		}
		return r.err
	}
	return err
}

// refusal is a refused access to a case, to be logged after the write.
type refusal struct {
	err    *vigil.Error
	actor  vigil.ID
	caseID vigil.ID
	reason string
}

func (r *refusal) Error() string { return r.err.Error() }
func (r *refusal) Unwrap() error { return r.err }

// queryRow runs a read query on the reader pool.
func (s *Store) queryRow(ctx context.Context, q string, args ...any) *sql.Row {
	return s.db.Reader.QueryRowContext(ctx, s.db.Rebind(q), args...)
}

// query runs a read query on the reader pool.
func (s *Store) query(ctx context.Context, q string, args ...any) (*sql.Rows, error) {
	return s.db.Reader.QueryContext(ctx, s.db.Rebind(q), args...)
}

// micros and fromMicros convert times to and from the stored form.
func micros(t time.Time) int64 { return t.UnixMicro() }

func fromMicros(us int64) time.Time { return time.UnixMicro(us).UTC() }

// null returns nil for an empty string, so optional text is stored as NULL.
func null[T ~string](s T) any {
	if s == "" {
		return nil
	}
	return string(s)
}

// nullInt returns nil for a nil pointer.
func nullInt(p *int) any {
	if p == nil {
		return nil
	}
	return int64(*p)
}

// internal wraps an unexpected storage error; callers see a plain message.
func internal(op string, err error) error {
	return fmt.Errorf("sqlstore: %s: %w", op, err)
}

func notFound(what string) *vigil.Error {
	return vigil.Errorf(vigil.ENOTFOUND, "%s was not found, or you do not have access to it", what)
}

func isNoRows(err error) bool { return errors.Is(err, sql.ErrNoRows) }

// querier runs queries written with ? placeholders: a *ledger.Tx inside a
// write, or reader outside one, so that one function serves both.
type querier interface {
	Query(q string, args ...any) (*sql.Rows, error)
	QueryRow(q string, args ...any) *sql.Row
}

// reader is a querier on the reader pool.
type reader struct {
	s   *Store
	ctx context.Context
}

func (r reader) Query(q string, args ...any) (*sql.Rows, error) { return r.s.query(r.ctx, q, args...) }
func (r reader) QueryRow(q string, args ...any) *sql.Row        { return r.s.queryRow(r.ctx, q, args...) }

// logReads appends one read entry per object, in one group-committed
// write, and returns once they are durable: what was seen is on record
// before it is shown.
func (s *Store) logReads(ctx context.Context, actor vigil.ID, kind, objectType string, ids []vigil.ID, purpose string) error {
	if s.noReadLog || len(ids) == 0 {
		return nil
	}
	return s.log.Write(ctx, func(tx *ledger.Tx) error {
		for _, id := range ids {
			if err := tx.Event(kind, string(actor), objectType, string(id), map[string]string{"purpose": purpose}); err != nil {
				return err
			}
		}
		return nil
	})
}

// PendingMigrations names the migrations, the log's and the store's, not
// yet applied to db. `vigil verify` refuses a database with any: it reads
// and never writes, so it cannot bring an older schema up to date itself.
func PendingMigrations(ctx context.Context, db *sqldb.DB) ([]string, error) {
	pending, err := ledger.PendingMigrations(ctx, db)
	if err != nil {
		return nil, err
	}
	own, err := db.Pending(ctx, "store", migrations, "migrations/"+string(db.Engine))
	return append(pending, own...), err
}
