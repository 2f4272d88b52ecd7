"""Every k6 run in the evidence as a LoadTestRun: role, figures, crossed thresholds, breaking point."""

from __future__ import annotations

from perfpilot.artifacts import FailedThreshold, LoadTestRun
from perfpilot.evidence.k6_summary import find_metric
from perfpilot.evidence.models import K6Summary
from perfpilot.skills.load_test.breaking_point import breaking_point
from perfpilot.skills.load_test.roles import RoleOf, assign_roles
from perfpilot.target.spec import Slos


def _run(summary: K6Summary, role: RoleOf, slos: Slos) -> LoadTestRun:
    reqs = find_metric(summary, "http_reqs")
    failed = find_metric(summary, "http_req_failed")
    duration = find_metric(summary, "http_req_duration")
    vus = find_metric(summary, "vus_max") or find_metric(summary, "vus")
    point = breaking_point(summary, slos) if role.role == "stress" else None
    notes = []
    if role.role == "stress" and point is None:
        notes.append(
            "no breaking point: the limits were not crossed"
            if summary.timeline is not None
            else "no breaking point: the run has no time series (k6 --out json= or --out csv=)"
        )
    return LoadTestRun(
        source=summary.source,
        role=role.role,
        role_basis=role.basis,
        duration_s=round(summary.duration_s, 3) if summary.duration_s is not None else None,
        requests=int(reqs.values.get("count", 0)) if reqs else 0,
        rps=round(reqs.values["rate"], 3) if reqs and "rate" in reqs.values else None,
        p95_ms=duration.values.get("p(95)") if duration else None,
        error_rate=failed.values.get("rate") if failed else None,
        max_vus=vus.values.get("max", vus.values.get("value")) if vus else None,
        failed_thresholds=[
            FailedThreshold(metric=t.metric, expression=t.expression) for t in summary.thresholds if not t.ok
        ],
        breaking_point=point,
        processes=summary.processes,
        served_by=summary.served_by,
        notes=notes,
    )


def load_test_runs(summaries: list[K6Summary], slos: Slos) -> list[LoadTestRun]:
    """One LoadTestRun per summary, in evidence order."""
    roles = assign_roles(summaries)
    return [_run(s, r, slos) for s, r in zip(summaries, roles, strict=True)]
