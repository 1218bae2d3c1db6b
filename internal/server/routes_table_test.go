package server_test

import (
	"fmt"
	"net/http"
	"net/url"
	"slices"
	"time"

	"github.com/vigil-project/vigil"
	"github.com/vigil-project/vigil/internal/synth"
)

// Helpers that fill in a row's address.

func at(path string) func(*fixture, string) string {
	return func(*fixture, string) string { return path }
}

// onSharedCase is an address on the shared case, for rows that only read.
func onSharedCase(format string) func(*fixture, string) string {
	return func(f *fixture, _ string) string { return fmt.Sprintf(format, f.shared.cs.ID) }
}

// onFreshCase is an address on a new case for each principal.
func onFreshCase(format string) func(*fixture, string) string {
	return func(f *fixture, p string) string { return fmt.Sprintf(format, f.caseID(p)) }
}

func formOf(kv ...string) func(*fixture, string) url.Values {
	return func(*fixture, string) url.Values {
		v := url.Values{}
		for i := 0; i+1 < len(kv); i += 2 {
			v.Set(kv[i], kv[i+1])
		}
		return v
	}
}

func jsonOf(s string) func(*fixture, string) string {
	return func(*fixture, string) string { return s }
}

// monthFor is a different past month for each principal and offset, so
// that each may publish statistics for a period nobody has published yet.
func monthFor(p string, offset int) string {
	i := slices.Index(principals, p) + offset
	return vigil.Now().In(vigil.London).AddDate(0, -2-i, 0).Format("2006-01")
}

func today() (string, string, string) {
	n := vigil.Now().In(vigil.London)
	return n.Format("2"), n.Format("1"), n.Format("2006")
}

func rfc3339(t time.Time) string { return t.UTC().Format(time.RFC3339) }

// routeTable is who may use each route. Rows run in order; the rows that
// end something of the principal's own (signing out, changing a
// password, locking the speak-up key) come last.
//
// How to read the answers on a case (the shared case, or a fresh one of
// the same shape: raised by school.dsl, owned by duty.manager in the
// front door team of the council). Those who may open it (the owner; the
// owner's team, social.worker2; the council's managers; the raiser, who
// is involved; the investigator and the commissioner, who see every case)
// get the page, or 403 where their role does not include the action
// (a raiser recording a decision, an investigator anything but reading).
// Everyone else gets 404, the same answer as for a case that does not
// exist, so that case ids cannot be probed; signed-out people are sent
// to sign in (GET) or refused with 401 (POST, and every API request).
// Escalations may be answered by their holder, the higher rungs of the
// case agency's ladder, and independent oversight (scrutiny panel,
// commissioners) at any rung (vigil.CanResolveEscalation); the pages
// answer 404 to others, the API 403. Commissioners may read the
// council's administration pages, but change people only while the
// council is under intervention: the store answers 404 to a change, as to
// an administrator of another agency.
func routeTable() []row {
	council := func(f *fixture, _ string) string { return string(f.agency(vigil.AgencyChildrensServices)) }
	return []row{
		// Public pages and the log: the same for everyone.
		{route: "GET /{$}", path: at("/"), want: every(allowed)},
		{route: "/", note: "an address no page has", path: at("/no-such-page"), want: every(http.StatusNotFound)},
		{route: "GET /favicon.ico", want: every(allowed)},
		{route: "GET /static/{staticHash}/", path: func(f *fixture, _ string) string { return "/static/" + f.static + "/govuk/govuk-frontend.min.css" }, want: every(allowed)},
		{route: "GET /healthz", want: every(allowed)},
		{route: "GET /log/checkpoint", want: every(allowed)},
		{route: "GET /log/key", want: every(allowed)},
		{route: "GET /log/tile/{path...}", path: at("/log/tile/0/000.p/1"), want: every(allowed)},
		{route: "GET /report", want: every(allowed)},
		{route: "POST /report", form: formOf("source", "public", "child-name", "Route Child", "what-happened", "Seen with older men."), want: every(allowed)},
		{route: "GET /report/received", path: at("/report/received?ref=VC-AAAA-AAAA"), want: every(allowed)},
		{route: "GET /signin", want: every(allowed)},
		{route: "POST /signin", note: "the principal's own name with a wrong password", form: func(f *fixture, p string) url.Values {
			return url.Values{"username": {p}, "password": {"not the password"}}
		}, want: every(http.StatusUnauthorized)},
		{route: "GET /signin/code", want: every(toSignIn)},
		{route: "POST /signin/code", form: formOf("code", "123456"), want: every(http.StatusUnauthorized)},
		{route: "GET /signin/enrol", want: every(toSignIn)},
		{route: "POST /signin/enrol", form: formOf("code", "123456"), want: every(http.StatusUnauthorized)},
		{route: "GET /signin/oidc", want: every(http.StatusNotFound)},
		{route: "GET /signin/oidc/callback", want: every(http.StatusNotFound)},
		{route: "GET /transparency", want: every(allowed)},
		{route: "GET /transparency/{id}", path: func(f *fixture, _ string) string { return "/transparency/" + string(f.release().ID) }, want: every(allowed)},
		{route: "GET /transparency/{id}/release.json", path: func(f *fixture, _ string) string { return "/transparency/" + string(f.release().ID) + "/release.json" }, want: every(allowed)},
		{route: "GET /transparency/{id}/csv", path: func(f *fixture, _ string) string {
			return "/transparency/" + string(f.release().ID) + "/csv?table=" + f.releaseTable()
		}, want: every(allowed)},
		{route: "GET /action-plans", want: every(allowed)},
		{route: "GET /action-plans/{id}", path: func(f *fixture, _ string) string { return "/action-plans/" + string(f.plan.ID) }, want: every(allowed)},
		{route: "GET /speak-up", want: every(allowed)},
		{route: "GET /speak-up/new/{channel}", path: at("/speak-up/new/child"), want: every(allowed)},
		{route: "POST /speak-up/new/{channel}", path: at("/speak-up/new/child"), form: formOf("what", "A girl is picked up by men in a taxi."), want: every(allowed)},
		{route: "GET /speak-up/receipt", want: every(allowed)},
		{route: "POST /speak-up/receipt", want: every(allowed)},
		{route: "GET /speak-up/check", want: every(allowed)},
		{route: "POST /speak-up/check", form: formOf("receipt", "not a receipt"), want: every(http.StatusUnprocessableEntity)},
		{route: "GET /speak-up/conversation", want: every(allowed)},
		{route: "POST /speak-up/conversation", form: formOf("message", "hello"), want: every(allowed)},
		{route: "POST /speak-up/finish", want: every(allowed)},

		// Staff pages.
		{route: "GET /work", want: every(allowed).but(toSignIn, anonymous)},
		{route: "GET /account", want: every(allowed).but(toSignIn, anonymous)},
		{route: "GET /concerns/new", want: every(allowed).but(toSignIn, anonymous).but(http.StatusForbidden, "admin", "scrutiny", "investigator", "commissioner")},
		{route: "POST /concerns", form: formOf("child-name", "Route Child", "child-age", "14", "what-happened", "Seen with older men."), want: every(allowed).but(http.StatusUnauthorized, anonymous).but(http.StatusForbidden, "admin", "scrutiny", "investigator", "commissioner")},
		{route: "GET /cases/{id}", path: onSharedCase("/cases/%s"), want: every(allowed).but(toSignIn, anonymous).but(http.StatusNotFound, "admin", "social.worker", "police.officer", "police.analyst", "health.nurse", "referrer", "scrutiny")},
		{route: "GET /cases/{id}", note: "a guessed id", path: at("/cases/aaaaaaaaaaaaaaaaaaaaaaaaaa"), want: every(http.StatusNotFound).but(toSignIn, anonymous)},
		{route: "GET /cases/{id}/decisions", path: onSharedCase("/cases/%s/decisions"), want: every(http.StatusNotFound).but(toSignIn, anonymous).but(allowed, "director", "service.manager", "duty.manager", "team.manager", "social.worker2").but(http.StatusForbidden, "school.dsl", "investigator", "commissioner")},
		{route: "POST /cases/{id}/decisions", path: onFreshCase("/cases/%s/decisions"),
			form: formOf("decision", "referral:section47", "reason", "Risk of exploitation"), want: every(http.StatusNotFound).but(http.StatusUnauthorized, anonymous).but(allowed, "director", "service.manager", "duty.manager", "team.manager", "social.worker2").but(http.StatusForbidden, "school.dsl", "investigator", "commissioner")},
		{route: "GET /cases/{id}/screening", path: onSharedCase("/cases/%s/screening"), want: every(http.StatusNotFound).but(toSignIn, anonymous).but(allowed, "director", "service.manager", "duty.manager", "team.manager", "social.worker2", "school.dsl").but(http.StatusForbidden, "investigator", "commissioner")},
		{route: "POST /cases/{id}/screening", path: onFreshCase("/cases/%s/screening"), form: formOf("score-taxis", "high", "notes", "Taxi every evening"), want: every(http.StatusNotFound).but(http.StatusUnauthorized, anonymous).but(allowed, "director", "service.manager", "duty.manager", "team.manager", "social.worker2", "school.dsl").but(http.StatusForbidden, "investigator", "commissioner")},
		{route: "POST /cases/{id}/transfer", path: onFreshCase("/cases/%s/transfer"), form: func(f *fixture, _ string) url.Values {
			return url.Values{"transfer-to": {string(f.user("social.worker2").ID)}, "transfer-reason": {"Allocated"}}
		}, want: every(http.StatusNotFound).but(http.StatusUnauthorized, anonymous).but(allowed, "director", "service.manager", "duty.manager", "team.manager").but(http.StatusForbidden, "social.worker2", "school.dsl", "investigator", "commissioner")},
		{route: "POST /cases/{id}/missing", path: onFreshCase("/cases/%s/missing"), form: func(*fixture, string) url.Values {
			d, m, y := today()
			return url.Values{"missing-from-day": {d}, "missing-from-month": {m}, "missing-from-year": {y}, "missing-details": {"Not home by curfew"}}
		}, want: every(http.StatusNotFound).but(http.StatusUnauthorized, anonymous).but(allowed, "director", "service.manager", "duty.manager", "team.manager", "social.worker2").but(http.StatusForbidden, "school.dsl", "investigator", "commissioner")},
		{route: "POST /cases/{id}/referrals", path: onFreshCase("/cases/%s/referrals"), form: func(f *fixture, _ string) url.Values {
			return url.Values{"referral-agency": {string(f.agency(vigil.AgencyPolice))}, "referral-reason": {"Check the car"}}
		}, want: every(http.StatusNotFound).but(http.StatusUnauthorized, anonymous).but(allowed, "director", "service.manager", "duty.manager", "team.manager", "social.worker2", "school.dsl").but(http.StatusForbidden, "investigator", "commissioner")},
		{route: "POST /cases/{id}/shares", path: onFreshCase("/cases/%s/shares"), form: func(f *fixture, _ string) url.Values {
			return url.Values{"share-agency": {string(f.agency(vigil.AgencyHealth))}, "share": {"no"}, "share-reason": {"Not needed yet"}}
		}, want: every(http.StatusNotFound).but(http.StatusUnauthorized, anonymous).but(allowed, "director", "service.manager", "duty.manager", "team.manager", "social.worker2", "school.dsl").but(http.StatusForbidden, "investigator", "commissioner")},
		{route: "POST /cases/{id}/mentions", path: onFreshCase("/cases/%s/mentions"), form: formOf("vehicle-rows", "1", "vehicle-0-plate", "AB12 CDE", "vehicle-0-colour", "black"),
			want: every(http.StatusNotFound).but(http.StatusUnauthorized, anonymous).but(allowed, "director", "service.manager", "duty.manager", "team.manager", "social.worker2", "school.dsl").but(http.StatusForbidden, "investigator", "commissioner")},
		{route: "GET /cases/{id}/timeline", path: onSharedCase("/cases/%s/timeline"), want: every(http.StatusNotFound).but(toSignIn, anonymous).but(allowed, "investigator", "commissioner")},
		{route: "GET /cases/{id}/evidence.zip", path: onSharedCase("/cases/%s/evidence.zip"), want: every(http.StatusNotFound).but(toSignIn, anonymous).but(allowed, "investigator")},
		{route: "GET /people/{id}/timeline", note: "the duty manager's", path: func(f *fixture, _ string) string {
			return "/people/" + string(f.user("duty.manager").ID) + "/timeline"
		}, want: every(http.StatusNotFound).but(toSignIn, anonymous).but(allowed, "investigator", "commissioner")},
		{route: "GET /cases/{id}/child-timeline", path: onSharedCase("/cases/%s/child-timeline"), want: every(http.StatusNotFound).but(toSignIn, anonymous).but(allowed, "investigator", "commissioner")},
		{route: "GET /timeline", path: at("/timeline?from=2020-01-01&to=2020-01-31"), want: every(http.StatusNotFound).but(toSignIn, anonymous).but(allowed, "investigator", "commissioner")},
		// Conflicts of interest: one's own, declared by anyone; someone
		// else's, seen and recorded by their agency's administrators and
		// managers, and seen by investigators and commissioners. The
		// conflicts posted name nobody in any case, so later rows are not
		// changed by them.
		{route: "GET /account/conflicts", want: every(allowed).but(toSignIn, anonymous)},
		{route: "POST /account/conflicts", form: formOf("conflict-kind", "person", "conflict-value", "Zebedee Quixote Routeperson", "conflict-reason", "My cousin"), want: every(allowed).but(http.StatusUnauthorized, anonymous)},
		{route: "GET /admin/people/{id}/conflicts", note: "social.worker2's", path: func(f *fixture, _ string) string {
			return "/admin/people/" + string(f.user("social.worker2").ID) + "/conflicts"
		}, want: every(http.StatusNotFound).but(toSignIn, anonymous).but(allowed, "social.worker2", "admin", "director", "service.manager", "duty.manager", "team.manager", "investigator", "commissioner")},
		{route: "POST /admin/people/{id}/conflicts", note: "social.worker2's", path: func(f *fixture, _ string) string {
			return "/admin/people/" + string(f.user("social.worker2").ID) + "/conflicts"
		}, form: formOf("conflict-kind", "address", "conflict-value", "99 Nowhere Route Lane", "conflict-reason", "Family home"),
			want: every(http.StatusForbidden).but(http.StatusUnauthorized, anonymous).but(allowed, "social.worker2", "admin", "director", "service.manager", "duty.manager", "team.manager")},
		{route: "GET /cases/{id}/demographics", path: onSharedCase("/cases/%s/demographics"), want: every(allowed).but(toSignIn, anonymous).but(http.StatusNotFound, "admin", "social.worker", "police.officer", "police.analyst", "health.nurse", "referrer", "scrutiny")},
		{route: "POST /cases/{id}/demographics", path: onFreshCase("/cases/%s/demographics"),
			form: formOf("subject", "child", "ethnicity", "white_british", "nationality", "GB"), want: every(http.StatusNotFound).but(http.StatusUnauthorized, anonymous).but(allowed, "director", "service.manager", "duty.manager", "team.manager", "social.worker2", "school.dsl").but(http.StatusForbidden, "investigator", "commissioner")},
		{route: "POST /missing/{id}/return", note: "a fresh episode", path: func(f *fixture, _ string) string {
			cs, ep := f.newEpisode()
			f.vars["case"], f.vars["episode"] = string(cs.ID), string(ep.ID)
			return "/missing/" + string(ep.ID) + "/return"
		}, form: func(f *fixture, _ string) url.Values {
			d, m, y := today()
			ret := "return-" + f.vars["episode"]
			return url.Values{"case": {f.vars["case"]}, ret + "-day": {d}, ret + "-month": {m}, ret + "-year": {y},
				ret + "-time": {vigil.Now().In(vigil.London).Format("15:04")}}
		}, want: every(http.StatusNotFound).but(http.StatusUnauthorized, anonymous).but(allowed, "director", "service.manager", "duty.manager", "team.manager", "social.worker2").but(http.StatusForbidden, "school.dsl", "investigator", "commissioner")},
		{route: "POST /referrals/{id}/acknowledge", note: "a fresh referral to the police", path: func(f *fixture, _ string) string {
			cs, ref := f.newReferral()
			f.vars["case"] = string(cs.ID)
			return "/referrals/" + string(ref.ID) + "/acknowledge"
		}, form: func(f *fixture, _ string) url.Values { return url.Values{"case": {f.vars["case"]}} }, want: every(http.StatusNotFound).but(http.StatusUnauthorized, anonymous).but(allowed, "police.officer").but(http.StatusForbidden, "police.analyst")},
		{route: "GET /transfers/{id}", path: func(f *fixture, _ string) string { return "/transfers/" + string(f.shared.transfer.ID) }, want: every(http.StatusNotFound).but(toSignIn, anonymous).but(allowed, "social.worker2")},
		{route: "POST /transfers/{id}/answer", note: "a fresh offer to social.worker2", path: func(f *fixture, _ string) string {
			_, tr := f.newTransfer()
			return "/transfers/" + string(tr.ID) + "/answer"
		}, form: formOf("answer", "accept"), want: every(http.StatusNotFound).but(http.StatusUnauthorized, anonymous).but(allowed, "social.worker2")},
		{route: "POST /transfers/{id}/withdraw", note: "a fresh offer to social.worker2", path: func(f *fixture, _ string) string {
			cs, tr := f.newTransfer()
			f.vars["case"] = string(cs.ID)
			return "/transfers/" + string(tr.ID) + "/withdraw"
		}, form: func(f *fixture, _ string) url.Values {
			return url.Values{"case": {f.vars["case"]}, "withdraw-reason": {"Allocated elsewhere"}}
		}, want: every(http.StatusNotFound).but(http.StatusUnauthorized, anonymous).but(allowed, "director", "service.manager", "duty.manager", "team.manager").but(http.StatusForbidden, "social.worker2", "school.dsl", "investigator", "commissioner")},
		{route: "GET /escalations/{id}", path: func(f *fixture, _ string) string { return "/escalations/" + string(f.shared.escalation) }, want: every(http.StatusNotFound).but(toSignIn, anonymous).but(allowed, "director", "service.manager", "duty.manager", "team.manager", "scrutiny", "commissioner")},
		{route: "POST /escalations/{id}/resolve", note: "a fresh escalation", path: func(f *fixture, _ string) string {
			_, esc := f.newEscalation()
			f.vars["esc"] = string(esc)
			return "/escalations/" + string(esc) + "/resolve"
		}, form: func(f *fixture, _ string) url.Values {
			return url.Values{"return": {"work"}, "esc-" + f.vars["esc"] + "-decision": {"Allocated today"}}
		}, want: every(http.StatusNotFound).but(http.StatusUnauthorized, anonymous).but(allowed, "director", "service.manager", "duty.manager", "team.manager", "scrutiny", "commissioner")},

		// Oversight.
		{route: "GET /oversight", want: every(http.StatusForbidden).but(toSignIn, anonymous).but(allowed, "director", "service.manager", "duty.manager", "team.manager", "scrutiny", "investigator", "commissioner")},
		{route: "GET /oversight/{topic}", path: at("/oversight/timeliness?period=12m"), want: every(http.StatusForbidden).but(toSignIn, anonymous).but(allowed, "director", "service.manager", "duty.manager", "team.manager", "scrutiny", "investigator", "commissioner")},
		{route: "GET /oversight/{topic}/csv", path: func(f *fixture, _ string) string {
			return "/oversight/timeliness/csv?period=12m&table=" + f.dashboardTable()
		}, want: every(http.StatusForbidden).but(toSignIn, anonymous).but(allowed, "director", "service.manager", "duty.manager", "team.manager", "scrutiny", "investigator", "commissioner")},
		{route: "GET /oversight/{topic}/trend/csv", path: at("/oversight/timeliness/trend/csv?period=12m"), want: every(http.StatusForbidden).but(toSignIn, anonymous).but(allowed, "director", "service.manager", "duty.manager", "team.manager", "scrutiny", "investigator", "commissioner")},
		{route: "GET /oversight/figures", path: at("/oversight/figures?topic=timeliness&table=clocks&row=decision&period=12m"), want: every(http.StatusForbidden).but(toSignIn, anonymous).but(allowed, "director", "service.manager", "duty.manager", "team.manager", "scrutiny", "investigator", "commissioner")},
		{route: "GET /oversight/publish", want: every(http.StatusForbidden).but(toSignIn, anonymous).but(allowed, "director", "scrutiny", "commissioner")},
		{route: "POST /oversight/publish", form: func(_ *fixture, p string) url.Values { return url.Values{"period": {monthFor(p, 0)}} }, want: every(http.StatusForbidden).but(http.StatusUnauthorized, anonymous).but(allowed, "director", "scrutiny", "commissioner")},
		{route: "GET /oversight/core-data-set", want: every(http.StatusForbidden).but(toSignIn, anonymous).but(allowed, "director", "service.manager", "duty.manager", "team.manager", "investigator", "commissioner")},
		{route: "GET /oversight/core-data-set.csv", path: at("/oversight/core-data-set.csv?period=12m"), want: every(http.StatusForbidden).but(toSignIn, anonymous).but(allowed, "director", "service.manager", "duty.manager", "team.manager", "investigator", "commissioner")},
		{route: "GET /action-plans/new", want: every(http.StatusForbidden).but(toSignIn, anonymous).but(allowed, "director", "service.manager", "scrutiny", "commissioner")},
		{route: "POST /action-plans", form: func(*fixture, string) url.Values {
			return url.Values{"title": {"Route plan"}, "report": {"An inspection"}, "report-date-day": {"1"}, "report-date-month": {"3"}, "report-date-year": {"2025"}}
		}, want: every(http.StatusForbidden).but(http.StatusUnauthorized, anonymous).but(allowed, "director", "service.manager", "scrutiny", "commissioner")},
		{route: "POST /action-plans/{id}/recommendations", path: func(f *fixture, _ string) string { return "/action-plans/" + string(f.plan.ID) + "/recommendations" },
			form: formOf("rec-number", "9", "rec-text", "Listen to children."), want: every(http.StatusForbidden).but(http.StatusUnauthorized, anonymous).but(allowed, "director", "service.manager", "scrutiny", "commissioner")},
		{route: "POST /recommendations/{id}/actions", path: func(f *fixture, _ string) string {
			return "/recommendations/" + string(f.plan.Recommendations[0].ID) + "/actions"
		}, form: func(f *fixture, _ string) url.Values {
			prefix := "rec-" + string(f.plan.Recommendations[0].ID)
			d, m, _ := today()
			return url.Values{"plan": {string(f.plan.ID)}, prefix + "-title": {"Route action"}, prefix + "-owner": {string(f.user("director").ID)},
				prefix + "-evidence": {"Minutes"}, prefix + "-due-day": {d}, prefix + "-due-month": {m}, prefix + "-due-year": {fmt.Sprint(vigil.Now().Year() + 1)}}
		}, want: every(http.StatusForbidden).but(http.StatusUnauthorized, anonymous).but(allowed, "director", "service.manager", "scrutiny", "commissioner")},
		{route: "GET /actions/{id}", path: func(f *fixture, _ string) string { return "/actions/" + string(f.action("director", false).ID) }, want: every(http.StatusNotFound).but(toSignIn, anonymous).but(allowed, "director", "service.manager", "duty.manager", "team.manager", "scrutiny", "investigator", "commissioner")},
		{route: "POST /actions/{id}/progress", note: "a fresh action owned by the service manager", path: func(f *fixture, _ string) string {
			return "/actions/" + string(f.action("service.manager", false).ID) + "/progress"
		}, form: formOf("status", "in_progress", "note", "Half done"), want: every(http.StatusForbidden).but(http.StatusUnauthorized, anonymous).but(allowed, "director", "service.manager", "commissioner")},
		{route: "POST /actions/{id}/signoff", note: "a fresh action done by the service manager", path: func(f *fixture, _ string) string {
			return "/actions/" + string(f.action("service.manager", true).ID) + "/signoff"
		}, form: formOf("signoff", "accept", "decision", "Evidence seen"), want: every(http.StatusForbidden).but(http.StatusUnauthorized, anonymous).but(allowed, "scrutiny")},
		{route: "POST /action-escalations/{id}/resolve", note: "a fresh overdue action's escalation", path: func(f *fixture, _ string) string {
			a, esc := f.actionEscalation()
			f.vars["action"] = string(a)
			return "/action-escalations/" + string(esc) + "/resolve"
		}, form: func(f *fixture, _ string) url.Values {
			return url.Values{"action": {f.vars["action"]}, "esc-decision": {"Extended: training booked"}}
		}, want: every(http.StatusForbidden).but(http.StatusUnauthorized, anonymous).but(allowed, "director", "service.manager", "scrutiny", "commissioner")},

		// Linking: entities, networks and hotspots across agencies.
		{route: "GET /links/review", want: every(http.StatusForbidden).but(toSignIn, anonymous).but(allowed, "police.analyst")},
		{route: "POST /links/{id}/decision", note: "a fresh link", path: func(f *fixture, _ string) string {
			_, l := f.newLink()
			return "/links/" + string(l) + "/decision"
		}, form: formOf("decision", "confirm", "note", "Same car"), want: every(http.StatusForbidden).but(http.StatusUnauthorized, anonymous).but(allowed, "police.analyst")},
		{route: "GET /entities/{id}", path: func(f *fixture, _ string) string { return "/entities/" + string(f.entity()) }, want: every(http.StatusForbidden).but(toSignIn, anonymous).but(allowed, "police.analyst", "investigator")},
		{route: "GET /entities/{id}/network", path: func(f *fixture, _ string) string { return "/entities/" + string(f.entity()) + "/network" }, want: every(http.StatusForbidden).but(toSignIn, anonymous).but(allowed, "police.analyst", "investigator")},
		{route: "GET /hotspots", want: every(http.StatusForbidden).but(toSignIn, anonymous).but(allowed, "police.analyst", "investigator")},

		// Administration.
		{route: "GET /admin", want: every(http.StatusForbidden).but(toSignIn, anonymous).but(allowed, "admin", "commissioner")},
		{route: "GET /admin/agencies/{id}", path: func(f *fixture, _ string) string { return "/admin/agencies/" + council(f, "") }, want: every(http.StatusNotFound).but(toSignIn, anonymous).but(allowed, "admin", "commissioner")},
		{route: "GET /admin/agencies/{id}/people/new", path: func(f *fixture, _ string) string { return "/admin/agencies/" + council(f, "") + "/people/new" }, want: every(http.StatusNotFound).but(toSignIn, anonymous).but(allowed, "admin").but(http.StatusForbidden, "commissioner")},
		{route: "POST /admin/agencies/{id}/people", path: func(f *fixture, _ string) string { return "/admin/agencies/" + council(f, "") + "/people" },
			form: func(f *fixture, p string) url.Values {
				f.seq++
				return url.Values{"name": {"Route Newcomer"}, "username": {fmt.Sprintf("route.new%d", f.seq)}, "role": {"referrer"}, "reason": {"Joined"}}
			}, want: every(http.StatusForbidden).but(http.StatusUnauthorized, anonymous).but(allowed, "admin")},
		{route: "GET /admin/people/{id}", path: func(f *fixture, _ string) string { return "/admin/people/" + string(f.user("social.worker").ID) }, want: every(http.StatusNotFound).but(toSignIn, anonymous).but(allowed, "admin", "commissioner")},
		{route: "POST /admin/people/{id}/status", note: "a fresh person", path: onFreshPerson("status"), form: formOf("status", "suspended", "status-reason", "Pending investigation"), want: every(http.StatusForbidden).but(http.StatusUnauthorized, anonymous).but(allowed, "admin").but(http.StatusNotFound, "commissioner")},
		{route: "POST /admin/people/{id}/tokens", note: "a fresh person", path: onFreshPerson("tokens"), form: formOf("tokens-reason", "Laptop lost"), want: every(http.StatusForbidden).but(http.StatusUnauthorized, anonymous).but(allowed, "admin").but(http.StatusNotFound, "commissioner")},
		{route: "POST /admin/people/{id}/password", note: "a fresh person", path: onFreshPerson("password"), form: formOf("password-reason", "Forgotten"), want: every(http.StatusForbidden).but(http.StatusUnauthorized, anonymous).but(allowed, "admin").but(http.StatusNotFound, "commissioner")},
		{route: "POST /admin/people/{id}/authenticator", note: "a fresh person", path: onFreshPerson("authenticator"), form: formOf("authenticator-reason", "New phone"), want: every(http.StatusForbidden).but(http.StatusUnauthorized, anonymous).but(allowed, "admin").but(http.StatusNotFound, "commissioner")},
		{route: "POST /admin/interventions", note: "a fresh agency", form: func(f *fixture, _ string) url.Values {
			return url.Values{"agency": {string(f.newAgency(false).agency.ID)}, "reason": {"Failing inspection"}}
		}, want: every(http.StatusForbidden).but(http.StatusUnauthorized, anonymous).but(allowed, "commissioner")},
		{route: "POST /admin/interventions/{id}/end", note: "a fresh intervention", path: func(f *fixture, _ string) string {
			return "/admin/interventions/" + string(f.newAgency(true).intervention.ID) + "/end"
		}, form: formOf("end-reason", "Improved"), want: every(http.StatusForbidden).but(http.StatusUnauthorized, anonymous).but(allowed, "commissioner")},
		{route: "POST /admin/requests/{id}", note: "a fresh request of an intervened agency", path: func(f *fixture, _ string) string {
			in, id := f.newAdminRequest()
			f.vars["agency"], f.vars["request"] = string(in.agency.ID), string(id)
			return "/admin/requests/" + string(id)
		}, form: func(f *fixture, _ string) url.Values {
			return url.Values{"decision": {"approve"}, "agency": {f.vars["agency"]}, "reason-" + f.vars["request"]: {"Agreed"}}
		}, want: every(http.StatusForbidden).but(http.StatusUnauthorized, anonymous).but(allowed, "commissioner")},
		{route: "POST /account/tokens/{id}/revoke", note: "a fresh token of the principal's own", path: func(f *fixture, p string) string {
			return "/account/tokens/" + string(f.newToken(p)) + "/revoke"
		}, want: every(allowed).but(http.StatusUnauthorized, anonymous)},

		// Speak-up, recipients' side.
		{route: "GET /speak-up/inbox", want: every(allowed).but(toSignIn, anonymous)},
		{route: "GET /speak-up/key", want: every(allowed).but(toSignIn, anonymous)},

		{route: "POST /speak-up/unlock", form: func(f *fixture, p string) url.Values { return url.Values{"password": {f.password(p)}} }, want: every(http.StatusForbidden).but(http.StatusUnauthorized, anonymous).but(allowed, "duty.manager", "scrutiny", "commissioner")},
		{route: "GET /speak-up/reports/{id}", path: func(f *fixture, _ string) string { return "/speak-up/reports/" + string(f.sharedReport()) }, want: every(http.StatusNotFound).but(toSignIn, anonymous).but(allowed, "duty.manager", "scrutiny", "commissioner")},
		{route: "POST /speak-up/reports/{id}/acknowledge", note: "a fresh report", path: onFreshReport("acknowledge"), want: every(http.StatusNotFound).but(http.StatusUnauthorized, anonymous).but(allowed, "duty.manager", "scrutiny", "commissioner")},
		{route: "POST /speak-up/reports/{id}/messages", note: "a fresh report", path: onFreshReport("messages"), form: formOf("message", "Which home?"), want: every(http.StatusNotFound).but(http.StatusUnauthorized, anonymous).but(allowed, "duty.manager", "scrutiny", "commissioner")},
		{route: "POST /speak-up/reports/{id}/status", note: "a fresh report", path: onFreshReport("status"), form: formOf("status", "acted"), want: every(http.StatusNotFound).but(http.StatusUnauthorized, anonymous).but(allowed, "duty.manager", "scrutiny", "commissioner")},
		{route: "POST /speak-up/reports/{id}/identity", note: "a fresh report", path: onFreshReport("identity"), form: formOf("reason", "To take a statement"), want: every(http.StatusNotFound).but(http.StatusUnauthorized, anonymous).but(allowed, "duty.manager", "scrutiny", "commissioner")},
		{route: "POST /speak-up/reports/{id}/case", note: "a fresh report", path: onFreshReport("case"),
			form: formOf("case-name", "Route Child", "case-age", "14", "case-what", "Picked up by men in a taxi."), want: every(http.StatusNotFound).but(http.StatusUnauthorized, anonymous).but(allowed, "duty.manager", "scrutiny", "commissioner")},
		{route: "POST /speak-up/reports/{id}/reseal", note: "a fresh report everyone can read", path: onFreshReport("reseal"), want: every(http.StatusNotFound).but(http.StatusUnauthorized, anonymous).but(http.StatusConflict, "duty.manager", "scrutiny", "commissioner")},
		{route: "POST /speak-up/key/recover", note: "nobody's key is locked under an earlier password", form: func(f *fixture, p string) url.Values {
			return url.Values{"old-password": {"not the old one"}, "password": {f.password(p)}}
		}, want: every(http.StatusForbidden).but(http.StatusUnauthorized, anonymous).but(http.StatusConflict, "duty.manager", "scrutiny", "commissioner")},
		{route: "POST /speak-up/key/renew", note: "nobody's key is locked under an earlier password", form: func(f *fixture, p string) url.Values {
			return url.Values{"new-key-password": {f.password(p)}}
		}, want: every(http.StatusForbidden).but(http.StatusUnauthorized, anonymous).but(http.StatusConflict, "duty.manager", "scrutiny", "commissioner")},
		{route: "GET /speak-up/reports/{id}/files/{file}", path: func(f *fixture, _ string) string {
			return "/speak-up/reports/" + string(f.sharedReport()) + "/files/" + string(f.sharedFile()) + ".copy"
		}, want: every(http.StatusNotFound).but(toSignIn, anonymous).but(allowed, "duty.manager", "scrutiny", "commissioner")},
		{route: "GET /speak-up/custody", want: every(allowed).but(toSignIn, anonymous)},
		{route: "POST /speak-up/custody/{id}", note: "a fresh request for an identity", path: func(f *fixture, _ string) string {
			return "/speak-up/custody/" + string(f.newDisclosure())
		}, form: formOf("decision", "refuse"), want: every(http.StatusNotFound).but(http.StatusUnauthorized, anonymous).but(http.StatusForbidden, "duty.manager", "scrutiny").but(allowed, "commissioner")},
		{route: "GET /speak-up/escalations", want: every(allowed).but(toSignIn, anonymous)},
		{route: "POST /speak-up/escalations/{id}", note: "a fresh report's missed acknowledgement", path: func(f *fixture, _ string) string {
			return "/speak-up/escalations/" + string(f.newSpeakUpEscalation())
		}, form: formOf("decision", "Chased the recipients"), want: every(http.StatusNotFound).but(http.StatusUnauthorized, anonymous).but(allowed, "duty.manager", "scrutiny", "commissioner", "director")},
		{route: "GET /speak-up/register", want: every(http.StatusForbidden).but(toSignIn, anonymous).but(allowed, "scrutiny", "investigator", "commissioner")},
		{route: "GET /speak-up/register/{id}", path: func(f *fixture, _ string) string { return "/speak-up/register/" + string(f.sharedReport()) },
			want: every(http.StatusForbidden).but(toSignIn, anonymous).but(allowed, "scrutiny", "investigator", "commissioner")},
		{route: "GET /speak-up/approvals", want: every(allowed).but(toSignIn, anonymous)},
		{route: "POST /speak-up/approvals/{id}", note: "a new council manager's key", path: func(f *fixture, _ string) string {
			return "/speak-up/approvals/" + string(f.newKeyApproval())
		}, form: formOf("decision", "approve"), want: every(http.StatusNotFound).but(http.StatusUnauthorized, anonymous).but(allowed, "scrutiny", "commissioner")},

		// The API.
		{route: "/api/", note: "an address no route has", path: at("/api/v1/nothing-here"), want: every(http.StatusNotFound)},
		{route: "GET /api/v1/openapi.json", want: every(allowed)},
		{route: "POST /api/v1/concerns", json: jsonOf(`{"child": {"name": "Route Child", "age": 14}, "what_happened": "Seen with older men."}`), want: every(allowed).but(http.StatusUnauthorized, anonymous).but(http.StatusForbidden, "admin", "scrutiny", "investigator", "commissioner")},
		{route: "GET /api/v1/cases", want: every(allowed).but(http.StatusUnauthorized, anonymous)},
		{route: "GET /api/v1/cases/{id}", path: onSharedCase("/api/v1/cases/%s"), want: every(allowed).but(http.StatusUnauthorized, anonymous).but(http.StatusNotFound, "admin", "social.worker", "police.officer", "police.analyst", "health.nurse", "referrer", "scrutiny")},
		{route: "GET /api/v1/cases/{id}", note: "a guessed id", path: at("/api/v1/cases/aaaaaaaaaaaaaaaaaaaaaaaaaa"), want: every(http.StatusNotFound).but(http.StatusUnauthorized, anonymous)},
		{route: "GET /api/v1/cases/{id}/timeline", path: onSharedCase("/api/v1/cases/%s/timeline"), want: every(http.StatusNotFound).but(http.StatusUnauthorized, anonymous).but(allowed, "investigator", "commissioner")},
		{route: "GET /api/v1/people/{id}/timeline", note: "the duty manager's", path: func(f *fixture, _ string) string {
			return "/api/v1/people/" + string(f.user("duty.manager").ID) + "/timeline"
		}, want: every(http.StatusNotFound).but(http.StatusUnauthorized, anonymous).but(allowed, "investigator", "commissioner")},
		{route: "GET /api/v1/cases/{id}/child-timeline", path: onSharedCase("/api/v1/cases/%s/child-timeline"), want: every(http.StatusNotFound).but(http.StatusUnauthorized, anonymous).but(allowed, "investigator", "commissioner")},
		{route: "GET /api/v1/timeline", path: at("/api/v1/timeline?from=2020-01-01&to=2020-01-31"), want: every(http.StatusNotFound).but(http.StatusUnauthorized, anonymous).but(allowed, "investigator", "commissioner")},
		{route: "GET /api/v1/people/{id}/conflicts", note: "social.worker2's", path: func(f *fixture, _ string) string {
			return "/api/v1/people/" + string(f.user("social.worker2").ID) + "/conflicts"
		}, want: every(http.StatusNotFound).but(http.StatusUnauthorized, anonymous).but(allowed, "social.worker2", "admin", "director", "service.manager", "duty.manager", "team.manager", "investigator", "commissioner")},
		{route: "POST /api/v1/people/{id}/conflicts", note: "social.worker2's", path: func(f *fixture, _ string) string {
			return "/api/v1/people/" + string(f.user("social.worker2").ID) + "/conflicts"
		}, json: jsonOf(`{"kind": "person", "value": "Zebedee Quixote Routeperson", "reason": "Neighbour"}`),
			want: every(http.StatusForbidden).but(http.StatusUnauthorized, anonymous).but(allowed, "social.worker2", "admin", "director", "service.manager", "duty.manager", "team.manager")},
		{route: "POST /api/v1/cases/{id}/decisions", path: onFreshCase("/api/v1/cases/%s/decisions"),
			json: jsonOf(`{"kind": "referral", "outcome": "section47", "reason": "Risk of exploitation"}`), want: every(http.StatusNotFound).but(http.StatusUnauthorized, anonymous).but(allowed, "director", "service.manager", "duty.manager", "team.manager", "social.worker2").but(http.StatusForbidden, "school.dsl", "investigator", "commissioner")},
		{route: "POST /api/v1/cases/{id}/transfers", path: onFreshCase("/api/v1/cases/%s/transfers"), json: func(f *fixture, _ string) string {
			return `{"to": "` + string(f.user("social.worker2").ID) + `", "reason": "Allocated"}`
		}, want: every(http.StatusNotFound).but(http.StatusUnauthorized, anonymous).but(allowed, "director", "service.manager", "duty.manager", "team.manager").but(http.StatusForbidden, "social.worker2", "school.dsl", "investigator", "commissioner")},
		{route: "POST /api/v1/cases/{id}/missing", path: onFreshCase("/api/v1/cases/%s/missing"), json: func(*fixture, string) string {
			return `{"missing_from": "` + rfc3339(vigil.Now().Add(-time.Hour)) + `", "details": "Not home by curfew"}`
		}, want: every(http.StatusNotFound).but(http.StatusUnauthorized, anonymous).but(allowed, "director", "service.manager", "duty.manager", "team.manager", "social.worker2").but(http.StatusForbidden, "school.dsl", "investigator", "commissioner")},
		{route: "POST /api/v1/cases/{id}/screenings", path: onFreshCase("/api/v1/cases/%s/screenings"),
			json: jsonOf(`{"scores": {"taxis": "high"}, "notes": "Taxi every evening"}`), want: every(http.StatusNotFound).but(http.StatusUnauthorized, anonymous).but(allowed, "director", "service.manager", "duty.manager", "team.manager", "social.worker2", "school.dsl").but(http.StatusForbidden, "investigator", "commissioner")},
		{route: "POST /api/v1/cases/{id}/referrals", path: onFreshCase("/api/v1/cases/%s/referrals"), json: func(f *fixture, _ string) string {
			return `{"agency_id": "` + string(f.agency(vigil.AgencyPolice)) + `", "reason": "Check the car"}`
		}, want: every(http.StatusNotFound).but(http.StatusUnauthorized, anonymous).but(allowed, "director", "service.manager", "duty.manager", "team.manager", "social.worker2", "school.dsl").but(http.StatusForbidden, "investigator", "commissioner")},
		{route: "POST /api/v1/cases/{id}/shares", path: onFreshCase("/api/v1/cases/%s/shares"), json: func(f *fixture, _ string) string {
			return `{"agency_id": "` + string(f.agency(vigil.AgencyHealth)) + `", "share": false, "reason": "Not needed yet"}`
		}, want: every(http.StatusNotFound).but(http.StatusUnauthorized, anonymous).but(allowed, "director", "service.manager", "duty.manager", "team.manager", "social.worker2", "school.dsl").but(http.StatusForbidden, "investigator", "commissioner")},
		{route: "POST /api/v1/cases/{id}/mentions", path: onFreshCase("/api/v1/cases/%s/mentions"),
			json: jsonOf(`{"mentions": [{"kind": "vehicle", "plate": "AB12 CDE", "colour": "black"}]}`), want: every(http.StatusNotFound).but(http.StatusUnauthorized, anonymous).but(allowed, "director", "service.manager", "duty.manager", "team.manager", "social.worker2", "school.dsl").but(http.StatusForbidden, "investigator", "commissioner")},
		{route: "POST /api/v1/cases/{id}/demographics", path: onFreshCase("/api/v1/cases/%s/demographics"),
			json: jsonOf(`{"subject": "child", "ethnicity": "white_british", "nationality": "GB"}`), want: every(http.StatusNotFound).but(http.StatusUnauthorized, anonymous).but(allowed, "director", "service.manager", "duty.manager", "team.manager", "social.worker2", "school.dsl").but(http.StatusForbidden, "investigator", "commissioner")},
		{route: "GET /api/v1/links/review", want: every(http.StatusForbidden).but(http.StatusUnauthorized, anonymous).but(allowed, "police.analyst")},
		{route: "POST /api/v1/links/{id}/decision", note: "a fresh link", path: func(f *fixture, _ string) string {
			_, l := f.newLink()
			return "/api/v1/links/" + string(l) + "/decision"
		}, json: jsonOf(`{"confirm": false, "note": "Different cars"}`), want: every(http.StatusForbidden).but(http.StatusUnauthorized, anonymous).but(allowed, "police.analyst")},
		{route: "GET /api/v1/entities/{id}", path: func(f *fixture, _ string) string { return "/api/v1/entities/" + string(f.entity()) },
			want: every(http.StatusForbidden).but(http.StatusUnauthorized, anonymous).but(allowed, "police.analyst", "investigator")},
		{route: "GET /api/v1/entities/{id}/network", path: func(f *fixture, _ string) string {
			return "/api/v1/entities/" + string(f.entity()) + "/network"
		}, want: every(http.StatusForbidden).but(http.StatusUnauthorized, anonymous).but(allowed, "police.analyst", "investigator")},
		{route: "GET /api/v1/hotspots", want: every(http.StatusForbidden).but(http.StatusUnauthorized, anonymous).but(allowed, "police.analyst", "investigator")},
		{route: "GET /api/v1/transfers", path: at("/api/v1/transfers?to=me"), want: every(allowed).but(http.StatusUnauthorized, anonymous)},
		{route: "POST /api/v1/transfers/{id}/accept", note: "a fresh offer to social.worker2", path: func(f *fixture, _ string) string {
			_, tr := f.newTransfer()
			return "/api/v1/transfers/" + string(tr.ID) + "/accept"
		}, json: jsonOf(`{}`), want: every(http.StatusNotFound).but(http.StatusUnauthorized, anonymous).but(allowed, "social.worker2")},
		{route: "POST /api/v1/transfers/{id}/refuse", note: "a fresh offer to social.worker2", path: func(f *fixture, _ string) string {
			_, tr := f.newTransfer()
			return "/api/v1/transfers/" + string(tr.ID) + "/refuse"
		}, json: jsonOf(`{"reason": "Caseload full"}`), want: every(http.StatusNotFound).but(http.StatusUnauthorized, anonymous).but(allowed, "social.worker2")},
		{route: "POST /api/v1/transfers/{id}/withdraw", note: "a fresh offer to social.worker2", path: func(f *fixture, _ string) string {
			_, tr := f.newTransfer()
			return "/api/v1/transfers/" + string(tr.ID) + "/withdraw"
		}, json: jsonOf(`{"reason": "Allocated elsewhere"}`), want: every(http.StatusNotFound).but(http.StatusUnauthorized, anonymous).but(allowed, "director", "service.manager", "duty.manager", "team.manager").but(http.StatusForbidden, "social.worker2", "school.dsl", "investigator", "commissioner")},
		{route: "POST /api/v1/missing/{id}/return", note: "a fresh episode", path: func(f *fixture, _ string) string {
			_, ep := f.newEpisode()
			return "/api/v1/missing/" + string(ep.ID) + "/return"
		}, json: func(*fixture, string) string {
			return `{"returned_at": "` + rfc3339(vigil.Now().Add(-time.Minute)) + `"}`
		}, want: every(http.StatusNotFound).but(http.StatusUnauthorized, anonymous).but(allowed, "director", "service.manager", "duty.manager", "team.manager", "social.worker2").but(http.StatusForbidden, "school.dsl", "investigator", "commissioner")},
		{route: "POST /api/v1/referrals/{id}/acknowledge", note: "a fresh referral to the police", path: func(f *fixture, _ string) string {
			_, ref := f.newReferral()
			return "/api/v1/referrals/" + string(ref.ID) + "/acknowledge"
		}, json: jsonOf(`{}`), want: every(http.StatusNotFound).but(http.StatusUnauthorized, anonymous).but(allowed, "police.officer").but(http.StatusForbidden, "police.analyst")},
		{route: "GET /api/v1/escalations", want: every(allowed).but(http.StatusUnauthorized, anonymous)},
		{route: "POST /api/v1/escalations/{id}/resolve", note: "a fresh escalation", path: func(f *fixture, _ string) string {
			_, esc := f.newEscalation()
			return "/api/v1/escalations/" + string(esc) + "/resolve"
		}, json: jsonOf(`{"decision": "Allocated today"}`), want: every(http.StatusForbidden).but(http.StatusUnauthorized, anonymous).but(allowed, "director", "service.manager", "duty.manager", "team.manager", "scrutiny", "commissioner")},
		{route: "GET /api/v1/oversight/dashboards/{topic}", path: at("/api/v1/oversight/dashboards/timeliness?period=12m"), want: every(http.StatusForbidden).but(http.StatusUnauthorized, anonymous).but(allowed, "director", "service.manager", "duty.manager", "team.manager", "scrutiny", "investigator", "commissioner")},
		{route: "GET /api/v1/oversight/figures", path: at("/api/v1/oversight/figures?topic=timeliness&table=clocks&row=decision&period=12m"), want: every(http.StatusForbidden).but(http.StatusUnauthorized, anonymous).but(allowed, "director", "service.manager", "duty.manager", "team.manager", "scrutiny", "investigator", "commissioner")},
		{route: "GET /api/v1/oversight/core-data-set", path: at("/api/v1/oversight/core-data-set?period=12m"), want: every(http.StatusForbidden).but(http.StatusUnauthorized, anonymous).but(allowed, "director", "service.manager", "duty.manager", "team.manager", "investigator", "commissioner")},
		{route: "GET /api/v1/releases", want: every(allowed).but(http.StatusUnauthorized, anonymous)},
		{route: "POST /api/v1/releases", json: func(_ *fixture, p string) string { return `{"period": "` + monthFor(p, len(principals)) + `"}` }, want: every(http.StatusForbidden).but(http.StatusUnauthorized, anonymous).but(allowed, "director", "scrutiny", "commissioner")},
		{route: "GET /api/v1/releases/{id}", path: func(f *fixture, _ string) string { return "/api/v1/releases/" + string(f.release().ID) }, want: every(allowed).but(http.StatusUnauthorized, anonymous)},
		{route: "GET /api/v1/action-plans", want: every(allowed).but(http.StatusUnauthorized, anonymous)},
		{route: "GET /api/v1/action-plans/{id}", path: func(f *fixture, _ string) string { return "/api/v1/action-plans/" + string(f.plan.ID) }, want: every(allowed).but(http.StatusUnauthorized, anonymous)},
		// The speak-up channel's API: the reporter's routes are anonymous
		// and refuse a token (400), so that nothing ties a report to an
		// account; the inbox is for enrolled recipients (403 for everyone
		// else, administrators included).
		{route: "GET /api/v1/speak-up/organisations", want: every(http.StatusBadRequest).but(allowed, anonymous)},
		{route: "POST /api/v1/speak-up/reports", json: jsonOf(`{"channel": "child", "what": "A girl is picked up by men in a taxi."}`), want: every(http.StatusBadRequest).but(allowed, anonymous)},
		{route: "POST /api/v1/speak-up/status", note: "a fresh report's receipt", json: func(f *fixture, _ string) string {
			return `{"receipt": "` + f.speakUpReceipt() + `"}`
		}, want: every(http.StatusBadRequest).but(allowed, anonymous)},
		{route: "POST /api/v1/speak-up/replies", note: "a fresh report's receipt", json: func(f *fixture, _ string) string {
			return `{"receipt": "` + f.speakUpReceipt() + `", "message": "He was there again."}`
		}, want: every(http.StatusBadRequest).but(allowed, anonymous)},
		{route: "GET /api/v1/speak-up/inbox", want: every(http.StatusForbidden).but(http.StatusUnauthorized, anonymous).but(allowed, "duty.manager", "scrutiny", "commissioner")},

		// Last: rows that end something of the principal's own.
		// Enrolling makes a recipient of children's reports: only those who
		// answer for safeguarding, and independent oversight (already
		// enrolled: 409); police, schools and health have no route here.
		{route: "POST /speak-up/key", note: "after every other speak-up row: enrolling makes a recipient", form: func(f *fixture, p string) url.Values {
			return url.Values{"password": {f.password(p)}}
		}, want: every(http.StatusForbidden).but(http.StatusUnauthorized, anonymous).but(allowed, "director", "service.manager", "team.manager").but(http.StatusConflict, "duty.manager", "scrutiny", "commissioner")},
		{route: "POST /speak-up/lock", want: every(allowed).but(http.StatusUnauthorized, anonymous)},
		{route: "POST /signout", note: "the second browser", spare: true, want: every(allowed)},
		{route: "POST /account/password", form: func(f *fixture, p string) url.Values {
			pw := synth.Password()
			cur := ""
			if l := f.town.Login(p); l != nil {
				cur = l.Password
			}
			return url.Values{"current-password": {cur}, "new-password": {pw}, "confirm-password": {pw}}
		}, want: every(allowed).but(http.StatusUnauthorized, anonymous)},
	}
}
