"""N+1 patterns as findings; impact: the repeated calls' share of request (traces) or log statement time."""

from __future__ import annotations

from perfpilot.artifacts import EvidenceRef, Finding, ImpactEstimate, Remediation
from perfpilot.artifacts.priority import priority_from_impact
from perfpilot.skills.database_optimization.findings.format import db_finding, excerpt, safe_label
from perfpilot.skills.database_optimization.nplusone.detect import NPlusOne
from perfpilot.workload.tables import tables_of


def _on_table(fingerprint: str) -> str:
    tables = tables_of(fingerprint)
    return f" on {safe_label(tables[0], 40)}" if tables else ""


GROUPED_BY = {
    "trace": "trace(s)",
    "request": "request(s) (by request id)",
    "transaction": "transaction(s) (between BEGIN and COMMIT)",
    "application_name": "request(s) (by their per-request application_name)",
    "connection": "connection(s)",
}


def nplusone_finding(found: NPlusOne, total_time_s: float) -> Finding:
    """`total_time_s`: all traced request time (traces) or all logged statement time (logs). Calls that
    only share a connection give a low-priority hint instead (kind n_plus_one_hint)."""
    where = found.endpoint or "sessions"
    subject = safe_label(f"{where}: shape {found.shape_id}", 200)
    impact = min(1.0, found.repeated_time_s / total_time_s) if total_time_s > 0 else 0.0
    if found.grouped_by == "connection":
        return _hint(found, subject, impact)
    batched = found.repeated_time_s / max(1.0, found.calls_median)
    content = found.rewrite + (f"\n\n{found.rewrite_sql}" if found.rewrite_sql else "")
    scope = GROUPED_BY[found.grouped_by]
    return db_finding(
        "n_plus_one",
        subject,
        title=f"N+1 queries{_on_table(found.fingerprint)} in {safe_label(where)}: "
        f"{found.calls_median:g} calls per request (max {found.calls_max})",
        root_cause=f"In {found.requests} {scope} the same statement shape runs once per row of the "
        f"preceding query ({found.calls_median:g} times per request, up to {found.calls_max}), taking a "
        f"median {found.request_share_median:.0%} of the request's time.",
        impact=round(impact, 4),
        estimate=ImpactEstimate(
            metric="workload_time_s",
            current=found.repeated_time_s,
            expected=round(batched, 6),
            unit="s",
            method="the repeated calls replaced by one batched query per request, assumed to cost about "
            "one of them",
        ),
        priority=priority_from_impact(impact),
        complexity="complex",
        remediation=Remediation(
            kind="patch",
            title="Batch the per-row queries",
            content=content,
            rollback="Revert the application change; no schema or data change is involved.",
            effort_days=1.0,
            risk="medium",
            auto_applicable=False,
        ),
        evidence=_evidence(found),
    )


def _hint(found: NPlusOne, subject: str, impact: float) -> Finding:
    """A burst on a shared connection with nothing tying its calls to one request: a lead to confirm."""
    return db_finding(
        "n_plus_one_hint",
        subject,
        title=f"Possible N+1{_on_table(found.fingerprint)} (low confidence): {found.calls_median:g} calls in "
        "a row on one connection",
        root_cause=f"On {found.requests} connection(s) the same statement shape ran {found.calls_median:g} "
        f"times in a row (up to {found.calls_max}) right after another statement, but the log ties these "
        "statements to no request: no request or trace id, no BEGIN ... COMMIT around them, no "
        "per-request application_name. Unrelated requests served one after another by a pooled "
        "connection look the same. Log a request or trace id per statement to confirm.",
        impact=round(impact, 4),
        priority="low",
        complexity="complex",
        evidence=_evidence(found),
    )


def _evidence(found: NPlusOne) -> list[EvidenceRef]:
    """The burst: one statement with its figures, and the parent statement before it."""
    return [
        EvidenceRef(
            source=found.source,
            line=found.line,
            excerpt=excerpt(found.example),
            values={
                "calls_median": found.calls_median,
                "calls_max": float(found.calls_max),
                "requests": float(found.requests),
                "request_share_median": found.request_share_median,
                "repeated_time_s": found.repeated_time_s,
            },
        ),
        *(
            [EvidenceRef(source=found.source, excerpt="parent: " + excerpt(found.parent_example))]
            if found.parent_example
            else []
        ),
    ]
