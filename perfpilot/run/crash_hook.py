"""A pause between two nodes that only tests switch on, so a test can kill -9 a run at a known point."""

from __future__ import annotations

import os
import time
from pathlib import Path

HOLD_ENV = "PERFPILOT_TEST_HOLD_BEFORE"
MARKER_ENV = "PERFPILOT_TEST_HOLD_MARKER"


def hold_before() -> list[str] | None:
    """The node to stop before (from the test-only environment variable), or None in every real run."""
    node = os.environ.get(HOLD_ENV)
    return [node] if node else None


def holding_at(next_nodes: tuple[str, ...]) -> None:
    """When the run stopped before the held node (its checkpoint written), say so and wait to be killed."""
    node = os.environ.get(HOLD_ENV)
    if not node or node not in next_nodes:
        return
    marker = os.environ.get(MARKER_ENV)
    if marker:
        Path(marker).write_text(node, encoding="utf-8")
    while True:
        time.sleep(1)
