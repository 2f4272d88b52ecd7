"""Fixtures for the shop example: its package on sys.path, a small generated database, a served app."""

from __future__ import annotations

import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

SHOP = Path(__file__).resolve().parents[2] / "examples" / "shop"
sys.path.insert(0, str(SHOP))

from shop.generator import generate  # noqa: E402


@pytest.fixture(scope="session")
def small_db(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A shop database at 1 % scale (500 customers, 2,000 orders); built once per session."""
    path = tmp_path_factory.mktemp("shop") / "shop.db"
    generate(path, scale=0.01)
    return path


@pytest.fixture
def shop_paths(tmp_path: Path) -> Iterator[dict[str, Path]]:
    """Fresh query-log and access-log paths for one test."""
    yield {"query_log": tmp_path / "queries.jsonl", "access_log": tmp_path / "access.log"}
