"""The demo's target: port and database chosen by argument > environment > default, the rest unchanged."""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml

from perfpilot.cli.demo import _arguments
from perfpilot.cli.demo_target import DEFAULT_PG_DSN, demo_target, write_demo_target

TARGET = Path(__file__).resolve().parents[2] / "examples" / "shop" / "target.yaml"


def test_sqlite_on_the_default_port_by_default(monkeypatch: pytest.MonkeyPatch) -> None:
    for name in ("PERFPILOT_DEMO_DB", "PERFPILOT_DEMO_PORT", "PERFPILOT_DEMO_PG_DSN"):
        monkeypatch.delenv(name, raising=False)
    args = _arguments([])
    assert (args.db, args.port, args.dsn) == ("sqlite", 8765, None)


def test_an_argument_beats_the_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("PERFPILOT_DEMO_DB", "postgres")
    monkeypatch.setenv("PERFPILOT_DEMO_PORT", "18701")
    monkeypatch.delenv("PERFPILOT_DEMO_PG_DSN", raising=False)
    assert (_arguments([]).db, _arguments([]).port, _arguments([]).dsn) == ("postgres", 18701, DEFAULT_PG_DSN)
    args = _arguments(["--db", "sqlite", "--port", "18702"])
    assert (args.db, args.port, args.dsn) == ("sqlite", 18702, None)


def test_the_postgres_target_moves_port_and_database_only() -> None:
    original = yaml.safe_load(TARGET.read_text())
    spec = demo_target(TARGET, port=18703, pg_dsn="postgresql://u@127.0.0.1:5432/shop")
    evidence = spec["evidence"]
    assert evidence["http"]["base_url"] == "http://127.0.0.1:18703"
    assert evidence["metrics"] == [{"url": "http://127.0.0.1:18703/metrics"}]
    assert evidence["database"] == {"dsn": "postgresql://u@127.0.0.1:5432/shop", "dialect": "postgres"}
    assert {w["dialect"] for w in evidence["workload"]} == {"postgres"}
    assert "127.0.0.1:18703" in spec["architecture"] and "PostgreSQL 15 database" in spec["architecture"]
    assert evidence["http"]["endpoints"] == original["evidence"]["http"]["endpoints"]
    assert spec["slos"] == original["slos"] and evidence["service"] == original["evidence"]["service"]


def test_the_written_target_loads_beside_the_original() -> None:
    from perfpilot.target import load_target

    path = write_demo_target(TARGET, port=18704, pg_dsn=None)
    try:
        spec = load_target(path)
    finally:
        path.unlink()
    assert spec.evidence.http is not None and spec.evidence.http.base_url == "http://127.0.0.1:18704"
    assert spec.evidence.database is not None and spec.evidence.database.dsn is not None
    assert spec.evidence.database.dsn.endswith("examples/shop/data/shop.db")
