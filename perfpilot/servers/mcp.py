"""`perfpilot mcp`: skills, runs, resumes and reports over the MCP protocol, read-only by default."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Literal

from mcp.server.mcpserver import MCPServer
from mcp.server.mcpserver.exceptions import ResourceError, ToolError
from mcp.types import ToolAnnotations
from pydantic import Field

from perfpilot.artifacts.report import RunReport
from perfpilot.run.threads import ThreadNotFound, load_thread, new_thread_id
from perfpilot.servers.skill_tools import skill_tool
from perfpilot.skills.registry import default_registry

INSTRUCTIONS = (
    "perfpilot profiles, analyses, optimises and validates a system described by a target.yaml. "
    "Call a skill tool for one computation on recorded evidence, run_workflow for the whole workflow "
    "(each run is a thread with its own report), resume to answer an escalation, report to read a report."
)
WorkloadFormat = Literal["auto", "pg_stat_statements", "postgres_log", "mysql_slow", "sql", "jsonl", "otlp"]
READ_ONLY = ToolAnnotations(read_only_hint=True, destructive_hint=False, open_world_hint=False)
APPLY_REFUSED = (
    "refused: this server is read-only; applying a plan needs a server started with --allow-apply "
    "(and then goes to a sandbox copy only)"
)


def _summary(report: RunReport, out: Path) -> str:
    return json.dumps(
        {
            "thread_id": report.run_id,
            "status": report.status,
            "exit_code": report.exit_code,
            "tier": report.tier,
            "decision_path": report.decision_path,
            "escalation": report.escalation,
            "findings": [f"{f.id}: {f.title}" for f in report.findings],
            "report": f"perfpilot://reports/{report.run_id}",
            "folder": str(out),
        },
        indent=2,
    )


def build_server(out: Path, *, allow_apply: bool = False) -> MCPServer:
    """The MCP server: every skill, run_workflow / resume / report, and reports as resources under out."""
    tools = [skill_tool(s, out / "skills") for s in default_registry()]
    server = MCPServer(name="perfpilot", instructions=INSTRUCTIONS, tools=tools)

    def thread_folder(thread_id: str) -> Path:
        try:
            load_thread(out / thread_id, thread_id)
        except ThreadNotFound as exc:
            raise ToolError(str(exc)) from None
        return out / thread_id

    def perform(request: object) -> str:
        from perfpilot.run.request import RunInputError, RunRequest, perform_run

        assert isinstance(request, RunRequest)
        try:
            return _summary(perform_run(request), request.out)
        except RunInputError as exc:
            raise ToolError(str(exc)) from None

    @server.tool(annotations=READ_ONLY)
    def workload_digest(
        file: str = Field(
            description="Workload file: slow log, PostgreSQL log, pg_stat_statements CSV, SQL..."
        ),
        format: WorkloadFormat = "auto",
        dialect: Literal["postgres", "mysql", "sqlite"] | None = None,
        top: int | None = Field(None, ge=1, description="Only the N costliest query shapes"),
    ) -> str:
        """Group a query workload by fingerprint and rank the shapes by total time (`perfpilot db digest`)."""
        from perfpilot.workload.digest import digest_file
        from perfpilot.workload.errors import WorkloadError

        try:
            result = digest_file(Path(file), format, dialect, top)
        except WorkloadError as exc:
            raise ToolError(str(exc)) from None
        except OSError as exc:
            raise ToolError(f"{file}: {exc.strerror or exc}") from None
        return json.dumps(result.model_dump(mode="json"), indent=2)

    @server.tool()
    def run_workflow(
        target: str = Field(description="Path of the target.yaml to work on"),
        planner: Literal["offline", "claude"] = "offline",
        apply: Literal["none", "sandbox"] = Field(
            "none", description="'sandbox' applies the plan to a copy of the database (needs --allow-apply)"
        ),
    ) -> str:
        """Run the four-step workflow (profiling, analysis, optimization, validation) on a target; returns
        the thread id, status and findings. A headless escalation waits for `resume`."""
        from perfpilot.run.request import RunRequest

        if apply != "none" and not allow_apply:
            raise ToolError(APPLY_REFUSED)
        thread_id = new_thread_id()
        request = RunRequest(
            target=Path(target),
            out=out / thread_id,
            planner_name=planner,
            live=apply != "none",
            apply=apply,
            thread_id=thread_id,
        )
        return perform(request)

    @server.tool()
    def resume(
        thread_id: str = Field(description="Thread id returned by run_workflow"),
        answer: Literal["proceed", "stop"] | None = Field(
            None, description="The answer to the thread's pending escalation, if it has one"
        ),
    ) -> str:
        """Continue a thread from its last finished step, answering its escalation when asked to."""
        from perfpilot.run.request import RunInputError, resume_request

        folder = thread_folder(thread_id)
        try:
            request = resume_request(folder, thread_id, answer=answer)
        except RunInputError as exc:
            raise ToolError(str(exc)) from None
        if request.apply != "none" and not allow_apply:  # a live thread may apply again when resumed
            raise ToolError(APPLY_REFUSED)
        return perform(request)

    @server.tool(annotations=READ_ONLY)
    def report(
        thread_id: str = Field(description="Thread id returned by run_workflow"),
        format: Literal["json", "md"] = "md",
    ) -> str:
        """A thread's report as Markdown (default) or JSON."""
        path = thread_folder(thread_id) / f"report.{format}"
        if not path.is_file():
            raise ToolError(f"thread {thread_id} has no report.{format} yet")
        return path.read_text(encoding="utf-8")

    @server.resource("perfpilot://reports/{thread_id}", mime_type="application/json")
    def report_resource(thread_id: str) -> str:
        """A thread's report.json."""
        return _read(out, thread_id, "report.json")

    @server.resource("perfpilot://reports/{thread_id}/findings", mime_type="application/json")
    def findings_resource(thread_id: str) -> str:
        """A thread's findings (id, skill, kind, layer, subject, title, impact, priority)."""
        findings = json.loads(_read(out, thread_id, "report.json")).get("findings", [])
        return json.dumps(findings, indent=2)

    return server


def _read(out: Path, thread_id: str, name: str) -> str:
    if not thread_id.isalnum():
        raise ResourceError(f"{thread_id!r} is not a thread id")
    path = out / thread_id / name
    if not path.is_file():
        raise ResourceError(f"no {name} for thread {thread_id}")
    return path.read_text(encoding="utf-8")
