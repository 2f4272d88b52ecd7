"""Kubernetes limits hygiene without usage metrics: requests with no limits, limits far above requests."""

from __future__ import annotations

from perfpilot.artifacts import EvidenceRef, Finding, ImpactEstimate, Remediation
from perfpilot.evidence.models import K8sContainer, K8sWorkload
from perfpilot.skills.cost_optimization.pricing import LIMIT_TO_REQUEST_MAX
from perfpilot.skills.cost_optimization.requests import replicas_of, subject_of
from perfpilot.skills.cost_optimization.scoring import cost_finding

RECOMMENDED_LIMIT_TO_REQUEST = 2.0
"""Proposed limit = 2x request: burst room for start-up spikes while bounding overcommit."""

LIMITS_IMPACT_NOTE = (
    "impact = 0: a limits finding bounds overcommit risk (noisy neighbours, node OOM) but changes neither "
    "cost nor latency by itself"
)


def _ref(workload: K8sWorkload, container: K8sContainer) -> EvidenceRef:
    values = {
        name: float(value)
        for name in ("cpu_request", "cpu_limit", "memory_request_mib", "memory_limit_mib")
        if (value := getattr(container, name)) is not None
    }
    return EvidenceRef(
        source=workload.source or "kubernetes",
        line=workload.line,
        excerpt=f"{workload.kind} {workload.name} container {container.name} ({container.image})",
        values=values,
    )


def _limits_yaml(container: K8sContainer) -> str:
    lines = ["resources:", "  limits:"]
    if container.cpu_request:
        lines.append(f'    cpu: "{round(container.cpu_request * RECOMMENDED_LIMIT_TO_REQUEST * 1000)}m"')
    if container.memory_request_mib:
        lines.append(f'    memory: "{int(container.memory_request_mib * RECOMMENDED_LIMIT_TO_REQUEST)}Mi"')
    return "\n".join(lines) + "\n"


def _finding(
    workload: K8sWorkload,
    container: K8sContainer,
    kind: str,
    title: str,
    cause: str,
    estimate: ImpactEstimate,
) -> Finding:
    subject = subject_of(workload, container)
    return cost_finding(
        kind=kind,
        subject=subject,
        title=title,
        root_cause=cause,
        impact=0.0,
        estimate=estimate,
        remediation=Remediation(
            kind="config",
            title=(
                f"Set limits at {RECOMMENDED_LIMIT_TO_REQUEST:g}x requests for "
                f"{workload.name}/{container.name}"
            ),
            content=f"# {workload.kind} {workload.namespace}/{workload.name}, container {container.name}\n"
            + _limits_yaml(container),
            rollback=f"kubectl rollout undo {workload.kind.lower()}/{workload.name} -n {workload.namespace}",
            effort_days=0.25,
            risk="low",
        ),
        evidence=[_ref(workload, container)],
    )


def limits_findings(workload: K8sWorkload, container: K8sContainer) -> list[Finding]:
    """'k8s_missing_limits' when requests are set and no limit is; 'k8s_limit_far_above_request' past 4x."""
    has_request = bool(container.cpu_request or container.memory_request_mib)
    if has_request and container.cpu_limit is None and container.memory_limit_mib is None:
        replicas = replicas_of(workload)
        return [
            _finding(
                workload,
                container,
                "k8s_missing_limits",
                f"{workload.name}/{container.name} sets requests but no limits",
                "without limits a container can take every free core and byte on its node, starving its "
                "neighbours; usage metrics were not available to size from observed peaks.",
                ImpactEstimate(
                    metric=f"unbounded_containers:{subject_of(workload, container)}",
                    current=float(replicas),
                    expected=0.0,
                    unit="containers",
                    method=f"one per replica ({replicas}); {LIMITS_IMPACT_NOTE}",
                ),
            )
        ]
    worst: tuple[str, float] | None = None
    for resource, request, limit in (
        ("cpu", container.cpu_request, container.cpu_limit),
        ("memory", container.memory_request_mib, container.memory_limit_mib),
    ):
        if (
            request
            and limit
            and limit / request > LIMIT_TO_REQUEST_MAX
            and (worst is None or limit / request > worst[1])
        ):
            worst = (resource, limit / request)
    if worst is None:
        return []
    resource, ratio = worst
    return [
        _finding(
            workload,
            container,
            "k8s_limit_far_above_request",
            f"{workload.name}/{container.name} {resource} limit is {ratio:.1f}x its request",
            f"the scheduler reserves the request but the pod may burst to {ratio:.1f}x it (> "
            f"{LIMIT_TO_REQUEST_MAX:g}x), overcommitting nodes; usage metrics were not available.",
            ImpactEstimate(
                metric=f"{resource}_limit_to_request:{subject_of(workload, container)}",
                current=round(ratio, 3),
                expected=RECOMMENDED_LIMIT_TO_REQUEST,
                unit="ratio",
                method="limit / request from the manifest; proposed limit = "
                f"{RECOMMENDED_LIMIT_TO_REQUEST:g}x "
                f"request; {LIMITS_IMPACT_NOTE}",
            ),
        )
    ]
