"""Path templates: the query dropped, numeric, UUID and long hex segments collapsed to {id}."""

from __future__ import annotations

import re
from posixpath import splitext

_ID = re.compile(
    r"^(?:\d+|[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}|[0-9a-fA-F]{24,})$"
)


def path_only(path: str) -> str:
    """The path without query string or fragment."""
    return path.split("?", 1)[0].split("#", 1)[0] or "/"


def template_of(path: str) -> str:
    """/orders/42/items?x=1 -> /orders/{id}/items; /u/3f2a...-uuid -> /u/{id}."""
    segments = path_only(path).split("/")
    return "/".join("{id}" if _ID.match(s) else s for s in segments) or "/"


def extension_of(path: str) -> str:
    """Lower-case file extension of the last segment ('' when none)."""
    return splitext(path_only(path).rsplit("/", 1)[-1])[1].lower()


def is_personal(template: str, personal_segments: frozenset[str]) -> bool:
    """Whether any segment marks per-user data."""
    return any(s.lower() in personal_segments for s in template.split("/"))
