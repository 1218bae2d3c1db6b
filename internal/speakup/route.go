package speakup

import (
	"slices"
	"strings"

	"github.com/vigil-project/vigil"
)

// applies reports whether route r sends a report of ch about `about` (empty
// when it names none) to r's agency: the channel matches, the route is for
// every report or for reports about that organisation, and the agency is
// not the organisation the report is about.
func applies(r Route, ch Channel, about vigil.ID) bool {
	return r.Channel == ch && r.AgencyID != "" && r.AgencyID != about && (r.About == "" || r.About == about)
}

// RouteReport decides where a report of channel ch about organisation
// about (empty when it names none) goes: to the agencies a route sends the
// channel (or reports about that organisation) to, less the organisation
// the report is about, whatever the routes say; and within them, to every active enrolled recipient. A
// report about an organisation never reaches that organisation, even if a
// deployment routed the channel to it, so that nobody can configure the
// channel into the hands of the people it reports on.
func RouteReport(ch Channel, about vigil.ID, routes []Route, recipients []*Recipient) (agencies []vigil.ID, to []*Recipient) {
	for _, r := range routes {
		if !applies(r, ch, about) || slices.Contains(agencies, r.AgencyID) {
			continue
		}
		agencies = append(agencies, r.AgencyID)
	}
	for _, rc := range recipients {
		if rc.Active && rc.AgencyID != about && slices.Contains(agencies, rc.AgencyID) {
			to = append(to, rc)
		}
	}
	// Keep only agencies with someone to read the report, so that the log
	// does not claim a routing nobody can act on.
	var reached []vigil.ID
	for _, a := range agencies {
		if slices.ContainsFunc(to, func(r *Recipient) bool { return r.AgencyID == a }) {
			reached = append(reached, a)
		}
	}
	return reached, to
}

// Custodians returns the custodians among rs.
func Custodians(rs []*Recipient) []*Recipient {
	var out []*Recipient
	for _, r := range rs {
		if r.Custodian {
			out = append(out, r)
		}
	}
	return out
}

// Normalize trims spaces from every text field.
func (n *NewReport) Normalize() {
	for _, p := range []*string{&n.Child.Name, &n.Child.Age, &n.Child.Address, &n.What, &n.Others,
		&n.Identity.Name, &n.Identity.Contact, &n.Identity.Role} {
		*p = strings.TrimSpace(*p)
	}
}

// Validate checks a report. Field names are the form's input ids.
func (n *NewReport) Validate() error {
	var v vigil.Validation
	if !n.Channel.Valid() {
		v.Add("channel", "Choose what your report is about")
	}
	if n.Channel == ChannelStaff && n.AboutID == "" {
		v.Add("about", "Choose the organisation your report is about")
	}
	if n.AboutID != "" && !n.AboutID.Valid() {
		v.Add("about", "Choose the organisation from the list")
	}
	checkField(&v, "what", "what happened", n.What, MaxWhatLen, true)
	checkField(&v, "others", "who else is involved", n.Others, MaxOthersLen, false)
	checkField(&v, "child-name", "the name", n.Child.Name, MaxShortLen, false)
	checkField(&v, "child-age", "the age", n.Child.Age, 20, false)
	checkField(&v, "child-where", "where they live or can be found", n.Child.Address, MaxAddressLen, false)
	checkField(&v, "name", "your name", n.Identity.Name, MaxShortLen, false)
	checkField(&v, "contact", "how to contact you", n.Identity.Contact, MaxShortLen, false)
	checkField(&v, "role", "your job or how you know", n.Identity.Role, MaxShortLen, false)
	if len(n.Attachments) > MaxAttachments {
		v.Add("attachment", "You can attach up to %d files", MaxAttachments)
	}
	return v.Err()
}

// CheckMessage checks the text of a message.
func CheckMessage(text string) error {
	var v vigil.Validation
	checkField(&v, "message", "your message", strings.TrimSpace(text), MaxMessageLen, true)
	return v.Err()
}

func checkField(v *vigil.Validation, field, label, s string, max int, required bool) {
	if err := vigil.CheckText(field, label, s, max, required); err != nil {
		for _, f := range vigil.ErrorFields(err) {
			v.Add(f.Field, "%s", f.Message)
		}
	}
}
