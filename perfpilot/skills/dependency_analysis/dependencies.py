"""Per endpoint and peer, from traces: how often the endpoint calls the peer and how long it waits.

Works on parsed traces only (root span = the request; CLIENT spans to other services = the calls).
"""

from __future__ import annotations

import math
from collections import defaultdict
from dataclasses import dataclass

from perfpilot.evidence.models import Span, Trace
from perfpilot.skills.dependency_analysis.calls import is_external, peer_label, uncovered_ns, union_ns
from perfpilot.skills.profiling.attribution import endpoint_of


def percentile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[max(0, math.ceil(q * len(ordered)) - 1)] if ordered else 0.0


@dataclass(frozen=True)
class PeerWait:
    """One endpoint's calls to one peer, over the traces of that endpoint."""

    endpoint: str
    peer: str
    traces: int
    traces_calling: int
    calls: int
    wait_ms: list[float]  # per trace of the endpoint: wall time waiting on this peer (overlaps merged)
    summed_ms: list[float]  # per trace: call durations added up (equals wait_ms when calls are sequential)
    longest_ms: list[float]  # per trace: the longest single call
    between_ms: list[float]  # per trace: time between consecutive calls that no other span covers
    request_ms: list[float]  # per trace: the root span's duration
    call_ms: list[float]  # every call's duration
    failed_calls: int

    @property
    def share(self) -> float:
        """Share of the endpoint's request time spent waiting on the peer."""
        total = sum(self.request_ms)
        return min(1.0, sum(self.wait_ms) / total) if total > 0 else 0.0

    @property
    def calls_per_request(self) -> float:
        return self.calls / self.traces if self.traces else 0.0

    @property
    def sequential(self) -> bool:
        """Several calls per request that hardly overlap: they run one after another."""
        waited = sum(self.wait_ms)
        return self.calls_per_request >= 2 and waited > 0 and waited >= 0.9 * sum(self.summed_ms)

    def request_p95_without_wait(self) -> float:
        return percentile([max(0.0, r - w) for r, w in zip(self.request_ms, self.wait_ms, strict=True)], 0.95)


def between_calls_ms(calls: list[Span], trace: Trace) -> float:
    """Time between one call's end and the next call's start that no other span starting in that gap
    covers: the request is issuing the next call (building it, reading the last answer, the loop), time
    that exists only because the calls are made one at a time."""
    ids = {c.span_id for c in calls}
    others = [s for s in trace.spans if s.span_id not in ids]
    total: int = 0
    end: int | None = None
    for call in sorted(calls, key=lambda c: (c.start_ns, c.end_ns)):
        if end is not None and call.start_ns > end:
            total += uncovered_ns(end, call.start_ns, others)
        end = call.end_ns if end is None else max(end, call.end_ns)
    return total / 1e6


def _peer_calls(trace: Trace) -> dict[str, list[Span]]:
    calls: dict[str, list[Span]] = defaultdict(list)
    for span in trace.spans:
        if is_external(span):
            calls[peer_label(span)].append(span)
    return calls


def peer_waits(traces: list[Trace]) -> list[PeerWait]:
    """Every (endpoint, peer) pair seen, with per-trace figures; traces without a SERVER root are skipped."""
    by_endpoint: dict[str, list[Trace]] = defaultdict(list)
    for trace in traces:
        if trace.root.kind == "server":
            by_endpoint[endpoint_of(trace)].append(trace)
    waits = []
    for endpoint, group in sorted(by_endpoint.items()):
        calls_by_trace = [_peer_calls(t) for t in group]
        for peer in sorted({p for calls in calls_by_trace for p in calls}):
            per_trace = [calls.get(peer, []) for calls in calls_by_trace]
            every_call = [c for calls in per_trace for c in calls]
            waits.append(
                PeerWait(
                    endpoint=endpoint,
                    peer=peer,
                    traces=len(group),
                    traces_calling=sum(1 for calls in per_trace if calls),
                    calls=len(every_call),
                    wait_ms=[union_ns(calls) / 1e6 for calls in per_trace],
                    summed_ms=[sum(c.duration_ms for c in calls) for calls in per_trace],
                    longest_ms=[max((c.duration_ms for c in calls), default=0.0) for calls in per_trace],
                    between_ms=[
                        between_calls_ms(calls, t) for calls, t in zip(per_trace, group, strict=True)
                    ],
                    request_ms=[t.root.duration_ms for t in group],
                    call_ms=[c.duration_ms for c in every_call],
                    failed_calls=sum(1 for c in every_call if c.error),
                )
            )
    return waits
