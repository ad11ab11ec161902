# Two commands: `make demo` and `make test`. Everything else is optional.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
SHARED ?= ../shared

.PHONY: demo test fuzz bench snapshots clean

$(STAMP): pyproject.toml
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[test,bench]'
	touch $(STAMP)

demo: $(STAMP)
	$(BIN)/policyparse extract corpus -o extracted
	@if [ -f extracted/national-2030-action-plan/targets.csv ]; then \
	  $(BIN)/policyparse diff corpus/xiqing-2023.txt extracted/national-2030-action-plan -o extracted/diff-xiqing-national; fi
	@echo "tables written under extracted/"

test: $(STAMP)
	$(BIN)/python -m pytest src tests -q

fuzz: $(STAMP)
	PP_FUZZ_EXAMPLES=5000 $(BIN)/python -m pytest tests/test_fuzz.py -q

bench: $(STAMP)
	$(BIN)/python bench/run.py

snapshots: $(STAMP)
	$(BIN)/policyparse extract corpus -o extracted
	$(BIN)/policyparse extract $(SHARED)/corpus/raw/national-2030-action-plan.txt -o extracted/national-2030-action-plan

clean:
	rm -rf $(VENV) build *.egg-info src/*.egg-info
