package main

import (
	"context"
	"fmt"
	"io"

	"github.com/vigil-project/vigil/internal/sqldb"
	"github.com/vigil-project/vigil/internal/sqlstore"
)

func runMigrate(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	fs := flags("migrate", stderr)
	dsn := fs.String("db", "", "database: sqlite:PATH or postgres://... (required)")
	if err := fs.Parse(args); err != nil {
		return err
	}
	if *dsn == "" {
		fs.Usage()
		return &exitError{2, "--db is required"}
	}
	db, err := sqldb.Open(ctx, *dsn)
	if err != nil {
		return err
	}
	defer db.Close()
	s, err := sqlstore.Open(ctx, db, nil, nil)
	if err != nil {
		return err
	}
	s.Close()
	fmt.Fprintln(stdout, "migrations applied to", sqldb.Redact(*dsn))
	return nil
}
