package sqlstore_test

import (
	"context"
	"path/filepath"
	"testing"

	"github.com/vigil-project/vigil"
	"github.com/vigil-project/vigil/internal/ledger"
	"github.com/vigil-project/vigil/internal/pgtest"
	"github.com/vigil-project/vigil/internal/sqldb"
	"github.com/vigil-project/vigil/internal/sqlstore"
	"github.com/vigil-project/vigil/internal/synth"
)

func TestMain(m *testing.M) { pgtest.Main(m) }

type env struct {
	store *sqlstore.Store
	db    *sqldb.DB
	key   *ledger.Key
	town  *synth.Town
}

// engines runs f on a seeded store on SQLite and on PostgreSQL: the same
// conformance tests for both engines.
func engines(t *testing.T, f func(t *testing.T, e *env)) {
	for _, engine := range []string{"sqlite", "postgres"} {
		t.Run(engine, func(t *testing.T) {
			var dsn string
			if engine == "sqlite" {
				dsn = "sqlite:" + filepath.Join(t.TempDir(), "vigil.db")
			} else {
				dsn = pgtest.DSN(t)
			}
			f(t, open(t, dsn))
		})
	}
}

func open(t testing.TB, dsn string) *env {
	t.Helper()
	ctx := context.Background()
	db, err := sqldb.Open(ctx, dsn)
	if err != nil {
		t.Fatal(err)
	}
	skey, _, err := ledger.GenerateKey("test.vigil.invalid/log")
	if err != nil {
		t.Fatal(err)
	}
	key, err := ledger.ParseKey(skey)
	if err != nil {
		t.Fatal(err)
	}
	s, err := sqlstore.Open(ctx, db, key, nil)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { s.Close(); db.Close() })
	town, err := synth.Seed(ctx, s, synth.Options{Seed: 1, Concerns: 8})
	if err != nil {
		t.Fatal(err)
	}
	return &env{store: s, db: db, key: key, town: town}
}

func (e *env) user(t testing.TB, username string) vigil.Actor {
	t.Helper()
	l := e.town.Login(username)
	if l == nil {
		t.Fatalf("no demo user %s", username)
	}
	return vigil.UserActor(l.User)
}

func TestRaiseConcernOpensOwnedCase(t *testing.T) {
	engines(t, func(t *testing.T, e *env) {
		ctx := context.Background()
		age := 14
		c, cs, err := e.store.RaiseConcern(ctx, e.user(t, "school.dsl"), vigil.NewConcern{
			Child:        vigil.Child{Name: "Test Child", Age: &age},
			WhatHappened: "Seen leaving school in a car with an older man.",
		})
		if err != nil {
			t.Fatal(err)
		}
		duty := e.town.Login("duty.manager").User
		if cs.OwnerID != duty.ID || cs.Status != vigil.CaseOpen {
			t.Errorf("case owner = %s status %s, want the duty manager %s and open", cs.OwnerID, cs.Status, duty.ID)
		}
		if c.Source != vigil.SourceProfessional || c.RaisedBy == "" {
			t.Errorf("concern source %s raised by %q", c.Source, c.RaisedBy)
		}
		// The raiser can open the case they reported; an unrelated police officer cannot.
		d, err := e.store.FindCase(ctx, e.user(t, "school.dsl"), cs.ID, "test")
		if err != nil {
			t.Fatal(err)
		}
		if len(d.Concerns) != 1 || len(d.Events) != 3 || d.Owner.ID != duty.ID || len(d.Deadlines) != 1 || d.Deadlines[0].Kind != "decision" {
			t.Errorf("case detail has %d concerns, %d events, %d deadlines, owner %v", len(d.Concerns), len(d.Events), len(d.Deadlines), d.Owner)
		}
		if _, err := e.store.FindCase(ctx, e.user(t, "police.analyst"), cs.ID, "test"); vigil.ErrorCode(err) != vigil.ENOTFOUND {
			t.Errorf("unrelated user opened the case: err = %v", err)
		}
		// The duty manager's work lists it.
		list, err := e.store.Cases(ctx, e.user(t, "duty.manager"), vigil.CaseFilter{OwnerID: duty.ID})
		if err != nil {
			t.Fatal(err)
		}
		found := false
		for _, x := range list {
			found = found || x.ID == cs.ID
		}
		if !found {
			t.Error("the new case is not in the duty manager's work")
		}
		e.store.Log().Checkpoint(ctx)
		r, err := ledger.VerifyDB(ctx, e.db, e.key.VerifierKey(), sqlstore.Tables, nil)
		if err != nil {
			t.Fatal(err)
		}
		if !r.OK() {
			t.Fatalf("verify: %v", r.Problems)
		}
	})
}

func TestRaiseConcernValidation(t *testing.T) {
	engines(t, func(t *testing.T, e *env) {
		ctx := context.Background()
		before, _ := ledger.Size(ctx, e.db)
		_, _, err := e.store.RaiseConcern(ctx, e.user(t, "police.officer"), vigil.NewConcern{Child: vigil.Child{DateOfBirth: "2001-02-30"}})
		if vigil.ErrorCode(err) != vigil.EINVALID {
			t.Fatalf("err = %v, want invalid", err)
		}
		fields := map[string]bool{}
		for _, f := range vigil.ErrorFields(err) {
			fields[f.Field] = true
		}
		for _, want := range []string{"child.name", "child.date_of_birth", "what_happened"} {
			if !fields[want] {
				t.Errorf("no error for %s in %v", want, vigil.ErrorFields(err))
			}
		}
		if _, _, err := e.store.RaiseConcern(ctx, e.user(t, "investigator"), vigil.NewConcern{WhatHappened: "x"}); vigil.ErrorCode(err) != vigil.EFORBIDDEN {
			t.Errorf("investigator raising a concern: err = %v, want forbidden", err)
		}
		after, _ := ledger.Size(ctx, e.db)
		if after != before {
			t.Errorf("refused concerns appended %d log entries", after-before)
		}
	})
}

func TestSignIn(t *testing.T) {
	engines(t, func(t *testing.T, e *env) {
		ctx := context.Background()
		l := e.town.Login("social.worker")
		token, u, err := e.store.SignIn(ctx, "Social.Worker ", l.Password)
		if err != nil || u.ID != l.User.ID {
			t.Fatalf("sign in: %v", err)
		}
		token = e.completeSignIn(t, token, l) // the second factor: see auth_test.go
		if got, err := e.store.UserBySession(ctx, token); err != nil || got.ID != u.ID {
			t.Fatalf("session: %v", err)
		}
		if _, _, err := e.store.SignIn(ctx, "social.worker", "wrong password!"); vigil.ErrorCode(err) != vigil.EUNAUTHORIZED {
			t.Errorf("wrong password: err = %v", err)
		}
		if _, _, err := e.store.SignIn(ctx, "nobody", "wrong password!"); vigil.ErrorCode(err) != vigil.EUNAUTHORIZED {
			t.Errorf("unknown user: err = %v", err)
		}
		if err := e.store.SignOut(ctx, token); err != nil {
			t.Fatal(err)
		}
		if _, err := e.store.UserBySession(ctx, token); vigil.ErrorCode(err) != vigil.EUNAUTHORIZED {
			t.Errorf("session after sign-out: err = %v", err)
		}
		if got, err := e.store.UserByAPIToken(ctx, l.APIToken); err != nil || got.ID != u.ID {
			t.Errorf("api token: %v", err)
		}
		if _, err := e.store.UserByAPIToken(ctx, l.APIToken+"x"); vigil.ErrorCode(err) != vigil.EUNAUTHORIZED {
			t.Errorf("bad api token: err = %v", err)
		}
	})
}

// TestCaseScopeMatchesAccess checks, for every demo user, that the cases
// listed for them are exactly the cases vigil.CanViewCase lets them open.
func TestCaseScopeMatchesAccess(t *testing.T) {
	engines(t, func(t *testing.T, e *env) {
		ctx := context.Background()
		all, err := e.store.Cases(ctx, e.user(t, "investigator"), vigil.CaseFilter{})
		if err != nil {
			t.Fatal(err)
		}
		if len(all) != len(e.town.Cases) {
			t.Fatalf("investigator sees %d cases, the town has %d", len(all), len(e.town.Cases))
		}
		for _, l := range e.town.Logins {
			listed, err := e.store.Cases(ctx, vigil.UserActor(l.User), vigil.CaseFilter{})
			if err != nil {
				t.Fatal(err)
			}
			got := map[vigil.ID]bool{}
			for _, c := range listed {
				got[c.ID] = true
			}
			for _, c := range all {
				var involved int
				e.db.Reader.QueryRow(e.db.Rebind(`SELECT (SELECT COUNT(*) FROM concerns WHERE case_id = ? AND raised_by = ?)
					+ (SELECT COUNT(*) FROM agency_referrals WHERE case_id = ? AND to_agency = ? AND ? <> 'administrator')`),
					c.ID, l.User.ID, c.ID, l.User.AgencyID, l.User.Role).Scan(&involved)
				if want := vigil.CanViewCase(l.User, c, involved > 0); want != got[c.ID] {
					t.Errorf("%s: case %s listed=%v, may open=%v", l.Username, c.Ref, got[c.ID], want)
				}
			}
		}
	})
}
