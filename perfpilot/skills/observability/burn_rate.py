"""SLO alerts as the SRE workbook writes them: the error budget's burn rate over a long and a short
window, for availability (the 5xx share) and latency (the share of requests slower than the SLO's
threshold, read from the latency histogram's bucket at that threshold).

A p95 target of T ms is the objective "95% of requests within T": its budget is 5% of requests. Burn
rate 1 spends the budget in exactly the SLO period (30 days); the workbook's pairs page at 14.4 (2% of
the budget in an hour) and 6 (5% in six hours) and open a ticket at 3 and 1; each pair needs both its
long and its short window over the rate, so an alert stops soon after the burning stops.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict

from perfpilot.evidence.models import MetricSample
from perfpilot.skills.observability.limits import EndpointLimit
from perfpilot.skills.observability.promql import promql_string, rule_slug, selector
from perfpilot.skills.observability.routes import LATENCY_HISTOGRAM

WINDOWS = ("5m", "30m", "1h", "2h", "6h", "1d", "3d")
# (severity, long window, short window, burn rate) for a 30-day SLO: the SRE workbook, chapter 5,
# "Multiwindow, Multi-Burn-Rate Alerts".
BURN_ALERTS: tuple[tuple[Literal["page", "ticket"], str, str, float], ...] = (
    ("page", "1h", "5m", 14.4),
    ("page", "6h", "30m", 6.0),
    ("ticket", "1d", "2h", 3.0),
    ("ticket", "3d", "6h", 1.0),
)
RECORD = "slo:sli_error:ratio_rate{window}"
QUANTILE_BUDGET = {"p95": 0.05, "p99": 0.01}


class SloObjective(BaseModel):
    """One SLO an alert guards: which requests, what counts as bad, and the budget of bad ones."""

    model_config = ConfigDict(extra="forbid")

    slo: str
    endpoint: str
    sli: Literal["availability", "latency"]
    budget: float
    matchers: str
    le: str | None = None
    subject: str


def histogram_buckets(samples: Iterable[MetricSample]) -> dict[float, str]:
    """The latency histogram's bucket bounds in the metrics evidence, as numbers -> their label text."""
    bounds: dict[float, str] = {}
    for sample in samples:
        if sample.name == f"{LATENCY_HISTOGRAM}_bucket" and "le" in sample.labels:
            text = sample.labels["le"]
            try:
                bounds[float(text)] = text
            except ValueError:
                continue
    return bounds


def latency_bucket(threshold_s: float, buckets: dict[float, str]) -> tuple[str, str | None]:
    """The `le` to count fast requests with, and a note when it is not the threshold itself."""
    if not buckets:
        text = f"{threshold_s:g}"
        return text, f"the latency SLI needs a histogram bucket at le=\"{text}\" (no buckets in the evidence)"
    if threshold_s in buckets:
        return buckets[threshold_s], None
    above = sorted(b for b in buckets if b > threshold_s and b != float("inf"))
    if not above:
        text = f"{threshold_s:g}"
        return text, f"no histogram bucket at or above {text} s: add one at le=\"{text}\""
    chosen = buckets[above[0]]
    return chosen, (
        f"the histogram has no bucket at {threshold_s:g} s: the latency SLI counts requests over "
        f"le=\"{chosen}\", the next bucket up, so it alerts later than the SLO would"
    )


def objectives(
    limits: Sequence[EndpointLimit],
    route_label: str,
    *,
    with_method: bool,
    buckets: dict[float, str],
) -> tuple[list[SloObjective], list[str]]:
    """An availability and a latency objective for each limit that has an SLO (an error rate of 0 has
    no budget to burn: it keeps its static alert); notes on the buckets."""
    found: list[SloObjective] = []
    notes: list[str] = []
    for limit in limits:
        matchers = selector(limit, route_label, with_method=with_method).strip("{}")
        subject = "all requests" if limit.route is None else f"{limit.method or ''} {limit.route}".strip()
        slug = rule_slug(limit.name)
        budget = limit.slo_error_rate
        if budget is not None and budget > 0:
            found.append(
                SloObjective(
                    slo=f"{slug}-availability", endpoint=limit.name, sli="availability",
                    budget=budget, matchers=matchers, subject=subject,
                )
            )
        if limit.slo_p95_ms is not None:
            le, note = latency_bucket(limit.slo_p95_ms / 1000, buckets)
            if note and note not in notes:
                notes.append(note)
            found.append(
                SloObjective(
                    slo=f"{slug}-latency", endpoint=limit.name, sli="latency",
                    budget=QUANTILE_BUDGET["p95"], matchers=matchers, le=le,
                    subject=f"{subject} within {limit.slo_p95_ms:g} ms",
                )
            )
    return found, notes


def _join(*matchers: str) -> str:
    kept = [m for m in matchers if m]
    return "{" + ",".join(kept) + "}" if kept else ""


def bad_ratio(objective: SloObjective, window: str) -> str:
    """PromQL for the share of bad requests over `window`."""
    count = f"{LATENCY_HISTOGRAM}_count"
    total = f"sum(rate({count}{_join(objective.matchers)}[{window}]))"
    if objective.sli == "availability":
        failed = _join(objective.matchers, 'status=~"5.."')
        return f"(sum(rate({count}{failed}[{window}])) or vector(0)) / {total}"
    fast = _join(objective.matchers, f"le={promql_string(objective.le or '')}")
    return f"1 - sum(rate({LATENCY_HISTOGRAM}_bucket{fast}[{window}])) / {total}"


def recording_rules(service: str, found: Sequence[SloObjective]) -> list[dict[str, Any]]:
    """One recording rule per objective and window."""
    return [
        {
            "record": RECORD.format(window=window),
            "expr": bad_ratio(objective, window),
            "labels": {"slo": objective.slo, "service": service, "endpoint": objective.endpoint},
        }
        for objective in found
        for window in WINDOWS
    ]


def burn_alerts(service: str, found: Sequence[SloObjective]) -> list[dict[str, Any]]:
    """A page and a ticket alert per objective, each the OR of its two window pairs."""
    alerts: list[dict[str, Any]] = []
    for objective in found:
        series = f'{{slo={promql_string(objective.slo)},service={promql_string(service)}}}'
        for severity in ("page", "ticket"):
            pairs = [
                f"({RECORD.format(window=long)}{series} > ({rate:g} * {objective.budget:g}) and "
                f"{RECORD.format(window=short)}{series} > ({rate:g} * {objective.budget:g}))"
                for level, long, short, rate in BURN_ALERTS
                if level == severity
            ]
            alerts.append(
                {
                    "alert": f"SLOBurnRate{severity.title()}_{rule_slug(objective.slo)}",
                    "expr": " or ".join(pairs),
                    "labels": {
                        "severity": "critical" if severity == "page" else "warning",
                        "service": service,
                        "endpoint": objective.endpoint,
                        "slo": objective.slo,
                    },
                    "annotations": {
                        "summary": (
                            f"{objective.sli} SLO of {objective.subject}: error budget "
                            f"({objective.budget:.2%} of requests) burning fast"
                        ).replace("{{", "{ {").replace("}}", "} }"),
                    },
                }
            )
    return alerts
