"""Fixtures for observability-stack-configurator tests: a loopback HTTP server and the promtool binary."""

from __future__ import annotations

import importlib.util
import shutil
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

_TESTS = Path(__file__).resolve().parents[2]


def _module(name: str, path: Path) -> Any:
    """Load a helper file by path (tests/ is not a package, so it cannot be imported by name)."""
    if name not in sys.modules:
        spec = importlib.util.spec_from_file_location(name, path)
        assert spec is not None and spec.loader is not None
        module = importlib.util.module_from_spec(spec)
        sys.modules[name] = module
        spec.loader.exec_module(module)
    return sys.modules[name]


@pytest.fixture
def loopback() -> Iterator[Any]:
    """A LoopbackServer on 127.0.0.1 with /orders, /err, /slow and /limited routes."""
    server_module = _module(
        "perfpilot_test_loopback_server", _TESTS / "fixtures" / "load_test" / "loopback_server.py"
    )
    with server_module.serving() as server:
        yield server


@pytest.fixture(scope="session")
def promtool() -> str:
    """The promtool binary (Debian package prometheus); skipped with a hint, failed under CI."""
    shared = _module("perfpilot_tests_root_conftest", _TESTS / "conftest.py")
    found = shutil.which("promtool")
    shared.require("promtool", found is not None, "apt-get install prometheus")
    assert found is not None
    return found
