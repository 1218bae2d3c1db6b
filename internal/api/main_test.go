package api

import (
	"testing"

	"github.com/vigil-project/vigil/internal/pgtest"
)

// TestMain stops the PostgreSQL server the speak-up tests start (see
// internal/pgtest); tests that never ask for one pay nothing.
func TestMain(m *testing.M) { pgtest.Main(m) }
