#!/usr/bin/env bash
# `make run`: set everything up, load demo data once, then serve the portal on
# http://127.0.0.1:8000 with a background worker for django-tasks beside it.
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/bootstrap.sh
PY=.venv/bin/python
HOST=${HOST:-127.0.0.1}
PORT=${PORT:-8000}

$PY manage.py load_demo_data --if-empty --organisations "${DEMO_ORGANISATIONS:-2000}"
# Inspection items and pages in both languages; adds only what is missing.
$PY manage.py load_demo_content
# Creates the index, or rebuilds it when it holds fewer documents than the database.
$PY manage.py search_index ensure

# One worker for both queues ("search": index sync; "default": e-mails, page work).
$PY manage.py db_worker --queue-name "*" --no-startup-delay --interval 0.25 &
worker=$!
# Scheduled go-live and expiry of pages and snippets: Wagtail's publish_scheduled, every minute
# (in production: a cron job or systemd timer running the same command).
while true; do
  $PY manage.py publish_scheduled >/dev/null || true
  sleep "${PUBLISH_SCHEDULED_INTERVAL:-60}"
done &
scheduler=$!
trap 'kill $worker $scheduler 2>/dev/null; wait $worker $scheduler 2>/dev/null' EXIT INT TERM
printf '\n  The portal is at http://%s:%s/  (admin: http://%s:%s/admin/)\n\n' "$HOST" "$PORT" "$HOST" "$PORT"
$PY manage.py runserver --noreload "$HOST:$PORT"
