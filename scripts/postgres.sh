#!/usr/bin/env bash
# Install (from Debian) and start a local PostgreSQL cluster, with the role `portal` and the
# database named by $1 (default: portal). Used by CI and by the benchmark; idempotent; needs root.
# Prints nothing but errors; the caller sets DATABASE_URL=postgres://portal:portal@127.0.0.1:5432/<db>.
set -euo pipefail
database=${1:-portal}
export DEBIAN_FRONTEND=noninteractive
if ! ls /usr/lib/postgresql/*/bin/postgres >/dev/null 2>&1; then
  apt-get update -qq
  apt-get install -y -qq --no-install-recommends postgresql >/dev/null
fi
version=$(ls /usr/lib/postgresql | sort -n | tail -1)
if ! pg_lsclusters -h | awk '{print $1, $2}' | grep -qx "$version main"; then
  pg_createcluster "$version" main >/dev/null
fi
pg_ctlcluster "$version" main start 2>/dev/null || true
for _ in $(seq 30); do pg_isready -q -h 127.0.0.1 && break; sleep 1; done
pg_isready -q -h 127.0.0.1
(cd / && runuser -u postgres -- psql -q -v ON_ERROR_STOP=1 -v db="$database") <<'SQL'
SELECT 'CREATE ROLE portal LOGIN CREATEDB PASSWORD ''portal'''
WHERE NOT EXISTS (SELECT FROM pg_roles WHERE rolname = 'portal')\gexec
SELECT format('CREATE DATABASE %I OWNER portal', :'db')
WHERE NOT EXISTS (SELECT FROM pg_database WHERE datname = :'db')\gexec
SQL
