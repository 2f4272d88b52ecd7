"""Instance inventory (YAML, JSON or CSV: a list, or {"instances": [...]}) -> Instance records.

Utilisation fields take a fraction (0.42) or a percentage string ("42%"). Empty CSV cells are left out.
"""

from __future__ import annotations

import csv
import json
from contextlib import suppress
from pathlib import Path
from typing import Any

from pydantic import ValidationError

from perfpilot.evidence.errors import EvidenceError, open_text, read_text
from perfpilot.evidence.models import Instance
from perfpilot.evidence.yaml_lines import line_of, yaml_documents

_UTILISATION = ("cpu_util_avg", "cpu_util_p95", "mem_util_avg", "mem_util_p95")


def _normalise(item: dict[str, Any]) -> dict[str, Any]:
    data = dict(item)
    if "type" in data and "instance_type" not in data:
        data["instance_type"] = data.pop("type")
    for key in _UTILISATION:
        value = data.get(key)
        if isinstance(value, str) and value.strip().endswith("%"):
            with suppress(ValueError):  # left as is otherwise: validation reports it
                data[key] = float(value.strip()[:-1]) / 100
    return data


def _instance(item: Any, index: int, line: int | None, source: str) -> Instance:
    if not isinstance(item, dict):
        raise EvidenceError(source, line, f"instances[{index}] must be a mapping")
    try:
        return Instance.model_validate(_normalise(item))
    except ValidationError as exc:
        err = exc.errors(include_url=False)[0]
        field = ".".join(str(p) for p in err["loc"])
        where = line_of(item, str(err["loc"][0])) if err["loc"] else line
        raise EvidenceError(source, where or line, f"instances[{index}].{field}: {err['msg']}") from None


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
