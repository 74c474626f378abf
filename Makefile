# Every target creates .venv itself, so a fresh clone needs only python3 (>= 3.11) and make.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP_RUN := $(VENV)/.stamp-run
STAMP_TEST := $(VENV)/.stamp-test
SAMPLE ?= fixtures/seeds/000_flask/Dockerfile

.PHONY: run test lint bench corpus precision clean install ruleindex engine

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip

$(STAMP_RUN): pyproject.toml | $(BIN)/python
	$(BIN)/pip install --quiet -e .
	touch $@

$(STAMP_TEST): pyproject.toml | $(BIN)/python
	$(BIN)/pip install --quiet -e '.[test,bench]'
	touch $@ $(STAMP_RUN)

install: $(STAMP_RUN)

## make run: install into .venv and lint a sample Dockerfile (findings are expected: it is a tutorial file).
run: $(STAMP_RUN)
	$(BIN)/dflint $(SAMPLE) || test $$? -eq 1

## make test: install with test extras and run the whole suite (a corpus slice included).
test: $(STAMP_TEST)
	$(BIN)/python -m pytest

## make lint: ruff and mypy, both must be clean.
lint: $(STAMP_TEST)
	$(BIN)/ruff check dflint rules tests benchmarks scripts
	$(BIN)/mypy dflint rules scripts/precision.py

## make ruleindex: regenerate rules/_index.py after changing a rule (tests/test_ruleindex.py says when).
ruleindex: $(STAMP_RUN)
	$(BIN)/python -m dflint.ruleindex

## make corpus: the full differential run over every shared corpus file.
corpus: $(STAMP_TEST)
	DFLINT_FULL_CORPUS=1 $(BIN)/python -m pytest -m corpus

## make precision: per-rule precision and recall on the judged real-world findings, and what is unjudged.
precision: $(STAMP_TEST)
	$(BIN)/python scripts/precision.py --all

## make bench: timings and comparisons against hadolint (never part of make test).
bench: $(STAMP_TEST)
	$(BIN)/python benchmarks/parse.py
	$(BIN)/python benchmarks/startup.py --regular --big
	@for b in benchmarks/lint.py benchmarks/compare_hadolint.py benchmarks/lsp.py; do \
		if [ -f $$b ]; then $(BIN)/python $$b || exit $$?; fi; done

## make engine: the opt-in suite against a real BuildKit (root; private dockerd, stop: scripts/engine/stop.sh).
engine: $(STAMP_TEST)
	scripts/engine/setup.sh
	$(BIN)/python -m pytest -m engine tests/engine

clean:
	rm -rf $(VENV) build *.egg-info .pytest_cache .mypy_cache .ruff_cache
