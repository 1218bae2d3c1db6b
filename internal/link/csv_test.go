package link

import (
	"bytes"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/vigil-project/vigil"
)

func writeFile(t *testing.T, content string) string {
	t.Helper()
	p := filepath.Join(t.TempDir(), "people.csv")
	if err := os.WriteFile(p, []byte(content), 0o600); err != nil {
		t.Fatal(err)
	}
	return p
}

func TestReadCSV(t *testing.T) {
	p := writeFile(t, "\ufeffID, Given Name,family-name,DOB,Postcode,shoe_size\nc1,Kayla,Harrington,2009-03-14,S60 1AA,5\nc2,\"Smith, Jo\",,,,\n\n")
	got, err := ReadCSV(p)
	if err != nil {
		t.Fatal(err)
	}
	want := []Mention{
		{ID: "c1", GivenName: "Kayla", FamilyName: "Harrington", DOB: "2009-03-14", Postcode: "S60 1AA"},
		{ID: "c2", GivenName: "Smith, Jo"},
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("ReadCSV (-want +got):\n%s", diff)
	}
}

func TestReadCSVErrors(t *testing.T) {
	tests := []struct {
		name, content, want string
	}{
		{"no id column", "name,dob\nKayla,2009\n", "has no id column"},
		{"empty file", "", "is empty"},
		{"duplicate id", "id,given_name\na,Kayla\nb,Jo\na,Sam\n", `line 4 repeats the id "a" of line 2`},
		{"empty id", "id,given_name\n,Kayla\n", "line 2 has an empty id"},
		{"column twice", "id,dob,DOB\na,2009,2010\n", "names the column dob twice"},
		{"bad quoting", "id,given_name\na,\"Kay\"la\n", "not readable as CSV"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := ReadCSV(writeFile(t, tt.content))
			if err == nil || !strings.Contains(vigil.ErrorMessage(err), tt.want) {
				t.Fatalf("error %v, want one saying %q", err, tt.want)
			}
			if vigil.ErrorCode(err) != vigil.EINVALID {
				t.Errorf("code %q, want %q", vigil.ErrorCode(err), vigil.EINVALID)
			}
		})
	}
	if _, err := ReadCSV(filepath.Join(t.TempDir(), "missing.csv")); err == nil || !strings.Contains(vigil.ErrorMessage(err), "cannot read") {
		t.Errorf("missing file: %v", err)
	}
}

func TestWritePairs(t *testing.T) {
	ms := []Mention{{ID: "a"}, {ID: "b,1"}, {ID: "c"}}
	var buf bytes.Buffer
	if err := WritePairs(&buf, ms, ms, []Pair{{L: 0, R: 1, Probability: 0.98765432}, {L: 0, R: 2, Probability: 1}}); err != nil {
		t.Fatal(err)
	}
	want := "id_l,id_r,match_probability\na,\"b,1\",0.987654\na,c,1.000000\n"
	if buf.String() != want {
		t.Errorf("WritePairs wrote %q, want %q", buf.String(), want)
	}
}
