package link

import (
	"bufio"
	"encoding/csv"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strconv"
	"strings"

	"github.com/vigil-project/vigil"
)

// Columns are the header names ReadCSV understands; others are ignored.
var Columns = []string{"id", "given_name", "family_name", "full_name", "dob", "gender", "address", "locality", "postcode", "phone", "email", "identifier"}

// ReadCSV reads person mentions from a CSV file with a header row. Columns
// are found by name, ignoring case, surrounding spaces and the difference
// between "given name", "given-name" and "given_name". Only id is required;
// ids must be unique and not empty. Errors are *vigil.Error with code
// EINVALID and a message that names the file and line.
func ReadCSV(path string) ([]Mention, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, vigil.Errorf(vigil.EINVALID, "cannot read %s: %v", path, unwrapPath(err))
	}
	defer f.Close()
	ms, err := readCSV(bufio.NewReaderSize(f, 1<<16), filepath.Base(path))
	if err != nil {
		return nil, err
	}
	return ms, nil
}

func unwrapPath(err error) error {
	var pe *os.PathError
	if errors.As(err, &pe) {
		return pe.Err
	}
	return err
}

func readCSV(r io.Reader, name string) ([]Mention, error) {
	cr := csv.NewReader(r)
	cr.FieldsPerRecord = -1
	cr.TrimLeadingSpace = true
	cr.ReuseRecord = true
	header, err := cr.Read()
	if err == io.EOF {
		return nil, vigil.Errorf(vigil.EINVALID, "%s is empty: it needs a header row naming its columns, one of them id", name)
	}
	if err != nil {
		return nil, vigil.Errorf(vigil.EINVALID, "%s is not readable as CSV: %v", name, err)
	}
	col := map[string]int{}
	for i, h := range header {
		h = strings.ToLower(strings.TrimSpace(strings.TrimPrefix(h, "\ufeff")))
		h = strings.NewReplacer(" ", "_", "-", "_").Replace(h)
		if !contains(Columns, h) {
			continue
		}
		if _, dup := col[h]; dup {
			return nil, vigil.Errorf(vigil.EINVALID, "%s names the column %s twice in its header", name, h)
		}
		col[h] = i
	}
	if _, ok := col["id"]; !ok {
		return nil, vigil.Errorf(vigil.EINVALID, "%s has no id column: its header must name one (found %s; understood columns are %s)",
			name, strings.Join(header, ", "), strings.Join(Columns, ", "))
	}
	get := func(row []string, c string) string {
		if i, ok := col[c]; ok && i < len(row) {
			return strings.TrimSpace(row[i])
		}
		return ""
	}
	var ms []Mention
	seen := map[string]int{}
	for {
		row, err := cr.Read()
		if err == io.EOF {
			break
		}
		line, _ := cr.FieldPos(0)
		if err != nil {
			return nil, vigil.Errorf(vigil.EINVALID, "%s is not readable as CSV: %v", name, err)
		}
		if len(row) == 1 && row[0] == "" {
			continue // a blank line
		}
		m := Mention{
			ID: get(row, "id"), GivenName: get(row, "given_name"), FamilyName: get(row, "family_name"),
			FullName: get(row, "full_name"), DOB: get(row, "dob"), Gender: get(row, "gender"),
			Address: get(row, "address"), Locality: get(row, "locality"), Postcode: get(row, "postcode"),
			Phone: get(row, "phone"), Email: get(row, "email"), Identifier: get(row, "identifier"),
		}
		if m.ID == "" {
			return nil, vigil.Errorf(vigil.EINVALID, "%s line %d has an empty id: every row needs one", name, line)
		}
		if first, dup := seen[m.ID]; dup {
			return nil, vigil.Errorf(vigil.EINVALID, "%s line %d repeats the id %q of line %d: ids must be unique", name, line, m.ID, first)
		}
		seen[m.ID] = line
		ms = append(ms, m)
	}
	return ms, nil
}

// WritePairs writes pairs as CSV with the header id_l,id_r,match_probability,
// taking ids from left and right (the same slice when deduplicating).
func WritePairs(w io.Writer, left, right []Mention, pairs []Pair) error {
	bw := bufio.NewWriter(w)
	cw := csv.NewWriter(bw)
	if err := cw.Write([]string{"id_l", "id_r", "match_probability"}); err != nil {
		return err
	}
	for _, p := range pairs {
		if err := cw.Write([]string{left[p.L].ID, right[p.R].ID, strconv.FormatFloat(p.Probability, 'f', 6, 64)}); err != nil {
			return err
		}
	}
	cw.Flush()
	if err := cw.Error(); err != nil {
		return fmt.Errorf("writing pairs: %w", err)
	}
	return bw.Flush()
}
