#!/usr/bin/env python3
"""Send a request signed with a MyStocks API key (docs/security.md, "Signing requests").

Usage: MYSTOCKS_API_KEY=... MYSTOCKS_API_SECRET=... sign_request.py METHOD URL [JSON_BODY]
Prints the HTTP status and the response body. Standard library only.
"""
import hashlib
import hmac
import os
import secrets
import sys
import time
import urllib.error
import urllib.parse
import urllib.request


def canonical_query(query):
    """Decoded parameters, re-encoded (RFC 3986 unreserved kept), sorted, joined with '&'."""
    encode = lambda text: urllib.parse.quote(text, safe="-._~")
    pairs = sorted((encode(name), encode(value))
                   for name, value in urllib.parse.parse_qsl(query, keep_blank_values=True))
    return "&".join(f"{name}={value}" for name, value in pairs)


def signature(secret, method, path, query, timestamp, nonce, body):
    canonical = "\n".join([method.upper(), path, canonical_query(query), str(timestamp), nonce,
                           hashlib.sha256(body).hexdigest()])
    return hmac.new(secret.encode(), canonical.encode(), hashlib.sha256).hexdigest()


def main():
    method, url = sys.argv[1].upper(), sys.argv[2]
    body = sys.argv[3].encode() if len(sys.argv) > 3 else b""
    parts = urllib.parse.urlsplit(url)
    timestamp, nonce = int(time.time() * 1000), secrets.token_urlsafe(16)
    headers = {
        "X-API-Key": os.environ["MYSTOCKS_API_KEY"],
        "X-Timestamp": str(timestamp),
        "X-Nonce": nonce,
        "X-Signature": signature(os.environ["MYSTOCKS_API_SECRET"], method, parts.path,
                                 parts.query, timestamp, nonce, body),
    }
    if body:
        headers["Content-Type"] = "application/json"
    request = urllib.request.Request(url, data=body or None, method=method, headers=headers)
    try:
        with urllib.request.urlopen(request) as response:
            print(response.status)
            print(response.read().decode())
    except urllib.error.HTTPError as refused:
        print(refused.code)
        print(refused.read().decode())


if __name__ == "__main__":
    main()
