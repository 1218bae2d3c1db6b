package sqlstore

// SetReadLogging turns read logging on or off, for the benchmark that
// measures its cost. It exists only in tests.
func (s *Store) SetReadLogging(on bool) { s.noReadLog = !on }
