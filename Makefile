# The two commands of the quick start are `make serve` and `make test`; each
# installs what it needs first. Nothing beyond python3, pip, make and git is assumed.

PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed
HOST   ?= 127.0.0.1
PORT   ?= 8000

.PHONY: install serve build test lint format bench clean

install: $(STAMP)

$(STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[test]'
	touch $(STAMP)

build: install
	$(BIN)/kg build

serve: build
	$(BIN)/kg serve --host $(HOST) --port $(PORT)

lint: install
	$(BIN)/ruff check src tests bench
	$(BIN)/ruff format --check src tests bench

format: install
	$(BIN)/ruff format src tests bench
	$(BIN)/ruff check --fix src tests bench

test: install lint
	$(BIN)/python -m pytest

# Not part of `make test`: about half an hour on two cores. Each benchmark generates
# its corpus with bench/generate.py (seed 1: the same bytes for the same size) and
# rewrites its own section of bench/RESULTS.md. Sizes: BUILD_ARTICLES for full and
# incremental builds, DUMP_ARTICLES for `kg dump`, ARTICLES for the HTTP benchmark
# (wrk comes from apt-get when missing).
BUILD_ARTICLES ?= 1000,10000
DUMP_ARTICLES  ?= 10000
ARTICLES       ?= 10000
BENCH_STAMP := $(VENV)/.bench-installed

$(BENCH_STAMP): $(STAMP)
	$(BIN)/python -m pip install --quiet -e '.[test,bench]'
	touch $(BENCH_STAMP)

bench: install $(BENCH_STAMP)
	$(BIN)/python bench/build_bench.py --articles $(BUILD_ARTICLES)
	$(BIN)/python bench/dump_bench.py --articles $(DUMP_ARTICLES)
	$(BIN)/python bench/http_bench.py --articles $(ARTICLES) --servers oxigraph

clean:
	rm -rf .kg dist dist.builds .pytest_cache .ruff_cache tests/artifacts
