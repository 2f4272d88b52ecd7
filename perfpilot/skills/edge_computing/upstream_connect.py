"""Connection setup to the upstream: request time a reverse proxy spends connecting to its upstream
(nginx `$upstream_connect_time`), and the SYN retransmissions that mark a full listen queue.

The projection: once connections are reused, a request no longer connects. Requests that connected
promptly (under SYN_RETRANSMIT_MS) show what a request costs without the connect, so the after-state is
their request time minus their connect time; a request whose SYN was resent is replaced by that
population, since the full queue that dropped its SYN may also have delayed what followed (its first
segment resent after TCP's minimum retransmission timeout). Without enough prompt requests, every
request's connect time is removed instead.
"""

from __future__ import annotations

from perfpilot.artifacts import EvidenceRef, Finding, ImpactEstimate, Remediation, stable_id
from perfpilot.artifacts.priority import priority_from_impact
from perfpilot.evidence.models import AccessLogEntry
from perfpilot.figures import share as percent
from perfpilot.skills.edge_computing.edge_data import (
    MIN_CONNECT_SHARE,
    MIN_RESENT_SHARE,
    SYN_RETRANSMIT_MS,
    UPSTREAM_KEEPALIVE,
)
from perfpilot.skills.edge_computing.edge_evidence import SKILL_NAME
from perfpilot.skills.edge_computing.traffic import EndpointTraffic, percentile

CONNECT_IMPACT_FORMULA = "impact = request time saved (before - projected, summed) / all logged request time"

KEEPALIVE_CONFIG = f"""# nginx: reuse connections to the upstream (the upstream block proxy_pass names)
upstream app_upstream {{            # your upstream's name
    server 127.0.0.1:8000;        # your servers, unchanged
    keepalive {UPSTREAM_KEEPALIVE};                 # idle connections kept per worker process
}}
# in every location that proxies to it (nginx speaks HTTP/1.0 with Connection: close by default):
proxy_http_version 1.1;
proxy_set_header Connection "";
# and on the upstream server: a listen backlog above the largest burst of new connections
# (gunicorn --backlog, uwsgi --listen, listen(2)'s backlog; capped by net.core.somaxconn)
"""


Timed = list[tuple[AccessLogEntry, float, float]]


def _timed(entries: list[AccessLogEntry]) -> Timed:
    """(entry, request ms, connect ms) for requests that reached an upstream and logged both times."""
    return [
        (e, e.duration_ms, min(e.upstream_connect_ms, e.duration_ms))
        for e in entries
        if e.duration_ms is not None and e.upstream_connect_ms is not None
    ]


def _endpoint_ref(traffic: EndpointTraffic, source: str) -> EvidenceRef | None:
    timed = _timed(list(traffic.entries))
    if not timed:
        return None
    resent = [e for e, _, connect in timed if connect >= SYN_RETRANSMIT_MS]
    request_ms = sum(ms for _, ms, _ in timed)
    connect_ms = sum(c for _, _, c in timed)
    return EvidenceRef(
        source=source,
        line=(resent[0] if resent else timed[0][0]).line,
        excerpt=(
            f"{traffic.method} {traffic.template}: {len(timed)} requests, {len(resent)} connected to the "
            f"upstream in >= {SYN_RETRANSMIT_MS / 1000:.0f} s, connecting "
            f"{percent(connect_ms / request_ms)} of their request time"
            if request_ms
            else f"{traffic.method} {traffic.template}: {len(timed)} requests"
        ),
        values={
            "requests": float(len(timed)),
            "syn_retransmitted": float(len(resent)),
            "connect_ms": round(connect_ms, 1),
            "request_ms": round(request_ms, 1),
        },
    )


def _projected(timed: Timed, min_requests: int) -> tuple[list[float], str]:
    prompt = [ms - connect for _, ms, connect in timed if connect < SYN_RETRANSMIT_MS]
    resent = len(timed) - len(prompt)
    if resent and len(prompt) >= min_requests:
        mean = sum(prompt) / len(prompt)
        return prompt + [mean] * resent, (
            f"each request's connect time removed; the {resent} requests whose SYN was resent take the mean "
            f"of the {len(prompt)} that connected promptly ({mean:.1f} ms)"
        )
    return [ms - connect for _, ms, connect in timed], "each request's connect time removed"


def upstream_connect_finding(
    entries: list[AccessLogEntry], traffic: list[EndpointTraffic], source: str, min_requests: int
) -> Finding | None:
    """One finding when handshakes take MIN_CONNECT_SHARE of the time of requests that connected promptly,
    or when MIN_RESENT_SHARE of the requests or more had a SYN resent (enough to set the p99)."""
    timed = _timed(entries)
    request_ms = sum(ms for _, ms, _ in timed)
    connect_ms = sum(c for _, _, c in timed)
    if len(timed) < min_requests or request_ms <= 0:
        return None
    resent = sum(1 for _, _, c in timed if c >= SYN_RETRANSMIT_MS)
    prompt = [(ms, c) for _, ms, c in timed if c < SYN_RETRANSMIT_MS]
    prompt_ms = sum(ms for ms, _ in prompt)
    handshakes = prompt_ms > 0 and sum(c for _, c in prompt) / prompt_ms >= MIN_CONNECT_SHARE
    if not handshakes and resent / len(timed) < MIN_RESENT_SHARE:
        return None  # cheap handshakes, and too few resent SYNs to set even the p99
    share = connect_ms / request_ms
    after, how = _projected(timed, min_requests)
    before_mean, after_mean = request_ms / len(timed), sum(after) / len(after)
    all_ms = sum(e.duration_ms or 0.0 for e in entries)
    impact = round(min(1.0, max(0.0, request_ms - sum(after)) / all_ms), 4) if all_ms else 0.0
    before_p95 = percentile([ms for _, ms, _ in timed], 0.95)
    after_p95 = percentile(after, 0.95)
    if resent:
        cause = (
            f"{resent} of {len(timed)} proxied requests ({percent(resent / len(timed))}) waited "
            f"{SYN_RETRANSMIT_MS / 1000:.0f} s or more to connect to the upstream: TCP's initial "
            "retransmission timeout, so their first SYN went unanswered, as it does when the upstream's "
            "accept queue (listen backlog) is full. "
        )
    else:
        cause = "Every proxied request pays a handshake with the upstream (TCP, and TLS with https). "
    refs = [ref for t in traffic if (ref := _endpoint_ref(t, source)) is not None]
    return Finding(
        id=stable_id("edge", "upstream_connection_setup", source),
        skill=SKILL_NAME,
        kind="upstream_connection_setup",
        layer="edge",
        subject="upstream connections",
        title=f"Reuse upstream connections: connecting takes {percent(share)} of proxied request time",
        root_cause=(
            cause
            + f"Connecting ($upstream_connect_time) is {connect_ms / 1000:.1f} s of "
            f"{request_ms / 1000:.1f} s of request time ({percent(share)}). nginx opens a new upstream "
            "connection for every request unless its upstream block keeps idle connections (keepalive) "
            "and it speaks HTTP/1.1 to the upstream; "
            f"with connections reused, the projected p95 is {after_p95:.0f} ms (now {before_p95:.0f} ms)."
        ),
        impact=impact,
        estimate=ImpactEstimate(
            metric="request_time_ms",
            current=round(before_mean, 1),
            expected=round(after_mean, 1),
            unit="ms",
            method=(
                f"mean request time of the {len(timed)} proxied requests with {how}; nearest-rank p95 "
                f"{before_p95:.0f} -> {after_p95:.0f} ms; applied to every endpoint; {CONNECT_IMPACT_FORMULA}"
            ),
        ),
        priority=priority_from_impact(impact),
        complexity="quick_fix",
        remediation=Remediation(
            kind="config",
            title=f"Keep upstream connections alive (keepalive {UPSTREAM_KEEPALIVE}, HTTP/1.1 upstream)",
            content=KEEPALIVE_CONFIG,
            rollback="Remove keepalive, proxy_http_version and the Connection header line; nginx -s reload.",
            effort_days=0.25,
            risk="low",
        ),
        evidence=refs,
    )
