# Two commands run everything; both install what is missing and skip what is there.
#   make run   build and run the app on SQLite with the payment simulator and demo data
#   make test  run every test: lints, SQLite and PostgreSQL integration tests, browser tests

.PHONY: run test setup build bench help
.DEFAULT_GOAL := help

help:
	@sed -n 's/^#   //p' Makefile

run:
	@./scripts/run.sh

test:
	@./scripts/test.sh

setup:
	@./scripts/setup.sh

build:
	@bash -c 'source scripts/env.sh && build_release'

bench:
	@./scripts/bench.sh
