package sqlstore

import (
	"crypto/rand"
	"crypto/subtle"
	"encoding/base64"
	"fmt"
	"strings"

	"golang.org/x/crypto/argon2"
)

// Argon2id parameters: OWASP's recommended minimum (19 MiB, 2 passes, 1
// lane), which costs about 30 ms a sign-in on one core. They are stored in
// each hash, so they can be raised later without invalidating old hashes.
const (
	argonTime    = 2
	argonMemory  = 19 * 1024
	argonThreads = 1
	argonKeyLen  = 32
)

var b64 = base64.RawStdEncoding

// hashPassword returns a PHC-format argon2id hash of password.
func hashPassword(password string) string {
	salt := make([]byte, 16)
	rand.Read(salt)
	key := argon2.IDKey([]byte(password), salt, argonTime, argonMemory, argonThreads, argonKeyLen)
	return fmt.Sprintf("$argon2id$v=%d$m=%d,t=%d,p=%d$%s$%s", argon2.Version, argonMemory, argonTime, argonThreads, b64.EncodeToString(salt), b64.EncodeToString(key))
}

// checkPassword reports whether password matches a hash made by hashPassword.
func checkPassword(hash, password string) bool {
	parts := strings.Split(hash, "$")
	if len(parts) != 6 || parts[1] != "argon2id" {
		return false
	}
	var version int
	var m uint32
	var t uint32
	var p uint8
	if _, err := fmt.Sscanf(parts[2], "v=%d", &version); err != nil || version != argon2.Version {
		return false
	}
	if _, err := fmt.Sscanf(parts[3], "m=%d,t=%d,p=%d", &m, &t, &p); err != nil || m == 0 || t == 0 || p == 0 || m > 1<<21 || t > 16 {
		return false
	}
	salt, err := b64.DecodeString(parts[4])
	if err != nil {
		return false
	}
	want, err := b64.DecodeString(parts[5])
	if err != nil || len(want) == 0 || len(want) > 64 {
		return false
	}
	got := argon2.IDKey([]byte(password), salt, t, m, p, uint32(len(want)))
	return subtle.ConstantTimeCompare(got, want) == 1
}

// dummyHash is checked against when a username does not exist, so that a
// wrong username takes as long as a wrong password and reveals nothing.
var dummyHash = hashPassword("no such user: this never matches")

// passwordAlphabet has no letters or digits that people confuse when they
// read a password out or copy it from a screen (0/o, 1/l/i).
const passwordAlphabet = "abcdefghjkmnpqrstuvwxyz23456789"

// newPassword returns a one-time password an administrator passes on:
// four groups of five characters, about 99 bits, e.g. "k7mqx-2tpdw-9fhzc-4rnae".
func newPassword() string {
	var s strings.Builder
	var b [1]byte
	for n := 0; n < 20; {
		rand.Read(b[:])
		if int(b[0]) >= 256/len(passwordAlphabet)*len(passwordAlphabet) {
			continue // rejection keeps every character equally likely
		}
		if n > 0 && n%5 == 0 {
			s.WriteByte('-')
		}
		s.WriteByte(passwordAlphabet[int(b[0])%len(passwordAlphabet)])
		n++
	}
	return s.String()
}
