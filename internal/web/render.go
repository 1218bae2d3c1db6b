package web

import (
	"bytes"
	"crypto/sha256"
	"embed"
	"encoding/hex"
	"fmt"
	"html/template"
	"io/fs"
	"log/slog"
	"net/http"
	"path"
	"sort"
	"strings"
	"time"

	"github.com/vigil-project/vigil"
)

//go:embed templates
var templateFS embed.FS

//go:embed static
var staticFS embed.FS

// staticHash is a hash of every static file. All static files are served
// under /static/<hash>/, so a browser may cache them forever and a new
// release is fetched at once; one hash for all keeps relative imports
// between files (init.js imports govuk-frontend.min.js) working.
var staticHash = func() string {
	h := sha256.New()
	var names []string
	fs.WalkDir(staticFS, "static", func(p string, d fs.DirEntry, err error) error {
		if err == nil && !d.IsDir() {
			names = append(names, p)
		}
		return nil
	})
	sort.Strings(names)
	for _, n := range names {
		b, _ := staticFS.ReadFile(n)
		fmt.Fprintf(h, "%s %d\n", n, len(b))
		h.Write(b)
	}
	return hex.EncodeToString(h.Sum(nil))[:12]
}()

// staticPath returns the URL of a static file.
func staticPath(name string) string { return "/static/" + staticHash + "/" + name }

var funcs = template.FuncMap{
	"static": staticPath,
	// date and datetime show times in Europe/London, as people in England and Wales read them.
	"date": func(t time.Time) string {
		if t.IsZero() {
			return ""
		}
		return t.In(vigil.London).Format("2 January 2006")
	},
	"datetime": func(t time.Time) string {
		if t.IsZero() {
			return ""
		}
		return t.In(vigil.London).Format("2 January 2006 at 15:04")
	},
	// whenp is datetime for an optional time: "" when there is none.
	"whenp": func(t *time.Time) string {
		if t == nil || t.IsZero() {
			return ""
		}
		return t.In(vigil.London).Format("2 January 2006 at 15:04")
	},
	// isoTime is the machine-readable form of a time or an optional time.
	"isoTime": func(t any) string {
		switch t := t.(type) {
		case time.Time:
			return t.UTC().Format(time.RFC3339)
		case *time.Time:
			if t != nil {
				return t.UTC().Format(time.RFC3339)
			}
		}
		return ""
	},
	"stageLabel": func(st vigil.Stage) string {
		if l, ok := vigil.StageLabels[st]; ok {
			return l
		}
		return string(st)
	},
	// inc numbers radios from 1, as GOV.UK Frontend's macros do (id, id-2, id-3...).
	"inc": func(i int) int { return i + 1 },
	"dob": func(s string) string {
		t, err := time.Parse("2006-01-02", s)
		if err != nil {
			return s
		}
		return t.Format("2 January 2006")
	},
	// raisesConcerns says whether to offer "Raise a concern": a menu
	// must not lead anyone to a page they may not use.
	"raisesConcerns": vigil.CanRaiseConcern,
	"roleLabel":      func(r vigil.Role) string { return roleLabels[r] },
	"sourceLabel":    func(s vigil.ConcernSource) string { return sourceLabels[s] },
	"lines":          func(s string) []string { return strings.Split(s, "\n") },
	"list":           func(xs ...string) []string { return xs },
	// choices builds radio choices from value, label pairs.
	"choices": func(kv ...string) []choice {
		var out []choice
		for i := 0; i+1 < len(kv); i += 2 {
			out = append(out, choice{Value: kv[i], Label: kv[i+1]})
		}
		return out
	},
	"title": func(s string) string { return strings.ToUpper(s[:1]) + s[1:] },
	// dict builds the arguments of a partial template from key/value pairs.
	"dict": func(kv ...any) (map[string]any, error) {
		if len(kv)%2 != 0 {
			return nil, fmt.Errorf("dict: odd number of arguments")
		}
		m := make(map[string]any, len(kv)/2)
		for i := 0; i < len(kv); i += 2 {
			k, ok := kv[i].(string)
			if !ok {
				return nil, fmt.Errorf("dict: key %v is not a string", kv[i])
			}
			m[k] = kv[i+1]
		}
		return m, nil
	},
	"deref": func(p *int) int {
		if p == nil {
			return 0
		}
		return *p
	},
}

var roleLabels = map[vigil.Role]string{
	vigil.RoleReferrer:           "Referrer",
	vigil.RoleSocialWorker:       "Social worker",
	vigil.RoleTeamManager:        "Team manager",
	vigil.RoleServiceManager:     "Service manager",
	vigil.RoleDirector:           "Director of children's services",
	vigil.RolePoliceOfficer:      "Police officer",
	vigil.RolePoliceAnalyst:      "Police analyst",
	vigil.RoleSafeguardingLead:   "Designated safeguarding lead",
	vigil.RoleHealthPractitioner: "Health practitioner",
	vigil.RoleScrutinyMember:     "Scrutiny panel member",
	vigil.RoleInvestigator:       "Independent investigator",
	vigil.RoleCommissioner:       "Commissioner",
	vigil.RoleAdministrator:      "Administrator",
}

var sourceLabels = map[vigil.ConcernSource]string{
	vigil.SourceProfessional: "Professional",
	vigil.SourcePublic:       "Member of the public",
	vigil.SourceYoungPerson:  "Young person",
}

// templates holds one template set per page: the layout plus the page.
type templates map[string]*template.Template

func loadTemplates() (templates, error) {
	layout, err := template.New("layout.html").Funcs(funcs).ParseFS(templateFS, "templates/layout.html", "templates/partials/*.html")
	if err != nil {
		return nil, err
	}
	pages, err := fs.Glob(templateFS, "templates/*.html")
	if err != nil {
		return nil, err
	}
	out := templates{}
	for _, p := range pages {
		name := path.Base(p)
		if name == "layout.html" {
			continue
		}
		t, err := template.Must(layout.Clone()).ParseFS(templateFS, p)
		if err != nil {
			return nil, fmt.Errorf("template %s: %w", name, err)
		}
		out[strings.TrimSuffix(name, ".html")] = t
	}
	return out, nil
}

// Page is what every template gets.
type Page struct {
	Title  string
	User   *vigil.User
	Nav    string // the active navigation item
	Notice string // a success message from the previous request: one of notices, never text from the URL
	Errors []vigil.FieldError
	Form   Form
	Data   any
}

// ErrorFor returns the message for a field, or "".
func (p *Page) ErrorFor(field string) string {
	for _, e := range p.Errors {
		if e.Field == field {
			return e.Message
		}
	}
	return ""
}

// Form holds submitted values, so that nothing entered is lost when a form
// is shown again with errors.
type Form map[string]string

// Get returns a submitted value.
func (f Form) Get(k string) string { return f[k] }

func (s *Server) render(w http.ResponseWriter, r *http.Request, status int, name string, p *Page) {
	t, ok := s.templates[name]
	if !ok {
		s.logger.Error("no such template", "template", name)
		http.Error(w, "page missing", http.StatusInternalServerError)
		return
	}
	if p.User == nil {
		p.User = userFrom(r)
	}
	var buf bytes.Buffer
	if err := t.ExecuteTemplate(&buf, "layout.html", p); err != nil {
		s.logger.Error("render", "template", name, "error", err.Error())
		http.Error(w, "The page could not be shown.", http.StatusInternalServerError)
		return
	}
	w.Header().Set("Content-Type", "text/html; charset=utf-8")
	w.WriteHeader(status)
	w.Write(buf.Bytes())
}

// fail shows err as a page: the user sees the plain message, the log gets the detail.
func (s *Server) fail(w http.ResponseWriter, r *http.Request, err error) {
	code := vigil.ErrorCode(err)
	status := vigil.ErrorStatus(code)
	switch {
	case status >= 500:
		s.logger.Error("request failed", "pattern", r.Pattern, "code", code, "error", err.Error())
	case status == http.StatusUnauthorized || status == http.StatusForbidden || status == http.StatusNotFound ||
		status == http.StatusRequestEntityTooLarge || status == http.StatusTooManyRequests || status == http.StatusUnprocessableEntity:
		s.logRefusal(r, status, err)
	}
	title := map[int]string{401: "Sign in", 403: "You cannot do this", 404: "Page not found", 413: "Too much was sent",
		429: "Too many attempts", 503: "Not saved"}[status]
	if title == "" {
		title = "Sorry, there is a problem"
	}
	s.render(w, r, status, "error", &Page{Title: title, Data: vigil.ErrorMessage(err)})
}

// logRefusal records a refused request. Refusals are logged by route
// pattern, status, error code, the names of the fields at fault and the
// person's id when signed in; never by address or browser, and never with
// anything typed or sent: guessing case ids, a conflicted person trying a
// direct link, or a flood of malformed receipts and attachments on the
// speak-up pages leaves a trace beside the log's own record without
// tracing a reporter.
func (s *Server) logRefusal(r *http.Request, status int, err error) {
	code := vigil.ErrorCode(err)
	attrs := []any{"pattern", r.Pattern, "method", r.Method, "status", status, "code", code}
	var fields []string
	for _, f := range vigil.ErrorFields(err) {
		fields = append(fields, f.Field)
	}
	if len(fields) > 0 {
		attrs = append(attrs, "fields", strings.Join(fields, ","))
	}
	if u := userFrom(r); u != nil {
		attrs = append(attrs, "user_id", string(u.ID))
	}
	level := slog.LevelWarn
	if status == http.StatusNotFound || status == http.StatusUnprocessableEntity && !strings.HasPrefix(r.Pattern, "POST /speak-up/") {
		// Most are mistyped addresses or forms; a guessed case is also in
		// the log. Malformed input to the speak-up channel is worth a warning.
		level = slog.LevelInfo
	}
	s.logger.Log(r.Context(), level, "request refused", attrs...)
}

// notices are the success messages a redirect may ask a page to show, by
// code. A page shows only these texts, so a crafted link cannot put words
// on it.
var notices = map[string]string{
	"decision-recorded":     "Decision recorded.",
	"screening-recorded":    "CSE screening recorded.",
	"transfer-offered":      "Transfer offered. The case stays with its owner until the offer is accepted.",
	"transfer-accepted":     "Transfer accepted. You now own this case.",
	"transfer-refused":      "Transfer refused. The case stays with its owner and your reason has been escalated to a manager.",
	"transfer-withdrawn":    "Offer withdrawn. The case stays with its owner.",
	"missing-recorded":      "Missing episode recorded.",
	"return-recorded":       "Return recorded. A return home interview is due within 72 hours.",
	"referral-sent":         "Referral sent. The agency must acknowledge it within one working day.",
	"referral-acknowledged": "Referral acknowledged.",
	"share-recorded":        "Decision on sharing information recorded.",
	"escalation-resolved":   "Escalation answered. Your decision has been recorded.",
	"escalation-explained":  "Your explanation has been recorded. You own the case, so the escalation stays open until the deadline is met or someone above you answers it.",
}

// noticeOf returns the notice a request asks for, or "".
func noticeOf(r *http.Request) string { return notices[r.URL.Query().Get("notice")] }

// option is one choice of a select.
type option struct{ Value, Label string }

// choice is one radio button.
type choice struct{ Value, Label, Hint string }
