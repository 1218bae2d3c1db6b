package vigil

import (
	"context"
	"time"
)

// AgencyKind is the sector an agency belongs to.
type AgencyKind string

// The kinds of agency that take part in multi-agency safeguarding.
const (
	AgencyPolice            AgencyKind = "police"
	AgencyChildrensServices AgencyKind = "childrens_services"
	AgencyEducation         AgencyKind = "education"
	AgencyHealth            AgencyKind = "health"
	AgencyIndependent       AgencyKind = "independent" // scrutiny panels, inspectorates, commissioners
)

// AgencyKinds lists every kind, in the order forms show them.
var AgencyKinds = []AgencyKind{AgencyPolice, AgencyChildrensServices, AgencyEducation, AgencyHealth, AgencyIndependent}

// Agency is an organisation whose staff use Vigil: a police force, a
// council's children's services, a school, a health trust, an independent body.
type Agency struct {
	ID        ID         `json:"id"`
	Name      string     `json:"name"`
	Kind      AgencyKind `json:"kind"`
	CreatedAt time.Time  `json:"created_at"`
}

// Team is a group of staff within an agency. Intake teams (the "front door",
// a multi-agency safeguarding hub) receive new concerns; their duty manager
// owns a new case until it is allocated.
type Team struct {
	ID            ID        `json:"id"`
	AgencyID      ID        `json:"agency_id"`
	Name          string    `json:"name"`
	Intake        bool      `json:"intake"`
	DutyManagerID ID        `json:"duty_manager_id,omitempty"`
	CreatedAt     time.Time `json:"created_at"`
}

// Role is what a person does; permissions follow from it.
type Role string

// The roles of Vigil's users.
const (
	RoleReferrer           Role = "referrer" // any professional who may raise concerns
	RoleSocialWorker       Role = "social_worker"
	RoleTeamManager        Role = "team_manager"
	RoleServiceManager     Role = "service_manager"
	RoleDirector           Role = "director" // director of children's services
	RolePoliceOfficer      Role = "police_officer"
	RolePoliceAnalyst      Role = "police_analyst"
	RoleSafeguardingLead   Role = "safeguarding_lead" // a school's designated safeguarding lead
	RoleHealthPractitioner Role = "health_practitioner"
	RoleScrutinyMember     Role = "scrutiny_member"
	RoleInvestigator       Role = "investigator" // independent investigator or inspector, read-only
	RoleCommissioner       Role = "commissioner" // intervening authority
	RoleAdministrator      Role = "administrator"
)

// Roles lists every role, in the order forms show them.
var Roles = []Role{
	RoleReferrer, RoleSocialWorker, RoleTeamManager, RoleServiceManager, RoleDirector,
	RolePoliceOfficer, RolePoliceAnalyst, RoleSafeguardingLead, RoleHealthPractitioner,
	RoleScrutinyMember, RoleInvestigator, RoleCommissioner, RoleAdministrator,
}

// Valid reports whether r is one of Roles.
func (r Role) Valid() bool {
	for _, x := range Roles {
		if r == x {
			return true
		}
	}
	return false
}

// Valid reports whether k is one of AgencyKinds.
func (k AgencyKind) Valid() bool {
	for _, x := range AgencyKinds {
		if k == x {
			return true
		}
	}
	return false
}

// UserStatus says whether a person may act in Vigil.
type UserStatus string

// User statuses. Only active users can sign in or act.
const (
	UserActive    UserStatus = "active"
	UserSuspended UserStatus = "suspended"
	UserLeft      UserStatus = "left"
)

// User is a member of staff of an agency.
type User struct {
	ID        ID         `json:"id"`
	Username  string     `json:"username"`
	Name      string     `json:"name"`
	Role      Role       `json:"role"`
	AgencyID  ID         `json:"agency_id"`
	TeamID    ID         `json:"team_id,omitempty"`
	ManagerID ID         `json:"manager_id,omitempty"`
	Status    UserStatus `json:"status"`
	CreatedAt time.Time  `json:"created_at"`
}

// Actor identifies who does something, for the log. System work (the
// sweeper, the demo seeder) and the anonymous public have actors too, so that
// no log entry is without one.
type Actor struct {
	ID   ID
	User *User // nil for the public and the system
}

// Well-known actor ids that are not users.
const (
	ActorPublic ID = "public"
	ActorSystem ID = "system"
)

// PublicActor is anyone using a public page without an account.
var PublicActor = Actor{ID: ActorPublic}

// SystemActor is Vigil itself: seeding, sweeping, migrations.
var SystemActor = Actor{ID: ActorSystem}

// UserActor returns the actor for a signed-in user.
func UserActor(u *User) Actor { return Actor{ID: u.ID, User: u} }

// NewUser is the input for creating a user.
type NewUser struct {
	Username  string
	Name      string
	Role      Role
	AgencyID  ID
	TeamID    ID
	ManagerID ID
	Password  string
}

// Validate checks a new user's fields.
func (n NewUser) Validate() error {
	var v Validation
	if !validUsername(n.Username) {
		v.Add("username", "Enter a username of 3 to 64 characters: lower-case letters, digits, dots, hyphens or underscores")
	}
	if n.Name == "" || len(n.Name) > 200 {
		v.Add("name", "Enter the person's name (at most 200 characters)")
	}
	if !n.Role.Valid() {
		v.Add("role", "Choose a role from the list")
	}
	if !n.AgencyID.Valid() {
		v.Add("agency_id", "Choose the person's agency")
	}
	if len(n.Password) < 12 || len(n.Password) > 256 {
		v.Add("password", "Choose a password of at least 12 characters")
	}
	return v.Err()
}

func validUsername(s string) bool {
	if len(s) < 3 || len(s) > 64 {
		return false
	}
	for _, c := range s {
		if !(c >= 'a' && c <= 'z' || c >= '0' && c <= '9' || c == '.' || c == '-' || c == '_') {
			return false
		}
	}
	return true
}

// Session is a signed-in browser session. The token is given to the browser
// once and stored only as a hash.
type Session struct {
	UserID    ID
	ExpiresAt time.Time
}

// AuthService signs people in and resolves credentials to users.
type AuthService interface {
	// SignIn checks a username and password and starts a session, returning
	// the secret session token for the cookie. For a person who needs a
	// second factor (NeedsSecondFactor: every staff role) the session is a
	// pending one, which UserBySession refuses until SignInService's
	// CompleteSignIn accepts a code. Anyone may call it. Returns
	// EUNAUTHORIZED for any wrong username or password (never saying which)
	// and for users who are not active.
	SignIn(ctx context.Context, username, password string) (token string, u *User, err error)

	// SignOut ends the session with the given token. Returns nil if there was none.
	SignOut(ctx context.Context, token string) error

	// UserBySession returns the active user of a live session token: a
	// signed-in session less than SessionMaxAge old and used within
	// SessionIdle. Returns EUNAUTHORIZED when the session is unknown,
	// expired, idle, pending a second factor, or its user is not active: a
	// suspended person is refused at their next request.
	UserBySession(ctx context.Context, token string) (*User, error)

	// UserByAPIToken returns the active user of an API bearer token.
	// Returns EUNAUTHORIZED as UserBySession does.
	UserByAPIToken(ctx context.Context, token string) (*User, error)
}

// DirectoryService manages agencies, teams and users. Only administrators
// and the system (seeding, the command line) may call its write methods.
type DirectoryService interface {
	// CreateAgency records an agency. Returns EINVALID for a bad name or kind.
	CreateAgency(ctx context.Context, actor Actor, name string, kind AgencyKind) (*Agency, error)
	// CreateTeam records a team of an agency. Returns EINVALID, ENOTFOUND.
	CreateTeam(ctx context.Context, actor Actor, agencyID ID, name string, intake bool) (*Team, error)
	// SetDutyManager makes a user the duty manager of a team. Returns ENOTFOUND, EINVALID.
	SetDutyManager(ctx context.Context, actor Actor, teamID, userID ID) error
	// CreateUser records a user. Returns EINVALID, ECONFLICT for a taken username.
	CreateUser(ctx context.Context, actor Actor, n NewUser) (*User, error)
	// CreateAPIToken issues a bearer token for a user; the token is returned
	// once and stored only as a hash. Returns ENOTFOUND.
	CreateAPIToken(ctx context.Context, actor Actor, userID ID, label string) (string, error)
	// Agencies lists all agencies.
	Agencies(ctx context.Context) ([]*Agency, error)
	// FindUser returns a user by id. Returns ENOTFOUND.
	FindUser(ctx context.Context, id ID) (*User, error)
	// Users lists every user, by name, for choosing a person (for example
	// whom to transfer a case to).
	Users(ctx context.Context) ([]*User, error)
}
