"""`perfpilot mcp` end to end over stdio with the MCP SDK's own client: tools, a skill, a run, a report."""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Any

import anyio
from mcp.client.session import ClientSession
from mcp.client.stdio import StdioServerParameters, stdio_client

from perfpilot.skills.registry import default_registry
from perfpilot.workload.digest import digest_file
from tests.conftest import ROOT

TARGET = ROOT / "examples" / "recorded" / "target.yaml"
LOG = ROOT / "examples" / "recorded" / "postgresql.log"


def _text(result: Any) -> str:
    return "".join(getattr(part, "text", "") for part in result.content)


async def _session_run(out: Path, errlog: Path, script: Any, *flags: str) -> Any:
    params = StdioServerParameters(
        command=sys.executable,
        args=["-m", "perfpilot.cli.app", "mcp", "--out", str(out), *flags],
        cwd=str(ROOT),
    )
    with errlog.open("w") as err:
        async with stdio_client(params, errlog=err) as (read, write), ClientSession(read, write) as session:
            await session.initialize()
            return await script(session)


def test_tools_a_skill_a_full_run_its_report_and_a_refused_apply(tmp_path: Path) -> None:
    out = tmp_path / "mcp"

    async def script(session: ClientSession) -> dict[str, Any]:
        tools = {t.name: t for t in (await session.list_tools()).tools}
        skill = await session.call_tool(
            "database-optimization-analyzer", {"target": str(TARGET), "top_shapes": 2}
        )
        digest = await session.call_tool("workload_digest", {"file": str(LOG), "top": 3})
        run = await session.call_tool("run_workflow", {"target": str(TARGET)})
        thread = json.loads(_text(run))["thread_id"]
        resource = await session.read_resource(f"perfpilot://reports/{thread}")
        findings = await session.read_resource(f"perfpilot://reports/{thread}/findings")
        markdown = await session.call_tool("report", {"thread_id": thread})
        refused = await session.call_tool("run_workflow", {"target": str(TARGET), "apply": "sandbox"})
        original = await session.call_tool("run_workflow", {"target": str(TARGET), "apply": "original"})
        return locals()

    got = anyio.run(_session_run, out, tmp_path / "server.log", script)
    tools = got["tools"]
    assert {s.name for s in default_registry()} | {
        "workload_digest",
        "run_workflow",
        "resume",
        "report",
    } == set(tools)
    db_schema = tools["database-optimization-analyzer"].input_schema
    assert db_schema["required"] == ["target"] and db_schema["properties"]["top_shapes"]["maximum"] == 500
    assert tools["database-optimization-analyzer"].annotations.read_only_hint is True

    assert not got["skill"].is_error
    skill_output = json.loads(_text(got["skill"]))
    assert skill_output["shapes_analyzed"] == 2  # the input schema reached the skill
    assert any(f["kind"] == "missing_index" for f in skill_output["findings"])

    expected_digest = digest_file(LOG, "auto", None, 3).model_dump(mode="json")
    assert json.loads(_text(got["digest"])) == expected_digest and len(expected_digest["queries"]) == 3

    assert not got["run"].is_error
    summary = json.loads(_text(got["run"]))
    assert summary["status"] == "projected" and summary["exit_code"] == 4
    assert summary["decision_path"] == ["profiling", "analysis", "optimization", "validation", "finish"]
    report = json.loads(got["resource"].contents[0].text)
    assert report["run_id"] == got["thread"] and report["status"] == "projected"
    assert json.loads(got["findings"].contents[0].text) == report["findings"]
    assert report == json.loads((out / got["thread"] / "report.json").read_text(encoding="utf-8"))
    assert _text(got["markdown"]).startswith("#")

    assert got["refused"].is_error and "refused: this server is read-only" in _text(got["refused"])
    assert got["original"].is_error  # not even a choice: the schema offers none and sandbox only
    assert [p.name for p in out.iterdir() if p.name != "skills"] == [got["thread"]]  # no run for refusals


def test_an_escalation_is_answered_through_resume(tmp_path: Path) -> None:
    import yaml

    incident_dir = ROOT / "perfpilot" / "evals" / "incidents" / "single-node-db-saturated"
    incident = yaml.safe_load((incident_dir / "incident.yaml").read_text(encoding="utf-8"))
    for name in ("metrics.prom", "inventory.yaml"):
        (tmp_path / name).write_bytes((incident_dir / name).read_bytes())
    (tmp_path / "target.yaml").write_text(yaml.safe_dump(incident["target"]), encoding="utf-8")

    async def script(session: ClientSession) -> tuple[dict[str, Any], dict[str, Any]]:
        first = json.loads(
            _text(await session.call_tool("run_workflow", {"target": str(tmp_path / "target.yaml")}))
        )
        answered = await session.call_tool("resume", {"thread_id": first["thread_id"], "answer": "proceed"})
        return first, json.loads(_text(answered))

    first, answered = anyio.run(_session_run, tmp_path / "mcp", tmp_path / "server.log", script)
    assert first["status"] == "escalated" and first["exit_code"] == 3
    assert answered["thread_id"] == first["thread_id"] and answered["tier"] == "T3"
    assert answered["decision_path"][:4] == ["profiling", "analysis", "escalation", "optimization"]


def test_resuming_a_thread_that_applies_is_refused_by_a_read_only_server(tmp_path: Path) -> None:
    from perfpilot.run.threads import ThreadRecord, save_thread

    out = tmp_path / "mcp"
    record = ThreadRecord(thread_id="abc123", target=str(TARGET), live=True, apply="sandbox")
    save_thread(out / "abc123", record)

    async def script(session: ClientSession) -> Any:
        return await session.call_tool("resume", {"thread_id": "abc123"})

    refused = anyio.run(_session_run, out, tmp_path / "server.log", script)
    assert refused.is_error and "refused: this server is read-only" in _text(refused)
    assert not (out / "abc123" / "report.json").exists()
