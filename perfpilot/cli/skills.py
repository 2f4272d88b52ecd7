"""`perfpilot skills`: list, show and run registered skills."""

from __future__ import annotations

import json
from pathlib import Path

import typer

from perfpilot.cli.errors import fail

app = typer.Typer(help="List, show and run skills.", no_args_is_help=True)


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
    from perfpilot.skills.base import SkillContext
    from perfpilot.skills.registry import default_registry
    from perfpilot.target import TargetError, load_target

    registry = default_registry()
    if name not in registry:
        fail(f"unknown skill {name!r}; see `perfpilot skills list`")
    try:
        arguments = json.loads(input_file.read_text()) if input_file else {}
        spec = load_target(target)
    except (OSError, json.JSONDecodeError) as exc:
        fail(f"{input_file}: {exc}")
    except TargetError as exc:
        fail(str(exc))
    ctx = SkillContext(evidence=load_evidence(spec), workdir=workdir)
    try:
        output = registry.get(name).skill.invoke(arguments, ctx)
    except ValidationError as exc:
        fail(f"{input_file}: invalid input for {name}: {exc.errors(include_url=False)}")
    print(output.model_dump_json(indent=2))
