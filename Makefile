# 质量信得过班组 platform — build, run and test.
#
#   make run     install everything, migrate, load demo data once, serve on :8000
#   make test    install everything, run the whole test suite on SQLite
#
# Everything goes through .venv/bin/...; there is nothing to activate.

SHELL := /bin/bash
.SHELLFLAGS := -eu -o pipefail -c
.DEFAULT_GOAL := help

PYTHON ?= python3.11
VENV := .venv
PY := $(VENV)/bin/python
PIP_STAMP := $(VENV)/.xinban-installed
NPM_STAMP := node_modules/.xinban-installed
DEMO_STAMP := var/.demo-loaded
HOST ?= 127.0.0.1
PORT ?= 8000
# Links in e-mails and the QR codes of certificates point at the address `make run`
# serves; without DEBUG the platform refuses to start without SITE_URL (docs/deploy.md).
export SITE_URL ?= http://$(HOST):$(PORT)
PYTEST_ARGS ?=
ALLOW_NO_TESTS ?=
SYSTEM_PACKAGES := chromium postgresql postgresql-contrib fonts-wqy-zenhei fonts-noto-cjk \
	poppler-utils gettext libreoffice-calc libreoffice-writer ffmpeg

.PHONY: help install run migrate messages site-url demo test test-system test-pg lint bench system-deps clean-venv

help:
	@echo "make run          install, migrate, load demo data once, serve http://$(HOST):$(PORT)"
	@echo "make test         run the test suite on SQLite (PYTEST_ARGS='-k foo' to narrow)"
	@echo "make test-pg      run the test suite on a throwaway PostgreSQL 15 cluster"
	@echo "make lint         ruff check, ruff format --check, mypy, import contracts"
	@echo "make bench        manage.py bench"
	@echo "make demo         re-seed the demo data"
	@echo "make install      (re)create .venv and node_modules when their inputs changed"
	@echo "make system-deps  apt-get install the system packages (root or sudo)"

# --- install -------------------------------------------------------------------

install: $(PIP_STAMP) $(NPM_STAMP)

$(PY):
	$(PYTHON) -m venv $(VENV)

# Re-run only when pyproject.toml is newer than the stamp (or the venv is new).
$(PIP_STAMP): pyproject.toml | $(PY)
	$(PY) -m pip install --disable-pip-version-check -e '.[dev]'
	@touch $@

$(NPM_STAMP): package-lock.json package.json
	@command -v npm >/dev/null || $(MAKE) --no-print-directory system-deps  # first run on a fresh machine
	@command -v npm >/dev/null || { echo "npm not found: apt-get install nodejs npm (or make system-deps)" >&2; exit 1; }
	npm ci --no-audit --no-fund
	@touch $@

# --- run -----------------------------------------------------------------------

migrate: install
	$(PY) manage.py migrate --noinput

# Compile translations when there are any; Django's compilemessages needs GNU gettext.
messages: install
	@if compgen -G 'xinban/locale/*/LC_MESSAGES/*.po' >/dev/null; then \
	  command -v msgfmt >/dev/null || $(MAKE) --no-print-directory system-deps; \
	  command -v msgfmt >/dev/null || { echo "msgfmt not found: apt-get install gettext (or make system-deps)" >&2; exit 1; }; \
	  echo "$(PY) manage.py compilemessages"; \
	  $(PY) manage.py compilemessages --ignore=.venv --ignore=node_modules --ignore=var; \
	fi

# Demo data is loaded once per database; `make demo` loads it again.
run: migrate messages
	@mkdir -p var
	@if [ ! -f $(DEMO_STAMP) ]; then \
	  if $(PY) manage.py help --commands | grep -qx seed_demo; then \
	    echo "$(PY) manage.py seed_demo"; \
	    $(PY) manage.py seed_demo && touch $(DEMO_STAMP); \
	  else \
	    echo "note: no seed_demo command yet; starting without demo data" >&2; \
	  fi; \
	fi
	@# One background-task worker beside the development server (certificate batches,
	@# large exports, the e-mail outbox); it stops with the server.
	DEBUG=1 $(PY) manage.py run_worker --poll 1 & worker=$$!; \
	trap 'kill $$worker 2>/dev/null' EXIT INT TERM; \
	DEBUG=1 $(PY) manage.py runserver $(HOST):$(PORT)

# The address links and certificates point at (tests/security/test_settings.py reads it).
site-url:
	@echo "$$SITE_URL"

demo: migrate
	@mkdir -p var
	$(PY) manage.py seed_demo
	@touch $(DEMO_STAMP)

# --- checks --------------------------------------------------------------------

# pytest's exit code is kept (5 = no tests collected) unless ALLOW_NO_TESTS=1.
# The suite drives Debian's Chromium, reads PDFs back with poppler and prints 附件5/6 with
# LibreOffice (soffice): on a machine without them, install the system packages first
# (root or sudo).
test-system:
	@command -v chromium >/dev/null && command -v pdftoppm >/dev/null && command -v soffice >/dev/null || $(MAKE) --no-print-directory system-deps

test: install messages test-system
	@echo "$(VENV)/bin/pytest -n 2 $(PYTEST_ARGS)"
	@$(VENV)/bin/pytest -n 2 $(PYTEST_ARGS) || { rc=$$?; \
	  if [ $$rc -eq 5 ] && [ "$(ALLOW_NO_TESTS)" = 1 ]; then \
	    echo "warning: pytest collected no tests (exit 5), accepted because ALLOW_NO_TESTS=1" >&2; exit 0; fi; \
	  exit $$rc; }

test-pg: install
	scripts/with-postgres.sh $(MAKE) --no-print-directory test

# All three run even when one fails; the target fails if any did.
lint: install
	@rc=0; \
	echo "$(VENV)/bin/ruff check ."; $(VENV)/bin/ruff check . || rc=1; \
	echo "$(VENV)/bin/ruff format --check ."; $(VENV)/bin/ruff format --check . || rc=1; \
	echo "$(VENV)/bin/mypy xinban config"; $(VENV)/bin/mypy xinban config || rc=1; \
	echo "$(VENV)/bin/lint-imports"; $(VENV)/bin/lint-imports || rc=1; \
	exit $$rc

# The benchmark figures (manage.py bench: on SQLite, then on PostgreSQL 15 through
# scripts/with-postgres.sh, lines suffixed _pg; --databases=sqlite for SQLite only), then the load run (loadtest/run.sh: 100 users
# then 300 users, 60 s each, against gunicorn + PostgreSQL). BENCH_LOAD=0 skips the load run.
BENCH_LOAD ?= 1
bench: migrate
	XINBAN_HTTPS=0 $(PY) manage.py bench  # the bench's test client speaks plain HTTP
	@if [ "$(BENCH_LOAD)" = "1" ]; then loadtest/run.sh; else echo "bench: load run skipped (BENCH_LOAD=0)"; fi

# --- system packages (Debian 12) -------------------------------------------------

system-deps:
	@if [ "$$(id -u)" -eq 0 ]; then SUDO=; \
	 elif command -v sudo >/dev/null; then SUDO=sudo; \
	 else echo "need root or sudo to install: $(SYSTEM_PACKAGES) nodejs npm" >&2; exit 1; fi; \
	 pkgs="$(SYSTEM_PACKAGES)"; command -v node >/dev/null || pkgs="$$pkgs nodejs npm"; \
	 $$SUDO apt-get update; \
	 $$SUDO env DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends $$pkgs

clean-venv:
	rm -rf $(VENV) node_modules

# --- load test -------------------------------------------------------------------
# 100, then 300 simulated users, 60 s each, against gunicorn + a throwaway PostgreSQL (docs/loadtest.md);
# LOADTEST_USERS, LOADTEST_RUN_TIME, LOADTEST_WORKERS, ... override the defaults.
.PHONY: loadtest
loadtest: install
	loadtest/run.sh
