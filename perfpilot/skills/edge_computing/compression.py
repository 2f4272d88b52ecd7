"""Compression: large text responses (API JSON, HTML, CSS, JS) the origin sends at full size.

Its impact is the share of response bytes saved. When the log carries the upstream's response time, the
time a request spends at the proxy after the upstream answered (request time - upstream response time:
mostly writing the response to the client) bounds what smaller responses can save in latency, so the
impact is scaled by that share of the request time: a proxy whose clients read fast gains bytes, not time.
"""

from __future__ import annotations

from perfpilot.artifacts import Finding, ImpactEstimate, Remediation, stable_id
from perfpilot.artifacts.priority import priority_from_impact
from perfpilot.skills.edge_computing.edge_data import COMPRESS_MIN_BYTES, GZIP_TEXT_RATIO, TEXT_EXTENSIONS
from perfpilot.skills.edge_computing.edge_evidence import SKILL_NAME, traffic_ref
from perfpilot.skills.edge_computing.templates import extension_of
from perfpilot.skills.edge_computing.traffic import EndpointTraffic

COMPRESSION_IMPACT_FORMULA = (
    "impact = bytes saved / all logged response bytes (x the share of request time spent after the "
    "upstream answered, when the log times the upstream)"
)


def sending_share(traffic: list[EndpointTraffic]) -> float | None:
    """Share of request time after the upstream's response (rt - urt) on requests timing both; None
    when no request logs an upstream response time."""
    timed = [
        (e.duration_ms, e.upstream_response_ms)
        for t in traffic
        for e in t.entries
        if e.duration_ms is not None and e.upstream_response_ms is not None
    ]
    total = sum(rt for rt, _ in timed)
    if not timed or total <= 0:
        return None
    return sum(max(0.0, rt - urt) for rt, urt in timed) / total


def compression_finding(traffic: list[EndpointTraffic], source: str, min_requests: int) -> Finding | None:
    """One finding for every text template whose mean response is over 1 KiB."""
    large = [
        t
        for t in traffic
        if extension_of(t.template) in TEXT_EXTENSIONS
        and t.requests >= min_requests
        and t.mean_bytes >= COMPRESS_MIN_BYTES
    ]
    if not large:
        return None
    all_bytes = sum(t.total_bytes for t in traffic)
    current = sum(t.total_bytes for t in large)
    expected = current * GZIP_TEXT_RATIO
    impact = round((current - expected) / all_bytes, 4) if all_bytes else 0.0
    sending = sending_share(large)
    if sending is not None:
        impact = round(impact * sending, 4)
    names = [f"{t.method} {t.template}" for t in large]
    return Finding(
        id=stable_id("edge", "compress_text_responses", *names),
        skill=SKILL_NAME,
        kind="compress_text_responses",
        layer="edge",
        subject=", ".join(names),
        title=f"Compress large text responses ({len(large)} endpoint(s))",
        root_cause=(
            f"{', '.join(names)} send {current / 1024:.0f} KiB in responses averaging over "
            f"{COMPRESS_MIN_BYTES} B; text of that size shrinks by about {1 - GZIP_TEXT_RATIO:.0%} with gzip."
        ),
        impact=impact,
        estimate=ImpactEstimate(
            metric="response_kb:" + ",".join(t.template for t in large),
            current=round(current / 1024, 1),
            expected=round(expected / 1024, 1),
            unit="KB",
            method=(
                f"logged bytes_sent x GZIP_TEXT_RATIO {GZIP_TEXT_RATIO} (planning figure, edge_data.py); "
                "if the "
                f"origin already compresses, the logged sizes are compressed and this does not apply; "
                + (
                    f"{sending:.1%} of their request time is spent after the upstream answered; "
                    if sending is not None
                    else ""
                )
                + COMPRESSION_IMPACT_FORMULA
            ),
        ),
        priority=priority_from_impact(impact),
        complexity="quick_fix",
        remediation=Remediation(
            kind="config",
            title="Enable gzip (or brotli) for text responses over 1 KiB",
            content=(
                "# nginx in front of the origin\n"
                "gzip on;\ngzip_comp_level 6;\ngzip_min_length 1024;\n"
                "gzip_types application/json text/css application/javascript text/plain application/xml "
                "image/svg+xml;\n"
                "# or in a Starlette/FastAPI app: app.add_middleware(GZipMiddleware, minimum_size=1024)\n"
            ),
            rollback="Set 'gzip off;' (or remove the GZip middleware) and reload.",
            effort_days=0.25,
            risk="low",
        ),
        evidence=[traffic_ref(t, source) for t in large],
    )
