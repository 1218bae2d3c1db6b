package sqlstore

import (
	"crypto/aes"
	"crypto/cipher"
	"crypto/rand"
	"crypto/subtle"
	"encoding/base32"
	"errors"
	"fmt"
	"net/url"
	"strings"
	"sync"
	"time"

	"github.com/pquerna/otp"
	"github.com/pquerna/otp/totp"

	"github.com/vigil-project/vigil"
)

// Second-factor codes follow RFC 6238 with the parameters every
// authenticator app uses: six digits, 30-second steps, HMAC-SHA1, 160-bit
// secrets. github.com/pquerna/otp computes the codes (and, in the web
// layer, the QR image); a code of the step before or after the current one
// is accepted, for clocks a little out.
const (
	totpPeriod = 30
	totpSkew   = 1
	// TOTPIssuer names Vigil in people's authenticator apps.
	TOTPIssuer = "Vigil"
)

var totpOpts = totp.ValidateOpts{Period: totpPeriod, Digits: otp.DigitsSix, Algorithm: otp.AlgorithmSHA1}

var b32 = base32.StdEncoding.WithPadding(base32.NoPadding)

// newTOTPSecret returns a new random secret in base32.
func newTOTPSecret() string {
	b := make([]byte, 20)
	rand.Read(b)
	return b32.EncodeToString(b)
}

// totpKey describes a secret for an authenticator app.
func totpKey(username, secret string) *vigil.TOTPKey {
	v := url.Values{}
	v.Set("secret", secret)
	v.Set("issuer", TOTPIssuer)
	v.Set("algorithm", "SHA1")
	v.Set("digits", "6")
	v.Set("period", fmt.Sprint(totpPeriod))
	u := url.URL{Scheme: "otpauth", Host: "totp", Path: "/" + TOTPIssuer + ":" + username, RawQuery: v.Encode()}
	return &vigil.TOTPKey{Secret: secret, URI: u.String()}
}

// normaliseCode removes the spaces and hyphens people type or paste
// into a code ("123 456").
func normaliseCode(code string) string {
	return strings.Map(func(r rune) rune {
		if r == ' ' || r == '-' || r == '\t' {
			return -1
		}
		return r
	}, code)
}

// matchCode returns the time step, within the skew of now and later than
// last, whose code is code; or -1, with reused set when the code is that
// of a step at or before last (a code already used, or an older one).
func matchCode(secret, code string, now time.Time, last int64) (step int64, reused bool) {
	if len(code) != 6 {
		return -1, false
	}
	for _, c := range code {
		if c < '0' || c > '9' {
			return -1, false
		}
	}
	current := now.Unix() / totpPeriod
	for s := current - totpSkew; s <= current+totpSkew; s++ {
		want, err := totp.GenerateCodeCustom(secret, time.Unix(s*totpPeriod, 0), totpOpts)
		if err != nil || subtle.ConstantTimeCompare([]byte(want), []byte(code)) != 1 {
			continue
		}
		if s <= last {
			reused = true
			continue
		}
		return s, false
	}
	return -1, reused
}

// Second-factor secrets are sealed with AES-256-GCM under a key derived
// from the log's signing key (ledger.Key.DeriveSecret), with the user id
// as additional data: a copy of the database alone reveals none, and a
// sealed secret moved to another person's row does not open. Rotating the
// log key therefore means everyone sets up their authenticator again.

var aeads sync.Map // *ledger.Key -> cipher.AEAD

func (s *Store) aead() (cipher.AEAD, error) {
	key := s.log.Key()
	if key == nil {
		return nil, errors.New("sqlstore: second-factor secrets need the log's signing key")
	}
	if a, ok := aeads.Load(key); ok {
		return a.(cipher.AEAD), nil
	}
	k, err := key.DeriveSecret("totp secrets")
	if err != nil {
		return nil, err
	}
	block, err := aes.NewCipher(k)
	if err != nil {
		return nil, err
	}
	a, err := cipher.NewGCM(block)
	if err != nil {
		return nil, err
	}
	aeads.Store(key, a)
	return a, nil
}

var errSecretUnreadable = vigil.Errorf(vigil.EINTERNAL,
	"Your authenticator app's set-up could not be checked, so you cannot sign in. Ask your administrator to reset your authenticator.")

func sealData(userID vigil.ID) []byte { return []byte("vigil totp v1\x00" + string(userID)) }

func (s *Store) sealSecret(userID vigil.ID, secret string) ([]byte, error) {
	a, err := s.aead()
	if err != nil {
		return nil, internal("seal second-factor secret", err)
	}
	nonce := make([]byte, a.NonceSize(), a.NonceSize()+len(secret)+a.Overhead())
	rand.Read(nonce)
	return a.Seal(nonce, nonce, []byte(secret), sealData(userID)), nil
}

func (s *Store) openSecret(userID vigil.ID, sealed []byte) (string, error) {
	a, err := s.aead()
	if err != nil {
		return "", internal("open second-factor secret", err)
	}
	if len(sealed) < a.NonceSize() {
		return "", internal("open second-factor secret", errors.New("too short"))
	}
	b, err := a.Open(nil, sealed[:a.NonceSize()], sealed[a.NonceSize():], sealData(userID))
	if err != nil {
		// Never treated as "not set up": that would let whoever can
		// write to the database make a person set up a new authenticator.
		// Only an edit outside the application makes it happen (a secret
		// sealed for someone else, or made up), since the log refuses to
		// start with another key.
		return "", &tampered{err: errSecretUnreadable, userID: userID, table: "user_totp",
			reason: "a second-factor secret does not open: sealed for someone else, or not by this server"}
	}
	return string(b), nil
}
