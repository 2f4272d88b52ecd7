"""`perfpilot eval record`: capture a run of a target as a new incident with pre-filled expectations."""

from __future__ import annotations

import shutil
from pathlib import Path
from typing import Any

import yaml

from perfpilot.agents.planners.base import Planner
from perfpilot.artifacts.report import RunReport
from perfpilot.evals.loading import INCIDENT_FILE, load_incident
from perfpilot.evals.runner import run_incident
from perfpilot.evals.scaffold import ID_PATTERN, ScaffoldError
from perfpilot.target.load import _paths, load_target

HEADER = """\
# Recorded by `perfpilot eval record` from {source}.
# REVIEW BEFORE COMMITTING: the expectations below were PRE-FILLED FROM PERFPILOT'S OWN RUN, so they
# describe what perfpilot did, not necessarily what is correct. Make each one a true statement about
# correct behaviour (fix the path, tier, findings and changes where perfpilot was wrong), fill in
# title, description and modelled_on, and add forbidden_findings. See docs/evals.md.
"""
LIVE_ONLY = ("service",)


def _set(data: Any, loc: tuple[str | int, ...], value: str) -> None:
    for key in loc[:-1]:
        if isinstance(data[key], str):  # a bare path the spec reads as {path: ...} (e.g. load_tests)
            data[key] = value
            return
        data = data[key]
    data[loc[-1]] = value


def copy_evidence(target_file: Path, folder: Path) -> dict[str, Any]:
    """Copy every evidence file into the folder; return the target mapping rewritten to relative names."""
    raw: dict[str, Any] = yaml.safe_load(target_file.read_text(encoding="utf-8"))
    evidence = raw.get("evidence", {})
    for key in LIVE_ONLY:
        evidence.pop(key, None)
    target = load_target(target_file)
    used: set[str] = set()
    for loc, path in _paths(target):
        if loc[1] in LIVE_ONLY or not path.is_file():
            continue
        name = path.name
        while name in used or name == INCIDENT_FILE:
            name = f"{len(used)}-{path.name}"
        used.add(name)
        shutil.copy2(path, folder / name)
        _set(raw, loc, name)
    return raw


def expectations_from(report: RunReport) -> dict[str, Any]:
    """Expectations as perfpilot's run saw them: a draft for a person to correct."""
    findings = report.all_findings()
    changes = report.plan.changes if report.plan else []
    layers = sorted({b.layer for b in report.inventory.significant()}) if report.inventory else []
    remediation: dict[str, Any] = (
        {"changes": [{"kind": c.kind, "contains": c.content[:60]} for c in changes[:3]]}
        if changes
        else {"no_changes": True}
    )
    draft: dict[str, Any] = {
        "status": report.status,
        "tier": report.tier,
        "decision_path": report.decision_path,
        "bottleneck_layers": layers,
        "findings": [
            {"skill": f.skill, "kind": f.kind, "subject": f.subject} for f in findings if f.priority == "high"
        ],
        "forbidden_findings": [],
        "remediation": remediation,
    }
    if report.validation is not None:
        share = report.validation.targets_met_share
        draft["improvement"] = {"targets_met_share": {"min": share, "max": 1.0}}
    return draft


def record_incident(target_file: Path, incident_id: str, root: Path, planner: Planner) -> Path:
    """A new incident folder from a target: its evidence copied, a run made, expectations pre-filled."""
    if not ID_PATTERN.match(incident_id):
        raise ScaffoldError(f"incident id {incident_id!r}: use lower-case letters, digits and dashes")
    folder = root / incident_id
    if (folder / INCIDENT_FILE).exists():
        raise ScaffoldError(f"{folder / INCIDENT_FILE} already exists")
    folder.mkdir(parents=True, exist_ok=True)
    target = copy_evidence(target_file, folder)
    incident: dict[str, Any] = {
        "id": incident_id,
        "title": f"TODO: recorded run of {target.get('name', incident_id)}",
        "description": "TODO",
        "tags": ["recorded"],
        "modelled_on": f"TODO: recorded from {target_file}",
        "target": target,
        "expectations": {},
    }
    path = folder / INCIDENT_FILE
    path.write_text(yaml.safe_dump(incident, sort_keys=False, allow_unicode=True), encoding="utf-8")
    report = run_incident(load_incident(folder), planner, folder / ".work")
    shutil.rmtree(folder / ".work", ignore_errors=True)
    incident["expectations"] = expectations_from(report)
    body = yaml.safe_dump(incident, sort_keys=False, allow_unicode=True, width=110)
    path.write_text(HEADER.format(source=target_file) + body, encoding="utf-8")
    return folder
