#!/usr/bin/env bash
# `make benchmark`: the search benchmark on a PostgreSQL database of its own (portal_bench) and
# index names of its own (prefix `bench`), so it never touches the portal's data.
# Arguments go to `manage.py search_benchmark`, e.g. `make benchmark ARGS="--organisations 1000000"`.
set -euo pipefail
cd "$(dirname "$0")/.."
SKIP_MIGRATE=1 scripts/bootstrap.sh
scripts/postgres.sh portal_bench
export DATABASE_URL=${BENCHMARK_DATABASE_URL:-postgres://portal:portal@127.0.0.1:5432/portal_bench}
export SEARCH_INDEX_PREFIX=bench
.venv/bin/python manage.py migrate --verbosity 0
exec .venv/bin/python manage.py search_benchmark "$@"
