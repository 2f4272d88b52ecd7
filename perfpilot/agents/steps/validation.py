"""Step 4, validation: before/after against the targets, ROI, and the regression-prevention files."""

from __future__ import annotations

from pydantic import BaseModel

from perfpilot.agents.context import items_for
from perfpilot.agents.judgements import Judgement
from perfpilot.agents.session import ContextItem, StepSession
from perfpilot.agents.step import PolicySettings, SkillRequest, StepAgent
from perfpilot.agents.steps.profiling import database_notes, load_test
from perfpilot.artifacts import ValidationReport
from perfpilot.evidence.bundle import EvidenceBundle
from perfpilot.skills.validation.profile_shares import with_hot_function_shares


class ValidationJudgement(Judgement):
    pass


def context(evidence: EvidenceBundle, inputs: dict[str, BaseModel]) -> list[ContextItem]:
    return items_for(inputs, "plan") + items_for(inputs, "inventory")


def policy(session: StepSession, settings: PolicySettings) -> list[SkillRequest]:
    """Measure again when live (repeated: the after-state's own run-to-run noise), compare (measured or
    projected), then write the regression gates."""
    calls: list[SkillRequest] = []
    if session.skill_context.live and session.evidence.target.evidence.http is not None:
        calls.append(load_test(settings, settings.after_repeats, "after"))  # its own run-to-run noise
    calls.append(("performance-validator", {}))
    calls.append(("observability-stack-configurator", {"mode": "regression"}))
    return calls


def assemble(session: StepSession) -> ValidationReport:
    """The validator's comparison, with the regression-prevention files the configurator wrote."""
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
    inventory, load_tests = session.inputs.get("inventory"), session.outputs("load-test-runner")
    report = with_hot_function_shares(report, inventory, load_tests)  # the hot functions, before -> after
    if database := database_notes(session):
        report = report.model_copy(update={"notes": [*report.notes, *database]})
    return report


def judge(artifact: ValidationReport, j: ValidationJudgement, notes: list[str]) -> ValidationReport:
    return artifact.model_copy(update={"notes": [*artifact.notes, *j.notes]})


VALIDATION = StepAgent(
    name="validation",
    prompt="validation",
    skills=("load-test-runner", "performance-validator", "observability-stack-configurator"),
    budget=4000,
    output=ValidationReport,
    judgement=ValidationJudgement,
    inputs=("plan", "inventory", "root_cause"),
    context=context,
    policy=policy,
    assemble=assemble,
    judge=judge,
    goal="Before/after against targets, share of targets met, ROI, regression prevention.",
)
