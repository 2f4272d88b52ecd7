"""Sample-dense Prometheus expositions at the metrics size cap, and what `perfpilot validate` costs on them.

Two shapes a real exporter writes: many short labelled counter samples (the densest a file gets), and
classic histograms (buckets with `le`, then _sum and _count) per route and method. Run

    python -m benchmarks.metrics_cap [--out DIR]

to write both files with a target.yaml each into DIR and print the `/usr/bin/time -v perfpilot validate`
figures (CPU seconds, peak RSS) for each.
"""

from __future__ import annotations

import argparse
import re
import subprocess
import sys
import tempfile
from collections.abc import Callable, Iterator
from pathlib import Path

from perfpilot.inputs.limits import DEFAULT_MAX_BYTES

CAP_BYTES = DEFAULT_MAX_BYTES["metrics"]
BUCKETS = ("0.005", "0.01", "0.025", "0.05", "0.1", "0.25", "0.5", "1", "2.5", "5", "+Inf")
METHODS = ("GET", "POST", "PUT", "DELETE")


def _counter_lines() -> Iterator[str]:
    yield "# HELP http_requests_total Requests served, by route and status code.\n"
    yield "# TYPE http_requests_total counter\n"
    number = 0
    while True:
        route, code = divmod(number, 5)
        yield f'http_requests_total{{route="/r{route}",code="{200 + 100 * code}"}} {number * 7 % 100_003}\n'
        number += 1


def _histogram_lines() -> Iterator[str]:
    yield "# HELP http_request_duration_seconds Request latency, by route and method.\n"
    yield "# TYPE http_request_duration_seconds histogram\n"
    number = 0
    while True:
        route, method = divmod(number, len(METHODS))
        labels = f'route="/api/v1/items/{route}",method="{METHODS[method]}"'
        total = 1000 + number % 997
        for rank, bound in enumerate(BUCKETS, start=1):
            count = total * rank // len(BUCKETS)
            yield f'http_request_duration_seconds_bucket{{{labels},le="{bound}"}} {count}\n'
        yield f"http_request_duration_seconds_sum{{{labels}}} {total * 0.042:.3f}\n"
        yield f"http_request_duration_seconds_count{{{labels}}} {total}\n"
        number += 1


def _fill(lines: Iterator[str], max_bytes: int) -> str:
    """Whole lines up to `max_bytes` (ASCII, so characters are bytes)."""
    parts: list[str] = []
    size = 0
    for line in lines:
        if size + len(line) > max_bytes:
            break
        parts.append(line)
        size += len(line)
    return "".join(parts)


def counter_exposition(max_bytes: int = CAP_BYTES) -> str:
    """Labelled counter samples (route, code), one per line, filling `max_bytes`."""
    return _fill(_counter_lines(), max_bytes)


def histogram_exposition(max_bytes: int = CAP_BYTES) -> str:
    """Histograms of 11 buckets plus _sum and _count per (route, method), filling `max_bytes`."""
    return _fill(_histogram_lines(), max_bytes)


SHAPES: dict[str, Callable[[int], str]] = {"counters": counter_exposition, "histograms": histogram_exposition}


def write_target(folder: Path, text: str) -> Path:
    """metrics.prom and a target.yaml naming it, in `folder`; returns the target's path."""
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "metrics.prom").write_text(text)
    target = folder / "target.yaml"
    target.write_text("name: metrics-at-cap\nevidence:\n  metrics:\n    - path: metrics.prom\n")
    return target


def _time_validate(target: Path) -> dict[str, str]:
    """CPU seconds and peak RSS of `perfpilot validate target` under GNU time -v."""
    perfpilot = Path(sys.executable).with_name("perfpilot")
    done = subprocess.run(
        ["/usr/bin/time", "-v", str(perfpilot), "validate", str(target)],
        capture_output=True, text=True, check=False,
    )
    figures = dict(re.findall(r"^\s*([^:\n]+):\s*(.+)$", done.stderr, re.MULTILINE))
    cpu = sum(float(figures.get(f"{kind} time (seconds)", "nan")) for kind in ("User", "System"))
    rss_mib = int(figures.get("Maximum resident set size (kbytes)", "0")) / 1024
    return {"exit": str(done.returncode), "cpu_s": f"{cpu:.1f}", "peak_rss_mib": f"{rss_mib:.0f}"}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--out", type=Path, default=None, help="folder for the files (default: a temp dir)")
    args = parser.parse_args()
    root = args.out or Path(tempfile.mkdtemp(prefix="metrics-cap-"))
    for shape, make in SHAPES.items():
        text = make(CAP_BYTES)
        samples = sum(1 for line in text.splitlines() if line and not line.startswith("#"))
        target = write_target(root / shape, text)
        print(shape, f"{len(text) / 2**20:.2f} MiB", f"{samples:,} samples", _time_validate(target), target)


if __name__ == "__main__":
    main()
