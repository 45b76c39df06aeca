# Two commands on a fresh machine: `make run` and `make test`.
PYTHON ?= $(shell command -v python3.11 || command -v python3)
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed-stamp
CATALOGS := $(wildcard procure/translations/*/LC_MESSAGES/messages.po)
COMPILED := $(CATALOGS:.po=.mo)
PYTEST_WORKERS ?= 2

.PHONY: run test typecheck install lint bench chromium fonts translations extract-messages clean

run: install fonts
	$(BIN)/procure db upgrade
	$(BIN)/procure demo load
	$(BIN)/procure run --host 127.0.0.1 --port 5000

test: install chromium fonts typecheck
	$(BIN)/ruff check .
	$(BIN)/pytest -n $(PYTEST_WORKERS) --dist loadgroup -m "not bench"

# mypy over all of procure (settings in pyproject.toml: domain and ingest strict).
TYPED := procure

typecheck: install
	$(BIN)/mypy --follow-imports=silent $(TYPED)

# Load test of the public pages (issue 8): gunicorn with 2 workers, wrk from Debian.
# Set PROCURE_BENCH_DATABASE_URL to run it on PostgreSQL; the 60 s soak test (issue 9,
# bench/soak.py) needs it. Not part of `make test`.
bench: install fonts
	$(BIN)/python -m pip install --quiet -e '.[bench]'
	@command -v wrk >/dev/null || { echo "Installing Debian's wrk"; apt-get update -qq && \
		DEBIAN_FRONTEND=noninteractive apt-get install -y -qq wrk >/dev/null; } || \
		{ echo "wrk is missing and could not be installed"; exit 1; }
	$(BIN)/python bench/run.py
	$(BIN)/python bench/pdf_bench.py
	$(BIN)/pytest -m bench bench/test_bench_statistics.py -s
	$(BIN)/pytest -m bench tests/eforms/test_examples_full.py -q
	$(BIN)/python bench/eforms_bench.py
	@if [ -n "$$PROCURE_BENCH_DATABASE_URL" ]; then $(BIN)/python bench/soak.py; else \
		echo "Soak test skipped: set PROCURE_BENCH_DATABASE_URL to a PostgreSQL URL"; fi

install: $(STAMP) $(COMPILED)

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)

$(STAMP): pyproject.toml | $(BIN)/python
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[test]'
	touch $@

%.mo: %.po $(STAMP)
	$(BIN)/pybabel compile --use-fuzzy -i $< -o $@ >/dev/null

# Refresh the catalogues after changing user-facing text; translate what is new in nb.
extract-messages: install
	$(BIN)/pybabel extract -F procure/translations/babel.cfg -k N_ -k _l \
		-o procure/translations/messages.pot . >/dev/null
	$(BIN)/pybabel update -i procure/translations/messages.pot -d procure/translations \
		--width 100 --ignore-obsolete --no-fuzzy-matching

# Browser tests drive Debian's Chromium; install it when missing and we may.
chromium:
	@test -x /usr/bin/chromium || { \
		echo "Installing Debian's chromium for the browser tests"; \
		apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium \
		>/dev/null; } || { echo "chromium is missing and could not be installed"; exit 1; }

# PDFs are set in Inter from Debian's fonts-inter, never in whatever font happens to be there.
fonts:
	@test -f /usr/share/fonts/opentype/inter/Inter-Regular.otf || { \
		echo "Installing Debian's fonts-inter for the PDF documents"; \
		apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq fonts-inter \
		>/dev/null; } || { echo "fonts-inter is missing and could not be installed"; exit 1; }
	@/sbin/ldconfig -p | grep -q libharfbuzz-subset || { \
		echo "Installing Debian's libharfbuzz-subset0, which WeasyPrint uses to embed fonts"; \
		apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq \
		libharfbuzz-subset0 >/dev/null; } || { echo "libharfbuzz-subset0 is missing"; exit 1; }

lint: install
	$(BIN)/ruff check .

clean:
	rm -rf $(VENV) .pytest_cache .ruff_cache artifacts
