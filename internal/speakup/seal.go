package speakup

import (
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"strings"

	"filippo.io/age"

	"github.com/vigil-project/vigil"
)

// This file holds the encryption of reports: age (filippo.io/age, the
// C2SP age-encryption.org/v1 format, chosen because it is small, audited,
// has one way to do each thing, and gives every file its own random file
// key wrapped for each recipient: exactly a report sealed for several
// readers). The server encrypts what it receives and forgets it; only a
// holder of a recipient's password or of the receipt can decrypt.

// ScryptWorkFactor is the scrypt cost (log2 N) that wraps recipients'
// private keys under their password: about 100 ms to unlock, once per
// session, against an offline guesser who must pay it per guess.
const ScryptWorkFactor = 16

// maxScryptWorkFactor bounds the work an unlock may be asked to do by a
// stored wrapped key (age's own default limit is 18).
const maxScryptWorkFactor = 18

// ErrCannotOpen is returned when no key given can decrypt a ciphertext.
var ErrCannotOpen = errors.New("speakup: this key cannot open it")

// Seal encrypts plaintext with a fresh file key wrapped for each recipient
// (age X25519 recipient strings, age1...).
func Seal(plaintext []byte, recipients []string) ([]byte, error) {
	if len(recipients) == 0 {
		return nil, errors.New("speakup: nobody to seal for")
	}
	rs := make([]age.Recipient, 0, len(recipients))
	seen := map[string]bool{}
	for _, s := range recipients {
		if seen[s] {
			continue
		}
		seen[s] = true
		r, err := age.ParseX25519Recipient(s)
		if err != nil {
			return nil, fmt.Errorf("speakup: recipient key: %w", err)
		}
		rs = append(rs, r)
	}
	var buf bytes.Buffer
	w, err := age.Encrypt(&buf, rs...)
	if err != nil {
		return nil, err
	}
	if _, err := w.Write(plaintext); err != nil {
		return nil, err
	}
	if err := w.Close(); err != nil {
		return nil, err
	}
	return buf.Bytes(), nil
}

// open decrypts ciphertext with id; max bounds the plaintext.
func open(ciphertext []byte, id age.Identity, max int64) ([]byte, error) {
	r, err := age.Decrypt(bytes.NewReader(ciphertext), id)
	if err != nil {
		var nm *age.NoIdentityMatchError
		if errors.As(err, &nm) {
			return nil, ErrCannotOpen
		}
		return nil, fmt.Errorf("speakup: decrypt: %w", err)
	}
	b, err := io.ReadAll(io.LimitReader(r, max+1))
	if err != nil {
		return nil, fmt.Errorf("speakup: decrypt: %w", err)
	}
	if int64(len(b)) > max {
		return nil, errors.New("speakup: decrypted data is over the limit")
	}
	return b, nil
}

// maxPlain bounds any decrypted blob: the largest is an attachment.
const maxPlain = MaxAttachmentSize + 1<<20

// Open decrypts a ciphertext sealed for the keyring's key.
func (k *Keyring) Open(ciphertext []byte) ([]byte, error) {
	if k == nil || k.identity == nil {
		return nil, ErrCannotOpen
	}
	return open(ciphertext, k.identity, maxPlain)
}

// PublicKey is the age recipient string of the keyring's key.
func (k *Keyring) PublicKey() string { return k.identity.Recipient().String() }

// Open decrypts a ciphertext sealed for the reporter.
func (k *ReporterKey) Open(ciphertext []byte) ([]byte, error) {
	if k == nil || k.identity == nil {
		return nil, ErrCannotOpen
	}
	return open(ciphertext, k.identity, maxPlain)
}

// PublicKey is the age recipient string of the reporter's key.
func (k *ReporterKey) PublicKey() string { return k.identity.Recipient().String() }

// NewRecipientKey makes a recipient's key pair: the public key and the
// private key wrapped (age scrypt) under password.
func NewRecipientKey(password string) (public string, wrapped []byte, err error) {
	id, err := age.GenerateX25519Identity()
	if err != nil {
		return "", nil, err
	}
	wrapped, err = (&Keyring{identity: id}).Wrap(password)
	if err != nil {
		return "", nil, err
	}
	return id.Recipient().String(), wrapped, nil
}

// Wrap wraps the keyring's private key under password (age scrypt), as
// NewRecipientKey does, for a change of password.
func (k *Keyring) Wrap(password string) ([]byte, error) {
	r, err := age.NewScryptRecipient(password)
	if err != nil {
		return nil, err
	}
	r.SetWorkFactor(ScryptWorkFactor)
	var buf bytes.Buffer
	w, err := age.Encrypt(&buf, r)
	if err != nil {
		return nil, err
	}
	io.WriteString(w, k.identity.String())
	if err := w.Close(); err != nil {
		return nil, err
	}
	return buf.Bytes(), nil
}

// ErrWrongPassword is returned when a password does not unwrap a key.
var ErrWrongPassword = errors.New("speakup: the password does not unlock the key")

// UnlockRecipientKey unwraps a recipient's private key with password and
// checks that it is the private half of public.
func UnlockRecipientKey(userID vigil.ID, wrapped []byte, password, public string) (*Keyring, error) {
	sid, err := age.NewScryptIdentity(password)
	if err != nil {
		return nil, err
	}
	sid.SetMaxWorkFactor(maxScryptWorkFactor)
	b, err := open(wrapped, sid, 256)
	if err != nil {
		// age says "incorrect passphrase" through an error of its own;
		// whatever the cause, the person learns only that it did not unlock.
		return nil, ErrWrongPassword
	}
	id, err := age.ParseX25519Identity(strings.TrimSpace(string(b)))
	if err != nil {
		return nil, fmt.Errorf("speakup: wrapped key: %w", err)
	}
	if id.Recipient().String() != public {
		return nil, errors.New("speakup: the wrapped key does not match the recipient's public key")
	}
	return &Keyring{UserID: userID, identity: id}, nil
}

// NewReporterKey makes a fresh key pair for a report's reporter, returning
// the key and its private half's text (to seal under the receipt).
func NewReporterKey(reportID vigil.ID) (*ReporterKey, []byte, error) {
	id, err := age.GenerateX25519Identity()
	if err != nil {
		return nil, nil, err
	}
	return &ReporterKey{ReportID: reportID, identity: id}, []byte(id.String()), nil
}

// ReporterKeyFrom rebuilds a reporter key from its private half's text.
func ReporterKeyFrom(reportID vigil.ID, private []byte) (*ReporterKey, error) {
	id, err := age.ParseX25519Identity(string(private))
	if err != nil {
		return nil, fmt.Errorf("speakup: reporter key: %w", err)
	}
	return &ReporterKey{ReportID: reportID, identity: id}, nil
}

// Hash is the hex SHA-256 of b: how tracked rows bind ciphertexts kept
// beside them, and how attachments are committed to.
func Hash(b []byte) string {
	h := sha256.Sum256(b)
	return hex.EncodeToString(h[:])
}
