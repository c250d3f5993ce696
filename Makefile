# Two commands set everything up on a fresh machine:
#   make run   — virtualenv, install, migrate, demo data, server on http://127.0.0.1:8000/
#   make test  — the whole suite (SQLite, Celery in-process)
PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
PIP := $(VENV)/bin/pip
HOST ?= 127.0.0.1
PORT ?= 8000

.PHONY: run test setup install migrate demo bench bench-scale browser-test vendor clean

$(VENV)/.installed: requirements.txt
	test -d $(VENV) || $(PYTHON) -m venv $(VENV)
	$(PIP) install --quiet --upgrade pip
	$(PIP) install --quiet -r requirements.txt
	touch $@

install: $(VENV)/.installed

migrate: install
	$(PY) manage.py migrate --noinput

demo: migrate
	$(PY) manage.py load_demo

run: demo
	$(PY) manage.py collectstatic --noinput --verbosity 0
	$(PY) manage.py demo_logins --url http://$(HOST):$(PORT)/
	$(PY) manage.py runserver $(HOST):$(PORT)

# Exit code 5 (no tests collected) is a failure: a suite that ran nothing proves nothing.
test: install
	$(PY) -m pytest -q $(PYTEST_ARGS)

browser-test: install
	$(PY) -m pytest -q -m browser $(PYTEST_ARGS)

# The dashboard benchmark needs PostgreSQL (BENCH_DATABASE_URL, default
# postgres://postgres@127.0.0.1:5432/dashboards_bench; it keeps its generated databases).
bench: install
	$(PY) bench/excel.py
	$(PY) bench/dashboard.py

vendor:
	bash scripts/vendor_static.sh

clean:
	rm -rf $(VENV) staticfiles db.sqlite3*

# The scale benchmark (issue 16): PostgreSQL database <name>_100k from BENCH_SCALE_DATABASE_URL
# (default postgres://postgres@127.0.0.1:5432/scale), grown on the first run and kept;
# SCALE_PEOPLE=2000000 for the province run.
bench-scale: install
	$(PY) bench/scale.py
