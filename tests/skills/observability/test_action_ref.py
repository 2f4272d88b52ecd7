"""The perfpilot action the generated workflow uses: perfpilot's repository by default, a target's `ci.action`
when it names one, and a clear error (file, line, field) for something that is not an action reference."""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml

from perfpilot.skills.observability.ci import github_workflow
from perfpilot.target import TargetError, load_target
from perfpilot.target.action_ref import ACTION_REF

TARGET = """name: shop
evidence:
  http:
    base_url: http://127.0.0.1:8080
    endpoints: [{name: product, path: /products/1}]
"""


def _uses(workflow: str) -> list[str]:
    steps = yaml.safe_load(workflow)["jobs"]["performance"]["steps"]
    return [s["uses"] for s in steps if "uses" in s and s.get("with", {}).get("target")]


def _target(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "target.yaml"
    path.write_text(text, encoding="utf-8")
    return path


def test_the_default_is_the_action_at_the_root_of_perfpilots_repository(tmp_path: Path) -> None:
    assert ACTION_REF == "perfpilot/perfpilot@main"
    spec = load_target(_target(tmp_path, TARGET))
    assert spec.ci.action == ACTION_REF
    assert _uses(github_workflow(spec.name, target_file="t.yaml", gate_path="g.js")) == [ACTION_REF]


@pytest.mark.parametrize(
    "action", ["my-org/perfpilot@v0.4.0", "my-org/tools/perfpilot@0123abcd", "./", "./vendor/perfpilot"]
)
def test_a_target_names_its_own_action(tmp_path: Path, action: str) -> None:
    spec = load_target(_target(tmp_path, TARGET + f"ci:\n  action: {action}\n"))
    assert spec.ci.action == action
    workflow = github_workflow(spec.name, target_file="t.yaml", gate_path="g.js", action_ref=spec.ci.action)
    assert _uses(workflow) == [action]


@pytest.mark.parametrize(
    "action", ["perfpilot/perfpilot", "perfpilot@main", "docker://perfpilot:1", "a/b@main\n- run: x", "../up"]
)
def test_something_else_is_refused_naming_the_line_and_field(tmp_path: Path, action: str) -> None:
    path = _target(tmp_path, TARGET + "ci:\n  action: " + yaml.safe_dump(action).split("\n...")[0])
    with pytest.raises(TargetError) as refused:
        load_target(path)
    message = str(refused.value)
    assert str(path) in message and "line 7, field 'ci.action'" in message
    assert "is not an action reference: write OWNER/REPO@REF, OWNER/REPO/PATH@REF or ./PATH" in message
