"""Evidence: one loader per source format, together producing an EvidenceBundle."""

from perfpilot.evidence.access_log import iter_access_log, load_access_log
from perfpilot.evidence.bundle import EvidenceBundle
from perfpilot.evidence.dockerfile import load_dockerfile, parse_dockerfile
from perfpilot.evidence.errors import EvidenceError
from perfpilot.evidence.histograms import histogram_quantile
from perfpilot.evidence.inventory import load_inventory
from perfpilot.evidence.k6_summary import find_metric, load_k6_summary
from perfpilot.evidence.kubernetes import load_kubernetes
from perfpilot.evidence.load import load_evidence
from perfpilot.evidence.otlp import load_otlp
from perfpilot.evidence.prometheus import load_prometheus, parse_prometheus_text
from perfpilot.evidence.timeseries import load_timeseries

__all__ = [
    "EvidenceBundle",
    "EvidenceError",
    "find_metric",
    "histogram_quantile",
    "iter_access_log",
    "load_access_log",
    "load_dockerfile",
    "load_evidence",
    "load_inventory",
    "load_k6_summary",
    "load_kubernetes",
    "load_otlp",
    "load_prometheus",
    "load_timeseries",
    "parse_dockerfile",
    "parse_prometheus_text",
]
