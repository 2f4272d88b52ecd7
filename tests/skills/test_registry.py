"""The skill registry: discovery of the bundled skills, and fail-fast validation of broken skill folders."""

from __future__ import annotations

from pathlib import Path

import pytest

from perfpilot.skills.registry import SkillDefinitionError, SkillRegistry, default_registry, load_skill_folder

BUNDLED = {
    "application-profiler",
    "container-image-optimizer",
    "cost-optimization-analyzer",
    "database-optimization-analyzer",
    "dependency-analyzer",
    "edge-computing-architect",
    "load-test-runner",
    "observability-stack-configurator",
    "performance-profiler",
    "performance-validator",
    "resource-saturation-analyzer",
}
BODY = "## When to use\nx\n## Inputs\nx\n## Outputs\nx\n"


def test_bundled_skills_are_registered_with_schemas() -> None:
    registry = default_registry()
    assert set(registry.names()) == BUNDLED
    for skill in registry:
        assert skill.description and len(skill.description) <= 1024
        assert skill.input_schema["type"] == "object"


def test_every_step_names_only_registered_skills() -> None:
    from perfpilot.agents.steps import STEPS, require_skills

    require_skills(STEPS.values(), default_registry().names())
    assert {name for step in STEPS.values() for name in step.skills} == BUNDLED


def test_a_step_naming_an_unregistered_skill_fails_at_start_up() -> None:
    from dataclasses import replace

    from perfpilot.agents.steps import ANALYSIS, UnknownSkillError, require_skills

    typo = replace(ANALYSIS, skills=("database-optimisation-analyzer",))
    with pytest.raises(UnknownSkillError, match="analysis: database-optimisation-analyzer"):
        require_skills([typo], default_registry().names())


def _folder(tmp_path: Path, front: str, body: str = BODY) -> Path:
    folder = tmp_path / "broken_skill"
    folder.mkdir()
    (folder / "SKILL.md").write_text(f"---\n{front}\n---\n{body}")
    return folder


@pytest.mark.parametrize(
    ("front", "body", "message"),
    [
        ("name: Not_Kebab\ndescription: d", BODY, "kebab-case"),
        ("name: ok-name", BODY, "'description' is required"),
        ("name: ok-name\ndescription: " + "x" * 1025, BODY, "max 1024"),
        ("name: ok-name\ndescription: d", "no sections here", "when to use"),
        ("name: [unclosed\ndescription: d", BODY, "not valid YAML"),
    ],
)
def test_broken_skill_md_fails_fast_naming_the_file(
    tmp_path: Path, front: str, body: str, message: str
) -> None:
    folder = _folder(tmp_path, front, body)
    with pytest.raises(SkillDefinitionError, match=message) as err:
        load_skill_folder(folder)
    assert "SKILL.md" in str(err.value)


def test_missing_front_matter(tmp_path: Path) -> None:
    folder = tmp_path / "x"
    folder.mkdir()
    (folder / "SKILL.md").write_text("# just a title\n")
    with pytest.raises(SkillDefinitionError, match="front matter"):
        load_skill_folder(folder)


def test_a_skill_without_code_is_not_registered(tmp_path: Path) -> None:
    folder = _folder(tmp_path, "name: ghost-skill\ndescription: nothing behind it")
    with pytest.raises(SkillDefinitionError, match="cannot import"):
        load_skill_folder(folder)
    with pytest.raises(SkillDefinitionError):
        SkillRegistry.discover(tmp_path)


def test_skill_name_must_match_its_code() -> None:
    real = default_registry().get("performance-profiler").folder
    assert load_skill_folder(real).skill.name == "performance-profiler"


def test_skills_run_from_the_command_line(tmp_path: Path) -> None:
    import json
    import subprocess
    import sys

    target = Path(__file__).resolve().parents[2] / "examples" / "recorded" / "target.yaml"
    out = subprocess.run(
        [
            sys.executable,
            "-m",
            "perfpilot.cli.app",
            "skills",
            "run",
            "performance-profiler",
            "--target",
            str(target),
            "--workdir",
            str(tmp_path),
        ],
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert out.returncode == 0, out.stderr
    assert json.loads(out.stdout)["inventory"]["bottlenecks"]
