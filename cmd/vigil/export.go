package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"

	"github.com/vigil-project/vigil"
	"github.com/vigil-project/vigil/internal/evidence"
	"github.com/vigil-project/vigil/internal/ledger"
	"github.com/vigil-project/vigil/internal/sqldb"
	"github.com/vigil-project/vigil/internal/sqlstore"
)

// runExport writes a case's evidence bundle. The export is a read like any
// other: it is done as a named person who must hold the export grant, and
// it is logged (purpose "export") before the bundle is written, so the
// bundle itself records that it was made.
func runExport(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	fs := flags("export", stderr)
	dsn := fs.String("db", "", "database: sqlite:PATH or postgres://... (required)")
	keyFile := fs.String("key", "", "the log's signing key file (required: the export is logged, and the log signs a checkpoint covering it)")
	caseID := fs.String("case", "", "the id of the case to export (required)")
	as := fs.String("as", "", "the username of the person exporting, who must be allowed to (an investigator); the export is logged as theirs (required)")
	out := fs.String("out", "", "the zip file to write (required)")
	if err := fs.Parse(args); err != nil {
		return err
	}
	if *dsn == "" || *keyFile == "" || *caseID == "" || *as == "" || *out == "" {
		fs.Usage()
		return &exitError{2, "--db, --key, --case, --as and --out are required"}
	}
	key, err := ledger.LoadKey(*keyFile)
	if err != nil {
		return err
	}
	db, err := sqldb.Open(ctx, *dsn)
	if err != nil {
		return err
	}
	defer db.Close()
	store, err := sqlstore.Open(ctx, db, key, newLogger(stderr, false))
	if err != nil {
		return err
	}
	defer store.Close()
	users, err := store.Users(ctx)
	if err != nil {
		return err
	}
	var who *vigil.User
	for _, u := range users {
		if u.Username == *as {
			who = u
		}
	}
	if who == nil {
		return &exitError{2, "--as: give the username of an account that may export the case (an investigator)"}
	}
	zip, err := store.ExportCase(ctx, vigil.UserActor(who), vigil.ID(*caseID))
	if err != nil {
		if vigil.ErrorCode(err) != vigil.EINTERNAL {
			return errors.New(vigil.ErrorMessage(err))
		}
		return err
	}
	// O_EXCL: an exported bundle is evidence; never overwrite one silently.
	f, err := os.OpenFile(*out, os.O_CREATE|os.O_EXCL|os.O_WRONLY, 0o600)
	if err != nil {
		return err
	}
	if _, err := f.Write(zip); err != nil {
		f.Close()
		return err
	}
	if err := f.Close(); err != nil {
		return err
	}
	b, err := evidence.Parse(zip)
	if err != nil {
		return err
	}
	fmt.Fprintf(stdout, "wrote %s: case %s, %d log entries with their proofs (%d bytes)\n", *out, *caseID, len(b.Items), len(zip))
	return nil
}

// verifyBundle checks an evidence bundle offline.
func verifyBundle(path, key string, stdout io.Writer) error {
	data, err := readBundle(path)
	if err != nil {
		return err
	}
	b, err := evidence.Parse(data)
	if err != nil {
		return &exitError{1, path + ": " + err.Error()}
	}
	s, err := b.Verify(key)
	if err != nil {
		return &exitError{1, path + ": verification failed:\n" + err.Error()}
	}
	fmt.Fprintln(stdout, s)
	return nil
}

// readBundle reads a bundle file, refusing one too large to be a bundle
// before reading it all.
func readBundle(path string) ([]byte, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	data, err := io.ReadAll(io.LimitReader(f, evidence.MaxBundleSize+1))
	if err != nil {
		return nil, err
	}
	if len(data) > evidence.MaxBundleSize {
		return nil, &exitError{1, fmt.Sprintf("%s is larger than any evidence bundle (%d bytes)", path, evidence.MaxBundleSize)}
	}
	return data, nil
}
