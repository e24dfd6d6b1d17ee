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

# Not part of `make test`: minutes, not seconds. TRIPLES=250000,1000000 for several dump
# sizes; ARTICLES for the HTTP benchmark's corpus. The HTTP benchmark rewrites its own
# section of bench/RESULTS.md (wrk comes from apt-get when missing).
TRIPLES  ?= 1000000
ARTICLES ?= 1000
BENCH_STAMP := $(VENV)/.bench-installed

$(BENCH_STAMP): $(STAMP)
	$(BIN)/python -m pip install --quiet -e '.[test,bench]'
	touch $(BENCH_STAMP)

bench: install $(BENCH_STAMP)
	$(BIN)/python bench/dump_bench.py --triples $(TRIPLES)
	$(BIN)/python bench/build_bench.py --articles 1000,10000
	$(BIN)/python bench/http_bench.py --articles $(ARTICLES)

clean:
	rm -rf .kg dist dist.builds .pytest_cache .ruff_cache tests/artifacts
