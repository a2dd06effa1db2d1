# VssID portal. `make run` serves the portal with demo data; `make test` runs the suite.
SHELL := /bin/bash
PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
PORT ?= 8000
MANAGE := $(PY) manage.py
# Debian packages the portal needs: zbar (QR), Pango/HarfBuzz (WeasyPrint PDFs),
# gettext (translations), Chromium (browser tests), poppler (PDF checks in tests).
DEBIAN_PACKAGES := libzbar0 libpango-1.0-0 libpangoft2-1.0-0 libharfbuzz-subset0 \
	gettext chromium poppler-utils fonts-dejavu-core
SUDO := $(shell [ "$$(id -u)" = 0 ] || echo sudo)

.PHONY: help setup system-deps venv messages run test test-fast worker beat bench lint \
	check-migrations clean

help:
	@echo "make run    set up, migrate, load demo data, serve on http://127.0.0.1:$(PORT)"
	@echo "make test   set up, run the whole suite"
	@echo "make worker / make beat   Celery worker and scheduler (need REDIS_URL)"
	@echo "make bench  run the benchmarks under bench/"
	@echo "make lint   ruff"

setup: system-deps venv messages

system-deps:
	@missing=""; for p in $(DEBIAN_PACKAGES); do \
		dpkg-query -W -f='$${Status}' $$p 2>/dev/null | grep -q "install ok installed" || missing="$$missing $$p"; \
	done; \
	if [ -n "$$missing" ]; then \
		echo "Installing Debian packages:$$missing"; \
		$(SUDO) apt-get update -qq && \
		DEBIAN_FRONTEND=noninteractive $(SUDO) apt-get install -y -qq --no-install-recommends $$missing; \
	fi

$(VENV)/.installed: requirements.txt requirements-dev.txt
	test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install -q --upgrade pip
	$(PY) -m pip install -q -r requirements-dev.txt
	touch $@

venv: $(VENV)/.installed

messages: venv
	$(MANAGE) compilemessages --ignore=.venv -v 0

run: setup
	@mkdir -p var
	$(MANAGE) migrate --noinput -v 0
	$(MANAGE) load_demo_data
	$(MANAGE) runserver 127.0.0.1:$(PORT)

test: setup
	$(PY) -m pytest $(PYTEST_ARGS)

worker: setup
	$(VENV)/bin/celery -A vssid_portal worker -Q default,messages,pdf --loglevel=INFO

beat: setup
	$(VENV)/bin/celery -A vssid_portal beat --loglevel=INFO --schedule=var/celerybeat-schedule

bench: setup
	$(PY) -m bench

lint: venv
	$(VENV)/bin/ruff check .

check-migrations: venv
	$(MANAGE) makemigrations --check --dry-run

clean:
	rm -rf var/outbox var/test-private staticfiles .pytest_cache
