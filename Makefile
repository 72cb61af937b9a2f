# Regia — two commands: `make run` and `make test`.
SHELL := /bin/bash
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
PORT ?= 8000
PYTEST_ARGS ?= -n 2
# Debian packages the project needs: python3-venv for the virtualenv; libmagic for upload type detection;
# pango and the HarfBuzz subsetter for WeasyPrint's PDFs; chromium for the browser tests.
SYSTEM_PACKAGES := python3-venv libmagic1 libpango-1.0-0 libpangoft2-1.0-0 libharfbuzz-subset0 fonts-dejavu-core gettext chromium

.PHONY: run test install install-test system-deps lint lock clean

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip

system-deps:
	@missing=""; for p in $(SYSTEM_PACKAGES); do dpkg -s $$p >/dev/null 2>&1 || missing="$$missing $$p"; done; \
	if [ -n "$$missing" ]; then \
	  if [ "$$(id -u)" = 0 ]; then \
	    echo "Installing Debian packages:$$missing"; \
	    apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends $$missing; \
	  else \
	    echo "Missing Debian packages:$$missing — run: sudo apt-get install$$missing"; exit 1; \
	  fi; \
	fi

$(VENV)/.installed: pyproject.toml constraints.txt | $(BIN)/python
	$(BIN)/pip install --quiet -c constraints.txt -e .
	touch $@

$(VENV)/.installed-test: pyproject.toml constraints.txt | $(BIN)/python
	$(BIN)/pip install --quiet -c constraints.txt -e ".[dev]"
	touch $(VENV)/.installed $@

install: system-deps $(VENV)/.installed

install-test: system-deps $(VENV)/.installed-test

run: install
	$(BIN)/python manage.py compilemessages --ignore=.venv -v 0
	$(BIN)/python manage.py migrate --noinput -v 0
	$(BIN)/python manage.py seed_demo --if-empty
	$(BIN)/python manage.py collectstatic --noinput -v 0
	@echo ""
	@echo "  Regia is running at http://127.0.0.1:$(PORT)/  (admin: http://127.0.0.1:$(PORT)/admin/)"
	@echo "  Demo accounts, all with the password 'regia-demo' (demo data only):"
	@echo "    admin, manager, pm.livorno, partner.gida, partner.citelum, partner.telecom, council, moderator, citizen"
	@echo ""
	$(BIN)/python manage.py runserver 127.0.0.1:$(PORT)

test: install-test
	$(BIN)/python manage.py compilemessages --ignore=.venv -v 0
	$(BIN)/pytest $(PYTEST_ARGS)

lint: install-test
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/lint-imports

# Re-resolve the pinned versions from pyproject.toml in a throwaway virtualenv.
lock:
	rm -rf /tmp/regia-lock && $(PYTHON) -m venv /tmp/regia-lock
	/tmp/regia-lock/bin/pip install --quiet --upgrade pip
	/tmp/regia-lock/bin/pip install --quiet -e ".[dev]"
	/tmp/regia-lock/bin/pip freeze --exclude-editable | grep -v '^regia' > constraints.txt

clean:
	rm -rf $(VENV) var db.sqlite3
