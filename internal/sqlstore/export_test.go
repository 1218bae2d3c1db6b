package sqlstore

// SetReadLogging turns read logging on or off, for the benchmark that
// measures its cost. It exists only in tests.
func (s *Store) SetReadLogging(on bool) { s.noReadLog = !on }

// TokenHash is how the store keeps a session or API token, for tests that
// edit the rows as a database administrator would.
func (s *Store) TokenHash(token string) ([]byte, error) { return s.tokenHash(token) }

// SetSaverBatch makes a full linking run write its proposals n at a time,
// so that a small world crosses many batches; the returned func restores it.
func SetSaverBatch(n int) func() {
	old := saverBatch
	saverBatch = n
	return func() { saverBatch = old }
}

// HashPassword is how the store hashes a password, for tests that write
// rows as an older server (or a database administrator) would.
func HashPassword(password string) string { return hashPassword(password) }
