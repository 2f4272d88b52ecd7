"""Hypothesis profiles for the fuzz suite: `ci` (fixed seed, CI-sized) unless PERFPILOT_FUZZ_PROFILE=long."""

from __future__ import annotations

import os

from hypothesis import HealthCheck, settings

_SLOW_OK = [HealthCheck.too_slow, HealthCheck.data_too_large, HealthCheck.function_scoped_fixture]
settings.register_profile(
    "ci", max_examples=30, derandomize=True, deadline=None, suppress_health_check=_SLOW_OK
)
settings.register_profile("long", max_examples=1500, deadline=None, suppress_health_check=_SLOW_OK)
settings.load_profile(os.environ.get("PERFPILOT_FUZZ_PROFILE", "ci"))
