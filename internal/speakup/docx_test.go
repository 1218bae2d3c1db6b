package speakup

import (
	"archive/zip"
	"bytes"
	"encoding/xml"
	"io"
	"sort"
	"strings"
	"testing"

	"github.com/vigil-project/vigil"
)

// The person a test document gives away, in every place Word keeps it.
const (
	docxAuthor = "Jane Whistle"
	docxEmail  = "jane.whistle@council.example"
	docxPath   = `C:\Users\jwhistle`
)

// testDOCX returns a Word document holding docxAuthor, docxEmail and
// docxPath in its properties, comments, tracked changes, people list,
// settings, links, custom XML and a picture's EXIF, plus a deleted
// sentence; parts may add or replace parts.
func testDOCX(t testing.TB, parts map[string]string) []byte {
	t.Helper()
	w := `xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main" xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships"`
	base := map[string]string{
		"[Content_Types].xml": `<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types"><Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/><Default Extension="xml" ContentType="application/xml"/><Default Extension="jpeg" ContentType="image/jpeg"/>` +
			`<Override PartName="/word/document.xml" ContentType="` + docxMainType + `"/><Override PartName="/docProps/core.xml" ContentType="application/vnd.openxmlformats-package.core-properties+xml"/>` +
			`<Override PartName="/word/people.xml" ContentType="application/vnd.openxmlformats-officedocument.wordprocessingml.people+xml"/><Override PartName="/customXml/itemProps1.xml" ContentType="application/vnd.openxmlformats-officedocument.customXmlProperties+xml"/></Types>`,
		"_rels/.rels": `<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">` +
			`<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument" Target="word/document.xml"/>` +
			`<Relationship Id="rId2" Type="http://schemas.openxmlformats.org/package/2006/relationships/metadata/core-properties" Target="docProps/core.xml"/>` +
			`<Relationship Id="rId3" Type="http://schemas.openxmlformats.org/package/2006/relationships/metadata/thumbnail" Target="docProps/thumbnail.jpeg"/></Relationships>`,
		"docProps/core.xml":       `<?xml version="1.0"?><cp:coreProperties xmlns:cp="http://schemas.openxmlformats.org/package/2006/metadata/core-properties" xmlns:dc="http://purl.org/dc/elements/1.1/"><dc:creator>` + docxAuthor + `</dc:creator><cp:lastModifiedBy>` + docxEmail + `</cp:lastModifiedBy></cp:coreProperties>`,
		"docProps/app.xml":        `<?xml version="1.0"?><Properties xmlns="http://schemas.openxmlformats.org/officeDocument/2006/extended-properties"><Company>Secret Council of ` + docxAuthor + `</Company><Template>` + docxPath + `\Normal.dotm</Template></Properties>`,
		"docProps/custom.xml":     `<?xml version="1.0"?><Properties xmlns="http://schemas.openxmlformats.org/officeDocument/2006/custom-properties"><property name="Owner">` + docxAuthor + `</property></Properties>`,
		"docProps/thumbnail.jpeg": string(jpegWithEXIF(t)),
		"word/document.xml": `<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<!-- written by ` + docxAuthor + ` -->
<w:document ` + w + `><w:body><w:p w:rsidR="00A1B2C3" w:rsidRDefault="00D4E5F6"><w:r><w:t xml:space="preserve">The findings were changed &amp; signed off. </w:t></w:r>` +
			`<w:ins w:id="1" w:author="` + docxAuthor + `" w:date="2026-02-03T10:00:00Z"><w:r><w:t>Inserted words stay.</w:t></w:r></w:ins>` +
			`<w:del w:id="2" w:author="` + docxAuthor + `" w:date="2026-02-03T10:01:00Z"><w:r><w:delText>Original finding: twelve children at risk.</w:delText></w:r></w:del>` +
			`<w:r><w:rPr><w:b/><w:rPrChange w:id="3" w:author="` + docxAuthor + `"><w:rPr><w:i/></w:rPr></w:rPrChange></w:rPr><w:t>Bold now.</w:t></w:r>` +
			`<w:commentRangeStart w:id="0"/><w:r><w:t>Commented text.</w:t></w:r><w:commentRangeEnd w:id="0"/>` +
			`<w:hyperlink r:id="rId9"><w:r><w:t>local file</w:t></w:r></w:hyperlink><w:hyperlink r:id="rId10"><w:r><w:t>web page</w:t></w:r></w:hyperlink>` +
			`<w:r><w:drawing><a:blip xmlns:a="http://schemas.openxmlformats.org/drawingml/2006/main" r:embed="rId11"/></w:drawing></w:r></w:p></w:body></w:document>`,
		"word/comments.xml":            `<?xml version="1.0"?><w:comments ` + w + `><w:comment w:id="0" w:author="` + docxAuthor + `" w:initials="JW" w:date="2026-02-03T10:02:00Z"><w:p><w:r><w:t>Check this before the panel sees it.</w:t></w:r></w:p></w:comment></w:comments>`,
		"word/people.xml":              `<?xml version="1.0"?><w15:people xmlns:w15="http://schemas.microsoft.com/office/word/2012/wordml"><w15:person w15:author="` + docxAuthor + `"><w15:presenceInfo w15:providerId="AD" w15:userId="` + docxEmail + `"/></w15:person></w15:people>`,
		"word/settings.xml":            `<?xml version="1.0"?><w:settings ` + w + `><w:attachedTemplate r:id="rId1"/><w:docVars><w:docVar w:name="owner" w:val="` + docxAuthor + `"/></w:docVars><w:rsids><w:rsidRoot w:val="00A1B2C3"/></w:rsids><w:zoom w:percent="100"/></w:settings>`,
		"word/_rels/settings.xml.rels": `<?xml version="1.0"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/attachedTemplate" Target="file:///` + docxPath + `\Normal.dotm" TargetMode="External"/></Relationships>`,
		"word/_rels/document.xml.rels": `<?xml version="1.0"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">` +
			`<Relationship Id="rId5" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/comments" Target="comments.xml"/>` +
			`<Relationship Id="rId6" Type="http://schemas.microsoft.com/office/2011/relationships/people" Target="people.xml"/>` +
			`<Relationship Id="rId7" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/customXml" Target="../customXml/item1.xml"/>` +
			`<Relationship Id="rId9" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/hyperlink" Target="file:///` + docxPath + `\Desktop\notes.docx" TargetMode="External"/>` +
			`<Relationship Id="rId10" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/hyperlink" Target="https://example.org/policy" TargetMode="External"/>` +
			`<Relationship Id="rId11" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/image" Target="media/image1.jpeg"/></Relationships>`,
		"word/media/image1.jpeg":         string(jpegWithEXIF(t)),
		"customXml/item1.xml":            `<?xml version="1.0"?><meta><owner>` + docxEmail + `</owner></meta>`,
		"customXml/itemProps1.xml":       `<?xml version="1.0"?><ds:datastoreItem xmlns:ds="http://schemas.openxmlformats.org/officeDocument/2006/customXml" ds:itemID="{1}"/>`,
		"customXml/_rels/item1.xml.rels": `<?xml version="1.0"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"/>`,
	}
	for k, v := range parts {
		if v == "" {
			delete(base, k)
		} else {
			base[k] = v
		}
	}
	var buf bytes.Buffer
	zw := zip.NewWriter(&buf)
	zw.SetComment("made on " + docxPath)
	for _, name := range []string{"[Content_Types].xml", "_rels/.rels"} {
		if v, ok := base[name]; ok {
			fw, _ := zw.Create(name)
			io.WriteString(fw, v)
			delete(base, name)
		}
	}
	names := make([]string, 0, len(base))
	for name := range base {
		names = append(names, name)
	}
	sort.Strings(names) // the same bytes every time: a fuzz seed must not change
	for _, name := range names {
		v := base[name]
		fw, err := zw.Create(name)
		if err != nil {
			t.Fatal(err)
		}
		io.WriteString(fw, v)
	}
	if err := zw.Close(); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

// unzipAll returns every part of a cleaned copy by name, checking that
// the zip itself says nothing: no comment, the same time on every entry.
func unzipAll(t testing.TB, b []byte) map[string][]byte { return unzip(t, b, true) }

func unzip(t testing.TB, b []byte, cleaned bool) map[string][]byte {
	t.Helper()
	zr, err := zip.NewReader(bytes.NewReader(b), int64(len(b)))
	if err != nil {
		t.Fatalf("not a zip: %v", err)
	}
	if cleaned && zr.Comment != "" {
		t.Errorf("the copy keeps a zip comment %q", zr.Comment)
	}
	out := map[string][]byte{}
	for _, f := range zr.File {
		if cleaned && !f.Modified.Equal(docxFixedTime) {
			t.Errorf("%s keeps its time %v", f.Name, f.Modified)
		}
		rc, err := f.Open()
		if err != nil {
			t.Fatal(err)
		}
		out[f.Name], _ = io.ReadAll(rc)
		rc.Close()
	}
	return out
}

func TestStripDOCX(t *testing.T) {
	doc := testDOCX(t, nil)
	mt, out, err := StripMetadata(doc)
	if err != nil || mt != MediaDOCX {
		t.Fatalf("StripMetadata = %s, %v", mt, err)
	}
	parts := unzipAll(t, out)
	var all bytes.Buffer
	for name, b := range parts {
		all.Write(b)
		if strings.HasSuffix(name, ".xml") || strings.HasSuffix(name, ".rels") {
			dec := xml.NewDecoder(bytes.NewReader(b))
			for {
				if _, err := dec.Token(); err == io.EOF {
					break
				} else if err != nil {
					t.Errorf("%s is not well-formed after cleaning: %v\n%s", name, err, b)
					break
				}
			}
		}
	}
	text := all.String()
	for _, gone := range []string{docxAuthor, docxEmail, "jwhistle", "JW", "Secret Council", "twelve children", "2026-02-03", "rsid", "Exif", "Normal.dotm", "docVar"} {
		if strings.Contains(text, gone) {
			t.Errorf("the copy still holds %q", gone)
		}
	}
	for _, kept := range []string{"The findings were changed &amp; signed off.", "Inserted words stay.", "Bold now.", "Check this before the panel sees it.", "https://example.org/policy", `w:id="0"`, `r:embed="rId11"`} {
		if !strings.Contains(text, kept) {
			t.Errorf("the copy lost %q", kept)
		}
	}
	for _, name := range []string{"word/people.xml", "docProps/thumbnail.jpeg", "customXml/item1.xml", "customXml/itemProps1.xml"} {
		if _, ok := parts[name]; ok {
			t.Errorf("the copy keeps %s", name)
		}
	}
	for _, name := range []string{"word/document.xml", "word/comments.xml", "docProps/core.xml", "docProps/app.xml", "word/media/image1.jpeg"} {
		if _, ok := parts[name]; !ok {
			t.Errorf("the copy lost %s", name)
		}
	}
	if ct := string(parts["[Content_Types].xml"]); strings.Contains(ct, "people.xml") || strings.Contains(ct, "customXml") || !strings.Contains(ct, docxMainType) {
		t.Errorf("content types = %s", ct)
	}
	if rels := string(parts["word/_rels/document.xml.rels"]); strings.Contains(rels, "people.xml") || strings.Contains(rels, "customXml") || !strings.Contains(rels, `Target="about:blank"`) {
		t.Errorf("document relationships = %s", rels)
	}
	// Cleaning the copy again changes nothing but the pictures' bytes
	// (JPEG encoding is lossy, so it is no fixed point).
	if _, again, err := StripMetadata(out); err != nil || !sameParts(t, again, out) {
		t.Errorf("cleaning the copy again: %v", err)
	}
}

func TestStripDOCXRefuses(t *testing.T) {
	tests := []struct {
		name  string
		parts map[string]string
		want  string
	}{
		{"macros", map[string]string{"word/vbaProject.bin": "macro"}, "cannot clean (bin)"},
		{"an embedded file", map[string]string{"word/embeddings/oleObject1.bin": "ole"}, "cannot clean"},
		{"a picture in another format", map[string]string{"word/media/image2.emf": "emf"}, "cannot clean (emf)"},
		{"a picture that is not what its name says", map[string]string{"word/media/image1.jpeg": "not a jpeg"}, "picture"},
		{"not a Word document", map[string]string{"word/document.xml": ""}, "Only Word documents"},
		{"a spreadsheet", map[string]string{"[Content_Types].xml": `<Types><Override PartName="/xl/workbook.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/></Types>`}, "Only Word documents"},
		{"a DOCTYPE", map[string]string{"word/styles.xml": `<!DOCTYPE x [<!ENTITY a "b">]><x/>`}, "could not be read"},
		{"broken XML", map[string]string{"word/styles.xml": `<w:styles><w:style></w:styles>`}, "could not be read"},
		{"a path out of the package", map[string]string{"../evil.xml": "<x/>"}, "could not be read"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, _, err := StripMetadata(testDOCX(t, tt.parts))
			if vigil.ErrorCode(err) != vigil.EINVALID || !strings.Contains(vigil.ErrorMessage(err), tt.want) {
				t.Errorf("StripMetadata: %v, want EINVALID saying %q", err, tt.want)
			}
		})
	}
	if _, _, err := StripMetadata([]byte("PK\x03\x04 not really a zip")); vigil.ErrorCode(err) != vigil.EINVALID {
		t.Errorf("a broken zip: %v", err)
	}
	if _, _, err := StripMetadata([]byte("%PDF-1.7 /Author (Jane)")); vigil.ErrorCode(err) != vigil.EINVALID || !strings.Contains(vigil.ErrorMessage(err), "PDF") {
		t.Errorf("a PDF: %v", err)
	}
}

// FuzzStripDOCX feeds the document cleaner arbitrary zips: it must refuse
// or clean without panicking, and whatever it accepts is a package that
// cleans again to itself.
func FuzzStripDOCX(f *testing.F) {
	f.Add(testDOCX(f, nil))
	f.Add(testDOCX(f, map[string]string{"word/media/image1.jpeg": "", "docProps/thumbnail.jpeg": ""}))
	f.Add(testDOCX(f, map[string]string{"word/styles.xml": `<a:b xmlns:a="x"><a:c a:rsidR="1" d="&lt;&amp;"/></a:b>`}))
	f.Add([]byte("PK\x03\x04"))
	f.Fuzz(func(t *testing.T, data []byte) {
		if len(data) > MaxAttachmentSize || !isDOCX(data) {
			return
		}
		out, err := stripDOCX(data)
		if err != nil {
			if c := vigil.ErrorCode(err); c != vigil.EINVALID && c != vigil.ETOOLARGE {
				t.Fatalf("unexpected error %v", err)
			}
			return
		}
		again, err := stripDOCX(out)
		if err != nil {
			t.Fatalf("the cleaned copy is refused: %v", err)
		}
		if !sameParts(t, again, out) {
			t.Fatal("cleaning the copy again changed it")
		}
	})
}

// sameParts reports whether two packages hold the same parts, with the
// same bytes but for pictures.
func sameParts(t *testing.T, a, b []byte) bool {
	t.Helper()
	pa, pb := unzipAll(t, a), unzipAll(t, b)
	if len(pa) != len(pb) {
		return false
	}
	for name, x := range pa {
		y, ok := pb[name]
		if !ok || !strings.HasPrefix(strings.ToLower(name), "word/media/") && !bytes.Equal(x, y) {
			return false
		}
	}
	return true
}

// FuzzCleanXML feeds the XML part cleaner arbitrary text (inside a zip,
// mutations rarely pass the CRC): it refuses or cleans without panicking,
// what it writes is well-formed XML with one root and no author, date or
// revision-session attribute, and cleaning it again changes nothing.
func FuzzCleanXML(f *testing.F) {
	for _, name := range []string{"word/document.xml", "word/comments.xml", "word/settings.xml", "word/_rels/document.xml.rels", "[Content_Types].xml"} {
		f.Add(name, string(unzip(f, testDOCX(f, nil), false)[name]))
	}
	f.Add("word/x.xml", `<?xml version="1.0"?><a xmlns:w="w"><w:ins><b w:author="x"/>t&amp;&#10;</w:ins></a>`)
	f.Fuzz(func(t *testing.T, name, doc string) {
		out, err := cleanXML([]byte(doc), name)
		if err != nil {
			if vigil.ErrorCode(err) != vigil.EINVALID {
				t.Fatalf("unexpected error %v", err)
			}
			return
		}
		dec := xml.NewDecoder(bytes.NewReader(out))
		for {
			tok, err := dec.RawToken()
			if err == io.EOF {
				break
			} else if err != nil {
				t.Fatalf("the cleaned part is not well-formed: %v\n%s", err, out)
			}
			if se, ok := tok.(xml.StartElement); ok {
				for _, a := range se.Attr {
					if dropAttrs[a.Name.Local] || strings.HasPrefix(a.Name.Local, "rsid") {
						t.Fatalf("the cleaned part keeps attribute %s", a.Name.Local)
					}
				}
				if dropElems[se.Name.Local] {
					t.Fatalf("the cleaned part keeps element %s", se.Name.Local)
				}
			}
		}
		again, err := cleanXML(out, name)
		if err != nil || !bytes.Equal(again, out) {
			t.Fatalf("cleaning again: %v\n%s\n%s", err, out, again)
		}
	})
}
