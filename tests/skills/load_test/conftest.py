"""Fixtures for load-test-runner tests: a real loopback HTTP server (from tests/fixtures/load_test)."""

from __future__ import annotations

import importlib.util
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

_SERVER_FILE = Path(__file__).resolve().parents[2] / "fixtures" / "load_test" / "loopback_server.py"


def _server_module() -> Any:
    name = "perfpilot_test_loopback_server"
    if name not in sys.modules:
        spec = importlib.util.spec_from_file_location(name, _SERVER_FILE)
        assert spec is not None and spec.loader is not None
        module = importlib.util.module_from_spec(spec)
        sys.modules[name] = module
        spec.loader.exec_module(module)
    return sys.modules[name]


@pytest.fixture
def loopback() -> Iterator[Any]:
    """A LoopbackServer on 127.0.0.1 with /orders, /err, /slow and /limited routes."""
    with _server_module().serving() as server:
        yield server


@pytest.fixture
def loopback_module() -> Any:
    return _server_module()
