package speakup

import (
	"crypto/sha256"
	"encoding/hex"
	"strings"
	"time"

	"github.com/vigil-project/vigil"
)

// Approval of keys. Reports are read by whoever holds an enrolled key, and
// enrolment is open to anyone whose role may receive reports (CanReceive)
// in an agency that receives them. An agency's own administrator can
// create such a person, or reset a recipient's password and set up a new
// key in their name, and would then read every new report routed to the
// agency without anyone independent knowing. So a new key, whether a
// first enrolment or a key set up again after a password reset, and the
// making of a custodian, wait for approval by someone the agency's
// administrators do not control: a custodian, or a recipient of another
// receiving body. Until then the key receives nothing: no report is
// routed or sealed to it, and it opens nothing. Only when nobody can
// approve yet (the first recipients of a new deployment) does the
// deployment's configuration file approve the people it names.

// Kinds of approval request.
const (
	ApprovalEnrolment = "enrolment" // a first key
	ApprovalRenewal   = "renewal"   // a key set up again after a password reset
	ApprovalCustodian = "custodian" // an approved recipient named a custodian
)

// Approval states, of a request and (ApprovalPending, ApprovalRefused) of
// a recipient's key.
const (
	ApprovalPending   = "pending"
	ApprovalApproved  = "approved"
	ApprovalRefused   = "refused"
	ApprovalWithdrawn = "withdrawn" // superseded by a later key, or no longer named
)

// ApprovedByConfiguration is KeyApproval.Via when the deployment's
// configuration file approved a key because nobody could yet.
const ApprovedByConfiguration = "configuration"

// KeyApproval is a request to approve a recipient's key or custodianship,
// with what an approver needs to judge it: who the person is, since when
// their account exists, and the fingerprint of the key, to compare with
// the person by another means (in person, by telephone) before approving.
type KeyApproval struct {
	ID          vigil.ID   `json:"id"`
	RecipientID vigil.ID   `json:"recipient_id"`
	UserID      vigil.ID   `json:"user_id"`
	Name        string     `json:"name"`
	Username    string     `json:"username"`
	Role        vigil.Role `json:"role"`
	AgencyID    vigil.ID   `json:"agency_id"`
	AgencyName  string     `json:"agency_name"`
	// AccountCreated is when the person's account was made: a key of an
	// account made the same day deserves a closer look.
	AccountCreated time.Time  `json:"account_created"`
	Kind           string     `json:"kind"`
	Fingerprint    string     `json:"fingerprint"`
	Custodian      bool       `json:"custodian"`
	RequestedAt    time.Time  `json:"requested_at"`
	Status         string     `json:"status"`
	DecidedBy      vigil.ID   `json:"decided_by,omitempty"`
	DecidedAt      *time.Time `json:"decided_at,omitempty"`
	Via            string     `json:"via,omitempty"`
}

// KindLabel is what people read for the request's kind.
func (a *KeyApproval) KindLabel() string {
	switch a.Kind {
	case ApprovalRenewal:
		return "New key after a password reset"
	case ApprovalCustodian:
		return "To become a custodian of reporters' names"
	}
	return "First key"
}

// Fingerprint is a short, readable digest of a public key (the first 80
// bits of its SHA-256, in groups of four hexadecimal digits), which an
// approver and the key's holder can read to each other.
func Fingerprint(publicKey string) string {
	h := sha256.Sum256([]byte(publicKey))
	s := hex.EncodeToString(h[:10])
	var b strings.Builder
	for i := 0; i < len(s); i += 4 {
		if i > 0 {
			b.WriteByte(' ')
		}
		b.WriteString(s[i:min(i+4, len(s))])
	}
	return strings.ToUpper(b.String())
}

// MayApprove reports whether approver, an enrolled recipient, may approve
// a key or custodianship of candidate: approver's own key must be approved
// and open with their password, they must not be the candidate, and they
// must be a custodian or of another agency than the candidate's. (That
// the approver's agency receives reports is checked by the store.)
func MayApprove(approver, candidate *Recipient) bool {
	if approver == nil || candidate == nil || !approver.Active || approver.Approval != "" || approver.KeyState != "" {
		return false
	}
	if approver.UserID == candidate.UserID {
		return false
	}
	return approver.Custodian || approver.AgencyID != candidate.AgencyID
}
