"""The one step loop: fit context to the budget, ask the planner, run skills, charge tokens, submit."""

from __future__ import annotations

import json
from dataclasses import dataclass, replace
from typing import Any

from pydantic import BaseModel, ValidationError

from perfpilot.agents.budget import CONTEXT_SHARE, SUBMIT_RESERVE, fit_context, fit_text
from perfpilot.agents.judgements import Judgement
from perfpilot.agents.planners.base import Decision, Planner, PlannerError, SkillCall, Submit
from perfpilot.agents.rendering import render_artifact, render_skill_output
from perfpilot.agents.session import Budget, StepSession, ToolResult
from perfpilot.agents.step import StepAgent
from perfpilot.agents.tokens import count_tokens
from perfpilot.artifacts import Finding
from perfpilot.artifacts.report import StepRecord
from perfpilot.evidence.bundle import EvidenceBundle
from perfpilot.prompts import render
from perfpilot.skills.base import SkillContext
from perfpilot.skills.registry import SkillRegistry

MAX_TURNS = 12
PREFETCH_SHARE = 0.3


@dataclass
class StepOutcome:
    """A finished step: its artifact and how it ran."""

    artifact: BaseModel
    record: StepRecord


def step_prompt(agent: StepAgent, evidence: EvidenceBundle, skills: list[str]) -> str:
    target = evidence.target
    system = render(
        "system",
        target_name=target.name,
        architecture=target.architecture or "(not described)",
        slos=target.slos.model_dump_json(exclude_none=True, exclude_defaults=True) or "{}",
        budget=agent.budget,
    )
    return render(agent.prompt, system=system, skills=", ".join(skills) or "none")


def without_local_paths(text: str, session: StepSession) -> str:
    """Paths as a reader needs them: relative to the target's folder or the run's work folder. The same run
    in another checkout then reads (and replays) the same, and no machine layout leaks to a model."""
    workdir = session.skill_context.workdir.resolve()
    for prefix, label in ((session.evidence.target.root.resolve(), ""), (workdir, "<workdir>/")):
        text = text.replace(f"{prefix}/", label)
    return text


class StepRunner:
    """Runs step agents with a planner (and the offline planner as fallback) over one run's evidence."""

    def __init__(
        self,
        planner: Planner,
        registry: SkillRegistry,
        fallback: Planner | None = None,
        *,
        prefetch: bool = False,
    ) -> None:
        """With `prefetch`, the fallback (offline) policy's skill calls run before the planner is asked,
        so a model planner starts from computed results and spends its budget judging them."""
        self.planner = planner
        self.registry = registry
        self.fallback = fallback
        self.prefetch = prefetch and fallback is not None

    def run(
        self,
        agent: StepAgent,
        evidence: EvidenceBundle,
        inputs: dict[str, BaseModel],
        skill_context: SkillContext,
    ) -> StepOutcome:
        log = skill_context.log.bind(step=agent.name)
        available = list(agent.skills)
        prompt = step_prompt(agent, evidence, available)
        prompt_tokens = count_tokens(prompt)
        kept, dropped = fit_context(
            agent.context(evidence, inputs),
            max(0, int(agent.budget * CONTEXT_SHARE) - prompt_tokens),
        )
        session = StepSession(
            step=agent,
            prompt=prompt,
            context=kept,
            dropped=dropped,
            inputs=inputs,
            evidence=evidence,
            skill_context=skill_context,
            tool_schemas={name: self.registry.get(name).input_schema for name in available},
            budget=Budget(agent.budget),
        )
        if dropped:
            log.info("step.context_cut", dropped=dropped)
        planner = self.planner
        context_charged = False
        log.info("step.start", planner=planner.name, budget=agent.budget, skills=available)
        if self.prefetch and self.fallback is not None:
            self._prefetch(session, self.fallback, log)
        for _ in range(MAX_TURNS):
            if session.budget.remaining <= SUBMIT_RESERVE:
                session.must_submit = True
            try:
                decision = planner.decide(session)
            except PlannerError as exc:
                spent = getattr(exc, "usage", None)
                if spent is not None:
                    session.budget.charge(spent.input_tokens, spent.output_tokens, spent.model_calls)
                    # a model call's reported input paid for the prompt, context and results it read
                    context_charged = context_charged or spent.model_calls > 0
                if self.fallback is None or planner is self.fallback:
                    raise
                session.notes.append(
                    f"{planner.name} planner failed ({exc}); the offline planner finished the step"
                )
                log.warning("step.planner_fallback", error=str(exc))
                planner = self.fallback
                continue
            if decision.usage is not None:
                u = decision.usage
                session.budget.charge(u.input_tokens, u.output_tokens, u.model_calls)
                context_charged = True
            elif not context_charged:  # what the planner read: prompt, context and prefetched results
                read = prompt_tokens + sum(i.tokens for i in kept) + sum(r.tokens for r in session.results)
                session.budget.charge(input_tokens=read)
                context_charged = True
            if decision.note:
                session.notes.append(f"{planner.name}: {decision.note}")
            for action in decision.actions:
                if isinstance(action, Submit):
                    return self._finish(session, action, planner, decision, log)
                session.results.append(self._execute(session, action, charge=decision.usage is None, log=log))
        session.notes.append(
            f"Turn limit ({MAX_TURNS}) reached: the artifact was assembled from the skills' output."
        )
        return self._finish(session, Submit(agent.assemble(session)), planner, Decision(actions=()), log)

    def _prefetch(self, session: StepSession, policy: Planner, log: Any) -> None:
        """Run the skills the offline policy would call; a model is charged for them when it reads them."""
        for _ in range(MAX_TURNS):
            actions = [a for a in policy.decide(session).actions if isinstance(a, SkillCall)]
            if not actions:
                return
            for call in actions:
                session.results.append(
                    self._execute(session, call, charge=False, log=log, share=PREFETCH_SHARE)
                )

    def _execute(
        self, session: StepSession, call: SkillCall, *, charge: bool, log: Any, share: float = 1.0
    ) -> ToolResult:
        if call.skill not in session.tool_schemas:
            error = f"skill {call.skill!r} is not allowed in the {session.step.name} step"
            log.warning("step.tool_refused", skill=call.skill)
            return ToolResult(call, None, error, json.dumps({"error": error}), 0)
        registered = self.registry.get(call.skill)
        ctx = replace(
            session.skill_context,
            earlier={
                **session.skill_context.earlier,
                **{r.call.skill: r.output for r in session.results if r.output},
            },
        )
        try:
            output = registered.skill.invoke(call.arguments, ctx)
        except ValidationError as exc:
            error = f"invalid arguments for {call.skill}: {exc.errors(include_url=False)}"
            return self._result(session, call, None, error, charge, share)
        except Exception as exc:  # a skill failure is reported, never a crash of the run
            log.warning("step.skill_failed", skill=call.skill, error=str(exc))
            return self._result(session, call, None, f"{call.skill} failed: {exc}", charge, share)
        log.info("step.skill_done", skill=call.skill, findings=len(output.findings))
        return self._result(session, call, output, None, charge, share)

    def _result(
        self,
        session: StepSession,
        call: SkillCall,
        output: Any,
        error: str | None,
        charge: bool,
        share: float,
    ) -> ToolResult:
        text = render_skill_output(output) if output is not None else json.dumps({"error": error})
        text = without_local_paths(text, session)
        room = int(max(0, session.budget.remaining - SUBMIT_RESERVE) * share)
        rendered = fit_text(text, room)
        if rendered != text:
            session.notes.append(f"{call.skill} output cut to {room} tokens to fit the budget.")
        tokens = count_tokens(rendered)
        if charge:
            session.budget.charge(input_tokens=tokens)
        return ToolResult(call, output, error, rendered, tokens)

    def _finish(
        self, session: StepSession, submit: Submit, planner: Planner, decision: Decision, log: Any
    ) -> StepOutcome:
        agent = session.step
        artifact = self._validated(session, submit, log)
        if decision.usage is None:
            out_tokens = count_tokens(render_artifact(artifact))
            exhausted = out_tokens > session.budget.remaining
            session.budget.charge(output_tokens=min(out_tokens, session.budget.remaining))
        else:
            exhausted = session.budget.used >= session.budget.limit
        exhausted = exhausted or session.must_submit
        # What a model's API reported is said as counted, never capped to look within budget.
        reported = session.budget.model_calls > 0
        if reported and session.budget.used > agent.budget:
            session.notes.append(
                f"used {session.budget.used} tokens, over the step's budget of {agent.budget}: the API "
                "counted more than the request was sized for"
            )
        if exhausted and "budget_exhausted" in type(artifact).model_fields:
            artifact = artifact.model_copy(update={"budget_exhausted": True})
        record = StepRecord(
            name=agent.name,
            status="budget_exhausted" if exhausted else "ok",
            planner=planner.name,
            token_budget=agent.budget,
            tokens_used=session.budget.used if reported else min(session.budget.used, agent.budget),
            tokens_in=session.budget.input_tokens,
            tokens_out=session.budget.output_tokens,
            model_calls=session.budget.model_calls,
            skills_called=[r.call.skill for r in session.results],
            dropped_context=session.dropped,
            notes=session.notes,
        )
        log.info("step.done", status=record.status, tokens=record.tokens_used, budget=record.token_budget)
        return StepOutcome(artifact, record)

    def _validated(self, session: StepSession, submit: Submit, log: Any) -> BaseModel:
        """The submitted artifact as the step's output model; findings only as the skills computed them.
        A judgement (what model planners submit) is applied by the step to the artifact it assembles."""
        step = session.step
        if isinstance(submit.artifact, Judgement):
            return step.judge(step.assemble(session), submit.artifact, session.notes)
        try:
            raw = submit.artifact
            artifact = (
                raw
                if isinstance(raw, step.output)
                else step.output.model_validate(raw.model_dump() if isinstance(raw, BaseModel) else raw)
            )
        except ValidationError as exc:
            session.notes.append(
                f"submitted artifact invalid ({exc.error_count()} errors); assembled from skills"
            )
            log.warning("step.invalid_artifact", errors=exc.error_count())
            return step.assemble(session)
        return self._computed_findings_only(session, artifact)

    def _computed_findings_only(self, session: StepSession, artifact: BaseModel) -> BaseModel:
        """A submitted artifact keeps a finding only as a skill computed it (a planner may re-prioritise)."""
        submitted = getattr(artifact, "findings", None)
        if not isinstance(submitted, list) or not all(isinstance(f, Finding) for f in submitted):
            return artifact
        computed = {f.id: f for out in session.outputs() for f in out.findings}
        kept = [
            computed[f.id].model_copy(update={"priority": f.priority}) for f in submitted if f.id in computed
        ]
        invented = [f.id for f in submitted if f.id not in computed]
        if invented:
            session.notes.append(f"dropped findings no skill computed: {invented}")
        return artifact.model_copy(update={"findings": kept})
