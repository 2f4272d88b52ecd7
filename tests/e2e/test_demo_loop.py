"""The closed loop in its quick form: live shop service, real k6, sandboxed apply, measured validation."""

from __future__ import annotations

import hashlib
import json
import socket
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

ROOT = Path(__file__).resolve().parents[2]
SHOP_DB = ROOT / "examples" / "shop" / "data" / "shop.db"
INDEXED_ENDPOINTS = ("customer_orders", "customer_orders_with_items", "orders_by_status")


def _sha256(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def _port_free(port: int) -> bool:
    with socket.socket() as sock:
        return sock.connect_ex(("127.0.0.1", port)) != 0


@pytest.fixture(scope="module")
def demo(tmp_path_factory: pytest.TempPathFactory, k6_binary: str) -> dict[str, Any]:
    out = tmp_path_factory.mktemp("demo")
    subprocess.run(
        [sys.executable, "-c", "import perfpilot.cli.demo as d; d.build_data()"], check=True, timeout=300
    )
    before = _sha256(SHOP_DB)
    result = subprocess.run(
        [sys.executable, "-m", "perfpilot.cli.demo", "--quick", "--out", str(out)],
        capture_output=True,
        text=True,
        timeout=600,
    )
    assert result.returncode == 0, result.stderr[-3000:]
    report: dict[str, Any] = json.loads((out / "report.json").read_text())
    report["_db_unchanged"] = _sha256(SHOP_DB) == before
    report["_out"], report["_stdout"] = out, result.stdout
    return report


def test_the_original_database_is_byte_for_byte_unchanged(demo: dict[str, Any]) -> None:
    assert demo["_db_unchanged"]


def test_the_service_is_stopped_afterwards(demo: dict[str, Any]) -> None:
    assert _port_free(8765)


def test_indexes_were_applied_to_a_sandbox_copy_only(demo: dict[str, Any]) -> None:
    assert demo["decision_path"][:5] == ["profiling", "analysis", "optimization", "apply", "validation"]
    indexes = [a for a in demo["applied"] if "service toggle" not in a]
    assert indexes and all("sandbox copy" in a for a in indexes)
    sandboxes = {a.split("sandbox copy ", 1)[1].rstrip(")") for a in indexes}
    assert sandboxes and not any(Path(p).exists() for p in sandboxes)  # removed at the end of the run
    applied_ids = {a.split(" ")[0] for a in indexes}
    applied = [c for c in demo["plan"]["changes"] if c["id"] in applied_ids]
    assert applied and all(c["kind"] == "ddl" and c["content"].startswith("CREATE INDEX") for c in applied)


def test_the_declared_service_toggle_fixes_the_hot_function_measured(demo: dict[str, Any]) -> None:
    live = demo["inventory"]["live_profile"]
    if live["status"] != "recorded":  # no profile, no finding naming _shingles: nothing enables the toggle
        pytest.skip(live["reason"])
    [toggle] = [c for c in demo["plan"]["changes"] if c.get("toggle") == "cache-related"]
    assert toggle["auto_applicable"] and toggle["kind"] == "config"
    assert (
        f"{toggle['id']} (service toggle cache-related: --cache-related, on the service perfpilot started)"
        in (demo["applied"])
    )
    validation = demo["validation"]
    [shingles] = [h for h in validation["hot_functions"] if h["function"] == "_shingles"]
    assert shingles["status"] == "measured", shingles["reason"]
    assert shingles["after_share"] < shingles["before_share"] / 2, shingles
    related = {e["name"]: e for e in validation["endpoints"]}["related_products"]
    assert related["p95_ms_after"] < related["p95_ms_before"] / 2, related
    assert (demo["_out"] / validation["after_profile"]["flame_graph"]).read_text().startswith("<svg")


def test_measured_improvement_on_the_indexed_endpoints(demo: dict[str, Any]) -> None:
    validation = demo["validation"]
    assert validation["method"] == "measured"
    assert validation["noise_floor_pct"] is not None
    rows = {e["name"]: e for e in validation["endpoints"]}
    for name in INDEXED_ENDPOINTS:
        row = rows[name]
        assert row["p95_ms_after"] < row["p95_ms_before"] / 2, row
    assert 0 <= validation["targets_met_share"] <= 1


def test_code_changes_are_recommended_not_applied(demo: dict[str, Any]) -> None:
    findings = demo["root_cause"]["findings"]
    kinds = {f["kind"] for f in findings}
    assert "n_plus_one" in kinds
    applied_ids = {a.split(" ")[0] for a in demo["applied"]}
    patches = [c for c in demo["plan"]["changes"] if c["kind"] == "patch"]  # a toggle is config, not code
    assert patches and not any(c["id"] in applied_ids for c in patches)


def test_the_demo_prints_where_its_page_is_and_no_report_holds_a_machine_path(demo: dict[str, Any]) -> None:
    out: Path = demo["_out"]
    assert f"open {(out / 'report.html').resolve()} in a browser" in demo["_stdout"]
    for name in ("report.json", "report.md", "report.html", "report.sarif"):
        text = (out / name).read_text(encoding="utf-8")
        assert str(out) not in text and str(ROOT) not in text, name


def test_the_measured_page_loads_offline_in_chromium(demo: dict[str, Any], chromium_binary: str) -> None:
    from tests.reports.chromium import Browser

    browser = Browser(chromium_binary)
    try:
        loaded = browser.load(
            demo["_out"] / "report.html",
            {
                "basis": "document.querySelector('#verdict .basis').textContent",
                "charts": "document.querySelectorAll('svg.latency').length",
                "hatched": "document.querySelectorAll('rect.bar[style*=hatch]').length",
                "plan": "document.querySelectorAll('ol.plan > li').length",
            },
        )
    finally:
        browser.close()
    (demo["_out"] / "report.png").write_bytes(loaded.screenshot)
    assert loaded.requests == [] and loaded.errors == []
    assert loaded.probes["basis"] == "measured"
    assert loaded.probes["charts"] == len(demo["inventory"]["baseline"]["endpoints"]) + 1
    assert loaded.probes["hatched"] == 0  # a measured after-state is drawn solid
    assert loaded.probes["plan"] == len(demo["plan"]["changes"])


def test_the_report_links_a_flame_graph_and_names_the_hot_python_function(demo: dict[str, Any]) -> None:
    live = demo["inventory"]["live_profile"]
    if live["status"] != "recorded":  # e.g. ptrace not permitted on this machine: the report says why
        assert live["reason"].startswith("py-spy could not attach")
        pytest.skip(live["reason"])
    out = demo["_out"]
    assert (out / live["flame_graph"]).read_text().startswith("<svg")
    assert f"[flame graph (SVG)]({live['flame_graph']})" in (out / "report.md").read_text()
    assert f'href="{live["flame_graph"]}"' in (out / "report.html").read_text()
    related = [
        f
        for f in demo["root_cause"]["findings"]
        if f["skill"] == "application-profiler" and "(shop/related.py:" in f["subject"]
    ]
    assert related, [f["title"] for f in demo["root_cause"]["findings"]]
    assert related[0]["title"].endswith("of profiled CPU")
