"""benchmarks/demo_stability.py: the demo command it runs, what it reads from a report, the table."""

from __future__ import annotations

import json
import sys
from pathlib import Path

from benchmarks.demo_stability import (
    DemoRun,
    cpu_pressure_us,
    demo_command,
    markdown,
    read_report,
    start_background_load,
    stop_background_load,
    write_markdown,
)


def test_each_demo_runs_in_a_network_namespace_of_its_own_unless_told(tmp_path: Path) -> None:
    plain = [sys.executable, "-m", "perfpilot.cli.demo", "--out", str(tmp_path / "run-1")]
    assert demo_command(tmp_path / "run-1", namespace=False) == plain
    wrapped = demo_command(tmp_path / "run-1", namespace=True)
    assert wrapped[:4] == ["unshare", "-n", "sh", "-c"]
    demo = f"{sys.executable} -m perfpilot.cli.demo --out {tmp_path}/run-1"
    assert wrapped[4] == f"ip link set lo up && exec {demo}"


def test_the_report_gives_status_verdicts_and_the_services_cpu_wait(tmp_path: Path) -> None:
    note = "host CPU, after-runs: service waited 17.86 ms/request for a CPU, ran 5.19 ms, CPU pressure 99%"
    report = {
        "status": "inconclusive",
        "validation": {
            "verdict": "inconclusive",
            "notes": ["other", note],
            "comparisons": [
                {"metric": "p95_ms:overall", "target": 100, "verdict": "host_contended", "met": None},
                {"metric": "error_rate:overall", "target": 0.01, "met": True},
                {"metric": "p95_ms:top_products", "target": 100, "verdict": "too_few_samples"},
                {"metric": "rps", "target": None, "met": None},
            ],
        },
    }
    (tmp_path / "report.json").write_text(json.dumps(report))
    assert read_report(tmp_path) == (
        "inconclusive",
        "inconclusive",
        {
            "p95_ms:overall": "host_contended",
            "error_rate:overall": "met",
            "p95_ms:top_products": "too_few_samples",
        },
        "17.86 / 5.19",
    )
    assert read_report(tmp_path / "missing") == ("no report", "-", {}, "-")


def test_psi_some_total_is_read_in_microseconds(tmp_path: Path) -> None:
    psi = tmp_path / "cpu"
    psi.write_text("some avg10=1.00 avg60=0.50 avg300=0.10 total=123456\nfull total=7\n")
    assert cpu_pressure_us(psi) == 123456
    assert cpu_pressure_us(tmp_path / "none") is None


def test_the_table_counts_the_common_status_and_names_the_busy_level(tmp_path: Path) -> None:
    targets = {"p95_ms:product": "met_beyond_noise", "p95_ms:top_products": "too_few_samples"}
    runs = [
        DemoRun(0, "inconclusive", "inconclusive", 380.4, 3.3, 11.9, 0.99, "17.86 / 5.19", 1, targets),
        DemoRun(0, "acceptable", "inconclusive", 300.0, 2.0, 4.0, None, "-", 2, {"p95_ms:product": "met"}),
    ]
    text = markdown(runs, "abc1234", background=4, streams=2)
    lines = text.splitlines()
    assert lines[0].startswith(
        "Command: `.venv/bin/python -m benchmarks.demo_stability --runs 2 --background-load 4 --streams 2 "
        "--markdown docs/bench/demo.md` at commit abc1234 (4 CPU-bound background processes on "
    )
    assert lines[2] == (
        "**Same status in 1 of 2 runs** (`inconclusive`); statuses: `inconclusive` x1, `acceptable` x1. "
        "CPU pressure (PSI some) over the runs: 99% to 99%."
    )
    assert lines[-2] == (
        "| 1 | 1 | 0 | inconclusive | inconclusive | 1 of 2 | p95_ms:top_products (too_few_samples) | 380 | "
        "3.3, 11.9 | 99% | 17.86 / 5.19 |"
    )
    assert lines[-1] == "| 2 | 2 | 0 | acceptable | inconclusive | 1 of 1 | - | 300 | 2.0, 4.0 | - | - |"
    page = tmp_path / "demo.md"
    page.write_text("head\n<!-- demo-stability:start -->\nold\n<!-- demo-stability:end -->\ntail\n")
    write_markdown(page, "new")
    assert page.read_text() == "head\n<!-- demo-stability:start -->\nnew\n<!-- demo-stability:end -->\ntail\n"


def test_the_background_load_is_started_and_stopped() -> None:
    processes = start_background_load(2)
    assert len(processes) == 2 and all(p.poll() is None for p in processes)
    stop_background_load(processes)
    assert all(p.returncode is not None for p in processes)
