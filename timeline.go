package vigil

import (
	"context"
	"time"
)

// "Who knew what, and when": an investigator asks for everything the log
// holds about a case (every opening of it and every time it was seen in a
// list, every decision, missed deadline, escalation, transfer and share,
// every refused attempt to open it) and gets each entry with its proof of
// inclusion in a checkpoint the log signed, so that the answer does not
// rest on trusting whoever runs the server.

// Timeline is the log's record of one case, in log (and so time) order.
type Timeline struct {
	CaseID  ID     `json:"case_id"`
	CaseRef string `json:"case_reference"`
	Case    *Case  `json:"-"` // the case, for the caller's own questions of access (may they export it?)
	// Checkpoint is the signed C2SP tlog-checkpoint every proof is against.
	Checkpoint string `json:"checkpoint"`
	// Entries are the page of the case's entries asked for; Paging says
	// where it lies among them all.
	Entries []TimelineEntry `json:"entries"`
	Paging  TimelinePaging  `json:"paging"`
	// Reads counts the reads among all the case's entries, on every page:
	// the case opened, exported or seen in a list.
	Reads int `json:"reads"`
	// Conflicts are the conflicts of interest that touch the case, however
	// late they were recorded.
	Conflicts []TimelineConflict `json:"conflicts"`
}

// TimelinePage asks for one page of a timeline's entries, by log index.
// A log index never moves, so the address of a page shows the same
// entries however much the log grows after it: what is new comes on
// later pages.
type TimelinePage struct {
	// Start is the lowest log index to show: the page holds the first
	// Limit entries at or after it (0: from the first).
	Start int64
	// Before, when above 0, asks instead for the last Limit entries below
	// it: the page before one that starts at Before (so the earliest such
	// page may hold fewer).
	Before int64
	// Limit is the most entries on the page: DefaultTimelinePage when 0,
	// at most MaxTimelinePage.
	Limit int
}

// Entries per timeline page: a page of a browser shows the default, which
// keeps it small enough to read (and to check for accessibility); an API
// client may ask for up to the maximum.
const (
	DefaultTimelinePage = 50
	MaxTimelinePage     = 1000
)

// PageLimit returns the page's limit, the default when none is given.
func (p TimelinePage) PageLimit() int {
	if p.Limit <= 0 {
		return DefaultTimelinePage
	}
	return min(p.Limit, MaxTimelinePage)
}

// TimelinePaging says where a page of entries lies in its timeline.
type TimelinePaging struct {
	Total int `json:"total"` // entries in the whole timeline, on every page
	// Skipped counts the entries before the page's first: the page shows
	// entries Skipped+1 to Skipped+len(Entries) of Total.
	Skipped int `json:"skipped"`
	// Earlier is the TimelinePage.Before that asks for the page before
	// this one; 0 when this page is the first.
	Earlier int64 `json:"earlier,omitempty"`
	// Later is the TimelinePage.Start of the page after this one; 0 when
	// this page is the last.
	Later int64 `json:"later,omitempty"`
	// Latest is the TimelinePage.Before that asks for the last page; 0
	// when this page is the last.
	Latest int64 `json:"latest,omitempty"`
}

// TimelineConflict is a conflict of interest that touches a case (the case
// itself, or a person or address named in it), shown on the timeline
// whenever it was recorded: a conflict found only after the person read
// the case is as visible as one declared in time.
type TimelineConflict struct {
	Conflict
	PersonName string `json:"person_name"`
	// EarlierEntries counts the person's entries on the timeline made
	// before the conflict was recorded: what they read and did while
	// conflicted, before anyone knew.
	EarlierEntries int `json:"earlier_entries"`
}

// TimelineEntry is one log entry about a case.
type TimelineEntry struct {
	Index      int64     `json:"index"`       // the entry's index in the log
	Time       time.Time `json:"time"`        // when it was appended
	Kind       string    `json:"kind"`        // record.viewed, decision.recorded, deadline.missed, ...
	ActorID    ID        `json:"actor_id"`    // an account's id, "system" or "public"
	ActorName  string    `json:"actor_name"`  // the account's name; "Vigil" for the system, empty when unknown
	ObjectType string    `json:"object_type"` // the table of the row written, or "cases" for a read
	ObjectID   ID        `json:"object_id"`
	// CaseID is the case the entry is about, in views that span cases
	// (a child's, a period's); empty when it is about none.
	CaseID ID `json:"case_id,omitempty"`
	// Conflicted is true when the actor has a conflict of interest, at any
	// time recorded, that touches the entry's case.
	Conflicted bool `json:"conflicted"`
	// Withheld is true in a period view for an entry about a case the
	// viewer may not see (their own conflict): only its kind is described.
	Withheld bool `json:"withheld,omitempty"`
	// Read is true for reads: the case opened, exported or seen in a list.
	Read bool `json:"read"`
	// Purpose is a read's recorded purpose ("case page", "export", ...).
	Purpose string `json:"purpose"`
	// What says in words what the entry records.
	What string `json:"what"`
	// Erased is true when the record the entry commits to was erased;
	// the entry and its proof stand.
	Erased bool `json:"erased"`
	// Proof is the entry's C2SP tlog-proof (https://c2sp.org/tlog-proof)
	// against Checkpoint: its index, the RFC 6962 inclusion proof, and
	// the checkpoint.
	Proof string `json:"proof"`
}

// PersonTimeline is the log's record of what one member of staff did and
// read in a period, and of what was done to their account, in log order.
type PersonTimeline struct {
	Person     Person          `json:"person"`
	From       time.Time       `json:"from"` // the period's start
	To         time.Time       `json:"to"`   // the period's end, exclusive
	Checkpoint string          `json:"checkpoint"`
	Entries    []TimelineEntry `json:"entries"` // the page asked for
	Paging     TimelinePaging  `json:"paging"`
	// Reads counts the reads of cases the person made in the period, on
	// every page.
	Reads int `json:"reads"`
	// Conflicts are every conflict of interest of the person, whenever
	// recorded, declared by them or recorded by someone else.
	Conflicts []*Conflict `json:"conflicts"`
}

// ChildTimeline is the log's record of every case of one child: cases
// whose child has the same recorded name and date of birth (as in the
// national core data set's child id), in log order. A child without a
// recorded date of birth has only the case asked for: records are never
// joined on a name alone.
type ChildTimeline struct {
	ChildName   string         `json:"child_name"`
	DateOfBirth string         `json:"date_of_birth"`
	Cases       []TimelineCase `json:"cases"`
	// Withheld counts the child's cases left out because the viewer may
	// not see them (a conflict of interest of theirs); each refusal is logged.
	Withheld   int                `json:"withheld"`
	Checkpoint string             `json:"checkpoint"`
	Entries    []TimelineEntry    `json:"entries"` // the page asked for
	Paging     TimelinePaging     `json:"paging"`
	Conflicts  []TimelineConflict `json:"conflicts"`
}

// TimelineCase is one case of a child timeline.
type TimelineCase struct {
	ID       ID         `json:"id"`
	Ref      string     `json:"reference"`
	Status   CaseStatus `json:"status"`
	OpenedAt time.Time  `json:"opened_at"`
}

// PeriodTimeline is everything the log holds from one time until another:
// every read, decision, missed deadline, escalation and share by anyone.
type PeriodTimeline struct {
	From       time.Time       `json:"from"`
	To         time.Time       `json:"to"` // exclusive
	Checkpoint string          `json:"checkpoint"`
	Entries    []TimelineEntry `json:"entries"` // the page asked for
	Paging     TimelinePaging  `json:"paging"`
	// Withheld counts the page's entries about cases the viewer may not
	// see: they are listed, with their proofs, but described by their
	// kind only.
	Withheld int `json:"withheld"`
}

// MaxTimelinePeriod is the longest period a person timeline may cover.
const MaxTimelinePeriod = 366 * 24 * time.Hour

// TimelineService answers "who knew what, and when".
type TimelineService interface {
	// Each timeline returns the page of its entries that page asks for
	// (TimelinePage), each with its proof, and says where the page lies;
	// the reads logged are those of the whole view, whichever page.
	//
	// CaseTimeline returns every log entry about a case with its proof
	// against the latest signed checkpoint. Those granted ActTimelineView
	// on the case may call it; the opening is itself logged (a read with
	// purpose "timeline") before the timeline is built, so it is the last
	// entry shown. Returns ENOTFOUND (also when the actor may not see it),
	// EFORBIDDEN for a conflict of interest, EUNAVAILABLE when no
	// checkpoint is signed in time.
	CaseTimeline(ctx context.Context, actor Actor, caseID ID, page TimelinePage) (*Timeline, error)
	// ExportCase returns the case's evidence bundle: a zip file holding
	// its log entries, their records and proofs, the checkpoint and the
	// log's verifier key, that `vigil verify --bundle` checks offline.
	// Those granted ActCaseExport on the case may call it; the export is
	// logged as a read with purpose "export". Errors as CaseTimeline.
	ExportCase(ctx context.Context, actor Actor, caseID ID) ([]byte, error)
	// PersonTimeline returns every log entry a member of staff made (each
	// case they opened or saw in a list, each decision) or that concerns
	// their account, from from until to, each with its proof against the
	// latest signed checkpoint. Those granted ActTimelineView over the
	// person's agency may call it; the opening is logged as a read of the
	// person (purpose "person timeline"). Returns ENOTFOUND (also when the
	// actor may not see it), EINVALID for a period that is empty or longer
	// than MaxTimelinePeriod.
	PersonTimeline(ctx context.Context, actor Actor, personID ID, from, to time.Time, page TimelinePage) (*PersonTimeline, error)
	// ChildTimeline returns every log entry about every case of the child
	// of caseID (ChildTimeline says which cases), each with its proof.
	// Those granted ActTimelineView on the case may call it; each case
	// shown is logged as read (purpose "child timeline") and each case
	// of the child the actor may not see is left out, its refusal logged.
	// Errors as CaseTimeline.
	ChildTimeline(ctx context.Context, actor Actor, caseID ID, page TimelinePage) (*ChildTimeline, error)
	// PeriodTimeline returns every log entry from from until to, each with
	// its proof. Those granted ActTimelineView over everything
	// (Target.Everything: investigators, commissioners) may call it; the
	// opening is logged (a read of the log, purpose "period timeline",
	// with the period and the page asked for). The period's entries run
	// from the first whose time is at or after from to the first at or
	// after to, in log order. Returns ENOTFOUND when the actor may not,
	// EINVALID as PersonTimeline.
	PeriodTimeline(ctx context.Context, actor Actor, from, to time.Time, page TimelinePage) (*PeriodTimeline, error)
}

// CanSeeTimeline reports whether u may see who read and did what on c.
func CanSeeTimeline(u *User, c *Case) bool {
	return c != nil && Can(u, ActTimelineView, Target{Case: c})
}

// CanExportCase reports whether u may export c's evidence bundle.
func CanExportCase(u *User, c *Case) bool {
	return c != nil && Can(u, ActCaseExport, Target{Case: c})
}
