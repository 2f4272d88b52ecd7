"""examples/shop/target.yaml: valid, consistent with itself, and its ids and terms exist in the data."""

from __future__ import annotations

import re
import sqlite3
from pathlib import Path

import pytest
from shop.generator import ensure_database

from perfpilot.evidence.access_log import load_access_log
from perfpilot.evidence.dockerfile import load_dockerfile
from perfpilot.evidence.inventory import load_inventory
from perfpilot.skills.database_optimization.api import parse_dsn
from perfpilot.target import load_target
from perfpilot.workload.events import ParseStats
from perfpilot.workload.ingest import iter_events

SHOP = Path(__file__).resolve().parents[2] / "examples" / "shop"
TARGET = SHOP / "target.yaml"


def test_target_validates_and_names_its_endpoints_consistently() -> None:
    target = load_target(TARGET)
    http = target.evidence.http
    assert http is not None and target.evidence.service is not None
    names = [e.name for e in http.endpoints]
    assert set(target.slos.endpoints) == set(names)
    for endpoint in http.endpoints:
        assert set(re.findall(r"\$\{(\w+)\}", endpoint.path)) == set(endpoint.params), endpoint.name
    assert "{db}" in target.evidence.service.command
    assert target.evidence.database is not None and target.evidence.database.dsn is not None
    dsn = parse_dsn(target.evidence.database.dsn)
    assert dsn.dialect == "sqlite" and dsn.path is not None
    assert target.root / dsn.path == SHOP / "data" / "shop.db"


def test_recorded_evidence_parses_with_perfpilots_loaders() -> None:
    target = load_target(TARGET)
    (workload,) = target.evidence.workload
    assert workload.path is not None and workload.path.stat().st_size < 2_000_000
    stats = ParseStats(source=str(workload.path))
    events = list(iter_events(workload.path, workload.format, stats))
    assert len(events) > 100 and stats.unparsed_lines == 0
    entries = load_access_log(target.evidence.access_logs[0])
    assert len(entries) > 100 and all(e.duration_ms is not None for e in entries)
    assert target.evidence.infrastructure is not None and target.evidence.infrastructure.inventory is not None
    assert load_inventory(target.evidence.infrastructure.inventory)
    assert load_dockerfile(target.evidence.containers[0]).instructions


@pytest.mark.slow
def test_request_parameters_exist_in_the_full_database() -> None:
    http = load_target(TARGET).evidence.http
    assert http is not None
    params = {e.name: e.params for e in http.endpoints}
    db = ensure_database(SHOP / "data" / "shop.db")  # built once (about 5 s), then reused
    with sqlite3.connect(f"file:{db}?mode=ro", uri=True) as conn:
        for pid in params["product"]["product_id"]:
            assert conn.execute("SELECT 1 FROM products WHERE id = ?", (int(pid),)).fetchone(), pid
        for cid in params["customer_orders_with_items"]["customer_id"]:
            orders = conn.execute("SELECT count(*) FROM orders WHERE customer_id = ?", (int(cid),)).fetchone()
            assert orders[0] >= 3, cid
        for term in params["product_search"]["term"]:
            assert conn.execute("SELECT 1 FROM products WHERE name LIKE ?", (f"%{term}%",)).fetchone(), term
        for status in params["orders_by_status"]["status"]:
            assert conn.execute("SELECT 1 FROM orders WHERE status = ?", (status,)).fetchone(), status
