"""The shop's data generator: deterministic, the documented sizes, no secondary indexes, cached builds."""

from __future__ import annotations

import sqlite3
from pathlib import Path

from shop.generator import GENERATOR_VERSION, TABLES, content_hash, ensure_database, generate


def test_same_seed_gives_the_same_content(tmp_path: Path) -> None:
    first, second, other = tmp_path / "a.db", tmp_path / "b.db", tmp_path / "c.db"
    generate(first, scale=0.01)
    generate(second, scale=0.01)
    generate(other, scale=0.01, seed=1)
    assert content_hash(first) == content_hash(second)
    assert content_hash(first) != content_hash(other)


def test_sizes_scale_and_only_primary_keys_exist(tmp_path: Path) -> None:
    counts = generate(tmp_path / "shop.db", scale=0.01)
    assert counts["customers"] == 500
    assert counts["products"] == 50
    assert counts["orders"] == 2_000
    assert 2_000 < counts["order_items"] < 4_000
    with sqlite3.connect(tmp_path / "shop.db") as conn:
        indexes = conn.execute(
            "SELECT name FROM sqlite_master WHERE type = 'index' AND tbl_name IN (?, ?, ?, ?)", TABLES
        ).fetchall()
        orphans = conn.execute(
            "SELECT count(*) FROM order_items WHERE order_id NOT IN (SELECT id FROM orders)"
        ).fetchone()[0]
        stats = conn.execute("SELECT count(*) FROM sqlite_stat1").fetchone()[0]
    assert indexes == []
    assert orphans == 0
    assert stats > 0  # ANALYZE ran


def test_ensure_database_reuses_a_current_build_and_rebuilds_a_stale_one(tmp_path: Path) -> None:
    path = tmp_path / "shop.db"
    ensure_database(path, scale=0.01)
    built = path.stat().st_ino, path.stat().st_mtime_ns
    ensure_database(path, scale=0.01)
    assert (path.stat().st_ino, path.stat().st_mtime_ns) == built

    with sqlite3.connect(path) as conn:
        stale = str(GENERATOR_VERSION - 1)
        conn.execute("UPDATE shop_meta SET value = ? WHERE key = 'generator_version'", (stale,))
    ensure_database(path, scale=0.01)
    with sqlite3.connect(path) as conn:
        version = conn.execute("SELECT value FROM shop_meta WHERE key = 'generator_version'").fetchone()[0]
    assert version == str(GENERATOR_VERSION)
    assert not list(tmp_path.glob("*.building-*"))
