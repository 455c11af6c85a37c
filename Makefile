# Chorus: the two everyday commands are `make demo` and `make test`.
# Each installs the Debian packages it needs when they are missing.

SWIFT ?= swift
PYTHON ?= python3
VENV := .venv
DEMO_DB ?= ./demo.sqlite
PORT ?= 8080

.PHONY: demo test deps e2e-deps pg-deps build release bench clean

## Start Chorus with a demo company on http://127.0.0.1:$(PORT)
demo: deps build
	.build/debug/chorus serve --demo --database $(DEMO_DB) --host 127.0.0.1 --port $(PORT)

## Run every test: Swift unit, service and HTTP tests, then the end-to-end
## tests that drive a real server with Mastodon clients; each set once on
## SQLite and once on PostgreSQL (a private cluster the run starts and stops).
test: deps e2e-deps pg-deps
	$(SWIFT) build --build-tests
	scripts/with-postgres.sh $(SWIFT) test --skip-build
	CHORUS_TEST_BACKEND=postgres scripts/with-postgres.sh $(SWIFT) test --skip-build
	CHORUS_BINARY=.build/debug/chorus $(VENV)/bin/python -m pytest -q Tests/e2e
	CHORUS_E2E_BACKEND=postgres CHORUS_BINARY=.build/debug/chorus $(VENV)/bin/python -m pytest -q Tests/e2e

deps:
	@scripts/install-deps.sh

e2e-deps:
	@scripts/install-e2e-deps.sh $(VENV)

## PostgreSQL's server binaries, for the private clusters tests start (never a system cluster).
pg-deps:
	@scripts/install-postgres.sh

build:
	$(SWIFT) build --product chorus

release: deps
	$(SWIFT) build -c release --product chorus

clean:
	rm -rf .build $(VENV)

## Benchmarks: release build, seeded database, wrk scenarios, one table.
bench: deps
	@scripts/install-bench-deps.sh
	@if [ "$${BENCH_BACKEND:-sqlite}" != sqlite ]; then scripts/install-postgres.sh; fi
	$(SWIFT) build -c release --product chorus
	$(PYTHON) Benchmarks/bench.py
