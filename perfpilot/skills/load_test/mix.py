"""The request mix a load test sends: the declared shares, spread evenly over the run, and which
endpoints the run is too short to judge.

A percentile rests on the requests beyond it: a p95 of 12 requests is noise. The mix is never changed
to feed thin endpoints (raising an expensive endpoint's share changes the load it is meant to measure);
instead each endpoint whose share of the planned requests falls under what its p95 needs is named with
the run length that would give it enough, and it is judged "too few samples" later. Which endpoint an
iteration requests follows a Weyl sequence over the iteration number (the golden-ratio fractions), so
every endpoint's count is its share of the run to within a few requests, on every run.
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence

from pydantic import BaseModel, ConfigDict, Field

from perfpilot.skills.validation.change_interval import min_requests

P95 = 0.95
GOLDEN_FRACTION = (math.sqrt(5) - 1) / 2


class ThinEndpoint(BaseModel):
    """An endpoint the planned run gives too few requests for a p95."""

    model_config = ConfigDict(extra="forbid")

    name: str
    share: float
    planned_requests: int
    needed_requests: int
    needed_duration_s: float = Field(description="Run length at the planned rate that would give enough.")


class RequestMix(BaseModel):
    """Each endpoint's share of a run's requests, and the endpoints the run is too short to judge."""

    model_config = ConfigDict(extra="forbid")

    shares: dict[str, float] = Field(description="Endpoint name -> share of the run's requests (sum 1).")
    planned_requests: int
    thin: list[ThinEndpoint] = Field(default_factory=list)

    def note(self) -> str | None:
        """One sentence for the report when some endpoint will have too few requests, else None."""
        if not self.thin:
            return None
        names = "; ".join(
            f"{t.name} ({t.share:.1%}): {t.planned_requests} of {self.planned_requests} requests, "
            f"a p95 needs {t.needed_requests}: a run of {t.needed_duration_s:.0f} s or more"
            for t in self.thin
        )
        return f"too short to judge every endpoint's p95 at the declared mix: {names}"


def shares_of(weights: Mapping[str, float]) -> dict[str, float]:
    """Each endpoint's share of requests from its declared weight."""
    total = sum(weights.values())
    return {name: w / total for name, w in weights.items()}


def plan_mix(
    weights: Mapping[str, float], rate_rps: float, duration_s: float, *, quantile: float = P95
) -> RequestMix:
    """The declared mix of a constant-rate run, with the endpoints it gives too few requests."""
    shares = shares_of(weights)
    planned = math.floor(rate_rps * duration_s)
    needed = min_requests(quantile)
    thin = [
        ThinEndpoint(
            name=name,
            share=share,
            planned_requests=math.floor(planned * share),
            needed_requests=needed,
            needed_duration_s=math.ceil(needed / (share * rate_rps)),
        )
        for name, share in shares.items()
        if planned * share < needed
    ]
    return RequestMix(shares=shares, planned_requests=planned, thin=thin)


def endpoint_for_iteration(iteration: int, names: Sequence[str], shares: Mapping[str, float]) -> str:
    """The endpoint iteration `iteration` requests (what the k6 script computes, in Python for tests)."""
    u = (iteration * GOLDEN_FRACTION) % 1.0
    for name in names:
        u -= shares[name]
        if u < 0:
            return name
    return names[-1]
