package web

import (
	"context"
	"net/http"
	"strings"

	"github.com/vigil-project/vigil"
)

// This file holds the pages of a person's own account and of the
// administration of agencies' people (issue 5, parts 4 and 6):
// administrators add people, suspend them, record that they left,
// reinstate them, revoke their API tokens and reset their password or
// authenticator, always with a reason. While commissioners have taken
// over an agency's administration, its administrators' forms become
// requests that a commissioner approves or refuses, with a reason, on the
// agency's page.

// adminRoutes lists the routes of sign-in security (the second step and
// OpenID Connect), of a person's own account, and of administration.
func (s *Server) adminRoutes(mux *http.ServeMux) {
	mux.HandleFunc("GET /signin/code", s.codeForm)
	mux.HandleFunc("POST /signin/code", s.completeSignIn)
	mux.HandleFunc("GET /signin/enrol", s.enrolForm)
	mux.HandleFunc("POST /signin/enrol", s.completeSignIn)
	mux.HandleFunc("GET /signin/oidc", s.oidcStart)
	mux.HandleFunc("GET /signin/oidc/callback", s.oidcCallback)

	mux.HandleFunc("GET /account", s.staff(s.account))
	mux.HandleFunc("POST /account/password", s.staff(s.changePassword))
	mux.HandleFunc("POST /account/tokens/{id}/revoke", s.staff(s.revokeOwnToken))

	mux.HandleFunc("GET /admin", s.staff(s.adminHome))
	mux.HandleFunc("POST /admin/interventions", s.staff(s.startIntervention))
	mux.HandleFunc("POST /admin/interventions/{id}/end", s.staff(s.endIntervention))
	mux.HandleFunc("GET /admin/agencies/{id}", s.staff(s.adminAgency))
	mux.HandleFunc("GET /admin/agencies/{id}/people/new", s.staff(s.newPersonForm))
	mux.HandleFunc("POST /admin/agencies/{id}/people", s.staff(s.addPerson))
	mux.HandleFunc("GET /admin/people/{id}", s.staff(s.adminPerson))
	mux.HandleFunc("POST /admin/people/{id}/status", s.staff(s.administerPerson(vigil.AdminSetStatus)))
	mux.HandleFunc("POST /admin/people/{id}/tokens", s.staff(s.administerPerson(vigil.AdminRevokeTokens)))
	mux.HandleFunc("POST /admin/people/{id}/password", s.staff(s.administerPerson(vigil.AdminResetPassword)))
	mux.HandleFunc("POST /admin/people/{id}/authenticator", s.staff(s.administerPerson(vigil.AdminResetTOTP)))
	mux.HandleFunc("POST /admin/requests/{id}", s.staff(s.decideRequest))
}

func init() {
	for k, v := range map[string]string{
		"password-changed":     "Password changed. You have been signed out everywhere else.",
		"token-revoked":        "API token revoked. It will be refused from its next use.",
		"status-changed":       "Status changed and recorded with your reason.",
		"tokens-revoked":       "API tokens revoked. Each will be refused from its next use.",
		"authenticator-reset":  "Authenticator reset. The person will set up a new one when they next sign in, and has been signed out everywhere.",
		"request-made":         "Request sent to the commissioners. Nothing changes until one of them approves it.",
		"request-approved":     "Request approved. The change has been made.",
		"request-refused":      "Request refused. Nothing has changed.",
		"intervention-started": "Intervention started. The agency's administrators now act only with a commissioner's approval.",
		"intervention-ended":   "Intervention ended. Requests still waiting have lapsed, and the agency's administrators act on their own again.",
	} {
		notices[k] = v
	}
	funcs["adminActionLabel"] = func(a vigil.AdminAction) string { return vigil.AdminActionLabels[a] }
	funcs["statusLabel"] = func(st vigil.UserStatus) string { return statusLabels[st] }
}

var statusLabels = map[vigil.UserStatus]string{vigil.UserActive: "Active", vigil.UserSuspended: "Suspended", vigil.UserLeft: "Left"}

// The account page.

type accountPage struct {
	Agency string
	Tokens []*vigil.APIToken
}

func (s *Server) account(w http.ResponseWriter, r *http.Request, u *vigil.User) {
	s.renderAccount(w, r, u, http.StatusOK, &Page{Notice: noticeOf(r)})
}

func (s *Server) renderAccount(w http.ResponseWriter, r *http.Request, u *vigil.User, status int, p *Page) {
	tokens, err := s.auth.svc.APITokens(r.Context(), vigil.UserActor(u), u.ID)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	names, err := s.directoryNames(r.Context())
	if err != nil {
		s.fail(w, r, err)
		return
	}
	p.Title, p.Nav = "Your account", "account"
	p.Data = accountPage{Agency: names.agencies[u.AgencyID], Tokens: tokens}
	s.render(w, r, status, "account", p)
}

func (s *Server) changePassword(w http.ResponseWriter, r *http.Request, u *vigil.User) {
	form, ok := s.postedForm(w, r, "current-password", "new-password", "confirm-password")
	if !ok {
		return
	}
	var v vigil.Validation
	if form["current-password"] == "" {
		v.Add("current-password", "Enter your current password")
	}
	if form["new-password"] == "" {
		v.Add("new-password", "Enter a new password")
	} else if form["new-password"] != form["confirm-password"] {
		v.Add("confirm-password", "The two new passwords are not the same: type the new password twice")
	}
	if err := v.Err(); err != nil {
		s.renderAccount(w, r, u, http.StatusUnprocessableEntity, &Page{Errors: vigil.ErrorFields(err)})
		return
	}
	// Guessing the password of a session left open is throttled like signing in.
	account, addr := accountKey(u.Username), clientAddr(r)
	if wait, _ := s.auth.throttle.check(account, addr, true); wait > 0 {
		s.logger.Warn("password change throttled", "user_id", string(u.ID), "address", addr)
		w.Header().Set("Retry-After", "900")
		s.renderAccount(w, r, u, http.StatusTooManyRequests, &Page{Errors: []vigil.FieldError{{Field: "current-password",
			Message: "There have been too many wrong passwords. Wait 15 minutes, then try again."}}})
		return
	}
	token, err := s.auth.svc.ChangePassword(r.Context(), vigil.UserActor(u), form["current-password"], form["new-password"])
	switch vigil.ErrorCode(err) {
	case "":
	case vigil.EUNAUTHORIZED, vigil.EINVALID:
		if vigil.ErrorCode(err) == vigil.EUNAUTHORIZED {
			s.auth.throttle.fail(account, addr)
		}
		s.renderAccount(w, r, u, vigil.ErrorStatus(vigil.ErrorCode(err)), &Page{Errors: inputErrorsOf(err, nil, "new-password")})
		return
	default:
		s.fail(w, r, err)
		return
	}
	s.setSession(w, token)
	http.Redirect(w, r, "/account?notice=password-changed", http.StatusSeeOther)
}

func (s *Server) revokeOwnToken(w http.ResponseWriter, r *http.Request, u *vigil.User) {
	if err := s.auth.svc.RevokeAPIToken(r.Context(), vigil.UserActor(u), vigil.ID(r.PathValue("id"))); err != nil {
		s.fail(w, r, err)
		return
	}
	http.Redirect(w, r, "/account?notice=token-revoked", http.StatusSeeOther)
}

// Names of agencies, teams and people, for pages that show ids.

type directoryNames struct {
	agencies map[vigil.ID]string
	agency   map[vigil.ID]*vigil.Agency
}

func (s *Server) directoryNames(ctx context.Context) (*directoryNames, error) {
	agencies, err := s.svc.Agencies(ctx)
	if err != nil {
		return nil, err
	}
	n := &directoryNames{agencies: map[vigil.ID]string{}, agency: map[vigil.ID]*vigil.Agency{}}
	for _, a := range agencies {
		n.agencies[a.ID], n.agency[a.ID] = a.Name, a
	}
	return n, nil
}

// mayAdminister reports whether u may see the administration of agency:
// its administrators, and commissioners (who act only during an intervention).
func mayAdminister(u *vigil.User, agency vigil.ID) bool {
	return vigil.Can(u, vigil.ActUserAdmin, vigil.Target{Agency: agency})
}

// interventionAt returns the intervention in force at an agency, or nil.
func (s *Server) interventionAt(ctx context.Context, agency vigil.ID) (*vigil.Intervention, []*vigil.Intervention, error) {
	all, err := s.auth.svc.Interventions(ctx)
	if err != nil {
		return nil, nil, err
	}
	for _, in := range all {
		if in.AgencyID == agency && in.Active() {
			return in, all, nil
		}
	}
	return nil, all, nil
}

// adminMode says what the viewer of an agency's administration may do.
type adminMode struct {
	Acts    bool // may change things, at once or by asking
	Asks    bool // changes become requests for a commissioner
	Decides bool // a commissioner during an intervention: acts at once and decides requests
}

func modeOf(u *vigil.User, in *vigil.Intervention) adminMode {
	switch {
	case u.Role == vigil.RoleCommissioner:
		return adminMode{Acts: in != nil, Decides: in != nil}
	case in != nil:
		return adminMode{Acts: true, Asks: true}
	}
	return adminMode{Acts: true}
}

// The administration home page.

type adminHomePage struct {
	Agencies      []agencyRow
	Interventions []*vigil.Intervention
	Choices       []option // agencies one may intervene in
}

type agencyRow struct {
	*vigil.Agency
	Intervention *vigil.Intervention
}

func (s *Server) adminHome(w http.ResponseWriter, r *http.Request, u *vigil.User) {
	switch u.Role {
	case vigil.RoleAdministrator:
		http.Redirect(w, r, "/admin/agencies/"+string(u.AgencyID), http.StatusSeeOther)
	case vigil.RoleCommissioner:
		s.renderAdminHome(w, r, u, http.StatusOK, &Page{Notice: noticeOf(r)})
	default:
		s.fail(w, r, vigil.Errorf(vigil.EFORBIDDEN, "Only administrators and commissioners administer people's accounts."))
	}
}

func (s *Server) renderAdminHome(w http.ResponseWriter, r *http.Request, u *vigil.User, status int, p *Page) {
	agencies, err := s.svc.Agencies(r.Context())
	if err != nil {
		s.fail(w, r, err)
		return
	}
	_, all, err := s.interventionAt(r.Context(), "")
	if err != nil {
		s.fail(w, r, err)
		return
	}
	d := adminHomePage{Interventions: all}
	for _, a := range agencies {
		row := agencyRow{Agency: a}
		for _, in := range all {
			if in.AgencyID == a.ID && in.Active() {
				row.Intervention = in
			}
		}
		d.Agencies = append(d.Agencies, row)
		if a.ID != u.AgencyID && row.Intervention == nil {
			d.Choices = append(d.Choices, option{Value: string(a.ID), Label: a.Name})
		}
	}
	p.Title, p.Nav, p.Data = "Administration", "admin", d
	s.render(w, r, status, "admin_home", p)
}

func (s *Server) startIntervention(w http.ResponseWriter, r *http.Request, u *vigil.User) {
	form, ok := s.postedForm(w, r, "agency", "reason")
	if !ok {
		return
	}
	in, err := s.auth.svc.StartIntervention(r.Context(), vigil.UserActor(u), vigil.ID(form["agency"]), form["reason"])
	if formProblem(err) {
		s.renderAdminHome(w, r, u, vigil.ErrorStatus(vigil.ErrorCode(err)), &Page{Form: form,
			Errors: inputErrorsOf(err, map[string]string{"agency": "agency", "reason": "reason"}, "agency")})
		return
	} else if err != nil {
		s.fail(w, r, err)
		return
	}
	http.Redirect(w, r, "/admin/agencies/"+string(in.AgencyID)+"?notice=intervention-started", http.StatusSeeOther)
}

func (s *Server) endIntervention(w http.ResponseWriter, r *http.Request, u *vigil.User) {
	id := vigil.ID(r.PathValue("id"))
	form, ok := s.postedForm(w, r, "end-reason")
	if !ok {
		return
	}
	_, all, err := s.interventionAt(r.Context(), "")
	if err != nil {
		s.fail(w, r, err)
		return
	}
	var in *vigil.Intervention
	for _, x := range all {
		if x.ID == id {
			in = x
		}
	}
	if in == nil {
		s.fail(w, r, vigil.Errorf(vigil.ENOTFOUND, "There is no such intervention."))
		return
	}
	err = s.auth.svc.EndIntervention(r.Context(), vigil.UserActor(u), id, form["end-reason"])
	if formProblem(err) {
		s.renderAgency(w, r, u, in.AgencyID, vigil.ErrorStatus(vigil.ErrorCode(err)), &Page{Form: form,
			Errors: inputErrorsOf(err, map[string]string{"reason": "end-reason"}, "end-reason")})
		return
	} else if err != nil {
		s.fail(w, r, err)
		return
	}
	http.Redirect(w, r, "/admin/agencies/"+string(in.AgencyID)+"?notice=intervention-ended", http.StatusSeeOther)
}

// An agency's administration page.

type adminAgencyPage struct {
	Agency       *vigil.Agency
	Intervention *vigil.Intervention
	Mode         adminMode
	People       []personRow
	Pending      []*vigil.AdminRecord
	History      []*vigil.AdminRecord
}

type personRow struct {
	*vigil.User
	Team    string
	Manager string
}

func (s *Server) adminAgency(w http.ResponseWriter, r *http.Request, u *vigil.User) {
	s.renderAgency(w, r, u, vigil.ID(r.PathValue("id")), http.StatusOK, &Page{Notice: noticeOf(r)})
}

func (s *Server) renderAgency(w http.ResponseWriter, r *http.Request, u *vigil.User, id vigil.ID, status int, p *Page) {
	ctx, actor := r.Context(), vigil.UserActor(u)
	names, err := s.directoryNames(ctx)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	agency := names.agency[id]
	if !id.Valid() || agency == nil || !mayAdminister(u, id) {
		s.fail(w, r, vigil.Errorf(vigil.ENOTFOUND, "There is no agency at this address that you administer."))
		return
	}
	people, err := s.auth.svc.AgencyPeople(ctx, actor, id)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	teams, err := s.auth.svc.AgencyTeams(ctx, actor, id)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	history, err := s.auth.svc.AdminHistory(ctx, actor, id, 100)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	in, _, err := s.interventionAt(ctx, id)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	d := adminAgencyPage{Agency: agency, Intervention: in, Mode: modeOf(u, in)}
	rows := personRows(people, teams)
	d.People = rows
	for _, h := range history {
		if h.Status == vigil.AdminPending {
			d.Pending = append(d.Pending, h)
		} else {
			d.History = append(d.History, h)
		}
	}
	p.Title, p.Nav, p.Data = "Administration: "+agency.Name, "admin", d
	s.render(w, r, status, "admin_agency", p)
}

func personRows(people []*vigil.User, teams []*vigil.Team) []personRow {
	teamNames := map[vigil.ID]string{}
	for _, t := range teams {
		teamNames[t.ID] = t.Name
	}
	byID := map[vigil.ID]string{}
	for _, p := range people {
		byID[p.ID] = p.Name
	}
	var rows []personRow
	for _, p := range people {
		rows = append(rows, personRow{User: p, Team: teamNames[p.TeamID], Manager: byID[p.ManagerID]})
	}
	return rows
}

func (s *Server) decideRequest(w http.ResponseWriter, r *http.Request, u *vigil.User) {
	id := vigil.ID(r.PathValue("id"))
	reasonField := "reason-" + string(id)
	form, ok := s.postedForm(w, r, "decision", "agency", reasonField)
	if !ok {
		return
	}
	decision := form["decision"]
	if decision != "approve" && decision != "refuse" {
		s.fail(w, r, vigil.Errorf(vigil.EINVALID, "Choose to approve or refuse the request. Go back and try again."))
		return
	}
	out, err := s.auth.svc.DecideAdminRequest(r.Context(), vigil.UserActor(u), id, decision == "approve", form[reasonField])
	if formProblem(err) && vigil.ID(form["agency"]).Valid() {
		// The page is shown again with the problem beside the request's form.
		s.renderAgency(w, r, u, vigil.ID(form["agency"]), vigil.ErrorStatus(vigil.ErrorCode(err)), &Page{Form: form,
			Errors: []vigil.FieldError{{Field: reasonField, Message: vigil.ErrorMessage(err)}}})
		return
	} else if err != nil {
		s.fail(w, r, err)
		return
	}
	http.Redirect(w, r, "/admin/agencies/"+string(out.Record.AgencyID)+"?notice=request-"+map[bool]string{true: "approved", false: "refused"}[decision == "approve"],
		http.StatusSeeOther)
}

// Adding a person.

type newPersonPage struct {
	Agency   *vigil.Agency
	Mode     adminMode
	Roles    []option
	Teams    []option
	Managers []option
}

func (s *Server) newPersonForm(w http.ResponseWriter, r *http.Request, u *vigil.User) {
	s.renderNewPerson(w, r, u, vigil.ID(r.PathValue("id")), http.StatusOK, &Page{Form: Form{}})
}

func (s *Server) renderNewPerson(w http.ResponseWriter, r *http.Request, u *vigil.User, id vigil.ID, status int, p *Page) {
	ctx, actor := r.Context(), vigil.UserActor(u)
	names, err := s.directoryNames(ctx)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	agency := names.agency[id]
	if !id.Valid() || agency == nil || !mayAdminister(u, id) {
		s.fail(w, r, vigil.Errorf(vigil.ENOTFOUND, "There is no agency at this address that you administer."))
		return
	}
	in, _, err := s.interventionAt(ctx, id)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	mode := modeOf(u, in)
	if !mode.Acts {
		s.fail(w, r, vigil.Errorf(vigil.EFORBIDDEN, "Commissioners administer an agency's people only while it is under intervention."))
		return
	}
	people, err := s.auth.svc.AgencyPeople(ctx, actor, id)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	teams, err := s.auth.svc.AgencyTeams(ctx, actor, id)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	d := newPersonPage{Agency: agency, Mode: mode}
	for _, role := range vigil.Roles {
		if role == vigil.RoleCommissioner && agency.Kind != vigil.AgencyIndependent {
			continue
		}
		d.Roles = append(d.Roles, option{Value: string(role), Label: roleLabels[role]})
	}
	for _, t := range teams {
		d.Teams = append(d.Teams, option{Value: string(t.ID), Label: t.Name})
	}
	for _, m := range people {
		if m.Status == vigil.UserActive {
			d.Managers = append(d.Managers, option{Value: string(m.ID), Label: m.Name + " (" + roleLabels[m.Role] + ")"})
		}
	}
	p.Title, p.Nav, p.Data = "Add a person", "admin", d
	s.render(w, r, status, "admin_new_person", p)
}

// passwordPage shows a one-time password, once.
type passwordPage struct {
	Name     string
	Username string
	Password string
	Pending  bool
	Back     string
}

func (s *Server) addPerson(w http.ResponseWriter, r *http.Request, u *vigil.User) {
	id := vigil.ID(r.PathValue("id"))
	form, ok := s.postedForm(w, r, "name", "username", "role", "team", "manager", "reason")
	if !ok {
		return
	}
	out, err := s.auth.svc.Administer(r.Context(), vigil.UserActor(u), vigil.AdminChange{
		Action: vigil.AdminCreateUser, AgencyID: id, Reason: form["reason"],
		NewUser: vigil.NewUser{Name: form["name"], Username: form["username"], Role: vigil.Role(form["role"]),
			TeamID: vigil.ID(form["team"]), ManagerID: vigil.ID(form["manager"])},
	})
	if formProblem(err) {
		s.renderNewPerson(w, r, u, id, vigil.ErrorStatus(vigil.ErrorCode(err)), &Page{Form: form,
			Errors: inputErrorsOf(err, map[string]string{"name": "name", "username": "username", "role": "role",
				"team_id": "team", "manager_id": "manager", "reason": "reason"}, "name")})
		return
	} else if err != nil {
		s.fail(w, r, err)
		return
	}
	// The password is shown in the answer to the post, never in a URL or
	// a page that can be fetched again.
	s.render(w, r, http.StatusOK, "admin_password", &Page{Title: "One-time password", Nav: "admin", Data: passwordPage{
		Name: strings.TrimSpace(form["name"]), Username: strings.ToLower(strings.TrimSpace(form["username"])), Password: out.Password,
		Pending: out.Record.Status == vigil.AdminPending, Back: "/admin/agencies/" + string(id)}})
}

// A person's administration page.

type adminPersonPage struct {
	Person   *vigil.User
	Agency   string
	Team     string
	Manager  string
	Mode     adminMode
	Self     bool
	Tokens   []*vigil.APIToken
	Live     int // tokens not revoked
	Statuses []choice
}

func (s *Server) adminPerson(w http.ResponseWriter, r *http.Request, u *vigil.User) {
	s.renderPerson(w, r, u, vigil.ID(r.PathValue("id")), http.StatusOK, &Page{Notice: noticeOf(r), Form: Form{}})
}

func (s *Server) renderPerson(w http.ResponseWriter, r *http.Request, u *vigil.User, id vigil.ID, status int, p *Page) {
	ctx := r.Context()
	notFound := vigil.Errorf(vigil.ENOTFOUND, "There is no person at this address whom you administer.")
	if !id.Valid() {
		s.fail(w, r, notFound)
		return
	}
	person, err := s.svc.FindUser(ctx, id)
	if vigil.ErrorCode(err) == vigil.ENOTFOUND || err == nil && !mayAdminister(u, person.AgencyID) {
		s.fail(w, r, notFound)
		return
	} else if err != nil {
		s.fail(w, r, err)
		return
	}
	tokens, err := s.auth.svc.APITokens(ctx, vigil.UserActor(u), id)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	names, err := s.directoryNames(ctx)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	teams, err := s.auth.svc.AgencyTeams(ctx, vigil.UserActor(u), person.AgencyID)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	in, _, err := s.interventionAt(ctx, person.AgencyID)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	d := adminPersonPage{Person: person, Agency: names.agencies[person.AgencyID], Mode: modeOf(u, in), Self: person.ID == u.ID, Tokens: tokens}
	for _, t := range teams {
		if t.ID == person.TeamID {
			d.Team = t.Name
		}
	}
	if person.ManagerID != "" {
		if m, err := s.svc.FindUser(ctx, person.ManagerID); err == nil {
			d.Manager = m.Name
		}
	}
	for _, t := range tokens {
		if t.RevokedAt == nil {
			d.Live++
		}
	}
	for _, st := range []vigil.UserStatus{vigil.UserActive, vigil.UserSuspended, vigil.UserLeft} {
		if st != person.Status {
			hint := map[vigil.UserStatus]string{
				vigil.UserActive:    "They can sign in again. Their old API tokens stay revoked.",
				vigil.UserSuspended: "Pending an investigation. They are signed out at once, their API tokens are revoked and their open cases pass to their manager.",
				vigil.UserLeft:      "They no longer work here. As for a suspension, access ends and their cases pass to their manager.",
			}[st]
			d.Statuses = append(d.Statuses, choice{Value: string(st), Label: statusLabels[st], Hint: hint})
		}
	}
	p.Title, p.Nav, p.Data = person.Name, "admin", d
	s.render(w, r, status, "admin_person", p)
}

// personForms names each person form's reason input, and the notice of a change made at once.
var personForms = map[vigil.AdminAction]struct{ prefix, notice string }{
	vigil.AdminSetStatus:     {"status", "status-changed"},
	vigil.AdminRevokeTokens:  {"tokens", "tokens-revoked"},
	vigil.AdminResetPassword: {"password", ""},
	vigil.AdminResetTOTP:     {"authenticator", "authenticator-reset"},
}

func (s *Server) administerPerson(action vigil.AdminAction) func(http.ResponseWriter, *http.Request, *vigil.User) {
	return func(w http.ResponseWriter, r *http.Request, u *vigil.User) {
		id := vigil.ID(r.PathValue("id"))
		pf := personForms[action]
		reasonField := pf.prefix + "-reason"
		form, ok := s.postedForm(w, r, "status", reasonField)
		if !ok {
			return
		}
		if !id.Valid() {
			s.fail(w, r, vigil.Errorf(vigil.ENOTFOUND, "There is no person at this address whom you administer."))
			return
		}
		c := vigil.AdminChange{Action: action, UserID: id, Reason: form[reasonField]}
		if action == vigil.AdminSetStatus {
			c.Status = vigil.UserStatus(form["status"])
		}
		out, err := s.auth.svc.Administer(r.Context(), vigil.UserActor(u), c)
		if formProblem(err) {
			s.renderPerson(w, r, u, id, vigil.ErrorStatus(vigil.ErrorCode(err)), &Page{Form: form,
				Errors: inputErrorsOf(err, map[string]string{"reason": reasonField, "status": "status"}, reasonField)})
			return
		} else if err != nil {
			s.fail(w, r, err)
			return
		}
		pending := out.Record.Status == vigil.AdminPending
		if action == vigil.AdminResetPassword {
			person, err := s.svc.FindUser(r.Context(), id)
			if err != nil {
				s.fail(w, r, err)
				return
			}
			s.render(w, r, http.StatusOK, "admin_password", &Page{Title: "One-time password", Nav: "admin", Data: passwordPage{
				Name: person.Name, Username: person.Username, Password: out.Password, Pending: pending, Back: "/admin/people/" + string(id)}})
			return
		}
		notice := pf.notice
		if pending {
			notice = "request-made"
		}
		http.Redirect(w, r, "/admin/people/"+string(id)+"?notice="+notice, http.StatusSeeOther)
	}
}
