"""The committed evidence of generated incidents is exactly what the seeded generators write."""

from __future__ import annotations

from pathlib import Path

import pytest

from perfpilot.evals.generate.scenarios import SCENARIOS, write_scenario
from perfpilot.evals.loading import INCIDENTS_DIR


@pytest.mark.parametrize("incident_id", sorted(SCENARIOS))
def test_committed_evidence_matches_the_generator(incident_id: str, tmp_path: Path) -> None:
    for path in write_scenario(incident_id, tmp_path):
        committed = INCIDENTS_DIR / incident_id / path.name
        assert committed.read_bytes() == path.read_bytes(), (
            f"regenerate: python -m perfpilot.evals.generate {incident_id}"
        )
        assert path.stat().st_size < 400_000, "keep incidents small"
