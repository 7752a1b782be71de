# The two commands a newcomer needs: `make run` and `make test`. See README.md.

SHELL := /bin/bash
PYTHON ?= $(shell command -v python3.11 || command -v python3)
VENV := .venv
BIN := $(VENV)/bin
STAMP := .make
HOST ?= 127.0.0.1
PORT ?= 8000

.PHONY: run test lint assets venv worker clean help

help:
	@echo "make run    set up, load the Lancashire demo and serve it on http://$(HOST):$(PORT)/"
	@echo "make test   set up and run the whole test suite (PostgreSQL, Redis, Celery, Chromium)"
	@echo "make lint   ruff, djLint, bandit and pip-audit (pip-audit needs the network)"

$(STAMP)/python: requirements.txt requirements-dev.txt
	@$(PYTHON) -c 'import sys; sys.exit(0 if sys.version_info[:2] == (3, 11) else "CSP Portal needs Python 3.11; set PYTHON=/path/to/python3.11")'
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -r requirements-dev.txt
	@mkdir -p $(STAMP) && touch $@

$(STAMP)/node: package.json package-lock.json
	@command -v npm >/dev/null || { echo "npm not found: install Node.js 20 or later (Debian: apt-get install nodejs npm)"; exit 1; }
	npm ci --no-audit --no-fund --loglevel=error
	@mkdir -p $(STAMP) && touch $@

static/dist/app.css: $(STAMP)/node $(wildcard static/src/*)
	npm run --silent build

venv: $(STAMP)/python
assets: static/dist/app.css

run: venv assets
	$(BIN)/python manage.py migrate --noinput
	$(BIN)/python manage.py load_demo
	@echo
	@echo "CSP Portal is at http://$(HOST):$(PORT)/"
	@echo "Sign in as officer@demo.example (or admin@, lead@, board@, analyst@, officer-csr@demo.example), password: demo"
	@echo "admin@demo.example also asks for a two-factor code: run '$(BIN)/python manage.py demo_code' for it"
	@echo
	$(BIN)/python manage.py runserver $(HOST):$(PORT)

worker: venv
	$(BIN)/celery -A csp_portal worker --loglevel=INFO

# The suite runs in TEST_PROCESSES processes (pytest-xdist), each with its own test database and
# Redis database on the same servers; the fault tests then run alone, since they stop and restart
# those servers. PYTEST_ARGS (e.g. a path or -k) runs what it names in one process instead.
TEST_PROCESSES ?= 2

test: venv assets
	$(BIN)/python manage.py makemigrations --check --dry-run
ifeq ($(strip $(PYTEST_ARGS)),)
	$(BIN)/python -m pytest -n $(TEST_PROCESSES) --ignore=tests/faults --durations=30
	$(BIN)/python -m pytest tests/faults
else
	$(BIN)/python -m pytest $(PYTEST_ARGS)
endif

lint: venv
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/djlint --check templates
	$(BIN)/bandit -c pyproject.toml -r . -q
	@# Looks the installed packages up in PyPI's vulnerability data, so it needs the network: it runs
	@# here, never in CI (.ci/run does not call make lint).
	$(BIN)/pip-audit --progress-spinner off

clean:
	rm -rf $(VENV) $(STAMP) node_modules static/dist staticfiles
