"""How the client proves who it is: bearer tokens (with refresh) or a signed API key.

Each credential is a requests auth object: it decorates a prepared request just before it is
sent. BearerAuth renews its access token with the refresh token shortly before the token
expires and again when the server still answers 401 "token expired"; ApiKeyAuth signs every
request. Both are safe to share between threads: BearerAuth lets one thread at a time renew, and
makes the refresh request without holding its lock.
"""
import base64
import json
import threading
import time

import requests

from .signing import sign

# Renew this long before the token's exp (at most a quarter of its lifetime, so short-lived
# tokens are not renewed at every request), so a request in flight does not arrive expired.
_RENEW_MARGIN_SECONDS = 30


def token_expiry(token):
    """The exp claim (epoch seconds) of a JWT, or None when the token carries none."""
    return _claims(token).get("exp")


def renew_at(token):
    """When (epoch seconds) to renew the token, or None when it says nothing of its expiry."""
    claims = _claims(token)
    if "exp" not in claims:
        return None
    lifetime = claims["exp"] - claims.get("iat", claims["exp"] - 4 * _RENEW_MARGIN_SECONDS)
    return claims["exp"] - min(_RENEW_MARGIN_SECONDS, lifetime / 4)


def _claims(token):
    try:
        payload = token.split(".")[1]
        claims = json.loads(base64.urlsafe_b64decode(payload + "=" * (-len(payload) % 4)))
        return {name: float(claims[name]) for name in ("iat", "exp") if name in claims}
    except (IndexError, TypeError, ValueError, AttributeError):
        return {}


class BearerAuth(requests.auth.AuthBase):
    """Authorization: Bearer <access token>; renews through `renew(refresh_token)` when it can.

    renew is a function taking the refresh token and answering the login payload
    {access_token, refresh_token, ...}; None when only an access token was given.
    """

    def __init__(self, access_token, refresh_token=None, renew=None):
        self._changed = threading.Condition()
        self._access = access_token
        self._refresh = refresh_token
        self._renew = renew
        self._renewing = False

    @property
    def access_token(self):
        """The current access token, renewed first when it is about to expire."""
        with self._changed:
            access = self._access
        renewal = renew_at(access)
        if renewal is not None and time.time() >= renewal:
            self.renew(access)
            with self._changed:
                access = self._access
        return access

    @property
    def can_renew(self):
        return self._renew is not None and self._refresh is not None

    def renew(self, stale_access):
        """Trades the refresh token for a new pair unless another thread already did.

        stale_access is the token the caller saw fail or expire. A refresh token is single-use
        (the server revokes the whole session when one is presented twice), so only the first
        thread to notice renews; the others wait for its answer. The refresh request is made
        without holding the lock. Answers whether a newer token is now in place.
        """
        with self._changed:
            while self._renewing:
                self._changed.wait()
            if self._access != stale_access:
                return True
            if not self.can_renew:
                return False
            self._renewing = True
            refresh = self._refresh
        tokens = None
        try:
            tokens = self._renew(refresh)
        finally:
            with self._changed:
                if tokens is not None:
                    self._access, self._refresh = tokens["access_token"], tokens["refresh_token"]
                self._renewing = False
                self._changed.notify_all()
        return True

    def __call__(self, request):
        request.headers["Authorization"] = f"Bearer {self.access_token}"
        return request


class ApiKeyAuth(requests.auth.AuthBase):
    """X-API-Key plus the HMAC-SHA256 signature headers of signing.sign, on every request."""

    def __init__(self, key_id, secret):
        self.key_id = key_id
        self._secret = secret

    def __call__(self, request):
        body = request.body or b""
        if isinstance(body, str):
            body = body.encode()
        request.headers["X-API-Key"] = self.key_id
        request.headers.update(sign(self._secret, request.method, request.url, body))
        return request
