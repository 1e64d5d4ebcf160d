# Minqing 民情 — the two set-up commands are `make run` and `make test`.
# Needs only Python 3.11+ (with venv), Node 20 and git.

SHELL := /bin/bash
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
DB ?= $(CURDIR)/data/minqing.sqlite
HOST ?= 0.0.0.0
PORT ?= 8000
PYTEST_ARGS ?=

.PHONY: install python pwa run test lint clean

## install: the Python package with its dev tools in .venv, and the built PWA
install: python pwa

python: $(VENV)/.installed

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)

# Reinstalled only when pyproject.toml changes (the package itself is editable).
$(VENV)/.installed: pyproject.toml | $(BIN)/python
	$(BIN)/python -m pip install -e '.[dev]'
	touch $@

ifneq ($(wildcard pwa/package.json),)
pwa: pwa/node_modules/.installed
	npm run build --prefix pwa

# The lock lists every platform's optional packages (rollup's native builds), so `npm ci`
# installs from it as it is on any machine and never rewrites it.
pwa/node_modules/.installed: pwa/package.json pwa/package-lock.json
	npm ci --prefix pwa --no-audit --no-fund
	touch $@
else
pwa:
	@echo "no pwa/package.json yet: nothing to build"
endif

## run: the service and the PWA at http://127.0.0.1:$(PORT) on a demo county (SQLite file)
run: install
	mkdir -p "$(dir $(DB))"
	export MINQING_ENVIRONMENT=development MINQING_DATABASE_URL="sqlite:///$(DB)"; \
	if [ ! -f "$(DB)" ]; then \
		$(BIN)/minqing demo || { rm -f "$(DB)" "$(DB)-wal" "$(DB)-shm"; exit 1; }; \
	fi; \
	exec $(BIN)/minqing serve --host $(HOST) --port $(PORT)

## test: the phone's sync core under Node's test runner, then the whole suite (SQLite; set
## MINQING_TEST_DATABASE_URL for PostgreSQL)
test: install
	node --test pwa/test/*.test.js
	$(BIN)/pytest $(PYTEST_ARGS)

## lint: ruff and mypy
lint: python
	$(BIN)/ruff check
	$(BIN)/ruff format --check
	$(BIN)/mypy

clean:
	rm -rf $(VENV) pwa/node_modules pwa/dist .pytest_cache .mypy_cache .ruff_cache
