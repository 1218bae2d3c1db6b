package speakup

import (
	"bytes"
	"fmt"
	"image"
	"image/jpeg"
	"image/png"

	"github.com/vigil-project/vigil"
)

// Attachments are kept twice, both encrypted: the sealed original, exactly
// as sent, as evidence; and a copy with its metadata stripped, which is
// what recipients open day to day. A photo's metadata can name the phone,
// the owner, the place and the time it was taken: enough to unmask a
// whistle-blower. Vigil strips it by decoding the image and encoding the
// pixels afresh (image/jpeg, image/png), which keeps nothing but pixels:
// no EXIF, XMP, IPTC, ICC profile, comments or text chunks.
//
// JPEG and PNG photos are taken, and Word documents (.docx), which are
// rebuilt without their metadata (see docx.go). Other documents (PDF,
// OpenDocument, older Word files) carry metadata in places Vigil cannot
// clean soundly with the standard library, so they are refused with
// advice to paste the text or photograph the page instead. The EXIF
// orientation is lost with the metadata, so a stripped copy may show
// turned on its side.

// Attachment limits.
const (
	// MaxAttachmentSize bounds one file as sent.
	MaxAttachmentSize = 5 << 20
	// MaxAttachments bounds the files sent with one message.
	MaxAttachments = 3
	// MaxPixels bounds an image's width times height, so that a small
	// file that decodes to a vast image (a decompression bomb) is refused
	// before it is decoded.
	MaxPixels = 16_000_000
)

// Upload is a file as sent.
type Upload struct {
	Data []byte
}

// Media types of attachments.
const (
	MediaJPEG = "image/jpeg"
	MediaPNG  = "image/png"
)

var (
	jpegMagic = []byte{0xFF, 0xD8, 0xFF}
	pngMagic  = []byte("\x89PNG\r\n\x1a\n")
)

func attachmentError(code, format string, args ...any) error {
	msg := fmt.Sprintf(format, args...)
	return &vigil.Error{Code: code, Message: msg, Fields: []vigil.FieldError{{Field: "attachment", Message: msg}}}
}

// StripMetadata checks an attachment and returns its media type and a copy
// with every piece of metadata removed. The type is read from the file's
// first bytes, never from its name or the browser's word. Returns
// ETOOLARGE for a file over MaxAttachmentSize or MaxPixels, EINVALID for
// a type that is not taken or a file that does not decode.
func StripMetadata(data []byte) (mediaType string, stripped []byte, err error) {
	switch {
	case len(data) == 0:
		return "", nil, attachmentError(vigil.EINVALID, "The file is empty. Choose the photo again.")
	case len(data) > MaxAttachmentSize:
		return "", nil, attachmentError(vigil.ETOOLARGE, "The file must be smaller than %d MB.", MaxAttachmentSize>>20)
	case isDOCX(data):
		stripped, err := stripDOCX(data)
		if err != nil {
			return "", nil, err
		}
		return MediaDOCX, stripped, nil
	}
	return stripImage(data)
}

// stripImage is StripMetadata for photos.
func stripImage(data []byte) (mediaType string, stripped []byte, err error) {
	switch {
	case bytes.HasPrefix(data, jpegMagic):
		mediaType = MediaJPEG
	case bytes.HasPrefix(data, pngMagic):
		mediaType = MediaPNG
	default:
		return "", nil, attachmentError(vigil.EINVALID, "You can only attach photos (JPEG or PNG) and Word documents (.docx). Other files, such as PDFs, can hide your name and other details that we cannot remove, so copy the words into your message or take a photo of the page instead.")
	}
	cfg, format, err := image.DecodeConfig(bytes.NewReader(data))
	if err != nil || !(format == "jpeg" && mediaType == MediaJPEG || format == "png" && mediaType == MediaPNG) {
		return "", nil, attachmentError(vigil.EINVALID, "The photo could not be read. It may be damaged; try saving it again.")
	}
	if cfg.Width <= 0 || cfg.Height <= 0 || int64(cfg.Width)*int64(cfg.Height) > MaxPixels {
		return "", nil, attachmentError(vigil.ETOOLARGE, "The photo is too big. Make it smaller than %d megapixels and try again.", MaxPixels/1_000_000)
	}
	var img image.Image
	if mediaType == MediaJPEG {
		img, err = jpeg.Decode(bytes.NewReader(data))
	} else {
		img, err = png.Decode(bytes.NewReader(data))
	}
	if err != nil {
		return "", nil, attachmentError(vigil.EINVALID, "The photo could not be read. It may be damaged; try saving it again.")
	}
	var out bytes.Buffer
	if mediaType == MediaJPEG {
		err = jpeg.Encode(&out, img, &jpeg.Options{Quality: 90})
	} else {
		err = (&png.Encoder{CompressionLevel: png.DefaultCompression}).Encode(&out, img)
	}
	if err != nil {
		return "", nil, fmt.Errorf("speakup: re-encode attachment: %w", err)
	}
	return mediaType, out.Bytes(), nil
}

// Extension is the file extension of a media type.
func Extension(mediaType string) string {
	switch mediaType {
	case MediaPNG:
		return ".png"
	case MediaDOCX:
		return ".docx"
	}
	return ".jpg"
}
