"""Golden tests on recorded node_exporter, prometheus_client and Prometheus output (tests/fixtures/metrics):
what the loader says over the scrape window equals what this file computes from the raw numbers."""

from __future__ import annotations

import json
import re
import shutil
from pathlib import Path

import pytest

from perfpilot.evidence import load_evidence
from perfpilot.evidence.bundle import EvidenceBundle
from perfpilot.evidence.histograms import histogram_quantile
from perfpilot.target import load_target

METRICS = Path(__file__).resolve().parent.parent / "fixtures" / "metrics"
SCRAPED_AT: dict[str, float] = json.loads((METRICS / "scrapes.json").read_text())
NODE = ("127.0.0.1:18501", "node")
APP = ("127.0.0.1:18503", "app")
_LINE = re.compile(r"^([a-zA-Z_:][\w:]*)(\{[^}]*\})?\s+(\S+)(?:\s+(\d+))?$")


def raw(file: str) -> dict[tuple[str, frozenset[tuple[str, str]]], tuple[float, int | None]]:
    """The file's samples read by this test alone: (name, labels) -> (value, timestamp ms)."""
    samples = {}
    for line in (METRICS / file).read_text().splitlines():
        match = _LINE.match(line)
        if match is None or line.startswith("#"):
            continue
        labels = frozenset(re.findall(r'(\w+)="([^"]*)"', match[2] or ""))
        samples[(match[1], labels)] = (float(match[3]), int(match[4]) if match[4] else None)
    return samples


def value(file: str, name: str, **labels: str) -> float:
    return raw(file)[(name, frozenset(labels.items()))][0]


def bundle_of(tmp_path: Path, files: list[str], *, timed: bool = True) -> EvidenceBundle:
    lines = ["name: t", "evidence:", "  metrics:"]
    for file in files:
        shutil.copy(METRICS / file, tmp_path / file)
        instance, job = NODE if file.startswith(("node", "federate")) else APP
        extra = (
            f', scraped_at: {SCRAPED_AT[file]}, instance: "{instance}", job: {job}'
            if file in SCRAPED_AT
            else ""
        )
        lines.append(f"    - {{path: {file}{extra if timed else ''}}}")
    (tmp_path / "target.yaml").write_text("\n".join(lines) + "\n")
    return load_evidence(load_target(tmp_path / "target.yaml"), strict=True)


def cpu_share(first: str, last: str, mode: str, seconds: float) -> float:
    cpus = sorted({dict(k[1])["cpu"] for k in raw(first) if k[0] == "node_cpu_seconds_total"})
    grown = sum(
        value(last, "node_cpu_seconds_total", cpu=c, mode=mode)
        - value(first, "node_cpu_seconds_total", cpu=c, mode=mode)
        for c in cpus
    )
    return grown / seconds / len(cpus)


def test_node_cpu_memory_load_disk_and_filesystem_over_three_scrapes(tmp_path: Path) -> None:
    bundle = bundle_of(tmp_path, ["node-1.prom", "node-2.prom", "node-3.prom"])
    [node] = bundle.nodes
    seconds = SCRAPED_AT["node-3.prom"] - SCRAPED_AT["node-1.prom"]
    assert (node.instance, node.job, node.scrapes, node.cpus) == (*NODE, 3, 2)
    assert node.window_s == pytest.approx(seconds)
    assert node.node == dict(next(k[1] for k in raw("node-1.prom") if k[0] == "node_uname_info"))["nodename"]
    for mode in ("user", "system", "idle", "steal"):
        assert node.cpu_modes[mode] == pytest.approx(cpu_share("node-1.prom", "node-3.prom", mode, seconds))
    assert node.cpu_utilisation == pytest.approx(1 - cpu_share("node-1.prom", "node-3.prom", "idle", seconds))
    memory = 1 - value("node-3.prom", "node_memory_MemAvailable_bytes") / value(
        "node-3.prom", "node_memory_MemTotal_bytes"
    )
    assert node.memory_used == pytest.approx(memory)
    assert node.memory_used_max == pytest.approx(
        max(
            1 - value(f, "node_memory_MemAvailable_bytes") / value(f, "node_memory_MemTotal_bytes")
            for f in ("node-1.prom", "node-2.prom", "node-3.prom")
        )
    )
    assert node.load_per_cpu["load1"] == pytest.approx(value("node-3.prom", "node_load1") / 2)
    vda = next(d for d in node.disks if d.device == "vda")
    io = "node_disk_io_time_seconds_total"
    assert vda.busy == pytest.approx(
        (value("node-3.prom", io, device="vda") - value("node-1.prom", io, device="vda")) / seconds
    )
    root = next(f for f in node.filesystems if f.mountpoint == "/")
    fs = {"device": root.device, "fstype": "ext4", "mountpoint": "/"}
    assert root.free == pytest.approx(
        value("node-3.prom", "node_filesystem_avail_bytes", **fs)
        / value("node-3.prom", "node_filesystem_size_bytes", **fs)
    )
    [window] = [w for w in bundle.windows if w.job == "node"]
    assert window.rates and window.scrapes == 3 and window.note == ""


def test_process_rss_growth_fit_and_cpu_rate(tmp_path: Path) -> None:
    files = ["process-1.prom", "process-2.prom", "process-3.prom"]
    [process] = bundle_of(tmp_path, files).processes
    stamps = [SCRAPED_AT[f] for f in files]
    rss = [value(f, "process_resident_memory_bytes") for f in files]
    mean_t, mean_v = sum(stamps) / 3, sum(rss) / 3
    sxy = sum((t - mean_t) * (v - mean_v) for t, v in zip(stamps, rss, strict=True))
    sxx = sum((t - mean_t) ** 2 for t in stamps)
    syy = sum((v - mean_v) ** 2 for v in rss)
    assert process.rss_growth_bytes_per_min == pytest.approx(sxy / sxx * 60)
    assert process.rss_fit_r2 == pytest.approx(sxy * sxy / (sxx * syy))
    assert (process.rss_bytes, process.rss_min_bytes, process.rss_max_bytes) == (rss[-1], min(rss), max(rss))
    cpu = value(files[-1], "process_cpu_seconds_total") - value(files[0], "process_cpu_seconds_total")
    assert process.cpu_cores == pytest.approx(cpu / (stamps[-1] - stamps[0]))


def _bucket_quantile(q: float, buckets: list[tuple[float, float]]) -> float:
    """histogram_quantile's interpolation, written out again for the test."""
    rank = q * buckets[-1][1]
    below_bound, below_count = 0.0, 0.0
    for bound, count in buckets:
        if count >= rank:
            return below_bound + (bound - below_bound) * (rank - below_count) / (count - below_count)
        below_bound, below_count = bound, count
    raise AssertionError("rank beyond the +Inf bucket")


def test_counters_are_differenced_and_quantiles_come_from_bucket_increases(tmp_path: Path) -> None:
    bundle = bundle_of(tmp_path, ["process-1.prom", "process-2.prom", "process-3.prom"])
    first, last = "process-1.prom", "process-3.prom"
    requests = next(
        s for s in bundle.metrics if s.name == "app_requests_total" and s.labels["route"] == "/orders"
    )
    grown = value(last, "app_requests_total", route="/orders") - value(
        first, "app_requests_total", route="/orders"
    )
    assert requests.value == grown and requests.kind == "counter"
    assert requests.labels == {"route": "/orders", "instance": APP[0], "job": APP[1]}
    buckets = sorted(
        (float(dict(k[1])["le"]), dict(k[1])["le"], v[0])
        for k, v in raw(last).items()
        if k[0] == "http_request_duration_seconds_bucket" and dict(k[1])["route"] == "/orders"
    )
    bounds = [(bound, count) for bound, _, count in buckets]
    delta = [
        (bound, count - value(first, "http_request_duration_seconds_bucket", le=le, route="/orders"))
        for bound, le, count in buckets
    ]
    expected = _bucket_quantile(0.95, delta)
    got = histogram_quantile(bundle.metrics, "http_request_duration_seconds", 0.95, {"route": "/orders"})
    assert got == pytest.approx(expected)
    assert delta != bounds  # the increase over the window, not the counts since the process started


def test_a_single_scrape_is_cumulative_and_says_it_has_no_rate(tmp_path: Path) -> None:
    bundle = bundle_of(tmp_path, ["node-2.prom", "process-2.prom"], timed=False)
    requests = next(
        s for s in bundle.metrics if s.name == "app_requests_total" and s.labels["route"] == "/orders"
    )
    assert requests.value == value("process-2.prom", "app_requests_total", route="/orders")
    [node] = bundle.nodes
    assert node.cpu_utilisation is None and node.disks == [] and "two scrapes" in node.note
    assert node.memory_used == pytest.approx(
        1
        - value("node-2.prom", "node_memory_MemAvailable_bytes")
        / value("node-2.prom", "node_memory_MemTotal_bytes")
    )
    assert bundle.series == []
    assert all(not w.rates and "no rate" in w.note for w in bundle.windows) and len(bundle.windows) == 2


def test_untimed_files_are_never_joined(tmp_path: Path) -> None:
    bundle = bundle_of(tmp_path, ["process-1.prom", "process-3.prom"], timed=False)
    totals = [
        s.value for s in bundle.metrics if s.name == "app_requests_total" and s.labels["route"] == "/orders"
    ]
    assert sorted(totals) == [
        value("process-1.prom", "app_requests_total", route="/orders"),
        value("process-3.prom", "app_requests_total", route="/orders"),
    ]


def test_federate_output_joins_by_its_own_timestamps_and_labels(tmp_path: Path) -> None:
    bundle = bundle_of(tmp_path, ["federate-node-1.txt", "federate-node-2.txt"])
    [node] = bundle.nodes
    first, second = raw("federate-node-1.txt"), raw("federate-node-2.txt")
    key = (
        "node_cpu_seconds_total",
        frozenset({("cpu", "0"), ("mode", "user"), ("instance", NODE[0]), ("job", "node")}),
    )
    seconds = (second[key][1] - first[key][1]) / 1000  # type: ignore[operator]
    user = sum(
        second[(k[0], k[1])][0] - first[k][0]
        for k in first
        if k[0] == "node_cpu_seconds_total" and ("mode", "user") in k[1]
    )
    assert (node.instance, node.job, node.scrapes) == (*NODE, 2)
    assert node.window_s == pytest.approx(seconds)
    assert node.cpu_modes["user"] == pytest.approx(user / seconds / 2)


def test_query_range_matrix_gives_node_cpu_and_process_rss(tmp_path: Path) -> None:
    bundle = bundle_of(tmp_path, ["query_range-node-cpu.json", "query_range-process-rss.json"])
    document = json.loads((METRICS / "query_range-node-cpu.json").read_text())
    user = [r["values"] for r in document["data"]["result"] if r["metric"]["mode"] == "user"]
    seconds = user[0][-1][0] - user[0][0][0]
    share = sum(float(v[-1][1]) - float(v[0][1]) for v in user) / seconds / len(user)
    [node] = bundle.nodes
    assert node.cpu_modes["user"] == pytest.approx(share) and node.cpus == len(user)
    app = next(p for p in bundle.processes if p.job == "app")
    points = next(
        r["values"]
        for r in json.loads((METRICS / "query_range-process-rss.json").read_text())["data"]["result"]
        if r["metric"]["job"] == "app"
    )
    assert app.scrapes == len(points) and app.rss_bytes == float(points[-1][1])
    assert app.rss_growth_bytes_per_min is not None and app.rss_growth_bytes_per_min > 0
