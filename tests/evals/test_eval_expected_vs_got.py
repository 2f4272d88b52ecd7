"""Expected vs got per incident (layers, findings, forbidden findings, status, tier); the recorded share."""

from __future__ import annotations

from typing import Any

from perfpilot.artifacts import BottleneckInventory
from perfpilot.artifacts.bottlenecks import Bottleneck
from perfpilot.artifacts.findings import Finding, RootCauseReport
from perfpilot.artifacts.report import RunReport
from perfpilot.evals.checks import Check, expectation_checks
from perfpilot.evals.expected_vs_got import recorded_line, row
from perfpilot.evals.incident import Incident
from perfpilot.evals.results import IncidentResult
from perfpilot.evals.summary import render_summary

DB = "database-optimization-analyzer"


def _incident(**expectations: Any) -> Incident:
    return Incident.model_validate(
        {"id": "db-x", "title": "t", "modelled_on": "m", "recorded_by": "scripts/x.py", "target": {},
         "expectations": expectations}
    )


def _report(status: str = "projected", tier: str | None = "T1", subjects: tuple[str, ...] = ()) -> RunReport:
    findings = [
        Finding(id=f"f{i}", skill=DB, kind="missing_index", layer="database", subject=s, title="t",
                root_cause="r", impact=0.5)
        for i, s in enumerate(subjects)
    ]
    return RunReport(
        run_id="r", target="t", status=status, tier=tier,  # type: ignore[arg-type]
        inventory=BottleneckInventory(
            bottlenecks=[Bottleneck(id="b", layer="database", title="db", subject="q", impact=0.6)]
        ),
        root_cause=RootCauseReport(findings=findings),
    )


EXPECTATIONS = {
    "status": "projected",
    "tier": "T1",
    "bottleneck_layers": ["database"],
    "findings": [{"skill": DB, "kind": "missing_index", "subject": "orders(customer_id"}],
    "forbidden_findings": [{"skill": DB, "kind": "missing_index", "subject": "customers(id"}],
}


def test_every_stated_expectation_becomes_a_check_with_what_was_got() -> None:
    checks = expectation_checks(_incident(**EXPECTATIONS), _report(subjects=("orders(customer_id)",)))
    assert checks == [
        Check(aspect="layers", expected="database", got="database", ok=True),
        Check(aspect="finding", expected="missing_index orders(customer_id",
              got="missing_index orders(customer_id)", ok=True),
        Check(aspect="forbidden", expected="no missing_index customers(id", got="absent", ok=True),
        Check(aspect="status", expected="projected", got="projected", ok=True),
        Check(aspect="tier", expected="T1", got="T1", ok=True),
    ]


def test_misses_name_what_was_reported_instead() -> None:
    report = _report(status="targets_met", tier="T0", subjects=("orders(status)", "customers(id)"))
    checks = {c.aspect: c for c in expectation_checks(_incident(**EXPECTATIONS), report)}
    assert checks["finding"].got == "not found (missing_index: orders(status), customers(id))"
    assert checks["forbidden"] == Check(
        aspect="forbidden",
        expected="no missing_index customers(id",
        got="reported: missing_index customers(id)",
        ok=False,
    )
    assert (checks["status"].ok, checks["tier"].got) == (False, "T0")


def test_unstated_expectations_are_not_checked() -> None:
    assert expectation_checks(_incident(status="projected"), _report()) == [
        Check(aspect="status", expected="projected", got="projected", ok=True)
    ]


def _result(right: bool, recorded: bool = True, **fields: Any) -> IncidentResult:
    status = "projected" if right else "targets_met"
    checks = [
        Check(aspect="status", expected="projected", got=status, ok=right),
        Check(aspect="tier", expected="T1", got="T0", ok=False),
    ]
    return IncidentResult(id="db-x", recorded_by="scripts/x.py" if recorded else None, status="projected",
                          checks=checks, **fields)


def test_tier_is_shown_but_right_counts_layers_findings_forbidden_and_status() -> None:
    assert _result(right=True).right
    assert not _result(right=False).right
    assert not _result(right=True, valid=False).right
    assert not IncidentResult(id="crashed", recorded_by="s.py").right  # no status: the run failed


def test_row_shows_expected_then_got_and_marks_misses() -> None:
    assert row(_result(right=False)) == (
        "| db-x (recorded) | - | - | - | projected -> targets_met (x) | T1 -> T0 (x) | no |"
    )


def test_recorded_line_counts_only_incidents_with_recorded_by() -> None:
    results = [_result(right=True), _result(right=False), _result(right=False, recorded=False)]
    assert recorded_line(results).startswith("Recorded incidents (recorded_by set): 1 of 2 right (50%)")
    assert recorded_line([_result(right=True, recorded=False)]).startswith("No incident recorded")
    summary = render_summary(results)
    assert "| incident | layers expected -> got |" in summary
    assert "1 of 2 right" in summary
