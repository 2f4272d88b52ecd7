"""Read incident folders: validate incident.yaml with errors naming file, line and field; build the target."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml
from pydantic import ValidationError

from perfpilot.evals.incident import Incident
from perfpilot.target.load import _line_index, _nearest_line, _paths, _resolve
from perfpilot.target.spec import Target

INCIDENT_FILE = "incident.yaml"
INCIDENTS_DIR = Path(__file__).resolve().parent / "incidents"


class IncidentError(Exception):
    """An incident that cannot be used; problems name the file, line and field."""

    def __init__(self, path: Path, problems: list[str]) -> None:
        self.path = path
        self.problems = problems
        super().__init__(f"{path}: invalid incident: " + "; ".join(problems))


@dataclass(frozen=True)
class LoadedIncident:
    """A valid incident, its folder, and its target with evidence paths resolved against the folder."""

    incident: Incident
    folder: Path
    target: Target


def _field(loc: tuple[str | int, ...]) -> str:
    return ".".join(str(p) for p in loc) or "(top level)"


def _problems(
    exc: ValidationError, index: dict[tuple[str | int, ...], int], prefix: tuple[str, ...]
) -> list[str]:
    problems = []
    for err in exc.errors(include_url=False):
        loc = (*prefix, *tuple(err["loc"]))
        line = _nearest_line(index, loc)
        at = f"line {line}, " if line else ""
        problems.append(f"{at}field '{_field(loc)}': {err['msg']}")
    return problems


def _read(path: Path) -> tuple[Any, dict[tuple[str | int, ...], int]]:
    try:
        text = path.read_text(encoding="utf-8")
    except OSError as exc:
        raise IncidentError(path, [f"cannot read the file: {exc.strerror or exc}"]) from None
    try:
        return yaml.safe_load(text), _line_index(text)
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        where = f"line {mark.line + 1}: " if mark is not None else ""
        raise IncidentError(path, [f"{where}not valid YAML: {getattr(exc, 'problem', exc)}"]) from None


def load_incident(folder: Path) -> LoadedIncident:
    """Validate `folder/incident.yaml` and its inline target; raise IncidentError naming line and field."""
    folder = folder.resolve()
    path = folder / INCIDENT_FILE
    data, index = _read(path)
    if not isinstance(data, dict):
        raise IncidentError(path, ["the file must hold a mapping (id, title, target, expectations, ...)"])
    try:
        incident = Incident.model_validate(data)
    except ValidationError as exc:
        raise IncidentError(path, _problems(exc, index, ())) from None
    try:
        target = Target.model_validate(incident.target)
    except ValidationError as exc:
        raise IncidentError(path, _problems(exc, index, ("target",))) from None
    _resolve(target, folder)
    target._root = folder
    missing = [
        f"line {_nearest_line(index, ('target', *loc)) or '?'}, field 'target.{_field(loc)}': "
        f"file not found: {p.relative_to(folder) if p.is_relative_to(folder) else p}"
        for loc, p in _paths(target)
        if not p.exists()
    ]
    if missing:
        raise IncidentError(path, missing)
    return LoadedIncident(incident=incident, folder=folder, target=target)


def incident_folders(paths: list[Path]) -> list[Path]:
    """Incident folders under the given paths (a folder holding incident.yaml, or a folder of them)."""
    found: list[Path] = []
    for path in paths or [INCIDENTS_DIR]:
        path = path.parent if path.name == INCIDENT_FILE else path
        if (path / INCIDENT_FILE).exists():
            found.append(path)
        elif path.is_dir():
            found += sorted(p for p in path.iterdir() if (p / INCIDENT_FILE).exists())
        else:
            found.append(path)
    return found
