# lägesbild — every target sets up .venv itself; a second call does not reinstall.
# The three paths of DATA-CONTRACT §1 are read from the environment:
#   LAGESBILD_DATA_DIR, LAGESBILD_WAREHOUSE, LAGESBILD_OUTPUT_DIR
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed
export DAGSTER_HOME ?= $(CURDIR)/.dagster_home
export TQDM_DISABLE := 1
# Debian packages the browser tests and PDF checks need (never a browser downloaded by Playwright).
APT_PACKAGES := chromium fonts-dejavu-core poppler-utils

.PHONY: setup run rebuild test test-fast ui backfill pdf bench docs docs-tables templates browser clean

$(STAMP): pyproject.toml
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[dev]'
	touch $@

# The instance's settings (one run at a time, the storage): rewritten when the template changes.
$(DAGSTER_HOME)/dagster.yaml: pipelines/dagster_instance.yaml
	mkdir -p $(DAGSTER_HOME)
	cp $< $@

setup: $(STAMP) $(DAGSTER_HOME)/dagster.yaml

## Build the warehouse and every tertial's report from $(LAGESBILD_DATA_DIR) (default: the sample data).
run: setup
	$(BIN)/python -m pipelines.run

## The warehouse again from the data dir's files on purpose; the old one stays aside until the new one is built.
rebuild: setup
	$(BIN)/python -m pipelines.run --rebuild

## The test suite (installs Debian's chromium first when it is missing), on TEST_WORKERS
## pytest-xdist workers (0: one process; how tests are shared out: pyproject.toml addopts).
## One more worker than cores: while one waits (a sensor's tick, dagster dev starting, a
## subprocess run), the others keep the cores busy (README, Testing: "A worker more than cores").
TEST_WORKERS ?= $(shell echo $$(( $$(nproc) + 1 )))
test: setup browser
	$(BIN)/python -m pytest -n $(TEST_WORKERS)

## The inner loop: every test but the slow ones (a pipeline run of their own or the session's
## shared sample build, dagster dev: tests/conftest.py), on the same workers. `make test` runs all.
test-fast: setup browser
	$(BIN)/python -m pytest -n $(TEST_WORKERS) -m "not slow"

## The Dagster UI on http://127.0.0.1:3000 (webserver and daemon: schedules and sensors run).
## The venv on PATH: under `dagster dev`, DbtProject.prepare_if_dev() runs the `dbt` it finds there.
ui: setup
	$(BIN)/python -c 'from pipelines.dbt_manifest import ensure_manifest; ensure_manifest()'
	PATH="$(CURDIR)/$(BIN):$$PATH" $(BIN)/dagster dev -w workspace.yaml --host 127.0.0.1 --port $${PORT:-3000}

## Every municipality's lägesbild of every tertial again from the warehouse as it is: one run
## (BackfillPolicy.single_run; the range is every municipality × every tertial).
backfill: setup
	$(BIN)/python -c 'from pipelines.dbt_manifest import ensure_manifest; ensure_manifest()'
	$(BIN)/dagster asset materialize -m pipelines.definitions --select picture/lagesbild --partition-range \
	  "$$($(BIN)/python -c 'from pipelines.partitions import full_range; print(full_range())')"

## The PDF of a lägesbild written without one (LAGESBILD_PDF, DATA-CONTRACT §4.2), from its HTML:
## KOMMUN=0382 (several: 0382,0381; region: the regional overview; unset: the single municipality),
## PERIOD=2026-T2 (unset: the newest tertial).
pdf: setup
	$(BIN)/python -m pipelines.picture.pdf $(if $(KOMMUN),--kommun $(KOMMUN)) $(if $(PERIOD),--period $(PERIOD))

## Benchmarks: the pipeline against plain DuckDB doing the same work (prints figures).
bench: setup
	$(BIN)/python tests/benchmarks/bench.py

## The region demo (data/sample-region: Östhammar and two neighbours of its police area, DATA-CONTRACT §6):
## one run, one warehouse (warehouse/region.duckdb), reports per municipality and for the region in output-region/.
.PHONY: run-region bench-national bench-newfile
run-region:
	LAGESBILD_DATA_DIR=data/sample-region LAGESBILD_WAREHOUSE=warehouse/region.duckdb \
	  LAGESBILD_OUTPUT_DIR=output-region $(MAKE) run

## National benchmark: a synthetic region of all 290 municipalities plus the real national police
## events, built at 30, 100 and 290 municipalities (prints figures; BENCH_ARGS="--reports" adds the newest
## tertial's pictures of all 290, BENCH_ARGS="--sizes 5,10" a quick try, --work DIR keeps the data and warehouses).
bench-national: setup
	$(BIN)/python tests/benchmarks/national.py $(BENCH_ARGS)

## A new partner file for one municipality in the national warehouse until its updated newest lägesbild,
## through the inbox sensor's job (prints the time, each step and the framework floor). Needs the national
## benchmark's files: make bench-national BENCH_ARGS="--reports --work /tmp/national" (or BENCH_ARGS="--national DIR").
bench-newfile: setup
	$(BIN)/python tests/benchmarks/newfile.py $(BENCH_ARGS)

## dbt docs (every model and column, tests, lineage) as one static page that opens offline:
## $(LAGESBILD_OUTPUT_DIR)/dbt-docs/static_index.html. Column types come from the warehouse: `make run` first.
docs: setup
	@eval "$$($(BIN)/python -c 'import shlex; from pipelines.settings import Settings; s = Settings.from_env(); print("export LAGESBILD_WAREHOUSE=" + shlex.quote(str(s.warehouse)), "DOCS=" + shlex.quote(str(s.output_dir) + "/dbt-docs"))')"; \
	cd dbt_project && ../$(BIN)/dbt docs generate --static --quiet --profiles-dir . --target-path "$$DOCS" --log-path "$$DOCS/logs" && \
	echo "dbt docs: $$DOCS/static_index.html"

## The category and alias tables in README.md and docs/*.md, rewritten from the dbt seeds.
docs-tables: setup
	$(BIN)/python -m pipelines.docs_tables

## Fill-in templates for partners and the local police in $(LAGESBILD_OUTPUT_DIR)/mallar/;
## with SURVEY=path/to/export.csv also a questions.yaml skeleton built from that export's headers.
templates: setup
	$(BIN)/python -m pipelines.input_templates $(if $(SURVEY),--survey "$(SURVEY)")

browser:
	@command -v chromium >/dev/null && command -v pdftoppm >/dev/null || { \
	  echo "installing $(APT_PACKAGES) with apt-get"; \
	  apt-get update -q && DEBIAN_FRONTEND=noninteractive apt-get install -y -q --no-install-recommends $(APT_PACKAGES); }

clean:
	rm -rf warehouse output .dagster_home dbt_project/target test-artifacts
