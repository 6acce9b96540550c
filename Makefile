# ogpnet — the two commands a new user needs are `make run` and `make test`.
SHELL := /bin/bash
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
OGPNET := $(BIN)/ogpnet
PORT ?= $(or $(OGPNET_DASHBOARD_PORT),8501)

.PHONY: run test setup jars browser data load analyse dashboard stop bench soak lint clean help

help:
	@echo "make run    - set up, start the local Neo4j, load the bundled data, analyse, serve the dashboard"
	@echo "make test   - every test (starts and stops a throwaway Neo4j)"
	@echo "make data   - rebuild data/ from the raw public files (OGPNET_RAW_DIR)"
	@echo "make bench  - benchmarks, results in bench/results/"
	@echo "make soak   - the long reliability tests"
	@echo "make lint   - ruff and mypy"
	@echo "make stop   - stop the local Neo4j"

# --- set-up --------------------------------------------------------------------------------------
$(VENV)/.installed: pyproject.toml
	@test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -e '.[dev]'
	@touch $@

# Debian's chromium for the browser tests (never a browser download); Pango for PDF reports (WeasyPrint) and
# poppler-utils (pdftoppm) with which the tests render PDF pages.
browser:
	@if ! command -v chromium >/dev/null 2>&1; then \
	  if [ "$$(id -u)" = 0 ]; then \
	    echo "installing Debian's chromium"; \
	    apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >/dev/null; \
	  else \
	    echo "chromium is missing: run 'sudo apt-get install chromium' (the browser tests need /usr/bin/chromium)"; exit 1; \
	  fi; \
	fi
	@if ! command -v pdftoppm >/dev/null 2>&1 || ! ldconfig -p | grep -q libpangoft2-1.0.so.0; then \
	  if [ "$$(id -u)" = 0 ]; then \
	    echo "installing Debian's poppler-utils and Pango"; \
	    apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq poppler-utils \
	      libpango-1.0-0 libpangoft2-1.0-0 >/dev/null; \
	  else \
	    echo "missing: run 'sudo apt-get install poppler-utils libpango-1.0-0 libpangoft2-1.0-0' (PDF reports and their tests)"; exit 1; \
	  fi; \
	fi

# The Neo4j jars (from Maven Central via pom.xml), fetched once into the cache.
jars: $(VENV)/.installed
	$(BIN)/python -c "from graph.settings import Settings; from graph.server import fetch_jars, neo4j_version; \
	s = Settings.from_env(); print(fetch_jars(s.cache_dir, neo4j_version()))"

setup: $(VENV)/.installed browser jars

# --- the main job --------------------------------------------------------------------------------
run: setup
	$(OGPNET) db start
	$(OGPNET) load
	$(OGPNET) summary
	@echo "dashboard: http://127.0.0.1:$(PORT)  (Ctrl-C stops it; 'make stop' stops Neo4j)"
	$(OGPNET) dashboard --port $(PORT)

data: $(VENV)/.installed
	$(OGPNET) data build

stop:
	@test -x $(OGPNET) && $(OGPNET) db stop || true

# --- tests ---------------------------------------------------------------------------------------
# Lint (ruff, mypy --strict) first, then every test; tests/conftest.py starts a throwaway Neo4j on free ports
# for the session and always stops it.
test: setup lint
	$(BIN)/pytest

soak: setup
	OGPNET_SOAK=1 $(BIN)/pytest tests/test_reliability.py tests/test_concurrency.py tests/test_hostile.py

bench: setup
	$(BIN)/python -m bench.run

lint: $(VENV)/.installed
	$(BIN)/ruff check model queries graph loaders presentation reports dashboard ogpnet tests bench
	$(BIN)/mypy model queries graph loaders presentation reports dashboard ogpnet

clean:
	rm -rf $(VENV) .pytest_cache test-output
