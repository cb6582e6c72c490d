# Callboard: the two commands a newcomer needs.
#   make demo   install everything, generate the demo contact center, open the dashboard
#   make test   install everything and run the whole test suite (what CI runs)
DATA_DIR ?= $(HOME)/.callboard-demo
PORT ?= 8765

.PHONY: setup demo test bench serve

setup:
	./scripts/setup.sh

demo: setup
	env -u PYTHONDONTWRITEBYTECODE uv run --frozen callboard demo --data-dir "$(DATA_DIR)" --port $(PORT)

# Bytecode is cached (some shells set PYTHONDONTWRITEBYTECODE): the CLI and server tests start many
# Python processes, and each would otherwise recompile pandas, Ibis and FastAPI from source.
test: setup
	env -u PYTHONDONTWRITEBYTECODE HYPOTHESIS_PROFILE=ci uv run --frozen pytest -q

bench: setup
	uv run --frozen python bench/kpi.py --rows 1000000
