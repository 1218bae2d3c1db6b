package synth

import (
	"bytes"
	"crypto/sha256"
	"encoding/csv"
	"encoding/json"
	"fmt"
	"io"
	"regexp"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"github.com/vigil-project/vigil"
)

// The town is built once and shared by the tests that read it.
var (
	townOnce sync.Once
	townGen  *Generator
	townReps []*Report
)

func town(t testing.TB) (*Generator, []*Report) {
	t.Helper()
	if testing.Short() {
		t.Skip("town scale takes a few seconds")
	}
	townOnce.Do(func() {
		townGen = NewGenerator(WorldOptions{Seed: 7, Scale: ScaleTown})
		for r := range townGen.Reports {
			townReps = append(townReps, r)
		}
	})
	return townGen, townReps
}

func small(t testing.TB, seed uint64) (*Generator, []*Report) {
	t.Helper()
	g := NewGenerator(WorldOptions{Seed: seed, Scale: ScaleSmall})
	var reps []*Report
	for r := range g.Reports {
		reps = append(reps, r)
	}
	return g, reps
}

// entities indexes every entity of a world by id.
func entities(w *World) map[EntityID]any {
	m := map[EntityID]any{}
	for _, x := range w.People {
		m[x.ID] = x
	}
	for _, x := range w.Addresses {
		m[x.ID] = x
	}
	for _, x := range w.Vehicles {
		m[x.ID] = x
	}
	for _, x := range w.Phones {
		m[x.ID] = x
	}
	for _, x := range w.Handles {
		m[x.ID] = x
	}
	for _, x := range w.Venues {
		m[x.ID] = x
	}
	for _, x := range w.Networks {
		m[x.ID] = x
	}
	return m
}

func TestParseScale(t *testing.T) {
	for _, s := range Scales {
		got, err := ParseScale(string(s))
		if err != nil || got != s {
			t.Errorf("ParseScale(%q) = %q, %v", s, got, err)
		}
	}
	if _, err := ParseScale("county"); err == nil {
		t.Error("ParseScale(county) succeeded")
	}
}

func TestSmallWorld(t *testing.T) {
	g, reps := small(t, 1)
	w := g.World()
	if got := countKind(w.People, KindChild); got != 12 {
		t.Errorf("small world has %d children, want 12", got)
	}
	if len(w.Networks) != 1 || len(w.Networks[0].Children) < 3 || len(w.Networks[0].Offenders) < 2 {
		t.Fatalf("small world networks = %d; want one with at least 3 children and 2 offenders", len(w.Networks))
	}
	if len(reps) < 30 || len(reps) > 400 {
		t.Errorf("small world has %d reports; want a few dozen", len(reps))
	}
	checkReports(t, g, reps)
}

func TestTownWorld(t *testing.T) {
	g, reps := town(t)
	if len(reps) < 20000 || len(reps) > 99999 {
		t.Errorf("town has %d reports; want tens of thousands", len(reps))
	}
	checkReports(t, g, reps)
	s := g.Stats()
	t.Logf("town: %s; by source %v; by kind %v", s, s.BySource, s.ByKind)
}

// checkReports checks what every report of any world must satisfy.
func checkReports(t *testing.T, g *Generator, reps []*Report) {
	t.Helper()
	w := g.World()
	ents := entities(w)
	ids := map[string]bool{}
	var prev time.Time
	for i, r := range reps {
		if r.At.Before(prev) {
			t.Fatalf("report %s at %v is before the previous one at %v", r.ID, r.At, prev)
		}
		prev = r.At
		if r.At.Before(w.Start) || !r.At.Before(w.End) {
			t.Fatalf("report %s at %v is outside the period [%v, %v)", r.ID, r.At, w.Start, w.End)
		}
		if want := fmt.Sprintf("R%07d", i+1); r.ID != want {
			t.Fatalf("report %d has id %s, want %s", i, r.ID, want)
		}
		if len(r.Mentions) != len(r.Truth.Mentions) {
			t.Fatalf("report %s has %d mentions and %d truths", r.ID, len(r.Mentions), len(r.Truth.Mentions))
		}
		if strings.TrimSpace(r.Text) == "" || strings.Contains(r.Text, "{") {
			t.Fatalf("report %s text %q", r.ID, r.Text)
		}
		if r.Source == vigil.SourceProfessional && r.Agency == "" {
			t.Fatalf("professional report %s has no agency", r.ID)
		}
		if r.Subject >= 0 {
			m, tr := r.Mentions[r.Subject], r.Truth.Mentions[r.Subject]
			c, _ := ents[tr.Entity].(*Person)
			if m.Role != RoleChild || c == nil || c.Kind != KindChild || tr.Entity != r.Truth.Child {
				t.Fatalf("report %s subject %+v is not its child %s", r.ID, m, r.Truth.Child)
			}
			if a := c.AgeAt(r.At); a < 10 || a > 17 {
				t.Fatalf("report %s is about %s aged %d", r.ID, c.ID, a)
			}
		} else if r.Kind != KindIntelligence && r.Truth.Event != "network.sighting" {
			t.Fatalf("report %s (%s) has no subject", r.ID, r.Truth.Event)
		}
		for k, m := range r.Mentions {
			tr := r.Truth.Mentions[k]
			if ids[m.ID] {
				t.Fatalf("mention id %s repeated", m.ID)
			}
			ids[m.ID] = true
			e, ok := ents[tr.Entity]
			if !ok {
				t.Fatalf("mention %s (%s) has truth entity %q, which is not in the world", m.ID, m.Kind, tr.Entity)
			}
			var want string
			switch e.(type) {
			case *Person:
				want = "person"
			case *Vehicle:
				want = "vehicle"
			case *Phone:
				want = "phone"
			case *Handle:
				want = "handle"
			case *Address:
				want = "address"
			case *Venue:
				want = "venue"
			}
			if string(m.Kind) != want {
				t.Fatalf("mention %s of kind %s is a %s in truth", m.ID, m.Kind, want)
			}
		}
		if r.Missing != nil && !r.Missing.Returned.IsZero() && r.Missing.Returned.Before(r.Missing.From) {
			t.Fatalf("report %s: returned before going missing", r.ID)
		}
		if r.Retracted != nil && !r.Retracted.At.After(r.At) {
			t.Fatalf("report %s retracted before it was made", r.ID)
		}
		if r.Source == vigil.SourceProfessional && r.RaisedBy != nil {
			if r.RaisedBy.Agency().Kind != r.Agency {
				t.Fatalf("report %s by %s of %s, agency %s", r.ID, r.RaisedBy.ID, r.RaisedBy.Agency().Kind, r.Agency)
			}
			if r.At.Before(r.RaisedBy.From) || !r.RaisedBy.To.IsZero() && !r.At.Before(r.RaisedBy.To) {
				t.Fatalf("report %s raised by %s outside their time in post", r.ID, r.RaisedBy.ID)
			}
		}
	}
}

func countKind(ps []*Person, k PersonKind) int {
	n := 0
	for _, p := range ps {
		if p.Kind == k {
			n++
		}
	}
	return n
}

// TestTownHasNetworks checks from the reports alone (with their truth)
// that a network is there to find: at least three children and two
// suspects around a shared car or place.
func TestTownHasNetworks(t *testing.T) {
	g, reps := town(t)
	type netSeen struct {
		children map[EntityID]bool
		suspects map[EntityID]bool
		shared   map[EntityID]map[EntityID]bool // vehicle or venue -> suspects reported with it
	}
	seen := map[EntityID]*netSeen{}
	for _, r := range reps {
		if r.Truth.Network == "" {
			continue
		}
		ns := seen[r.Truth.Network]
		if ns == nil {
			ns = &netSeen{map[EntityID]bool{}, map[EntityID]bool{}, map[EntityID]map[EntityID]bool{}}
			seen[r.Truth.Network] = ns
		}
		if r.Truth.Child != "" {
			ns.children[r.Truth.Child] = true
		}
		var sus, places []EntityID
		for k, m := range r.Mentions {
			tr := r.Truth.Mentions[k]
			switch {
			case m.Kind == MentionPerson && m.Role == RoleSuspect && tr.Network == r.Truth.Network:
				ns.suspects[tr.Entity] = true
				sus = append(sus, tr.Entity)
			case m.Kind == MentionVehicle || m.Kind == MentionVenue:
				places = append(places, tr.Entity)
			}
		}
		for _, p := range places {
			if ns.shared[p] == nil {
				ns.shared[p] = map[EntityID]bool{}
			}
			for _, s := range sus {
				ns.shared[p][s] = true
			}
		}
	}
	found := 0
	for _, n := range g.World().Networks {
		ns := seen[n.ID]
		if ns == nil {
			continue
		}
		sharedBy := 0
		for _, s := range ns.shared {
			sharedBy = max(sharedBy, len(s))
		}
		t.Logf("%s %s: %d children, %d suspects reported; a car or place shared by up to %d suspects",
			n.ID, n.Name, len(ns.children), len(ns.suspects), sharedBy)
		if len(ns.children) >= 3 && len(ns.suspects) >= 2 && sharedBy >= 2 {
			found++
		}
	}
	if found == 0 {
		t.Error("no network with at least 3 children and 2 suspects sharing a vehicle or venue")
	}
	// Networks must be found, not read off: most reports are ordinary.
	networkReports := 0
	for _, r := range reps {
		if r.Truth.Network != "" {
			networkReports++
		}
	}
	if frac := float64(networkReports) / float64(len(reps)); frac > 0.2 {
		t.Errorf("%.0f%% of reports concern networks; want a small minority", 100*frac)
	}
}

func TestTownHasOverdueAndRetractedWork(t *testing.T) {
	_, reps := town(t)
	count := map[string]int{}
	lastYear := reps[len(reps)-1].At.AddDate(-1, 0, 0)
	for _, r := range reps {
		count[string(r.Handling)]++
		if r.Retracted != nil {
			count["retracted"]++
		}
		if r.Handling == HandlingNeverActed && r.At.After(lastYear) {
			count["never_acted_recent"]++
		}
		if r.Missing != nil {
			count["missing"]++
		}
		count[string(r.Kind)]++
		count[string(r.Source)]++
	}
	for _, k := range []string{"never_acted_on", "never_acted_recent", "late", "no_further_action", "acted", "retracted", "missing",
		"intelligence", "return_interview", "public", "young_person"} {
		if count[k] == 0 {
			t.Errorf("no %s reports in the town", k)
		}
	}
	t.Logf("%v", count)
}

// TestNoise checks that noise happens: mentions differ from the truth in
// the ways the noise flags say.
func TestNoise(t *testing.T) {
	g, reps := town(t)
	ents := entities(g.World())
	var names, nameDiffers, plates, plateDiffers, lookalike, partial, translit, dobSwap int
	var nicknames, partialAddresses, partialDOBs int
	for _, r := range reps {
		for k, m := range r.Mentions {
			tr := r.Truth.Mentions[k]
			switch m.Kind {
			case MentionPerson:
				p := ents[tr.Entity].(*Person)
				// What the noise flags promise must show in what was
				// written: a nickname in place of the name, part of an
				// address, part of a date of birth.
				if tr.Noise&NoiseNickname != 0 {
					written := m.GivenName
					if written == "" && m.FullName != "" {
						written = strings.Fields(m.FullName)[0] // the name written in one field
					}
					if m.Nickname == "" && (written == "" || written == p.GivenName) {
						t.Fatalf("mention %s flagged nickname but names %q (nickname field %q), the given name %q: %+v", m.ID, m.GivenName, m.Nickname, p.GivenName, m)
					}
					nicknames++
				}
				if tr.Noise&NoisePartialAddress != 0 && m.Address != "" {
					if fullLines(p)[m.Address] {
						t.Fatalf("mention %s flagged partial address but gives the whole line %q", m.ID, m.Address)
					}
					partialAddresses++
				}
				switch {
				case len(m.DOB) == 4 && tr.Noise&NoiseDOBYearOnly != 0, len(m.DOB) == 7 && tr.Noise&NoiseDOBMonthYear != 0:
					if tr.Noise&NoiseDOBWrong == 0 && !strings.HasPrefix(p.DOB.Format(time.DateOnly), m.DOB) {
						t.Fatalf("mention %s gives the partial date of birth %q of %s", m.ID, m.DOB, p.DOB.Format(time.DateOnly))
					}
					partialDOBs++
				case len(m.DOB) == 4, len(m.DOB) == 7:
					t.Fatalf("mention %s gives a partial date of birth %q without its noise flag %s", m.ID, m.DOB, tr.Noise)
				}
				if m.GivenName == "" {
					continue
				}
				names++
				if m.GivenName != p.GivenName || m.FamilyName != "" && m.FamilyName != p.FamilyName {
					nameDiffers++
				} else if tr.Noise&(NoiseVariant|NoiseTypo|NoiseSwapped) != 0 {
					t.Fatalf("mention %s flagged %s but names %q %q as the truth does", m.ID, tr.Noise, m.GivenName, m.FamilyName)
				}
				if tr.Noise&NoiseVariant != 0 {
					translit++
				}
				if tr.Noise&NoiseDOBSwapped != 0 {
					dobSwap++
				}
			case MentionVehicle:
				v := ents[tr.Entity].(*Vehicle)
				if m.Plate == "" {
					continue
				}
				plates++
				if strings.ReplaceAll(strings.ToUpper(m.Plate), " ", "") != strings.ReplaceAll(v.Plate, " ", "") {
					plateDiffers++
				} else if tr.Noise&(NoiseLookalike|NoisePartialPlate|NoisePlateTypo) != 0 {
					t.Fatalf("mention %s flagged %s but plate %q is the truth %q", m.ID, tr.Noise, m.Plate, v.Plate)
				}
				if tr.Noise&NoiseLookalike != 0 {
					lookalike++
				}
				if tr.Noise&NoisePartialPlate != 0 {
					partial++
				}
			}
		}
	}
	t.Logf("names %d (%d differ, %d transliterated, %d day/month swapped); plates %d (%d differ, %d look-alike, %d partial)",
		names, nameDiffers, translit, dobSwap, plates, plateDiffers, lookalike, partial)
	t.Logf("nicknames %d, partial addresses %d, partial dates of birth %d", nicknames, partialAddresses, partialDOBs)
	for what, n := range map[string]int{"name differs": nameDiffers, "transliteration": translit, "dob swapped": dobSwap,
		"plate differs": plateDiffers, "look-alike plate": lookalike, "partial plate": partial,
		"nickname": nicknames, "partial address": partialAddresses, "partial date of birth": partialDOBs} {
		if n == 0 {
			t.Errorf("no %s in the town", what)
		}
	}
	if nameDiffers*3 > names {
		t.Errorf("%d of %d names differ from the truth; noise should be the minority", nameDiffers, names)
	}
}

// fullLines returns the first lines of every address a person lived at.
func fullLines(p *Person) map[string]bool {
	out := map[string]bool{}
	if p.Household != nil && p.Household.Address != nil {
		out[p.Household.Address.Line()] = true
	}
	for _, pl := range p.Placements {
		if pl.Address != nil {
			out[pl.Address.Line()] = true
		}
	}
	return out
}

// TestFormats checks that every generated phone, postcode, plate and NHS
// number has a valid shape and is one that can never be real.
func TestFormats(t *testing.T) {
	g, reps := town(t)
	w := g.World()
	phone := regexp.MustCompile(`^(07700 900|01632 960)\d{3}$`)
	postcode := regexp.MustCompile(`^ZZ[1-9][0-9]? [0-9][ABD-HJLNP-UW-Z]{2}$`)
	plate := regexp.MustCompile(`^([A-Z]{2}[0-9]{2} [A-Z]{3}|[A-Y][0-9]{1,3} [A-Z]{3}|[A-Z]{3} [0-9]{1,3}[A-Y])$`)
	for _, p := range w.Phones {
		if !phone.MatchString(p.Number) {
			t.Errorf("phone %s: %q is not in a drama range", p.ID, p.Number)
		}
	}
	for _, a := range w.Addresses {
		if !postcode.MatchString(a.Postcode) {
			t.Errorf("address %s: postcode %q", a.ID, a.Postcode)
		}
	}
	formats := map[string]int{}
	for _, v := range w.Vehicles {
		if !plate.MatchString(v.Plate) {
			t.Errorf("vehicle %s: plate %q", v.ID, v.Plate)
		}
		switch c := v.Plate[0]; {
		case v.Plate[2] >= '0' && v.Plate[2] <= '9' && c >= 'A' && c <= 'Z' && v.Plate[1] >= 'A':
			formats["current"]++
		case v.Plate[1] >= '0' && v.Plate[1] <= '9':
			formats["prefix"]++
		default:
			formats["suffix"]++
		}
		if strings.ContainsAny(v.Plate[len(v.Plate)-3:], "IQ") && formats["current"] > 0 {
			t.Errorf("vehicle %s: plate %q uses I or Q", v.ID, v.Plate)
		}
	}
	if formats["current"] == 0 || formats["prefix"] == 0 {
		t.Errorf("plate formats %v; want current and prefix plates", formats)
	}
	for _, p := range w.People {
		if p.NHSNumber == "" {
			continue
		}
		d := strings.ReplaceAll(p.NHSNumber, " ", "")
		sum := 0
		for i := range 9 {
			sum += int(d[i]-'0') * (10 - i)
		}
		if check := (11 - sum%11) % 11; !strings.HasPrefix(d, "999") || check == 10 || int(d[9]-'0') != check {
			t.Errorf("person %s: NHS number %s is invalid or outside the test range", p.ID, p.NHSNumber)
		}
	}
	digits := regexp.MustCompile(`[^0-9]`)
	for _, r := range reps {
		for _, m := range r.Mentions {
			if m.Phone == "" {
				continue
			}
			d := digits.ReplaceAllString(m.Phone, "")
			if strings.HasPrefix(d, "44") {
				d = "0" + d[2:]
			}
			if !strings.HasPrefix(d, "07700900") && !strings.HasPrefix(d, "01632960") {
				t.Fatalf("mention %s: phone %q is outside the drama ranges", m.ID, m.Phone)
			}
		}
	}
}

func TestStaffCoverEveryRole(t *testing.T) {
	g, _ := small(t, 3)
	w := g.World()
	roles := map[vigil.Role]bool{}
	for _, p := range w.Posts {
		roles[p.Role] = true
		for i, s := range p.Holders {
			if i > 0 && s.From.Before(p.Holders[i-1].To) {
				t.Errorf("post %s: holders overlap", p.ID)
			}
		}
		if s := p.HolderAt(w.End.Add(-time.Hour)); s == nil && len(p.Holders) > 0 && !p.Holders[len(p.Holders)-1].To.IsZero() {
			continue // vacant at the end of the period
		}
	}
	for _, r := range vigil.Roles {
		if !roles[r] {
			t.Errorf("no post has role %s", r)
		}
	}
	users := map[string]bool{}
	for _, s := range w.Staff {
		if users[s.Username] {
			t.Errorf("username %s repeated", s.Username)
		}
		users[s.Username] = true
		if err := (vigil.NewUser{Username: s.Username, Name: s.Name, Role: s.Post.Role, AgencyID: vigil.NewID(), Password: "long enough password"}).Validate(); err != nil {
			t.Errorf("staff %s: %v", s.ID, err)
		}
	}
}

// hashAll hashes everything a generator exports.
func hashAll(t *testing.T, g *Generator) [32]byte {
	t.Helper()
	h := sha256.New()
	if err := g.WriteReports(h); err != nil {
		t.Fatal(err)
	}
	if err := g.WriteMentionTruth(h); err != nil {
		t.Fatal(err)
	}
	if err := g.World().WriteTruth(h); err != nil {
		t.Fatal(err)
	}
	if _, err := g.WriteLinkCSV(h, h); err != nil {
		t.Fatal(err)
	}
	var sum [32]byte
	h.Sum(sum[:0])
	return sum
}

func TestDeterministic(t *testing.T) {
	for _, sc := range []Scale{ScaleSmall, ScaleTown} {
		t.Run(string(sc), func(t *testing.T) {
			if sc == ScaleTown && testing.Short() {
				t.Skip("town scale takes a few seconds")
			}
			a := hashAll(t, NewGenerator(WorldOptions{Seed: 11, Scale: sc}))
			g := NewGenerator(WorldOptions{Seed: 11, Scale: sc})
			b := hashAll(t, g)
			if a != b {
				t.Fatalf("two runs with seed 11 differ: %x and %x", a, b)
			}
			if sc == ScaleTown {
				return // the rest is the same at any scale, and quicker small
			}
			if again := hashAll(t, g); again != b {
				t.Fatal("a second pass over the same generator differs")
			}
			if c := hashAll(t, NewGenerator(WorldOptions{Seed: 12, Scale: sc})); c == a {
				t.Fatal("seeds 11 and 12 give the same world")
			}
		})
	}
}

func TestEndOption(t *testing.T) {
	end := time.Date(2025, time.March, 14, 10, 30, 0, 0, vigil.London)
	g, reps := func() (*Generator, []*Report) {
		g := NewGenerator(WorldOptions{Seed: 5, End: end, Years: 3})
		var reps []*Report
		for r := range g.Reports {
			reps = append(reps, r)
		}
		return g, reps
	}()
	if !g.World().End.Equal(end) || !g.World().Start.Equal(end.AddDate(-3, 0, 0)) {
		t.Errorf("period [%v, %v), want 3 years to %v", g.World().Start, g.World().End, end)
	}
	checkReports(t, g, reps)
}

func TestLinkExport(t *testing.T) {
	g, reps := small(t, 4)
	var people, truth bytes.Buffer
	n, err := g.WriteLinkCSV(&people, &truth)
	if err != nil {
		t.Fatal(err)
	}
	rows, err := csv.NewReader(&people).ReadAll()
	if err != nil {
		t.Fatalf("people CSV does not parse: %v", err)
	}
	if diff := cmp.Diff([]string{"id", "given_name", "family_name", "full_name", "dob", "gender", "address", "locality", "postcode", "phone", "email", "identifier"}, rows[0]); diff != "" {
		t.Errorf("header (-want +got):\n%s", diff)
	}
	trows, err := csv.NewReader(&truth).ReadAll()
	if err != nil {
		t.Fatalf("truth CSV does not parse: %v", err)
	}
	if diff := cmp.Diff(LinkTruthHeader, trows[0]); diff != "" {
		t.Errorf("truth header (-want +got):\n%s", diff)
	}
	persons := 0
	for _, r := range reps {
		for _, m := range r.Mentions {
			if m.Kind == MentionPerson {
				persons++
			}
		}
	}
	if n != persons || len(rows) != n+1 || len(trows) != n+1 {
		t.Fatalf("wrote %d mentions, %d rows and %d truths; the reports have %d person mentions", n, len(rows)-1, len(trows)-1, persons)
	}
	ents := entities(g.World())
	for i := 1; i < len(rows); i++ {
		if rows[i][0] != trows[i][0] {
			t.Fatalf("row %d: people id %s, truth id %s", i, rows[i][0], trows[i][0])
		}
		if _, ok := ents[EntityID(trows[i][1])].(*Person); !ok {
			t.Fatalf("row %d: truth %s is not a person", i, trows[i][1])
		}
	}
	var only bytes.Buffer
	k, err := g.WriteLinkCSV(&only, io.Discard, RoleChild)
	if err != nil || k == 0 || k >= n {
		t.Errorf("children only: %d of %d mentions, %v", k, n, err)
	}
}

func TestWriteTruth(t *testing.T) {
	g, _ := small(t, 2)
	var b bytes.Buffer
	if err := g.World().WriteTruth(&b); err != nil {
		t.Fatal(err)
	}
	types := map[string]int{}
	for line := range strings.Lines(b.String()) {
		var rec struct {
			Type string `json:"type"`
		}
		if err := json.Unmarshal([]byte(line), &rec); err != nil {
			t.Fatalf("line %q: %v", line, err)
		}
		types[rec.Type]++
	}
	for _, k := range []string{"network", "person", "placement", "address", "vehicle", "phone", "handle", "venue", "school", "care_setting", "taxi_firm"} {
		if types[k] == 0 {
			t.Errorf("no %s records in the truth", k)
		}
	}
	// The application's view carries no truth.
	var reps bytes.Buffer
	if err := g.WriteReports(&reps); err != nil {
		t.Fatal(err)
	}
	if s := reps.String(); strings.Contains(s, "P0000") || strings.Contains(s, "\"Truth\"") {
		t.Error("reports JSON leaks ground truth")
	}
}

// TestReportsStop checks that a range loop can stop early.
func TestReportsStop(t *testing.T) {
	g := NewGenerator(WorldOptions{Seed: 1})
	n := 0
	for range g.Reports {
		if n++; n == 5 {
			break
		}
	}
	if n != 5 {
		t.Fatalf("stopped after %d", n)
	}
}
