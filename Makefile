# ourplan: the single entry point. `make run` and `make test` work on a fresh machine.
SHELL := /bin/bash
VENV := .venv
PY := $(VENV)/bin/python
PIP := $(VENV)/bin/pip
DEBIAN_PACKAGES := chromium fonts-dejavu-core fonts-liberation2 libpango-1.0-0 libpangoft2-1.0-0 gettext poppler-utils
export OURPLAN_DATA_DIR ?= $(CURDIR)/var

.PHONY: install run test lint bench e2e messages css clean system-packages python-packages node-packages lock audit load

install: system-packages python-packages node-packages css messages

# Debian packages: Chromium for browser tests, fonts and pango for PDFs, gettext for the Welsh catalogue.
system-packages:
	@missing=$$(for p in $(DEBIAN_PACKAGES); do dpkg -s $$p >/dev/null 2>&1 || echo $$p; done); \
	if [ -n "$$missing" ]; then \
	  echo "Installing Debian packages: $$missing"; \
	  SUDO=$$( [ "$$(id -u)" = 0 ] || echo sudo ); \
	  $$SUDO apt-get update -qq && DEBIAN_FRONTEND=noninteractive $$SUDO apt-get install -y -qq $$missing; \
	fi

$(VENV)/bin/activate:
	python3 -m venv $(VENV)

# Python packages exactly as locked in requirements.lock (each file checked against its
# hash, pip and setuptools included), then ourplan itself without resolving anything again.
python-packages: $(VENV)/bin/activate
	@if [ ! -f $(VENV)/.installed ] || [ requirements.lock -nt $(VENV)/.installed ] || [ pyproject.toml -nt $(VENV)/.installed ]; then \
	  $(PIP) install -q --require-hashes -r requirements.lock && \
	  $(PIP) install -q --no-deps --no-build-isolation -e . && touch $(VENV)/.installed; \
	fi

# Re-pin the Python packages after changing pyproject.toml (docs/operations.md). The lock
# records PyPI's own files, so pip's local configuration (mirrors, find-links) is ignored.
# LOCK_FLAGS=--upgrade moves every package to its newest allowed version.
lock: python-packages
	env -u PIP_FIND_LINKS PIP_CONFIG_FILE=/dev/null $(VENV)/bin/pip-compile --quiet \
	  --generate-hashes --allow-unsafe --strip-extras --no-emit-index-url --extra dev \
	  $(LOCK_FLAGS) --output-file requirements.lock pyproject.toml

# Known vulnerabilities in every locked package. Needs the vulnerability data on the
# network (PyPI's JSON API, or AUDIT_SERVICE=osv); --strict fails rather than passing a
# package it could not check (docs/security.md). Not part of `make test`.
AUDIT_SERVICE ?= pypi
audit: python-packages
	$(VENV)/bin/pip-audit --requirement requirements.lock --disable-pip --strict \
	  --vulnerability-service $(AUDIT_SERVICE) --progress-spinner off

node-packages:
	@if [ ! -f node_modules/.installed ] || [ package.json -nt node_modules/.installed ]; then \
	  npm install --no-audit --no-fund --loglevel=error && touch node_modules/.installed; \
	fi

# NHS.UK frontend without the web-font rules the CSP would block (see assets/nhsuk-ourplan.scss).
css: build/nhsuk/nhsuk.css

build/nhsuk/nhsuk.css: assets/nhsuk-ourplan.scss node_modules/.installed
	@mkdir -p build/nhsuk
	node_modules/.bin/sass --load-path=node_modules --style=compressed --no-source-map --quiet-deps assets/nhsuk-ourplan.scss $@

node_modules/.installed: package.json
	@$(MAKE) --no-print-directory node-packages

messages: python-packages
	@cd src/ourplan && ../../$(PY) -m django compilemessages --settings=ourplan.config.settings -v 0

run: install
	$(PY) -m ourplan.cli migrate --verbosity 0
	$(PY) -m ourplan.cli demo
	@# A task worker beside the server runs reports, exports and emails; it stops with the server.
	$(PY) manage.py db_worker --interval 2 & worker=$$!; trap 'kill $$worker 2>/dev/null' EXIT; \
	  $(PY) -m ourplan.cli serve --port 8000

lint: install
	$(VENV)/bin/ruff check src tests bench
	$(VENV)/bin/ruff format --check src tests bench
	$(VENV)/bin/mypy src
	$(VENV)/bin/djhtml --check $$(find src -name '*.html')
	$(VENV)/bin/lint-imports
	$(PY) tools/check_views.py src/ourplan
	$(PY) manage.py makemigrations --check --dry-run

# The whole suite: quality gates, unit and integration tests, and the browser journeys.
test: lint
	$(VENV)/bin/pytest -q -n 2 --dist loadgroup

e2e: install
	$(VENV)/bin/pytest -q -m e2e

bench: install
	$(PY) bench/bench_anova.py
	$(PY) bench/bench_correlation.py
	$(PY) bench/bench_delphi.py
	$(PY) bench/bench_web.py
	$(PY) bench/bench_plans.py
	$(PY) bench/bench_research_upload.py
	$(PY) bench/bench_measures.py
	$(PY) bench/bench_report.py
	$(PY) bench/bench_signed_pdf.py
	$(PY) bench/bench_quality.py
	$(PY) bench/bench_coordination.py

# Load test with locust: gunicorn on 127.0.0.1 and a scratch PostgreSQL database, 50 then
# 200 simulated users, then an audit check (bench/load/run_load.py, docs/benchmarks.md).
load: install
	$(PY) bench/load/run_load.py

clean:
	rm -rf $(VENV) node_modules var .mypy_cache .ruff_cache .pytest_cache
