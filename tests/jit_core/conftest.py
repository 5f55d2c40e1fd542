"""jit_core is pure Python: neutralise pytest-odoo's autouse fixtures when it is loaded.

`make test` passes `-p no:odoo`; these no-op overrides make a plain
`python3 -m pytest tests/jit_core` work too (without a database).
"""

import pytest


@pytest.fixture(scope="session", autouse=True)
def load_registry():
    yield


@pytest.fixture(scope="session", autouse=True)
def load_http():
    yield


@pytest.fixture(scope="module", autouse=True)
def enable_odoo_test_flag():
    yield
