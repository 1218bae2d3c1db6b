// Package evidence reads and writes Vigil's evidence bundles: a zip file
// that lets an investigator show, to anyone holding the log's public key
// and nothing else, what the log recorded about a case. It holds the
// case's log entries, each with its C2SP tlog-proof
// (https://c2sp.org/tlog-proof: the entry's RFC 6962 inclusion proof and
// the signed C2SP tlog-checkpoint it is against), the salted records each
// entry commits to, the checkpoint and the log's verifier key.
//
// A bundle is written in one canonical form, and Parse accepts that form
// only: it rebuilds the zip from what it read and refuses the file unless
// the two are byte-identical. Everything the rebuilt zip holds is either
// checked cryptographically by Verify (entries by their inclusion proofs,
// records by their entries' commitments, the checkpoint by its signature)
// or derived from what is (the README, the manifest, the zip's headers),
// so changing any byte of a bundle makes it fail.
package evidence

import (
	"archive/zip"
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"hash/crc32"
	"io"
	"strconv"
	"strings"
)

// Format names the bundle format in its manifest.
const Format = "vigil-evidence-bundle/v1"

// Limits on what Parse reads, so a hostile file cannot exhaust memory.
const (
	MaxBundleSize = 256 << 20 // bytes of the whole zip
	MaxEntries    = 1 << 20   // log entries in one bundle
	maxFileSize   = 1 << 20   // bytes of any one file inside it
)

// Bundle is the content of an evidence bundle.
type Bundle struct {
	// Case is the id of the case the bundle is about.
	Case string
	// VerifierKey is the log's note verifier key, as the server knows it.
	// An investigator checks it against a copy obtained elsewhere.
	VerifierKey string
	// Checkpoint is the signed C2SP tlog-checkpoint every proof is against.
	Checkpoint []byte
	// Items are the case's log entries, in log order.
	Items []Item
}

// Item is one log entry with its proof and, unless erased, its record.
type Item struct {
	Index int64
	Entry []byte // the entry's encoding: the tree's leaf data
	Proof []byte // C2SP tlog-proof text of the entry against Bundle.Checkpoint
	// Salt and State are what the entry's commitment is to: the record's
	// state (a database row, or a read's details) and its salt. Both are
	// nil when the state was erased (a court order, a retention rule).
	Salt  []byte
	State []byte
}

// manifest is manifest.json: what the bundle claims to hold.
type manifest struct {
	Format  string  `json:"format"`
	Case    string  `json:"case"`
	Entries []int64 `json:"entries"`
}

// File names inside the zip.
const (
	readmeFile     = "README.txt"
	manifestFile   = "manifest.json"
	checkpointFile = "checkpoint"
	keyFile        = "log.vkey"
)

func entryDir(idx int64) string { return "entries/" + strconv.FormatInt(idx, 10) + "/" }

// Marshal writes b as a zip file in its one canonical form: files stored
// uncompressed, in a fixed order, with no timestamps, comments or extra
// fields, so that the same bundle always gives the same bytes.
func (b *Bundle) Marshal() ([]byte, error) {
	if err := b.wellFormed(); err != nil {
		return nil, err
	}
	m := manifest{Format: Format, Case: b.Case, Entries: make([]int64, len(b.Items))}
	for i, it := range b.Items {
		m.Entries[i] = it.Index
	}
	mj, err := json.Marshal(m)
	if err != nil {
		return nil, err
	}
	readme, err := b.readme()
	if err != nil {
		return nil, err
	}
	var out bytes.Buffer
	w := zip.NewWriter(&out)
	add := func(name string, data []byte) {
		if err != nil {
			return
		}
		var f io.Writer
		f, err = w.CreateRaw(&zip.FileHeader{
			Name:               name,
			Method:             zip.Store,
			CRC32:              crc32.ChecksumIEEE(data),
			CompressedSize64:   uint64(len(data)),
			UncompressedSize64: uint64(len(data)),
		})
		if err == nil {
			_, err = f.Write(data)
		}
	}
	add(readmeFile, readme)
	add(manifestFile, append(mj, '\n'))
	add(checkpointFile, b.Checkpoint)
	add(keyFile, []byte(b.VerifierKey+"\n"))
	for _, it := range b.Items {
		d := entryDir(it.Index)
		add(d+"entry.json", it.Entry)
		add(d+"proof.txt", it.Proof)
		if it.State != nil {
			add(d+"salt", it.Salt)
			add(d+"state.json", it.State)
		}
	}
	if err != nil {
		return nil, fmt.Errorf("evidence: write bundle: %w", err)
	}
	if err := w.Close(); err != nil {
		return nil, fmt.Errorf("evidence: write bundle: %w", err)
	}
	return out.Bytes(), nil
}

// wellFormed checks what Marshal needs to write a bundle that Parse reads
// back the same: entries in strictly increasing order, records whole.
func (b *Bundle) wellFormed() error {
	if b.Case == "" || !plain(b.Case) {
		return errors.New("evidence: the case id is missing or not plain text")
	}
	if b.VerifierKey == "" || !plain(b.VerifierKey) {
		return errors.New("evidence: the verifier key is missing or not one line of plain text")
	}
	if len(b.Items) == 0 {
		return errors.New("evidence: a bundle holds at least one log entry")
	}
	if len(b.Items) > MaxEntries {
		return fmt.Errorf("evidence: a bundle holds at most %d log entries", MaxEntries)
	}
	for i, it := range b.Items {
		if it.Index < 0 || i > 0 && it.Index <= b.Items[i-1].Index {
			return fmt.Errorf("evidence: entry %d is out of order", it.Index)
		}
		if (it.Salt == nil) != (it.State == nil) {
			return fmt.Errorf("evidence: entry %d has a salt without a state, or a state without a salt", it.Index)
		}
	}
	return nil
}

// plain reports whether s is printable ASCII without spaces.
func plain(s string) bool {
	for i := 0; i < len(s); i++ {
		if s[i] <= ' ' || s[i] > '~' {
			return false
		}
	}
	return true
}

// ErrNotCanonical means the file is a readable bundle whose bytes are not
// the ones Vigil writes for its content: something in it was changed.
var ErrNotCanonical = errors.New("evidence: the bundle is not byte for byte as Vigil writes it, so it was changed after it was exported (or was not exported by Vigil)")

// Parse reads a bundle and accepts it only in its canonical form (see
// Marshal). It checks the structure; Verify checks the proofs.
func Parse(data []byte) (*Bundle, error) {
	if len(data) > MaxBundleSize {
		return nil, fmt.Errorf("evidence: the bundle is larger than %d bytes", MaxBundleSize)
	}
	zr, err := zip.NewReader(bytes.NewReader(data), int64(len(data)))
	if err != nil {
		return nil, fmt.Errorf("evidence: not a readable zip file: %w", err)
	}
	files := make(map[string]*zip.File, len(zr.File))
	for _, f := range zr.File {
		if files[f.Name] != nil {
			return nil, fmt.Errorf("evidence: %s appears twice", f.Name)
		}
		files[f.Name] = f
	}
	read := func(name string) ([]byte, error) {
		f := files[name]
		if f == nil {
			return nil, fmt.Errorf("evidence: %s is missing", name)
		}
		if f.Method != zip.Store || f.UncompressedSize64 > maxFileSize {
			return nil, fmt.Errorf("evidence: %s is compressed or too large", name)
		}
		r, err := f.Open()
		if err != nil {
			return nil, fmt.Errorf("evidence: %s: %w", name, err)
		}
		defer r.Close()
		b, err := io.ReadAll(io.LimitReader(r, maxFileSize+1))
		if err != nil {
			return nil, fmt.Errorf("evidence: %s: %w", name, err)
		}
		return b, nil
	}
	mj, err := read(manifestFile)
	if err != nil {
		return nil, err
	}
	var m manifest
	dec := json.NewDecoder(bytes.NewReader(mj))
	dec.DisallowUnknownFields()
	if err := dec.Decode(&m); err != nil {
		return nil, fmt.Errorf("evidence: manifest.json: %w", err)
	}
	if m.Format != Format {
		return nil, fmt.Errorf("evidence: manifest.json names format %q, not %q", m.Format, Format)
	}
	if len(m.Entries) > MaxEntries || len(m.Entries) > len(zr.File) {
		return nil, errors.New("evidence: manifest.json lists more entries than the bundle holds")
	}
	b := &Bundle{Case: m.Case}
	if b.Checkpoint, err = read(checkpointFile); err != nil {
		return nil, err
	}
	key, err := read(keyFile)
	if err != nil {
		return nil, err
	}
	b.VerifierKey = strings.TrimSuffix(string(key), "\n")
	for _, idx := range m.Entries {
		d := entryDir(idx)
		it := Item{Index: idx}
		if it.Entry, err = read(d + "entry.json"); err != nil {
			return nil, err
		}
		if it.Proof, err = read(d + "proof.txt"); err != nil {
			return nil, err
		}
		if files[d+"salt"] != nil || files[d+"state.json"] != nil {
			if it.Salt, err = read(d + "salt"); err != nil {
				return nil, err
			}
			if it.State, err = read(d + "state.json"); err != nil {
				return nil, err
			}
		}
		b.Items = append(b.Items, it)
	}
	again, err := b.Marshal()
	if err != nil {
		return nil, err
	}
	if !bytes.Equal(again, data) {
		return nil, ErrNotCanonical
	}
	return b, nil
}
