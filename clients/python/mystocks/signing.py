"""HMAC-SHA256 request signatures for API keys (docs/security.md, "API keys and request signing").

The canonical request is six lines joined by "\\n": METHOD, the path as sent, the canonical
query, X-Timestamp, X-Nonce and the hex SHA-256 of the body. The server rebuilds the same text
from what it received, so the query must be canonicalised from the URL actually sent (after
requests has encoded it), never from the caller's parameter dict.
Pure functions: safe from any thread.
"""
import hashlib
import hmac
import secrets
import time
import urllib.parse

# RFC 3986 unreserved characters stay as they are; everything else is %XX in upper-case hex.
_UNRESERVED = "-._~"


def canonical_query(query):
    """Decodes the query, re-encodes each name and value, sorts by name then value, joins with &."""
    encode = lambda text: urllib.parse.quote(text, safe=_UNRESERVED)  # noqa: E731
    pairs = sorted((encode(name), encode(value))
                   for name, value in urllib.parse.parse_qsl(query, keep_blank_values=True))
    return "&".join(f"{name}={value}" for name, value in pairs)


def canonical_request(method, path, query, timestamp_ms, nonce, body):
    """The text the signature covers; body is bytes (b"" when there is none)."""
    return "\n".join([method.upper(), path, canonical_query(query), str(timestamp_ms), nonce,
                      hashlib.sha256(body).hexdigest()])


def sign(secret, method, url, body=b"", *, timestamp_ms=None, nonce=None):
    """Headers X-Timestamp, X-Nonce and X-Signature for one request to url (the full URL sent)."""
    parts = urllib.parse.urlsplit(url)
    timestamp_ms = int(time.time() * 1000) if timestamp_ms is None else timestamp_ms
    # 22 characters of A-Z a-z 0-9 _ -: inside the server's 8-128 and never reused in practice.
    nonce = secrets.token_urlsafe(16) if nonce is None else nonce
    text = canonical_request(method, parts.path, parts.query, timestamp_ms, nonce, body or b"")
    signature = hmac.new(secret.encode(), text.encode(), hashlib.sha256).hexdigest()
    return {"X-Timestamp": str(timestamp_ms), "X-Nonce": nonce, "X-Signature": signature}
