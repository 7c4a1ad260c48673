# Every target builds what it needs: a fresh clone only needs `make run` or `make test`.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
# Every dependency pinned (dev and bench tools included), refreshed by `make lock`.
LOCK := requirements.lock
UV_VERSION := 0.13.9
LOCAL_AI_STAMP := $(VENV)/.installed-local-ai
# The local-AI extra's versions, torch aside (see scripts/no-torch.txt).
LOCAL_AI_LOCK := requirements-local-ai.lock
HOST ?= 127.0.0.1
PORT ?= 8001
export PGSERVER_POSTGRES_VERSION := 16

.DEFAULT_GOAL := help
.PHONY: help install local-ai system-deps run worker test test-smoke db-migrate db-status lint typecheck bench lock lock-upgrade clean

help: ## List the targets
	@grep -E '^[a-z-]+:.*## ' $(MAKEFILE_LIST) | awk 'BEGIN {FS = ":.*## "}; {printf "  %-12s %s\n", $$1, $$2}'

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)

$(STAMP): pyproject.toml $(LOCK) | $(BIN)/python
	$(BIN)/python -m pip install -q --upgrade pip
	$(BIN)/python -m pip install -q -r $(LOCK)
	$(BIN)/python -m pip install -q --no-deps -e .
	touch $(STAMP)

install: $(STAMP) system-deps ## Create .venv and install the project with its dev tools

$(LOCAL_AI_STAMP): $(STAMP) $(LOCAL_AI_LOCK)
	$(BIN)/python -m pip install -q -c $(LOCK) -c $(LOCAL_AI_LOCK) -e '.[local-ai]'
	touch $(LOCAL_AI_STAMP)

local-ai: install $(LOCAL_AI_STAMP) ## Local AI in the worker: torch (CPU here), diffusers (~1.3 GB)
	$(BIN)/backoffice providers check

system-deps: ## Install potrace (vectorizing) from Debian when missing and we are root
	@scripts/system-deps.sh potrace

run: install ## Migrate and serve on $(HOST):$(PORT) with the in-process worker
	$(BIN)/backoffice db migrate
	$(BIN)/backoffice serve --host $(HOST) --port $(PORT)

worker: install ## Run a standalone worker (pair with BACKOFFICE_WORKER=external)
	$(BIN)/backoffice worker

# The diffusers provider's tests run its real loading code on tiny models, so `make test`
# installs the local-AI extra (about 3 minutes and 1.3 GB the first time).
test: install $(LOCAL_AI_STAMP) ## Run every test but the browser ones, against a real PostgreSQL 16
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

typecheck: install ## mypy on the whole package (also part of make test)
	$(BIN)/mypy

lock: | $(BIN)/python ## Pin new dependencies of pyproject.toml into the lock files, keeping the others
	$(BIN)/python -m pip install -q uv==$(UV_VERSION)
	$(BIN)/uv pip compile pyproject.toml --extra dev --extra bench --python-version 3.11 \
		--universal -q -o $(LOCK)
	$(BIN)/uv pip compile pyproject.toml --extra local-ai --python-version 3.11 --universal -q \
		-c $(LOCK) --override scripts/no-torch.txt --no-emit-package torch -o $(LOCAL_AI_LOCK)

lock-upgrade: | $(BIN)/python ## Re-pin every dependency to its newest release
	$(BIN)/python -m pip install -q uv==$(UV_VERSION)
	$(BIN)/uv pip compile pyproject.toml --extra dev --extra bench --python-version 3.11 \
		--universal -q --upgrade -o $(LOCK)
	$(BIN)/uv pip compile pyproject.toml --extra local-ai --python-version 3.11 --universal -q \
		-c $(LOCK) --override scripts/no-torch.txt --no-emit-package torch --upgrade \
		-o $(LOCAL_AI_LOCK)

bench: install ## Benchmarks, each in a fresh process, targets MET/MISSED (BENCH=scale: one of them)
	$(BIN)/python -m bench $(BENCH)

clean: ## Remove the venv (keeps ./var, your data)
	rm -rf $(VENV)
