package main

import (
	"flag"
	"fmt"
	"os"
	"strings"

	"github.com/vigil-project/vigil/internal/web"
)

// oidcFlags are the flags of `vigil serve` that let people sign in with
// their council's identity provider (OpenID Connect). All are optional;
// without --oidc-issuer people sign in with a Vigil password.
type oidcFlags struct {
	issuer, clientID, secretFile, redirect, name, claim, domain *string
	trustMFA                                                    *bool
}

func addOIDCFlags(fs *flag.FlagSet) *oidcFlags {
	return &oidcFlags{
		issuer:     fs.String("oidc-issuer", "", "OpenID Connect issuer URL of the organisation's identity provider (optional)"),
		clientID:   fs.String("oidc-client-id", "", "client id Vigil is registered under at the identity provider"),
		secretFile: fs.String("oidc-client-secret-file", "", "file holding the client secret (kept out of the command line)"),
		redirect:   fs.String("oidc-redirect-url", "", "this site's callback as registered, https://HOST/signin/oidc/callback"),
		name:       fs.String("oidc-name", "", `what the sign-in button calls the account, e.g. "Kettleford Council account"`),
		claim:      fs.String("oidc-username-claim", "preferred_username", "ID token claim that holds the Vigil username"),
		domain:     fs.String("oidc-username-domain", "", "if set, the claim is an address in this domain whose local part is the username"),
		trustMFA:   fs.Bool("oidc-trust-mfa", false, `skip Vigil's own code when the provider asserts a second factor ("mfa" in amr)`),
	}
}

// config returns the OpenID Connect configuration, or nil when none is set.
func (f *oidcFlags) config() (*web.OIDCConfig, error) {
	if *f.issuer == "" {
		return nil, nil
	}
	if *f.clientID == "" || *f.redirect == "" {
		return nil, &exitError{2, "--oidc-issuer needs --oidc-client-id and --oidc-redirect-url"}
	}
	c := &web.OIDCConfig{Issuer: *f.issuer, ClientID: *f.clientID, RedirectURL: *f.redirect, Name: *f.name,
		UsernameClaim: *f.claim, UsernameDomain: *f.domain, TrustMFA: *f.trustMFA}
	if *f.secretFile != "" {
		b, err := os.ReadFile(*f.secretFile)
		if err != nil {
			return nil, fmt.Errorf("OpenID Connect client secret: %w", err)
		}
		c.ClientSecret = strings.TrimSpace(string(b))
	}
	return c, nil
}
