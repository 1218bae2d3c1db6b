package link

import "testing"

// TestPhraseSimilarity: venue names share rare words or common ones.
func TestPhraseSimilarity(t *testing.T) {
	pc := NewPhraseCorpus([]string{"Star Kebabs", "Star Kebab House", "Kebab King", "Kebab Palace", "Pizza Kebab House",
		"Sunrise Hotel", "Royal Hotel", "Kebab Express", "Golden Kebab", "Moonlight Shisha"})
	for _, tc := range []struct {
		a, b     string
		min, max float64
	}{
		{"Star Kebabs", "Star Kebab House", 0.6, 0.95},  // the rare word agrees, a plural and an extra word
		{"Star Kebabs", "star kebabs", 0.999, 1.0},      // case
		{"Kebab King", "Kebab Palace", 0, 0.35},         // only the common word agrees
		{"Star Kebabs", "Sunrise Hotel", 0, 0.01},       // nothing agrees
		{"Moonlight Shisha", "Moonlite Shisha", 0.8, 1}, // a slip in a rare word
	} {
		if s := pc.Similarity(tc.a, tc.b); s < tc.min || s > tc.max {
			t.Errorf("Similarity(%q, %q) = %.3f, want %.2f to %.2f", tc.a, tc.b, s, tc.min, tc.max)
		}
	}
	if pc.Similarity("Star Kebabs", "") != 0 {
		t.Error("an empty phrase is similar to something")
	}
}
