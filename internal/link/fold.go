package link

import (
	"strings"
	"unicode"
	"unicode/utf8"
)

// Text folding shared by every normaliser: lower case, letters with
// diacritics reduced to their base letter, Cyrillic and Greek transliterated
// to Latin, punctuation dropped. Apostrophes vanish (O'Brien → obrien) while
// other punctuation separates tokens (Smith-Jones → smith jones), because a
// clerk may write either "OBrien" or "Smith Jones".

// latinFold maps letters of Latin-1 Supplement and Latin Extended-A to ASCII.
// Written out rather than taken from golang.org/x/text so the package needs
// no dependency for it; the ranges cover the names seen in UK casework.
var latinFold = map[rune]string{
	'à': "a", 'á': "a", 'â': "a", 'ã': "a", 'ä': "a", 'å': "a", 'ā': "a", 'ă': "a", 'ą': "a",
	'æ': "ae", 'ç': "c", 'ć': "c", 'ĉ': "c", 'ċ': "c", 'č': "c", 'ď': "d", 'đ': "d", 'ð': "d",
	'è': "e", 'é': "e", 'ê': "e", 'ë': "e", 'ē': "e", 'ĕ': "e", 'ė': "e", 'ę': "e", 'ě': "e",
	'ĝ': "g", 'ğ': "g", 'ġ': "g", 'ģ': "g", 'ĥ': "h", 'ħ': "h",
	'ì': "i", 'í': "i", 'î': "i", 'ï': "i", 'ĩ': "i", 'ī': "i", 'ĭ': "i", 'į': "i", 'ı': "i",
	'ĳ': "ij", 'ĵ': "j", 'ķ': "k", 'ĺ': "l", 'ļ': "l", 'ľ': "l", 'ŀ': "l", 'ł': "l",
	'ñ': "n", 'ń': "n", 'ņ': "n", 'ň': "n", 'ŉ': "n", 'ŋ': "n",
	'ò': "o", 'ó': "o", 'ô': "o", 'õ': "o", 'ö': "o", 'ø': "o", 'ō': "o", 'ŏ': "o", 'ő': "o",
	'œ': "oe", 'ŕ': "r", 'ŗ': "r", 'ř': "r", 'ś': "s", 'ŝ': "s", 'ş': "s", 'š': "s", 'ß': "ss",
	'ţ': "t", 'ť': "t", 'ŧ': "t", 'þ': "th",
	'ù': "u", 'ú': "u", 'û': "u", 'ü': "u", 'ũ': "u", 'ū': "u", 'ŭ': "u", 'ů': "u", 'ű': "u", 'ų': "u",
	'ŵ': "w", 'ý': "y", 'ÿ': "y", 'ŷ': "y", 'ź': "z", 'ż': "z", 'ž': "z",
	'ș': "s", 'ț': "t",
}

// translit maps Cyrillic and Greek letters to Latin, following the common
// passport-style romanisations (BGN/PCGN for Russian, ELOT 743 for Greek),
// so Иван and Ivan, Γιώργος and Giorgos compare as the same spelling.
var translit = map[rune]string{
	'а': "a", 'б': "b", 'в': "v", 'г': "g", 'д': "d", 'е': "e", 'ё': "e", 'ж': "zh", 'з': "z",
	'и': "i", 'й': "y", 'к': "k", 'л': "l", 'м': "m", 'н': "n", 'о': "o", 'п': "p", 'р': "r",
	'с': "s", 'т': "t", 'у': "u", 'ф': "f", 'х': "kh", 'ц': "ts", 'ч': "ch", 'ш': "sh", 'щ': "shch",
	'ъ': "", 'ы': "y", 'ь': "", 'э': "e", 'ю': "yu", 'я': "ya", 'і': "i", 'ї': "yi", 'є': "ye", 'ґ': "g",
	'α': "a", 'ά': "a", 'β': "v", 'γ': "g", 'δ': "d", 'ε': "e", 'έ': "e", 'ζ': "z", 'η': "i", 'ή': "i",
	'θ': "th", 'ι': "i", 'ί': "i", 'ϊ': "i", 'ΐ': "i", 'κ': "k", 'λ': "l", 'μ': "m", 'ν': "n", 'ξ': "x",
	'ο': "o", 'ό': "o", 'π': "p", 'ρ': "r", 'σ': "s", 'ς': "s", 'τ': "t", 'υ': "y", 'ύ': "y", 'ϋ': "y",
	'ΰ': "y", 'φ': "f", 'χ': "ch", 'ψ': "ps", 'ω': "o", 'ώ': "o",
}

// Fold returns s in lower case ASCII: diacritics removed, Cyrillic and Greek
// transliterated, apostrophes dropped, every other run of punctuation or
// space turned into one space, and no leading or trailing space. Digits are
// kept. Letters with no known folding (Arabic, Chinese...) are kept as they
// are, so such names still compare exactly with each other.
func Fold(s string) string {
	ascii := true
	for i := 0; i < len(s); i++ {
		c := s[i]
		if c >= utf8.RuneSelf || !(c >= 'a' && c <= 'z' || c >= '0' && c <= '9' || c == ' ') {
			ascii = false
			break
		}
	}
	if ascii && !strings.Contains(s, "  ") && !strings.HasPrefix(s, " ") && !strings.HasSuffix(s, " ") {
		return s // the common case: already folded, no allocation
	}
	var b strings.Builder
	b.Grow(len(s))
	space := false
	put := func(t string) {
		if space && b.Len() > 0 {
			b.WriteByte(' ')
		}
		space = false
		b.WriteString(t)
	}
	for _, r := range s {
		switch {
		case r < utf8.RuneSelf:
			c := byte(r)
			switch {
			case c >= 'a' && c <= 'z', c >= '0' && c <= '9':
				put(string(rune(c)))
			case c >= 'A' && c <= 'Z':
				put(string(rune(c + 'a' - 'A')))
			case c == '\'' || c == '`':
				// O'Brien and OBrien are the same name.
			default:
				space = true
			}
		case r == '’' || r == 'ʼ' || r == '‘':
			// typographic apostrophes, as above
		default:
			lr := unicode.ToLower(r)
			if t, ok := latinFold[lr]; ok {
				put(t)
			} else if t, ok := translit[lr]; ok {
				put(t)
			} else if unicode.IsLetter(lr) || unicode.IsDigit(lr) {
				put(string(lr))
			} else if unicode.Is(unicode.Mn, lr) {
				// a combining accent written separately: drop it
			} else {
				space = true
			}
		}
	}
	return b.String()
}

// tokens splits a folded string on spaces.
func tokens(s string) []string {
	if s == "" {
		return nil
	}
	return strings.Fields(s)
}
