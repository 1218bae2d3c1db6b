package speakup

import (
	"strings"
	"testing"

	"github.com/vigil-project/vigil"
)

func TestParseConfig(t *testing.T) {
	tests := []struct {
		name    string
		json    string
		wantErr string // a part of the message; empty: valid
	}{
		{"valid", `{"routes":[{"channel":"staff","to":"Panel"},{"channel":"staff","about":"Panel","to":"Police"}],"custodians":["commissioner"],
			"policies":{"staff":{"acknowledge":{"hours":72},"feedback":{"months":3},"retain":{"months":24}}}}`, ""},
		{"route about an organisation to itself", `{"routes":[{"channel":"staff","about":"Council","to":"council"}]}`, "cannot be sent to council itself"},
		{"unknown channel", `{"routes":[{"channel":"gossip","to":"Panel"}]}`, "channel must be"},
		{"no body", `{"routes":[{"channel":"child"}]}`, "which body"},
		{"route twice", `{"routes":[{"channel":"child","to":"A"},{"channel":"child","to":"A"}]}`, "given twice"},
		{"custodian twice", `{"custodians":["a","A"]}`, "named twice"},
		{"unknown field", `{"route":[]}`, "not valid JSON"},
		{"acknowledge too late", `{"policies":{"child":{"acknowledge":{"hours":200},"feedback":{"months":3},"retain":{"months":6}}}}`, "within 7 days"},
		{"acknowledge in months", `{"policies":{"child":{"acknowledge":{"months":1},"feedback":{"months":3},"retain":{"months":6}}}}`, "within 7 days"},
		{"feedback too late", `{"policies":{"child":{"acknowledge":{"hours":24},"feedback":{"months":4},"retain":{"months":6}}}}`, "3 months"},
		{"two units", `{"policies":{"child":{"acknowledge":{"hours":24,"working_days":1},"feedback":{"months":3},"retain":{"months":6}}}}`, "exactly one"},
		{"no retention", `{"policies":{"staff":{"acknowledge":{"hours":24},"feedback":{"months":3}}}}`, "how long a closed report is kept"},
		{"policy of no channel", `{"policies":{"rumour":{"acknowledge":{"hours":24},"feedback":{"months":3},"retain":{"months":6}}}}`, "not \"rumour\""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := ParseConfig([]byte(tt.json))
			switch {
			case tt.wantErr == "" && err != nil:
				t.Fatalf("ParseConfig: %v", err)
			case tt.wantErr != "" && (err == nil || !strings.Contains(vigil.ErrorMessage(err)+fieldMessages(err), tt.wantErr)):
				t.Fatalf("ParseConfig: %v, want an error saying %q", err, tt.wantErr)
			}
		})
	}
}

func fieldMessages(err error) string {
	var b strings.Builder
	for _, f := range vigil.ErrorFields(err) {
		b.WriteString(f.Message + "\n")
	}
	return b.String()
}

func TestGaps(t *testing.T) {
	names := map[vigil.ID]string{"council": "Council", "panel": "Panel"}
	order := []vigil.ID{"council", "panel"}
	routes := []Route{{ChannelChild, "council", ""}, {ChannelStaff, "panel", ""}}
	got := strings.Join(Gaps(routes, names, order), "\n")
	for _, want := range []string{"Young person about themselves: no body receives", "Whistle-blowing by staff about Panel"} {
		if !strings.Contains(got, want) {
			t.Errorf("Gaps = %q, want it to mention %q", got, want)
		}
	}
	if strings.Contains(got, "about Council") {
		t.Errorf("Gaps = %q: reports about the council reach the panel", got)
	}
	routes = append(routes, Route{ChannelStaff, "council", "panel"}, Route{ChannelYoungPerson, "council", ""})
	if g := Gaps(routes, names, order); len(g) != 0 {
		t.Errorf("Gaps = %q, want none", g)
	}
}
