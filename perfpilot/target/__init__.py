"""The target spec (target.yaml): what system to look at, its SLOs, and where its evidence is."""

from perfpilot.target.load import TargetError, load_target
from perfpilot.target.spec import (
    DatabaseSource,
    Endpoint,
    EvidenceSources,
    HttpSource,
    InfrastructureSource,
    LoadTestRole,
    LoadTestSource,
    MetricsSource,
    Slos,
    Target,
    WorkloadSource,
)

__all__ = [
    "DatabaseSource",
    "Endpoint",
    "EvidenceSources",
    "HttpSource",
    "InfrastructureSource",
    "LoadTestRole",
    "LoadTestSource",
    "MetricsSource",
    "Slos",
    "Target",
    "TargetError",
    "WorkloadSource",
    "load_target",
]
