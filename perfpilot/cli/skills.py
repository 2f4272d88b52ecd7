"""`perfpilot skills`: list, show and run registered skills."""

from __future__ import annotations

import json
from pathlib import Path

import typer

from perfpilot.cli.errors import fail

app = typer.Typer(help="List, show and run skills.", rich_markup_mode=None, no_args_is_help=True)


@app.command("list")
def list_skills() -> None:
    """Every registered skill with the first line of its description."""
    from perfpilot.skills.registry import default_registry

    for skill in default_registry():
        print(f"{skill.name:34} {skill.description.splitlines()[0][:90]}")


@app.command("show")
def show(name: str) -> None:
    """A skill's SKILL.md and its input schema."""
    from perfpilot.skills.registry import default_registry

    registry = default_registry()
    if name not in registry:
        fail(f"unknown skill {name!r}; see `perfpilot skills list`")
    skill = registry.get(name)
    print(f"# {skill.name}\n\n{skill.description}\n\n{skill.instructions}\n\n## Input schema\n")
    print(json.dumps(skill.input_schema, indent=2))


@app.command("run")
def run(
    name: str,
    input_file: Path | None = typer.Option(None, "--input", help="JSON file of the skill's input."),
    target: Path = typer.Option(..., "--target", help="target.yaml whose evidence the skill reads."),
    workdir: Path = typer.Option(Path("perfpilot-skill-run"), "--workdir"),
) -> None:
    """Run one skill on a target's evidence and print its output as JSON."""
    from pydantic import ValidationError

    from perfpilot.evidence.load import load_evidence
    from perfpilot.skills.base import SkillContext, SkillError
    from perfpilot.skills.registry import default_registry
    from perfpilot.target import TargetError, load_target

    registry = default_registry()
    if name not in registry:
        fail(f"unknown skill {name!r}; see `perfpilot skills list`")
    arguments = _read_input(input_file) if input_file else {}
    try:
        spec = load_target(target)
    except TargetError as exc:
        fail(str(exc))
    ctx = SkillContext(evidence=load_evidence(spec), workdir=workdir)
    try:
        output = registry.get(name).skill.invoke(arguments, ctx)
    except ValidationError as exc:
        fail(f"{input_file or 'input'}: invalid input for {name}: {exc.errors(include_url=False)}")
    except SkillError as exc:  # the skill cannot run on this target (e.g. no evidence.http to load-test)
        fail(f"{target}: {exc}")
    print(output.model_dump_json(indent=2))


def _read_input(path: Path) -> dict[str, object]:
    """A skill's --input: a JSON object from a regular file within the target's size cap, decoded and
    nesting-checked before the parser recurses; exit 2 naming the file otherwise."""
    from perfpilot.inputs.files import InputRejected, check_file, check_nesting, decode_text
    from perfpilot.inputs.limits import InputLimits

    try:
        check_file(path, InputLimits().max_bytes("target"))
        data = path.read_bytes()
        check_nesting(data)
        value = json.loads(decode_text(data))
    except (InputRejected, OSError, ValueError) as exc:  # ValueError: JSONDecodeError, a bad cap
        fail(f"{path}: {exc}")
    if not isinstance(value, dict):
        fail(f"{path}: the input must be a JSON object, not {type(value).__name__}")
    return value
