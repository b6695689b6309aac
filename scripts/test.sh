#!/usr/bin/env bash
# `make test`: set everything up, then run the whole suite against the real Elasticsearch node and
# the database in DATABASE_URL (SQLite by default). Arguments go to pytest.
set -euo pipefail
cd "$(dirname "$0")/.."
# pytest-django creates its own test database; migrating the development one is not needed.
# TEST_TOOLS=1: also Chromium and the HTML and accessibility checkers of tests/browser.
SKIP_MIGRATE=1 TEST_TOOLS=1 scripts/bootstrap.sh
exec .venv/bin/python -m pytest "$@"
