package synth

import (
	"fmt"
	"time"
)

// Phones and online handles. Every number is in a range Ofcom reserves for
// drama and fiction: mobiles 07700 900000 to 07700 900999 and landlines
// 01632 960000 to 01632 960999. There are only a thousand of each, so they
// go first to the entities whose numbers matter for linking (offender
// networks, lone offenders, taxi firms, exploited children) and then to
// carers while they last; at region scale most carers have no number.

// Phone is a real telephone number.
type Phone struct {
	ID     EntityID
	Number string // national format, e.g. "07700 900123"
	Mobile bool
	User   *Person // who mostly uses it; nil for a firm's line
}

// Handle is an account on a social network or messaging app.
type Handle struct {
	ID       EntityID
	Platform string
	Name     string // e.g. "lil_mo_99"
	Owner    *Person
}

// phonePool deals out the drama-range numbers in a shuffled order.
type phonePool struct {
	prefix string
	free   []int // the last three digits still free, in dealing order
}

func newPhonePool(r *rng, prefix string) *phonePool {
	p := &phonePool{prefix: prefix, free: r.Perm(1000)}
	return p
}

func (b *builder) phoneFrom(pool *phonePool, mobile bool, user *Person) *Phone {
	if len(pool.free) == 0 {
		return nil
	}
	n := pool.free[0]
	pool.free = pool.free[1:]
	ph := &Phone{ID: entityID('T', len(b.w.Phones)+1), Number: fmt.Sprintf("%s%03d", pool.prefix, n), Mobile: mobile, User: user}
	b.w.Phones = append(b.w.Phones, ph)
	return ph
}

// mobile returns a new mobile number for user, or nil when none is left.
func (b *builder) mobile(user *Person) *Phone {
	ph := b.phoneFrom(b.mobiles, true, user)
	if ph != nil && user != nil && user.Phone == nil {
		user.Phone = ph
	}
	return ph
}

// landline returns a new landline number, or nil when none is left.
func (b *builder) landline() *Phone { return b.phoneFrom(b.landlines, false, nil) }

// platformAt returns a platform young people used at t.
func platformAt(r *rng, t time.Time) string {
	switch y := t.Year(); {
	case y < 2011:
		return pick(r, []string{"Facebook", "MSN Messenger", "Bebo", "Facebook"})
	case y < 2015:
		return pick(r, []string{"Facebook", "Kik", "Snapchat", "Instagram", "BBM"})
	case y < 2019:
		return pick(r, []string{"Snapchat", "Instagram", "Snapchat", "Kik", "Facebook"})
	default:
		return pick(r, []string{"Snapchat", "Instagram", "TikTok", "Snapchat", "Discord"})
	}
}

// newHandle gives owner a new account on a platform of time t.
func (b *builder) newHandle(owner *Person, t time.Time) *Handle {
	r := b.r
	var name string
	for {
		switch r.IntN(3) {
		case 0:
			name = fmt.Sprintf("%s_%s_%02d", pick(r, handleWords), pick(r, handleTails), r.IntN(100))
		case 1:
			name = fmt.Sprintf("%s%s%d", pick(r, handleWords), pick(r, handleTails), r.between(1, 999))
		default:
			first := asciiLower(owner.GivenName)
			if owner.Nickname != "" && r.chance(0.6) {
				first = asciiLower(owner.Nickname)
			}
			name = fmt.Sprintf("%s.%s%02d", first, pick(r, handleTails), r.IntN(100))
		}
		if !b.names["handle|"+name] {
			break
		}
	}
	b.names["handle|"+name] = true
	h := &Handle{ID: entityID('H', len(b.w.Handles)+1), Platform: platformAt(r, t), Name: name, Owner: owner}
	b.w.Handles = append(b.w.Handles, h)
	owner.Handles = append(owner.Handles, h)
	return h
}
