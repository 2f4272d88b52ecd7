"""cost-optimization-analyzer: the skill's typed input, output and run function."""

from __future__ import annotations

from pathlib import Path
from typing import Literal

from pydantic import Field

from perfpilot.artifacts import Baseline, Finding
from perfpilot.artifacts.findings import net_monthly_cost_change
from perfpilot.evidence.bundle import EvidenceBundle
from perfpilot.evidence.errors import EvidenceError
from perfpilot.evidence.models import Instance
from perfpilot.skills.base import Skill, SkillContext, SkillInput, SkillOutput
from perfpilot.skills.cost_optimization.capacity import (
    CapacityPlan,
    peak_load,
    plan_capacity,
    serving_instance,
)
from perfpilot.skills.cost_optimization.capacity_finding import capacity_findings, without_downsizing
from perfpilot.skills.cost_optimization.catalog import load_catalog
from perfpilot.skills.cost_optimization.fleet import analyse_fleet
from perfpilot.skills.cost_optimization.limits import limits_findings
from perfpilot.skills.cost_optimization.measured import with_measured_usage
from perfpilot.skills.cost_optimization.priced import Pricing
from perfpilot.skills.cost_optimization.pricing import DEFAULT_REGION, TARGET_UTILISATION
from perfpilot.skills.cost_optimization.process_peaks import with_process_peaks
from perfpilot.skills.cost_optimization.requests import requests_finding, subject_of
from perfpilot.skills.cost_optimization.rightsizing import is_idle
from perfpilot.skills.cost_optimization.scoring import SKILL_NAME
from perfpilot.skills.cost_optimization.serving import measured_traffic
from perfpilot.skills.cost_optimization.strategy import CpuPercentile, RequestStrategy
from perfpilot.skills.cost_optimization.usage import observed_usage, workload_usage
from perfpilot.skills.load_test.runs import load_test_runs
from perfpilot.skills.profiling.baseline import compute_baseline


class CostOptimizationInput(SkillInput):
    """Options for the cost analysis (the evidence comes from the context)."""

    target_utilisation: float = Field(
        default=TARGET_UTILISATION,
        gt=0.2,
        lt=1,
        description="p95 utilisation to size instances and requests to.",
    )
    include_kubernetes: bool = Field(default=True, description="Also analyse Kubernetes requests and limits.")
    cpu_percentile: CpuPercentile = Field(
        default="auto",
        description="auto: p99 serving, p95 batch-like.",
    )
    price_catalog: str | None = Field(default=None, description="Your prices.yaml-format file.")


CostDirection = Literal["decrease", "increase", "unchanged"]


class CostOptimizationOutput(SkillOutput):
    """Findings plus the fleet's monthly cost and how it moves when every finding is applied."""

    total_monthly_cost_usd: float = 0.0
    net_monthly_cost_change_usd: float = Field(
        default=0.0,
        description="Savings (negative) and increases (scale-up, scale-out: positive) of the instance "
        "findings in one sum, without overlaps.",
    )
    net_monthly_cost_change: CostDirection = Field(
        default="unchanged", description="Whether applying every finding lowers or raises the bill."
    )
    kubernetes_request_savings_usd_month: float = Field(
        default=0.0,
        description="Value of over-requested pod capacity less the value of under-requested capacity "
        "(negative: the requests must grow); realised only when nodes change, so kept apart from "
        "net_monthly_cost_change_usd.",
    )
    instances_analysed: int = 0
    containers_analysed: int = 0


def inventory_source(evidence: EvidenceBundle) -> str:
    """The inventory file relative to the target folder, for evidence references."""
    infra = evidence.target.evidence.infrastructure
    if infra is None or infra.inventory is None:
        return "inventory"
    path = Path(infra.inventory)
    try:
        return str(path.relative_to(evidence.target.root))
    except ValueError:
        return str(path)


def _kubernetes(evidence: EvidenceBundle, strategy: RequestStrategy) -> tuple[list[Finding], int, list[str]]:
    """Requests sized from usage where usage was measured; limits hygiene (and a note) where not."""
    usage = observed_usage(evidence.metrics, evidence.series)
    findings: list[Finding] = []
    unobserved: list[str] = []
    containers = 0
    for workload in evidence.kubernetes:
        for container in workload.containers:
            containers += 1
            observed = workload_usage(workload, container.name, usage)
            if observed is not None:
                found = requests_finding(workload, container, observed, strategy)
                findings.extend([found] if found else [])
            else:
                unobserved.append(subject_of(workload, container))
                findings.extend(limits_findings(workload, container))
    notes = (
        [
            f"no usage data for {', '.join(unobserved)}: requests not sized (give "
            "container_cpu_usage_seconds_total and container_memory_working_set_bytes over a window)"
        ]
        if unobserved
        else []
    )
    return findings, containers, notes


def _capacity_plans(
    ctx: SkillContext, instances: list[Instance], target_util: float
) -> tuple[list[CapacityPlan], list[str]]:
    """A plan per stress run with a breaking point, against the peak load; notes say what is missing."""
    evidence = ctx.evidence
    runs = [r for r in load_test_runs(evidence.load_tests, evidence.target.slos) if r.role == "stress"]
    if not runs:
        return [], []
    inventory = ctx.prior.inventory
    if inventory is not None:
        baseline = inventory.baseline
    else:  # the profiling step: this run's load test if one ran, else the recorded evidence
        live = getattr(ctx.earlier.get("load-test-runner"), "baseline", None)
        baseline = compute_baseline(evidence, live if isinstance(live, Baseline) else None)
    peak = peak_load(evidence.target.slos, baseline, {r.source for r in runs})
    if peak is None:
        return [], ["capacity plan skipped: no peak load (set slos.peak_rps, or give a steady load test)"]
    plans, notes = [], []
    for run in runs:
        plan = plan_capacity(run, peak, serving_instance(run, instances), target_util)
        if plan is None:
            notes.append(f"capacity plan skipped for {run.source}: no breaking point with a good load")
        else:
            plans.append(plan)
            notes.append(f"capacity plan: {plan.arithmetic()}")
    return plans, notes


def _pricing(inp: CostOptimizationInput, evidence: EvidenceBundle) -> tuple[Pricing, list[str]]:
    """The bundled catalog with the user's laid over it; a user file that cannot be read is a note and
    the bundled catalog is used."""
    if inp.price_catalog is None:
        return Pricing(load_catalog(), DEFAULT_REGION), []
    path = evidence.target.root / inp.price_catalog
    try:
        note = f"prices: {inp.price_catalog} over the bundled catalog"
        return Pricing(load_catalog(path), DEFAULT_REGION), [note]
    except EvidenceError as exc:
        return Pricing(load_catalog(), DEFAULT_REGION), [f"price catalog not used: {exc}"]


def run(inp: CostOptimizationInput, ctx: SkillContext) -> CostOptimizationOutput:
    """Analyse the instance inventory and Kubernetes workloads in the evidence."""
    evidence = ctx.evidence
    target_util = inp.target_utilisation
    instances, measured_notes = with_measured_usage(evidence.instances, evidence.nodes, target_util)
    instances, process_notes = with_process_peaks(instances, evidence.series)
    measured_notes += process_notes
    serving = {i.name: t for i in instances if (t := measured_traffic(i, evidence)) is not None}
    measured_notes += [
        f"{name} serves measured traffic ({traffic}): at low utilisation it is over-provisioned, not idle"
        for name, traffic in sorted(serving.items())
        if any(i.name == name and is_idle(i) for i in instances)
    ]
    pricing, price_notes = _pricing(inp, evidence)
    measured_notes += price_notes + [n for i in instances if (n := pricing.mismatch(i)) is not None]
    measured_notes += [
        f"no usage data for {i.name}: the inventory gives no CPU or memory utilisation, so it is not sized"
        for i in instances
        if i.cpu_util_p95 is None and i.cpu_util_avg is None and i.mem_util_p95 is None
    ]
    fleet = analyse_fleet(
        instances, inventory_source(evidence), evidence.target.architecture, target_util, serving, pricing
    )
    strategy = RequestStrategy(inp.cpu_percentile)
    k8s_findings, containers, k8s_notes = (
        _kubernetes(evidence, strategy) if inp.include_kubernetes else ([], 0, [])
    )
    measured_notes += k8s_notes
    k8s_savings = sum(  # decreases minus increases, netted
        f.estimate.current - f.estimate.expected
        for f in k8s_findings
        if f.estimate is not None and f.estimate.unit == "USD/month"
    )
    plans, capacity_notes = _capacity_plans(ctx, instances, target_util)
    notes = [*measured_notes, *capacity_notes]
    fleet_findings, withheld = without_downsizing(fleet.findings, plans)
    notes += withheld
    fleet.findings = fleet_findings + [f for plan in plans for f in capacity_findings(plan)]
    fleet.monthly_cost_change_usd = net_monthly_cost_change(fleet.findings) or 0.0
    if not evidence.instances:
        notes.append("no instance inventory in the evidence: instance checks skipped")
    if inp.include_kubernetes and not evidence.kubernetes:
        notes.append("no Kubernetes manifests in the evidence: request checks skipped")
    net = fleet.monthly_cost_change_usd
    direction: CostDirection = "decrease" if net < 0 else "increase" if net > 0 else "unchanged"
    if direction == "increase":
        notes.append(
            f"applying every finding raises the bill by ${net:,.2f}/month: the scale-ups and scale-outs "
            "cost more than the savings recover"
        )
    ctx.log.info("cost_analysis_done", findings=len(fleet.findings) + len(k8s_findings))
    return CostOptimizationOutput(
        findings=fleet.findings + k8s_findings,
        notes=notes,
        total_monthly_cost_usd=fleet.monthly_cost_usd,
        net_monthly_cost_change_usd=net,
        net_monthly_cost_change=direction,
        kubernetes_request_savings_usd_month=round(k8s_savings, 2),
        instances_analysed=len(evidence.instances),
        containers_analysed=containers,
    )


SKILL: Skill[CostOptimizationInput, CostOptimizationOutput] = Skill(
    name=SKILL_NAME,
    input_model=CostOptimizationInput,
    output_model=CostOptimizationOutput,
    run=run,
)
