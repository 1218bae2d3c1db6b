package speakup

import (
	"bytes"
	"encoding/binary"
	"hash/crc32"
	"image"
	"image/color"
	"image/jpeg"
	"image/png"
	"testing"

	"github.com/vigil-project/vigil"
)

// A marker that stands for what metadata gives away: a phone's owner and
// the place the photo was taken.
const secretMeta = "Owner: J. Whistleblower; GPS 53.4302N 1.3568W"

func testImage() image.Image {
	img := image.NewRGBA(image.Rect(0, 0, 40, 30))
	for y := range 30 {
		for x := range 40 {
			img.Set(x, y, color.RGBA{uint8(x * 6), uint8(y * 8), 90, 255})
		}
	}
	return img
}

// jpegWithEXIF returns a JPEG whose APP1 segment carries EXIF holding secretMeta.
func jpegWithEXIF(t testing.TB) []byte {
	t.Helper()
	var buf bytes.Buffer
	if err := jpeg.Encode(&buf, testImage(), nil); err != nil {
		t.Fatal(err)
	}
	b := buf.Bytes()
	payload := append([]byte("Exif\x00\x00"), secretMeta...)
	seg := []byte{0xFF, 0xE1, 0, 0}
	binary.BigEndian.PutUint16(seg[2:], uint16(len(payload)+2))
	seg = append(seg, payload...)
	out := append([]byte{}, b[:2]...) // SOI
	out = append(out, seg...)
	return append(out, b[2:]...)
}

// pngWithText returns a PNG with a tEXt chunk holding secretMeta.
func pngWithText(t testing.TB) []byte {
	t.Helper()
	var buf bytes.Buffer
	if err := png.Encode(&buf, testImage()); err != nil {
		t.Fatal(err)
	}
	b := buf.Bytes()
	data := append([]byte("Author\x00"), secretMeta...)
	chunk := make([]byte, 8, 12+len(data))
	binary.BigEndian.PutUint32(chunk, uint32(len(data)))
	copy(chunk[4:], "tEXt")
	chunk = append(chunk, data...)
	crc := crc32.ChecksumIEEE(chunk[4:])
	chunk = binary.BigEndian.AppendUint32(chunk, crc)
	// After the signature (8) and the IHDR chunk (25).
	out := append([]byte{}, b[:33]...)
	out = append(out, chunk...)
	return append(out, b[33:]...)
}

func TestStripMetadata(t *testing.T) {
	tests := []struct {
		name string
		data []byte
		want string
	}{
		{"jpeg with exif", jpegWithEXIF(t), MediaJPEG},
		{"png with text", pngWithText(t), MediaPNG},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if !bytes.Contains(tt.data, []byte(secretMeta)) {
				t.Fatal("the test file does not carry the metadata")
			}
			if _, _, err := image.Decode(bytes.NewReader(tt.data)); err != nil {
				t.Fatalf("the test file does not decode: %v", err)
			}
			mt, out, err := StripMetadata(tt.data)
			if err != nil {
				t.Fatal(err)
			}
			if mt != tt.want {
				t.Errorf("media type %s, want %s", mt, tt.want)
			}
			if bytes.Contains(out, []byte(secretMeta)) || bytes.Contains(out, []byte("Exif")) || bytes.Contains(out, []byte("tEXt")) {
				t.Error("the stripped copy still carries metadata")
			}
			img, _, err := image.Decode(bytes.NewReader(out))
			if err != nil || img.Bounds().Dx() != 40 || img.Bounds().Dy() != 30 {
				t.Errorf("the stripped copy is not the same picture: %v %v", err, img)
			}
		})
	}
}

func TestStripMetadataRefuses(t *testing.T) {
	jpg := jpegWithEXIF(t)
	// A PNG header claiming 100000 x 100000 pixels: tiny file, vast image.
	var bomb bytes.Buffer
	bomb.Write(pngMagic)
	ihdr := make([]byte, 0, 25)
	ihdr = binary.BigEndian.AppendUint32(ihdr, 13)
	ihdr = append(ihdr, "IHDR"...)
	ihdr = binary.BigEndian.AppendUint32(ihdr, 100000)
	ihdr = binary.BigEndian.AppendUint32(ihdr, 100000)
	ihdr = append(ihdr, 8, 2, 0, 0, 0)
	ihdr = binary.BigEndian.AppendUint32(ihdr, crc32.ChecksumIEEE(ihdr[4:]))
	bomb.Write(ihdr)
	tests := []struct {
		name string
		data []byte
		code string
	}{
		{"empty", nil, vigil.EINVALID},
		{"pdf", []byte("%PDF-1.7\n1 0 obj << /Author (J. Whistleblower) >> endobj"), vigil.EINVALID},
		{"word document", append([]byte("PK\x03\x04"), make([]byte, 100)...), vigil.EINVALID},
		{"svg with script", []byte(`<svg xmlns="http://www.w3.org/2000/svg"><script>alert(1)</script></svg>`), vigil.EINVALID},
		{"html", []byte(`<html><script>alert(1)</script></html>`), vigil.EINVALID},
		{"truncated jpeg", jpg[:len(jpg)/2], vigil.EINVALID},
		{"jpeg magic, png body", append([]byte{0xFF, 0xD8, 0xFF}, pngWithText(t)...), vigil.EINVALID},
		{"oversized", append(append([]byte{}, jpegMagic...), make([]byte, MaxAttachmentSize)...), vigil.ETOOLARGE},
		{"decompression bomb", bomb.Bytes(), vigil.ETOOLARGE},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, _, err := StripMetadata(tt.data)
			if got := vigil.ErrorCode(err); got != tt.code {
				t.Errorf("StripMetadata: code %q (%v), want %q", got, err, tt.code)
			}
			if len(vigil.ErrorFields(err)) == 0 || vigil.ErrorFields(err)[0].Field != "attachment" {
				t.Errorf("the error does not name the attachment field: %v", err)
			}
		})
	}
}

// FuzzStripMetadata checks that no file makes the stripper panic or hang,
// and that whatever it accepts comes out as a decodable image of the type
// it claims, within the limits, without EXIF or text chunks.
func FuzzStripMetadata(f *testing.F) {
	f.Add(jpegWithEXIF(f))
	f.Add(pngWithText(f))
	f.Add([]byte("%PDF-1.4"))
	f.Add(append([]byte{}, pngMagic...))
	f.Add([]byte{0xFF, 0xD8, 0xFF, 0xE1, 0x00, 0x02})
	f.Fuzz(func(t *testing.T, data []byte) {
		mt, out, err := StripMetadata(data)
		if err != nil {
			if c := vigil.ErrorCode(err); c != vigil.EINVALID && c != vigil.ETOOLARGE {
				t.Fatalf("unexpected error %v", err)
			}
			return
		}
		if mt == MediaDOCX {
			return // FuzzStripDOCX and FuzzCleanXML check documents
		}
		cfg, format, err := image.DecodeConfig(bytes.NewReader(out))
		if err != nil {
			t.Fatalf("accepted file re-encodes to something that does not decode: %v", err)
		}
		if (mt == MediaJPEG) != (format == "jpeg") || int64(cfg.Width)*int64(cfg.Height) > MaxPixels {
			t.Fatalf("accepted %s comes out as %s %dx%d", mt, format, cfg.Width, cfg.Height)
		}
		if bytes.Contains(out, []byte("Exif\x00")) || bytes.Contains(out, []byte("tEXt")) || bytes.Contains(out, []byte("iTXt")) || bytes.Contains(out, []byte("eXIf")) {
			t.Fatal("the stripped copy carries metadata")
		}
	})
}
