package sqlstore

import (
	"context"
	"database/sql"
	"encoding/json"
	"fmt"
	"strings"

	"github.com/vigil-project/vigil"
	"github.com/vigil-project/vigil/internal/ledger"
	"github.com/vigil-project/vigil/internal/speakup"
)

// This file is the speak-up channel's configuration (speakup.Admin):
// routes, custodians and each channel's clocks and retention, all kept in
// tracked tables so that every change is in the log with who made it,
// and so that every node of a deployment reads the same configuration.

// Configure implements speakup.Admin.
func (s *Store) Configure(ctx context.Context, actor vigil.Actor, c *speakup.Config) ([]string, error) {
	if !speakup.CanConfigure(actor) {
		return nil, vigil.Errorf(vigil.EFORBIDDEN, "Only commissioners can change where speak-up reports go.")
	}
	if err := c.Validate(); err != nil {
		return nil, err
	}
	var gaps []string
	err := s.write(ctx, func(tx *ledger.Tx) error {
		agencies, order, err := s.agencyNames(tx)
		if err != nil {
			return err
		}
		var v vigil.Validation
		resolve := func(field, name string) vigil.ID {
			name = strings.TrimSpace(name)
			if _, ok := agencies[vigil.ID(name)]; ok {
				return vigil.ID(name)
			}
			for id, n := range agencies {
				if strings.EqualFold(n, name) {
					return id
				}
			}
			v.Add(field, "There is no agency called %q", name)
			return ""
		}
		var want []speakup.Route
		for i, r := range c.Routes {
			field := fmt.Sprintf("routes[%d]", i)
			rt := speakup.Route{Channel: r.Channel, AgencyID: resolve(field, r.To)}
			if strings.TrimSpace(r.About) != "" {
				rt.About = resolve(field, r.About)
			}
			if rt.About != "" && rt.About == rt.AgencyID {
				v.Add(field, "Route %d: reports about %s cannot be sent to %s itself: the channel exists so that nobody reads reports about their own organisation",
					i+1, agencies[rt.AgencyID], agencies[rt.AgencyID])
			}
			want = append(want, rt)
		}
		people := func(list, what string, names []string) ([]vigil.ID, error) {
			var ids []vigil.ID
			for i, name := range names {
				field := fmt.Sprintf("%s[%d]", list, i)
				u, _, err := scanUserHash(tx.QueryRow(`SELECT `+userColumns+` FROM users u WHERE lower(u.username) = lower(?)`, strings.TrimSpace(name)))
				switch {
				case isNoRows(err) || vigil.ErrorCode(err) == vigil.ENOTFOUND:
					v.Add(field, "There is nobody with the username %q", name)
				case err != nil:
					return nil, err
				case !speakup.CanReceive(u):
					v.Add(field, "%s cannot be a %s: a %s must be an active team or service manager, director, scrutiny panel member or commissioner, who may receive reports", name, what, what)
				default:
					ids = append(ids, u.ID)
				}
			}
			return ids, nil
		}
		custodians, err := people("custodians", "custodian", c.Custodians)
		if err != nil {
			return err
		}
		named, err := people("recipients", "recipient", c.Recipients)
		if err != nil {
			return err
		}
		if err := v.Err(); err != nil {
			return err
		}
		who := string(actor.ID)
		have, err := s.routes(tx)
		if err != nil {
			return err
		}
		for _, r := range want {
			if err := s.setRoute(tx, who, r, true); err != nil {
				return err
			}
		}
		for _, r := range have {
			if !containsRoute(want, r) {
				if err := s.setRoute(tx, who, r, false); err != nil {
					return err
				}
			}
		}
		current, err := idsOf(tx, `SELECT user_id FROM speakup_named_recipients WHERE active = 1`)
		if err != nil {
			return err
		}
		for _, id := range named {
			if err := s.setNamedRecipient(tx, who, id, true); err != nil {
				return err
			}
		}
		for _, id := range current {
			if !containsID(named, id) {
				if err := s.setNamedRecipient(tx, who, id, false); err != nil {
					return err
				}
			}
		}
		current, err = idsOf(tx, `SELECT user_id FROM speakup_custodians WHERE active = 1`)
		if err != nil {
			return err
		}
		for _, id := range custodians {
			if err := s.setCustodian(tx, who, id, true); err != nil {
				return err
			}
		}
		for _, id := range current {
			if !containsID(custodians, id) {
				if err := s.setCustodian(tx, who, id, false); err != nil {
					return err
				}
			}
		}
		for _, ch := range speakup.Channels {
			p, ok := c.Policies[ch]
			if !ok {
				p = speakup.DefaultPolicies()[ch]
			}
			if err := s.setPolicy(tx, who, ch, p); err != nil {
				return err
			}
		}
		// The file approves the keys of people it names while nobody
		// else can (the first recipients of a deployment).
		if actor.ID == vigil.ActorSystem {
			if err := s.approveByConfig(tx); err != nil {
				return err
			}
		}
		gaps = speakup.Gaps(want, agencies, order)
		return nil
	})
	if err != nil {
		return nil, err
	}
	return gaps, nil
}

func containsRoute(rs []speakup.Route, r speakup.Route) bool {
	for _, x := range rs {
		if x == r {
			return true
		}
	}
	return false
}

func containsID(ids []vigil.ID, id vigil.ID) bool {
	for _, x := range ids {
		if x == id {
			return true
		}
	}
	return false
}

// agencyNames returns every agency's name by id, and the ids by name.
func (s *Store) agencyNames(q querier) (map[vigil.ID]string, []vigil.ID, error) {
	rows, err := q.Query(`SELECT id, name FROM agencies ORDER BY name, id`)
	if err != nil {
		return nil, nil, err
	}
	defer rows.Close()
	names := map[vigil.ID]string{}
	var order []vigil.ID
	for rows.Next() {
		var id vigil.ID
		var name string
		if err := rows.Scan(&id, &name); err != nil {
			return nil, nil, err
		}
		names[id] = name
		order = append(order, id)
	}
	return names, order, rows.Err()
}

// SetRoute implements speakup.Admin.
func (s *Store) SetRoute(ctx context.Context, actor vigil.Actor, r speakup.Route, on bool) error {
	if !speakup.CanConfigure(actor) {
		return vigil.Errorf(vigil.EFORBIDDEN, "Only commissioners can change where speak-up reports go.")
	}
	if !r.Channel.Valid() {
		return vigil.Errorf(vigil.EINVALID, "Choose a channel: child, young_person or staff")
	}
	if r.About != "" && r.About == r.AgencyID {
		return vigil.Errorf(vigil.EINVALID, "Reports about an organisation cannot be sent to that organisation: the channel exists so that nobody reads reports about their own organisation.")
	}
	return s.write(ctx, func(tx *ledger.Tx) error {
		for _, a := range []vigil.ID{r.AgencyID, r.About} {
			if a == "" && r.AgencyID != "" {
				continue // a route for every report of the channel
			}
			var n int
			if err := tx.QueryRow(`SELECT COUNT(*) FROM agencies WHERE id = ?`, a).Scan(&n); err != nil {
				return err
			} else if n == 0 {
				return notFound("The agency")
			}
		}
		return s.setRoute(tx, string(actor.ID), r, on)
	})
}

// setRoute turns a route on or off, logging a change; it does nothing
// when the route is already so.
func (s *Store) setRoute(tx *ledger.Tx, who string, r speakup.Route, on bool) error {
	var id string
	var active int64
	err := tx.QueryRow(`SELECT id, active FROM speakup_routes WHERE channel = ? AND agency_id = ? AND COALESCE(about_id, '') = ?`,
		r.Channel, r.AgencyID, string(r.About)).Scan(&id, &active)
	switch {
	case isNoRows(err):
		if !on {
			return nil
		}
		return tx.Save("speakup.route_set", who, "speakup_routes",
			`INSERT INTO speakup_routes (id, version, channel, agency_id, about_id, active, changed_at, changed_by) VALUES (?, 1, ?, ?, ?, 1, ?, ?)`,
			vigil.NewID(), r.Channel, r.AgencyID, null(r.About), micros(tx.Now()), who)
	case err != nil:
		return err
	case (active == 1) == on:
		return nil
	}
	return tx.Save("speakup.route_changed", who, "speakup_routes",
		`UPDATE speakup_routes SET active = ?, changed_at = ?, changed_by = ?, version = version + 1 WHERE id = ?`,
		boolInt(on), micros(tx.Now()), who, id)
}

// Routes implements speakup.Admin.
func (s *Store) Routes(ctx context.Context) ([]speakup.Route, error) {
	return s.routes(reader{s, ctx})
}

func (s *Store) routes(q querier) ([]speakup.Route, error) {
	rows, err := q.Query(`SELECT channel, agency_id, about_id FROM speakup_routes WHERE active = 1 ORDER BY channel, agency_id, about_id`)
	if err != nil {
		return nil, internal("read speak-up routes", err)
	}
	defer rows.Close()
	var out []speakup.Route
	for rows.Next() {
		var r speakup.Route
		var about sql.NullString
		if err := rows.Scan(&r.Channel, &r.AgencyID, &about); err != nil {
			return nil, internal("read speak-up routes", err)
		}
		r.About = vigil.ID(about.String)
		out = append(out, r)
	}
	return out, rows.Err()
}

// SetCustodian implements speakup.Admin.
func (s *Store) SetCustodian(ctx context.Context, actor vigil.Actor, userID vigil.ID, on bool) error {
	if !speakup.CanConfigure(actor) {
		return vigil.Errorf(vigil.EFORBIDDEN, "Only commissioners can choose custodians.")
	}
	return s.write(ctx, func(tx *ledger.Tx) error {
		u, _, err := scanUserHash(tx.QueryRow(`SELECT `+userColumns+` FROM users u WHERE u.id = ?`, userID))
		if isNoRows(err) {
			return notFound("The person")
		} else if err != nil {
			return err
		}
		if on && !speakup.CanReceive(u) {
			return vigil.Errorf(vigil.EINVALID, "%s cannot be a custodian: a custodian must be someone who may receive reports.", u.Name)
		}
		return s.setCustodian(tx, string(actor.ID), userID, on)
	})
}

// setCustodian records whether a person is a custodian, and makes their
// enrolment, if they have one, agree; each change is logged.
func (s *Store) setCustodian(tx *ledger.Tx, who string, userID vigil.ID, on bool) error {
	var id string
	var active int64
	err := tx.QueryRow(`SELECT id, active FROM speakup_custodians WHERE user_id = ?`, userID).Scan(&id, &active)
	switch {
	case isNoRows(err):
		if on {
			err = tx.Save("speakup.custodian_named", who, "speakup_custodians",
				`INSERT INTO speakup_custodians (id, version, user_id, active, changed_at, changed_by) VALUES (?, 1, ?, 1, ?, ?)`,
				vigil.NewID(), userID, micros(tx.Now()), who)
		}
	case err != nil:
		return err
	case (active == 1) != on:
		err = tx.Save("speakup.custodian_changed", who, "speakup_custodians",
			`UPDATE speakup_custodians SET active = ?, changed_at = ?, changed_by = ?, version = version + 1 WHERE id = ?`,
			boolInt(on), micros(tx.Now()), who, id)
	}
	if err != nil {
		return err
	}
	return s.custodianChanged(tx, who, userID, on, vigil.ID(who) == vigil.ActorSystem)
}

// setNamedRecipient records whether the configuration file names a person
// as a recipient (see speakup.Config.Recipients); each change is logged.
func (s *Store) setNamedRecipient(tx *ledger.Tx, who string, userID vigil.ID, on bool) error {
	var id string
	var active int64
	err := tx.QueryRow(`SELECT id, active FROM speakup_named_recipients WHERE user_id = ?`, userID).Scan(&id, &active)
	switch {
	case isNoRows(err):
		if !on {
			return nil
		}
		return tx.Save("speakup.recipient_named", who, "speakup_named_recipients",
			`INSERT INTO speakup_named_recipients (id, version, user_id, active, changed_at, changed_by) VALUES (?, 1, ?, 1, ?, ?)`,
			vigil.NewID(), userID, micros(tx.Now()), who)
	case err != nil:
		return err
	case (active == 1) == on:
		return nil
	}
	return tx.Save("speakup.recipient_naming_changed", who, "speakup_named_recipients",
		`UPDATE speakup_named_recipients SET active = ?, changed_at = ?, changed_by = ?, version = version + 1 WHERE id = ?`,
		boolInt(on), micros(tx.Now()), who, id)
}

// namedCustodian reports whether a person is named a custodian.
func namedCustodian(q querier, userID vigil.ID) (bool, error) {
	var n int
	err := q.QueryRow(`SELECT COUNT(*) FROM speakup_custodians WHERE user_id = ? AND active = 1`, userID).Scan(&n)
	return n > 0, err
}

// setPolicy records a channel's policy when it differs from the one in force.
func (s *Store) setPolicy(tx *ledger.Tx, who string, ch speakup.Channel, p speakup.Policy) error {
	enc := func(x vigil.Period) string { b, _ := json.Marshal(x); return string(b) }
	ack, fb, ret := enc(p.Acknowledge), enc(p.Feedback), enc(p.Retain)
	var id, a, f, r string
	err := tx.QueryRow(`SELECT id, acknowledge, feedback, retain FROM speakup_policies WHERE channel = ?`, ch).Scan(&id, &a, &f, &r)
	switch {
	case isNoRows(err):
		if p == speakup.DefaultPolicies()[ch] {
			return nil // the default needs no row
		}
		return tx.Save("speakup.policy_set", who, "speakup_policies",
			`INSERT INTO speakup_policies (id, version, channel, acknowledge, feedback, retain, changed_at, changed_by) VALUES (?, 1, ?, ?, ?, ?, ?, ?)`,
			vigil.NewID(), ch, ack, fb, ret, micros(tx.Now()), who)
	case err != nil:
		return err
	case a == ack && f == fb && r == ret:
		return nil
	}
	return tx.Save("speakup.policy_changed", who, "speakup_policies",
		`UPDATE speakup_policies SET acknowledge = ?, feedback = ?, retain = ?, changed_at = ?, changed_by = ?, version = version + 1 WHERE id = ?`,
		ack, fb, ret, micros(tx.Now()), who, id)
}

// policy returns a channel's policy in force: the configured one, or the default.
func (s *Store) policy(q querier, ch speakup.Channel) (speakup.Policy, error) {
	p := speakup.DefaultPolicies()[ch]
	var a, f, r string
	err := q.QueryRow(`SELECT acknowledge, feedback, retain FROM speakup_policies WHERE channel = ?`, ch).Scan(&a, &f, &r)
	if isNoRows(err) {
		return p, nil
	} else if err != nil {
		return p, internal("read speak-up policy", err)
	}
	for _, x := range []struct {
		s string
		p *vigil.Period
	}{{a, &p.Acknowledge}, {f, &p.Feedback}, {r, &p.Retain}} {
		if err := json.Unmarshal([]byte(x.s), x.p); err != nil {
			return p, internal("read speak-up policy", err)
		}
	}
	return p, nil
}

// SpeakUpPolicies returns every channel's policy in force.
func (s *Store) SpeakUpPolicies(ctx context.Context) (speakup.Policies, error) {
	out := speakup.Policies{}
	for _, ch := range speakup.Channels {
		p, err := s.policy(reader{s, ctx}, ch)
		if err != nil {
			return nil, err
		}
		out[ch] = p
	}
	return out, nil
}
