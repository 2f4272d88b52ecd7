"""The shop's related products: recomputed per request on purpose; --cache-related gives the same answers."""

from __future__ import annotations

import sqlite3
from pathlib import Path
from typing import Any

from shop.related import RELATED, Related


def _catalogue(db: Path) -> list[dict[str, Any]]:
    with sqlite3.connect(db) as conn:
        conn.row_factory = sqlite3.Row
        return [dict(r) for r in conn.execute("SELECT id, name, description, category FROM products")]


def test_cached_related_products_equal_the_recomputed_ones(small_db: Path) -> None:
    loads: list[int] = []

    def load() -> list[dict[str, Any]]:
        loads.append(1)
        return _catalogue(small_db)

    slow, fast = Related(load), Related(load, cached=True)
    for product_id in (1, 7, 42):
        answer = slow.related_products(product_id)
        assert len(answer) == RELATED and all(r["id"] != product_id for r in answer)
        assert [r["score"] for r in answer] == sorted((r["score"] for r in answer), reverse=True)
        assert fast.related_products(product_id) == answer == fast.related_products(product_id)
    assert slow.related_products(10**9) == []
    assert len(loads) == 2  # the catalogue is read once per instance, not per request
