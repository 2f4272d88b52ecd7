"""Per-request durations by endpoint from k6's CSV output, kept as a compact JSON file for the validator."""

from __future__ import annotations

import csv
import json
from collections import defaultdict
from collections.abc import Mapping
from pathlib import Path

# A run is captured request by request only up to this many expected requests (k6's CSV holds about a
# dozen rows per request; the JSON kept afterwards about 8 bytes per request).
MAX_CAPTURED_REQUESTS = 30_000


def durations_by_endpoint(csv_path: Path, names: Mapping[str, str]) -> dict[str, list[float]]:
    """'overall' and each endpoint (its `name` tag mapped through `names`) -> http_req_duration values."""
    found: dict[str, list[float]] = defaultdict(list)
    with csv_path.open(encoding="utf-8", newline="") as handle:
        for row in csv.DictReader(handle):
            if row.get("metric_name") != "http_req_duration":
                continue
            value = float(row["metric_value"])
            found["overall"].append(value)
            tag = row.get("name") or ""
            if tag:
                found[names.get(tag, tag)].append(value)
    return dict(found)


def write_durations(csv_path: Path, out_path: Path, names: Mapping[str, str]) -> Path | None:
    """Write {endpoint: [ms, ...]} next to the run's files; None when k6 wrote no CSV."""
    if not csv_path.is_file():
        return None
    durations = durations_by_endpoint(csv_path, names)
    out_path.write_text(
        json.dumps({k: [round(v, 3) for v in values] for k, values in durations.items()}), encoding="utf-8"
    )
    return out_path
