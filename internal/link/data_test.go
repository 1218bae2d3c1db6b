package link

import (
	"encoding/csv"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// The evaluation data sets live outside the repository, in the shared
// folder beside it (../../../shared/data/linking from this package), or
// where VIGIL_LINKING_DATA points.
func dataDir(tb testing.TB) string {
	tb.Helper()
	dir := os.Getenv("VIGIL_LINKING_DATA")
	if dir == "" {
		dir = filepath.Join("..", "..", "..", "shared", "data", "linking")
	}
	if _, err := os.Stat(filepath.Join(dir, "dataset1.csv")); err != nil {
		tb.Skipf("linking evaluation data not found in %s (set VIGIL_LINKING_DATA): %v", dir, err)
	}
	return dir
}

// labelled is an evaluation data set: mentions in Vigil's CSV form, and for
// each the id of the person it is, from the data set's ground truth.
type labelled struct {
	name    string
	path    string // the mentions written as a Vigil input CSV
	entity  []string
	labels  [][2]string // optional clerical labels: pairs of ids judged the same
	nolinks [][2]string // and judged different
}

func readRows(tb testing.TB, path string) (header []string, rows [][]string) {
	tb.Helper()
	f, err := os.Open(path)
	if err != nil {
		tb.Fatal(err)
	}
	defer f.Close()
	cr := csv.NewReader(f)
	cr.TrimLeadingSpace = true // febrl separates fields with ", "
	all, err := cr.ReadAll()
	if err != nil {
		tb.Fatal(err)
	}
	for i := range all[0] {
		all[0][i] = strings.TrimSpace(all[0][i])
	}
	return all[0], all[1:]
}

// writeVigilCSV writes rows under Vigil's column names, so the evaluation
// goes through ReadCSV exactly as `vigil link` does.
func writeVigilCSV(tb testing.TB, name string, cols []string, rows [][]string) string {
	tb.Helper()
	path := filepath.Join(tb.TempDir(), name+".csv")
	f, err := os.Create(path)
	if err != nil {
		tb.Fatal(err)
	}
	w := csv.NewWriter(f)
	w.Write(cols)
	w.WriteAll(rows)
	if err := f.Close(); err != nil {
		tb.Fatal(err)
	}
	return path
}

// loadFebrl maps a Febrl file to Vigil's columns: street number and address
// lines become address, suburb becomes locality, soc_sec_id identifier. The
// state has no Vigil column and is left out. rec-N-org and rec-N-dup-K are
// the same person N.
func loadFebrl(tb testing.TB, dir, file string) labelled {
	tb.Helper()
	header, rows := readRows(tb, filepath.Join(dir, file))
	at := map[string]int{}
	for i, h := range header {
		at[h] = i
	}
	ds := labelled{name: strings.TrimSuffix(file, ".csv")}
	var out [][]string
	for _, r := range rows {
		id := r[at["rec_id"]]
		parts := strings.Split(id, "-")
		ds.entity = append(ds.entity, parts[1])
		addr := strings.TrimSpace(r[at["street_number"]] + " " + r[at["address_1"]])
		if a2 := r[at["address_2"]]; a2 != "" {
			addr += ", " + a2
		}
		out = append(out, []string{id, r[at["given_name"]], r[at["surname"]], r[at["date_of_birth"]], addr,
			r[at["suburb"]], r[at["postcode"]], r[at["soc_sec_id"]]})
	}
	ds.path = writeVigilCSV(tb, ds.name, []string{"id", "given_name", "family_name", "dob", "address", "locality", "postcode", "identifier"}, out)
	return ds
}

// loadFake1000 maps Splink's fake_1000: first_name, surname, dob, city and
// email; cluster is the person. The clerical labels are kept too.
func loadFake1000(tb testing.TB, dir string) labelled {
	tb.Helper()
	header, rows := readRows(tb, filepath.Join(dir, "fake_1000.csv"))
	at := map[string]int{}
	for i, h := range header {
		at[h] = i
	}
	ds := labelled{name: "fake_1000"}
	var out [][]string
	for _, r := range rows {
		ds.entity = append(ds.entity, r[at["cluster"]])
		out = append(out, []string{r[at["unique_id"]], r[at["first_name"]], r[at["surname"]], r[at["dob"]], r[at["city"]], r[at["email"]]})
	}
	ds.path = writeVigilCSV(tb, ds.name, []string{"id", "given_name", "family_name", "dob", "locality", "email"}, out)
	_, lrows := readRows(tb, filepath.Join(dir, "fake_1000_labels.csv"))
	for _, r := range lrows {
		p := [2]string{r[0], r[2]}
		if r[4] == "1.0" || r[4] == "1" {
			ds.labels = append(ds.labels, p)
		} else {
			ds.nolinks = append(ds.nolinks, p)
		}
	}
	return ds
}

func loadAll(tb testing.TB) []labelled {
	dir := dataDir(tb)
	return []labelled{
		loadFebrl(tb, dir, "dataset1.csv"),
		loadFebrl(tb, dir, "dataset2.csv"),
		loadFebrl(tb, dir, "dataset3.csv"),
		loadFake1000(tb, dir),
	}
}

// metrics are pairwise precision and recall against the truth.
type metrics struct {
	truePairs, predicted, tp int
	kept                     int // true pairs among the compared ones
	compared                 int64
	precision, recall, f1    float64
	blockingRecall           float64
}

func truePairs(entity []string) map[[2]int32]bool {
	by := map[string][]int32{}
	for i, e := range entity {
		by[e] = append(by[e], int32(i))
	}
	t := map[[2]int32]bool{}
	for _, ids := range by {
		for x := range ids {
			for y := x + 1; y < len(ids); y++ {
				t[[2]int32{ids[x], ids[y]}] = true
			}
		}
	}
	return t
}

func evaluate(entity []string, res *Result) metrics {
	truth := truePairs(entity)
	m := metrics{truePairs: len(truth), predicted: len(res.Pairs), compared: res.Stats.PairsCompared}
	for _, p := range res.Pairs {
		if truth[[2]int32{p.L, p.R}] {
			m.tp++
		}
	}
	for _, p := range res.Compared {
		if truth[[2]int32{p.L, p.R}] {
			m.kept++
		}
	}
	m.precision = float64(m.tp) / float64(max(m.predicted, 1))
	m.recall = float64(m.tp) / float64(max(m.truePairs, 1))
	if m.precision+m.recall > 0 {
		m.f1 = 2 * m.precision * m.recall / (m.precision + m.recall)
	}
	m.blockingRecall = float64(m.kept) / float64(max(m.truePairs, 1))
	return m
}
