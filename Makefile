# The two commands a newcomer needs: `make run` and `make test`.
SHELL := /bin/bash
.DEFAULT_GOAL := help

VENV := .venv
BIN := $(VENV)/bin
PY := $(BIN)/python
TEST_DATABASE_URL ?= postgres://postgres@127.0.0.1:5432/practice
TEST_BROKER_URL ?= redis://127.0.0.1:6379/0
TEST_CACHE_URL ?= redis://127.0.0.1:6379/1
# `make run PORT=8123` serves on another port; the links in the demo's e-mails follow it
# unless DJANGO_SITE_URL is set.
PORT ?= 8000
DJANGO_SITE_URL ?= http://127.0.0.1:$(PORT)

# Django 6 needs Python 3.12+. Try the usual names, then pyenv's newest 3.12+.
define find_python
for candidate in python3.14 python3.13 python3.12 python3; do \
  if $$candidate -c 'import sys; sys.exit(sys.version_info < (3, 12))' 2>/dev/null; then \
    command -v $$candidate; exit 0; fi; \
done; \
if command -v pyenv >/dev/null; then \
  for version in $$(pyenv versions --bare | grep -E '^3\.(1[2-9])(\.[0-9]+)?$$' | sort -Vr); do \
    candidate="$$(pyenv prefix $$version)/bin/python3"; \
    if "$$candidate" -c 'import sys; sys.exit(sys.version_info < (3, 12))' 2>/dev/null; then \
      echo "$$candidate"; exit 0; fi; \
  done; \
fi; \
exit 1
endef

.PHONY: help run test lint format bench services chromium vnu security wapiti wrk

help:
	@echo "make run    set up and serve the demo practice on http://127.0.0.1:$(PORT)"
	@echo "            (make run PORT=8123 serves on another port)"
	@echo "make test   set up what the tests need and run the whole suite"
	@echo "make lint   ruff check, format check and mypy"
	@echo "make bench  speed figures and targets at a busy practice's size (~10 minutes)"
	@echo "make security  bandit, then wapiti against a production-settings server"

$(PY):
	@python="$$($(find_python))" || { echo "Python 3.12 or newer is needed (Django 6). Install it and try again."; exit 1; }; \
	echo "Creating $(VENV) with $$python"; "$$python" -m venv $(VENV)

# Development installs both files (requirements-dev.txt includes requirements.txt); the Docker
# image installs only requirements.txt.
$(VENV)/.installed: requirements.txt requirements-dev.txt | $(PY)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -r requirements-dev.txt
	touch $@

run: export DJANGO_DEBUG = true
# The web process reads PORT (honcho gives each process its own, the web's first); the worker
# writes the e-mails, so both read the one site URL.
run: export PORT := $(PORT)
run: export DJANGO_SITE_URL := $(DJANGO_SITE_URL)
run: $(VENV)/.installed
	@mkdir -p var/mail var/sms var/broker
	$(PY) manage.py migrate --noinput
	$(PY) manage.py seed_demo
	@echo
	@echo "Serving the demo practice on http://127.0.0.1:$(PORT)/  (Ctrl-C stops everything)"
	@echo "E-mails are written to var/mail/, texts to var/sms/."
	PATH="$(CURDIR)/$(BIN):$$PATH" $(BIN)/honcho start

services:
	@bash .ci/services

# $(call debian_tool,CHECK,PACKAGE,USE): when CHECK fails, install Debian's PACKAGE as root,
# or say what USE needs and stop.
define debian_tool
if ! $(1); then \
  if command -v apt-get >/dev/null && [ "$$(id -u)" = 0 ]; then \
    echo "Installing Debian's $(2) for $(3)"; \
    apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq $(2) >/dev/null; \
  else \
    echo "Needed for $(3): Debian's $(2) (sudo apt-get install $(2))."; exit 1; \
  fi; \
fi
endef

chromium:
	@$(call debian_tool,[ -x /usr/bin/chromium ],chromium,the browser tests)

# The Nu HTML checker (the W3C validator) checks every page the browser tests visit; its jar
# comes from npm's vnu-jar package and runs on Java.
VNU_VERSION := 26.9.27
VNU_JAR := var/vnu/node_modules/vnu-jar/build/dist/vnu.jar
vnu:
	@$(call debian_tool,command -v java >/dev/null,default-jre-headless,the HTML checker)
	@$(call debian_tool,command -v npm >/dev/null,npm,the HTML checker)
	@if ! grep -qs '"version": "$(VNU_VERSION)"' var/vnu/node_modules/vnu-jar/package.json; then \
	  echo "Installing vnu-jar $(VNU_VERSION) from npm into var/vnu/"; \
	  npm install --silent --no-audit --no-fund --prefix var/vnu vnu-jar@$(VNU_VERSION); fi

test: export DJANGO_DEBUG = false
test: export DJANGO_SECRET_KEY = test-only-secret-key-not-for-production-0123456789
test: export DJANGO_MFA_ENCRYPTION_KEY = dGVzdC1vbmx5LW1mYS1rZXktbm90LWZvci1wcm9kLTA=
test: export DJANGO_SECURE_SSL_REDIRECT = false
test: export DATABASE_URL = $(TEST_DATABASE_URL)
test: export CELERY_BROKER_URL = $(TEST_BROKER_URL)
test: export CACHE_URL = $(TEST_CACHE_URL)
test: export DJANGO_ALLOWED_HOSTS = localhost,127.0.0.1,testserver
test: $(VENV)/.installed lint services chromium vnu
	$(PY) manage.py collectstatic --noinput -v 0
	DATABASE_URL=sqlite://:memory: $(PY) manage.py makemigrations --check --dry-run
	$(BIN)/pytest --create-db $(PYTEST_ARGS)

# The speed report (README, "Performance"): about ten minutes in its own throw-away database
# (bench_<name of TEST_DATABASE_URL's database>), its own Redis and gunicorn. BENCH_SCALE=0.1
# and the other BENCH_* knobs in bench/__main__.py make quick development runs.
bench: export DATABASE_URL = $(TEST_DATABASE_URL)
bench: $(VENV)/.installed services wrk
	$(PY) -m bench

wrk:
	@$(call debian_tool,command -v wrk >/dev/null,wrk,make bench)

# Not part of `make test` (a few minutes). Scans its own database and a gunicorn on
# 127.0.0.1:$(SECURITY_PORT); see README, "Security".
SECURITY_DATABASE_URL ?= postgres://postgres@127.0.0.1:5432/practice_security
SECURITY_PORT ?= 8765
security: export SECURITY_DATABASE_URL := $(SECURITY_DATABASE_URL)
security: export SECURITY_PORT := $(SECURITY_PORT)
security: $(VENV)/.installed services wapiti
	@bash .ci/security

wapiti:
	@$(call debian_tool,command -v wapiti >/dev/null,wapiti,the security scans)

# mypy's Django plugin loads the settings, which refuse to load without a secret key unless
# DJANGO_DEBUG is true; these values only let the type checker read them.
lint: $(VENV)/.installed
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/mypy

format: $(VENV)/.installed
	$(BIN)/ruff check --fix .
	$(BIN)/ruff format .
