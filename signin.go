package vigil

import (
	"context"
	"time"
)

// Sign-in security (issue 5, part 7): a password and a second factor, time
// limits on sessions, and credentials that can be withdrawn at once.
//
// The second factor is a time-based one-time password (RFC 6238: six
// digits, 30-second steps, HMAC-SHA1, as every authenticator app makes
// them). Every account needs one. Each staff role either sees case data or
// decides who does (administrators), and even scrutiny members' aggregates
// describe children; only the public, who have no accounts, sign in with
// nothing.

// Session time limits. A session ends 12 hours after sign-in whatever
// happens (a working day and a late meeting), and after 30 minutes without
// a request: a screen left open in a shared office closes itself.
const (
	SessionMaxAge   = 12 * time.Hour
	SessionIdle     = 30 * time.Minute
	SignInCodeLimit = 10 * time.Minute // time between the password and the code
)

// NeedsSecondFactor reports whether u must give a code from an
// authenticator after their password. Every staff role does (see above);
// the function exists so that the rule has one home.
func NeedsSecondFactor(u *User) bool { return u != nil && u.Role.Valid() }

// SessionStage is how far a sign-in has got.
type SessionStage string

// Stages of a sign-in. Only a session at StageSignedIn is a signed-in
// person; the others can do nothing but finish signing in.
const (
	StageSignedIn SessionStage = "full"  // password and second factor given
	StageCode     SessionStage = "totp"  // password given; a code is needed
	StageEnrol    SessionStage = "enrol" // password given; the person must set up an authenticator first
)

// TOTPKey is a second-factor secret being set up, shown to its owner once
// so that they can add it to an authenticator app.
type TOTPKey struct {
	Secret string // base32 (RFC 4648), as authenticator apps take it typed in
	URI    string // otpauth://totp/... (Google Authenticator key URI format), the content of the QR code
}

// SignInService is the second step of signing in and the other ways in.
// The web layer holds the tokens; the store never keeps them, only their
// hashes.
type SignInService interface {
	// SignInPassword checks a username and password, as AuthService.SignIn
	// does, and also returns how far the sign-in got: a person who needs a
	// second factor gets a token for a pending sign-in (StageCode or
	// StageEnrol) that only CompleteSignIn and TOTPEnrolment accept.
	// Anyone may call it. Returns EUNAUTHORIZED as SignIn does.
	SignInPassword(ctx context.Context, username, password string) (token string, u *User, stage SessionStage, err error)

	// SignInVerified starts a sign-in for a person whose identity was
	// proved another way: an OpenID Connect ID token the web layer
	// verified. mfa says the identity provider asserted a second factor
	// that the deployment trusts; without it the person still gives a
	// Vigil code. via names the way in, for the log ("oidc"). Only the
	// web layer may call it, after verifying the identity. Returns
	// EUNAUTHORIZED for an unknown or inactive username.
	SignInVerified(ctx context.Context, username, via string, mfa bool) (token string, u *User, stage SessionStage, err error)

	// PendingSignIn returns the person and stage of a sign-in that waits
	// for a second factor. Returns EUNAUTHORIZED when the token is unknown,
	// expired, already complete, or its person is not active.
	PendingSignIn(ctx context.Context, token string) (*User, SessionStage, error)

	// TOTPEnrolment returns the secret being set up for a pending sign-in
	// at StageEnrol, making one the first time: the same secret comes back
	// until it is confirmed, so reloading the page does not change the code
	// the person has just scanned. Returns EUNAUTHORIZED as PendingSignIn.
	TOTPEnrolment(ctx context.Context, token string) (*TOTPKey, error)

	// CompleteSignIn checks a code from the person's authenticator (the
	// one being set up, at StageEnrol) and on success ends the pending
	// sign-in and starts a session, returning its new token: the token of
	// a signed-in session is never one that existed before the second
	// factor. A code is accepted once: the same code again, or an earlier
	// one, is refused even within its 30 seconds. Returns EUNAUTHORIZED for
	// a wrong or reused code, and ETOOMANYREQUEST after five wrong codes,
	// which also ends the pending sign-in.
	CompleteSignIn(ctx context.Context, token, code string) (string, *User, error)

	// EnrolTOTP gives a person a new second-factor secret at once and
	// returns it. Only the system may call it (demo seeding, tests): people
	// set up their own authenticator at their first sign-in. Returns
	// EFORBIDDEN for anyone else, ENOTFOUND.
	EnrolTOTP(ctx context.Context, actor Actor, userID ID) (*TOTPKey, error)
}

// APIToken is a person's bearer token for the JSON API, without its secret.
type APIToken struct {
	ID        ID         `json:"id"`
	UserID    ID         `json:"user_id"`
	Label     string     `json:"label"`
	CreatedAt time.Time  `json:"created_at"`
	RevokedAt *time.Time `json:"revoked_at,omitempty"`
	RevokedBy ID         `json:"revoked_by,omitempty"`
}

// AccountService is what a signed-in person does to their own account.
type AccountService interface {
	// ChangePassword replaces the actor's password after checking the
	// current one, ends every session of theirs (signing them out
	// everywhere, in case someone else knew the old password) and starts a
	// new session for the browser in use, returning its token. Returns
	// EUNAUTHORIZED for a wrong current password, EINVALID for an
	// unacceptable new one.
	ChangePassword(ctx context.Context, actor Actor, current, next string) (token string, err error)

	// APITokens lists a person's API tokens, newest first. The person,
	// administrators of their agency and commissioners may call it.
	// Returns EFORBIDDEN, ENOTFOUND.
	APITokens(ctx context.Context, actor Actor, userID ID) ([]*APIToken, error)

	// RevokeAPIToken revokes one of the actor's own tokens at once; the
	// next request with it is refused. Withdrawing one's own credential is
	// never held up for approval. Returns ENOTFOUND for a token that is not
	// the actor's, ECONFLICT for one already revoked.
	RevokeAPIToken(ctx context.Context, actor Actor, tokenID ID) error
}
