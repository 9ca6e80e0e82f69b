# Set-up is part of every target: a fresh clone needs nothing but python3 >= 3.11.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed

.PHONY: demo test lint install sysdeps clean bench fuzz

# An editable install leaves the modules uncompiled, and Python writes no .pyc where
# PYTHONDONTWRITEBYTECODE is set (container images often set it): every command would then
# compile them from source, ~0.08 s of each start. Python ignores a .pyc whose source changed since.
$(STAMP): pyproject.toml
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[test,datasette,spacy,dask]'
	$(BIN)/python -m compileall -q pipeline extractors scrapers corpus
	touch $(STAMP)

install: $(STAMP)

demo: $(STAMP)
	$(BIN)/bulletins demo

lint: $(STAMP)
	$(BIN)/ruff check .

sysdeps:
	bash .ci/sysdeps.sh

test: $(STAMP) sysdeps
	$(BIN)/ruff check .
	$(BIN)/mypy
	$(BIN)/python -m pytest -q

# Speed, memory and accuracy next to the alternatives; writes benchmarks/RESULTS.md.
# The peer libraries live in benchmarks/.venv only, never in the project's environment.
BENCH_VENV := benchmarks/.venv
BENCH_STAMP := $(BENCH_VENV)/.installed

$(BENCH_STAMP): benchmarks/requirements.txt
	test -x $(BENCH_VENV)/bin/python || $(PYTHON) -m venv $(BENCH_VENV)
	$(BENCH_VENV)/bin/python -m pip install --quiet -r benchmarks/requirements.txt
	touch $(BENCH_STAMP)

bench: $(STAMP) $(BENCH_STAMP)
	$(BIN)/python benchmarks/run_all.py --peers-python $(BENCH_VENV)/bin/python

# The hostile-input tests (issue 8) with 10,000 examples per fuzz strategy and more kill
# points; figures go to .hypothesis/hostile-figures.jsonl for benchmarks/HOSTILE.md.
# The archive kill/corrupt loop (issue 17) runs 20 kills and 10 corruptions by default.
HOSTILE_EXAMPLES ?= 10000
HOSTILE_KILLS ?= 12
HOSTILE_ARCHIVE_KILLS ?= 60
HOSTILE_ARCHIVE_CORRUPTIONS ?= 40
fuzz: $(STAMP)
	HOSTILE_EXAMPLES=$(HOSTILE_EXAMPLES) HOSTILE_KILLS=$(HOSTILE_KILLS) \
	  HOSTILE_ARCHIVE_KILLS=$(HOSTILE_ARCHIVE_KILLS) \
	  HOSTILE_ARCHIVE_CORRUPTIONS=$(HOSTILE_ARCHIVE_CORRUPTIONS) \
	  HOSTILE_FIGURES=.hypothesis/hostile-figures.jsonl \
	  $(BIN)/python -m pytest -q tests/test_hostile_*.py --hypothesis-show-statistics

clean:
	rm -rf $(VENV) .pytest_cache .ruff_cache
