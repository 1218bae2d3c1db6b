// Package vigil holds the domain of Vigil, a multi-agency safeguarding system:
// the types that every part of the system shares (agencies, people, concerns,
// cases), the rules that are pure functions of them, the error vocabulary, and
// the small service interfaces that the storage and web adapters implement.
//
// The package does no I/O. Adapters live in internal/ and are named after
// what they wrap: sqlstore (database/sql), web (browser pages), api (JSON),
// ledger (the verifiable log, C2SP tlog-tiles).
package vigil

import (
	"crypto/rand"
	"encoding/base32"
	"strings"
	"time"
)

// ID identifies a domain object. IDs are random (128 bits), so that an id in
// the public log reveals nothing and cannot be guessed or enumerated.
type ID string

var idEncoding = base32.NewEncoding("abcdefghijklmnopqrstuvwxyz234567").WithPadding(base32.NoPadding)

// NewID returns a fresh random ID.
func NewID() ID {
	var b [16]byte
	rand.Read(b[:]) // never fails: crypto/rand panics rather than return a weak value
	return ID(idEncoding.EncodeToString(b[:]))
}

// Valid reports whether id has the shape NewID produces. Handlers check it
// before any lookup so that malformed ids are refused early and uniformly.
func (id ID) Valid() bool {
	if len(id) != 26 {
		return false
	}
	for _, c := range id {
		if !(c >= 'a' && c <= 'z' || c >= '2' && c <= '7') {
			return false
		}
	}
	return true
}

// refAlphabet is Crockford's base32 without I, L, O and U, which people misread
// when a reference is spoken on the phone.
const refAlphabet = "0123456789ABCDEFGHJKMNPQRSTVWXYZ"

// NewReference returns a human-friendly reference such as "VC-7KQ3-M9TX"
// (40 random bits), given to whoever raised a concern. It is random rather
// than sequential so it reveals nothing about how many concerns exist.
func NewReference(prefix string) string {
	var b [8]byte
	rand.Read(b[:])
	var s strings.Builder
	s.WriteString(prefix)
	for i := range 8 {
		if i%4 == 0 {
			s.WriteByte('-')
		}
		s.WriteByte(refAlphabet[b[i]&31])
	}
	return s.String()
}

// Now is the clock of the domain. It is a variable so that tests of rules
// that depend on time can fix it; production code never assigns it.
var Now = func() time.Time { return time.Now().UTC() }

// London is the time zone of every statutory clock and every date shown to
// users in England and Wales.
var London = mustLoadLocation("Europe/London")

func mustLoadLocation(name string) *time.Location {
	loc, err := time.LoadLocation(name)
	if err != nil {
		panic(err) // time/tzdata is embedded by cmd/vigil, so this cannot happen there
	}
	return loc
}
