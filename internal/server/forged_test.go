package server_test

import (
	"crypto/sha256"
	"net/http"
	"net/http/cookiejar"
	"net/url"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/vigil-project/vigil/internal/pgtest"
	"github.com/vigil-project/vigil/internal/sqldb"
)

// TestForgedCredentialsRefusedOverHTTP plays a database administrator who
// can write any row, has an account of their own ("referrer") and knows
// the victim's password, but has not the server's key file. Rows they
// insert or change with SQL must not let them in through the pages or the
// API, on either engine; honest sign-ins and tokens keep working.
func TestForgedCredentialsRefusedOverHTTP(t *testing.T) {
	for _, engine := range []sqldb.Engine{sqldb.SQLite, sqldb.Postgres} {
		t.Run(string(engine), func(t *testing.T) {
			dsn := "sqlite:" + filepath.Join(t.TempDir(), "v.db")
			if engine == sqldb.Postgres {
				dsn = pgtest.DSN(t)
			}
			f, db, logs := newSmallServer(t, dsn)
			sqlExec := func(q string, args ...any) {
				t.Helper()
				if _, err := db.Writer.Exec(db.Rebind(q), args...); err != nil {
					t.Fatal(err)
				}
			}
			victim, forger := f.town.Login("duty.manager"), f.town.Login("referrer")
			plain := func(token string) []byte { h := sha256.Sum256([]byte(token)); return h[:] }
			now := time.Now()

			// signedInAs reports whether client c gets the signed-in
			// "My work" page rather than being sent to sign in.
			signedIn := func(c *http.Client) bool {
				resp := f.send(c, http.MethodGet, "/work", nil, "", "")
				return resp.StatusCode == http.StatusOK
			}
			apiAllowed := func(token string) int {
				return f.send(http.DefaultClient, http.MethodGet, "/api/v1/cases?owner=me", nil, "", token).StatusCode
			}

			t.Run("session row inserted for a chosen cookie", func(t *testing.T) {
				cookie := "vs_chosen-by-the-administrator"
				sqlExec(`INSERT INTO sessions (token_hash, user_id, created_at, expires_at, stage, via, last_seen_at)
					VALUES (?, ?, ?, ?, 'full', 'password', ?)`, plain(cookie), victim.User.ID, now.UnixMicro(),
					now.Add(time.Hour).UnixMicro(), now.UnixMicro())
				c := browserWith(t, f.srv.URL, cookie)
				if signedIn(c) {
					t.Error("a session row inserted with SQL signed the forger in")
				}
			})
			t.Run("the forger's session moved to the victim", func(t *testing.T) {
				c := f.signIn(forger.Username)
				if c == nil || !signedIn(c) {
					t.Fatal("the forger's own sign-in")
				}
				sqlExec(`UPDATE sessions SET user_id = ? WHERE user_id = ?`, victim.User.ID, forger.User.ID)
				if signedIn(c) {
					t.Error("a session moved to the victim with SQL is served")
				}
				if !strings.Contains(logs.String(), "credential row altered outside the application refused") {
					t.Error("the refusal is not in the server's log")
				}
			})
			t.Run("API token row inserted for a chosen token", func(t *testing.T) {
				token := "vgl_chosen-by-the-administrator"
				sqlExec(`INSERT INTO api_tokens (id, version, user_id, token_hash, label, created_at) VALUES ('planted', 1, ?, ?, 'x', 0)`,
					victim.User.ID, plain(token))
				if got := apiAllowed(token); got != http.StatusUnauthorized {
					t.Errorf("planted token: %d, want 401", got)
				}
			})
			t.Run("the forger's API token moved to the victim", func(t *testing.T) {
				if got := apiAllowed(forger.APIToken); got != http.StatusOK {
					t.Fatalf("the forger's own token: %d", got)
				}
				sqlExec(`UPDATE api_tokens SET user_id = ? WHERE user_id = ?`, victim.User.ID, forger.User.ID)
				if got := apiAllowed(forger.APIToken); got != http.StatusUnauthorized {
					t.Errorf("moved token: %d, want 401", got)
				}
			})
			t.Run("victim's authenticator swapped for the forger's", func(t *testing.T) {
				sqlExec(`UPDATE user_totp SET secret = (SELECT secret FROM user_totp WHERE user_id = ?) WHERE user_id = ?`, forger.User.ID, victim.User.ID)
				c := browser()
				resp := f.send(c, http.MethodPost, "/signin", url.Values{"username": {victim.Username}, "password": {victim.Password}}, "", "")
				if loc := resp.Header.Get("Location"); loc != "/signin/code" {
					t.Fatalf("password: %d to %q", resp.StatusCode, loc)
				}
				resp = f.send(c, http.MethodPost, "/signin/code", url.Values{"code": {forger.Code()}}, "", "")
				if resp.StatusCode == http.StatusSeeOther && resp.Header.Get("Location") == "/work" || signedIn(c) {
					t.Error("signed in as the victim with a code from the forger's authenticator")
				}
			})
			t.Run("victim's authenticator deleted", func(t *testing.T) {
				sqlExec(`DELETE FROM user_totp WHERE user_id = ?`, victim.User.ID)
				c := browser()
				resp := f.send(c, http.MethodPost, "/signin", url.Values{"username": {victim.Username}, "password": {victim.Password}}, "", "")
				if loc := resp.Header.Get("Location"); strings.HasPrefix(loc, "/signin/enrol") || strings.HasPrefix(loc, "/signin/code") {
					t.Errorf("password after the authenticator row was deleted: sent on to %q, want refused", loc)
				}
				if resp := f.send(c, http.MethodGet, "/signin/enrol", nil, "", ""); resp.StatusCode == http.StatusOK {
					t.Error("the set-up of a new authenticator is offered")
				}
			})
			t.Run("honest sign-in and token", func(t *testing.T) {
				c := f.signIn("social.worker")
				if c == nil || !signedIn(c) {
					t.Error("an honest sign-in no longer works")
				}
				if got := apiAllowed(f.town.Login("social.worker").APIToken); got != http.StatusOK {
					t.Errorf("an honest API token: %d", got)
				}
			})
			for _, secret := range []string{"vs_chosen-by-the-administrator", forger.APIToken, forger.Password} {
				if strings.Contains(logs.String(), secret) {
					t.Error("a secret reached the server's log")
				}
			}
		})
	}
}

// browserWith is a browser holding a session cookie for the server at base.
func browserWith(t *testing.T, base, session string) *http.Client {
	t.Helper()
	c := browser()
	u, err := url.Parse(base)
	if err != nil {
		t.Fatal(err)
	}
	c.Jar.(*cookiejar.Jar).SetCookies(u, []*http.Cookie{{Name: "vigil_session", Value: session, Path: "/"}})
	return c
}
