# The two commands: `make run` (an Odoo 18 server with both addons) and `make test`.
# Both set up what they need first (tools/bootstrap.py): a project-local .venv
# with Odoo 18.0 and the test tools, and PostgreSQL (found, or a private
# cluster that `make stop` stops).
PYTHON ?= python3
DB ?= jit_demo
PORT ?= 8069

.PHONY: test run stop lint bench

test:
	$(PYTHON) tools/bootstrap.py test

run:
	$(PYTHON) tools/bootstrap.py run --db $(DB) --port $(PORT)

stop:
	$(PYTHON) tools/bootstrap.py stop

lint:
	.venv/bin/ruff check . && .venv/bin/python -m pylint --rcfile=.pylintrc-mandatory jit_replenishment supplier_portal
