"""Load target.yaml: validate it, resolve relative paths, and fail with the file, line and field."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import yaml
from pydantic import BaseModel, ValidationError

from perfpilot.target.spec import Target


class TargetError(Exception):
    """A target file that cannot be used; the message names the file, line and field."""

    def __init__(self, path: Path, problems: list[str]) -> None:
        self.path = path
        self.problems = problems
        super().__init__(f"{path}: invalid target\n" + "\n".join(f"  - {p}" for p in problems))


def _line_index(text: str) -> dict[tuple[str | int, ...], int]:
    """Map each YAML key path to its 1-based line, so errors can point at the line."""
    index: dict[tuple[str | int, ...], int] = {}

    def walk(node: yaml.Node, path: tuple[str | int, ...]) -> None:
        index.setdefault(path, node.start_mark.line + 1)
        if isinstance(node, yaml.MappingNode):
            for key, value in node.value:
                child = (*path, str(key.value))
                index[child] = key.start_mark.line + 1
                walk(value, child)
        elif isinstance(node, yaml.SequenceNode):
            for i, item in enumerate(node.value):
                walk(item, (*path, i))

    root = yaml.compose(text, Loader=yaml.SafeLoader)
    if root is not None:
        walk(root, ())
    return index


def _nearest_line(index: dict[tuple[str | int, ...], int], loc: tuple[str | int, ...]) -> int | None:
    for end in range(len(loc), -1, -1):
        if loc[:end] in index:
            return index[loc[:end]]
    return None


def _paths(model: BaseModel, loc: tuple[str | int, ...] = ()) -> Iterator[tuple[tuple[str | int, ...], Path]]:
    """Every Path-valued field in the model tree, with its location."""
    for name in type(model).model_fields:
        value = getattr(model, name)
        items = list(enumerate(value)) if isinstance(value, list) else [(None, value)]
        for i, item in items:
            here = (*loc, name) if i is None else (*loc, name, i)
            if isinstance(item, Path):
                yield here, item
            elif isinstance(item, BaseModel):
                yield from _paths(item, here)


def _resolve(model: BaseModel, root: Path) -> None:
    """Make every relative Path field absolute against the target's folder, in place."""
    for name in type(model).model_fields:
        value = getattr(model, name)
        if isinstance(value, Path) and not value.is_absolute():
            object.__setattr__(model, name, (root / value).resolve())
        elif isinstance(value, list):
            resolved = [
                (root / v).resolve() if isinstance(v, Path) and not v.is_absolute() else v for v in value
            ]
            object.__setattr__(model, name, resolved)
            for item in resolved:
                if isinstance(item, BaseModel):
                    _resolve(item, root)
        elif isinstance(value, BaseModel):
            _resolve(value, root)


def _absolute_sqlite_dsn(dsn: str, root: Path) -> str:
    """`sqlite:relative/file.db` made absolute against the target's folder (other DSNs unchanged)."""
    if not dsn.startswith("sqlite:"):
        return dsn
    rest = dsn[len("sqlite:") :]
    rest = rest[2:] if rest.startswith("//") else rest
    if not rest or rest.startswith("/"):
        return dsn
    return f"sqlite://{(root / rest).resolve()}"


def _resolve_dsns(target: Target, root: Path) -> None:
    ev = target.evidence
    if ev.database is not None and ev.database.dsn:
        object.__setattr__(ev.database, "dsn", _absolute_sqlite_dsn(ev.database.dsn, root))
    for source in ev.workload:
        if source.dsn:
            object.__setattr__(source, "dsn", _absolute_sqlite_dsn(source.dsn, root))


def _field(loc: tuple[str | int, ...]) -> str:
    return ".".join(str(p) for p in loc) or "(top level)"


def load_target(path: str | Path, *, check_files: bool = True) -> Target:
    """Read and validate a target file; relative paths resolve against its folder."""
    path = Path(path)
    try:
        text = path.read_text(encoding="utf-8")
    except OSError as exc:
        raise TargetError(path, [f"cannot read the file: {exc.strerror or exc}"]) from None
    try:
        data: Any = yaml.safe_load(text)
        index = _line_index(text)
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        where = f"line {mark.line + 1}: " if mark is not None else ""
        raise TargetError(path, [f"{where}not valid YAML: {getattr(exc, 'problem', exc)}"]) from None
    if not isinstance(data, dict):
        raise TargetError(path, ["the file must hold a mapping (name, slos, evidence, ...)"])
    try:
        target = Target.model_validate(data)
    except ValidationError as exc:
        problems = []
        for err in exc.errors(include_url=False):
            loc = tuple(err["loc"])
            line = _nearest_line(index, loc)
            at = f"line {line}, " if line else ""
            problems.append(f"{at}field '{_field(loc)}': {err['msg']}")
        raise TargetError(path, problems) from None
    root = path.resolve().parent
    _resolve(target, root)
    _resolve_dsns(target, root)
    target._root = root
    if check_files:
        missing = [
            f"line {_nearest_line(index, loc) or '?'}, field '{_field(loc)}': file not found: {p}"
            for loc, p in _paths(target)
            if not p.exists()
        ]
        if missing:
            raise TargetError(path, missing)
    return target
