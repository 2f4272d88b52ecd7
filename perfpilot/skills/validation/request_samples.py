"""Per-request durations by endpoint from the JSON file a load-test run wrote (Baseline.request_durations)."""

from __future__ import annotations

import json
from pathlib import Path

import structlog

log = structlog.get_logger(__name__)

MAX_BYTES = 64 * 1024 * 1024


def load_durations(path: str | None) -> dict[str, list[float]]:
    """Endpoint name ('overall' for all requests) -> durations in ms; empty when absent or unreadable."""
    if not path:
        return {}
    file = Path(path)
    try:
        if file.stat().st_size > MAX_BYTES:
            log.warning("validation.durations_too_large", path=path)
            return {}
        document = json.loads(file.read_text(encoding="utf-8"))
    except (OSError, json.JSONDecodeError) as exc:
        log.warning("validation.durations_unreadable", path=path, error=str(exc))
        return {}
    if not isinstance(document, dict):
        return {}
    return {
        str(name): [float(v) for v in values if isinstance(v, int | float)]
        for name, values in document.items()
        if isinstance(values, list)
    }
