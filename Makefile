# Coderr backend. `make run` sets everything up and serves http://127.0.0.1:8000/; `make test` runs the suite.
SHELL := /bin/bash
PYTHON_VERSION := $(shell cat .python-version)
# Prints the Python that builds .venv: BASE_PYTHON if set, uv, pyenv's .python-version interpreter,
# python3.13, python3.12, python3 >= 3.12 (in that order); else says what to install and fails.
FIND_PYTHON := sh tools/find_python.sh
# `make lock` compiles the lock files with this uv, installed into $(LOCK_VENV) (not into .venv, whose
# install needs the lock to be in sync first).
UV_VERSION := 0.13.9
LOCK_VENV := .venv-lock
LOCK_COMPILE := $(LOCK_VENV)/bin/uv pip compile --quiet --universal --python-version 3.12 --generate-hashes \
	--custom-compile-command "make lock"
VENV := .venv
PY := $(VENV)/bin/python
HOST ?= 127.0.0.1
PORT ?= 8000
COVERAGE_FLOOR ?= 95
# The PostgreSQL server `make test-postgres` uses; Django creates (and drops) a test_<name> database there.
TEST_DATABASE_URL ?= postgres://postgres@127.0.0.1:5432/coderr

.PHONY: fuzz help migrate run serve test test-sqlite test-postgres lint format check bench seed superuser clean

help:
	@echo "make run        set up (venv, .env, migrate, demo data) and serve on http://$(HOST):$(PORT)/"
	@echo "make test       run the whole test suite (with coverage)"
	@echo "make serve      production-like: gunicorn, DEBUG off, static files via whitenoise (after make release)"
	@echo "make release    once per deploy: migrate and collect static files (a second run changes nothing)"
	@echo "make stack      local fleet: nginx :8080, two app servers, PostgreSQL, Redis, local S3 (make stack-stop)"
	@echo "make lint       ruff check + format check"
	@echo "make bench      load benchmark (see README, Performance)"
	@echo "make lock       regenerate requirements*.lock (with hashes) after editing requirements*.txt"
	@echo "make messages   update locale/de (the German translations) after adding or changing a message"

# Installs the lock files (exact versions and hashes); requirements*.txt are only checked against them.
$(VENV)/.installed: requirements.lock requirements-dev.lock requirements.txt requirements-dev.txt .python-version
	@$(PY) -c '' 2>/dev/null || { base=$$($(FIND_PYTHON)) || exit 1; echo "Creating $(VENV) with $$base"; \
		rm -rf $(VENV); "$$base" -m venv $(VENV) || { rm -rf $(VENV); exit 1; }; }
	@$(PY) tools/check_lock.py
	$(PY) -m pip install --quiet --disable-pip-version-check --require-hashes -r requirements-dev.lock
	@touch $@

# Checked on every run: creates .env from .env.example, or fills a missing or empty SECRET_KEY (a set-up
# interrupted after the copy); a key that is set is never changed.
.PHONY: .env
.env:
	@py=$(PY); $$py -c '' 2>/dev/null || py=$$($(FIND_PYTHON)) || exit 1; "$$py" tools/write_env.py

.PHONY: lock
lock:
	@$(LOCK_VENV)/bin/uv --version 2>/dev/null | grep -qF ' $(UV_VERSION)' || { \
		base=$$($(FIND_PYTHON)) || exit 1; rm -rf $(LOCK_VENV); "$$base" -m venv $(LOCK_VENV) \
		&& $(LOCK_VENV)/bin/python -m pip install --quiet --disable-pip-version-check uv==$(UV_VERSION); }
	$(LOCK_COMPILE) requirements.txt -o requirements.lock
	$(LOCK_COMPILE) requirements-dev.txt -c requirements.lock -o requirements-dev.lock
	@$(LOCK_VENV)/bin/python tools/check_lock.py

migrate: $(VENV)/.installed .env
	$(PY) manage.py migrate --noinput

run: migrate
	$(PY) manage.py seed_demo
	$(PY) manage.py runserver $(HOST):$(PORT)

# Once per deploy (not at start-up): migrations and static files. A second run changes nothing.
.PHONY: release
release: $(VENV)/.installed .env
	DEBUG=False $(PY) manage.py release

# No demo data here: the guest accounts' passwords are public. Neither migrates nor collects: `make release` first.
serve: $(VENV)/.installed .env
	@DEBUG=False $(PY) manage.py migrate --check >/dev/null 2>&1 || { echo "Migrations are pending: run make release first."; exit 1; }
	DEBUG=False $(VENV)/bin/gunicorn -c deploy/gunicorn.conf.py --bind $(HOST):$(PORT)

# A local fleet (README "Deploying to several machines"): nginx on 127.0.0.1:8080 in front of two app servers,
# PostgreSQL, Redis and a local S3 server; `make stack-stop` stops exactly what `make stack` started.
.PHONY: stack stack-stop stack-status stack-test
stack: $(VENV)/.installed .env
	$(PY) deploy/stack.py start

stack-stop:
	$(PY) deploy/stack.py stop

stack-status:
	$(PY) deploy/stack.py status

# The fleet tests, against the running stack (CI: make stack && make stack-test; make stack-stop).
stack-test: $(VENV)/.installed
	$(PY) deploy/stack.py test

test: $(VENV)/.installed .env
	$(PY) -m coverage erase
	$(PY) -m coverage run manage.py test --noinput $(TEST_ARGS)
	$(PY) -m coverage report --fail-under=$(COVERAGE_FLOOR)

test-postgres: $(VENV)/.installed .env
	DATABASE_URL='$(TEST_DATABASE_URL)' $(PY) manage.py test --noinput $(TEST_ARGS)

lint: $(VENV)/.installed
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .

format: $(VENV)/.installed
	$(VENV)/bin/ruff check --fix .
	$(VENV)/bin/ruff format .

check: $(VENV)/.installed .env
	$(PY) tools/check_lock.py
	$(PY) manage.py check
	$(PY) manage.py makemigrations --check --dry-run

# Needs wrk, a system package: bench/run.py says how to install it and stops when it is missing.
bench: $(VENV)/.installed .env
	$(PY) bench/run.py $(BENCH_ARGS)

fuzz: $(VENV)/.installed
	$(PY) fuzz/run.py $(FUZZ_ARGS)

# Extracting needs GNU gettext (apt-get install gettext / brew install gettext); compiling is pure Python
# (polib), so after editing only the .po file, `$(PY) manage.py compile_translations` is enough. The .mo is
# committed: a fresh clone serves German without this step, and the tests fail when .po and .mo differ.
.PHONY: messages
messages: $(VENV)/.installed .env
	$(PY) manage.py makemessages --locale de --add-location file --no-obsolete \
		--ignore '*/tests/*' --ignore 'bench/*' --ignore 'fuzz/*' --ignore 'tools/*' --ignore 'media/*' --ignore 'staticfiles/*'
	$(PY) manage.py compile_translations

seed: $(VENV)/.installed .env
	$(PY) manage.py seed_demo

superuser: $(VENV)/.installed .env
	$(PY) manage.py createsuperuser

clean:
	rm -rf $(VENV) $(LOCK_VENV) staticfiles .coverage htmlcov
