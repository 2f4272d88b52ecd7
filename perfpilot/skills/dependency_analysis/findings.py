"""Findings from waits on other services: a dependency no in-house change removes (an architecture
decision for a person), or sequential calls that the service itself could make concurrent or batch."""

from __future__ import annotations

from perfpilot.artifacts import EvidenceRef, Finding, ImpactEstimate, Remediation, stable_id
from perfpilot.artifacts.priority import priority_from_impact
from perfpilot.skills.dependency_analysis.dependencies import PeerWait, percentile

SKILL_NAME = "dependency-analyzer"


def _mean(values: list[float]) -> float:
    return sum(values) / len(values) if values else 0.0


def _evidence(wait: PeerWait) -> EvidenceRef:
    return EvidenceRef(
        source="traces",
        excerpt=(
            f"{wait.traces} traces of {wait.endpoint}: {wait.calls} calls to {wait.peer}, "
            f"{wait.share:.0%} of request time spent waiting on it"
        ),
        values={
            "traces": float(wait.traces),
            "calls_per_request": round(wait.calls_per_request, 3),
            "wait_share": round(wait.share, 4),
            "call_p50_ms": round(percentile(wait.call_ms, 0.5), 3),
            "call_p95_ms": round(percentile(wait.call_ms, 0.95), 3),
            "call_error_rate": round(wait.failed_calls / wait.calls, 4) if wait.calls else 0.0,
            "between_calls_ms_per_request": round(_mean(wait.between_ms), 3),
            "request_p95_ms": round(percentile(wait.request_ms, 0.95), 3),
        },
    )


def _options(wait: PeerWait, without_ms: float) -> str:
    p50, p95, p99 = (percentile(wait.call_ms, q) for q in (0.5, 0.95, 0.99))
    errors = wait.failed_calls / wait.calls if wait.calls else 0.0
    return "\n".join(
        [
            f"{wait.endpoint} waits on {wait.peer} for {wait.share:.0%} of its request time "
            f"(call p50 {p50:.0f} ms, p95 {p95:.0f} ms, p99 {p99:.0f} ms, {errors:.1%} failed). "
            "No change inside this service removes that wait; choose one of:",
            f"1. Async / queue: take the call off the request path (enqueue, answer 202, finish in a "
            f"worker). The request's p95 becomes about {without_ms:.0f} ms; needs idempotent retries and "
            "a way for the caller to learn the outcome.",
            f"2. Timeout + fallback: cap the wait (e.g. at the call's p95, {p95:.0f} ms) and answer with a "
            "degraded result or a retry-later; bounds the tail, not the typical wait.",
            "3. Cache: reuse the peer's answers where they do not depend on the request (never for "
            "writes such as charges); the hit ratio decides the gain.",
            f"4. Provider change: a faster provider, region or plan for {wait.peer}, judged on the call "
            "latencies above.",
        ]
    )


def dependency_finding(wait: PeerWait, all_request_ms: float) -> Finding:
    """The wait dominates and the calls are not sequential repeats: an architecture decision."""
    request_p95 = percentile(wait.request_ms, 0.95)
    without = wait.request_p95_without_wait()
    impact = min(1.0, sum(wait.wait_ms) / all_request_ms) if all_request_ms > 0 else 0.0
    return Finding(
        id=stable_id("dep", "external_dependency", wait.endpoint, wait.peer),
        skill=SKILL_NAME,
        kind="external_dependency",
        layer="external",
        subject=f"{wait.peer} (called by {wait.endpoint})",
        title=f"{wait.endpoint} spends {wait.share:.0%} of its time waiting on {wait.peer}",
        root_cause=(
            f"The request waits on {wait.peer} on the request path; the service's own work is "
            f"{1 - wait.share:.0%} of its time, so in-house optimisation cannot remove the wait."
        ),
        impact=round(impact, 4),
        estimate=ImpactEstimate(
            metric=f"p95_ms:{wait.endpoint}",
            current=round(request_p95, 3),
            expected=round(without, 3),
            unit="ms",
            method="p95 of each traced request minus its wait on the peer: the bound for taking the call "
            "off the request path; timeouts, caching or a provider change recover part of it",
        ),
        priority=priority_from_impact(impact),
        complexity="architecture_limitation",
        remediation=Remediation(
            kind="patch",
            title=f"Decide how {wait.endpoint} stops waiting on {wait.peer}",
            content=_options(wait, without),
            rollback="Each option is a deliberate design change: keep the synchronous call behind a flag "
            "until the chosen option is proven.",
            effort_days=5,
            risk="medium",
        ),
        evidence=[_evidence(wait)],
    )


def sequential_finding(wait: PeerWait, all_request_ms: float) -> Finding:
    """Several calls per request, one after another: issuing them concurrently (or as one batch call)
    makes the wait that of the longest call, and the time spent between the calls goes with them."""
    waited = _mean(wait.wait_ms)
    between = _mean(wait.between_ms)
    current = waited + between
    expected = _mean(wait.longest_ms)
    saved = sum(wait.wait_ms) + sum(wait.between_ms) - sum(wait.longest_ms)
    impact = min(1.0, saved / all_request_ms) if all_request_ms > 0 else 0.0
    return Finding(
        id=stable_id("dep", "sequential_external_calls", wait.endpoint, wait.peer),
        skill=SKILL_NAME,
        kind="sequential_external_calls",
        layer="external",
        subject=f"{wait.peer} (called by {wait.endpoint})",
        title=f"{wait.endpoint} calls {wait.peer} {wait.calls_per_request:.3g} times per request, one "
        "after another",
        root_cause=(
            f"The calls to {wait.peer} do not overlap: the request waits for their sum "
            f"({waited:.0f} ms on average) and spends {between:.0f} ms more between them issuing the next "
            "one. If they do not need each other's results, issued together (or as one batch call) they "
            "take about as long as the longest one."
        ),
        impact=round(impact, 4),
        estimate=ImpactEstimate(
            metric=f"external_ms_per_request:{wait.endpoint}",
            current=round(current, 3),
            expected=round(expected, 3),
            unit="ms",
            method="mean per request now: the calls' wait plus the time between consecutive calls that no "
            "other span covers (issuing each call); after: the mean longest single call (calls issued "
            "concurrently, or the peer's batch endpoint as one call)",
        ),
        priority=priority_from_impact(impact),
        complexity="complex",
        remediation=Remediation(
            kind="patch",
            title=f"Call {wait.peer} concurrently or in one batch from {wait.endpoint}",
            content=(
                f"Issue the {wait.calls_per_request:.0f} calls to {wait.peer} together (asyncio.gather, a "
                "thread pool, or the peer's batch API) with a shared deadline, instead of one after another."
            ),
            rollback="Revert to sequential calls.",
            effort_days=2,
            risk="low",
        ),
        evidence=[_evidence(wait)],
    )
