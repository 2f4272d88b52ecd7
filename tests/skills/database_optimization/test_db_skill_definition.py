"""The skill folder passes the registry's checks and its input model stays small and bounded."""

from __future__ import annotations

from pathlib import Path

import pytest
from pydantic import ValidationError

import perfpilot.skills.database_optimization as package
from perfpilot.skills.database_optimization.skill import DbAnalyzerInput
from perfpilot.skills.registry import load_skill_folder


def test_registry_accepts_the_folder() -> None:
    registered = load_skill_folder(Path(package.__file__).parent)
    assert registered.name == "database-optimization-analyzer"
    assert len(registered.description) <= 1024
    expected = {"top_shapes", "focus_tables", "include_index_advice"}
    assert set(registered.input_schema["properties"]) >= expected


@pytest.mark.parametrize("bad", [{"top_shapes": 0}, {"min_repeats": 1}, {"unknown": True}])
def test_input_rejects_bad_arguments(bad: dict[str, object]) -> None:
    with pytest.raises(ValidationError):
        DbAnalyzerInput.model_validate(bad)
