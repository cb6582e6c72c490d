# Callboard: the two commands a newcomer needs.
#   make demo   install everything, generate the demo contact center, open the dashboard
#   make test   install everything and run the whole test suite (what CI runs)
DATA_DIR ?= $(HOME)/.callboard-demo
PORT ?= 8765

.PHONY: setup demo test bench serve

setup:
	./scripts/setup.sh

demo: setup
	uv run --frozen callboard demo --data-dir "$(DATA_DIR)" --port $(PORT)

test: setup
	HYPOTHESIS_PROFILE=ci uv run --frozen pytest -q

bench: setup
	uv run --frozen python bench/kpi.py --rows 1000000
