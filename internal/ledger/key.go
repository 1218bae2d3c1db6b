package ledger

import (
	"crypto/ed25519"
	"crypto/hkdf"
	"crypto/rand"
	"crypto/sha256"
	"encoding/base64"
	"errors"
	"fmt"
	"log/slog"
	"os"
	"strings"

	tnote "github.com/transparency-dev/formats/note"
	"golang.org/x/mod/sumdb/note"
)

// Key is a log's Ed25519 note signing key. Its name is the log's origin, as
// C2SP tlog-checkpoint requires. It prints and logs as its origin only.
type Key struct {
	signer   note.Signer
	verifier note.Verifier
	vkey     string
	// timestamper adds the time of signing to a checkpoint: a C2SP
	// tlog-cosignature (cosignature/v1) by the log's own key. See
	// signCheckpoint.
	timestamper note.Signer
}

// GenerateKey makes a new signing key for a log with the given origin (for
// example "vigil.example-council.gov.uk/log") and returns the private key
// text (keep it secret) and the verifier key text (publish it).
func GenerateKey(origin string) (skey, vkey string, err error) {
	if origin == "" || strings.ContainsAny(origin, "+ \t\n") {
		return "", "", errors.New("ledger: a log origin must be non-empty with no spaces or '+'; use a host name and path such as vigil.example.org/log")
	}
	return note.GenerateKey(rand.Reader, origin)
}

// ParseKey parses private key text made by GenerateKey.
func ParseKey(skey string) (*Key, error) {
	skey = strings.TrimSpace(skey)
	signer, err := note.NewSigner(skey)
	if err != nil {
		return nil, errors.New("ledger: the signing key is not a valid note private key")
	}
	// note.NewSigner does not give the public half; derive it from the seed
	// in the key text ("PRIVATE+KEY+<name>+<hash>+<base64(alg||seed)>").
	// The name has no '+' and the hash is 8 hex digits, but the base64 may
	// contain '+', so split off the first four fields only.
	parts := strings.SplitN(skey, "+", 5)
	if len(parts) != 5 {
		return nil, errors.New("ledger: the signing key is not a valid note private key")
	}
	raw, err := base64.StdEncoding.DecodeString(parts[4])
	if err != nil || len(raw) != 1+ed25519.SeedSize || raw[0] != 1 {
		return nil, errors.New("ledger: the signing key is not an Ed25519 note key")
	}
	pub := ed25519.NewKeyFromSeed(raw[1:]).Public().(ed25519.PublicKey)
	vkey, err := note.NewEd25519VerifierKey(signer.Name(), pub)
	if err != nil {
		return nil, err
	}
	verifier, err := note.NewVerifier(vkey)
	if err != nil {
		return nil, err
	}
	if verifier.KeyHash() != signer.KeyHash() {
		return nil, errors.New("ledger: the signing key's hash does not match its key")
	}
	// C2SP tlog-cosignature lets a key that signs notes also make
	// cosignatures: the key ID (algorithm byte 0x04) and the signed
	// message (which starts "cosignature/v1\n", never a log origin)
	// differ, so neither signature can be taken for the other.
	timestamper, err := tnote.NewSignerForCosignatureV1(skey)
	if err != nil {
		return nil, fmt.Errorf("ledger: the signing key cannot make timestamps: %w", err)
	}
	return &Key{signer: signer, verifier: verifier, vkey: vkey, timestamper: timestamper}, nil
}

// LoadKey reads a signing key file. It refuses a file that others can read,
// because whoever holds the key can sign a false history.
func LoadKey(path string) (*Key, error) {
	fi, err := os.Stat(path)
	if err != nil {
		return nil, fmt.Errorf("ledger: signing key: %w (create one with `vigil keys generate`)", err)
	}
	if fi.Mode().Perm()&0o077 != 0 {
		return nil, fmt.Errorf("ledger: signing key %s can be read by other users (mode %v); run chmod 600 %s", path, fi.Mode().Perm(), path)
	}
	b, err := os.ReadFile(path)
	if err != nil {
		return nil, fmt.Errorf("ledger: signing key: %w", err)
	}
	return ParseKey(string(b))
}

// WriteKeyFile writes a private key to a new file readable only by its owner.
// It never overwrites an existing key: losing a log's key loses the log.
func WriteKeyFile(path, skey string) error {
	f, err := os.OpenFile(path, os.O_WRONLY|os.O_CREATE|os.O_EXCL, 0o600)
	if err != nil {
		return fmt.Errorf("ledger: write key: %w", err)
	}
	if _, err := f.WriteString(skey + "\n"); err != nil {
		f.Close()
		return fmt.Errorf("ledger: write key: %w", err)
	}
	return f.Close()
}

// TimestampVerifier returns the verifier of the time the log adds to its
// checkpoints (a cosignature/v1 by the log's key), made from the log's
// verifier key vkey: whoever trusts the log's key can check when it
// signed.
func TimestampVerifier(vkey string) (note.Verifier, error) {
	v, err := tnote.NewVerifierForCosignatureV1(strings.TrimSpace(vkey))
	if err != nil {
		return nil, fmt.Errorf("ledger: timestamp verifier: %w", err)
	}
	return v, nil
}

// Origin returns the log's origin, the key's name.
func (k *Key) Origin() string { return k.signer.Name() }

// VerifierKey returns the public verifier key text.
func (k *Key) VerifierKey() string { return k.vkey }

// Verifier returns the note verifier for checkpoints signed by k.
func (k *Key) Verifier() note.Verifier { return k.verifier }

// DeriveSecret returns a 32-byte secret for purpose (for example "totp
// secrets"), which only the holder of the key can compute: the HKDF-SHA256
// of the key's signature over a fixed message naming the purpose. Ed25519
// signatures are deterministic (RFC 8032), so the secret is the same on
// every node and after every restart; a message that starts with "vigil
// derive-secret" can never be a checkpoint, whose first line is the origin.
// Other parts of Vigil use it to encrypt what must not be readable from a
// copy of the database alone, such as second-factor secrets.
func (k *Key) DeriveSecret(purpose string) ([]byte, error) {
	sig, err := k.signer.Sign([]byte("vigil derive-secret v1\n" + purpose + "\n"))
	if err != nil {
		return nil, fmt.Errorf("ledger: derive secret: %w", err)
	}
	return hkdf.Key(sha256.New, sig, nil, "vigil "+purpose, 32)
}

// String shows the origin only, so that a key printed by mistake reveals nothing.
func (k *Key) String() string { return "ledger.Key(" + k.Origin() + ")" }

// LogValue keeps the key out of structured logs.
func (k *Key) LogValue() slog.Value { return slog.StringValue(k.String()) }
