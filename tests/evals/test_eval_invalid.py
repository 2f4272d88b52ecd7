"""A malformed incident.yaml is reported invalid with its field and line named; the others still run."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from perfpilot.agents.planners.offline import OfflinePlanner
from perfpilot.evals.loading import INCIDENTS_DIR, IncidentError, load_incident
from perfpilot.evals.runner import evaluate
from perfpilot.evals.summary import render_summary


def _copy(name: str, root: Path) -> Path:
    return Path(shutil.copytree(INCIDENTS_DIR / name, root / name))


def test_malformed_incident_is_invalid_with_field_and_line_and_others_still_run(tmp_path: Path) -> None:
    good = _copy("healthy-rightsized-k8s", tmp_path)
    bad = _copy("single-node-db-saturated", tmp_path)
    text = (bad / "incident.yaml").read_text()
    (bad / "incident.yaml").write_text(text.replace("  tier: T4\n", "  tier: T9\n"))
    line = text.splitlines().index("  tier: T4") + 1

    results = {r.id: r for r in evaluate([bad, good], lambda _: OfflinePlanner())}

    invalid = results["single-node-db-saturated"]
    assert not invalid.valid and invalid.score == 0
    assert "field 'expectations.tier'" in (invalid.error or "")
    assert f"line {line}" in (invalid.error or "")
    assert results["healthy-rightsized-k8s"].valid
    assert results["healthy-rightsized-k8s"].status == "targets_met"
    summary = render_summary(list(results.values()))
    assert "| single-node-db-saturated | INVALID |" in summary
    assert "1 invalid" in summary


def test_bad_target_field_inside_the_incident_is_named(tmp_path: Path) -> None:
    bad = _copy("healthy-rightsized-k8s", tmp_path)
    text = (bad / "incident.yaml").read_text().replace("    p95_ms: 250\n", "    p95_ms: fast\n")
    (bad / "incident.yaml").write_text(text)
    with pytest.raises(IncidentError) as caught:
        load_incident(bad)
    assert any("field 'target.slos.p95_ms'" in p for p in caught.value.problems)


def test_missing_evidence_file_is_named(tmp_path: Path) -> None:
    bad = _copy("healthy-rightsized-k8s", tmp_path)
    (bad / "Dockerfile").unlink()
    with pytest.raises(IncidentError) as caught:
        load_incident(bad)
    assert any("target.evidence.containers.0" in p and "Dockerfile" in p for p in caught.value.problems)


def test_yaml_syntax_error_names_the_line(tmp_path: Path) -> None:
    bad = tmp_path / "broken"
    bad.mkdir()
    (bad / "incident.yaml").write_text("id: broken\ntitle: [unclosed\n")
    with pytest.raises(IncidentError) as caught:
        load_incident(bad)
    assert "not valid YAML" in caught.value.problems[0] and "line" in caught.value.problems[0]
