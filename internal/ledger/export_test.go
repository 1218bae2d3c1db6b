package ledger

import (
	"context"

	"golang.org/x/mod/sumdb/tlog"

	"github.com/vigil-project/vigil/internal/sqldb"
)

// RebuildTiles replaces the stored tree with one recomputed from the
// entries. Only tests use it, to play an insider who rewrites history and
// covers their tracks.
func RebuildTiles(ctx context.Context, db *sqldb.DB) error {
	size, err := Size(ctx, db)
	if err != nil {
		return err
	}
	l := &Log{db: db, stmts: stmtCache{db: db}}
	defer l.stmts.close()
	data, err := l.EntryData(ctx, 0, size)
	if err != nil {
		return err
	}
	tree := newTreeAppender(nil, func([]tlog.Tile) (map[tileKey][]byte, error) { return nil, nil })
	for i, d := range data {
		if err := tree.add(int64(i), d); err != nil {
			return err
		}
	}
	tx, err := db.Writer.BeginTx(ctx, nil)
	if err != nil {
		return err
	}
	defer tx.Rollback()
	if _, err := tx.ExecContext(ctx, `DELETE FROM log_tiles`); err != nil {
		return err
	}
	if err := l.upsertTiles(ctx, tx, tree.dirty, tree.tiles); err != nil {
		return err
	}
	return tx.Commit()
}
