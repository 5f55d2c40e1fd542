# The two commands: `make run` (an Odoo 18 server with both addons) and `make test`.
PYTHON ?= python3
ODOO_PYTHON ?= $(PYTHON)
DB ?= jit_demo
PORT ?= 8069

.PHONY: test run lint bench

test:
	$(PYTHON) tools/run_tests.py

run:
	$(PYTHON) tools/run_odoo.py --db $(DB) --port $(PORT)

lint:
	ruff check . && $(PYTHON) -m pylint --rcfile=.pylintrc-mandatory jit_replenishment supplier_portal
