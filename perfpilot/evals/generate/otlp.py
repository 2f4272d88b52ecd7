"""OTLP/JSON traces as an OpenTelemetry SDK exports them: a server span per request, a span per query."""

from __future__ import annotations

import json
import random
from dataclasses import dataclass
from typing import Any

from perfpilot.evals.generate.traffic import Traffic


@dataclass(frozen=True)
class SpanPlan:
    """The queries one route runs: (db.statement, repeats per request as (min, max), mean ms per call)."""

    route: str
    queries: tuple[tuple[str, tuple[int, int], float], ...]


def _attr(key: str, value: str | int) -> dict[str, Any]:
    return {
        "key": key,
        "value": {"intValue": str(value)} if isinstance(value, int) else {"stringValue": value},
    }


def traces(
    traffic: Traffic, plans: list[SpanPlan], service: str, start_ns: int, seed: int, limit: int
) -> str:
    """Up to `limit` traces; the database spans fill each request's database share, the rest is app time."""
    rng = random.Random(seed)
    by_route = {p.route: p for p in plans}
    spans: list[dict[str, Any]] = []
    for s in traffic.samples[:limit]:
        trace_id = f"{rng.getrandbits(128):032x}"
        root_id = f"{rng.getrandbits(64):016x}"
        begin = start_ns + int(s.offset_s * 1e9)
        end = begin + int(s.duration_ms * 1e6)
        spans.append(
            {
                "traceId": trace_id,
                "spanId": root_id,
                "parentSpanId": "",
                "name": s.route.name,
                "kind": 2,
                "startTimeUnixNano": str(begin),
                "endTimeUnixNano": str(end),
                "attributes": [
                    _attr("http.request.method", s.route.method),
                    _attr("http.route", s.route.route),
                    _attr("http.response.status_code", s.status),
                    _attr("url.path", s.route.path(rng)),
                ],
                "status": {"code": 2} if s.status >= 500 else {},
            }
        )
        plan = by_route.get(s.route.route)
        if plan is None:
            continue
        calls = [(sql, rng.randint(lo, hi), ms) for sql, (lo, hi), ms in plan.queries]
        weight = sum(n * ms for _, n, ms in calls) or 1.0
        budget_ns = s.duration_ms * 1e6 * s.route.db_share
        cursor = begin + int((end - begin) * 0.02)
        for sql, repeats, ms in calls:
            for _ in range(repeats):
                length = int(budget_ns * ms / weight)
                statement = sql.replace("?", str(rng.randint(1, 250_000)))
                spans.append(
                    {
                        "traceId": trace_id,
                        "spanId": f"{rng.getrandbits(64):016x}",
                        "parentSpanId": root_id,
                        "name": f"SELECT {service}",
                        "kind": 3,
                        "startTimeUnixNano": str(cursor),
                        "endTimeUnixNano": str(cursor + length),
                        "attributes": [
                            _attr("db.system", "postgresql"),
                            _attr("db.name", "shop"),
                            _attr("db.statement", statement),
                            _attr("server.address", "db-1"),
                        ],
                        "status": {},
                    }
                )
                cursor += length + 20_000
    data = {
        "resourceSpans": [
            {
                "resource": {
                    "attributes": [
                        _attr("service.name", service),
                        _attr("telemetry.sdk.language", "python"),
                        _attr("telemetry.sdk.name", "opentelemetry"),
                        _attr("telemetry.sdk.version", "1.27.0"),
                    ]
                },
                "scopeSpans": [
                    {
                        "scope": {"name": "opentelemetry.instrumentation.asgi", "version": "0.48b0"},
                        "spans": spans,
                    }
                ],
            }
        ]
    }
    return json.dumps(data, separators=(",", ":")) + "\n"
