"""report.json: the RunReport, with secrets redacted."""

from __future__ import annotations

import json
from pathlib import Path

from perfpilot.artifacts.report import RunReport
from perfpilot.redaction import redact_obj


def report_dict(report: RunReport) -> dict[str, object]:
    data: dict[str, object] = redact_obj(report.model_dump(mode="json"))
    return data


def write_json(report: RunReport, path: Path) -> None:
    path.write_text(json.dumps(report_dict(report), indent=2) + "\n", encoding="utf-8")
