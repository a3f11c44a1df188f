# GBVMS — two commands: `make run` (app on SQLite with demo data) and `make test` (whole suite).
PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
HOST ?= 127.0.0.1
PORT ?= 8000
DEV_ENV := GBVMS_DEBUG=1
PYTEST_ARGS ?=

.PHONY: install run test test-postgres lint format migrate clean bench

install: $(VENV)/.installed node_modules/.installed locale/.compiled ## virtualenv, Python and npm dependencies

$(VENV)/.installed: requirements.txt requirements-dev.txt
	@test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --disable-pip-version-check -r requirements-dev.txt
	@touch $@

node_modules/.installed: package.json package-lock.json
	npm ci --no-audit --no-fund --loglevel=error
	@touch $@

locale/.compiled: $(VENV)/.installed $(wildcard locale/*/LC_MESSAGES/django.po)
	$(DEV_ENV) $(PY) manage.py compile_translations
	@touch $@

migrate: install
	$(DEV_ENV) $(PY) manage.py migrate --noinput

run: migrate ## set up and serve on http://127.0.0.1:8000 with SQLite and demo data, worker beside
	$(DEV_ENV) $(PY) manage.py load_units
	$(DEV_ENV) $(PY) manage.py load_demo
	@echo "GBVMS: http://$(HOST):$(PORT)/  (sign in with a demo account above; Ctrl-C stops)"
	$(DEV_ENV) PY=$(PY) HOST=$(HOST) PORT=$(PORT) scripts/run-dev.sh

test: install ## the whole suite on SQLite, browser tests included
	scripts/ensure-chromium.sh
	scripts/ensure-libreoffice.sh
	$(PY) -m pytest $(PYTEST_ARGS)

test-postgres: install ## the same suite on a throwaway PostgreSQL cluster
	scripts/ensure-chromium.sh
	scripts/ensure-libreoffice.sh
	scripts/with-postgres.sh $(PY) -m pytest $(PYTEST_ARGS)

lint: install ## ruff lint + format check, migrations in sync
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .
	$(DEV_ENV) $(PY) manage.py makemigrations --check --dry-run

format: install
	$(VENV)/bin/ruff format .
	$(VENV)/bin/ruff check --fix .

clean:
	rm -rf $(VENV) node_modules staticfiles .pytest_cache .ruff_cache locale/.compiled
