"""pgBadger's normalised query classes (its `-x json` output) set against `perfpilot db digest --json`."""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from pathlib import Path

# The recording script's log_line_prefix (the Debian default); pgBadger needs it to read the prefix.
PREFIX = "%m [%p] %q%u@%d "


def pgbadger_command(log: str, out_json: str) -> list[str]:
    """One pass, no incremental mode, JSON output (every class, not only the report's top N)."""
    return ["pgbadger", "-j", "1", "-f", "stderr", "--prefix", PREFIX, "-x", "json", "-o", out_json, log]


@dataclass(frozen=True)
class BadgerClass:
    """One pgBadger class: its normalised query, statement count, total duration and one sample."""

    normalized: str
    count: int
    total_s: float
    sample: str


@dataclass(frozen=True)
class OurClass:
    """One class of perfpilot's digest."""

    fingerprint: str
    count: int
    total_s: float


def read_pgbadger(path: Path) -> list[BadgerClass]:
    """The classes of pgBadger's JSON dump (`normalyzed_info`, keyed by database, then query; ms)."""
    data = json.loads(path.read_text(encoding="utf-8"))
    classes = []
    for by_query in data.get("normalyzed_info", {}).values():
        for normalized, info in by_query.items():
            samples = info.get("samples") or {}
            sample = next(iter(samples.values()))["query"] if samples else normalized
            classes.append(
                BadgerClass(normalized, int(info["count"]), float(info["duration"]) / 1000, sample)
            )
    return sorted(classes, key=lambda c: (-c.total_s, c.normalized))


def read_ours(text: str) -> list[OurClass]:
    """The classes of `perfpilot db digest --json` output."""
    return [
        OurClass(q["fingerprint"], int(q["count"]), float(q["total_time_s"]))
        for q in json.loads(text)["queries"]
    ]


@dataclass
class Shape:
    """One of our shapes with the pgBadger classes whose sample falls into it (by our fingerprint)."""

    fingerprint: str
    ours: OurClass | None = None
    badger: list[BadgerClass] = field(default_factory=list)

    @property
    def badger_count(self) -> int:
        return sum(c.count for c in self.badger)

    @property
    def badger_total_s(self) -> float:
        return sum(c.total_s for c in self.badger)

    def agrees(self, tolerance_s: float = 1e-6) -> bool:
        """Same statement count and, to the microsecond, the same total duration."""
        return (
            self.ours is not None
            and self.ours.count == self.badger_count
            and abs(self.ours.total_s - self.badger_total_s) <= tolerance_s * max(1, self.badger_count)
        )


def match(ours: list[OurClass], badger: list[BadgerClass]) -> list[Shape]:
    """Our shapes (by total time) with pgBadger's classes mapped on them by fingerprinting each class's
    sample with perfpilot; a pgBadger class whose sample maps to no shape of ours gets a shape alone."""
    from perfpilot.workload.fingerprint import fingerprint

    shapes = {c.fingerprint: Shape(c.fingerprint, ours=c) for c in ours}
    for cls in badger:
        ours_fp = fingerprint(cls.sample)
        shapes.setdefault(ours_fp, Shape(ours_fp)).badger.append(cls)
    return sorted(
        shapes.values(),
        key=lambda s: (-(s.ours.total_s if s.ours else s.badger_total_s), s.fingerprint),
    )
