package ledger

import (
	"compress/gzip"
	"errors"
	"fmt"
	"net/http"
	"strings"

	"golang.org/x/mod/sumdb/tlog"
)

// TileHeight is the height of C2SP tiles: 256 hashes or entries per tile.
const TileHeight = 8

// Handler serves the log read-only following C2SP tlog-tiles, with paths
// relative to where it is mounted (Vigil mounts it at /log/):
//
//	checkpoint                    the latest signed checkpoint
//	tile/<L>/<N>[.p/<W>]          Merkle tree hash tiles
//	tile/entries/<N>[.p/<W>]      entry bundles
//	key                           the verifier key, as text
//
// Only what the latest checkpoint covers is served, so that every tile a
// client fetches can be checked against a signed root.
func (l *Log) Handler() http.Handler {
	mux := http.NewServeMux()
	mux.HandleFunc("GET /checkpoint", l.serveCheckpoint)
	mux.HandleFunc("GET /key", l.serveKey)
	mux.HandleFunc("GET /tile/{path...}", l.serveTile)
	return mux
}

func (l *Log) serveCheckpoint(w http.ResponseWriter, r *http.Request) {
	c, err := l.Latest(r.Context())
	if errors.Is(err, ErrNoCheckpoint) {
		http.Error(w, "the log has no checkpoint yet", http.StatusNotFound)
		return
	} else if err != nil {
		l.logger.Error("serve checkpoint", "error", err.Error())
		http.Error(w, "checkpoint unavailable", http.StatusInternalServerError)
		return
	}
	w.Header().Set("Content-Type", "text/plain; charset=utf-8")
	w.Header().Set("Cache-Control", "no-cache")
	w.Write(c.Note)
}

func (l *Log) serveKey(w http.ResponseWriter, r *http.Request) {
	if l.key == nil {
		http.NotFound(w, r)
		return
	}
	w.Header().Set("Content-Type", "text/plain; charset=utf-8")
	w.Write([]byte(l.key.VerifierKey() + "\n"))
}

// ParseTilePath parses a C2SP tlog-tiles path ("tile/0/x001/234.p/5" or
// "tile/entries/007") into a tlog.Tile; entry bundles have L == -1, as in
// tlog. It reuses tlog's parser, whose paths differ only in naming the tile
// height and calling entry bundles "data".
func ParseTilePath(path string) (tlog.Tile, error) {
	rest, ok := strings.CutPrefix(path, "tile/")
	if !ok || strings.HasPrefix(rest, "data/") {
		return tlog.Tile{}, errors.New("not a tile path")
	}
	if r, ok := strings.CutPrefix(rest, "entries/"); ok {
		rest = "data/" + r
	}
	t, err := tlog.ParseTilePath("tile/8/" + rest)
	if err != nil {
		return tlog.Tile{}, err
	}
	if t.L > 63 {
		return tlog.Tile{}, errors.New("tile level above 63")
	}
	return t, nil
}

// TilePath formats a tile as a C2SP tlog-tiles path.
func TilePath(t tlog.Tile) string {
	p := strings.TrimPrefix(t.Path(), "tile/8/")
	if rest, ok := strings.CutPrefix(p, "data/"); ok {
		return "tile/entries/" + rest
	}
	return "tile/" + p
}

// withinTree reports whether the last leaf tile t depends on is inside a
// tree of size leaves. It never multiplies past size, so that a tile
// number near 2^63 (which a path can name) cannot overflow into a small
// one and be served.
func withinTree(t tlog.Tile, size int64) bool {
	if t.N > size/256 {
		return false
	}
	end := t.N*256 + int64(t.W) // leaves (level 0) or hashes of the level below
	for range max(t.L, 0) {
		if end > size/256 {
			return false
		}
		end *= 256
	}
	return end <= size
}

func (l *Log) serveTile(w http.ResponseWriter, r *http.Request) {
	t, err := ParseTilePath("tile/" + r.PathValue("path"))
	if err != nil {
		http.Error(w, "malformed tile path", http.StatusBadRequest)
		return
	}
	c, err := l.Latest(r.Context())
	if err != nil || t.L > 7 { // a tree needing level 8 would hold 2^64 entries
		http.NotFound(w, r)
		return
	}
	if !withinTree(t, c.Size) {
		http.NotFound(w, r)
		return
	}
	var data []byte
	if t.L < 0 {
		entries, err := l.EntryData(r.Context(), t.N*256, t.N*256+int64(t.W))
		if err != nil {
			l.logger.Error("serve entry bundle", "error", err.Error())
			http.Error(w, "tile unavailable", http.StatusInternalServerError)
			return
		}
		data = bundle(entries)
	} else {
		// A stored tile may have grown past the checkpoint; the tile asked
		// for is its prefix.
		k := tileKey{t.L, t.N}
		var stored []byte
		load, err := l.readerTiles(r.Context())
		if err == nil {
			var m map[tileKey][]byte
			m, err = load([]tlog.Tile{t})
			stored = m[k]
		}
		if err == nil && len(stored) < t.W*tlog.HashSize {
			err = fmt.Errorf("stored %v holds %d hashes, fewer than the %d the checkpoint covers", k, len(stored)/tlog.HashSize, t.W)
		}
		if err != nil {
			l.logger.Error("serve tile", "error", err.Error())
			http.Error(w, "tile unavailable", http.StatusInternalServerError)
			return
		}
		data = stored[:t.W*tlog.HashSize]
	}
	w.Header().Set("Content-Type", "application/octet-stream")
	// A tile never changes: a partial tile is a prefix of the full one and
	// is requested by its width, so every tile URL may be cached for good.
	w.Header().Set("Cache-Control", "public, max-age=31536000, immutable")
	w.Header().Set("Vary", "Accept-Encoding")
	if t.L < 0 && acceptsGzip(r) {
		// C2SP asks for entry bundles to be compressed; JSON entries shrink well.
		w.Header().Set("Content-Encoding", "gzip")
		zw := gzip.NewWriter(w)
		zw.Write(data)
		zw.Close()
		return
	}
	w.Write(data)
}

func acceptsGzip(r *http.Request) bool {
	for _, part := range strings.Split(r.Header.Get("Accept-Encoding"), ",") {
		enc, q, _ := strings.Cut(strings.TrimSpace(part), ";")
		if strings.TrimSpace(enc) == "gzip" && strings.TrimSpace(q) != "q=0" {
			return true
		}
	}
	return false
}
