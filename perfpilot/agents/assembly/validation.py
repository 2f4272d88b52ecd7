"""Validation artifact: the validator skill's comparison, plus the regression-prevention files written."""

from __future__ import annotations

from perfpilot.agents.session import StepSession
from perfpilot.artifacts import ValidationReport


def assemble_validation(session: StepSession) -> ValidationReport:
    report: ValidationReport | None = None
    for output in reversed(session.outputs("performance-validator")):
        candidate = getattr(output, "report", None)
        if isinstance(candidate, ValidationReport):
            report = candidate
            break
    if report is None:
        report = ValidationReport(notes=["The validator did not run: nothing was compared."])
    written = [
        str(path)
        for output in session.outputs("observability-stack-configurator")
        for path in getattr(output, "artifacts", []) or []
    ]
    if written:
        report = report.model_copy(update={"artifacts": sorted({*report.artifacts, *written})})
    return report
