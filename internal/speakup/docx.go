package speakup

import (
	"archive/zip"
	"bytes"
	"encoding/xml"
	"fmt"
	"io"
	"path"
	"strings"
	"time"

	"github.com/vigil-project/vigil"
)

// Word documents (.docx, Office Open XML, ECMA-376 / ISO/IEC 29500) are a
// zip of XML parts, which the standard library reads (archive/zip,
// encoding/xml). Vigil rebuilds the package from what it understands and
// refuses the rest, rather than deleting what it knows to be dangerous
// and keeping whatever else comes:
//
//   - Only XML parts, relationships and JPEG or PNG pictures are taken; a
//     document with anything else (macros, embedded files or OLE
//     objects, ActiveX, fonts, pictures in other formats) is refused.
//   - The document properties (docProps/core.xml: author, last modified
//     by, dates, title; app.xml: company, manager, template, editing
//     time; custom.xml) are replaced with empty ones; the thumbnail, the
//     list of people who edited or commented (word/people.xml, with their
//     account ids) and custom XML data (customXml/, often SharePoint
//     metadata) are dropped with the relationships to them.
//   - In every XML part: the author, initials, date and account of each
//     comment and tracked change are removed, and so are revision-session
//     ids (rsid); tracked changes are accepted (insertions kept, deletions
//     and old formatting dropped), so that deleted words do not travel
//     hidden in the copy; the attached template's path, document
//     variables, mail-merge sources and data bindings are removed; XML
//     comments are dropped. Comments' words are kept, without who wrote them.
//   - A link to a local file (file:// and other non-web targets, which
//     name folders and often the person) is pointed at nothing.
//   - Pictures are decoded and encoded afresh, as photos are; the zip is
//     written anew, with a fixed time on every entry and no comment.
//
// The sealed original is kept, as sent, beside the cleaned copy. PDF is
// still refused: its metadata sits in the document information
// dictionary, XMP streams, per-page and per-image metadata, and in earlier
// revisions that incremental updates keep inside the file, and cleaning it
// soundly takes a full PDF parser and writer, which the standard library
// does not have.

// MediaDOCX is the media type of Word documents.
const MediaDOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"

// Limits of a document, against zip bombs and pathological XML.
const (
	maxDocxParts    = 500
	maxDocxUnzipped = 40 << 20
	maxXMLDepth     = 256
)

var zipMagic = []byte("PK\x03\x04")

const docxMainType = "application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml"

// docxFixedTime is the time written on every entry of a cleaned document.
var docxFixedTime = time.Date(1980, 1, 1, 0, 0, 0, 0, time.UTC)

// Replacements for the document properties: valid, and empty.
var emptyProps = map[string]string{
	"docprops/core.xml": `<?xml version="1.0" encoding="UTF-8" standalone="yes"?>` + "\n" +
		`<cp:coreProperties xmlns:cp="http://schemas.openxmlformats.org/package/2006/metadata/core-properties" xmlns:dc="http://purl.org/dc/elements/1.1/" xmlns:dcterms="http://purl.org/dc/terms/" xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance"></cp:coreProperties>`,
	"docprops/app.xml": `<?xml version="1.0" encoding="UTF-8" standalone="yes"?>` + "\n" +
		`<Properties xmlns="http://schemas.openxmlformats.org/officeDocument/2006/extended-properties"></Properties>`,
	"docprops/custom.xml": `<?xml version="1.0" encoding="UTF-8" standalone="yes"?>` + "\n" +
		`<Properties xmlns="http://schemas.openxmlformats.org/officeDocument/2006/custom-properties" xmlns:vt="http://schemas.openxmlformats.org/officeDocument/2006/docPropsVTypes"></Properties>`,
}

// dropPart reports whether a part (lower-case name) is left out of the copy.
func dropPart(name string) bool {
	return strings.HasPrefix(name, "customxml/") || strings.HasPrefix(name, "docprops/thumbnail") || name == "word/people.xml"
}

// Attributes removed from every element, by local name: who and when.
var dropAttrs = map[string]bool{"author": true, "initials": true, "date": true, "dateUtc": true, "userId": true, "providerId": true}

// Elements removed with everything in them, by local name: deleted and
// moved-away text, the history of formatting, and settings that hold
// paths, variables or identities.
var dropElems = map[string]bool{"del": true, "moveFrom": true, "rPrChange": true, "pPrChange": true, "sectPrChange": true,
	"tblPrChange": true, "tblPrExChange": true, "trPrChange": true, "tcPrChange": true, "tblGridChange": true, "numberingChange": true,
	"cellDel": true, "customXmlDelRangeStart": true, "customXmlDelRangeEnd": true, "customXmlMoveFromRangeStart": true, "customXmlMoveFromRangeEnd": true,
	"moveFromRangeStart": true, "moveFromRangeEnd": true,
	"rsids": true, "attachedTemplate": true, "docVars": true, "mailMerge": true, "presenceInfo": true, "dataBinding": true}

// Elements unwrapped (their children kept): accepted insertions and moves.
var unwrapElems = map[string]bool{"ins": true, "moveTo": true, "cellIns": true}

func docxError(format string, args ...any) error {
	return attachmentError(vigil.EINVALID, format, args...)
}

var errDocxDamaged = docxError("The Word document could not be read. It may be damaged; try saving it again as a .docx file.")

// stripDOCX returns a copy of a Word document without its metadata (see
// above), or an error saying why it is refused.
func stripDOCX(data []byte) ([]byte, error) {
	zr, err := zip.NewReader(bytes.NewReader(data), int64(len(data)))
	if err != nil {
		return nil, errDocxDamaged
	}
	if len(zr.File) > maxDocxParts {
		return nil, docxError("The Word document has too many parts to check.")
	}
	parts := map[string][]byte{}
	var order []string
	var total uint64
	for _, f := range zr.File {
		name := f.Name
		lower := strings.ToLower(name)
		if name == "" || strings.HasSuffix(name, "/") {
			continue // a folder entry
		}
		if strings.HasPrefix(name, "/") || strings.Contains(name, "\\") || path.Clean(name) != name || strings.HasPrefix(name, "../") {
			return nil, errDocxDamaged
		}
		if _, dup := parts[lower]; dup {
			return nil, errDocxDamaged
		}
		if total += f.UncompressedSize64; total > maxDocxUnzipped || f.UncompressedSize64 > maxDocxUnzipped {
			return nil, attachmentError(vigil.ETOOLARGE, "The Word document is too big once unpacked.")
		}
		rc, err := f.Open()
		if err != nil {
			return nil, errDocxDamaged
		}
		b, err := io.ReadAll(io.LimitReader(rc, maxDocxUnzipped+1))
		rc.Close()
		if err != nil || uint64(len(b)) > f.UncompressedSize64 || len(b) > maxDocxUnzipped {
			return nil, errDocxDamaged
		}
		parts[lower] = b
		order = append(order, name)
	}
	ct, ok := parts["[content_types].xml"]
	if !ok || parts["word/document.xml"] == nil || !bytes.Contains(ct, []byte(docxMainType)) {
		return nil, docxError("Only Word documents (.docx) can be attached, besides photos. Save the file as a Word document and try again.")
	}

	var out bytes.Buffer
	zw := zip.NewWriter(&out)
	for _, name := range order {
		lower := strings.ToLower(name)
		b := parts[lower]
		switch ext := path.Ext(lower); {
		case dropPart(lower):
			continue
		case emptyProps[lower] != "":
			b = []byte(emptyProps[lower])
		case strings.HasPrefix(lower, "word/media/") && (ext == ".jpeg" || ext == ".jpg" || ext == ".png"):
			mt, clean, err := stripImage(b)
			if err != nil || (mt == MediaPNG) != (ext == ".png") {
				return nil, docxError("A picture in the Word document could not be cleaned. Remove the pictures, or send them as photos, and try again.")
			}
			b = clean
		case ext == ".xml" || ext == ".rels":
			if b, err = cleanXML(b, lower); err != nil {
				return nil, err
			}
		default:
			return nil, docxError("The Word document holds something we cannot clean (%s), such as an embedded file, a macro, a font or a picture that is not JPEG or PNG. Copy the words into a new document, or into your message, and try again.", strings.TrimPrefix(ext, "."))
		}
		w, err := zw.CreateHeader(&zip.FileHeader{Name: name, Method: zip.Deflate, Modified: docxFixedTime})
		if err != nil {
			return nil, fmt.Errorf("speakup: write document: %w", err)
		}
		if _, err := w.Write(b); err != nil {
			return nil, fmt.Errorf("speakup: write document: %w", err)
		}
	}
	if err := zw.Close(); err != nil {
		return nil, fmt.Errorf("speakup: write document: %w", err)
	}
	return out.Bytes(), nil
}

// cleanXML rewrites one XML part token by token, keeping its prefixes
// exactly (encoding/xml's RawToken does not resolve namespaces, so
// nothing is renamed), and applying the rules above; relationship and
// content-type parts also lose their entries for dropped parts.
func cleanXML(b []byte, name string) ([]byte, error) {
	dec := xml.NewDecoder(bytes.NewReader(b))
	dec.Strict = true
	var out bytes.Buffer
	var stack []xml.Name // open elements as written, or skipped
	skipping := 0        // depth inside a dropped element
	type frame struct{ unwrap bool }
	var frames []frame
	roots := 0
	for {
		tok, err := dec.RawToken()
		if err == io.EOF {
			break
		} else if err != nil {
			return nil, errDocxDamaged
		}
		switch t := tok.(type) {
		case xml.StartElement:
			if len(frames) >= maxXMLDepth {
				return nil, errDocxDamaged
			}
			if len(frames) == 0 {
				// Exactly one root, kept as it is: a part whose root
				// would be dropped or unwrapped is not a part we know.
				if roots++; roots > 1 || dropElems[t.Name.Local] || unwrapElems[t.Name.Local] || dropRelation(name, t) {
					return nil, errDocxDamaged
				}
			}
			stack = append(stack, t.Name)
			if skipping > 0 || dropElems[t.Name.Local] || dropRelation(name, t) {
				skipping++
				frames = append(frames, frame{})
				continue
			}
			if unwrapElems[t.Name.Local] {
				frames = append(frames, frame{unwrap: true})
				continue
			}
			frames = append(frames, frame{})
			out.WriteByte('<')
			out.WriteString(qname(t.Name))
			for _, a := range t.Attr {
				if dropAttrs[a.Name.Local] || strings.HasPrefix(a.Name.Local, "rsid") {
					continue
				}
				if a.Name.Local == "Target" && strings.HasSuffix(name, ".rels") && external(t) && !webLink(a.Value) {
					a.Value = "about:blank"
				}
				out.WriteByte(' ')
				out.WriteString(qname(a.Name))
				out.WriteString(`="`)
				xml.EscapeText(&out, []byte(a.Value))
				out.WriteByte('"')
			}
			out.WriteByte('>')
		case xml.EndElement:
			if len(frames) == 0 || stack[len(stack)-1] != t.Name {
				return nil, errDocxDamaged
			}
			f := frames[len(frames)-1]
			frames, stack = frames[:len(frames)-1], stack[:len(stack)-1]
			if skipping > 0 {
				skipping--
				continue
			}
			if !f.unwrap {
				out.WriteString("</" + qname(t.Name) + ">")
			}
		case xml.CharData:
			// Outside the root element only white space may stand, and a
			// character reference may not: it is dropped.
			if skipping == 0 && len(frames) > 0 {
				xml.EscapeText(&out, t)
			}
		case xml.ProcInst:
			if t.Target == "xml" && out.Len() == 0 {
				out.WriteString(`<?xml version="1.0" encoding="UTF-8" standalone="yes"?>` + "\n")
			}
		case xml.Directive:
			return nil, errDocxDamaged // a DOCTYPE has no place in a document part
		case xml.Comment:
			// dropped: comments can hold anything
		}
	}
	if len(frames) != 0 || roots != 1 {
		return nil, errDocxDamaged
	}
	return out.Bytes(), nil
}

func qname(n xml.Name) string {
	if n.Space == "" {
		return n.Local
	}
	return n.Space + ":" + n.Local
}

func attr(t xml.StartElement, local string) string {
	for _, a := range t.Attr {
		if a.Name.Local == local {
			return a.Value
		}
	}
	return ""
}

func external(t xml.StartElement) bool { return strings.EqualFold(attr(t, "TargetMode"), "External") }

func webLink(target string) bool {
	l := strings.ToLower(strings.TrimSpace(target))
	return strings.HasPrefix(l, "http://") || strings.HasPrefix(l, "https://") || strings.HasPrefix(l, "mailto:")
}

// dropRelation reports whether an element of a relationships or
// content-types part points at a dropped part, or at the template the
// document was made from (a path on someone's computer).
func dropRelation(name string, t xml.StartElement) bool {
	switch {
	case strings.HasSuffix(name, ".rels") && t.Name.Local == "Relationship":
		if strings.HasSuffix(attr(t, "Type"), "/attachedTemplate") {
			return true
		}
		if external(t) {
			return false
		}
		target := strings.ToLower(attr(t, "Target"))
		if !strings.HasPrefix(target, "/") {
			dir := path.Dir(strings.TrimSuffix(strings.Replace(name, "_rels/", "", 1), ".rels"))
			target = path.Join(dir, target)
		}
		return dropPart(strings.TrimPrefix(path.Clean(target), "/"))
	case name == "[content_types].xml" && t.Name.Local == "Override":
		return dropPart(strings.ToLower(strings.TrimPrefix(attr(t, "PartName"), "/")))
	}
	return false
}

// isDOCX reports whether data looks like a zip; StripMetadata then
// decides whether it is a Word document.
func isDOCX(data []byte) bool { return bytes.HasPrefix(data, zipMagic) }
