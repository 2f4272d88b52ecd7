"""Related products, computed the slow way on purpose: every request re-tokenises and re-scores the whole
catalogue in Python (an application-layer problem for a profile to find, next to the database ones).

`--cache-related` (serve.py) is the fix a profile's finding calls for: tokenise the catalogue once and
remember each product's answer (the catalogue is read-only while the service runs)."""

from __future__ import annotations

import re
import threading
from collections.abc import Callable
from functools import lru_cache
from typing import Any

Row = dict[str, Any]
_WORD = re.compile(r"[a-z]+")
RELATED = 5


def _shingles(text: str) -> frozenset[str]:
    """The distinct words of a text: what two similar products share."""
    return frozenset(_WORD.findall(text.lower()))


def _similarity(one: frozenset[str], other: frozenset[str]) -> float:
    return len(one & other) / len(one | other) if one or other else 0.0


def _text(row: Row) -> str:
    return f"{row['name']} {row['category']} {row['description']}"


def score_related(
    product_id: int, catalogue: list[Row], shingles: Callable[[Row], frozenset[str]]
) -> list[Row]:
    """The RELATED products most similar to `product_id` (none when it does not exist)."""
    target = next((row for row in catalogue if row["id"] == product_id), None)
    if target is None:
        return []
    mine = shingles(target)
    scored = [(_similarity(mine, shingles(row)), row["id"]) for row in catalogue if row["id"] != product_id]
    scored.sort(reverse=True)
    by_id = {row["id"]: row for row in catalogue}
    return [
        {"id": pid, "name": by_id[pid]["name"], "score": round(score, 3)} for score, pid in scored[:RELATED]
    ]


class Related:
    """Related products over a catalogue read once; `cached` tokenises once and memoises answers."""

    def __init__(self, load_catalogue: Callable[[], list[Row]], *, cached: bool = False) -> None:
        self._load = load_catalogue
        self._catalogue: list[Row] | None = None
        self._lock = threading.Lock()
        self.cached = cached
        self._memo = lru_cache(maxsize=None)(self._compute_cached)
        self._shingles_by_id: dict[int, frozenset[str]] = {}

    def catalogue(self) -> list[Row]:
        with self._lock:
            if self._catalogue is None:
                self._catalogue = self._load()
                if self.cached:
                    self._shingles_by_id = {row["id"]: _shingles(_text(row)) for row in self._catalogue}
            return self._catalogue

    def _compute_cached(self, product_id: int) -> list[Row]:
        return score_related(product_id, self.catalogue(), lambda row: self._shingles_by_id[row["id"]])

    def related_products(self, product_id: int) -> list[Row]:
        if self.cached:
            return list(self._memo(product_id))
        return score_related(product_id, self.catalogue(), lambda row: _shingles(_text(row)))
