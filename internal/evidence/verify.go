package evidence

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"

	"github.com/transparency-dev/formats/proof"
	"golang.org/x/mod/sumdb/note"
	"golang.org/x/mod/sumdb/tlog"

	"github.com/vigil-project/vigil/internal/ledger"
)

// Summary is what Verify established.
type Summary struct {
	Case    string
	Entries int // log entries proved included in the checkpoint
	Records int // records recomputed against their entries' commitments
	Erased  int // entries whose record was erased: included, but with no record to show
	Origin  string
	Size    int64 // the checkpoint's tree size
	// KeySupplied is true when the checkpoint was checked against a key
	// given by the caller, false when only against the bundle's own key.
	KeySupplied bool
}

// String is the one-line summary `vigil verify --bundle` prints.
func (s *Summary) String() string {
	key := "against the key you supplied"
	if !s.KeySupplied {
		key = "against the key in the bundle itself (NOT independently supplied: check it with --key from a copy obtained elsewhere)"
	}
	return fmt.Sprintf("bundle for case %s verified: %d log entries included in checkpoint %s at size %d, %d records match their commitments, %d erased; signature checked %s",
		s.Case, s.Entries, s.Origin, s.Size, s.Records, s.Erased, key)
}

// Verify checks the bundle offline: the checkpoint's signature, each
// entry's inclusion proof against it, each record against its entry's
// commitment, and that every entry is about the bundle's case. key is the
// log's verifier key as the caller obtained it; empty means trust the
// key in the bundle, which Summary.KeySupplied reports. Every problem found
// is named in the error.
func (b *Bundle) Verify(key string) (*Summary, error) {
	s := &Summary{Case: b.Case, KeySupplied: key != ""}
	if key == "" {
		key = b.VerifierKey
	} else if key != b.VerifierKey {
		return nil, fmt.Errorf("the bundle's log.vkey %q is not the key you supplied", b.VerifierKey)
	}
	v, err := note.NewVerifier(key)
	if err != nil {
		return nil, fmt.Errorf("the verifier key is not valid: %w", err)
	}
	cp, err := ledger.OpenCheckpoint(b.Checkpoint, v)
	if err != nil {
		return nil, fmt.Errorf("the checkpoint: %w", err)
	}
	s.Origin, s.Size = cp.Origin, cp.Size
	var problems []error
	aboutCase := false
	for _, it := range b.Items {
		e, err := it.verify(cp, b.Case)
		if err != nil {
			problems = append(problems, fmt.Errorf("entry %d: %w", it.Index, err))
			continue
		}
		s.Entries++
		if it.State == nil {
			s.Erased++
		} else {
			s.Records++
		}
		aboutCase = aboutCase || e.Object == b.Case
	}
	if !aboutCase {
		problems = append(problems, fmt.Errorf("no entry in the bundle has case %s as its object", b.Case))
	}
	if len(problems) > 0 {
		return nil, errors.Join(problems...)
	}
	return s, nil
}

// verify checks one item against the checkpoint and returns its entry.
func (it *Item) verify(cp *ledger.Checkpoint, caseID string) (*ledger.Entry, error) {
	p, err := ParseProof(it.Proof)
	if err != nil {
		return nil, err
	}
	if int64(p.Index) != it.Index {
		return nil, fmt.Errorf("its proof is for entry %d", p.Index)
	}
	if !bytes.Equal(p.Checkpoint, cp.Note) {
		return nil, errors.New("its proof is against another checkpoint than the bundle's")
	}
	if it.Index >= cp.Size {
		return nil, fmt.Errorf("it is not in the checkpoint's tree of %d entries", cp.Size)
	}
	hashes := make(tlog.RecordProof, len(p.Hashes))
	for i, h := range p.Hashes {
		hashes[i] = tlog.Hash(h)
	}
	if err := tlog.CheckRecord(hashes, cp.Size, cp.Hash, it.Index, tlog.RecordHash(it.Entry)); err != nil {
		return nil, fmt.Errorf("it is not in the checkpoint's tree: %w", err)
	}
	e, err := ledger.ParseEntry(it.Entry)
	if err != nil {
		return nil, err
	}
	if it.State == nil {
		return e, nil // erased: the entry stands, its record is gone
	}
	if !bytes.Equal(ledger.Commit(it.Salt, it.State), e.Commitment) {
		return nil, errors.New("its record does not match the entry's commitment (the record was changed)")
	}
	if e.Object != caseID {
		// A row of one of the case's tables (a decision, a deadline): its
		// state names the case.
		var row struct {
			CaseID string `json:"case_id"`
		}
		if json.Unmarshal(it.State, &row) != nil || row.CaseID != caseID {
			return nil, fmt.Errorf("its record is not about case %s", caseID)
		}
	}
	return e, nil
}

// ParseProof decodes a C2SP tlog-proof, accepting its canonical encoding
// only (the one Marshal writes back), so that one proof has one text.
func ParseProof(text []byte) (*proof.TLogProof, error) {
	var p proof.TLogProof
	if err := p.Unmarshal(text); err != nil {
		return nil, fmt.Errorf("its proof: %w", err)
	}
	if !bytes.Equal(p.Marshal(), text) {
		return nil, errors.New("its proof is not in canonical C2SP tlog-proof form")
	}
	return &p, nil
}
