package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"

	"github.com/vigil-project/vigil/internal/ledger"
)

func runKeys(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	if len(args) == 0 || args[0] != "generate" {
		return &exitError{2, "usage: vigil keys generate --origin NAME --out FILE"}
	}
	fs := flags("keys generate", stderr)
	origin := fs.String("origin", "", "the log's origin, a host name and path such as vigil.example-council.gov.uk/log (required)")
	out := fs.String("out", "", "file to write the private signing key to, readable only by you (required); the verifier key goes to FILE.pub")
	if err := fs.Parse(args[1:]); err != nil {
		return err
	}
	if *origin == "" || *out == "" {
		fs.Usage()
		return &exitError{2, "--origin and --out are required"}
	}
	if _, err := os.Stat(*out); err == nil {
		return fmt.Errorf("%s already exists; a log's key is never overwritten, because losing it loses the log", *out)
	} else if !errors.Is(err, os.ErrNotExist) {
		return err
	}
	skey, vkey, err := ledger.GenerateKey(*origin)
	if err != nil {
		return err
	}
	if err := ledger.WriteKeyFile(*out, skey); err != nil {
		return err
	}
	if err := os.WriteFile(*out+".pub", []byte(vkey+"\n"), 0o644); err != nil {
		return err
	}
	fmt.Fprintf(stdout, "Signing key written to %s (keep it secret; mode 0600).\nVerifier key (publish it; auditors need it):\n%s\n", *out, vkey)
	return nil
}
