# Two commands for a fresh machine: `make run` and `make test`.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
FLASK := $(BIN)/flask --app app
CATALOGS := $(wildcard translations/*/LC_MESSAGES/messages.po)
COMPILED := $(CATALOGS:.po=.mo)
HOST ?= 127.0.0.1
PORT ?= 5000

.PHONY: run test install install-test translations update-catalogs migrate lint serve clean

# The development server: a key of its own in instance/, plain HTTP, limits in memory. One
# thread, the main one: the render time limit (forum/markup.py) is a signal only it gets.
run: export FORUM_DEVELOPMENT = 1
run: export FORUM_BASE_URL ?= http://$(HOST):$(PORT)
run: install translations migrate
	$(FLASK) seed-demo --if-empty
	@# The job worker beside the server, stopped with it; mail lands in instance/mail/.
	$(BIN)/forum-worker --workers 1 --logfile instance/worker.log & \
	worker=$$!; trap 'kill $$worker 2>/dev/null' EXIT INT TERM; \
	$(FLASK) run --host $(HOST) --port $(PORT) --without-threads

test: install-test translations
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/lint-imports
	$(BIN)/pytest

$(VENV)/bin/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip

$(VENV)/.installed: $(VENV)/bin/python setup.cfg pyproject.toml
	$(BIN)/pip install --quiet -e .
	@# Search's dictionaries as tries under instance/lexicon/ (forum/search/lexicon.py).
	$(BIN)/python -m forum.search.lexicon
	touch $@

$(VENV)/.installed-test: $(VENV)/.installed
	$(BIN)/pip install --quiet -e '.[test]'
	touch $@

install: $(VENV)/.installed

install-test: $(VENV)/.installed-test

translations: install $(COMPILED)

translations/%/LC_MESSAGES/messages.mo: translations/%/LC_MESSAGES/messages.po
	$(BIN)/pybabel compile -d translations -l $* --statistics

# After changing user-visible strings: refresh the template and both catalogs, then translate.
update-catalogs: install
	$(BIN)/pybabel extract -F translations/babel.cfg -k _l -k lazy_gettext \
		--no-location --sort-output -o translations/messages.pot .
	$(BIN)/pybabel update -i translations/messages.pot -d translations --ignore-obsolete

migrate: install translations
	$(FLASK) db upgrade

lint: install-test
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/lint-imports

clean:
	rm -rf $(VENV) translations/*/LC_MESSAGES/*.mo
