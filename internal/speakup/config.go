package speakup

import (
	"bytes"
	"encoding/json"
	"fmt"
	"strings"

	"github.com/vigil-project/vigil"
)

// Config is a deployment's speak-up configuration: which bodies receive
// which kind of report, who the custodians of reporters' identities are,
// and each channel's clocks and retention. `vigil serve --speakup FILE`
// reads it from a JSON file and applies it at start, and the demo applies
// its own through the same path (speakup.Admin.Configure); the file is the
// whole configuration, so a route or custodian left out of it is turned
// off. For example:
//
//	{
//	  "routes": [
//	    {"channel": "child", "to": "Children's Services"},
//	    {"channel": "child", "to": "Child Protection Scrutiny Panel"},
//	    {"channel": "staff", "to": "Child Protection Scrutiny Panel"},
//	    {"channel": "staff", "about": "Child Protection Scrutiny Panel", "to": "Police"}
//	  ],
//	  "custodians": ["commissioner"],
//	  "recipients": ["scrutiny", "commissioner"],
//	  "policies": {"staff": {"acknowledge": {"hours": 72}, "feedback": {"months": 3}, "retain": {"months": 24}}}
//	}
//
// Agencies are named by their name or id, people by their username.
//
// A person's speak-up key receives nothing until a custodian, or a
// recipient of another receiving body, approves it (see approve.go).
// "recipients" (and "custodians") name the people whose key the file
// itself approves while nobody else can: the first recipients of a new
// deployment. Once one of them has a key, they approve the others.
type Config struct {
	Routes     []ConfigRoute      `json:"routes"`
	Custodians []string           `json:"custodians"`
	Recipients []string           `json:"recipients,omitempty"`
	Policies   map[Channel]Policy `json:"policies,omitempty"`
}

// ConfigRoute sends a channel's reports to a body: all of them, or only
// those about one organisation (About), which lets a deployment give
// reports about the usual receiving body somewhere else to go.
type ConfigRoute struct {
	Channel Channel `json:"channel"`
	To      string  `json:"to"`
	About   string  `json:"about,omitempty"`
}

// Limits on a policy. The channel promises reporters an answer within the
// EU Whistleblowing Directive's timescales (2019/1937 art. 9(1)(b) and
// (f)): a deployment may shorten them, not lengthen them, so that what the
// pages tell a reporter stays true.
const (
	maxAcknowledgeHours       = 7 * 24
	maxAcknowledgeWorkingDays = 5
	maxFeedbackMonths         = 3
	maxFeedbackWorkingDays    = 60
	maxFeedbackHours          = 90 * 24
	maxRetainMonths           = 120
)

func onePeriod(p vigil.Period) bool {
	n := 0
	for _, v := range []int{p.WorkingDays, p.Months, p.Hours} {
		if v < 0 {
			return false
		} else if v > 0 {
			n++
		}
	}
	return n == 1
}

// Validate checks a channel's policy; field names the policy in errors.
func (p Policy) Validate(v *vigil.Validation, field string) {
	switch {
	case !onePeriod(p.Acknowledge):
		v.Add(field+".acknowledge", "Set the time to acknowledge a report as exactly one of hours or working_days, positive")
	case p.Acknowledge.Months > 0 || p.Acknowledge.Hours > maxAcknowledgeHours || p.Acknowledge.WorkingDays > maxAcknowledgeWorkingDays:
		v.Add(field+".acknowledge", "A report must be acknowledged within 7 days (%d hours or %d working days) at most", maxAcknowledgeHours, maxAcknowledgeWorkingDays)
	}
	switch {
	case !onePeriod(p.Feedback):
		v.Add(field+".feedback", "Set the time to give feedback as exactly one of hours, working_days or months, positive")
	case p.Feedback.Months > maxFeedbackMonths || p.Feedback.WorkingDays > maxFeedbackWorkingDays || p.Feedback.Hours > maxFeedbackHours:
		v.Add(field+".feedback", "Feedback must be given within 3 months at most")
	}
	switch {
	case !onePeriod(p.Retain):
		v.Add(field+".retain", "Set how long a closed report is kept as exactly one of hours, working_days or months, positive")
	case p.Retain.Months > maxRetainMonths:
		v.Add(field+".retain", "Keep a closed report for at most %d months", maxRetainMonths)
	}
}

// ParseConfig reads a configuration file, refusing unknown fields, and
// checks what can be checked without the database: channels, policies,
// and a route about an organisation to that same organisation. Agencies
// and people are checked when the configuration is applied.
func ParseConfig(b []byte) (*Config, error) {
	var c Config
	dec := json.NewDecoder(bytes.NewReader(b))
	dec.DisallowUnknownFields()
	if err := dec.Decode(&c); err != nil {
		return nil, vigil.Errorf(vigil.EINVALID, "The speak-up configuration is not valid JSON of the expected shape: %v", err)
	}
	return &c, c.Validate()
}

// Validate checks c as ParseConfig does.
func (c *Config) Validate() error {
	var v vigil.Validation
	seen := map[ConfigRoute]bool{}
	for i, r := range c.Routes {
		field := fmt.Sprintf("routes[%d]", i)
		r.To, r.About = strings.TrimSpace(r.To), strings.TrimSpace(r.About)
		switch {
		case !r.Channel.Valid():
			v.Add(field, "Route %d: the channel must be child, young_person or staff, not %q", i+1, r.Channel)
		case r.To == "":
			v.Add(field, "Route %d: say which body receives the reports (\"to\")", i+1)
		case r.About != "" && strings.EqualFold(r.About, r.To):
			v.Add(field, "Route %d: reports about %s cannot be sent to %s itself: the channel exists so that nobody reads reports about their own organisation", i+1, r.To, r.To)
		case seen[r]:
			v.Add(field, "Route %d is given twice", i+1)
		}
		seen[r] = true
	}
	for _, list := range []struct {
		field, what string
		names       []string
	}{{"custodians", "Custodian", c.Custodians}, {"recipients", "Recipient", c.Recipients}} {
		users := map[string]bool{}
		for i, u := range list.names {
			u = strings.TrimSpace(u)
			switch {
			case u == "":
				v.Add(fmt.Sprintf("%s[%d]", list.field, i), "%s %d: give a username", list.what, i+1)
			case users[strings.ToLower(u)]:
				v.Add(fmt.Sprintf("%s[%d]", list.field, i), "%s %s is named twice", list.what, u)
			}
			users[strings.ToLower(u)] = true
		}
	}
	for ch, p := range c.Policies {
		if !ch.Valid() {
			v.Add("policies", "Policies are for the channels child, young_person and staff, not %q", ch)
			continue
		}
		p.Validate(&v, "policies."+string(ch))
	}
	return v.Err()
}

// Gaps returns, in words, each organisation (of agencies, by id and name)
// about which a report of a channel would reach no receiving body other
// than itself, given routes resolved to ids. A staff report must name the
// organisation it is about, so every gap there closes the channel to that
// organisation's staff; reports about children need not name one, so a
// gap is reported only when the channel reaches nobody at all.
func Gaps(routes []Route, agencies map[vigil.ID]string, order []vigil.ID) []string {
	var out []string
	for _, ch := range Channels {
		if ch != ChannelStaff {
			if reached, _ := reachable(ch, "", routes); !reached {
				out = append(out, fmt.Sprintf("%s: no body receives these reports, so the channel is closed", ch.Label()))
			}
			continue
		}
		for _, a := range order {
			if reached, _ := reachable(ch, a, routes); !reached {
				out = append(out, fmt.Sprintf("%s about %s: no body other than %s receives these reports, so its staff cannot use the channel", ch.Label(), agencies[a], agencies[a]))
			}
		}
	}
	return out
}

// reachable reports whether routes send a report of ch about `about` to at
// least one agency, and which.
func reachable(ch Channel, about vigil.ID, routes []Route) (bool, []vigil.ID) {
	var to []vigil.ID
	for _, r := range routes {
		if applies(r, ch, about) {
			to = append(to, r.AgencyID)
		}
	}
	return len(to) > 0, to
}
