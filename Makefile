# Shift the Dial: `make run` sets everything up and serves the demo place; `make test` runs the suite.
# Needs only Python 3.11+, Node.js with npm, and make (browser tests also need Debian's chromium).

PYTHON ?= python3
PORT ?= 8000
VENV := .venv
# Our Python code that ships or runs against a server (tests are checked by ruff's S rules).
BANDIT_PATHS := config wellbeing partnerships interventions api benchmarks
PY := $(VENV)/bin/python

# The embedded default: SQLite, Celery eager, DEBUG on. Override any of these in the environment.
export DEBUG ?= 1

.PHONY: run test setup lint format bench load clean check-python

run: setup
	$(PY) manage.py migrate --noinput
	$(PY) manage.py load_reference
	@echo
	$(PY) manage.py seed_demo
	@echo
	@echo "Serving the demo place at http://127.0.0.1:$(PORT)/ (stop with Ctrl+C)"
	$(PY) manage.py runserver 127.0.0.1:$(PORT)

test: setup lint
	$(PY) -m pytest

setup: check-python $(VENV)/.installed node_modules/.installed build/static/app/app.css

check-python:
	@$(PYTHON) -c 'import sys; sys.exit(0 if sys.version_info >= (3, 11) else "Python 3.11 or newer is needed; set PYTHON=python3.11 (or newer).")'

$(VENV)/.installed: pyproject.toml constraints.txt
	$(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -c constraints.txt -e '.[dev]'
	@touch $@

node_modules/.installed: package.json package-lock.json
	npm ci --no-audit --no-fund
	@touch $@

build/static/app/app.css: node_modules/.installed $(wildcard assets/scss/*.scss)
	npm run --silent build:css
	@mkdir -p build/staticfiles

lint: $(VENV)/.installed
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .
	$(VENV)/bin/djlint templates --lint
	$(VENV)/bin/djlint templates --check
	$(VENV)/bin/bandit --quiet --recursive $(BANDIT_PATHS) --exclude '*/migrations/*' --severity-level medium
	@echo "bandit: no finding of medium or high severity in $(BANDIT_PATHS)"

format: $(VENV)/.installed
	$(VENV)/bin/ruff check --fix .
	$(VENV)/bin/ruff format .
	$(VENV)/bin/djlint templates --reformat

bench: setup
	$(PY) benchmarks/run.py
	$(PY) benchmarks/import_xlsx.py
	$(PY) benchmarks/gap_analysis.py
	$(PY) benchmarks/budgets.py
	$(PY) benchmarks/partnerships.py

# The load test: 50 people for 60 s against gunicorn under production settings, on PostgreSQL
# (BENCH_DATABASE_URL, default postgres://postgres@127.0.0.1:5432/shift_bench_load, created if missing).
load: setup
	$(PY) benchmarks/load.py --collectstatic

clean:
	rm -rf $(VENV) node_modules build test-artifacts db.sqlite3 test-db-*.sqlite3
