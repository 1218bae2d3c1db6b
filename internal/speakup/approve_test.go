package speakup

import (
	"strings"
	"testing"
)

func TestMayApprove(t *testing.T) {
	candidate := &Recipient{UserID: "u-new", AgencyID: "council"}
	tests := []struct {
		name     string
		approver *Recipient
		want     bool
	}{
		{"recipient of another body", &Recipient{UserID: "u1", AgencyID: "panel", Active: true}, true},
		{"custodian of the same body", &Recipient{UserID: "u2", AgencyID: "council", Active: true, Custodian: true}, true},
		{"recipient of the same body", &Recipient{UserID: "u3", AgencyID: "council", Active: true}, false},
		{"the candidate themselves, a custodian", &Recipient{UserID: "u-new", AgencyID: "council", Active: true, Custodian: true}, false},
		{"a key that itself waits", &Recipient{UserID: "u4", AgencyID: "panel", Active: true, Approval: ApprovalPending}, false},
		{"a refused key", &Recipient{UserID: "u4", AgencyID: "panel", Active: true, Approval: ApprovalRefused}, false},
		{"a key locked after a reset", &Recipient{UserID: "u5", AgencyID: "panel", Active: true, KeyState: KeyReset}, false},
		{"a key under an earlier password", &Recipient{UserID: "u5", AgencyID: "panel", Active: true, KeyState: KeyLost}, false},
		{"an inactive recipient", &Recipient{UserID: "u6", AgencyID: "panel"}, false},
		{"nobody", nil, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := MayApprove(tt.approver, candidate); got != tt.want {
				t.Errorf("MayApprove = %v, want %v", got, tt.want)
			}
		})
	}
}

func TestFingerprint(t *testing.T) {
	a, b := Fingerprint("age1aaaa"), Fingerprint("age1aaab")
	if a == b {
		t.Errorf("two keys share the fingerprint %s", a)
	}
	if len(strings.Fields(a)) != 5 || len(strings.ReplaceAll(a, " ", "")) != 20 || strings.ToUpper(a) != a {
		t.Errorf("fingerprint %q is not five groups of four", a)
	}
	if Fingerprint("age1aaaa") != a {
		t.Error("the fingerprint is not stable")
	}
}

func TestConfigRecipients(t *testing.T) {
	_, err := ParseConfig([]byte(`{"routes": [], "custodians": [], "recipients": ["scrutiny", "Scrutiny", ""]}`))
	if err == nil || !strings.Contains(fieldMessages(err), "Recipient Scrutiny is named twice") || !strings.Contains(fieldMessages(err), "Recipient 3: give a username") {
		t.Errorf("ParseConfig = %v", fieldMessages(err))
	}
	if c, err := ParseConfig([]byte(`{"routes": [], "custodians": ["commissioner"], "recipients": ["scrutiny"]}`)); err != nil || len(c.Recipients) != 1 {
		t.Errorf("ParseConfig = %+v, %v", c, err)
	}
}
