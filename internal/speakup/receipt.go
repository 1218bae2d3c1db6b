package speakup

import (
	"bytes"
	"crypto/hmac"
	"crypto/rand"
	"crypto/sha256"
	"crypto/subtle"
	_ "embed"
	"encoding/binary"
	"errors"
	"fmt"
	"math"
	"math/big"
	"strings"
	"sync"

	"golang.org/x/crypto/argon2"
	"golang.org/x/crypto/chacha20poly1305"
)

// A receipt is nine words from the EFF large word list (7,776 words, of
// which the four with hyphens are left out so that a hyphen can separate
// words: 7,772 words, 12.92 bits each), for example
//
//	tidy crumb  unmasked stood daylong refocus polio cattle sprung
//
// The first two words are the lookup: they name the report's row (about
// 60 million values, stored in the clear as a number), so a check reads one
// row instead of trying every hash. The other seven words are the secret:
// 90.5 bits, never stored, verified with argon2id. A thief who copies the
// database learns the lookup words and still faces 2^90 argon2id guesses
// per report; someone guessing online must also find a lookup in use, and
// meets the rate limits first.
//
// Words rather than digits: a child can write down and read back nine
// words more reliably than the 28 digits that would carry as many bits, and
// a screen reader speaks them plainly. Case, extra spaces, commas, dots and
// hyphens between words do not matter when the receipt is typed back.

// Receipt sizes.
const (
	LookupWords  = 2
	SecretWords  = 7
	ReceiptWords = LookupWords + SecretWords
)

//go:embed eff_large_wordlist.txt
var wordFile string

// The EFF large word list (https://www.eff.org/dice), by the Electronic
// Frontier Foundation, CC BY 3.0 US. Changed: the four words with a hyphen
// (drop-down, felt-tip, t-shirt, yo-yo) are left out.
var (
	wordsOnce sync.Once
	wordList  []string
	wordIndex map[string]int
)

func words() ([]string, map[string]int) {
	wordsOnce.Do(func() {
		wordList = strings.Fields(wordFile)
		wordIndex = make(map[string]int, len(wordList))
		for i, w := range wordList {
			wordIndex[w] = i
		}
	})
	return wordList, wordIndex
}

// WordCount is the number of words a receipt word is drawn from.
func WordCount() int { w, _ := words(); return len(w) }

// SecretBits is the entropy of a receipt's secret part.
func SecretBits() float64 { return SecretWords * math.Log2(float64(WordCount())) }

// Receipt is a parsed receipt.
type Receipt struct {
	Lookup int64  // the first two words as a number
	secret []byte // the seven secret words, normalised
}

// NewReceipt returns a fresh random receipt and its text.
func NewReceipt() (*Receipt, string) {
	list, _ := words()
	n := big.NewInt(int64(len(list)))
	picked := make([]string, ReceiptWords)
	for i := range picked {
		k, err := rand.Int(rand.Reader, n)
		if err != nil {
			panic(err) // crypto/rand does not fail
		}
		picked[i] = list[k.Int64()]
	}
	text := strings.Join(picked, " ")
	r, err := ParseReceipt(text)
	if err != nil {
		panic(err) // a receipt made from the list always parses
	}
	return r, text
}

// MaxReceiptInput bounds what ParseReceipt reads: nine of the longest
// words with generous separators.
const MaxReceiptInput = 300

// ErrReceiptFormat is returned for text that is not nine list words.
var ErrReceiptFormat = errors.New("speakup: a receipt is nine words from the list")

// ParseReceipt reads a receipt as a person may type it back: any case,
// words separated by spaces, commas, dots, hyphens or new lines.
func ParseReceipt(s string) (*Receipt, error) {
	if len(s) > MaxReceiptInput {
		return nil, ErrReceiptFormat
	}
	_, index := words()
	fields := strings.FieldsFunc(strings.ToLower(s), func(r rune) bool {
		return r == ' ' || r == ',' || r == '.' || r == '-' || r == '\t' || r == '\n' || r == '\r' || r == '\u00a0'
	})
	if len(fields) != ReceiptWords {
		return nil, ErrReceiptFormat
	}
	var lookup int64
	for _, f := range fields[:LookupWords] {
		i, ok := index[f]
		if !ok {
			return nil, ErrReceiptFormat
		}
		lookup = lookup*int64(WordCount()) + int64(i)
	}
	for _, f := range fields[LookupWords:] {
		if _, ok := index[f]; !ok {
			return nil, ErrReceiptFormat
		}
	}
	return &Receipt{Lookup: lookup, secret: []byte(strings.Join(fields[LookupWords:], " "))}, nil
}

// Params are the argon2id costs of a receipt verifier. They are stored
// with each verifier, so they can be raised without breaking old receipts.
type Params struct {
	Time    uint32
	Memory  uint32 // KiB
	Threads uint8
}

// DefaultParams are OWASP's minimum for argon2id (19 MiB, 2 passes, 1
// lane), as for passwords: about 35 ms a check on one core here (see
// BenchmarkReceiptCheck). The secret has 90 bits, so the slow hash is
// defence in depth rather than the wall; a cheap check also keeps a flood
// of guesses from exhausting the server, which the global limit bounds.
var DefaultParams = Params{Time: 2, Memory: 19 * 1024, Threads: 1}

func (p Params) String() string { return fmt.Sprintf("m=%d,t=%d,p=%d", p.Memory, p.Time, p.Threads) }

// ParseParams reads Params.String, refusing costs out of bounds.
func ParseParams(s string) (Params, error) {
	var p Params
	if _, err := fmt.Sscanf(s, "m=%d,t=%d,p=%d", &p.Memory, &p.Time, &p.Threads); err != nil {
		return p, fmt.Errorf("speakup: argon2id parameters %q: %w", s, err)
	}
	if p.Memory < 8*1024 || p.Memory > 1<<21 || p.Time < 1 || p.Time > 16 || p.Threads < 1 || p.Threads > 16 {
		return p, fmt.Errorf("speakup: argon2id parameters %q are out of bounds", s)
	}
	return p, nil
}

// Verifier is what the store keeps of a receipt: the lookup, a salt, the
// argon2id parameters, the verifier, and the reporter's private key
// sealed under a key derived from the receipt. Its Binding goes into the
// report's tracked row, so that a verifier swapped in the database (to
// take over a reporter's conversation) does not match the log.
type Verifier struct {
	Lookup    int64
	Salt      []byte
	Params    Params
	Hash      []byte // HMAC-SHA256(K, "verifier"), K = argon2id(secret, salt)
	SealedKey []byte // XChaCha20-Poly1305 under HMAC-SHA256(K, "reporter key"), additional data the report id
}

// Binding is the SHA-256 of the verifier's fields, length-prefixed.
func (v *Verifier) Binding() []byte {
	h := sha256.New()
	var n [8]byte
	binary.BigEndian.PutUint64(n[:], uint64(v.Lookup))
	h.Write(n[:])
	for _, b := range [][]byte{v.Salt, []byte(v.Params.String()), v.Hash, v.SealedKey} {
		binary.BigEndian.PutUint64(n[:], uint64(len(b)))
		h.Write(n[:])
		h.Write(b)
	}
	return h.Sum(nil)
}

// derive runs argon2id on the receipt's secret and returns the verifier
// hash and the key that seals the reporter's private key. Both come from
// one argon2id run through HMAC with different labels, so that neither
// reveals the other.
func (r *Receipt) derive(salt []byte, p Params) (hash, sealKey []byte) {
	k := argon2.IDKey(r.secret, salt, p.Time, p.Memory, p.Threads, 32)
	return label(k, "vigil speak-up receipt verifier v1"), label(k, "vigil speak-up receipt reporter key v1")
}

func label(k []byte, l string) []byte {
	m := hmac.New(sha256.New, k)
	m.Write([]byte(l))
	return m.Sum(nil)
}

// NewVerifier makes the verifier of r for report id, sealing the
// reporter's private key (an age identity string) in it.
func (r *Receipt) NewVerifier(reportID string, reporterKey []byte, p Params) *Verifier {
	salt := make([]byte, 16)
	rand.Read(salt)
	hash, sealKey := r.derive(salt, p)
	aead, err := chacha20poly1305.NewX(sealKey)
	if err != nil {
		panic(err) // the key is 32 bytes
	}
	nonce := make([]byte, chacha20poly1305.NonceSizeX)
	rand.Read(nonce)
	sealed := aead.Seal(nonce, nonce, reporterKey, []byte(reportID))
	return &Verifier{Lookup: r.Lookup, Salt: salt, Params: p, Hash: hash, SealedKey: sealed}
}

// ErrWrongReceipt is returned when a receipt does not match its verifier.
var ErrWrongReceipt = errors.New("speakup: the receipt does not match")

// Open checks r against v and, when it matches, returns the reporter's
// private key sealed in v for report id.
func (r *Receipt) Open(v *Verifier, reportID string) ([]byte, error) {
	hash, sealKey := r.derive(v.Salt, v.Params)
	if r.Lookup != v.Lookup || subtle.ConstantTimeCompare(hash, v.Hash) != 1 {
		return nil, ErrWrongReceipt
	}
	aead, err := chacha20poly1305.NewX(sealKey)
	if err != nil {
		return nil, err
	}
	if len(v.SealedKey) < aead.NonceSize()+aead.Overhead() {
		return nil, ErrWrongReceipt
	}
	key, err := aead.Open(nil, v.SealedKey[:aead.NonceSize()], v.SealedKey[aead.NonceSize():], []byte(reportID))
	if err != nil {
		return nil, ErrWrongReceipt
	}
	return key, nil
}

// Burn spends the time of one check without a verifier, so that a receipt
// whose lookup names no report takes as long to refuse as a wrong secret.
func (r *Receipt) Burn(p Params) {
	r.derive(bytes.Repeat([]byte{0}, 16), p)
}
