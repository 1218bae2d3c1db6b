// Package synth generates a synthetic town for the demo, the tests and the
// benchmarks: agencies, teams, staff of every role, and concerns about
// invented children. Everything is invented or drawn from public lists of
// common names; nothing is a real person or case. The same seed gives the
// same town (except passwords and tokens, which are always random).
//
// # The world generator
//
// Seed (town.go) puts a handful of concerns into a store for the demo and
// the tests. The world generator goes further: it models a whole town (or
// a region of towns) over years, in memory, with ground truth. It invents
// the places, the staff, the children and their families, the offender
// networks around some of those children, and then the stream of reports
// that agencies and the public wrote about them over the period, each
// report noisy in the way its writer's habits make it noisy (misspelt and
// transliterated names, partial dates of birth, misread number plates,
// partial addresses), and each mention in it tied, on the truth side, to the
// real entity it describes.
//
// The application must never see the truth: World and its entities, and
// the Truth field of each Report, are for evaluation (linking precision and
// recall, network discovery) and for tests. What a loader puts into Vigil is
// the staff (Agencies, Teams, Posts, Staff) and, in time order, each
// Report's application fields.
//
// Generation is in two phases. NewGenerator builds the world and plans
// every report as a small record (about 24 bytes: time, child, kind), sorted
// by time. Reports then renders each planned report on demand from its own
// derived random stream, so that a million reports stream in constant
// memory, and calling Reports twice yields the same reports.
package synth

import (
	"context"
	"crypto/rand"
	"encoding/base32"
	"fmt"
	mrand "math/rand/v2"
	"strings"
	"time"

	"github.com/vigil-project/vigil"
)

// Services is what the generator needs of a store.
type Services interface {
	vigil.DirectoryService
	vigil.CaseService
}

// Login is a demo account, with its secrets, for demo.json and tests.
type Login struct {
	Username string     `json:"username"`
	Password string     `json:"password"`
	Role     vigil.Role `json:"role"`
	Agency   string     `json:"agency"`
	APIToken string     `json:"api_token"`
	// TOTPSecret is the account's second-factor secret (RFC 6238, base32),
	// for an authenticator app or Code. Empty when the store cannot enrol.
	TOTPSecret string      `json:"totp_secret,omitempty"`
	User       *vigil.User `json:"-"`

	codes codeState // the time steps already used, so Code never repeats one
}

// Town is what Seed made.
type Town struct {
	Name     string
	Agencies map[vigil.AgencyKind]*vigil.Agency
	Teams    map[string]*vigil.Team // by short name: front_door, assessment, ...
	Logins   []*Login
	Cases    []*vigil.Case
}

// Login returns the demo login with the given username, or nil.
func (t *Town) Login(username string) *Login {
	for _, l := range t.Logins {
		if l.Username == username {
			return l
		}
	}
	return nil
}

// Options sizes a town.
type Options struct {
	Seed     uint64
	Concerns int // concerns raised over the past months (default 36)
}

// staff is one demo account to create.
type staff struct {
	username, name string
	role           vigil.Role
	agency         vigil.AgencyKind
	team           string
	manager        string // username
}

var demoStaff = []staff{
	{"admin", "Alex Morgan", vigil.RoleAdministrator, vigil.AgencyChildrensServices, "", ""},
	{"director", "Helen Clarke", vigil.RoleDirector, vigil.AgencyChildrensServices, "", ""},
	{"service.manager", "Mark Turner", vigil.RoleServiceManager, vigil.AgencyChildrensServices, "", "director"},
	{"duty.manager", "Priya Shah", vigil.RoleTeamManager, vigil.AgencyChildrensServices, "front_door", "service.manager"},
	{"team.manager", "David Hughes", vigil.RoleTeamManager, vigil.AgencyChildrensServices, "assessment", "service.manager"},
	{"social.worker", "Sarah Wilson", vigil.RoleSocialWorker, vigil.AgencyChildrensServices, "assessment", "team.manager"},
	{"social.worker2", "Imran Ali", vigil.RoleSocialWorker, vigil.AgencyChildrensServices, "front_door", "duty.manager"},
	{"police.officer", "Claire Robinson", vigil.RolePoliceOfficer, vigil.AgencyPolice, "public_protection", ""},
	{"police.analyst", "Neil Walker", vigil.RolePoliceAnalyst, vigil.AgencyPolice, "public_protection", ""},
	{"school.dsl", "Joanne Green", vigil.RoleSafeguardingLead, vigil.AgencyEducation, "school_safeguarding", ""},
	{"health.nurse", "Nadia Hussain", vigil.RoleHealthPractitioner, vigil.AgencyHealth, "health_safeguarding", ""},
	{"referrer", "Paul Harris", vigil.RoleReferrer, vigil.AgencyHealth, "health_safeguarding", ""},
	{"scrutiny", "Anita Singh", vigil.RoleScrutinyMember, vigil.AgencyIndependent, "scrutiny_panel", ""},
	{"investigator", "Richard King", vigil.RoleInvestigator, vigil.AgencyIndependent, "inspectorate", ""},
	{"commissioner", "Farah Begum", vigil.RoleCommissioner, vigil.AgencyIndependent, "commissioners", ""},
}

var teamDefs = []struct {
	key, name string
	agency    vigil.AgencyKind
	intake    bool
}{
	{"front_door", "Front Door (multi-agency safeguarding hub)", vigil.AgencyChildrensServices, true},
	{"assessment", "Assessment Team", vigil.AgencyChildrensServices, false},
	{"public_protection", "Public Protection Unit", vigil.AgencyPolice, false},
	{"school_safeguarding", "Safeguarding Team", vigil.AgencyEducation, false},
	{"health_safeguarding", "Safeguarding Children Team", vigil.AgencyHealth, false},
	{"scrutiny_panel", "Child Protection Scrutiny Panel", vigil.AgencyIndependent, false},
	{"inspectorate", "Inspection Team", vigil.AgencyIndependent, false},
	{"commissioners", "Commissioners' Office", vigil.AgencyIndependent, false},
}

// Seed creates a small town in an empty store: agencies, teams, one account
// of every role with an API token, and concerns raised over recent months.
func Seed(ctx context.Context, svc Services, opt Options) (*Town, error) {
	if opt.Concerns == 0 {
		opt.Concerns = 36
	}
	r := mrand.New(mrand.NewPCG(opt.Seed, opt.Seed^0x9e3779b97f4a7c15))
	town := &Town{Name: "Kettleford", Agencies: map[vigil.AgencyKind]*vigil.Agency{}, Teams: map[string]*vigil.Team{}}
	sys := vigil.SystemActor
	agencyNames := map[vigil.AgencyKind]string{
		vigil.AgencyChildrensServices: "Kettleford Borough Council Children's Services",
		vigil.AgencyPolice:            "Northmoor Police",
		vigil.AgencyEducation:         "Kettleford Academy Trust",
		vigil.AgencyHealth:            "Kettleford and District NHS Trust",
		vigil.AgencyIndependent:       "Independent Safeguarding Oversight",
	}
	for _, k := range vigil.AgencyKinds {
		a, err := svc.CreateAgency(ctx, sys, agencyNames[k], k)
		if err != nil {
			return nil, fmt.Errorf("synth: agency: %w", err)
		}
		town.Agencies[k] = a
	}
	for _, td := range teamDefs {
		t, err := svc.CreateTeam(ctx, sys, town.Agencies[td.agency].ID, td.name, td.intake)
		if err != nil {
			return nil, fmt.Errorf("synth: team: %w", err)
		}
		town.Teams[td.key] = t
	}
	users := map[string]*vigil.User{}
	for _, st := range demoStaff {
		pw := Password()
		n := vigil.NewUser{Username: st.username, Name: st.name, Role: st.role, AgencyID: town.Agencies[st.agency].ID, Password: pw}
		if st.team != "" {
			n.TeamID = town.Teams[st.team].ID
		}
		if st.manager != "" {
			n.ManagerID = users[st.manager].ID
		}
		u, err := svc.CreateUser(ctx, sys, n)
		if err != nil {
			return nil, fmt.Errorf("synth: user %s: %w", st.username, err)
		}
		users[st.username] = u
		tok, err := svc.CreateAPIToken(ctx, sys, u.ID, "demo")
		if err != nil {
			return nil, fmt.Errorf("synth: token: %w", err)
		}
		l := &Login{Username: st.username, Password: pw, Role: st.role, Agency: town.Agencies[st.agency].Name, APIToken: tok, User: u}
		if e, ok := svc.(totpEnroller); ok {
			key, err := e.EnrolTOTP(ctx, sys, u.ID)
			if err != nil {
				return nil, fmt.Errorf("synth: second factor of %s: %w", st.username, err)
			}
			l.TOTPSecret = key.Secret
		}
		town.Logins = append(town.Logins, l)
	}
	if err := svc.SetDutyManager(ctx, sys, town.Teams["front_door"].ID, users["duty.manager"].ID); err != nil {
		return nil, fmt.Errorf("synth: duty manager: %w", err)
	}
	raisers := []*vigil.User{users["police.officer"], users["school.dsl"], users["health.nurse"], users["referrer"], users["social.worker"]}
	now := vigil.Now()
	for i := range opt.Concerns {
		n := concern(r, now, i)
		actor := vigil.PublicActor
		if i%4 != 3 { // most concerns come from professionals
			actor = vigil.UserActor(raisers[r.IntN(len(raisers))])
		}
		_, cs, err := svc.RaiseConcern(ctx, actor, n)
		if err != nil {
			return nil, fmt.Errorf("synth: concern %d: %w", i, err)
		}
		town.Cases = append(town.Cases, cs)
	}
	return town, nil
}

var worries = []string{
	"{name} has been reported missing from home three times this month and was seen getting into a car with older men near the bus station.",
	"{name} told a teacher about an older 'boyfriend' who gives them a new phone and lifts in his car after school.",
	"{name} was found by police late at night at a takeaway on {street} with adults not known to the family.",
	"{name} has stopped attending school most afternoons; staff have seen them collected by a taxi from the gates.",
	"{name} attended the sexual health clinic; the nurse is worried about the age of the partner described.",
	"A neighbour heard shouting and saw {name} outside alone late at night, without a coat, several times this week.",
	"{name} has unexplained gifts and money and has been seen at a hotel on the ring road with older adults.",
	"{name} disclosed being sent messages online by an adult asking to meet, then said they had made it up.",
}

func concern(r *mrand.Rand, now time.Time, i int) vigil.NewConcern {
	first := givenNamesGirls[r.IntN(len(givenNamesGirls))]
	if r.IntN(4) == 0 {
		first = givenNamesBoys[r.IntN(len(givenNamesBoys))]
	}
	name := first + " " + surnames[r.IntN(len(surnames))]
	age := 10 + r.IntN(8)
	// Received within the last 300 days, so recent records are a mix of old and new work.
	received := now.Add(-time.Duration(r.IntN(300*24)) * time.Hour).Truncate(time.Minute)
	dob := received.AddDate(-age, -r.IntN(11), -r.IntN(27))
	street := streets[r.IntN(len(streets))]
	what := strings.NewReplacer("{name}", first, "{street}", street).Replace(worries[r.IntN(len(worries))])
	n := vigil.NewConcern{
		Source:     vigil.SourceProfessional,
		ReceivedAt: received,
		Child: vigil.Child{
			Name:        name,
			DateOfBirth: dob.In(vigil.London).Format("2006-01-02"),
			Address:     fmt.Sprintf("%d %s, Kettleford ZZ%d %dAB", 1+r.IntN(120), street, 1+r.IntN(9), 1+r.IntN(9)),
		},
		WhatHappened: what,
	}
	if i%4 == 3 {
		n.Source = vigil.SourcePublic
		n.Child.DateOfBirth = ""
		n.Child.Age = &age
		n.Reporter = vigil.Reporter{Relationship: "Neighbour"}
	}
	return n
}

// Password returns a random password of 20 characters (100 bits) for a demo account.
func Password() string {
	b := make([]byte, 13)
	rand.Read(b)
	return strings.ToLower(base32.StdEncoding.WithPadding(base32.NoPadding).EncodeToString(b))[:20]
}
