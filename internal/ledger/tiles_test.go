package ledger_test

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"sync"
	"testing"

	"golang.org/x/mod/sumdb/tlog"

	"github.com/vigil-project/vigil/internal/ledger"
	"github.com/vigil-project/vigil/internal/sqldb"
)

// memHashes is the tree rebuilt from entries with tlog alone: every stored
// hash in memory, as an independent reference for the stored tiles.
type memHashes []tlog.Hash

func (m memHashes) ReadHashes(ids []int64) ([]tlog.Hash, error) {
	out := make([]tlog.Hash, len(ids))
	for i, id := range ids {
		if id >= int64(len(m)) {
			return nil, fmt.Errorf("hash %d not stored", id)
		}
		out[i] = m[id]
	}
	return out, nil
}

func rebuild(t *testing.T, entries [][]byte) memHashes {
	t.Helper()
	var m memHashes
	for i, e := range entries {
		h, err := tlog.StoredHashes(int64(i), e, m)
		if err != nil {
			t.Fatal(err)
		}
		m = append(m, h...)
	}
	return m
}

// TestTwoSequencers appends through two logs on one database, as two
// nodes do on PostgreSQL (or a `vigil` command beside the server on
// SQLite), in batches of many sizes, so that each sequencer finds now and
// then that the other has moved the tree's right edge. Every stored tile,
// every tile served and every proof must match a tree rebuilt from the
// entries with tlog alone.
func TestTwoSequencers(t *testing.T) {
	engines(t, func(t *testing.T, db *sqldb.DB) {
		ctx := context.Background()
		key := newKey(t)
		a := openLog(t, db, key)
		b := openLog(t, db, key)
		n := 0
		for round, size := range []int{1, 3, 255, 1, 2, 300, 17, 256, 1, 600, 5} {
			l := a
			if round%2 == 1 {
				l = b
			}
			var wg sync.WaitGroup
			for range size {
				n++
				id := fmt.Sprintf("w%05d", n)
				wg.Add(1)
				go func() {
					defer wg.Done()
					if err := l.Write(ctx, func(tx *ledger.Tx) error { return putWidget(tx, id, id) }); err != nil {
						t.Error(err)
					}
				}()
			}
			wg.Wait()
		}
		c, err := a.Checkpoint(ctx)
		if err != nil {
			t.Fatal(err)
		}
		if c.Size != int64(n) {
			t.Fatalf("checkpoint size %d, want %d", c.Size, n)
		}
		entries, err := a.EntryData(ctx, 0, c.Size)
		if err != nil {
			t.Fatal(err)
		}
		want := rebuild(t, entries)
		if root, err := tlog.TreeHash(c.Size, want); err != nil || root != c.Hash {
			t.Fatalf("checkpoint root %v, rebuilt %v (%v)", c.Hash, root, err)
		}
		if r := verify(t, db, key.VerifierKey()); !r.OK() {
			t.Fatalf("verify: %v", r.Problems)
		}

		// Every tile, full and partial, as a tlog-tiles client fetches it.
		srv := httptest.NewServer(http.StripPrefix("/log", a.Handler()))
		defer srv.Close()
		for _, tile := range tlog.NewTiles(ledger.TileHeight, 0, c.Size) {
			for _, w := range []int{tile.W, (tile.W + 1) / 2} {
				tile.W = w
				wantData, err := tlog.ReadTileData(tile, want)
				if err != nil {
					t.Fatal(err)
				}
				got := get(t, srv.URL+"/log/"+ledger.TilePath(tile))
				if !bytes.Equal(got, wantData) {
					t.Errorf("%s: served tile differs from the tree rebuilt from the entries", ledger.TilePath(tile))
				}
			}
		}
		// A tile beyond the checkpoint is not served.
		beyond := tlog.Tile{H: ledger.TileHeight, L: 0, N: c.Size / 256, W: int(c.Size%256) + 1}
		if resp, err := http.Get(srv.URL + "/log/" + ledger.TilePath(beyond)); err != nil || resp.StatusCode != http.StatusNotFound {
			t.Errorf("tile beyond the checkpoint: %v %v, want 404", resp.Status, err)
		}

		for _, idx := range []int64{0, 1, 255, 256, 511, 777, c.Size - 1} {
			for _, size := range []int64{idx + 1, c.Size} {
				p, err := b.ProveInclusion(ctx, size, idx)
				if err != nil {
					t.Fatal(err)
				}
				root, _ := tlog.TreeHash(size, want)
				if err := tlog.CheckRecord(p, size, root, idx, tlog.RecordHash(entries[idx])); err != nil {
					t.Errorf("inclusion of %d in %d: %v", idx, size, err)
				}
			}
		}
		for _, old := range []int64{1, 256, 257, 1000} {
			p, err := a.ProveConsistency(ctx, c.Size, old)
			if err != nil {
				t.Fatal(err)
			}
			oldRoot, _ := tlog.TreeHash(old, want)
			if err := tlog.CheckTree(p, c.Size, c.Hash, old, oldRoot); err != nil {
				t.Errorf("consistency of %d with %d: %v", old, c.Size, err)
			}
		}
	})
}

func get(t *testing.T, url string) []byte {
	t.Helper()
	resp, err := http.Get(url)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	if err != nil || resp.StatusCode != http.StatusOK {
		t.Fatalf("GET %s: %s %v", url, resp.Status, err)
	}
	return b
}

// TestFailedBatchKeepsTree fails a batch after its entries were added to
// the sequencer's tiles, and checks that the next batch starts from the
// tiles as committed.
func TestFailedBatchKeepsTree(t *testing.T) {
	engines(t, func(t *testing.T, db *sqldb.DB) {
		ctx := context.Background()
		key := newKey(t)
		l := openLog(t, db, key)
		seed(t, l, 20)
		// The statement fails at commit time on PostgreSQL (deferred) and at
		// once on SQLite; either way the batch is rolled back whole.
		err := l.Write(ctx, func(tx *ledger.Tx) error {
			if err := putWidget(tx, "doomed", "x"); err != nil {
				return err
			}
			_, err := tx.Exec(`INSERT INTO no_such_table VALUES (1)`)
			return err
		})
		if err == nil {
			t.Fatal("write into a missing table succeeded")
		}
		seed(t, l, 30)
		if r := verify(t, db, key.VerifierKey()); !r.OK() {
			t.Fatalf("verify after a failed batch: %v", r.Problems)
		}
	})
}

// TestTamperTiles edits the stored tree behind the application's back and
// checks that verification names the entry whose leaf hash changed, or
// the interior tile.
func TestTamperTiles(t *testing.T) {
	flip := func(level, idx int64, hash int) func(t *testing.T, db *sqldb.DB) {
		return func(t *testing.T, db *sqldb.DB) {
			ctx := context.Background()
			var data []byte
			if err := db.Reader.QueryRowContext(ctx, db.Rebind(`SELECT data FROM log_tiles WHERE level = ? AND idx = ?`), level, idx).Scan(&data); err != nil {
				t.Fatal(err)
			}
			data[hash*tlog.HashSize] ^= 1
			if _, err := db.Writer.ExecContext(ctx, db.Rebind(`UPDATE log_tiles SET data = ? WHERE level = ? AND idx = ?`), data, level, idx); err != nil {
				t.Fatal(err)
			}
		}
	}
	exec := func(q string) func(t *testing.T, db *sqldb.DB) {
		return func(t *testing.T, db *sqldb.DB) {
			if _, err := db.Writer.ExecContext(context.Background(), q); err != nil {
				t.Fatal(err)
			}
		}
	}
	tests := []struct {
		name   string
		tamper func(t *testing.T, db *sqldb.DB)
		kind   string
		record string
	}{
		{"leaf hash edited", flip(0, 0, 20), "entry-edited", "log entry 20"},
		{"leaf hash edited in a later tile", flip(0, 1, 3), "entry-edited", "log entry 259"},
		{"interior hash edited", flip(1, 0, 0), "tree-edited", "log tile 1/0"},
		{"tile removed", exec(`DELETE FROM log_tiles WHERE level = 0 AND idx = 1`), "tree-edited", "log tile 0/1"},
		{"tile truncated", exec(`UPDATE log_tiles SET data = substr(data, 1, 64) WHERE level = 0 AND idx = 0`), "entry-edited", "log entry 2"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			engines(t, func(t *testing.T, db *sqldb.DB) {
				key := newKey(t)
				l := openLog(t, db, key)
				seed(t, l, 300) // 500 entries: two level-0 tiles and one hash at level 1
				l.Close()
				tt.tamper(t, db)
				r := verify(t, db, key.VerifierKey())
				for _, p := range r.Problems {
					if p.Kind == tt.kind && p.Record == tt.record {
						return
					}
				}
				t.Errorf("problems %v do not include %s of %s", r.Problems, tt.kind, tt.record)
			})
		})
	}
}
