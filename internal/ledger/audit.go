package ledger

import (
	"context"
	"encoding/binary"
	"errors"
	"fmt"
	"io"
	"net/http"
	"strings"
	"time"

	"golang.org/x/mod/sumdb/note"
	"golang.org/x/mod/sumdb/tlog"
)

// AuditReport is the outcome of auditing a log over HTTP.
type AuditReport struct {
	Checkpoint *Checkpoint // the checkpoint now trusted
	Previous   *Checkpoint // the one remembered from the last audit, if any
	Checked    int64       // entries fetched and checked in this audit
	// SignedAt is when the log signed the checkpoint, from its timestamp
	// (zero for a checkpoint without one). A log that has recorded nothing
	// new still re-signs every ten minutes, so an old time means the log
	// served is not live: frozen, or a copy.
	SignedAt time.Time
}

// Summary is the one line `vigil verify --url` prints.
func (a *AuditReport) Summary() string {
	s := fmt.Sprintf("ok: checkpoint size %d root %x verified; %d entries fetched and checked against the tree", a.Checkpoint.Size, a.Checkpoint.Hash[:8], a.Checked)
	if a.Previous != nil {
		s += fmt.Sprintf("; consistent with the previous checkpoint of size %d", a.Previous.Size)
	}
	if !a.SignedAt.IsZero() {
		s += "; signed at " + a.SignedAt.UTC().Format(time.RFC3339)
	}
	return s
}

// Audit checks a log served over C2SP tlog-tiles at base (for example
// "https://vigil.example/log") as an outside auditor would, trusting only
// the verifier key vkey. It verifies the latest checkpoint's signature;
// when prev (a checkpoint note remembered from an earlier audit) is given,
// it proves the new tree extends the old one, so that a rewritten history
// is caught even if it was re-signed; and it fetches every entry the
// earlier audit had not seen, checks that each is a well-formed entry
// without extra fields, and that each hashes to the leaf the signed tree
// holds. The caller remembers the returned checkpoint for next time.
func Audit(ctx context.Context, client *http.Client, base, vkey string, prev []byte) (*AuditReport, error) {
	base = strings.TrimSuffix(base, "/")
	v, err := note.NewVerifier(strings.TrimSpace(vkey))
	if err != nil {
		return nil, fmt.Errorf("verifier key: %w", err)
	}
	f := &fetcher{ctx: ctx, client: client, base: base}
	msg, err := f.get("checkpoint")
	if err != nil {
		return nil, err
	}
	c, err := OpenCheckpoint(msg, v)
	if err != nil {
		return nil, err
	}
	rep := &AuditReport{Checkpoint: c}
	if rep.SignedAt, _, err = CheckpointTime(msg, vkey); err != nil {
		return nil, err
	}
	tree := tlog.Tree{N: c.Size, Hash: c.Hash}
	hr := tlog.TileHashReader(tree, f)
	var from int64
	if prev != nil {
		old, err := OpenCheckpoint(prev, v)
		if err != nil {
			return nil, fmt.Errorf("remembered checkpoint: %w", err)
		}
		rep.Previous = old
		switch {
		case c.Size < old.Size:
			return nil, fmt.Errorf("the log has shrunk from %d to %d entries since the last audit: history was removed", old.Size, c.Size)
		case c.Size == old.Size && c.Hash != old.Hash:
			return nil, fmt.Errorf("the log now shows a different tree of the same size %d: history was rewritten", c.Size)
		case c.Size > old.Size:
			proof, err := tlog.ProveTree(c.Size, old.Size, hr)
			if err != nil {
				return nil, fmt.Errorf("consistency proof: %w", err)
			}
			if err := tlog.CheckTree(proof, c.Size, c.Hash, old.Size, old.Hash); err != nil {
				return nil, fmt.Errorf("the log of size %d is not an extension of the one remembered at size %d: history was rewritten (%v)", c.Size, old.Size, err)
			}
		}
		from = old.Size
	}
	for start := from - from%256; start < c.Size; start += 256 {
		end := min(start+256, c.Size)
		t := tlog.Tile{H: TileHeight, L: -1, N: start / 256, W: int(end - start)}
		data, err := f.get(TilePath(t))
		if err != nil {
			return nil, err
		}
		entries, err := unbundle(data)
		if err != nil {
			return nil, fmt.Errorf("entry bundle %d: %w", t.N, err)
		}
		if len(entries) != t.W {
			return nil, fmt.Errorf("entry bundle %d has %d entries, want %d", t.N, len(entries), t.W)
		}
		ids := make([]int64, t.W)
		for i := range ids {
			ids[i] = tlog.StoredHashIndex(0, start+int64(i))
		}
		leaves, err := hr.ReadHashes(ids)
		if err != nil {
			return nil, fmt.Errorf("leaf hashes: %w", err)
		}
		for i, e := range entries {
			idx := start + int64(i)
			if idx < from {
				continue
			}
			if tlog.RecordHash(e) != leaves[i] {
				return nil, fmt.Errorf("entry %d does not hash to the leaf in the signed tree", idx)
			}
			if _, err := ParseEntry(e); err != nil {
				return nil, fmt.Errorf("entry %d: %w", idx, err)
			}
			rep.Checked++
		}
	}
	return rep, nil
}

// unbundle splits a C2SP entry bundle.
func unbundle(b []byte) ([][]byte, error) {
	var out [][]byte
	for len(b) > 0 {
		if len(b) < 2 {
			return nil, errors.New("truncated length prefix")
		}
		n := int(binary.BigEndian.Uint16(b))
		if len(b) < 2+n {
			return nil, errors.New("truncated entry")
		}
		out = append(out, b[2:2+n])
		b = b[2+n:]
	}
	return out, nil
}

// fetcher reads tiles over HTTP; it implements tlog.TileReader.
type fetcher struct {
	ctx    context.Context
	client *http.Client
	base   string
}

const maxTileSize = 1 << 24 // an entry bundle holds at most 256 entries of 64 KiB

func (f *fetcher) get(path string) ([]byte, error) {
	req, err := http.NewRequestWithContext(f.ctx, "GET", f.base+"/"+path, nil)
	if err != nil {
		return nil, err
	}
	resp, err := f.client.Do(req)
	if err != nil {
		return nil, fmt.Errorf("fetch %s: %w", path, err)
	}
	defer resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		return nil, fmt.Errorf("fetch %s: %s", path, resp.Status)
	}
	b, err := io.ReadAll(io.LimitReader(resp.Body, maxTileSize+1))
	if err != nil {
		return nil, fmt.Errorf("fetch %s: %w", path, err)
	}
	if len(b) > maxTileSize {
		return nil, fmt.Errorf("fetch %s: response too large", path)
	}
	return b, nil
}

func (f *fetcher) Height() int { return TileHeight }

func (f *fetcher) ReadTiles(tiles []tlog.Tile) ([][]byte, error) {
	out := make([][]byte, len(tiles))
	for i, t := range tiles {
		b, err := f.get(TilePath(t))
		if err != nil {
			return nil, err
		}
		out[i] = b
	}
	return out, nil
}

func (f *fetcher) SaveTiles([]tlog.Tile, [][]byte) {}
