package api

import (
	"testing"

	"github.com/vigil-project/vigil"
)

// FuzzDecodeConflict feeds the conflict-of-interest body arbitrary bytes:
// no panic; refusals are EINVALID; what is decoded is either a valid
// conflict or refused by NewConflict.Validate with field errors; and an
// accepted conflict as an administrative change (as under intervention)
// validates too.
func FuzzDecodeConflict(f *testing.F) {
	for _, seed := range []string{
		`{"kind": "person", "value": "Gary Nephewson", "reason": "My nephew"}`,
		`{"kind": "case", "value": "k3v5xq7mzr2a4b6c7d2e3f4g5h", "reason": "x"}`,
		`{"kind": "address", "value": "  ", "reason": ""}`,
		`{"kind": "case", "value": "../../etc/passwd", "reason": "x"}`,
		`{"kind": "mayor", "value": 7}`,
		`{"kind": "person", "value": "\u0000\u202e", "reason": "\ud800"}`,
		`{"Kind": "person"}`,
		`{} {}`,
		"",
		"\xff{}",
	} {
		f.Add([]byte(seed))
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		req, ok := roundTrip(t, data, decodeAs[conflictRequest])
		if !ok {
			return
		}
		n := vigil.NewConflict{UserID: vigil.NewID(), Kind: req.Kind, Value: req.Value, Reason: req.Reason}
		if err := n.Validate(); err != nil {
			checkFieldErrors(t, err)
			return
		}
		c := vigil.AdminChange{Action: vigil.AdminRecordConflict, UserID: n.UserID, Reason: n.Reason,
			Conflict: vigil.NewConflict{Kind: n.Kind, Value: n.Value}}
		if err := c.Validate(); err != nil {
			t.Fatalf("a valid conflict is refused as an administrative change: %v", err)
		}
	})
}
