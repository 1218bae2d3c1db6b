package vigil

import (
	"context"
	"time"
)

// Links say that two mentions (mention.go) may name the same person,
// vehicle, phone, handle, address or venue, with the evidence. Linking
// proposes; people decide: a link above LikelyProbability is shown as
// "likely the same", one in the band down to ReviewProbability waits in
// an analyst's review queue, and an analyst's confirmation or rejection
// is recorded in the log. Nothing merges records: an entity is only the
// set of mentions that confirmed and likely links join, computed when it
// is shown, and a rejection takes a link out of it (issue 7, part 4).

// Link thresholds on the match probability.
const (
	LikelyProbability = 0.95 // at or above: proposed as likely the same
	ReviewProbability = 0.5  // at or above (and below likely): for review
)

// LinkStatus is where a link stands.
type LinkStatus string

// Link statuses.
const (
	LinkLikely    LinkStatus = "likely"    // proposed by linking with strong evidence, no decision yet
	LinkReview    LinkStatus = "review"    // waiting for an analyst
	LinkConfirmed LinkStatus = "confirmed" // an analyst said they are the same
	LinkRejected  LinkStatus = "rejected"  // an analyst said they are not
)

// Joins reports whether a link of this status joins its mentions into one
// entity: confirmed links, and likely ones until someone rejects them.
func (s LinkStatus) Joins() bool { return s == LinkLikely || s == LinkConfirmed }

// LinkMethod says how a link was found.
type LinkMethod string

// Link methods.
const (
	LinkProbabilistic LinkMethod = "probabilistic" // people: Fellegi-Sunter scoring (internal/link)
	LinkExactKey      LinkMethod = "exact_key"     // the same normalised plate, phone, handle, address or venue
	LinkPartialKey    LinkMethod = "partial_key"   // a partial plate whose pattern fits a whole one
	LinkPattern       LinkMethod = "pattern"       // a saved pattern alert fired: never joins, always for review
	LinkDescription   LinkMethod = "description"   // a vehicle without a whole plate, its make, colour and taxi firm agreeing: for review
	LinkSimilarName   LinkMethod = "similar_name"  // a venue whose name shares its rarer words with one in the same district: for review
)

// LinkEvidence is one field's contribution to a link.
type LinkEvidence struct {
	Field  string  `json:"field"`
	Level  string  `json:"level"` // e.g. "exact", "close", "different", "missing"
	Left   string  `json:"left,omitempty"`
	Right  string  `json:"right,omitempty"`
	Weight float64 `json:"weight"` // in bits: log2(m/u), term-frequency adjustment included
}

// Link is a proposed, confirmed or rejected link between two mentions.
type Link struct {
	ID          ID             `json:"id"`
	Kind        MentionKind    `json:"kind"`
	Left        ID             `json:"left_mention_id"`
	Right       ID             `json:"right_mention_id"`
	Method      LinkMethod     `json:"method"`
	Probability float64        `json:"probability"`
	Weight      float64        `json:"weight"` // total match weight in bits, prior included
	Evidence    []LinkEvidence `json:"evidence"`
	Reason      string         `json:"reason,omitempty"` // for a pattern alert: what fired
	Status      LinkStatus     `json:"status"`
	DecidedBy   ID             `json:"decided_by,omitempty"`
	DecidedAt   time.Time      `json:"decided_at,omitzero"`
	Note        string         `json:"note,omitempty"`
	CreatedAt   time.Time      `json:"created_at"`

	// The two mentions, when the reader may see them.
	LeftMention  *Mention `json:"left_mention,omitempty"`
	RightMention *Mention `json:"right_mention,omitempty"`
}

// LinkDecision is an analyst's answer to a link.
type LinkDecision struct {
	Confirm bool   `json:"confirm"` // true: the same; false: not the same (or, for an alert, nothing in it)
	Note    string `json:"note"`
}

// MaxLinkNote bounds a decision's note.
const MaxLinkNote = 2000

// Validate checks a decision.
func (d *LinkDecision) Validate() error {
	var v Validation
	checkText(&v, "note", "the note", d.Note, MaxLinkNote, false)
	return v.Err()
}

// Pattern is a saved pattern alert: when a new report mentions something
// already linked to at least MinChildren children, an analyst is asked to
// look (issue 7, part 5).
type Pattern struct {
	Name        string
	Kind        MentionKind
	MinChildren int
	Description string
}

// Patterns are the saved pattern alerts. They read links and roles, never
// demographics.
var Patterns = []Pattern{
	{"vehicle_children", MentionVehicle, 2, "A new report mentions a vehicle already linked to two or more children"},
	{"phone_children", MentionPhone, 2, "A new report mentions a phone already linked to two or more children"},
	{"suspect_children", MentionPerson, 2, "A new report mentions a suspect already linked to two or more children"},
}

// Entity is what a set of linked mentions names: a person, vehicle,
// phone, handle, address or venue. Its ID is the smallest id among its
// mentions; any of its mentions' ids finds it.
type Entity struct {
	ID       ID          `json:"id"`
	Kind     MentionKind `json:"kind"`
	Label    string      `json:"label"`
	Child    bool        `json:"child"`   // named as a child in some report
	Suspect  bool        `json:"suspect"` // named as a suspect in some report
	Mentions []*Mention  `json:"mentions,omitempty"`
	// Concerns are the reports its mentions came from, oldest first.
	Concerns []EntityConcern `json:"concerns,omitempty"`
	// Links are the links among its mentions and to them.
	Links []*Link `json:"links,omitempty"`
	// Neighbours are entities named in the same reports.
	Neighbours []EntityRef `json:"neighbours,omitempty"`
}

// EntityConcern is one report naming an entity, for its timeline.
type EntityConcern struct {
	ConcernID  ID        `json:"concern_id"`
	CaseID     ID        `json:"case_id"`
	ReceivedAt time.Time `json:"received_at"`
	// CanOpen says whether the viewer may open the case itself: seeing a
	// network (ActNetworkView) reaches further than opening cases
	// (ActCaseView), so pages link only the cases that will open.
	CanOpen bool `json:"can_open"`
}

// EntityRef names another entity and how often it shares a report.
type EntityRef struct {
	ID       ID          `json:"id"`
	Kind     MentionKind `json:"kind"`
	Label    string      `json:"label"`
	Child    bool        `json:"child"`
	Concerns int         `json:"concerns"`
}

// Network is the neighbourhood of an entity: entities within a few
// reports of it, joined when named in one report, with what graph
// analysis says of them.
type Network struct {
	Center ID            `json:"center"`
	Nodes  []NetworkNode `json:"nodes"`
	Edges  []NetworkEdge `json:"edges"`
	// Links are the page asked for (NetworkQuery) of the links touching
	// the mentions of the entities shown, undecided first, with their
	// evidence and mentions.
	Links []*Link `json:"links"`
	// LinksTotal counts those links, on every page; LinksOffset is the
	// place among them of the page's first, from 0.
	LinksTotal  int `json:"links_total"`
	LinksOffset int `json:"links_offset"`
	// Path is a shortest chain of reports from the centre to the entity
	// asked for, when it is within the network.
	Path []ID `json:"path,omitempty"`
	// TimePath is a chain of reports from the centre to the entity asked
	// for in which each report is dated no earlier than the one before:
	// the order in which something could have passed along it. It is the
	// chain that reaches the entity soonest, when there is one.
	TimePath []NetworkHop `json:"time_path,omitempty"`
}

// NetworkQuery asks for the network around an entity.
type NetworkQuery struct {
	Hops int // how many reports away, 1 to 3
	To   ID  // another entity, for the paths to it; optional
	// LinksOffset and LinksLimit choose the page of the network's links
	// returned: the first LinksLimit (DefaultNetworkLinks when 0, at most
	// MaxNetworkLinks) from LinksOffset on, undecided first.
	LinksOffset, LinksLimit int
}

// Links per page of a network, and per page of the review queue: a page
// of a browser shows the default, since each link comes with its evidence
// and a decision form; an API client may ask for up to the maximum.
const (
	DefaultNetworkLinks = 10
	MaxNetworkLinks     = 200
	DefaultReviewPage   = 20
	MaxReviewPage       = 200
)

// ReviewPage is one page of the review queue.
type ReviewPage struct {
	Links []*Link `json:"links"`
	// Total counts the links waiting, on every page, those closed to the
	// reader included; Offset is the place in the queue of the page's
	// first, from 0.
	Total  int `json:"total"`
	Offset int `json:"offset"`
	// Withheld counts the page's links left out because the reader may
	// not see a case they join (a conflict of interest of theirs).
	Withheld int `json:"withheld"`
}

// NetworkHop is one step of a time-ordered path: a report naming two
// entities, and when it was received.
type NetworkHop struct {
	From    ID        `json:"from"`
	To      ID        `json:"to"`
	Concern ID        `json:"concern"`
	At      time.Time `json:"at"`
}

// NetworkNode is one entity in a network.
type NetworkNode struct {
	EntityRef
	Community   int     `json:"community"`   // modularity community, from 0
	Betweenness float64 `json:"betweenness"` // share of shortest paths through it, 0 to 1
	Children    int     `json:"children"`    // for suspects: distinct children it shares a report with (suspect-child projection)
	Suspect     bool    `json:"suspect"`
	Hops        int     `json:"hops"` // distance from the centre
}

// NetworkEdge joins two entities named in the same reports.
type NetworkEdge struct {
	From     ID   `json:"from"`
	To       ID   `json:"to"`
	Concerns []ID `json:"concerns"` // the reports naming both
}

// Hotspot is a venue or address with the children linked to it in a period.
type Hotspot struct {
	EntityRef
	Period   string `json:"period"` // a year, "2025", or the period asked for (HotspotQuery.Label)
	Children int    `json:"children"`
}

// LinkRun counts what a linking run did.
type LinkRun struct {
	Mentions int           `json:"mentions"`
	Compared int64         `json:"compared"`
	Proposed int           `json:"proposed"` // new links recorded
	Likely   int           `json:"likely"`
	Review   int           `json:"review"`
	Alerts   int           `json:"alerts"`
	Took     time.Duration `json:"took"`
}

// LinkService links mentions and shows what links make of them.
type LinkService interface {
	// RunLinking compares every mention with every other that shares a
	// blocking key and records new links, each with a log entry. The
	// system and analysts (ActLinkReview) may call it. Returns EFORBIDDEN.
	RunLinking(ctx context.Context, actor Actor) (LinkRun, error)

	// ReviewQueue returns a page of the links waiting for a decision,
	// strongest first, with their mentions: limit of them (at most
	// MaxReviewPage; DefaultReviewPage when 0) from offset on, less those
	// the actor may not see (their refusal logged). Analysts only; each
	// report shown is logged as read. Returns EFORBIDDEN, EINVALID.
	ReviewQueue(ctx context.Context, actor Actor, offset, limit int) (*ReviewPage, error)

	// DecideLink records an analyst's decision on a link in the log.
	// Returns ENOTFOUND, EFORBIDDEN, ECONFLICT when already decided,
	// EINVALID.
	DecideLink(ctx context.Context, actor Actor, id ID, d LinkDecision) (*Link, error)

	// Entity returns the entity with a mention of the given id, its
	// mentions, links, reports and neighbours, logging the read first.
	// Those with ActNetworkView. Returns ENOTFOUND, EFORBIDDEN.
	Entity(ctx context.Context, actor Actor, id ID) (*Entity, error)

	// EntityNetwork returns the network within q.Hops reports of an entity
	// (1 to 3), with a shortest path and a time-ordered path to the
	// entity q.To (if given and within it), and the page of its links q
	// asks for, logging the read first: every entity of the network and
	// the cases behind them, whichever page of links. Returns ENOTFOUND,
	// EFORBIDDEN, EINVALID.
	EntityNetwork(ctx context.Context, actor Actor, id ID, q NetworkQuery) (*Network, error)

	// Hotspots returns venues and addresses by the number of distinct
	// children named with them in reports of q's period (or of each
	// calendar year), most first. Only reports of cases the access
	// decision lets the actor see are counted or shown, as in Entity; the
	// refusals are logged. Returns EFORBIDDEN.
	Hotspots(ctx context.Context, actor Actor, q HotspotQuery) ([]Hotspot, error)
}
