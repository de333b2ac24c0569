# Two commands on a fresh machine: `make run` and `make test`. Both install what is missing.
SHELL := /bin/bash
PYTHON ?= $(shell command -v python3.11 2>/dev/null || command -v python3)
VENV := .venv
PY := $(VENV)/bin/python
DEPS := $(VENV)/.deps-installed
NODE_DEPS := node_modules/.deps-installed
CATALOGS := $(patsubst %.po,%.mo,$(wildcard web/translations/*/LC_MESSAGES/messages.po))
HOST ?= 127.0.0.1
PORT ?= 5000

.PHONY: run test bench lint deps clean messages

run: $(DEPS) $(NODE_DEPS) $(CATALOGS)
	$(VENV)/bin/alur init
	$(VENV)/bin/alur serve --host $(HOST) --port $(PORT)

test: $(DEPS) $(NODE_DEPS) $(CATALOGS)
	$(PY) -m pytest

bench: $(DEPS) $(NODE_DEPS) $(CATALOGS)
	$(PY) -m tests.bench

lint: $(DEPS) $(NODE_DEPS)
	$(VENV)/bin/lint-imports
	npx --no-install bpmnlint processes/*.bpmn

deps: $(DEPS) $(NODE_DEPS) $(CATALOGS)

# Translation catalogs: Indonesian is the source language (message ids), English a catalog.
%.mo: %.po | $(DEPS)
	$(VENV)/bin/pybabel compile -i $< -o $@

messages: $(DEPS)
	$(VENV)/bin/pybabel extract -F babel.cfg -k lazy_gettext -k _l --no-location -o web/translations/messages.pot .
	$(VENV)/bin/pybabel update -i web/translations/messages.pot -d web/translations --no-fuzzy-matching --ignore-obsolete

$(PY):
	@$(PYTHON) -c 'import sys; sys.exit(0 if sys.version_info[:2] == (3, 11) else "Alur needs Python 3.11; set PYTHON=/path/to/python3.11")'
	$(PYTHON) -m venv $(VENV)

$(DEPS): pyproject.toml | $(PY)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -e '.[dev]'
	@touch $@

$(NODE_DEPS): package.json package-lock.json
	@command -v npm >/dev/null || { echo "npm is missing: apt-get install -y nodejs npm"; exit 1; }
	npm ci --no-audit --no-fund --loglevel=error
	@touch $@

clean:
	rm -rf $(VENV) node_modules var *.egg-info
