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
            "traced_between_calls_ms_per_request": round(_mean(wait.between_ms("traced")), 3),
            "answering_between_calls_ms_per_request": round(_mean(wait.between_ms("answering")), 3),
            "unattributed_between_calls_ms_per_request": round(_mean(wait.between_ms("unattributed")), 3),
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
            f"The request waits on {wait.peer} on the request path for {wait.share:.0%} of its time, a wait "
            f"no in-house optimisation removes; the other {1 - wait.share:.0%} is its database calls, its "
            "own work and time no span attributes."
        ),
        impact=round(impact, 4),
        estimate=ImpactEstimate(
            metric=f"p95_ms:{wait.endpoint}",
            current=round(request_p95, 3),
            expected=round(without, 3),
            unit="ms",
            method="p95 of each traced request minus its calls to the peer (the wait, and the peer still "
            "answering after the client's span closed): the bound for taking the calls off the request "
            "path; timeouts, caching or a provider change recover part of it",
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
    makes the wait that of the longest call, and the time between the calls that belongs to them goes too.

    What the fix removes, per request (call_gaps.py says what each part of the time between calls is):
    the calls' wait beyond the longest one; the peer still answering after a call's span closed (the call
    itself); and the unattributed time between the calls, counted as the cost of issuing one call after
    another (building each request, reading and decoding each answer, the loop) and the scheduling waits
    that stretch of the request was exposed to. What stays: the service's traced work between the calls
    (INTERNAL spans, database calls, calls to other peers). The trace cannot tell untraced per-item work
    from issuing cost; the finding says how much of the estimate is unattributed time, so a reader who
    knows the loop does untraced work there discounts it (or traces it: then it is application time)."""
    waited = _mean(wait.wait_ms)
    answering = _mean(wait.between_ms("answering"))
    unattributed = _mean(wait.between_ms("unattributed"))
    traced = _mean(wait.between_ms("traced"))
    current = waited + answering + unattributed
    expected = _mean(wait.longest_ms)
    saved = (
        sum(wait.wait_ms)
        + sum(wait.between_ms("answering"))
        + sum(wait.between_ms("unattributed"))
        - sum(wait.longest_ms)
    )
    impact = min(1.0, saved / all_request_ms) if all_request_ms > 0 else 0.0
    stays = f" The {traced:.0f} ms of traced work between the calls stays." if traced >= 0.5 else ""
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
            f"({waited + answering:.0f} ms on average) and spends {unattributed:.0f} ms more between them "
            "that no span attributes (issuing the next call, reading the last answer, scheduling waits; "
            f"untraced work of the loop would look the same).{stays} If the calls do not need each other's "
            "results, issued together (or as one batch call) they take about as long as the longest one."
        ),
        impact=round(impact, 4),
        estimate=ImpactEstimate(
            metric=f"external_ms_per_request:{wait.endpoint}",
            current=round(current, 3),
            expected=round(expected, 3),
            unit="ms",
            method="mean per request now: the calls' wait (with the peer still answering after a call's "
            f"span closed) plus the time between consecutive calls that no span covers ({unattributed:.1f} "
            "ms, taken as the cost of issuing the calls one at a time: it stays if it is untraced work of "
            "the loop); traced work between the calls is not counted. After: the mean longest single call "
            "(the peer's batch endpoint as one call; calls issued concurrently still pay each call's "
            "client-side work, overlapped with the waits)",
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
