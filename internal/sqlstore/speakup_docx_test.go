package sqlstore_test

import (
	"archive/zip"
	"bytes"
	"context"
	"io"
	"testing"

	"github.com/vigil-project/vigil/internal/speakup"
)

// wordDocument is a minimal .docx whose author and tracked deletion are marker.
func wordDocument(t *testing.T, marker string) []byte {
	t.Helper()
	var buf bytes.Buffer
	zw := zip.NewWriter(&buf)
	for name, body := range map[string]string{
		"[Content_Types].xml": `<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types"><Override PartName="/word/document.xml" ContentType="application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml"/></Types>`,
		"docProps/core.xml":   `<cp:coreProperties xmlns:cp="cp" xmlns:dc="dc"><dc:creator>` + marker + `</dc:creator></cp:coreProperties>`,
		"word/document.xml": `<w:document xmlns:w="w"><w:body><w:p><w:r><w:t>The minutes were rewritten.</w:t></w:r>` +
			`<w:del w:author="` + marker + `"><w:r><w:delText>` + marker + `</w:delText></w:r></w:del></w:p></w:body></w:document>`,
	} {
		w, _ := zw.Create(name)
		io.WriteString(w, body)
	}
	zw.Close()
	return buf.Bytes()
}

// TestSpeakUpWordDocument sends a Word document: the recipient opens a
// copy without its author or deleted words, the sealed original is the
// file as sent, and both hashes are in the log.
func TestSpeakUpWordDocument(t *testing.T) {
	engines(t, func(t *testing.T, e *env) {
		ctx := context.Background()
		e.speakUp(t)
		const marker = "Author-Pat-Marker"
		doc := wordDocument(t, marker)
		_, key, err := e.store.Submit(ctx, speakup.NewReport{Content: speakup.Content{Channel: speakup.ChannelYoungPerson, What: "The minutes of the meeting."},
			Attachments: []speakup.Upload{{Data: doc}}})
		if err != nil {
			t.Fatal(err)
		}
		a, k := e.unlock(t, "scrutiny")
		d, err := e.store.Open(ctx, a, k, key.ReportID)
		if err != nil || len(d.Messages) != 1 || len(d.Messages[0].Attachments) != 1 {
			t.Fatalf("open: %+v, %v", d, err)
		}
		att := d.Messages[0].Attachments[0]
		if att.MediaType != speakup.MediaDOCX || att.Name != "document-1-1.docx" {
			t.Errorf("attachment = %+v", att)
		}
		_, cp, err := e.store.File(ctx, a, k, key.ReportID, att.ID, false)
		if err != nil {
			t.Fatal(err)
		}
		zr, err := zip.NewReader(bytes.NewReader(cp), int64(len(cp)))
		if err != nil {
			t.Fatal(err)
		}
		for _, f := range zr.File {
			rc, _ := f.Open()
			b, _ := io.ReadAll(rc)
			rc.Close()
			if bytes.Contains(b, []byte(marker)) {
				t.Errorf("the copy's %s still names the author", f.Name)
			}
		}
		_, orig, err := e.store.File(ctx, a, k, key.ReportID, att.ID, true)
		if err != nil || !bytes.Equal(orig, doc) || speakup.Hash(orig) != att.OriginalSHA256 || speakup.Hash(cp) != att.CopySHA256 {
			t.Errorf("the sealed original or the hashes do not match: %v", err)
		}
		if k := e.logKinds(t, string(att.ID)); count(k, "speakup.attachment_added") != 1 {
			t.Errorf("attachment log = %v", k)
		}
		e.verify(t)
	})
}
