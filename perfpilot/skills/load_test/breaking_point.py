"""The breaking point of a run: the load at which p95 latency or the error rate crosses its limit.

The limits are the SLO's p95 and error rate; where the SLO gives neither, the k6 script's own thresholds
on the overall http_req_duration p(95) and http_req_failed rate. A window counts as the break when it
crosses a limit and the next window crosses too (or the run ends), so one noisy window is not a break.
"""

from __future__ import annotations

import re

from perfpilot.artifacts import BreakingPoint
from perfpilot.artifacts.load_tests import LimitName, LimitsFrom
from perfpilot.evidence.models import K6Summary, LoadWindow
from perfpilot.target.spec import Slos

_P95_THRESHOLD = re.compile(r"^\s*p\(95\)\s*<=?\s*([0-9.]+)\s*$")
_RATE_THRESHOLD = re.compile(r"^\s*rate\s*<=?\s*([0-9.]+)\s*$")


Limits = dict[LimitName, float]
_THRESHOLDS: dict[str, tuple[LimitName, re.Pattern[str]]] = {
    "http_req_duration": ("p95_ms", _P95_THRESHOLD),
    "http_req_failed": ("error_rate", _RATE_THRESHOLD),
}


def limits_for(summary: K6Summary, slos: Slos) -> tuple[Limits, LimitsFrom]:
    """({'p95_ms': ..., 'error_rate': ...}, 'slo' | 'k6 thresholds'); empty when neither gives one."""
    from_slo: Limits = {}
    if slos.p95_ms is not None:
        from_slo["p95_ms"] = slos.p95_ms
    if slos.error_rate is not None:
        from_slo["error_rate"] = slos.error_rate
    if from_slo:
        return from_slo, "slo"
    found: Limits = {}
    for threshold in summary.thresholds:
        key, pattern = _THRESHOLDS.get(threshold.metric, (None, None))
        match = pattern.match(threshold.expression) if pattern else None
        if key is not None and match:
            found[key] = min(found.get(key, float("inf")), float(match.group(1)))
    return found, "k6 thresholds"


def _crossed(window: LoadWindow, limits: Limits) -> list[LimitName]:
    crossed: list[LimitName] = []
    if "p95_ms" in limits and window.p95_ms is not None and window.p95_ms > limits["p95_ms"]:
        crossed.append("p95_ms")
    if "error_rate" in limits and window.error_rate is not None and window.error_rate > limits["error_rate"]:
        crossed.append("error_rate")
    return crossed


def breaking_point(summary: K6Summary, slos: Slos) -> BreakingPoint | None:
    """The first sustained crossing in the run's timeline; None without a timeline, limits or crossing."""
    limits, limits_from = limits_for(summary, slos)
    timeline = summary.timeline
    if timeline is None or not limits:
        return None
    windows = [w for w in timeline.windows if w.requests > 0]
    for i, window in enumerate(windows):
        crossed = _crossed(window, limits)
        following = windows[i + 1] if i + 1 < len(windows) else None
        if not crossed or (following is not None and not _crossed(following, limits)):
            continue
        good = [w for w in windows[:i] if not _crossed(w, limits)]
        best = max(good, key=lambda w: w.rps, default=None)
        return BreakingPoint(
            at_s=window.start_s,
            window_s=window.duration_s,
            rps=window.rps,
            vus=window.vus,
            p95_ms=window.p95_ms,
            error_rate=window.error_rate,
            crossed=crossed,
            limits=limits,
            limits_from=limits_from,
            max_good_rps=best.rps if best else None,
            max_good_vus=best.vus if best else None,
        )
    return None
