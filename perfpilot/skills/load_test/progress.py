"""Parse k6's once-a-second progress lines (non-TTY stdout) into typed snapshots for live logging."""

from __future__ import annotations

import re

from pydantic import BaseModel, ConfigDict

# running (0m02.4s), 00/05 VUs, 48 complete and 0 interrupted iterations
_RUNNING = re.compile(
    r"^running \((?P<elapsed>[0-9hms.]+)\), (?P<vus>\d+)/(?P<max_vus>\d+) VUs, "
    r"(?P<complete>\d+) complete and (?P<interrupted>\d+) interrupted iterations"
)
# baseline   [  33% ] 00/05 VUs  1.0s/3s  50.00 iters/s
_SCENARIO = re.compile(
    r"^(?P<scenario>\S+)\s+\S*\s*\[\s*(?P<percent>\d+)% \]\s+\d+/\d+ VUs\s+\S+\s+(?P<rate>[\d.]+) iters/s"
)
_DURATION_PART = re.compile(r"(\d+(?:\.\d+)?)([hms])")
_UNIT_S = {"h": 3600.0, "m": 60.0, "s": 1.0}


class K6Progress(BaseModel):
    """One progress snapshot: elapsed time, VUs, iterations so far and the scenario's current rate."""

    model_config = ConfigDict(extra="forbid")

    elapsed_s: float
    vus: int
    max_vus: int
    complete: int
    interrupted: int
    scenario: str | None = None
    percent: int | None = None
    rate_rps: float | None = None


def parse_elapsed(text: str) -> float:
    """'1h02m03.5s' / '0m02.4s' / '01.0s' -> seconds."""
    return sum(float(value) * _UNIT_S[unit] for value, unit in _DURATION_PART.findall(text))


class ProgressTracker:
    """Feed stdout lines; returns a snapshot when a scenario line completes a 'running (...)' line."""

    def __init__(self) -> None:
        self._running: K6Progress | None = None

    def feed(self, line: str) -> K6Progress | None:
        text = line.strip()
        running = _RUNNING.match(text)
        if running:
            self._running = K6Progress(
                elapsed_s=parse_elapsed(running["elapsed"]),
                vus=int(running["vus"]),
                max_vus=int(running["max_vus"]),
                complete=int(running["complete"]),
                interrupted=int(running["interrupted"]),
            )
            return None
        scenario = _SCENARIO.match(text)
        if scenario and self._running is not None:
            snapshot = self._running.model_copy(
                update={
                    "scenario": scenario["scenario"],
                    "percent": int(scenario["percent"]),
                    "rate_rps": float(scenario["rate"]),
                }
            )
            self._running = None
            return snapshot
        return None
