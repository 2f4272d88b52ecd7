"""SARIF 2.1.0 output of the findings, so CI code-scanning tools can show them."""

from __future__ import annotations

import json
import re
from pathlib import Path, PurePath
from typing import Any

from perfpilot import __version__
from perfpilot.artifacts.findings import Finding
from perfpilot.artifacts.report import RunReport
from perfpilot.redaction import redact_obj
from perfpilot.reports.wording import finding_title

LEVELS = {"high": "error", "medium": "warning", "low": "note"}


_KIND_PREFIX = re.compile(r"^[a-z_]+:(?!//)")  # e.g. "ddl:/srv/app/schema.sql", not "http://..."


def _file_uri(source: str, files: set[str], root: PurePath | None) -> str | None:
    """The evidence's file as a URI relative to the target's folder (absolute when outside it), or None for
    a connector or metric name (e.g. "k6", "node_exporter (db-1)")."""
    path = _KIND_PREFIX.sub("", source)
    if path.startswith("/"):
        absolute = PurePath(path)
        if root is not None and absolute.is_relative_to(root):
            return absolute.relative_to(root).as_posix()
        return absolute.as_uri()
    if path in files or (" " not in path and ("/" in path or bool(PurePath(path).suffix))):
        return path
    return None


def _physical_location(finding: Finding, files: set[str], target_file: str | None) -> dict[str, Any] | None:
    """Where the finding's first file evidence points (file and line); else the target file that declared
    the evidence and SLOs the finding was computed from (connector or metric evidence has no file)."""
    target = PurePath(target_file) if target_file else None
    root = target.parent if target is not None and target.is_absolute() else None
    for ref in finding.evidence:
        uri = _file_uri(ref.source, files, root) if ref.source else None
        if uri is not None:
            region = {"region": {"startLine": ref.line}} if ref.line else {}
            return {"artifactLocation": {"uri": uri}, **region}
    return {"artifactLocation": {"uri": target.name}} if target is not None else None


def sarif(report: RunReport) -> dict[str, Any]:
    findings = report.all_findings()
    files = {read.source for read in report.evidence_read}
    rules = sorted({f.kind for f in findings})
    results = []
    for f in findings:
        result: dict[str, Any] = {
            "ruleId": f.kind,
            "level": LEVELS[f.priority],
            "message": {"text": f"{finding_title(f.title, f.kind, f.subject)}. {f.root_cause}"},
            "partialFingerprints": {"perfpilotFindingId": f.id},
            "properties": {"impact": f.impact, "layer": f.layer, "subject": f.subject, "skill": f.skill},
        }
        location = _physical_location(f, files, report.target_file)
        if location is not None:
            result["locations"] = [{"physicalLocation": location}]
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
