package ledger_test

import (
	"bytes"
	"context"
	"net/http"
	"net/http/httptest"
	"path/filepath"
	"testing"

	"golang.org/x/mod/sumdb/tlog"

	"github.com/vigil-project/vigil/internal/ledger"
	"github.com/vigil-project/vigil/internal/sqldb"
)

// FuzzTilePath feeds arbitrary paths to the tile parser and to the log's
// HTTP handler, which anyone on the internet may ask (C2SP tlog-tiles).
// The parser must not panic, and what it accepts must be a tile tlog can
// address, which formats back to a path that parses to the same tile. The
// handler must never fail (no 5xx) whatever the path, and whatever it
// serves must be exactly the tile a tree rebuilt with tlog alone holds: a
// tile beyond the signed checkpoint is never served.
func FuzzTilePath(f *testing.F) {
	for _, seed := range []string{
		"tile/0/000", "tile/0/000.p/5", "tile/0/001.p/44", "tile/1/000.p/1", "tile/entries/000", "tile/entries/000.p/200",
		"tile/entries/001.p/44", "tile/0/x001/234.p/5", "tile/7/000.p/1", "tile/8/000", "tile/63/000.p/1", "tile/64/000",
		"tile/0/x999/x999/x999/x999/x999/x999/x999/999", "tile/0/x009/x223/x372/x036/x854/x775/807",
		"tile/data/000", "tile/0/-01", "tile/00/000", "tile/0/000.p/0", "tile/0/000.p/256", "tile/0/000.p/255",
		"tile//000", "tile/0/000/", "tile/0/../000", "tile/entries/x000/000", "checkpoint", "key", "", "tile/", "tile/0/000.p/05",
	} {
		f.Add(seed)
	}
	ctx := context.Background()
	db, err := sqldb.Open(ctx, "sqlite:"+filepath.Join(f.TempDir(), "v.db"))
	if err != nil {
		f.Fatal(err)
	}
	f.Cleanup(func() { db.Close() })
	l := openLog(f, db, newKey(f))
	seed(f, l, 200) // 200 widgets, a third renamed and read again: a full tile and part of the next
	c, err := l.Latest(ctx)
	if err != nil {
		f.Fatal(err)
	}
	entries, err := l.EntryData(ctx, 0, c.Size)
	if err != nil {
		f.Fatal(err)
	}
	var tree memHashes
	for i, e := range entries {
		h, err := tlog.StoredHashes(int64(i), e, tree)
		if err != nil {
			f.Fatal(err)
		}
		tree = append(tree, h...)
	}
	h := http.StripPrefix("/log", l.Handler())

	f.Fuzz(func(t *testing.T, path string) {
		tile, perr := ledger.ParseTilePath(path)
		if perr == nil {
			if tile.H != ledger.TileHeight || tile.L < -1 || tile.L > 63 || tile.N < 0 || tile.W < 1 || tile.W > 1<<ledger.TileHeight {
				t.Fatalf("%q parsed to a tile tlog cannot address: %+v", path, tile)
			}
			again, err := ledger.ParseTilePath(ledger.TilePath(tile))
			if err != nil || again != tile {
				t.Fatalf("%q parsed to %+v, formatted as %q, which parses to %+v (%v)", path, tile, ledger.TilePath(tile), again, err)
			}
		}

		req := httptest.NewRequest(http.MethodGet, "/log/", nil)
		req.URL.Path = "/log/" + path
		rec := httptest.NewRecorder()
		h.ServeHTTP(rec, req)
		switch rec.Code {
		case http.StatusOK, http.StatusBadRequest, http.StatusNotFound, http.StatusMovedPermanently, http.StatusTemporaryRedirect:
		default:
			t.Fatalf("GET /log/%s: status %d, want 200, 400, 404 or a redirect to the clean path", path, rec.Code)
		}
		if rec.Code != http.StatusOK || perr != nil {
			return
		}
		if tile.L < 0 {
			// An entry bundle: the entries it covers, each as stored.
			if end := tile.N*256 + int64(tile.W); tile.N > (1<<62)/256 || end > c.Size {
				t.Fatalf("GET /log/%s: entry bundle beyond the checkpoint's %d entries served", path, c.Size)
			}
			return
		}
		want, err := tlog.ReadTileData(tile, tree)
		if err != nil {
			t.Fatalf("GET /log/%s: served a tile a tree of %d entries does not have: %v", path, c.Size, err)
		}
		if !bytes.Equal(rec.Body.Bytes(), want) {
			t.Fatalf("GET /log/%s: served %d bytes that are not the tile's hashes", path, rec.Body.Len())
		}
	})
}
