"""The request mix a load test sends: the declared weights, raised for endpoints that would otherwise get
too few requests for a p95 to mean anything, and spread evenly over the run.

A percentile rests on the requests beyond it: a p95 of 12 requests is noise. When a constant-rate run
is long enough to give every endpoint that many requests, the endpoints whose declared share falls short
are raised to the floor and the others scaled down in proportion (water-filling), so the total rate and
duration stay as planned. When the run is too short for that, the declared mix is kept and the thin
endpoints are judged "too few samples" later. Which endpoint an iteration requests follows a Weyl
sequence over the iteration number (the golden-ratio fractions), so every endpoint's count is its share
of the run to within a few requests, on every run.
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence

from pydantic import BaseModel, ConfigDict, Field

from perfpilot.skills.validation.change_interval import min_requests

P95 = 0.95
# Planned requests above the floor (%), for arrivals dropped when the service falls behind the rate.
FLOOR_MARGIN_PCT = 10


class RequestMix(BaseModel):
    """Each endpoint's share of a run's requests, and which shares were raised above their declared one."""

    model_config = ConfigDict(extra="forbid")

    shares: dict[str, float] = Field(description="Endpoint name -> share of the run's requests (sum 1).")
    declared: dict[str, float] = Field(description="Endpoint name -> share from the target's weights.")
    floor_requests: int = Field(description="Requests each endpoint was planned to get at least.")
    planned_requests: int
    raised: list[str] = Field(
        default_factory=list, description="Endpoints held at the floor (their share would fall under it)."
    )
    too_short: bool = Field(
        default=False, description="The run cannot give every endpoint the floor; the declared mix is kept."
    )

    def note(self) -> str | None:
        """One sentence for the report when the mix differs from the declared one, else None."""
        if self.too_short:
            return (
                f"{self.planned_requests} planned requests cannot give each of {len(self.shares)} endpoints "
                f"{self.floor_requests}: the declared mix is kept, and thin endpoints are judged on too few "
                "samples"
            )
        if not self.raised:
            return None
        changes = ", ".join(
            f"{name} {self.declared[name]:.1%} -> {self.shares[name]:.1%}" for name in self.raised
        )
        return (
            f"request shares raised so each endpoint gets at least {self.floor_requests} of "
            f"{self.planned_requests} requests (enough for a p95): {changes}; the others scaled down"
        )


def _water_fill(declared: Mapping[str, float], floor: float) -> tuple[dict[str, float], set[str]]:
    """Shares with every one at least `floor`, the rest scaled in proportion to the declared shares;
    and the endpoints held at the floor."""
    fixed: set[str] = set()
    while True:
        free = 1.0 - floor * len(fixed)
        rest = sum(v for k, v in declared.items() if k not in fixed)
        shares = {k: floor if k in fixed else free * v / rest for k, v in declared.items()}
        low = {k for k, v in shares.items() if k not in fixed and v < floor}
        if not low:
            return shares, fixed
        fixed |= low


def plan_mix(
    weights: Mapping[str, float], planned_requests: int, *, quantile: float = P95
) -> RequestMix:
    """The mix for a run of `planned_requests` over endpoints with these declared weights."""
    total = sum(weights.values())
    declared = {name: w / total for name, w in weights.items()}
    needed = min_requests(quantile)
    floor_requests = needed + -(-needed * FLOOR_MARGIN_PCT // 100)
    if floor_requests * len(declared) > planned_requests:
        return RequestMix(
            shares=declared, declared=declared, floor_requests=floor_requests,
            planned_requests=planned_requests, too_short=True,
        )
    shares, floored = _water_fill(declared, floor_requests / planned_requests)
    raised = [name for name in declared if name in floored]
    return RequestMix(
        shares=shares, declared=declared, floor_requests=floor_requests,
        planned_requests=planned_requests, raised=raised,
    )


GOLDEN_FRACTION = (math.sqrt(5) - 1) / 2


def endpoint_for_iteration(iteration: int, names: Sequence[str], shares: Mapping[str, float]) -> str:
    """The endpoint iteration `iteration` requests (what the k6 script computes, in Python for tests)."""
    u = (iteration * GOLDEN_FRACTION) % 1.0
    for name in names:
        u -= shares[name]
        if u < 0:
            return name
    return names[-1]
