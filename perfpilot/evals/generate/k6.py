"""A k6 end-of-test summary (--summary-export shape of handleSummary data) from sampled traffic."""

from __future__ import annotations

import json
from typing import Any

from perfpilot.evals.generate.traffic import Traffic, percentile


def _trend(values: list[float]) -> dict[str, Any]:
    return {
        "type": "trend",
        "contains": "time",
        "values": {
            "avg": sum(values) / len(values),
            "min": min(values),
            "med": percentile(values, 0.5),
            "max": max(values),
            "p(90)": percentile(values, 0.9),
            "p(95)": percentile(values, 0.95),
            "p(99)": percentile(values, 0.99),
        },
    }


def summary(traffic: Traffic) -> str:
    """handleSummary's data JSON: http_reqs, http_req_duration (+ per-name sub-metrics), http_req_failed."""
    durations = [s.duration_ms for s in traffic.samples]
    failed = sum(1 for s in traffic.samples if s.status >= 500)
    count = len(durations)
    metrics: dict[str, Any] = {
        "http_reqs": {
            "type": "counter",
            "contains": "default",
            "values": {"count": count, "rate": count / traffic.duration_s},
        },
        "iterations": {
            "type": "counter",
            "contains": "default",
            "values": {"count": count, "rate": count / traffic.duration_s},
        },
        "http_req_duration": _trend(durations),
        "http_req_failed": {
            "type": "rate",
            "contains": "default",
            "values": {"rate": failed / count, "passes": failed, "fails": count - failed},
        },
    }
    for route in sorted({s.route for s in traffic.samples}, key=lambda r: r.name):
        mine = traffic.of(route)
        bad = sum(1 for s in mine if s.status >= 500)
        metrics[f"http_req_duration{{name:{route.name}}}"] = _trend([s.duration_ms for s in mine])
        metrics[f"http_reqs{{name:{route.name}}}"] = {
            "type": "counter",
            "contains": "default",
            "values": {"count": len(mine), "rate": len(mine) / traffic.duration_s},
        }
        metrics[f"http_req_failed{{name:{route.name}}}"] = {
            "type": "rate",
            "contains": "default",
            "values": {"rate": bad / len(mine), "passes": bad, "fails": len(mine) - bad},
        }
    data = {
        "root_group": {
            "name": "",
            "path": "",
            "id": "d41d8cd98f00b204e9800998ecf8427e",
            "groups": [],
            "checks": [],
        },
        "options": {
            "summaryTrendStats": ["avg", "min", "med", "max", "p(90)", "p(95)", "p(99)"],
            "summaryTimeUnit": "",
            "noColor": False,
        },
        "state": {"isStdOutTTY": False, "isStdErrTTY": False, "testRunDurationMs": traffic.duration_s * 1000},
        "metrics": metrics,
    }
    return json.dumps(data, indent=2) + "\n"
