// Package speakup is Vigil's channel for people who cannot, or dare not,
// speak through the usual routes (MISSION R2 and R6): a member of the
// public worried about a child, a young person about themselves, and a
// member of staff blowing the whistle on their own organisation.
//
// A report is made without an account. Its maker gets a receipt (see
// receipt.go) with which they can come back, see in plain words what is
// happening, and answer questions, for as long as the report is kept. The
// receipt is never stored: only an argon2id verifier (RFC 9106) and a short
// lookup number are.
//
// Every report, message, attachment and identity is encrypted with age
// (filippo.io/age, C2SP age-encryption.org/v1), each with its own file key,
// wrapped for the X25519 key of every recipient the report was routed to
// and for an X25519 key that only the receipt unlocks. Recipients' private
// keys are kept wrapped under their sign-in password (age scrypt), so the
// database alone, and whoever runs it, cannot read a report at rest.
//
// Routing (route.go) sends each kind of report to the bodies a deployment
// chose, and never to the organisation a report is about. A reporter who
// gives their name has it encrypted for custodians alone, who must approve
// before anyone handling the report sees it.
//
// The timescales follow the model of the EU Whistleblowing Directive
// (2019/1937, article 9): acknowledge within 7 days, feedback within 3
// months; a deployment may change them per channel.
//
// The package is pure: it holds the types, the rules, and the cryptography.
// Storage is in internal/sqlstore (speakup*.go), pages in internal/web.
package speakup

import (
	"context"
	"time"

	"filippo.io/age"

	"github.com/vigil-project/vigil"
)

// Channel is the kind of report, which decides who receives it.
type Channel string

// The channels.
const (
	// ChannelChild is a concern about a child from anyone who is not
	// reporting about themselves.
	ChannelChild Channel = "child"
	// ChannelYoungPerson is a child or young person reporting about themselves.
	ChannelYoungPerson Channel = "young_person"
	// ChannelStaff is a member of staff reporting wrongdoing in an
	// organisation (a buried report, a changed finding, pressure to stay quiet).
	ChannelStaff Channel = "staff"
)

// Channels lists every channel, in the order pages show them.
var Channels = []Channel{ChannelChild, ChannelYoungPerson, ChannelStaff}

// Valid reports whether c is one of Channels.
func (c Channel) Valid() bool {
	for _, x := range Channels {
		if c == x {
			return true
		}
	}
	return false
}

// AboutChild reports whether reports of c are about a child, and so can be
// turned into a case with statutory clocks.
func (c Channel) AboutChild() bool { return c == ChannelChild || c == ChannelYoungPerson }

// Label is what staff read for c.
func (c Channel) Label() string {
	switch c {
	case ChannelChild:
		return "Concern about a child"
	case ChannelYoungPerson:
		return "Young person about themselves"
	case ChannelStaff:
		return "Whistle-blowing by staff"
	}
	return string(c)
}

// Status is where a report is, as staff set it.
type Status string

// Report statuses.
const (
	StatusReceived Status = "received" // nobody has acknowledged it yet
	StatusLooking  Status = "looking"  // a recipient acknowledged it and is looking into it
	StatusActed    Status = "acted"    // something was done (a case opened, a referral, an investigation)
	StatusClosed   Status = "closed"   // finished; kept until its channel's retention ends
)

// Valid reports whether s is a status.
func (s Status) Valid() bool {
	switch s {
	case StatusReceived, StatusLooking, StatusActed, StatusClosed:
		return true
	}
	return false
}

// Label is what staff read for s.
func (s Status) Label() string {
	switch s {
	case StatusReceived:
		return "Not yet acknowledged"
	case StatusLooking:
		return "Being looked at"
	case StatusActed:
		return "Acted on"
	case StatusClosed:
		return "Closed"
	}
	return string(s)
}

// ReporterWords is what the reporter reads for s: words a child can
// follow, which say what is happening to their report and nothing about
// anyone else.
func (s Status) ReporterWords() (title, body string) {
	switch s {
	case StatusLooking:
		return "Someone is looking at your report", "A person whose job is to keep people safe has read your report and is looking into it. They may ask you questions here."
	case StatusActed:
		return "Your report is being acted on", "Something is being done because of what you told us. You can still read messages and answer them here."
	case StatusClosed:
		return "We have finished with your report", "Thank you for telling us. You can still read the messages here until the report is deleted."
	}
	return "We have your report", "Your report has arrived safely. Someone will read it soon. Come back with your receipt to see what is happening."
}

// Policy is a channel's clocks and retention.
type Policy struct {
	// Acknowledge is how long recipients have to acknowledge a report.
	Acknowledge vigil.Period `json:"acknowledge"`
	// Feedback is how long, from acknowledgement (or from the end of the
	// acknowledgement period when there was none), recipients have to tell
	// the reporter what is being done.
	Feedback vigil.Period `json:"feedback"`
	// Retain is how long a closed report is kept before it is deleted.
	Retain vigil.Period `json:"retain"`
}

// Policies are a deployment's policies by channel.
type Policies map[Channel]Policy

// DefaultPolicies acknowledge within 7 days and give feedback within 3
// months (EU Directive 2019/1937, art. 9(1)(b) and (f)); closed reports are
// kept 6 months about a child (a case, if one was opened, is the lasting
// record) and 12 months for whistle-blowing, long enough for a follow-up
// complaint of detriment.
func DefaultPolicies() Policies {
	child := Policy{Acknowledge: vigil.Period{Hours: 7 * 24}, Feedback: vigil.Period{Months: 3}, Retain: vigil.Period{Months: 6}}
	staff := child
	staff.Retain = vigil.Period{Months: 12}
	return Policies{ChannelChild: child, ChannelYoungPerson: child, ChannelStaff: staff}
}

// Deadline kinds of a report.
const (
	DeadlineAcknowledge = "acknowledge"
	DeadlineFeedback    = "feedback"
)

// Deadline statuses.
const (
	DeadlineOpen   = "open"
	DeadlineMet    = "met"
	DeadlineMissed = "missed" // escalated to independent oversight
)

// Deadline is one clock of a report.
type Deadline struct {
	Kind   string     `json:"kind"`
	Due    time.Time  `json:"due"`
	Status string     `json:"status"`
	MetAt  *time.Time `json:"met_at,omitempty"`
}

// Label is what people read for a deadline kind.
func DeadlineLabel(kind string) string {
	if kind == DeadlineAcknowledge {
		return "Acknowledge the report"
	}
	return "Tell the reporter what is being done"
}

// Child is what a report about a child says about them.
type Child struct {
	Name    string `json:"name,omitempty"`
	Age     string `json:"age,omitempty"`
	Address string `json:"where,omitempty"`
}

// Content is the encrypted body of a report. Nothing in it is stored in
// the clear.
type Content struct {
	Channel Channel `json:"channel"`
	// About is the organisation a report is about (its id and name when
	// made), for whistle-blowing and for any report that names one.
	AboutID   vigil.ID `json:"about_id,omitempty"`
	AboutName string   `json:"about_name,omitempty"`
	Child     Child    `json:"child,omitzero"`
	What      string   `json:"what"`
	Others    string   `json:"others,omitempty"`
}

// Identity is what a reporter chose to tell about themselves. It is
// encrypted for custodians (and the reporter) only.
type Identity struct {
	Name    string `json:"name"`
	Contact string `json:"contact,omitempty"`
	Role    string `json:"role,omitempty"` // their job, or how they know the child
}

// Empty reports whether the reporter gave nothing.
func (i Identity) Empty() bool { return i.Name == "" && i.Contact == "" && i.Role == "" }

// NewReport is the input of a report.
type NewReport struct {
	Content
	Identity Identity
	// Attachments are files sent with the report.
	Attachments []Upload
}

// Field limits of reports and messages.
const (
	MaxWhatLen    = 20000
	MaxMessageLen = 10000
	MaxShortLen   = 200
	MaxAddressLen = 500
	MaxOthersLen  = 5000
	MaxReasonLen  = 2000
)

// Author says who wrote a message.
type Author string

// Message authors.
const (
	AuthorReporter  Author = "reporter"
	AuthorRecipient Author = "recipient"
)

// Message is one message of a report's conversation, decrypted.
type Message struct {
	ID     vigil.ID `json:"id"`
	Seq    int      `json:"seq"`
	Author Author   `json:"author"`
	// AuthorID is the recipient who wrote it; empty for the reporter.
	AuthorID    vigil.ID      `json:"author_id,omitempty"`
	AuthorName  string        `json:"author_name,omitempty"`
	At          time.Time     `json:"at"`
	Text        string        `json:"text"`
	Attachments []*Attachment `json:"attachments,omitempty"`
}

// MessageBody is what a message's ciphertext holds.
type MessageBody struct {
	Text        string           `json:"text"`
	Attachments []AttachmentMeta `json:"attachments,omitempty"`
}

// AttachmentMeta is what a message says of each of its attachments, inside
// the encryption: the SHA-256 of the original and of the stripped file,
// which a recipient can check evidence against. The file's name is not
// kept: names such as "IMG_Smith_2026.jpg" are metadata too.
type AttachmentMeta struct {
	ID             vigil.ID `json:"id"`
	OriginalSHA256 string   `json:"original_sha256"`
	CopySHA256     string   `json:"copy_sha256"`
}

// Attachment is a file sent with a message.
type Attachment struct {
	ID        vigil.ID `json:"id"`
	Name      string   `json:"name"`
	MediaType string   `json:"media_type"`
	// OriginalSize and CopySize are in bytes.
	OriginalSize   int64  `json:"original_size"`
	CopySize       int64  `json:"copy_size"`
	OriginalSHA256 string `json:"original_sha256"`
	CopySHA256     string `json:"copy_sha256"`
}

// Report is what the store keeps in the clear about a report: enough to
// route it, run its clocks and show oversight that it exists, and nothing
// of what it says.
type Report struct {
	ID             vigil.ID   `json:"id"`
	Channel        Channel    `json:"channel"`
	Status         Status     `json:"status"`
	ReceivedAt     time.Time  `json:"received_at"`
	AcknowledgedAt *time.Time `json:"acknowledged_at,omitempty"`
	ClosedAt       *time.Time `json:"closed_at,omitempty"`
	CaseID         vigil.ID   `json:"case_id,omitempty"`
	HasIdentity    bool       `json:"has_identity"`
	// RoutedTo lists the agencies the report was routed to.
	RoutedTo  []vigil.ID  `json:"routed_to"`
	Deadlines []*Deadline `json:"deadlines"`
	Messages  int         `json:"messages"`
	// LastMessage says who wrote last, for inboxes: a reporter's answer
	// waiting for a reply shows.
	LastMessage Author `json:"last_message,omitempty"`
}

// Overdue reports whether any of r's deadlines is open past due, or was missed.
func (r *Report) Overdue(now time.Time) bool {
	for _, d := range r.Deadlines {
		if d.Status == DeadlineMissed || d.Status == DeadlineOpen && now.After(d.Due) {
			return true
		}
	}
	return false
}

// Detail is a report as a recipient reads it, decrypted with their key.
type Detail struct {
	Report
	Content  Content
	Messages []*Message
	// Identity is the reporter's identity, when a custodian approved
	// showing it to the reader.
	Identity *Identity
	// IdentityRequest is the reader's own request to see the identity, if any.
	IdentityRequest *Disclosure
	CaseRef         string
	Recipients      []*vigil.Person
	// Escalations are the escalations of its missed deadlines.
	Escalations []*Escalation
	// Stale lists the recipients who replaced their key since the report
	// was last sealed, and so cannot read it until someone reseals it.
	Stale []*vigil.Person
	// Awaiting lists the recipients whose new key waits for approval, and
	// so receives nothing yet.
	Awaiting []*vigil.Person
	// History is the report's history from the log, oldest first: who
	// opened it and when, and everything done to it.
	History []*Access
}

// ReporterView is what the reporter sees through their receipt.
type ReporterView struct {
	Status     Status
	ReceivedAt time.Time
	Channel    Channel
	Messages   []*Message
	// IdentityShared counts the people a custodian allowed to see the
	// reporter's name: the reporter is told, so that nothing about them is
	// shared behind their back.
	IdentityShared int
	// Open is false once the report is closed: the reporter can still read,
	// and may still answer.
	Open bool
}

// DisclosureStatus is the state of a request to see a reporter's identity.
type DisclosureStatus string

// Disclosure statuses.
const (
	DisclosureRequested DisclosureStatus = "requested"
	DisclosureApproved  DisclosureStatus = "approved"
	DisclosureRefused   DisclosureStatus = "refused"
)

// Disclosure is a request to see a reporter's identity and a custodian's answer.
type Disclosure struct {
	ID          vigil.ID         `json:"id"`
	ReportID    vigil.ID         `json:"report_id"`
	RequestedBy vigil.ID         `json:"requested_by"`
	Requester   string           `json:"requester"`
	Reason      string           `json:"reason"`
	RequestedAt time.Time        `json:"requested_at"`
	Status      DisclosureStatus `json:"status"`
	DecidedBy   vigil.ID         `json:"decided_by,omitempty"`
	DecidedAt   *time.Time       `json:"decided_at,omitempty"`
}

// Recipient is a member of staff enrolled to receive reports, with the
// public half of their key.
type Recipient struct {
	ID        vigil.ID `json:"id"`
	UserID    vigil.ID `json:"user_id"`
	AgencyID  vigil.ID `json:"agency_id"`
	PublicKey string   `json:"public_key"` // an age X25519 recipient, age1...
	Custodian bool     `json:"custodian"`
	Active    bool     `json:"active"`
	// KeyState is empty while the key is wrapped under the person's
	// sign-in password; see KeyReset and KeyLost.
	KeyState string `json:"key_state,omitempty"`
	// Approval is empty once the current key is approved; see ApprovalPending.
	Approval string `json:"approval,omitempty"`
}

// Key states of a recipient. A recipient's private key is wrapped under
// their sign-in password, which the server never keeps: a change of
// password by the person rewraps it (they give the old one), but a reset
// by an administrator cannot. After a reset the key is still wrapped under
// the old password, and the administrator knows the new one, so nothing
// may be wrapped under it (KeyReset); once the person has chosen their own
// password again (KeyLost) they can unlock the key with their old password
// and have it rewrapped, or replace it with a new key, after which other
// recipients of each earlier report can seal it again for them. Meanwhile
// new reports are not routed to them, so that each goes to people who can
// read it.
const (
	KeyReset = "reset"
	KeyLost  = "lost"
)

// Route sends a channel's reports to an agency: all of them, or only
// those about one organisation (About), never one about the agency itself.
type Route struct {
	Channel  Channel  `json:"channel"`
	AgencyID vigil.ID `json:"agency_id"`
	About    vigil.ID `json:"about,omitempty"`
}

// Keyring is an unlocked recipient key, held in memory only for as long as
// the recipient's session keeps it.
type Keyring struct {
	UserID   vigil.ID
	identity *age.X25519Identity
}

// ReporterKey is what a receipt unlocks: the report it belongs to and the
// reporter's private key for it. It lives in memory only.
type ReporterKey struct {
	ReportID vigil.ID
	identity *age.X25519Identity
}

// OversightItem is a report as independent oversight sees it: its
// existence, timing, routing, clocks and escalations, never its content.
type OversightItem struct {
	Report
	RoutedNames []string
	Escalations []*Escalation
	// Opened counts the times a recipient opened the report, LastOpened
	// is the last of them (nil when nobody ever did).
	Opened     int
	LastOpened *Access
	// Erased is set when the report was erased at the end of its
	// retention: only its tombstone and the log remain.
	Erased *Tombstone
	// History is the report's whole history from the log, oldest first
	// (OversightHistory only).
	History []*Access
}

// Access is one entry of a report's history, read from the log: what was
// done, when and by whom. Index is the log entry's index, which anyone
// holding the log can check.
type Access struct {
	Index   int64     `json:"index"`
	At      time.Time `json:"at"`
	Kind    string    `json:"kind"`
	ActorID vigil.ID  `json:"actor_id"`
	Actor   string    `json:"actor"`
}

// Opening reports whether a is a recipient opening the report or one of
// its files.
func (a *Access) Opening() bool { return a.Kind == "speakup.viewed" || a.Kind == "speakup.file_viewed" }

// Label is what people read for a's kind.
func (a *Access) Label() string {
	if l, ok := accessLabels[a.Kind]; ok {
		return l
	}
	return a.Kind
}

var accessLabels = map[string]string{
	"speakup.report_received": "Report received",
	"speakup.routed":          "Sent to a recipient",
	"speakup.viewed":          "Opened the report",
	"speakup.file_viewed":     "Opened an attached file",
	"speakup.reporter_viewed": "The reporter checked it with the receipt",
	"speakup.acknowledged":    "Acknowledged",
	"speakup.status_changed":  "Changed its status",
	"speakup.case_opened":     "Opened a case from it",
	"speakup.access_refused":  "Was refused access",
	"speakup.receipt_refused": "A wrong receipt was tried",
	"speakup.report_resealed": "Sealed it again for new keys",
	"speakup.resealed":        "Sealed it again for new keys",
	"speakup.retention_ended": "Erased at the end of its retention",
	"speakup.erased":          "Erased at the end of its retention",
	"speakup.tombstone_kept":  "Kept in the register as erased",
	"speakup.tamper_detected": "Found changed outside Vigil",
}

// Tombstone is what the register keeps of a report erased at the end of
// its retention: that it existed, when, where it was sent, when it was
// erased and by which rule. Never what it said.
type Tombstone struct {
	ReportID    vigil.ID   `json:"report_id"`
	Channel     Channel    `json:"channel"`
	ReceivedAt  time.Time  `json:"received_at"`
	ClosedAt    *time.Time `json:"closed_at,omitempty"`
	RoutedTo    []vigil.ID `json:"routed_to"`
	Attachments []vigil.ID `json:"attachments,omitempty"`
	ErasedAt    time.Time  `json:"erased_at"`
	Rule        string     `json:"rule"`
}

// SweepResult counts what one speak-up sweep did.
type SweepResult struct {
	Missed  int `json:"missed"`  // deadlines newly missed and escalated
	Climbed int `json:"climbed"` // escalations moved up a rung
	Expired int `json:"expired"` // closed reports deleted at the end of retention
}

// Service is the speak-up channel. Anonymous methods take no actor: the
// log records them as the public. Every staff method checks the actor's
// access itself and logs each read before it returns anything.
type Service interface {
	// Submit records a report, routes it, encrypts it for its recipients
	// and a fresh receipt, and returns the receipt (shown once, never
	// stored) with the reporter's key. Anyone may call it. Returns
	// EINVALID (with field errors), EUNAVAILABLE when no recipient can
	// receive the channel.
	Submit(ctx context.Context, n NewReport) (receipt string, key *ReporterKey, err error)

	// Check unlocks a report with its receipt. Anyone may call it.
	// Returns EUNAUTHORIZED for any wrong receipt (never saying which
	// part), ETOOMANYREQUEST when guessing is throttled; every refusal is logged.
	Check(ctx context.Context, receipt string) (*ReporterKey, error)

	// View returns the reporter's view of their report, logging the access.
	// Returns ENOTFOUND when the report is gone.
	View(ctx context.Context, key *ReporterKey) (*ReporterView, error)

	// Reply adds the reporter's message, with attachments. Returns
	// EINVALID, ETOOLARGE, ENOTFOUND.
	Reply(ctx context.Context, key *ReporterKey, text string, files []Upload) error

	// Enrol makes the actor a recipient with a new key pair, the private
	// half wrapped under their sign-in password. Only active staff of a
	// receiving agency, other than administrators, may call it. Returns
	// EFORBIDDEN, EUNAUTHORIZED (wrong password), ECONFLICT (already enrolled).
	Enrol(ctx context.Context, actor vigil.Actor, password string) (*Recipient, error)

	// Unlock opens the actor's private key with their password and logs
	// that it was unlocked. Returns EFORBIDDEN (not a recipient),
	// EUNAUTHORIZED (wrong password).
	Unlock(ctx context.Context, actor vigil.Actor, password string) (*Keyring, error)

	// RecoverKey unlocks the actor's key, in state KeyLost, with the
	// password it was wrapped under and wraps it again under their current
	// sign-in password. Returns EUNAUTHORIZED (either password wrong),
	// ECONFLICT (the key is not lost; or still KeyReset).
	RecoverKey(ctx context.Context, actor vigil.Actor, oldPassword, password string) (*Keyring, error)

	// RenewKey replaces the actor's key, in state KeyLost, with a new key
	// pair wrapped under their sign-in password. Reports sealed for the old
	// key stay unreadable to them until another recipient reseals each.
	// Returns EUNAUTHORIZED, ECONFLICT.
	RenewKey(ctx context.Context, actor vigil.Actor, password string) (*Keyring, error)

	// Reseal seals a report's content, messages, attachments (and, for a
	// custodian, the reporter's identity) again for the current key of
	// each of its recipients and the reporter, so that a recipient who
	// replaced their key can read it. Only a recipient of the report who
	// can read it may call it, and each change is logged. Returns
	// ENOTFOUND, EFORBIDDEN, ECONFLICT (nobody needs it).
	Reseal(ctx context.Context, actor vigil.Actor, key *Keyring, id vigil.ID) error

	// RecipientOf returns the actor's enrolment, or ENOTFOUND.
	RecipientOf(ctx context.Context, actor vigil.Actor) (*Recipient, error)

	// KeyApprovals lists the requests for approval of keys and
	// custodianships that the actor may decide (see MayApprove), oldest
	// first; none for anyone else.
	KeyApprovals(ctx context.Context, actor vigil.Actor) ([]*KeyApproval, error)

	// DecideKey approves or refuses a request; an approved key starts
	// receiving reports made from then on. Returns ENOTFOUND (also, after
	// logging the refusal, for anyone who may not decide it), ECONFLICT
	// (already decided, or the key changed since it was asked about).
	DecideKey(ctx context.Context, actor vigil.Actor, id vigil.ID, approve bool) error

	// Inbox lists the reports routed to the actor, without content.
	Inbox(ctx context.Context, actor vigil.Actor) ([]*Report, error)

	// Open decrypts a report for a recipient it was routed to, after
	// logging the access. Returns ENOTFOUND (and logs the refusal) for
	// anyone else, whatever their role.
	Open(ctx context.Context, actor vigil.Actor, key *Keyring, id vigil.ID) (*Detail, error)

	// Acknowledge records that a recipient is looking at the report; it
	// meets the acknowledgement clock. Returns ENOTFOUND, ECONFLICT.
	Acknowledge(ctx context.Context, actor vigil.Actor, id vigil.ID) error

	// Ask sends a message from a recipient to the reporter. Returns EINVALID, ENOTFOUND.
	Ask(ctx context.Context, actor vigil.Actor, id vigil.ID, text string) error

	// SetStatus records that the report was acted on or closed. Returns
	// EINVALID, ENOTFOUND, ECONFLICT.
	SetStatus(ctx context.Context, actor vigil.Actor, id vigil.ID, status Status) error

	// File decrypts an attachment (the stripped copy, or the sealed
	// original) for a recipient, logging the access.
	File(ctx context.Context, actor vigil.Actor, key *Keyring, reportID, attachmentID vigil.ID, original bool) (*Attachment, []byte, error)

	// RequestIdentity asks the custodians to show the actor the reporter's
	// identity, with a reason. Returns EINVALID, ENOTFOUND, ECONFLICT.
	RequestIdentity(ctx context.Context, actor vigil.Actor, id vigil.ID, reason string) error

	// Disclosures lists the identity requests a custodian may decide.
	Disclosures(ctx context.Context, actor vigil.Actor) ([]*Disclosure, error)

	// DecideIdentity approves or refuses a request; an approval re-encrypts
	// the identity for the requester alone. Only a custodian among the
	// report's recipients who did not make the request may call it.
	// Returns EFORBIDDEN, ENOTFOUND, ECONFLICT.
	DecideIdentity(ctx context.Context, actor vigil.Actor, key *Keyring, disclosureID vigil.ID, approve bool) error

	// OpenCase turns a report about a child into a concern and an owned
	// case with statutory clocks (through vigil.CaseService.RaiseConcern
	// as the public), and links the report to it; the conversation stays
	// open. Returns EINVALID, ENOTFOUND, ECONFLICT (already a case).
	OpenCase(ctx context.Context, actor vigil.Actor, id vigil.ID, n vigil.NewConcern) (*vigil.Case, error)

	// SpeakUpEscalations lists the open escalations of missed deadlines
	// the actor may answer (see CanResolve), without content.
	SpeakUpEscalations(ctx context.Context, actor vigil.Actor) ([]*Escalation, error)

	// ResolveSpeakUpEscalation answers an escalation with a recorded
	// decision. Returns EINVALID, ENOTFOUND (also for anyone who may not
	// answer it), ECONFLICT (already answered).
	ResolveSpeakUpEscalation(ctx context.Context, actor vigil.Actor, id vigil.ID, decision string) error

	// Oversight lists every report's existence, routing and clocks for
	// independent oversight (scrutiny panel members, investigators,
	// commissioners), with how often and when it was last opened, and the
	// tombstone of each report erased at the end of its retention.
	// Returns EFORBIDDEN for anyone else.
	Oversight(ctx context.Context, actor vigil.Actor) ([]*OversightItem, error)

	// OversightHistory returns one report of the register, or its
	// tombstone, with its whole history from the log (who opened it,
	// acknowledged, answered, closed, resealed it, who was refused, and
	// when it was erased), never its content. Only independent oversight
	// may call it (EFORBIDDEN); ENOTFOUND when no report had that id.
	OversightHistory(ctx context.Context, actor vigil.Actor, id vigil.ID) (*OversightItem, error)

	// ChannelOpen reports whether a channel has at least one recipient
	// able to receive a report about the given organisation (empty: none).
	ChannelOpen(ctx context.Context, ch Channel, about vigil.ID) (bool, error)

	// Agencies lists the agencies a report can be about.
	Agencies(ctx context.Context) ([]*vigil.Agency, error)
}

// Admin configures the channel. Only the system (the command line, seeding)
// and commissioners may call it: a council's own administrators cannot
// re-route reports about the council.
type Admin interface {
	// Configure makes c the whole configuration (routes, custodians,
	// policies) in one transaction, logging each change, and returns in
	// words what the configuration leaves uncovered (see Gaps). Returns
	// EFORBIDDEN, EINVALID naming each unknown agency or person and each
	// route about an organisation to that organisation.
	Configure(ctx context.Context, actor vigil.Actor, c *Config) (gaps []string, err error)
	// SetRoute sends (or stops sending) a channel's reports to an agency.
	// Returns EFORBIDDEN, EINVALID, ENOTFOUND.
	SetRoute(ctx context.Context, actor vigil.Actor, r Route, on bool) error
	// Routes lists the routes in force.
	Routes(ctx context.Context) ([]Route, error)
	// SetCustodian makes a person a custodian, or not; a person named
	// before they enrol becomes one when they do.
	SetCustodian(ctx context.Context, actor vigil.Actor, userID vigil.ID, on bool) error
	// Enrol is Service.Enrol.
	Enrol(ctx context.Context, actor vigil.Actor, password string) (*Recipient, error)
	// KeyApprovals is Service.KeyApprovals.
	KeyApprovals(ctx context.Context, actor vigil.Actor) ([]*KeyApproval, error)
	// DecideKey is Service.DecideKey.
	DecideKey(ctx context.Context, actor vigil.Actor, id vigil.ID, approve bool) error
}

// CanConfigure reports whether actor may change routes and custodians.
func CanConfigure(actor vigil.Actor) bool {
	if actor.ID == vigil.ActorSystem {
		return true
	}
	u := actor.User
	return u != nil && u.Status == vigil.UserActive && u.Role == vigil.RoleCommissioner
}

// CanReceive reports whether u may enrol as a recipient: those who answer
// for safeguarding (team and service managers, the director) and
// independent oversight (scrutiny panel members, commissioners). Reports
// are read by whoever is enrolled, so enrolment follows responsibility
// like every other access: a front-line worker cannot make themselves a
// reader of children's reports. Administrators run systems and do not
// handle reports (the reported organisation's administrators are the
// people the channel protects against); inspectors are read-only.
func CanReceive(u *vigil.User) bool {
	if u == nil || u.Status != vigil.UserActive {
		return false
	}
	switch u.Role {
	case vigil.RoleTeamManager, vigil.RoleServiceManager, vigil.RoleDirector, vigil.RoleScrutinyMember, vigil.RoleCommissioner:
		return true
	}
	return false
}

// CanOversee reports whether u may see the oversight list.
func CanOversee(u *vigil.User) bool {
	if u == nil || u.Status != vigil.UserActive {
		return false
	}
	switch u.Role {
	case vigil.RoleScrutinyMember, vigil.RoleInvestigator, vigil.RoleCommissioner:
		return true
	}
	return false
}
