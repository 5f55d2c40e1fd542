"""XML-RPC end-to-end tests against a running Odoo (started by tools/run_tests.py)."""

import os
import xmlrpc.client

import pytest


@pytest.fixture(scope="session")
def odoo():
    url = os.environ.get("JIT_E2E_URL")
    if not url:
        pytest.skip("JIT_E2E_URL is not set: run through `make test`")
    db = os.environ["JIT_E2E_DB"]
    login = os.environ.get("JIT_E2E_LOGIN", "admin")
    password = os.environ.get("JIT_E2E_PASSWORD", "admin")
    common = xmlrpc.client.ServerProxy(f"{url}/xmlrpc/2/common", allow_none=True)
    uid = common.authenticate(db, login, password, {})
    assert uid, f"cannot log in to {db} as {login}"
    models = xmlrpc.client.ServerProxy(f"{url}/xmlrpc/2/object", allow_none=True)

    class Client:
        version = common.version()

        def call(self, model, method, *args, **kwargs):
            return models.execute_kw(
                db, uid, password, model, method, list(args), kwargs
            )

    Client.uid = uid
    return Client()
