// Package ledger is Vigil's verifiable log: every change to a domain object,
// and every read of a case, is an entry appended in the same database
// transaction as the change itself, so a change that is not in the log did
// not happen.
//
// The log is a Merkle tree following RFC 6962, built with
// golang.org/x/mod/sumdb/tlog (hashes stored in tlog's layout, proofs from
// tlog). Checkpoints follow C2SP tlog-checkpoint and are signed with
// golang.org/x/mod/sumdb/note Ed25519 keys whose name is the log's origin.
// The log is served read-only following C2SP tlog-tiles, so that any
// tlog-tiles client can audit it.
//
// Entries hold no personal data: a kind, a time, the actor's random id, the
// object's random id and version, and a commitment SHA-256(salt || state) to
// the object's new state. The salt and canonical state sit in an erasable
// table beside the entry.
package ledger

import (
	"bytes"
	"crypto/rand"
	"crypto/sha256"
	"encoding/base64"
	"encoding/json"
	"fmt"
	"strconv"
	"time"
)

// FormatVersion is the version of the entry format below.
const FormatVersion = 1

// Op says what an entry does to its object.
type Op string

// Entry operations.
const (
	OpPut   Op = "put"   // the object now has the committed state (created or changed)
	OpDel   Op = "del"   // the object was removed; the committed state is its last
	OpEvent Op = "event" // something happened to the object (a read, a sign-in); the commitment covers the event's details
)

// Entry is one log entry, as served in C2SP entry bundles. Its JSON encoding
// (fields in this order, no spaces) is the leaf data that the tree hashes.
type Entry struct {
	V          int    `json:"v"`
	Op         Op     `json:"op"`
	Kind       string `json:"kind"`
	Time       string `json:"time"`
	Actor      string `json:"actor"`
	Type       string `json:"type"`
	Object     string `json:"object"`
	Version    int64  `json:"version"`
	Commitment []byte `json:"commitment"`
}

// TimeFormat is the format of Entry.Time: UTC with milliseconds, fixed width.
const TimeFormat = "2006-01-02T15:04:05.000Z"

// MaxEntrySize bounds an entry's encoding; C2SP entry bundles prefix each
// entry with a 16-bit length.
const MaxEntrySize = 1<<16 - 1

// Marshal returns the canonical encoding of e.
func (e *Entry) Marshal() ([]byte, error) {
	b, ok := e.appendPlain(make([]byte, 0, 256))
	if !ok {
		var err error
		if b, err = json.Marshal(e); err != nil {
			return nil, err
		}
	}
	if len(b) > MaxEntrySize {
		return nil, fmt.Errorf("ledger: entry of %d bytes is too large", len(b))
	}
	return b, nil
}

// appendPlain appends the bytes json.Marshal gives for e, written without
// reflection, when every string of e is plain (see plainJSON) and e has a
// commitment; ok is false otherwise. Entries written by Vigil always take
// this path; json.Marshal stays the definition (FuzzEntryEncoding checks
// that the two agree).
func (e *Entry) appendPlain(b []byte) (_ []byte, ok bool) {
	if len(e.Commitment) == 0 {
		return b, false
	}
	for _, s := range [...]string{string(e.Op), e.Kind, e.Time, e.Actor, e.Type, e.Object} {
		if !plainJSON(s) {
			return b, false
		}
	}
	b = append(b, `{"v":`...)
	b = strconv.AppendInt(b, int64(e.V), 10)
	b = appendField(b, `,"op":"`, string(e.Op))
	b = appendField(b, `","kind":"`, e.Kind)
	b = appendField(b, `","time":"`, e.Time)
	b = appendField(b, `","actor":"`, e.Actor)
	b = appendField(b, `","type":"`, e.Type)
	b = appendField(b, `","object":"`, e.Object)
	b = append(b, `","version":`...)
	b = strconv.AppendInt(b, e.Version, 10)
	b = append(b, `,"commitment":"`...)
	b = base64.StdEncoding.AppendEncode(b, e.Commitment)
	return append(b, `"}`...), true
}

func appendField(b []byte, name, value string) []byte {
	return append(append(b, name...), value...)
}

// plainJSON reports whether json.Marshal writes s as itself between
// quotes: printable ASCII other than the quote, the backslash and the
// three characters it escapes for HTML (<, >, &).
func plainJSON[T string | []byte](s T) bool {
	for i := 0; i < len(s); i++ {
		c := s[i]
		if c < 0x20 || c > 0x7e || c == '"' || c == '\\' || c == '<' || c == '>' || c == '&' {
			return false
		}
	}
	return true
}

// ParseEntry decodes an entry and checks that its encoding is canonical, so
// that two different byte strings can never stand for the same entry.
func ParseEntry(data []byte) (*Entry, error) {
	return parseEntry(data, "")
}

// parseEntry is ParseEntry, taking as already checked a time equal to
// checkedTime (entries committed together share their time).
func parseEntry(data []byte, checkedTime string) (*Entry, error) {
	e, ok := parsePlain(data)
	if !ok {
		// Not an entry as Vigil writes them: decode it the slow way, which
		// gives the precise error (or accepts it, if only the fast path
		// declined).
		e = new(Entry)
		if err := json.Unmarshal(data, e); err != nil {
			return nil, fmt.Errorf("ledger: entry is not valid JSON: %w", err)
		}
	}
	if e.V != FormatVersion {
		return nil, fmt.Errorf("ledger: entry format version %d is unknown", e.V)
	}
	switch e.Op {
	case OpPut, OpDel, OpEvent:
	default:
		return nil, fmt.Errorf("ledger: entry op %q is unknown", e.Op)
	}
	if len(e.Commitment) != sha256.Size {
		return nil, fmt.Errorf("ledger: entry commitment has %d bytes, want %d", len(e.Commitment), sha256.Size)
	}
	if e.Time != checkedTime || checkedTime == "" {
		if _, err := time.Parse(TimeFormat, e.Time); err != nil {
			return nil, fmt.Errorf("ledger: entry time %q: %w", e.Time, err)
		}
	}
	if !ok {
		again, err := e.Marshal()
		if err != nil {
			return nil, err
		}
		if string(again) != string(data) {
			return nil, fmt.Errorf("ledger: entry encoding is not canonical")
		}
	}
	return e, nil
}

// parsePlain decodes data when it is exactly what appendPlain writes for
// some entry, and reports whether it is: it reads the fields in their one
// order, then re-encodes the entry and compares, so it accepts canonical
// encodings only. Anything else is left to the slow path.
func parsePlain(data []byte) (*Entry, bool) {
	p := plainScanner{rest: data, ok: true}
	var e Entry
	p.lit(`{"v":`)
	v := p.num()
	p.lit(`,"op":"`)
	op := p.str()
	p.lit(`","kind":"`)
	e.Kind = p.str()
	p.lit(`","time":"`)
	e.Time = p.str()
	p.lit(`","actor":"`)
	e.Actor = p.str()
	p.lit(`","type":"`)
	e.Type = p.str()
	p.lit(`","object":"`)
	e.Object = p.str()
	p.lit(`","version":`)
	e.Version = p.num()
	p.lit(`,"commitment":"`)
	commitment := p.str()
	p.lit(`"}`)
	if !p.ok || len(p.rest) != 0 || v != int64(int(v)) {
		return nil, false
	}
	c, err := base64.StdEncoding.DecodeString(commitment)
	if err != nil {
		return nil, false
	}
	e.V, e.Op, e.Commitment = int(v), Op(op), c
	again, ok := e.appendPlain(make([]byte, 0, len(data)))
	if !ok || !bytes.Equal(again, data) {
		return nil, false
	}
	return &e, true
}

// plainScanner reads the pieces of a plain entry; after the first piece
// that does not match, ok is false and every read returns a zero value.
type plainScanner struct {
	rest []byte
	ok   bool
}

func (p *plainScanner) lit(s string) {
	if !p.ok || len(p.rest) < len(s) || string(p.rest[:len(s)]) != s {
		p.ok = false
		return
	}
	p.rest = p.rest[len(s):]
}

// str reads a plain string up to, not including, its closing quote.
func (p *plainScanner) str() string {
	i := bytes.IndexByte(p.rest, '"')
	if !p.ok || i < 0 || !plainJSON(p.rest[:i]) {
		p.ok = false
		return ""
	}
	s := string(p.rest[:i])
	p.rest = p.rest[i:]
	return s
}

func (p *plainScanner) num() int64 {
	i := 0
	for i < len(p.rest) && (p.rest[i] == '-' || '0' <= p.rest[i] && p.rest[i] <= '9') {
		i++
	}
	n, err := strconv.ParseInt(string(p.rest[:i]), 10, 64)
	if !p.ok || err != nil {
		p.ok = false
		return 0
	}
	p.rest = p.rest[i:]
	return n
}

// Commit returns SHA-256(salt || state).
func Commit(salt, state []byte) []byte {
	h := sha256.New()
	h.Write(salt)
	h.Write(state)
	return h.Sum(nil)
}

// SaltSize is the length of the random salt that hides a state behind its
// commitment: without the salt, a guessable state (a status, a small number)
// could be confirmed by hashing candidates.
const SaltSize = 16

func newSalt() []byte {
	b := make([]byte, SaltSize)
	rand.Read(b)
	return b
}
