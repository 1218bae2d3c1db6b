package ledger

import (
	"bytes"
	"crypto/sha256"
	"encoding/json"
	"errors"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
)

// slowParse is ParseEntry as it was before its fast path: decode with
// encoding/json, check, re-encode with encoding/json and compare.
func slowParse(data []byte) (*Entry, bool) {
	var e Entry
	if json.Unmarshal(data, &e) != nil {
		return nil, false
	}
	again, err := json.Marshal(&e)
	if err != nil || !bytes.Equal(again, data) {
		return nil, false
	}
	return &e, true
}

// oldParseEntry is ParseEntry before its fast path.
func oldParseEntry(data []byte) (*Entry, error) {
	var e Entry
	if err := json.Unmarshal(data, &e); err != nil {
		return nil, err
	}
	if e.V != FormatVersion || (e.Op != OpPut && e.Op != OpDel && e.Op != OpEvent) || len(e.Commitment) != sha256.Size {
		return nil, errors.New("invalid")
	}
	if _, err := time.Parse(TimeFormat, e.Time); err != nil {
		return nil, err
	}
	again, err := json.Marshal(&e)
	if err != nil || len(again) > MaxEntrySize || string(again) != string(data) {
		return nil, errors.New("not canonical")
	}
	return &e, nil
}

// FuzzEntryEncoding checks the fast entry encoder and parser against
// encoding/json, which defines the canonical encoding: the encoder writes
// the same bytes, and the parser accepts exactly the canonical encodings
// and decodes them to the same entry.
func FuzzEntryEncoding(f *testing.F) {
	good := Entry{V: 1, Op: OpPut, Kind: "widget.created", Time: "2026-01-02T03:04:05.678Z", Actor: "u1", Type: "widgets", Object: "w1", Version: 3, Commitment: bytes.Repeat([]byte{7}, 32)}
	b, _ := json.Marshal(&good)
	f.Add(b)
	f.Add([]byte(`{"v":1,"op":"put","kind":"a<b","time":"x","actor":"","type":"t","object":"o","version":-0,"commitment":"AA=="}`))
	f.Add([]byte(`{"v":1,"op":"put","kind":"\u00e9","time":"x","actor":"","type":"t","object":"o","version":01,"commitment":null}`))
	f.Add([]byte(`{"v":1, "op":"put"}`))
	f.Fuzz(func(t *testing.T, data []byte) {
		// The parser agrees with encoding/json on whether data is a canonical
		// encoding, and on what it says.
		want, wantOK := slowParse(data)
		got, gotOK := parsePlain(data)
		if gotOK && (!wantOK || !cmp.Equal(got, want)) {
			t.Fatalf("parsePlain(%q) = %+v, encoding/json gives %+v (canonical: %v)", data, got, want, wantOK)
		}
		if wantOK {
			// The encoder writes what encoding/json writes, for any entry.
			enc, err := want.Marshal()
			if err != nil || !bytes.Equal(enc, data) {
				t.Fatalf("Marshal(%+v) = %q, want %q", want, enc, data)
			}
		}
		// ParseEntry accepts and rejects what it did before it had a fast path.
		e1, err1 := ParseEntry(data)
		e2, err2 := oldParseEntry(data)
		if (err1 == nil) != (err2 == nil) || !cmp.Equal(e1, e2) {
			t.Fatalf("ParseEntry(%q) = %+v, %v; before the fast path: %+v, %v", data, e1, err1, e2, err2)
		}
		// Any entry built from the fuzzed bytes encodes as encoding/json does.
		s := string(data)
		e := Entry{V: len(s), Op: Op(s), Kind: s, Time: s, Actor: s, Type: s, Object: s, Version: int64(len(s)) - 5, Commitment: data}
		enc, err := e.Marshal()
		std, _ := json.Marshal(&e)
		if err == nil && !bytes.Equal(enc, std) {
			t.Fatalf("Marshal(%+v) = %q, encoding/json gives %q", e, enc, std)
		}
	})
}

func TestParseEntry(t *testing.T) {
	good := `{"v":1,"op":"put","kind":"widget.created","time":"2026-01-02T03:04:05.678Z","actor":"u1","type":"widgets","object":"w1","version":3,"commitment":"BwcHBwcHBwcHBwcHBwcHBwcHBwcHBwcHBwcHBwcHBwc="}`
	tests := []struct {
		name string
		data string
		ok   bool
	}{
		{"canonical", good, true},
		{"escaped html in a string", `{"v":1,"op":"put","kind":"a\u003cb","time":"2026-01-02T03:04:05.678Z","actor":"u1","type":"widgets","object":"w1","version":3,"commitment":"BwcHBwcHBwcHBwcHBwcHBwcHBwcHBwcHBwcHBwcHBwc="}`, true},
		{"unescaped html in a string", `{"v":1,"op":"put","kind":"a<b","time":"2026-01-02T03:04:05.678Z","actor":"u1","type":"widgets","object":"w1","version":3,"commitment":"BwcHBwcHBwcHBwcHBwcHBwcHBwcHBwcHBwcHBwcHBwc="}`, false},
		{"space", `{"v":1, "op":"put","kind":"widget.created","time":"2026-01-02T03:04:05.678Z","actor":"u1","type":"widgets","object":"w1","version":3,"commitment":"BwcHBwcHBwcHBwcHBwcHBwcHBwcHBwcHBwcHBwcHBwc="}`, false},
		{"leading zero", `{"v":1,"op":"put","kind":"widget.created","time":"2026-01-02T03:04:05.678Z","actor":"u1","type":"widgets","object":"w1","version":03,"commitment":"BwcHBwcHBwcHBwcHBwcHBwcHBwcHBwcHBwcHBwcHBwc="}`, false},
		{"short commitment", `{"v":1,"op":"put","kind":"widget.created","time":"2026-01-02T03:04:05.678Z","actor":"u1","type":"widgets","object":"w1","version":3,"commitment":"BwcH"}`, false},
		{"bad time", `{"v":1,"op":"put","kind":"widget.created","time":"2026-13-02T03:04:05.678Z","actor":"u1","type":"widgets","object":"w1","version":3,"commitment":"BwcHBwcHBwcHBwcHBwcHBwcHBwcHBwcHBwcHBwcHBwc="}`, false},
		{"unknown op", `{"v":1,"op":"zap","kind":"widget.created","time":"2026-01-02T03:04:05.678Z","actor":"u1","type":"widgets","object":"w1","version":3,"commitment":"BwcHBwcHBwcHBwcHBwcHBwcHBwcHBwcHBwcHBwcHBwc="}`, false},
		{"trailing bytes", good + " ", false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := ParseEntry([]byte(tt.data))
			if (err == nil) != tt.ok {
				t.Errorf("ParseEntry: err = %v, want ok %v", err, tt.ok)
			}
		})
	}
}
