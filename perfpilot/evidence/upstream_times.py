"""nginx's upstream timings in an access-log line: $upstream_connect_time, _header_time, _response_time.

nginx logs each in seconds with millisecond resolution; a request passed to several upstream servers
(proxy_next_upstream) logs one value per server separated by ", ", and one passed on by an internal
redirect separates the groups with " : "; "-" is a server that was never reached (or no upstream at all).
A request's time is the sum of its parts; None when nothing was reached.

Two spellings are read: the key=value tail of a text log format, short (`uct=`, `uht=`, `urt=`, as in
NGINX's `upstream_time` log format) or long (`upstream_connect_time=`), quoted or not; and the keys of a
JSON log (`upstream_connect_time`, ... as strings or numbers).
"""

from __future__ import annotations

import re
from typing import Any

FIELDS = {
    "connect": ("uct", "upstream_connect_time"),
    "header": ("uht", "upstream_header_time"),
    "response": ("urt", "upstream_response_time"),
}
_VALUE = r'(?:"([^"]*)"|(-|\d[\d.]*(?:\s*[,:]\s*(?:-|\d[\d.]*))*))'
_NAMED = {
    part: re.compile(r"(?:^|\s)(?:" + "|".join(names) + r")=" + _VALUE) for part, names in FIELDS.items()
}
_SEPARATORS = re.compile(r"\s*[,:]\s*")


def seconds_to_ms(text: str) -> float | None:
    """'0.004, 1.012 : 0.003' -> 1019.0; '-' or '' -> None; malformed parts raise ValueError."""
    parts = [p for p in _SEPARATORS.split(text.strip()) if p and p != "-"]
    if not parts:
        return None
    return round(sum(float(p) for p in parts) * 1000, 3)


def from_text(rest: str) -> dict[str, float | None]:
    """The upstream timings named in the tail of a text log line (after the combined fields)."""
    found: dict[str, float | None] = {}
    for part, pattern in _NAMED.items():
        match = pattern.search(rest)
        if match is not None:
            found[part] = seconds_to_ms(match.group(1) if match.group(1) is not None else match.group(2))
    return found


def from_record(record: dict[str, Any]) -> dict[str, float | None]:
    """The upstream timings of a JSON log record (values in seconds, as nginx writes them)."""
    found: dict[str, float | None] = {}
    for part, (_, key) in FIELDS.items():
        value = record.get(key)
        if value is None or isinstance(value, bool):
            continue
        found[part] = float(value) * 1000 if isinstance(value, int | float) else seconds_to_ms(str(value))
    return found
