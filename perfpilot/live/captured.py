"""The evidence a live run captured, kept on disk so a resumed run works from the same measurements."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from perfpilot.evidence.bundle import EvidenceBundle
from perfpilot.target.spec import Target
from perfpilot.workload.models import StatementStream

CAPTURED_FILE = "evidence.json"


def save_captured(bundle: EvidenceBundle, folder: Path) -> Path:
    """Write the bundle (less its target, which is re-read from target.yaml) atomically into folder."""
    document: dict[str, Any] = {
        "bundle": bundle.model_dump(mode="json", exclude={"target"}),
        # fields the bundle's JSON leaves out on purpose (bounded in memory, never in a report)
        "streams": [[s.model_dump(mode="json") for s in w.streams] for w in bundle.workloads],
        "streams_truncated": [w.streams_truncated for w in bundle.workloads],
    }
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / CAPTURED_FILE
    partial = path.with_suffix(".partial")
    partial.write_text(json.dumps(document), encoding="utf-8")
    partial.replace(path)
    return path


def load_captured(folder: Path, target: Target) -> EvidenceBundle | None:
    """The bundle save_captured wrote, for target; None when no capture finished."""
    path = folder / CAPTURED_FILE
    if not path.is_file():
        return None
    document = json.loads(path.read_text(encoding="utf-8"))
    bundle = EvidenceBundle.model_validate({**document["bundle"], "target": target})
    workloads = [
        workload.model_copy(
            update={
                "streams": [StatementStream.model_validate(s) for s in streams],
                "streams_truncated": truncated,
            }
        )
        for workload, streams, truncated in zip(
            bundle.workloads, document["streams"], document["streams_truncated"], strict=True
        )
    ]
    return bundle.model_copy(update={"workloads": workloads})
