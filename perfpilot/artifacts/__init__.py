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
from perfpilot.artifacts.load_tests import BreakingPoint, FailedThreshold, LoadTestRole, LoadTestRun
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
    "BreakingPoint",
    "Change",
    "ChangeGroup",
    "ChangeInterval",
    "ChangeKind",
    "EndpointComparison",
    "EndpointStats",
    "EvidenceRef",
    "FailedThreshold",
    "Finding",
    "FixComplexity",
    "ImpactEstimate",
    "ImplementationPlan",
    "LatencyPercentiles",
    "Layer",
    "LoadTestRole",
    "LoadTestRun",
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
