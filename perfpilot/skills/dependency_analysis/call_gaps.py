"""The time between a request's consecutive calls to other services, split by what its spans show of it.

What lies between two calls, read from the spans' meaning (recordings made with the OpenTelemetry Python
SDK's WSGI and httpx instrumentations: scripts/record_incidents/svc_chatty_pricing.py,
tests/fixtures/otel/record_between_calls.py):
- A CLIENT span covers the transport's exchange only. opentelemetry-instrumentation-httpx wraps
  HTTPTransport.handle_request, which takes a pooled connection (connecting if there is none), sends the
  request and returns at the response headers; building the next request, reading the answer's body,
  decoding it and the loop around the calls run outside any span, between the calls.
- The peer's spans under a call (its SERVER span, stamped by its own process) can end after the CLIENT
  span closed: the peer is still sending the answer the client reads after its span. That is the call,
  still in flight ("answering"); it counts with the wait on the peer. (The peer's clock stamps it: with
  skewed clocks time moves between answering and unattributed, never into the service's own work.)
- Spans of the trace that are neither one of the calls, nor an ancestor of one, nor under one show work
  done between the calls ("traced"): the service's INTERNAL spans (application work), its database calls,
  its calls to other peers. An ancestor (the SERVER span, an INTERNAL span wrapping one item's call)
  encloses the calls; the time it covers around them is no better explained than the SERVER span's own.
- What no span covers is "unattributed": the client issuing the next call and reading the last answer,
  untraced code of the service, and scheduling waits (the recorded quote traces hold an 83 ms gap between
  two calls whose peer answered in 0.3 ms: the process was not running). The trace cannot tell these
  apart, so this time is never reported as application time.
"""

from __future__ import annotations

from dataclasses import dataclass

from perfpilot.evidence.models import Span, Trace

Interval = tuple[int, int]


@dataclass(frozen=True)
class GapTimes:
    """Nanoseconds between consecutive calls (outside every call), by what the spans show of them."""

    traced_ns: int = 0
    answering_ns: int = 0
    unattributed_ns: int = 0

    @property
    def total_ns(self) -> int:
        return self.traced_ns + self.answering_ns + self.unattributed_ns


def covered_ns(intervals: list[Interval], lo: int, hi: int) -> int:
    """Nanoseconds of [lo, hi) that the (possibly overlapping) intervals cover."""
    covered, reached = 0, lo
    for start, end in sorted(intervals):
        start, end = max(start, reached), min(end, hi)
        if end > start:
            covered += end - start
            reached = end
    return covered


def _related(calls: list[Span], trace: Trace) -> tuple[set[str], set[str]]:
    """(ancestors of the calls, spans under the calls) by parent links."""
    parent = {s.span_id: s.parent_span_id for s in trace.spans}
    children: dict[str | None, list[str]] = {}
    for span in trace.spans:
        children.setdefault(span.parent_span_id, []).append(span.span_id)
    ancestors: set[str] = set()
    for call in calls:
        up = call.parent_span_id
        while up is not None and up in parent and up not in ancestors:
            ancestors.add(up)
            up = parent[up]
    under: set[str] = set()
    stack = [c.span_id for c in calls]
    while stack:
        for child in children.get(stack.pop(), []):
            if child not in under:
                under.add(child)
                stack.append(child)
    return ancestors, under


def gaps(calls: list[Span]) -> list[Interval]:
    """The stretches between consecutive calls that no call covers (overlapping calls leave none)."""
    found: list[Interval] = []
    reached: int | None = None
    for call in sorted(calls, key=lambda c: (c.start_ns, c.end_ns)):
        if reached is not None and call.start_ns > reached:
            found.append((reached, call.start_ns))
        reached = call.end_ns if reached is None else max(reached, call.end_ns)
    return found


def gap_times(calls: list[Span], trace: Trace) -> GapTimes:
    """Split the time between `calls` (spans of `trace`) into traced work, the peer still answering, and
    unattributed time; traced work wins where the peer's span is still open (the client has moved on)."""
    ancestors, under = _related(calls, trace)
    not_work = ancestors | under | {c.span_id for c in calls}
    traced = [(s.start_ns, s.end_ns) for s in trace.spans if s.span_id not in not_work]
    either = sorted(traced + [(s.start_ns, s.end_ns) for s in trace.spans if s.span_id in under])
    work = peer = idle = 0
    for lo, hi in gaps(calls):
        by_work = covered_ns(traced, lo, hi)
        by_either = covered_ns(either, lo, hi)
        work += by_work
        peer += by_either - by_work
        idle += (hi - lo) - by_either
    return GapTimes(traced_ns=work, answering_ns=peer, unattributed_ns=idle)
