"""Secret redaction: a golden table of inputs and expected outputs, nested objects, the log processor."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
import structlog
from pydantic import BaseModel, SecretStr
from structlog.testing import LogCapture

from perfpilot.redaction import MASK, redact, redact_obj, redact_processor

GOLDEN_FILE = Path(__file__).parents[1] / "fixtures" / "planners" / "redaction_golden.json"
GOLDEN = json.loads(GOLDEN_FILE.read_text())


@pytest.mark.parametrize("case", GOLDEN, ids=[case["name"] for case in GOLDEN])
def test_golden(case: dict[str, str]) -> None:
    assert redact(case["input"]) == case["expected"]


@pytest.mark.parametrize("case", GOLDEN, ids=[case["name"] for case in GOLDEN])
def test_idempotent(case: dict[str, str]) -> None:
    once = redact(case["input"])
    assert redact(once) == once


class _Conn(BaseModel):
    dsn: str
    password: SecretStr
    note: str = ""


def test_nested_objects_and_models() -> None:
    data: dict[str, Any] = {
        "password": "plain-but-named-secret",
        "servers": [{"dsn": "postgresql://u:pw1@h/db"}, ("x", "Authorization: Bearer tok3n-value")],
        "model": _Conn(dsn="mysql://root:pw2@h/db", password=SecretStr("pw3"), note="ok"),
        "count": 3,
        "empty_token": "",
    }
    out = redact_obj(data)
    dumped = json.dumps(out)
    for secret in ("plain-but-named-secret", "pw1", "pw2", "pw3", "tok3n-value"):
        assert secret not in dumped
    assert out["count"] == 3 and out["empty_token"] == ""
    assert out["servers"][1][0] == "x" and isinstance(out["servers"][1], tuple)
    assert out["model"] == {"dsn": "mysql://root:***@h/db", "password": MASK, "note": "ok"}


def test_structlog_processor_masks_every_event() -> None:
    capture = LogCapture()
    log = structlog.wrap_logger(None, processors=[redact_processor, capture], context_class=dict)
    log.info("connecting to postgresql://app:hunter2@db/shop", api_key="sk-ant-abcdefgh1234", attempt=1)
    (entry,) = capture.entries
    assert entry["event"] == "connecting to postgresql://app:***@db/shop"
    assert entry["api_key"] == MASK
    assert entry["attempt"] == 1
