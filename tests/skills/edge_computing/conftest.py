"""Fixtures for the edge tests: a test-local combined-log reader producing evidence records."""

from __future__ import annotations

import re
from collections.abc import Callable
from datetime import datetime
from pathlib import Path

import pytest

from perfpilot.evidence.bundle import EvidenceBundle
from perfpilot.evidence.models import AccessLogEntry
from perfpilot.target.spec import EvidenceSources, Target

FIXTURES = Path(__file__).resolve().parents[2] / "fixtures" / "skills" / "edge_computing"
_COMBINED = re.compile(
    r'\[(?P<time>[^\]]+)\] "(?P<method>\S+) (?P<path>\S+) [^"]*" (?P<status>\d{3}) (?P<bytes>\d+|-)'
    r' "[^"]*" "[^"]*"(?: (?P<seconds>[\d.]+))?'
)


def read_access_log(path: Path) -> list[AccessLogEntry]:
    entries = []
    for number, line in enumerate(path.read_text().splitlines(), start=1):
        match = _COMBINED.search(line)
        if match is None:
            continue
        stamp = datetime.strptime(match["time"], "%d/%b/%Y:%H:%M:%S %z").timestamp()
        entries.append(
            AccessLogEntry(
                timestamp=stamp,
                method=match["method"],
                path=match["path"],
                status=int(match["status"]),
                bytes_sent=None if match["bytes"] == "-" else int(match["bytes"]),
                duration_ms=float(match["seconds"]) * 1000 if match["seconds"] else None,
                line=number,
            )
        )
    return entries


def bundle_for(name: str) -> EvidenceBundle:
    target = Target(name="site", evidence=EvidenceSources(access_logs=[Path(name)]))
    return EvidenceBundle(target=target, access_logs=read_access_log(FIXTURES / name))


@pytest.fixture
def log_bundle() -> Callable[[str], EvidenceBundle]:
    """Build an evidence bundle from a fixture access log by name."""
    return bundle_for
