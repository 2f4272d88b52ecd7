"""k6 end-of-test summary JSON (`--summary-export` or handleSummary `data`) -> K6Summary.

Both shapes give the same values: a rate metric's share is always under 'rate' (the export format's
'value' is renamed), trends keep k6's names ('avg', 'med', 'p(95)', ...) in milliseconds.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from perfpilot.evidence.errors import EvidenceError, read_text
from perfpilot.evidence.models import K6Metric, K6Summary, K6Threshold

_TYPES = frozenset({"trend", "rate", "counter", "gauge"})


def split_metric_name(key: str) -> tuple[str, dict[str, str]]:
    """`http_req_duration{name:GET /orders,expected_response:true}` -> (name, tags)."""
    if not key.endswith("}") or "{" not in key:
        return key, {}
    name, _, inner = key[:-1].partition("{")
    tags: dict[str, str] = {}
    for part in inner.split(","):
        tag, sep, value = part.partition(":")
        if not sep or not tag.strip():
            raise ValueError(f"bad sub-metric tag {part!r} in {key!r}")
        tags[tag.strip()] = value.strip()
    return name, tags


def _numeric(values: dict[str, Any]) -> dict[str, float]:
    return {k: float(v) for k, v in values.items() if isinstance(v, int | float) and not isinstance(v, bool)}


def _infer_type(values: dict[str, Any]) -> str:
    """The export format has no type field: infer it from the keys k6 writes for each type."""
    if "passes" in values or "fails" in values:
        return "rate"
    if "count" in values:
        return "counter"
    if "value" in values:
        return "gauge"
    return "trend"


def _metric(key: str, raw: Any, source: str) -> K6Metric:
    if not isinstance(raw, dict):
        raise EvidenceError(source, None, f"metrics[{key!r}] must be an object")
    try:
        name, tags = split_metric_name(key)
    except ValueError as exc:
        raise EvidenceError(source, None, str(exc)) from None
    if "values" in raw:  # handleSummary data
        kind = raw.get("type")
        if kind not in _TYPES or not isinstance(raw["values"], dict):
            raise EvidenceError(source, None, f"metrics[{key!r}]: unknown type {kind!r} or bad values")
        values = _numeric(raw["values"])
    else:  # --summary-export
        kind = _infer_type(raw)
        values = _numeric(raw)
        if kind == "rate" and "value" in values:
            values["rate"] = values.pop("value")
    return K6Metric(name=name, type=kind, tags=tags, values=values)


def _thresholds(key: str, raw: Any, exported: bool) -> list[K6Threshold]:
    """handleSummary writes {expr: {"ok": bool}}; --summary-export writes {expr: bool}, true = crossed."""
    found = raw.get("thresholds") if isinstance(raw, dict) else None
    if not isinstance(found, dict):
        return []
    result = []
    for expression, state in found.items():
        if isinstance(state, dict) and isinstance(state.get("ok"), bool):
            result.append(K6Threshold(metric=key, expression=str(expression), ok=state["ok"]))
        elif exported and isinstance(state, bool):
            result.append(K6Threshold(metric=key, expression=str(expression), ok=not state))
    return result


def _stage_targets(options: Any) -> list[float]:
    """Stage targets from options a summary may carry (top-level stages, or each scenario's)."""
    if not isinstance(options, dict):
        return []
    stage_lists = [options.get("stages")]
    scenarios = options.get("scenarios")
    if isinstance(scenarios, dict):
        stage_lists += [s.get("stages") for s in scenarios.values() if isinstance(s, dict)]
    targets = []
    for stages in stage_lists:
        for stage in stages if isinstance(stages, list) else []:
            target = stage.get("target") if isinstance(stage, dict) else None
            if isinstance(target, int | float) and not isinstance(target, bool):
                targets.append(float(target))
    return targets


def load_k6_summary(path: Path, *, source: str | None = None) -> K6Summary:
    """Load one k6 summary file; malformed JSON raises EvidenceError with the line."""
    label = source or str(path)
    try:
        document = json.loads(read_text(path, label))
    except json.JSONDecodeError as exc:
        raise EvidenceError(label, exc.lineno, f"not valid JSON: {exc.msg}") from None
    if not isinstance(document, dict) or not isinstance(document.get("metrics"), dict):
        raise EvidenceError(label, None, "not a k6 summary: no 'metrics' object")
    metrics = [_metric(key, raw, label) for key, raw in document["metrics"].items()]
    exported = not any(isinstance(raw, dict) and "values" in raw for raw in document["metrics"].values())
    thresholds = [t for key, raw in document["metrics"].items() for t in _thresholds(key, raw, exported)]
    state = document.get("state")
    duration_ms = state.get("testRunDurationMs") if isinstance(state, dict) else None
    duration_s = float(duration_ms) / 1000 if isinstance(duration_ms, int | float) else None
    if duration_s is None:  # --summary-export has no state: a counter's count / rate is the run time
        counter = next((m for m in metrics if m.name == "iterations" and not m.tags), None)
        if counter and counter.values.get("rate"):
            duration_s = counter.values.get("count", 0) / counter.values["rate"]
    return K6Summary(
        source=label,
        metrics=metrics,
        duration_s=duration_s,
        thresholds=thresholds,
        stage_targets=_stage_targets(document.get("options")),
    )


def find_metric(summary: K6Summary, name: str, tags: dict[str, str] | None = None) -> K6Metric | None:
    """The metric with exactly these tags; unlike K6Summary.metric, works for the common `name` tag."""
    wanted = tags or {}
    return next((m for m in summary.metrics if m.name == name and m.tags == wanted), None)
