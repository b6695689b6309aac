#!/usr/bin/env bash
# Idempotent set-up shared by `make run` and `make test`: Debian packages, the virtual environment
# with the pinned dependencies, the local Elasticsearch node (unless ELASTICSEARCH_URL points at
# another cluster) and the database schema. Safe to run again and again; a second run is fast and
# needs no network.
set -euo pipefail
cd "$(dirname "$0")/.."

VENV=${VENV:-.venv}
# The interpreter: $PYTHON when set, else the distribution's /usr/bin/python3.11, else the first
# python3.11 on PATH. Debian's and Ubuntu's builds are optimised (PGO and LTO, libpython linked
# in); on a default pyenv build (libpython as a shared library, no --enable-optimizations) this
# portal's requests cost about 10% more CPU and its index rebuild 35% more (README, "Benchmarks").
if [[ -z ${PYTHON:-} ]]; then
  PYTHON=python3.11
  [[ -x /usr/bin/python3.11 ]] && PYTHON=/usr/bin/python3.11
fi
REQUIREMENTS=${REQUIREMENTS:-requirements/dev.txt}
say() { printf '\033[1m==> %s\033[0m\n' "$*" >&2; }
die() { printf 'error: %s\n' "$*" >&2; exit 1; }

# Debian packages the portal needs at run time: Pango/HarfBuzz for WeasyPrint and a CJK font so
# Chinese text renders in PDFs.
DEBIAN_PACKAGES=(libpango-1.0-0 libpangoft2-1.0-0 libharfbuzz-subset0 fonts-noto-cjk)
# `make test` only (TEST_TOOLS=1, set by scripts/test.sh): Chromium for the browser tests, ClamAV's
# daemon for the attachment scan's (they start their own, with a test signature), and npm
# (Debian's, only when there is none) for their checkers in package.json.
if [[ ${TEST_TOOLS:-} == 1 ]]; then
  DEBIAN_PACKAGES+=(chromium clamav-daemon)
  command -v npm >/dev/null || DEBIAN_PACKAGES+=(npm)
fi
missing=()
if command -v dpkg >/dev/null; then
  for package in "${DEBIAN_PACKAGES[@]}" ${EXTRA_DEBIAN_PACKAGES:-}; do
    dpkg -s "$package" >/dev/null 2>&1 || missing+=("$package")
  done
fi
if ((${#missing[@]})); then
  if [[ $(id -u) -eq 0 ]]; then
    say "Installing Debian packages: ${missing[*]}"
    export DEBIAN_FRONTEND=noninteractive
    apt-get update -qq
    apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
  elif command -v sudo >/dev/null && sudo -n true 2>/dev/null; then
    say "Installing Debian packages: ${missing[*]}"
    sudo apt-get update -qq
    sudo DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
  else
    die "these Debian packages are missing: ${missing[*]}; install them with: sudo apt-get install ${missing[*]}"
  fi
fi

command -v "$PYTHON" >/dev/null || PYTHON=python3
"$PYTHON" -c 'import sys; sys.exit(sys.version_info[:2] != (3, 11))' ||
  die "Python 3.11 is needed (found $("$PYTHON" --version 2>&1)); set PYTHON=/path/to/python3.11"

# A virtual environment made from another interpreter (or one since removed) is made again.
base=$("$PYTHON" -c 'import os, sys; print(os.path.realpath(sys.executable))')
made_from=$(sed -n 's/^home *= *//p' "$VENV/pyvenv.cfg" 2>/dev/null || true)
if [[ -x $VENV/bin/python && $(realpath -m "${made_from:-/none}") != "$(dirname "$base")" ]]; then
  say "Making $VENV again for $base (it was made from ${made_from:-an unknown interpreter})"
  rm -rf "$VENV"
fi
if [[ ! -x $VENV/bin/python ]]; then
  say "Creating the virtual environment in $VENV with $base"
  "$PYTHON" -m venv "$VENV"
fi
# Reinstall only when the lock file changed since the last install.
stamp="$VENV/.installed-$(sha256sum "$REQUIREMENTS" | cut -c1-16)"
if [[ ! -f $stamp ]]; then
  say "Installing pinned dependencies from $REQUIREMENTS"
  "$VENV/bin/python" -m pip install --quiet --disable-pip-version-check -r "$REQUIREMENTS"
  rm -f "$VENV"/.installed-*
  touch "$stamp"
fi

# The browser tests' checkers (axe-core, the Nu HTML checker), pinned in package-lock.json;
# reinstalled only when the lock file changed. Their install scripts are not run: vnu-jar's would
# download a Java, and Java 17 is already required.
if [[ ${TEST_TOOLS:-} == 1 ]]; then
  npm_stamp="node_modules/.installed-$(sha256sum package-lock.json | cut -c1-16)"
  if [[ ! -f $npm_stamp ]]; then
    say "Installing the browser tests' checkers from package-lock.json"
    npm ci --ignore-scripts --no-audit --no-fund --loglevel=error
    touch "$npm_stamp"
  fi
fi

say "Starting the local Elasticsearch node (skipped when ELASTICSEARCH_URL points elsewhere)"
"$VENV/bin/python" manage.py search_node start

if [[ ${SKIP_MIGRATE:-} != 1 ]]; then
  say "Applying database migrations"
  "$VENV/bin/python" manage.py migrate --no-input -v 0
  "$VENV/bin/python" manage.py createcachetable
fi
