"""One HTTP exchange with the server: parameters in, the envelope's data (or a MyStocksError) out.

Answers are parsed with decimal.Decimal for every JSON number that has a fraction or exponent,
so prices and amounts arrive exactly as the server printed them ("1850.01" stays 1850.01, never
1850.0099999999998). A 401 on a bearer token that can be renewed is retried once with the new
token. A Transport may be used from several threads: requests.Session is shared read-only after
construction and the credentials guard themselves (auth.py).
"""
import decimal
import json

import requests

from .auth import BearerAuth
from .errors import MyStocksError

DEFAULT_TIMEOUT_SECONDS = 30


def parse_json(text):
    """JSON with exact decimals: fractional numbers become decimal.Decimal, integers int."""
    return json.loads(text, parse_float=decimal.Decimal)


def _query_value(value):
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, (list, tuple)):
        return ",".join(str(item) for item in value)
    return str(value)


def _json_ready(value):
    """Request bodies: Decimals go out as decimal strings, which the server accepts exactly."""
    if isinstance(value, decimal.Decimal):
        return str(value)
    if isinstance(value, dict):
        return {key: _json_ready(item) for key, item in value.items()}
    if isinstance(value, (list, tuple)):
        return [_json_ready(item) for item in value]
    return value


class Envelope:
    """A successful answer: data, pagination (lists only) and the request id."""

    __slots__ = ("data", "pagination", "request_id")

    def __init__(self, data, pagination, request_id):
        self.data, self.pagination, self.request_id = data, pagination, request_id


class Transport:
    def __init__(self, base_url, auth=None, timeout=DEFAULT_TIMEOUT_SECONDS, session=None):
        self.base_url = base_url.rstrip("/")
        self.auth = auth
        self.timeout = timeout
        self.session = session or requests.Session()

    def call(self, method, path, params=None, body=None, authenticate=True):
        """Sends one request and answers its Envelope; raises MyStocksError on any refusal."""
        query = {name: _query_value(value) for name, value in (params or {}).items()
                 if value is not None}
        data = None
        headers = {"Accept": "application/json"}
        if body is not None:
            data = json.dumps(_json_ready(body), separators=(",", ":")).encode()
            headers["Content-Type"] = "application/json"
        auth = self.auth if authenticate else None
        stale = auth.access_token if isinstance(auth, BearerAuth) else None
        response = self._send(method, path, query, data, headers, auth)
        if response.status_code == 401 and stale is not None and auth.renew(stale):
            response = self._send(method, path, query, data, headers, auth)
        return self._envelope(response)

    def _send(self, method, path, query, data, headers, auth):
        return self.session.request(method, self.base_url + path, params=query, data=data,
                                    headers=headers, auth=auth, timeout=self.timeout)

    @staticmethod
    def _envelope(response):
        try:
            envelope = parse_json(response.text)
        except ValueError:
            envelope = None
        if not isinstance(envelope, dict) or "success" not in envelope:
            raise MyStocksError(
                f"{response.request.method} {response.url} answered HTTP {response.status_code} "
                f"without a MyStocks envelope: {response.text[:200]!r}",
                status=response.status_code, request_id=response.headers.get("X-Request-ID"))
        if not envelope["success"] or response.status_code >= 400:
            raise MyStocksError.from_envelope(envelope, response.status_code, response.headers)
        return Envelope(envelope.get("data"), envelope.get("pagination"),
                        envelope.get("request_id"))
