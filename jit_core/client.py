"""A small client for Odoo's external API (XML-RPC or JSON-RPC over requests).

    client = OdooClient(url, db, login, api_key)   # an API key or a password
    client.call("res.partner", "search_read", [("is_company", "=", True)])
    client.rule_status()

Calls time out (`timeout` seconds); a call whose connection could not be
opened is retried (`retries` times, with a growing pause); nothing else is
retried: a connection dropped during a call may have been applied, so it is
reported, not repeated. Errors are OdooError subclasses with a clear message.
"""

from __future__ import annotations

import itertools
import time
import xmlrpc.client
from typing import Any

import requests

RPC_ACCESS_DENIED = 3  # faultCode of /xmlrpc/2 (odoo.addons.base.controllers.rpc)
RPC_ACCESS_ERROR = 4
RPC_WARNING = 2
OPEN_RFQ_STATES = ("draft", "sent", "to approve")


class OdooError(Exception):
    """Any failure talking to Odoo."""


class OdooConnectionError(OdooError):
    """Odoo could not be reached, or the connection dropped during a call."""


class OdooAuthenticationError(OdooError):
    """Wrong login, password / API key, or database."""


class OdooAccessError(OdooError):
    """The user may not do this (access rights, record rules)."""


class OdooValidationError(OdooError):
    """Odoo refused the data (a UserError / ValidationError), or it names
    something that does not exist (an unknown product or location)."""


class OdooServerError(OdooError):
    """Any other server-side error."""


def _not_connected(exc: requests.ConnectionError) -> bool:
    """Whether the connection was never opened (refused, no route, unknown
    host): only then is a retry safe."""
    from urllib3.exceptions import ConnectTimeoutError, NewConnectionError

    reason = exc.args[0] if exc.args else None
    reason = getattr(reason, "reason", reason)
    return isinstance(reason, NewConnectionError | ConnectTimeoutError)


def _classify(kind: str, message: str) -> OdooError:
    """The OdooError for an Odoo exception name (or XML-RPC fault code)."""
    first = message.strip().splitlines()[-1] if message.strip() else message
    if kind in ("AccessDenied", RPC_ACCESS_DENIED):
        return OdooAuthenticationError(f"access denied: {first}")
    if kind in ("AccessError", RPC_ACCESS_ERROR):
        return OdooAccessError(message.strip())
    if kind in ("UserError", "ValidationError", "MissingError", RPC_WARNING):
        return OdooValidationError(message.strip())
    if "does not exist" in message and "database" in message:
        return OdooAuthenticationError(first)
    return OdooServerError(first)


class OdooClient:
    """One user on one database of one Odoo server."""

    def __init__(
        self,
        url: str,
        db: str,
        login: str,
        secret: str,
        *,
        transport: str = "jsonrpc",
        timeout: float = 30.0,
        retries: int = 2,
        backoff: float = 0.5,
    ):
        if transport not in ("jsonrpc", "xmlrpc"):
            raise ValueError(
                f"transport must be 'jsonrpc' or 'xmlrpc', got {transport!r}"
            )
        if not url.startswith(("http://", "https://")):
            raise ValueError(f"url must start with http:// or https://, got {url!r}")
        self.url = url.rstrip("/")
        self.db, self.login, self._secret = db, login, secret
        self.transport, self.timeout = transport, timeout
        self.retries, self.backoff = retries, backoff
        self.session = requests.Session()
        self._ids = itertools.count(1)
        self._uid: int | None = None

    # -- transport ---------------------------------------------------------
    def _post(self, path: str, **kwargs) -> requests.Response:
        """POST, retrying only when the connection could not be opened."""
        for attempt in range(self.retries + 1):
            try:
                resp = self.session.post(
                    self.url + path, timeout=self.timeout, **kwargs
                )
                break
            except requests.ConnectTimeout as exc:
                error = exc
            except requests.ConnectionError as exc:
                if not _not_connected(exc):
                    raise OdooConnectionError(
                        f"the connection to {self.url} dropped during the call "
                        f"(it may or may not have been applied): {exc}"
                    ) from exc
                error = exc
            except requests.Timeout as exc:
                raise OdooConnectionError(
                    f"{self.url} did not answer within {self.timeout} s"
                ) from exc
            if attempt < self.retries:
                time.sleep(self.backoff * 2**attempt)
        else:
            raise OdooConnectionError(
                f"cannot connect to {self.url} ({self.retries + 1} attempts): {error}"
            ) from error
        if resp.status_code == 404:
            raise OdooConnectionError(
                f"{self.url}{path} not found (HTTP 404): is this an Odoo server?"
            )
        if resp.status_code >= 400 and resp.status_code != 500:
            raise OdooServerError(f"HTTP {resp.status_code} from {self.url}{path}")
        return resp

    def _rpc(self, service: str, method: str, *args) -> Any:
        if self.transport == "xmlrpc":
            body = xmlrpc.client.dumps(args, method, allow_none=True)
            resp = self._post(
                f"/xmlrpc/2/{service}",
                data=body.encode(),
                headers={"Content-Type": "text/xml"},
            )
            try:
                return xmlrpc.client.loads(resp.content, use_datetime=True)[0][0]
            except xmlrpc.client.Fault as fault:
                raise _classify(fault.faultCode, fault.faultString) from None
            except Exception as exc:  # not XML-RPC: a proxy's error page
                raise OdooServerError(
                    f"unexpected answer from {self.url} (HTTP {resp.status_code})"
                ) from exc
        payload = {
            "jsonrpc": "2.0",
            "method": "call",
            "id": next(self._ids),
            "params": {"service": service, "method": method, "args": list(args)},
        }
        resp = self._post("/jsonrpc", json=payload)
        try:
            body = resp.json()
        except ValueError as exc:
            raise OdooServerError(
                f"unexpected answer from {self.url} (HTTP {resp.status_code})"
            ) from exc
        if "error" in body:
            data = body["error"].get("data") or {}
            name = (data.get("name") or "").rsplit(".", 1)[-1]
            raise _classify(
                name, data.get("message") or body["error"].get("message", "")
            )
        return body.get("result")

    # -- session -----------------------------------------------------------
    def version(self) -> dict:
        return self._rpc("common", "version")

    def authenticate(self) -> int:
        """The user's id; OdooAuthenticationError when refused."""
        if self._uid is None:
            try:
                uid = self._rpc(
                    "common", "authenticate", self.db, self.login, self._secret, {}
                )
            except (OdooAuthenticationError, OdooServerError) as exc:
                if f'"{self.db}" does not exist' in str(exc):
                    raise OdooAuthenticationError(
                        f"database {self.db!r} does not exist on {self.url}"
                    ) from None
                raise
            if not uid:
                raise OdooAuthenticationError(
                    f"login refused for {self.login!r} on database {self.db!r}: "
                    "wrong login, password or API key"
                )
            self._uid = uid
        return self._uid

    def call(self, model: str, method: str, *args, **kwargs) -> Any:
        """execute_kw(model, method, args, kwargs) as the authenticated user."""
        uid = self.authenticate()
        return self._rpc(
            "object",
            "execute_kw",
            self.db,
            uid,
            self._secret,
            model,
            method,
            list(args),
            kwargs,
        )

    def search_read_all(
        self, model, domain, fields, *, page=500, order="id", progress=None
    ):
        """search_read in pages of `page` records (progress(done, total))."""
        total = self.call(model, "search_count", domain)
        rows: list[dict] = []
        while len(rows) < total:
            batch = self.call(
                model,
                "search_read",
                domain,
                fields=fields,
                offset=len(rows),
                limit=page,
                order=order,
            )
            if not batch:
                break
            rows.extend(batch)
            if progress:
                progress(len(rows), total)
        return rows
