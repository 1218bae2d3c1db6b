package api

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"mime"
	"net/http"
	"reflect"
	"strings"

	"github.com/vigil-project/vigil"
)

// maxBodyBytes bounds a request body. The longest concern the domain
// accepts (20,000 characters of what happened, at up to 4 bytes each, and
// its other fields) fits well within it.
const maxBodyBytes = 1 << 20

// readBody returns the body of a JSON request, after checking its media
// type and size. Its errors are *vigil.Error: ETOOLARGE past maxBodyBytes,
// vigil.EMEDIATYPE for anything but JSON, EINVALID otherwise.
func readBody(w http.ResponseWriter, r *http.Request) ([]byte, error) {
	mt, params, err := mime.ParseMediaType(r.Header.Get("Content-Type"))
	charset, hasCharset := params["charset"]
	if err != nil || mt != "application/json" || hasCharset && !strings.EqualFold(charset, "utf-8") {
		return nil, vigil.Errorf(vigil.EMEDIATYPE, "Send the request body as JSON in UTF-8, with the header Content-Type: application/json.")
	}
	// We decode no content codings; a compressed body would only fail later as bad JSON.
	if ce := r.Header.Get("Content-Encoding"); ce != "" && !strings.EqualFold(ce, "identity") {
		return nil, vigil.Errorf(vigil.EMEDIATYPE, "Send the request body uncompressed, without a Content-Encoding header.")
	}
	if r.ContentLength > maxBodyBytes {
		return nil, errTooLarge
	}
	data, err := io.ReadAll(http.MaxBytesReader(w, r.Body, maxBodyBytes))
	var tooLarge *http.MaxBytesError
	switch {
	case errors.As(err, &tooLarge):
		return nil, errTooLarge
	case err != nil:
		return nil, vigil.Errorf(vigil.EINVALID, "The request body could not be read in full; send it again.")
	}
	return data, nil
}

var errTooLarge = vigil.Errorf(vigil.ETOOLARGE, "The request body is larger than 1 MiB. Shorten it, and attach long accounts to the case afterwards.")

// decodeJSON decodes one JSON object from data into v, a pointer to a
// struct, strictly: names must match the struct's json tags exactly, each
// at most once, and nothing may follow the object. encoding/json alone
// matches names without regard to case and lets a repeated name win
// silently, so that {"what_happened": "a", "What_Happened": "b"} would
// record "b"; a record of a concern must hold exactly what was sent.
//
// Every error is a *vigil.Error with code EINVALID and, where one field is
// at fault, a field error naming it by its dotted JSON path (child.age).
func decodeJSON(data []byte, v any) error {
	if len(bytes.TrimSpace(data)) == 0 {
		return vigil.Errorf(vigil.EINVALID, "The request body is empty; send a JSON object.")
	}
	c := &shapeChecker{data: data, dec: json.NewDecoder(bytes.NewReader(data))}
	if err := c.top(reflect.TypeOf(v).Elem()); err != nil {
		return err
	}
	// The shape is right; what is left to find is a value of the wrong type.
	dec := json.NewDecoder(bytes.NewReader(data))
	dec.DisallowUnknownFields() // the checker has refused them already; this is a second lock
	if err := dec.Decode(v); err != nil {
		var te *json.UnmarshalTypeError
		if errors.As(err, &te) && te.Field != "" {
			return fieldError(te.Field, "%s must be %s, not %s.", te.Field, describeKind(te.Type), te.Value)
		}
		return c.syntaxError(err)
	}
	return nil
}

// shapeChecker walks the JSON tokens of a body against the struct it is
// to be decoded into. It descends only into fields whose type is a struct
// or a map, so its depth is bounded by the request type, not by the input.
type shapeChecker struct {
	data []byte
	dec  *json.Decoder
}

func (c *shapeChecker) top(t reflect.Type) error {
	tok, err := c.dec.Token()
	if err != nil {
		return c.syntaxError(err)
	}
	if tok != json.Delim('{') {
		return vigil.Errorf(vigil.EINVALID, "The request body must be a JSON object, in braces { }.")
	}
	if err := c.object("", t); err != nil {
		return err
	}
	off := c.dec.InputOffset()
	if _, err := c.dec.Token(); err != io.EOF {
		rest := c.data[off:]
		line, col := position(c.data, off+int64(len(rest)-len(bytes.TrimLeft(rest, " \t\r\n"))))
		return vigil.Errorf(vigil.EINVALID, "The request body has more data after the JSON object, from line %d, column %d; send exactly one object.", line, col)
	}
	return nil
}

// object checks the members of an object whose '{' has been read.
func (c *shapeChecker) object(prefix string, t reflect.Type) error {
	fields := jsonFields(t)
	seen := map[string]bool{}
	for c.dec.More() {
		tok, err := c.dec.Token()
		if err != nil {
			return c.syntaxError(err)
		}
		key, _ := tok.(string) // in key position the decoder yields only strings
		name := prefix + key
		ft, known := fields[key]
		switch {
		case !known:
			return unknownField(prefix, key, fields)
		case seen[key]:
			return fieldError(name, "The field %s appears more than once; send it once.", name)
		}
		seen[key] = true
		if err := c.value(name, ft); err != nil {
			return err
		}
	}
	if _, err := c.dec.Token(); err != nil { // the closing '}'
		return c.syntaxError(err)
	}
	return nil
}

// value checks one member's value: objects bound for a struct or a map are
// walked; anything else is only read through, its type left to the decoder.
func (c *shapeChecker) value(name string, t reflect.Type) error {
	for t.Kind() == reflect.Pointer {
		t = t.Elem()
	}
	if t.Kind() != reflect.Struct && t.Kind() != reflect.Map {
		return c.skip()
	}
	tok, err := c.dec.Token()
	if err != nil {
		return c.syntaxError(err)
	}
	switch tok {
	case json.Delim('{'):
		if t.Kind() == reflect.Map {
			return c.mapObject(name+".", t)
		}
		return c.object(name+".", t)
	case json.Delim('['):
		// The decoder will refuse an array here; read past it first.
		for c.dec.More() {
			if err := c.skip(); err != nil {
				return err
			}
		}
		if _, err := c.dec.Token(); err != nil {
			return c.syntaxError(err)
		}
	}
	return nil
}

// mapObject checks the members of an object bound for a map, whose '{'
// has been read: any name is allowed, but only once, because encoding/json
// would let a repeated name win silently ({"missing": "high", "missing":
// "low"} would record low). A value of the wrong type is refused here,
// because encoding/json names only the map, not the member, in its error.
func (c *shapeChecker) mapObject(prefix string, t reflect.Type) error {
	seen := map[string]bool{}
	elem := t.Elem()
	for elem.Kind() == reflect.Pointer {
		elem = elem.Elem()
	}
	for c.dec.More() {
		tok, err := c.dec.Token()
		if err != nil {
			return c.syntaxError(err)
		}
		key, _ := tok.(string)
		name := prefix + clip(key)
		if seen[key] {
			return fieldError(name, "The field %s appears more than once; send it once.", name)
		}
		seen[key] = true
		if elem.Kind() == reflect.Struct || elem.Kind() == reflect.Map {
			if err := c.value(name, elem); err != nil {
				return err
			}
			continue
		}
		var raw json.RawMessage
		if err := c.dec.Decode(&raw); err != nil {
			return c.syntaxError(err)
		}
		var te *json.UnmarshalTypeError
		if err := json.Unmarshal(raw, reflect.New(elem).Interface()); errors.As(err, &te) {
			return fieldError(name, "%s must be %s, not %s.", name, describeKind(elem), te.Value)
		}
	}
	if _, err := c.dec.Token(); err != nil { // the closing '}'
		return c.syntaxError(err)
	}
	return nil
}

// skip reads one value of any shape. encoding/json bounds its nesting, so
// a body of a million '[' cannot exhaust the stack.
func (c *shapeChecker) skip() error {
	var raw json.RawMessage
	if err := c.dec.Decode(&raw); err != nil {
		return c.syntaxError(err)
	}
	return nil
}

// syntaxError describes malformed JSON with where it went wrong, so that a
// developer can find the fault in what their system sent.
func (c *shapeChecker) syntaxError(err error) error {
	var se *json.SyntaxError
	switch {
	case errors.As(err, &se):
		// A Decoder's offsets go wrong once Token has been called, so
		// locate the fault by reading the body afresh as one value.
		var raw json.RawMessage
		var fresh *json.SyntaxError
		if errors.As(json.NewDecoder(bytes.NewReader(c.data)).Decode(&raw), &fresh) {
			se = fresh
		}
		line, col := position(c.data, se.Offset-1) // Offset counts the bytes read, the bad one included
		return vigil.Errorf(vigil.EINVALID, "The request body is not valid JSON: %s, at line %d, column %d.", se.Error(), line, col)
	case errors.Is(err, io.ErrUnexpectedEOF), errors.Is(err, io.EOF):
		return vigil.Errorf(vigil.EINVALID, "The request body ends before its JSON is complete.")
	}
	return vigil.Errorf(vigil.EINVALID, "The request body is not valid JSON.")
}

// position returns the 1-based line and column (in bytes) of data[i].
func position(data []byte, i int64) (line, col int) {
	i = max(0, min(i, int64(len(data))))
	before := data[:i]
	line = 1 + bytes.Count(before, []byte("\n"))
	col = int(i) - bytes.LastIndexByte(before, '\n')
	return line, col
}

// jsonFields maps the JSON names of a struct's fields to their types.
// Request types are plain structs: no embedding, no options beyond the name.
func jsonFields(t reflect.Type) map[string]reflect.Type {
	m := map[string]reflect.Type{}
	for f := range t.Fields() {
		name, _, _ := strings.Cut(f.Tag.Get("json"), ",")
		if f.IsExported() && name != "" && name != "-" {
			m[name] = f.Type
		}
	}
	return m
}

func unknownField(prefix, key string, fields map[string]reflect.Type) error {
	if key == "" {
		// No path can name it, so it is not a field error.
		return vigil.Errorf(vigil.EINVALID, "The request body has a field with an empty name; remove it.")
	}
	name := prefix + clip(key)
	for known := range fields {
		if strings.EqualFold(known, key) {
			return fieldError(name, "Unknown field %s: field names are case-sensitive; did you mean %s%s?", name, prefix, known)
		}
	}
	return fieldError(name, "Unknown field %s: remove it, or check its name against the API description.", name)
}

func fieldError(field, format string, args ...any) error {
	msg := fmt.Sprintf(format, args...)
	return &vigil.Error{Code: vigil.EINVALID, Message: msg, Fields: []vigil.FieldError{{Field: field, Message: msg}}}
}

// describeKind names a Go type the way the API description does.
func describeKind(t reflect.Type) string {
	for t.Kind() == reflect.Pointer {
		t = t.Elem()
	}
	switch t.Kind() {
	case reflect.String:
		return "a string"
	case reflect.Int, reflect.Int8, reflect.Int16, reflect.Int32, reflect.Int64,
		reflect.Uint, reflect.Uint8, reflect.Uint16, reflect.Uint32, reflect.Uint64:
		return "a whole number"
	case reflect.Bool:
		return "true or false"
	case reflect.Struct, reflect.Map:
		return "an object"
	case reflect.Slice, reflect.Array:
		return "an array"
	}
	return "a " + t.Kind().String()
}
