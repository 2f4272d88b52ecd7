"""`langgraph dev` (the in-memory LangGraph Server) serves langgraph.json's graph on loopback: a thread run
through langgraph-sdk stops at the escalation interrupt and is resumed through the API to the end."""

from __future__ import annotations

import json
import os
import shutil
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import yaml

from tests.conftest import ROOT, require

ESCALATING = ROOT / "perfpilot" / "evals" / "incidents" / "single-node-db-saturated"
PORTS = range(18600, 18700)
OFFLINE_ENV = {  # nothing leaves the machine: no browser, no tunnel, no tracing, no version check
    "LANGGRAPH_CLI_NO_ANALYTICS": "1",
    "LANGSMITH_TRACING": "false",
    "LANGCHAIN_TRACING_V2": "false",
    "LANGGRAPH_NO_VERSION_CHECK": "true",
    "LANGSMITH_API_KEY": "",
    "LANGGRAPH_CLOUD_LICENSE_KEY": "",
}


def _free_port() -> int:
    for port in PORTS:
        with socket.socket() as sock:
            if sock.connect_ex(("127.0.0.1", port)) != 0:
                return port
    raise RuntimeError("no free port in 18600-18699")


def _escalating_config(folder: Path) -> Path:
    """The repository's langgraph.json with its paths made absolute and its target the escalating one."""
    incident = yaml.safe_load((ESCALATING / "incident.yaml").read_text(encoding="utf-8"))
    for name in ("metrics.prom", "inventory.yaml"):
        shutil.copy(ESCALATING / name, folder / name)
    (folder / "target.yaml").write_text(yaml.safe_dump(incident["target"]), encoding="utf-8")
    config = json.loads((ROOT / "langgraph.json").read_text(encoding="utf-8"))
    config["dependencies"] = [str(ROOT)]
    config["graphs"] = {
        name: str(ROOT / spec.split(":", 1)[0]) + ":" + spec.split(":", 1)[1]
        for name, spec in config["graphs"].items()
    }
    config["env"] = {"PERFPILOT_TARGET": str(folder / "target.yaml"), "PERFPILOT_WORKDIR": str(folder)}
    path = folder / "langgraph.json"
    path.write_text(json.dumps(config), encoding="utf-8")
    return path


@pytest.fixture
def server(tmp_path: Path) -> Iterator[str]:
    langgraph = Path(sys.executable).parent / "langgraph"
    require("langgraph-cli", langgraph.exists(), "pip install -e '.[dev]'")
    port = _free_port()
    config = _escalating_config(tmp_path)
    command = [
        str(langgraph), "dev", "--config", str(config), "--host", "127.0.0.1", "--port", str(port),
        "--no-browser", "--no-reload", "--allow-blocking",
    ]  # fmt: skip
    log = (tmp_path / "server.log").open("wb")
    process = subprocess.Popen(
        command, cwd=tmp_path, env={**os.environ, **OFFLINE_ENV}, stdout=log, stderr=subprocess.STDOUT
    )
    url = f"http://127.0.0.1:{port}"
    try:
        for _ in range(240):
            if process.poll() is not None:
                break
            with socket.socket() as sock:
                if sock.connect_ex(("127.0.0.1", port)) == 0:
                    break
            time.sleep(0.5)
        assert process.poll() is None, (tmp_path / "server.log").read_text(errors="replace")[-3000:]
        yield url
    finally:
        process.terminate()
        try:
            process.wait(timeout=30)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()
        log.close()


def _state(client: Any, thread_id: str) -> dict[str, Any]:
    state: dict[str, Any] = client.threads.get_state(thread_id)
    return state


def _headless_escalation(folder: Path) -> str:
    """What `perfpilot run` reports as the escalation of the same target (the question's reason)."""
    from perfpilot.evidence.load import load_evidence
    from perfpilot.run.graph_run import RunOptions, run_workflow
    from perfpilot.target import load_target

    evidence = load_evidence(load_target(folder / "target.yaml"))
    report = run_workflow(evidence, RunOptions(workdir=folder / "cli-work"))
    assert report.status == "escalated" and report.escalation
    return report.escalation


def test_a_thread_escalates_and_is_resumed_through_the_server_api(server: str, tmp_path: Path) -> None:
    from langgraph_sdk import get_sync_client

    client = get_sync_client(url=server)
    (assistant,) = client.assistants.search(graph_id="perfpilot")
    thread = client.threads.create()
    start = {"run_id": "server-1", "decision_path": [], "steps": [], "decisions": []}

    client.runs.wait(thread["thread_id"], assistant["assistant_id"], input=start)
    waiting = _state(client, thread["thread_id"])
    assert waiting["next"] == ["escalation"]
    (pending,) = waiting["interrupts"]
    assert pending["value"]["options"] == ["proceed", "stop"]
    assert pending["value"]["reason"] == _headless_escalation(tmp_path)
    assert waiting["values"]["decision_path"] == ["profiling", "analysis"]
    assert waiting["values"]["analysis_verdict"] == "architecture_limitation"

    client.runs.wait(thread["thread_id"], assistant["assistant_id"], command={"resume": "proceed"})
    done = _state(client, thread["thread_id"])
    assert done["next"] == [] and done["interrupts"] == []
    values = done["values"]
    assert values["decision_path"][:4] == ["profiling", "analysis", "escalation", "optimization"]
    assert values["decision_path"][-1] in ("finish", "redesign")
    assert values["human_decision"] == "proceed" and values["tier"] == "T3"
    assert [step["name"] for step in values["steps"]] == [
        "profiling", "analysis", "optimization", "validation",
    ]  # fmt: skip
