"""Instance inventory (YAML, JSON or CSV: a list, or {"instances": [...]}) -> Instance records.

Fields: name, role, instance_type, count, vcpu, memory_gib, hourly_usd, cpu_util_avg, cpu_util_p95,
cpu_util_max, mem_util_avg, mem_util_p95, mem_util_max (the measured peaks), pricing (on_demand,
reserved, spot), region (us-east-1...; `location` also read). Any other field is an error naming it
and its line. Utilisation fields take a fraction (0.42) or a percentage string ("42%"). Empty CSV cells
are left out. Keys are read without regard to case, and spellings operators use are accepted for
these fields (giving two spellings of one field is an error):

    instance_type  type, size, machine_type, vm_size
    vcpu           vcpus, cpus, cpu, cores
    memory_gib     memory_gb, mem_gib, mem_gb, ram_gib, ram_gb   (GB is read as GiB, as cloud sheets mean)
    hourly_usd     price_per_hour, hourly_price, hourly_cost, cost_per_hour
    count          instances, quantity
    cpu_util_avg   cpu_avg, cpu_utilization_avg, cpu_utilisation_avg
    cpu_util_p95   cpu_p95, cpu_utilization_p95, cpu_utilisation_p95
    cpu_util_max   cpu_max, cpu_utilization_max, cpu_utilisation_max
    mem_util_avg   mem_avg, memory_avg, memory_util_avg, memory_utilization_avg, memory_utilisation_avg
    mem_util_p95   mem_p95, memory_p95, memory_util_p95, memory_utilization_p95, memory_utilisation_p95
    mem_util_max   mem_max, memory_max, memory_util_max, memory_utilization_max, memory_utilisation_max
"""

from __future__ import annotations

import csv
import json
from collections.abc import Callable
from contextlib import suppress
from pathlib import Path
from typing import Any

from pydantic import ValidationError

from perfpilot.evidence.errors import EvidenceError, open_text, read_text
from perfpilot.evidence.models import Instance
from perfpilot.evidence.yaml_lines import line_of, yaml_documents

UTILISATION_FIELDS = (
    "cpu_util_avg", "cpu_util_p95", "cpu_util_max", "mem_util_avg", "mem_util_p95", "mem_util_max"
)
_SPELLINGS: dict[str, tuple[str, ...]] = {
    "instance_type": ("type", "size", "machine_type", "vm_size"),
    "vcpu": ("vcpus", "cpus", "cpu", "cores"),
    "memory_gib": ("memory_gb", "mem_gib", "mem_gb", "ram_gib", "ram_gb"),
    "hourly_usd": ("price_per_hour", "hourly_price", "hourly_cost", "cost_per_hour"),
    "count": ("instances", "quantity"),
    "region": ("location",),
    "cpu_util_avg": ("cpu_avg", "cpu_utilization_avg", "cpu_utilisation_avg"),
    "cpu_util_p95": ("cpu_p95", "cpu_utilization_p95", "cpu_utilisation_p95"),
    "cpu_util_max": ("cpu_max", "cpu_utilization_max", "cpu_utilisation_max"),
    "mem_util_avg": (
        "mem_avg",
        "memory_avg",
        "memory_util_avg",
        "memory_utilization_avg",
        "memory_utilisation_avg",
    ),
    "mem_util_p95": (
        "mem_p95",
        "memory_p95",
        "memory_util_p95",
        "memory_utilization_p95",
        "memory_utilisation_p95",
    ),
    "mem_util_max": (
        "mem_max",
        "memory_max",
        "memory_util_max",
        "memory_utilization_max",
        "memory_utilisation_max",
    ),
}
ALIASES: dict[str, str] = {alias: field for field, aliases in _SPELLINGS.items() for alias in aliases}
FIELDS = tuple(Instance.model_fields)


def field_of(key: object) -> str:
    """The field a key names: case and surrounding spaces ignored, operators' spellings mapped."""
    spelled = str(key).strip().lower()
    return ALIASES.get(spelled, spelled)


def _normalise(item: dict[str, Any], where: str, line_of_key: Callable[[str], int | None]) -> dict[str, Any]:
    """Map operators' spellings onto the fields; unknown or doubled fields raise, naming the key."""
    data: dict[str, Any] = {}
    for key, value in item.items():
        field = field_of(key)
        if field not in FIELDS:
            known = ", ".join(FIELDS)
            raise EvidenceError(
                where,
                line_of_key(key),
                f"unknown field {key!r} (fields: {known}; aliases in the inventory loader's docs)",
            )
        if field in data:
            raise EvidenceError(
                where, line_of_key(key), f"{key!r} and another spelling of {field!r} both given"
            )
        data[field] = value
    for key in UTILISATION_FIELDS:
        value = data.get(key)
        if isinstance(value, str) and value.strip().endswith("%"):
            with suppress(ValueError):  # left as is otherwise: validation reports it
                data[key] = float(value.strip()[:-1]) / 100
    return data


def _instance(item: Any, index: int, line: int | None, source: str) -> Instance:
    if not isinstance(item, dict):
        raise EvidenceError(source, line, f"instances[{index}] must be a mapping")
    try:
        data = _normalise(item, source, lambda key: line_of(item, key) or line)
    except EvidenceError as exc:
        raise EvidenceError(source, exc.line, f"instances[{index}]: {exc.message}") from None
    try:
        return Instance.model_validate(data)
    except ValidationError as exc:
        err = exc.errors(include_url=False)[0]
        field = ".".join(str(p) for p in err["loc"])
        key = _given_key(item, str(err["loc"][0])) if err["loc"] else None
        where = line_of(item, key) if key else line
        raise EvidenceError(source, where or line, f"instances[{index}].{field}: {err['msg']}") from None


def _given_key(item: dict[str, Any], field: str) -> str:
    """The key the file used for a field (an alias or the field itself)."""
    return next((k for k in item if field_of(k) == field), field)


def _items(document: Any, source: str) -> list[Any]:
    if isinstance(document, dict) and "instances" in document:
        document = document["instances"]
    if not isinstance(document, list):
        raise EvidenceError(source, None, "expected a list of instances or {instances: [...]}")
    return document


def _load_csv(path: Path, source: str) -> list[Instance]:
    instances: list[Instance] = []
    with open_text(path, source) as handle:
        reader = csv.DictReader(handle)
        for index, row in enumerate(reader):
            if None in row:
                raise EvidenceError(source, reader.line_num, "row has more cells than the header")
            item = {k.strip(): v.strip() for k, v in row.items() if v is not None and v.strip() != ""}
            instances.append(_instance(item, index, reader.line_num, source))
    return instances


def load_inventory(path: Path, *, source: str | None = None) -> list[Instance]:
    """Load an instance inventory; the format follows the suffix (.csv, .json, else YAML)."""
    label = source or str(path)
    suffix = path.suffix.lower()
    if suffix == ".csv":
        return _load_csv(path, label)
    text = read_text(path, label)
    if suffix == ".json":
        try:
            items = _items(json.loads(text), label)
        except json.JSONDecodeError as exc:
            raise EvidenceError(label, exc.lineno, f"not valid JSON: {exc.msg}") from None
        return [_instance(item, i, None, label) for i, item in enumerate(items)]
    documents = list(yaml_documents(text, label))
    if len(documents) != 1:
        raise EvidenceError(label, None, "expected one YAML document")
    items = _items(documents[0][0], label)
    return [_instance(item, i, line_of(item), label) for i, item in enumerate(items)]
