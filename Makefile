# Two commands: `make run` starts the platform with demo data, `make test` runs every check and test.
PYTHON ?= $(shell command -v python3.11 || command -v python3)
VENV := .venv
PY := $(VENV)/bin/python
STAMP := $(VENV)/.installed-stamp

.PHONY: run test install browser-deps pdf-deps docker-deps lint format clean cluster cluster-deps

$(STAMP): pyproject.toml
	@test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --disable-pip-version-check --upgrade pip
	$(PY) -m pip install --quiet --disable-pip-version-check '.[dev]'
	@touch $(STAMP)

install: $(STAMP)

run: install
	$(PY) scripts/devstack.py run

test: install browser-deps pdf-deps docker-deps
	$(PY) scripts/devstack.py test

# The browser tests drive Debian's Chromium; CI machines start without it.
browser-deps:
	@command -v chromium >/dev/null 2>&1 || { \
		echo "==> installing chromium"; \
		SUDO=$$( [ "$$(id -u)" -eq 0 ] || echo sudo ); \
		$$SUDO apt-get update -qq && DEBIAN_FRONTEND=noninteractive $$SUDO apt-get install -y -qq chromium >/dev/null; }

# The statement tests read the PDFs' text with Debian's pdftotext (poppler-utils).
pdf-deps:
	@command -v pdftotext >/dev/null 2>&1 || { \
		echo "==> installing poppler-utils"; \
		SUDO=$$( [ "$$(id -u)" -eq 0 ] || echo sudo ); \
		$$SUDO apt-get update -qq && DEBIAN_FRONTEND=noninteractive $$SUDO apt-get install -y -qq poppler-utils >/dev/null; }

# nginx in front of two web processes, two workers and beat, a Postgres primary and streaming replica
# (scripts/cluster.py); Ctrl-C stops it all.
cluster: install cluster-deps
	$(PY) scripts/cluster.py

cluster-deps:
	@command -v nginx >/dev/null 2>&1 || test -x /usr/sbin/nginx || { \
		echo "==> installing nginx"; \
		SUDO=$$( [ "$$(id -u)" -eq 0 ] || echo sudo ); \
		$$SUDO apt-get update -qq && DEBIAN_FRONTEND=noninteractive $$SUDO apt-get install -y -qq nginx-light >/dev/null; }

# The compose test builds the images and runs the stack: Docker, docker-compose, debootstrap and a daemon.
docker-deps:
	@bash deploy/scripts/docker-daemon.sh

lint: install
	$(VENV)/bin/ruff check . && $(VENV)/bin/ruff format --check . && $(VENV)/bin/lint-imports

format: install
	$(VENV)/bin/ruff check --fix . && $(VENV)/bin/ruff format .

clean:
	rm -rf $(VENV) .pytest_cache .ruff_cache build *.egg-info
