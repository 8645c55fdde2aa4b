# Maillage — two commands on a fresh machine: `make run` and `make test`.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
MANAGE := $(BIN)/python manage.py
HOST ?= 127.0.0.1
PORT ?= 8000
# The PostgreSQL pass of the test suite; CI has a server with trust auth on 127.0.0.1:5432.
TEST_DATABASE_URL ?= postgres://postgres@127.0.0.1:5432/maillage
PYTEST_WORKERS ?= 2
# The SDG targets and indicators (open-sdg translation files), loaded by `run` when present.
SDG_DIR ?= ../shared/reference/sdg

.PHONY: install run serve worker test test-sqlite test-postgres quality format messages bench clean

install: $(VENV)/.installed

$(VENV)/.installed: pyproject.toml build-constraints.txt
	@$(PYTHON) -c 'import sys; sys.exit("Maillage needs Python 3.11 or newer") if sys.version_info < (3, 11) else None'
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --disable-pip-version-check --upgrade "pip>=25.3"
	$(BIN)/pip install --quiet --disable-pip-version-check --build-constraint build-constraints.txt -e ".[dev]"
	touch $@

run: install
	$(MANAGE) migrate --noinput
	@if [ -d "$(SDG_DIR)" ]; then $(MANAGE) import_sdg "$(SDG_DIR)"; fi
	$(MANAGE) seed_demo
	@echo "Serving http://$(HOST):$(PORT) (background tasks: db_worker). Ctrl-C stops both."
	@$(MANAGE) db_worker --no-startup-delay > var/worker.log 2>&1 & WORKER=$$!; \
	  trap 'kill $$WORKER 2>/dev/null' EXIT INT TERM; \
	  $(MANAGE) runserver $(HOST):$(PORT)

quality: install
	$(BIN)/ruff format --check .
	$(BIN)/ruff check .
	$(MANAGE) check --fail-level WARNING
	$(MANAGE) makemigrations --check --dry-run
	DJANGO_SETTINGS_MODULE=maillage.config.settings.prod \
	  DJANGO_SECRET_KEY=quality-check-$$(date +%s)-not-a-real-secret-but-long-enough-0123456789 \
	  DJANGO_ALLOWED_HOSTS=maillage.example.org \
	  $(MANAGE) check --deploy --fail-level WARNING

test-sqlite: install
	$(BIN)/pytest -n $(PYTEST_WORKERS) -q

test-postgres: install
	DATABASE_URL=$(TEST_DATABASE_URL) $(BIN)/pytest -n $(PYTEST_WORKERS) -q

test: quality test-sqlite test-postgres

format: install
	$(BIN)/ruff format .
	$(BIN)/ruff check --fix .

messages: install
	cd src/maillage && ../../$(MANAGE) makemessages -l fr -l en --no-obsolete --ignore "static/*" && ../../$(MANAGE) compilemessages

bench: install
	$(BIN)/python bench/run_all.py

clean:
	rm -rf $(VENV) var/ *.egg-info src/*.egg-info
