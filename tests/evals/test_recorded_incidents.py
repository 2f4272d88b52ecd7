"""Recorded incidents name a recording script that exists, and no recording script imports perfpilot."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

from perfpilot.evals.loading import INCIDENTS_DIR, load_incident

REPO = Path(__file__).resolve().parents[2]
RECORDERS = REPO / "scripts" / "record_incidents"


def _recorded() -> list[tuple[str, str]]:
    found = []
    for folder in sorted(p for p in INCIDENTS_DIR.iterdir() if (p / "incident.yaml").is_file()):
        incident = load_incident(folder).incident
        if incident.recorded_by:
            found.append((incident.id, incident.recorded_by))
    return found


def test_the_database_incidents_are_recorded() -> None:
    ids = {incident_id for incident_id, _ in _recorded()}
    assert {i for i in ids if i.startswith("db-")} >= {
        "db-orders-missing-index-pgbench",
        "db-users-lower-email-pgbench",
        "db-events-composite-index-pgbench",
        "db-jobs-stale-statistics-pgbench",
        "db-pooled-sessions-not-n-plus-one",
        "db-order-page-n-plus-one-pglog",
        "db-orders-healthy-baseline",
    }


@pytest.mark.parametrize(("incident_id", "script"), _recorded())
def test_recorded_by_names_a_script_in_the_repository(incident_id: str, script: str) -> None:
    assert (REPO / script).is_file(), f"{incident_id}: recorded_by {script} does not exist"


@pytest.mark.parametrize("script", sorted(RECORDERS.glob("*.py")), ids=lambda p: p.name)
def test_recording_scripts_do_not_import_perfpilot(script: Path) -> None:
    tree = ast.parse(script.read_text(encoding="utf-8"))
    modules = [alias.name for node in ast.walk(tree) if isinstance(node, ast.Import) for alias in node.names]
    modules += [node.module or "" for node in ast.walk(tree) if isinstance(node, ast.ImportFrom)]
    assert not [m for m in modules if m.split(".")[0] == "perfpilot"]
