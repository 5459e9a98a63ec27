# Schoolgate: `make run` (install, demo data, web server on 127.0.0.1:8000), `make test` (install, whole suite).
SHELL := /bin/bash
VENV := .venv
UV_VERSION := 0.13.8
# The first Python 3.12+ that actually runs (a pyenv shim on PATH may exist but fail).
PYTHON ?= $(shell for p in python3.13 python3.12 $$HOME/.pyenv/versions/3.12*/bin/python3.12 /usr/local/bin/python3.12 /usr/bin/python3.12; do \
	$$p -c 'import sys; sys.exit(sys.version_info < (3, 12))' >/dev/null 2>&1 && { echo $$p; break; }; done)

.PHONY: install run test system-deps browser-deps clean

install: $(VENV)/.installed

$(VENV)/.installed: pyproject.toml uv.lock
	@test -n "$(PYTHON)" || { echo "Python 3.12 or newer is needed (python3.12 not found)." >&2; exit 1; }
	@$(MAKE) --no-print-directory system-deps
	test -x $(VENV)/bin/python || $(PYTHON) -m venv $(VENV)
	$(VENV)/bin/python -m pip install --quiet --disable-pip-version-check uv==$(UV_VERSION)
	UV_PROJECT_ENVIRONMENT=$(VENV) $(VENV)/bin/uv sync --frozen --inexact --python $(VENV)/bin/python
	touch $@

# WeasyPrint needs Pango; letters need fonts. Installed from Debian's packages when missing (as root).
system-deps:
	@if ! ldconfig -p | grep -q libpangoft2-1.0 || ! fc-list 2>/dev/null | grep -qi dejavu; then \
		if [ "$$(id -u)" = 0 ]; then apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq libpango-1.0-0 libpangoft2-1.0-0 fonts-dejavu-core fontconfig >/dev/null; \
		else echo "Please install Pango and fonts: sudo apt-get install libpango-1.0-0 libpangoft2-1.0-0 fonts-dejavu-core" >&2; exit 1; fi; fi

# Browser tests drive Debian's chromium through Playwright (never `playwright install`).
browser-deps:
	@if [ ! -x /usr/bin/chromium ]; then \
		if [ "$$(id -u)" = 0 ]; then apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >/dev/null; \
		else echo "Please install Chromium: sudo apt-get install chromium" >&2; exit 1; fi; fi

run: install
	$(VENV)/bin/schoolgate run

# The linters and the import contracts first (seconds), then the suite with its coverage floor.
test: install browser-deps
	$(VENV)/bin/ruff check .
	$(VENV)/bin/lint-imports
	DATABASE_URL= $(VENV)/bin/schoolgate makemigrations --check --dry-run  # models vs migrations: needs no database server
	$(VENV)/bin/python -m pytest --cov --cov-report=term

clean:
	rm -rf $(VENV) test-output
