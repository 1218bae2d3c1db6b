package link

// Phrases are short names compared as bags of words weighted by rarity,
// as addresses are (address.go): a venue's or a taxi firm's name. Sharing
// "Star" says more than sharing "Kebab" in a town of kebab shops, and a
// plural or a slip ("Kebabs", "Kebab") costs only part of a word's weight.

// PhraseCorpus knows how common each word is among a set of phrases.
type PhraseCorpus struct {
	c *Corpus
}

// NewPhraseCorpus counts the words of phrases.
func NewPhraseCorpus(phrases []string) *PhraseCorpus {
	recs := make([]Record, len(phrases))
	for i, p := range phrases {
		recs[i] = phraseRecord(p)
	}
	return &PhraseCorpus{c: NewCorpus(recs)}
}

func phraseRecord(p string) Record { return Normalise(Mention{Address: p}) }

// Similarity returns the soft TF-IDF similarity of two phrases, from 0
// (no word in common) to 1 (the same words). Words the corpus has never
// seen count as the rarest.
func (pc *PhraseCorpus) Similarity(a, b string) float64 {
	ra, rb := phraseRecord(a), phraseRecord(b)
	if len(ra.Address) == 0 || len(rb.Address) == 0 {
		return 0
	}
	pc.c.Prepare(&ra)
	pc.c.Prepare(&rb)
	return softTFIDF(&ra, &rb)
}
