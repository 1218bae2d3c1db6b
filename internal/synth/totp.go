package synth

import (
	"context"
	"sync"
	"time"

	"github.com/pquerna/otp"
	"github.com/pquerna/otp/totp"

	"github.com/vigil-project/vigil"
)

// totpEnroller is implemented by stores that can give demo accounts a
// second factor (vigil.SignInService). Seed enrols every demo account, so
// that the demo and the tests sign in as real people do: password, then a
// code from an authenticator.
type totpEnroller interface {
	EnrolTOTP(ctx context.Context, actor vigil.Actor, userID vigil.ID) (*vigil.TOTPKey, error)
}

// codeState remembers the last time step Code used for a login.
type codeState struct {
	mu   sync.Mutex
	last int64
}

// Code returns a second-factor code for the login, as an authenticator app
// would show it, for the demo's scripts and the tests. Vigil accepts each
// time step's code once, and the step before and after the current one,
// so Code uses the earliest step it has not used, waiting for the next
// 30-second step when it has used all three: a test may sign the same
// person in several times in a row.
func (l *Login) Code() string {
	l.codes.mu.Lock()
	defer l.codes.mu.Unlock()
	for {
		now := time.Now()
		current := now.Unix() / 30
		earliest := current - 1
		if now.Unix()%30 >= 25 {
			earliest = current // the previous step's code could be too old by the time it is checked
		}
		step := max(earliest, l.codes.last+1)
		if step <= current+1 {
			l.codes.last = step
			code, err := totp.GenerateCodeCustom(l.TOTPSecret, time.Unix(step*30, 0),
				totp.ValidateOpts{Period: 30, Digits: otp.DigitsSix, Algorithm: otp.AlgorithmSHA1})
			if err != nil {
				panic("synth: demo TOTP secret: " + err.Error()) // the secret came from the store
			}
			return code
		}
		time.Sleep(time.Until(time.Unix((current+1)*30, 0)) + 10*time.Millisecond)
	}
}
