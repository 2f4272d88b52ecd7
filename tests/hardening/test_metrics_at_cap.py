"""A sample-dense exposition at the metrics size cap reads through the real CLI within the 1 GiB cap,
with room to spare: the loader keeps light records per sample and models only per series."""

from __future__ import annotations

from pathlib import Path

import pytest

from benchmarks.metrics_cap import CAP_BYTES, SHAPES, write_target
from tests.hardening.cli_bounds import MEMORY_CAP_BYTES, perfpilot

HEADROOM_BYTES = 768 << 20
"""'Well under 1 GiB': measured ~510 MiB (counters) and ~380 MiB (histograms) peak RSS at the cap."""


@pytest.mark.slow
@pytest.mark.parametrize("shape", sorted(SHAPES))
def test_an_exposition_at_the_cap_validates_well_under_a_gigabyte(tmp_path: Path, shape: str) -> None:
    text = SHAPES[shape](CAP_BYTES)
    assert CAP_BYTES - 200 < len(text.encode()) <= CAP_BYTES
    target = write_target(tmp_path / shape, text)
    outcome = perfpilot("validate", str(target), cwd=tmp_path, label=f"metrics at cap: {shape}")
    assert outcome.code == 0, outcome.stderr
    assert "valid target" in outcome.stdout
    assert 0 < outcome.peak_rss_bytes < HEADROOM_BYTES < MEMORY_CAP_BYTES
