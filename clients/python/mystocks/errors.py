"""MyStocksError: one exception for every refused request, carrying the server's envelope.

The server answers failures with {success: false, code, message, errors[{field, code, message}],
request_id} (docs/error-codes.md). The numeric code decides what a caller may do next, so the
exception exposes it together with its stable name and retry meaning. Plain values, never
changed after construction: safe to pass between threads.
"""

# Stable names and retry meanings of src/core/error_code.h (numbers are never reused).
# retry: "never" = fix the request, "call" = retry the same call after a pause,
# "higher" = restart the whole operation.
ERROR_CODES = {
    1000: ("INVALID_ARGUMENT", "never"), 1001: ("INVALID_SYMBOL", "never"),
    1002: ("INVALID_TIMESTAMP", "never"), 1003: ("INVALID_DECIMAL", "never"),
    1004: ("INVALID_CONFIG", "never"), 1005: ("MALFORMED_REQUEST", "never"),
    1006: ("PAYLOAD_TOO_LARGE", "never"), 1007: ("OUT_OF_RANGE", "never"),
    1008: ("SCHEMA_MISMATCH", "never"), 2000: ("NOT_FOUND", "never"),
    2001: ("ROUTE_NOT_FOUND", "never"), 2002: ("METHOD_NOT_ALLOWED", "never"),
    2003: ("ALREADY_EXISTS", "never"), 3000: ("UNAUTHENTICATED", "never"),
    3001: ("PERMISSION_DENIED", "never"), 4000: ("FAILED_PRECONDITION", "never"),
    4001: ("ABORTED", "higher"), 4002: ("RESOURCE_EXHAUSTED", "call"),
    4003: ("RATE_LIMIT_EXCEEDED", "call"), 4004: ("UNSUPPORTED", "never"),
    5000: ("INTERNAL", "never"), 5001: ("UNAVAILABLE", "call"),
    5002: ("DEADLINE_EXCEEDED", "call"), 5003: ("DATA_LOSS", "never"),
    5004: ("CANCELLED", "never"), 5005: ("IO_ERROR", "call"),
}


class FieldError:
    """One entry of the envelope's errors[]: which field, which code name, and why."""

    __slots__ = ("field", "code", "message")

    def __init__(self, field, code, message):
        self.field, self.code, self.message = field, code, message

    def __repr__(self):
        return f"FieldError(field={self.field!r}, code={self.code!r}, message={self.message!r})"


class MyStocksError(Exception):
    """A request the server refused, or an answer that was not a MyStocks envelope.

    Attributes:
        status: the HTTP status (None for realtime errors).
        code: the envelope's numeric code (1001, 3000, ...), or None when the body was no envelope.
        name: the code's stable name ("INVALID_SYMBOL", "UNAUTHENTICATED", ...), or None.
        message: the server's message.
        errors: list of FieldError naming the offending fields.
        request_id: the server's request id (X-Request-ID), to find the request in its log.
        retry_after: seconds from the Retry-After header (429, 503), or None.
    """

    def __init__(self, message, *, status=None, code=None, name=None, errors=(), request_id=None,
                 retry_after=None):
        self.status = status
        self.code = code
        self.name = name if name is not None else ERROR_CODES.get(code, (None, None))[0]
        self.message = message
        self.errors = list(errors)
        self.request_id = request_id
        self.retry_after = retry_after
        super().__init__(self._describe())

    @property
    def retry(self):
        """"never", "call" or "higher" (docs/error-codes.md), or None for an unknown code."""
        return ERROR_CODES.get(self.code, (None, None))[1]

    def _describe(self):
        text = f"{self.name or self.code or self.status}: {self.message}"
        for error in self.errors:
            text += f"\n  {error.field}: {error.message}"
        if self.request_id:
            text += f"\n  (request id {self.request_id})"
        return text

    @classmethod
    def from_envelope(cls, envelope, status, headers):
        """Builds the error from a parsed failure envelope and the response headers."""
        errors = [FieldError(item.get("field"), item.get("code"), item.get("message"))
                  for item in envelope.get("errors") or () if isinstance(item, dict)]
        retry_after = headers.get("Retry-After")
        return cls(envelope.get("message") or f"HTTP {status}", status=status,
                   code=envelope.get("code"), errors=errors,
                   request_id=envelope.get("request_id") or headers.get("X-Request-ID"),
                   retry_after=float(retry_after) if retry_after and retry_after.isdigit() else None)
