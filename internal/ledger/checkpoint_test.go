package ledger_test

import (
	"context"
	"fmt"
	"path/filepath"
	"testing"
	"testing/synctest"
	"time"

	tnote "github.com/transparency-dev/formats/note"
	"golang.org/x/mod/sumdb/note"

	"github.com/vigil-project/vigil/internal/ledger"
	"github.com/vigil-project/vigil/internal/sqldb"
)

// The checkpointer's promises (DESIGN.md section 3) are about time: a
// checkpoint within 1 s of new entries, and a re-signed one every 10
// minutes while idle. Tests in a synctest bubble run the real sequencer and
// checkpointer on a real SQLite file with a fake clock, so "within 1 s" is
// checked exactly, whatever the load on the machine, and ten idle minutes
// pass at once.

// seedSerial writes n widgets one after another and signs a checkpoint.
// Bubble tests write serially: with concurrent writers the sequencer
// lingers for more by polling the clock (see fill), and a fake clock does
// not move while a goroutine polls it.
func seedSerial(t *testing.T, l *ledger.Log, n int) {
	t.Helper()
	ctx := context.Background()
	for i := range n {
		id := fmt.Sprintf("s%04d", i)
		if err := l.Write(ctx, func(tx *ledger.Tx) error { return putWidget(tx, id, "widget "+id) }); err != nil {
			t.Fatal(err)
		}
	}
	if _, err := l.Checkpoint(ctx); err != nil {
		t.Fatal(err)
	}
}

// bubbleLog opens a log on a new SQLite file inside the current bubble:
// the database pools' goroutines and timers must belong to it.
func bubbleLog(t *testing.T, dir string) (*sqldb.DB, *ledger.Log, *ledger.Key) {
	t.Helper()
	db, err := sqldb.Open(context.Background(), "sqlite:"+filepath.Join(dir, "v.db"))
	if err != nil {
		t.Fatal(err)
	}
	key := newKey(t)
	l := openLog(t, db, key)
	t.Cleanup(func() { l.Close(); db.Close() })
	return db, l, key
}

func TestCheckpointWithinOneSecond(t *testing.T) {
	dir := t.TempDir()
	synctest.Test(t, func(t *testing.T) {
		ctx := context.Background()
		db, l, _ := bubbleLog(t, dir)
		for i := range 5 {
			// Each write comes right after the last checkpoint, when the
			// checkpointer is still holding back (CheckpointEvery).
			id := fmt.Sprintf("w%d", i)
			if err := l.Write(ctx, func(tx *ledger.Tx) error { return putWidget(tx, id, "widget") }); err != nil {
				t.Fatal(err)
			}
			size, err := ledger.Size(ctx, db)
			if err != nil {
				t.Fatal(err)
			}
			start := time.Now()
			time.Sleep(time.Second)
			synctest.Wait()
			c, err := l.Latest(ctx)
			if err != nil {
				t.Fatalf("write %d: no checkpoint 1 s after it: %v", i, err)
			}
			if c.Size < size {
				t.Fatalf("write %d: 1 s after entry %d was committed the latest checkpoint covers only %d entries", i, size-1, c.Size)
			}
			at, ok, err := ledger.CheckpointTime(c.Note, l.Key().VerifierKey())
			if err != nil || !ok {
				t.Fatalf("write %d: checkpoint time: %v, %v", i, ok, err)
			}
			if d := at.Sub(start.Truncate(time.Second)); d < 0 || d > time.Second {
				t.Errorf("write %d: signed %v after the write", i, d)
			}
		}
	})
}

// TestCheckpointWithinOneSecondRealTime is the same promise on the real
// clock and both engines: the latency is printed, and the deadline is
// generous so that a busy machine does not fail it.
func TestCheckpointWithinOneSecondRealTime(t *testing.T) {
	engines(t, func(t *testing.T, db *sqldb.DB) {
		ctx := context.Background()
		l := openLog(t, db, newKey(t))
		if err := l.Write(ctx, func(tx *ledger.Tx) error { return putWidget(tx, "rt", "widget") }); err != nil {
			t.Fatal(err)
		}
		size, err := ledger.Size(ctx, db)
		if err != nil {
			t.Fatal(err)
		}
		start := time.Now()
		wctx, cancel := context.WithTimeout(ctx, 15*time.Second)
		defer cancel()
		c, err := l.WaitCheckpoint(wctx, size)
		if err != nil {
			t.Fatalf("no checkpoint covering %d entries within 15 s: %v", size, err)
		}
		t.Logf("checkpoint of size %d observed %v after the write returned", c.Size, time.Since(start).Round(time.Millisecond))
	})
}

// TestCheckpointAtStartup: a crash between a commit and its checkpoint
// leaves entries no checkpoint covers. The next start signs them without
// waiting for another write, which may not come for a long time.
func TestCheckpointAtStartup(t *testing.T) {
	engines(t, func(t *testing.T, db *sqldb.DB) {
		ctx := context.Background()
		key := newKey(t)
		l := openLog(t, db, key)
		seed(t, l, 20)
		if err := l.Close(); err != nil {
			t.Fatal(err)
		}
		size, err := ledger.Size(ctx, db)
		if err != nil {
			t.Fatal(err)
		}
		// The crash: the last entries were committed, their checkpoint never
		// stored.
		if _, err := db.Writer.ExecContext(ctx, db.Rebind(`DELETE FROM log_checkpoints WHERE size > ?`), size-5); err != nil {
			t.Fatal(err)
		}
		l = openLog(t, db, key)
		wctx, cancel := context.WithTimeout(ctx, 15*time.Second)
		defer cancel()
		c, err := l.WaitCheckpoint(wctx, size)
		if err != nil {
			t.Fatalf("after a restart no checkpoint covers the %d committed entries: %v", size, err)
		}
		if c.Size != size {
			t.Errorf("start-up checkpoint size %d, want %d", c.Size, size)
		}
		if r := verify(t, db, key.VerifierKey()); !r.OK() {
			t.Errorf("%s: %v", r.Summary(), r.Problems)
		}
	})
}

// TestIdleResign: an idle log signs its tree again every 10 minutes with a
// new timestamp, keeps every checkpoint, and each one verifies.
func TestIdleResign(t *testing.T) {
	dir := t.TempDir()
	synctest.Test(t, func(t *testing.T) {
		ctx := context.Background()
		db, l, key := bubbleLog(t, dir)
		seedSerial(t, l, 10)
		synctest.Wait()
		first, err := l.Latest(ctx)
		if err != nil {
			t.Fatal(err)
		}
		count := func() int {
			var n int
			if err := db.Reader.QueryRowContext(ctx, `SELECT COUNT(*) FROM log_checkpoints`).Scan(&n); err != nil {
				t.Fatal(err)
			}
			return n
		}
		before := count()

		time.Sleep(9 * time.Minute)
		synctest.Wait()
		if n := count(); n != before {
			t.Fatalf("re-signed after 9 idle minutes: %d checkpoints, was %d", n, before)
		}
		time.Sleep(time.Minute + time.Second)
		synctest.Wait()
		if n := count(); n != before+1 {
			t.Fatalf("after 10 idle minutes %d checkpoints, want %d", n, before+1)
		}
		time.Sleep(10 * time.Minute)
		synctest.Wait()
		if n := count(); n != before+2 {
			t.Fatalf("after 20 idle minutes %d checkpoints, want %d", n, before+2)
		}

		latest, err := l.Latest(ctx)
		if err != nil {
			t.Fatal(err)
		}
		if latest.Size != first.Size || latest.Hash != first.Hash {
			t.Fatalf("re-signed checkpoint is of size %d root %x, the tree is of size %d root %x", latest.Size, latest.Hash, first.Size, first.Hash)
		}
		if string(latest.Note) == string(first.Note) {
			t.Fatal("the re-signed checkpoint is byte for byte the first: an auditor cannot tell the log is live")
		}
		t1, ok1, err1 := ledger.CheckpointTime(first.Note, key.VerifierKey())
		t2, ok2, err2 := ledger.CheckpointTime(latest.Note, key.VerifierKey())
		if !ok1 || !ok2 || err1 != nil || err2 != nil {
			t.Fatalf("checkpoint times: %v %v %v %v", ok1, ok2, err1, err2)
		}
		if d := t2.Sub(t1); d < 20*time.Minute || d > 21*time.Minute {
			t.Errorf("the re-signed checkpoint's time is %v after the first, want 20 minutes", d)
		}

		// Every stored checkpoint verifies, with Vigil's verifier and with
		// an independent one: the log's note signature with x/mod's note
		// package and its timestamp with transparency-dev's cosignature
		// verifier.
		r := verify(t, db, key.VerifierKey())
		if !r.OK() || r.Checkpoints != before+2 {
			t.Errorf("%s: %d checkpoints, want %d: %v", r.Summary(), r.Checkpoints, before+2, r.Problems)
		}
		lv, err := note.NewVerifier(key.VerifierKey())
		if err != nil {
			t.Fatal(err)
		}
		cvkey, err := tnote.VKeyToCosignatureV1(key.VerifierKey())
		if err != nil {
			t.Fatal(err)
		}
		cv, err := tnote.NewVerifierForCosignatureV1(cvkey)
		if err != nil {
			t.Fatal(err)
		}
		rows, err := db.Reader.QueryContext(ctx, `SELECT note FROM log_checkpoints`)
		if err != nil {
			t.Fatal(err)
		}
		defer rows.Close()
		for rows.Next() {
			var msg []byte
			if err := rows.Scan(&msg); err != nil {
				t.Fatal(err)
			}
			n, err := note.Open(msg, note.VerifierList(lv, cv))
			if err != nil || len(n.Sigs) != 2 {
				t.Errorf("checkpoint does not carry two valid signatures (%v):\n%s", err, msg)
			}
		}
	})
}

// TestCheckpointTimeRefusesForgery: a timestamp line that was not made by
// the log's key, or was moved from another checkpoint, is refused.
func TestCheckpointTimeRefusesForgery(t *testing.T) {
	dir := t.TempDir()
	synctest.Test(t, func(t *testing.T) {
		ctx := context.Background()
		_, l, key := bubbleLog(t, dir)
		seedSerial(t, l, 3)
		a, err := l.Latest(ctx)
		if err != nil {
			t.Fatal(err)
		}
		seedSerial(t, l, 3)
		b, err := l.Latest(ctx)
		if err != nil {
			t.Fatal(err)
		}
		// b's body with a's timestamp signature line.
		sigA := a.Note[len(a.Note)-lastLineLen(a.Note):]
		forged := append(b.Note[:len(b.Note)-lastLineLen(b.Note):len(b.Note)-lastLineLen(b.Note)], sigA...)
		if _, _, err := ledger.CheckpointTime(forged, key.VerifierKey()); err == nil {
			t.Errorf("a timestamp moved from another checkpoint was accepted:\n%s", forged)
		}
		if _, ok, err := ledger.CheckpointTime(b.Note, key.VerifierKey()); err != nil || !ok {
			t.Errorf("the genuine checkpoint's time: %v %v", ok, err)
		}
	})
}

// lastLineLen is the length of the last line of a note, with its newline.
func lastLineLen(msg []byte) int {
	i := len(msg) - 2
	for i >= 0 && msg[i] != '\n' {
		i--
	}
	return len(msg) - i - 1
}
