"""Choose the planner for a run: offline (default) or Claude, with record/replay of model calls."""

from __future__ import annotations

from pathlib import Path

from perfpilot.agents.planners.base import Planner, PlannerError
from perfpilot.agents.planners.offline import OfflinePlanner


class PlannerChoiceError(Exception):
    """The planner asked for cannot be used (unknown name, no API key, bad recording folder)."""


def make_planner(
    name: str,
    *,
    model: str | None,
    record: Path | None,
    replay: Path | None,
    load_test_duration_s: float | None = None,
    load_test_rate_rps: float | None = None,
) -> Planner:
    if name == "offline":
        if record or replay:
            raise PlannerChoiceError("--record/--replay go with --planner claude")
        return OfflinePlanner(
            load_test_duration_s=load_test_duration_s, load_test_rate_rps=load_test_rate_rps
        )
    if name != "claude":
        raise PlannerChoiceError(f"--planner {name!r}: choose offline or claude")
    from perfpilot.agents.planners.claude import ClaudePlanner
    from perfpilot.agents.planners.recording import open_recorder
    from perfpilot.config import ModelSettings, SettingsError
    from perfpilot.skills.registry import default_registry

    try:
        recorder = open_recorder(record=record, replay=replay)
        return ClaudePlanner.for_registry(
            ModelSettings.resolve(model=model), default_registry(), recorder=recorder
        )
    except (PlannerError, SettingsError, OSError, ValueError) as exc:
        raise PlannerChoiceError(str(exc)) from None


def replay_failure(planner: Planner) -> str | None:
    """Why a `--replay` run failed to replay (a model call missing from the recording), if it did."""
    missing = getattr(planner, "replay_missing", None)
    return str(missing) if missing is not None else None
