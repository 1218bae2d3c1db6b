package server_test

import (
	"bytes"
	"encoding/json"
	"fmt"
	"image"
	"image/png"
	"strings"
	"time"

	"github.com/vigil-project/vigil"
	"github.com/vigil-project/vigil/internal/speakup"
)

// caseObjects is a case raised by the school's safeguarding lead and owned
// by the front door's duty manager (team front_door, the council), with
// one of everything a route can act on. It tells the scopes apart: the
// owner, their team (social.worker2), their agency (managers), the
// raiser (involved), people who may see every case (investigator,
// commissioner), and everyone else (another team, other agencies).
type caseObjects struct {
	cs         *vigil.Case
	episode    *vigil.MissingEpisode // open: the child has not returned
	transfer   *vigil.Transfer       // offered to social.worker2
	escalation vigil.ID              // the late referral decision, escalated to the owner
}

// newCase raises a fresh case of that shape, received dayss ago.
func (f *fixture) newCase(days int) *vigil.Case {
	f.t.Helper()
	f.seq++
	age := 14
	_, cs, err := f.store.RaiseConcern(f.ctx, f.actor("school.dsl"), vigil.NewConcern{
		ReceivedAt:   vigil.Now().Add(-time.Duration(days)*24*time.Hour - time.Hour),
		Child:        vigil.Child{Name: fmt.Sprintf("Route Child %d", f.seq), Age: &age},
		WhatHappened: "Seen getting into cars with older men after school.",
	})
	f.must(err)
	return cs
}

func (f *fixture) caseID(p string) string { return string(f.newCase(0).ID) }

func (f *fixture) newEpisode() (*vigil.Case, *vigil.MissingEpisode) {
	f.t.Helper()
	cs := f.newCase(0)
	ep, err := f.store.RecordMissing(f.ctx, f.actor("duty.manager"), cs.ID, vigil.Now().Add(-3*time.Hour), "Not home by curfew")
	f.must(err)
	return cs, ep
}

func (f *fixture) newTransfer() (*vigil.Case, *vigil.Transfer) {
	f.t.Helper()
	cs := f.newCase(0)
	tr, err := f.store.OfferTransfer(f.ctx, f.actor("duty.manager"), cs.ID, f.user("social.worker2").ID, "Allocated")
	f.must(err)
	return cs, tr
}

func (f *fixture) newReferral() (*vigil.Case, *vigil.AgencyReferral) {
	f.t.Helper()
	cs := f.newCase(0)
	ref, err := f.store.SendReferral(f.ctx, f.actor("duty.manager"), cs.ID, f.agency(vigil.AgencyPolice), "Please check the car")
	f.must(err)
	return cs, ref
}

// newEscalation raises a case whose referral decision is overdue, and
// sweeps, so that the missed deadline escalates to its owner.
func (f *fixture) newEscalation() (*vigil.Case, vigil.ID) {
	f.t.Helper()
	cs := f.newCase(5)
	_, err := f.store.Sweep(f.ctx, vigil.Now())
	f.must(err)
	d, err := f.store.FindCase(f.ctx, f.actor("investigator"), cs.ID, "route test")
	f.must(err)
	if len(d.Escalations) == 0 {
		f.t.Fatal("an overdue case has no escalation")
	}
	return cs, d.Escalations[0].ID
}

func (f *fixture) caseWithEverything() *caseObjects {
	f.t.Helper()
	cs, esc := f.newEscalation()
	o := &caseObjects{cs: cs, escalation: esc}
	var err error
	o.episode, err = f.store.RecordMissing(f.ctx, f.actor("duty.manager"), cs.ID, vigil.Now().Add(-3*time.Hour), "Not home by curfew")
	f.must(err)
	o.transfer, err = f.store.OfferTransfer(f.ctx, f.actor("duty.manager"), cs.ID, f.user("social.worker2").ID, "Allocated")
	f.must(err)
	return o
}

// newPerson adds a social worker to the council's assessment team, for
// administration rows to act on, with an API token and an authenticator.
func (f *fixture) newPerson() *vigil.User {
	f.t.Helper()
	f.seq++
	u, err := f.store.CreateUser(f.ctx, vigil.SystemActor, vigil.NewUser{Username: fmt.Sprintf("route.person%d", f.seq),
		Name: fmt.Sprintf("Route Person %d", f.seq), Role: vigil.RoleSocialWorker, AgencyID: f.agency(vigil.AgencyChildrensServices),
		TeamID: f.town.Teams["assessment"].ID, Password: "a long enough password for tests"})
	f.must(err)
	_, err = f.store.CreateAPIToken(f.ctx, vigil.SystemActor, u.ID, "route test")
	f.must(err)
	_, err = f.store.EnrolTOTP(f.ctx, vigil.SystemActor, u.ID)
	f.must(err)
	return u
}

// intervened is an agency of its own under a commissioners' intervention,
// with its administrator and a person, so that intervention rows change
// nothing of the town's council.
type intervened struct {
	agency       *vigil.Agency
	admin, staff *vigil.User
	intervention *vigil.Intervention
}

func (f *fixture) newAgency(intervene bool) *intervened {
	f.t.Helper()
	f.seq++
	a, err := f.store.CreateAgency(f.ctx, vigil.SystemActor, fmt.Sprintf("Route Borough %d Children's Services", f.seq), vigil.AgencyChildrensServices)
	f.must(err)
	out := &intervened{agency: a}
	out.admin, err = f.store.CreateUser(f.ctx, vigil.SystemActor, vigil.NewUser{Username: fmt.Sprintf("route.admin%d", f.seq),
		Name: "Route Admin", Role: vigil.RoleAdministrator, AgencyID: a.ID, Password: "a long enough password for tests"})
	f.must(err)
	out.staff, err = f.store.CreateUser(f.ctx, vigil.SystemActor, vigil.NewUser{Username: fmt.Sprintf("route.staff%d", f.seq),
		Name: "Route Staff", Role: vigil.RoleReferrer, AgencyID: a.ID, Password: "a long enough password for tests"})
	f.must(err)
	if intervene {
		out.intervention, err = f.store.StartIntervention(f.ctx, f.actor("commissioner"), a.ID, "Failing inspection")
		f.must(err)
	}
	return out
}

// newAdminRequest is a suspension asked for by an intervened agency's
// administrator, waiting for a commissioner.
func (f *fixture) newAdminRequest() (*intervened, vigil.ID) {
	f.t.Helper()
	in := f.newAgency(true)
	out, err := f.store.Administer(f.ctx, vigil.UserActor(in.admin), vigil.AdminChange{Action: vigil.AdminSetStatus,
		UserID: in.staff.ID, Status: vigil.UserSuspended, Reason: "Pending investigation"})
	f.must(err)
	if out.Record.Status != vigil.AdminPending {
		f.t.Fatalf("an intervened agency's administrator changed someone without approval: %s", out.Record.Status)
	}
	return in, out.Record.ID
}

// newReport is a speak-up report about a child, sent to the council and
// the independent body, by someone who gave a name.
func (f *fixture) newReport() vigil.ID {
	f.t.Helper()
	_, key, err := f.store.Submit(f.ctx, speakup.NewReport{Content: speakup.Content{Channel: speakup.ChannelChild,
		What: "A girl from the home is picked up by men in a taxi most nights."}, Identity: speakup.Identity{Name: "A Neighbour"}})
	f.must(err)
	return key.ReportID
}

// speakUpReceipt is the receipt of a new speak-up report about a child,
// for the API's reporter rows.
func (f *fixture) speakUpReceipt() string {
	f.t.Helper()
	receipt, _, err := f.store.Submit(f.ctx, speakup.NewReport{Content: speakup.Content{Channel: speakup.ChannelChild,
		What: "A boy from the estate is given lifts by men he met online."}})
	f.must(err)
	return receipt
}

// sharedReport is a speak-up report with a photo, for rows that only read.
func (f *fixture) sharedReport() vigil.ID {
	f.t.Helper()
	if f.report == "" {
		var buf bytes.Buffer
		img := image.NewRGBA(image.Rect(0, 0, 4, 4))
		f.must(png.Encode(&buf, img))
		_, key, err := f.store.Submit(f.ctx, speakup.NewReport{Content: speakup.Content{Channel: speakup.ChannelChild,
			What: "A photo of the car that collects her."},
			Attachments: []speakup.Upload{{Data: buf.Bytes()}}})
		f.must(err)
		f.report = key.ReportID
		f.must(f.store.DB().Reader.QueryRowContext(f.ctx, f.store.DB().Rebind(`SELECT id FROM speakup_attachments WHERE report_id = ?`),
			f.report).Scan(&f.file))
	}
	return f.report
}

func (f *fixture) sharedFile() vigil.ID {
	f.sharedReport()
	return f.file
}

// newSpeakUpEscalation is the escalation of a new report's missed
// acknowledgement: the sweep runs as if eight days had passed.
func (f *fixture) newSpeakUpEscalation() vigil.ID {
	f.t.Helper()
	id := f.newReport()
	_, err := f.store.SweepSpeakUp(f.ctx, vigil.Now().Add(8*24*time.Hour))
	f.must(err)
	var esc vigil.ID
	f.must(f.store.DB().Reader.QueryRowContext(f.ctx, f.store.DB().Rebind(`SELECT id FROM speakup_escalations WHERE report_id = ?`), id).Scan(&esc))
	return esc
}

// onFreshReport is an address on a new speak-up report for each principal.
func onFreshReport(action string) func(*fixture, string) string {
	return func(f *fixture, _ string) string { return "/speak-up/reports/" + string(f.newReport()) + "/" + action }
}

// newDisclosure is a request, by the duty manager, to know who made a
// fresh report that gave a name: a custodian decides it.
func (f *fixture) newDisclosure() vigil.ID {
	f.t.Helper()
	id := f.newReport()
	f.must(f.store.RequestIdentity(f.ctx, f.actor("duty.manager"), id, "To take a statement"))
	ds, err := f.store.Disclosures(f.ctx, f.actor("commissioner"))
	f.must(err)
	for _, d := range ds {
		if d.ReportID == id {
			return d.ID
		}
	}
	f.t.Fatal("the request for an identity is not waiting for a custodian")
	return ""
}

// newKeyApproval is the request for approval of a new council team
// manager's speak-up key: recipients of the independent body decide it.
func (f *fixture) newKeyApproval() vigil.ID {
	f.t.Helper()
	f.seq++
	const pw = "a long enough password for tests"
	u, err := f.store.CreateUser(f.ctx, vigil.SystemActor, vigil.NewUser{Username: fmt.Sprintf("route.manager%d", f.seq),
		Name: fmt.Sprintf("Route Manager %d", f.seq), Role: vigil.RoleTeamManager, AgencyID: f.agency(vigil.AgencyChildrensServices),
		TeamID: f.town.Teams["assessment"].ID, Password: pw})
	f.must(err)
	_, err = f.store.Enrol(f.ctx, vigil.UserActor(u), pw)
	f.must(err)
	var id vigil.ID
	f.must(f.store.DB().Reader.QueryRowContext(f.ctx, f.store.DB().Rebind(`SELECT id FROM speakup_key_approvals WHERE user_id = ? AND status = 'pending'`), u.ID).Scan(&id))
	return id
}

// onFreshPerson is an address of an administration form on a new person.
func onFreshPerson(form string) func(*fixture, string) string {
	return func(f *fixture, _ string) string { return "/admin/people/" + string(f.newPerson().ID) + "/" + form }
}

// newToken gives principal p a new API token of their own and returns its id.
func (f *fixture) newToken(p string) vigil.ID {
	f.t.Helper()
	if p == anonymous {
		p = "referrer" // signed out: someone's token all the same
	}
	u := f.user(p)
	_, err := f.store.CreateAPIToken(f.ctx, vigil.SystemActor, u.ID, "route test")
	f.must(err)
	tokens, err := f.store.APITokens(f.ctx, vigil.UserActor(u), u.ID)
	f.must(err)
	newest := tokens[0]
	for _, t := range tokens {
		if t.CreatedAt.After(newest.CreatedAt) {
			newest = t
		}
	}
	return newest.ID
}

// password is principal p's password; none for someone signed out.
func (f *fixture) password(p string) string {
	if l := f.town.Login(p); l != nil {
		return l.Password
	}
	return "not anyone's password"
}

// release is a published statistical release.
func (f *fixture) release() *vigil.Release {
	f.t.Helper()
	if f.rel == nil {
		var err error
		// Last quarter: a fixed period no route test publishes as a month.
		q := vigil.QuarterOf(vigil.QuarterOf(vigil.Now()).From.Add(-time.Hour))
		f.rel, err = f.store.PublishRelease(f.ctx, f.actor("director"), q, "")
		f.must(err)
	}
	return f.rel
}

func (f *fixture) releaseTable() string {
	var figures vigil.ReleaseFigures
	f.must(json.Unmarshal(f.release().Figures, &figures))
	for _, t := range figures.Tables {
		return t.Dashboard + "." + t.Key
	}
	f.t.Fatal("the release has no table")
	return ""
}

func (f *fixture) dashboardTable() string {
	d, err := f.store.Dashboard(f.ctx, f.actor("director"), "timeliness", vigil.Last12Months(vigil.Now()))
	f.must(err)
	return d.Tables[0].Key
}

// action is a fresh action of the seeded plan owned by owner, done (with
// its evidence) when done is set.
func (f *fixture) action(owner string, done bool) *vigil.PlanAction {
	f.t.Helper()
	a, err := f.store.AddAction(f.ctx, f.actor("commissioner"), f.plan.Recommendations[0].ID, vigil.NewPlanAction{Title: "Route action",
		OwnerID: f.user(owner).ID, Due: vigil.Now().Add(30 * 24 * time.Hour), EvidenceNeeded: "Minutes"})
	f.must(err)
	if done {
		f.must(f.store.ReportProgress(f.ctx, f.actor(owner), a.ID, vigil.ActionProgress{Status: vigil.ActionDone, Evidence: "Minutes sent"}))
	}
	return a
}

// actionEscalation is an overdue action of the service manager's, swept
// so that it escalates; it returns the action and its escalation.
func (f *fixture) actionEscalation() (vigil.ID, vigil.ID) {
	f.t.Helper()
	a, err := f.store.AddAction(f.ctx, f.actor("commissioner"), f.plan.Recommendations[0].ID, vigil.NewPlanAction{Title: "Overdue route action",
		OwnerID: f.user("service.manager").ID, Due: vigil.Now().Add(-24 * time.Hour), EvidenceNeeded: "Minutes"})
	if err != nil {
		// Actions may not be set already overdue: set it due soon and sweep later.
		a, err = f.store.AddAction(f.ctx, f.actor("commissioner"), f.plan.Recommendations[0].ID, vigil.NewPlanAction{Title: "Overdue route action",
			OwnerID: f.user("service.manager").ID, Due: vigil.Now().Add(time.Hour), EvidenceNeeded: "Minutes"})
		f.must(err)
	}
	_, err = f.store.Sweep(f.ctx, vigil.Now().Add(48*time.Hour))
	f.must(err)
	d, err := f.store.FindAction(f.ctx, f.actor("commissioner"), a.ID)
	f.must(err)
	for _, e := range d.Escalations {
		return a.ID, e.ID
	}
	f.t.Fatal("an overdue action has no escalation")
	return "", ""
}

// newLink raises two concerns that name the same car, one plate written
// two ways, so that the linker joins them; it returns the first mention
// of the car (an entity) and the link, undecided.
func (f *fixture) newLink() (vigil.ID, vigil.ID) {
	f.t.Helper()
	f.seq++
	plate := fmt.Sprintf("YA%02d CDE", f.seq%100)
	var first vigil.ID
	for i, written := range []string{plate, strings.ToLower(strings.ReplaceAll(plate, " ", ""))} {
		cs := f.newCase(0)
		d, err := f.store.FindCase(f.ctx, f.actor("investigator"), cs.ID, "route test")
		f.must(err)
		ms, err := f.store.RecordMentions(f.ctx, f.actor("school.dsl"), d.Concerns[0].ID,
			[]vigil.Mention{{Kind: vigil.MentionVehicle, Plate: written, Colour: "silver", Make: "Toyota"}})
		f.must(err)
		if i == 0 {
			first = ms[0].ID
		}
	}
	e, err := f.store.Entity(f.ctx, f.actor("police.analyst"), first)
	f.must(err)
	if len(e.Links) == 0 {
		f.t.Fatal("two readings of one plate were not linked")
	}
	return first, e.Links[0].ID
}

// entity is a car named in two reports, for rows that only read.
func (f *fixture) entity() vigil.ID {
	if f.ent == "" {
		f.ent, _ = f.newLink()
	}
	return f.ent
}
