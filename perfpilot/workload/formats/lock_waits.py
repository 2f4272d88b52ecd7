"""Lock waits in a PostgreSQL server log (`log_lock_waits = on`): who waited, on what, and how long.

With `log_lock_waits`, a backend that has waited `deadlock_timeout` for a lock logs `process P still
waiting for MODE on OBJECT after X ms`, then `process P acquired MODE on OBJECT after Y ms` once it gets
it; DETAIL names the holders and the wait queue, CONTEXT the tuple and relation ("while updating tuple
(0,3) in relation "stock_totals""), STATEMENT the waiting statement. A wait lasts the `acquired` figure,
or the last `still waiting` one when it never got the lock in the log (cancelled, timed out, cut off).
Waits shorter than `deadlock_timeout` are never logged: the totals are a floor, and are said as one.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from perfpilot.redaction import redact
from perfpilot.workload.models import LockWaits
from perfpilot.workload.tables import tables_of

_WAIT = re.compile(
    r"process (\d+) (still waiting for|acquired|avoided deadlock for|detected deadlock while waiting for"
    r"|failed to acquire) (\w+) on (.+?)(?: by rearranging queue order)? after ([0-9.]+) ms"
)
_IN_RELATION = re.compile(r'in relation "((?:[^"]|"")+)"')
_QUEUE = re.compile(r"Wait queue: ([\d, ]+)")
_OBJECT_KIND = re.compile(r"^(virtual transaction|transaction|tuple|relation|extension of relation|page|"
                          r"advisory lock|object|speculative token)\b")
MAX_SUBJECTS = 20
"""Summaries kept per log: the most waited-on objects (a log of unrelated waits stays bounded)."""


@dataclass(slots=True)
class _Wait:
    """One backend's wait for one lock, as its messages tell it."""

    mode: str
    kind: str
    line: int
    wait_ms: float
    relation: str | None = None
    statement: str | None = None
    queue: int = 0
    deadlock: bool = False


@dataclass(slots=True)
class LockWaitReader:
    """Fed the messages of one log in order (severity, body, line); `summaries()` at the end."""

    done: list[_Wait] = field(default_factory=list)
    open: dict[str, _Wait] = field(default_factory=dict)
    last: _Wait | None = None  # the wait the next DETAIL / CONTEXT / STATEMENT lines describe

    def message(self, severity: str, body: str, line: int) -> None:
        if severity == "LOG" and (found := _WAIT.match(body)) is not None:
            self._wait(found, line)
            return
        if severity not in ("DETAIL", "CONTEXT", "STATEMENT") or self.last is None:
            self.last = None  # another message: what follows describes it, not the wait
            return
        wait = self.last
        if severity == "DETAIL" and (queue := _QUEUE.search(body)) is not None:
            wait.queue = max(wait.queue, len([p for p in queue.group(1).split(",") if p.strip()]))
        elif severity == "CONTEXT" and wait.relation is None:
            if (relation := _IN_RELATION.search(body)) is not None:
                wait.relation = relation.group(1).replace('""', '"')
        elif severity == "STATEMENT" and wait.statement is None:
            wait.statement = redact(" ".join(body.split()))[:300]
            if wait.relation is None and (tables := tables_of(body.lower())):
                wait.relation = tables[0]

    def _wait(self, found: re.Match[str], line: int) -> None:
        pid, verb, mode, obj, ms = found.groups()
        kind_match = _OBJECT_KIND.match(obj)
        kind = kind_match.group(1) if kind_match else obj.split(" ", 1)[0]
        wait = self.open.get(pid)
        if wait is None or wait.mode != mode or wait.kind != kind:
            if wait is not None:
                self.done.append(wait)
            wait = _Wait(mode=mode, kind=kind, line=line, wait_ms=0.0)
        wait.wait_ms = max(wait.wait_ms, float(ms))
        wait.deadlock = wait.deadlock or verb == "detected deadlock while waiting for"
        if verb == "still waiting for":
            self.open[pid] = wait
        else:  # the wait ended: acquired, a deadlock broken, or given up
            self.open.pop(pid, None)
            self.done.append(wait)
        self.last = wait

    def summaries(self) -> list[LockWaits]:
        """Waits summed per waited-on relation (or lock kind when no relation is named), most first."""
        groups: dict[str, list[_Wait]] = {}
        for wait in [*self.done, *self.open.values()]:
            groups.setdefault(wait.relation or f"{wait.mode} on {wait.kind}", []).append(wait)
        summaries = [
            LockWaits(
                subject=subject,
                relation=waits[0].relation,
                locks=sorted({f"{w.mode} on {w.kind}" for w in waits}),
                waits=len(waits),
                total_wait_s=round(sum(w.wait_ms for w in waits) / 1000, 6),
                max_wait_s=round(max(w.wait_ms for w in waits) / 1000, 6),
                max_queue=max(w.queue for w in waits),
                deadlocks=sum(w.deadlock for w in waits),
                statement=next((w.statement for w in waits if w.statement), None),
                first_line=min(w.line for w in waits),
            )
            for subject, waits in groups.items()
        ]
        summaries.sort(key=lambda s: (-s.total_wait_s, s.subject))
        return summaries[:MAX_SUBJECTS]
