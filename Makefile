# The commands the README gives. Each one sets up what it needs first.
SHELL := /bin/bash
VENV := .venv
PY := $(VENV)/bin/python
STAMP := $(VENV)/.installed
HOST ?= 127.0.0.1
PORT ?= 8000
# Processes serving `make run`; by default gunicorn.conf.py's, two per core.
WORKERS ?=
# Without DEBUG the app refuses to start with no SECRET_KEY: a local install gets a key of
# its own, made once under var/, which the settings read when the environment gives none.
SECRET_KEY_FILE := var/secret_key

.PHONY: run test lint format bench screenshots requirements setup messages

$(VENV)/bin/python:
	@python=$$(scripts/find-python) || exit 1; \
	echo "Creating $(VENV) with $$python"; \
	"$$python" -m venv $(VENV)

$(STAMP): $(VENV)/bin/python requirements-dev.txt
	@$(VENV)/bin/python -m pip install --quiet --disable-pip-version-check uv
	$(VENV)/bin/uv pip install --quiet --python $(PY) -r requirements-dev.txt
	@touch $(STAMP)

setup: $(STAMP) messages $(SECRET_KEY_FILE)

# Compiled translations are built, not committed; Babel compiles them without GNU gettext.
PO_FILES := $(wildcard locale/*/LC_MESSAGES/django.po)
MO_FILES := $(PO_FILES:.po=.mo)
messages: $(MO_FILES)

locale/%/LC_MESSAGES/django.mo: locale/%/LC_MESSAGES/django.po $(STAMP)
	$(VENV)/bin/pybabel compile --statistics -l $* -i $< -o $@

var:
	@mkdir -p var/media var/static

$(SECRET_KEY_FILE): | var
	@umask 077; python3 -c 'import secrets; print(secrets.token_urlsafe(50))' > $@

## run: install, migrate, load the demo data into an empty database, start the task worker, serve on http://$(HOST):$(PORT)
run: $(STAMP) messages var $(SECRET_KEY_FILE)
	$(PY) manage.py migrate --noinput
	$(PY) manage.py collectstatic --noinput -v 0
	$(PY) manage.py seed_demo --if-empty
	@echo
	@echo "Salespipe is served on http://$(HOST):$(PORT)/  (Ctrl-C stops it)"
	@echo "Demo logins (password: demo): alice, bob, charlie, admin"
	@echo
	@# The background tasks' worker (imports) runs beside the server and stops with it.
	@$(PY) manage.py db_worker & worker=$$!; \
	trap 'kill $$worker 2>/dev/null' EXIT INT TERM; \
	$(VENV)/bin/gunicorn salespipe.asgi:application --config gunicorn.conf.py \
		--bind $(HOST):$(PORT) $(if $(WORKERS),--workers $(WORKERS)) \
		--access-logfile - --forwarded-allow-ips 127.0.0.1

## test: the whole suite (PostgreSQL when DATABASE_URL is set)
test: $(STAMP) messages $(SECRET_KEY_FILE)
	@scripts/system-packages test
	$(VENV)/bin/pytest $(PYTEST_ARGS)

## lint: ruff (lint and format), mypy (strict), the import contracts, migrations up to date
lint: $(STAMP) $(SECRET_KEY_FILE)
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .
	$(VENV)/bin/mypy .
	$(VENV)/bin/lint-imports
	$(PY) manage.py makemigrations --check --dry-run

format: $(STAMP)
	$(VENV)/bin/ruff check --fix .
	$(VENV)/bin/ruff format .

## bench: seeds its own SQLite and PostgreSQL databases, measures the board, calendar, moves,
## API lists and live search against baselines, prints the table, writes var/bench/results.json.
## `make bench ARGS=--quick` stops at 10,000 opportunities.
bench: $(STAMP) messages var $(SECRET_KEY_FILE)
	@scripts/system-packages test
	$(PY) -m scripts.bench $(ARGS)

## screenshots: PNGs of the board with demo data, in French and English, under var/screenshots/
screenshots: $(STAMP) messages var $(SECRET_KEY_FILE)
	@scripts/system-packages test
	$(PY) scripts/screenshots.py

## requirements: re-pin requirements*.txt from pyproject.toml
requirements: $(VENV)/bin/python
	@$(VENV)/bin/python -m pip install --quiet --disable-pip-version-check uv
	$(VENV)/bin/uv pip compile --quiet --python-version 3.12 --no-header pyproject.toml -o requirements.txt
	$(VENV)/bin/uv pip compile --quiet --python-version 3.12 --no-header --extra dev pyproject.toml -o requirements-dev.txt
