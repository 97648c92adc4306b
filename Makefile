# Coderr backend. `make run` sets everything up and serves http://127.0.0.1:8000/; `make test` runs the suite.
SHELL := /bin/bash
PYTHON_VERSION := $(shell cat .python-version)
# The interpreter .python-version names (pyenv), else pythonX.Y on the PATH.
BASE_PYTHON ?= $(shell (p=$$(pyenv prefix 2>/dev/null) && echo "$$p/bin/python") || command -v python$(PYTHON_VERSION) || echo python$(PYTHON_VERSION))
VENV := .venv
PY := $(VENV)/bin/python
HOST ?= 127.0.0.1
PORT ?= 8000
COVERAGE_FLOOR ?= 95

.PHONY: fuzz help migrate run serve test test-sqlite test-postgres lint format check bench seed superuser clean

help:
	@echo "make run        set up (venv, .env, migrate, demo data) and serve on http://$(HOST):$(PORT)/"
	@echo "make test       run the whole test suite (with coverage)"
	@echo "make serve      production-like: gunicorn, DEBUG off, static files via whitenoise"
	@echo "make lint       ruff check + format check"
	@echo "make bench      load benchmark (see README, Performance)"

$(VENV)/.installed: requirements.txt requirements-dev.txt .python-version
	@$(BASE_PYTHON) -c 'import sys; assert sys.version_info >= (3, 12), "Python >= 3.12 needed, got " + sys.version' \
		|| { echo "Install Python $(PYTHON_VERSION) (pyenv install $(PYTHON_VERSION)) or set BASE_PYTHON=/path/to/python3.13"; exit 1; }
	$(BASE_PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -r requirements-dev.txt
	@touch $@

.env:
	@cp .env.example .env
	@key=$$($(BASE_PYTHON) -c 'import secrets; print(secrets.token_urlsafe(50))'); \
		sed -i "s|^SECRET_KEY=.*|SECRET_KEY=$$key|" .env
	@echo "Created .env from .env.example with a generated SECRET_KEY."

migrate: $(VENV)/.installed .env
	$(PY) manage.py migrate --noinput

run: migrate
	$(PY) manage.py seed_demo
	$(PY) manage.py runserver $(HOST):$(PORT)

# No demo data here: the guest accounts' passwords are public.
serve: migrate
	DEBUG=False $(PY) manage.py collectstatic --noinput --verbosity 0
	DEBUG=False $(VENV)/bin/gunicorn core.wsgi:application --bind $(HOST):$(PORT) --workers 2 --access-logfile -

test: $(VENV)/.installed .env
	$(PY) -m coverage erase
	$(PY) -m coverage run manage.py test --noinput $(TEST_ARGS)
	$(PY) -m coverage report --fail-under=$(COVERAGE_FLOOR)

test-postgres: $(VENV)/.installed .env
	DATABASE_URL=postgres://postgres@127.0.0.1:5432/coderr $(PY) manage.py test --noinput $(TEST_ARGS)

lint: $(VENV)/.installed
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .

format: $(VENV)/.installed
	$(VENV)/bin/ruff check --fix .
	$(VENV)/bin/ruff format .

check: $(VENV)/.installed .env
	$(PY) manage.py check
	$(PY) manage.py makemigrations --check --dry-run

bench: $(VENV)/.installed .env
	@command -v wrk >/dev/null || { echo "Installing wrk (the load generator) from Debian's packages"; \
		apt-get update -qq && apt-get install -y -qq wrk; }
	$(PY) bench/run.py $(BENCH_ARGS)

fuzz: $(VENV)/.installed
	$(PY) fuzz/run.py $(FUZZ_ARGS)

seed: $(VENV)/.installed .env
	$(PY) manage.py seed_demo

superuser: $(VENV)/.installed .env
	$(PY) manage.py createsuperuser

clean:
	rm -rf $(VENV) staticfiles .coverage htmlcov
