package ledger

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"slices"
	"sync"

	"golang.org/x/mod/sumdb/tlog"

	"github.com/vigil-project/vigil/internal/sqldb"
)

// The Merkle tree is stored as C2SP tlog-tiles hash tiles, one row of
// log_tiles per tile: tile level L holds the hashes of tree level 8L, and
// tile N of a level the 256 hashes from 256N on, concatenated (fewer while
// the tile is at the tree's right edge). A batch appends its entries' leaf
// hashes to the right-most level-0 tile and, each time 256 of them complete
// a subtree, that subtree's hash to the right-most tile above, and writes
// back only the tiles it touched: a few rows per batch instead of about two
// rows per entry.
//
// Which hashes there are and where each one sits is tlog's business:
// tlog.StoredHashes makes them, tlog.SplitStoredHashIndex says which are at
// a level that tiles store, and tlog.TileForIndex and tlog.HashFromTile
// read any stored hash back (hashes at levels between multiples of 8 are
// recomputed from the tile below them, as tlog's TileHashReader does). This
// file only keeps tiles in rows.

// tileKey names a stored tile.
type tileKey struct {
	level int   // tile level: the tile holds hashes of tree level 8*level
	n     int64 // the tile's index within its level
}

func (k tileKey) String() string { return fmt.Sprintf("log tile %d/%d", k.level, k.n) }

const fullTile = 1 << TileHeight // hashes in a full tile

// tileLoader returns stored tiles. Each tile asked for is named once, its W
// the fewest hashes the caller needs; a tile may come back wider (it has
// grown since), and a tile that is not stored is left out of the map.
type tileLoader func(tiles []tlog.Tile) (map[tileKey][]byte, error)

// tileHashReader is a tlog.HashReader over stored tiles.
type tileHashReader struct {
	load tileLoader
	// upper, when not nil, keeps the hashes recomputed from tiles of level
	// 1 and above, which most proofs share.
	upper *tileCache
}

func (r tileHashReader) ReadHashes(ids []int64) ([]tlog.Hash, error) {
	out := make([]tlog.Hash, len(ids))
	tiles := make([]tlog.Tile, len(ids))
	var need []tlog.Tile // one per tile, with the widest W asked for
	for i, id := range ids {
		if id < 0 {
			return nil, fmt.Errorf("ledger: stored hash index %d is negative", id)
		}
		t := tlog.TileForIndex(TileHeight, id)
		tiles[i] = t
		if t.L > 0 && r.upper != nil {
			if h, ok := r.upper.hash(id); ok {
				out[i], tiles[i].W = h, 0
				continue
			}
		}
		j := slices.IndexFunc(need, func(u tlog.Tile) bool { return u.L == t.L && u.N == t.N })
		if j < 0 {
			need = append(need, t)
		} else {
			need[j].W = max(need[j].W, t.W)
		}
	}
	if len(need) == 0 {
		return out, nil
	}
	data, err := r.load(need)
	if err != nil {
		return nil, err
	}
	for i, id := range ids {
		t := tiles[i]
		if t.W == 0 {
			continue // remembered
		}
		k := tileKey{t.L, t.N}
		d := data[k]
		if len(d) < t.W*tlog.HashSize {
			return nil, fmt.Errorf("ledger: stored hash %d is missing: %v holds %d hashes, not %d", id, k, len(d)/tlog.HashSize, t.W)
		}
		// The stored tile may be wider than the narrowest tile holding id;
		// HashFromTile accepts any wider version of it.
		t.W = len(d) / tlog.HashSize
		if out[i], err = tlog.HashFromTile(t, d, id); err != nil {
			return nil, fmt.Errorf("ledger: stored hash %d: %w", id, err)
		}
		if t.L > 0 && r.upper != nil {
			r.upper.putHash(id, out[i])
		}
	}
	return out, nil
}

// tileQuery is the query that reads one stored tile.
const tileQuery = `SELECT data FROM log_tiles WHERE level = ? AND idx = ?`

// dbTiles loads stored tiles one by one with stmt, tileQuery prepared on
// the reader pool or in the sequencer's transaction: a proof needs a few
// tiles, and parsing a query costs more than running it.
func dbTiles(ctx context.Context, stmt *sql.Stmt) tileLoader {
	return func(tiles []tlog.Tile) (map[tileKey][]byte, error) {
		out := make(map[tileKey][]byte, len(tiles))
		for _, t := range tiles {
			k := tileKey{t.L, t.N}
			data, err := readTile(ctx, stmt, k)
			if err != nil {
				return nil, err
			}
			if data != nil {
				out[k] = data
			}
		}
		return out, nil
	}
}

// readTile reads one stored tile with stmt (tileQuery); it returns nil
// when the tile is not stored.
func readTile(ctx context.Context, stmt *sql.Stmt, k tileKey) ([]byte, error) {
	var data []byte
	err := stmt.QueryRowContext(ctx, k.level, k.n).Scan(&data)
	if errors.Is(err, sql.ErrNoRows) {
		return nil, nil
	} else if err != nil {
		return nil, fmt.Errorf("ledger: read %v: %w", k, err)
	}
	if err := checkTile(k, data); err != nil {
		return nil, err
	}
	return data, nil
}

// checkTile checks that a stored tile is a whole number of hashes and no
// more than a full tile.
func checkTile(k tileKey, data []byte) error {
	if len(data)%tlog.HashSize != 0 || len(data) > fullTile*tlog.HashSize || k.level < 0 || k.level > 7 || k.n < 0 {
		return fmt.Errorf("ledger: stored %v is malformed (%d bytes)", k, len(data))
	}
	return nil
}

// readerTiles loads stored tiles through the reader pool, keeping tiles
// of level 1 and above in l.upper.
func (l *Log) readerTiles(ctx context.Context) (tileLoader, error) {
	stmt, err := l.reads.get(ctx, tileQuery)
	if err != nil {
		return nil, fmt.Errorf("ledger: read tiles: %w", err)
	}
	return func(tiles []tlog.Tile) (map[tileKey][]byte, error) {
		out := make(map[tileKey][]byte, len(tiles))
		for _, t := range tiles {
			k := tileKey{t.L, t.N}
			if d, ok := l.upper.get(k, t.W); ok {
				out[k] = d
				continue
			}
			d, err := readTile(ctx, stmt, k)
			if err != nil {
				return nil, err
			}
			if d == nil {
				continue
			}
			if k.level > 0 {
				l.upper.put(k, d)
			}
			out[k] = d
		}
		return out, nil
	}, nil
}

// tileCache keeps, for readers, stored tiles of level 1 and above and the
// hashes recomputed from them. Every proof and every checkpoint reads a few
// of them, and there are few: one tile for each 65,536 entries. Keeping them
// is safe because a stored tile only ever grows by appending, and a stored
// hash never changes once it exists; a caller that needs more hashes than
// the kept copy of a tile holds reads the tile again. Level-0 tiles, one
// per 256 entries and rarely read twice, are not kept.
type tileCache struct {
	mu     sync.Mutex
	tiles  map[tileKey][]byte
	hashes map[int64]tlog.Hash
}

const (
	tileCacheTiles  = 1024    // at most 8 MiB: the upper tiles of a log of 67 million entries
	tileCacheHashes = 1 << 16 // about 4 MiB
)

func (c *tileCache) get(k tileKey, w int) ([]byte, bool) {
	c.mu.Lock()
	defer c.mu.Unlock()
	d, ok := c.tiles[k]
	return d, ok && len(d) >= w*tlog.HashSize
}

func (c *tileCache) put(k tileKey, d []byte) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.tiles == nil {
		c.tiles = map[tileKey][]byte{}
	}
	if _, ok := c.tiles[k]; !ok && len(c.tiles) >= tileCacheTiles {
		for old := range c.tiles { // evict one at random
			delete(c.tiles, old)
			break
		}
	}
	c.tiles[k] = d
}

func (c *tileCache) hash(id int64) (tlog.Hash, bool) {
	c.mu.Lock()
	defer c.mu.Unlock()
	h, ok := c.hashes[id]
	return h, ok
}

func (c *tileCache) putHash(id int64, h tlog.Hash) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.hashes == nil || len(c.hashes) >= tileCacheHashes {
		c.hashes = map[int64]tlog.Hash{} // start again: the hot hashes return at once
	}
	c.hashes[id] = h
}

// treeAppender adds entries' hashes to the stored tiles. It reads the tiles
// it needs through load and records which it changed.
type treeAppender struct {
	load  tileLoader         // stored tiles not yet in tiles
	tiles map[tileKey][]byte // tiles read or changed, as they now stand
	owned map[tileKey]bool   // tiles whose data this appender may append to in place
	dirty []tileKey          // tiles changed, in the order first changed
}

func newTreeAppender(edge map[tileKey][]byte, load tileLoader) *treeAppender {
	a := &treeAppender{load: load, tiles: make(map[tileKey][]byte, len(edge)+2), owned: map[tileKey]bool{}}
	for k, d := range edge {
		a.tiles[k] = d
	}
	return a
}

// loadTiles returns the tiles asked for, from memory when it has them:
// what it holds is the latest version of a tile.
func (a *treeAppender) loadTiles(tiles []tlog.Tile) (map[tileKey][]byte, error) {
	out := make(map[tileKey][]byte, len(tiles))
	var missing []tlog.Tile
	for _, t := range tiles {
		if d, ok := a.tiles[tileKey{t.L, t.N}]; ok {
			out[tileKey{t.L, t.N}] = d
		} else {
			missing = append(missing, t)
		}
	}
	if len(missing) == 0 {
		return out, nil
	}
	found, err := a.load(missing)
	if err != nil {
		return nil, err
	}
	for k, d := range found {
		a.tiles[k] = d
		out[k] = d
	}
	return out, nil
}

// add appends the stored hashes of entry n, whose encoding is data.
func (a *treeAppender) add(n int64, data []byte) error {
	hashes, err := tlog.StoredHashes(n, data, tileHashReader{load: a.loadTiles})
	if err != nil {
		return fmt.Errorf("tree hashes of entry %d: %w", n, err)
	}
	first := tlog.StoredHashIndex(0, n)
	for j, h := range hashes {
		level, i := tlog.SplitStoredHashIndex(first + int64(j))
		if level%TileHeight != 0 {
			continue // not stored: recomputed from the tile below when read
		}
		k := tileKey{level / TileHeight, i / fullTile}
		pos := int(i % fullTile)
		d, ok := a.tiles[k]
		if !ok && pos > 0 {
			m, err := a.loadTiles([]tlog.Tile{{H: TileHeight, L: k.level, N: k.n, W: pos}})
			if err != nil {
				return err
			}
			d = m[k]
		}
		if len(d) != pos*tlog.HashSize {
			return fmt.Errorf("stored %v holds %d hashes, but hash %d of tree level %d comes next: the stored tree does not match the entries", k, len(d)/tlog.HashSize, i, level)
		}
		if !a.owned[k] {
			// The tile may be shared with the sequencer's cache, which must
			// stay as committed if this batch fails.
			d = append(make([]byte, 0, fullTile*tlog.HashSize), d...)
			a.owned[k] = true
			a.dirty = append(a.dirty, k)
		}
		a.tiles[k] = append(d, h[:]...)
	}
	return nil
}

// edge returns the right-most tile of each level: the tiles the next batch
// starts from.
func (a *treeAppender) edge() map[tileKey][]byte {
	right := map[int]tileKey{}
	for k := range a.tiles {
		if r, ok := right[k.level]; !ok || k.n > r.n {
			right[k.level] = k
		}
	}
	out := make(map[tileKey][]byte, len(right))
	for _, k := range right {
		out[k] = a.tiles[k]
	}
	return out
}

// upsertTiles writes tiles to log_tiles, replacing stored versions.
func (l *Log) upsertTiles(ctx context.Context, tx *sql.Tx, keys []tileKey, tiles map[tileKey][]byte) error {
	args := make([]any, 0, 3*len(keys))
	for _, k := range keys {
		args = append(args, k.level, k.n, tiles[k])
	}
	return l.insertRows(ctx, tx, "log_tiles (level, idx, data)", 3, args, " ON CONFLICT (level, idx) DO UPDATE SET data = excluded.data")
}

// readStmts holds statements prepared on the reader pool, by query text.
type readStmts struct {
	db *sqldb.DB
	mu sync.Mutex
	m  map[string]*sql.Stmt
}

func (c *readStmts) get(ctx context.Context, q string) (*sql.Stmt, error) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if s, ok := c.m[q]; ok {
		return s, nil
	}
	s, err := c.db.Reader.PrepareContext(ctx, c.db.Rebind(q))
	if err != nil {
		return nil, err
	}
	if c.m == nil {
		c.m = map[string]*sql.Stmt{}
	}
	c.m[q] = s
	return s, nil
}

func (c *readStmts) close() {
	c.mu.Lock()
	defer c.mu.Unlock()
	for _, s := range c.m {
		s.Close()
	}
	c.m = nil
}
