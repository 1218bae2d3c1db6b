package main

import (
	"bytes"
	"context"
	"encoding/csv"
	"os"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"testing"
)

const linkPeople = `id,given_name,family_name,dob,address,postcode,phone
c1,Kayla,Harrington,2009-03-14,12 Wharncliffe Road,S60 1AA,07700 900123
c2,KAYLA,Harington,14/03/2009,12 Wharncliffe Rd,s601aa,
c3,Bill,Okafor,2011-07-02,4 Mill Lane,S65 2QT,07700 900456
c4,William,Okafor,2011-07-02,,S65 2QT,+44 7700 900456
c5,Jade,Okafor,2013-01-20,4 Mill Lane,S65 2QT,
c6,Priya,Shah,2008-11-30,9 Grange Court,LS1 4DT,07700 900789
`

// vigilLink runs the command in-process and returns its exit code and output.
func vigilLink(t *testing.T, args ...string) (code int, stdout, stderr string) {
	t.Helper()
	var out, errb bytes.Buffer
	code = run(context.Background(), args, &out, &errb)
	return code, out.String(), errb.String()
}

func writeTemp(t *testing.T, name, content string) string {
	t.Helper()
	p := filepath.Join(t.TempDir(), name)
	if err := os.WriteFile(p, []byte(content), 0o600); err != nil {
		t.Fatal(err)
	}
	return p
}

func readPairs(t *testing.T, path string) [][]string {
	t.Helper()
	f, err := os.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	rows, err := csv.NewReader(f).ReadAll()
	if err != nil {
		t.Fatal(err)
	}
	return rows
}

func TestLinkDedupe(t *testing.T) {
	in := writeTemp(t, "people.csv", linkPeople)
	out := filepath.Join(t.TempDir(), "pairs.csv")
	code, stdout, stderr := vigilLink(t, "link", "--in", in, "--out", out)
	if code != 0 {
		t.Fatalf("exit %d: %s", code, stderr)
	}
	if stdout != "" {
		t.Errorf("wrote to stdout: %q", stdout)
	}
	if !strings.Contains(stderr, "6 records") || !strings.Contains(stderr, "pairs compared") {
		t.Errorf("summary missing: %q", stderr)
	}
	if strings.Contains(stderr, "\r") {
		t.Error("progress bar drawn when stderr is not a terminal")
	}
	rows := readPairs(t, out)
	if strings.Join(rows[0], ",") != "id_l,id_r,match_probability" {
		t.Fatalf("header %v", rows[0])
	}
	got := map[string]bool{}
	for _, r := range rows[1:] {
		p, err := strconv.ParseFloat(r[2], 64)
		if err != nil || p < 0.5 || p > 1 {
			t.Errorf("row %v: probability not in [0.5, 1]", r)
		}
		got[r[0]+"-"+r[1]] = true
	}
	for _, want := range []string{"c1-c2", "c3-c4"} {
		if !got[want] {
			t.Errorf("pair %s not found in %v", want, rows)
		}
	}
	for _, sibling := range []string{"c3-c5", "c4-c5"} {
		if got[sibling] {
			t.Errorf("siblings %s linked: %v", sibling, rows)
		}
	}
}

func TestLinkTwoFiles(t *testing.T) {
	left := writeTemp(t, "police.csv", "ID,Full Name,DOB\np1,Kayla Harrington,14/03/2009\np2,Priya Shah,30/11/2008\n")
	right := writeTemp(t, "school.csv", "id,given_name,family_name,dob\ns1,Kayla,Harington,2009-03-14\ns2,Tom,Brown,2010-01-01\n")
	code, stdout, stderr := vigilLink(t, "link", "--in", left, "--in", right, "--out", "-", "--threshold", "0.01")
	if code != 0 {
		t.Fatalf("exit %d: %s", code, stderr)
	}
	lines := strings.Split(strings.TrimSpace(stdout), "\n")
	if lines[0] != "id_l,id_r,match_probability" {
		t.Fatalf("output %q", stdout)
	}
	found := false
	for _, l := range lines[1:] {
		if !strings.HasPrefix(l, "p") || !strings.Contains(l, ",s") {
			t.Errorf("row %q does not pair a left id with a right id", l)
		}
		found = found || strings.HasPrefix(l, "p1,s1,")
	}
	if !found {
		t.Errorf("p1 and s1 not linked: %q", stdout)
	}
}

func TestLinkErrors(t *testing.T) {
	good := writeTemp(t, "people.csv", linkPeople)
	out := filepath.Join(t.TempDir(), "pairs.csv")
	tests := []struct {
		name string
		args []string
		code int
		want string
	}{
		{"no input", []string{"--out", out}, 2, "give --in once"},
		{"three inputs", []string{"--in", good, "--in", good, "--in", good, "--out", out}, 2, "give --in once"},
		{"no output", []string{"--in", good}, 2, "give --out"},
		{"bad threshold", []string{"--in", good, "--out", out, "--threshold", "1.5"}, 2, "--threshold"},
		{"bad pair bound", []string{"--in", good, "--out", out, "--max-pairs", "-2"}, 2, "--max-pairs"},
		{"unknown flag", []string{"--in", good, "--out", out, "--nonsense"}, 2, "flag provided but not defined"},
		{"unreadable file", []string{"--in", filepath.Join(t.TempDir(), "absent.csv"), "--out", out}, 1, "cannot read"},
		{"no id column", []string{"--in", writeTemp(t, "x.csv", "name,dob\nKayla,2009\n"), "--out", out}, 1, "has no id column"},
		{"duplicate ids", []string{"--in", writeTemp(t, "y.csv", "id\na\na\n"), "--out", out}, 1, `repeats the id "a"`},
		{"unwritable output", []string{"--in", good, "--out", filepath.Join(t.TempDir(), "no", "such", "dir.csv")}, 1, "cannot write"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			code, _, stderr := vigilLink(t, append([]string{"link"}, tt.args...)...)
			if code != tt.code || !strings.Contains(stderr, tt.want) {
				t.Errorf("exit %d, stderr %q; want exit %d and %q", code, stderr, tt.code, tt.want)
			}
		})
	}
	if _, err := os.Stat(out); err == nil {
		t.Error("a failed run left an output file")
	}
	if code, _, stderr := vigilLink(t, "link", "-h"); code != 0 || !strings.Contains(stderr, "Usage: vigil link") {
		t.Errorf("help: exit %d, %q", code, stderr)
	}
}

func TestLinkProgressBar(t *testing.T) {
	var b bytes.Buffer
	bar := progressBar(&b)
	bar("sampling pairs for u", 0, 1)
	bar("comparing pairs", 50, 100)
	bar("comparing pairs", 100, 100)
	s := b.String()
	if !strings.Contains(s, "sampling pairs for u...") || !strings.Contains(s, "[##############################] 100/100") {
		t.Errorf("progress output %q", s)
	}
}

// TestLinkBlockingReport: the run says how many pairs each blocking rule
// kept, and warns when a block was left out as too large.
func TestLinkBlockingReport(t *testing.T) {
	// Five people born the same day: the "dob+..." blocks hold all five.
	people := `id,given_name,family_name,dob,phone
s1,Amir,Shah,2009-03-14,07700 900001
s2,Amira,Shah,2009-03-14,07700 900001
s3,Ben,Shaw,2009-03-14,
s4,Bea,Sharp,2009-03-14,
s5,Bo,Shore,2009-03-14,
`
	in := writeTemp(t, "people.csv", people)
	for _, tc := range []struct {
		name     string
		maxBlock string
		warn     bool
	}{
		{"all blocks compared", "100", false},
		{"a block too large", "4", true},
		{"past the pair bound", "100", true},
	} {
		t.Run(tc.name, func(t *testing.T) {
			args := []string{"link", "--in", in, "--out", filepath.Join(t.TempDir(), "p.csv"), "--max-block", tc.maxBlock}
			bounded := strings.HasPrefix(tc.name, "past")
			if bounded {
				args = append(args, "--max-pairs", "4") // the blocks generate more than 4 pairs: the largest go
			}
			code, _, stderr := vigilLink(t, args...)
			if code != 0 {
				t.Fatalf("exit %d: %s", code, stderr)
			}
			if m := regexp.MustCompile(`(?m)^phone +(\d+) `).FindStringSubmatch(stderr); !bounded && (m == nil || m[1] != "1" || !strings.Contains(stderr, "pairs kept")) {
				t.Errorf("the phone rule did not keep 1 pair:\n%s", stderr)
			}
			if got := strings.Contains(stderr, "warning: ") && strings.Contains(stderr, "larger than "+tc.maxBlock+" records"); got != tc.warn {
				t.Errorf("warning shown: %v, want %v:\n%s", got, tc.warn, stderr)
			}
			if bounded && !strings.Contains(stderr, "the bound of 4 pairs") {
				t.Errorf("the pair bound is not named:\n%s", stderr)
			}
			if tc.warn && !strings.Contains(stderr, "(largest 5 records)") {
				t.Errorf("the rule's skipped block is not described:\n%s", stderr)
			}
		})
	}
	if code, _, stderr := vigilLink(t, "link", "--in", in, "--out", "-", "--max-block", "1"); code != 2 {
		t.Errorf("--max-block 1: exit %d (%s), want 2", code, stderr)
	}
}
