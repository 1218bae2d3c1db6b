package ledger

import (
	"bytes"
	"cmp"
	"context"
	"crypto/sha256"
	"database/sql"
	"fmt"
	"slices"
	"strings"

	"golang.org/x/mod/sumdb/note"
	"golang.org/x/mod/sumdb/tlog"

	"github.com/vigil-project/vigil/internal/sqldb"
)

// Problem is one thing `vigil verify` found wrong, naming the record.
type Problem struct {
	Kind   string // row-edited, row-deleted, row-inserted, state-edited, entry-missing, entry-edited, checkpoint-mismatch, ...
	Record string // "cases/<id>", "log entry 42", "checkpoint 100"
	Detail string
}

func (p Problem) String() string { return fmt.Sprintf("%s: %s: %s", p.Kind, p.Record, p.Detail) }

// Report is the outcome of VerifyDB.
type Report struct {
	Entries     int64
	Checkpoints int
	Rows        int64
	Tables      int
	Latest      *Checkpoint
	KeySource   string // "given" or "database"
	Problems    []Problem
}

// OK reports whether nothing was found wrong.
func (r *Report) OK() bool { return len(r.Problems) == 0 }

// Summary is the one line `vigil verify` prints.
func (r *Report) Summary() string {
	if !r.OK() {
		return fmt.Sprintf("FAILED: %d problems in %d log entries, %d checkpoints and %d rows of %d tables", len(r.Problems), r.Entries, r.Checkpoints, r.Rows, r.Tables)
	}
	root := "no checkpoint"
	if r.Latest != nil {
		root = fmt.Sprintf("latest checkpoint size %d root %x", r.Latest.Size, r.Latest.Hash[:8])
	}
	return fmt.Sprintf("ok: %d log entries, %d signed checkpoints (%s), %d rows in %d tables match the log", r.Entries, r.Checkpoints, root, r.Rows, r.Tables)
}

func (r *Report) add(kind, record, format string, args ...any) {
	r.Problems = append(r.Problems, Problem{Kind: kind, Record: record, Detail: fmt.Sprintf(format, args...)})
}

// objectState is what verification remembers of an object's latest entry.
// It holds no pointers and is kept in one slice (objectTable), because a
// region's log has tens of millions of objects: fixed arrays rather than
// slices, a flag rather than the Op string, so that each costs some 70
// bytes and the garbage collector has nothing to scan in them.
type objectState struct {
	idx        int64
	version    int64
	commitment [sha256.Size]byte
	salt       [SaltSize]byte
	hasSalt    bool // false when the state was missing (already reported)
	deleted    bool // the latest entry is a deletion
	seen       bool // a row of the table matched it
}

// objectTable is every object's latest state, found by key.
type objectTable struct {
	index  map[objectKey]int32
	states []objectState
	types  map[string]string // one copy of each object type, shared by the keys
}

func newObjectTable() *objectTable {
	return &objectTable{index: map[objectKey]int32{}, types: map[string]string{}}
}

// get returns key's state, or nil. The pointer is valid until the next add.
func (t *objectTable) get(key objectKey) *objectState {
	i, ok := t.index[key]
	if !ok {
		return nil
	}
	return &t.states[i]
}

// add makes a state for key, which must not have one yet.
func (t *objectTable) add(key objectKey) *objectState {
	typ, ok := t.types[key.typ]
	if !ok {
		typ = key.typ
		t.types[typ] = typ
	}
	key.typ = typ
	t.index[key] = int32(len(t.states))
	t.states = append(t.states, objectState{})
	return &t.states[len(t.states)-1]
}

// objectKey names an object: a tracked table and a row id, or an event's
// object type and id.
type objectKey struct{ typ, id string }

func (k objectKey) String() string { return k.typ + "/" + k.id }

// VerifyDB checks a database against its log, reading it as an adversary
// might have left it: it recomputes every commitment from the stored
// states, rebuilds the Merkle tree from the entries and compares it with the
// stored tiles and with every signed checkpoint, and compares every row of
// the tracked tables with the state its latest entry commits to.
//
// vkey is the verifier key to trust; when empty, the key recorded in the
// database is used (and the report says so: someone who can rewrite the
// database can replace that key too). progress, when not nil, is called
// now and then with the entries checked so far and the total.
func VerifyDB(ctx context.Context, db *sqldb.DB, vkey string, tables []string, progress func(done, total int64)) (*Report, error) {
	r := &Report{KeySource: "given", Tables: len(tables)}
	meta, err := ReadMeta(ctx, db)
	if err != nil {
		return nil, err
	}
	if vkey == "" {
		vkey, r.KeySource = meta.VerifierKey, "database"
	} else if meta.VerifierKey != "" && meta.VerifierKey != vkey {
		r.add("key-mismatch", "log_meta", "the database records verifier key %q, not the key given", meta.VerifierKey)
	}
	var verifier note.Verifier
	if vkey != "" {
		if verifier, err = note.NewVerifier(vkey); err != nil {
			return nil, fmt.Errorf("verifier key: %w", err)
		}
	}
	total, err := Size(ctx, db)
	if err != nil {
		return nil, err
	}
	tree, objects, err := verifyEntries(ctx, db, r, total, progress)
	if err != nil {
		return nil, err
	}
	if err := verifyTiles(ctx, db, r, tree); err != nil {
		return nil, err
	}
	if err := verifyCheckpoints(ctx, db, r, verifier, tree); err != nil {
		return nil, err
	}
	for _, table := range tables {
		if err := verifyRows(ctx, db, r, table, objects); err != nil {
			return nil, err
		}
	}
	known := map[string]bool{}
	for _, t := range tables {
		known[t] = true
	}
	var keys []objectKey
	for key, i := range objects.index {
		if !objects.states[i].deleted && !known[key.typ] {
			keys = append(keys, key)
		}
	}
	sortKeys(keys)
	for _, key := range keys {
		r.add("table-unknown", key.String(), "log entry %d records a state of a table this verifier does not know", objects.get(key).idx)
	}
	return r, nil
}

func sortKeys(keys []objectKey) {
	slices.SortFunc(keys, func(a, b objectKey) int {
		return cmp.Or(strings.Compare(a.typ, b.typ), strings.Compare(a.id, b.id))
	})
}

// memTree is the tree rebuilt from the entries: every stored hash, in
// tlog's stored-hash order, for a tree of n entries.
type memTree struct {
	hashes []tlog.Hash
	n      int64
}

func (t *memTree) ReadHashes(ids []int64) ([]tlog.Hash, error) {
	out := make([]tlog.Hash, len(ids))
	for i, id := range ids {
		if id < 0 || id >= int64(len(t.hashes)) {
			return nil, fmt.Errorf("hash %d beyond the log", id)
		}
		out[i] = t.hashes[id]
	}
	return out, nil
}

// add appends the hashes of the next entry.
func (t *memTree) add(data []byte) error {
	h, err := tlog.StoredHashes(t.n, data, t)
	if err != nil {
		return err
	}
	t.hashes = append(t.hashes, h...)
	t.n++
	return nil
}

// logRow is one row of the log as verification reads it.
type logRow struct {
	idx           int64
	typ, id, data []byte
	salt, state   []byte // nil when the row has no stored state
}

// scanLog reads the log in index order and hands each row to emit. The
// row's bytes are copied into shared arenas rather than one allocation
// each; they stay valid for as long as the row is referenced.
func scanLog(ctx context.Context, db *sqldb.DB, emit func(logRow) error) error {
	rows, err := db.Reader.QueryContext(ctx, `SELECT e.idx, e.object_type, e.object_id, e.data, s.salt, s.state
		FROM log_entries e LEFT JOIN log_states s ON s.idx = e.idx ORDER BY e.idx`)
	if err != nil {
		return fmt.Errorf("read log: %w", err)
	}
	defer rows.Close()
	var arena []byte
	keep := func(b sql.RawBytes) []byte {
		if b == nil {
			return nil
		}
		if cap(arena)-len(arena) < len(b) {
			arena = make([]byte, 0, max(1<<16, len(b)))
		}
		n := len(arena)
		arena = append(arena, b...)
		return arena[n:len(arena):len(arena)]
	}
	for rows.Next() {
		var row logRow
		var typ, id, data, salt, state sql.RawBytes
		if err := rows.Scan(&row.idx, &typ, &id, &data, &salt, &state); err != nil {
			return fmt.Errorf("read log: %w", err)
		}
		row.typ, row.id, row.data, row.salt, row.state = keep(typ), keep(id), keep(data), keep(salt), keep(state)
		if err := emit(row); err != nil {
			return err
		}
	}
	if err := rows.Err(); err != nil {
		return fmt.Errorf("read log: %w", err)
	}
	return nil
}

// pipeline runs produce in a goroutine of its own, which hands what it
// emits to consume in chunks through a short queue. Verification reads
// rows from the database and checks them, and each half takes about as
// long as the other, so on two cores the pair takes half the time.
func pipeline[T any](ctx context.Context, produce func(ctx context.Context, emit func(T) error) error, consume func(T) error) error {
	ctx, cancel := context.WithCancel(ctx)
	defer cancel()
	const chunkSize = 256
	queue := make(chan []T, 8)
	produced := make(chan error, 1)
	go func() {
		defer close(queue)
		chunk := make([]T, 0, chunkSize)
		send := func() error {
			select {
			case queue <- chunk:
				chunk = make([]T, 0, chunkSize)
				return nil
			case <-ctx.Done():
				return ctx.Err()
			}
		}
		err := produce(ctx, func(v T) error {
			if chunk = append(chunk, v); len(chunk) == chunkSize {
				return send()
			}
			return nil
		})
		if err == nil && len(chunk) > 0 {
			err = send()
		}
		produced <- err
	}()
	var err error
	for chunk := range queue {
		for _, v := range chunk {
			if err != nil {
				break
			}
			if err = consume(v); err != nil {
				cancel() // the producer stops; the queue drains
			}
		}
	}
	if perr := <-produced; err == nil {
		err = perr
	}
	return err
}

// verifyEntries reads every entry in order, checks its encoding and
// commitment, and returns the tree rebuilt from the entries and each
// object's latest state entry.
func verifyEntries(ctx context.Context, db *sqldb.DB, r *Report, total int64, progress func(done, total int64)) (*memTree, *objectTable, error) {
	tree := &memTree{hashes: make([]tlog.Hash, 0, tlog.StoredHashCount(total))}
	objects := newObjectTable()
	var pos int64
	var lastTime string // the time of the last entry, already checked
	err := pipeline(ctx, func(ctx context.Context, emit func(logRow) error) error {
		return scanLog(ctx, db, emit)
	}, func(row logRow) error {
		idx := row.idx
		if idx > pos {
			r.add("entry-missing", entryRecord(pos), "entries %d to %d have been removed from the log", pos, idx-1)
		}
		pos = idx + 1
		r.Entries++
		if progress != nil && r.Entries%10000 == 0 {
			progress(r.Entries, total)
		}
		// Rebuild the tree from the entries as they now stand; a removed or
		// reordered entry then shows as a root that no checkpoint signed.
		if err := tree.add(row.data); err != nil {
			return err
		}
		e, err := parseEntry(row.data, lastTime)
		if err != nil {
			r.add("entry-malformed", entryRecord(idx), "%v", err)
			return nil
		}
		lastTime = e.Time
		if string(row.typ) != e.Type || string(row.id) != e.Object {
			r.add("entry-edited", entryRecord(idx), "the entry's index columns (%s/%s) do not match the entry itself (%s/%s)", row.typ, row.id, e.Type, e.Object)
		}
		if row.salt == nil {
			r.add("state-missing", entryRecord(idx), "the stored state of %s/%s version %d is missing", e.Type, e.Object, e.Version)
		} else if !bytes.Equal(Commit(row.salt, row.state), e.Commitment) {
			r.add("state-edited", entryRecord(idx), "the stored state of %s/%s version %d does not match the entry's commitment", e.Type, e.Object, e.Version)
		}
		if e.Op == OpEvent {
			return nil
		}
		key := objectKey{e.Type, e.Object}
		o := objects.get(key)
		switch {
		case o == nil:
			o = objects.add(key)
		case o.deleted:
			r.add("entry-order", entryRecord(idx), "%s changes after its deletion in entry %d", key, o.idx)
		case e.Version != o.version+1:
			r.add("entry-order", entryRecord(idx), "%s goes from version %d (entry %d) to version %d", key, o.version, o.idx, e.Version)
		}
		o.idx, o.version, o.deleted = idx, e.Version, e.Op == OpDel
		copy(o.commitment[:], e.Commitment) // parseEntry checked its length
		// A salt of another length has been reported above (its state no
		// longer matches the commitment); rows are not compared with it.
		o.hasSalt = len(row.salt) == SaltSize
		copy(o.salt[:], row.salt)
		return nil
	})
	if err != nil {
		return nil, nil, err
	}
	if pos < total {
		r.add("entry-missing", entryRecord(pos), "entries %d to %d have been removed from the log", pos, total-1)
	}
	return tree, objects, nil
}

func entryRecord(idx int64) string { return fmt.Sprintf("log entry %d", idx) }

// verifyTiles compares the stored tiles, which proofs and tiles are served
// from, with the tree rebuilt from the entries. A leaf hash that differs
// names its entry; a differing interior hash names its tile.
func verifyTiles(ctx context.Context, db *sqldb.DB, r *Report, tree *memTree) error {
	rows, err := db.Reader.QueryContext(ctx, `SELECT level, idx, data FROM log_tiles ORDER BY level, idx`)
	if err != nil {
		return fmt.Errorf("read tiles: %w", err)
	}
	defer rows.Close()
	// want returns the tile the entries give for k (W == 0: none).
	want := func(k tileKey) tlog.Tile {
		w := tree.n>>(TileHeight*k.level) - k.n*fullTile
		return tlog.Tile{H: TileHeight, L: k.level, N: k.n, W: int(max(0, min(w, fullTile)))}
	}
	seen := map[tileKey]bool{}
	for rows.Next() {
		var k tileKey
		var data []byte
		if err := rows.Scan(&k.level, &k.n, &data); err != nil {
			return err
		}
		seen[k] = true
		if err := checkTile(k, data); err != nil {
			r.add("tree-edited", k.String(), "%v", err)
			continue
		}
		t := want(k)
		if t.W == 0 {
			r.add("tree-edited", k.String(), "the stored tree has a tile beyond the entries")
			continue
		}
		expect, err := tlog.ReadTileData(t, tree)
		if err != nil {
			return err
		}
		if bytes.Equal(data, expect) {
			continue
		}
		var differ int
		for i := range max(len(data), len(expect)) / tlog.HashSize {
			lo, hi := i*tlog.HashSize, (i+1)*tlog.HashSize
			if hi <= len(data) && hi <= len(expect) && bytes.Equal(data[lo:hi], expect[lo:hi]) {
				continue
			}
			differ++
			if k.level == 0 {
				what := "the entry does not match its leaf hash in the stored tree"
				if hi > len(data) {
					what = "its leaf hash is missing from the stored tree"
				} else if hi > len(expect) {
					what = "the stored tree has a leaf hash beyond the entries"
				}
				r.add("entry-edited", entryRecord(k.n*fullTile+int64(i)), "%s: the entry was edited, removed or moved", what)
			}
		}
		if k.level > 0 {
			r.add("tree-edited", k.String(), "%d of its hashes differ from the tree rebuilt from the entries (the stored tile holds %d hashes, the entries give %d)", differ, len(data)/tlog.HashSize, t.W)
		}
	}
	if err := rows.Err(); err != nil {
		return err
	}
	for level := 0; tree.n>>(TileHeight*level) > 0; level++ {
		for k := (tileKey{level, 0}); want(k).W > 0; k.n++ {
			if !seen[k] {
				r.add("tree-edited", k.String(), "the tile is missing from the stored tree")
			}
		}
	}
	return nil
}

// verifyCheckpoints checks every stored checkpoint's signature and root.
func verifyCheckpoints(ctx context.Context, db *sqldb.DB, r *Report, v note.Verifier, tree *memTree) error {
	rows, err := db.Reader.QueryContext(ctx, `SELECT size, note FROM log_checkpoints ORDER BY size, signed_at`)
	if err != nil {
		return fmt.Errorf("read checkpoints: %w", err)
	}
	defer rows.Close()
	for rows.Next() {
		var size int64
		var msg []byte
		if err := rows.Scan(&size, &msg); err != nil {
			return err
		}
		r.Checkpoints++
		record := fmt.Sprintf("checkpoint %d", size)
		if v == nil {
			r.add("checkpoint-unverifiable", record, "no verifier key was given and the database records none")
			continue
		}
		c, err := OpenCheckpoint(msg, v)
		if err != nil {
			r.add("checkpoint-forged", record, "%v", err)
			continue
		}
		if c.Size != size {
			r.add("checkpoint-edited", record, "stored under size %d but signed for size %d", size, c.Size)
			continue
		}
		if c.Size > tree.n {
			r.add("checkpoint-mismatch", record, "signed for %d entries but the log now has %d: entries were removed", c.Size, tree.n)
			continue
		}
		root, err := tlog.TreeHash(c.Size, tree)
		if err != nil {
			return err
		}
		if root != c.Hash {
			r.add("checkpoint-mismatch", record, "the entries no longer hash to the signed root: history before entry %d was changed", c.Size)
			continue
		}
		r.Latest = c
	}
	return rows.Err()
}

// verifyRows compares each row of table with its latest log entry.
func verifyRows(ctx context.Context, db *sqldb.DB, r *Report, table string, objects *objectTable) error {
	err := pipeline(ctx, func(ctx context.Context, emit func(rowState) error) error {
		rows, err := db.Reader.QueryContext(ctx, "SELECT * FROM "+table)
		if err != nil {
			return fmt.Errorf("read %s: %w", table, err)
		}
		defer rows.Close()
		sc, err := newRowScanner(rows)
		if err != nil {
			return fmt.Errorf("read %s: %w", table, err)
		}
		for rows.Next() {
			row, err := sc.scan(rows)
			if err != nil {
				return fmt.Errorf("read %s: %w", table, err)
			}
			if err := emit(row); err != nil {
				return err
			}
		}
		return rows.Err()
	}, func(row rowState) error {
		r.Rows++
		key := objectKey{table, row.id}
		o := objects.get(key)
		switch {
		case o == nil:
			r.add("row-inserted", key.String(), "the row has no log entry: it was inserted outside the application")
			return nil
		case o.deleted:
			r.add("row-inserted", key.String(), "the row exists although log entry %d records its deletion", o.idx)
		case row.version != o.version:
			r.add("row-edited", key.String(), "the row is at version %d but its latest log entry %d records version %d", row.version, o.idx, o.version)
		case o.hasSalt && !bytes.Equal(Commit(o.salt[:], row.state), o.commitment[:]):
			r.add("row-edited", key.String(), "the row differs from the state committed in log entry %d (version %d)", o.idx, o.version)
		}
		o.seen = true
		return nil
	})
	if err != nil {
		return err
	}
	var missing []objectKey
	for key, i := range objects.index {
		if o := &objects.states[i]; key.typ == table && !o.seen && !o.deleted {
			missing = append(missing, key)
		}
	}
	sortKeys(missing)
	for _, key := range missing {
		o := objects.get(key)
		r.add("row-deleted", key.String(), "the row was deleted outside the application (its latest log entry is %d, version %d)", o.idx, o.version)
	}
	return nil
}
