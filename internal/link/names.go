package link

import (
	_ "embed"
	"strings"
	"sync"
)

// nicknameText holds the given-name equivalence groups. The groups capture
// what no string distance can: Bill and William share no letters.
//
//go:embed nicknames.txt
var nicknameText string

var (
	nicknameOnce   sync.Once
	nicknameGroups map[string][]uint16
)

// NameGroups returns the ids of the nickname groups a folded given name
// belongs to; two names are variants of each other when they share a group.
func NameGroups(name string) []uint16 {
	nicknameOnce.Do(loadNicknames)
	return nicknameGroups[name]
}

func loadNicknames() {
	nicknameGroups = make(map[string][]uint16)
	g := uint16(0)
	for _, line := range strings.Split(nicknameText, "\n") {
		line = strings.TrimSpace(line)
		if line == "" || line[0] == '#' {
			continue
		}
		for _, n := range strings.Fields(line) {
			gs := nicknameGroups[n]
			if len(gs) == 0 || gs[len(gs)-1] != g {
				nicknameGroups[n] = append(gs, g)
			}
		}
		g++
	}
}

func shareGroup(a, b []uint16) bool {
	for _, x := range a {
		for _, y := range b {
			if x == y {
				return true
			}
		}
	}
	return false
}

// titles and suffixes are dropped from names: they are not part of who a
// person is, and clerks record them inconsistently.
var (
	nameTitles   = map[string]bool{"mr": true, "mrs": true, "ms": true, "miss": true, "mx": true, "dr": true, "prof": true, "rev": true, "sir": true, "dame": true, "master": true}
	nameSuffixes = map[string]bool{"jr": true, "jnr": true, "junior": true, "sr": true, "snr": true, "senior": true, "ii": true, "iii": true, "iv": true}
)

// Name is a person's name after normalisation.
type Name struct {
	Given  string // all given names folded, without spaces ("maryann")
	First  string // the first given name ("mary"), for nicknames and keys
	Family string // family name folded, without spaces ("obrien", "vanderberg")
}

// NormaliseName folds given and family names. When both are empty it splits
// full, read as "Family, Given Middle" when it has a comma and as
// "Given Middle Family" otherwise.
func NormaliseName(given, family, full string) Name {
	gt := stripTitles(tokens(Fold(given)))
	ft := stripTitles(tokens(Fold(family)))
	if len(gt) == 0 && len(ft) == 0 && full != "" {
		if i := strings.IndexByte(full, ','); i >= 0 {
			ft = stripTitles(tokens(Fold(full[:i])))
			gt = stripTitles(tokens(Fold(full[i+1:])))
		} else if t := stripTitles(tokens(Fold(full))); len(t) == 1 {
			gt = t // a single word is more often a given name than a surname
		} else if len(t) > 1 {
			gt, ft = t[:len(t)-1], t[len(t)-1:]
		}
	}
	var n Name
	if len(gt) > 0 {
		n.First = gt[0]
		n.Given = strings.Join(gt, "")
	}
	n.Family = strings.Join(ft, "")
	return n
}

// stripTitles drops leading titles and trailing suffixes, keeping at least
// one word (Miss may be someone's name).
func stripTitles(t []string) []string {
	for len(t) > 1 && nameTitles[t[0]] {
		t = t[1:]
	}
	for len(t) > 1 && nameSuffixes[t[len(t)-1]] {
		t = t[:len(t)-1]
	}
	return t
}
