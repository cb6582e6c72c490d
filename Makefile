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

# Two pytest workers (pytest-xdist; TEST_WORKERS=1 for one process): many tests wait on servers, browsers
# and subprocesses, so two workers take about 6 minutes here instead of 9. Each test file stays on one worker
# in file order (--dist loadfile): some files share module-scoped state between their tests. Bytecode is cached (some shells
# set PYTHONDONTWRITEBYTECODE): each CLI/server test process would otherwise recompile pandas and Ibis.
TEST_WORKERS ?= 2
test: setup
	env -u PYTHONDONTWRITEBYTECODE HYPOTHESIS_PROFILE=ci uv run --frozen pytest -q -n $(TEST_WORKERS) --dist loadfile

bench: setup
	uv run --frozen python bench/kpi.py --rows 1000000
