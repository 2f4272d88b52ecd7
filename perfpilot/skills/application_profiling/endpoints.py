"""CPU per endpoint from profiles: profiles declared per endpoint, or pprof samples labelled per endpoint."""

from __future__ import annotations

from collections import defaultdict

from perfpilot.evidence.profile_models import Profile

ENDPOINT_LABELS = ("endpoint", "http.route", "route", "handler")
"""pprof label keys that name the endpoint a sample served (e.g. Go's pprof.Do(ctx, pprof.Labels(...)))."""


def endpoint_shares(profiles: list[Profile]) -> dict[str, float]:
    """Endpoint -> share of the profiled total, when the profiles can be split so (same unit); else {}."""
    values: dict[str, float] = defaultdict(float)
    units = set()
    for profile in profiles:
        if profile.endpoint:
            values[profile.endpoint] += profile.total
            units.add((profile.value_type, profile.unit))
            continue
        for stack in profile.stacks:
            label = next((stack.labels[k] for k in ENDPOINT_LABELS if k in stack.labels), None)
            if label is not None:
                values[label] += stack.value
                units.add((profile.value_type, profile.unit))
    total = sum(values.values())
    if len(units) != 1 or total <= 0:
        return {}
    return {k: round(v / total, 4) for k, v in sorted(values.items(), key=lambda kv: (-kv[1], kv[0]))}
