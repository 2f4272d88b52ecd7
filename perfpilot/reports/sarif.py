"""SARIF 2.1.0 output of the findings, so CI code-scanning tools can show them."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from perfpilot import __version__
from perfpilot.artifacts.report import RunReport
from perfpilot.redaction import redact_obj

LEVELS = {"high": "error", "medium": "warning", "low": "note"}


def sarif(report: RunReport) -> dict[str, Any]:
    findings = report.all_findings()
    rules = sorted({f.kind for f in findings})
    results = []
    for f in findings:
        result: dict[str, Any] = {
            "ruleId": f.kind,
            "level": LEVELS[f.priority],
            "message": {"text": f"{f.title}. {f.root_cause}"},
            "partialFingerprints": {"perfpilotFindingId": f.id},
            "properties": {"impact": f.impact, "layer": f.layer, "subject": f.subject, "skill": f.skill},
        }
        located = [e for e in f.evidence if e.source and ("/" in e.source or "." in e.source)]
        if located:
            region = {"startLine": located[0].line} if located[0].line else {}
            result["locations"] = [
                {
                    "physicalLocation": {
                        "artifactLocation": {"uri": located[0].source},
                        **({"region": region} if region else {}),
                    }
                }
            ]
        results.append(result)
    return {
        "$schema": "https://json.schemastore.org/sarif-2.1.0.json",
        "version": "2.1.0",
        "runs": [
            {
                "tool": {
                    "driver": {
                        "name": "perfpilot",
                        "version": __version__,
                        "rules": [
                            {"id": r, "shortDescription": {"text": r.replace("_", " ")}} for r in rules
                        ],
                    }
                },
                "results": results,
            }
        ],
    }


def write_sarif(report: RunReport, path: Path) -> None:
    path.write_text(json.dumps(redact_obj(sarif(report)), indent=2) + "\n", encoding="utf-8")
