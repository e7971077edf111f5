# Two commands on a fresh machine: `make demo` and `make test`. Everything installs into .venv
# from the pinned lock files in requirements/.

PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
PIP := $(BIN)/python -m pip install --quiet --disable-pip-version-check

.PHONY: demo run check test lint unit fast faults bench install install-dev lock clean

demo: $(VENV)/.main ## Run the bot against the built-in simulated exchange and chat
	@$(BIN)/python -m balance_bot --demo

run: $(VENV)/.main ## Run the real bot with the settings in .env
	@$(BIN)/python -m balance_bot

# make exits 2 whenever a command fails: a deploy script runs `.venv/bin/python -m balance_bot
# --check` for the check's own code (0 ready, 1 cannot run, 2 a setting, 3 fix first).
check: $(VENV)/.main ## Test the settings in .env before going live: token, chats, clock, key
	@$(BIN)/python -m balance_bot --check || { code=$$?; \
		echo "make check: the check exited $$code (1 cannot run, 2 a setting, 3 fix first)" >&2; \
		exit $$code; }

test: lint unit ## Install everything, lint, type-check and run the whole suite

# The suite on every core: a test file per worker at a time (pytest-xdist). Most of a bot test's
# time is spent waiting (for a poll, a process, a timeout), so two workers take half as long
# even on two cores. `.venv/bin/pytest` alone runs it in one process.
PARALLEL := -n auto --dist loadfile

unit: $(VENV)/.dev
	$(BIN)/pytest $(PARALLEL)

fast: $(VENV)/.dev ## Run the suite without the tests that start processes: the quick loop
	$(BIN)/pytest $(PARALLEL) -m "not slow"

faults: $(VENV)/.dev ## Run the fault suite: exchange, Telegram, process and disk faults
	$(BIN)/pytest $(PARALLEL) -m faults

bench: $(VENV)/.bench ## Measure the bot against the local fakes and print the targets table
	$(BIN)/python -m bench

lint: $(VENV)/.dev
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/mypy .
	$(BIN)/hadolint Dockerfile

install: $(VENV)/.main
install-dev: $(VENV)/.dev

$(VENV)/.main: requirements/main.lock
	@test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	@$(PIP) -r requirements/main.lock
	@touch $@

$(VENV)/.dev: $(VENV)/.main requirements/dev.lock
	@$(PIP) -r requirements/main.lock -r requirements/dev.lock
	@touch $@

$(VENV)/.bench: $(VENV)/.dev requirements/bench.lock
	@$(PIP) -r requirements/main.lock -r requirements/dev.lock -r requirements/bench.lock
	@touch $@

lock: ## Re-resolve requirements/*.in into the pinned lock files (needs the registry)
	rm -rf .lock-venv && $(PYTHON) -m venv .lock-venv
	.lock-venv/bin/pip install --quiet -r requirements/main.in
	.lock-venv/bin/pip freeze --all --exclude pip --exclude setuptools > requirements/main.lock
	.lock-venv/bin/pip install --quiet -r requirements/dev.in
	.lock-venv/bin/pip freeze --all --exclude pip --exclude setuptools \
		| grep -vxFf requirements/main.lock > requirements/dev.lock
	rm -rf .lock-venv

clean:
	rm -rf $(VENV) .mypy_cache .ruff_cache .pytest_cache .hypothesis
