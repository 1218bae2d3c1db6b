package evidence_test

import (
	"bytes"
	"crypto/rand"
	"encoding/json"
	"fmt"
	"strings"
	"testing"

	"golang.org/x/mod/sumdb/note"
	"golang.org/x/mod/sumdb/tlog"

	"github.com/vigil-project/vigil/internal/evidence"
	"github.com/vigil-project/vigil/internal/ledger"
)

const caseID = "aaaaaaaaaaaaaaaaaaaaaaaaaa"

// testLog is a small log built in memory with tlog, as the ledger builds
// it in the database, so that bundles can be made without a server.
type testLog struct {
	skey, vkey string
	leaves     [][]byte
	salts      [][]byte
	states     [][]byte
	hashes     []tlog.Hash
}

func newTestLog(t testing.TB) *testLog {
	t.Helper()
	skey, vkey, err := ledger.GenerateKey("test.vigil.invalid/log")
	if err != nil {
		t.Fatal(err)
	}
	return &testLog{skey: skey, vkey: vkey}
}

// add appends an entry about object committing to state.
func (l *testLog) add(t testing.TB, kind, object string, state any) {
	t.Helper()
	st, err := json.Marshal(state)
	if err != nil {
		t.Fatal(err)
	}
	salt := make([]byte, ledger.SaltSize)
	rand.Read(salt)
	e := ledger.Entry{V: ledger.FormatVersion, Op: ledger.OpEvent, Kind: kind, Time: "2026-01-02T03:04:05.000Z",
		Actor: "bbbbbbbbbbbbbbbbbbbbbbbbbb", Type: "cases", Object: object, Commitment: ledger.Commit(salt, st)}
	data, err := e.Marshal()
	if err != nil {
		t.Fatal(err)
	}
	hs, err := tlog.StoredHashes(int64(len(l.leaves)), data, tlog.HashReaderFunc(l.read))
	if err != nil {
		t.Fatal(err)
	}
	l.hashes = append(l.hashes, hs...)
	l.leaves, l.salts, l.states = append(l.leaves, data), append(l.salts, salt), append(l.states, st)
}

func (l *testLog) read(ids []int64) ([]tlog.Hash, error) {
	out := make([]tlog.Hash, len(ids))
	for i, id := range ids {
		if id >= int64(len(l.hashes)) {
			return nil, fmt.Errorf("no hash %d", id)
		}
		out[i] = l.hashes[id]
	}
	return out, nil
}

// bundle returns a bundle of the given entries against a checkpoint of
// the whole log.
func (l *testLog) bundle(t testing.TB, idxs ...int64) *evidence.Bundle {
	t.Helper()
	size := int64(len(l.leaves))
	root, err := tlog.TreeHash(size, tlog.HashReaderFunc(l.read))
	if err != nil {
		t.Fatal(err)
	}
	signer, err := note.NewSigner(l.skey)
	if err != nil {
		t.Fatal(err)
	}
	cp, err := note.Sign(&note.Note{Text: string(ledger.FormatCheckpoint("test.vigil.invalid/log", size, root))}, signer)
	if err != nil {
		t.Fatal(err)
	}
	b := &evidence.Bundle{Case: caseID, VerifierKey: l.vkey, Checkpoint: cp}
	for _, idx := range idxs {
		p, err := tlog.ProveRecord(size, idx, tlog.HashReaderFunc(l.read))
		if err != nil {
			t.Fatal(err)
		}
		b.Items = append(b.Items, evidence.Item{Index: idx, Entry: l.leaves[idx], Proof: evidence.ProofText(idx, p, cp),
			Salt: l.salts[idx], State: l.states[idx]})
	}
	return b
}

// smallBundle is a bundle of three reads of the case among other entries,
// one of them with its record erased.
func smallBundle(t testing.TB) (*evidence.Bundle, *testLog) {
	l := newTestLog(t)
	for i := range 9 {
		obj := caseID
		if i%3 == 1 {
			obj = "cccccccccccccccccccccccccc" // another case
		}
		l.add(t, "record.viewed", obj, map[string]string{"purpose": fmt.Sprint("read ", i)})
	}
	b := l.bundle(t, 0, 3, 8)
	b.Items[1].Salt, b.Items[1].State = nil, nil
	return b, l
}

func TestBundleRoundTrip(t *testing.T) {
	b, l := smallBundle(t)
	data, err := b.Marshal()
	if err != nil {
		t.Fatal(err)
	}
	again, err := b.Marshal()
	if err != nil || !bytes.Equal(data, again) {
		t.Fatal("Marshal is not deterministic")
	}
	p, err := evidence.Parse(data)
	if err != nil {
		t.Fatal(err)
	}
	s, err := p.Verify(l.vkey)
	if err != nil {
		t.Fatal(err)
	}
	if s.Entries != 3 || s.Records != 2 || s.Erased != 1 || !s.KeySupplied || s.Size != 9 {
		t.Errorf("summary %+v", s)
	}
	s, err = p.Verify("")
	if err != nil || s.KeySupplied || !strings.Contains(s.String(), "NOT independently supplied") {
		t.Errorf("without a key: %v, %v", s, err)
	}
}

// TestBundleRefusals checks bundles that are well formed but false.
func TestBundleRefusals(t *testing.T) {
	other := newTestLog(t)
	tests := []struct {
		name   string
		change func(b *evidence.Bundle, l *testLog)
		key    func(l *testLog) string
		want   string
	}{
		{name: "record changed", change: func(b *evidence.Bundle, l *testLog) { b.Items[0].State = []byte(`{"purpose":"other"}`) },
			want: "does not match the entry's commitment"},
		{name: "entry swapped", change: func(b *evidence.Bundle, l *testLog) { b.Items[0].Entry = l.leaves[6] },
			want: "not in the checkpoint's tree"},
		{name: "another case", change: func(b *evidence.Bundle, l *testLog) { b.Case = "dddddddddddddddddddddddddd" },
			want: "not about case"},
		{name: "other key supplied", key: func(*testLog) string { return other.vkey }, want: "not the key you supplied"},
		{name: "other key in bundle", change: func(b *evidence.Bundle, l *testLog) { b.VerifierKey = other.vkey },
			want: "checkpoint"},
		{name: "proof for another index", change: func(b *evidence.Bundle, l *testLog) { b.Items[2].Proof = b.Items[0].Proof },
			want: "its proof is for entry 0"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			b, l := smallBundle(t)
			if tt.change != nil {
				tt.change(b, l)
			}
			key := ""
			if tt.key != nil {
				key = tt.key(l)
			}
			data, err := b.Marshal()
			if err != nil {
				t.Fatal(err)
			}
			p, err := evidence.Parse(data)
			if err != nil {
				t.Fatal(err)
			}
			if _, err := p.Verify(key); err == nil || !strings.Contains(err.Error(), tt.want) {
				t.Errorf("Verify: %v, want an error containing %q", err, tt.want)
			}
		})
	}
}

// TestBundleEveryByte flips each bit pattern into every byte of a bundle in
// turn: headers, central directory, contents. Each change must fail Parse
// or Verify.
func TestBundleEveryByte(t *testing.T) {
	b, l := smallBundle(t)
	data, err := b.Marshal()
	if err != nil {
		t.Fatal(err)
	}
	for i := range data {
		for _, x := range []byte{0x01, 0x80, 0xff} {
			mod := bytes.Clone(data)
			mod[i] ^= x
			p, err := evidence.Parse(mod)
			if err == nil {
				_, err = p.Verify("")
			}
			if err == nil {
				t.Fatalf("byte %d of %d xor %#x: the changed bundle verified", i, len(data), x)
			}
		}
	}
	// Bytes added at either end, or cut off, are refused too.
	for _, mod := range [][]byte{append(bytes.Clone(data), 0), append([]byte{0}, data...), data[:len(data)-1], data[1:]} {
		if p, err := evidence.Parse(mod); err == nil {
			if _, err := p.Verify(l.vkey); err == nil {
				t.Fatal("a lengthened or shortened bundle verified")
			}
		}
	}
	t.Logf("%d bytes, each changed three ways, all refused", len(data))
}

// FuzzBundle feeds the parser arbitrary files: it must never panic, and
// whatever it accepts must be exactly the canonical encoding of what it
// read, and what verifies must be entries the log really holds.
func FuzzBundle(f *testing.F) {
	b, l := smallBundle(f)
	data, err := b.Marshal()
	if err != nil {
		f.Fatal(err)
	}
	f.Add(data)
	f.Add(data[:len(data)/2])
	f.Add([]byte("PK\x05\x06" + strings.Repeat("\x00", 18)))
	f.Fuzz(func(t *testing.T, in []byte) {
		p, err := evidence.Parse(in)
		if err != nil {
			return
		}
		again, err := p.Marshal()
		if err != nil || !bytes.Equal(again, in) {
			t.Fatalf("Parse accepted a file that is not its own canonical encoding (err %v)", err)
		}
		if _, err := p.Verify(l.vkey); err != nil {
			return
		}
		// What verifies is what the log holds: each entry is the log's own.
		for _, it := range p.Items {
			if it.Index >= int64(len(l.leaves)) || !bytes.Equal(it.Entry, l.leaves[it.Index]) {
				t.Fatalf("entry %d verified but is not the log's entry", it.Index)
			}
		}
	})
}
