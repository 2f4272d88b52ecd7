"""Caching headers from a JSON access-log record, under the names nginx's variables give them.

Keys are read without regard to case: `cache_control`, `sent_http_cache_control` or
`upstream_http_cache_control` (and the same for expires, etag, last_modified, vary, set_cookie);
`authorization` / `http_authorization` and `cookie` / `http_cookie` for the request. nginx writes an
unset variable as "" (escape=json) or "-". Set-Cookie, Authorization and Cookie are secrets: only
whether they were there is kept, never their value. A record with none of these keys has no headers
(None): the log does not say, which is not the same as "no header".
"""

from __future__ import annotations

from typing import Any

from perfpilot.evidence.models import HttpCacheHeaders

_PREFIXES = ("", "sent_http_", "upstream_http_")
_TEXT_FIELDS = ("cache_control", "expires", "etag", "last_modified", "vary")
_PRESENCE = {
    "set_cookie": tuple(f"{p}set_cookie" for p in _PREFIXES),
    "authorization": ("authorization", "http_authorization"),
    "cookie": ("cookie", "http_cookie"),
}
_ABSENT = ("", "-")


def _lookup(record: dict[str, Any], names: tuple[str, ...]) -> tuple[bool, Any]:
    """(whether any of the keys is there, the first non-empty value) under case-insensitive keys."""
    lowered = {str(k).lower(): v for k, v in record.items()}
    found, value = False, None
    for name in names:
        if name in lowered:
            found = True
            raw = lowered[name]
            if raw is not None and str(raw).strip() not in _ABSENT:
                return True, raw
    return found, value


def _present(raw: Any) -> bool:
    """A presence flag: a logged value, or nginx `map` output such as 1/0 or true/false."""
    text = str(raw).strip().lower()
    return text not in ("0", "false", "no")


def cache_headers(record: dict[str, Any]) -> HttpCacheHeaders | None:
    """The caching facts the record carries, or None when it carries none of the keys."""
    values: dict[str, Any] = {}
    seen = False
    for field in _TEXT_FIELDS:
        found, raw = _lookup(record, tuple(f"{p}{field}" for p in _PREFIXES))
        seen = seen or found
        if raw is not None:
            values[field] = str(raw).strip()
    for field, names in _PRESENCE.items():
        found, raw = _lookup(record, names)
        seen = seen or found
        if found:
            values[field] = raw is not None and _present(raw)
    return HttpCacheHeaders(**values) if seen else None
