"""Hypothesis profiles for the fuzz suite: `ci` (fixed seed, a few hundred cases per input) unless
PERFPILOT_FUZZ_PROFILE=long (thousands, random seed) for local runs; the figures close the session."""

from __future__ import annotations

import os

import pytest
from hypothesis import HealthCheck, settings

from tests.hardening.harness import FIGURES

_SLOW_OK = [HealthCheck.too_slow, HealthCheck.data_too_large, HealthCheck.function_scoped_fixture]
settings.register_profile(
    "ci", max_examples=200, derandomize=True, deadline=None, suppress_health_check=_SLOW_OK, database=None
)
settings.register_profile("long", max_examples=3000, deadline=None, suppress_health_check=_SLOW_OK)
settings.load_profile(os.environ.get("PERFPILOT_FUZZ_PROFILE", "ci"))


def scaled(share: float) -> int:
    """A share of the profile's cases, for inputs whose one case costs a whole command (at least 20)."""
    return max(20, int(settings.default.max_examples * share))


def pytest_terminal_summary(terminalreporter: pytest.TerminalReporter) -> None:
    for line in FIGURES.lines():
        terminalreporter.write_line(line)
