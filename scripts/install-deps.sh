#!/usr/bin/env bash
# Installs the system packages Vigil's build and tests need, with apt-get:
#   - chromium    (Debian's, at /usr/bin/chromium) for the browser tests
#   - postgresql  (initdb, pg_ctl, postgres) for internal/pgtest, which
#                 starts a throwaway server for the tests
# and, when run as root, makes sure the "postgres" OS user exists (initdb
# refuses to run as root, so the tests run it as that user).
#
# Idempotent and silent when everything is already there. Works as root;
# otherwise uses sudo when available, else says what is missing and fails.
set -euo pipefail

missing=()

if [[ ! -x /usr/bin/chromium ]]; then
  missing+=(chromium)
fi

have_initdb() {
  local d
  if command -v pg_config >/dev/null 2>&1; then
    d=$(pg_config --bindir 2>/dev/null || true)
    if [[ -n $d && -x $d/initdb ]]; then return 0; fi
  fi
  for d in /usr/lib/postgresql/*/bin; do
    if [[ -x $d/initdb ]]; then return 0; fi
  done
  command -v initdb >/dev/null 2>&1
}
if ! have_initdb; then
  missing+=(postgresql)
fi

# Only a root test run needs the postgres user (to run initdb/pg_ctl as);
# Debian's postgresql package creates it, this covers other installs.
need_user=0
if ((EUID == 0)) && ! id -u postgres >/dev/null 2>&1; then
  need_user=1
fi

if ((${#missing[@]} == 0 && need_user == 0)); then
  exit 0
fi

as_root=()
if ((EUID != 0)); then
  if command -v sudo >/dev/null 2>&1; then
    as_root=(sudo)
  else
    echo "install-deps: missing system packages: ${missing[*]}" >&2
    echo "install-deps: not root and no sudo; as root run:" >&2
    echo "  apt-get update && apt-get install -y ${missing[*]}" >&2
    exit 1
  fi
fi
run_root() { ${as_root[@]+"${as_root[@]}"} "$@"; }

if ((${#missing[@]} > 0)); then
  if ! command -v apt-get >/dev/null 2>&1; then
    echo "install-deps: missing system packages: ${missing[*]}" >&2
    echo "install-deps: apt-get not found; install them with your system's package manager" >&2
    exit 1
  fi
  echo "install-deps: installing ${missing[*]}" >&2
  run_root env DEBIAN_FRONTEND=noninteractive apt-get update -qq
  run_root env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${missing[@]}" >/dev/null
fi

if ! id -u postgres >/dev/null 2>&1; then
  if ((need_user == 1)) || [[ " ${missing[*]} " == *" postgresql "* ]]; then
    echo "install-deps: creating the postgres OS user" >&2
    run_root useradd --system --user-group --home-dir /var/lib/postgresql \
      --shell /bin/bash postgres
  fi
fi
