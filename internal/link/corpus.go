package link

// Corpus holds what linking needs to know about the whole set of records:
// how common each given name, family name and address word is. Frequencies
// drive the term-frequency adjustment of name weights and the rarity
// weights of address words.
type Corpus struct {
	given, family   map[string]int32
	nGiven, nFamily int
	addrDF          map[string]int32
	nAddr           int
}

// NewCorpus counts the values of recs.
func NewCorpus(recs []Record) *Corpus {
	c := &Corpus{given: map[string]int32{}, family: map[string]int32{}, addrDF: map[string]int32{}}
	for i := range recs {
		c.add(&recs[i])
	}
	return c
}

func (c *Corpus) add(r *Record) {
	if r.Given != "" {
		c.given[r.Given]++
		c.nGiven++
	}
	if r.Family != "" {
		c.family[r.Family]++
		c.nFamily++
	}
	if len(r.Address) > 0 {
		c.nAddr++
		for i, t := range r.Address {
			if !contains(r.Address[:i], t) {
				c.addrDF[t]++
			}
		}
	}
}

func contains(s []string, x string) bool {
	for _, y := range s {
		if y == x {
			return true
		}
	}
	return false
}

// Prepare attaches the frequencies of r's names and the rarity weights of
// its address words. Values the corpus has never seen count as the rarest.
func (c *Corpus) Prepare(r *Record) {
	if len(r.Address) > 0 {
		r.addrW = tokenWeights(r.Address, c.addrDF, c.nAddr)
	}
	r.freq = [4]float64{c.GivenFrequency(r.Given), c.FamilyFrequency(r.Family), c.FamilyFrequency(r.Given), c.GivenFrequency(r.Family)}
}

// GivenFrequency returns the share of records with this given name; a name
// never seen counts as seen once.
func (c *Corpus) GivenFrequency(v string) float64 { return freq(c.given[v], c.nGiven) }

// FamilyFrequency is GivenFrequency for family names.
func (c *Corpus) FamilyFrequency(v string) float64 { return freq(c.family[v], c.nFamily) }

func freq(n int32, total int) float64 {
	if total == 0 {
		return 1
	}
	return float64(max(n, 1)) / float64(total)
}
