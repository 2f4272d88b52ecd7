"""resource-saturation-analyzer: the skill's typed input, output and run function."""

from __future__ import annotations

from pydantic import Field

from perfpilot.artifacts import Finding
from perfpilot.evidence.bundle import EvidenceBundle
from perfpilot.skills.base import Skill, SkillContext, SkillInput, SkillOutput
from perfpilot.skills.load_test.runs import load_test_runs
from perfpilot.skills.resource_saturation.cpu_capacity import cpu_finding
from perfpilot.skills.resource_saturation.findings import SKILL_NAME
from perfpilot.skills.resource_saturation.memory_leak import leak_finding
from perfpilot.skills.resource_saturation.offered_load import offered_load
from perfpilot.skills.resource_saturation.pool import pool_finding
from perfpilot.skills.resource_saturation.pool_metrics import pool_stats


class SaturationInput(SkillInput):
    """Which resources to check (the evidence comes from the context)."""

    pools: bool = Field(default=True, description="Connection pools (pool metrics).")
    memory: bool = Field(default=True, description="Process memory growth (process metrics over time).")
    cpu: bool = Field(default=True, description="Node CPU saturation and a capacity plan (node_exporter).")


class SaturationOutput(SkillOutput):
    """Findings, plus how many of each resource were read."""

    pools_read: int = 0
    processes_read: int = 0
    nodes_read: int = 0


def _notes(evidence: EvidenceBundle, pools: int) -> list[str]:
    notes = []
    if not pools:
        notes.append("no connection-pool metrics (db_pool_*, hikaricp_*, db_client_connection*)")
    if not any(p.scrapes > 2 for p in evidence.processes):
        notes.append("no process metrics scraped three times or more: memory growth not judged")
    if not evidence.nodes:
        notes.append("no node_exporter metrics: node CPU not judged")
    return notes


def run(inp: SaturationInput, ctx: SkillContext) -> SaturationOutput:
    """Pools that make requests wait, memory that keeps growing, CPU that is saturated."""
    evidence = ctx.evidence
    load = offered_load(evidence)
    pools = pool_stats(evidence) if inp.pools else []
    findings: list[Finding] = []
    findings += [f for p in pools if (f := pool_finding(p, load, evidence)) is not None]
    if inp.memory:
        findings += [f for p in evidence.processes if (f := leak_finding(p, evidence)) is not None]
    if inp.cpu:
        runs = load_test_runs(evidence.load_tests, evidence.target.slos)
        findings += [f for n in evidence.nodes if (f := cpu_finding(n, evidence, load, runs)) is not None]
    ctx.log.info("saturation.done", findings=len(findings), pools=len(pools))
    return SaturationOutput(
        findings=findings,
        notes=_notes(evidence, len(pools)),
        pools_read=len(pools),
        processes_read=len(evidence.processes),
        nodes_read=len(evidence.nodes),
    )


SKILL: Skill[SaturationInput, SaturationOutput] = Skill(
    name=SKILL_NAME, input_model=SaturationInput, output_model=SaturationOutput, run=run
)
