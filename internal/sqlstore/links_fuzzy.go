package sqlstore

import (
	"fmt"
	"math"
	"strings"

	"github.com/vigil-project/vigil"
	"github.com/vigil-project/vigil/internal/link"
)

// Weaker keys, for review only. A car seen at night is often described,
// not read: "a silver Toyota from Star Cars", with no plate or half of
// one. Such a vehicle is proposed to an analyst as the same as the few
// vehicles of that make, colour and taxi firm, never joined to them. A
// venue's name is written many ways ("Star Kebabs", "Star Kebab House"):
// one whose rarer words agree with a venue's in the same postcode district
// is proposed too. Only the fields that name the thing are read.

// maxDescribed is how many vehicles may share a description for it to say
// anything: a firm with many silver Toyotas gives no lead.
const maxDescribed = 3

// maxVenueDistrict bounds the distinct venue names of one district that
// are compared with each other; a larger district is left to exact keys.
const maxVenueDistrict = 2000

// Venue names at or above this similarity (soft TF-IDF, link.PhraseCorpus)
// are proposed for review: most of their rarer words agree.
const venueSimilarity = 0.6

// fuzzyState is what the weaker keys keep between a full run and new
// reports.
type fuzzyState struct {
	vehicles map[string][]describedVehicle // description -> the vehicles it fits
	venues   map[string][]namedVenue       // district -> one mention of each venue name in it
	corpus   *link.PhraseCorpus            // how common each word of a venue's name is
}

type describedVehicle struct {
	id    vigil.ID
	plate link.Plate // the whole plate; zero for the first vehicle described without one
}

type namedVenue struct {
	id        vigil.ID
	key, name string
}

// vehicleDescription is a vehicle's make (its first word), colour and taxi
// firm, folded, or "" unless all three were recorded.
func vehicleDescription(m *vigil.Mention) (string, []vigil.LinkEvidence) {
	make, _, _ := strings.Cut(link.Fold(m.Make), " ")
	colour := strings.ReplaceAll(link.Fold(m.Colour), "gray", "grey")
	firm := strings.ReplaceAll(link.Fold(m.TaxiFirm), " ", "")
	if make == "" || colour == "" || firm == "" {
		return "", nil
	}
	ev := []vigil.LinkEvidence{{Field: "make", Level: "exact, after normalising", Left: make, Right: make},
		{Field: "colour", Level: "exact, after normalising", Left: colour, Right: colour},
		{Field: "taxi firm", Level: "exact, after normalising", Left: m.TaxiFirm, Right: m.TaxiFirm}}
	return make + "|" + colour + "|" + firm, ev
}

// venueDistrict is where a venue is: its postcode district, else its town.
func venueDistrict(m *vigil.Mention) string {
	if d := link.NormalisePostcode(m.Postcode).Outward; d != "" {
		return d
	}
	return strings.ReplaceAll(link.Fold(m.Locality), " ", "")
}

// resetFuzzy starts the weaker keys afresh for a full run over ms.
func (st *linkState) resetFuzzy(ms []storedMention) {
	var names []string
	for _, m := range ms {
		if m.Kind == vigil.MentionVenue && m.VenueName != "" {
			names = append(names, m.VenueName)
		}
	}
	st.fuzzy = fuzzyState{vehicles: map[string][]describedVehicle{}, venues: map[string][]namedVenue{}, corpus: link.NewPhraseCorpus(names)}
}

// ready makes the maps of a state no full run has filled.
func (f *fuzzyState) ready() {
	if f.vehicles == nil {
		f.vehicles, f.venues = map[string][]describedVehicle{}, map[string][]namedVenue{}
	}
}

// addWholePlate records a vehicle with a whole plate under its
// description, once per plate. A new report's plate is proposed as the
// vehicle described earlier without one (a full run finds these the
// other way round).
func (st *linkState) addWholePlate(m *vigil.Mention, k mentionKey) []*vigil.Link {
	st.fuzzy.ready()
	d, ev := vehicleDescription(m)
	if d == "" {
		return nil
	}
	whole := 1
	var unplated []describedVehicle
	for _, v := range st.fuzzy.vehicles[d] {
		switch {
		case v.plate.Key == k.plate.Key:
			return nil
		case v.plate.Key != "" && !v.plate.Partial:
			whole++
		case !v.plate.Partial || link.MatchPlate(v.plate, k.plate):
			unplated = append(unplated, v)
		}
	}
	st.fuzzy.vehicles[d] = append(st.fuzzy.vehicles[d], describedVehicle{id: m.ID, plate: k.plate})
	if whole > maxDescribed {
		return nil
	}
	var out []*vigil.Link
	for _, v := range unplated {
		out = append(out, describedLink(m.ID, v.id, whole, ev, v.plate, k.plate))
	}
	return out
}

// describedLinks proposes, for review, a vehicle without a whole plate as
// the same as each vehicle its description fits, when there are at most
// maxDescribed; one with a partial plate only as one without a whole
// plate (partialPlateLinks has asked about the plates it fits). It then
// records the vehicle, if it is the first described without a whole plate.
func (st *linkState) describedLinks(m *vigil.Mention, k mentionKey) []*vigil.Link {
	st.fuzzy.ready()
	d, ev := vehicleDescription(m)
	if d == "" {
		return nil
	}
	var fits []describedVehicle
	first := true
	for _, v := range st.fuzzy.vehicles[d] {
		whole := v.plate.Key != "" && !v.plate.Partial
		first = first && whole
		if v.id != m.ID && (!whole || !k.plate.Partial) {
			fits = append(fits, v)
		}
	}
	if first {
		st.fuzzy.vehicles[d] = append(st.fuzzy.vehicles[d], describedVehicle{id: m.ID, plate: k.plate})
	}
	if len(fits) > maxDescribed {
		return nil
	}
	var out []*vigil.Link
	for _, v := range fits {
		out = append(out, describedLink(m.ID, v.id, len(fits), ev, k.plate, v.plate))
	}
	return out
}

// describedLink is a description link between two vehicles, one of n the
// description fits.
func describedLink(a, b vigil.ID, n int, ev []vigil.LinkEvidence, pa, pb link.Plate) *vigil.Link {
	l := &vigil.Link{ID: vigil.NewID(), Kind: vigil.MentionVehicle, Method: vigil.LinkDescription, Status: vigil.LinkReview,
		Probability: 0.6 - 0.05*float64(n-1)}
	l.Left, l.Right = orderPair(a, b)
	plate := func(p link.Plate) string {
		switch {
		case p.Key == "":
			return "none recorded"
		case p.Partial:
			return "partial: " + p.Text
		}
		return p.Text
	}
	left, right := plate(pa), plate(pb)
	if l.Left != a {
		left, right = right, left
	}
	l.Evidence = append(append([]vigil.LinkEvidence(nil), ev...),
		vigil.LinkEvidence{Field: "plate", Level: "missing", Left: left, Right: right},
		vigil.LinkEvidence{Field: "vehicles fitting the description", Level: fmt.Sprintf("%d", n)})
	return l
}

// similarVenueLinks proposes, for review, a venue whose name is new in its
// district as the same as each venue there with a similar name, then
// records the name. logWarn is told when a district is too large to compare.
func (st *linkState) similarVenueLinks(m *vigil.Mention, k mentionKey, logWarn func(district string, n int)) []*vigil.Link {
	st.fuzzy.ready()
	where := venueDistrict(m)
	if where == "" || m.VenueName == "" || st.fuzzy.corpus == nil {
		return nil
	}
	reps := st.fuzzy.venues[where]
	for _, v := range reps {
		if v.key == k.key {
			return nil // a name already known here: exact keys link it
		}
	}
	st.fuzzy.venues[where] = append(reps, namedVenue{id: m.ID, key: k.key, name: m.VenueName})
	if len(reps) > maxVenueDistrict {
		if len(reps) == maxVenueDistrict+1 {
			logWarn(where, len(reps))
		}
		return nil
	}
	var out []*vigil.Link
	for _, v := range reps {
		sim := st.fuzzy.corpus.Similarity(m.VenueName, v.name)
		if sim < venueSimilarity {
			continue
		}
		// 0.6 similar -> 0.5, identical words -> 0.9: always below
		// "likely", so an analyst decides.
		p := math.Min(0.9, 0.5+(sim-venueSimilarity))
		l := &vigil.Link{ID: vigil.NewID(), Kind: vigil.MentionVenue, Method: vigil.LinkSimilarName, Status: vigil.LinkReview, Probability: p}
		l.Left, l.Right = orderPair(m.ID, v.id)
		l.Evidence = []vigil.LinkEvidence{
			{Field: "venue name", Level: fmt.Sprintf("similar: %.2f of the weight of their words agrees, rarer words counting more", sim),
				Left: v.name, Right: m.VenueName},
			{Field: "district", Level: "exact, after normalising", Left: where, Right: where}}
		out = append(out, l)
	}
	return out
}
