# e-KTP issuance platform. `make run` starts the suite (embedded profile); `make test` sets up and tests.
SHELL := /bin/bash
PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
UV := $(VENV)/bin/uv
STAMP := $(VENV)/.installed-$(shell cat requirements.lock shared/pyproject.toml services/*/pyproject.toml launcher/pyproject.toml | sha1sum | cut -c1-12)
ROLE ?= verifier
OUTBOX ?= var/outbox
PYTEST_ARGS ?=

.PHONY: help venv lock run up demo samples test test-fast test-chaos chaos asyncapi config-docs token code translations screenshots bench eval-biometrics images migrate lint k8s-validate clean

help:
	@echo "make run        start all five services in one process (embedded profile, ports 8001-8005)"
	@echo "make test       set up the test infrastructure and run every test (CI runs make lint, then this)"
	@echo "make test-fast  the unit layer only: rules with plain values, no database or broker (seconds)"
	@echo "make lint       ruff, and the import contracts (.importlinter)"
	@echo "make demo       walk one application through the journey against a running 'make run' (DOCUMENT=kia: a child's card)"
	@echo "make up         run the local real profile in the foreground (RabbitMQ, PostgreSQL, SeaweedFS, gunicorn)"
	@echo "make token ROLE=verifier OFFICE=DISDUKCAPIL-3201   print a development officer token for an office"
	@echo "make code TO=+62812...     print the newest one-time code make run sent to that number or address"
	@echo "make asyncapi   write the event catalogue to docs/asyncapi.yaml"
	@echo "make bench      run the benchmarks and print what they measured"
	@echo "make chaos      200 applications while processes, broker, database and network fail (benchmarks/RESILIENCE.md)"
	@echo "make lock       re-resolve requirements.lock from the pyprojects"

$(STAMP): requirements.lock
	@test -x $(PY) || $(PYTHON) -m venv $(VENV)
	@test -x $(UV) || $(VENV)/bin/pip install --quiet uv==0.13.9
	$(UV) pip sync --python $(PY) --quiet requirements.lock
	@rm -f $(VENV)/.installed-* && touch $@

venv: $(STAMP)

lock: venv
	$(UV) pip compile --quiet requirements.in -o requirements.lock

run: venv
	$(PY) -m ektp_launcher.embedded

up: venv
	$(PY) -m ektp_launcher.local up

demo: venv
	$(PY) -m ektp_launcher.demo $(if $(DOCUMENT),--document $(DOCUMENT))

samples: venv
	@$(PY) -m ektp_launcher.samples var/samples

migrate: venv
	@for s in intake verification biometrics printing notify; do $(PY) -m ektp_shared.migrations $$s upgrade head || exit 1; done

token: venv
	@$(PY) -m ektp_shared.auth --role $(ROLE) $(foreach office,$(OFFICE),--office $(office))

code: venv
	@$(PY) -m ektp_launcher.mailbox --outbox $(OUTBOX) "$(TO)"

asyncapi: venv
	$(PY) -m ektp_shared.contracts.asyncapi docs/asyncapi.yaml

config-docs: venv
	$(PY) -m ektp_shared.settings > docs/configuration.md

# The sites' English: extract the Indonesian texts, merge them into the .po (new ones empty), compile the .mo.
translations: venv
	@for site in portal console; do \
	  (cd services/$$site && $(abspath $(VENV))/bin/pybabel extract -F babel.cfg -k _l -k lazy_gettext --no-location -o /tmp/ektp-$$site.pot . \
	  && $(abspath $(VENV))/bin/pybabel update -i /tmp/ektp-$$site.pot -d $$site/translations --no-fuzzy-matching --ignore-obsolete -w 120 \
	  && $(abspath $(VENV))/bin/pybabel compile -d $$site/translations) || exit 1; done

# The portal's pages (a 360x640 screen) and the console's (1280x900), photographed by their browser tests, with each
# page's transfer size.
screenshots: venv
	rm -rf docs/screenshots && EKTP_SCREENSHOTS=$(abspath docs/screenshots) $(PY) -m pytest -q services/portal/tests/browser $(PYTEST_ARGS)
	EKTP_SCREENSHOTS=$(abspath docs/screenshots/console) $(PY) -m pytest -q services/console/tests/browser $(PYTEST_ARGS)

# Everything, the CI-sized chaos run (tests/test_chaos.py, 20 applications) included.
test: venv
	$(PY) -m ektp_launcher.testsetup
	$(PY) -m pytest $(PYTEST_ARGS)

# The CI-sized chaos run alone.
test-chaos: venv
	$(PY) -m ektp_launcher.testsetup
	$(PY) -m pytest -q tests/test_chaos.py $(PYTEST_ARGS)

test-fast: venv
	$(PY) -m pytest -q shared/tests/unit services/*/tests/unit $(PYTEST_ARGS)

# A day's applications while the broker, the database, workers, APIs and the network fail: benchmarks/RESILIENCE.md.
chaos: venv
	$(PY) -m ektp_launcher.chaos $(CHAOS_ARGS)

bench: venv
	$(PY) benchmarks/run.py

eval-biometrics: venv
	$(PY) -m biometrics.evaluate $(if $(FINGERPRINTS),--fingerprints $(FINGERPRINTS)) $(if $(FACES),--faces $(FACES)) $(if $(OUT),--out $(OUT)) $(if $(DISTRACTORS),--distractors $(DISTRACTORS)) $(if $(TEMPLATE_CACHE),--template-cache $(TEMPLATE_CACHE))

lint: venv
	$(VENV)/bin/ruff check shared launcher services peers tests benchmarks
	$(VENV)/bin/lint-imports

k8s-validate: venv
	$(PY) -m pytest tests/k8s -q

images:
	@for s in intake verification biometrics printing notify portal console; do docker build --build-arg SERVICE=$$s -t ektp/$$s:dev . || exit 1; done
	docker build --build-arg SERVICE=peers --build-arg PACKAGES="shared services/printing peers" -t ektp/peers:dev .

clean:
	rm -rf var .pytest_cache
