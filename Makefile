# Every target builds what it needs: a fresh clone only needs `make run` or `make test`.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
HOST ?= 127.0.0.1
PORT ?= 8001
export PGSERVER_POSTGRES_VERSION := 16

.DEFAULT_GOAL := help
.PHONY: help install system-deps run worker test test-smoke db-migrate db-status lint bench clean

help: ## List the targets
	@grep -E '^[a-z-]+:.*## ' $(MAKEFILE_LIST) | awk 'BEGIN {FS = ":.*## "}; {printf "  %-12s %s\n", $$1, $$2}'

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)

$(STAMP): pyproject.toml | $(BIN)/python
	$(BIN)/python -m pip install -q --upgrade pip
	$(BIN)/python -m pip install -q -e '.[dev]'
	touch $(STAMP)

install: $(STAMP) system-deps ## Create .venv and install the project with its dev tools

system-deps: ## Install potrace (vectorizing) from Debian when missing and we are root
	@scripts/system-deps.sh potrace

run: install ## Migrate and serve on $(HOST):$(PORT) with the in-process worker
	$(BIN)/backoffice db migrate
	$(BIN)/backoffice serve --host $(HOST) --port $(PORT)

worker: install ## Run a standalone worker (pair with BACKOFFICE_WORKER=external)
	$(BIN)/backoffice worker

test: install ## Run every test but the browser ones, against a real PostgreSQL 16
	$(BIN)/python -m pytest -m "not smoke"

test-smoke: install ## Browser tests: Playwright driving Debian's chromium
	@scripts/system-deps.sh chromium
	$(BIN)/python -m pytest -m smoke

db-migrate: install ## Apply the Alembic migrations
	$(BIN)/backoffice db migrate

db-status: install ## Show the current and head Alembic revisions
	$(BIN)/backoffice db status

lint: install ## Ruff
	$(BIN)/ruff check src tests bench

bench: install ## Benchmarks: procedural pages, PDF export, load (prints figures)
	$(BIN)/python -m pip install -q -e '.[dev,bench]'
	$(BIN)/python -m bench $(BENCH)

clean: ## Remove the venv (keeps ./var, your data)
	rm -rf $(VENV)
