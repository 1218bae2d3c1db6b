// Package pgtest starts a throwaway PostgreSQL server for tests.
//
// A package whose tests need PostgreSQL calls Main from its TestMain and DSN
// from each test:
//
//	func TestMain(m *testing.M) { pgtest.Main(m) }
//
//	func TestX(t *testing.T) {
//		db, err := sql.Open("pgx", pgtest.DSN(t))
//		...
//	}
//
// The server is started lazily, once per test binary, by the first call to
// DSN, so packages that never call it pay nothing. Every DSN call creates a
// fresh, uniquely named database and drops it (WITH (FORCE)) when the test
// ends, so tests are isolated from each other and may run in parallel.
// Importing this package registers the "pgx" database/sql driver.
//
// The server is made with initdb and pg_ctl (found through pg_config
// --bindir, /usr/lib/postgresql/*/bin or $PATH) in a temporary folder
// os.TempDir()/vigil-pgtest-*, trusts every connection, listens only on
// 127.0.0.1 on a free port and keeps its Unix socket in that folder, so it
// never clashes with a system server. It runs with fsync off: its data is
// thrown away. When the tests run as root (initdb refuses root) initdb and
// pg_ctl run as the "postgres" OS user through runuser.
//
// Environment:
//
//   - VIGIL_TEST_POSTGRES=postgres://user:pass@host:port/db uses that existing
//     server instead of starting one; each test still gets its own database.
//   - VIGIL_REQUIRE_POSTGRES=1 makes a missing PostgreSQL fail the test
//     instead of skipping it (make test sets it, so CI never silently skips).
//
// Leftover servers: Main stops the server and removes its folder. Should the
// test binary die without reaching that (killed, go test -timeout panic, a
// TestMain that forgot Main), a small watchdog process started alongside the
// server notices its parent's death (a pipe it reads from closes) and stops
// the server and removes the folder. As a last resort, anything left behind
// is recognisable by the vigil-pgtest- prefix under os.TempDir(); PostgreSQL
// itself also shuts down within about a minute once its folder is removed.
package pgtest

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"net"
	"net/url"
	"os"
	"os/exec"
	"os/user"
	"path/filepath"
	"sort"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"syscall"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"
	_ "github.com/jackc/pgx/v5/stdlib" // registers the "pgx" driver
)

const (
	envDSN     = "VIGIL_TEST_POSTGRES"    // use this existing server
	envRequire = "VIGIL_REQUIRE_POSTGRES" // "1": fail, don't skip, without PostgreSQL

	dirPrefix = "vigil-pgtest-"
	superuser = "postgres"
)

var (
	once    sync.Once
	srv     *server // the started or external server; nil if none
	skipMsg string  // set when PostgreSQL is not available here
	srvErr  error   // set when starting failed
	counter atomic.Int64

	// startupTime is how long starting the server took (initdb, pg_ctl
	// start, first connection); zero when none was started.
	startupTime time.Duration
)

// server is a running PostgreSQL server, started here or external.
type server struct {
	base  *url.URL // DSN of the maintenance database
	admin *sql.DB  // connection pool to it, for CREATE/DROP DATABASE

	// Only for a server started here:
	dir      string    // the temporary folder; data/ and server.log in it
	bindir   string    // PostgreSQL's programs
	asUser   bool      // run programs through runuser -u postgres
	watchdog *exec.Cmd // stops the server if this process dies
	lifeline *os.File  // write end of the watchdog's pipe; closed on exit
}

// Main runs the tests, then stops the server if one was started, removes its
// folder and exits with the tests' code. Call it from TestMain.
func Main(m *testing.M) {
	code := m.Run()
	if srv != nil {
		if err := srv.stop(); err != nil {
			fmt.Fprintf(os.Stderr, "pgtest: stopping the server: %v\n", err)
			if code == 0 {
				code = 1
			}
		}
	}
	os.Exit(code)
}

// DSN returns a postgres:// DSN, usable with sql.Open("pgx", dsn) or pgx,
// for a fresh database made for this test alone and dropped when it ends.
// The first call in a process starts the server. When PostgreSQL is not
// installed it skips the test, or fails it if VIGIL_REQUIRE_POSTGRES=1.
func DSN(tb testing.TB) string {
	tb.Helper()
	once.Do(setup)
	switch {
	case skipMsg != "":
		if os.Getenv(envRequire) == "1" {
			tb.Fatalf("pgtest: %s (%s=1 requires it; run scripts/install-deps.sh)", skipMsg, envRequire)
		}
		tb.Skipf("pgtest: %s; to run this test install postgresql (scripts/install-deps.sh), "+
			"set %s to a server's DSN, or run make test", skipMsg, envDSN)
	case srvErr != nil:
		tb.Fatalf("pgtest: %v", srvErr)
	}

	name := dbName(tb.Name())
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	if _, err := srv.admin.ExecContext(ctx, "CREATE DATABASE "+pgx.Identifier{name}.Sanitize()); err != nil {
		tb.Fatalf("pgtest: create database %s: %v", name, err)
	}
	tb.Cleanup(func() {
		ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
		defer cancel()
		q := "DROP DATABASE IF EXISTS " + pgx.Identifier{name}.Sanitize() + " WITH (FORCE)"
		if _, err := srv.admin.ExecContext(ctx, q); err != nil {
			tb.Errorf("pgtest: drop database %s: %v", name, err)
		}
	})
	u := *srv.base
	u.Path = "/" + name
	return u.String()
}

// dbName makes a database name unique across processes and tests that share
// a server, and readable: vt_<pid>_<n>_<test name>, at most 63 bytes.
func dbName(test string) string {
	var b strings.Builder
	fmt.Fprintf(&b, "vt_%d_%d_", os.Getpid(), counter.Add(1))
	for _, r := range strings.ToLower(test) {
		if b.Len() >= 63 {
			break
		}
		if r >= 'a' && r <= 'z' || r >= '0' && r <= '9' {
			b.WriteRune(r)
		} else {
			b.WriteByte('_')
		}
	}
	return b.String()
}

// setup fills srv, skipMsg or srvErr; it runs once per process.
func setup() {
	if dsn := os.Getenv(envDSN); dsn != "" {
		srvErr = useExternal(dsn)
		return
	}
	bindir, err := findBindir()
	if err != nil {
		skipMsg = err.Error()
		return
	}
	asUser := os.Geteuid() == 0
	if asUser {
		if _, err := user.Lookup(superuser); err != nil {
			skipMsg = "running as root needs the postgres OS user to run initdb as, and it does not exist"
			return
		}
		if _, err := exec.LookPath("runuser"); err != nil {
			skipMsg = "running as root needs runuser (util-linux) to run initdb as the postgres user"
			return
		}
	}
	start := time.Now()
	srv, srvErr = startServer(bindir, asUser)
	if srvErr == nil {
		startupTime = time.Since(start)
	}
}

func useExternal(dsn string) error {
	u, err := url.Parse(dsn)
	if err != nil || (u.Scheme != "postgres" && u.Scheme != "postgresql") {
		return fmt.Errorf("%s must be a postgres://user:password@host:port/database URL, got %q", envDSN, dsn)
	}
	db, err := sql.Open("pgx", dsn)
	if err != nil {
		return fmt.Errorf("%s: %w", envDSN, err)
	}
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	if err := db.PingContext(ctx); err != nil {
		db.Close()
		return fmt.Errorf("connect to %s=%s: %w", envDSN, u.Redacted(), err)
	}
	srv = &server{base: u, admin: db}
	return nil
}

// findBindir returns the folder holding initdb and pg_ctl.
func findBindir() (string, error) {
	ok := func(dir string) bool {
		for _, p := range []string{"initdb", "pg_ctl", "postgres"} {
			if fi, err := os.Stat(filepath.Join(dir, p)); err != nil || fi.IsDir() {
				return false
			}
		}
		return true
	}
	if out, err := exec.Command("pg_config", "--bindir").Output(); err == nil {
		if dir := strings.TrimSpace(string(out)); ok(dir) {
			return dir, nil
		}
	}
	// Debian/Ubuntu: /usr/lib/postgresql/<major>/bin, newest first.
	dirs, _ := filepath.Glob("/usr/lib/postgresql/*/bin")
	sort.Slice(dirs, func(i, j int) bool {
		vi, _ := strconv.Atoi(filepath.Base(filepath.Dir(dirs[i])))
		vj, _ := strconv.Atoi(filepath.Base(filepath.Dir(dirs[j])))
		return vi > vj
	})
	for _, dir := range dirs {
		if ok(dir) {
			return dir, nil
		}
	}
	if p, err := exec.LookPath("initdb"); err == nil {
		if dir := filepath.Dir(p); ok(dir) {
			return dir, nil
		}
	}
	return "", errors.New("PostgreSQL server programs (initdb, pg_ctl) not found")
}

// tempBase is where the server's folder goes: os.TempDir(), or /tmp when
// running as root and the postgres user could not enter os.TempDir().
func tempBase(asUser bool) string {
	base := os.TempDir()
	if asUser {
		if fi, err := os.Stat(base); err != nil || fi.Mode().Perm()&0o001 == 0 {
			return "/tmp"
		}
	}
	return base
}

func startServer(bindir string, asUser bool) (*server, error) {
	dir, err := os.MkdirTemp(tempBase(asUser), dirPrefix)
	if err != nil {
		return nil, err
	}
	s := &server{dir: dir, bindir: bindir, asUser: asUser}
	fail := func(err error) (*server, error) {
		if stopErr := s.stop(); stopErr != nil {
			err = fmt.Errorf("%w (and cleaning up: %v)", err, stopErr)
		}
		return nil, err
	}
	if asUser {
		u, err := user.Lookup(superuser)
		if err != nil {
			return fail(err)
		}
		uid, _ := strconv.Atoi(u.Uid)
		gid, _ := strconv.Atoi(u.Gid)
		if err := os.Chown(dir, uid, gid); err != nil {
			return fail(err)
		}
	}
	if err := s.startWatchdog(); err != nil {
		return fail(fmt.Errorf("start watchdog: %w", err))
	}

	data := filepath.Join(dir, "data")
	out, err := s.command("initdb", "-D", data, "-U", superuser, "-A", "trust",
		"-E", "UTF8", "--locale=C", "--no-sync").CombinedOutput()
	if err != nil {
		return fail(fmt.Errorf("initdb: %v\n%s", err, out))
	}
	conf := fmt.Sprintf(`
# Added by vigil's internal/pgtest: a throwaway server for tests.
listen_addresses = '127.0.0.1'
unix_socket_directories = '%s'
fsync = off
synchronous_commit = off
full_page_writes = off
`, strings.ReplaceAll(dir, "'", "''"))
	if err := appendFile(filepath.Join(data, "postgresql.conf"), conf); err != nil {
		return fail(err)
	}

	// The port is free when we look, but someone may take it before the
	// server binds it; then try another.
	logFile := filepath.Join(dir, "server.log")
	var port int
	for attempt := 1; ; attempt++ {
		if port, err = freePort(); err != nil {
			return fail(err)
		}
		out, err = s.command("pg_ctl", "start", "-w", "-t", "60", "-D", data,
			"-l", logFile, "-o", "-p "+strconv.Itoa(port)).CombinedOutput()
		if err == nil {
			break
		}
		logText, _ := os.ReadFile(logFile)
		if attempt < 3 && strings.Contains(string(logText), "already in use") {
			os.Remove(logFile)
			continue
		}
		return fail(fmt.Errorf("pg_ctl start: %v\n%s\nserver log:\n%s", err, out, logText))
	}

	s.base = &url.URL{
		Scheme:   "postgres",
		User:     url.User(superuser),
		Host:     net.JoinHostPort("127.0.0.1", strconv.Itoa(port)),
		Path:     "/postgres",
		RawQuery: "sslmode=disable",
	}
	s.admin, err = sql.Open("pgx", s.base.String())
	if err == nil {
		ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
		err = s.admin.PingContext(ctx)
		cancel()
	}
	if err != nil {
		logText, _ := os.ReadFile(logFile)
		return fail(fmt.Errorf("connect to the new server: %v\nserver log:\n%s", err, logText))
	}
	return s, nil
}

// command runs one of PostgreSQL's programs, as the postgres user when root.
func (s *server) command(prog string, args ...string) *exec.Cmd {
	path := filepath.Join(s.bindir, prog)
	var cmd *exec.Cmd
	if s.asUser {
		cmd = exec.Command("runuser", append([]string{"-u", superuser, "--", path}, args...)...)
	} else {
		cmd = exec.Command(path, args...)
	}
	cmd.Dir = s.dir // the postgres user may not be able to enter ours
	return cmd
}

// startWatchdog starts a shell that waits for the read end of a pipe whose
// only writer is this process to reach EOF, which happens when this process
// exits however it exits, and then stops the server and removes its folder
// unless Main already did. It is in its own process group so a Ctrl-C at
// the terminal does not kill it along with the tests.
func (s *server) startWatchdog() error {
	r, w, err := os.Pipe()
	if err != nil {
		return err
	}
	defer r.Close()
	stop := `"$1/pg_ctl" stop -D "$2/data" -m immediate`
	if s.asUser {
		stop = `runuser -u ` + superuser + ` -- ` + stop
	}
	// Retried because this process may have died while pg_ctl start was
	// still going: the server may then come up, or recreate its socket files
	// in the folder, just after the first attempt.
	script := `cat >/dev/null
for i in 1 2 3 4 5 6 7 8 9 10; do
	[ -d "$2" ] || exit 0
	` + stop + ` >/dev/null 2>&1
	rm -rf "$2" 2>/dev/null
	[ -d "$2" ] || exit 0
	sleep 1
done`
	cmd := exec.Command("/bin/sh", "-c", script, "pgtest-watchdog", s.bindir, s.dir)
	cmd.Stdin = r
	cmd.SysProcAttr = &syscall.SysProcAttr{Setpgid: true}
	if err := cmd.Start(); err != nil {
		w.Close()
		return err
	}
	s.watchdog, s.lifeline = cmd, w
	return nil
}

// stop stops the server (if this package started it), removes its folder and
// lets the watchdog go.
func (s *server) stop() error {
	var errs []error
	if s.admin != nil {
		s.admin.Close()
	}
	if s.dir != "" {
		if _, err := os.Stat(filepath.Join(s.dir, "data", "postmaster.pid")); err == nil {
			if out, err := s.command("pg_ctl", "stop", "-w", "-D", filepath.Join(s.dir, "data"), "-m", "fast").CombinedOutput(); err != nil {
				errs = append(errs, fmt.Errorf("pg_ctl stop: %v\n%s", err, out))
			}
		}
		if err := os.RemoveAll(s.dir); err != nil {
			errs = append(errs, err)
		}
	}
	if s.lifeline != nil {
		s.lifeline.Close() // the watchdog finds the folder gone and exits
		s.watchdog.Wait()
	}
	return errors.Join(errs...)
}

func freePort() (int, error) {
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return 0, err
	}
	defer l.Close()
	return l.Addr().(*net.TCPAddr).Port, nil
}

func appendFile(name, text string) error {
	f, err := os.OpenFile(name, os.O_APPEND|os.O_WRONLY, 0)
	if err != nil {
		return err
	}
	if _, err := f.WriteString(text); err != nil {
		f.Close()
		return err
	}
	return f.Close()
}
