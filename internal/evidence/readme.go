package evidence

import (
	"bytes"
	"fmt"

	"github.com/transparency-dev/formats/proof"
	"golang.org/x/mod/sumdb/tlog"

	"github.com/vigil-project/vigil/internal/ledger"
)

// ProofText returns the C2SP tlog-proof of entry idx: its inclusion proof
// p in the tree of the signed checkpoint.
func ProofText(idx int64, p tlog.RecordProof, checkpoint []byte) []byte {
	tp := proof.TLogProof{Index: uint64(idx), Checkpoint: checkpoint, Hashes: make([][32]byte, len(p))}
	for i, h := range p {
		tp.Hashes[i] = h
	}
	return tp.Marshal()
}

// readme writes README.txt, for a person who opens the zip. It is derived
// from the bundle's checked content alone (so that it too is covered by
// the canonical-form check): it can say nothing that Verify does not.
func (b *Bundle) readme() ([]byte, error) {
	var w bytes.Buffer
	fmt.Fprintf(&w, `Vigil evidence bundle for case %s

This file lists every entry that Vigil's tamper-evident log holds about the
case, up to the signed checkpoint in the file "checkpoint". Check the whole
bundle, offline, with:

    vigil verify --bundle THIS_FILE.zip --key VERIFIER_KEY

giving the log's verifier key as you obtained it from someone you trust
(the copy in log.vkey came with the bundle, so it proves nothing by itself).
Verification fails if any byte of the zip file was changed.

What the bundle holds:
  checkpoint               the log's signed checkpoint (C2SP tlog-checkpoint)
  log.vkey                 the log's verifier key, as the server knows it
  manifest.json            the case id and the log indexes of its entries
  entries/N/entry.json     log entry N: kind, time, actor id, object id,
                           and a salted SHA-256 commitment to the record
  entries/N/proof.txt      entry N's inclusion proof (C2SP tlog-proof)
  entries/N/salt           the salt and the record committed to
  entries/N/state.json     (absent when the record was lawfully erased)

Actors are account ids; "system" is Vigil itself, "public" someone without
an account. Reads are entries of kind record.viewed (the case was opened)
and record.listed (the case was seen in a list), with their purpose in
state.json.

Entries (log index, time UTC, kind, actor, object):
`, b.Case)
	for _, it := range b.Items {
		e, err := ledger.ParseEntry(it.Entry)
		if err != nil {
			return nil, fmt.Errorf("evidence: entry %d: %w", it.Index, err)
		}
		note := ""
		if it.State == nil {
			note = "  (record erased)"
		}
		fmt.Fprintf(&w, "  %8d  %s  %-28s %-34s %s/%s%s\n", it.Index, e.Time, e.Kind, e.Actor, e.Type, e.Object, note)
	}
	return w.Bytes(), nil
}
