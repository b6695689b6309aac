# The two commands: `make run` serves the portal with demo data, `make test` runs the test suite.
# Both set up everything they need first (see scripts/bootstrap.sh) and are safe to repeat.
.PHONY: run test stop lint format benchmark page-benchmark complaint-benchmark

run:
	scripts/run.sh

test:
	scripts/test.sh

# The search benchmark on a database of its own; e.g. make benchmark ARGS="--organisations 1000000 --replace"
benchmark:
	scripts/benchmark.sh $(ARGS)

# Page render times and anonymous requests/s with wrk against granian (same database as above)
page-benchmark:
	scripts/page_benchmark.sh $(ARGS)

# Complaints filed/s through the form, latency, 0 lost / 0 doubled, PDF receipt time (same database)
complaint-benchmark:
	scripts/complaint_benchmark.sh $(ARGS)

# Stops the local Elasticsearch node that `make run` / `make test` started.
stop:
	.venv/bin/python manage.py search_node stop

lint:
	.venv/bin/ruff check .
	.venv/bin/ruff format --check .

format:
	.venv/bin/ruff check --fix .
	.venv/bin/ruff format .
