# The commands a person types. Everything installs into ./.venv from uv.lock.
PY ?= python3
UV_VERSION := 0.13.9
UV := .uv/bin/uv
VENV_PY := .venv/bin/python
export UV_PROJECT_ENVIRONMENT := .venv

.PHONY: install run test test-dates screenshots bench lint worker beat registry clean

$(UV):
	$(PY) -m venv .uv
	.uv/bin/pip install --quiet --disable-pip-version-check uv==$(UV_VERSION)

install: $(UV)
	$(UV) sync --frozen --quiet

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
# tests/clock.py, but each starts a worker) and the lock stress tests (dates do not matter).
DATED_TESTS := -m "not browser and not worker and not stress"
test-dates: install
	TEST_TODAY=february-end $(VENV_PY) scripts/test.py $(DATED_TESTS)
	TEST_TODAY=year-end $(VENV_PY) scripts/test.py $(DATED_TESTS)

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

worker: install
	.venv/bin/celery -A jkn_portal worker --loglevel=INFO

beat: install
	.venv/bin/celery -A jkn_portal beat --loglevel=INFO --schedule var/celerybeat-schedule

# The mock Dukcapil registry as its own service (production shape), on port 8100.
registry: export DJANGO_DEBUG := 1
registry: install
	DJANGO_SETTINGS_MODULE=dukcapil_sync.registry.standalone_settings $(VENV_PY) manage.py migrate
	DJANGO_SETTINGS_MODULE=dukcapil_sync.registry.standalone_settings $(VENV_PY) manage.py runserver 127.0.0.1:8100

clean:
	rm -rf .venv .uv var staticfiles
