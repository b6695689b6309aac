#!/usr/bin/env bash
# `make complaint-benchmark`: complaints filed through the real form against granian with
# production settings (complaints/benchmark.py), on the benchmark's PostgreSQL database
# (portal_bench, as `make benchmark` uses) with the demo data loaded once.
# Arguments go to `manage.py complaint_benchmark`, e.g.
# `make complaint-benchmark ARGS="--submissions 500 --paced-submissions 300"`.
set -euo pipefail
cd "$(dirname "$0")/.."
SKIP_MIGRATE=1 scripts/bootstrap.sh
scripts/postgres.sh portal_bench
export DATABASE_URL=${BENCHMARK_DATABASE_URL:-postgres://portal:portal@127.0.0.1:5432/portal_bench}
export SEARCH_INDEX_PREFIX=bench
.venv/bin/python manage.py migrate --verbosity 0
.venv/bin/python manage.py createcachetable
.venv/bin/python manage.py load_demo_data --if-empty --organisations 2000
exec .venv/bin/python manage.py complaint_benchmark "$@"
