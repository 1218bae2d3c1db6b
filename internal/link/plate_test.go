package link

import "testing"

func TestNormalisePlate(t *testing.T) {
	tests := []struct {
		name, in, text, key string
		format              PlateFormat
		partial             bool
	}{
		{"current", "YA12 CDE", "YA12CDE", "YA12CDE", PlateCurrent, false},
		{"lower case, no space", "ya12cde", "YA12CDE", "YA12CDE", PlateCurrent, false},
		// Y012 CDE fits a prefix plate as written: the reading with fewest
		// corrections is kept, and the key is the same either way.
		{"zero read for O, or a prefix plate", "Y012 CDE", "Y012CDE", "Y012CDE", PlatePrefix, false},
		{"zero read for O where only a letter fits", "0A12 CDE", "OA12CDE", "0A12CDE", PlateCurrent, false},
		{"Z read for 2 in the age", "YA1Z CDE", "YA12CDE", "YA12CDE", PlateCurrent, false},
		{"S for 5 and 8 for B", "YB S5 CDE", "YB55CDE", "Y855CDE", PlateCurrent, false},
		{"prefix", "A123 BCD", "A123BCD", "A1238CD", PlatePrefix, false},
		{"prefix with O for 0", "P1O4 KLM", "P104KLM", "P104KLM", PlatePrefix, false},
		{"suffix", "ABC 123D", "ABC123D", "A8C123D", PlateSuffix, false},
		{"suffix one digit", "KLM 4T", "KLM4T", "KLM4T", PlateSuffix, false},
		{"dateless", "AB 1234", "AB1234", "A81234", PlateDateless, false},
		{"hyphens and dots", "YA-12.CDE", "YA12CDE", "YA12CDE", PlateCurrent, false},
		{"first half only", "YA12", "YA12*", "YA12*", PlateUnknown, true},
		{"unknown characters", "YA12 ???", "YA12???", "YA12???", PlateUnknown, true},
		{"last part only", "????CDE", "????CDE", "????CDE", PlateUnknown, true},
		{"underscores", "YA_2 CDE", "YA?2CDE", "YA?2CDE", PlateUnknown, true},
		{"empty", "  ", "", "", PlateUnknown, false},
		{"only wildcards", "???", "", "", PlateUnknown, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			p := NormalisePlate(tt.in)
			if p.Text != tt.text || p.Key != tt.key || p.Format != tt.format || p.Partial != tt.partial {
				t.Errorf("NormalisePlate(%q) = %+v, want text %q key %q format %q partial %v", tt.in, p, tt.text, tt.key, tt.format, tt.partial)
			}
		})
	}
}

func TestMatchPlate(t *testing.T) {
	tests := []struct {
		a, b string
		want bool
	}{
		{"YA12 CDE", "ya12cde", true},
		{"YA12 CDE", "YA1Z CDE", true},  // Z for 2
		{"YO12 CDE", "Y012 CDE", true},  // 0 for O
		{"YA12 CDE", "YA12 CD8", false}, // E is no look-alike of 8
		{"YA12", "ya12", true},          // the same partial reading
		{"YA12 CDE", "YA12 CDF", false}, // another character
		{"YA12 CDE", "YA12", true},      // the first half
		{"YA12 CDE", "YA12 C?E", true},  // a character missed
		{"YA12 CDE", "????CDE", true},   // the last part
		{"YA12 CDE", "????CDF", false},
		{"YA12 CDE", "YB12", false},
		{"YA12", "YA12 ???", false}, // two partial plates say too little
		{"", "YA12 CDE", false},
		{"A123 BCD", "A123 8CD", true},
		{"A123 BCD", "AI23 BCD", true},
	}
	for _, tt := range tests {
		a, b := NormalisePlate(tt.a), NormalisePlate(tt.b)
		if got := MatchPlate(a, b); got != tt.want {
			t.Errorf("MatchPlate(%q, %q) = %v, want %v", tt.a, tt.b, got, tt.want)
		}
		if got := MatchPlate(b, a); got != tt.want {
			t.Errorf("MatchPlate(%q, %q) = %v, want %v (reversed)", tt.b, tt.a, got, tt.want)
		}
	}
}
