package sqlstore

import (
	"context"
	"time"

	"github.com/vigil-project/vigil"
	"github.com/vigil-project/vigil/internal/ledger"
)

// expireSessions deletes the sessions that have ended by themselves (past
// their absolute end, or idle for vigil.SessionIdle) of one person, or of
// everyone when userID is empty, and logs a session.expired entry for
// each signed-in one: a session's end is on record whether the person
// signed out or walked away. The rows are deleted with RETURNING, so when
// two nodes sweep at once only the one that deletes a row logs it.
func (s *Store) expireSessions(tx *ledger.Tx, now time.Time, userID vigil.ID) error {
	q := `DELETE FROM sessions WHERE (expires_at <= ? OR stage = 'full' AND last_seen_at <= ?)`
	args := []any{micros(now), micros(now.Add(-vigil.SessionIdle))}
	if userID != "" {
		q += ` AND user_id = ?`
		args = append(args, userID)
	}
	rows, err := tx.Query(q+` RETURNING token_hash, user_id, stage, expires_at`, args...)
	if err != nil {
		return err
	}
	type ended struct {
		th     []byte
		userID string
		reason string
	}
	var all []ended
	for rows.Next() {
		var e ended
		var stage vigil.SessionStage
		var expires int64
		if err := rows.Scan(&e.th, &e.userID, &stage, &expires); err != nil {
			rows.Close()
			return err
		}
		if stage != vigil.StageSignedIn {
			continue // a sign-in never finished: it never started a session
		}
		e.reason = "idle"
		if expires <= micros(now) {
			e.reason = "lifetime"
		}
		all = append(all, e)
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return err
	}
	for _, e := range all {
		if err := tx.Event("session.expired", string(vigil.ActorSystem), "users", e.userID,
			map[string]string{"reason": e.reason, "session": sessionRef(e.th)}); err != nil {
			return err
		}
	}
	return nil
}

// SweepSessions ends every session that has ended by itself, logging each
// (see expireSessions). It is idempotent; SessionSweeper runs it on a timer.
func (s *Store) SweepSessions(ctx context.Context, now time.Time) error {
	return s.write(ctx, func(tx *ledger.Tx) error { return s.expireSessions(tx, now, "") })
}

// SessionSweeper returns the session sweep in the form internal/escalate
// runs on a timer.
func (s *Store) SessionSweeper() interface {
	Sweep(ctx context.Context, now time.Time) (vigil.SweepResult, error)
} {
	return sessionSweeper{s}
}

type sessionSweeper struct{ s *Store }

func (w sessionSweeper) Sweep(ctx context.Context, now time.Time) (vigil.SweepResult, error) {
	return vigil.SweepResult{}, w.s.SweepSessions(ctx, now)
}
