package web

import (
	"net/http"

	"github.com/vigil-project/vigil"
)

// Conflicts of interest (issue 5, part 5): a person declares their own on
// /account/conflicts; an administrator or manager of their agency records
// one for them on /admin/people/{id}/conflicts, for instance when a
// conflict nobody declared comes to light. The store decides who may see
// and record them; a recorded conflict closes the related cases to the
// person at their next request, and investigators see it on the timelines.

// conflictRoutes lists the conflict routes; a store without the conflict
// service gets none.
func (s *Server) conflictRoutes(mux *http.ServeMux) {
	if _, ok := s.svc.(vigil.ConflictService); !ok {
		return
	}
	mux.HandleFunc("GET /account/conflicts", s.staff(s.ownConflicts))
	mux.HandleFunc("POST /account/conflicts", s.staff(s.declareConflict))
	mux.HandleFunc("GET /admin/people/{id}/conflicts", s.staff(s.personConflicts))
	mux.HandleFunc("POST /admin/people/{id}/conflicts", s.staff(s.recordConflict))
}

func init() {
	notices["conflict-recorded"] = "Conflict of interest recorded. The cases it touches are closed to the person from their next request, and investigators can see it."
	notices["conflict-requested"] = "The person's agency is under intervention: the conflict of interest waits for a commissioner's approval, and is in force once approved. The request is on the agency's administration page."
	funcs["conflictKindLabel"] = func(k vigil.ConflictKind) string { return conflictKindLabels[k] }
}

var conflictKindLabels = map[vigil.ConflictKind]string{
	vigil.ConflictPerson: "A person", vigil.ConflictAddress: "An address", vigil.ConflictCase: "A case",
}

var conflictKindHints = map[vigil.ConflictKind]string{
	vigil.ConflictPerson:  "A relative, friend or anyone you are close to, by their full name. Every case naming them is closed to you.",
	vigil.ConflictAddress: "A home or business address. Every case naming it is closed to you.",
	vigil.ConflictCase:    "A case you should not work on, by its id (the last part of the case page's address).",
}

// conflictInputs maps the store's field names to the form's inputs.
var conflictInputs = map[string]string{"kind": "conflict-kind", "value": "conflict-value", "reason": "conflict-reason"}

type conflictsPage struct {
	Person    *vigil.User
	Self      bool   // the viewer's own conflicts
	CanRecord bool   // the viewer may add one
	Action    string // where the form posts
	Conflicts []conflictRow
	Kinds     []choice
	Back      string // the page this one belongs to, if the viewer may see it
	BackLabel string
}

type conflictRow struct {
	*vigil.Conflict
	RecordedBy string // the recorder's name
}

func (s *Server) ownConflicts(w http.ResponseWriter, r *http.Request, u *vigil.User) {
	s.renderConflicts(w, r, u, u.ID, http.StatusOK, &Page{Notice: noticeOf(r), Form: Form{}})
}

func (s *Server) personConflicts(w http.ResponseWriter, r *http.Request, u *vigil.User) {
	s.renderConflicts(w, r, u, vigil.ID(r.PathValue("id")), http.StatusOK, &Page{Notice: noticeOf(r), Form: Form{}})
}

func (s *Server) declareConflict(w http.ResponseWriter, r *http.Request, u *vigil.User) {
	s.saveConflict(w, r, u, u.ID, "/account/conflicts")
}

func (s *Server) recordConflict(w http.ResponseWriter, r *http.Request, u *vigil.User) {
	id := vigil.ID(r.PathValue("id"))
	s.saveConflict(w, r, u, id, "/admin/people/"+string(id)+"/conflicts")
}

func (s *Server) saveConflict(w http.ResponseWriter, r *http.Request, u *vigil.User, person vigil.ID, back string) {
	form, ok := s.postedForm(w, r, "conflict-kind", "conflict-value", "conflict-reason")
	if !ok {
		return
	}
	if !person.Valid() {
		s.fail(w, r, vigil.Errorf(vigil.ENOTFOUND, "There is no person at this address."))
		return
	}
	out, err := s.svc.(vigil.ConflictService).DeclareConflict(r.Context(), vigil.UserActor(u), vigil.NewConflict{UserID: person,
		Kind: vigil.ConflictKind(form["conflict-kind"]), Value: form["conflict-value"], Reason: form["conflict-reason"]})
	if formProblem(err) {
		s.renderConflicts(w, r, u, person, vigil.ErrorStatus(vigil.ErrorCode(err)), &Page{Form: form,
			Errors: inputErrorsOf(err, conflictInputs, "conflict-kind")})
		return
	} else if err != nil {
		s.fail(w, r, err)
		return
	}
	notice := "conflict-recorded"
	if out.Request != nil {
		notice = "conflict-requested"
	}
	http.Redirect(w, r, back+"?notice="+notice, http.StatusSeeOther)
}

// renderConflicts shows a person's conflicts, with the form to add one
// when the viewer may. The store answers ENOTFOUND to anyone who may not
// see them, so the page does not say whether the person exists.
func (s *Server) renderConflicts(w http.ResponseWriter, r *http.Request, u *vigil.User, id vigil.ID, status int, p *Page) {
	ctx := r.Context()
	if !id.Valid() {
		s.fail(w, r, vigil.Errorf(vigil.ENOTFOUND, "There is no person at this address."))
		return
	}
	conflicts, err := s.svc.(vigil.ConflictService).Conflicts(ctx, vigil.UserActor(u), id)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	person, err := s.svc.FindUser(ctx, id)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	d := conflictsPage{Person: person, Self: id == u.ID,
		CanRecord: id == u.ID || vigil.Can(u, vigil.ActConflictRecord, vigil.Target{Agency: person.AgencyID})}
	d.Action = "/admin/people/" + string(id) + "/conflicts"
	if d.Self {
		d.Action = "/account/conflicts"
	}
	names := map[vigil.ID]string{}
	for _, c := range conflicts {
		if _, ok := names[c.RecordedBy]; !ok {
			names[c.RecordedBy] = "Unknown"
			if by, err := s.svc.FindUser(ctx, c.RecordedBy); err == nil {
				names[c.RecordedBy] = by.Name
			}
		}
		d.Conflicts = append(d.Conflicts, conflictRow{Conflict: c, RecordedBy: names[c.RecordedBy]})
	}
	for _, k := range vigil.ConflictKinds {
		d.Kinds = append(d.Kinds, choice{Value: string(k), Label: conflictKindLabels[k], Hint: conflictKindHints[k]})
	}
	p.Title, p.Nav = "Conflicts of interest: "+person.Name, ""
	switch {
	case d.Self:
		p.Title, p.Nav, d.Back, d.BackLabel = "Your conflicts of interest", "account", "/account", "Back to your account"
	case mayAdminister(u, person.AgencyID):
		p.Nav, d.Back, d.BackLabel = "admin", "/admin/people/"+string(id), "Back to "+person.Name
	}
	p.Data = d
	s.render(w, r, status, "conflicts", p)
}
