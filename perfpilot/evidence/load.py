"""load_evidence: every source a target names -> one EvidenceBundle; bad sources are skipped, not fatal."""

from __future__ import annotations

import csv
import importlib
import importlib.util
import os
import re
import time
from collections.abc import Callable, Sized
from functools import partial
from pathlib import Path
from typing import TypeVar
from urllib.parse import urlsplit, urlunsplit

import structlog
import yaml

from perfpilot.artifacts.report import EvidenceRead, SkippedEvidence
from perfpilot.evidence.access_log import load_access_log
from perfpilot.evidence.bundle import EvidenceBundle
from perfpilot.evidence.dockerfile import load_dockerfile
from perfpilot.evidence.errors import EvidenceError
from perfpilot.evidence.explain import load_explain, logged_plan
from perfpilot.evidence.gc_pause import cyclic_gc_paused
from perfpilot.evidence.inventory import load_inventory
from perfpilot.evidence.k6_summary import load_k6_summary
from perfpilot.evidence.k6_timeseries import load_k6_timeseries
from perfpilot.evidence.kubernetes import HpaBounds, apply_hpas, parse_manifests
from perfpilot.evidence.models import ExplainPlan, ExpositionSample, K6Summary, K8sWorkload
from perfpilot.evidence.node_usage import node_usage
from perfpilot.evidence.otlp import load_otlp
from perfpilot.evidence.process_usage import process_usage
from perfpilot.evidence.profiles import load_profile
from perfpilot.evidence.prometheus import load_prometheus, parse_prometheus_text
from perfpilot.evidence.scrape_window import MetricBatch, is_timed, join_series, scrape_windows, window_sample
from perfpilot.evidence.timeseries import load_timeseries
from perfpilot.inputs.budget import time_budget
from perfpilot.inputs.files import InputRejected, check_file, check_nesting, decode_text
from perfpilot.inputs.limits import EvidenceKind, InputLimits
from perfpilot.target.spec import LoadTestSource, MetricsSource, Target, WorkloadSource
from perfpilot.workload.models import WorkloadDigest

log = structlog.get_logger(__name__)
T = TypeVar("T")

LIVE_METRICS_TIMEOUT_S = 5.0
DIGEST_MODULE = "perfpilot.workload.digest"
SCHEMA_MODULE = "perfpilot.skills.database_optimization.catalog.ddl"


def source_label(path: Path, root: Path) -> str:
    """A path as reports show it: relative to the target's folder."""
    try:
        return os.path.relpath(path, root)
    except ValueError:  # another drive on Windows
        return str(path)


def redacted_url(url: str) -> str:
    """A URL without user info or query string, safe to log and report."""
    parts = urlsplit(url)
    host = parts.hostname or ""
    netloc = f"{host}:{parts.port}" if parts.port else host
    return urlunsplit((parts.scheme, netloc, parts.path, "", ""))


_NESTED_KINDS = frozenset({"metrics", "traces", "load_tests", "inventory", "kubernetes"})
"""Kinds read as JSON or YAML, whose nesting is checked before a parser recurses into it."""


def _count(value: object) -> int:
    """Usable items in a loaded value: its length, or 1 for a single record."""
    return len(value) if isinstance(value, Sized) else int(value is not None)


class _Loader:
    """Runs loaders for one bundle, turning failures into SkippedEvidence (or raising when strict).

    Every file is checked first: a regular file (never opened otherwise, so FIFOs and devices cannot
    block), within its kind's size cap, nesting bounded for JSON/YAML kinds, read within a time budget."""

    def __init__(self, target: Target, strict: bool) -> None:
        self.target = target
        self.strict = strict
        self.limits = InputLimits(explicit={str(k): int(v) for k, v in target.limits.max_bytes.items()})
        self.skipped: list[SkippedEvidence] = []
        self.read: list[EvidenceRead] = []

    def label(self, path: Path) -> str:
        return source_label(path, self.target.root)

    def skip(self, error: EvidenceError) -> None:
        if self.strict:
            raise error
        log.warning("evidence.skipped", file=error.source, line=error.line, reason=error.message)
        self.skipped.append(SkippedEvidence(source=error.source, line=error.line, reason=error.message))

    def run(self, label: str, load: Callable[[], T], count: Callable[[T], int] = _count) -> T | None:
        """The loaded value, noted with its item count in `read` (unreadable: skipped, noted as 0).

        Strict: a source with nothing usable in it (0 items) is an error naming it."""
        try:
            value = load()
            items = count(value)
            if self.strict and items == 0:
                raise EvidenceError(label, None, "nothing usable found in it (0 items)")
        except EvidenceError as exc:
            self.skip(exc)
        except OSError as exc:
            self.skip(EvidenceError(label, None, f"cannot read: {exc.strerror or exc}"))
        except (ValueError, UnicodeDecodeError, csv.Error) as exc:
            self.skip(EvidenceError(label, None, f"malformed: {exc}"))
        except RecursionError:
            self.skip(EvidenceError(label, None, "nested too deeply to read"))
        except yaml.YAMLError as exc:  # a loader that let the YAML parser's own error through
            mark = getattr(exc, "problem_mark", None)
            line = mark.line + 1 if mark is not None else None
            self.skip(EvidenceError(label, line, f"not valid YAML: {getattr(exc, 'problem', None) or exc}"))
        else:
            self.read.append(EvidenceRead(source=label, items=items))
            return value
        self.read.append(EvidenceRead(source=label, items=0, read=False))
        return None

    def load(
        self, path: Path, load_file: Callable[..., T], kind: EvidenceKind, count: Callable[[T], int] = _count
    ) -> T | None:
        """Call load_file(path, source=<label>) on a checked file, with failures handled."""
        label = self.label(path)

        def checked() -> T:
            try:
                check_file(path, self.limits.max_bytes(kind))
                with time_budget(self.limits.source_seconds()):
                    if kind in _NESTED_KINDS:
                        check_nesting(path.read_bytes())
                    return load_file(path, source=label)
            except InputRejected as exc:
                raise EvidenceError(label, None, str(exc)) from None

        return self.run(label, checked, count)


def _live_metrics(url: str, label: str) -> list[ExpositionSample]:
    import httpx  # only live sources need it

    try:
        response = httpx.get(
            url, timeout=LIVE_METRICS_TIMEOUT_S, headers={"Accept": "text/plain;version=0.0.4"}
        )
    except httpx.HTTPError as exc:
        raise EvidenceError(label, None, f"cannot fetch metrics: {type(exc).__name__}") from None
    if response.status_code != 200:
        raise EvidenceError(label, None, f"metrics endpoint answered HTTP {response.status_code}")
    return parse_prometheus_text(response.text, label)


def _metrics_batch(loader: _Loader, source: MetricsSource, *, live: bool) -> MetricBatch | None:
    """One source's samples or series, with its scrape time and target labels; None when skipped."""
    target_labels = {"instance": source.instance or "", "job": source.job or ""}
    scraped_at = source.scraped_at.timestamp() if source.scraped_at is not None else None
    if source.url is not None:
        if not live:
            return None
        label = redacted_url(source.url)
        url = source.url
        fetched_at = time.time()
        samples = loader.run(label, lambda: _live_metrics(url, label))
        if samples is None:
            return None
        stamp = scraped_at or fetched_at
        return MetricBatch(label, samples=samples, scraped_at=stamp, target_labels=target_labels)
    assert source.path is not None  # the spec guarantees exactly one of path or url
    path = source.path
    kind: str = source.format
    if kind == "auto":
        kind = {".json": "json", ".csv": "csv"}.get(path.suffix.lower(), "prometheus")
    batch = MetricBatch(loader.label(path), scraped_at=scraped_at, target_labels=target_labels)
    if kind == "prometheus":
        samples = loader.load(path, load_prometheus, "metrics")
        batch.samples = samples or []
        return batch if samples is not None else None
    series = loader.load(path, partial(load_timeseries, format=kind), "metrics")
    batch.series = series or []
    return batch if series is not None else None


def _load_metrics(loader: _Loader, bundle: EvidenceBundle, *, live: bool) -> None:
    """Join every metrics source into series and read them over their scrape windows."""
    sources = loader.target.evidence.metrics
    with cyclic_gc_paused():  # hundreds of thousands of acyclic records at the size cap
        found = [b for s in sources if (b := _metrics_batch(loader, s, live=live)) is not None]
        series = join_series(found)
        bundle.series = [s.model() for s in series if is_timed(s)]
        bundle.metrics = [window_sample(s) for s in series]
    bundle.windows = scrape_windows(series)
    bundle.nodes = node_usage(series)
    bundle.processes = process_usage(series)


def _digest(path: Path, *, workload: WorkloadSource, source: str, max_bytes: int) -> WorkloadDigest:
    label = source
    if importlib.util.find_spec(DIGEST_MODULE) is None:
        raise EvidenceError(label, None, f"workload digest unavailable ({DIGEST_MODULE} is not installed)")
    digest_file = importlib.import_module(DIGEST_MODULE).digest_file
    try:
        digest: WorkloadDigest = digest_file(
            path, format=workload.format, dialect=workload.dialect, max_bytes=max_bytes
        )
    except EvidenceError:
        raise
    except Exception as exc:  # the digest's own errors: its module defines them, not this one
        raise EvidenceError(label, getattr(exc, "line", None), str(exc) or type(exc).__name__) from exc
    return digest.model_copy(update={"source": label})


def _load_workloads(loader: _Loader, bundle: EvidenceBundle) -> None:
    for source in loader.target.evidence.workload:
        if source.path is None:
            continue  # live pg_stat_statements: the database skill connects itself
        digest = loader.load(
            source.path,
            partial(_digest, workload=source, max_bytes=loader.limits.max_bytes("workload")),
            "workload",
            lambda d: d.total_count,
        )
        if digest is not None:
            bundle.workloads.append(digest)
            bundle.plans.extend(_plans_in_log(loader, digest))


def _plans_in_log(loader: _Loader, digest: WorkloadDigest) -> list[ExplainPlan]:
    """The auto_explain plans of a server log; one that cannot be read is skipped with its line."""
    plans: list[ExplainPlan] = []
    for logged in digest.plans:
        try:
            plans.append(logged_plan(logged, digest.source))
        except EvidenceError as exc:
            loader.skip(EvidenceError(digest.source, logged.line, f"auto_explain plan: {exc.message}"))
    return plans


def _check_schema(loader: _Loader) -> None:
    """A schema DDL file that does not parse, wholly or in part, is skipped evidence with its line."""
    database = loader.target.evidence.database
    if database is None or database.ddl is None or importlib.util.find_spec(SCHEMA_MODULE) is None:
        return
    label = loader.label(database.ddl)
    try:
        check_file(database.ddl, loader.limits.max_bytes("ddl"))  # never hand a FIFO or device to the parser
    except InputRejected as exc:
        loader.skip(EvidenceError(label, None, str(exc)))
        return
    schema = importlib.import_module(SCHEMA_MODULE)
    try:
        with time_budget(loader.limits.source_seconds()):
            read = schema.read_ddl(database.ddl, database.dialect)
    except schema.DdlError as exc:
        loader.skip(EvidenceError(label, exc.line, f"schema unreadable: {exc.reason}"))
        return
    except InputRejected as exc:  # over the time budget
        loader.skip(EvidenceError(label, None, str(exc)))
        return
    for problem in read.problems:
        loader.skip(EvidenceError(label, problem.line, f"schema statement left out: {problem.reason}"))


def _load_kubernetes(loader: _Loader, paths: list[Path]) -> list[K8sWorkload]:
    workloads: list[K8sWorkload] = []
    hpas: list[HpaBounds] = []
    for path in paths:
        parsed = loader.load(path, parse_manifests, "kubernetes", lambda p: len(p[0]) + len(p[1]))
        if parsed is not None:
            workloads.extend(parsed[0])
            hpas.extend(parsed[1])
    return apply_hpas(workloads, hpas)


def _load_test(loader: _Loader, source: LoadTestSource) -> K6Summary | None:
    """One k6 run: its summary, with the declared role and the time series when given."""
    summary = loader.load(source.path, load_k6_summary, "load_tests", lambda s: len(s.metrics))
    if summary is None:
        return None
    timeline = None
    if source.timeseries is not None:
        cap = loader.limits.max_bytes("load_test_series")  # on the decompressed text of a .gz file too
        read_series = partial(load_k6_timeseries, max_bytes=cap)
        timeline = loader.load(source.timeseries, read_series, "load_test_series")
    return summary.model_copy(
        update={
            "role": source.role,
            "timeline": timeline,
            "processes": source.processes,
            "served_by": source.served_by,
        }
    )


_CREATE_TABLE = re.compile(r"(?i)\bcreate\s+(?:unlogged\s+|temporary\s+|temp\s+)?table\b")


def _check_ddl(loader: _Loader, ddl: Path) -> None:
    """--strict: the schema file (the database skill parses it) is a text file naming some table."""
    label = loader.label(ddl)
    try:
        check_file(ddl, loader.limits.max_bytes("ddl"))
        text = decode_text(ddl.read_bytes())
    except InputRejected as exc:
        raise EvidenceError(label, None, str(exc)) from None
    if not _CREATE_TABLE.search(text):
        raise EvidenceError(label, None, "no CREATE TABLE statement in it")


def load_evidence(target: Target, *, strict: bool = False, live: bool = True) -> EvidenceBundle:
    """Load every evidence source of the target. Bad sources land in bundle.skipped (strict: raise).

    live=False leaves out what must be fetched (metrics URLs): `perfpilot validate` reads files only.
    """
    loader = _Loader(target, strict)
    bundle = EvidenceBundle(target=target)
    evidence = target.evidence
    if strict and evidence.database is not None and evidence.database.ddl is not None:
        _check_ddl(loader, evidence.database.ddl)
    _load_metrics(loader, bundle, live=live)
    _load_workloads(loader, bundle)
    _check_schema(loader)
    for path in evidence.traces:
        bundle.traces.extend(loader.load(path, load_otlp, "traces") or [])
    for entry in evidence.load_tests:
        summary = _load_test(loader, entry)
        if summary is not None:
            bundle.load_tests.append(summary)
    for path in evidence.access_logs:
        bundle.access_logs.extend(loader.load(path, load_access_log, "access_logs") or [])
    for path in evidence.plans:
        bundle.plans.extend(loader.load(path, load_explain, "plans") or [])
    for declared in evidence.profiles:
        cap = loader.limits.max_bytes("profiles")
        read = partial(load_profile, declared=declared, max_bytes=cap)
        profile = loader.load(declared.path, read, "profiles")
        if profile is not None:
            bundle.profiles.append(profile)
    for path in evidence.containers:
        dockerfile = loader.load(path, load_dockerfile, "containers", lambda d: len(d.instructions))
        if dockerfile is not None:
            bundle.dockerfiles.append(dockerfile)
    infrastructure = evidence.infrastructure
    if infrastructure is not None:
        if infrastructure.inventory is not None:
            bundle.instances.extend(loader.load(infrastructure.inventory, load_inventory, "inventory") or [])
        bundle.kubernetes.extend(_load_kubernetes(loader, infrastructure.kubernetes))
    bundle.skipped.extend(loader.skipped)
    bundle.read.extend(loader.read)
    return bundle
