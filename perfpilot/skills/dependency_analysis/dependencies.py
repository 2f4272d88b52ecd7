"""Per endpoint and peer, from traces: how often the endpoint calls the peer and how long it waits.

Works on parsed traces only (root span = the request; CLIENT spans to other services = the calls).
"""

from __future__ import annotations

import math
from collections import defaultdict
from dataclasses import dataclass
from typing import Literal

from perfpilot.evidence.models import Span, Trace
from perfpilot.skills.dependency_analysis.call_gaps import GapTimes, gap_times
from perfpilot.skills.dependency_analysis.calls import is_external, peer_label, union_ns
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
    between: list[GapTimes]  # per trace: the time between consecutive calls, by what the spans show of it
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

    def between_ms(self, part: Literal["traced", "answering", "unattributed"]) -> list[float]:
        """Per trace, one part of the time between the calls ('traced', 'answering', 'unattributed')."""
        return [int(getattr(g, f"{part}_ns")) / 1e6 for g in self.between]

    def request_p95_without_wait(self) -> float:
        """p95 of the requests without their calls to the peer (the wait and the peer still answering)."""
        kept = [
            max(0.0, r - w - a)
            for r, w, a in zip(self.request_ms, self.wait_ms, self.between_ms("answering"), strict=True)
        ]
        return percentile(kept, 0.95)


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
                    between=[gap_times(calls, t) for calls, t in zip(per_trace, group, strict=True)],
                    request_ms=[t.root.duration_ms for t in group],
                    call_ms=[c.duration_ms for c in every_call],
                    failed_calls=sum(1 for c in every_call if c.error),
                )
            )
    return waits
