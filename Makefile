# VssID portal. `make run` serves the portal with demo data; `make test` runs the suite.
SHELL := /bin/bash
PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
PORT ?= 8000
MANAGE := $(PY) manage.py
# Debian packages the portal needs: zbar (QR), Pango/HarfBuzz (WeasyPrint PDFs),
# gettext (translations), Chromium (browser tests), poppler (PDF checks in tests), wrk
# (the HTTP benchmarks' load generator).
DEBIAN_PACKAGES := libzbar0 libpango-1.0-0 libpangoft2-1.0-0 libharfbuzz-subset0 \
	gettext chromium poppler-utils fonts-dejavu-core wrk
SUDO := $(shell [ "$$(id -u)" = 0 ] || echo sudo)

.PHONY: help setup system-deps venv vendor messages makemessages run serve test test-e2e worker worker-messages worker-pdf beat \
	bench lint check-migrations clean

help:
	@echo "make run    set up, migrate, load demo data, serve on http://127.0.0.1:$(PORT)"
	@echo "make test   set up, run the whole suite (make test-e2e: browser journeys only)"
	@echo "make serve  the portal as in production (gunicorn, production settings) on :$(PORT)"
	@echo "make worker / make beat   Celery worker and scheduler (need REDIS_URL)"
	@echo "make bench  run the benchmarks under bench/"
	@echo "make lint   ruff, and the layering of the apps (import-linter)"

setup: system-deps venv messages vendor

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

# Browser-side libraries, from the npm registry pinned by package-lock.json, served from the
# portal's own origin (static/vendor/ is built, not committed): zxing-cpp compiled to
# WebAssembly reads QR codes from the camera where the browser has no BarcodeDetector.
ZXING_VENDOR := static/vendor/zxing-wasm
node_modules/.installed: package.json package-lock.json
	@command -v npm >/dev/null || { $(SUDO) apt-get update -qq && \
		DEBIAN_FRONTEND=noninteractive $(SUDO) apt-get install -y -qq --no-install-recommends nodejs npm; }
	npm ci --no-audit --no-fund --ignore-scripts --loglevel=error
	touch $@

$(ZXING_VENDOR)/.built: node_modules/.installed
	mkdir -p $(ZXING_VENDOR)
	install -m 0644 node_modules/zxing-wasm/dist/iife/reader/index.js $(ZXING_VENDOR)/zxing-reader.js
	install -m 0644 node_modules/zxing-wasm/dist/reader/zxing_reader.wasm $(ZXING_VENDOR)/zxing_reader.wasm
	install -m 0644 node_modules/zxing-wasm/LICENSE $(ZXING_VENDOR)/LICENSE
	touch $@

vendor: $(ZXING_VENDOR)/.built

messages: venv
	$(MANAGE) compilemessages --ignore=.venv --ignore=var -v 0

# Refresh the project-level catalogues (locale/: templates/ and vssid_portal/). Each app
# refreshes its own with `cd <app> && ../.venv/bin/python ../manage.py makemessages ...`.
# The apps are left out with 'app/?*', not 'app/*': makemessages turns 'x/*' into a match on
# any directory named x, which would also skip templates/admin/declarations/.
makemessages: venv
	$(MANAGE) makemessages -l vi -l en --no-obsolete -i '.venv/*' -i 'var/*' -i 'locale/*' \
		-i 'tests/*' -i 'bench/*' -i 'static/*' -i 'audit/?*' -i 'registry/?*' -i 'accounts/?*' \
		-i 'declarations/?*' -i 'guardians/?*' -i 'notifications/?*'

run: setup
	@mkdir -p var
	$(MANAGE) migrate --noinput -v 0
	SITE_URL=http://127.0.0.1:$(PORT) $(MANAGE) load_demo_data
	@echo "Serving on http://127.0.0.1:$(PORT)/ (Ctrl-C stops)"
	SITE_URL=http://127.0.0.1:$(PORT) $(MANAGE) runserver 127.0.0.1:$(PORT)

# The portal as in production on this machine: production settings, static files collected
# and compressed, gunicorn with gunicorn.conf.py (GUNICORN_* to size it). DATABASE_URL and
# REDIS_URL as set (without them: SQLite in var/ and tasks in-process); a random SECRET_KEY
# kept in var/secret_key; plain HTTP on localhost (open http://localhost:8000: browsers
# treat localhost as secure, so the Secure cookies work).
SERVE_ENV = DJANGO_SETTINGS_MODULE=vssid_portal.settings.production \
	SECRET_KEY="$$(cat var/secret_key)" \
	ALLOWED_HOSTS="$${ALLOWED_HOSTS:-localhost,127.0.0.1}" \
	SECURE_SSL_REDIRECT="$${SECURE_SSL_REDIRECT:-false}" \
	GUNICORN_BIND="$${GUNICORN_BIND:-127.0.0.1:$(PORT)}"

serve: setup
	@mkdir -p var
	@test -s var/secret_key || (umask 077; $(PY) -c "import secrets; print(secrets.token_urlsafe(64))" > var/secret_key)
	$(SERVE_ENV) $(MANAGE) migrate --noinput -v 0
	$(SERVE_ENV) $(MANAGE) collectstatic --noinput -v 0
	@echo "Serving as in production on http://localhost:$(PORT)/ (Ctrl-C stops)"
	$(SERVE_ENV) $(VENV)/bin/gunicorn -c gunicorn.conf.py vssid_portal.wsgi

test: setup
	$(PY) -m pytest $(PYTEST_ARGS)

# Only the browser journeys (also part of `make test`).
test-e2e: setup
	$(PY) -m pytest -m e2e tests/e2e $(PYTEST_ARGS)

worker: setup
	$(VENV)/bin/celery -A vssid_portal worker -Q default,messages,pdf --loglevel=INFO

# In production, one worker per queue so that a slow PDF never delays an SMS or e-mail.
worker-messages: setup
	$(VENV)/bin/celery -A vssid_portal worker -Q messages,default --loglevel=INFO

worker-pdf: setup
	$(VENV)/bin/celery -A vssid_portal worker -Q pdf --concurrency=1 --loglevel=INFO

beat: setup
	$(VENV)/bin/celery -A vssid_portal beat --loglevel=INFO --schedule=var/celerybeat-schedule

bench: setup
	$(PY) -m bench

lint: venv
	$(VENV)/bin/ruff check .
	$(VENV)/bin/lint-imports

check-migrations: venv
	$(MANAGE) makemigrations --check --dry-run

clean:
	rm -rf var/outbox var/test-private var/bench-cache staticfiles .pytest_cache test-artifacts .hypothesis static/vendor node_modules
