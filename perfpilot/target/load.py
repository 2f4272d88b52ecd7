"""Load target.yaml: validate it, resolve relative paths, and fail with the file, line and field."""

from __future__ import annotations

import os
from collections.abc import Iterator, Mapping
from pathlib import Path
from typing import Any

import yaml
from pydantic import BaseModel, ByteSize, ValidationError

from perfpilot.inputs.files import InputRejected, check_file, check_nesting, decode_text, path_problem
from perfpilot.inputs.limits import InputLimits
from perfpilot.inputs.yaml_bounds import YamlTooLarge, expanded_size
from perfpilot.target.spec import Target


class TargetError(Exception):
    """A target file that cannot be used; the message names the file, line and field."""

    def __init__(self, path: Path, problems: list[str]) -> None:
        self.path = path
        self.problems = problems
        super().__init__(f"{path}: invalid target\n" + "\n".join(f"  - {p}" for p in problems))


def _line_index(document: str | yaml.Node | None) -> dict[tuple[str | int, ...], int]:
    """Map each YAML key path (of a text or a composed node) to its 1-based line, so errors can point at
    the line; aliases are not walked."""
    root = yaml.compose(document, Loader=yaml.SafeLoader) if isinstance(document, str) else document
    index: dict[tuple[str | int, ...], int] = {}
    seen: set[int] = set()

    def walk(node: yaml.Node, path: tuple[str | int, ...]) -> None:
        index.setdefault(path, node.start_mark.line + 1)
        if id(node) in seen:
            return  # an alias: its lines are those of the anchor, already indexed
        seen.add(id(node))
        if isinstance(node, yaml.MappingNode):
            for key, value in node.value:
                child = (*path, str(key.value))
                index[child] = key.start_mark.line + 1
                walk(value, child)
        elif isinstance(node, yaml.SequenceNode):
            for i, item in enumerate(node.value):
                walk(item, (*path, i))

    if root is not None:
        walk(root, ())
    return index


def _read(path: Path, cap: int | None) -> str:
    """The target file's text: a regular file under its cap, UTF-8 or UTF-8/16 with a BOM."""
    problem = path_problem(path)
    if problem is not None:
        raise TargetError(path, [problem])
    try:
        check_file(path, cap if cap is not None else InputLimits().max_bytes("target"))
        data = path.read_bytes()
        text = decode_text(data)
        check_nesting(data)
    except (InputRejected, ValueError) as exc:  # ValueError: a malformed PERFPILOT_MAX_BYTES_TARGET
        raise TargetError(path, [str(exc)]) from None
    except OSError as exc:
        raise TargetError(path, [f"cannot read the file: {exc.strerror or exc}"]) from None
    return text


def _parse(path: Path, text: str) -> tuple[Any, dict[tuple[str | int, ...], int]]:
    """The YAML document and its line index; aliases may not expand past the node budget."""
    try:
        loader = yaml.SafeLoader(text)  # the reader refuses control characters here already
    except yaml.YAMLError as exc:
        raise TargetError(path, [f"not valid YAML: {getattr(exc, 'problem', None) or exc}"]) from None
    try:
        node = loader.get_single_node()
        if node is None:
            return None, {}
        expanded_size(node)
        return loader.construct_document(node), _line_index(node)
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        where = f"line {mark.line + 1}: " if mark is not None else ""
        raise TargetError(path, [f"{where}not valid YAML: {getattr(exc, 'problem', exc)}"]) from None
    except YamlTooLarge as exc:
        raise TargetError(path, [str(exc)]) from None
    except RecursionError:
        raise TargetError(path, ["YAML nested too deeply to read"]) from None
    finally:
        loader.dispose()


def _file_problem(path: Path) -> str | None:
    """Why a named evidence path cannot be used at all (missing, NUL byte, symlink loop)."""
    problem = path_problem(path)
    if problem in ("the path contains a NUL byte", "symlink loop"):
        return f"{problem}: {str(path)!r}"
    try:
        return None if path.exists() else f"file not found: {path}"
    except OSError as exc:  # a name too long, a component that is not a folder, ...
        return f"unusable path: {exc.strerror or exc}"


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


def _absolute(path: Path) -> Path:
    """The path made absolute with symlinks resolved; as written (absolute) when it cannot be resolved
    (a symlink loop, a NUL byte): the file check then names the problem."""
    try:
        return path.resolve()
    except (OSError, RuntimeError, ValueError):
        return Path(os.path.abspath(path))


def _resolve(model: BaseModel, root: Path) -> None:
    """Make every relative Path field absolute against the target's folder, in place."""
    for name in type(model).model_fields:
        value = getattr(model, name)
        if isinstance(value, Path) and not value.is_absolute():
            object.__setattr__(model, name, _absolute(root / value))
        elif isinstance(value, list):
            resolved = [
                _absolute(root / v) if isinstance(v, Path) and not v.is_absolute() else v for v in value
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
    return f"sqlite://{_absolute(root / rest)}"


def _resolve_dsns(target: Target, root: Path) -> None:
    ev = target.evidence
    if ev.database is not None and ev.database.dsn:
        object.__setattr__(ev.database, "dsn", _absolute_sqlite_dsn(ev.database.dsn, root))
    for source in ev.workload:
        if source.dsn:
            object.__setattr__(source, "dsn", _absolute_sqlite_dsn(source.dsn, root))


def _field(loc: tuple[str | int, ...]) -> str:
    return ".".join(str(p) for p in loc) or "(top level)"


def load_target(
    path: str | Path, *, check_files: bool = True, max_bytes: Mapping[str, int] | None = None
) -> Target:
    """Read and validate a target file; relative paths resolve against its folder.

    max_bytes (from the command line) wins over the target's own `limits.max_bytes`."""
    path = Path(path)
    caps = dict(max_bytes or {})
    data, index = _parse(path, _read(path, caps.get("target")))
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
    target.limits.max_bytes.update({kind: ByteSize(size) for kind, size in caps.items()})  # type: ignore[misc]
    root = path.resolve().parent
    _resolve(target, root)
    _resolve_dsns(target, root)
    target._root = root
    if check_files:
        missing = [
            f"line {_nearest_line(index, loc) or '?'}, field '{_field(loc)}': {problem}"
            for loc, p in _paths(target)
            if (problem := _file_problem(p)) is not None
        ]
        if missing:
            raise TargetError(path, missing)
    return target
