# sohoa — the two commands of the README are `make demo` and `make test`; both set everything up first.
VENV   ?= .venv
PYTHON ?= python3
BIN     = $(VENV)/bin
SAMPLE  = samples/2.000620
DEMO_OUT ?= demo-out

.PHONY: setup system venv model demo test bench bench-lifecycle bench-stats faults bad-input clean stop-storage

setup: system venv model

system:
	bash scripts/setup-system.sh

venv: $(VENV)/.installed

$(VENV)/.installed: pyproject.toml
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install -q --upgrade pip
	$(BIN)/python -m pip install -q -e ".[test]"
	touch $@

# The page model is trained once into the model cache (SOHOA_MODEL_CACHE); a no-op when it is already there.
model: venv
	$(BIN)/sohoa-lab train

demo: setup
	$(BIN)/sohoa process $(SAMPLE)/page-* --procedure 2.000620 --out $(DEMO_OUT)
	@echo "Signed PDF/A files: $(abspath $(DEMO_OUT))/*.signed.pdf"

# Its own temporary folder, so another pytest run on the machine cannot rotate it away mid-run.
test: setup
	$(BIN)/python -m pytest -q -ra --basetemp="$$(mktemp -d -t sohoa-tests.XXXXXX)"

bench: venv
	bash scripts/setup-system.sh --bench
	$(BIN)/python -m sohoa.tools.bench

stop-storage:
	$(BIN)/python -c "from pathlib import Path; from sohoa.archive import EmbeddedSeaweedFS; from sohoa.services.config import Config; EmbeddedSeaweedFS.stop_detached(Config.from_env().data_dir / 's3')"

clean:
	rm -rf $(DEMO_OUT) .pytest_cache

# The lifecycle's costly steps: a supplement (only new pages read) and a result signed at B-LTA (test PKI).
bench-lifecycle: setup
	$(BIN)/python -m sohoa.tools.bench.lifecycle

bench-stats: setup
	$(BIN)/python -m sohoa.tools.bench.stats

# The bad-input corpus through `sohoa process` and `POST /dossiers` (docs/reliability.md "Bad input").
bad-input: setup
	$(BIN)/python -m sohoa.tools.badinput $(BAD_INPUT_ARGS)

# The fault-injection suite: its own Redis, PostgreSQL and SeaweedFS, workers SIGKILLed, components stopped mid-dossier
# (docs/reliability.md). FAULTS_ARGS=--quick for a smoke run.
faults: setup
	$(BIN)/python -m sohoa.tools.faults.suite $(FAULTS_ARGS)
