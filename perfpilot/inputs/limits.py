"""Input limits per evidence kind (bytes, nesting, seconds): explicit value > environment > default."""

from __future__ import annotations

import os
import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Literal

EvidenceKind = Literal[
    "target",
    "metrics",
    "workload",
    "traces",
    "load_tests",
    "load_test_series",
    "access_logs",
    "containers",
    "inventory",
    "kubernetes",
    "plans",
    "ddl",
    "profiles",
]

MiB = 1 << 20
DEFAULT_MAX_BYTES: dict[str, int] = {
    "target": 1 * MiB,
    "metrics": 16 * MiB,  # a dense scrape at the cap: ~7 CPU s, ~510 MiB RSS (benchmarks/metrics_cap.py)
    "workload": 1024 * MiB,  # query logs stream and digest in parallel
    "traces": 64 * MiB,
    "load_tests": 64 * MiB,
    "load_test_series": 512 * MiB,  # k6 --out json/csv, one line per sample
    "access_logs": 512 * MiB,  # streamed line by line
    "containers": 1 * MiB,
    "inventory": 16 * MiB,
    "kubernetes": 16 * MiB,
    "plans": 16 * MiB,  # EXPLAIN output
    "ddl": 4 * MiB,  # a pg_dump --schema-only of ~2,000 tables; sqlglot parses ~4 CPU s per MiB
    "profiles": 64 * MiB,  # collapsed stacks, pprof (gzip'd: inflated up to 20x), speedscope JSON
}
"""Generous for real evidence, small enough that a run stays within a minute and a gigabyte."""

MAX_NESTING = 64
"""Deepest `[`/`{` nesting read from JSON or YAML: real evidence nests about a dozen levels."""

MAX_YAML_NODES = 200_000
"""Most YAML nodes a document may expand to through its aliases (a 'billion laughs' file needs 10^9)."""

DEFAULT_SOURCE_SECONDS = 60.0
"""Time budget for reading one source."""

ENV_PREFIX = "PERFPILOT_MAX_BYTES_"
ENV_SOURCE_SECONDS = "PERFPILOT_SOURCE_TIMEOUT_S"
_SIZE = re.compile(r"(?i)^\s*(\d+(?:\.\d+)?)\s*(b|k|kb|kib|m|mb|mib|g|gb|gib)?\s*$")
_UNITS = {"": 1, "b": 1, "k": 1 << 10, "m": 1 << 20, "g": 1 << 30}


def parse_size(text: str) -> int:
    """Bytes of '512', '64MiB', '1.5G' (binary units); ValueError naming the text otherwise."""
    match = _SIZE.match(text)
    if match is None:
        raise ValueError(f"not a size: {text!r} (write e.g. 64MiB)")
    unit = (match.group(2) or "").lower()[:1]
    return int(float(match.group(1)) * _UNITS[unit])


def human_size(size: int) -> str:
    """'16 MiB', '1.5 KiB', '300 B'."""
    for unit, scale in (("GiB", 1 << 30), ("MiB", 1 << 20), ("KiB", 1 << 10)):
        if size >= scale:
            return f"{size / scale:.1f}".removesuffix(".0") + f" {unit}"
    return f"{size} B"


def parse_caps(pairs: list[str]) -> dict[str, int]:
    """`--max-bytes KIND=SIZE` options as {kind: bytes}; ValueError naming a bad one."""
    caps: dict[str, int] = {}
    for pair in pairs:
        kind, sep, size = pair.partition("=")
        if not sep or kind not in DEFAULT_MAX_BYTES:
            kinds = ", ".join(DEFAULT_MAX_BYTES)
            raise ValueError(f"--max-bytes {pair!r}: write KIND=SIZE with KIND one of {kinds}")
        caps[kind] = parse_size(size)
    return caps


def parse_kind_cap(text: str, kind: str) -> int:
    """One kind's cap given as `SIZE` or `KIND=SIZE` (a command reading one kind of input); ValueError
    naming a bad value."""
    name, sep, size = text.rpartition("=")
    if sep and name != kind:
        raise ValueError(f"--max-bytes {text!r}: write SIZE or {kind}=SIZE")
    try:
        return parse_size(size)
    except ValueError as exc:
        raise ValueError(f"--max-bytes {text!r}: {exc}") from None


@dataclass(frozen=True)
class InputLimits:
    """Caps for one run: `explicit` (CLI or target.yaml) > the environment > the defaults."""

    explicit: Mapping[str, int] = field(default_factory=dict)
    environ: Mapping[str, str] = field(default_factory=lambda: dict(os.environ))

    def max_bytes(self, kind: str) -> int:
        """The byte cap for one evidence kind."""
        if kind in self.explicit:
            return self.explicit[kind]
        from_env = self.environ.get(ENV_PREFIX + kind.upper())
        if from_env:
            try:
                return parse_size(from_env)
            except ValueError as exc:
                raise ValueError(f"{ENV_PREFIX}{kind.upper()}: {exc}") from None
        return DEFAULT_MAX_BYTES.get(kind, 64 * MiB)

    def source_seconds(self) -> float:
        """Time budget for one source."""
        value = self.environ.get(ENV_SOURCE_SECONDS)
        try:
            return float(value) if value else DEFAULT_SOURCE_SECONDS
        except ValueError:
            raise ValueError(f"{ENV_SOURCE_SECONDS}: not a number: {value!r}") from None
