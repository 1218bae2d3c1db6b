package main

import (
	"bytes"
	"context"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/transparency-dev/merkle/compact"
	"github.com/transparency-dev/merkle/proof"
	"github.com/transparency-dev/merkle/rfc6962"
	"github.com/transparency-dev/tessera/client"
	"golang.org/x/mod/sumdb/note"
)

// TestDemoLogIndependentClient is the "done when": the log that
// `vigil demo` serves verifies with an independent C2SP tlog-tiles client.
// It starts the real command, reads demo.json as a script would, and
// audits /log/ with Tessera's client and transparency-dev/merkle, trusting
// nothing but the log_key: the checkpoint's signature, every entry bundle
// hashed into the signed tree (the root recomputed from the entries alone),
// inclusion proofs, and a consistency proof after the demo has grown.
func TestDemoLogIndependentClient(t *testing.T) {
	d := startDemo(t)
	ctx := context.Background()
	root, err := url.Parse(d.df.URL + "/log/")
	if err != nil {
		t.Fatal(err)
	}
	f, err := client.NewHTTPFetcher(root, nil)
	if err != nil {
		t.Fatal(err)
	}
	v, err := note.NewVerifier(d.df.LogKey)
	if err != nil {
		t.Fatalf("demo.json's log_key is not a note verifier key: %v", err)
	}
	origin := v.Name() // C2SP: the log's key is named after its origin

	cp, cpRaw, _, err := client.FetchCheckpoint(ctx, f.ReadCheckpoint, v, origin)
	if err != nil {
		t.Fatalf("Tessera's client refuses the demo's checkpoint: %v", err)
	}
	if cp.Size < 300 {
		t.Fatalf("the demo's log has %d entries; the audit needs more than a full bundle", cp.Size)
	}
	t.Logf("demo checkpoint: origin %s, size %d", cp.Origin, cp.Size)

	// Every entry, bundle by bundle; the tree is rebuilt from their leaf
	// hashes with merkle's compact ranges and must give the signed root,
	// and the level-0 tiles must hold the same leaf hashes.
	entries := bundles(t, ctx, f, cp.Size)
	rf := compact.RangeFactory{Hash: rfc6962.DefaultHasher.HashChildren}
	tree := rf.NewEmptyRange(0)
	for _, e := range entries {
		if err := tree.Append(rfc6962.DefaultHasher.HashLeaf(e), nil); err != nil {
			t.Fatal(err)
		}
	}
	got, err := tree.GetRootHash(nil)
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(got, cp.Hash) {
		t.Fatalf("the %d served entries hash to root %x, the signed checkpoint says %x", len(entries), got, cp.Hash)
	}
	leaves, err := client.FetchLeafHashes(ctx, f.ReadTile, 0, cp.Size, cp.Size)
	if err != nil {
		t.Fatal(err)
	}
	for i, e := range entries {
		if !bytes.Equal(leaves[i], rfc6962.DefaultHasher.HashLeaf(e)) {
			t.Fatalf("the level-0 tile's hash of entry %d is not the entry's leaf hash", i)
		}
	}

	// Inclusion proofs built by Tessera from the served tiles: the first,
	// the last and every 97th entry, so every tile level takes part.
	pb, err := client.NewProofBuilder(ctx, cp.Size, f.ReadTile)
	if err != nil {
		t.Fatal(err)
	}
	for i := uint64(0); i < cp.Size; i += 97 {
		checkIncluded(t, ctx, pb, i, entries[i], cp.Size, cp.Hash)
	}
	checkIncluded(t, ctx, pb, cp.Size-1, entries[cp.Size-1], cp.Size, cp.Hash)

	// The demo grows: someone reports a concern on the public page (no
	// account). Its checkpointer signs the new entries by itself, and the
	// new tree must be consistent with the one remembered.
	tracker, err := client.NewLogStateTracker(ctx, f.ReadTile, cpRaw, v, origin, client.UnilateralConsensus(f.ReadCheckpoint))
	if err != nil {
		t.Fatal(err)
	}
	form := url.Values{"source": {"public"}, "child-name": {"Audit Child"}, "child-age": {"12"},
		"what-happened": {"A man in a silver car waits outside the park most evenings."}}
	resp, err := http.Post(d.df.URL+"/report", "application/x-www-form-urlencoded", strings.NewReader(form.Encode()))
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.Request.URL.Path != "/report/received" {
		t.Fatalf("public report: ended at %s (%s)", resp.Request.URL, resp.Status)
	}
	deadline := time.Now().Add(15 * time.Second)
	for tracker.Latest().Size <= cp.Size {
		if time.Now().After(deadline) {
			t.Fatalf("no checkpoint beyond size %d within 15 s of a new report", cp.Size)
		}
		time.Sleep(50 * time.Millisecond)
		if _, _, _, err := tracker.Update(ctx); err != nil {
			t.Fatalf("Tessera's client finds the grown log inconsistent with the remembered checkpoint: %v", err)
		}
	}
	latest := tracker.Latest()
	pb, err = client.NewProofBuilder(ctx, latest.Size, f.ReadTile)
	if err != nil {
		t.Fatal(err)
	}
	cons, err := pb.ConsistencyProof(ctx, cp.Size, latest.Size)
	if err != nil {
		t.Fatal(err)
	}
	if err := proof.VerifyConsistency(rfc6962.DefaultHasher, cp.Size, latest.Size, cons, cp.Hash, latest.Hash); err != nil {
		t.Fatalf("consistency from %d to %d: %v", cp.Size, latest.Size, err)
	}
	// The proof must be able to fail: against a wrong old root it does.
	wrong := bytes.Clone(cp.Hash)
	wrong[0] ^= 1
	if err := proof.VerifyConsistency(rfc6962.DefaultHasher, cp.Size, latest.Size, cons, wrong, latest.Hash); err == nil {
		t.Fatal("a consistency proof verified against a wrong old root")
	}
	grown := bundles(t, ctx, f, latest.Size)
	for i := cp.Size; i < latest.Size; i++ {
		checkIncluded(t, ctx, pb, i, grown[i], latest.Size, latest.Hash)
	}
	t.Logf("consistent: size %d -> %d, proof of %d hashes", cp.Size, latest.Size, len(cons))
}

// bundles fetches entries [0, size) through Tessera's client.
func bundles(t *testing.T, ctx context.Context, f *client.HTTPFetcher, size uint64) [][]byte {
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

func checkIncluded(t *testing.T, ctx context.Context, pb *client.ProofBuilder, idx uint64, data []byte, size uint64, root []byte) {
	t.Helper()
	p, err := pb.InclusionProof(ctx, idx)
	if err != nil {
		t.Fatalf("inclusion proof for entry %d: %v", idx, err)
	}
	if err := proof.VerifyInclusion(rfc6962.DefaultHasher, idx, size, rfc6962.DefaultHasher.HashLeaf(data), p, root); err != nil {
		t.Errorf("entry %d is not in the tree of size %d: %v", idx, size, err)
	}
}
