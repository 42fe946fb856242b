# The two commands a new user runs: `make demo` (the main job) and `make test` (the suite).
# Both create .venv at the repository root, install kglink into it and provision Neo4j.

PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.kglink-installed

.PHONY: demo test bench lint venv neo4j-stop clean

$(STAMP): setup.cfg pyproject.toml
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install -q --upgrade pip setuptools wheel
	$(BIN)/python -m pip install -q -e '.[dev,bench]'
	touch $(STAMP)

venv: $(STAMP)

demo: $(STAMP)
	$(BIN)/kglink demo

test: $(STAMP)
	bash tests/services/ensure-postgres.sh
	bash tests/services/ensure-chromium.sh
	$(BIN)/ruff check .
	$(BIN)/python -m pytest; rc=$$?; \
	  if [ $$rc -eq 5 ]; then echo "pytest collected no tests: failing" >&2; exit 1; fi; exit $$rc

bench: $(STAMP)
	for s in tests/benchmarks/bench_*.py; do echo "== $$s"; $(BIN)/python $$s || exit 1; done

lint: $(STAMP)
	$(BIN)/ruff check .

neo4j-stop:
	-$(BIN)/kglink neo4j stop

clean:
	rm -rf $(VENV) build *.egg-info
