#!/usr/bin/env bash
# `make test`: set everything up, then run the whole suite against the real Elasticsearch node and
# the database in DATABASE_URL (SQLite by default). Arguments go to pytest.
set -euo pipefail
cd "$(dirname "$0")/.."
# pytest-django creates its own test database; migrating the development one is not needed.
SKIP_MIGRATE=1 scripts/bootstrap.sh
exec .venv/bin/python -m pytest "$@"
