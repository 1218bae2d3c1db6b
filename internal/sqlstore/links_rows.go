package sqlstore

import (
	"database/sql"
	"encoding/json"
	"math"

	"github.com/vigil-project/vigil"
	"github.com/vigil-project/vigil/internal/ledger"
)

const linkColumns = `l.id, l.kind, l.left_id, l.right_id, l.method, l.score, l.evidence, l.reason, l.status, l.decided_by,
	l.decided_at, l.note, l.created_at`

// evidenceDoc is what the evidence column holds: the figures, exactly.
type evidenceDoc struct {
	Probability float64              `json:"probability"`
	Weight      float64              `json:"weight"`
	Fields      []vigil.LinkEvidence `json:"fields"`
}

func scanLink(r scanner) (*vigil.Link, error) {
	var l vigil.Link
	var score int64
	var ev string
	var reason, decidedBy, note sql.NullString
	var decidedAt sql.NullInt64
	var created int64
	if err := r.Scan(&l.ID, &l.Kind, &l.Left, &l.Right, &l.Method, &score, &ev, &reason, &l.Status, &decidedBy,
		&decidedAt, &note, &created); err != nil {
		return nil, err
	}
	var doc evidenceDoc
	if err := json.Unmarshal([]byte(ev), &doc); err != nil {
		return nil, err
	}
	l.Probability, l.Weight, l.Evidence = doc.Probability, doc.Weight, doc.Fields
	l.Reason, l.DecidedBy, l.Note = reason.String, vigil.ID(decidedBy.String), note.String
	if decidedAt.Valid {
		l.DecidedAt = fromMicros(decidedAt.Int64)
	}
	l.CreatedAt = fromMicros(created)
	return &l, nil
}

// insertLink records a proposed link with its log entry.
func insertLink(tx *ledger.Tx, actor vigil.ID, l *vigil.Link) error {
	l.CreatedAt = tx.Now()
	ev, err := json.Marshal(evidenceDoc{Probability: l.Probability, Weight: l.Weight, Fields: l.Evidence})
	if err != nil {
		return err
	}
	return tx.Save("link.proposed", string(actor), "links",
		`INSERT INTO links (id, version, kind, left_id, right_id, method, score, evidence, reason, status, created_at)
		VALUES (?, 1, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
		l.ID, l.Kind, l.Left, l.Right, l.Method, int64(math.Round(l.Probability*1e6)), string(ev), null(l.Reason), l.Status,
		micros(l.CreatedAt))
}

// pairKey identifies a link for de-duplication: its mentions and method.
type pairKey struct {
	left, right vigil.ID
	method      vigil.LinkMethod
}

// orderPair puts a symmetric link's mentions in a fixed order, so that a
// pair found twice is stored once.
func orderPair(a, b vigil.ID) (vigil.ID, vigil.ID) {
	if b < a {
		return b, a
	}
	return a, b
}
