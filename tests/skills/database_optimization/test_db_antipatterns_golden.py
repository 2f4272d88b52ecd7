"""Golden fixtures: each anti-pattern case gives exactly the expected check ids and rewrites."""

from __future__ import annotations

from pathlib import Path

import pytest
from golden_cases import CASES, expected, observed


def test_cases_exist_for_every_check() -> None:
    from perfpilot.skills.database_optimization.antipatterns import CHECKS

    covered = {item["check"] for case in CASES for item in expected(case)}
    assert covered == {check_id for check_id, _ in CHECKS}


@pytest.mark.parametrize("case", CASES, ids=[c.stem for c in CASES])
def test_antipattern_golden(case: Path) -> None:
    assert observed(case) == expected(case)
