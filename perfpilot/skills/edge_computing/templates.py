"""Path templates: the query dropped, numeric, UUID and long hex segments collapsed to {id}, and, across
a log, any position where one parent has many distinct digit-bearing names (SKU-2684, ord_8f3k)."""

from __future__ import annotations

import re
from collections import defaultdict
from collections.abc import Iterable
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


ID_MIN_DISTINCT = 10
"""Distinct digit-bearing segments (no dot: file names keep their extension) at one position under one
parent from which that position holds identifiers (SKU-2684, INV-2024-0012, ord_8f3k) rather than a few
fixed names (v1, v2)."""
_DIGIT = re.compile(r"\d")


def _id_like(segment: str) -> bool:
    return bool(_DIGIT.search(segment)) and "." not in segment and segment != "{id}"


def templates_of(paths: Iterable[str]) -> dict[str, str]:
    """Each distinct path's template: template_of, then, position by position, the digit-bearing segments
    collapsed to {id} wherever one (already templated) parent has ID_MIN_DISTINCT or more of them."""
    split = {p: template_of(p).split("/") for p in set(paths)}
    for position in range(max((len(s) for s in split.values()), default=0)):
        names: dict[str, set[str]] = defaultdict(set)
        for segments in split.values():
            if position < len(segments) and _id_like(segments[position]):
                names["/".join(segments[:position])].add(segments[position])
        many = {parent for parent, seen in names.items() if len(seen) >= ID_MIN_DISTINCT}
        for segments in split.values():
            at = segments[position] if position < len(segments) else ""
            if _id_like(at) and "/".join(segments[:position]) in many:
                segments[position] = "{id}"
    return {p: "/".join(segments) or "/" for p, segments in split.items()}


def extension_of(path: str) -> str:
    """Lower-case file extension of the last segment ('' when none)."""
    return splitext(path_only(path).rsplit("/", 1)[-1])[1].lower()


def is_personal(template: str, personal_segments: frozenset[str]) -> bool:
    """Whether any segment marks per-user data."""
    return any(s.lower() in personal_segments for s in template.split("/"))
