# Everything runs inside .venv, created on first use from pyproject.toml + constraints.txt.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
CONFIG ?= $(if $(wildcard config.toml),config.toml,config.example.toml)
# The message catalogs (docs/translating.md): a language is a folder under $(LOCALE).
LOCALE := news/i18n/locale
POT := $(LOCALE)/rights_digest.pot
MO := $(patsubst %.po,%.mo,$(wildcard $(LOCALE)/*/LC_MESSAGES/rights_digest.po))

.PHONY: run test test-pg check lint fmt typecheck eval bench scenario poll clean extract compile

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip

# Stamps make installs happen once per change of the dependency files.
$(VENV)/.stamp-run: pyproject.toml constraints.txt | $(BIN)/python
	$(BIN)/python -m pip install --quiet -c constraints.txt -e .
	touch $@

$(VENV)/.stamp-dev: pyproject.toml constraints.txt | $(BIN)/python
	$(BIN)/python -m pip install --quiet -c constraints.txt -e '.[dev]'
	touch $@ $(VENV)/.stamp-run

# --migrate: `make run` (or `make poll`) is the one process on its database, so after a
# `git pull` that brings a migration it upgrades in place (any command creates a new one).
run: $(VENV)/.stamp-run compile  ## Run the bot (or a dry run without TELEGRAM_BOT_TOKEN)
	$(BIN)/rights-digest run --migrate --config $(CONFIG)

poll: $(VENV)/.stamp-run compile  ## Poll every due feed once and print what came in
	$(BIN)/rights-digest poll --once --migrate --config $(CONFIG)

test: $(VENV)/.stamp-dev compile  ## Run the whole test suite (the database tests on SQLite)
	$(BIN)/python -m pytest $(PYTEST_ARGS)

# The tests start a private PostgreSQL server of their own (tests/postgres.py): its programs
# must be installed (Debian: apt-get install postgresql), no server needs to be running.
test-pg: $(VENV)/.stamp-dev compile  ## Run the database tests on PostgreSQL
	$(BIN)/python -m pytest --backend postgresql -m database $(PYTEST_ARGS)

lint: $(VENV)/.stamp-dev  ## ruff, formatting, and the layers (import-linter contracts in pyproject.toml)
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/lint-imports

typecheck: $(VENV)/.stamp-dev
	$(BIN)/mypy

check: lint typecheck test  ## Read-only: what CI runs

fmt: $(VENV)/.stamp-dev  ## Rewrite: fix what ruff can and format
	$(BIN)/ruff check --fix .
	$(BIN)/ruff format .

eval: $(VENV)/.stamp-dev  ## Topic precision and recall, then summary quality, on the labelled sets
	$(BIN)/python -m tests.topics.eval
	$(BIN)/python -m tests.text.summary_eval

bench: $(VENV)/.stamp-dev  ## All benchmarks; writes docs/benchmarks.md
	$(BIN)/python -m bench.run_all

scenario: $(VENV)/.stamp-dev  ## Six chats through a week of news: what each one received
	$(BIN)/python -m tests.scenario

# Babel's options for both are in pyproject.toml ([tool.babel.*]).
extract: $(VENV)/.stamp-run  ## Messages from the code into the template, and every catalog updated
	$(BIN)/pybabel extract bot jobs news
	$(BIN)/pybabel update

compile: $(MO)  ## Compile the catalogs (the bot also compiles a .po newer than its .mo itself)

$(LOCALE)/%.mo: $(LOCALE)/%.po | $(VENV)/.stamp-run
	$(BIN)/pybabel compile --use-fuzzy --input-file $< --output-file $@

clean:
	rm -rf $(VENV) .mypy_cache .ruff_cache .pytest_cache
	rm -f $(MO)
