"""Regenerate the recorded checkout-api evidence from one seeded simulation, so every file tells one story.

Run `python examples/recorded/make_evidence.py [OUT_DIR]`; the output is deterministic (the tests check
that the committed files match it). The simulation is checkout_simulation.py's; this module writes
what each component would have recorded of it: Prometheus metrics, the PostgreSQL log, OTLP traces and
k6's summary.
"""

from __future__ import annotations

import bisect
import hashlib
import json
import math
import random
import sys
from datetime import UTC, datetime
from pathlib import Path

from checkout_simulation import (
    BUCKETS,
    DURATION_S,
    INSTANCES,
    LOG_WINDOW,
    ROUTES,
    SEED,
    T0,
    Request,
    lognormal,
    simulate,
)

HERE = Path(__file__).resolve().parent
def _fmt(value: float) -> str:
    return repr(float(value))


def write_metrics(requests: list[Request], rng: random.Random, out: Path) -> None:
    """Prometheus snapshot scraped from each instance right after the run (counters since start)."""
    lines = [
        "# HELP http_requests_total Total HTTP requests by method, route and status.",
        "# TYPE http_requests_total counter",
    ]
    groups: dict[tuple[str, str, str, str], list[float]] = {}
    for r in requests:
        groups.setdefault((r.instance, r.method, r.route, str(r.status)), []).append(r.server_s)
    keys = sorted(groups)
    for inst, method, route, status in keys:
        labels = f'instance="{inst}",job="checkout-api",method="{method}",route="{route}",status="{status}"'
        lines.append(f"http_requests_total{{{labels}}} {_fmt(len(groups[(inst, method, route, status)]))}")
    lines += [
        "# HELP http_request_duration_seconds Time spent handling a request, by method, route and status.",
        "# TYPE http_request_duration_seconds histogram",
    ]
    for key in keys:
        inst, method, route, status = key
        values = groups[key]
        labels = f'instance="{inst}",job="checkout-api",method="{method}",route="{route}",status="{status}"'
        for bound in BUCKETS:
            count = sum(1 for v in values if v <= bound)
            lines.append(f'http_request_duration_seconds_bucket{{{labels},le="{bound}"}} {_fmt(count)}')
        lines.append(f'http_request_duration_seconds_bucket{{{labels},le="+Inf"}} {_fmt(len(values))}')
        lines.append(f"http_request_duration_seconds_count{{{labels}}} {_fmt(len(values))}")
        lines.append(f"http_request_duration_seconds_sum{{{labels}}} {sum(values):.6f}")
    lines += [
        "# HELP process_cpu_seconds_total Total user and system CPU time spent in seconds.",
        "# TYPE process_cpu_seconds_total counter",
    ]
    cpu = {inst: 14.0 + sum(0.0075 + 0.0002 * len(r.queries) for r in requests if r.instance == inst)
           for inst in INSTANCES}
    for inst in INSTANCES:
        lines.append(f'process_cpu_seconds_total{{instance="{inst}",job="checkout-api"}} {cpu[inst]:.2f}')
    lines += [
        "# HELP process_resident_memory_bytes Resident memory size in bytes.",
        "# TYPE process_resident_memory_bytes gauge",
    ]
    for inst in INSTANCES:
        rss = 300_000_000 + rng.randint(0, 30_000_000)
        lines.append(f'process_resident_memory_bytes{{instance="{inst}",job="checkout-api"}} {_fmt(rss)}')
    lines += [
        "# HELP process_start_time_seconds Start time of the process since unix epoch in seconds.",
        "# TYPE process_start_time_seconds gauge",
    ]
    for inst in INSTANCES:
        lines.append(f'process_start_time_seconds{{instance="{inst}",job="checkout-api"}} {T0 - 45:.2f}')
    lines += [
        "# HELP db_pool_connections_in_use Connections checked out of the SQLAlchemy pool.",
        "# TYPE db_pool_connections_in_use gauge",
    ]
    for inst in INSTANCES:
        in_use = _fmt(rng.randint(6, 10))
        lines.append(f'db_pool_connections_in_use{{instance="{inst}",job="checkout-api"}} {in_use}')
    (out / "metrics.prom").write_text("\n".join(lines) + "\n")


def _log_time(ts: float) -> str:
    stamp = datetime.fromtimestamp(ts, tz=UTC)
    return stamp.strftime("%Y-%m-%d %H:%M:%S.") + f"{stamp.microsecond // 1000:03d} UTC"


def write_postgres_log(requests: list[Request], out: Path) -> None:
    """Server log of 30 s of the run with log_min_duration_statement = 0 and prefix '%m [%p] %q%u@%d '."""
    entries: list[tuple[float, list[str]]] = []
    low, high = LOG_WINDOW
    for r in requests:
        if not low <= r.start < high:
            continue
        for q in r.queries:
            end = r.start + (q.offset_ms + q.duration_ms) / 1000
            prefix = f"{_log_time(end)} [{r.pid}] checkout@shop "
            if q.params is None:
                lines = [f"{prefix}LOG:  duration: {q.duration_ms:.3f} ms  statement: {q.sql}"]
            else:
                detail = ", ".join(f"${i} = '{p}'" for i, p in enumerate(q.params, start=1))
                lines = [f"{prefix}LOG:  duration: {q.duration_ms:.3f} ms  execute <unnamed>: {q.sql}",
                         f"{prefix}DETAIL:  parameters: {detail}"]
            entries.append((end, lines))
    entries.append((low + 12.0, [f"{_log_time(low + 12.0)} [61] LOG:  checkpoint starting: time"]))
    entries.append((low + 26.4, [
        f"{_log_time(low + 26.4)} [61] LOG:  checkpoint complete: wrote 1834 buffers (11.2%); 0 WAL file(s) "
        "added, 0 removed, 1 recycled; write=14.318 s, sync=0.021 s, total=14.402 s; sync files=41, "
        "longest=0.006 s, average=0.001 s; distance=15877 kB, estimate=16102 kB"
    ]))
    entries.sort(key=lambda e: e[0])
    (out / "postgresql.log").write_text("".join(line + "\n" for _, lines in entries for line in lines))


def _attr(key: str, value: str | int) -> dict[str, object]:
    if isinstance(value, int):
        return {"key": key, "value": {"intValue": str(value)}}
    return {"key": key, "value": {"stringValue": value}}


def write_traces(requests: list[Request], rng: random.Random, out: Path) -> None:
    """OTLP JSON export of four sampled /customers/{id}/orders requests and two /orders/{id} ones."""
    low, high = LOG_WINDOW
    window = [r for r in requests if low <= r.start < high and r.status == 200]
    chosen = [r for r in window if r.route == "/customers/{id}/orders"][:4]
    chosen += [r for r in window if r.route == "/orders/{id}"][:2]
    spans: list[dict[str, object]] = []
    for r in sorted(chosen, key=lambda r: r.start):
        trace_id, root_id = f"{rng.getrandbits(128):032x}", f"{rng.getrandbits(64):016x}"
        start_ns = int(r.start * 1e9)
        spans.append({
            "traceId": trace_id, "spanId": root_id, "parentSpanId": "", "flags": 257,
            "name": f"{r.method} {r.route}", "kind": 2,
            "startTimeUnixNano": str(start_ns), "endTimeUnixNano": str(start_ns + int(r.server_s * 1e9)),
            "attributes": [_attr("http.request.method", r.method), _attr("http.route", r.route),
                           _attr("url.path", r.path), _attr("url.scheme", "http"),
                           _attr("http.response.status_code", r.status),
                           _attr("server.address", r.instance.split(":")[0])],
            "status": {},
        })
        for q in r.queries:
            begin = start_ns + int(q.offset_ms * 1e6)
            table = q.otel.split(" FROM ")[1].split()[0]
            spans.append({
                "traceId": trace_id, "spanId": f"{rng.getrandbits(64):016x}", "parentSpanId": root_id,
                "flags": 257, "name": f"SELECT {table}", "kind": 3,
                "startTimeUnixNano": str(begin), "endTimeUnixNano": str(begin + int(q.duration_ms * 1e6)),
                "attributes": [_attr("db.system", "postgresql"), _attr("db.name", "shop"),
                               _attr("db.user", "checkout"), _attr("db.statement", q.otel.replace("$1", "?")),
                               _attr("db.operation", "SELECT"), _attr("server.address", "db-1.internal"),
                               _attr("server.port", 5432)],
                "status": {},
            })
    resource = {"attributes": [_attr("service.name", "checkout-api"), _attr("service.version", "2.7.1"),
                               _attr("deployment.environment", "production"),
                               _attr("telemetry.sdk.language", "python"),
                               _attr("telemetry.sdk.name", "opentelemetry"),
                               _attr("telemetry.sdk.version", "1.27.0")]}
    server = [s for s in spans if s["kind"] == 2]
    client = [s for s in spans if s["kind"] == 3]
    document = {"resourceSpans": [{
        "resource": resource,
        "scopeSpans": [
            {"scope": {"name": "opentelemetry.instrumentation.fastapi", "version": "0.48b0"},
             "spans": server},
            {"scope": {"name": "opentelemetry.instrumentation.psycopg", "version": "0.48b0"},
             "spans": client},
        ],
        "schemaUrl": "https://opentelemetry.io/schemas/1.11.0",
    }]}
    (out / "traces.json").write_text(json.dumps(document, indent=1) + "\n")


def _percentile(sorted_values: list[float], pct: float) -> float:
    """k6's trend percentile: linear interpolation between the nearest ranks."""
    if len(sorted_values) == 1:
        return sorted_values[0]
    i = pct * (len(sorted_values) - 1)
    low, high = sorted_values[math.floor(i)], sorted_values[math.ceil(i)]
    return low + (high - low) * (i - math.floor(i))


def _trend(values_ms: list[float]) -> dict[str, float]:
    ordered = sorted(values_ms)
    return {
        "avg": sum(ordered) / len(ordered), "min": ordered[0], "med": _percentile(ordered, 0.5),
        "max": ordered[-1], "p(90)": _percentile(ordered, 0.9), "p(95)": _percentile(ordered, 0.95),
        "p(99)": _percentile(ordered, 0.99),
    }


def _concurrency(requests: list[Request]) -> tuple[int, int, int]:
    """(min, max, last) number of requests in flight, sampled every second: k6's active VUs."""
    starts = sorted(r.start for r in requests)
    ends = sorted(r.start + r.client_s for r in requests)
    samples = []
    for second in range(int(DURATION_S)):
        t = T0 + second + 0.5
        samples.append(bisect.bisect_right(starts, t) - bisect.bisect_right(ends, t))
    return min(samples), max(samples), samples[-1]


def write_k6_summary(requests: list[Request], rng: random.Random, out: Path) -> None:
    """handleSummary `data` of the run: constant-arrival-rate 40/s for 10 min, per-endpoint thresholds."""
    elapsed_ms = DURATION_S * 1000 + 1873.4
    failed = sum(1 for r in requests if r.status >= 400)
    durations = [r.client_s * 1000 for r in requests]
    sending = [lognormal(rng, 0.021, 0.3) for _ in requests]
    receiving = [lognormal(rng, 0.09, 0.4) + r.response_bytes / 40000 for r in requests]
    waiting = [d - s - rv for d, s, rv in zip(durations, sending, receiving, strict=True)]
    fresh = set(rng.sample(range(len(requests)), 31))  # new keep-alive connections as VUs were added
    connecting = [lognormal(rng, 0.35, 0.3) if i in fresh else 0.0 for i in range(len(requests))]
    blocked = [c + lognormal(rng, 0.004, 0.3) for c in connecting]
    vus_min, vus_max, vus_last = _concurrency(requests)
    received = sum(r.response_bytes + 180 for r in requests)
    sent = sum(410 if r.method == "POST" else 120 for r in requests)

    def trend(values: list[float]) -> dict[str, object]:
        return {"type": "trend", "contains": "time", "values": _trend(values)}

    def counter(count: float) -> dict[str, object]:
        values = {"count": count, "rate": count / (elapsed_ms / 1000)}
        return {"type": "counter", "contains": "default", "values": values}

    metrics: dict[str, dict[str, object]] = {
        "http_reqs": counter(len(requests)),
        "iterations": counter(len(requests)),
        "data_received": {**counter(received), "contains": "data"},
        "data_sent": {**counter(sent), "contains": "data"},
        "http_req_duration": {**trend(durations), "thresholds": {"p(95)<300": {"ok": False}}},
        "http_req_duration{expected_response:true}": trend(
            [d for d, r in zip(durations, requests, strict=True) if r.status < 400]),
        "http_req_failed": {"type": "rate", "contains": "default",
                            "values": {"rate": failed / len(requests), "passes": failed,
                                       "fails": len(requests) - failed},
                            "thresholds": {"rate<0.01": {"ok": True}}},
        "checks": {"type": "rate", "contains": "default",
                   "values": {"rate": 1 - failed / len(requests), "passes": len(requests) - failed,
                              "fails": failed}},
        "http_req_waiting": trend(waiting),
        "http_req_sending": trend(sending),
        "http_req_receiving": trend(receiving),
        "http_req_connecting": trend(connecting),
        "http_req_blocked": trend(blocked),
        "http_req_tls_handshaking": trend([0.0] * len(requests)),
        "iteration_duration": trend([d + lognormal(rng, 0.35, 0.3) for d in durations]),
        "vus": {"type": "gauge", "contains": "default", "values": {"value": vus_last, "min": vus_min,
                                                                    "max": vus_max}},
        "vus_max": {"type": "gauge", "contains": "default",
                    "values": {"value": max(20, vus_max), "min": 20, "max": max(20, vus_max)}},
    }
    limits = {"GET /orders/{id}": 250, "GET /customers/{id}/orders": 400}
    for method, route, *_ in ROUTES:
        name = f"{method} {route}"
        values = [d for d, r in zip(durations, requests, strict=True) if r.route == route]
        entry: dict[str, object] = trend(values)
        if name in limits:
            p95 = _trend(values)["p(95)"]
            entry["thresholds"] = {f"p(95)<{limits[name]}": {"ok": p95 < limits[name]}}
        else:
            entry["thresholds"] = {"p(95)<300": {"ok": _trend(values)["p(95)"] < 300}}
        metrics[f"http_req_duration{{name:{name}}}"] = entry
    check_path = "::status is not 5xx"
    data = {
        "root_group": {
            "name": "", "path": "", "id": hashlib.md5(b"").hexdigest(), "groups": [],
            "checks": [{"name": "status is not 5xx", "path": check_path,
                        "id": hashlib.md5(check_path.encode()).hexdigest(),
                        "passes": len(requests) - failed, "fails": failed}],
        },
        "options": {"summaryTrendStats": ["avg", "min", "med", "max", "p(90)", "p(95)", "p(99)"],
                    "summaryTimeUnit": "", "noColor": False},
        "state": {"isStdOutTTY": False, "isStdErrTTY": False, "testRunDurationMs": elapsed_ms},
        "metrics": metrics,
    }
    (out / "k6-summary.json").write_text(json.dumps(data, indent=2) + "\n")


def main(out: Path = HERE) -> None:
    """Write the four simulated evidence files into out (default: this folder)."""
    requests = simulate()
    rng = random.Random(SEED + 1)
    write_metrics(requests, rng, out)
    write_postgres_log(requests, out)
    write_traces(requests, rng, out)
    write_k6_summary(requests, rng, out)


if __name__ == "__main__":
    main(Path(sys.argv[1]) if len(sys.argv) > 1 else HERE)
