package vigil_test

import (
	"testing"

	"github.com/vigil-project/vigil"
)

// TestDisclosureAudit checks the audit on a table of one count over three
// months and their quarter: atoms 0, 1 and 2 are the months.
func TestDisclosureAudit(t *testing.T) {
	m1, m2, m3, quarter := []int{0}, []int{1}, []int{2}, []int{0, 1, 2}
	tests := []struct {
		name      string
		earlier   [][]int // published before
		published [][]int
		hidden    [][]int
		want      []int // hidden figures recovered
		via       []int // the published figures the first recovery uses
	}{
		{"a quarter less two months gives the third", [][]int{m1, m2}, [][]int{quarter}, [][]int{m3}, []int{0}, []int{0}},
		{"two months and the quarter all new", nil, [][]int{m1, m2, quarter}, [][]int{m3}, []int{0}, []int{0, 1, 2}},
		{"one month hidden beside it keeps both safe", [][]int{m1}, [][]int{quarter}, [][]int{m2, m3}, nil, nil},
		{"published before is not reported", [][]int{m3}, [][]int{quarter}, [][]int{m3}, nil, nil},
		{"nothing published", nil, nil, [][]int{m1, quarter}, nil, nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			a := vigil.NewDisclosureAudit(3)
			for _, v := range tt.earlier {
				a.Know(v)
			}
			recs := a.Check(tt.published, tt.hidden)
			var got []int
			for _, r := range recs {
				got = append(got, r.Hidden)
			}
			if len(got) != len(tt.want) {
				t.Fatalf("recovered %v, want %v", got, tt.want)
			}
			for i := range got {
				if got[i] != tt.want[i] {
					t.Fatalf("recovered %v, want %v", got, tt.want)
				}
			}
			if tt.via != nil && len(recs[0].Via) != len(tt.via) {
				t.Errorf("recovery uses %v, want %v", recs[0].Via, tt.via)
			}
		})
	}
}
