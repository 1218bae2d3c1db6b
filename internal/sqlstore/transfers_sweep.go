package sqlstore

import (
	"context"
	"fmt"
	"time"

	"github.com/vigil-project/vigil"
	"github.com/vigil-project/vigil/internal/ledger"
)

// sweepUnanswered escalates, once, each offer of a case that has waited
// longer than Rules.TransferAnswer for its answer. The escalation starts
// at the manager's rung, as a refusal does, names its offer, and ends when
// the offer is answered or withdrawn. Like Sweep, it works only from what
// the database says (escalated_at marks an offer escalated), so running it
// again changes nothing.
func (s *Store) sweepUnanswered(ctx context.Context, now time.Time) (int, error) {
	wait := s.rules.TransferAnswer
	// An offer that waited its time has waited at least as many calendar
	// days as the period has working days (or months, or hours): a cheap
	// bound in SQL, checked exactly below.
	bound := now.Add(-time.Duration(wait.Hours)*time.Hour).AddDate(0, -wait.Months, -wait.WorkingDays)
	total := 0
	for {
		rows, err := s.query(ctx, `SELECT id FROM transfers WHERE status = 'offered' AND escalated_at IS NULL AND offered_at < ?
			ORDER BY offered_at, id LIMIT ?`, micros(bound), sweepBatch)
		if err != nil {
			return total, internal("sweep transfers", err)
		}
		ids, err := scanIDs(rows)
		if err != nil || len(ids) == 0 {
			return total, err
		}
		n, done := 0, 0
		err = s.write(ctx, func(tx *ledger.Tx) error {
			n, done = 0, 0
			for _, id := range ids {
				var caseID, toID, status string
				var offered int64
				var escalated *int64
				if err := tx.QueryRow(`SELECT case_id, to_id, status, offered_at, escalated_at FROM transfers WHERE id = ?`, id).
					Scan(&caseID, &toID, &status, &offered, &escalated); err != nil {
					return err
				}
				// Re-check inside the transaction: another sweeper may have been first.
				if status != string(vigil.TransferOffered) || escalated != nil {
					done++
					continue
				}
				due := wait.After(s.cal, fromMicros(offered))
				if !now.After(due) {
					continue // its time is not up yet: the calendar bound let it through
				}
				done++
				c, err := scanCase(tx.QueryRow(`SELECT `+caseColumns+` FROM cases c WHERE c.id = ?`, caseID))
				if err != nil {
					return err
				}
				if err := tx.Save("transfer.unanswered", string(vigil.ActorSystem), "transfers",
					`UPDATE transfers SET escalated_at = ?, version = version + 1 WHERE id = ?`, micros(now), id); err != nil {
					return err
				}
				reason := fmt.Sprintf("Transfer offer to%s not answered within %s (due by %s); the case stays with its owner",
					s.holderName(tx, vigil.ID(toID)), wait, when(due))
				if err := s.raise(tx, string(vigil.ActorSystem), c, "", id, vigil.EscalationTransferUnanswered, reason, 2, now); err != nil {
					return err
				}
				n++
			}
			return nil
		})
		total += n
		if err != nil {
			return total, err
		}
		// Stop when the batch was the last, or when none of it could be
		// settled yet (all still within their time), so as not to loop.
		if len(ids) < sweepBatch || done == 0 {
			return total, nil
		}
	}
}
