package api

import (
	"context"
	"net/http"
	"strings"
	"testing"

	"github.com/vigil-project/vigil"
)

// TestRevokedTokenRefused replays tokens after they were revoked by their
// owner, revoked by an administrator, and ended by a suspension: each is
// refused at its next request with 401 and an invalid_token challenge, and
// the refusal is logged.
func TestRevokedTokenRefused(t *testing.T) {
	e := newEnv(t)
	ctx := context.Background()
	admin := vigil.UserActor(e.user(t, "admin"))
	for _, tc := range []struct {
		login  string
		revoke func(u *vigil.User) error
	}{
		{"police.officer", func(u *vigil.User) error {
			tokens, err := e.store.APITokens(ctx, vigil.UserActor(u), u.ID)
			if err != nil {
				return err
			}
			return e.store.RevokeAPIToken(ctx, vigil.UserActor(u), tokens[0].ID)
		}},
		{"social.worker", func(u *vigil.User) error {
			_, err := e.store.Administer(ctx, admin, vigil.AdminChange{Action: vigil.AdminRevokeTokens, UserID: u.ID, Reason: "Laptop stolen"})
			return err
		}},
		{"team.manager", func(u *vigil.User) error {
			return e.store.SetUserStatus(ctx, admin, u.ID, vigil.UserSuspended, "Pending investigation")
		}},
	} {
		t.Run(tc.login, func(t *testing.T) {
			req := request{method: "GET", path: "/api/v1/cases", login: tc.login}
			if resp, _ := e.do(t, req); resp.StatusCode != http.StatusOK {
				t.Fatalf("before revocation: %d", resp.StatusCode)
			}
			if err := tc.revoke(e.user(t, tc.login)); err != nil {
				t.Fatal(err)
			}
			resp, _ := e.do(t, req)
			if resp.StatusCode != http.StatusUnauthorized || !strings.Contains(resp.Header.Get("WWW-Authenticate"), `error="invalid_token"`) {
				t.Errorf("replayed token: %d %q", resp.StatusCode, resp.Header.Get("WWW-Authenticate"))
			}
		})
	}
	if n := strings.Count(e.logs.String(), `"status":401`); n < 3 {
		t.Errorf("%d refusals logged, want 3:\n%s", n, e.logs.String())
	}
}
