package link

// Explain says, field by field, why a mention scored as it did against the
// i'th indexed record, as Match scored it.
func (ix *Index) Explain(mention Mention, i int) Explanation {
	q := Normalise(mention)
	ix.model.corpus.Prepare(&q)
	return ix.model.Explain(&q, &ix.recs[i])
}
