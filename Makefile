# The commands a person types. Everything installs into ./.venv from uv.lock.
PY ?= python3
UV_VERSION := 0.13.9
UV := .uv/bin/uv
VENV_PY := .venv/bin/python
export UV_PROJECT_ENVIRONMENT := .venv

# Production shape (README "Production shape"): every setting comes from the environment.
# Ports and workers: HOST, PORT, REGISTRY_PORT, WEB_WORKERS, WORKER_CONCURRENCY, WORKER_QUEUES.
VAR_DIR := $(or $(JKN_VAR_DIR),var)
export METRICS_DIR := $(or $(METRICS_DIR),$(VAR_DIR)/metrics)
REGISTRY_SETTINGS := DJANGO_SETTINGS_MODULE=dukcapil_sync.registry.standalone_settings

.PHONY: install install-production run test test-dates screenshots bench lint release web worker \
	beat registry clean

$(UV):
	$(PY) -m venv .uv
	.uv/bin/pip install --quiet --disable-pip-version-check uv==$(UV_VERSION)

# Development: the app and its test tools.
install: $(UV)
	$(UV) sync --frozen --quiet

# Production: the app only, no test or lint tools (as the Dockerfile).
install-production: $(UV)
	$(UV) sync --frozen --no-dev --quiet

# The process targets below never install (a restart must not change packages): they only
# check that an install happened.
$(VENV_PY):
	@echo "no .venv: run 'make install-production' (or 'make install') first" >&2; exit 1

# Embedded default: SQLite in ./var, tasks in-process, mock Dukcapil in the same server.
# Debug is opt-in (DJANGO_DEBUG=1 here only); PORT=8001 serves on another port.
PORT ?= 8000
run: export DJANGO_DEBUG := 1
run: install
	$(VENV_PY) manage.py migrate --noinput
	$(VENV_PY) manage.py seed_demo
	$(VENV_PY) manage.py runserver 127.0.0.1:$(PORT)

test: install
	$(VENV_PY) scripts/test.py

# The suite again on two chosen days (tests/clock.py): the next end of February and the end
# of this year (the registry process travels too). Left out to keep CI under 15 minutes:
# browser tests (Chromium keeps the real clock), real-worker tests (they would travel too, see
# tests/clock.py, but each starts a worker), the lock stress tests, and the modules that only
# start servers or check settings, the schema and the tree (their answers do not depend on
# the date): the production shape, parallel notifications, gunicorn, fuzzing, settings, the
# embedded default's servers; and those about time of day, not dates, or about no time at
# all: accounts (codes and PINs expire in minutes), messaging, lockout, headers, error shapes,
# admin hardening, the Redis cache and its absence, enqueueing, imports, the fact tokens
# and the VClaim cryptography.
DATED_TESTS := -m "not browser and not worker and not stress and not replica" \
	--ignore=tests/test_production_shape.py --ignore=tests/test_payments_servers.py \
	--ignore=vclaim/tests/test_gunicorn.py --ignore=tests/test_api_fuzz.py \
	--ignore=tests/test_settings.py --ignore=tests/test_operations.py \
	--ignore=tests/test_collection.py --ignore=tests/test_architecture.py \
	--ignore=tests/test_embedded_default.py --ignore=accounts --ignore=messaging \
	--ignore=tests/test_lockout.py --ignore=tests/test_headers.py \
	--ignore=tests/test_api_errors.py --ignore=tests/test_admin_hardening.py \
	--ignore=tests/test_redis_cache.py --ignore=tests/test_degraded.py \
	--ignore=tests/test_enqueue.py --ignore=tests/test_imports.py \
	--ignore=tests/test_facts.py --ignore=vclaim/tests/test_protocol.py
# The two days run side by side, each on its own database and Redis DB, without a replica
# (two base backups at once lose WAL; routing does not depend on the date); both must pass.
test-dates: install
	mkdir -p var
	TEST_TODAY=february-end TEST_DATABASE_NAME=jkn_feb TEST_REDIS_DB=14 TEST_REPLICA=0 \
		$(VENV_PY) scripts/test.py $(DATED_TESTS) > var/test-february-end.log 2>&1 & feb=$$!; \
	TEST_TODAY=year-end TEST_DATABASE_NAME=jkn_yearend TEST_REDIS_DB=13 TEST_REPLICA=0 \
		$(VENV_PY) scripts/test.py $(DATED_TESTS) > var/test-year-end.log 2>&1 & year=$$!; \
	wait $$feb; f=$$?; wait $$year; y=$$?; \
	echo "== february-end =="; tail -n 40 var/test-february-end.log; \
	echo "== year-end =="; tail -n 40 var/test-year-end.log; \
	test $$f -eq 0 && test $$y -eq 0

# Refresh the README's pictures (docs/screenshots/) on purpose; `make test` writes its
# screenshots to the ignored var/screenshots/ instead.
screenshots: install
	SCREENSHOTS_DIR=docs/screenshots $(VENV_PY) scripts/test.py -m browser

lint: install
	.venv/bin/ruff check .
	.venv/bin/ruff format --check .
	# django-stubs loads the settings; debug is opt-in, so give it the development ones.
	DJANGO_DEBUG=1 .venv/bin/mypy .

bench: install
	$(VENV_PY) -m bench.run

# Once per release, before any new web or worker process starts: schema and static files.
release: $(VENV_PY)
	$(VENV_PY) manage.py migrate --noinput
	$(VENV_PY) manage.py collectstatic --noinput -v0

# The portal under gunicorn (jkn_portal/gunicorn_conf.py: HOST, PORT, WEB_WORKERS).
web: $(VENV_PY)
	rm -rf $(METRICS_DIR)/web && mkdir -p $(METRICS_DIR)/web
	PROMETHEUS_MULTIPROC_DIR=$(METRICS_DIR)/web exec .venv/bin/gunicorn \
		-c jkn_portal/gunicorn_conf.py jkn_portal.wsgi:application

# Celery worker: the default queue, plus WORKER_QUEUES (e.g. "celery,payments") if set.
worker: $(VENV_PY)
	rm -rf $(METRICS_DIR)/worker && mkdir -p $(METRICS_DIR)/worker
	PROMETHEUS_MULTIPROC_DIR=$(METRICS_DIR)/worker exec .venv/bin/celery -A jkn_portal worker \
		--loglevel=INFO --concurrency=$${WORKER_CONCURRENCY:-2} \
		$${WORKER_QUEUES:+--queues=$$WORKER_QUEUES}

# Celery beat: exactly one per installation.
beat: $(VENV_PY)
	mkdir -p $(VAR_DIR)
	exec .venv/bin/celery -A jkn_portal beat --loglevel=INFO \
		--schedule $(VAR_DIR)/celerybeat-schedule

# The mock Dukcapil registry as its own service: migrates its own database (REGISTRY_*
# variables), then gunicorn on HOST:REGISTRY_PORT (default 8100).
registry: $(VENV_PY)
	$(REGISTRY_SETTINGS) $(VENV_PY) manage.py migrate --noinput -v0
	$(REGISTRY_SETTINGS) exec .venv/bin/gunicorn -c dukcapil_sync/registry/gunicorn_conf.py \
		dukcapil_sync.registry.wsgi:application

clean:
	rm -rf .venv .uv var staticfiles
