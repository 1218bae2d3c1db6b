package web

import (
	"net/http"
	"net/url"
	"regexp"
	"strconv"
	"strings"

	"github.com/vigil-project/vigil"
)

// Structured mentions on forms (issue 7, part 1): the people, vehicles,
// phones, online accounts, addresses and places a concern names, entered
// in rows of their own so that linking can match them. The forms work
// without JavaScript: each kind shows a few empty rows, and "Add another"
// posts the form back to itself with one more row and everything entered
// kept. Empty rows are ignored. Ethnicity and nationality are not asked
// here: they have their own page, for oversight statistics only.

// mentionInput is one input of a mention row.
type mentionInput struct {
	Name    string // the input id's last part, e.g. "plate"
	Field   string // the domain's field (vigil.Mention's JSON name), for errors
	Label   string
	Hint    string
	Width   string
	Options []option // a select when set
}

// mentionSection is the rows of one kind of mention.
type mentionSection struct {
	Kind    vigil.MentionKind
	Heading string
	Noun    string // one of them, for each row's legend
	Add     string // the "add another" button's words
	Inputs  []mentionInput
	Rows    []int // row numbers shown, from 0
}

// maxMentionRows bounds the rows of one kind a form shows.
const maxMentionRows = 20

var personRoles = []option{{"child", "Child"}, {"suspect", "Suspect"}, {"associate", "Associate"}, {"reporter", "Reporter"}, {"carer", "Parent or carer"}}

var venueKinds = []option{{"takeaway", "Takeaway"}, {"hotel", "Hotel"}, {"shisha_bar", "Shisha bar"}, {"park", "Park"},
	{"bus_station", "Bus station"}, {"house", "House or flat"}, {"shop", "Shop"}, {"other", "Somewhere else"}}

// mentionSections lists the kinds a form asks about, with their inputs,
// in vigil.MentionKinds order. The first input of each is where an error
// about the row as a whole points.
var mentionSections = []mentionSection{
	{Kind: vigil.MentionPerson, Noun: "Person", Heading: "People", Add: "Add another person", Inputs: []mentionInput{
		{Name: "role", Field: "role", Label: "Who they are in the concern", Options: personRoles},
		{Name: "name", Field: "full_name", Label: "Name", Hint: "As written or heard, even if partly"},
		{Name: "nickname", Field: "nickname", Label: "Nickname or street name"},
		{Name: "dob", Field: "date_of_birth", Label: "Date of birth", Hint: "As much as is known: 1988-04-12, 1988-04 or 1988", Width: "10"},
		{Name: "age", Field: "age", Label: "Age, if no date of birth", Width: "3"},
		{Name: "phone", Field: "phone", Label: "Phone number", Width: "20"},
		{Name: "address", Field: "address", Label: "Address"},
	}},
	{Kind: vigil.MentionVehicle, Noun: "Vehicle", Heading: "Vehicles", Add: "Add another vehicle", Inputs: []mentionInput{
		{Name: "plate", Field: "plate", Label: "Number plate", Hint: "Full or partial; use ? for a character not seen, for example YX?? ABC", Width: "10"},
		{Name: "make", Field: "make", Label: "Make and model", Width: "20"},
		{Name: "colour", Field: "colour", Label: "Colour", Width: "10"},
		{Name: "taxi-firm", Field: "taxi_firm", Label: "Taxi firm, if it is a taxi", Width: "20"},
	}},
	{Kind: vigil.MentionPhone, Noun: "Phone", Heading: "Phones", Add: "Add another phone", Inputs: []mentionInput{
		{Name: "number", Field: "phone", Label: "Phone number", Width: "20"},
	}},
	{Kind: vigil.MentionHandle, Noun: "Online account", Heading: "Online accounts", Add: "Add another online account", Inputs: []mentionInput{
		{Name: "platform", Field: "platform", Label: "Platform", Hint: "For example Snapchat", Width: "20"},
		{Name: "handle", Field: "handle", Label: "Username or handle", Width: "20"},
	}},
	{Kind: vigil.MentionAddress, Noun: "Address", Heading: "Addresses", Add: "Add another address", Inputs: []mentionInput{
		{Name: "address", Field: "address", Label: "Address"},
		{Name: "locality", Field: "locality", Label: "Town or area", Width: "20"},
		{Name: "postcode", Field: "postcode", Label: "Postcode", Width: "10"},
	}},
	{Kind: vigil.MentionVenue, Noun: "Place", Heading: "Places", Add: "Add another place", Inputs: []mentionInput{
		{Name: "name", Field: "venue_name", Label: "Name of the place", Hint: "For example a takeaway, hotel or house"},
		{Name: "kind", Field: "venue_kind", Label: "What kind of place", Options: venueKinds},
		{Name: "address", Field: "address", Label: "Address or street"},
		{Name: "postcode", Field: "postcode", Label: "Postcode", Width: "10"},
	}},
}

// mentionInputID is the id of one input of one row, e.g. "vehicle-0-plate".
func mentionInputID(k vigil.MentionKind, row int, name string) string {
	return string(k) + "-" + strconv.Itoa(row) + "-" + name
}

// rowsInput is the hidden input that carries how many rows of a kind a
// form shows.
func rowsInput(k vigil.MentionKind) string { return string(k) + "-rows" }

// mentionForm is what a form with mention rows reads and shows.
type mentionForm struct {
	Sections []mentionSection
}

// parsedMentions is what was read from mention rows: the mentions, the
// input prefix of each (to put errors beside the right row), and
// problems the domain cannot see.
type parsedMentions struct {
	Mentions []vigil.Mention
	prefixes []string
	Errors   []vigil.FieldError
	Form     mentionForm
}

// parseMentions reads the mention rows of a posted form into form (so
// that they are shown again as entered). When add names a kind, that
// kind gets one more row. A row with nothing entered is no mention.
func parseMentions(pf url.Values, form Form, add string) parsedMentions {
	var out parsedMentions
	for _, sec := range mentionSections {
		n, err := strconv.Atoi(pf.Get(rowsInput(sec.Kind)))
		if err != nil || n < 1 {
			n = 1
		}
		if add == string(sec.Kind) {
			n++
		}
		n = min(n, maxMentionRows)
		form[rowsInput(sec.Kind)] = strconv.Itoa(n)
		for i := range n {
			sec.Rows = append(sec.Rows, i)
			m := vigil.Mention{Kind: sec.Kind}
			empty := true
			for _, in := range sec.Inputs {
				id := mentionInputID(sec.Kind, i, in.Name)
				v := pf.Get(id)
				form[id] = v
				v = strings.TrimSpace(v)
				if v == "" {
					continue
				}
				empty = false
				if in.Field == "age" {
					age, err := strconv.Atoi(v)
					if err != nil {
						out.Errors = append(out.Errors, vigil.FieldError{Field: id, Message: "Enter the age as a whole number of years, for example 30"})
						continue
					}
					m.Age = &age
					continue
				}
				if p := mentionText(&m, in.Field); p != nil {
					*p = v
				}
			}
			if !empty {
				out.Mentions = append(out.Mentions, m)
				out.prefixes = append(out.prefixes, string(sec.Kind)+"-"+strconv.Itoa(i))
			}
		}
		out.Form.Sections = append(out.Form.Sections, sec)
	}
	return out
}

// emptyMentionForm is the rows a form shows before anything is entered.
func emptyMentionForm() mentionForm {
	return parseMentions(url.Values{}, Form{}, "").Form
}

// mentionText returns the text field of m a form input fills.
func mentionText(m *vigil.Mention, field string) *string {
	switch field {
	case "role":
		return (*string)(&m.Role)
	case "full_name":
		return &m.FullName
	case "nickname":
		return &m.Nickname
	case "date_of_birth":
		return &m.DateOfBirth
	case "phone":
		return &m.Phone
	case "address":
		return &m.Address
	case "locality":
		return &m.Locality
	case "postcode":
		return &m.Postcode
	case "plate":
		return &m.Plate
	case "make":
		return &m.Make
	case "colour":
		return &m.Colour
	case "taxi_firm":
		return &m.TaxiFirm
	case "platform":
		return &m.Platform
	case "handle":
		return &m.Handle
	case "venue_name":
		return &m.VenueName
	case "venue_kind":
		return &m.VenueKind
	}
	return nil
}

var mentionErrorField = regexp.MustCompile(`^mentions\[(\d+)\]\.(\w+)$`)

// inputID maps a domain field error on the i-th mention ("mentions[2].plate")
// to the input of its row; an error about the row as a whole goes to the
// row's first input. ok is false for fields that are not a mention's.
func (p parsedMentions) inputID(field string) (string, bool) {
	sub := mentionErrorField.FindStringSubmatch(field)
	if sub == nil {
		return "", false
	}
	i, _ := strconv.Atoi(sub[1])
	if i >= len(p.prefixes) {
		return "", false
	}
	prefix := p.prefixes[i]
	kind, _, _ := strings.Cut(prefix, "-")
	for _, sec := range mentionSections {
		if string(sec.Kind) != kind {
			continue
		}
		for _, in := range sec.Inputs {
			if in.Field == sub[2] || sub[2] == "given_name" && in.Field == "full_name" {
				return prefix + "-" + in.Name, true
			}
		}
		return prefix + "-" + sec.Inputs[0].Name, true
	}
	return "", false
}

// mentionErrors renames the mention field errors among fe to the inputs
// of their rows, leaving others as they are.
func (p parsedMentions) mentionErrors(fe []vigil.FieldError) []vigil.FieldError {
	out := make([]vigil.FieldError, 0, len(fe))
	for _, e := range fe {
		if id, ok := p.inputID(e.Field); ok {
			e.Field = id
		}
		out = append(out, e)
	}
	return out
}

func init() {
	funcs["mentionID"] = mentionInputID
	funcs["rowsInput"] = rowsInput
	notices["mentions-recorded"] = "Recorded what the report names. Vigil has matched it against everything known."
}

// Mentions added to a case afterwards: what a report names that was
// learned later (a case note, police intelligence), recorded against the
// report it belongs to.

// mentionsOn is the case page's form for adding mentions: which concern
// they belong to, and the rows.
type mentionsOn struct {
	mentionForm
	Concerns []option
}

// concernField is the input choosing the concern mentions belong to.
const concernField = "mention-concern"

func (s *Server) recordCaseMentions(w http.ResponseWriter, r *http.Request, u *vigil.User) {
	svc, ok := s.svc.(vigil.MentionService)
	if !ok {
		s.fail(w, r, vigil.Errorf(vigil.ENOTFOUND, "There is no page at this address."))
		return
	}
	if err := r.ParseForm(); err != nil {
		s.fail(w, r, formError(err))
		return
	}
	id := vigil.ID(r.PathValue("id"))
	form := Form{concernField: r.PostForm.Get(concernField)}
	add := r.PostForm.Get("add")
	pm := parseMentions(r.PostForm, form, add)
	if add != "" {
		// Another row asked for: the form again, nothing recorded.
		s.caseView(w, r, u, id, http.StatusOK, &Page{Form: form, Data: pm.Form}, "mentions")
		return
	}
	errs := pm.Errors
	if len(pm.Mentions) == 0 && len(pm.Errors) == 0 {
		errs = append(errs, vigil.FieldError{Field: mentionInputID(vigil.MentionPerson, 0, "role"), Message: "Enter at least one person, vehicle, phone, account, address or place"})
	}
	if verr := vigil.ValidateMentions(pm.Mentions); verr != nil {
		errs = append(errs, pm.mentionErrors(vigil.ErrorFields(verr))...)
	}
	if len(errs) > 0 {
		s.caseView(w, r, u, id, http.StatusUnprocessableEntity, &Page{Form: form, Errors: dedupeErrors(errs), Data: pm.Form}, "mentions")
		return
	}
	// The concern must be one of this case's: the store checks who may add
	// to it, the page that it belongs here.
	d, err := s.svc.FindCase(r.Context(), vigil.UserActor(u), id, "add mentions")
	if err != nil {
		s.fail(w, r, err)
		return
	}
	// No choice means the latest report, as the form preselects.
	concern := vigil.ID(form[concernField])
	if concern == "" && len(d.Concerns) > 0 {
		concern = d.Concerns[len(d.Concerns)-1].ID
	}
	found := false
	for _, c := range d.Concerns {
		found = found || c.ID == concern
	}
	if !found {
		s.fail(w, r, vigil.Errorf(vigil.ENOTFOUND, "That report is not part of this case."))
		return
	}
	if _, err := svc.RecordMentions(r.Context(), vigil.UserActor(u), concern, pm.Mentions); err != nil {
		if !formProblem(err) {
			s.fail(w, r, err)
			return
		}
		s.caseView(w, r, u, id, vigil.ErrorStatus(vigil.ErrorCode(err)), &Page{Form: form,
			Errors: dedupeErrors(pm.mentionErrors(vigil.ErrorFields(err))), Data: pm.Form}, "mentions")
		return
	}
	http.Redirect(w, r, caseURL(id, "mentions-recorded")+"#mentions-heading", http.StatusSeeOther)
}

// dedupeErrors keeps the first error for each input.
func dedupeErrors(fe []vigil.FieldError) []vigil.FieldError {
	out := make([]vigil.FieldError, 0, len(fe))
	seen := map[string]bool{}
	for _, e := range fe {
		if !seen[e.Field] {
			seen[e.Field] = true
			out = append(out, e)
		}
	}
	return out
}
