package e2e

import (
	"bytes"
	"context"
	"fmt"
	"net/url"
	"testing"

	"github.com/transparency-dev/merkle/proof"
	"github.com/transparency-dev/merkle/rfc6962"
	"github.com/transparency-dev/tessera/client"
	"golang.org/x/mod/sumdb/note"

	"github.com/vigil-project/vigil"
)

// TestIndependentTlogClient audits the log a running Vigil serves under
// /log/ with an independent C2SP tlog-tiles client, Tessera's, so that the
// claim "any tlog-tiles client can audit it" does not rest on Vigil's own
// auditor (which shares golang.org/x/mod/sumdb/tlog with the server and so
// could share its mistakes). Tessera's client has its own tile paths, its
// own partial-tile arithmetic and its own proof construction; the merkle
// module checks the proofs against RFC 6962.
func TestIndependentTlogClient(t *testing.T) {
	a := startApp(t)
	ctx := context.Background()

	// More than 256 entries, so that the client meets a full entry bundle
	// and level-0 tile (width 256) as well as partial ones (.p/<W>), and a
	// level-1 tile.
	raiseConcerns(t, a, 70) // 4 entries each
	if _, err := a.store.Log().Checkpoint(ctx); err != nil {
		t.Fatal(err)
	}

	root, err := url.Parse(a.url + "/log/")
	if err != nil {
		t.Fatal(err)
	}
	f, err := client.NewHTTPFetcher(root, nil)
	if err != nil {
		t.Fatal(err)
	}
	// The client trusts only the published verifier key and origin.
	v, err := note.NewVerifier(a.key.VerifierKey())
	if err != nil {
		t.Fatal(err)
	}
	origin := a.key.Origin()

	cp, cpRaw, _, err := client.FetchCheckpoint(ctx, f.ReadCheckpoint, v, origin)
	if err != nil {
		t.Fatalf("Tessera's client refuses Vigil's checkpoint: %v", err)
	}
	if cp.Size <= 256 {
		t.Fatalf("checkpoint size %d: the test needs more than 256 entries to reach a partial tile", cp.Size)
	}
	t.Logf("checkpoint: origin %s, size %d, root %x", cp.Origin, cp.Size, cp.Hash)

	// Every entry the checkpoint covers, fetched bundle by bundle.
	entries := fetchEntries(t, ctx, f, cp.Size)
	if uint64(len(entries)) != cp.Size {
		t.Fatalf("the entry bundles hold %d entries, the checkpoint says %d", len(entries), cp.Size)
	}

	// The level-0 tiles must hold exactly the RFC 6962 leaf hashes of the
	// served entries.
	leaves, err := client.FetchLeafHashes(ctx, f.ReadTile, 0, cp.Size, cp.Size)
	if err != nil {
		t.Fatalf("fetch leaf hashes: %v", err)
	}
	for i, e := range entries {
		if want := rfc6962.DefaultHasher.HashLeaf(e); !bytes.Equal(leaves[i], want) {
			t.Errorf("level-0 tile holds %x for entry %d, whose leaf hash is %x", leaves[i], i, want)
		}
	}

	// Every entry is in the signed tree: an inclusion proof that Tessera
	// builds from the served tiles takes its leaf hash to the signed root.
	pb, err := client.NewProofBuilder(ctx, cp.Size, f.ReadTile)
	if err != nil {
		t.Fatal(err)
	}
	for i, e := range entries {
		if err := checkInclusion(ctx, pb, uint64(i), e, cp.Size, cp.Hash); err != nil {
			t.Error(err)
		}
	}

	// Consistency: remember this checkpoint, let the log grow (the partial
	// bundle and tiles widen), and have Tessera's log state tracker prove
	// that the new tree extends the remembered one.
	tracker, err := client.NewLogStateTracker(ctx, f.ReadTile, cpRaw, v, origin, client.UnilateralConsensus(f.ReadCheckpoint))
	if err != nil {
		t.Fatal(err)
	}
	raiseConcerns(t, a, 5)
	if _, err := a.store.Log().Checkpoint(ctx); err != nil {
		t.Fatal(err)
	}
	_, consistency, _, err := tracker.Update(ctx)
	if err != nil {
		t.Fatalf("Tessera's client finds the grown log inconsistent with the remembered checkpoint: %v", err)
	}
	latest := tracker.Latest()
	if latest.Size <= cp.Size {
		t.Fatalf("after adding entries the tracked size is %d, want more than %d", latest.Size, cp.Size)
	}
	if len(consistency) == 0 {
		t.Fatalf("no consistency proof from size %d to %d", cp.Size, latest.Size)
	}
	t.Logf("consistent: size %d -> %d with a proof of %d hashes", cp.Size, latest.Size, len(consistency))
	// The new entries are in the new tree too.
	grown := fetchEntries(t, ctx, f, latest.Size)
	pb, err = client.NewProofBuilder(ctx, latest.Size, f.ReadTile)
	if err != nil {
		t.Fatal(err)
	}
	for i := cp.Size; i < latest.Size; i++ {
		if err := checkInclusion(ctx, pb, i, grown[i], latest.Size, latest.Hash); err != nil {
			t.Error(err)
		}
	}

	// The check must be able to fail: rewrite entry 5 in the database behind
	// Vigil's back, keeping its length, and the independent client must find
	// that the entry now served no longer hashes to the signed root.
	const tampered = 5
	var data []byte
	if err := a.db.Reader.QueryRowContext(ctx, a.db.Rebind(`SELECT data FROM log_entries WHERE idx = ?`), tampered).Scan(&data); err != nil {
		t.Fatal(err)
	}
	forged := bytes.Clone(data)
	i := bytes.Index(forged, []byte(`"op":"`)) + len(`"op":"`) // change the op's first letter
	forged[i] ^= 0x20                                          // "put" becomes "PUT", "del" "DEL": same length
	if _, err := a.db.Writer.ExecContext(ctx, a.db.Rebind(`UPDATE log_entries SET data = ? WHERE idx = ?`), forged, tampered); err != nil {
		t.Fatal(err)
	}
	after := fetchEntries(t, ctx, f, latest.Size)
	if !bytes.Equal(after[tampered], forged) {
		t.Fatalf("Vigil serves entry %d as %q, not the rewritten %q", tampered, after[tampered], forged)
	}
	if err := checkInclusion(ctx, pb, tampered, after[tampered], latest.Size, latest.Hash); err == nil {
		t.Errorf("entry %d was rewritten to %q, yet its inclusion proof still verifies", tampered, forged)
	} else {
		t.Logf("rewritten entry caught, as it must be: %v", err)
	}
	// Its neighbours in the same bundle are untouched and still verify, so
	// the failure above is the rewrite and not a broken proof.
	for _, j := range []uint64{tampered - 1, tampered + 1} {
		if err := checkInclusion(ctx, pb, j, after[j], latest.Size, latest.Hash); err != nil {
			t.Error(err)
		}
	}
}

// raiseConcerns has a designated safeguarding lead raise n concerns through
// the store, each appending several entries to the log.
func raiseConcerns(t *testing.T, a *app, n int) {
	t.Helper()
	dsl := vigil.UserActor(a.town.Login("school.dsl").User)
	for i := range n {
		_, _, err := a.store.RaiseConcern(context.Background(), dsl, vigil.NewConcern{
			Child:        vigil.Child{Name: fmt.Sprintf("Test Child %d", i), DateOfBirth: "2012-02-28"},
			WhatHappened: "Seen getting into a car with older men outside school.",
		})
		if err != nil {
			t.Fatal(err)
		}
	}
}

// fetchEntries reads entries [0, size) through Tessera's client, which
// works out for itself which bundles are full and which are partial.
func fetchEntries(t *testing.T, ctx context.Context, f *client.HTTPFetcher, size uint64) [][]byte {
	t.Helper()
	var out [][]byte
	for n := uint64(0); n*256 < size; n++ {
		b, err := client.GetEntryBundle(ctx, f.ReadEntryBundle, n, size)
		if err != nil {
			t.Fatalf("entry bundle %d: %v", n, err)
		}
		if want := min(size-n*256, 256); uint64(len(b.Entries)) != want {
			t.Fatalf("entry bundle %d holds %d entries, want %d", n, len(b.Entries), want)
		}
		out = append(out, b.Entries...)
	}
	return out
}

// checkInclusion checks that entry data, at index idx, is in the tree of
// the given size and root, with a proof Tessera builds from the tiles.
func checkInclusion(ctx context.Context, pb *client.ProofBuilder, idx uint64, data []byte, size uint64, root []byte) error {
	p, err := pb.InclusionProof(ctx, idx)
	if err != nil {
		return fmt.Errorf("inclusion proof for entry %d: %w", idx, err)
	}
	leaf := rfc6962.DefaultHasher.HashLeaf(data)
	if err := proof.VerifyInclusion(rfc6962.DefaultHasher, idx, size, leaf, p, root); err != nil {
		return fmt.Errorf("entry %d is not in the tree of size %d: %w", idx, size, err)
	}
	return nil
}
