package sqlstore

import (
	"strings"

	"github.com/vigil-project/vigil"
	"github.com/vigil-project/vigil/internal/link"
)

// Exact keys: things other than people are linked when their normalised
// forms agree (a plate with look-alikes folded, an E.164 phone, a handle,
// a postcode with its address, a venue's name with its district). Only
// the fields that name the thing are read: never demographics.

// mentionKey is a mention's key for exact linking, with what to show as
// evidence and how strong an agreement it is.
type mentionKey struct {
	key         string // kind-prefixed; "" when the mention has none
	field       string // what agreed
	value       string // the normalised value, shown as evidence
	probability float64
	plate       link.Plate // for vehicles
}

// keyOf returns the exact-linking key of a mention.
func keyOf(m *vigil.Mention) mentionKey {
	switch m.Kind {
	case vigil.MentionVehicle:
		p := link.NormalisePlate(m.Plate)
		if p.Key == "" {
			return mentionKey{}
		}
		return mentionKey{key: "vehicle|" + p.Key, field: "plate", value: p.Text, probability: 0.99, plate: p}
	case vigil.MentionPhone:
		k := m.PhoneKey
		if k == "" {
			k = link.NormalisePhone(m.Phone)
		}
		if k == "" {
			return mentionKey{}
		}
		return mentionKey{key: "phone|" + k, field: "phone", value: k, probability: 0.99}
	case vigil.MentionHandle:
		h := handleKey(m.Handle)
		if len(h) < 3 {
			return mentionKey{}
		}
		return mentionKey{key: "handle|" + h, field: "handle", value: h, probability: 0.97}
	case vigil.MentionAddress:
		addr := strings.Join(link.NormaliseAddress(m.Address), " ")
		pc := link.NormalisePostcode(m.Postcode).Full
		if addr == "" || pc == "" && m.Locality == "" {
			return mentionKey{}
		}
		where := pc
		if where == "" {
			where = strings.ReplaceAll(link.Fold(m.Locality), " ", "")
		}
		return mentionKey{key: "address|" + addr + "|" + where, field: "address", value: addr + ", " + where, probability: 0.98}
	case vigil.MentionVenue:
		name := link.Fold(m.VenueName)
		if name == "" {
			return mentionKey{}
		}
		where := link.NormalisePostcode(m.Postcode).Outward
		if where == "" {
			where = strings.ReplaceAll(link.Fold(m.Locality), " ", "")
		}
		if where == "" {
			// A name alone: chains have many branches, so ask.
			return mentionKey{key: "venue|" + name, field: "venue name", value: name, probability: 0.7}
		}
		return mentionKey{key: "venue|" + name + "|" + where, field: "venue", value: name + ", " + where, probability: 0.97}
	}
	return mentionKey{}
}

// handleKey lower-cases a handle and keeps its letters, digits, dots and
// underscores: "@Jay_K" and "jay_k" are one handle.
func handleKey(s string) string {
	var b strings.Builder
	for _, c := range strings.ToLower(strings.TrimSpace(s)) {
		if c >= 'a' && c <= 'z' || c >= '0' && c <= '9' || c == '_' || c == '.' {
			b.WriteRune(c)
		}
	}
	return b.String()
}

// personMention is what the person linker reads of a mention: names,
// date of birth, address, phone, e-mail and identifier. Gender,
// ethnicity and nationality are left out on purpose.
func personMention(m *vigil.Mention) link.Mention {
	given := m.GivenName
	if given == "" && m.FullName == "" && m.FamilyName == "" {
		given = m.Nickname
	}
	return link.Mention{ID: string(m.ID), GivenName: given, FamilyName: m.FamilyName, FullName: m.FullName,
		DOB: m.DateOfBirth, Address: m.Address, Locality: m.Locality, Postcode: m.Postcode, Phone: m.Phone,
		Email: m.Email, Identifier: m.Identifier}
}

// named reports whether a person mention has anything to link on.
func named(m *vigil.Mention) bool {
	return m.GivenName != "" || m.FamilyName != "" || m.FullName != "" || m.Nickname != "" || m.Identifier != "" || m.Email != ""
}

// mentionLabel is a short description of a mention for lists and graphs.
func mentionLabel(m *vigil.Mention) string {
	join := func(ss ...string) string {
		var out []string
		for _, s := range ss {
			if s = strings.TrimSpace(s); s != "" {
				out = append(out, s)
			}
		}
		return strings.Join(out, " ")
	}
	var s string
	switch m.Kind {
	case vigil.MentionPerson:
		s = m.FullName
		if s == "" {
			s = join(m.GivenName, m.FamilyName)
		}
		if s == "" && m.Nickname != "" {
			s = "“" + m.Nickname + "”"
		}
		if s == "" {
			s = "unnamed " + string(m.Role)
		}
	case vigil.MentionVehicle:
		s = join(link.NormalisePlate(m.Plate).Text, m.Colour, m.Make, m.Model)
		if m.TaxiFirm != "" {
			s = join(s, "("+m.TaxiFirm+")")
		}
	case vigil.MentionPhone:
		s = m.Phone
	case vigil.MentionHandle:
		s = join(m.Platform, m.Handle)
	case vigil.MentionAddress:
		s = join(m.Address, m.Locality, m.Postcode)
	case vigil.MentionVenue:
		s = join(m.VenueName, m.VenueKind, m.Postcode)
		if m.VenueName == "" {
			s = join(m.VenueKind, m.Address, m.Locality, m.Postcode)
		}
	}
	if s == "" {
		s = string(m.Kind)
	}
	return s
}
