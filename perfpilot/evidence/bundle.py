"""EvidenceBundle: everything loaded from a target's sources, plus what was skipped and why."""

from __future__ import annotations

from pydantic import BaseModel, ConfigDict, Field

from perfpilot.artifacts.report import EvidenceRead, SkippedEvidence
from perfpilot.evidence.models import (
    AccessLogEntry,
    Dockerfile,
    ExplainPlan,
    Instance,
    K6Summary,
    K8sWorkload,
    MetricSample,
    MetricSeries,
    Trace,
)
from perfpilot.evidence.profile_models import Profile
from perfpilot.evidence.window_models import NodeUsage, ProcessUsage, ScrapeWindow
from perfpilot.target.spec import Target
from perfpilot.workload.models import WorkloadDigest


class EvidenceBundle(BaseModel):
    """The typed evidence one run works from."""

    model_config = ConfigDict(extra="forbid", arbitrary_types_allowed=True)

    target: Target
    metrics: list[MetricSample] = Field(
        default_factory=list,
        description="Every metric series read over its scrape window (see MetricSample).",
    )
    series: list[MetricSeries] = Field(default_factory=list, description="Every series with timed points.")
    windows: list[ScrapeWindow] = Field(default_factory=list, description="What time the metrics cover.")
    nodes: list[NodeUsage] = Field(default_factory=list, description="node_exporter usage per node.")
    processes: list[ProcessUsage] = Field(default_factory=list, description="process_* usage per target.")
    traces: list[Trace] = Field(default_factory=list)
    load_tests: list[K6Summary] = Field(default_factory=list)
    access_logs: list[AccessLogEntry] = Field(default_factory=list)
    workloads: list[WorkloadDigest] = Field(default_factory=list)
    dockerfiles: list[Dockerfile] = Field(default_factory=list)
    instances: list[Instance] = Field(default_factory=list)
    kubernetes: list[K8sWorkload] = Field(default_factory=list)
    plans: list[ExplainPlan] = Field(default_factory=list)
    profiles: list[Profile] = Field(
        default_factory=list, description="Stack profiles: recorded, or sampled live during the baseline."
    )
    skipped: list[SkippedEvidence] = Field(default_factory=list)
    read: list[EvidenceRead] = Field(
        default_factory=list, description="Every source the target names, with what it yielded."
    )

    def has(self, kind: str) -> bool:
        """Whether any evidence of this kind was loaded (kind is a field name above)."""
        value = getattr(self, kind, None)
        return bool(value)
