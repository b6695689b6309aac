#!/usr/bin/env bash
# `make page-benchmark`: page render times and anonymous requests per second (cms/benchmark.py),
# against granian with production settings on the benchmark's PostgreSQL database (portal_bench,
# as `make benchmark` uses), with the demo content loaded once. wrk comes from Debian.
# Arguments go to `manage.py page_benchmark`, e.g. `make page-benchmark ARGS="--connections 32"`.
set -euo pipefail
cd "$(dirname "$0")/.."
EXTRA_DEBIAN_PACKAGES=wrk SKIP_MIGRATE=1 scripts/bootstrap.sh
scripts/postgres.sh portal_bench
export DATABASE_URL=${BENCHMARK_DATABASE_URL:-postgres://portal:portal@127.0.0.1:5432/portal_bench}
export SEARCH_INDEX_PREFIX=bench
.venv/bin/python manage.py migrate --verbosity 0
.venv/bin/python manage.py createcachetable
.venv/bin/python manage.py load_demo_data --if-empty --organisations 2000
.venv/bin/python manage.py load_demo_content
exec .venv/bin/python manage.py page_benchmark "$@"
