package main

import (
	"context"
	"fmt"
	"io"
	"strings"
	"time"

	"github.com/pquerna/otp"
	"github.com/pquerna/otp/totp"
)

// runCode prints the current RFC 6238 code for a key, as an authenticator
// app would show it, so that the demo can be tried without a phone.
func runCode(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	fs := flags("code", stderr)
	if err := fs.Parse(args); err != nil {
		return err
	}
	if fs.NArg() != 1 {
		fs.Usage()
		return &exitError{2, "give one authenticator key, as printed by vigil demo or shown on the set-up page"}
	}
	key := strings.ToUpper(strings.ReplaceAll(fs.Arg(0), " ", ""))
	now := time.Now()
	code, err := totp.GenerateCodeCustom(key, now, totp.ValidateOpts{Period: 30, Digits: otp.DigitsSix, Algorithm: otp.AlgorithmSHA1})
	if err != nil {
		return &exitError{2, "the key is not a base32 authenticator key"}
	}
	fmt.Fprintf(stdout, "%s (valid for %d more seconds; each code works once)\n", code, 30-now.Unix()%30)
	return nil
}
