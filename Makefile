# Two commands (contracts §2). Each creates .venv on first use and reinstalls when pyproject changes.
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed
PIP    := $(BIN)/python -m pip --disable-pip-version-check -q

.PHONY: demo test lint format bench clean-venv

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)

$(STAMP): pyproject.toml | $(BIN)/python
	$(PIP) install -e ".[test]"
	@touch $@

demo: $(STAMP)
	$(BIN)/jixiao batch parameters/examples --library case_library
	$(BIN)/jixiao library publish wujin_rural_sewage_2023 --library case_library
	$(BIN)/jixiao library report 2023 --library case_library
	@echo "报告已存入 case_library/（打开 case_library/index.html 浏览）"

test: $(STAMP)
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/python -m pytest

lint: $(STAMP)
	$(BIN)/ruff check --fix .
	$(BIN)/ruff format .

bench: $(STAMP)
	$(PIP) install -e ".[benchmark]"
	for b in scoring cba survey_design reliability weighting library batch; do \
		$(BIN)/python benchmarks/$$b.py || exit 1; done

clean-venv:
	rm -rf $(VENV)
