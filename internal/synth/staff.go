package synth

import (
	"fmt"
	"strings"
	"time"

	"github.com/vigil-project/vigil"
)

// Agencies, teams, posts and staff. Staff change over sixteen years, so
// the world models posts (a job in a team, with its manager's post) held by
// successive people, sometimes with a gap between them: a report is raised
// by whoever held the post that day, and a loader can tell who managed whom
// at any time.

// Agency is one organisation of each kind that takes part in safeguarding.
type Agency struct {
	Key  string // the vigil.AgencyKind as a string
	Name string
	Kind vigil.AgencyKind
}

// Team is a team within an agency. Some teams were set up part way through
// the period (an exploitation team, commissioners), as they were in the towns
// the inquiries examined.
type Team struct {
	Key    string // e.g. "front_door"
	Name   string
	Agency *Agency
	Intake bool      // receives new concerns (the front door)
	From   time.Time // when the team was set up
	Posts  []*Post
}

// Post is a job in a team.
type Post struct {
	ID      string // e.g. "post-0012"
	Title   string
	Role    vigil.Role
	Team    *Team
	Manager *Post // nil at the top of an agency
	From    time.Time
	Holders []*Staff // in order of tenure
}

// HolderAt returns who held the post at t, or nil if it was vacant.
func (p *Post) HolderAt(t time.Time) *Staff {
	for _, s := range p.Holders {
		if !t.Before(s.From) && (s.To.IsZero() || t.Before(s.To)) {
			return s
		}
	}
	return nil
}

// Staff is a person who held a post for a time. A loader creates one user
// per Staff; someone whose To is not zero has left by the end of the period.
type Staff struct {
	ID       string // e.g. "U00012"
	Username string
	Name     string
	Post     *Post
	From     time.Time
	To       time.Time // zero while still in post at the end of the period
}

// Agency returns the agency the member of staff works for.
func (s *Staff) Agency() *Agency { return s.Post.Team.Agency }

// teamDef describes a team: when it starts (as a fraction of the period)
// and its posts.
type teamDef struct {
	key, name string
	agency    vigil.AgencyKind
	intake    bool
	from      float64
	posts     []postDef
}

type postDef struct {
	title   string
	role    vigil.Role
	n       int    // posts at scale 1; multiplied by the preset's staff factor unless fixed
	fixed   bool   // the number does not grow with scale
	manager string // "team/title" of the manager's post; the first post of that title
}

var worldTeams = []teamDef{
	{"leadership", "Children's Services Leadership", vigil.AgencyChildrensServices, false, 0, []postDef{
		{"Director of Children's Services", vigil.RoleDirector, 1, true, ""},
		{"Head of Safeguarding", vigil.RoleServiceManager, 1, false, "leadership/Director of Children's Services"},
		{"Systems Administrator", vigil.RoleAdministrator, 1, true, "leadership/Director of Children's Services"},
	}},
	{"front_door", "Front Door (multi-agency safeguarding hub)", vigil.AgencyChildrensServices, true, 0, []postDef{
		{"Duty Team Manager", vigil.RoleTeamManager, 1, false, "leadership/Head of Safeguarding"},
		{"Duty Social Worker", vigil.RoleSocialWorker, 3, false, "front_door/Duty Team Manager"},
	}},
	{"assessment", "Assessment Team", vigil.AgencyChildrensServices, false, 0, []postDef{
		{"Assessment Team Manager", vigil.RoleTeamManager, 1, false, "leadership/Head of Safeguarding"},
		{"Social Worker", vigil.RoleSocialWorker, 4, false, "assessment/Assessment Team Manager"},
	}},
	{"children_in_care", "Children in Care Team", vigil.AgencyChildrensServices, false, 0, []postDef{
		{"Children in Care Team Manager", vigil.RoleTeamManager, 1, false, "leadership/Head of Safeguarding"},
		{"Social Worker (Children in Care)", vigil.RoleSocialWorker, 3, false, "children_in_care/Children in Care Team Manager"},
	}},
	{"exploitation", "Exploitation and Missing Team", vigil.AgencyChildrensServices, false, 0.4, []postDef{
		{"Exploitation Team Manager", vigil.RoleTeamManager, 1, true, "leadership/Head of Safeguarding"},
		{"Exploitation Social Worker", vigil.RoleSocialWorker, 2, false, "exploitation/Exploitation Team Manager"},
	}},
	{"residential", "Residential Children's Homes", vigil.AgencyChildrensServices, false, 0, nil}, // a manager per home, added with the homes
	{"public_protection", "Public Protection Unit", vigil.AgencyPolice, false, 0, []postDef{
		{"Detective Sergeant, Public Protection", vigil.RolePoliceOfficer, 1, false, ""},
		{"Detective Constable, Public Protection", vigil.RolePoliceOfficer, 3, false, "public_protection/Detective Sergeant, Public Protection"},
		{"Intelligence Analyst", vigil.RolePoliceAnalyst, 1, false, "public_protection/Detective Sergeant, Public Protection"},
	}},
	{"response", "Neighbourhood and Response Policing", vigil.AgencyPolice, false, 0, []postDef{
		{"Response Sergeant", vigil.RolePoliceOfficer, 1, false, ""},
		{"Police Constable", vigil.RolePoliceOfficer, 6, false, "response/Response Sergeant"},
	}},
	{"cse_unit", "Child Exploitation Unit", vigil.AgencyPolice, false, 0.5, []postDef{
		{"Detective Inspector, Child Exploitation", vigil.RolePoliceOfficer, 1, true, ""},
		{"Detective Constable, Child Exploitation", vigil.RolePoliceOfficer, 2, false, "cse_unit/Detective Inspector, Child Exploitation"},
		{"Exploitation Analyst", vigil.RolePoliceAnalyst, 1, true, "cse_unit/Detective Inspector, Child Exploitation"},
	}},
	{"school_safeguarding", "Schools' Designated Safeguarding Leads", vigil.AgencyEducation, false, 0, nil}, // a lead per school
	{"education_welfare", "Education Welfare Service", vigil.AgencyEducation, false, 0, []postDef{
		{"Education Welfare Officer", vigil.RoleReferrer, 2, false, ""},
	}},
	{"health_safeguarding", "Safeguarding Children Team", vigil.AgencyHealth, false, 0, []postDef{
		{"Named Nurse for Safeguarding", vigil.RoleHealthPractitioner, 2, false, ""},
	}},
	{"sexual_health", "Sexual Health Service", vigil.AgencyHealth, false, 0, []postDef{
		{"Sexual Health Nurse", vigil.RoleHealthPractitioner, 1, false, "health_safeguarding/Named Nurse for Safeguarding"},
	}},
	{"emergency", "Emergency Department", vigil.AgencyHealth, false, 0, []postDef{
		{"Emergency Department Nurse", vigil.RoleReferrer, 2, false, "health_safeguarding/Named Nurse for Safeguarding"},
	}},
	{"school_nursing", "School Nursing Service", vigil.AgencyHealth, false, 0, []postDef{
		{"School Nurse", vigil.RoleHealthPractitioner, 2, false, "health_safeguarding/Named Nurse for Safeguarding"},
	}},
	{"general_practice", "General Practice", vigil.AgencyHealth, false, 0, []postDef{
		{"General Practitioner", vigil.RoleReferrer, 2, false, ""},
	}},
	{"scrutiny_panel", "Child Protection Scrutiny Panel", vigil.AgencyIndependent, false, 0, []postDef{
		{"Scrutiny Panel Member", vigil.RoleScrutinyMember, 5, true, ""},
	}},
	{"inspectorate", "Inspection Team", vigil.AgencyIndependent, false, 0.8, []postDef{
		{"Inspector", vigil.RoleInvestigator, 2, true, ""},
	}},
	{"commissioners", "Commissioners' Office", vigil.AgencyIndependent, false, 0.9, []postDef{
		{"Commissioner", vigil.RoleCommissioner, 3, true, ""},
	}},
}

// buildStaff creates agencies, teams, posts and their holders. Posts that
// belong to places (a lead per school, a manager per children's home) are
// added by addPlacePosts once the places exist.
func (b *builder) buildStaff() {
	w := b.w
	council := w.Name + " Borough Council"
	if len(w.Localities) > 8 {
		council = w.Name + " County Council"
	}
	names := map[vigil.AgencyKind]string{
		vigil.AgencyChildrensServices: council + " Children's Services",
		vigil.AgencyPolice:            "Northmoor Police",
		vigil.AgencyEducation:         w.Name + " Academy Trust",
		vigil.AgencyHealth:            w.Name + " and District NHS Trust",
		vigil.AgencyIndependent:       "Independent Safeguarding Oversight",
	}
	agencies := map[vigil.AgencyKind]*Agency{}
	for _, k := range vigil.AgencyKinds {
		a := &Agency{Key: string(k), Name: names[k], Kind: k}
		w.Agencies = append(w.Agencies, a)
		agencies[k] = a
	}
	span := w.End.Sub(w.Start)
	for _, td := range worldTeams {
		t := &Team{Key: td.key, Name: td.name, Agency: agencies[td.agency], Intake: td.intake,
			From: dateOnly(w.Start.Add(time.Duration(td.from * float64(span))))}
		w.Teams = append(w.Teams, t)
		b.teams[td.key] = t
		for _, pd := range td.posts {
			n := pd.n
			if !pd.fixed {
				n *= b.preset.staff
			}
			for range n {
				b.addPost(t, pd.title, pd.role, pd.manager)
			}
		}
	}
}

// addPost adds a post to team t and fills it with successive holders.
func (b *builder) addPost(t *Team, title string, role vigil.Role, manager string) *Post {
	r, w := b.r, b.w
	p := &Post{ID: fmt.Sprintf("post-%04d", len(w.Posts)+1), Title: title, Role: role, Team: t, From: t.From}
	if manager != "" {
		p.Manager = b.firstPost[manager]
	}
	key := t.Key + "/" + title
	if b.firstPost[key] == nil {
		b.firstPost[key] = p
	}
	w.Posts = append(w.Posts, p)
	t.Posts = append(t.Posts, p)
	at := p.From
	if !at.After(w.Start) {
		at = w.Start.AddDate(0, -r.IntN(48), -r.IntN(28)) // in post before the period began
	}
	for at.Before(w.End) {
		s := &Staff{ID: fmt.Sprintf("U%05d", len(w.Staff)+1), Post: p, From: at}
		s.Name, s.Username = b.staffName()
		tenure := time.Duration((0.5 + 4*r.ExpFloat64()) * 365 * 24 * float64(time.Hour))
		if end := at.Add(tenure); end.Before(w.End) {
			s.To = dateOnly(end)
			at = s.To.AddDate(0, 0, r.IntN(45)) // posts can stand vacant for weeks
		} else {
			at = w.End
		}
		p.Holders = append(p.Holders, s)
		w.Staff = append(w.Staff, s)
	}
	return p
}

// staffName invents a member of staff's name and a unique username.
func (b *builder) staffName() (name, username string) {
	r := b.r
	e := ethnicMix[r.weighted(ethnicWeights)]
	pool := e.pools[r.IntN(len(e.pools))]
	g := GenderFemale
	if r.chance(0.35) {
		g = GenderMale
	}
	var given string
	switch {
	case g == GenderFemale && r.chance(0.6):
		given = pick(r, pool.women)
	case g == GenderFemale:
		given = pick(r, pool.girls)
	case r.chance(0.6):
		given = pick(r, pool.men)
	default:
		given = pick(r, pool.boys)
	}
	family := b.surname(pool, g)
	name = given + " " + family
	base := asciiLower(given) + "." + strings.ReplaceAll(asciiLower(family), "'", "")
	username = base
	for i := 2; b.names["user|"+username]; i++ {
		username = fmt.Sprintf("%s%d", base, i)
	}
	b.names["user|"+username] = true
	return name, username
}

// addPlacePosts adds a designated safeguarding lead for each school and a
// manager for each children's home.
func (b *builder) addPlacePosts() {
	for _, s := range b.w.Schools {
		s.DSL = b.addPost(b.teams["school_safeguarding"], "Designated Safeguarding Lead, "+s.Name, vigil.RoleSafeguardingLead, "")
	}
	for _, c := range b.w.CareSettings {
		if c.Kind == CareChildrensHome {
			c.Manager = b.addPost(b.teams["residential"], "Registered Manager, "+c.Name, vigil.RoleReferrer, "children_in_care/Children in Care Team Manager")
		}
	}
}
