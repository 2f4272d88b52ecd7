"""Expected vs got, item by item: bottleneck layers, each required and forbidden finding, status and tier."""

from __future__ import annotations

from typing import Literal

from pydantic import BaseModel, ConfigDict

from perfpilot.artifacts.findings import Finding
from perfpilot.artifacts.report import RunReport
from perfpilot.evals.incident import FindingMatch, Incident
from perfpilot.evals.scoring import finding_matches
from perfpilot.graphs.routing import bottleneck_layers

Aspect = Literal["layers", "finding", "forbidden", "status", "tier"]
RIGHT_ASPECTS: tuple[Aspect, ...] = ("layers", "finding", "forbidden", "status")
"""What an incident must get right to count as right: layers, required findings, no forbidden one, status."""
NONE = "(none)"


class Check(BaseModel):
    """One stated expectation next to what the run produced."""

    model_config = ConfigDict(extra="forbid")

    aspect: Aspect
    expected: str
    got: str
    ok: bool


def _short(match: FindingMatch) -> str:
    """kind and subject, without the skill (the kind names it well enough in a table cell)."""
    return f"{match.kind} {match.subject}".strip()


def _same_kind(expected: FindingMatch, findings: list[Finding]) -> list[str]:
    return [f.subject for f in findings if f.skill == expected.skill and f.kind == expected.kind]


def _finding_check(expected: FindingMatch, findings: list[Finding]) -> Check:
    hit = next((f for f in findings if finding_matches(expected, f)), None)
    if hit is not None:
        got = f"{hit.kind} {hit.subject}"
    else:
        others = _same_kind(expected, findings)
        got = f"not found ({expected.kind}: {', '.join(others[:3])})" if others else "not found"
    return Check(aspect="finding", expected=_short(expected), got=got, ok=hit is not None)


def _forbidden_check(forbidden: FindingMatch, findings: list[Finding]) -> Check:
    hit = next((f for f in findings if finding_matches(forbidden, f)), None)
    got = "absent" if hit is None else f"reported: {hit.kind} {hit.subject}"
    return Check(aspect="forbidden", expected=f"no {_short(forbidden)}", got=got, ok=hit is None)


def expectation_checks(incident: Incident, report: RunReport) -> list[Check]:
    """A check per stated expectation of layers, findings, forbidden findings, status and tier."""
    exp = incident.expectations
    checks: list[Check] = []
    if exp.bottleneck_layers is not None:
        inventory = report.inventory
        got = bottleneck_layers(inventory) if inventory else []
        wanted = sorted(set(exp.bottleneck_layers))
        checks.append(
            Check(
                aspect="layers",
                expected=", ".join(wanted) or NONE,
                got=", ".join(got) or NONE,
                ok=got == wanted,
            )
        )
    findings = report.all_findings()
    checks += [_finding_check(expected, findings) for expected in exp.findings]
    checks += [_forbidden_check(forbidden, findings) for forbidden in exp.forbidden_findings]
    if exp.status is not None:
        checks.append(
            Check(aspect="status", expected=exp.status, got=report.status, ok=exp.status == report.status)
        )
    if exp.tier is not None:
        checks.append(
            Check(aspect="tier", expected=exp.tier, got=report.tier or NONE, ok=exp.tier == report.tier)
        )
    return checks


def is_right(checks: list[Check]) -> bool:
    """Every layers, required-finding, forbidden-finding and status check passed (tier is not counted)."""
    return all(c.ok for c in checks if c.aspect in RIGHT_ASPECTS)
