"""Seeded request samples per route: log-normal latencies fixed by a median and a p95, and 5xx errors."""

from __future__ import annotations

import math
import random
from dataclasses import dataclass, field


@dataclass(frozen=True)
class Route:
    """One route's traffic: count, latency median and p95 (ms), 5xx share, and the database's time share."""

    method: str
    route: str
    requests: int
    p50_ms: float
    p95_ms: float
    error_rate: float = 0.001
    db_share: float = 0.1
    example_path: str = ""

    @property
    def name(self) -> str:
        return f"{self.method} {self.route}"

    def path(self, rng: random.Random) -> str:
        return self.example_path or self.route.replace("{id}", str(rng.randint(1, 250_000)))


@dataclass
class Sample:
    """One request as a server saw it."""

    route: Route
    offset_s: float
    duration_ms: float
    status: int


@dataclass
class Traffic:
    """Every sampled request of a recording window, in time order."""

    duration_s: float
    samples: list[Sample] = field(default_factory=list)

    def of(self, route: Route) -> list[Sample]:
        return [s for s in self.samples if s.route == route]


def sample_traffic(routes: list[Route], duration_s: float, seed: int) -> Traffic:
    """Each route's requests: log-normal latency with the given median and p95, spread over the window."""
    rng = random.Random(seed)
    samples: list[Sample] = []
    for route in routes:
        sigma = math.log(route.p95_ms / route.p50_ms) / 1.6449
        for _ in range(route.requests):
            duration = route.p50_ms * math.exp(rng.gauss(0.0, sigma))
            status = 500 if rng.random() < route.error_rate else (201 if route.method == "POST" else 200)
            samples.append(Sample(route, rng.uniform(0, duration_s), round(duration, 3), status))
    samples.sort(key=lambda s: s.offset_s)
    return Traffic(duration_s=duration_s, samples=samples)


def percentile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[max(0, math.ceil(q * len(ordered)) - 1)] if ordered else 0.0
