package api

import (
	"log/slog"
	"net/http"

	"github.com/vigil-project/vigil"
)

// Structured mentions (issue 7, part 1): what a concern names, sent with
// it (POST /api/v1/concerns) or added to a case's report later (POST
// /api/v1/cases/{id}/mentions). Each is matched against everything known
// as soon as it is recorded.

// mentionRequest is one mention in a request. Its JSON names are those
// vigil.Mention.Validate reports under "mentions[i]". Ethnicity and
// nationality are not taken here: they are recorded for oversight
// statistics through /api/v1/cases/{id}/demographics.
type mentionRequest struct {
	Kind        vigil.MentionKind `json:"kind"`
	Role        vigil.MentionRole `json:"role"`
	GivenName   string            `json:"given_name"`
	FamilyName  string            `json:"family_name"`
	FullName    string            `json:"full_name"`
	Nickname    string            `json:"nickname"`
	DateOfBirth string            `json:"date_of_birth"`
	Age         *int              `json:"age"`
	Gender      string            `json:"gender"`
	Email       string            `json:"email"`
	Identifier  string            `json:"identifier"`
	Address     string            `json:"address"`
	Locality    string            `json:"locality"`
	Postcode    string            `json:"postcode"`
	Phone       string            `json:"phone"`
	Plate       string            `json:"plate"`
	Make        string            `json:"make"`
	Model       string            `json:"model"`
	Colour      string            `json:"colour"`
	TaxiFirm    string            `json:"taxi_firm"`
	Platform    string            `json:"platform"`
	Handle      string            `json:"handle"`
	VenueName   string            `json:"venue_name"`
	VenueKind   string            `json:"venue_kind"`
}

func (m mentionRequest) mention() vigil.Mention {
	return vigil.Mention{Kind: m.Kind, Role: m.Role, GivenName: m.GivenName, FamilyName: m.FamilyName, FullName: m.FullName,
		Nickname: m.Nickname, DateOfBirth: m.DateOfBirth, Age: m.Age, Gender: m.Gender, Email: m.Email, Identifier: m.Identifier,
		Address: m.Address, Locality: m.Locality, Postcode: m.Postcode, Phone: m.Phone, Plate: m.Plate, Make: m.Make, Model: m.Model,
		Colour: m.Colour, TaxiFirm: m.TaxiFirm, Platform: m.Platform, Handle: m.Handle, VenueName: m.VenueName, VenueKind: m.VenueKind}
}

func mentionsOf(req []mentionRequest) []vigil.Mention {
	var out []vigil.Mention
	for _, m := range req {
		out = append(out, m.mention())
	}
	return out
}

// caseMentionsRequest is the body of POST /api/v1/cases/{id}/mentions.
type caseMentionsRequest struct {
	// ConcernID is the report of the case the mentions came from; empty
	// means its latest.
	ConcernID vigil.ID         `json:"concern_id"`
	Mentions  []mentionRequest `json:"mentions"`
}

// mentionList is the body of a 201 answer to POST /api/v1/cases/{id}/mentions.
type mentionList struct {
	Mentions []*vigil.Mention `json:"mentions"`
}

func (h *handler) recordCaseMentions(w http.ResponseWriter, r *http.Request, u *vigil.User) {
	svc, ok := h.svc.(vigil.MentionService)
	if !ok {
		h.notFound(w, r)
		return
	}
	caseID, err := pathID(r, "The case")
	if err != nil {
		h.fail(w, r, err)
		return
	}
	req, err := readJSON[caseMentionsRequest](w, r)
	if err != nil {
		h.fail(w, r, err)
		return
	}
	ms := mentionsOf(req.Mentions)
	if len(ms) == 0 {
		var v vigil.Validation
		v.Add("mentions", "Give at least one mention")
		h.fail(w, r, v.Err())
		return
	}
	d, err := h.svc.FindCase(r.Context(), vigil.UserActor(u), caseID, "add mentions")
	if err != nil {
		h.fail(w, r, err)
		return
	}
	concern := req.ConcernID
	if concern == "" && len(d.Concerns) > 0 {
		concern = d.Concerns[len(d.Concerns)-1].ID
	}
	found := false
	for _, c := range d.Concerns {
		found = found || c.ID == concern
	}
	if !found {
		var v vigil.Validation
		v.Add("concern_id", "The concern is not one of this case's")
		h.fail(w, r, v.Err())
		return
	}
	out, err := svc.RecordMentions(r.Context(), vigil.UserActor(u), concern, ms)
	if err != nil {
		h.fail(w, r, err)
		return
	}
	h.logChange(r, u, "mentions recorded", slog.String("case_id", string(caseID)), slog.String("concern_id", string(concern)),
		slog.Int("mentions", len(out)))
	h.respond(w, r, http.StatusCreated, mentionList{Mentions: out})
}
