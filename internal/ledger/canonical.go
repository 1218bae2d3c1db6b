package ledger

import (
	"bytes"
	"database/sql"
	"encoding/base64"
	"encoding/json"
	"fmt"
	"slices"
	"strconv"
	"strings"
	"time"
)

// Canonical encodes one database row as the state the log commits to: a JSON
// object with the columns in name order and NULL columns left out. Leaving
// out NULLs means a migration that adds a nullable column leaves every
// existing row's state, and so every commitment, unchanged.
//
// The same function encodes a row when it is written and when `vigil verify`
// reads it back, so there is one definition of a row's state, not two.
func Canonical(cols []string, vals []any) ([]byte, error) {
	idx := make([]int, len(cols))
	for i := range idx {
		idx[i] = i
	}
	slices.SortFunc(idx, func(a, b int) int { return strings.Compare(cols[a], cols[b]) })
	var buf bytes.Buffer
	buf.Grow(256)
	buf.WriteByte('{')
	first := true
	for _, i := range idx {
		v := vals[i]
		if v == nil {
			continue
		}
		if !first {
			buf.WriteByte(',')
		}
		first = false
		writeJSONString(&buf, cols[i])
		buf.WriteByte(':')
		switch x := v.(type) {
		case int64:
			buf.WriteString(strconv.FormatInt(x, 10))
		case int32:
			buf.WriteString(strconv.FormatInt(int64(x), 10))
		case int16:
			buf.WriteString(strconv.FormatInt(int64(x), 10))
		case float64:
			buf.WriteString(strconv.FormatFloat(x, 'g', -1, 64))
		case bool:
			buf.WriteString(strconv.FormatBool(x))
		case string:
			writeJSONString(&buf, x)
		case []byte:
			// Bytes are tagged so that a BLOB can never encode like a TEXT.
			buf.WriteString(`{"b64":"`)
			buf.WriteString(base64.StdEncoding.EncodeToString(x))
			buf.WriteString(`"}`)
		case time.Time:
			buf.WriteString(`"` + x.UTC().Format(time.RFC3339Nano) + `"`)
		default:
			return nil, fmt.Errorf("ledger: column %s has unsupported type %T", cols[i], v)
		}
	}
	buf.WriteByte('}')
	return buf.Bytes(), nil
}

// writeJSONString writes s as json.Marshal does; plain strings, the
// common case, are written without calling it.
func writeJSONString(buf *bytes.Buffer, s string) {
	if plainJSON(s) {
		buf.WriteByte('"')
		buf.WriteString(s)
		buf.WriteByte('"')
		return
	}
	b, _ := json.Marshal(s)
	buf.Write(b)
}

// rowState is a tracked row as the log sees it.
type rowState struct {
	id      string // the row's id column
	version int64  // the row's version column
	state   []byte // Canonical encoding of the whole row
}

// rowScanner encodes the rows of one query; it reuses its buffers from row
// to row.
type rowScanner struct {
	cols        []string
	vals, ptrs  []any
	id, version int // the id and version columns
}

func newRowScanner(rows *sql.Rows) (*rowScanner, error) {
	cols, err := rows.Columns()
	if err != nil {
		return nil, err
	}
	s := &rowScanner{cols: cols, vals: make([]any, len(cols)), ptrs: make([]any, len(cols)), id: -1, version: -1}
	for i, c := range cols {
		s.ptrs[i] = &s.vals[i]
		switch c {
		case "id":
			s.id = i
		case "version":
			s.version = i
		}
	}
	return s, nil
}

// scan encodes the current row of rows.
func (s *rowScanner) scan(rows *sql.Rows) (rowState, error) {
	clear(s.vals)
	if err := rows.Scan(s.ptrs...); err != nil {
		return rowState{}, err
	}
	r := rowState{version: -1}
	if s.version >= 0 {
		switch v := s.vals[s.version].(type) {
		case int64:
			r.version = v
		case int32:
			r.version = int64(v)
		}
	}
	if r.version < 0 {
		return rowState{}, fmt.Errorf("ledger: tracked row has no integer version column")
	}
	if s.id >= 0 {
		r.id, _ = s.vals[s.id].(string)
	}
	if r.id == "" {
		return rowState{}, fmt.Errorf("ledger: tracked row has no text id column")
	}
	var err error
	r.state, err = Canonical(s.cols, s.vals)
	return r, err
}
