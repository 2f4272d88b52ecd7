"""The bad inputs issue #11 lists, each through the real CLI in a subprocess under the 1 GiB cap: the
expected exit code, no traceback, the file (and why) named; time and peak RSS go to the figures."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.hardening.cli_bounds import MEMORY_CAP_BYTES, perfpilot
from tests.hardening.nasty_inputs import NASTY, Nasty


@pytest.mark.parametrize("case", NASTY, ids=[case.name for case in NASTY])
def test_nasty_input(tmp_path: Path, case: Nasty) -> None:
    args = case.make(tmp_path)
    outcome = perfpilot(*args, cwd=tmp_path, env=case.env, label=f"nasty: {case.name}")
    assert outcome.code in case.exits, outcome.stderr
    assert "Traceback" not in outcome.stdout + outcome.stderr
    assert "internal error" not in outcome.stderr  # a bad input is named, not a crash
    if outcome.code == 2:
        for name in case.names:
            assert name in outcome.stderr, outcome.stderr
    assert outcome.peak_rss_bytes < MEMORY_CAP_BYTES
