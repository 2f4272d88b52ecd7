"""The public contract: pydantic models for every artifact a run produces."""

from perfpilot.artifacts.baseline import Baseline, EndpointStats, LatencyPercentiles, ResourceUsage
from perfpilot.artifacts.bottlenecks import Bottleneck, BottleneckInventory, SloBreach
from perfpilot.artifacts.common import EvidenceRef, Layer, Priority, stable_id
from perfpilot.artifacts.findings import (
    AnalysisOutcome,
    Finding,
    FixComplexity,
    ImpactEstimate,
    Remediation,
    RootCauseReport,
    rank_findings,
    unique_findings,
)
from perfpilot.artifacts.plan import Change, ChangeGroup, ChangeKind, ImplementationPlan, Risk
from perfpilot.artifacts.validation import (
    ChangeInterval,
    EndpointComparison,
    MetricComparison,
    Roi,
    ValidationReport,
)

__all__ = [
    "AnalysisOutcome",
    "Baseline",
    "Bottleneck",
    "BottleneckInventory",
    "Change",
    "ChangeGroup",
    "ChangeInterval",
    "ChangeKind",
    "EndpointComparison",
    "EndpointStats",
    "EvidenceRef",
    "Finding",
    "FixComplexity",
    "ImpactEstimate",
    "ImplementationPlan",
    "LatencyPercentiles",
    "Layer",
    "MetricComparison",
    "Priority",
    "Remediation",
    "ResourceUsage",
    "Risk",
    "Roi",
    "RootCauseReport",
    "SloBreach",
    "ValidationReport",
    "rank_findings",
    "stable_id",
    "unique_findings",
]
